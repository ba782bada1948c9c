"""Plugin discovery, isolation of broken plugins, and the engine's dispatch and errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest

import engagekit
from engagekit import Component, ComponentEstimate, EstimateOptions, Money, PluginError, Project

GOOD = """
import attrs, engagekit
@attrs.frozen
class S:
    pass
@engagekit.hookimpl
def register_models(register):
    register(engagekit.ModelSpec(name="{model}", summary="fake", settings=S))
"""


@attrs.frozen
class Empty:
    pass


def project_with(model: str) -> Project:
    return Project(
        name="p",
        currency="EUR",
        components=(Component("c", model, date(2026, 1, 1), date(2026, 1, 31), Empty()),),
    )


class Fixed:
    """A toy model with a fixed estimate, to drive the engine."""

    def __init__(self, model="toy", effort=Decimal(10), cost="100", price="150"):
        self.model, self.effort, self.cost, self.price = model, effort, cost, price

    @engagekit.hookimpl
    def register_models(self, register):
        register(engagekit.ModelSpec(self.model, "toy", Empty))

    @engagekit.hookimpl
    def estimate(self, project, component, options):
        return ComponentEstimate(
            component.name,
            self.model,
            Money.of(self.cost, project.currency),
            Money.of(self.price, project.currency),
            engagekit.Distribution.point(self.effort),
        )


def test_builtin_models_are_registered_through_entry_points():
    engine = engagekit.create_engine()
    assert {"fixed-price", "time-material", "dedicated-team", "sla"} <= set(engine.models)
    assert all(p.status == "ok" for p in engine.plugins if p.distribution == "engagekit")


def test_builtins_can_be_blocked_like_any_plugin(monkeypatch):
    monkeypatch.setenv("ENGAGEKIT_DISABLE_PLUGINS", "sla, fixed-price")
    engine = engagekit.create_engine()
    assert "sla" not in engine.models and "fixed-price" not in engine.models
    status = {p.name: p.status for p in engine.plugins}
    assert status["sla"] == status["fixed-price"] == "blocked"
    assert status["time-material"] == "ok"


def test_a_plugin_that_fails_to_import_is_skipped_with_its_name(install_plugin):
    install_plugin(
        "engagekit-broken", "broken", "engagekit_broken", "raise ImportError('no numpy 3')"
    )
    engine = engagekit.create_engine()
    info = {p.name: p for p in engine.plugins}["broken"]
    assert info.status == "failed" and info.distribution == "engagekit-broken"
    assert "ImportError: no numpy 3" in info.error
    assert "time-material" in engine.models
    assert any("engagekit-broken" in p for p in engine.problems)


def test_strict_mode_turns_a_broken_plugin_into_an_error(install_plugin, monkeypatch):
    install_plugin("engagekit-broken", "broken", "engagekit_broken", "raise ImportError('x')")
    monkeypatch.setenv("ENGAGEKIT_STRICT_PLUGINS", "1")
    with pytest.raises(PluginError, match=r"plugin 'broken' \(engagekit-broken 1.0\)"):
        engagekit.create_engine()


def test_two_plugins_claiming_one_model_name_both_named(install_plugin):
    install_plugin("engagekit-sla2", "sla2", "engagekit_sla2", GOOD.format(model="sla"))
    engine = engagekit.create_engine()
    info = {p.name: p for p in engine.plugins}["sla2"]
    assert info.status == "failed"
    assert "model 'sla' is claimed by two plugins: 'sla' and 'sla2'" in info.error
    assert engine.models["sla"].plugin == "sla"


def test_a_misspelled_hook_is_caught(install_plugin):
    source = (
        GOOD.format(model="typo")
        + """
@engagekit.hookimpl
def estimat(project, component, options):
    return None
"""
    )
    install_plugin("engagekit-typo", "typo", "engagekit_typo", source)
    engine = engagekit.create_engine()
    info = {p.name: p for p in engine.plugins}["typo"]
    assert info.status == "failed" and "estimat" in info.error and "misspelled" in info.error
    assert "typo" not in engine.models


def test_an_argument_the_spec_lacks_fails_registration(install_plugin):
    source = (
        GOOD.format(model="extra")
        + """
@engagekit.hookimpl
def bill(project, component, period, invoice_date):
    return None
