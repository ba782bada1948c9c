"""Issuing from Python with the same guarantees as the CLI (which is a thin layer over this)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs

from engagekit.engine import Engine, create_engine
from engagekit.errors import InputError
from engagekit.ledger.drafts import drafts_for
from engagekit.ledger.reconcile import Outcome, plan_correct, plan_credit, plan_issue
from engagekit.ledger.record import IssuedInvoice
from engagekit.ledger.store import Ledger, Plan, open_ledger
from engagekit.period import Period
from engagekit.project import Project
from engagekit.workspace.model import Workspace

__all__ = [
    "IssueResult",
    "Prepared",
    "commit",
    "credit",
    "issue",
    "issued_totals",
    "open_ledger",
    "prepare",
    "preview",
]


@attrs.frozen
class IssueResult:
    """``issued``: written now; ``unchanged``: issued before exactly as recomputed;
    ``drafts``: what a dry run would issue (unnumbered)."""

    project: str
    period: Period
    issued: tuple[IssuedInvoice, ...] = ()
    unchanged: tuple[IssuedInvoice, ...] = ()
    drafts: tuple[IssuedInvoice, ...] = ()
    warnings: tuple[str, ...] = ()


@attrs.frozen(eq=False)
class Prepared:
    """A project's bill turned into drafts, checked, and the plan that issues them."""

    project: Project
    period: Period
    project_file: str
    drafts: tuple[IssuedInvoice, ...]
    lock: tuple[str, ...]
    plan: Plan
    outcome: Outcome
    warnings: tuple[str, ...]


def prepare(
    ws: Workspace,
    project: str | Path | Project,
    period: Period | str,
    *,
    issue_date: date | None = None,
    correct: bool = False,
    reason: str | None = None,
    engine: Engine | None = None,
) -> Prepared:
    """Load and bill ``project``, build its drafts; every input error surfaces here."""
    engine = engine or create_engine()
    if not isinstance(project, Project):
        project = engine.load_project(project)
    if isinstance(period, str):
        period = Period.parse(period)
    day = issue_date or date.today()
    bill = engine.bill(project, period)
    drafts = drafts_for(ws, engine, project, bill.invoices, period, day)
    client = ws.client(project.client, where=project.source)
    outcome = Outcome()
    command = f"engage issue {project.source} --period {period.label}"
    plan = (
        plan_correct(drafts, ws, day, reason) if correct else plan_issue(drafts, outcome, command)
    )
    return Prepared(
        project=project,
        period=period,
        project_file=ws.relative(Path(project.source or "")),
        drafts=tuple(drafts),
        lock=(ws.series_for("invoice", client), ws.invoices.credit_series),
        plan=plan,
        outcome=outcome,
        warnings=bill.warnings,
    )


def preview(prepared: Prepared, ledger: Ledger | None) -> IssueResult:
    """What issuing would do now, writing nothing (raises as issuing would)."""
    existing = (
        ledger.records(project_file=prepared.project_file, period=prepared.period.label)
        if ledger is not None
        else []
    )
    would = tuple(prepared.plan(existing))
    return IssueResult(
        prepared.project.name,
        prepared.period,
        unchanged=tuple(prepared.outcome.unchanged),
        drafts=would,
        warnings=prepared.warnings,
    )


def commit(prepared: Prepared, ledger: Ledger) -> IssueResult:
    """Issue, numbering inside one transaction."""
    written = ledger.issue(
        project_file=prepared.project_file,
        period=prepared.period.label,
        lock=prepared.lock,
        plan=prepared.plan,
    )
    return IssueResult(
        prepared.project.name,
        prepared.period,
        issued=tuple(written),
        unchanged=tuple(prepared.outcome.unchanged),
        warnings=prepared.warnings,
    )


def issue(
    ws: Workspace,
    project: str | Path | Project,
    period: Period | str,
    *,
    issue_date: date | None = None,
    correct: bool = False,
    reason: str | None = None,
    dry_run: bool = False,
    engine: Engine | None = None,
    ledger: Ledger | None = None,
) -> IssueResult:
    """Bill ``project`` for ``period`` and issue it (see docs/ledger.md for the rules).

    Raises ``InputError`` when the input is wrong, when the bill differs from what is issued
    (unless ``correct``), or when ``correct`` finds nothing to correct; nothing is written then.
    """
    prepared = prepare(
        ws, project, period, issue_date=issue_date, correct=correct, reason=reason, engine=engine
    )
    if dry_run and ledger is None and not Ledger.exists(ws.database_url()):
        return preview(prepared, None)
    book = ledger or open_ledger(ws)
    try:
        return preview(prepared, book) if dry_run else commit(prepared, book)
    finally:
        if ledger is None:
            book.close()


def credit(
    ws: Workspace,
    number: str,
    reason: str,
    *,
    issue_date: date | None = None,
    ledger: Ledger | None = None,
) -> IssuedInvoice:
    """A full credit note of the invoice ``number``."""
    if not reason.strip():
        raise InputError("a credit note needs a reason", field="--reason")
    book = ledger or open_ledger(ws)
    try:
        original = book.get(number)
        if original is None:
            raise InputError(
                f"no issued invoice {number}", hint="engage invoices list shows the numbers"
            )
        written = book.issue(
            project_file=original.project_file,
            period=original.period.label,
            lock=[ws.invoices.credit_series],
            plan=plan_credit(number, ws, issue_date or date.today(), reason.strip()),
        )
    finally:
        if ledger is None:
            book.close()
    return written[0]


def issued_totals(ws: Workspace, *, through: str) -> dict[str, Decimal]:
    """Per project (by name): its invoices minus its credit notes of every period that starts
    by the end of ``through``, in the currency of its first issued invoice (``engage status``).
    Empty, and no database created, when nothing was ever issued."""
    from engagekit.ledger.location import ledger_exists

    if not ledger_exists(ws.database_url()):
        return {}
    last = Period.parse(through).last
    book = open_ledger(ws)
    try:
        records = book.records()
    finally:
        book.close()
    currency: dict[str, str] = {}
    totals: dict[str, Decimal] = {}
    for r in records:
        if r.period.start > last or currency.setdefault(r.project, r.currency) != r.currency:
            continue
        totals[r.project] = totals.get(r.project, Decimal(0)) + r.signed_total
    return totals
