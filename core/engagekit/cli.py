"""The ``engage`` command line, built by ``build_app(engine)`` so plugins can add commands and
tests get a fresh app. Exit codes: 0 success, 1 a problem with the input or a plugin, 2 usage.
"""

import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from engagekit import codecache

# before the first attrs class of engagekit and its plugins: their methods from the cache
codecache.install_attrs()

from engagekit._version import __version__  # noqa: E402
from engagekit.engine import ALLOCATOR_ENV, Engine, create_engine  # noqa: E402
from engagekit.errors import EngageError  # noqa: E402

if TYPE_CHECKING:
    from engagekit.period import Period
    from engagekit.project import Project

__all__ = ["build_app", "main"]

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print the stable JSON document instead of a table.")
]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print rows as CSV (formula-safe).")]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write the output to this file (atomically) instead of stdout."
    ),
]
FileArg = Annotated[
    Path, typer.Argument(help="The project file (TOML).", metavar="FILE", show_default=False)
]
SeedOpt = Annotated[int | None, typer.Option(help="Seed of the Monte Carlo simulations.")]
TrialsOpt = Annotated[
    int | None,
    typer.Option(
        # engagekit.results.MAX_TRIALS, not imported here for start-up's sake (a test compares).
        min=1,
        max=1_000_000,
        help="Trials of the Monte Carlo simulations (at most 1,000,000).",
    ),
]
WorkersOpt = Annotated[
    int,
    typer.Option(
        min=1,
        max=64,
        help="Processes a Monte Carlo simulation may use; results are the same for a given "
        "seed, trials and workers.",
    ),
]
PeriodOpt = Annotated[
    str, typer.Option("--period", "-p", help="Billing period: YYYY-MM, YYYY-Www, YYYY-Qn or A..B.")
]


#: Examples shown at the end of each command's help.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "init": ("engage init project.toml -m fixed-price -m sla", "engage init -m time-material"),
    "validate": ("engage validate examples/hybrid.toml",),
    "models": ("engage models", "engage models --json"),
    "plugins": ("engage plugins", "engage plugins --json"),
    "estimate": (
        "engage estimate examples/hybrid.toml",
        "engage estimate project.toml --trials 20000 --seed 7 --json",
    ),
    "bill": (
        "engage bill examples/hybrid.toml -p 2026-03",
        "engage bill project.toml -p 2026-Q1 --csv -o q1.csv",
        "engage --strict bill project.toml -p 2026-03 --json   (exit 1 on warnings)",
    ),
    "staff": ("engage staff examples/hybrid.toml", "engage staff project.toml --csv"),
    "measure": (
        "engage measure examples/hybrid.toml",
        "engage measure project.toml -p 2026-03 --csv",
    ),
    "report": ("engage report examples/hybrid.toml -o report.html",),
}


class State:
    debug = False
    #: ``--strict``: warnings of a result make the command exit 1 (after printing it).
    strict = False
    #: How many problems of a file an error lists (``--max-errors``); None: all.
    max_errors: int | None = None
    #: The engine, whose plugins' printed output is shown as warnings after each command.
    engine: Engine | None = None


def _fail(message: str, code: int = 1) -> NoReturn:
    from engagekit.terminal import printable

    typer.echo(f"error: {printable(message)}", err=True)
    raise typer.Exit(code)


@contextmanager
def _errors(state: State) -> Iterator[None]:
    """User and plugin errors become one message and exit 1; ``--debug`` shows the traceback.
    What plugins printed meanwhile is shown as warnings on standard error."""
    try:
        yield
    except EngageError as exc:
        if state.debug:
            raise
        from engagekit.errors import InputErrors

        _fail(exc.render_all(state.max_errors) if isinstance(exc, InputErrors) else str(exc))
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except BrokenPipeError:
        raise  # the reader went away (| head): main ends quietly
    except ArithmeticError as exc:
        # Inputs are bounded where they are read; this is the net under what slipped through:
        # OverflowError and decimal's errors (none raised unless decimal was imported)
        decimal = sys.modules.get("decimal")
        if state.debug or not (
            isinstance(exc, OverflowError)
            or (decimal is not None and isinstance(exc, decimal.DecimalException))
        ):
            raise
        _fail(f"a number in the input is too large to compute with ({type(exc).__name__})")
    except OSError as exc:
        if state.debug:
            raise
        _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
    finally:
        if state.engine is not None:
            _warn(state.engine.take_printed())


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        _write(output, text)
        typer.echo(f"wrote {output}", err=True)


