"""The ceiling, held cumulatively: each period bills what the T&M work bills up to its end,
capped, minus what the periods before it billed (capped the same way). The periods' bills
then add up to exactly ``min(ceiling, T&M total)``, whichever way the timeframe is cut."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs

import engagekit

__all__ = ["Capped", "apply_ceiling", "counted"]


@attrs.frozen
class Capped:
    """One period under the ceiling; all amounts in the project currency, exact to the cent."""

    #: What the T&M work bills before the period, and in it (the lines that count).
    before: Decimal
    now: Decimal
    #: What the period bills of ``now`` and what it withholds (``now - billed``).
    billed: Decimal
    withheld: Decimal

    @property
    def to_date(self) -> Decimal:
        """Uncapped T&M amount up to the end of the period."""
        return self.before + self.now


def apply_ceiling(ceiling: Decimal, before: Decimal, now: Decimal) -> Capped:
    """The part of ``now`` that fits under ``ceiling`` after ``before`` was billed."""
    billed = min(ceiling, before + now) - min(ceiling, before)
    return Capped(before, now, billed, now - billed)


def counted(lines: Iterable[engagekit.InvoiceLine], include_expenses: bool) -> Decimal:
    """The amount of the lines that count against the ceiling (expenses only if included)."""
    return sum(
        (line.amount.amount for line in lines if include_expenses or line.kind != "expense"),
        Decimal(0),
    )
