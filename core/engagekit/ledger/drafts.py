"""From a computed bill to draft records: legal data, dates, exchange rate, sources, versions.

A draft is an ``IssuedInvoice`` without number, sequence or hashes; the ledger fills those in
inside the issuing transaction. Everything that can be wrong with the input is found here,
before the database is opened.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import attrs

from engagekit._version import __version__
from engagekit.engine import Engine
from engagekit.errors import InputError
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
from engagekit.money import quantum
from engagekit.period import Period
from engagekit.project import Project
from engagekit.results import Invoice
from engagekit.settings import DataFile
from engagekit.workspace.model import Firm, Workspace

__all__ = ["credit_note", "drafts_for", "payment_of", "record_of", "replacement"]


def drafts_for(
    ws: Workspace,
    engine: Engine,
    project: Project,
    invoices: tuple[Invoice, ...],
    period: Period,
    issue_date: date,
) -> list[IssuedInvoice]:
    """One draft per invoice of the bill that has lines (a period with nothing billed has none)."""
    where = project.source
    client = ws.client(project.client, where=where)
    ws.require_legal_data(client)
    series_name = ws.series_for("invoice", client)
    check_issue_date(ws, series_name, period, issue_date)
    payment = payment_of(ws.firm, ws.payment_terms(client))
    sources = _sources(ws, project)
    versions = _versions(engine, project)
    models = {c.name: c.model for c in project.components}
    out = []
    for invoice in invoices:
        if not invoice.lines:
            continue
        assert invoice.total is not None
        out.append(
            record_of(
                invoice,
                project=project.name,
                project_file=sources.project.path,
                series=series_name,
                models=models,
                issue_date=issue_date,
                seller=ws.firm.seller(),
                buyer=client.buyer(),
                payment=payment,
                books=books(ws, invoice.currency, invoice.total.amount, issue_date),
                sources=sources,
                versions=versions,
            )
        )
    return out


def record_of(
    invoice: Invoice,
    *,
    project: str,
    project_file: str,
    series: str,
    models: Mapping[str, str],
    issue_date: date,
    seller: Seller,
    buyer: Buyer,
    payment: Payment,
    books: Books,
    sources: Sources,
    versions: Versions,
) -> IssuedInvoice:
    """The draft record of one invoice of a bill: its lines, adjustments, VAT and totals as
    billed, due ``payment.terms_days`` after ``issue_date``; no number, sequence or hashes yet.

    ``models``: each component's model (for the lines). The rest is decided by the caller:
    ``drafts_for`` from the workspace; tests and benchmarks with made-up parties and sources.
    """
    assert invoice.total is not None
    period = invoice.period
    return IssuedInvoice(
        kind="invoice",
        number="",
        series=series,
        sequence=0,
        project=project,
        project_file=project_file,
        period=RecordPeriod(period.start, period.last, period.label),
        issue_date=issue_date,
        due_date=issue_date + timedelta(days=payment.terms_days),
        currency=invoice.currency,
        seller=seller,
        buyer=buyer,
        payment=payment,
        lines=tuple(
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
        ),
        subtotal=invoice.subtotal.amount,
        adjustments=tuple(
            RecordAdjustment(
                a.name,
                a.stage,
                a.description,
                a.basis.amount,
                a.amount.amount,
                vat=record_adjustment_vat(a.vat),
            )
            for a in invoice.adjustments
        ),
        vat_breakdown=record_vat_breakdown(invoice.vat_breakdown),
        total=invoice.total.amount,
        books=books,
        sources=sources,
        versions=versions,
    )


def payment_of(firm: Firm, terms_days: int) -> Payment:
    """How the buyer pays: SEPA credit transfer (UNTDID 4461 code 58) to the firm's IBAN, where
    it has one, else unspecified (1)."""
    return Payment(
        terms_days=terms_days,
        iban=firm.iban,
        bic=firm.bic,
        means_code="58" if firm.iban else "1",
        terms=f"Net {terms_days} days" if terms_days else "Due on receipt",
    )


def credit_note(
    original: IssuedInvoice, ws: Workspace, issue_date: date, reason: str
) -> IssuedInvoice:
    """A full credit note of ``original``: its lines and amounts, positive, referencing it."""
    return attrs.evolve(
        original,
        kind="credit_note",
        number="",
        series=ws.invoices.credit_series,
        sequence=0,
        issue_date=issue_date,
        due_date=issue_date,
        books=books(ws, original.currency, original.total, issue_date),
        corrects=Reference(original.number, original.issue_date),
        reason=reason,
        prev_hash=None,
        hash="",
    )


def replacement(draft: IssuedInvoice, original: IssuedInvoice) -> IssuedInvoice:
    """``draft`` issued in place of ``original`` (which a credit note cancels)."""
    return attrs.evolve(
        draft,
        corrects=Reference(original.number, original.issue_date),
        reason=f"replaces {original.number}",
    )


def check_issue_date(ws: Workspace, series: str, period: Period, issue_date: date) -> None:
    if ws.invoices.series[series].issue_within_period and issue_date not in period:
        raise InputError(
            f"issue date {issue_date} is outside the period {period.label} "
            f"({period.start} to {period.last}), which series {series!r} forbids",
            where=ws.file,
            line=ws.line_of("invoices", "series", series, "issue_within_period"),
            field=f"invoices.series.{series}.issue_within_period",
            hint=f"pass --date between {period.start} and {period.last}",
        )


def books(ws: Workspace, currency: str, total: Decimal, on: date) -> Books:
    """The total in the books currency at the rate in force ``on`` that day."""
    target = ws.firm.books_currency
    if currency == target:
        return Books(target, Decimal(1), total)
    rates = [r for r in ws.fx if r.currency == currency and (r.since is None or r.since <= on)]
    if not rates:
        raise InputError(
            f"no exchange rate from {currency} to the books currency {target} on {on}",
            where=ws.file,
            field="fx.rates",
            hint=f'add {{ currency = "{currency}", rate = ..., since = {on} }} to [fx] rates',
        )
    rate = max(rates, key=lambda r: r.since or date.min).rate
    converted = (total * rate).quantize(quantum(target), rounding=ROUND_HALF_UP)
    return Books(target, rate, converted)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sources(ws: Workspace, project: Project) -> Sources:
    if project.source is None:
        raise InputError("a project issued from a workspace must come from a file")
    files = sorted({Path(f.path).resolve() for f in _data_files(project.components)})
    return Sources(
        SourceFile(ws.relative(project.source), sha256_of(Path(project.source))),
        tuple(SourceFile(ws.relative(p), sha256_of(p)) for p in files),
    )


def _data_files(value: Any) -> Iterator[DataFile]:
    """Every data file a project's settings name, however deeply nested."""
    if isinstance(value, DataFile):
        yield value
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            yield from _data_files(getattr(value, field.name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _data_files(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _data_files(item)


def _versions(engine: Engine, project: Project) -> Versions:
    plugins: dict[str, str] = {}
    for component in project.components:
        spec = engine.models.get(component.model)
        if spec is not None:
            plugins[spec.plugin or component.model] = spec.version or "unknown"
    return Versions(__version__, plugins)
