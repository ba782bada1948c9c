"""VAT categories of invoice lines and adjustments, and the VAT breakdown of an invoice.

The categories are EN 16931's (UNTDID 5305 subset): a line, a component or an adjustment
carries one, and the bill computes VAT once per category and rate on the sum of what carries it
(per-category rounding, as EN 16931 BR-CO-17 and the VAT directive's invoice total expect),
never per line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from engagekit.errors import InputError
from engagekit.money import Money

if TYPE_CHECKING:
    from engagekit._vatrows import VatAmount, VatShare

__all__ = ["CATEGORIES", "Vat", "VatAmount", "VatShare", "allocate", "breakdown"]

#: Category code -> EN 16931 name. ``S`` and ``Z`` charge a rate (``Z``: 0%); the others carry
#: no VAT and say why in ``exemption_reason``.
CATEGORIES: dict[str, str] = {
    "S": "Standard rate",
    "Z": "Zero rated",
    "E": "Exempt from VAT",
    "AE": "VAT reverse charge",
    "K": "Intra-community supply",
    "G": "Export outside the EU",
    "O": "Not subject to VAT",
}
#: The reason EN 16931 accepts for a category when the project file gives none (BR-AE-10,
#: BR-IC-10, BR-G-10, BR-O-10 name these texts). Exempt (``E``) has no standard text: the
#: project file must say which exemption applies.
DEFAULT_REASONS: dict[str, str] = {
    "AE": "Reverse charge",
    "K": "Intra-community supply",
    "G": "Export outside the EU",
    "O": "Not subject to VAT",
}
_HUNDREDTH = Decimal("0.01")
#: A bill's VAT rows, defined in ``engagekit._vatrows`` and imported on first use: a project's
#: VAT categories (``Vat``) are read without them (``engage validate``).
_ROWS = ("VatAmount", "VatShare")


def __getattr__(name: str) -> Any:
    if name in _ROWS:
        from engagekit import _vatrows

        return getattr(_vatrows, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_ROWS])


@attrs.frozen
class Vat:
    """A VAT category with its rate in percent (0 for every category but ``S``) and the
    exemption reason (required for ``E``; the standard text by default for ``AE``, ``K``,
    ``G``, ``O``)."""

    category: str
    rate: Decimal = Decimal(0)
    exemption_reason: str | None = None

    @classmethod
    def of(
        cls,
        category: str,
        rate: Decimal | int | str | None = None,
        exemption_reason: str | None = None,
    ) -> Vat:
        """Check a category from a project file; ``InputError`` names the offending key."""
        code = category.strip().upper()
        if code not in CATEGORIES:
            known = ", ".join(f"{c} ({n})" for c, n in CATEGORIES.items())
            raise InputError(f"unknown VAT category {category!r}", field="category", hint=known)
        value = None if rate is None else Decimal(str(rate))
        if code == "S":
            if value is None or value <= 0:
                raise InputError("category S (standard rate) needs a positive rate", field="rate")
            if value > 100:
                # No VAT in force is more than the price (the highest standard rates are under
                # 30%): a slip, 300 for 3.00 or a fraction written as percent.
                raise InputError(
                    f"a VAT rate of {value}% is more than the whole amount",
                    field="rate",
                    hint="rate is in percent: write 19 for 19%",
                )
        elif code == "O":
            if value not in (None, 0):
                raise InputError("category O (not subject to VAT) has no rate", field="rate")
        elif value not in (None, 0):
            raise InputError(f"category {code} ({CATEGORIES[code]}) has rate 0", field="rate")
        reason = exemption_reason or DEFAULT_REASONS.get(code)
        if code == "E" and not reason:
            raise InputError(
                "category E (exempt from VAT) needs the exemption that applies",
                field="exemption_reason",
                hint='for example exemption_reason = "Exempt under Article 135(1)(g) of Directive 2006/112/EC"',
            )
        if code in ("S", "Z") and exemption_reason:
            # EN 16931 BR-S-10 / BR-Z-10: a taxed category states no exemption.
            raise InputError(
                f"category {code} ({CATEGORIES[code]}) is not an exemption: remove exemption_reason",
                field="exemption_reason",
            )
        return cls(code, (value or Decimal(0)).quantize(_HUNDREDTH), reason)

    @property
    def key(self) -> tuple[str, Decimal]:
        """What the breakdown groups by: category and rate."""
        return (self.category, self.rate)

    @property
    def label(self) -> str:
        if self.rate:
            return f"VAT {self.rate.normalize():f}%"
        return f"VAT {CATEGORIES[self.category].lower()}"

    def tax(self, basis: Money) -> Money:
        """The VAT on ``basis`` in this category, rounded once to the minor unit."""
        if not self.rate:
            return Money.zero(basis.currency)
        return (basis * self.rate / 100).rounded()


def allocate(amount: Money, weights: Mapping[Vat, Money], fallback: Vat) -> tuple[VatShare, ...]:
    """Split an adjustment over the VAT categories of what it applies to, in proportion to
    ``weights`` (their amounts so far), to the minor unit: the shares add up to ``amount``.

    Categories with nothing positive to their name get no share; when nothing is positive the
    whole amount goes to ``fallback``.
    """
    from engagekit._vatrows import VatShare

    positive = [(vat, w) for vat, w in weights.items() if w.amount > 0]
    if not positive:
        return (VatShare(fallback, amount),)
    parts = amount.allocate([w.amount for _, w in positive])
    return tuple(
        VatShare(vat, part) for (vat, _), part in zip(positive, parts, strict=True) if part
    )


def breakdown(
    currency: str, lines: Iterable[tuple[Vat, Money]], shares: Sequence[VatShare]
) -> tuple[VatAmount, ...]:
    """The VAT breakdown: per category and rate, the lines' and adjustments' sum and its VAT."""
    from engagekit._vatrows import VatAmount

    basis: dict[tuple[str, Decimal], tuple[Vat, Money]] = {}
    for vat, amount in [*lines, *((s.vat, s.amount) for s in shares)]:
        seen, total = basis.get(vat.key, (vat, Money.zero(currency)))
        basis[vat.key] = (seen, total + amount)
    rows = [VatAmount(vat, total, vat.tax(total)) for vat, total in basis.values()]
    return tuple(sorted(rows, key=lambda r: (list(CATEGORIES).index(r.vat.category), -r.vat.rate)))


def running(currency: str, items: Iterable[tuple[Vat, Money]]) -> dict[Vat, Money]:
    """Amounts per VAT category (the weights ``allocate`` splits by)."""
    out: dict[Vat, Money] = {}
    for vat, amount in items:
        out[vat] = out.get(vat, Money.zero(currency)) + amount
    return out
