"""``--workers N``: the portfolio over a local process pool.

Each worker builds its engine once and keeps it for every project it runs. Projects go to the
workers in chunks (``CHUNK`` per task): one task per project cost the parent a round trip per
project, on the cores the workers need. The roster the parent read is handed over once per
worker, through a file, not with every task. The workers can be started (``start_workers``)
before the parent opens the workspace, so that their start-up (importing engagekit and its
plugins, building the engine) overlaps the parent's.

A worker that dies (killed, out of memory, a plugin calling ``os._exit``) breaks the whole pool;
the projects that were in flight are then run again one at a time in a single-worker pool, so
that the one that kills its worker is named as failed and the others finish.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from engagekit.portfolio.operations import Operation
from engagekit.portfolio.runner import EngineSpec, Outcome, Progress, ProjectFailure, run_one

__all__ = ["Workers", "run_on_pool", "start_workers"]

#: Projects per task: enough that the round trip is small beside the work (a small project
#: bills in ~10 ms), few enough that the last tasks end together and that a broken pool has
#: few projects to run again.
CHUNK = 8

#: Tasks queued per worker beyond the one it runs: enough to keep it busy, few enough that
#: results waiting to be collected stay small.
QUEUED_PER_WORKER = 2

DIED = "the worker process running this project died"


def _context() -> Any:
    # Not fork: polars' thread pool, once started in the parent, deadlocks a forked child.
    # A spawned worker pays engagekit's start-up once and keeps its engine for every project.
    return multiprocessing.get_context("spawn")


def _pool(workers: int, spec: EngineSpec) -> ProcessPoolExecutor:
    # The initializer's arguments are written to each new process before the next is
    # started: kept to the spec (a few names), so that the workers start side by side.
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=_context(), initializer=_warm, initargs=(spec,)
    )


def _warm(spec: EngineSpec) -> None:
    from engagekit.portfolio.runner import _engine

    _engine(spec)


#: The roster files this worker has adopted.
_ADOPTED: set[str] = set()


def _run_chunk(
    files: Sequence[str], operation: Operation, spec: EngineSpec, rosters: str | None
) -> list[Outcome]:
    if rosters is not None and rosters not in _ADOPTED:
        from engagekit.portfolio.roster import adopt_rosters

        with open(rosters, "rb") as f:
            adopt_rosters(pickle.load(f))
        _ADOPTED.add(rosters)
    return [run_one(file, operation, spec) for file in files]


class Workers:
    """A pool of ``workers`` processes, started now (they get ready in the background) and
    used by ``run_on_pool``; ``close()`` ends them."""

    def __init__(self, workers: int, spec: EngineSpec) -> None:
        self.workers = workers
        self.spec = spec
        self.pool = _pool(workers, spec)
        # ProcessPoolExecutor starts a process per task submitted: one task each starts them all.
        for _ in range(workers):
            self.pool.submit(os.getpid)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def start_workers(workers: int, spec: EngineSpec | None = None) -> Workers:
    """Start the pool of a ``--workers`` run before its workspace is read."""
    return Workers(workers, spec or EngineSpec())


def _share_rosters() -> str | None:
    """The rosters this process read, pickled once into a file for the workers to adopt."""
    from engagekit.portfolio.roster import known_rosters

    rosters = known_rosters()
    if not rosters:
        return None
    fd, path = tempfile.mkstemp(prefix="engage-rosters-", suffix=".pickle")
    with os.fdopen(fd, "wb") as f:
        pickle.dump(rosters, f, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def run_on_pool(
    files: Sequence[str],
    operation: Operation,
    spec: EngineSpec,
    workers: int,
    progress: Progress | None,
    started: Workers | None = None,
) -> Iterator[Outcome]:
    """Each project's outcome as it finishes (not in file order). ``started``: the pool to use
    first (``start_workers``); it is closed at the end."""
    done = 0
    chunks = [list(files[i : i + CHUNK]) for i in range(0, len(files), CHUNK)]
    pending = list(reversed(chunks))
    rosters = _share_rosters()

    def count(outcome: Outcome) -> Outcome:
        nonlocal done
        done += 1
        if progress:
            progress(done, len(files), outcome)
        return outcome

    try:
        while pending:
            if started is not None and started.spec == spec and started.workers == workers:
                pool, started = started.pool, None
            else:
                pool = _pool(workers, spec)
            running: dict[Future[list[Outcome]], list[str]] = {}
            broken = False
            try:
                while (pending or running) and not broken:
                    while pending and len(running) < workers * (1 + QUEUED_PER_WORKER):
                        try:
                            future = pool.submit(_run_chunk, pending[-1], operation, spec, rosters)
                        except BrokenProcessPool:
                            broken = True
                            break
                        running[future] = pending.pop()
                    if not running:
                        break
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        try:
                            outcomes = future.result()
                        except BrokenProcessPool:
                            broken = True
                            continue
                        del running[future]
                        for outcome in outcomes:
                            yield count(outcome)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
            # The pool broke: any project of the chunks still in flight may have killed it.
            suspects = [file for chunk in running.values() for file in chunk]
            if not suspects and pending:  # it broke before taking a task: the next is suspect
                suspects = pending.pop()
            for outcome in _one_by_one(suspects, operation, spec, rosters):
                yield count(outcome)
    finally:
        if started is not None:
            started.close()
        if rosters is not None:
            os.unlink(rosters)


def _one_by_one(
    files: Sequence[str], operation: Operation, spec: EngineSpec, rosters: str | None
) -> Iterator[Outcome]:
    """Run each project alone in a single-worker pool: if the worker dies, it was this
    project's; the others go on in a fresh pool."""
    left = list(reversed(files))
    while left:
        with _pool(1, spec) as pool:
            while left:
                try:
                    outcomes = pool.submit(_run_chunk, [left[-1]], operation, spec, rosters)
                    yield outcomes.result()[0]
                except BrokenProcessPool:
                    yield ProjectFailure(left[-1], DIED)
                    left.pop()
                    break
                left.pop()
