"""Money: a ``Decimal`` amount in an ISO 4217 currency, rounded by that currency's minor unit.

Amounts keep full precision until ``rounded()`` (a rate of 95.125 per hour is legal); invoice
amounts are rounded, and ``allocate`` splits a total into parts that add up to it exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from engagekit.currencies import MINOR_UNITS
from engagekit.errors import InputError

__all__ = ["LARGEST", "Money", "allocate_units", "quantum"]

#: Every number read from a file is below this. Money is computed at 28 significant digits
#: (decimal's default context) and rounded to a minor unit: a rate or an amount at 10**15 or
#: more leaves too few digits for the cents of a product, and would fail deep in a computation
#: (decimal.InvalidOperation) instead of at its key or cell.
LARGEST = Decimal(10) ** 15

_QUANTA = {code: Decimal(1).scaleb(-places) for code, places in MINOR_UNITS.items()}


def quantum(currency: str) -> Decimal:
    """The smallest unit of ``currency`` as a Decimal: 0.01 for EUR, 1 for JPY, 0.001 for KWD."""
    try:
        return _QUANTA[currency]
    except KeyError:
        raise InputError(
            f"unknown currency code {currency!r}",
            hint="use an ISO 4217 code such as EUR, USD, GBP, JPY",
        ) from None


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    if isinstance(value, int | str):
        return Decimal(value)
    if isinstance(value, float):
        raise TypeError("floats are not accepted for money; pass a Decimal or a string")
    raise TypeError(f"cannot make an amount of {type(value).__name__}")


def _check_currency(instance: Any, attribute: Any, value: str) -> None:
    quantum(value)


@attrs.frozen(order=False)
class Money:
    """An amount of one currency. Arithmetic across currencies raises ``ValueError``."""

    amount: Decimal = attrs.field(converter=_to_decimal)
    currency: str = attrs.field(validator=_check_currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str) -> Money:
        return cls(_to_decimal(amount), currency)

    @property
    def quantum(self) -> Decimal:
        return _QUANTA[self.currency]

    def rounded(self, rounding: str = ROUND_HALF_UP) -> Money:
        """Rounded to the currency's minor unit (half up by default, as on invoices)."""
        return Money(self.amount.quantize(self.quantum, rounding=rounding), self.currency)

    def is_rounded(self) -> bool:
        return self.amount == self.amount.quantize(self.quantum)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        if other == 0:  # lets sum() start from 0
            return self
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    __radd__ = __add__

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, Money | float | bool):
            raise TypeError("Money can be multiplied by a Decimal or an int only")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: Decimal | int) -> Money:
        if isinstance(divisor, Money | float | bool):
            raise TypeError("Money can be divided by a Decimal or an int only")
        return Money(self.amount / divisor, self.currency)

    def ratio(self, other: Money) -> Decimal:
        """self / other as a Decimal (both in one currency)."""
        self._same(other)
        return self.amount / other.amount

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Money):
            return self.currency == other.currency and self.amount == other.amount
        if isinstance(other, int) and other == 0:
            return False
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    def __str__(self) -> str:
        return (
            f"{self.rounded().amount:,} {self.currency}"
            if self.is_rounded()
            else (f"{self.amount:,} {self.currency}")
        )

    def to_units(self) -> int:
        """The rounded amount in minor units (cents for EUR)."""
        return int(self.rounded().amount / self.quantum)

    @classmethod
    def from_units(cls, units: int, currency: str) -> Money:
        return cls(Decimal(units) * quantum(currency), currency)

    def allocate(self, weights: Sequence[Decimal | int]) -> list[Money]:
        """Split the rounded amount into parts proportional to ``weights`` (largest remainder).

        The parts add up to the rounded amount exactly, each is a whole number of minor units,
        and no part differs from its exact share by a minor unit or more.
        """
        units = allocate_units(self.to_units(), weights)
        return [Money.from_units(u, self.currency) for u in units]

    @staticmethod
    def total(items: Iterable[Money], currency: str) -> Money:
        return sum(items, Money.zero(currency))


def allocate_units(total: int, weights: Sequence[Decimal | int]) -> list[int]:
    """Split the integer ``total`` in proportion to ``weights`` by the largest-remainder method.

    Ties in the remainder go to the earlier part, so the result is deterministic. Works for a
    negative total (a credit) by splitting its magnitude.
    """
    if not weights:
        raise ValueError("cannot allocate into zero parts")
    ws = [_to_decimal(w) for w in weights]
    if any(w < 0 for w in ws):
        raise ValueError("allocation weights must not be negative")
    wsum = sum(ws)
    if wsum == 0:
        raise ValueError("allocation weights must not all be zero")
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    exact = [magnitude * w / wsum for w in ws]
    floors = [int(e.to_integral_value(rounding=ROUND_FLOOR)) for e in exact]
    short = magnitude - sum(floors)
    order = sorted(range(len(ws)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:short]:
        floors[i] += 1
    return [sign * f for f in floors]
