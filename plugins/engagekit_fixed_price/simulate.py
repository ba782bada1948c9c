"""The seeded beta-PERT Monte Carlo, in chunks of trials, summed per trial by a matrix product.

Each trial draws every uncertain item once. Nothing per item or per trial runs in Python: a
chunk of trials draws a ``(chunk, items)`` matrix of beta variates with one numpy call, and one
matrix product turns it into the per-trial sums the estimate needs (total effort, total cost,
effort and cost per phase, hours per role): ``hours = low + span * beta``, so
``hours @ W = beta @ (span * W) + low @ W``. The generator is drawn row after row, so the
variates are the same whatever the chunk size (the sums too, but for a last bit where BLAS
computes a block's remainder rows in another order): results depend on the seed and the number
of trials only.

With ``workers > 1`` the trials are cut into ``workers * CHUNKS_PER_WORKER`` contiguous
ranges (fewer where there are fewer trials), range ``i`` drawn from its own generator, seeded by
the ``i``-th child of ``numpy.random.SeedSequence(seed).spawn(ranges)``. This process and
``workers - 1`` forked children (``os.fork``) take the ranges one at a time from a shared queue
(a pipe of range numbers) and write their rows straight into the result, a block of anonymous
shared memory: a core that runs slower (another process on it, a lower clock) draws fewer
ranges instead of making the others wait for it. A range's numbers depend only on its seed, so
the results are the same for a given seed, number of trials and number of workers, whichever
process draws a range and however the machine schedules them (and differ, as another sample
of the same distribution, from those of another number of workers). Where ``fork`` is missing,
the ranges are drawn by spawned processes that send their rows back: the same numbers.

``simulate_each`` also runs a function of each range's rows in the process that drew them,
right after drawing them: the per-trial part of a summary then runs on every core, in the draw
phase, instead of on one core after it.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    #: What ``_draw`` needs besides the output and the generator: base, alpha, beta, scaled.
    Params = tuple[
        NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]
    ]

T = TypeVar("T")

__all__ = ["CHUNK_ELEMENTS", "empty", "in_processes", "simulate", "simulate_each"]

#: Beta variates drawn per chunk (2**20 doubles = 8 MiB): the memory bound of a simulation.
CHUNK_ELEMENTS = 1 << 20
_SINGLE_THREAD_MNK = 4 * 65536

#: Ranges of trials per worker: at most one range's time (about 1/32 of the draws at two
#: workers) is left where one process finishes before the other.
CHUNKS_PER_WORKER = 16

#: The most ranges of trials (their numbers go through a pipe as 2-byte tokens).
_MAX_RANGES = 4096


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
    """Per-trial weighted sums of beta-PERT items: a ``(trials, k)`` array, column-major (each
    column, one sum over the trials, is contiguous: its percentiles read it in order).

    :param low, mode, high: the three points of each of ``n`` items (``low <= mode <= high``).
        Items with ``low == high`` are constants: added to every trial, never drawn.
    :param weights: ``(n, k)``; column ``j`` of the result is ``sum_i hours_i * weights[i, j]``.
    :param trials: number of trials.
    :param seed: seed of ``numpy.random.Generator(PCG64)``.
    :param chunk_elements: variates per chunk; bounds the memory, does not change the result.
    :param workers: processes that draw the trials (see the module's docstring).
    """
    return simulate_each(
        low,
        mode,
        high,
        weights,
        trials=trials,
        seed=seed,
        chunk_elements=chunk_elements,
        workers=workers,
        then=None,
    )[0]


def simulate_each(
    low: NDArray[np.float64],
    mode: NDArray[np.float64],
    high: NDArray[np.float64],
    weights: NDArray[np.float64],
    *,
    trials: int,
    seed: int,
    workers: int,
    then: Callable[[NDArray[np.float64], int, int], T] | None,
    chunk_elements: int = CHUNK_ELEMENTS,
) -> tuple[NDArray[np.float64], list[T | None]]:
    """``simulate``, and ``then(rows, first, last)`` for each range of trials ``first:last``
    (``rows`` its part of the result), in the process that drew it, as soon as it is drawn.

    Returns the result and ``then``'s results, one a range (``None`` without ``then``). A
    ``then`` run in a forked child reaches this process only through its result (pickled) and
    through memory shared before the fork (``empty(..., shared=True)``). Where a range is
    drawn by a spawned process, its ``then`` runs here once its rows are back.
    """
    import numpy as np

    from engagekit_fixed_price.pert import beta_parameters

    low = np.asarray(low, dtype=np.float64)
    mode = np.asarray(mode, dtype=np.float64)
    high = np.asarray(high, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64).reshape(len(low), -1)
    k = weights.shape[1]
    workers = max(1, min(workers, trials))
    fork = workers > 1 and _forks()
    out = empty((trials, k), shared=fork)
    n = 1 if workers == 1 else min(trials, workers * CHUNKS_PER_WORKER, _MAX_RANGES)
    ranges = list(itertools.pairwise(trials * i // n for i in range(n + 1)))

    def after(first: int, last: int) -> T | None:
        return None if then is None else then(out[first:last], first, last)

    base = low @ weights  # constants and the lower bounds of every item
    varying = high > low
    if not varying.any():
        out[:] = base
        return out, [after(first, last) for first, last in ranges]
    lo, mo, hi = low[varying], mode[varying], high[varying]
    alpha, beta = beta_parameters(lo, mo, hi)
    scaled = np.ascontiguousarray((hi - lo)[:, None] * weights[varying])
    params = (base, alpha, beta, scaled)
    if workers > 1:
        return out, _parallel(out, ranges, workers, params, seed, chunk_elements, fork, after)
    _draw(out, np.random.Generator(np.random.PCG64(seed)), *params, chunk_elements)
    return out, [after(0, trials)]


def _draw(
    out: NDArray[np.float64],
    rng: np.random.Generator,
    base: NDArray[np.float64],
    alpha: NDArray[np.float64],
    beta: NDArray[np.float64],
    scaled: NDArray[np.float64],
    chunk_elements: int,
) -> None:
    """Fill every row of ``out`` with ``draws @ scaled + base``, drawing chunk after chunk from
    ``rng``."""
    import numpy as np

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
            end = min(row + block, last - first)
            np.add(draws[row:end] @ scaled, base, out=out[first + row : first + end])


def _forks() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def empty(shape: tuple[int, ...], dtype: Any = None, *, shared: bool) -> NDArray[Any]:
    """An uninitialised column-major array (float64 by default); with ``shared``, in anonymous
    shared memory, where forked children write what this process reads."""
    import mmap

    import numpy as np

    dtype = np.dtype(np.float64 if dtype is None else dtype)
    if not shared:
        return np.empty(shape, dtype=dtype, order="F")
    count = 1
    for extent in shape:
        count *= extent
    buf = mmap.mmap(-1, max(1, count * dtype.itemsize))
    return np.frombuffer(buf, dtype=dtype, count=count).reshape(shape[::-1]).T


def _parallel(
    out: NDArray[np.float64],
    ranges: list[tuple[int, int]],
    workers: int,
    params: Params,
    seed: int,
    chunk_elements: int,
    fork: bool,
    after: Callable[[int, int], T],
) -> list[T]:
    """``_draw`` over contiguous ranges of trials, range ``i`` from the ``i``-th child seed,
    each followed by ``after(first, last)`` where it was drawn: by this process and forked
    children taking ranges from a shared queue and writing into ``out`` (shared memory), or by
    spawned processes that send their rows back. Returns ``after``'s results in range order."""
    import numpy as np

    seeds = np.random.SeedSequence(seed).spawn(len(ranges))

    def draw(i: int) -> T:
        first, last = ranges[i]
        rng = np.random.Generator(np.random.PCG64(seeds[i]))
        _draw(out[first:last], rng, *params, chunk_elements)
        return after(first, last)

    if fork:
        done: dict[int, T] = {}
        read, write = os.pipe()
        try:
            os.write(write, b"".join(i.to_bytes(2, "little") for i in range(len(ranges))))
            os.close(write)
            write = -1

            def take() -> dict[int, T]:
                mine = {}
                # a read of 2 bytes from a pipe written in full before is one whole token
                while token := os.read(read, 2):
                    i = int.from_bytes(token, "little")
                    mine[i] = draw(i)
                return mine

            for part in in_processes([take] * workers):
                done.update(part)
        finally:
            os.close(read)
            if write >= 0:
                os.close(write)
        # a range taken by a child that failed: drawn here, where its exception is raised
        return [done[i] if i in done else draw(i) for i in range(len(ranges))]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    mine = range(0, len(ranges), workers)
    with ProcessPoolExecutor(workers - 1, mp_context=context) as pool:
        jobs = {
            i: pool.submit(_draw_rows, last - first, seeds[i], params, chunk_elements)
            for i, (first, last) in enumerate(ranges)
            if i % workers
        }
        results = {i: draw(i) for i in mine}
        for i, job in jobs.items():
            first, last = ranges[i]
            out[first:last] = job.result()
            results[i] = after(first, last)
    return [results[i] for i in range(len(ranges))]


def _draw_rows(rows: int, seed: Any, params: Params, chunk_elements: int) -> NDArray[np.float64]:
    """In a spawned process: ``rows`` trials drawn from the generator of ``seed``."""
    import numpy as np

    block = np.empty((rows, params[-1].shape[1]), dtype=np.float64)
    _draw(block, np.random.Generator(np.random.PCG64(seed)), *params, chunk_elements)
    return block


def in_processes(tasks: Sequence[Callable[[], T]]) -> list[T]:
    """The results of ``tasks``, run side by side: the first in this process, each other in a
    forked child, whose result comes back pickled through a pipe. Without ``fork``, or with one
    task, they run here one after the other.

    A task computes the same result wherever it runs (it reads what this process holds; a
    child's writes reach this process only through shared memory or its result). A child that
    fails sends no result: its task is run again here, so that its exception is raised here
    as it would have been in one process.
    """
    if len(tasks) < 2 or not _forks():
        return [task() for task in tasks]
    sys.stdout.flush()
    sys.stderr.flush()
    children: list[tuple[int, int]] = []
    try:
        for task in tasks[1:]:
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: run the task, send its result, never return
                code = 1  # an exception (reported by running the task again) exits with 1
                try:
                    os.close(read)
                    data = pickle.dumps(task(), protocol=pickle.HIGHEST_PROTOCOL)
                    with os.fdopen(write, "wb") as pipe:
                        pipe.write(data)
                    code = 0
                finally:
                    os._exit(code)
            os.close(write)
            children.append((pid, read))
        results = [tasks[0]()]
        for task in tasks[1:]:
            pid, read = children[0]
            with os.fdopen(read, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(pid, 0)
            children.pop(0)
            ok = os.waitstatus_to_exitcode(status) == 0 and data
            results.append(pickle.loads(data) if ok else task())
        return results
    finally:
        for pid, read in children:  # this process failed: stop the children and reap them
            _stop(pid, read)


def _stop(pid: int, read: int) -> None:
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    with contextlib.suppress(OSError):
        os.close(read)
