"""The backlog forecast, the team plan and the staffing demand against independent references."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest

import engagekit
from engagekit_time_material.backlog import History
from engagekit_time_material.forecast import simulate
from engagekit_time_material.settings import Forecast, Settings

D = Decimal
UTC_8X5 = {"timezone": "UTC", "hours": "8x5"}
RATES = [
    {"role": "developer", "bill": D(95), "cost": D(55)},
    {"role": "qa", "bill": D(80), "cost": D(50)},
]
# four sprints of 10 points each, the last ending on Sunday 1 March: the forecast starts Monday
THROUGHPUT = "start,done\n2026-01-05,10\n2026-01-19,10\n2026-02-02,10\n2026-02-16,10\n"
BACKLOG = (
    "id,size,added,done\n"
    + "".join(f"S{i},7,2026-01-05,\n" for i in range(5))
    + "D1,10,2026-01-05,2026-01-10\n"
)


def _settings(**kw):  # type: ignore[no-untyped-def]
    base = {
        "backlog": "b.csv",
        "throughput": "t.csv",
        "forecast": {"scope_growth": False},
        "team": [{"role": "developer", "person": "Ana", "fte": 1}],
    }
    base.update(kw)
    return base


FILES = {"b.csv": BACKLOG, "t.csv": THROUGHPUT}


def test_constant_throughput_finishes_on_a_date_known_by_hand(load):
    engine, project, comp = load(
        _settings(),
        FILES,
        start=date(2026, 3, 2),
        end=date(2026, 6, 30),
        rates=RATES,
        calendar=UTC_8X5,
    )
    est = engine.estimate_component(project, comp, engagekit.EstimateOptions(seed=1, trials=500))
    # 35 points open, 10 a sprint: the fourth sprint finishes, its last day 2026-04-26
    d = est.details
    assert d["remaining"] == 35 and d["as_of"] == date(2026, 3, 2)
    assert d["completion"] == {"p50": date(2026, 4, 26), "p85": date(2026, 4, 26)}
    # 8 weeks of one developer on 8x5: 40 days x 8 h = 320 h, at 95 and 55 an hour
    assert est.effort_hours.p50 == est.effort_hours.p90 == D("320.0")
    assert est.price.amount == D("30400.00") and est.cost.amount == D("17600.00")
    assert est.finish == date(2026, 4, 26)
    assert len(est.samples.effort_hours) == 500
    assert np.all(est.samples.cost == 17600.0)


def test_the_simulation_matches_a_geometric_distribution():
    # throughput 0 or 10 with equal chance, 10 points left: periods ~ Geometric(1/2)
    hist = History(
        (date(2026, 1, 5), date(2026, 1, 19)),
        (D(0), D(10)),
        (D(0), D(0)),
        date(2026, 2, 2),
        D(10),
        1,
        14,
    )
    sim = simulate(hist, Settings(forecast=Forecast(scope_growth=False)), 40_000, seed=7)
    assert abs(np.mean(sim.periods == 1) - 0.5) < 0.01
    assert abs(np.mean(sim.periods == 2) - 0.25) < 0.01
    assert abs(np.mean(sim.periods) - 2.0) < 0.03
    assert sim.unfinished == 0


def test_the_estimate_is_reproducible_by_seed_and_combines_in_the_project(load):
    engine, project, _comp = load(
        _settings(forecast={"scope_growth": True}),
        {
            "b.csv": BACKLOG + "G1,3,2026-01-20,\nG2,5,2026-02-03,\nG3,2,2026-02-17,\n",
            "t.csv": "start,done\n2026-01-05,6\n2026-01-19,14\n2026-02-02,9\n2026-02-16,12\n",
        },
        start=date(2026, 3, 2),
        end=date(2026, 9, 30),
        rates=RATES,
        calendar=UTC_8X5,
    )
    a = engine.estimate(project, seed=3, trials=2000)
    b = engine.estimate(project, seed=3, trials=2000)
    assert a.components[0].effort_hours == b.components[0].effort_hours
    assert a.components[0].details["completion"] == b.components[0].details["completion"]
    comp_est = a.components[0]
    assert comp_est.effort_hours.p50 <= comp_est.effort_hours.p80 <= comp_est.effort_hours.p90
    assert comp_est.details["completion"]["p50"] <= comp_est.details["completion"]["p85"]
    assert a.effort_hours.p50 == comp_est.effort_hours.p50  # one component: same percentiles
    # the growth history makes it later than the same backlog without growth
    engine2, project2, comp2 = load(
        _settings(),
        {
            "b.csv": BACKLOG + "G1,3,2026-01-20,\nG2,5,2026-02-03,\nG3,2,2026-02-17,\n",
            "t.csv": "start,done\n2026-01-05,6\n2026-01-19,14\n2026-02-02,9\n2026-02-16,12\n",
        },
        start=date(2026, 3, 2),
        end=date(2026, 9, 30),
        rates=RATES,
        calendar=UTC_8X5,
    )
    flat = engine2.estimate_component(project2, comp2, engagekit.EstimateOptions(3, 2000))
    assert flat.details["completion"]["p85"] <= comp_est.details["completion"]["p85"]


def test_throughput_derived_from_the_backlogs_done_dates(load):
    backlog = (
        "id,size,added,done,removed\n"
        + "".join(f"A{i},2,2026-01-05,2026-01-{10 + i:02d},\n" for i in range(6))
        + "B1,3,2026-01-05,,\nB2,3,2026-01-05,,\nX1,5,2026-01-05,,2026-01-12\n"
    )
    settings = {"backlog": "b.csv", "forecast": {"period_days": 7, "scope_growth": False}}
    engine, project, comp = load(
        settings,
        {"b.csv": backlog},
        start=date(2026, 1, 5),
        end=date(2026, 3, 31),
        rates=RATES,
        calendar=UTC_8X5,
    )
    est = engine.estimate_component(project, comp, engagekit.EstimateOptions(1, 300))
    d = est.details
    # last date in the backlog is 15 January: the forecast starts on the 16th
    assert d["as_of"] == date(2026, 1, 16)
    assert d["remaining"] == 6 and d["open_items"] == 2  # X1 removed
    assert any("no team plan" in w for w in est.warnings)


def test_a_team_plan_without_a_backlog_is_a_point_estimate_with_a_monthly_burn(load):
    settings = {
        "team": [
            {"role": "developer", "fte": 1},
            {"role": "qa", "fte": D("0.5"), "start": date(2026, 4, 16)},
        ]
    }
    engine, project, comp = load(
        settings, start=date(2026, 4, 1), end=date(2026, 4, 30), rates=RATES, calendar=UTC_8X5
    )
    est = engine.estimate_component(project, comp)
    # April 2026: 22 weekdays; from the 16th: 11. 176 h developer + 44 h qa
    assert est.effort_hours.p50 == D("220.0")
    assert est.price.amount == D(176 * 95 + 44 * 80)
    burn = est.details["monthly_burn"]
    assert burn == [
        {
            "month": "2026-04",
            "fte": {"developer": D("1.00"), "qa": D("0.25")},
            "hours": D("220.00"),
            "price": D("20240.00"),
            "cost": D("11880.00"),
        }
    ]


def test_a_history_that_never_finishes_work_is_refused(cli, write_project):
    path = write_project(
        _settings(), {"b.csv": BACKLOG, "t.csv": "start,done\n2026-01-05,0\n"}, rates=RATES
    )
    result = cli("estimate", path)
    assert result.exit_code == 1
    assert "throughput history finished no work" in result.output


def test_staffing_rows_per_month_with_calendar_capacity(load):
    settings = {
        "team": [
            {"role": "developer", "person": "Ana", "fte": 1},
            {"role": "qa", "fte": D("0.5"), "start": date(2026, 4, 16)},
        ]
    }
    engine, project, comp = load(
        settings,
        start=date(2026, 3, 16),
        end=date(2026, 4, 30),
        rates=RATES,
        calendar={"timezone": "Europe/Berlin", "country": "DE"},
    )
    plan = engine.staff_component(project, comp)
    rows = {(r.period.label, r.role, r.status): (r.fte, r.hours) for r in plan.rows}
    # 16-31 March: 12 weekdays; April: 22 weekdays less Good Friday and Easter Monday
    assert rows[("2026-03", "developer", "planned")] == (D(1), D("96.00"))
    assert rows[("2026-04", "developer", "planned")] == (D(1), D("160.00"))
    # the open qa seat from 16 April: 11 weekdays, 0.5 FTE
    assert rows[("2026-04", "qa", "open")] == (D("0.5"), D("44.00"))
    assert len(plan.rows) == 3


def test_staffing_demand_of_the_backlog_against_capacity(load):
    settings = _settings(forecast={"scope_growth": False, "hours_per_unit": 12})
    engine, project, comp = load(
        settings,
        FILES,
        start=date(2026, 3, 2),
        end=date(2026, 3, 31),
        rates=RATES,
        calendar=UTC_8X5,
    )
    plan = engine.staff_component(project, comp)
    demand = plan.details["demand"]
    # 35 points x 12 h = 420 h; one developer in March from the 2nd: 22 days x 8 h = 176 h
    assert demand["demand_hours"] == D("420.00")
    assert demand["capacity_hours"] == D("176.00")
    assert demand["gap_hours"] == D("244.00")
    rows = [r for r in plan.rows if r.status == "demand"]
    assert [(r.role, r.fte, r.hours) for r in rows] == [("backlog", D("2.39"), D("420.64"))]
    assert any("short by 244.00 h" in w for w in plan.warnings)


@pytest.mark.parametrize("trials", [1, 7])
def test_small_trial_counts_work(load, trials):
    engine, project, comp = load(
        _settings(),
        FILES,
        start=date(2026, 3, 2),
        end=date(2026, 6, 30),
        rates=RATES,
        calendar=UTC_8X5,
    )
    est = engine.estimate_component(project, comp, engagekit.EstimateOptions(1, trials))
    assert len(est.samples.effort_hours) == trials
    assert est.start == date(2026, 3, 2) and est.finish - est.start < timedelta(days=120)


def test_a_gap_in_a_timeframe_without_working_hours_names_no_fte(load):
    # Good Friday to Easter Monday 2026 in Germany: not one working hour, so no FTE closes it.
    settings = _settings(forecast={"scope_growth": False, "hours_per_unit": 12})
    engine, project, comp = load(
        settings,
        FILES,
        start=date(2026, 4, 3),
        end=date(2026, 4, 6),
        rates=RATES,
        calendar={"timezone": "Europe/Berlin", "country": "DE"},
    )
    plan = engine.staff_component(project, comp)
    assert plan.details["demand"]["gap_fte"] is None
    (warning,) = [w for w in plan.warnings if "short by" in w]
    assert "?" not in warning
    assert "the calendar has no working hours from 2026-04-03 to 2026-04-06" in warning
