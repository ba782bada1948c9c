"""The seeded beta-PERT Monte Carlo, in chunks of trials, summed per trial by a matrix product.

Each trial draws every uncertain item once. Nothing per item or per trial runs in Python: a
chunk of trials draws a ``(chunk, items)`` matrix of beta variates with one numpy call, and one
matrix product turns it into the per-trial sums the estimate needs (total effort, total cost,
effort and cost per phase, hours per role): ``hours = low + span * beta``, so
``hours @ W = beta @ (span * W) + low @ W``. The generator is drawn row after row, so the
variates are the same whatever the chunk size: results depend on the seed and the number of
trials only.

With ``workers > 1`` the trials are cut into ``workers`` contiguous ranges, each drawn by a
process of a pool from its own generator, seeded by the ``workers`` children of
``numpy.random.SeedSequence(seed).spawn(workers)``; forked processes write their rows into one
block of shared memory. The results are then the same for a given seed, number of trials and
number of workers (and differ, as another sample of the same distribution, from those of
another number of workers).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

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
    workers: int = 1,
) -> NDArray[np.float64]:
    """Per-trial weighted sums of beta-PERT items: a ``(trials, k)`` array.

    :param low, mode, high: the three points of each of ``n`` items (``low <= mode <= high``).
        Items with ``low == high`` are constants: added to every trial, never drawn.
    :param weights: ``(n, k)``; column ``j`` of the result is ``sum_i hours_i * weights[i, j]``.
    :param trials: number of trials.
    :param seed: seed of ``numpy.random.Generator(PCG64)``.
    :param chunk_elements: variates per chunk; bounds the memory, does not change the result.
    :param workers: processes that draw the trials (see the module's docstring).
    """
    import numpy as np

    from engagekit_fixed_price.pert import beta_parameters

    low = np.asarray(low, dtype=np.float64)
    mode = np.asarray(mode, dtype=np.float64)
    high = np.asarray(high, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64).reshape(len(low), -1)
    k = weights.shape[1]
    parallel = workers > 1 and trials > 1
    if parallel and _forks():
        out = _shared_empty((trials, k))
    else:
        out = np.empty((trials, k), dtype=np.float64)
    out[:] = low @ weights  # constants and the lower bounds of every item
    varying = high > low
    if not varying.any():
        return out
    lo, mo, hi = low[varying], mode[varying], high[varying]
    alpha, beta = beta_parameters(lo, mo, hi)
    scaled = np.ascontiguousarray((hi - lo)[:, None] * weights[varying])
    if parallel:
        _parallel(out, alpha, beta, scaled, seed, min(workers, trials), chunk_elements)
    else:
        rng = np.random.Generator(np.random.PCG64(seed))
        _draw(out, rng, alpha, beta, scaled, chunk_elements)
    return out


def _draw(
    out: NDArray[np.float64],
    rng: np.random.Generator,
    alpha: NDArray[np.float64],
    beta: NDArray[np.float64],
    scaled: NDArray[np.float64],
    chunk_elements: int,
) -> None:
    """Add ``draws @ scaled`` to every row of ``out``, drawing chunk after chunk from ``rng``."""
    n, k = scaled.shape
    trials = len(out)
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


def _forks() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _shared_empty(shape: tuple[int, int]) -> NDArray[np.float64]:
    """An uninitialised array in anonymous shared memory: forked workers write into it."""
    import mmap

    import numpy as np

    count = shape[0] * shape[1]
    buf = mmap.mmap(-1, max(1, count * 8))
    return np.frombuffer(buf, dtype=np.float64, count=count).reshape(shape)


#: The output block of a simulation, where forked workers find it (set only while they run).
_SHARED: Any = None


def _parallel(
    out: NDArray[np.float64],
    alpha: NDArray[np.float64],
    beta: NDArray[np.float64],
    scaled: NDArray[np.float64],
    seed: int,
    workers: int,
    chunk_elements: int,
) -> None:
    """``_draw`` over ``workers`` ranges of trials in a process pool. Forked workers write into
    ``out`` (anonymous shared memory); spawned ones get their rows and send them back."""
    global _SHARED
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import numpy as np

    trials = len(out)
    bounds = [trials * i // workers for i in range(workers + 1)]
    ranges = list(itertools.pairwise(bounds))
    children = np.random.SeedSequence(seed).spawn(workers)
    fork = _forks()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    _SHARED = out if fork else None
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            jobs = [
                pool.submit(
                    _draw_range,
                    rows,
                    children[i],
                    (alpha, beta, scaled),
                    chunk_elements,
                    None if fork else out[rows[0] : rows[1]],
                )
                for i, rows in enumerate(ranges)
            ]
            for rows, job in zip(ranges, jobs, strict=True):
                drawn = job.result()
                if drawn is not None:
                    out[rows[0] : rows[1]] = drawn
    finally:
        _SHARED = None


def _draw_range(
    rows: tuple[int, int],
    seed: Any,
    params: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]],
    chunk_elements: int,
    base: NDArray[np.float64] | None,
) -> NDArray[np.float64] | None:
    """In a worker: ``_draw`` the trials ``rows`` from the generator of ``seed``, into the
    shared block (forked: returns None) or into ``base`` (spawned: returns it)."""
    import numpy as np

    block = _SHARED[rows[0] : rows[1]] if base is None else base
    _draw(block, np.random.Generator(np.random.PCG64(seed)), *params, chunk_elements)
    return None if base is None else block
