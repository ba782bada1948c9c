"""The estimate: run-rate and contract value by formula, the ramp-up curve, and the attrition
simulation against the renewal-process expectation."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np

import engagekit

from .conftest import position

OPTIONS = engagekit.EstimateOptions(seed=7, trials=500)


def _estimate(build, engine, settings, options=OPTIONS, **kw):
    project = build(settings, **kw)
    return engine.estimate_component(project, project.components[0], options)


def _members(n, role="developer"):
    return [
        {"name": f"P{i}", "role": role, "start": "2026-03-01", "new_hire": False} for i in range(n)
    ]


def test_full_team_without_attrition_by_formula(build, engine):
    # seat cost: 5,000 x 1.20 + 100 + 300 = 6,400 a month; two seats for six full months
    est = _estimate(
        build,
        engine,
        {
            "billing": "tm",
            "positions": [
                position(
                    "developer",
                    2,
                    monthly_cost=Decimal(5000),
                    overhead_percent=Decimal(20),
                    equipment_per_seat=Decimal(100),
                    office_per_seat=Decimal(300),
                    rate=Decimal(9000),
                )
            ],
            "members": _members(2),
        },
        end="2026-08-31",
    )
    assert est.cost == engagekit.Money(Decimal("76800.00"), "EUR")  # 6 x 2 x 6,400
    assert est.price == engagekit.Money(Decimal("108000.00"), "EUR")  # 6 x 2 x 9,000
    months = est.details["months"]
    assert [m["month"] for m in months] == [f"2026-0{i}" for i in range(3, 9)]
    for m in months:
        assert (
            m["headcount"]
            == m["expected_headcount"]
            == m["headcount_p10"]
            == m["headcount_p90"]
            == Decimal("2.00")
        )
    assert sum(m["price"].amount for m in months) == est.price.amount
    rr = est.details["run_rate"]
    assert (rr["cost"].amount, rr["price"].amount, rr["margin"].amount) == (
        Decimal("12800.00"),
        Decimal("18000.00"),
        Decimal("5200.00"),
    )
    assert est.details["total_contract_value"] == est.price
    # effort: the seats' working hours; DE, March-August 2026: 22+20+18+22+23+21 = 126 days
    assert est.effort_hours.p50 == est.effort_hours.p90 == Decimal(2 * 126 * 8)


def test_hourly_rates_price_working_hours_times_utilisation(build, engine, tmp_path):
    (tmp_path / "t.csv").write_text("date,person,hours\n")
    est = _estimate(
        build,
        engine,
        {
            "billing": "tm",
            "time_entries": "t.csv",
            "utilisation_percent": 90,
            "positions": [
                position(
                    "developer", 1, monthly_cost=Decimal(5000), rate=Decimal(72), rate_unit="hour"
                )
            ],
            "members": [{"name": "Ana", "role": "developer", "start": "2026-05-01"}],
        },
        start="2026-05-01",
        end="2026-05-31",
    )
    # May 2026 (DE): 18 working days x 8 h = 144 h x 72 x 90% = 9,331.20
    assert est.price == engagekit.Money(Decimal("9331.20"), "EUR")


def test_cost_plus_prices_cost_plus_margin(build, engine):
    est = _estimate(
        build,
        engine,
        {
            "billing": "cost-plus",
            "margin_percent": Decimal(15),
            "management_fee_monthly": Decimal(1000),
            "positions": [
                position("analyst", 1, monthly_cost=Decimal(4000), overhead_percent=Decimal(25))
            ],
            "members": _members(1, "analyst"),
        },
        end="2026-05-31",
    )
    # per month: cost 5,000; price 5,000 x 1.15 + 1,000 = 6,750; three months
    assert est.cost.amount == Decimal("15000.00")
    assert est.price.amount == Decimal("20250.00")


def test_ramp_up_lead_times_and_recruitment_fees_shape_the_curve(build, engine):
    est = _estimate(
        build,
        engine,
        {
            "billing": "tm",
            "recruitment_fee": Decimal(2000),
            "positions": [
                position(
                    "developer",
                    4,
                    monthly_cost=Decimal(5000),
                    rate=Decimal(9000),
                    lead_time_days=31,
                )
            ],
            "ramp_up": [
                {"start": "2026-03-01", "headcount": {"developer": 2}},
                {"start": "2026-05-01", "percent": 100},
            ],
            "members": _members(2),
        },
        end="2026-06-30",
    )
    months = {m["month"]: m for m in est.details["months"]}
    # two named from March; two more wanted from May, hiring from 1 March + 31 days: filled 1 May
    assert [months[m]["headcount"] for m in months] == [
        Decimal(x) for x in ("2.00", "2.00", "4.00", "4.00")
    ]
    assert months["2026-05"]["hires"] == 2
    assert months["2026-05"]["recruitment_fees"].amount == Decimal("4000.00")
    assert months["2026-05"]["price"].amount == Decimal("40000.00")  # 4 x 9,000 + 4,000


def test_the_simulation_is_seeded(build, engine):
    settings = {
        "billing": "tm",
        "attrition_percent": 25,
        "positions": [
            position(
                "developer", 5, monthly_cost=Decimal(5000), rate=Decimal(9000), lead_time_days=40
            )
        ],
        "members": _members(5),
    }
    a = _estimate(build, engine, settings)
    b = _estimate(build, engine, settings)
    c = _estimate(build, engine, settings, engagekit.EstimateOptions(seed=8, trials=500))
    assert np.array_equal(a.samples.effort_hours, b.samples.effort_hours)
    assert a.details == b.details
    assert not np.array_equal(a.samples.effort_hours, c.samples.effort_hours)
    assert len(a.samples.effort_hours) == len(a.samples.cost) == 500
    for m in a.details["months"]:
        assert m["headcount_p10"] <= m["expected_headcount"] <= m["headcount"]


def test_expected_headcount_matches_the_renewal_process(build, engine):
    # Each seat alternates filled spells (daily hazard h) and empty spells of L days; in the long
    # run a seat is empty h L / (1 + h L) of the time. 30% a year, L = 60 days:
    # h = -ln(0.7) / 365.25 = 0.00097652; h L = 0.058591; empty share 0.055348.
    # Ten seats: 9.4465 expected in the third year.
    hazard = -math.log(0.7) / 365.25
    share = hazard * 60 / (1 + hazard * 60)
    est = _estimate(
        build,
        engine,
        {
            "billing": "tm",
            "attrition_percent": 30,
            "positions": [
                position(
                    "developer",
                    10,
                    monthly_cost=Decimal(5000),
                    rate=Decimal(9000),
                    lead_time_days=60,
                )
            ],
            "members": _members(10),
        },
        engagekit.EstimateOptions(seed=3, trials=2000),
        end="2029-02-28",
    )
    third_year = [float(m["expected_headcount"]) for m in est.details["months"][24:]]
    assert abs(sum(third_year) / 12 - 10 * (1 - share)) < 0.05


def test_expected_leavers_and_replacement_fees(build, engine):
    # Lead time 0: a leaver is replaced at once, so every seat leaves at rate -ln(1 - a) a year:
    # ten seats at 15% -> 10 x 0.1625 = 1.625 leavers in a year, each a 1,000 fee.
    est = _estimate(
        build,
        engine,
        {
            "billing": "tm",
            "attrition_percent": 15,
            "recruitment_fee": Decimal(1000),
            "positions": [
                position(
                    "developer",
                    10,
                    monthly_cost=Decimal(5000),
                    rate=Decimal(9000),
                    lead_time_days=0,
                )
            ],
            "members": _members(10),
        },
        engagekit.EstimateOptions(seed=5, trials=4000),
        end="2027-02-28",
    )
    leavers = float(est.details["expected"]["leavers"])
    assert abs(leavers - 10 * -math.log(0.85) * 365 / 365.25) < 0.06
    extra = est.details["expected"]["price"].amount - est.price.amount
    assert abs(float(extra) - 1000 * leavers) < 5


def test_the_estimate_prices_a_notice_period_as_the_bill_does(build, engine):
    # as in the billing test: Ben released on a request of 20 April, gone on 30 April, his seat
    # paid to 19 May: 11 of 18 working days of 9,000.00 = 5,500.00 on top of Ana's month
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
        },
        end="2026-06-30",
    )
    team = project.components[0]
    est = engine.estimate_component(project, team, OPTIONS)
    may = next(m for m in est.details["months"] if m["month"] == "2026-05")
    bill = engine.bill_component(project, team, engagekit.Period.parse("2026-05"))
    assert may["price"] == engagekit.Money.total((x.amount for x in bill.lines), "EUR")
    assert may["price"].amount == Decimal("14500.00")
    assert est.details["expected"]["price"] == est.price  # no attrition: the same
