"""``engage ledger verify`` on SQLite without the CLI or SQLAlchemy (``engagekit.ledger.quick``):
it passes a clean ledger by itself, leaves everything else to the command (which names the
record), and runs the statements the store's SQLAlchemy tables compile to."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from engagekit.ledger import indexing, quick, scanning
from engagekit.ledger.integrity import ok_message, verify
from engagekit.ledger.sql import _scan_sql, connect, counters_t, series_t
from engagekit.ledger.store import Ledger
from tests.ledger.conftest import SMALL_WORKSPACE
from tests.ledger.helpers import SERIES, issue_one


def test_its_statements_are_what_the_tables_compile_to(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'l.db'}")
    dialect = engine.dialect
    assert scanning.sqlite_invoices(typed=False) == _scan_sql(engine, "sqlite")
    assert scanning.sqlite_lines(typed=False) == _scan_sql(engine, "lines")
    assert scanning.sqlite_lines(typed=True) == _scan_sql(engine, "lines-typed")
    assert str(sa.select(series_t).compile(dialect=dialect)) == scanning.SQLITE_HEADS
    counters = sa.select(counters_t.c.series, counters_t.c.year, counters_t.c.last)
    assert str(counters.compile(dialect=dialect)) == scanning.SQLITE_COUNTERS
    engine.dispose()


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace whose SQLite ledger holds three invoices."""
    (tmp_path / "engage.toml").write_text(SMALL_WORKSPACE)
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", url)
    book = Ledger.open(url, SERIES)
    for i in range(3):
        issue_one(book, f"p{i}.toml")
    book.close()
    return tmp_path


