"""Small fixed-price projects for the tests, written as TOML files with tomli-w."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w

import engagekit

START = date(2026, 3, 2)  # a Monday
END = date(2026, 6, 30)


def settings(**overrides: Any) -> dict[str, Any]:
    """Two phases of single-figure items (under 300 hours, no new technology)."""
    base: dict[str, Any] = {
        "margin": Decimal(0),
        "phases": [
            {"name": "a", "items": [{"role": "developer", "hours": 100}]},
            {"name": "b", "items": [{"role": "developer", "hours": 40}]},
        ],
        "team": [{"role": "developer", "person": "Dev", "fte": 1}],
        "cost_rates": {"developer": Decimal(100)},
    }
    base.update(copy.deepcopy(overrides))
    return base


def project(
    component: dict[str, Any] | None = None,
    *,
    currency: str = "EUR",
    calendar: dict[str, Any] | None = None,
    start: date = START,
    end: date = END,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "project": {"name": "Test", "currency": currency},
        "calendar": calendar or {"timezone": "UTC", "hours": "8x5"},
        "components": [
            {
                "name": "fp",
                "model": "fixed-price",
                "start": start,
                "end": end,
                "settings": component if component is not None else settings(),
            }
        ],
    }
    if extra:
        doc.update(extra)
    return doc


def write(folder: Path, doc: dict[str, Any], name: str = "project.toml") -> Path:
    path = folder / name
    path.write_text(tomli_w.dumps(doc))
    return path


def write_csv(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text)
    return name


def load(folder: Path, doc: dict[str, Any]) -> tuple[engagekit.Engine, engagekit.Project]:
    engine = engagekit.create_engine(strict=True, disable=())
    return engine, engine.load_project(write(folder, doc))


Factory = Callable[..., tuple[engagekit.Engine, engagekit.Project]]
