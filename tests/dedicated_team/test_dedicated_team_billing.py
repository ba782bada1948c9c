"""Bills: the T&M part equals the time-material model's own bill; cost-plus arithmetic; notice
periods, minimum term, recruitment and management fees."""

from __future__ import annotations

from decimal import Decimal

import pytest

import engagekit

from .conftest import position, write_csv

MAY = engagekit.Period.parse("2026-05")
EUR = "EUR"


def eur(text: str | int) -> engagekit.Money:
    return engagekit.Money(Decimal(text), EUR)


@pytest.fixture
def timesheet(tmp_path):
    rows = [
        ("2026-05-04", "Ana", "developer", "8", "yes", "Development", "a"),
        ("2026-05-05", "Ana", "developer", "7.25", "yes", "Development", "b"),
        ("2026-05-05", "Ana", "developer", "1", "no", "Internal", "c"),
        ("2026-05-06", "Ben", "developer", "8.5", "yes", "Development", "d"),
        ("2026-05-18", "Ben", "developer", "6", "yes", "Development", "e"),
        ("2026-05-19", "Lea", "lead", "8", "yes", "Development", "f"),
        ("2026-06-01", "Ana", "developer", "8", "yes", "Development", "g"),
    ]
    return write_csv(
        tmp_path / "hours.csv",
        ("date", "person", "role", "hours", "billable", "category", "notes"),
        rows,
    )


def _team(**extra):
    settings = {
        "billing": "tm",
        "time_entries": "hours.csv",
        "time_entries_format": "generic",
        "time_material": {"non_billable": ["Internal"], "rounding": {"increment": 15}},
        "positions": [
            position("developer", 2, rate=Decimal(72), rate_unit="hour"),
            position("lead", 1, rate=Decimal("12000.00"), rate_unit="month"),
        ],
        "members": [
            {"name": "Ana", "role": "developer", "start": "2026-03-01", "new_hire": False},
            {"name": "Ben", "role": "developer", "start": "2026-03-01", "new_hire": False},
            {"name": "Lea", "role": "lead", "start": "2026-03-01", "new_hire": False},
        ],
    }
    settings.update(extra)
    return settings


def test_delegated_bill_equals_the_time_material_models_bill(build, engine, timesheet):
    project = build(_team())
    team = project.components[0]
    bill = engine.bill_component(project, team, MAY)
    delegated = [line for line in bill.lines if line.details.get("billed_by") == "time-material"]
    # the same entries billed by a time-material component built from the same table
    tm = engine.make_component(
        project,
        name="reference",
        model="time-material",
        start=team.start,
        end=team.end,
        settings={
            "time_entries": str(timesheet),
            "format": "generic",
            "rates": [
                {"role": "developer", "bill": Decimal(72), "unit": "hour"},
                {"role": "lead", "bill": Decimal(0), "unit": "hour"},
            ],
            "people": {"Ana": "developer", "Ben": "developer", "Lea": "lead"},
            "non_billable": ["Internal"],
            "rounding": {"increment": 15},
            "invoice_by": "person",
        },
    )
    reference = engine.bill_component(project, tm, MAY)
    # the lead's hours bill nothing there (zero rate): the team bills the lead's seat instead
    expected = [x for x in reference.lines if x.details["role"] != "lead"]
    assert [x.amount for x in reference.lines if x.details["role"] == "lead"] == [eur(0)]
    assert [(x.description, x.quantity, x.amount, x.kind) for x in delegated] == [
        (x.description, x.quantity, x.amount, x.kind) for x in expected
    ]
    assert all(line.component == "Team" for line in bill.lines)
    # by hand: Ana 8 + 7.25 = 15.25 h (Internal not billed), Ben 8.5 + 6 = 14.5 h, at 72/h
    assert {x.details["person"]: x.amount for x in delegated} == {
        "Ana": eur("1098.00"),
        "Ben": eur("1044.00"),
    }


def test_month_rated_roles_bill_seats_not_their_hours(build, engine, timesheet):
    project = build(_team())
    bill = engine.bill_component(project, project.components[0], MAY)
    lea = [line for line in bill.lines if line.details.get("person") == "Lea"]
    assert [(x.kind, x.amount, x.unit) for x in lea] == [("service", eur("12000.00"), "month")]


