"""Deprecations in the plugin contract: a hook or an argument on its way out warns through
pluggy's ``warn_on_impl`` (``warn_on_impl_args``) at the plugin's function, with a message naming
the contract version that deprecates it and the one that removes it; ``engage plugins`` and the
hook reference list it; under ``python -W error`` the plugin is refused by name.

Contract 2.0 deprecates nothing, so the tests declare hook specs of their own (``Deprecating``),
as a later minor version would, and register them on the engine's plugin manager."""

from __future__ import annotations

import json
import warnings
from datetime import date

import attrs
import pytest
from typer.testing import CliRunner

import engagekit
from engagekit.cli import build_app
from engagekit.hookdoc import hook_functions, render
from engagekit.hookspecs import hookspec
from engagekit.listing import plugins_doc

GONE = "deprecated since plugin contract 2.1 and removed in 3.0"


class Deprecating:
    """The specs an imagined contract 2.1 would add: the hook ``forecast`` deprecated in favour
    of ``estimate``, and the argument ``engine`` of ``audit`` in favour of ``project``."""

    @hookspec(
        firstresult=True,
        warn_on_impl=engagekit.ContractDeprecationWarning(
            f"the hook 'forecast' is {GONE}: answer 'estimate' instead (same parameters)"
        ),
    )
    def forecast(self, project: engagekit.Project, component: engagekit.Component) -> object:
        """Forecast one component.

        :param project: The whole project.
        :param component: The component to forecast.
        """

    @hookspec(
        warn_on_impl_args={
            "engine": engagekit.ContractDeprecationWarning(
                f"the argument 'engine' of the hook 'audit' is {GONE}: take 'project'"
            )
        }
    )
    def audit(self, engine: engagekit.Engine, project: engagekit.Project) -> object:
        """Audit a project.

        :param engine: The engine.
        :param project: The whole project.
        """


@attrs.frozen
class Empty:
    pass


class _Model:
    """A model answering every hook of contract 2.0; its subclasses add a deprecated one."""

    name = "gauge"

    @engagekit.hookimpl
    def register_models(self, register):  # type: ignore[no-untyped-def]
        register(engagekit.ModelSpec(self.name, "a model for the deprecation tests", Empty))

    @engagekit.hookimpl
    def estimate(self, project, component):  # type: ignore[no-untyped-def]
        return engagekit.ComponentEstimate(
            component.name, self.name, project.money(0), project.money(0)
        )

    @engagekit.hookimpl
    def bill(self, component):  # type: ignore[no-untyped-def]
        return engagekit.ComponentBill(component.name, self.name, ())

    @engagekit.hookimpl
    def staff(self, component):  # type: ignore[no-untyped-def]
        return engagekit.ComponentStaffing(component.name, self.name, ())

    @engagekit.hookimpl
    def measure_service(self, component):  # type: ignore[no-untyped-def]
        return engagekit.ServiceMeasure(component.name, self.name, {"answered": 1})


class Forecasts(_Model):
    @engagekit.hookimpl
    def forecast(self, component):  # type: ignore[no-untyped-def]
        return f"forecast of {component.name}"


class AuditsWithEngine(_Model):
    @engagekit.hookimpl
    def audit(self, engine, project):  # type: ignore[no-untyped-def]
        return f"audited {project.name}"


class AuditsWithProject(_Model):
    @engagekit.hookimpl
    def audit(self, project):  # type: ignore[no-untyped-def]
        return f"audited {project.name}"


def _engine(strict: bool = True) -> engagekit.Engine:
    engine = engagekit.create_engine(entry_points=False, strict=strict)
    engine.pm.add_hookspecs(Deprecating)
    return engine


def _project() -> engagekit.Project:
    component = engagekit.Component("c", "gauge", date(2026, 3, 1), date(2026, 3, 31), Empty())
    return engagekit.Project(name="p", currency="EUR", components=(component,))


def _at(fn: object) -> tuple[str, int]:
    code = fn.__code__  # type: ignore[attr-defined]
    return code.co_filename, code.co_firstlineno


def test_a_deprecated_hook_warns_at_the_plugins_function_naming_the_versions():
    engine = _engine()
    with pytest.warns(engagekit.ContractDeprecationWarning) as caught:
        info = engine.register(Forecasts())
    (warning,) = caught
    message = str(warning.message)
    assert "'forecast'" in message and "contract 2.1" in message and "removed in 3.0" in message
    # pointed at the plugin's function, where its author has to change it
    assert (warning.filename, warning.lineno) == _at(Forecasts.forecast)
    file, line = _at(Forecasts.forecast)
    assert info.status == "ok" and info.deprecations == (f"{file}:{line}: {message}",)
    # and it keeps working until the version named
    project = _project()
    answer = engine.pm.hook.forecast(project=project, component=project.components[0])
    assert answer == "forecast of c"
    assert engine.measure_component(project, project.components[0]).metrics == {"answered": 1}


