"""The issue's bad inputs: each a clear message, exit 1, nothing written."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa


def records(url: str) -> int:
    """Issued records in the database; 0 when there is no ledger (or no file) at all."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return 0
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("engagekit_invoices"):
                return 0
            return int(
                conn.execute(sa.text("SELECT count(*) FROM engagekit_invoices")).scalar_one()
            )
    finally:
        engine.dispose()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


ISSUE = ("issue", "project.toml", "--period", "2026-03", "--date", "2026-03-31")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("engage.toml", 'vat_id = "DE123"\n', "", "engage.toml:3, firm.vat_id: vat_id is missing"),
        ("engage.toml", 'city = "Köln"\n', "", "clients.acme.city: city is missing"),
        (
            "project.toml",
            'client = "acme"',
            'client = "acne"',
            "client 'acne' is not in the workspace",
        ),
        ("project.toml", 'client = "acme"\n', "", "the project names no client"),
        (
            "engage.toml",
            "[clients.acme]",
            '[invoices.series.invoices]\nformat = "INV-{year}"\n'
            '[invoices.series.credit-notes]\nformat = "CN-{year}-{seq}"\n[clients.acme]',
            "has no {seq}",
        ),
        (
            "engage.toml",
            "[clients.acme]",
            '[invoices.series.invoices]\nformat = "INV-{year}-{seq:05}"\nissue_within_period = true\n'
            '[invoices.series.credit-notes]\nformat = "CN-{year}-{seq}"\n[clients.acme]',
            "issue date 2026-04-02 is outside the period 2026-03",
        ),
    ],
)
def test_input_mistakes_are_named_and_nothing_is_written(
    small_workspace: Path, cli, database_url: str, file: str, old: str, new: str, message: str
) -> None:
    edit(small_workspace / file, old, new)
    result = cli("issue", "project.toml", "--period", "2026-03", "--date", "2026-04-02")
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert records(database_url) == 0


def test_a_missing_exchange_rate_is_an_error(small_workspace: Path, cli, database_url: str) -> None:
    edit(small_workspace / "project.toml", 'currency = "EUR"', 'currency = "USD"')
    result = cli(*ISSUE)
    assert result.exit_code == 1
    assert "no exchange rate from USD to the books currency EUR on 2026-03-31" in result.output
    edit(
        small_workspace / "engage.toml",
        "[clients.acme]",
        '[fx]\nrates = [{ currency = "USD", rate = 0.9 }]\n[clients.acme]',
    )
    assert cli(*ISSUE).exit_code == 0
    import json

    doc = json.loads(cli("invoices", "show", "INV-2026-00001", "--json").output)
    assert doc["books"] == {"currency": "EUR", "rate": "0.9", "total": "1660.05"}  # 1844.50 x 0.9


def test_corrections_and_credits_that_make_no_sense(
    small_workspace: Path, cli, database_url: str
) -> None:
    nothing = cli("issue", "project.toml", "--period", "2026-03", "--correct")
    assert nothing.exit_code == 1 and "nothing to correct" in nothing.output
    assert cli(*ISSUE).exit_code == 0
    same = cli("issue", "project.toml", "--period", "2026-03", "--correct")
    assert same.exit_code == 1 and "the bill is exactly as issued (INV-2026-00001)" in same.output
    unknown = cli("credit", "INV-2026-00099", "--reason", "x")
    assert unknown.exit_code == 1 and "no issued invoice INV-2026-00099" in unknown.output
    assert cli("credit", "INV-2026-00001", "--reason", "x", "--date", "2026-04-01").exit_code == 0
    again = cli("credit", "INV-2026-00001", "--reason", "x")
    assert again.exit_code == 1 and "credited already, by CN-2026-00001" in again.output
    of_credit = cli("credit", "CN-2026-00001", "--reason", "x")
    assert of_credit.exit_code == 1 and "a credit note cannot be credited" in of_credit.output
    empty = cli("credit", "INV-2026-00001", "--reason", " ")
    assert empty.exit_code == 1 and "needs a reason" in empty.output
    assert records(database_url) == 2


