"""Helpers of the time-material tests: projects written to a temporary folder, the CLI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from typer.testing import CliRunner

import engagekit
from engagekit.cli import build_app

DATA = Path(__file__).parent / "data"

RATES = [
    {"role": "developer", "bill": Decimal(95), "cost": Decimal(55)},
    {
        "role": "developer",
        "bill": Decimal(100),
        "cost": Decimal(58),
        "valid_from": date(2026, 3, 4),
    },
    {"role": "lead", "bill": Decimal(120), "cost": Decimal(70)},
    {"role": "qa", "bill": Decimal(80), "cost": Decimal(50)},
]


def project_data(
    settings: dict[str, Any],
    *,
    start: date = date(2026, 1, 1),
    end: date = date(2026, 6, 30),
    rates: list[dict[str, Any]] | None = None,
    rate_card: dict[str, Any] | None = None,
    calendar: dict[str, Any] | None = None,
    currency: str = "EUR",
) -> dict[str, Any]:
    card = {
        "overtime": Decimal("1.5"),
        "weekend": Decimal("1.25"),
        "holiday": Decimal(2),
        "rates": RATES if rates is None else rates,
    }
    if rate_card:
        card.update(rate_card)
    return {
        "project": {"name": "T&M test", "currency": currency},
        "calendar": calendar or {"timezone": "Europe/Berlin", "country": "DE"},
        "rate_card": card,
        "components": [
            {
                "name": "Build",
                "model": "time-material",
                "start": start,
                "end": end,
                "settings": settings,
            }
        ],
    }


@pytest.fixture
def engine() -> engagekit.Engine:
    return engagekit.create_engine()


@pytest.fixture
def write_project(tmp_path: Path) -> Callable[..., Path]:
    """Write data files and a project file into a temporary folder; return the project path.

    ``write_project(settings, files={"t.csv": "..."}, **project_data_kwargs)``.
    """

    def write(settings: dict[str, Any], files: dict[str, str] | None = None, **kw: Any) -> Path:
        for name, text in (files or {}).items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        path = tmp_path / "project.toml"
        path.write_text(tomli_w.dumps(project_data(settings, **kw)), encoding="utf-8")
        return path

    return write


@pytest.fixture
def load(engine: engagekit.Engine, write_project: Callable[..., Path]) -> Callable[..., Any]:
    """``load(settings, files=..., **kw)`` -> (engine, project, component)."""

    def run(settings: dict[str, Any], files: dict[str, str] | None = None, **kw: Any) -> Any:
        project = engine.load_project(write_project(settings, files, **kw))
        return engine, project, project.components[0]

    return run


@pytest.fixture
def cli() -> Callable[..., Any]:
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(build_app(engagekit.create_engine()), [str(a) for a in args])

    return run


def bill(engine: engagekit.Engine, project: engagekit.Project, period: str) -> Any:
    return engine.bill_component(project, project.components[0], engagekit.Period.parse(period))


def amounts(result: Any, kind: str | None = None) -> Decimal:
    return sum(
        (line.amount.amount for line in result.lines if kind is None or line.kind == kind),
        Decimal(0),
    )
