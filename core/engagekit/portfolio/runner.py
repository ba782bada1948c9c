"""The portfolio runner: one operation over many project files, serially, on a local process
pool, or on a Dask cluster, with the same answers in the same order whichever runs it.

Each project is loaded, validated and computed on its own, then reduced to its summary (and
its document when asked): the peak memory is that of the largest project, not the sum. A
project that fails is named with its error and the others go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from engagekit.errors import EngageError, InputError
from engagekit.portfolio.operations import Operation

if TYPE_CHECKING:
    from engagekit.engine import Engine

__all__ = [
    "EngineSpec",
    "PortfolioResult",
    "PortfolioStream",
    "ProjectFailure",
    "ProjectResult",
    "run_portfolio",
    "stream_portfolio",
]


@attrs.frozen
class EngineSpec:
    """How a worker builds its engine: the installed plugins, plus in-process ones named by
    import path (``package.module:attribute``), so that the recipe pickles."""

    plugins: tuple[str, ...] = ()

    def build(self) -> Engine:
        import importlib

        from engagekit.engine import create_engine

        objects = []
        for ref in self.plugins:
            module, _, attr = ref.partition(":")
            obj: Any = importlib.import_module(module)
            for part in filter(None, attr.split(".")):
                obj = getattr(obj, part)
            objects.append(obj)
        return create_engine(plugins=objects)


@attrs.frozen
class ProjectResult:
    """One project's answer: its summary, and its JSON document when it was asked for."""

    file: str
    project: str
    summary: dict[str, Any]
    doc: dict[str, Any] | None = None


@attrs.frozen
class ProjectFailure:
    """A project that could not be computed, and why."""

    file: str
    error: str
    project: str | None = None


@attrs.frozen
class PortfolioResult:
    """The projects' results and failures, each in the order of the files given."""

    operation: Operation
    results: tuple[ProjectResult, ...]
    failures: tuple[ProjectFailure, ...]

    @property
    def ok(self) -> bool:
        return not self.failures


# -- one project --------------------------------------------------------------------------------

_ENGINES: dict[EngineSpec, Engine] = {}


def _engine(spec: EngineSpec) -> Engine:
    """The engine of this process for ``spec``: built once, then shared by every project."""
    engine = _ENGINES.get(spec)
    if engine is None:
        engine = _ENGINES[spec] = spec.build()
    return engine


def run_one(
    file: str, operation: Operation, spec: EngineSpec, engine: Engine | None = None
) -> ProjectResult | ProjectFailure:
    """Load, validate and compute one project; its error becomes a ``ProjectFailure``."""
    engine = engine or _engine(spec)
    name: str | None = None
    try:
        project = engine.load_project(file)  # inside its workspace: the roster applies
        name = project.name
        doc, summary = operation.run(engine, project)
    except EngageError as exc:
        return ProjectFailure(file, str(exc), name)
    except Exception as exc:  # a bug in a plugin or in engagekit: named, the others go on
        return ProjectFailure(file, f"{type(exc).__name__}: {exc}", name)
    return ProjectResult(file, name, summary, doc)


# -- many projects ------------------------------------------------------------------------------

Outcome = ProjectResult | ProjectFailure
Progress = Callable[[int, int, Outcome], None]