def test_a_deprecated_argument_warns_only_the_plugin_that_takes_it():
    engine = _engine()
    with pytest.warns(engagekit.ContractDeprecationWarning, match="argument 'engine'") as caught:
        info = engine.register(AuditsWithEngine())
    (warning,) = caught
    assert (warning.filename, warning.lineno) == _at(AuditsWithEngine.audit)
    assert "contract 2.1" in str(warning.message) and "removed in 3.0" in str(warning.message)
    assert len(info.deprecations) == 1
    with warnings.catch_warnings(record=True) as quiet:
        warnings.simplefilter("always")
        other = _engine().register(AuditsWithProject())
    assert quiet == [] and other.deprecations == ()


def test_contract_2_0_and_the_built_in_models_deprecate_nothing():
    specs = dict(hook_functions())
    assert "measure_service" in specs and "measure" not in specs  # one name, no alias
    for name, fn in specs.items():
        opts = getattr(fn, "engagekit_spec", {})
        assert opts.get("warn_on_impl") is None and not opts.get("warn_on_impl_args"), name
    assert engagekit.CONTRACT_VERSION == "2.0"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        engine = engagekit.create_engine(strict=True, disable=())
    assert not [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert not any(p.deprecations for p in engine.plugins)
    assert all("measure_service" in p.hooks for p in engine.plugins if p.models)


def test_a_plugin_answering_measure_is_refused_naming_the_hook():
    """``measure`` was a hook of the withdrawn contract 2.1 only: pluggy's pending check names
    it instead of the plugin's measures silently never being called."""

    class Measures(_Model):
        @engagekit.hookimpl
        def measure(self, component):  # type: ignore[no-untyped-def]
            return engagekit.ServiceMeasure(component.name, self.name, {})

    info = _engine(strict=False).register(Measures())
    assert info.status == "failed" and "measure" in (info.error or "")
    assert "misspelled" in (info.error or "")


def test_engage_plugins_lists_the_deprecation(recwarn):
    engine = _engine()
    engine.register(Forecasts())
    app = build_app(engine)
    result = CliRunner().invoke(app, ["plugins", "--json"])
    assert result.exit_code == 0, result.output
    (doc,) = [p for p in json.loads(result.stdout) if p["models"] == ["gauge"]]
    assert len(doc["deprecations"]) == 1 and GONE in doc["deprecations"][0]
    text = CliRunner().invoke(app, ["plugins"])
    assert text.exit_code == 0, text.output
    assert "warning: plugin 'Forecasts' uses a deprecated hook or argument:" in text.stderr
    assert "the hook 'forecast' is " + GONE in text.stderr
    quiet = _engine()
    quiet.register(AuditsWithProject())
    assert [p["deprecations"] for p in plugins_doc(quiet) if p["models"]] == [[]]


def test_the_hook_reference_lists_each_deprecation_with_its_versions():
    text = render(Deprecating)
    head = text.split("\n## `", 1)[0]
    assert f"- [`forecast`](#forecast): the hook 'forecast' is {GONE}" in head
    assert "- [`audit`](#audit), argument `engine`: the argument 'engine'" in head
    forecast = text.split("## `forecast`\n", 1)[1].split("\n## ", 1)[0]
    assert f"**Deprecated:** the hook 'forecast' is {GONE}" in forecast
    assert "def forecast(project: " in forecast  # as pluggy calls it, without self
    audit = text.split("## `audit`\n", 1)[1].split("\n## ", 1)[0]
    assert "**Deprecated argument `engine`:**" in audit and GONE in audit
    # engagekit's own reference states the policy, and that 2.0 deprecates nothing
    ours = render()
    assert "deprecated in a minor version of the contract and removed\nat the next major" in ours
    assert "`warn_on_impl`" in ours and "Nothing is deprecated in contract 2.0." in ours
    assert "**Deprecated" not in ours


def test_with_warnings_as_errors_a_deprecated_plugin_is_refused_by_name():
    engine = _engine(strict=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        info = engine.register(Forecasts())
    assert info.status == "failed" and info.name == "Forecasts"
    assert "the hook 'forecast' is " + GONE in (info.error or "")
    assert "gauge" not in engine.models
    assert not any(isinstance(p, Forecasts) for p in engine.pm.get_plugins())
    assert engine.pm.hook.forecast.get_hookimpls() == []
