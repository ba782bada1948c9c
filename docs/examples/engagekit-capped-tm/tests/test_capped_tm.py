"""capped-tm: the ceiling held cumulatively over T&M bills that the engine gets from the
``time-material`` model; the example's figures by hand; bad input; no import of another plugin."""

from __future__ import annotations

import ast
import itertools
import random
import textwrap
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import engagekit
from engagekit.cli import build_app
from engagekit.testing import ModelContract

HERE = Path(__file__).resolve().parents[1]
EXAMPLE = HERE / "example" / "capped-tm.toml"
D = Decimal


class TestCappedTmContract(ModelContract):
    model = "capped-tm"
    project_file = EXAMPLE
    period = "2026-04"


def weekdays(first: date, last: date) -> int:
    n, d = 0, first
    while d <= last:
        n += d.weekday() < 5
        d += timedelta(days=1)
    return n


def tm_by_hand(first: date, last: date) -> Decimal:
    """The example's time: 6 billable hours of a developer at 100 and 4 of a tester at 80 on
    every weekday (the Friday retro is non-billable)."""
    return D(weekdays(first, last) * (6 * 100 + 4 * 80))


def billed(
    engine: engagekit.Engine, project: engagekit.Project, period: engagekit.Period
) -> Decimal:
    (invoice,) = engine.bill(project, period).invoices
    return invoice.total.amount


def test_the_examples_months_by_hand(engagekit_engine: engagekit.Engine) -> None:
    project = engagekit_engine.load_project(EXAMPLE)
    months = [engagekit.Period.parse(p) for p in ("2026-02", "2026-03", "2026-04")]
    tm = [tm_by_hand(m.start, m.last) for m in months]
    assert tm == [D("18400"), D("20240"), D("20240")]
    bills = [billed(engagekit_engine, project, m) for m in months]
    assert bills == [D("18400.00"), D("20240.00"), D("11360.00")]
    assert sum(bills) == min(D(50000), sum(tm))
    april = engagekit_engine.bill(project, months[2])
    (line,) = [x for x in april.invoices[0].lines if x.kind == "ceiling"]
    assert line.amount == engagekit.Money.of("-8880.00", "EUR")
    (comp,) = april.components
    assert comp.details["withheld_this_period"] == D("8880.00")
    assert comp.details["remaining"] == D(0)
    assert any("ceiling reached" in w for w in april.warnings)


def test_the_ceiling_holds_however_the_timeframe_is_cut(
    engagekit_engine: engagekit.Engine,
) -> None:
    """Seeded random cuts of February-April into consecutive periods (mid-month too): the bills
    add up to min(ceiling, T&M total) exactly, and no period bills a negative amount."""
    project = engagekit_engine.load_project(EXAMPLE)
    first, last = date(2026, 2, 1), date(2026, 4, 30)
    rng = random.Random(7)
    days = (last - first).days
    cut_sets = [[], [date(2026, 3, 1), date(2026, 4, 1)]]
    cut_sets += [
        sorted(first + timedelta(days=c) for c in rng.sample(range(1, days), rng.randint(1, 4)))
        for _ in range(5)
    ]
    for cuts in cut_sets:
        bounds = [first, *cuts, last + timedelta(days=1)]
        parts = [engagekit.Period(a, b) for a, b in itertools.pairwise(bounds)]
        amounts = [billed(engagekit_engine, project, p) for p in parts]
        assert sum(amounts) == D("50000.00"), (cuts, amounts)
        assert all(a >= 0 for a in amounts)


def test_a_ceiling_that_is_never_reached_bills_plain_tm(
    engagekit_engine: engagekit.Engine, tmp_path: Path
) -> None:
    path = _copy_example(tmp_path, ceiling="100000")
    project = engagekit_engine.load_project(path)
    april = engagekit.Period.parse("2026-04")
    assert billed(engagekit_engine, project, april) == tm_by_hand(april.start, april.last)
    assert not [w for w in engagekit_engine.bill(project, april).warnings if "ceiling" in w]


def _copy_example(
    tmp_path: Path,
    *,
    ceiling: str = "50000",
    extra: str = "",
    tm_extra: str = "",
    name: str = "capped.toml",
) -> Path:
    text = EXAMPLE.read_text()
    text = text.replace("ceiling = 50000", f"ceiling = {ceiling}\n{extra}")
    text = text.replace('format = "generic"', f'format = "generic"\n{tm_extra}')
    text = text.replace('"data/time-entries.csv"', f'"{HERE / "example/data/time-entries.csv"}"')
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("include", [False, True])
def test_expenses_pass_through_or_count_against_the_ceiling(
    engagekit_engine: engagekit.Engine, tmp_path: Path, include: bool
) -> None:
    (tmp_path / "expenses.csv").write_text(
        "date,description,amount\n2026-04-10,Travel to the client,1200.00\n"
    )
    path = _copy_example(
        tmp_path,
        extra=f"include_expenses = {str(include).lower()}",
        tm_extra=f'expenses = "{tmp_path / "expenses.csv"}"',
    )
    project = engagekit_engine.load_project(path)
    total = billed(engagekit_engine, project, engagekit.Period.parse("2026-04"))
    # time to date 58,880 against 50,000: 11,360 of April's time fits; the expense is on top,
    # or (included) it is one more thing above the ceiling
    assert total == (D("11360.00") if include else D("12560.00"))


