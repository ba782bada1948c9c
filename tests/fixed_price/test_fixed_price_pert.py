"""PERT formulas and the beta-PERT Monte Carlo against independent references."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import engagekit
from engagekit_fixed_price.pert import beta_parameters, pert_mean, pert_sd, pert_variance_exact
from engagekit_fixed_price.simulate import simulate
from tests.fixed_price import _project as fp

hours = st.decimals(min_value=0, max_value=10_000, places=1, allow_nan=False)


def test_pert_formula_worked_example():
    # (a + 4m + b) / 6 and (b - a) / 6, by hand: (2 + 20 + 14) / 6 = 6, (14 - 2) / 6 = 2
    assert pert_mean(Decimal(2), Decimal(5), Decimal(14)) == 6
    assert pert_sd(Decimal(2), Decimal(5), Decimal(14)) == 2


@given(st.lists(hours, min_size=3, max_size=3))
def test_pert_mean_lies_in_the_range_and_matches_the_formula(points):
    a, m, b = sorted(points)
    mean = pert_mean(a, m, b)
    assert a <= mean <= b
    assert mean == (a + 4 * m + b) / 6
    assert pert_sd(a, m, b) == (b - a) / 6 >= 0


def test_beta_parameters_give_the_pert_mean():
    a, m, b = np.array([10.0, 0.0]), np.array([20.0, 9.0]), np.array([60.0, 10.0])
    alpha, beta = beta_parameters(a, m, b)
    # mean of a + (b - a) Beta(alpha, beta) = a + (b - a) alpha / (alpha + beta)
    mean = a + (b - a) * alpha / (alpha + beta)
    np.testing.assert_allclose(mean, (a + 4 * m + b) / 6)


def test_monte_carlo_mean_and_variance_match_the_analytic_values():
    low = np.array([10.0, 5.0, 0.0, 100.0])
    mode = np.array([20.0, 5.0, 8.0, 120.0])
    high = np.array([60.0, 5.0, 10.0, 400.0])
    weights = np.ones((4, 1))
    trials = 200_000
    total = simulate(low, mode, high, weights, trials=trials, seed=42)[:, 0]
    mean = float(np.sum((low + 4 * mode + high) / 6))
    variance = sum(pert_variance_exact(a, m, b) for a, m, b in zip(low, mode, high, strict=True))
    se = math.sqrt(variance / trials)
    assert abs(total.mean() - mean) < 5 * se
    assert total.var() == pytest.approx(variance, rel=0.03)


def test_chunks_do_not_change_the_draws_and_match_bare_numpy():
    rng = np.random.default_rng(3)
    n = 17
    low = rng.uniform(1, 10, n)
    mode = low + rng.uniform(0, 5, n)
    high = mode + rng.uniform(1, 10, n)
    weights = rng.uniform(0, 2, (n, 3))
    whole = simulate(low, mode, high, weights, trials=1000, seed=9)
    chunked = simulate(low, mode, high, weights, trials=1000, seed=9, chunk_elements=50)
    # the same variates; only the summation order of the matrix product may differ
    np.testing.assert_allclose(whole, chunked, rtol=1e-13)
    alpha, beta = beta_parameters(low, mode, high)
    draws = np.random.Generator(np.random.PCG64(9)).beta(alpha, beta, size=(1000, n))
    np.testing.assert_allclose(whole, (low + (high - low) * draws) @ weights, rtol=1e-12)


def test_constant_items_are_not_drawn():
    low = np.array([5.0, 1.0])
    out = simulate(low, low, low, np.ones((2, 1)), trials=10, seed=1)
    np.testing.assert_array_equal(out[:, 0], np.full(10, 6.0))


def three_point_settings() -> dict:
    return fp.settings(
        phases=[
            {
                "name": "a",
                "items": [
                    {"role": "developer", "min": 40, "likely": 60, "max": 120},
                    {"role": "developer", "min": 10, "likely": 20, "max": 25},
                ],
            },
            {"name": "b", "items": [{"role": "developer", "min": 30, "likely": 40, "max": 90}]},
        ]
    )


def test_percentiles_are_ordered_and_stable_under_a_seed(tmp_path):
    engine, project = fp.load(tmp_path, fp.project(three_point_settings()))
    one = engine.estimate(project, seed=5, trials=4000)
    two = engine.estimate(project, seed=5, trials=4000)
    other = engine.estimate(project, seed=6, trials=4000)
    d = one.effort_hours
    assert d is not None and d.p50 <= d.p80 <= d.p90
    assert one.effort_hours == two.effort_hours and one.price == two.price
    assert one.components[0].details == two.components[0].details
    assert other.effort_hours != one.effort_hours
    for phase in one.components[0].details["phases"]:
        e, c = phase["effort_hours"], phase["cost"]
        assert e.p50 <= e.p80 <= e.p90
        assert c["p50"] <= c["p80"] <= c["p90"]


def test_estimate_reports_pert_per_item_and_samples_of_the_trials(tmp_path):
    engine, project = fp.load(tmp_path, fp.project(three_point_settings()))
    est = engine.estimate_component(
        project, project.components[0], engagekit.EstimateOptions(seed=1, trials=3000)
    )
    items = est.details["items"]
    assert [i["expected_hours"] for i in items] == [
        Decimal("66.67"),
        Decimal("19.17"),
        Decimal("46.67"),
    ]
    assert [i["sd_hours"] for i in items] == [Decimal("13.33"), Decimal("2.50"), Decimal("10.00")]
    pert = est.details["pert"]
    assert pert["expected_hours"] == Decimal("132.50")
    # sd of the total with independent items: sqrt(13.333^2 + 2.5^2 + 10^2)
    assert pert["sd_hours"] == Decimal(str(round(math.sqrt((80 / 6) ** 2 + 2.5**2 + 10**2), 2)))
    assert est.samples is not None and len(est.samples.effort_hours) == 3000
    np.testing.assert_allclose(est.samples.cost, est.samples.effort_hours * 100)
    assert abs(float(est.effort_hours.mean) - 132.5) < 1.0
