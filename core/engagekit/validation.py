"""``engage validate``: read each project file, then have every component's model check it
against the project and its data files (``check_component``), as bill, estimate, staff and
measure would. One result per file, for the terminal or as JSON."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engagekit.errors import EngageError, InputError, InputErrors, PluginError

if TYPE_CHECKING:
    from engagekit.engine import Engine

__all__ = ["error_doc", "report_lines", "run", "summary", "validate_files"]


def error_doc(err: EngageError) -> dict[str, Any]:
    """An error as the JSON of ``engage validate --json``: its text and where it is."""
    if isinstance(err, InputErrors):
        return {"message": str(err), "errors": [error_doc(e) for e in err.errors]}
    if not isinstance(err, InputError):
        plugin = err.plugin if isinstance(err, PluginError) else None
        return {"message": str(err), "plugin": plugin}
    return {
        "message": str(err),
        "project": err.project,
        "component": err.component,
        "model": err.model,
        "where": err.where,
        "line": err.line,
        "row": err.row,
        "field": err.field,
        "hint": err.hint,
    }


def validate_file(engine: Engine, path: Path) -> dict[str, Any]:
    """``{"file", "ok", ...}``: the project and its warnings, or the first error.

    A workspace's ``engage.toml`` and a scope file (``[scope]`` and ``[[items]]``, for
    ``engage compare``) are checked as what they are, so ``engage validate examples/*.toml``
    covers a whole workspace folder."""
    doc: dict[str, Any] = {"file": str(path)}
    try:
        kind = _kind(path)
        if kind == "workspace":
            from engagekit.workspace import open_workspace

            ws = open_workspace(path)
            return {**doc, "ok": True, "kind": kind, "firm": ws.firm.name,
                    "clients": sorted(ws.clients), "projects": len(ws.project_files()),
                    "warnings": []}  # fmt: skip
        if kind == "scope":
            from engagekit.compare import load_scope

            scope, project = load_scope(path, engine.models)
            return {**doc, "ok": True, "kind": kind, "scope": scope.name,
                    "project": project.name, "items": len(scope.items), "warnings": []}  # fmt: skip
        project = engine.load_project(path)
        warnings = engine.validate(project)
    except EngageError as err:
        return {**doc, "ok": False, "error": error_doc(err)}
    return {
        **doc,
        "ok": True,
        "kind": "project",
        "project": project.name,
        "components": [{"name": c.name, "model": c.model} for c in project.components],
        "warnings": warnings,
    }


def _kind(path: Path) -> str:
    from engagekit.projectfile import parse_text
    from engagekit.workspace.find import WORKSPACE_FILE

    if path.name == WORKSPACE_FILE:
        return "workspace"
    try:
        # the parse that loading the project then finds in the cache
        data = parse_text(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):  # TOMLDecodeError too
        return "project"  # the project loader names what is wrong, and where
    return "scope" if "scope" in data and "items" in data else "project"


def validate_files(engine: Engine, paths: Iterable[Path]) -> list[dict[str, Any]]:
    return [validate_file(engine, Path(p)) for p in paths]


def summary(doc: dict[str, Any]) -> str:
    """What ``engage validate`` found valid, in a few words."""
    if doc["kind"] == "workspace":
        return (
            f"workspace of {doc['firm']}, {len(doc['clients'])} clients, {doc['projects']} projects"
        )
    if doc["kind"] == "scope":
        return f"scope {doc['scope']}, {doc['items']} items, priced with {doc['project']}"
    parts = ", ".join(f"{c['name']} [{c['model']}]" for c in doc["components"])
    n = len(doc["components"])
    return f"{doc['project']}, {n} component{'' if n == 1 else 's'}: {parts}"


def report_lines(docs: list[dict[str, Any]], as_json: bool) -> Iterator[tuple[str, bool]]:
    """The lines ``engage validate`` prints for ``docs``: (text, whether to standard error)."""
    if as_json:
        import json

        yield json.dumps(docs, indent=2, ensure_ascii=False, default=str), False
        return
    from engagekit.terminal import printable

    for doc in docs:
        if not doc["ok"]:
            yield printable(f"error: {doc['error']['message']}"), True
            continue
        yield printable(f"{doc['file']}: ok ({summary(doc)})"), False
        for warning in doc["warnings"]:
            yield printable(f"warning: {doc['file']}: {warning}"), True


def run(args: Sequence[str]) -> tuple[int | None, Engine | None]:
    """``engage validate ARGS`` without loading the CLI, as the launcher (``engagekit.launch``)
    first tries it: the command's exit code, or None and the engine made meanwhile (if any),
    for the CLI to run the command with, which then does everything as if this had not been
    tried.

    typer, click and the app with its every command are about a third of the command's time on
    the hybrid example, and the plain form ``engage validate FILE... [--json]`` needs none of
    them. Anything else is the CLI's: another option (``--help``, ``--``, a root option before
    ``validate``), no file, shell completion, a plugin that adds commands (it may add a
    ``validate`` of its own), a plugin that fails to load in strict mode, and any error that is
    not a file's own (``validate_files`` reports those per file; what it raises is the CLI's
    to word). Nothing is printed before the run is over, so the CLI starts from a clean slate;
    the output, line for line and stream for stream, is the command's (``report_lines``, the
    warnings as ``engagekit.cli`` prints them)."""
    files = [a for a in args if a != "--json"]
    if not files or any(not a or a.startswith("-") for a in files):
        return None, None
    if "_ENGAGE_COMPLETE" in os.environ:
        return None, None
    from engagekit import codecache

    codecache.install_attrs()  # as engagekit.cli does on import: attrs' methods from the cache
    from engagekit.engine import ALLOCATOR_ENV, create_engine

    os.environ.setdefault(*ALLOCATOR_ENV)
    try:
        engine = create_engine()
    except EngageError:
        return None, None
    if engine.pm.hook.register_commands.get_hookimpls():
        return None, engine
    printed = len(engine.printed)
    try:
        docs = validate_files(engine, [Path(f) for f in files])
    except KeyboardInterrupt:
        return _write(engine, [("error: interrupted", True, False)], 130), None
    except Exception:
        del engine.printed[printed:]  # the command's run prints its own
        return None, engine
    lines = [(text, err, False) for text, err in report_lines(docs, "--json" in args)]
    return _write(engine, lines, 0 if all(doc["ok"] for doc in docs) else 1), None


def _write(engine: Engine, lines: list[tuple[str, bool, bool]], code: int) -> int:
    """Print ``lines`` (text, to standard error, yellow) after what the CLI prints first (the
    plugins' problems, what they printed: yellow), as ``click.echo`` would; ``code``, or 0 when
    the reader of the output has gone (as ``engagekit.cli.main``)."""
    import sys

    from engagekit.terminal import printable, warning_line

    first = [(f"warning: {printable(str(p))}", True, False) for p in engine.problems]
    first += [(warning_line(w), True, True) for w in engine.take_printed()]
    try:
        for text, err, yellow in [*first, *lines]:
            stream = sys.stderr if err else sys.stdout
            if yellow and stream.isatty():
                text = f"\x1b[33m{text}\x1b[0m"
            stream.write(text + "\n")
            stream.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return code
