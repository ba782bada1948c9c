"""Service measures of the sample timesheet, against hand calculations.

March 2026 on an 8x5 calendar without holidays (UTC): 22 working days, 176 hours a person.
Recorded 2230 minutes; billable (billable and approved) 2095; billed 3403.75 EUR (see the
billing tests).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import engagekit

from .conftest import DATA

D = Decimal
GENERIC = (DATA / "generic.csv").read_text()
UTC = {"timezone": "UTC", "hours": "8x5"}


def _measure(load, settings, period="2026-03", **kw):  # type: ignore[no-untyped-def]
    engine, project, comp = load(
        {"time_entries": "t.csv", **settings}, {"t.csv": GENERIC}, calendar=UTC, **kw
    )
    p = engagekit.Period.parse(period) if period else None
    return engine.measure_component(project, comp, p)


def test_hours_ratio_and_utilisation(load):
    m = _measure(load, {})
    assert m.metrics["hours_recorded"] == D("37.17")  # 2230 / 60
    assert m.metrics["hours_billable"] == D("34.92")  # 2095 / 60
    assert m.metrics["billable_ratio_percent"] == D("93.9")
    assert m.metrics["billable_amount"].amount == D("3403.75")
    ana = next(r for r in m.tables["utilisation"] if r["person"] == "Ana Lima")
    # 1575 billable minutes = 26.25 h of 176 h
    assert ana["billable_hours"] == D("26.25") and ana["capacity_hours"] == D("176.00")
    assert ana["utilisation_percent"] == D("14.9")
    ben = next(r for r in m.tables["utilisation"] if r["person"] == "Ben Okafor")
    assert ben["billable_ratio_percent"] == D("91.4")  # 160 of 175 minutes


def test_the_date_the_cap_runs_out_at_the_current_burn(load):
    m = _measure(load, {"cap": {"money": 5000}, "budget": 20000})
    # burn: the last 28 days (4-31 March, 20 working days) billed 1000 + 250 + 480 = 1730,
    # 86.50 a day. Left: 5000 - 3403.75 = 1596.25, 18.45 -> 19 working days after 31 March
    assert m.metrics["burn_per_working_day"].amount == D("86.50")
    assert m.metrics["cap_used_percent"] == D("68.1")
    assert m.metrics["cap_remaining"].amount == D("1596.25")
    assert m.metrics["cap_exhausted_on"] == date(2026, 4, 27)
    # no team plan: the forecast at completion is the burn to the end (30 June): April 22,
    # May 21, June 22 working days = 65 x 86.50 = 5622.50 more
    assert m.metrics["forecast_at_completion"].amount == D("3403.75") + D("5622.50")
    assert m.metrics["forecast_billed_at_completion"].amount == D("5000.00")
    assert m.status == "at-risk"  # the cap runs out before the end
    assert any("runs out on 2026-04-27" in w for w in m.warnings)


def test_a_reached_cap_is_off_track(load):
    m = _measure(load, {"cap": {"money": 3000}})
    assert m.metrics["billed_to_date"].amount == D("3000.00")
    assert m.metrics["withheld_to_date"].amount == D("403.75")
    assert m.metrics["cap_exhausted_on"] == "reached"
    assert m.status == "off-track"


def test_a_forecast_over_budget_is_off_track(load):
    m = _measure(load, {"budget": 5000})
    assert m.status == "off-track"
    assert m.metrics["variance_at_completion"].amount == D(5000) - D("9026.25")


def test_to_date_without_a_period_ends_at_the_last_entry(load):
    m = _measure(load, {"cap": {"hours": 100}}, period=None)
    assert m.metrics["as_of"] == date(2026, 3, 9)
    assert m.metrics["cap_hours_used_percent"] == D("34.9")  # 2095 min of 6000
    assert [c["cycle"] for c in m.tables["cycles"]] == [
        "2026-01",
        "2026-02",
        "2026-03-01..2026-03-09",
    ]


def test_the_team_plan_drives_the_forecast_at_completion_and_capacity(load):
    settings = {"team": [{"role": "developer", "person": "Ana Lima", "fte": D("0.5")}]}
    m = _measure(load, settings, end=date(2026, 4, 30))
    ana = next(r for r in m.tables["utilisation"] if r["person"] == "Ana Lima")
    assert ana["capacity_hours"] == D("88.00")  # half of 176
    # April: 22 working days x 4 h x 100 (her rate from 4 March) = 8800
    assert m.metrics["forecast_at_completion"].amount == D("3403.75") + D(8800)
    assert m.metrics["forecast_basis"] == "team plan"