def test_estimate_caps_the_price_and_keeps_the_work(engagekit_engine: engagekit.Engine) -> None:
    project = engagekit_engine.load_project(EXAMPLE)
    (est,) = engagekit_engine.estimate(project, seed=1, trials=500).components
    assert est.model == "capped-tm"
    assert est.price <= engagekit.Money.of("50000.00", "EUR")
    assert est.details["ceiling"] == D(50000)
    assert est.details["uncapped_price"] >= est.price


def test_measure_reports_the_ceiling(engagekit_engine: engagekit.Engine) -> None:
    project = engagekit_engine.load_project(EXAMPLE)
    (m,) = engagekit_engine.measure(project, engagekit.Period.parse("2026-03")).components
    assert m.metrics["time_material_to_date"] == D("38640.00")
    assert m.metrics["billed_to_date"] == D("38640.00")
    assert m.metrics["ceiling_used_pct"] == D("77.3")
    assert m.status in ("at-risk", "off-track")
    (whole,) = engagekit_engine.measure(project, None).components
    assert whole.metrics["withheld_to_date"] == D("8880.00")
    assert whole.status == "off-track"


def test_combines_with_built_in_models_on_one_invoice(
    engagekit_engine: engagekit.Engine, tmp_path: Path
) -> None:
    support = tmp_path / "support.csv"
    support.write_text(
        "date,person,role,hours\n"
        + "".join(
            f"2026-04-{d:02d},Ben Okafor,tester,4\n"
            for d in range(1, 31)
            if date(2026, 4, d).weekday() < 5
        )
    )
    path = _copy_example(tmp_path)
    path.write_text(
        path.read_text()
        + textwrap.dedent(f"""
        [[components]]
        name = "support"
        model = "time-material"
        start = 2026-04-01
        end = 2026-04-30

        [components.settings]
        time_entries = "{support}"
        format = "generic"
        rates = [{{ role = "tester", bill = 80, cost = 45 }}]

        [[adjustments]]
        name = "VAT"
        stage = "tax"
        percent = 20
        """)
    )
    project = engagekit_engine.load_project(path)
    bill = engagekit_engine.bill(project, engagekit.Period.parse("2026-04"))
    (invoice,) = bill.invoices
    subtotals = invoice.subtotals()
    # the capped build bills 11,360; plain T&M support bills the tester's 88 h at 80 = 7,040
    assert subtotals == {
        "build": engagekit.Money.of("11360.00", "EUR"),
        "support": engagekit.Money.of("7040.00", "EUR"),
    }
    assert invoice.total == engagekit.Money.of("22080.00", "EUR")  # 18,400 + 20% VAT


def run(*args: str) -> object:
    return CliRunner().invoke(build_app(engagekit.create_engine()), list(args))


def test_bad_inputs_exit_1_with_a_located_message(tmp_path: Path) -> None:
    cases = [
        (_copy_example(tmp_path, ceiling="50000.005", name="a.toml"), "has more decimals than EUR"),
        (_copy_example(tmp_path, ceiling="-5", name="b.toml"), "ceiling"),
        (
            _copy_example(tmp_path, tm_extra="roundng = { increment = 15 }", name="c.toml"),
            "settings.time_material.roundng",
        ),
        (_copy_example(tmp_path, name="d.toml"), "not a percentage"),
    ]
    d = tmp_path / "d.toml"
    d.write_text(d.read_text().replace("warn_at = [75, 90, 100]", "warn_at = [150]"))
    for path, expected in cases:
        text = path.read_text()
        for command in (["bill", str(path), "--period", "2026-04"], ["estimate", str(path)]):
            result = run(*command)
            assert result.exit_code == 1, (text, result.output)
            assert expected in result.output, result.output
            assert "Traceback" not in result.output
            path.write_text(text)


def test_time_material_must_be_a_table(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        textwrap.dedent("""
        [project]
        name = "x"
        currency = "EUR"
        [[components]]
        name = "build"
        model = "capped-tm"
        start = 2026-02-01
        end = 2026-04-30
        [components.settings]
        ceiling = 1000
        time_material = "harvest.csv"
        """)
    )
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert "expected a table of time-material settings" in result.output
    assert "p.toml:12" in result.output


def test_the_plugin_imports_only_engagekit() -> None:
    for source in (HERE / "engagekit_capped_tm").glob("*.py"):
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                assert top in (
                    "engagekit",
                    "engagekit_capped_tm",
                    "__future__",
                    "attrs",
                    "collections",
                    "decimal",
                    "typing",
                    "numpy",
                ), (source, name)
