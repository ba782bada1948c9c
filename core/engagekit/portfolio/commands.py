"""``--all`` on ``estimate``, ``bill``, ``staff``, ``measure`` and ``report``, and ``engage status``.

``add_portfolio_commands(app, engine, state)`` is called once by ``cli.build_app``: it wraps the
five project commands so that ``FILE`` becomes optional and ``--all`` (with ``--workspace``,
``--workers``, ``--executor``, ``--scheduler``) runs the command over every project of the
workspace; without ``--all`` the command is the single-project one, unchanged.
"""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn

import typer

from engagekit.errors import InputError

if TYPE_CHECKING:
    from engagekit.engine import Engine
    from engagekit.portfolio.runner import PortfolioResult, PortfolioStream
    from engagekit.portfolio.sheets import Sheet

__all__ = ["add_portfolio_commands"]

WRAPPED = ("estimate", "bill", "staff", "measure", "report")

AllOpt = Annotated[
    bool, typer.Option("--all", help="Run over every project of the workspace (its globs).")
]
WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        help="The workspace folder (default: found by walking up from the current folder).",
    ),
]
WorkersOpt = Annotated[
    int, typer.Option("--workers", min=1, help="With --all: local worker processes.")
]
ExecutorOpt = Annotated[
    str, typer.Option("--executor", help="With --all: local (processes) or dask (a cluster).")
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option("--scheduler", help="With --executor dask: the scheduler, tcp://HOST:8786."),
]
FileOpt = Annotated[
    Path | None,
    typer.Argument(
        help="The project file (TOML); or --all for the workspace's projects.",
        metavar="FILE",
        show_default=False,
    ),
]
PORTFOLIO_PARAMS = {
    "all_": (AllOpt, False),
    "workspace": (WorkspaceOpt, None),
    "workers": (WorkersOpt, 1),
    "executor": (ExecutorOpt, "local"),
    "scheduler": (SchedulerOpt, None),
}


#: One ``--all`` example per command, after the command's own (``engagekit.cli.EXAMPLES``).
ALL_EXAMPLES = {
    "estimate": "engage estimate --all --workers 2         (in a workspace folder)",
    "bill": "engage bill --all -p 2026-03 --workspace examples --csv",
    "staff": "engage staff --all --workspace examples",
    "measure": "engage measure --all -p 2026-03 --json",
    "report": "engage report --all -o portfolio.html",
    "status": "engage status --workspace examples -p 2026-03",
}


def _examples(name: str) -> str:
    from engagekit.cli import EXAMPLES

    lines = [*EXAMPLES.get(name, ()), ALL_EXAMPLES[name]]
    # \b keeps click from re-wrapping the example lines into one paragraph
    return "\b\nExamples:\n" + "\n".join(f"  {e}" for e in lines)


def add_portfolio_commands(app: typer.Typer, engine: Engine, state: Any) -> None:
    """Give the project commands ``--all``; add ``engage status``."""
    for info in app.registered_commands:
        callback = info.callback
        name = info.name or (callback.__name__ if callback else "")
        if callback is not None and name in WRAPPED:
            info.callback = _with_all(callback, engine, state)
            if not info.epilog:
                info.epilog = _examples(name)

    @app.command(epilog=_examples("status"))
    def status(
        period: Annotated[
            str | None,
            typer.Option("--period", "-p", help="The month to show (default: the current one)."),
        ] = None,
        workspace: WorkspaceOpt = None,
        workers: Annotated[
            int, typer.Option("--workers", min=1, help="Local worker processes.")
        ] = 1,
        json_: Annotated[bool, typer.Option("--json", help="Print the JSON document.")] = False,
    ) -> None:
        """The month across the workspace: billed, issued, WIP, budget, SLAs, margin, risk."""
        from engagekit.cli import _emit, _errors, _render
        from engagekit.output import dumps
        from engagekit.portfolio.status import print_status, status_of

        with _errors(state):
            files = workspace_files(workspace)
            doc = status_of(engine, files.workspace, files.paths, period, workers=workers)
            if json_:
                _emit(dumps(doc), None)
            else:
                _render(lambda console: print_status(console, doc), None)
            _fail_on(doc["failures"], len(files.paths))


