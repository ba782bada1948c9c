"""Injection through output: CSV cells a spreadsheet would run, and terminal control sequences.

Both are checked on the one helper each (``safe_cell``/``csv_text`` and ``terminal``) and
through the CLI on a project whose names carry the payloads.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import engagekit
from engagekit.cli import build_app
from engagekit.output import csv_text, safe_cell
from engagekit.terminal import console, printable

from ..hybrid._fakes import FakeModel, project_dict

FORMULA = "=+-@\t\r"
BREAKS = "\r\n,;\t"


def assert_inert(cell: str) -> None:
    """No cell a spreadsheet might start inside ``cell`` (at its start, or after a line break
    or the separator of any locale's dialect) begins with a formula character; only a whole
    number may start with a sign."""
    if cell[:1] in tuple(FORMULA):
        assert re.fullmatch(r"[-+]\d+(\.\d+)?", cell), cell
    for i, ch in enumerate(cell):
        assert not (ch in BREAKS and cell[i + 1 : i + 2] in tuple("=+-@")), cell


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("Ana\r=HYPERLINK(1)", "Ana\r'=HYPERLINK(1)"),
        ("Ana\n+1", "Ana\n'+1"),
        ("Ana;@SUM(A1)", "Ana;'@SUM(A1)"),
        ("Ana,-2+3", "Ana,'-2+3"),
        ("Ana\t=1", "Ana\t'=1"),
        ("Ana\r\t=1", "Ana\r'\t'=1"),
        ("\r=1", "'\r'=1"),
        ("-12.50", "-12.50"),
        ("-Infinity", "'-Infinity"),
        ("a, b; c", "a, b; c"),
    ],
)
def test_every_cell_start_is_neutralised(cell: str, safe: str) -> None:
    assert safe_cell(cell) == safe


@given(st.text(alphabet=st.sampled_from("=+-@\t\r\n,;ab1.' "), max_size=12))
def test_no_cell_start_of_any_dialect_is_a_formula(text: str) -> None:
    out = safe_cell(text)
    if out[:1] in tuple(FORMULA):  # kept only because the whole cell is a number
        assert Decimal(out).is_finite() and out == text
    for i, ch in enumerate(out):
        assert not (ch in BREAKS and out[i + 1 : i + 2] in tuple("=+-@")), out
    # Only quotes were added: taking out the ones safe_cell put in gives the text back.
    assert out.replace("'", "") == text.replace("'", "")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_text_read_with_any_delimiter_has_no_formula_cell(delimiter: str) -> None:
    payloads = ["x\r=cmd|'/C calc'!A0", "y;@SUM(1)", "z\t+1", "w\n-1+1", "v,=2"]
    text = csv_text(("name",), [(p,) for p in payloads], delimiter=delimiter)
    # However a spreadsheet splits it (any separator, quotes ignored), no cell is a formula.
    for cell in re.split(r"[\r\n,;\t]", text):
        assert cell.lstrip('"')[:1] not in tuple("=+-@"), (cell, text)


def write_hostile(tmp_path: Path) -> Path:
    doc = project_dict(
        [
            {
                "name": 'Build\r=HYPERLINK("http://x")',
                "settings": {
                    "monthly": Decimal("100.00"),
                    "description": "fee;@SUM(A1:A9)",
                    "role": "dev\t=1",
                    "person": "Ana\x1b[2J\x1b]0;owned\x07\u202e",
                },
            }
        ],
        name="[bold red]P[/] :smile: \x1b[31mred",
    )
    path = tmp_path / "hostile.toml"
    path.write_text(tomli_w.dumps(doc))
    return path


def run(*args: str) -> object:
    engine = engagekit.create_engine(plugins=[FakeModel()], entry_points=False, strict=True)
    return CliRunner().invoke(build_app(engine), list(args))


@pytest.mark.parametrize(
    "args", [("bill", "-p", "2026-01", "--csv"), ("staff", "--csv"), ("estimate", "--csv")]
)
def test_cli_csv_has_no_formula_cell_in_any_dialect(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run(args[0], str(write_hostile(tmp_path)), *args[1:])
    assert result.exit_code == 0, result.output
    for row in csv.reader(io.StringIO(result.stdout)):
        for cell in row:
            assert_inert(cell)


@pytest.mark.parametrize("command", [("bill", "-p", "2026-01"), ("staff",), ("estimate",)])
def test_human_output_carries_no_control_character(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    result = run(command[0], str(write_hostile(tmp_path)), *command[1:])
    assert result.exit_code == 0, result.output
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", result.stdout)
    assert "[bold red]P[/]" in result.stdout  # markup shown as written, not obeyed
    assert ":smile:" in result.stdout


def test_validate_and_errors_escape_control_characters(tmp_path: Path) -> None:
    result = run("validate", str(write_hostile(tmp_path)))
    assert "\x1b" not in result.output and "\\x1b[31mred" in result.output
    bad = tmp_path / "bad\x1b[2J.toml"
    bad.write_text("[project\n")
    result = run("validate", str(bad))
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "bad\\x1b[2J.toml" in result.output


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\x1b[31mb", "a\\x1b[31mb"),
        ("\x07\x08\x7f\x9b", "\\x07\\x08\\x7f\\x9b"),
        ("1000\u202e", "1000\\u202e"),
        ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
        ("Zoë 日本 👩‍💻", "Zoë 日本 👩‍💻"),
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_console_renders_tables_and_lines_safely() -> None:
    from rich.table import Table

    out = console(record=True, width=80, file=io.StringIO())
    table = Table("name", title="\x1b[1mtitle")
    table.add_row("[red]x[/red]\x1b[5m")
    out.print(table)
    out.print("warning: \x1b]8;;http://evil\x1b\\link")
    text = out.export_text()
    assert "\x1b" not in text
    assert "[red]x[/red]\\x1b[5m" in text and "\\x1b[1mtitle" in text


def test_writing_to_a_fifo_writes_through_it_and_leaves_it_a_fifo(tmp_path: Path) -> None:
    # `-o /dev/null`, `-o /dev/full` or a named pipe: a rename would put a regular file in the
    # device's place (as root, /dev/null itself). Tested on a FIFO, which is harmless to break.
    import os
    import stat
    import threading

    from engagekit.output import write_atomic

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_text()))
    reader.start()
    assert write_atomic(pipe, ["a,b\n", "1,2\n"]) == []
    reader.join(timeout=30)
    assert got == ["a,b\n1,2\n"]
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_a_full_device_is_an_error_naming_the_path(tmp_path: Path) -> None:
    import errno
    from unittest import mock

    from engagekit import output

    target = tmp_path / "dev"
    target.write_text("")
    with (
        mock.patch.object(output, "_special", return_value=True),
        mock.patch("builtins.open", side_effect=OSError(errno.ENOSPC, "No space left on device")),
        pytest.raises(OSError, match="No space left") as caught,
    ):
        output.write_atomic(target, "x")
    assert caught.value.filename == str(target)