def _edit(ws: Path, statement: str) -> None:
    conn = sqlite3.connect(ws / "ledger.db")
    for (trigger,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute(statement)
    conn.commit()
    conn.close()


def test_it_passes_a_clean_ledger_as_the_command_does(ws: Path, capsys) -> None:
    assert quick.run(["--workspace", str(ws)]) == 0
    book = Ledger.open(f"sqlite:///{ws / 'ledger.db'}", SERIES)
    expected = ok_message(verify(book))
    book.close()
    assert capsys.readouterr().out == expected + "\n"
    assert quick.run([f"--workspace={ws}"]) == 0


@pytest.mark.parametrize(
    "args",
    [["--full"], ["--help"], ["--workspace"], ["-w", "x", "-w", "y"], ["--nope"], ["extra"]],
)
def test_it_leaves_other_arguments_to_the_command(ws: Path, args: list[str], capsys) -> None:
    assert quick.run(args) is None
    assert capsys.readouterr().out == ""


def test_it_leaves_postgresql_and_a_missing_file_to_the_command(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", "postgresql+psycopg://nobody@localhost:1/x")
    assert quick.run(["--workspace", str(ws)]) is None
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", f"sqlite:///{ws / 'none.db'}")
    assert quick.run(["--workspace", str(ws)]) is None
    assert not (ws / "none.db").exists()


@pytest.mark.parametrize(
    "change",
    [
        ('country = "DE"\n', 'country = "DE"\npayment_terms_days = -1\n'),  # does not load
        ('projects = ["project.toml"]\n', 'projects = ["project.toml"]\ndatabase = 5\n'),
        ("[firm]", "[firm"),  # not TOML
    ],
)
def test_it_leaves_a_workspace_that_does_not_load_to_the_command(
    ws: Path, change: tuple[str, str], cli
) -> None:
    file = ws / "engage.toml"
    file.write_text(file.read_text().replace(*change, 1))
    assert quick.run(["--workspace", str(ws)]) is None
    assert cli("ledger", "verify", "--workspace", str(ws)).exit_code == 1


def test_it_finds_the_ledger_the_workspace_names(ws: Path, monkeypatch, capsys) -> None:
    monkeypatch.delenv("ENGAGEKIT_DATABASE_URL")
    file = ws / "engage.toml"
    file.write_text('database = "ledger.db"\n' + file.read_text())
    assert quick.run(["--workspace", str(ws / "engage.toml")]) == 0
    assert "ok: 3 records" in capsys.readouterr().out
    (ws / "sub").mkdir()
    monkeypatch.chdir(ws / "sub")
    assert quick.run([]) == 0


def test_it_leaves_an_older_schema_to_the_command(ws: Path) -> None:
    _edit(ws, "UPDATE engagekit_alembic_version SET version_num = '0000'")
    assert quick.run(["--workspace", str(ws)]) is None


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE engagekit_invoices SET total = '1.00' WHERE sequence = 2",
        "UPDATE engagekit_invoices SET corrects = X'00' WHERE sequence = 2",
        "UPDATE engagekit_invoices SET project = X'6162' WHERE sequence = 2",
        "UPDATE engagekit_invoices SET year = 2026.5 WHERE sequence = 2",
        "UPDATE engagekit_invoice_lines SET amount = X'31' WHERE position = 1",
        "DELETE FROM engagekit_invoices WHERE sequence = 3",
        "UPDATE engagekit_counters SET last = 4",
    ],
)
@pytest.mark.parametrize("process", [False, True], ids=["thread", "process"])
def test_it_never_passes_an_edited_ledger(
    ws: Path, statement: str, process: bool, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A BLOB in an index column (which SQLite's JSON functions refuse) included, the index
    texts hashed in a thread or a child process: the command then says what is wrong."""
    monkeypatch.setattr(scanning, "PROCESS_FROM", 0 if process else 1 << 62)
    _edit(ws, statement)
    assert quick.run(["--workspace", str(ws)]) is None
    result = cli("ledger", "verify", "--workspace", str(ws))
    assert result.exit_code == 1, result.output


def _launch(ws: Path) -> subprocess.CompletedProcess[str]:
    script = (
        "import sys\n"
        "from engagekit.launch import main\n"
        f"main(['ledger', 'verify', '--workspace', {str(ws)!r}])\n"
        "print(sorted(m for m in ('sqlalchemy', 'typer', 'pluggy') if m in sys.modules))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )


def test_the_launcher_verifies_a_clean_ledger_without_the_cli_or_sqlalchemy(ws: Path) -> None:
    done = _launch(ws)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "ok: 3 records, every hash and chain intact; series: invoices (3)",
        "[]",
    ]


def test_the_launcher_hands_a_tampered_ledger_to_the_command(ws: Path) -> None:
    _edit(ws, "UPDATE engagekit_invoices SET currency = 'USD' WHERE sequence = 2")
    done = _launch(ws)
    assert done.returncode == 1
    assert "INV-2026-00002" in done.stderr and "column currency says 'USD'" in done.stderr


def _scan(
    path: Path, monkeypatch: pytest.MonkeyPatch, *, two: bool, process: bool = False
) -> list[tuple[object, ...]]:
    """Every scanned row up to ``prev_hash`` with its index text's SHA-256 (hex bytes; from
    the indexer with ``two``, in a child process with ``process``)."""
    opened: list[scanning._Indexer | None] = []
    indexer = scanning._indexer
    if two:  # and it must be used
        monkeypatch.setattr(scanning, "PROCESS_FROM", 0 if process else 1 << 62)
        monkeypatch.setattr(
            scanning, "_indexer", lambda raw: opened.append(indexer(raw)) or opened[0]
        )
    else:
        monkeypatch.setattr(scanning, "_indexer", lambda raw: None)
    raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    raw.execute("BEGIN")
    try:
        rows = []
        for batch in scanning.sqlite_scan(raw):
            if isinstance(batch, scanning.Digested):
                rows += [(*row[:7], s) for row, s in zip(batch, batch.index_sums, strict=True)]
            else:
                rows += [(*row[:7], hashlib.sha256(row[7] + row[8]).hexdigest().encode())
                         if row[1] is not None else (*row[:7], None) for row in batch]  # fmt: skip
    finally:
        raw.execute("ROLLBACK")
        raw.close()
    monkeypatch.undo()
    if two:
        assert opened[0] is not None and opened[0].in_process == process
    else:
        assert not opened
    return rows


@pytest.mark.parametrize("process", [False, True], ids=["thread", "process"])
@pytest.mark.parametrize(
    "statement",
    [
        None,
        "UPDATE engagekit_invoice_lines SET amount = '1.00' WHERE position = 1",
        "DELETE FROM engagekit_invoice_lines WHERE invoice_id = 2",
        "DELETE FROM engagekit_invoices WHERE sequence = 2",  # its lines stay: an orphan
        "DELETE FROM engagekit_invoices WHERE sequence = 7",  # the last: an orphan after it
        "UPDATE engagekit_invoices SET prev_hash = NULL WHERE sequence = 3",
        "UPDATE engagekit_invoices SET total = 12 WHERE sequence = 4",
    ],
)
def test_the_indexer_scans_what_one_connection_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, statement: str | None, process: bool
) -> None:
    """Enough invoices for several frames (``indexing.BATCH`` and the scan's made small, in
    a thread; a child process takes the default): the same rows in the same order, the same
    index texts' digests, and the same orphans (line rows of no invoice), which come after
    every record."""
    monkeypatch.setattr(indexing, "BATCH", 2)
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    book = Ledger.open(url, SERIES)
    for i in range(7):
        issue_one(book, f"p{i}.toml", lines=i % 3)
    book.close()
    if statement:
        _edit(tmp_path, statement)
    path = tmp_path / "ledger.db"
    monkeypatch.setattr(scanning, "BATCH", 3)
    two = _scan(path, monkeypatch, two=True, process=process)
    one = _scan(path, monkeypatch, two=False)
    records = [row for row in one if row[1] is not None]
    assert [row for row in two if row[1] is not None] == records
    orphans = [row[0] for row in one if row[1] is None]  # here among the records, by id
    assert [row[0] for row in two[len(records) :]] == orphans


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE engagekit_invoices SET project = X'6162' WHERE sequence = 2",
        "UPDATE engagekit_invoice_lines SET amount = X'31' WHERE position = 1",
    ],
)
def test_a_blob_in_the_child_process_makes_the_scan_untyped(
    ws: Path, monkeypatch: pytest.MonkeyPatch, statement: str
) -> None:
    """As on one connection: verify then reads every row again, typed, and names it."""
    _edit(ws, statement)
    monkeypatch.setattr(scanning, "PROCESS_FROM", 0)
    raw = sqlite3.connect(ws / "ledger.db", isolation_level=None, check_same_thread=False)
    raw.execute("BEGIN")
    try:
        with pytest.raises(scanning.UntypedValue):
            [row for batch in scanning.sqlite_scan(raw) for row in batch]
    finally:
        raw.execute("ROLLBACK")
        raw.close()


def test_a_child_process_that_dies_is_an_error_not_a_hang(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child's output cut short after its snapshot (as if it were killed mid-scan)."""
    cut = tmp_path / "python-cut"
    cut.write_text(f'#!/bin/sh\n"{sys.executable}" "$@" | head -c 60\n')
    cut.chmod(0o755)
    monkeypatch.setattr(scanning, "PROCESS_FROM", 0)
    monkeypatch.setattr(scanning.sys, "executable", str(cut))
    raw = sqlite3.connect(ws / "ledger.db", isolation_level=None, check_same_thread=False)
    raw.execute("BEGIN")

    def scan() -> list[object]:
        return [row for batch in scanning.sqlite_scan(raw) for row in batch]

    try:
        with ThreadPoolExecutor(1) as pool:
            done = pool.submit(scan)
            with pytest.raises(sqlite3.OperationalError, match="stopped"):
                done.result(timeout=60)
    finally:
        raw.execute("ROLLBACK")
        raw.close()
    assert quick.run(["--workspace", str(ws)]) is None  # left to the command


def test_a_record_issued_between_the_two_connections_keeps_the_scan_on_one(
    ws: Path,
) -> None:
    """The second connection's read transaction must see what the first's does."""
    path = ws / "ledger.db"
    raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    raw.execute("BEGIN")
    raw.execute(scanning.SQLITE_HEADS).fetchall()  # raw's snapshot starts here
    book = Ledger.open(f"sqlite:///{path}", SERIES)
    issue_one(book, "late.toml")
    book.close()
    try:
        assert scanning._indexer(raw) is None
        rows = [row for batch in scanning.sqlite_scan(raw) for row in batch]
        assert len(rows) == 3  # raw's snapshot: not the fourth
    finally:
        raw.execute("ROLLBACK")
        raw.close()
    raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    raw.execute("BEGIN")
    other = scanning._indexer(raw)
    assert other is not None
    other.stop()
    raw.execute("ROLLBACK")
    raw.close()