def _write(path: Path, text: str | Iterable[str]) -> None:
    """``write_atomic``, saying which leftovers of a killed earlier write it removed."""
    from engagekit.output import write_atomic
    from engagekit.terminal import printable

    for stale in write_atomic(path, text):
        typer.echo(printable(f"removed {stale}, left by an interrupted write"), err=True)


def _console(width: int | None = None) -> Any:
    """The console of human output: the terminal's width, or ``COLUMNS`` (120 in a pipe)."""
    from engagekit.terminal import PlainConsole, console, plain_output

    if width is None and not sys.stdout.isatty():
        columns = os.environ.get("COLUMNS", "")
        width = int(columns) if columns.isdigit() and int(columns) > 0 else 120
    if width is not None and plain_output():
        return PlainConsole(width=width)  # rich is imported only if a table needs it
    return console(width=width)


def _render(build: Callable[[Any], None], output: Path | None) -> None:
    """Render rich output to the terminal, or as plain text into ``output``."""
    if output is None:
        build(_console())
        return
    from engagekit.terminal import console as safe_console

    console = safe_console(record=True, width=120, file=io.StringIO())
    build(console)
    _emit(console.export_text(), output)


def _listing(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A rich table on a terminal; plain aligned columns in a pipe."""
    if not sys.stdout.isatty():
        from engagekit.listing import columns
        from engagekit.terminal import printable

        _emit(printable(columns(header, rows)), None)
        return
    from rich.table import Table

    table = Table(*header)
    for row in rows:
        table.add_row(*row)
    _console().print(table)


@contextmanager
def _progress(engine: Engine) -> Iterator[None]:
    """A progress bar over components on a terminal; nothing in a pipe."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        yield
        return
    from rich.progress import Progress

    with Progress(transient=True, console=_stderr_console()) as bar:
        tasks: dict[str, Any] = {}

        def report(op: str, component: Any, i: int, n: int) -> None:
            if op not in tasks:
                tasks[op] = bar.add_task(op, total=n)
            bar.update(tasks[op], completed=i, description=f"{op} {component.name}")

        engine.progress = report
        try:
            yield
        finally:
            engine.progress = None


def _stderr_console() -> Any:
    from engagekit.terminal import console

    return console(stderr=True)


def _guarded(command: Callable[..., Any], state: State, plugin: str) -> Callable[..., Any]:
    """A plugin's command whose input errors print as one message and exit 1, and whose other
    exceptions name the plugin (exit 1, no traceback without ``--debug``)."""
    import functools

    import click

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        with _errors(state):
            try:
                return command(*args, **kwargs)
            except (EngageError, click.exceptions.Exit, click.ClickException, click.Abort):
                raise
            except (KeyboardInterrupt, BrokenPipeError, OSError):
                raise
            except Exception as exc:
                if state.debug:
                    raise
                _fail(f"plugin {plugin!r}: its command failed: {type(exc).__name__}: {exc}")

    return run


#: The commands of the app's parts kept in other modules, by part: a part is left out (its
#: module not imported) when the command about to run is known to be another of the core's.
_PARTS = {
    "compare": ("compare",),
    "ledger": ("issue", "credit", "invoices", "ledger"),
    "portfolio": ("estimate", "bill", "staff", "measure", "report", "status"),
}
#: Every command and group of the core ("" for none: ``--version``); a test checks the list.
CORE_COMMANDS = frozenset(
    {
        "",
        "models",
        "plugins",
        "init",
        "validate",
        "plugin",
        *(n for p in _PARTS.values() for n in p),
    }
)


def build_app(engine: Engine, command: str | None = None) -> typer.Typer:
    """The ``engage`` application wired to ``engine``; plugins' commands are added last.
    ``command``: the one about to run, when known (``""``: none, for ``--version``); the parts
    of the app that only add others are then left out."""

    def part(name: str) -> bool:
        return command is None or command not in CORE_COMMANDS or command in _PARTS[name]

    state = State()
    state.engine = engine
    app = typer.Typer(
        name="engage",
        help="Price, bill, staff and measure IT service engagements.",
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    def version_callback(value: bool) -> None:
        if value:
            typer.echo(f"engagekit {__version__}")
            for p in engine.plugins:
                status = "" if p.status == "ok" else f" ({p.status})"
                typer.echo(f"  {p.name} {p.version or ''}{status}".rstrip())
            raise typer.Exit()

    @app.callback()
    def root(
        version: Annotated[
            bool,
            typer.Option(
                "--version",
                callback=version_callback,
                is_eager=True,
                help="Show engagekit's version and each plugin's, then exit.",
            ),
        ] = False,
        debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
        max_errors: Annotated[
            int | None,
            typer.Option(
                "--max-errors",
                min=1,
                metavar="N",
                help="List at most N problems of a file (default: every one).",
            ),
        ] = None,
        strict: Annotated[
            bool,
            typer.Option("--strict", help="Exit 1 when a result has warnings (for scripts)."),
        ] = False,
    ) -> None:
        state.debug = debug
        state.max_errors = max_errors
        state.strict = strict

    def load(file: Path) -> "Project":
        return engine.load_project(file)

    @app.command()
    def models(json_: JsonOpt = False) -> None:
        """List the collaboration models the installed plugins provide."""
        from engagekit.listing import models_doc

        doc = models_doc(engine)
        if json_:
            import json

            _emit(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", None)
            return
        header = ("model", "summary", "plugin", "version")
        rows = [(m["name"], m["summary"], m["plugin"], m["version"] or "") for m in doc]
        _listing(header, rows)

    @app.command()
    def plugins(json_: JsonOpt = False) -> None:
        """List plugins, including the ones that failed to load or are blocked."""
        from engagekit.listing import plugins_doc

        doc = plugins_doc(engine)
        if json_:
            import json

            _emit(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", None)
            return
        header = ("plugin", "distribution", "version", "status", "models", "hooks / error")
        rows = [
            (
                p["name"],
                p["distribution"] or "(in-process)",
                p["version"] or "",
                p["status"],
                ", ".join(p["models"]),
                (p["error"] if p["status"] == "failed" else ", ".join(p["hooks"])) or "",
            )
            for p in doc
        ]
        _listing(header, rows)
        # for the plugin's author: what to change before the next major contract drops it
        _warn(
            [
                f"plugin {p['name']!r} uses a deprecated hook or argument: {d}"
                for p in doc
                for d in p["deprecations"]
            ]
        )

    @app.command()
    def init(
        path: Annotated[Path, typer.Argument(help="Where to write the project file.")] = Path(
            "project.toml"
        ),
        model: Annotated[
            list[str] | None,
            typer.Option("--model", "-m", help="A model to include (repeat for several)."),
        ] = None,
        name: Annotated[str, typer.Option(help="The project's name.")] = "New project",
        currency: Annotated[str, typer.Option(help="ISO 4217 currency code.")] = "EUR",
        force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
        workspace: Annotated[
            Path | None,
            typer.Option(
                "--workspace", help="Write a starter workspace (engage.toml) here instead."
            ),
        ] = None,
        scope: Annotated[
            Path | None,
            typer.Option(
                "--scope",
                help="Write a starter scope for engage compare here (and PATH, the project "
                "file it prices with, if there is none).",
            ),
        ] = None,
    ) -> None:
        """Write a commented starter project (or workspace) that validates."""
        from engagekit.starter import starter_text

        with _errors(state):
            if workspace is not None:
                from engagekit.workspace.starter import write_starter

                written = write_starter(workspace, force=force)
                typer.echo(f"wrote {written}; put project files in {written.parent / 'projects'}")
                return
            if scope is not None:
                from engagekit.compare.command import init_scope

                init_scope(engine, scope, path, name=name, currency=currency, force=force)
                return
            if path.exists() and not force:
                _fail(f"{path} exists; pass --force to overwrite it")
            text = starter_text(engine, model or ["time-material"], name=name, currency=currency)
            import tomllib
            from decimal import Decimal

            from engagekit.projectfile import project_from_dict

            project_from_dict(
                tomllib.loads(text, parse_float=Decimal),
                engine.models,
                base_dir=path.resolve().parent,
                source=path,
                text=text,
            )
            _write(path, text)
            typer.echo(f"wrote {path}; try: engage validate {path}")

    @app.command()
    def validate(
        files: Annotated[
            list[Path],
            typer.Argument(help="Project files (TOML).", metavar="FILE...", show_default=False),
        ],
        json_: JsonOpt = False,
    ) -> None:
        """Check project files: syntax, keys, types, every component's settings, and every data
        file they name, as bill, estimate, staff and measure would. Exit 1 if any fails."""
        from engagekit.validation import report_lines, validate_files

        with _errors(state):
            docs = validate_files(engine, files)
        for text, err in report_lines(docs, json_):
            typer.echo(text, err=err)
        if not all(doc["ok"] for doc in docs):
            raise typer.Exit(1)
        warned = sum(len(doc["warnings"]) for doc in docs)
        if state.strict and warned:
            _fail(f"{warned} warning{'s' if warned > 1 else ''} (--strict)")

    def run(
        file: Path,
        compute: "Callable[[Project], Any]",
        *,
        doc: Callable[[Any], Any],
        show: Callable[[Any, Any], None],
        rows: Callable[[Any], str] | None = None,
        json_: bool,
        csv_: bool = False,
        output: Path | None,
    ) -> None:
        """Load, compute with a progress bar, then print JSON, CSV rows or a table.

        Warnings go to standard error, one line each (coloured on a terminal); with
        ``--strict`` they make the exit code 1.
        """
        from engagekit.output import dumps

        if json_ and csv_:
            _fail("--json and --csv exclude each other; choose one", 2)
        with _errors(state):
            project = load(file)
            with _progress(engine):
                result = compute(project)
            if json_:
                _emit(dumps(doc(result)), output)
            elif csv_ and rows is not None:
                _emit(rows(result), output)
            else:
                _render(lambda console: show(console, result), output)
        warnings = getattr(result, "warnings", ())
        _warn(warnings)
        if state.strict and warnings:
            _fail(f"{len(warnings)} warning{'s' if len(warnings) > 1 else ''} (--strict)")

    def period_of(text: str | None) -> "Period | None":
        from engagekit.period import Period

        with _errors(state):
            return Period.parse(text) if text is not None else None

    @app.command()
    def estimate(
        file: FileArg,
        json_: JsonOpt = False,
        csv_: CsvOpt = False,
        output: OutOpt = None,
        seed: SeedOpt = None,
        trials: TrialsOpt = None,
        workers: WorkersOpt = 1,
    ) -> None:
        """Estimate effort, cost, price and margin per component and for the project."""
        from engagekit import output as out
        from engagekit import tables

        run(
            file,
            lambda project: engine.estimate(project, seed=seed, trials=trials, workers=workers),
            doc=out.estimate_doc,
            rows=tables.estimate_csv,
            show=tables.print_estimate,
            json_=json_,
            csv_=csv_,
            output=output,
        )

    @app.command()
    def bill(
        file: FileArg,
        period: PeriodOpt,
        json_: JsonOpt = False,
        csv_: CsvOpt = False,
        output: OutOpt = None,
    ) -> None:
        """Bill a period: one invoice per currency, lines per component, adjustments, total."""
        from engagekit import output as out
        from engagekit import tables

        p = period_of(period)
        assert p is not None  # --period is required, and parse refuses ""
        billed: list[Any] = []

        def compute(project: "Project") -> Any:
            billed.append((project, engine.bill(project, p)))
            return billed[-1][1]

        run(
            file,
            compute,
            doc=out.bill_doc,
            rows=tables.bill_csv,
            show=tables.print_bill,
            json_=json_,
            csv_=csv_,
            output=output,
        )
        from engagekit.ledger.commands import issued_notes

        with _errors(state):
            from engagekit.terminal import printable

            for note in issued_notes(engine, file, *billed[0]) if billed else ():
                typer.echo(printable(note), err=True)

    @app.command()
    def staff(
        file: FileArg, json_: JsonOpt = False, csv_: CsvOpt = False, output: OutOpt = None
    ) -> None:
        """Plan people across components; over-allocation is flagged."""
        from engagekit import output as out
        from engagekit import tables

        run(
            file,
            engine.staff,
            doc=out.staff_doc,
            rows=tables.staff_csv,
            show=tables.print_staff,
            json_=json_,
            csv_=csv_,
            output=output,
        )

    @app.command()
    def measure(
        file: FileArg,
        period: Annotated[
            str | None, typer.Option("--period", "-p", help="Period to measure; default: to date.")
        ] = None,
        json_: JsonOpt = False,
        csv_: CsvOpt = False,
        output: OutOpt = None,
    ) -> None:
        """Measure delivery, burn and service levels per component."""
        from engagekit import output as out
        from engagekit import tables

        p = period_of(period)
        run(
            file,
            lambda project: engine.measure(project, p),
            doc=out.measure_doc,
            rows=tables.measure_csv,
            show=tables.print_measure,
            json_=json_,
            csv_=csv_,
            output=output,
        )

    @app.command()
    def report(
        file: FileArg,
        output: Annotated[
            Path, typer.Option("--output", "-o", help="The HTML file to write (atomically).")
        ] = Path("report.html"),
        seed: SeedOpt = None,
        trials: TrialsOpt = None,
    ) -> None:
        """Write one self-contained HTML report: estimate, billing forecast, staffing, SLAs."""
        from engagekit.report import render_report

        with _errors(state):
            project = load(file)
            with _progress(engine):
                html = render_report(engine, project, seed=seed, trials=trials)
            _write(output, html)
            typer.echo(f"wrote {output}")

    plugin_app = typer.Typer(
        name="plugin", help="Tools for plugin authors.", no_args_is_help=True, add_completion=False
    )

    @plugin_app.command("new")
    def plugin_new(
        name: Annotated[
            str, typer.Argument(help="The model's name: lower-case, words joined by -.")
        ],
        directory: Annotated[
            Path, typer.Option("--dir", help="Where to write the package's folder.")
        ] = Path("."),
    ) -> None:
        """Write a working model plugin package engagekit-NAME: pyproject with the entry point,
        a model answering every hook, settings, an example project, contract tests."""
        from engagekit.scaffold import new_plugin

        with _errors(state):
            root = new_plugin(name, directory)
            typer.echo(f"wrote {root}; try: pip install -e '{root}[test]' && pytest {root}")

    app.add_typer(plugin_app)

    if part("compare"):
        from engagekit.compare.command import add_compare

        add_compare(app, engine, state)

    if part("ledger"):
        from engagekit.exports.command import add_export_command
        from engagekit.ledger.commands import add_ledger_commands

        groups = add_ledger_commands(app, engine, lambda: _errors(state))
        add_export_command(groups["invoices"], engine, lambda: _errors(state))

    if part("portfolio"):
        from engagekit.portfolio.commands import add_portfolio_commands

        add_portfolio_commands(app, engine, state)  # --all on the project commands; status

    for info in app.registered_commands:
        name = info.name or (info.callback.__name__ if info.callback else "")
        if name in EXAMPLES and not info.epilog:
            # \b keeps click from re-wrapping the example lines into one paragraph
            info.epilog = "\b\nExamples:\n" + "\n".join(f"  {e}" for e in EXAMPLES[name])

    # One plugin at a time, so that a broken one is named and the others' commands still come.
    for impl in engine.pm.hook.register_commands.get_hookimpls():
        args = {"app": app, "engine": engine}
        before = len(app.registered_commands)
        try:
            from engagekit.guard import capture_stdout

            with capture_stdout(engine.printed, impl.plugin_name):
                impl.function(**{name: args[name] for name in impl.argnames})
            for info in app.registered_commands[before:]:
                if info.callback is not None:
                    info.callback = _guarded(info.callback, state, impl.plugin_name)
        except (Exception, SystemExit, KeyboardInterrupt) as exc:  # never take the CLI down
            from engagekit.terminal import printable

            typer.echo(
                printable(
                    f"warning: plugin {impl.plugin_name!r} failed to add its commands: "
                    f"{type(exc).__name__}: {exc}"
                ),
                err=True,
            )
    return app


def _warn(warnings: Sequence[str]) -> None:
    """Each warning on one line of standard error, yellow on a terminal."""
    if not warnings:
        return
    from engagekit.terminal import warning_line

    for w in warnings:
        typer.secho(warning_line(w), fg="yellow", err=True)


def _print_error(exc: BaseException) -> None:
    from engagekit.terminal import printable

    typer.echo(f"error: {printable(str(exc))}", err=True)


#: The root options that take a value (``--max-errors N``), and those that take none.
_ROOT_VALUED = ("--max-errors",)
_ROOT_FLAGS = ("--debug", "--strict", "--version")


def _invoked(args: Sequence[str]) -> str | None:
    """The command (or group) that ``args`` invoke: ``""`` for ``--version`` with root options
    only (it prints and exits before a command is looked for); None when it cannot tell
    (``--help``, no command, a root option this does not know, shell completion)."""
    if "_ENGAGE_COMPLETE" in os.environ:
        return None
    i = 0
    while i < len(args):
        if args[i] in _ROOT_FLAGS or args[i].startswith(tuple(f"{o}=" for o in _ROOT_VALUED)):
            i += 1
        elif args[i] in _ROOT_VALUED:
            i += 2
        else:
            break
    if i >= len(args) and "--version" in args[:i]:
        return ""
    if i >= len(args) or args[i].startswith("-"):
        return None
    return args[i]


def _only_invoked(app: typer.Typer, args: Sequence[str]) -> None:
    """Keep only the command (or group) that ``args`` invokes (``_invoked``): typer turns
    every registered function into a click command before parsing (their signatures and
    annotations read), and a command's run, its help and its errors need none of its
    siblings. Anything else (``--help``, an unknown name, a root option this does not know,
    shell completion) keeps all of them."""
    name = _invoked(args)
    if name is None:
        return
    if name == "":
        app.registered_commands.clear()
        app.registered_groups.clear()
        return
    from typer.main import get_command_name

    commands = [
        c
        for c in app.registered_commands
        if (c.name or get_command_name(c.callback.__name__ if c.callback else "")) == name
    ]
    groups = [
        g
        for g in app.registered_groups
        if (g.name or (g.typer_instance.info.name if g.typer_instance else None)) == name
    ]
    if commands or groups:
        app.registered_commands[:] = commands
        app.registered_groups[:] = groups


def main(argv: list[str] | None = None, engine: Engine | None = None) -> None:
    """Entry point of the ``engage`` console script; ``engine``: one the launcher made already
    (``engagekit.validation.run``), else one is made here."""
    os.environ.setdefault(*ALLOCATOR_ENV)
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        engine = engine or create_engine()
    except EngageError as exc:  # strict mode
        if debug:
            raise
        _print_error(exc)
        raise SystemExit(1) from None
    for problem in engine.problems:
        from engagekit.terminal import printable

        typer.echo(f"warning: {printable(str(problem))}", err=True)
    _warn(engine.take_printed())
    args = argv if argv is not None else sys.argv[1:]
    app = build_app(engine, _invoked(args))
    _only_invoked(app, args)
    try:
        app(args=argv, prog_name="engage")
    except BrokenPipeError:
        # ``engage bill ... | head``: the reader has gone; end quietly, and keep Python from
        # complaining when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(0) from None
    except EngageError as exc:  # raised by a plugin's command outside the guard (a group)
        if debug:
            raise
        _print_error(exc)
        raise SystemExit(1) from None
