"""Finding a workspace: the folder with ``engage.toml`` at or above a path. Kept apart from the
loader so that a project's load (which asks whether it sits in a workspace) does not import
the workspace's model and the ledger's record classes it builds on."""

from __future__ import annotations

from pathlib import Path

__all__ = ["WORKSPACE_FILE", "find_workspace"]

WORKSPACE_FILE = "engage.toml"


def find_workspace(start: str | Path) -> Path | None:
    """The folder holding ``engage.toml`` at or above ``start`` (a file or folder), or None."""
    here = Path(start).resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / WORKSPACE_FILE).is_file():
            return folder
    return None
