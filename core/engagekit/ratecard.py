"""Rate cards: bill and cost rates per role (and optionally per person), effective-dated, and
optionally by seniority and location (onshore, nearshore, offshore)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Literal

import attrs

from engagekit.errors import InputError
from engagekit.money import Money, quantum
from engagekit.validate import non_negative

__all__ = ["Rate", "RateCard", "RateUnit"]

RateUnit = Literal["hour", "day", "month"]


@attrs.frozen
class Rate:
    """What one hour (day, month) of ``role`` (or of ``person``) bills and costs, from a date.

    ``seniority`` and ``location`` narrow a role's rate: such a rate applies only to people
    whose seniority (location) is known and equal.
    """

    role: str
    bill: Decimal = attrs.field(validator=non_negative)
    cost: Decimal | None = attrs.field(
        default=None, validator=attrs.validators.optional(non_negative)
    )
    person: str | None = None
    unit: RateUnit = "hour"
    valid_from: date | None = None
    valid_until: date | None = None
    seniority: str | None = None
    location: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise InputError(
                f"rate for {self.person or self.role} ends ({self.valid_until}) before it starts "
                f"({self.valid_from})",
                field="valid_until",
            )

    def applies(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on <= self.valid_until
        )


@attrs.frozen
class RateCard:
    """Rates in one currency, with multipliers for overtime, weekends and public holidays.

    ``people`` maps a person (id or name) to their (seniority, location), from the workspace's
    roster, so that a person's rate follows those dimensions.
    """

    currency: str = attrs.field(validator=lambda i, a, v: quantum(v))
    rates: tuple[Rate, ...] = ()
    overtime: Decimal = attrs.field(default=Decimal(1), validator=non_negative)
    weekend: Decimal = attrs.field(default=Decimal(1), validator=non_negative)
    holiday: Decimal = attrs.field(default=Decimal(1), validator=non_negative)
    people: Mapping[str, tuple[str | None, str | None]] = attrs.field(
        factory=dict, eq=False, repr=False
    )

    def find(
        self,
        role: str | None,
        on: date,
        person: str | None = None,
        *,
        seniority: str | None = None,
        location: str | None = None,
    ) -> Rate | None:
        """The rate for ``person`` if one applies on ``on``, else for ``role`` at the person's
        (or the given) seniority and location; the most specific, then the latest start, wins."""
        if person is not None and person in self.people:
            known = self.people[person]
            seniority = seniority or known[0]
            location = location or known[1]
        best: Rate | None = None
        for rate in self.rates:
            if not rate.applies(on):
                continue
            if rate.person is not None:
                if rate.person != person:
                    continue
            elif (
                rate.role != role
                or (rate.seniority is not None and rate.seniority != seniority)
                or (rate.location is not None and rate.location != location)
            ):
                continue
            if best is None or _rank(rate) > _rank(best):
                best = rate
        return best

    def bill_rate(self, role: str | None, on: date, person: str | None = None) -> Money:
        rate = self.find(role, on, person)
        if rate is None:
            raise InputError(f"no rate for {person or role!r} on {on}", field="rates")
        return Money(rate.bill, self.currency)

    def roles(self) -> list[str]:
        return sorted({r.role for r in self.rates})


def _rank(rate: Rate) -> tuple[bool, int, date]:
    dimensions = (rate.seniority is not None) + (rate.location is not None)
    return (rate.person is not None, dimensions, rate.valid_from or date.min)
