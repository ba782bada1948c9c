"""Scope files' errors, the starter, the bundled example, the HTML page, third-party models."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import engagekit
from engagekit import create_engine
from engagekit.cli import build_app
from engagekit.compare import Outcome, Proposal, compare, load_scope
from tests.conftest import EXAMPLES

ENGINE = create_engine()
WINDOW = "[window]\nearliest_start = 2026-03-02\n\n"
ITEM = '[[items]]\nname = "a"\nrole = "Developer"\nmin = 10\nlikely = 20\nmax = 40\n'


def _error(path: Path) -> str:
    result = CliRunner().invoke(build_app(ENGINE), ["compare", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (WINDOW + ITEM + "colour = 1\n", ["items[0].colour", "unknown key"]),
        (WINDOW + ITEM.replace("max = 40", "max = 15"), ["items[0]", "likely (20) is greater"]),
        (WINDOW + ITEM + ITEM, ["items[1].name", "two items are named 'a'"]),
        (
            WINDOW
            + ITEM
            + '[[risks]]\nname = "r"\nrole = "Developer"\nprobability = 1.5\nimpact = 8\n',
            ["risks[0].probability"],
        ),
        (
            WINDOW
            + ITEM
            + '[[risks]]\nname = "r"\nphase = "rollout"\nrole = "Developer"\nprobability = 0.5\n'
            "impact = 8\n",
            ["risks[0].phase", "'rollout'"],
        ),
        (
            WINDOW + ITEM + "[run]\nmonths = 6\nincidents_per_month = 3\nhandling_hours = 1\n"
            'service_hours = "9x6"\nrole = "Developer"\n',
            ["run.service_hours", "9x6"],
        ),
        (
            "[window]\nearliest_start = 2026-03-02\ndeadline = 2026-03-01\n\n" + ITEM,
            ["window.deadline"],
        ),
        ("", ["window", "missing"]),
    ],
)
def test_scope_errors_name_file_line_and_key(
    write_scope: Callable[..., Path], body: str, expected: list[str]
) -> None:
    output = _error(write_scope(body))
    assert "scope.toml" in output
    for text in expected:
        assert text in output, output


def test_unknown_key_names_its_line(write_scope: Callable[..., Path]) -> None:
    output = _error(write_scope(WINDOW + ITEM + "colour = 1\n"))
    assert "scope.toml:13" in output, output


def test_missing_project_file(write_scope: Callable[..., Path]) -> None:
    path = write_scope(WINDOW + ITEM)
    path.write_text(path.read_text().replace('"rates.toml"', '"nope.toml"'))
    assert "nope.toml" in _error(path) and "no such file" in _error(path)


def test_init_scope_writes_a_scope_that_compares(tmp_path: Path) -> None:
    app = build_app(ENGINE)
    runner = CliRunner()
    scope, project = tmp_path / "deal" / "scope.toml", tmp_path / "project.toml"
    scope.parent.mkdir()
    result = runner.invoke(app, ["init", str(project), "--scope", str(scope)])
    assert result.exit_code == 0, result.output
    assert project.exists() and scope.exists()
    assert '"../project.toml"' in scope.read_text()
    result = runner.invoke(app, ["compare", str(scope), "--trials", "200"])
    assert result.exit_code == 0, result.output
    assert "fixed-price then time-material + sla" in result.output
    result = runner.invoke(app, ["init", str(project), "--scope", str(scope)])
    assert result.exit_code == 1 and "exists" in result.output


def test_the_bundled_example(tmp_path: Path) -> None:
    app = build_app(ENGINE)
    runner = CliRunner()
    example = EXAMPLES / "scope.toml"
    result = runner.invoke(app, ["compare", str(example), "--trials", "500"])
    assert result.exit_code == 0, result.output
    assert "Recommendation" in result.output
    for name in ("fixed-price + sla", "time-material + sla", "dedicated-team + sla"):
        assert name in result.output
    page = tmp_path / "compare.html"
    result = runner.invoke(app, ["compare", str(example), "--trials", "500", "-o", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 3
    assert "<script" not in html and "http" not in html.replace("http-equiv", "")
    assert "Recommendation" in html and "fixed-price + sla" in html


def test_the_table_fits_80_columns_without_cutting_money(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = CliRunner().invoke(
        build_app(ENGINE), ["compare", str(EXAMPLES / "scope.toml"), "--trials", "500"]
    )
    assert result.exit_code == 0, result.output
    table = result.output.split("Recommendation")[0]
    assert "…" not in table
    assert all(len(line) <= 80 for line in table.splitlines())
    assert "client P90" in table and "margin P10" in table


@attrs.frozen
class Nothing:
    """Settings of the spy model: none."""


class Spy:
    """A third-party model that proposes a flat fee and records the hours it is settled on."""

    def __init__(self) -> None:
        self.hours: list[np.ndarray] = []

    @engagekit.hookimpl
    def register_models(self, register):  # type: ignore[no-untyped-def]
        register(engagekit.ModelSpec(name="flat-fee", summary="A flat fee", settings=Nothing))

    @engagekit.hookimpl
    def propose(self, engine, project, scope, options):  # type: ignore[no-untyped-def]
        component = engine.make_component(
            project,
            name="flat",
            model="flat-fee",
            start=options.plan.start,
            end=options.plan.finish,
            settings={},
        )

        def settle(draws):  # type: ignore[no-untyped-def]
            self.hours.append(draws.hours.copy())
            billing = np.full((draws.trials, 1), 5000.0)
            return Outcome(("2026-03",), billing, draws.total_hours() * 60)

        return Proposal("flat-fee", component, settle, terms="5,000 flat", flexibility="none")


def test_a_third_party_model_takes_part_on_the_same_trials(
    write_scope: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import engagekit_time_material.proposing as tm

    spy = Spy()
    engine = create_engine(plugins=[("spy", spy)])
    seen = {}
    real = tm.settle_hours

    def record(d, *args):  # type: ignore[no-untyped-def]
        seen["tm"] = d.hours.copy()
        return real(d, *args)

    monkeypatch.setattr(tm, "settle_hours", record)
    scope, project = load_scope(write_scope(WINDOW + ITEM), engine.models)
    result = compare(engine, scope, project, trials=300, models=["flat-fee", "time-material"])
    flat = next(r.summary for r in result.ranking if r.summary.name == "flat-fee")
    assert flat.client_mean.amount == Decimal("5000.00")
    assert np.array_equal(spy.hours[0], seen["tm"])


def test_a_proposal_of_the_wrong_shape_is_the_plugins_fault(
    write_scope: Callable[..., Path],
) -> None:
    class Broken(Spy):
        @engagekit.hookimpl
        def propose(self, engine, project, scope, options):  # type: ignore[no-untyped-def]
            return "a fixed price, trust me"

    engine = create_engine(plugins=[("broken", Broken())])
    scope, project = load_scope(write_scope(WINDOW + ITEM), engine.models)
    with pytest.raises(engagekit.PluginError, match=r"expected engagekit\.compare\.Proposal"):
        compare(engine, scope, project, trials=10)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Developer", "Lead"]),
            st.integers(0, 80),
            st.integers(0, 80),
            st.integers(0, 80),
        ),
        min_size=1,
        max_size=4,
    ),
    st.integers(0, 2**32),
)
def test_laws_on_any_scope(tmp_path_factory: pytest.TempPathFactory, items, seed) -> None:  # type: ignore[no-untyped-def]
    from tests.compare.conftest import PROJECT

    folder = tmp_path_factory.mktemp("scope")
    (folder / "rates.toml").write_text(PROJECT)
    body = '[scope]\nname = "P"\nproject = "rates.toml"\n' + WINDOW
    for i, (role, a, b, c) in enumerate(items):
        lo, mid, hi = sorted((a, b, c))
        body += (
            f'[[items]]\nname = "i{i}"\nrole = "{role}"\nmin = {lo}\nlikely = {mid}\nmax = {hi}\n'
        )
    (folder / "scope.toml").write_text(body)
    scope, project = load_scope(folder / "scope.toml", ENGINE.models)
    if not any(it.likely or it.max for it in scope.items):
        return
    result = compare(
        ENGINE, scope, project, trials=200, seed=seed, models=["fixed-price", "time-material"]
    )
    offers = {r.summary.name: r.summary for r in result.ranking}
    tm = offers["time-material"].outcome
    assert tm is not None
    hours = result.draws.role_hours()
    billed = sum(h * (100 if role == "Developer" else 150) for role, h in hours.items())
    cost = sum(h * (60 if role == "Developer" else 90) for role, h in hours.items())
    # T&M bills every hour at the rate card and costs every hour at the cost rates.
    assert np.allclose(tm.client_cost, billed) and np.allclose(tm.firm_cost, cost)
    if "fixed-price" in offers:
        fp = offers["fixed-price"].outcome
        assert fp is not None
        # A fixed price: the same in every trial, on the same hours at the same cost.
        assert float(np.ptp(fp.client_cost)) < 1e-6
        assert np.array_equal(fp.firm_cost, tm.firm_cost)


def _keys(doc: object) -> set[str]:
    if isinstance(doc, dict):
        return set(doc) | {k for v in doc.values() for k in _keys(v)}
    if isinstance(doc, list):
        return {k for v in doc for k in _keys(v)}
    return set()


def test_every_key_of_the_json_is_documented(write_scope: Callable[..., Path]) -> None:
    from engagekit.compare.doc import comparison_doc
    from tests.conftest import ROOT

    scope, project = load_scope(EXAMPLES / "scope.toml", ENGINE.models)
    doc = comparison_doc(compare(ENGINE, scope, project, trials=50))
    text = (ROOT / "docs" / "compare.md").read_text()
    section = text.split("## `engage compare --json`", 1)[1].split("\n## ", 1)[0]
    # The components' settings tables are the models' own (documented with each model).
    doc["plan"]["fte"] = {}  # keyed by the scope's roles
    top = _keys({k: v for k, v in doc.items() if k != "offers"}) | _keys(
        [{k: v for k, v in o.items() if k != "components"} for o in doc["offers"]]
    )
    for key in sorted(top | {"components", "settings", "name", "model", "start", "end"}):
        assert f"`{key}`" in section, f"--json key {key!r} is not documented in docs/compare.md"


def test_unknown_model_and_goal(write_scope: Callable[..., Path]) -> None:
    app = build_app(ENGINE)
    path = write_scope(WINDOW + ITEM)
    result = CliRunner().invoke(app, ["compare", str(path), "--models", "fixed-prize"])
    assert result.exit_code == 1 and "fixed-price" in result.output, result.output
    result = CliRunner().invoke(app, ["compare", str(path), "--goal", "speed"])
    assert result.exit_code == 2 and "margin, risk, client-cost, balanced" in result.output
