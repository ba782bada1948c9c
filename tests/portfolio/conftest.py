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


TM_PROJECT = """\
[project]
name = "{name}"
currency = "EUR"

[rate_card]
rates = [{{ role = "developer", bill = 100, cost = 60 }}]

[[components]]
name = "Build"
model = "time-material"
start = 2026-03-01
end = 2026-04-30

[components.settings]

[[components.settings.team]]
role = "developer"
person = "{person}"
fte = {fte}

[[components.settings.team]]
role = "developer"
fte = 1
"""

PEOPLE = """
[[people]]
id = "ada"
name = "Ada Byron"
roles = ["developer"]
seniority = "senior"
location = "onshore"
cost_rate = 70

[[people]]
id = "bob"
name = "Bob Stone"
roles = ["developer"]
fte = 0.5
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Callable[..., Path]:
    """A workspace of T&M projects: ``workspace({"a": ("ada", "0.6")}, people=PEOPLE)``."""

    def make(
        projects: dict[str, tuple[str, str]],
        *,
        people: str = PEOPLE,
        globs: str = '["projects/*.toml"]',
    ) -> Path:
        root = tmp_path / "ws"
        (root / "projects").mkdir(parents=True, exist_ok=True)
        (root / "engage.toml").write_text(
            f'projects = {globs}\n\n[firm]\nname = "Test Firm"\n' + people
        )
        for stem, (person, fte) in projects.items():
            (root / "projects" / f"{stem}.toml").write_text(
                TM_PROJECT.format(name=f"Project {stem}", person=person, fte=fte)
            )
        return root

    return make
