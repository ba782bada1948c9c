"""Whether a ledger is there yet, without importing the store (``engage bill`` asks)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ledger_exists"]


def ledger_exists(url: str) -> bool:
    """Whether the SQLite file of ``url`` exists; other databases are assumed to."""
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).is_file()
    return True
