"""The roster: open positions and their expected fill dates, replacements, client changes
after lead time or notice, named members as rows with ``person``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import engagekit
from engagekit_dedicated_team.staffing import vacancy_share

from .conftest import position, project_dict


def _staff(build, engine, settings, **kw):
    project = build(settings, **kw)
    return engine.staff_component(project, project.components[0])


def _positions(staffing):
    return [
        (p["role"], p["reason"], p["opened"], p["expected_fill"], p["outcome"], p["filled_by"])
        for p in staffing.details["open_positions"]
    ]


def test_open_positions_fill_after_the_lead_time(build, engine):
    staffing = _staff(
        build,
        engine,
        {
            "billing": "tm",
            "positions": [position("developer", 2, rate=Decimal(9000), lead_time_days=45)],
        },
    )
    fill = date(2026, 4, 15)  # 1 March + 45 days
    assert (
        _positions(staffing)
        == [("developer", "initial team", date(2026, 3, 1), fill, "expected", None)] * 2
    )
    march = [r for r in staffing.rows if r.period.start == date(2026, 3, 1)]
    assert [(r.status, r.fte, r.person) for r in march] == [("open", Decimal("2.00"), None)]
    # April 2026 (DE): 20 working days (Good Friday 3 and Easter Monday 6 April off);
    # open 1-14 April = 8 working days, filled by expected hires from 15 April = 12
    april = {r.status: r.fte for r in staffing.rows if r.period.start == date(2026, 4, 1)}
    assert april == {"open": Decimal("0.80"), "planned": Decimal("1.20")}


def test_a_named_member_takes_the_oldest_open_position(build, engine):
    staffing = _staff(
        build,
        engine,
        {
            "billing": "tm",
            "positions": [position("developer", 1, rate=Decimal(9000), lead_time_days=45)],
            "members": [{"name": "Ana", "role": "developer", "start": "2026-05-18"}],
        },
    )
    assert _positions(staffing) == [
        ("developer", "initial team", date(2026, 3, 1), date(2026, 4, 15), "named", "Ana")
    ]
    may = [(r.status, r.person, r.fte) for r in staffing.rows if r.period.start.month == 5]
    # open 1-17 May: 4-8, 11-13, 15 May = 9 of 18 working days
    assert ("open", None, Decimal("0.50")) in may
    assert ("planned", "Ana", Decimal(1)) in may
    ana = next(r for r in staffing.rows if r.person == "Ana" and r.period.start.month == 5)
    assert (ana.period.start, ana.period.last) == (date(2026, 5, 18), date(2026, 5, 31))
    assert ana.hours == Decimal(72)  # 9 working days x 8 h


def test_a_leaver_opens_a_replacement(build, engine):
    staffing = _staff(
        build,
        engine,
        {
            "billing": "tm",
            "positions": [position("qa", 1, rate=Decimal(7000), lead_time_days=30)],
            "members": [
                {
                    "name": "Marta",
                    "role": "qa",
                    "start": "2026-03-01",
                    "end": "2026-06-12",
                    "exit_reason": "resigned",
                    "new_hire": False,
                }
            ],
        },
    )
    assert _positions(staffing) == [
        ("qa", "replacement", date(2026, 6, 13), date(2026, 7, 13), "expected", None)
    ]


def test_client_changes_take_effect_after_lead_time_and_notice(build, engine):
    staffing = _staff(
        build,
        engine,
        {
            "billing": "tm",
            "notice_days": 30,
            "minimum_term_months": 6,
            "positions": [position("developer", 2, rate=Decimal(9000), lead_time_days=45)],
            "members": [
                {"name": "Ana", "role": "developer", "start": "2026-03-01", "new_hire": False},
                {"name": "Ben", "role": "developer", "start": "2026-03-01", "new_hire": False},
            ],
            "changes": [
                {
                    "kind": "addition",
                    "role": "developer",
                    "requested": "2026-11-02",
                    "effective": "2026-12-01",
                },
                {"kind": "reduction", "role": "developer", "requested": "2026-05-01"},
            ],
        },
    )
    added, reduced = staffing.details["changes"]
    assert added["effective"] == date(2026, 12, 17)  # requested 2 Nov + 45 days
    # 1 May + 30 days = 31 May, but the minimum term runs to 31 August
    assert (reduced["effective"], reduced["billed_to"]) == (date(2026, 9, 1), date(2026, 8, 31))
    assert "2 named developer member(s) for 1 planned seat(s)" in " ".join(staffing.warnings)


def test_ramp_up_percent_rounds_half_up(build, engine):
    staffing = _staff(
        build,
        engine,
        {
            "billing": "tm",
            "attrition_percent": 0,
            "positions": [position("developer", 3, rate=Decimal(9000), lead_time_days=0)],
            "ramp_up": [
                {"start": "2026-03-01", "percent": 50},
                {"start": "2026-05-01", "percent": 100},
            ],
        },
    )
    planned = {(m["month"]): m["planned"] for m in staffing.details["months"]}
    assert planned["2026-03"] == Decimal("2.00")  # 1.5 seats -> 2
    assert planned["2026-05"] == Decimal("3.00")


def test_named_members_are_flagged_when_over_allocated_across_components(engine, tmp_path):
    def team(start):
        return {
            "billing": "tm",
            "positions": [position("developer", 1, rate=Decimal(9000))],
            "members": [{"name": "Ana", "role": "developer", "start": start}],
        }

    data = project_dict(
        team("2026-03-01"),
        more=[
            {
                "name": "Second team",
                "model": "dedicated-team",
                "start": "2026-03-01",
                "end": "2027-02-28",
                "settings": team("2026-06-15"),
            }
        ],
    )
    project = engine.project_from_dict(data, base_dir=tmp_path)
    plan = engine.staff(project)
    over = [w for w in plan.warnings if "Ana is over-allocated" in w]
    assert over[0].startswith("Ana is over-allocated in 2026-06: 1.53 FTE")  # 16 of 30 days
    assert len(over) == 9  # June 2026 to February 2027


def test_vacancy_share_by_formula():
    # 15% a year: hazard h = -ln(0.85) / 365.25 = 0.00044496 a day; lead 30 days:
    # h L / (1 + h L) = 0.0133487 / 1.0133487 = 0.013173
    assert abs(vacancy_share(Decimal(15), 30) - Decimal("0.013173")) < Decimal("0.000001")
    assert vacancy_share(Decimal(0), 30) == 0 and vacancy_share(Decimal(15), 0) == 0


def test_attrition_vacancy_is_an_open_row(build, engine):
    staffing = _staff(
        build,
        engine,
        {
            "billing": "tm",
            "attrition_percent": 15,
            "positions": [position("developer", 10, rate=Decimal(9000), lead_time_days=30)],
            "members": [
                {"name": f"P{i}", "role": "developer", "start": "2026-03-01", "new_hire": False}
                for i in range(10)
            ],
        },
    )
    row = next(r for r in staffing.rows if r.status == "open" and r.period.start.month == 5)
    assert row.fte == Decimal("0.13")  # 10 x 0.013173
    month = next(m for m in staffing.details["months"] if m["month"] == "2026-05")
    assert month["expected_leavers"] == Decimal("0.14")  # 10 x (1 - 0.85^(31/365.25))


def test_roster_is_exact_to_the_period_label(build, engine):
    staffing = _staff(
        build,
        engine,
        {
            "billing": "tm",
            "positions": [position("developer", 1, rate=Decimal(9000))],
            "members": [{"name": "Ana", "role": "developer", "start": "2026-03-01"}],
        },
        end="2026-05-20",
    )
    last = [r for r in staffing.rows if r.person == "Ana"][-1]
    assert last.period == engagekit.Period.days(date(2026, 5, 1), date(2026, 5, 20))


def test_the_reduction_that_goes_below_zero_is_named(build):
    import pytest

    with pytest.raises(engagekit.InputError) as err:
        build(
            {
                "billing": "tm",
                "notice_days": 0,
                "positions": [
                    position("developer", 2, rate=Decimal(9000)),
                    position("qa", 1, rate=Decimal(7000)),
                ],
                "changes": [
                    {"kind": "reduction", "role": "qa", "requested": "2026-04-01"},
                    {"kind": "reduction", "role": "developer", "requested": "2026-04-01"},
                    {
                        "kind": "reduction",
                        "role": "developer",
                        "requested": "2026-05-01",
                        "headcount": 2,
                    },
                ],
            }
        )
    assert err.value.field == "settings.changes[2].headcount"
    assert "reduction of developer on 2026-05-01 leaves a negative headcount (-1)" in str(err.value)
