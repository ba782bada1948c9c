"""The ledger's Python examples in the docs run as written, on a copy of the examples."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT


def python_blocks(page: str, after: str) -> list[str]:
    text = (ROOT / "docs" / page).read_text()
    return re.findall(r"```python\n(.*?)```", text[text.index(after) :], flags=re.S)


@pytest.mark.parametrize(
    ("page", "section"), [("embedding.md", "## Issuing invoices"), ("ledger.md", "## From Python")]
)
def test_python_examples_run(
    page: str, section: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "examples", ignore=shutil.ignore_patterns(".engage"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ENGAGEKIT_DATABASE_URL", raising=False)
    block = python_blocks(page, section)[0]
    exec(compile(block, f"docs/{page}", "exec"), {})
    out = capsys.readouterr().out
    assert "INV-2026-00001" in out
    assert (tmp_path / "examples" / ".engage" / "engagekit.db").exists()


def test_readme_names_the_ledger_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    for command in ("engage issue --all", "engage invoices list", "engage ledger verify"):
        assert command in readme
