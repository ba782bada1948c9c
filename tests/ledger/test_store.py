"""The store on both backends: triggers refuse changes from raw SQL, the schema upgrades
itself and refuses one from a newer engagekit, and verify names a tampered record."""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from engagekit.errors import InputError
from engagekit.ledger.integrity import verify
from engagekit.ledger.record import INDEX_KEY, canonical_bytes, index_text
from engagekit.ledger.sql import CHAIN_COLUMNS, HEAD, INDEX_COLUMNS
from engagekit.ledger.store import Ledger
from tests.ledger.helpers import SERIES, issue_one, issue_schema_1


@pytest.fixture
def ledger(database_url: str):
    book = Ledger.open(database_url, SERIES)
    yield book
    book.close()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE engagekit_invoices SET total = '0.00'",
        "DELETE FROM engagekit_invoices",
        "UPDATE engagekit_invoice_lines SET amount = '0.00'",
        "DELETE FROM engagekit_invoice_lines",
    ],
)
def test_triggers_refuse_raw_sql_changes(ledger: Ledger, statement: str) -> None:
    issue_one(ledger, "p.toml")
    with pytest.raises(sa.exc.DBAPIError, match="issued invoices cannot be changed"):  # noqa: SIM117
        with ledger.store.engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert verify(ledger).ok


def test_truncate_is_refused_on_postgresql(pg_cluster) -> None:
    ledger = Ledger.open(pg_cluster.new_database(), SERIES)
    issue_one(ledger, "p.toml")
    with pytest.raises(sa.exc.DBAPIError, match="cannot be changed"):  # noqa: SIM117
        with ledger.store.engine.begin() as conn:
            conn.execute(sa.text("TRUNCATE engagekit_invoice_lines, engagekit_invoices"))
    assert verify(ledger).ok
    ledger.close()


def test_numbers_are_consecutive_and_chained(ledger: Ledger) -> None:
    records = [issue_one(ledger, f"p{i}.toml") for i in range(5)]
    assert [r.number for r in records] == [f"INV-2026-{i:05}" for i in range(1, 6)]
    assert records[0].prev_hash is None
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(records))
    assert ledger.records() == records
    report = verify(ledger)
    assert report.ok and report.records == 5 and report.series == {"invoices": 5}


def test_a_failing_plan_writes_nothing_and_uses_no_number(ledger: Ledger) -> None:
    issue_one(ledger, "a.toml")

    def broken(existing: object) -> list[object]:
        raise InputError("refused")

    with pytest.raises(InputError, match="refused"):
        ledger.issue(project_file="b.toml", period="2026-03", lock=["invoices"], plan=broken)  # type: ignore[arg-type]
    assert issue_one(ledger, "c.toml").number == "INV-2026-00002"
    assert verify(ledger).ok


def test_schema_is_created_and_says_so(database_url: str) -> None:
    first = Ledger.open(database_url, SERIES)
    assert first.notes and first.notes[0].startswith(f"created the ledger (schema {HEAD})")
    first.close()
    second = Ledger.open(database_url, SERIES)
    assert second.notes == []
    second.close()


def test_a_newer_schema_is_refused_untouched(database_url: str) -> None:
    book = Ledger.open(database_url, SERIES)
    issue_one(book, "a.toml")
    with book.store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE engagekit_alembic_version SET version_num = '0099'"))
    book.close()
    before = _snapshot(database_url)
    with pytest.raises(InputError, match="written by a newer engagekit") as err:
        Ledger.open(database_url, SERIES)
    assert "schema 0099" in str(err.value) and "untouched" in str(err.value)
    assert _snapshot(database_url) == before


def _snapshot(url: str) -> object:
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).read_bytes()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT number, hash FROM engagekit_invoices")).all()
        version = conn.execute(sa.text("SELECT version_num FROM engagekit_alembic_version")).all()
    engine.dispose()
    return rows, version


def test_head_is_the_newest_migration() -> None:
    from engagekit.ledger import schema

    versions = sorted(p.name for p in (schema.MIGRATIONS / "versions").glob("[0-9]*.py"))
    assert versions[-1].startswith(HEAD + "_")


# -- tampering, as someone with the file and the sqlite3 module would -------------------------


