"""How a bill applies VAT categories: adjustments split over categories, then VAT per category.

The engine keeps one ``VatTally`` per invoice whose lines all carry a VAT category. Discounts,
surcharges and fees are split over the categories of what they apply to as they are applied;
when the tax stage begins, the tally closes: one breakdown row per category and rate, VAT
rounded once per row, and one ``tax`` line per row that charges VAT.
"""

from __future__ import annotations

import attrs

from engagekit.money import Money
from engagekit.results import Adjustment, AppliedAdjustment, Invoice
from engagekit.vat import Vat, VatAmount, VatShare, allocate, breakdown, running

__all__ = ["VatTally"]


@attrs.define
class VatTally:
    invoice: Invoice
    shares: list[VatShare] = attrs.Factory(list)
    rows: tuple[VatAmount, ...] = ()
    done: bool = False

    def _lines(self, components: tuple[str, ...] = ()) -> list[tuple[Vat, Money]]:
        return [
            (line.vat, line.amount)
            for line in self.invoice.lines
            if line.vat is not None and (not components or line.component in components)
        ]

    def share(self, rule: Adjustment, amount: Money) -> tuple[VatShare, ...]:
        """Split ``amount`` of ``rule`` over VAT categories and keep the shares."""
        if rule.vat is not None:
            parts: tuple[VatShare, ...] = (VatShare(rule.vat, amount),)
        else:
            items = self._lines(rule.components)
            if not rule.components:
                items += [(s.vat, s.amount) for s in self.shares]
            fallback = items[0][0] if items else self._lines()[0][0]
            parts = allocate(amount, running(amount.currency, items), fallback)
        self.shares.extend(parts)
        return parts

    def close(self) -> list[AppliedAdjustment]:
        """The breakdown, and one VAT line per row that charges VAT (basis: that row's)."""
        self.rows = breakdown(self.invoice.currency, self._lines(), self.shares)
        self.done = True
        return [
            AppliedAdjustment(
                row.vat.label, "tax", row.amount, row.basis, f"{row.vat.rate.normalize():f}%"
            )
            for row in self.rows
            if row.amount
        ]
