"""The rows of a bill's VAT (``engagekit.vat`` names them): an adjustment's share of a category,
and a row of the breakdown. Apart from ``Vat`` so that reading a project's VAT categories
(``engage validate``) does not define them."""

from __future__ import annotations

import attrs

from engagekit.money import Money
from engagekit.vat import Vat

__all__ = ["VatAmount", "VatShare"]


@attrs.frozen
class VatShare:
    """The part of an adjustment (a discount, a fee) that falls in one VAT category."""

    vat: Vat
    amount: Money


@attrs.frozen
class VatAmount:
    """One row of the VAT breakdown: the taxable ``basis`` of a category and its VAT."""

    vat: Vat
    basis: Money
    amount: Money