def _tamper(url: str, *statements: str) -> None:
    if url.startswith("sqlite:///"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        for trigger in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall():
            conn.execute(f"DROP TRIGGER {trigger[0]}")
        for s in statements:
            conn.execute(s)
        conn.commit()
        conn.close()
        return
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in ("engagekit_invoices", "engagekit_invoice_lines"):
            conn.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        for s in statements:
            conn.exec_driver_sql(s)
    engine.dispose()


@pytest.mark.parametrize(
    ("statements", "number", "message"),
    [
        (
            ["UPDATE engagekit_invoices SET document = replace(document, '\"total\":\"200.00\"', "
             "'\"total\":\"20.00\"') WHERE number = 'INV-2026-00002'"],
            "INV-2026-00002",
            "changed after issue",
        ),
        (
            ["UPDATE engagekit_invoices SET total = '1.00' WHERE number = 'INV-2026-00003'"],
            "INV-2026-00003",
            "column total says '1.00'",
        ),
        (
            ["UPDATE engagekit_invoice_lines SET amount = '1.00' WHERE position = 1 AND invoice_id = "
             "(SELECT id FROM engagekit_invoices WHERE number = 'INV-2026-00001')"],
            "INV-2026-00001",
            "line rows disagree",
        ),
        (
            ["DELETE FROM engagekit_invoice_lines WHERE invoice_id = (SELECT id FROM "
             "engagekit_invoices WHERE number = 'INV-2026-00002')",
             "DELETE FROM engagekit_invoices WHERE number = 'INV-2026-00002'"],
            "INV-2026-00003",
            "the chain is broken",
        ),
        (
            ["UPDATE engagekit_invoices SET period = '2026-02' WHERE number = 'INV-2026-00002'"],
            "INV-2026-00002",
            "column period says '2026-02'",
        ),
        (
            ["UPDATE engagekit_invoices SET corrects = 'INV-2026-00001' "
             "WHERE number = 'INV-2026-00003'"],
            "INV-2026-00003",
            "column corrects says 'INV-2026-00001'",
        ),
        (
            ["UPDATE engagekit_invoices SET prev_hash = NULL WHERE number = 'INV-2026-00002'"],
            "INV-2026-00002",
            "the chain is broken",
        ),
        (
            ["UPDATE engagekit_invoices SET sequence = 7 WHERE number = 'INV-2026-00003'"],
            "INV-2026-00003",
            "column sequence says 7",
        ),
        (
            ["DELETE FROM engagekit_invoice_lines WHERE position = 2 AND invoice_id = "
             "(SELECT id FROM engagekit_invoices WHERE number = 'INV-2026-00002')"],
            "INV-2026-00002",
            "line rows disagree",
        ),
        (
            ["INSERT INTO engagekit_invoice_lines (invoice_id, position, component, description, "
             "quantity, unit_price, amount) SELECT id, 3, 'Build', 'more', '1.00', '1.00', "
             "'1.00' FROM engagekit_invoices WHERE number = 'INV-2026-00003'"],
            "INV-2026-00003",
            "line rows disagree",
        ),
        (
            ["UPDATE engagekit_invoice_lines SET description = 'work 1 ' WHERE position = 1 "
             "AND invoice_id = (SELECT id FROM engagekit_invoices "
             "WHERE number = 'INV-2026-00002')"],
            "INV-2026-00002",
            "line rows disagree",
        ),
        (
            ["DELETE FROM engagekit_invoice_lines WHERE invoice_id = (SELECT id FROM "
             "engagekit_invoices WHERE number = 'INV-2026-00003')",
             "DELETE FROM engagekit_invoices WHERE number = 'INV-2026-00003'"],
            "INV-2026-00002",
            "head is not the hash of its last record",
        ),
    ],
)  # fmt: skip
@pytest.mark.parametrize("schema", [1, 2])
def test_verify_names_the_tampered_record(
    database_url: str,
    cli,
    workspace_for,
    statements: list[str],
    number: str,
    message: str,
    schema: int,
) -> None:
    """On records with their index digest (schema 2, checked without a parse) and on records
    issued before it (schema 1, parsed), alike."""
    book = Ledger.open(database_url, SERIES)
    for i in range(3):
        (issue_one if schema == 2 else issue_schema_1)(book, f"p{i}.toml")
    book.close()
    assert cli("ledger", "verify", "--workspace", str(workspace_for)).exit_code == 0
    _tamper(database_url, *statements)
    result = cli("ledger", "verify", "--workspace", str(workspace_for))
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert number in first and message in first, result.output


@pytest.fixture
def workspace_for(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    from tests.ledger.conftest import SMALL_WORKSPACE

    (tmp_path / "engage.toml").write_text(SMALL_WORKSPACE)
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", database_url)
    return tmp_path


def test_verify_names_a_blob_in_a_line_row(tmp_path: Path, cli, monkeypatch) -> None:
    """SQLite lets any type into any column; verify reads the rows and names the invoice."""
    from tests.ledger.conftest import SMALL_WORKSPACE

    url = f"sqlite:///{tmp_path / 'l.db'}"
    book = Ledger.open(url, SERIES)
    issue_one(book, "p0.toml")
    issue_one(book, "p1.toml")
    book.close()
    _tamper(url, "UPDATE engagekit_invoice_lines SET amount = X'3130302E3030' WHERE position = 2 "
                 "AND invoice_id = (SELECT id FROM engagekit_invoices WHERE sequence = 2)")  # fmt: skip
    (tmp_path / "engage.toml").write_text(SMALL_WORKSPACE)
    monkeypatch.setenv("ENGAGEKIT_DATABASE_URL", url)
    result = cli("ledger", "verify", "--workspace", str(tmp_path))
    assert result.exit_code == 1
    assert "INV-2026-00002" in result.output and "line rows disagree" in result.output


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("number", "'INV-2026-00009'", "column number says 'INV-2026-00009'"),
        # in another series, it has left its chain
        ("series", "'credit-notes'", "INV-2026-00002 (series credit-notes): the chain is broken"),
        ("kind", "'credit_note'", "column kind says 'credit_note'"),
        ("project", "'elsewhere'", "column project says 'elsewhere'"),
        ("project_file", "'p9.toml'", "column project_file says 'p9.toml'"),
        ("currency", "'USD'", "column currency says 'USD'"),
        ("issue_date", "'2026-03-30'", "column issue_date says '2026-03-30'"),
        ("year", "2025", "column year says 2025, it was issued under the counter of 2026"),
    ],
)
def test_verify_names_each_edited_column(
    database_url: str, cli, workspace_for, column: str, value: str, message: str
) -> None:
    """Every indexed column is in the index digest, and the field-by-field check names it."""
    book = Ledger.open(database_url, SERIES)
    for i in range(3):
        issue_one(book, f"p{i}.toml")
    book.close()
    _tamper(database_url, f"UPDATE engagekit_invoices SET {column} = {value} WHERE sequence = 2")
    result = cli("ledger", "verify", "--workspace", str(workspace_for))
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert message in first, result.output


