"""Issued-invoice records built from real bills of the bundled workspace, as the ledger would
keep them (until the ledger's own ``issue`` builds them, these stand in for it)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import attrs

from engagekit.engine import Engine
from engagekit.ledger.drafts import payment_of, record_of
from engagekit.ledger.record import Books, IssuedInvoice, Reference, SourceFile, Sources, Versions
from engagekit.period import Period
from engagekit.results import Invoice
from engagekit.workspace import Workspace, open_workspace

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def workspace() -> Workspace:
    return open_workspace(EXAMPLES)


def record(
    ws: Workspace,
    project_file: Path,
    invoice: Invoice,
    project: str,
    client_id: str,
    number: str,
    issue_date: date,
    models: dict[str, str],
) -> IssuedInvoice:
    """``invoice`` as the ledger would issue it as ``number`` (made-up sources, and the books
    at rate 1 whatever the currency: exports never read them)."""
    firm, client = ws.firm, ws.client(client_id)
    assert invoice.total is not None
    draft = record_of(
        invoice,
        project=project,
        project_file=ws.relative(project_file),
        series="invoices",
        models=models,
        issue_date=issue_date,
        seller=firm.seller(),
        buyer=client.buyer(),
        payment=payment_of(firm, ws.payment_terms(client)),
        books=Books(firm.books_currency, Decimal(1), invoice.total.amount),
        sources=Sources(SourceFile(ws.relative(project_file), "0" * 64)),
        versions=Versions("test"),
    )
    return attrs.evolve(draft, number=number, sequence=int(number.rsplit("-", 1)[-1])).chained(None)


def credit_note(
    original: IssuedInvoice, number: str, issue_date: date, reason: str
) -> IssuedInvoice:
    """A full credit note of ``original``: the same lines, positive amounts, type 381."""
    return attrs.evolve(
        original,
        kind="credit_note",
        number=number,
        series="credit-notes",
        sequence=int(number.rsplit("-", 1)[-1]),
        issue_date=issue_date,
        due_date=issue_date,
        corrects=Reference(original.number, original.issue_date),
        reason=reason,
    ).chained(None)


def year_of_records(engine: Engine, year: int = 2026) -> list[IssuedInvoice]:
    """Every invoice the bundled workspace's projects bill in ``year``, numbered in order, and
    a credit note for the first one of each quarter."""
    ws = workspace()
    out: list[IssuedInvoice] = []
    seq = 0
    for month in range(1, 13):
        period = Period.parse(f"{year}-{month:02d}")
        issue = period.end - timedelta(days=1)
        for path in ws.project_files():
            project = engine.load_project(path)
            models = {c.name: c.model for c in project.components}
            for invoice in engine.bill(project, period).invoices:
                if not invoice.lines:
                    continue
                seq += 1
                out.append(
                    record(
                        ws,
                        path,
                        invoice,
                        project.name,
                        project.client,
                        f"INV-{year}-{seq:05d}",
                        issue,
                        models,
                    )
                )
    credits = [
        credit_note(r, f"CN-{year}-{i:05d}", r.issue_date + timedelta(days=5), "billed in error")
        for i, r in enumerate([out[0], out[len(out) // 2]], start=1)
    ]
    return out + credits
