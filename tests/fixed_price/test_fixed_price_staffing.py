"""The fixed roster against the capacity the estimate needs, and changes to a fixed team."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from statistics import NormalDist

from tests.fixed_price import _project as fp

D = Decimal


def staffing(tmp_path, **kw):
    engine, project = fp.load(tmp_path, fp.project(fp.settings(**kw), end=date(2026, 4, 30)))
    return engine.staff(project)


def test_roster_rows_give_fte_and_hours_of_each_month(tmp_path):
    plan = staffing(tmp_path, team=[{"role": "developer", "person": "Dev", "fte": D("0.5")}])
    rows = [r for r in plan.rows if r.status == "planned"]
    # March 2026 from the 2nd: 22 working days * 8 h * 0.5; April: 22 days
    assert [(r.period.label, r.fte, r.hours) for r in rows] == [
        ("2026-03", D("0.50"), D("88.0")),
        ("2026-04", D("0.50"), D("88.0")),
    ]


def test_demand_is_the_expected_hours_raised_to_the_target_confidence(tmp_path):
    s = dict(
        phases=[
            {"name": "a", "items": [{"role": "developer", "min": 40, "likely": 60, "max": 110}]},
            {"name": "b", "items": [{"role": "developer", "min": 20, "likely": 30, "max": 50}]},
        ]
    )
    plan = staffing(tmp_path, **s)
    demand = sum(r.hours for r in plan.rows if r.status == "demand")
    mean = D(390) / 6 + D(190) / 6  # (40 + 240 + 110) / 6 + (20 + 120 + 50) / 6
    sd = ((D(70) / 6) ** 2 + (D(30) / 6) ** 2).sqrt()
    z = D(repr(NormalDist().inv_cdf(0.8)))
    assert abs(demand - (mean + z * sd)) < D("0.2")  # rows are rounded to 0.1 h


def test_under_and_over_capacity_are_flagged(tmp_path):
    # 100 h in phase a (March) and 40 h in phase b (April) for one full-time developer with
    # 176 h in each month: idle in both months, beyond the 10% tolerance
    plan = staffing(
        tmp_path,
        phases=[
            {"name": "a", "end": date(2026, 3, 31), "items": [{"role": "developer", "hours": 100}]},
            {"name": "b", "end": date(2026, 4, 30), "items": [{"role": "developer", "hours": 40}]},
        ],
    )
    assert any("developer: over-capacity in 2026-03, 2026-04" in w for w in plan.warnings)
    under = staffing(
        tmp_path,
        phases=[
            {"name": "a", "end": date(2026, 3, 31), "items": [{"role": "developer", "hours": 250}]},
            {"name": "b", "end": date(2026, 4, 30), "items": [{"role": "developer", "hours": 40}]},
        ],
    )
    assert any(
        "developer: under-capacity in 2026-03 (worst 2026-03: the fixed team gives "
        "176.0 h, the estimate needs 250.0 h, short by 74.0 h)" in w
        for w in under.warnings
    )
    table = {(r["period"], r["role"]): r for r in under.components[0].details["capacity"]}
    assert table[("2026-03", "developer")]["status"] == "under-capacity"


def test_a_roster_change_is_reported_as_a_change_to_a_fixed_team(tmp_path):
    roster = fp.write_csv(
        tmp_path,
        "roster.csv",
        "role,person,fte,start,end\ndeveloper,Dev,0.5,,2026-03-31\ndeveloper,Neu,1,2026-04-01,\n",
    )
    plan = staffing(tmp_path, roster=roster)
    changes = [w for w in plan.warnings if w.startswith("fp: change to a fixed team")]
    assert changes == [
        "fp: change to a fixed team: Dev (developer): allocation 1 -> 0.5 FTE, leaves "
        "2026-03-31 instead of 2026-04-30",
        "fp: change to a fixed team: Neu (developer) joined the team (1 FTE 2026-04-01 .. "
        "2026-04-30), not in the plan",
    ]
    people = {(r.period.label, r.person) for r in plan.rows if r.status == "planned"}
    assert people == {("2026-03", "Dev"), ("2026-04", "Neu")}


def test_the_same_roster_as_planned_is_no_change(tmp_path):
    roster = fp.write_csv(tmp_path, "roster.csv", "role,person,fte\ndeveloper,Dev,1\n")
    plan = staffing(tmp_path, roster=roster)
    assert plan.components[0].details["roster_changes"] == []


def test_weekly_staffing(tmp_path):
    plan = staffing(tmp_path, staffing_period="week")
    labels = sorted({r.period.label for r in plan.rows})
    assert labels[0] == "2026-W10" and labels[-1] == "2026-W18"
    # the week of 2026-04-27 is cut at the component's end (Thursday 04-30): 4 days, 32 h
    last = [r for r in plan.rows if r.period.label == "2026-W18" and r.status == "planned"]
    assert last[0].hours == D("32.0") and last[0].fte == D("1.00")
