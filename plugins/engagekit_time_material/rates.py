"""The rates a component bills at: its own ``rates`` or the project's rate card, and multipliers.

Rates are hourly Decimals in the project currency (day rates divided by ``hours_per_day``).
``intervals`` turns the effective-dated rates of each (person, role) into date intervals, so a
columnar join finds the rate of every entry's date without a per-row lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs

import engagekit
from engagekit_time_material.settings import Settings

__all__ = ["RateBook", "rate_book"]


@attrs.frozen
class RateBook:
    """Hourly bill and cost rates of one component, with its multipliers."""

    currency: str
    card: engagekit.RateCard | None
    source: str
    hours_per_day: Decimal
    overtime: Decimal
    weekend: Decimal
    holiday: Decimal

    def find(
        self, role: str | None, on: date, person: str | None
    ) -> tuple[Decimal, Decimal | None, date | None] | None:
        """(bill per hour, cost per hour or None, valid_from) on ``on``, or None without a rate."""
        if self.card is None:
            return None
        rate = self.card.find(role, on, person)
        if rate is None:
            return None
        if rate.unit == "hour":
            return rate.bill, rate.cost, rate.valid_from
        if rate.unit == "day":
            cost = rate.cost / self.hours_per_day if rate.cost is not None else None
            return rate.bill / self.hours_per_day, cost, rate.valid_from
        raise engagekit.InputError(
            f"the rate of {person or role!r} on {on} is per {rate.unit}; time and material "
            "bills hours",
            where=self.source,
            field="unit",
            hint="give the role an hourly (or daily) rate",
        )

    def breakpoints(self, role: str | None, person: str | None) -> list[date]:
        """Dates on which the applicable rate of (role, person) may change."""
        out: set[date] = set()
        if self.card is None:
            return []
        for rate in self.card.rates:
            if rate.person is not None and rate.person != person:
                continue
            if rate.person is None and rate.role != role:
                continue
            if rate.valid_from is not None:
                out.add(rate.valid_from)
            if rate.valid_until is not None:
                out.add(rate.valid_until + timedelta(days=1))
        return sorted(out)

    def intervals(
        self, pairs: Iterable[tuple[str, str | None]], first: date, last: date
    ) -> list[tuple[str, str | None, date, date, Decimal | None, Decimal | None, date | None]]:
        """For each (person, role): (person, role, from, until, bill, cost, valid_from) covering
        [first, last]; bill is None where no rate applies."""
        out: list[
            tuple[str, str | None, date, date, Decimal | None, Decimal | None, date | None]
        ] = []
        # a person the card neither rates nor knows (``people``) has the rates of the role:
        # their intervals are worked out once per role (10M entries: 9,800 people, 5 roles)
        named = set()
        if self.card is not None:
            named = {r.person for r in self.card.rates if r.person is not None}
            named.update(self.card.people)
        by_role: dict[str | None, list[tuple[date, date, Any]]] = {}
        for person, role in pairs:
            spans = by_role.get(role) if person not in named else None
            if spans is None:
                spans = []
                starts = [first] + [d for d in self.breakpoints(role, person) if first < d <= last]
                for i, lo in enumerate(starts):
                    hi = starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else last
                    spans.append((lo, hi, self.find(role, lo, person)))
                if person not in named:
                    by_role[role] = spans
            for lo, hi, found in spans:
                if found is None:
                    out.append((person, role, lo, hi, None, None, None))
                else:
                    out.append((person, role, lo, hi, found[0], found[1], found[2]))
        return out


def rate_book(settings: Settings, project: engagekit.Project, where: str) -> RateBook:
    """The component's rates (its own, else the project's card), checked for the currency."""
    card = project.rate_card
    if settings.rates:
        own = engagekit.RateCard(currency=project.currency, rates=tuple(settings.rates))
        source = f"{where}: settings.rates"
        base = card
        card = own
    else:
        source = f"{where}: [rate_card]" if card is not None else where
        base = card
        if card is not None and card.currency != project.currency:
            raise engagekit.InputError(
                f"the rate card is in {card.currency}, the project in {project.currency}",
                where=where,
                field="rate_card.currency",
                hint="time and material bills in the project currency; give the rates in it",
            )
        # a monthly rate on the project's card (for another model) is fine until an entry
        # needs it: ``find`` refuses it then

    def pick(own: Decimal | None, attr: str) -> Decimal:
        if own is not None:
            return own
        return getattr(base, attr) if base is not None else Decimal(1)

    overtime = settings.overtime.multiplier if settings.overtime else None
    return RateBook(
        currency=project.currency,
        card=card,
        source=source,
        hours_per_day=settings.hours_per_day,
        overtime=pick(overtime, "overtime"),
        weekend=pick(settings.weekend_multiplier, "weekend"),
        holiday=pick(settings.holiday_multiplier, "holiday"),
    )
