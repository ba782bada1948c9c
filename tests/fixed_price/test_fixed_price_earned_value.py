"""Earned value against a worked example computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import engagekit
from engagekit_fixed_price.earned_value import EarnedValue, planned_share
from tests.fixed_price import _project as fp

D = Decimal


def ev_project(tmp_path, progress: str, acceptance: str = "", **kw):
    """Phase a: 100 h developer (100/h) + 50 h tester (60/h) = BAC 13000, planned 03-02..03-13.
    Phase b: 40 h developer = BAC 4000, planned 03-16..03-27. Calendar 8x5, no holidays."""
    files = {"progress": fp.write_csv(tmp_path, "progress.csv", progress)}
    if acceptance:
        files["acceptance"] = fp.write_csv(
            tmp_path, "acceptance.csv", "phase,accepted\n" + acceptance
        )
    s = fp.settings(
        phases=[
            {
                "name": "a",
                "end": date(2026, 3, 13),
                "items": [{"role": "developer", "hours": 100}, {"role": "tester", "hours": 50}],
            },
            {"name": "b", "end": date(2026, 3, 27), "items": [{"role": "developer", "hours": 40}]},
        ],
        team=[{"role": "developer", "fte": 1}, {"role": "tester", "fte": 1}],
        cost_rates={"developer": D(100), "tester": D(60)},
        **files,
        **kw,
    )
    return fp.load(tmp_path, fp.project(s))


def test_worked_example_by_hand(tmp_path):
    # Status date Friday 2026-03-06: 5 of phase a's 10 working days are planned to be done.
    #   a: BAC 13000, PV = 0.5 * 13000 = 6500, EV = 40% * 13000 = 5200, AC = 6000
    #   b: BAC 4000, PV = 0 (starts 03-16), EV = 0, AC = 0
    # totals: BAC 17000, PV 6500, EV 5200, AC 6000
    #   CV = 5200 - 6000 = -800, SV = 5200 - 6500 = -1300
    #   CPI = 5200 / 6000 = 0.8667, SPI = 5200 / 6500 = 0.8
    #   EAC = BAC / CPI = 17000 * 6000 / 5200 = 19615.38, ETC = 13615.38, VAC = -2615.38
    engine, project = ev_project(
        tmp_path, "date,phase,percent_complete,actual_cost\n2026-03-06,a,40,6000\n"
    )
    m = engine.measure(project).components[0]
    eur = lambda x: engagekit.Money(x, "EUR")  # noqa: E731
    assert m.metrics["status_date"] == date(2026, 3, 6)
    assert m.metrics["bac"] == eur("17000.00")
    assert m.metrics["pv"] == eur("6500.00")
    assert m.metrics["ev"] == eur("5200.00")
    assert m.metrics["ac"] == eur("6000.00")
    assert m.metrics["cv"] == eur("-800.00")
    assert m.metrics["sv"] == eur("-1300.00")
    assert m.metrics["cpi"] == D("0.867")
    assert m.metrics["spi"] == D("0.800")
    assert m.metrics["eac"] == eur("19615.38")
    assert m.metrics["etc"] == eur("13615.38")
    assert m.metrics["vac"] == eur("-2615.38")
    assert m.metrics["percent_complete"] == D("30.6")  # 5200 / 17000
    a, b = m.tables["phases"]
    assert (a["phase"], a["cpi"], a["spi"], a["planned_percent"]) == (
        "a",
        D("0.867"),
        D("0.800"),
        D("50.0"),
    )
    # SPI 0.8 is below 0.85: off track; phase b has not started and is on track
    assert a["status"] == "off-track" and b["status"] == "on-track"
    assert b["state"] == "not started" and a["state"] == "in progress"
    values = {row["phase"]: row for row in m.tables["earned_value"]}
    assert values["a"]["eac"] == eur("15000.00")  # 13000 / (5200 / 6000)
    assert values["b"]["eac"] == eur("4000.00")
    assert m.status == "off-track"
    # forecast: 12 calendar days planned, at SPI 0.8 they take 15: ends 03-16, 3 days late
    assert a["forecast_end"] == date(2026, 3, 16) and a["slippage_days"] == 3


def test_actual_hours_are_valued_at_the_blended_rate(tmp_path):
    # blended rate of phase a: 13000 / 150 h = 86.67; 60 h -> AC 5200 = EV: CPI 1
    engine, project = ev_project(
        tmp_path, "date,phase,percent_complete,actual_hours\n2026-03-06,a,40,60\n"
    )
    m = engine.measure(project).components[0]
    assert m.metrics["ac"] == engagekit.Money("5200.00", "EUR")
    assert m.metrics["cpi"] == D("1.000")
    assert m.metrics["actual_hours"] == D(60)


def test_acceptance_completes_a_phase_and_gives_its_slippage(tmp_path):
    progress = (
        "date,phase,percent_complete,actual_cost\n2026-03-06,a,40,6000\n"
        "2026-03-13,a,90,12000\n2026-03-20,b,50,2000\n"
    )
    engine, project = ev_project(tmp_path, progress, "a,2026-03-17\n")
    m = engine.measure(project).components[0]
    a, _b = m.tables["phases"]
    assert a["state"] == "accepted" and a["percent_complete"] == 100
    assert a["accepted"] == date(2026, 3, 17) and a["slippage_days"] == 4
    assert m.metrics["status_date"] == date(2026, 3, 20)
    # b: PV at 03-20 = 5 of 10 working days = 2000; EV = 2000; AC = 2000
    values = {row["phase"]: row for row in m.tables["earned_value"]}
    assert values["b"]["pv"].amount == D("2000.00") and values["b"]["ev"].amount == D("2000.00")
    assert m.metrics["phases_accepted"] == 1 and m.metrics["phases_late"] == 1


def test_a_period_ignores_later_reports(tmp_path):
    progress = (
        "date,phase,percent_complete,actual_cost\n2026-03-06,a,40,6000\n2026-04-02,a,100,14000\n"
    )
    engine, project = ev_project(tmp_path, progress)
    early = engine.measure(project, engagekit.Period.parse("2026-03")).components[0]
    assert early.metrics["status_date"] == date(2026, 3, 6)
    assert early.metrics["ev"].amount == D("5200.00")
    late = engine.measure(project).components[0]
    assert late.metrics["status_date"] == date(2026, 4, 2)
    assert late.metrics["pv"].amount == D("17000.00")
    # b not started although planned to be done: behind, and not accepted past its end
    assert late.tables["phases"][1]["status"] == "off-track"


def test_without_progress_nothing_is_earned(tmp_path):
    engine, project = fp.load(tmp_path, fp.project())
    m = engine.measure(project).components[0]
    assert m.metrics["ev"].amount == 0 and m.status is None
    assert any("no progress file" in w for w in m.warnings)


def test_contract_price_gives_the_margin_at_completion(tmp_path):
    engine, project = ev_project(
        tmp_path,
        "date,phase,percent_complete,actual_cost\n2026-03-06,a,40,6000\n",
        contract_price=D(20000),
    )
    m = engine.measure(project).components[0]
    assert m.metrics["margin_at_completion"] == engagekit.Money("384.62", "EUR")


def test_earned_value_identities():
    ev = EarnedValue(D(1000), D(400), D(300), D(500))
    assert ev.cv == -200 and ev.sv == -100
    assert ev.eac == ev.ac + (ev.bac - ev.ev) / ev.cpi
    assert ev.etc == ev.eac - ev.ac and ev.vac == ev.bac - ev.eac
    nothing = EarnedValue(D(1000), D(400), D(0), D(50))
    assert nothing.cpi == 0 and nothing.eac == D(1050)


@pytest.mark.parametrize(
    "on, share",
    [
        (date(2026, 3, 1), D(0)),
        (date(2026, 3, 2), D("0.1")),
        (date(2026, 3, 8), D("0.5")),
        (date(2026, 3, 13), D(1)),
        (date(2026, 4, 1), D(1)),
    ],
)
def test_planned_share_follows_working_hours(on, share):
    calendar = engagekit.Calendar()
    assert planned_share(calendar, date(2026, 3, 2), date(2026, 3, 13), on) == share