def test_cost_plus_is_costs_plus_margin_exactly(build, engine, tmp_path):
    write_csv(
        tmp_path / "costs.csv",
        ("date", "category", "role", "person", "amount"),
        [
            ("2026-05-31", "salary", "developer", "Ana", "5333.33"),
            ("2026-05-31", "salary", "developer", "Ben", "5333.34"),
            ("2026-05-31", "overhead", "developer", "Ana", "1173.33"),
            ("2026-05-15", "equipment", "", "", "99.99"),
            ("2026-04-30", "salary", "developer", "Ana", "5000.00"),  # April: not this bill
        ],
    )
    project = build(
        {
            "billing": "cost-plus",
            "margin_percent": Decimal("17.5"),
            "costs": "costs.csv",
            "positions": [position("developer", 2, monthly_cost=Decimal(5300))],
            "members": [
                {"name": "Ana", "role": "developer", "start": "2026-03-01", "new_hire": False},
                {"name": "Ben", "role": "developer", "start": "2026-03-01", "new_hire": False},
            ],
        }
    )
    bill = engine.bill_component(project, project.components[0], MAY)
    costs = [x for x in bill.lines if x.kind == "cost"]
    assert [(x.description, x.amount) for x in costs] == [
        ("cost: salary (developer)", eur("10666.67")),
        ("cost: overhead (developer)", eur("1173.33")),
        ("cost: equipment", eur("99.99")),
    ]
    # 10,666.67 + 1,173.33 + 99.99 = 11,939.99; 17.5% of it = 2,089.49825 -> 2,089.50
    (margin,) = [x for x in bill.lines if x.kind == "margin"]
    assert margin.amount == eur("2089.50")
    assert sum(x.amount.amount for x in bill.lines) == Decimal("14029.49")


def test_cost_plus_without_costs_warns(build, engine, tmp_path):
    write_csv(tmp_path / "costs.csv", ("date", "category", "amount"), [("2026-04-30", "x", "1")])
    project = build(
        {
            "billing": "cost-plus",
            "margin_percent": Decimal(10),
            "costs": "costs.csv",
            "positions": [position("developer", 1, monthly_cost=Decimal(5300))],
            "members": [{"name": "Ana", "role": "developer", "start": "2026-03-01"}],
        }
    )
    bill = engine.bill_component(project, project.components[0], MAY)
    assert bill.lines == ()
    assert "no actual costs" in bill.warnings[0]


def test_reduction_is_billed_to_the_end_of_notice(build, engine):
    # Ben is released on a request of 20 April (30 days' notice: the seat goes on 20 May) but
    # leaves on 30 April: his seat is billed 1-19 May as notice.
    # May 2026 (DE): 18 working days; 9,000.00 / 18 = 500.00 a day exactly.
    # 1-19 May: 4-8, 11-13, 15, 18, 19 May = 11 working days = 5,500.00
    project = build(
        {
            "billing": "tm",
            "notice_days": 30,
            "positions": [position("developer", 2, rate=Decimal("9000.00"))],
            "members": [
                {"name": "Ana", "role": "developer", "start": "2026-03-01", "new_hire": False},
                {
                    "name": "Ben",
                    "role": "developer",
                    "start": "2026-03-01",
                    "end": "2026-04-30",
                    "new_hire": False,
                    "exit_reason": "released",
                },
            ],
            "changes": [
                {
                    "kind": "reduction",
                    "role": "developer",
                    "requested": "2026-04-20",
                    "person": "Ben",
                }
            ],
        }
    )
    bill = engine.bill_component(project, project.components[0], MAY)
    (notice,) = [x for x in bill.lines if x.kind == "notice"]
    assert notice.details["person"] == "Ben"
    assert (notice.details["first"].isoformat(), notice.details["last"].isoformat()) == (
        "2026-05-01",
        "2026-05-19",
    )
    assert notice.amount == eur("5500.00")
    june = engine.bill_component(project, project.components[0], engagekit.Period.parse("2026-06"))
    assert not [x for x in june.lines if x.details.get("person") == "Ben"]


def test_notice_of_an_hourly_seat_is_its_working_hours(build, engine, timesheet):
    # Ana released on a request of 1 May with 30 days' notice (the seat goes on 31 May), gone
    # after 6 May: the seat is billed 7-30 May: 7, 8, 11-13, 15, 18-22, 26-29 May = 15 working
    # days (14 and 25 May are holidays) x 8 h = 120 h x 72.00 = 8,640.00
    settings = _team(
        changes=[
            {"kind": "reduction", "role": "developer", "requested": "2026-05-01", "person": "Ana"}
        ]
    )
    settings["members"][0] = {
        "name": "Ana",
        "role": "developer",
        "start": "2026-03-01",
        "end": "2026-05-06",
        "new_hire": False,
    }
    project = build(settings)
    bill = engine.bill_component(project, project.components[0], MAY)
    (notice,) = [x for x in bill.lines if x.kind == "notice"]
    assert (notice.quantity, notice.unit, notice.amount) == (Decimal(120), "h", eur("8640.00"))


