"""Drafts made without billing, for tests of the store itself (numbering, chains, triggers)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import attrs

from engagekit.ledger.record import (
    Books,
    Buyer,
    IssuedInvoice,
    Payment,
    RecordLine,
    RecordPeriod,
    Seller,
    SourceFile,
    Sources,
    Versions,
    to_document,
)
from engagekit.ledger.store import Ledger, _columns, _lines, stored_document
from engagekit.workspace.model import Series

SERIES = {
    "invoices": Series("INV-{year}-{seq:05}"),
    "credit-notes": Series("CN-{year}-{seq:05}"),
}


def draft(project_file: str, *, lines: int = 2, amount: str = "100.00") -> IssuedInvoice:
    each = Decimal(amount)
    total = each * lines
    return IssuedInvoice(
        kind="invoice",
        number="",
        series="invoices",
        sequence=0,
        project=project_file,
        project_file=project_file,
        period=RecordPeriod(date(2026, 3, 1), date(2026, 3, 31), "2026-03"),
        issue_date=date(2026, 3, 31),
        due_date=date(2026, 4, 30),
        currency="EUR",
        seller=Seller("Firm", "Weg 1", "Berlin", "10115", "DE", "DE1"),
        buyer=Buyer("acme", "Acme", "Str 2", "Köln", "50667", "DE"),
        payment=Payment(30, "DE02", "", "58", "Net 30 days"),
        lines=tuple(
            RecordLine(
                i,
                "Build",
                "time-material",
                f"work {i}",
                Decimal("1.00"),
                "h",
                "HUR",
                each,
                each,
                "time",
            )
            for i in range(1, lines + 1)
        ),
        subtotal=total,
        adjustments=(),
        vat_breakdown=(),
        total=total,
        books=Books("EUR", Decimal(1), total),
        sources=Sources(SourceFile(project_file, "0" * 64)),
        versions=Versions("0.1.0", {"time-material": "0.1.0"}),
    )


def issue_one(ledger: Ledger, project_file: str, **kw: object) -> IssuedInvoice:
    record = draft(project_file, **kw)  # type: ignore[arg-type]
    return ledger.issue(
        project_file=project_file,
        period="2026-03",
        lock=["invoices", "credit-notes"],
        plan=lambda existing: [] if existing else [record],
    )[0]


def issue_schema_1(
    ledger: Ledger, project_file: str, *, texts: Sequence[str] = ("work 1", "work 2")
) -> IssuedInvoice:
    """Write a record as engagekit wrote them before records carried their index digest
    (schema 1): the same rows, a document without ``_index_sha256``."""
    base = draft(project_file, lines=len(texts))
    lines = tuple(
        attrs.evolve(line, component=text or "c", description=text)
        for line, text in zip(base.lines, texts, strict=True)
    )
    series = ledger.series["invoices"]
    with ledger.store.write() as conn:
        heads = ledger.store.lock_series(conn, ["invoices"])
        sequence = ledger.store.next_sequence(conn, "invoices", 2026)
        record = attrs.evolve(
            base,
            lines=lines,
            schema=1,
            number=series.number(2026, sequence),
            sequence=sequence,
        ).chained(heads["invoices"])
        doc = to_document(record)
        assert "_index_sha256" not in doc
        columns = {
            **_columns(record, 2026, doc),
            "document": stored_document(doc),
            "hash": record.hash,
        }
        ledger.store.insert(conn, columns, _lines(doc))
    return record


def main(url: str, prefix: str, n: int) -> None:
    """Issue ``n`` invoices for projects ``prefix-0`` ... (a worker of the concurrency and
    crash tests); prints each number as it is committed."""
    ledger = Ledger.open(url, SERIES)
    for i in range(n):
        record = issue_one(ledger, f"{prefix}-{i}")
        print(record.number, flush=True)
    ledger.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