def run_portfolio(
    files: Sequence[str | Path],
    operation: Operation,
    *,
    engine: Engine | None = None,
    spec: EngineSpec | None = None,
    workers: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> PortfolioResult:
    """Run ``operation`` over ``files``.

    :param engine: The engine of a serial run (default: one built from ``spec``).
    :param spec: How worker processes build their engines (default: installed plugins only).
    :param workers: Local worker processes; 1 runs in this process.
    :param executor: ``local`` (this process or a pool of ``workers``) or ``dask``.
    :param scheduler: The Dask scheduler's address (``tcp://host:8786``), for ``dask``.
    :param progress: Called after each project with (done, total, outcome).
    """
    stream = stream_portfolio(
        files,
        operation,
        engine=engine,
        spec=spec,
        workers=workers,
        executor=executor,
        scheduler=scheduler,
        progress=progress,
        keep_documents=True,
    )
    for _ in stream:
        pass
    return stream.result


def stream_portfolio(
    files: Sequence[str | Path],
    operation: Operation,
    *,
    engine: Engine | None = None,
    spec: EngineSpec | None = None,
    workers: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
    keep_documents: bool = False,
    started: Any = None,
) -> PortfolioStream:
    """``run_portfolio`` as a stream: iterate it for each project's result, with its document,
    in file order as the projects finish; ``.result`` then holds every result and failure, the
    results without their documents unless ``keep_documents`` (so that writing the documents
    out one by one never holds them all). Bad arguments, and a Dask scheduler that can't be
    reached, raise here, before any project runs. ``started``: the local pool of ``workers``
    processes to use (``engagekit.portfolio.pool.start_workers``), started before the files
    were found; the stream closes it."""
    spec = spec or EngineSpec()
    names = [str(f) for f in files]
    outcomes: Iterator[Outcome]
    if workers < 1:
        raise InputError(f"workers must be at least 1 (got {workers})", field="workers")
    if executor == "dask":
        if not scheduler:
            raise InputError("the dask executor needs --scheduler ADDRESS", field="scheduler")
        from engagekit.portfolio.cluster import connect, run_on_dask

        outcomes = run_on_dask(names, operation, spec, connect(scheduler), progress)
    elif executor != "local":
        raise InputError(
            f"unknown executor {executor!r}", field="executor", hint="use local or dask"
        )
    elif workers == 1:
        outcomes = _serial(names, operation, spec, engine, progress)
    else:
        from engagekit.portfolio.pool import run_on_pool

        outcomes = run_on_pool(names, operation, spec, workers, progress, started)
    return PortfolioStream(operation, names, outcomes, keep_documents)


def _serial(
    files: Sequence[str],
    operation: Operation,
    spec: EngineSpec,
    engine: Engine | None,
    progress: Progress | None,
) -> Iterator[Outcome]:
    engine = engine or _engine(spec)
    for done, file in enumerate(files, start=1):
        outcome = run_one(file, operation, spec, engine)
        if progress:
            progress(done, len(files), outcome)
        yield outcome


class PortfolioStream:
    """The outcomes of the executors (in any order) put back in file order; a second project
    of one name fails, naming the first."""

    def __init__(
        self,
        operation: Operation,
        files: Sequence[str],
        outcomes: Iterator[Outcome],
        keep_documents: bool,
    ) -> None:
        self.operation = operation
        self._files = files
        self._outcomes = outcomes
        self._keep = keep_documents
        self._results: list[ProjectResult] = []
        self._failures: list[ProjectFailure] = []
        self._done = False

    def __iter__(self) -> Iterator[ProjectResult]:
        # Outcomes that came before their turn wait here: a pool keeps only a few projects in
        # flight, so only a few wait.
        try:
            yield from self._in_order()
        finally:
            # the executor's generator ends its pool (and removes what it shared) when closed
            close = getattr(self._outcomes, "close", None)
            if close is not None:
                close()
        self._done = True

    def _in_order(self) -> Iterator[ProjectResult]:
        early: dict[str, Outcome] = {}
        first_of: dict[str, str] = {}
        for file in self._files:
            while file not in early:
                outcome = next(self._outcomes)
                early[outcome.file] = outcome
            outcome = early.pop(file)
            if isinstance(outcome, ProjectFailure):
                self._failures.append(outcome)
                continue
            other = first_of.setdefault(outcome.project, file)
            if other != file:
                self._failures.append(
                    ProjectFailure(
                        file,
                        f"two projects are named {outcome.project!r}: {other} and {file}",
                        outcome.project,
                    )
                )
                continue
            self._results.append(outcome if self._keep else attrs.evolve(outcome, doc=None))
            yield outcome

    @property
    def result(self) -> PortfolioResult:
        """Every result and failure, in file order, once the stream has been read."""
        if not self._done:
            raise RuntimeError("read the portfolio stream to its end first")
        return PortfolioResult(self.operation, tuple(self._results), tuple(self._failures))