def test_minimum_term_moves_the_earliest_reduction(build, engine):
    # minimum term 6 months from 1 March: no reduction takes effect before 1 September
    project = build(
        {
            "billing": "tm",
            "notice_days": 30,
            "minimum_term_months": 6,
            "positions": [position("developer", 2, rate=Decimal("9000.00"))],
            "members": [
                {"name": "Ana", "role": "developer", "start": "2026-03-01", "new_hire": False},
                {
                    "name": "Ben",
                    "role": "developer",
                    "start": "2026-03-01",
                    "end": "2026-05-31",
                    "new_hire": False,
                },
            ],
            "changes": [
                {
                    "kind": "reduction",
                    "role": "developer",
                    "requested": "2026-05-01",
                    "person": "Ben",
                }
            ],
        }
    )
    aug = engine.bill_component(project, project.components[0], engagekit.Period.parse("2026-08"))
    ben = [x for x in aug.lines if x.details.get("person") == "Ben"]
    assert [(x.kind, x.amount) for x in ben] == [("notice", eur("9000.00"))]
    sep = engine.bill_component(project, project.components[0], engagekit.Period.parse("2026-09"))
    assert not [x for x in sep.lines if x.details.get("person") == "Ben"]


def test_fees_recruitment_in_the_month_of_the_hire_and_management(build, engine):
    project = build(
        {
            "billing": "tm",
            "recruitment_fee": Decimal(2500),
            "management_fee_percent": Decimal(5),
            "positions": [
                position("developer", 2, rate=Decimal("9000.00"), recruitment_fee=Decimal(4000)),
                position("qa", 1, rate=Decimal("6000.00")),
            ],
            "members": [
                {"name": "Ana", "role": "developer", "start": "2026-03-01", "new_hire": False},
                {"name": "Ben", "role": "developer", "start": "2026-05-17"},
                {"name": "Cy", "role": "qa", "start": "2026-05-05"},
            ],
        }
    )
    bill = engine.bill_component(project, project.components[0], MAY)
    fees = {x.description.split(":")[0]: x.amount for x in bill.lines if x.kind == "fee"}
    # services: Ana 9,000.00 + Ben 9 of 18 days of 9,000.00 = 4,500.00 + Cy from 5 May, 17 of
    # 18 days of 6,000.00: 600,000 cents / 18 = 33,333.33, the 6 cents left to the first six
    # working days (4-8, 11 May): 5, 6, 7, 8, 11 May at 333.34 and 12 days at 333.33 =
    # 1,666.70 + 3,999.96 = 5,666.66; the management fee is 5% of the services
    services = sum(x.amount.amount for x in bill.lines if x.kind == "service")
    assert services == Decimal("9000.00") + Decimal("4500.00") + Decimal("5666.66")
    assert fees["management fee 5%"] == eur(
        str((services * Decimal("0.05")).quantize(Decimal("0.01")))
    )
    hires = sorted(x.amount for x in bill.lines if x.description.startswith("recruitment"))
    assert hires == [eur(2500), eur(4000)]
    april = engine.bill_component(project, project.components[0], engagekit.Period.parse("2026-04"))
    assert not [x for x in april.lines if x.description.startswith("recruitment")]


def test_a_quarter_bills_each_month_and_a_period_outside_the_term_nothing(build, engine):
    project = build(
        {
            "billing": "tm",
            "positions": [position("developer", 1, rate=Decimal("9000.00"))],
            "members": [
                {"name": "Ana", "role": "developer", "start": "2026-03-01", "new_hire": False}
            ],
        }
    )
    q2 = engine.bill_component(project, project.components[0], engagekit.Period.parse("2026-Q2"))
    assert [x.details["month"] for x in q2.lines] == ["2026-04", "2026-05", "2026-06"]
    assert sum(x.amount.amount for x in q2.lines) == Decimal("27000.00")
    none = engine.bill_component(project, project.components[0], engagekit.Period.parse("2025-05"))
    assert none.lines == ()
