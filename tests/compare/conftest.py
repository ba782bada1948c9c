from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

PROJECT = """\
[project]
name = "Rates"
currency = "EUR"

[calendar]
timezone = "UTC"
hours = "8x5"

[rate_card]
rates = [
  { role = "Developer", bill = 100, cost = 60 },
  { role = "Lead", bill = 150, cost = 90 },
]

[[components]]
name = "unused"
model = "time-material"
start = 2026-01-01
end = 2026-01-31
"""


@pytest.fixture
def write_scope(tmp_path: Path) -> Callable[[str], Path]:
    """Write ``rates.toml`` and a scope file with ``body`` after its ``[scope]`` table."""
    (tmp_path / "rates.toml").write_text(PROJECT, encoding="utf-8")

    def write(body: str, name: str = "scope.toml") -> Path:
        path = tmp_path / name
        path.write_text('[scope]\nname = "Test"\nproject = "rates.toml"\n' + body, encoding="utf-8")
        return path

    return write