def _rewrite(url: str, sequence: int, change: Callable[[dict[str, Any]], None]) -> str:
    """Rewrite record ``sequence``'s document with ``change`` and give it the matching hash
    (what a forger who knows the format does); returns the new hash."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        text = conn.execute(
            sa.text("SELECT document FROM engagekit_invoices WHERE sequence = :s"), {"s": sequence}
        ).scalar_one()
    engine.dispose()
    doc = json.loads(text)
    change(doc)
    body = canonical_bytes(doc).decode()
    digest = hashlib.sha256(body.encode()).hexdigest()
    _tamper(
        url,
        f"UPDATE engagekit_invoices SET document = {_quoted(body)}, hash = '{digest}' "
        f"WHERE sequence = {sequence}",
    )
    return digest


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def test_a_forged_index_digest_is_named(database_url: str, cli, workspace_for) -> None:
    """The digest rewritten (and the document rehashed): the rows no longer match it."""
    book = Ledger.open(database_url, SERIES)
    for i in range(3):
        issue_one(book, f"p{i}.toml")
    book.close()
    _rewrite(database_url, 2, lambda doc: doc.update({INDEX_KEY: "0" * 64}))
    result = cli("ledger", "verify", "--workspace", str(workspace_for))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "INV-2026-00002" in lines[0] and "is not that of its own columns" in lines[0]
    assert "INV-2026-00003" in lines[1] and "chain is broken" in lines[1]


def test_a_record_forged_whole_passes_but_full_finds_a_stale_digest(
    database_url: str, cli, workspace_for
) -> None:
    """A forger who changes a column, writes the digest of the new rows into the document,
    rehashes it and moves the series' head has rewritten everything the fast check reads:
    only a parse shows that the document's own total is not the column's (``--full``)."""
    book = Ledger.open(database_url, SERIES)
    for i in range(3):
        issue_one(book, f"p{i}.toml")
    with book.store.read() as conn:
        row = book.store.chain_rows(conn, [3])[0]
        lines = book.store.line_rows(conn, 3)
    book.close()
    named = dict(zip(CHAIN_COLUMNS, row, strict=True))
    named["total"] = "1.00"
    forged = hashlib.sha256(index_text([named[name] for name in INDEX_COLUMNS], lines)).hexdigest()
    _tamper(database_url, "UPDATE engagekit_invoices SET total = '1.00' WHERE sequence = 3")
    digest = _rewrite(database_url, 3, lambda doc: doc.update({INDEX_KEY: forged}))
    _tamper(
        database_url, f"UPDATE engagekit_series SET last_hash = '{digest}' WHERE name = 'invoices'"
    )
    fast = cli("ledger", "verify", "--workspace", str(workspace_for))
    assert fast.exit_code == 0, fast.output
    result = cli("ledger", "verify", "--full", "--workspace", str(workspace_for))
    assert result.exit_code == 1
    assert "INV-2026-00003" in result.output and "column total says '1.00'" in result.output


def test_full_verify_passes_a_clean_ledger_of_both_schemas(database_url: str) -> None:
    book = Ledger.open(database_url, SERIES)
    try:
        issue_schema_1(book, "old.toml")
        issue_one(book, "new.toml")
        assert verify(book, full=True).ok
        assert verify(book).records == 2
    finally:
        book.close()