def test_usage_errors(small_workspace: Path, cli) -> None:
    assert cli("issue", "project.toml").exit_code == 2
    assert cli("issue", "--period", "2026-03").exit_code == 2
    assert cli("issue", "project.toml", "--all", "--period", "2026-03").exit_code == 2
    bad_date = cli("issue", "project.toml", "--period", "2026-03", "--date", "31.03.2026")
    assert bad_date.exit_code == 1 and "'31.03.2026' is not a date" in bad_date.output


@pytest.fixture
def plain_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from tests.ledger.conftest import SMALL_PROJECT, SMALL_TIMESHEET, SMALL_WORKSPACE

    (tmp_path / "engage.toml").write_text(SMALL_WORKSPACE)
    (tmp_path / "project.toml").write_text(SMALL_PROJECT)
    (tmp_path / "time.csv").write_text(SMALL_TIMESHEET)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ENGAGEKIT_LOCK_TIMEOUT", "0.5")
    return tmp_path


def test_a_database_that_cannot_be_reached_is_named_without_its_password(
    plain_workspace: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(
        "ENGAGEKIT_DATABASE_URL", f"postgresql+psycopg://bob:s3cret@127.0.0.1:{port}/books"
    )
    result = cli(*ISSUE)
    assert result.exit_code == 1
    assert f"cannot connect to the ledger database at 127.0.0.1:{port}" in result.output
    assert "s3cret" not in result.output and "Traceback" not in result.output
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", "mysql://x@y/z")
    assert "unsupported database 'mysql'" in cli(*ISSUE).output


def test_a_corrupted_sqlite_file(plain_workspace: Path, cli) -> None:
    db = plain_workspace / ".engage" / "engagekit.db"
    db.parent.mkdir()
    db.write_bytes(b"this is not a database" * 100)
    result = cli(*ISSUE)
    assert result.exit_code == 1
    assert "the ledger database is damaged or not SQLite" in result.output
    assert str(db) in result.output
    assert db.read_bytes() == b"this is not a database" * 100


def test_a_read_only_sqlite_database(
    plain_workspace: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli(*ISSUE).exit_code == 0
    db = plain_workspace / ".engage" / "engagekit.db"
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", f"sqlite:///file:{db}?mode=ro&uri=true")
    edit(plain_workspace / "time.csv", ",8,yes,", ",9,yes,")
    result = cli("issue", "project.toml", "--period", "2026-03", "--correct")
    assert result.exit_code == 1
    assert "read-only" in result.output
    monkeypatch.delenv("ENGAGEKIT_DATABASE_URL")
    assert records(f"sqlite:///{db}") == 1


def test_a_locked_sqlite_database_names_who_holds_it(plain_workspace: Path, cli) -> None:
    assert cli(*ISSUE).exit_code == 0
    db = plain_workspace / ".engage" / "engagekit.db"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        edit(plain_workspace / "time.csv", ",8,yes,", ",9,yes,")
        result = cli("issue", "project.toml", "--period", "2026-03", "--correct")
        assert result.exit_code == 1
        assert "locked by another writer (waited 0.5 s)" in result.output
        assert f"pid {holder.pid}" in result.output
    finally:
        holder.kill()
        holder.wait()
    assert records(f"sqlite:///{db}") == 1


def test_a_locked_postgresql_ledger(
    plain_workspace: Path, cli, pg_cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_cluster.new_database()
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", url)
    assert cli(*ISSUE).exit_code == 0
    engine = sa.create_engine(url, connect_args={"application_name": "the-holder"})
    with engine.connect() as conn, conn.begin():
        conn.execute(sa.text("SELECT * FROM engagekit_series FOR UPDATE")).all()
        edit(plain_workspace / "time.csv", ",8,yes,", ",9,yes,")
        started = time.monotonic()
        result = cli("issue", "project.toml", "--period", "2026-03", "--correct")
        assert time.monotonic() - started < 30
    engine.dispose()
    assert result.exit_code == 1
    assert "locked by another session" in result.output and "the-holder" in result.output
    assert records(url) == 1
