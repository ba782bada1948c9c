"""Monthly amounts prorated by working days, exact to the minor unit.

A monthly amount is first split over every working day of its calendar month with
``Money.allocate`` (largest remainder; the earlier day wins a tie); a part of the month is the sum
of its days. The parts of a month therefore add up to the full amount exactly, whatever the
split: a member who leaves on the 16th and a successor who joins on the 17th bill one month
between them, to the cent.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, timedelta

import engagekit

__all__ = ["day_shares", "prorate"]


@functools.lru_cache(maxsize=4096)
def _shares(units: int, currency: str, n: int) -> tuple[int, ...]:
    return tuple(engagekit.allocate_units(units, [1] * n))


def day_shares(
    monthly: engagekit.Money, days: Sequence[date]
) -> list[tuple[date, engagekit.Money]]:
    """``monthly`` (rounded) split over ``days`` in equal parts that add up exactly."""
    if not days:
        return []
    units = _shares(monthly.to_units(), monthly.currency, len(days))
    return [
        (d, engagekit.Money.from_units(u, monthly.currency))
        for d, u in zip(days, units, strict=True)
    ]


def month_days(calendar: engagekit.Calendar, month: engagekit.Period) -> list[date]:
    """The working days of ``month``; every day of it if the calendar has none."""
    days = [d for d in calendar.days(month.start, month.last) if calendar.is_working_day(d)]
    if days:
        return days
    return [month.start + timedelta(days=i) for i in range(month.length)]


def prorate(
    monthly: engagekit.Money, days: Sequence[date], first: date, last: date
) -> tuple[engagekit.Money, int]:
    """The share of ``monthly`` for the days of ``days`` within [first, last], and their count."""
    total = engagekit.Money.zero(monthly.currency)
    count = 0
    for d, part in day_shares(monthly, days):
        if first <= d <= last:
            total = total + part
            count += 1
    return total, count
