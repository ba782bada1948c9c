"""Service credits: availability bands and per-breach credits, capped, as a share of the fee."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from engagekit_sla.settings import Credits, Priority

__all__ = ["CreditResult", "compute_credits"]


@attrs.frozen
class CreditResult:
    """Percentages of the monthly fee."""

    availability_pct: Decimal
    breach_pct: Decimal
    cap_pct: Decimal

    @property
    def uncapped_pct(self) -> Decimal:
        return self.availability_pct + self.breach_pct

    @property
    def total_pct(self) -> Decimal:
        return min(self.uncapped_pct, self.cap_pct)

    @property
    def capped(self) -> bool:
        return self.uncapped_pct > self.cap_pct


def compute_credits(
    credits: Credits | None,
    availability_pct: Decimal | None,
    breaches: Sequence[int],
    priorities: Sequence[Priority],
) -> CreditResult:
    """Credits of one month: the band the availability falls in plus ``breaches[i]`` times
    priority ``i``'s per-breach credit, at most the cap (100% without a credits table)."""
    band = Decimal(0)
    if credits is not None and availability_pct is not None:
        band = credits.credit_pct(availability_pct)
    per_breach = sum(
        (Decimal(n) * p.breach_credit_pct for n, p in zip(breaches, priorities, strict=True)),
        Decimal(0),
    )
    cap = credits.cap_pct if credits is not None else Decimal(100)
    return CreditResult(band, per_breach, cap)
