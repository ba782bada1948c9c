"""``engagekit.quantiles.percentiles`` is ``np.percentile`` bit for bit, without numpy.ma."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from engagekit.quantiles import percentiles

QS = ([50, 80, 90], [50, 80, 90, 85], [0, 100], [12.5], [99.99, 0.01, 50], [33, 66, 67])


@pytest.mark.parametrize("seed", range(60))
def test_the_same_numbers_as_numpy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.choice([1, 2, 3, 10, 101, 1000, 10_000]))
    kind = seed % 4
    if kind == 0:
        values = rng.normal(1000, 300, n)
    elif kind == 1:
        values = rng.integers(0, 500, n)
    elif kind == 2:
        values = np.round(rng.beta(2, 5, n) * 1e6, 2)
    else:
        values = rng.integers(0, 3, n).astype(float)  # many ties
    for qs in QS:
        ours = percentiles(values, qs)
        theirs = np.percentile(values, qs)
        assert ours.dtype == theirs.dtype
        assert ours.tobytes() == theirs.tobytes(), (qs, ours, theirs)


def test_nan_and_edge_cases_as_numpy() -> None:
    values = np.array([1.0, np.nan, 3.0])
    assert np.isnan(percentiles(values, [50, 90])).all()
    assert np.isnan(np.percentile(values, [50, 90])).all()
    single = np.array([7.5])
    assert (
        percentiles(single, [0, 50, 100]).tobytes() == np.percentile(single, [0, 50, 100]).tobytes()
    )
    with pytest.raises(ValueError):
        np.percentile(single, [101])
    with pytest.raises(ValueError):
        percentiles(single, [101])


def test_no_masked_arrays_imported() -> None:
    code = (
        "import sys, numpy as np\n"
        "from engagekit.quantiles import percentiles\n"
        "percentiles(np.arange(100.0), [50, 80, 90])\n"
        "print('numpy.ma' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("order", range(6))
def test_signed_zeros_and_nans_as_numpy(order: int) -> None:
    # equal values of different bits: the element picked must be numpy's
    rng = np.random.default_rng(order)
    values = rng.permutation(np.array([0.0, -0.0, -0.0, 0.0, 1.0, -1.0, 0.0, -0.0]))
    for qs in QS:
        assert percentiles(values, qs).tobytes() == np.percentile(values, qs).tobytes()
    column = np.stack([rng.normal(size=300), rng.normal(size=300)], axis=1)[:, 1]
    assert percentiles(column, [50, 80]).tobytes() == np.percentile(column, [50, 80]).tobytes()
    values[order] = np.nan
    assert np.isnan(percentiles(values, [50, 90])).all()
