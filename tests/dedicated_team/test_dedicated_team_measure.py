"""Service measures by hand: team size against plan, attrition, retention, time to hire,
tenure, and utilisation from the time entries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import engagekit

from .conftest import position, write_csv

H1 = engagekit.Period.parse("2026-03-01..2026-06-30")


@pytest.fixture
def team(build, tmp_path):
    write_csv(
        tmp_path / "hours.csv",
        ("date", "person", "hours", "billable", "category", "notes"),
        [
            ("2026-06-01", "Ana", "8", "yes", "Dev", "a"),
            ("2026-06-02", "Ana", "6", "yes", "Dev", "b"),
            ("2026-06-02", "Ana", "2", "no", "Internal", "c"),
            ("2026-06-03", "Dan", "4", "yes", "Dev", "d"),
        ],
    )
    return build(
        {
            "billing": "tm",
            "attrition_percent": 10,
            "as_of": "2026-06-30",
            "time_entries": "hours.csv",
            "time_entries_format": "generic",
            "time_material": {"non_billable": ["Internal"]},
            "positions": [
                position("developer", 4, rate=Decimal(72), rate_unit="hour", lead_time_days=30)
            ],
            "members": [
                {"name": "Ana", "role": "developer", "start": "2026-03-01", "new_hire": False},
                {"name": "Ben", "role": "developer", "start": "2026-03-01", "new_hire": False},
                {
                    "name": "Cem",
                    "role": "developer",
                    "start": "2026-03-01",
                    "end": "2026-04-30",
                    "exit_reason": "resigned",
                    "new_hire": False,
                },
                {
                    "name": "Dan",
                    "role": "developer",
                    "start": "2026-05-18",
                    "requested": "2026-04-01",
                },
            ],
        }
    )


def test_measures_by_hand(engine, team):
    m = engine.measure_component(team, team.components[0], H1)
    x = m.metrics
    assert (x["from"], x["to"]) == (date(2026, 3, 1), date(2026, 6, 30))
    # working days (DE) March-June 2026: 22 + 20 + 18 + 22 = 82, four seats planned on each
    # named: Ana, Ben 82 each; Cem March-April 42; Dan from 18 May: 9 (May) + 22 (June) = 31
    # 237 / 82 = 2.890...
    assert x["planned_headcount"] == Decimal("4.00")
    assert x["headcount"] == Decimal("2.89")
    assert x["team_vs_plan_percent"] == Decimal("72.3")
    assert (x["planned_headcount_end"], x["headcount_end"]) == (4, 3)
    # Cem resigned: 1 / 2.890 seats over 122 days, a year: 1 / 2.8902 x 365.25 / 122 = 103.6%
    assert (x["leavers"], x["resigned"], x["attrition_percent"]) == (1, 1, Decimal("103.6"))
    assert x["retention_percent"] == Decimal("66.7")  # Ana, Ben of Ana, Ben, Cem
    assert (x["hires"], x["time_to_hire_days"]) == (1, Decimal("47.0"))  # 1 April -> 18 May
    # on the team on 30 June: Ana, Ben 122 days, Dan 44 days; /30.4375: 4.01, 4.01, 1.45
    assert x["average_tenure_months"] == Decimal("3.2")
    assert m.status == "off-track"


def test_utilisation_from_the_time_entries(engine, team):
    m = engine.measure_component(team, team.components[0], engagekit.Period.parse("2026-06"))
    rows = {r["person"]: r for r in m.tables["utilisation"]}
    # June 2026: 22 working days x 8 h = 176 h; Ana billed 14 h (2 h Internal not billable)
    assert rows["Ana"]["capacity_hours"] == Decimal("176.00")
    assert rows["Ana"]["billable_hours"] == Decimal("14.00")
    assert rows["Ana"]["utilisation_percent"] == Decimal("8.0")
    assert rows["Dan"]["billable_hours"] == Decimal("4.00")
    # Ana 14 + Dan 4 over Ana, Ben, Dan 3 x 176 = 18 / 528 = 3.4%
    assert m.metrics["utilisation_percent"] == Decimal("3.4")


def test_to_date_uses_as_of(engine, team):
    m = engine.measure_component(team, team.components[0], None)
    assert m.metrics["to"] == date(2026, 6, 30)


def test_a_period_before_the_term_measures_nothing(engine, team):
    m = engine.measure_component(team, team.components[0], engagekit.Period.parse("2025-06"))
    assert m.metrics == {} and "nothing to measure" in m.warnings[0]


def test_status_on_track_when_the_team_is_full(build, engine):
    project = build(
        {
            "billing": "tm",
            "positions": [position("developer", 2, rate=Decimal(9000))],
            "members": [{"name": n, "role": "developer", "start": "2026-03-01"} for n in "AB"],
        }
    )
    m = engine.measure_component(project, project.components[0], engagekit.Period.parse("2026-05"))
    assert m.status == "on-track" and m.metrics["team_vs_plan_percent"] == Decimal("100.0")
