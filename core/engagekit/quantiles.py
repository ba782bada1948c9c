"""Percentiles of Monte Carlo samples, as ``numpy.percentile`` gives them, to the last bit.

``np.percentile`` (its default, linear method) selects the order statistics it needs through
``np.unique``, whose first call imports ``numpy.ma`` (masked arrays: about 10 ms of start-up,
the largest part of numpy an estimate loads for nothing). This is the same computation
(numpy 2's ``_quantile``: the same virtual indexes, the same partition, the same
interpolation, NaN propagated), with the indexes kept in Python. A test compares the two on
many arrays, bit for bit.

The order statistics come from a full sort rather than numpy's partition: the same values (an
order statistic does not depend on how it is found), and numpy 2's vectorised sort of 100,000
doubles takes about a third of the time of a partition at the six or eight indexes a few
percentiles need. Only where equal values can differ in their bits (a ``-0.0`` beside a
``0.0``, NaNs) could the two pick different elements, so those arrays take numpy's partition.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["percentiles"]


def percentiles(values: Any, qs: Sequence[float]) -> NDArray[np.float64]:
    """``np.percentile(values, qs)`` (linear) of a one-dimensional array, without ``numpy.ma``."""
    import numpy as np

    arr = np.asanyarray(values)
    if arr.ndim != 1:  # a column (strided) is sorted as it is: one copy, not two
        arr = arr.ravel()
    n = arr.shape[0]
    if n == 0 or arr.dtype.kind not in "iuf":
        return np.asarray(np.percentile(arr, qs))  # numpy's own answer (and its errors)
    q = np.asanyarray(np.true_divide(qs, 100))
    if np.any((q < 0) | (q > 1)):
        return np.asarray(np.percentile(arr, qs))
    virtual = (n - 1) * q
    previous = np.floor(virtual)
    following = previous + 1
    above = virtual >= n - 1
    previous[above] = -1
    following[above] = -1
    below = virtual < 0
    previous[below] = 0
    following[below] = 0
    previous = previous.astype(np.intp)
    following = following.astype(np.intp)
    part = np.sort(arr)
    if arr.dtype.kind == "f" and (np.isnan(part[-1]) or _has_zero(part)):
        # NaNs or zeros (perhaps of both signs): numpy's own choice among equal values
        kth = sorted({0, n - 1, *(int(i) % n for i in previous), *(int(i) % n for i in following)})
        part = np.partition(arr, kth)
    a = part[previous]
    b = part[following]
    gamma = np.asanyarray(virtual - previous, dtype=virtual.dtype)
    diff = b - a
    result = np.add(a, diff * gamma)
    np.subtract(b, diff * (1 - gamma), out=result, where=gamma >= 0.5, casting="unsafe")
    if arr.dtype.kind == "f" and np.isnan(part[-1]):
        result[:] = part[-1]
    return np.asarray(result)


def _has_zero(ordered: NDArray[np.float64]) -> bool:
    i = int(ordered.searchsorted(0.0))
    return i < len(ordered) and bool(ordered[i] == 0.0)
