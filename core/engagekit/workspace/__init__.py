"""Workspaces: a folder with an ``engage.toml`` (the firm, its clients, invoice number series,
the database, the projects' globs, exchange rates). Found by walking up from a project file.

``open_workspace(path)`` is the public face; ``Workspace`` the typed result.
"""

from engagekit.workspace.load import find_workspace, load_workspace, open_workspace
from engagekit.workspace.model import (
    WORKSPACE_FILE,
    Client,
    Firm,
    FxRate,
    Series,
    Workspace,
)

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