def _with_all(callback: Callable[..., Any], engine: Engine, state: Any) -> Callable[..., Any]:
    """``callback`` with an optional FILE and the portfolio options."""
    kind = callback.__name__
    sig = inspect.signature(callback)
    # Keyword-only: FILE gains a default while --period (bill) has none.
    kw = inspect.Parameter.KEYWORD_ONLY
    params = [
        p.replace(annotation=FileOpt, default=None, kind=kw)
        if p.name == "file"
        else p.replace(kind=kw)
        for p in sig.parameters.values()
    ]
    # A command may have an option of the same name already (estimate's --workers, for its
    # simulation): with --all it is the portfolio's, without it the command's own.
    own = set(sig.parameters)
    added = [name for name in PORTFOLIO_PARAMS if name not in own]
    params += [
        inspect.Parameter(
            name, kw, annotation=PORTFOLIO_PARAMS[name][0], default=PORTFOLIO_PARAMS[name][1]
        )
        for name in added
    ]

    def command(**kwargs: Any) -> Any:
        options = {
            name: kwargs.pop(name) if name in added else kwargs[name] for name in PORTFOLIO_PARAMS
        }
        file = kwargs.get("file")
        if not options["all_"]:
            if file is None:
                usage_error(f"Missing argument 'FILE' (or --all). Try: engage {kind} --help")
            if options["workspace"] is not None:
                from engagekit.cli import _errors

                with _errors(state):
                    inside_workspace(file, options["workspace"])
            return callback(**kwargs)
        if file is not None:
            usage_error("give FILE or --all, not both")
        return _run_all(kind, engine, state, kwargs, options)

    command.__name__ = kind
    command.__qualname__ = kind
    command.__doc__ = (callback.__doc__ or "").rstrip() + (
        "\n\nWith --all: every project of the workspace, one row each and a total."
    )
    command.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    return command


def usage_error(message: str) -> NoReturn:
    """Exit 2, as the command line's own usage errors do."""
    from engagekit.terminal import printable

    typer.echo(printable(f"Error: {message}"), err=True)
    raise typer.Exit(2)


# -- the workspace's projects ---------------------------------------------------------------------


class WorkspaceFiles:
    def __init__(self, workspace: Any, paths: list[Path]) -> None:
        self.workspace = workspace
        self.paths = paths


def workspace_files(folder: Path | None) -> WorkspaceFiles:
    """The workspace at ``folder`` (or above the current folder) and its project files; a glob
    that matches no file is an error naming it."""
    from engagekit.portfolio.roster import remember
    from engagekit.workspace import open_workspace

    ws = open_workspace(folder or Path.cwd())
    remember(ws)  # its projects are loaded next: the roster is read once
    for i, pattern in enumerate(ws.projects):
        if not any(p.is_file() and p.name != "engage.toml" for p in ws.root.glob(pattern)):
            raise InputError(
                f"the glob {pattern!r} matches no project file under {ws.root}",
                where=ws.file,
                line=ws.line_of("projects", i) or ws.line_of("projects"),
                field=f"projects[{i}]",
                hint="fix or remove the glob; globs are relative to the workspace folder",
            )
    return WorkspaceFiles(ws, ws.project_files())


def inside_workspace(file: Path, folder: Path) -> None:
    """A project named on the command line must live under the workspace it is run in."""
    from engagekit.workspace import open_workspace

    ws = open_workspace(folder)
    root = ws.root.resolve()
    if not file.resolve().is_relative_to(root):
        raise InputError(
            f"the project is outside the workspace {root}",
            where=file,
            hint="move it under the workspace folder, or leave out --workspace",
        )


# -- running and printing -------------------------------------------------------------------------


def _run_all(
    kind: str, engine: Engine, state: Any, kwargs: dict[str, Any], options: dict[str, Any]
) -> None:
    from engagekit.cli import _errors

    started = None
    if options["workers"] > 1 and options["executor"] == "local" and kind != "report":
        from engagekit.portfolio.pool import start_workers

        # started now, they import engagekit and build their engines while this process
        # reads the workspace
        started = start_workers(options["workers"])
    try:
        with _errors(state):
            _run_all_in(
                kind, engine, workspace_files(options["workspace"]), kwargs, options, started
            )
    finally:
        if started is not None:
            started.close()


def _run_all_in(
    kind: str,
    engine: Engine,
    files: WorkspaceFiles,
    kwargs: dict[str, Any],
    options: dict[str, Any],
    started: Any,
) -> None:
    from engagekit.cli import _emit

    if kind == "report":
        from engagekit.output import write_atomic
        from engagekit.portfolio.report import render_portfolio_report

        doc, html = render_portfolio_report(
            engine,
            files.workspace,
            files.paths,
            seed=kwargs.get("seed"),
            trials=kwargs.get("trials"),
            workers=options["workers"],
        )
        write_atomic(kwargs["output"], html)
        typer.echo(f"wrote {kwargs['output']}")
        _fail_on(doc["failures"], len(files.paths))
        return
    stream = _stream(kind, engine, files, kwargs, options, started)
    json_, csv_, output = kwargs.get("json_"), kwargs.get("csv_"), kwargs.get("output")
    report: Any = None

    def utilisation(result: PortfolioResult) -> Any:
        nonlocal report
        from engagekit.portfolio.utilisation import utilisation_of

        report = utilisation_of(files.workspace, result)
        return report

    if json_:
        tail = (lambda r: {"utilisation": utilisation(r).doc()}) if kind == "staff" else None
        _emit_chunks(json_chunks(stream, tail), output)
        result = stream.result
    else:
        for _ in stream:
            pass
        result = stream.result
        if kind == "staff":
            utilisation(result)
        if csv_:
            _emit(sheet_csv(_sheet(result)), output)
        else:
            from engagekit.cli import _render

            def show(console: Any) -> None:
                print_sheet(console, _sheet(result))
                if report is not None:
                    report.print(console)

            _render(show, output)
    failures = list(result.failures)
    if report is not None:
        failures += report.failures
    _fail_on(
        [{"file": f.file, "project": f.project, "error": f.error} for f in failures],
        len(files.paths),
    )


