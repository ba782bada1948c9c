from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engagekit import InputError, Money, allocate_units, quantum
from engagekit.currencies import MINOR_UNITS


def test_minor_units_of_known_currencies():
    assert quantum("EUR") == Decimal("0.01")
    assert quantum("JPY") == Decimal("1")
    assert quantum("KWD") == Decimal("0.001")
    assert quantum("CLF") == Decimal("0.0001")


def test_unknown_currency_is_an_input_error():
    with pytest.raises(InputError, match="unknown currency code 'EUX'"):
        Money.of("1", "EUX")


def test_rounding_half_up_per_currency():
    assert Money.of("0.005", "EUR").rounded().amount == Decimal("0.01")
    assert Money.of("2.5", "JPY").rounded().amount == Decimal("3")
    assert Money.of("1.0005", "KWD").rounded().amount == Decimal("1.001")


def test_cross_currency_arithmetic_is_refused():
    with pytest.raises(ValueError, match="cannot combine EUR with USD"):
        Money.of(1, "EUR") + Money.of(1, "USD")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        Money.of(0.1, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.of(1, "EUR") * 0.5  # type: ignore[operator]


def test_three_thirds_of_one_hundred():
    parts = Money.of("100.00", "EUR").allocate([1, 1, 1])
    assert [p.amount for p in parts] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert sum(parts, Money.zero("EUR")) == Money.of("100.00", "EUR")


def test_allocation_in_jpy_and_kwd():
    assert [p.amount for p in Money.of(100, "JPY").allocate([1, 1, 1])] == [34, 33, 33]
    kwd = Money.of("0.010", "KWD").allocate([1, 1, 1])
    assert sum(p.amount for p in kwd) == Decimal("0.010")


def test_negative_totals_split_symmetrically():
    assert allocate_units(-100, [1, 1, 1]) == [-34, -33, -33]


@given(
    total=st.integers(min_value=-(10**12), max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30).filter(
        any
    ),
)
def test_allocation_parts_sum_to_the_whole_and_stay_within_one_unit(total, weights):
    parts = allocate_units(total, weights)
    assert sum(parts) == total
    wsum = sum(weights)
    for part, w in zip(parts, weights, strict=True):
        exact = Decimal(total) * w / wsum
        assert abs(Decimal(part) - exact) < 1


@given(
    cents=st.integers(min_value=0, max_value=10**10),
    code=st.sampled_from(sorted(MINOR_UNITS)),
    percents=st.lists(st.decimals(min_value=0, max_value=100, places=3), min_size=1, max_size=8),
)
def test_money_allocate_is_exact_in_every_currency(cents, code, percents):
    if not any(percents):
        percents = [Decimal(1)]
    total = Money.from_units(cents, code)
    parts = total.allocate(percents)
    assert sum(parts, Money.zero(code)) == total
    assert all(p.is_rounded() for p in parts)
