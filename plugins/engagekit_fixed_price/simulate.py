"""The seeded beta-PERT Monte Carlo, in chunks of trials, summed per trial by a matrix product.

Each trial draws every uncertain item once. Nothing per item or per trial runs in Python: a
chunk of trials draws a ``(chunk, items)`` matrix of beta variates with one numpy call, and one
matrix product turns it into the per-trial sums the estimate needs (total effort, total cost,
effort and cost per phase, hours per role): ``hours = low + span * beta``, so
``hours @ W = beta @ (span * W) + low @ W``. The generator is drawn row after row, so the
variates are the same whatever the chunk size: results depend on the seed and the number of
trials only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["CHUNK_ELEMENTS", "simulate"]

#: Beta variates drawn per chunk (2**20 doubles = 8 MiB): the memory bound of a simulation.
CHUNK_ELEMENTS = 1 << 20
_SINGLE_THREAD_MNK = 4 * 65536


def simulate(
    low: NDArray[np.float64],
    mode: NDArray[np.float64],
    high: NDArray[np.float64],
    weights: NDArray[np.float64],
    *,
    trials: int,
    seed: int,
    chunk_elements: int = CHUNK_ELEMENTS,
) -> NDArray[np.float64]:
    """Per-trial weighted sums of beta-PERT items: a ``(trials, k)`` array.

    :param low, mode, high: the three points of each of ``n`` items (``low <= mode <= high``).
        Items with ``low == high`` are constants: added to every trial, never drawn.
    :param weights: ``(n, k)``; column ``j`` of the result is ``sum_i hours_i * weights[i, j]``.
    :param trials: number of trials.
    :param seed: seed of ``numpy.random.Generator(PCG64)``.
    :param chunk_elements: variates per chunk; bounds the memory, does not change the result.
    """
    import numpy as np

    from engagekit_fixed_price.pert import beta_parameters

    low = np.asarray(low, dtype=np.float64)
    mode = np.asarray(mode, dtype=np.float64)
    high = np.asarray(high, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64).reshape(len(low), -1)
    k = weights.shape[1]
    out = np.empty((trials, k), dtype=np.float64)
    out[:] = low @ weights  # constants and the lower bounds of every item
    varying = high > low
    if not varying.any():
        return out
    lo, mo, hi = low[varying], mode[varying], high[varying]
    alpha, beta = beta_parameters(lo, mo, hi)
    scaled = np.ascontiguousarray((hi - lo)[:, None] * weights[varying])
    n = len(lo)
    rng = np.random.Generator(np.random.PCG64(seed))
    step = max(1, chunk_elements // n)
    # Thin products are fastest on one thread: keep each block under OpenBLAS's threshold for
    # going multi-threaded (m * n * k <= 4 * 65536); for very wide problems use whole chunks.
    block = _SINGLE_THREAD_MNK // (n * k)
    if block < 16:
        block = step
    for first in range(0, trials, step):
        last = min(first + step, trials)
        draws = rng.beta(alpha, beta, size=(last - first, n))
        for row in range(0, last - first, block):
            out[first + row : first + min(row + block, last - first)] += (
                draws[row : row + block] @ scaled
            )
    return out