def _stream(
    kind: str,
    engine: Engine,
    files: WorkspaceFiles,
    kwargs: dict[str, Any],
    opts: dict[str, Any],
    started: Any = None,
) -> PortfolioStream:
    from engagekit.portfolio import Operation
    from engagekit.portfolio.runner import stream_portfolio

    period = kwargs.get("period")
    op = Operation(
        kind,  # type: ignore[arg-type]
        period=period,
        seed=kwargs.get("seed"),
        trials=kwargs.get("trials"),
        documents=bool(kwargs.get("json_")),
        actuals_until=date.today() if kind == "staff" else None,
    )
    return stream_portfolio(
        files.paths,
        op,
        engine=engine,
        workers=opts["workers"],
        executor=_executor(opts["executor"]),
        scheduler=opts["scheduler"],
        progress=_progress_bar(),
        started=started,
    )


def _emit_chunks(chunks: Iterator[str], output: Path | None) -> None:
    """Standard output, or ``output`` written atomically, chunk by chunk as they come."""
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    from engagekit.cli import _write

    _write(output, chunks)
    typer.echo(f"wrote {output}", err=True)


def _executor(name: str) -> Literal["local", "dask"]:
    if name not in ("local", "dask"):
        raise InputError(f"unknown executor {name!r}", field="--executor", hint="local or dask")
    return name  # type: ignore[return-value]


def _progress_bar() -> Callable[..., None] | None:
    """A line on a terminal's stderr counting projects; nothing in a pipe."""
    import os

    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def report(done: int, total: int, _outcome: Any) -> None:
        end = "\n" if done == total else ""
        sys.stderr.write(f"\r{done}/{total} projects{end}")
        sys.stderr.flush()

    return report


def _sheet(result: PortfolioResult) -> Sheet:
    from engagekit.portfolio.sheets import sheet_of

    return sheet_of(result)


def json_chunks(
    stream: PortfolioStream, tail: Callable[[PortfolioResult], dict[str, Any]] | None = None
) -> Iterator[str]:
    """``--json``, written as the projects finish: each project's document (what ``engage
    bill FILE --json`` prints, plus its ``file``) goes out and is dropped before the next, so
    the documents of a thousand projects are never held at once. Then the totals, the
    failures, and what ``tail`` adds from the whole result."""
    from engagekit.output import dumps

    op = stream.operation
    yield (
        f'{{\n  "operation": {json.dumps(op.kind)},\n  "period": {json.dumps(op.period)},\n'
        '  "projects": ['
    )
    sep = "\n"
    for r in stream:
        text = dumps(dict(r.doc or {}, file=r.file)).rstrip("\n")
        # one level deeper than the document's own indent; newlines in JSON text are escaped
        yield sep + "\n".join("    " + line for line in text.split("\n"))
        sep = ",\n"
    result = stream.result
    rest = {
        "totals": _sheet(result).totals_doc,
        "failures": [
            {"file": f.file, "project": f.project, "error": f.error} for f in result.failures
        ],
        **(tail(result) if tail else {}),
    }
    yield ("]," if sep == "\n" else "\n  ],") + dumps(rest)[1:]


def sheet_csv(sheet: Sheet) -> str:
    from engagekit.output import csv_text

    return csv_text(sheet.header, [*sheet.rows, *sheet.totals])


#: Sheet columns a narrow terminal drops, first to last; the rest always show.
_OPTIONAL = ("warnings", "blended rate", "%", "models", "people", "P80", "lines", "currency")
_TEXT = ("project", "models", "component", "model", "measures")


def print_sheet(console: Any, sheet: Sheet) -> None:
    from engagekit.fit import SECTION, Col, print_table

    cols = [
        Col(
            name,
            numeric=name not in _TEXT and name not in ("period", "first", "last", "status"),
            nowrap=name in ("period", "first", "last", "status", "currency"),
            optional=_OPTIONAL.index(name) + 1 if name in _OPTIONAL else 0,
        )
        for name in sheet.header
    ]
    print_table(console, sheet.title, cols, [*sheet.rows, SECTION, *sheet.totals])


def _fail_on(failures: list[dict[str, Any]], total: int) -> None:
    """Name each failed project on stderr, then exit 1 with a summary line."""
    from engagekit.terminal import printable

    if not failures:
        return
    for f in failures:
        error = f["error"] if f["file"] in f["error"] else f"{f['file']}: {f['error']}"
        typer.echo(printable(f"error: {error}"), err=True)
    typer.echo(f"{len(failures)} of {total} projects failed", err=True)
    raise typer.Exit(1)
