"""Issued-invoice records built from real bills of the bundled workspace, as the ledger would
keep them (until the ledger's own ``issue`` builds them, these stand in for it)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import attrs

from engagekit.engine import Engine
from engagekit.ledger.record import (
    Books,
    Buyer,
    IssuedInvoice,
    Payment,
    RecordAdjustment,
    RecordLine,
    RecordPeriod,
    Reference,
    Seller,
    SourceFile,
    Sources,
    Versions,
    record_adjustment_vat,
    record_line_vat,
    record_vat_breakdown,
    unit_code,
)
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
    firm, client = ws.firm, ws.client(client_id)
    terms = client.payment_terms_days or firm.payment_terms_days
    cur = invoice.currency
    lines = tuple(
        RecordLine(
            position=i,
            component=line.component,
            model=models.get(line.component, ""),
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            unit_code=unit_code(line.unit),
            unit_price=line.unit_price.amount,
            amount=line.amount.amount,
            kind=line.kind,
            vat=record_line_vat(line.vat),
        )
        for i, line in enumerate(invoice.lines, start=1)
    )
    assert invoice.total is not None
    return IssuedInvoice(
        kind="invoice",
        number=number,
        series="invoices",
        sequence=int(number.rsplit("-", 1)[-1]),
        project=project,
        project_file=ws.relative(project_file),
        period=RecordPeriod(
            invoice.period.start, invoice.period.end - timedelta(days=1), invoice.period.label
        ),
        issue_date=issue_date,
        due_date=issue_date + timedelta(days=terms),
        currency=cur,
        seller=Seller(
            firm.name,
            firm.street,
            firm.city,
            firm.postcode,
            firm.country,
            firm.vat_id,
            firm.registration,
            firm.email,
            firm.iban,
            firm.bic,
        ),
        buyer=Buyer(
            client.id,
            client.name,
            client.street,
            client.city,
            client.postcode,
            client.country,
            client.vat_id,
            client.registration,
            client.email,
            client.buyer_reference,
        ),
        payment=Payment(
            terms, firm.iban, firm.bic, "58" if firm.iban else "1", f"Net {terms} days"
        ),
        lines=lines,
        subtotal=invoice.subtotal.amount,
        adjustments=tuple(
            RecordAdjustment(
                a.name,
                a.stage,
                a.description,
                a.basis.amount,
                a.amount.amount,
                record_adjustment_vat(a.vat),
            )
            for a in invoice.adjustments
        ),
        vat_breakdown=record_vat_breakdown(invoice.vat_breakdown),
        total=invoice.total.amount,
        books=Books(firm.books_currency, Decimal(1), invoice.total.amount),
        sources=Sources(SourceFile(ws.relative(project_file), "0" * 64)),
        versions=Versions("test"),
    ).chained(None)


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
