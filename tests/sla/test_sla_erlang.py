"""Erlang C against a second implementation (pyworkforce) and the exact textbook formula."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engagekit
from engagekit_sla.erlang import agents_needed, erlang_b, erlang_c, service_level


def exact_erlang_c(n: int, a: Fraction) -> Fraction:
    """C(N, A) = (A^N/N! * N/(N-A)) / (sum_{k<N} A^k/k! + A^N/N! * N/(N-A)), in exact rationals."""
    top = a**n / math.factorial(n) * Fraction(n) / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 60), st.fractions(min_value=Fraction(1, 10), max_value=Fraction(59)))
def test_erlang_c_equals_the_exact_formula(n: int, a: Fraction) -> None:
    if a >= n:
        assert erlang_c(n, float(a)) == 1.0
        return
    assert erlang_c(n, float(a)) == pytest.approx(float(exact_erlang_c(n, a)), rel=1e-9, abs=1e-15)


def test_erlang_b_recursion_equals_the_formula() -> None:
    a = Fraction(7, 2)
    for n in range(1, 15):
        exact = (a**n / math.factorial(n)) / sum(a**k / math.factorial(k) for k in range(n + 1))
        assert erlang_b(n, float(a)) == pytest.approx(float(exact), rel=1e-12)


def test_stable_for_thousands_of_agents() -> None:
    """A factorial formula overflows floats near 171 agents; the recursion does not."""
    values = [erlang_c(n, 4900.0) for n in (4901, 4950, 5000, 5100)]
    assert all(0 < v < 1 for v in values)
    assert values == sorted(values, reverse=True)
    req = agents_needed(4900.0, 1.0, 0.05, 0.8)
    assert 4900 < req.agents < 5100 and req.service_level >= 0.8


def test_call_centre_textbook_example() -> None:
    """100 calls in 30 minutes, 3 minutes each, 80% answered within 20 seconds: 10 Erlangs,
    14 agents; wait probability and service level checked by the exact formula."""
    req = agents_needed(100 / 30, 3.0, 20 / 60, 0.8)
    assert req.agents == 14 and req.traffic == pytest.approx(10.0)
    exact = float(exact_erlang_c(14, Fraction(10)))
    assert req.wait_probability == pytest.approx(exact, rel=1e-12)
    assert req.service_level == pytest.approx(1 - exact * math.exp(-4 * (20 / 60) / 3), rel=1e-12)
    assert round(req.service_level, 4) == 0.8884 and round(req.wait_probability, 4) == 0.1741
    assert service_level(13, 10.0, 3.0, 1 / 3) < 0.8


@pytest.mark.parametrize(
    ("transactions", "aht", "asa", "target", "occupancy"),
    [
        (100, 3, 20 / 60, 0.8, 0.85),
        (40, 25, 30, 0.8, 0.85),
        (600, 6, 0.5, 0.9, 0.9),
        (12, 40, 30, 0.8, 0.85),
        (3, 60, 15, 0.95, 0.8),
        (250, 12, 1, 0.8, 0.85),
    ],
)
def test_against_pyworkforce(
    transactions: int, aht: float, asa: float, target: float, occupancy: float
) -> None:
    queuing = pytest.importorskip("pyworkforce.queuing")
    ref = queuing.ErlangC(transactions=transactions, asa=asa, aht=aht, interval=60, shrinkage=0.0)
    expected = ref.required_positions(service_level=target, max_occupancy=occupancy)
    got = agents_needed(transactions / 60, aht, asa, target, occupancy)
    assert got.agents == expected["positions"]
    assert got.service_level == pytest.approx(ref.service_level(got.agents), rel=1e-9)
    assert got.wait_probability == pytest.approx(ref.waiting_probability(got.agents), rel=1e-9)


def test_max_occupancy_can_decide() -> None:
    # Traffic 8.5 Erlangs, a lax service level: occupancy 85% needs at least 10 agents.
    req = agents_needed(8.5, 1.0, 10.0, 0.5, 0.85)
    assert req.agents == 10 and req.occupancy <= 0.85


def test_unservable_arrival_rate_is_an_input_error() -> None:
    with pytest.raises(engagekit.InputError, match="max_agents"):
        agents_needed(300.0, 0.5, 0.5, 0.8, 0.85, max_agents=20)


def test_24x7_rota_and_fte(engine: engagekit.Engine, project_file: Callable[..., Path]) -> None:
    settings = """
        [components.settings.coverage]
        timezone = "Europe/Berlin"
        hours = "24x7"
        [components.settings.staffing]
        service_level_pct = 80
        answer_within_minutes = 30
        shrinkage_pct = 30
        fte_hours_per_week = 40
        cost_per_hour = 40
        [[components.settings.staffing.windows]]
        name = "weekday day"
        days = ["mon", "tue", "wed", "thu", "fri"]
        hours = "08:00-20:00"
        arrivals_per_hour = 6
        handling_minutes = 30
        [[components.settings.staffing.windows]]
        name = "weekday night early"
        days = ["mon", "tue", "wed", "thu", "fri"]
        hours = "00:00-08:00"
        arrivals_per_hour = 0.5
        handling_minutes = 30
        [[components.settings.staffing.windows]]
        name = "weekday night late"
        days = ["mon", "tue", "wed", "thu", "fri"]
        hours = "20:00-24:00"
        arrivals_per_hour = 0.5
        handling_minutes = 30
        [[components.settings.staffing.windows]]
        name = "weekend"
        days = ["sat", "sun"]
        hours = "00:00-24:00"
        arrivals_per_hour = 1
        handling_minutes = 30
        """
    project = engine.load_project(project_file(settings, start="2026-03-01", end="2026-03-31"))
    staffing = engine.staff_component(project, project.components[0])
    windows = {w["window"]: w for w in staffing.details["windows"]}
    day = agents_needed(6, 0.5, 0.5, 0.8, 0.85)
    night = agents_needed(0.5, 0.5, 0.5, 0.8, 0.85)
    weekend = agents_needed(1, 0.5, 0.5, 0.8, 0.85)
    assert windows["weekday day"]["agents"] == day.agents
    agent_hours = day.agents * 60 + night.agents * 60 + weekend.agents * 48
    assert sum(w["agent_hours_per_week"] for w in windows.values()) == agent_hours
    fte = Decimal(agent_hours) / Decimal("0.7") / 40
    assert staffing.details["fte"] == fte.quantize(Decimal("0.01"), rounding="ROUND_CEILING")
    rota = staffing.details["rota"]
    assert [r["day"] for r in rota] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert sum(r["agent_hours"] for r in rota) == agent_hours
    assert rota[5]["00:00-24:00"] == weekend.agents
    assert not staffing.warnings  # every hour of the 24x7 coverage is staffed
    assert staffing.rows[0].fte == staffing.details["fte"]


def test_unstaffed_coverage_hours_are_warned(
    engine: engagekit.Engine, project_file: Callable[..., Path]
) -> None:
    settings = """
        [components.settings.coverage]
        hours = "24x5"
        [components.settings.staffing]
        cost_per_hour = 40
        [[components.settings.staffing.windows]]
        name = "day"
        days = ["mon", "tue", "wed", "thu", "fri"]
        hours = "08:00-18:00"
        arrivals_per_hour = 2
        handling_minutes = 20
        """
    project = engine.load_project(project_file(settings))
    staffing = engine.staff_component(project, project.components[0])
    assert any("mon 00:00-08:00" in w and "mon 18:00-24:00" in w for w in staffing.warnings)
    est = engine.estimate_component(project, project.components[0])
    assert est.cost.amount > 0 and est.price > est.cost
    margin = est.details["suggested_monthly_fee"].amount - est.details["monthly_cost"].amount
    assert float(margin / est.details["suggested_monthly_fee"].amount) == pytest.approx(
        0.20, abs=1e-3
    )
