"""``engage ledger export``: issued records for accounting imports, as JSON lines or CSV."""

from __future__ import annotations

import json
from collections.abc import Sequence

from engagekit.ledger.record import IssuedInvoice, to_document

__all__ = ["CSV_COLUMNS", "export_csv", "export_jsonl"]

CSV_COLUMNS = (
    "number", "kind", "series", "issue_date", "due_date", "project", "project_file", "period",
    "client_id", "client", "client_vat_id", "currency", "subtotal", "total", "signed_total",
    "books_currency", "books_rate", "books_total", "corrects", "hash",
)  # fmt: skip


def export_jsonl(records: Sequence[IssuedInvoice]) -> str:
    """One record's document (hash included) per line, in issue order."""
    return "".join(
        json.dumps(to_document(r), sort_keys=True, ensure_ascii=False) + "\n" for r in records
    )


def export_csv(records: Sequence[IssuedInvoice]) -> str:
    """One row per invoice or credit note; ``signed_total`` counts credit notes negative."""
    from engagekit.output import csv_text

    rows = []
    for r in records:
        doc = to_document(r)
        rows.append(
            (
                r.number, r.kind, r.series, doc["issue_date"], doc["due_date"], r.project,
                r.project_file, r.period.label, r.buyer.id, r.buyer.name, r.buyer.vat_id,
                r.currency, doc["subtotal"], doc["total"],
                ("-" if r.kind == "credit_note" else "") + doc["total"],
                r.books.currency, doc["books"]["rate"], doc["books"]["total"],
                r.corrects.number if r.corrects else "", r.hash,
            )
        )  # fmt: skip
    return csv_text(CSV_COLUMNS, rows)
