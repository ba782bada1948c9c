"""``engage validate``: read each project file, then have every component's model check it
against the project and its data files (``check_component``), as bill, estimate, staff and
measure would. One result per file, for the terminal or as JSON."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engagekit.errors import EngageError, InputError, InputErrors, PluginError

if TYPE_CHECKING:
    from engagekit.engine import Engine

__all__ = ["error_doc", "validate_files"]


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