"""
    )
    install_plugin("engagekit-extra", "extra", "engagekit_extra", source)
    info = {p.name: p for p in engagekit.create_engine().plugins}["extra"]
    assert info.status == "failed" and "invoice_date" in info.error


def test_a_class_instead_of_an_instance_is_explained():
    info = engagekit.create_engine(plugins=[Fixed], entry_points=False).plugins[-1]
    assert info.status == "failed" and "have you forgotten the ()" in info.error


def test_registration_failure_is_isolated():
    class Bad:
        @engagekit.hookimpl
        def register_models(self, register):
            register("not a spec")

    engine = engagekit.create_engine(plugins=[Bad(), Fixed()], entry_points=False)
    assert [p.status for p in engine.plugins] == ["failed", "ok"]
    assert "toy" in engine.models


def test_a_hook_that_raises_names_the_plugin():
    class Raises(Fixed):
        @engagekit.hookimpl
        def estimate(self, project, component, options):
            return {}["boom"]

    engine = engagekit.create_engine(plugins=[("raiser", Raises())], entry_points=False)
    with pytest.raises(PluginError, match="plugin 'raiser' raised KeyError in hook 'estimate'"):
        engine.estimate(project_with("toy"))


def test_a_hook_returning_the_wrong_type_breaks_the_contract():
    class Wrong(Fixed):
        @engagekit.hookimpl
        def estimate(self, project, component, options):
            return {"cost": 1}

    engine = engagekit.create_engine(plugins=[("wrong", Wrong())], entry_points=False)
    with pytest.raises(
        PluginError, match="'wrong' broke the contract: hook 'estimate' returned dict"
    ):
        engine.estimate(project_with("toy"))


def test_an_owner_without_the_hook_is_named():
    engine = engagekit.create_engine(plugins=[("toys", Fixed())], entry_points=False)
    with pytest.raises(
        PluginError, match=r"plugin 'toys' registered model 'toy' but did not answer 'bill'"
    ) as info:
        engine.bill(project_with("toy"), engagekit.Period.parse("2026-01"))
    assert info.value.plugin == "toys"


class Greedy:
    """A plugin that answers every hook for every component, whoever owns it."""

    @engagekit.hookimpl
    def estimate(self, project, component, options):
        raise AssertionError("a per-component hook reached a plugin that does not own the model")

    @engagekit.hookimpl
    def bill(self, project, component, period):
        return engagekit.ComponentBill(component.name, "greedy", ())


def test_per_component_hooks_reach_the_owner_only():
    engine = engagekit.create_engine(
        plugins=[("toys", Fixed()), ("greedy", Greedy())], entry_points=False
    )
    est = engine.estimate(project_with("toy"))
    assert est.price == Money.of("150", "EUR")
    # the greedy plugin cannot bill a component of a model it did not register
    with pytest.raises(PluginError, match="plugin 'toys' registered model 'toy'"):
        engine.bill(project_with("toy"), engagekit.Period.parse("2026-01"))


def test_a_contract_break_blames_the_owner_not_the_last_plugin():
    class Wrong(Fixed):
        @engagekit.hookimpl
        def estimate(self, project, component, options):
            return None

    engine = engagekit.create_engine(
        plugins=[("wrong", Wrong()), ("toys", Fixed("other"))], entry_points=False
    )
    with pytest.raises(PluginError) as info:
        engine.estimate(project_with("toy"))
    assert info.value.plugin == "wrong"


def test_one_plugin_with_two_models_branches_on_the_model():
    class Two:
        @engagekit.hookimpl
        def register_models(self, register):
            register(engagekit.ModelSpec("a", "toy a", Empty))
            register(engagekit.ModelSpec("b", "toy b", Empty))

        @engagekit.hookimpl
        def estimate(self, project, component, options):
            price = "1" if component.model == "a" else "2"
            return ComponentEstimate(
                component.name, component.model, project.money(0), project.money(price)
            )

    engine = engagekit.create_engine(plugins=[Two()], entry_points=False)
    assert engine.estimate(project_with("b")).price == Money.of("2", "EUR")


def test_a_third_party_entry_point_named_like_a_builtin_is_refused(install_plugin):
    install_plugin(
        "engagekit-impostor", "time-material", "engagekit_impostor", GOOD.format(model="tm2")
    )
    engine = engagekit.create_engine()
    infos = [p for p in engine.plugins if p.name == "time-material"]
    assert [(p.distribution, p.status) for p in infos] == [
        ("engagekit", "ok"),
        ("engagekit-impostor", "failed"),
    ]
    assert "built-in" in infos[1].error and "tm2" not in engine.models
    assert engine.models["time-material"].plugin == "time-material"
    assert any("engagekit-impostor" in p and "refused" in p for p in engine.problems)


def test_unknown_model_in_code_is_an_input_error():
    engine = engagekit.create_engine(plugins=[Fixed()], entry_points=False)
    with pytest.raises(engagekit.UnknownModelError, match="installed models: toy"):
        engine.estimate(project_with("nope"))


def test_estimates_sum_per_component():
    engine = engagekit.create_engine(
        plugins=[Fixed("a", Decimal(10), "100", "150"), Fixed("b", Decimal(5), "0.10", "0.20")],
        entry_points=False,
    )
    project = Project(
        name="p",
        currency="EUR",
        components=(
            Component("x", "a", date(2026, 1, 1), date(2026, 1, 31), Empty()),
            Component("y", "b", date(2026, 2, 1), date(2026, 2, 28), Empty()),
        ),
    )
    est = engine.estimate(project)
    assert est.cost == Money.of("100.10", "EUR") and est.price == Money.of("150.20", "EUR")
    assert est.margin == Money.of("50.10", "EUR")
    assert est.effort_hours.p80 == Decimal(15)


def test_seed_for_is_stable_and_distinct():
    opts = EstimateOptions(seed=7)
    assert opts.seed_for("a") == EstimateOptions(seed=7).seed_for("a")
    assert opts.seed_for("a") != opts.seed_for("b") != EstimateOptions(seed=8).seed_for("b")


def test_engines_are_independent():
    a = engagekit.create_engine(plugins=[Fixed()], entry_points=False)
    b = engagekit.create_engine(entry_points=False)
    assert "toy" in a.models and "toy" not in b.models


def test_people_and_roles_over_allocated_across_components():
    from engagekit import Period, StaffingRow
    from engagekit.engine import over_allocation

    march = Period.parse("2026-03")
    weeks = Period.parse("2026-03").split("week")
    rows = [
        StaffingRow("A", march, "developer", Decimal("0.6"), person="ana"),
        StaffingRow("B", march, "developer", Decimal("0.5"), person="ana"),
        StaffingRow("B", march, "developer", Decimal("3"), status="planned"),
        StaffingRow("C", march, "developer", Decimal("9"), status="demand"),
        # a week of 1.0 FTE is a quarter of March at most: ben stays under 1
        StaffingRow("A", weeks[1], "qa", Decimal("1"), person="ben"),
        StaffingRow("B", march, "qa", Decimal("0.7"), person="ben"),
    ]
    warnings = over_allocation(rows, {"developer": Decimal(4), "qa": Decimal(2)})
    assert warnings == [
        "ana is over-allocated in 2026-03: 1.10 FTE across A, B",
        "role developer is over-allocated in 2026-03: 4.10 FTE planned across A, B, capacity 4",
    ]


def test_a_model_of_a_blocked_plugin_says_the_plugin_is_blocked(tmp_path, monkeypatch):
    monkeypatch.setenv("ENGAGEKIT_DISABLE_PLUGINS", "sla")
    path = tmp_path / "p.toml"
    path.write_text(
        '[project]\nname = "p"\ncurrency = "EUR"\n[[components]]\nname = "Run"\nmodel = "sla"\n'
        "start = 2026-01-01\nend = 2026-12-31\n"
    )
    with pytest.raises(engagekit.UnknownModelError) as info:
        engagekit.create_engine().load_project(path)
    assert "p.toml:6, components \"Run\", model: unknown model 'sla'" in str(info.value)
    assert "not loaded: sla (blocked)" in str(info.value)


class RaisesInput(Fixed):
    """A model whose bill rejects a row of its data file, as a plugin would."""

    @engagekit.hookimpl
    def bill(self, project, component, period):
        raise engagekit.InputError("x is too large", where="data/x.csv", row=7, field="x")

    @engagekit.hookimpl
    def estimate(self, project, component, options):
        est = super().estimate(project, component, options)
        return attrs.evolve(est, warnings=("the estimate is rough",))


def test_an_input_error_in_a_hook_names_project_component_model_and_row(tmp_path):
    engine = engagekit.create_engine(plugins=[RaisesInput()], entry_points=False)
    project = attrs.evolve(project_with("toy"), source=tmp_path / "p.toml")
    with pytest.raises(engagekit.InputError) as info:
        engine.bill(project, engagekit.Period.parse("2026-01"))
    err = info.value
    assert (err.project, err.component, err.model) == (str(tmp_path / "p.toml"), "c", "toy")
    assert (
        str(err)
        == f'{tmp_path / "p.toml"}, components "c" (toy), data/x.csv, row 7, x: x is too large'
    )


def test_estimate_warnings_carry_the_component_name():
    engine = engagekit.create_engine(plugins=[RaisesInput()], entry_points=False)
    assert engine.estimate(project_with("toy")).warnings == ("c: the estimate is rough",)


class Composite(Fixed):
    """A model that hands its bill to ``toy`` through the engine, with settings under ``inner``."""

    def __init__(self, inner_settings=None):
        super().__init__(model="wrapper")
        self.inner_settings = {"nope": 1} if inner_settings is None else inner_settings

    @engagekit.hookimpl
    def bill(self, engine, project, component, period):
        inner = engine.make_component(
            project,
            name=component.name,
            model="toy",
            start=component.start,
            end=component.end,
            settings=self.inner_settings,
            key="inner",
        )
        return engine.bill_component(project, inner, period)


def test_a_delegated_settings_error_names_the_users_component_and_key_path():
    engine = engagekit.create_engine(plugins=[Fixed(), Composite()], entry_points=False)
    with pytest.raises(engagekit.InputError) as info:
        engine.bill(project_with("wrapper"), engagekit.Period.parse("2026-01"))
    assert str(info.value).startswith(
        "components \"c\" (wrapper via toy), settings.inner.nope: unknown key 'nope'"
    )


def test_a_hook_error_inside_the_delegate_names_the_users_component_and_both_models():
    engine = engagekit.create_engine(plugins=[RaisesInput(), Composite({})], entry_points=False)
    with pytest.raises(engagekit.InputError) as info:
        engine.bill(project_with("wrapper"), engagekit.Period.parse("2026-01"))
    assert (
        str(info.value) == 'components "c" (wrapper via toy), data/x.csv, row 7, x: x is too large'
    )
