"""The rates' intervals (``rates.RateBook.intervals``) of many (person, role) pairs at once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import engagekit
from engagekit_time_material.rates import RateBook


def test_intervals_of_pairs_at_once_are_those_of_each_pair() -> None:
    """People of a role share its intervals (worked out once); a person with a rate of their
    own, or one the card knows (seniority), keeps theirs."""
    rates = (
        engagekit.Rate(role="developer", bill=Decimal(90)),
        engagekit.Rate(role="developer", bill=Decimal(99), valid_from=date(2026, 3, 16)),
        engagekit.Rate(role="developer", bill=Decimal(120), seniority="senior"),
        engagekit.Rate(role="lead", bill=Decimal(110), valid_until=date(2026, 3, 20)),
        engagekit.Rate(role="", bill=Decimal(150), person="Bo", valid_from=date(2026, 3, 10)),
    )
    card = engagekit.RateCard(
        currency="EUR", rates=rates, people={"Cy": ("senior", None), "Di": (None, None)}
    )
    book = RateBook("EUR", card, "test", Decimal(8), Decimal(1), Decimal(1), Decimal(1))
    pairs = [
        (p, r) for p in ("Al", "Bo", "Cy", "Di", "Ed") for r in ("developer", "lead", None, "qa")
    ]
    first, last = date(2026, 3, 1), date(2026, 3, 31)
    each = [i for pair in pairs for i in book.intervals([pair], first, last)]
    assert book.intervals(pairs, first, last) == each
    assert {i[4] for i in each if i[0] == "Bo"} >= {Decimal(150)}
    assert {i[4] for i in each if i[0] == "Cy" and i[1] == "developer"} == {Decimal(120)}
