"""Helpers of the sla tests: projects built in a temporary folder, run through the engine."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import engagekit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "sla.toml"
# beside the checkout (/work/main -> /work/shared), or a worktree's (/work/wt/NAME -> /work/shared)
SHARED = next(
    (
        p / "shared" / "data"
        for p in Path(__file__).resolve().parents[3:]
        if (p / "shared").is_dir()
    ),
    Path(__file__).resolve().parents[3] / "shared" / "data",
)
SERVICENOW = SHARED / "servicenow-incident-event-log.csv"

PRIORITIES = """
[[components.settings.priorities]]
name = "P1"
response_minutes = 30
resolution_hours = 4
[[components.settings.priorities]]
name = "P2"
response_minutes = 60
resolution_hours = 8
[[components.settings.priorities]]
name = "P3"
response_minutes = 240
resolution_hours = 24
[[components.settings.priorities]]
name = "P4"
resolution_hours = 80
"""


@pytest.fixture
def engine() -> engagekit.Engine:
    return engagekit.create_engine(strict=True, disable=())


@pytest.fixture
def project_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a project with one sla component: ``project_file(settings_toml, files={...})``."""

    def make(
        settings: str = "",
        files: dict[str, str] | None = None,
        *,
        priorities: str = PRIORITIES,
        start: str = "2026-01-01",
        end: str = "2026-12-31",
        head: str = "",
    ) -> Path:
        for name, text in (files or {}).items():
            (tmp_path / name).write_text(textwrap.dedent(text).lstrip())
        text = (
            textwrap.dedent(f"""
            [project]
            name = "t"
            currency = "EUR"
            {textwrap.dedent(head)}
            [[components]]
            name = "svc"
            model = "sla"
            start = {start}
            end = {end}
            [components.settings]
            """)
            + textwrap.dedent(settings)
            + textwrap.dedent(priorities)
        )
        path = tmp_path / "project.toml"
        path.write_text(text)
        return path

    return make


@pytest.fixture
def run_cli() -> Callable[..., Any]:
    from typer.testing import CliRunner

    from engagekit.cli import build_app

    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(build_app(engagekit.create_engine()), [str(a) for a in args])

    return run
