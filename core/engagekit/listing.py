"""The documents of `engage models --json` and `engage plugins --json`.

Kept apart from ``engagekit.output`` so that listing plugins imports nothing but the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engagekit.engine import Engine

__all__ = ["columns", "models_doc", "plugins_doc"]


def models_doc(engine: Engine) -> list[dict[str, Any]]:
    return [
        {"name": m.name, "summary": m.summary, "plugin": m.plugin, "version": m.version}
        for m in sorted(engine.models.values(), key=lambda m: m.name)
    ]


def plugins_doc(engine: Engine) -> list[dict[str, Any]]:
    return [
        {
            "name": p.name,
            "distribution": p.distribution,
            "version": p.version,
            "status": p.status,
            "error": p.error,
            "hooks": list(p.hooks),
            "models": list(p.models),
            "deprecations": list(p.deprecations),
        }
        for p in engine.plugins
    ]


def columns(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Plain aligned columns, one row per line: what the listings print into a pipe, where
    box drawing gets in the way of grep and cut (and rich's import of a start-up)."""
    table = [list(header), *[list(r) for r in rows]]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    return "".join(
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() + "\n"
        for r in table
    )
