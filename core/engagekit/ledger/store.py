"""The ledger as the rest of engagekit sees it: issue records, read them back. No edits.

``Ledger.issue`` runs one transaction: lock the series rows, read what is already issued for
the project and period, let the caller decide what to write (``plan``), then number, chain and
insert it. Concurrent issuers queue on the lock; a crash before the commit leaves nothing, not
even a used number.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from engagekit.ledger.record import (
    INDEX_KEY,
    SCHEMA,
    IssuedInvoice,
    canonical_bytes,
    from_document,
    index_text,
    to_document,
)
from engagekit.ledger.sql import INDEX_COLUMNS, LINE_COLUMNS, Store, connect
from engagekit.workspace.model import Series

if TYPE_CHECKING:
    from engagekit.workspace import Workspace

__all__ = ["Ledger", "Plan", "open_ledger", "seal"]

#: Given the records already issued for a project and period (oldest first), the drafts to
#: issue now: records without number, sequence or hashes, which the ledger fills in.
Plan = Callable[[list[IssuedInvoice]], Sequence[IssuedInvoice]]


class Ledger:
    """Issued invoices and credit notes in one database."""

    def __init__(self, store: Store, series: Mapping[str, Series], notes: Sequence[str] = ()):
        self.store = store
        self.series = dict(series)
        #: what opening did to the database (created it, upgraded its schema)
        self.notes = list(notes)

    @classmethod
    def open(cls, url: str, series: Mapping[str, Series]) -> Ledger:
        """Open (creating or upgrading the schema as needed) the ledger at ``url``."""
        from engagekit.ledger.schema import ensure_schema

        store = Store(connect(url))
        note = ensure_schema(store)
        return cls(store, series, [note] if note else [])

    @staticmethod
    def exists(url: str) -> bool:
        """Whether a SQLite ledger file is there (other databases: assumed)."""
        from engagekit.ledger.location import ledger_exists

        return ledger_exists(url)

    def close(self) -> None:
        self.store.engine.dispose()

    # -- writing ----------------------------------------------------------------------------

    def issue(
        self, *, project_file: str, period: str, lock: Sequence[str], plan: Plan
    ) -> list[IssuedInvoice]:
        """Issue what ``plan`` decides, numbered in the series it names, in one transaction.

        ``lock`` names every series the plan may use (taken in a fixed order).
        """
        written: list[IssuedInvoice] = []
        with self.store.write() as conn:
            heads = self.store.lock_series(conn, lock)
            existing = self._load(
                self.store.documents(conn, project_file=project_file, period=period)
            )
            for draft in plan(existing):
                if draft.series not in heads:
                    raise AssertionError(f"plan used series {draft.series!r} it did not lock")
                series = self.series[draft.series]
                sequence = self.store.next_sequence(
                    conn, draft.series, series.counter_year(draft.issue_date)
                )
                record, columns, lines = seal(
                    attrs.evolve(
                        draft,
                        number=series.number(draft.issue_date.year, sequence),
                        sequence=sequence,
                        prev_hash=heads[draft.series],
                    ),
                    series.counter_year(draft.issue_date),
                )
                heads[draft.series] = record.hash
                self.store.insert(conn, columns, lines)
                written.append(record)
        return written

    # -- reading ----------------------------------------------------------------------------

    def records(
        self,
        *,
        project_file: str | None = None,
        period: str | None = None,
        since: date | None = None,
        number: str | None = None,
    ) -> list[IssuedInvoice]:
        """Issued records, oldest first, optionally of one project file, period, number, or
        issued on or after ``since``."""
        with self.store.read() as conn:
            rows = self.store.documents(
                conn,
                project_file=project_file,
                period=period,
                since=since.isoformat() if since else None,
                number=number,
            )
        return self._load(rows)

    def get(self, number: str) -> IssuedInvoice | None:
        with self.store.read() as conn:
            rows = self.store.documents(conn, number=number)
        found = self._load(rows)
        return found[0] if found else None

    @staticmethod
    def _load(rows: Sequence[tuple[str, str]]) -> list[IssuedInvoice]:
        return [attrs.evolve(from_document(json.loads(doc)), hash=h) for doc, h in rows]


def open_ledger(ws: Workspace) -> Ledger:
    """The workspace's ledger (created, or its schema upgraded, on first use: see ``notes``)."""
    return Ledger.open(ws.database_url(), ws.invoices.series)


def stored_document(doc: Mapping[str, object]) -> str:
    """What the ``document`` column holds: the canonical JSON without ``hash``, whose SHA-256
    is the record's hash."""
    return canonical_bytes({k: v for k, v in doc.items() if k != "hash"}).decode()


def seal(
    record: IssuedInvoice, year: int
) -> tuple[IssuedInvoice, dict[str, object], list[dict[str, object]]]:
    """``record`` (numbered and linked to its predecessor) as issued under the counter of
    ``year``: with the SHA-256 of its index text and its hash; and the invoice row and line
    rows that store it.

    The index text is built from exactly the values written to the indexed columns and line
    rows, so that verify can check the rows against the document by rebuilding it from them.
    """
    record = attrs.evolve(record, schema=SCHEMA, index_sha256=None, hash="")
    doc = to_document(record)
    columns = _columns(record, year, doc)
    lines = _lines(doc)
    digest = hashlib.sha256(
        index_text(
            [columns[name] for name in INDEX_COLUMNS],
            [[line[name] for name in LINE_COLUMNS] for line in lines],
        )
    ).hexdigest()
    doc = {INDEX_KEY: digest, **doc}
    body = stored_document(doc)
    record = attrs.evolve(
        record, index_sha256=digest, hash=hashlib.sha256(body.encode()).hexdigest()
    )
    return record, {**columns, "document": body, "hash": record.hash}, lines


def _columns(record: IssuedInvoice, year: int, doc: Mapping[str, Any]) -> dict[str, object]:
    return {
        "number": record.number,
        "series": record.series,
        "year": year,
        "sequence": record.sequence,
        "kind": record.kind,
        "project": record.project,
        "project_file": record.project_file,
        "period": record.period.label,
        "currency": record.currency,
        "issue_date": record.issue_date.isoformat(),
        "total": doc["total"],
        "corrects": record.corrects.number if record.corrects else None,
        "prev_hash": record.prev_hash,
    }


def _lines(doc: Mapping[str, Any]) -> list[dict[str, object]]:
    return [{name: line[name] for name in LINE_COLUMNS} for line in doc["lines"]]
