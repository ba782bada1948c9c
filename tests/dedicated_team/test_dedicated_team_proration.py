"""Seats prorated by working days: a hand calculation, and the law that parts add up."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import engagekit
from engagekit_dedicated_team.proration import month_days, prorate

from .conftest import position

DE = engagekit.Calendar.preset("8x5", timezone="Europe/Berlin", country="DE")
MAY = engagekit.Period.parse("2026-05")


def eur(text: str) -> engagekit.Money:
    return engagekit.Money(Decimal(text), "EUR")


def test_may_2026_in_germany_has_18_working_days():
    # 21 weekdays, less Labour Day (Fri 1 May), Ascension (Thu 14 May), Whit Monday (Mon 25 May)
    days = month_days(DE, MAY)
    assert len(days) == 18
    for holiday in (date(2026, 5, 1), date(2026, 5, 14), date(2026, 5, 25)):
        assert holiday not in days


def test_joining_on_the_17th_by_hand():
    # 10,000.00 EUR a month over 18 working days = 1,000,000 cents / 18 = 55,555.55... cents.
    # Each day gets 55,555 cents; the 10 cents left go to the 10 earliest working days
    # (largest remainder, ties to the earlier day): 4-8, 11-13, 15 and 18 May get 555.56,
    # the other 8 days (19-22, 26-29 May) get 555.55.
    # Joining on Sunday 17 May: working days 18-22 and 26-29 May (25 May is Whit Monday) = 9
    #   555.56 (18 May) + 8 x 555.55 = 4,999.96
    # Leaving on Saturday 16 May: 4-8, 11-13, 15 May = 9 days x 555.56 = 5,000.04
    monthly = eur("10000.00")
    days = month_days(DE, MAY)
    joiner, n_joiner = prorate(monthly, days, date(2026, 5, 17), date(2026, 5, 31))
    leaver, n_leaver = prorate(monthly, days, date(2026, 5, 1), date(2026, 5, 16))
    assert (n_joiner, joiner) == (9, eur("4999.96"))
    assert (n_leaver, leaver) == (9, eur("5000.04"))
    assert joiner + leaver == monthly


def test_joining_on_the_17th_on_the_invoice(build, engine):
    # The same by the bill hook: a month-rated seat, member joining 17 May 2026.
    project = build(
        {
            "billing": "tm",
            "positions": [position("developer", 2, rate=Decimal("10000.00"))],
            "members": [
                {
                    "name": "Ana",
                    "role": "developer",
                    "start": "2026-03-01",
                    "end": "2026-05-16",
                    "new_hire": False,
                },
                {"name": "Ben", "role": "developer", "start": "2026-05-17", "new_hire": False},
            ],
        }
    )
    bill = engine.bill_component(project, project.components[0], MAY)
    amounts = {line.details["person"]: line.amount for line in bill.lines}
    assert amounts == {"Ana": eur("5000.04"), "Ben": eur("4999.96")}
    ben = next(line for line in bill.lines if line.details["person"] == "Ben")
    assert ben.details["working_days"] == 9 and ben.details["month_working_days"] == 18
    assert "9 of 18 working days" in ben.description


@settings(max_examples=200, deadline=None)
@given(
    cents=st.integers(min_value=0, max_value=10**9),
    month=st.integers(min_value=1, max_value=12),
    cuts=st.lists(st.integers(min_value=1, max_value=30), max_size=4),
)
def test_parts_of_a_month_add_up_to_the_month(cents, month, cuts):
    # Any split of a month into consecutive spans (people handing a seat over) bills the
    # monthly amount exactly; each working day is off its exact share by less than a cent.
    period = engagekit.Period.month(2026, month)
    monthly = engagekit.Money.from_units(cents, "EUR")
    days = month_days(DE, period)
    bounds = sorted({period.start + timedelta(days=c) for c in cuts if c < period.length})
    starts = [period.start, *bounds]
    ends = [b - timedelta(days=1) for b in bounds] + [period.last]
    total = engagekit.Money.zero("EUR")
    for a, b in zip(starts, ends, strict=True):
        part, n = prorate(monthly, days, a, b)
        exact = monthly.amount * n / len(days)
        assert abs(part.amount - exact) < Decimal("0.01") * max(n, 1)
        total += part
    assert total == monthly


def test_management_fee_of_a_partial_first_month_is_prorated(build, engine):
    # Term from Sunday 17 May 2026: 9 of 18 working days of a 1,500.00 monthly fee.
    # 150,000 cents / 18 = 8,333.33 -> 6 cents to the first 6 days (4-8, 11 May);
    # 18 May onwards get 83.33 each: 9 x 83.33 = 749.97.
    project = build(
        {
            "billing": "tm",
            "positions": [position(rate=Decimal(9000))],
            "management_fee_monthly": Decimal(1500),
        },
        start="2026-05-17",
    )
    bill = engine.bill_component(project, project.components[0], MAY)
    (fee,) = [line for line in bill.lines if line.kind == "fee"]
    assert fee.amount == eur("749.97")
