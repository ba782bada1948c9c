"""Fixtures of the dedicated-team tests: a fresh engine and projects built from dicts."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import engagekit

DE_CALENDAR = {"timezone": "Europe/Berlin", "country": "DE", "hours": "8x5"}


@pytest.fixture
def engine() -> engagekit.Engine:
    return engagekit.create_engine(strict=True, disable=())


def project_dict(
    settings: dict[str, Any],
    *,
    start: str = "2026-03-01",
    end: str = "2027-02-28",
    name: str = "Team",
    calendar: dict[str, Any] | None = None,
    more: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    return {
        "project": {"name": "p", "currency": "EUR"},
        "calendar": calendar or DE_CALENDAR,
        "components": [
            {
                "name": name,
                "model": "dedicated-team",
                "start": start,
                "end": end,
                "settings": settings,
            },
            *more,
        ],
    }


@pytest.fixture
def build(engine: engagekit.Engine, tmp_path: Path) -> Callable[..., engagekit.Project]:
    """``build(settings, **kw)``: a project with one dedicated-team component (files in tmp)."""

    def make(settings: dict[str, Any], **kw: Any) -> engagekit.Project:
        return engine.project_from_dict(project_dict(settings, **kw), base_dir=tmp_path)

    return make


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def position(role: str = "developer", headcount: int = 1, **kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"role": role, "headcount": headcount}
    out.update(kw)
    return out
