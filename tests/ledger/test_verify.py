"""``ledger verify``'s shortcuts: a record of schema 2 is checked by the SHA-256 of the index
text the database rebuilds from its rows, one of schema 1 by one parse and two strings; either
falls back to the field-by-field comparison when it fails. A shortcut must never pass a record
the comparison fails (nor fail a clean ledger), whatever text the lines hold.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engagekit.ledger import integrity
from engagekit.ledger.integrity import verify
from engagekit.ledger.store import Ledger
from tests.ledger.helpers import SERIES, draft, issue_schema_1

#: Text that JSON writers escape differently, or not at all: every control character, quotes,
#: backslashes, the line and paragraph separators, DEL, astral characters, combining marks.
AWKWARD = [
    "".join(chr(c) for c in range(1, 32)),
    'say "hi" \\ back\\slash \\"',
    "\u2028\u2029\x7f/</script>",
    "Köln 🧾 e\u0301 \U0001f600 \ufeff",
    "",
]


def _issue(ledger: Ledger, project_file: str, texts: list[str]) -> None:
    base = draft(project_file, lines=len(texts))
    lines = tuple(
        attrs.evolve(line, component=text or "c", description=text)
        for line, text in zip(base.lines, texts, strict=True)
    )
    record = attrs.evolve(base, lines=lines)
    ledger.issue(
        project_file=project_file,
        period="2026-03",
        lock=["invoices"],
        plan=lambda existing: [] if existing else [record],
    )


def _rows(ledger: Ledger) -> list[tuple[object, ...]]:
    with ledger.store.read() as conn:
        ids = [row[0] for batch in ledger.store.scan(conn) for row in batch]
        return ledger.store.chain_rows(conn, ids)


def _fast_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make verify fail on any record its fast check does not pass."""

    def refuse(store: object, conn: object, suspects: list[tuple[object, ...]]) -> None:
        raise AssertionError(f"the fast check did not pass {suspects}")

    monkeypatch.setattr(integrity, "_look_closer", refuse)


def test_awkward_text_verifies_on_both_backends(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = Ledger.open(database_url, SERIES)
    try:
        _issue(ledger, "plain.toml", ["work 1", "work 2"])
        _issue(ledger, "awkward.toml", AWKWARD)
        _issue(ledger, "none.toml", ["x"])
        report = verify(ledger)
        assert report.ok, report.problems
        assert report.records == 3
        # The shortcut holds for every record, awkward text included, on both backends
        # (else verify would quietly take the slow road): the database rebuilds the index
        # text byte for byte.
        _fast_only(monkeypatch)
        assert verify(ledger).ok
    finally:
        ledger.close()


def test_the_schema_1_shortcut_holds_on_both_backends(database_url: str) -> None:
    """Records issued before the index digest are parsed and compared in bulk; the
    database's JSON of their rows is orjson's, awkward text included."""
    ledger = Ledger.open(database_url, SERIES)
    try:
        issue_schema_1(ledger, "plain.toml")
        issue_schema_1(ledger, "awkward.toml", texts=AWKWARD)
        report = verify(ledger)
        assert report.ok, report.problems
        rows = _rows(ledger)
    finally:
        ledger.close()
    assert integrity._intact(rows[0], None)
    assert integrity._intact(rows[1], rows[0][integrity._HASH])


def test_a_record_without_lines_verifies(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = Ledger.open(database_url, SERIES)
    try:
        record = attrs.evolve(draft("empty.toml", lines=1), lines=())
        ledger.issue(
            project_file="empty.toml", period="2026-03", lock=["invoices"], plan=lambda e: [record]
        )
        assert verify(ledger).ok
        _fast_only(monkeypatch)
        assert verify(ledger).ok
    finally:
        ledger.close()


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(_text, min_size=1, max_size=3), new=_text, position=st.integers(0, 2))
def test_the_shortcut_never_passes_a_changed_line(
    texts: list[str], new: str, position: int
) -> None:
    """Issue lines of any text, verify (must pass), change one line row's description to any
    text, verify again: it fails exactly when the text differs from the document's."""
    position %= len(texts)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "l.db")
        ledger = Ledger.open(f"sqlite:///{path}", SERIES)
        try:
            _issue(ledger, "p.toml", texts)
            assert verify(ledger).ok
            conn = sqlite3.connect(path)
            conn.execute("DROP TRIGGER engagekit_invoice_lines_no_update")
            conn.execute(
                "UPDATE engagekit_invoice_lines SET description = ? WHERE position = ?",
                (new, position + 1),
            )
            conn.commit()
            conn.close()
            report = verify(ledger)
        finally:
            ledger.close()
    if new == texts[position]:
        assert report.ok, report.problems
    else:
        assert [p.message for p in report.problems] == ["its line rows disagree with its document"]


@pytest.mark.parametrize("field", ["position", "quantity"])
def test_a_line_row_of_another_type_is_named(tmp_path: Path, field: str) -> None:
    """SQLite keeps '1' in an integer column as text and 1.5 as a number: neither is what the
    document says, and the shortcut must not take one for the other."""
    path = tmp_path / "l.db"
    ledger = Ledger.open(f"sqlite:///{path}", SERIES)
    _issue(ledger, "p.toml", ["a", "b"])
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER engagekit_invoice_lines_no_update")
    value = "'x1'" if field == "position" else "1.5"
    conn.execute(f"UPDATE engagekit_invoice_lines SET {field} = {value} WHERE position = 1")
    conn.commit()
    conn.close()
    report = verify(ledger)
    ledger.close()
    assert [p.message for p in report.problems] == ["its line rows disagree with its document"]
