"""``--workers N``: the portfolio over a local process pool.

Each worker builds its engine once and keeps it for every project it runs. A worker that
dies (killed, out of memory, a plugin calling ``os._exit``) breaks the whole pool; the projects
that were in flight are then run again, one at a time in a fresh single-worker pool, so that
the one that kills its worker is named as failed and the others finish.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from engagekit.portfolio.operations import Operation
from engagekit.portfolio.runner import EngineSpec, Outcome, Progress, ProjectFailure, run_one

__all__ = ["run_on_pool"]

#: Projects queued per worker beyond the one it runs: enough to keep it busy, few enough that
#: results waiting to be collected stay small.
QUEUED_PER_WORKER = 2


def _context() -> Any:
    # Not fork: polars' thread pool, once started in the parent, deadlocks a forked child.
    # A spawned worker pays engagekit's start-up once and keeps its engine for every project.
    return multiprocessing.get_context("spawn")


def _pool(workers: int, spec: EngineSpec) -> ProcessPoolExecutor:
    from engagekit.portfolio.roster import known_rosters

    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_context(),
        initializer=_warm,
        initargs=(spec, known_rosters()),
    )


def _warm(spec: EngineSpec, rosters: dict[Any, Any]) -> None:
    from engagekit.portfolio.roster import adopt_rosters
    from engagekit.portfolio.runner import _engine

    adopt_rosters(rosters)
    _engine(spec)


def run_on_pool(
    files: Sequence[str],
    operation: Operation,
    spec: EngineSpec,
    workers: int,
    progress: Progress | None,
) -> Iterator[Outcome]:
    """Each project's outcome as it finishes (not in file order)."""
    done = 0
    pending = list(reversed(files))

    def count(outcome: Outcome) -> Outcome:
        nonlocal done
        done += 1
        if progress:
            progress(done, len(files), outcome)
        return outcome

    while pending:
        pool = _pool(workers, spec)
        running: dict[Future[Outcome], str] = {}
        broken = False
        try:
            while (pending or running) and not broken:
                while pending and len(running) < workers * (1 + QUEUED_PER_WORKER):
                    try:
                        future = pool.submit(run_one, pending[-1], operation, spec)
                    except BrokenProcessPool:
                        break
                    running[future] = pending.pop()
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        broken = True
                        continue
                    del running[future]
                    yield count(outcome)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        # The pool broke: any of the projects still in flight may have killed it.
        for file in running.values():
            yield count(_alone(file, operation, spec))


def _alone(file: str, operation: Operation, spec: EngineSpec) -> Outcome:
    """Run one project in a pool of its own: if its worker dies, it was this project."""
    with _pool(1, spec) as pool:
        try:
            return pool.submit(run_one, file, operation, spec).result()
        except BrokenProcessPool:
            return ProjectFailure(file, "the worker process running this project died")
