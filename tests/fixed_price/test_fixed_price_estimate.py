"""The price build-up, finish dates on the calendar, determinism, and the estimate's warnings."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

import engagekit
from engagekit.cli import build_app
from engagekit_fixed_price.estimation import price_build_up
from engagekit_fixed_price.settings import Phase, Settings, TeamMember, WorkItem
from tests.conftest import EXAMPLES
from tests.fixed_price import _project as fp


def make_settings(**kw) -> Settings:
    return Settings(
        phases=(Phase("a", (WorkItem("dev", hours=Decimal(10)),)),),
        team=(TeamMember("dev"),),
        **kw,
    )


def test_price_build_up_by_hand():
    s = make_settings(
        risk_buffer=Decimal(5),
        contingency="percent",
        contingency_percent=Decimal(3),
        margin=Decimal(18),
        round_to=Decimal(500),
        rounding="up",
    )
    b = price_build_up(s, "EUR", Decimal("10000.00"), Decimal("11000.00"))
    # 10000 + 5% = 500, + 3% = 300 -> 10800; 18% mark-up = 1944 -> 12744; up to 500s -> 13000
    assert b["base_cost"] == Decimal("10000.00")
    assert b["risk_buffer"] == Decimal("500.00")
    assert b["contingency"] == Decimal("300.00")
    assert b["margin"] == Decimal("1944.00")
    assert b["rounding"] == Decimal("256.00")
    assert b["base_price"] == b["price"] == Decimal("13000.00")


def test_margin_on_price_contingency_to_p90_and_rounding_modes():
    s = make_settings(
        contingency="to-p90",
        margin=Decimal(20),
        margin_on="price",
        round_to=Decimal(100),
        rounding="nearest",
    )
    b = price_build_up(s, "EUR", Decimal("10000.00"), Decimal("10800.00"))
    # contingency = P90 - P80 = 800 -> 10800; 20% of the price: 10800 / 0.8 = 13500
    assert b["contingency"] == Decimal("800.00")
    assert b["margin"] == Decimal("2700.00")
    assert b["price"] == Decimal("13500.00")
    down = price_build_up(
        make_settings(margin=Decimal(10), round_to=Decimal(1000), rounding="down"),
        "EUR",
        Decimal("10000"),
        Decimal(0),
    )
    assert down["price"] == Decimal("11000.00") and down["rounding"] == 0
    jpy = price_build_up(make_settings(margin=Decimal("12.5")), "JPY", Decimal("1001"), Decimal(0))
    # 1001 * 12.5% = 125.125 -> 125 yen; the price in whole yen
    assert jpy["margin"] == Decimal(125) and jpy["price"] == Decimal(1126)


def test_change_requests_add_their_own_price(tmp_path):
    s = fp.settings(
        change_requests=[
            {
                "id": "CR-1",
                "approved": date(2026, 4, 1),
                "price": Decimal("1234.56"),
                "items": [{"role": "developer", "hours": 10}],
            }
        ]
    )
    engine, project = fp.load(tmp_path, fp.project(s))
    est = engine.estimate(project, seed=1, trials=200).components[0]
    build = est.details["price_build_up"]
    # 140 hours at 100 = 14000 with no margin, buffer or contingency; plus the CR's price
    assert build["base_price"] == Decimal("14000.00")
    assert build["change_requests"] == Decimal("1234.56")
    assert est.price == engagekit.Money("15234.56", "EUR")
    assert est.effort_hours.p50 == Decimal("150.0")  # the CR's hours are simulated too
    assert est.cost == engagekit.Money("15000.00", "EUR")


def test_finish_date_counts_public_holidays(tmp_path):
    # 80 hours, one developer at 8 h a day from Monday 2026-03-30: without holidays 10 working
    # days end on Friday 2026-04-10; Good Friday (04-03) and Easter Monday (04-06) push it to
    # Tuesday 2026-04-14.
    s = fp.settings(phases=[{"name": "a", "items": [{"role": "developer", "hours": 80}]}])
    plain = fp.project(s, start=date(2026, 3, 30), end=date(2026, 5, 29))
    german = fp.project(
        s,
        start=date(2026, 3, 30),
        end=date(2026, 5, 29),
        calendar={"timezone": "Europe/Berlin", "country": "DE", "hours": "8x5"},
    )
    engine, p1 = fp.load(tmp_path, plain)
    assert engine.estimate(p1, trials=50).components[0].finish == date(2026, 4, 10)
    engine, p2 = fp.load(tmp_path, german)
    est = engine.estimate(p2, trials=50).components[0]
    assert est.finish == date(2026, 4, 14)
    assert est.details["finish"]["p50"] == date(2026, 4, 14)
    assert est.details["finish"]["p80_working_days"] == 10


def test_half_time_team_and_a_late_joiner(tmp_path):
    # 40 h at 0.5 FTE = 10 working days; the member joins on Monday 2026-03-09
    s = fp.settings(
        phases=[{"name": "a", "items": [{"role": "developer", "hours": 40}]}],
        team=[{"role": "developer", "fte": Decimal("0.5"), "start": date(2026, 3, 9)}],
    )
    engine, project = fp.load(tmp_path, fp.project(s))
    assert engine.estimate(project, trials=20).components[0].finish == date(2026, 3, 20)


def test_finish_after_the_fixed_timeframe_is_a_warning(tmp_path):
    s = fp.settings(phases=[{"name": "a", "items": [{"role": "developer", "hours": 200}]}])
    engine, project = fp.load(tmp_path, fp.project(s, end=date(2026, 3, 13)))
    est = engine.estimate(project, trials=20).components[0]
    assert est.finish == date(2026, 4, 3)
    assert any("fixed timeframe is at risk" in w for w in est.warnings)


def test_contract_price_below_the_estimate_is_a_warning(tmp_path):
    engine, project = fp.load(tmp_path, fp.project(fp.settings(contract_price=10000)))
    est = engine.estimate(project, trials=20).components[0]
    assert any("contract price 10,000.00 EUR is below the price at P80" in w for w in est.warnings)


def test_rate_card_costs_per_day_are_turned_into_hours(tmp_path):
    s = fp.settings()
    del s["cost_rates"]
    doc = fp.project(
        s,
        extra={
            "rate_card": {
                "rates": [{"role": "developer", "bill": 1000, "cost": 640, "unit": "day"}]
            }
        },
    )
    engine, project = fp.load(tmp_path, doc)
    est = engine.estimate(project, trials=20).components[0]
    assert est.details["cost_rates"] == {"developer": Decimal(80)}
    assert est.cost == engagekit.Money("11200.00", "EUR")


def test_a_new_engine_still_answers_after_the_first_estimate(tmp_path):
    # regression: a submodule named like a hook replaced the hook in the package namespace
    for _ in range(2):
        engine, project = fp.load(tmp_path, fp.project())
        assert engine.estimate(project, trials=10).components[0].model == "fixed-price"


def test_cli_estimate_is_deterministic_for_a_seed():
    app = build_app(engagekit.create_engine())
    from typer.testing import CliRunner

    runner = CliRunner()
    args = [
        "estimate",
        str(EXAMPLES / "fixed-price.toml"),
        "--seed",
        "7",
        "--trials",
        "20000",
        "--json",
    ]
    one = runner.invoke(app, args)
    two = runner.invoke(build_app(engagekit.create_engine()), args)
    assert one.exit_code == 0, one.output
    assert one.output == two.output
    doc = json.loads(one.stdout)
    assert doc["seed"] == 7 and doc["trials"] == 20000
    comp = doc["components"][0]
    assert comp["details"]["price_build_up"]["price"] == comp["price"]
    other = runner.invoke(app, [*args[:3], "8", *args[4:]])
    assert json.loads(other.stdout)["components"][0]["effort_hours"] != comp["effort_hours"]


@pytest.mark.parametrize(
    "command",
    [
        ["estimate"],
        ["estimate", "--json"],
        ["bill", "--period", "2026-05"],
        ["bill", "--period", "2026-05", "--json"],
        ["staff"],
        ["staff", "--json"],
        ["measure"],
        ["measure", "--json"],
        ["measure", "--period", "2026-05", "--json"],
    ],
)
def test_example_works_through_the_cli(cli, command):
    args = [command[0], str(EXAMPLES / "fixed-price.toml"), *command[1:]]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    if "--json" in command:
        json.loads(result.stdout)


def test_plugin_import_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, engagekit_fixed_price; "
        "print(any(m in sys.modules for m in ('numpy', 'polars', 'cattrs')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
