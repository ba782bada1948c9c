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
    """``{"file", "ok", ...}``: the project and its warnings, or the first error."""
    doc: dict[str, Any] = {"file": str(path)}
    try:
        project = engine.load_project(path)
        warnings = engine.validate(project)
    except EngageError as err:
        return {**doc, "ok": False, "error": error_doc(err)}
    return {
        **doc,
        "ok": True,
        "project": project.name,
        "components": [{"name": c.name, "model": c.model} for c in project.components],
        "warnings": warnings,
    }


def validate_files(engine: Engine, paths: Iterable[Path]) -> list[dict[str, Any]]:
    return [validate_file(engine, Path(p)) for p in paths]
