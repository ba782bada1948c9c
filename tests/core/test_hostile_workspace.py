"""Every ``--csv``, every CSV export and the human output of every command, on the bundled
workspace (every model, the portfolio, the ledger) with hostile names: no cell a spreadsheet
would run, in either dialect; no control sequence reaching the terminal (issue 17).

Beside ``tests/badinput/test_output_safety.py``, which checks the two helpers and one fake
model; here the real commands, which are too slow for the corpus's 60 s budget.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import engagekit
from engagekit.cli import build_app

from ..badinput.test_output_safety import assert_inert

# -- every --csv and every export, on the bundled workspace with hostile names ----------------

# In TOML basic-string escapes: a CR and a LF that start new rows, the separators of both
# dialects and a tab before formula characters, and control sequences a terminal would obey
# (clear screen, set the window title, C1 CSI, a right-to-left override).
HOSTILE = (
    r"X\r=HYPERLINK(\"http://e\");@SUM(1)\n+1,-2\t=3 "
    r"\u001b[2J\u001b]0;owned\u0007\u009b\u202e"
)
RAW_CONTROLS = ("\x1b[2J", "\x1b]", "\x07", "\x9b", "\u202e", "\r=")


@pytest.fixture(scope="module")
def hostile_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples (a workspace of every model) with the payload in front of every project's
    name and of its first component's name; its ledger holds March's invoices and a credit
    note whose reason carries the payload too."""
    import shutil

    from ..conftest import EXAMPLES

    root = tmp_path_factory.mktemp("hostile") / "ws"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".engage"))
    for path in root.glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        for table in ("[project]", "[[components]]"):
            text = text.replace(f'{table}\nname = "', f'{table}\nname = "{HOSTILE}', 1)
        path.write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ENGAGEKIT_DATABASE_URL", raising=False)
        mp.chdir(root)
        issued = in_workspace("issue", "--all", "--period", "2026-03", "--date", "2026-03-31")
        assert issued.exit_code == 0, issued.output
        credit = in_workspace(
            "credit", "INV-2026-00001", "--reason", "cancelled\r=1\x1b[2J", "--date", "2026-04-01"
        )
        assert credit.exit_code == 0, credit.output
    return root


def in_workspace(*args: str) -> Any:
    # color=True: click strips CSI sequences when the output is no terminal, which would hide
    # the very escapes a terminal receives.
    return CliRunner().invoke(build_app(engagekit.create_engine()), list(args), color=True)


def workspace_run(root: Path, *args: str) -> Any:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ENGAGEKIT_DATABASE_URL", raising=False)
        mp.chdir(root)
        return in_workspace(*args)


CSV_COMMANDS = [
    ("estimate", "--all", "--trials", "200", "--csv"),
    ("bill", "--all", "-p", "2026-03", "--csv"),
    ("measure", "--all", "-p", "2026-03", "--csv"),
    ("staff", "--all", "--csv"),
    ("bill", "hybrid.toml", "-p", "2026-03", "--csv"),
    ("measure", "sla.toml", "-p", "2026-03", "--csv"),
    ("invoices", "list", "--csv"),
    ("ledger", "export", "--format", "csv"),
]


@pytest.mark.parametrize("args", CSV_COMMANDS, ids=" ".join)
def test_every_csv_and_export_is_inert_in_either_dialect(
    hostile_workspace: Path, args: tuple[str, ...]
) -> None:
    result = workspace_run(hostile_workspace, *args)
    assert result.exit_code == 0, result.output
    assert "HYPERLINK" in result.stdout  # the payload is there, neutralised
    for row in csv.reader(io.StringIO(result.stdout)):
        for cell in row:
            assert_inert(cell)
    # However a spreadsheet splits it (at ';' in many locales, at a line break inside quotes
    # when an importer ignores quoting): no piece is a formula; only a number has a sign.
    for piece in re.split(r"[\r\n,;\t]", result.stdout):
        piece = piece.lstrip('"')
        if piece[:1] in tuple("=+-@"):
            assert re.fullmatch(r"[-+]\d+(\.\d+)?\"?", piece), (piece, args)


def test_no_csv_is_written_but_through_csv_text() -> None:
    # `--csv` and every CSV export: one writer, which makes each cell safe. csvfile re-encodes
    # rows it has read (for polars), which is no output.
    # The sources of this checkout, not the installed package (nox installs a wheel).
    repo = Path(__file__).resolve().parents[2]
    writers = []
    for path in [*repo.glob("core/engagekit/**/*.py"), *repo.glob("plugins/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"\bcsv\.(writer|DictWriter)\b|\bfrom csv import\b", text):
            writers.append(f"{path.relative_to(repo)}:{text.count(chr(10), 0, m.start()) + 1}")
    assert sorted(w.rsplit(":", 1)[0] for w in writers) == [
        "core/engagekit/csvfile.py",
        "core/engagekit/output.py",
    ], writers


HUMAN_COMMANDS = [
    ("validate", "hybrid.toml"),
    ("estimate", "--all", "--trials", "200"),
    ("bill", "--all", "-p", "2026-03"),
    ("measure", "--all", "-p", "2026-03"),
    ("staff", "--all"),
    ("status", "-p", "2026-03"),
    ("bill", "hybrid.toml", "-p", "2026-03"),
    ("invoices", "list"),
    ("invoices", "show", "INV-2026-00001"),
    ("invoices", "show", "CN-2026-00001"),
    ("issue", "--all", "--period", "2026-04", "--dry-run"),
]


@pytest.mark.parametrize("args", HUMAN_COMMANDS, ids=" ".join)
def test_human_output_of_every_command_escapes_control_characters(
    hostile_workspace: Path, args: tuple[str, ...]
) -> None:
    result = workspace_run(hostile_workspace, *args)
    assert result.exit_code == 0, result.output
    raw = [c for c in RAW_CONTROLS if c in result.output]
    assert not raw, result.output
