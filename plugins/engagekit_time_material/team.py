"""The team plan: role (and person) -> FTE over date ranges, turned into hours and money per day.

Capacity comes from the project calendar: an FTE works the calendar's working hours of a day
(none on weekends and holidays). A slot bills at the rate of its person (or role) on each day.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs

import engagekit
from engagekit_time_material.rates import RateBook
from engagekit_time_material.settings import Settings, TeamSlot

__all__ = ["DailyPlan", "daily_plan", "monthly_burn", "slot_range"]


def slot_range(slot: TeamSlot, component: engagekit.Component) -> tuple[date, date]:
    return slot.start or component.start, slot.end or component.end


@attrs.frozen(eq=False)
class DailyPlan:
    """Hours, price and cost of the team plan on each day of [first, last]."""

    first: date
    days: tuple[date, ...]
    hours: tuple[Decimal, ...]
    price: tuple[Decimal, ...]
    cost: tuple[Decimal, ...]
    #: Roles (or people) planned without a cost rate: their cost counts as 0.
    no_cost: tuple[str, ...] = ()

    def cumulative(self) -> tuple[Any, Any, Any]:
        """numpy float arrays of cumulative hours, price and cost, day by day."""
        import numpy as np

        return (
            np.cumsum(np.array([float(h) for h in self.hours])),
            np.cumsum(np.array([float(p) for p in self.price])),
            np.cumsum(np.array([float(c) for c in self.cost])),
        )


def daily_plan(
    project: engagekit.Project,
    component: engagekit.Component,
    settings: Settings,
    book: RateBook,
    first: date,
    last: date,
    *,
    extend: bool = False,
) -> DailyPlan:
    """The plan of each day in [first, last]. With ``extend``, the slots active on the
    component's last day go on after it (work that runs late keeps the team)."""
    cal = project.calendar
    slots = [(s, *slot_range(s, component)) for s in settings.team]
    tail = [s for s, lo, hi in slots if lo <= component.end <= hi]
    days, hours, price, cost = [], [], [], []
    no_cost: set[str] = set()
    # A slot's rate is the same from one of its breakpoints (``RateBook.breakpoints``) to the
    # next: found once per stretch, on its first day planned.
    points = {(s.role, s.person): book.breakpoints(s.role, s.person) for s in settings.team}
    memo: dict[tuple[str, str | None, int], tuple[Decimal, Decimal | None]] = {}
    n = (last - first).days + 1
    for i in range(max(n, 0)):
        d = first + timedelta(days=i)
        wh = cal.working_hours_on(d)
        h = p = c = Decimal(0)
        if wh:
            active = [s for s, lo, hi in slots if lo <= d <= hi]
            if extend and d > component.end:
                active = tail
            for s in active:
                key = (s.role, s.person, bisect_right(points[s.role, s.person], d))
                if key not in memo:
                    found = book.find(s.role, d, s.person)
                    if found is None:
                        raise engagekit.InputError(
                            f"team plan: no rate for {s.person or s.role!r} (role {s.role!r}) on "
                            f"{d}",
                            where=book.source,
                            field="team",
                            hint="every planned role needs a bill rate for the days it is planned",
                        )
                    memo[key] = (found[0], found[1])
                bill, cst = memo[key]
                sh = s.fte * wh
                h += sh
                p += sh * bill
                if cst is None:
                    no_cost.add(s.person or s.role)
                else:
                    c += sh * cst
        days.append(d)
        hours.append(h)
        price.append(p)
        cost.append(c)
    return DailyPlan(
        first, tuple(days), tuple(hours), tuple(price), tuple(cost), tuple(sorted(no_cost))
    )


def monthly_burn(
    project: engagekit.Project,
    component: engagekit.Component,
    settings: Settings,
    book: RateBook,
) -> list[dict[str, Any]]:
    """Per month of the component: planned FTE by role, hours, price (bill) and cost."""
    if not settings.team:
        return []
    plan = daily_plan(project, component, settings, book, component.start, component.end)
    q = engagekit.quantum(project.currency)
    rows: dict[str, dict[str, Any]] = {}
    for d, h, p, c in zip(plan.days, plan.hours, plan.price, plan.cost, strict=True):
        label = f"{d:%Y-%m}"
        row = rows.setdefault(
            label, {"month": label, "hours": Decimal(0), "price": Decimal(0), "cost": Decimal(0)}
        )
        row["hours"] += h
        row["price"] += p
        row["cost"] += c
    fte: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for month in engagekit.Period.days(component.start, component.end).months():
        span = month.clip(component.start, component.end)
        assert span is not None
        total = project.calendar.working_hours(span.start, span.last)
        for s in settings.team:
            lo, hi = slot_range(s, component)
            part = month.clip(lo, hi)
            if part is None or not total:
                continue
            share = project.calendar.working_hours(part.start, part.last) / total
            fte[month.label][s.role] += s.fte * share
    out = []
    for label, row in rows.items():
        out.append(
            {
                "month": label,
                "fte": {r: v.quantize(Decimal("0.01")) for r, v in sorted(fte[label].items())},
                "hours": row["hours"].quantize(Decimal("0.01")),
                "price": row["price"].quantize(q),
                "cost": row["cost"].quantize(q),
            }
        )
    return out
