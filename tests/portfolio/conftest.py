from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.portfolio.crashing import project_text


@pytest.fixture
def crash_projects(tmp_path: Path) -> Callable[..., list[Path]]:
    """Write projects of the crash model: ``crash_projects(5, dying={2})``."""

    def make(n: int, dying: frozenset[int] | set[int] = frozenset()) -> list[Path]:
        files = []
        for i in range(n):
            f = tmp_path / f"p{i:02d}.toml"
            f.write_text(project_text(f"Project {i}", exit=i in dying, amount=100 + i))
            files.append(f)
        return files

    return make
