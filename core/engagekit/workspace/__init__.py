"""Workspaces: a folder with an ``engage.toml`` (the firm, its clients, invoice number series,
the database, the projects' globs, exchange rates). Found by walking up from a project file.

``open_workspace(path)`` is the public face; ``Workspace`` the typed result. Names are imported
on first use: finding a workspace (``engagekit.workspace.find``) needs none of the model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "WORKSPACE_FILE",
    "Client",
    "Firm",
    "FxRate",
    "Series",
    "Workspace",
    "find_workspace",
    "load_workspace",
    "open_workspace",
]

_LAZY = {
    "WORKSPACE_FILE": "engagekit.workspace.find",
    "find_workspace": "engagekit.workspace.find",
    "load_workspace": "engagekit.workspace.load",
    "open_workspace": "engagekit.workspace.load",
    "Client": "engagekit.workspace.model",
    "Firm": "engagekit.workspace.model",
    "FxRate": "engagekit.workspace.model",
    "Series": "engagekit.workspace.model",
    "Workspace": "engagekit.workspace.model",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'engagekit.workspace' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


if TYPE_CHECKING:
    from engagekit.workspace.find import WORKSPACE_FILE, find_workspace
    from engagekit.workspace.load import load_workspace, open_workspace
    from engagekit.workspace.model import Client, Firm, FxRate, Series, Workspace
