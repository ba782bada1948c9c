"""The ledger's commands: ``issue``, ``credit``, ``invoices list|show``, ``ledger verify|export``.

Added to the ``engage`` app by ``add_ledger_commands``; everything heavy is imported when a
command runs, so ``engage --help`` does not pay for SQLAlchemy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from engagekit.engine import Engine
    from engagekit.ledger.record import IssuedInvoice
    from engagekit.ledger.service import IssueResult
    from engagekit.project import Project
    from engagekit.results import ProjectBill
    from engagekit.workspace import Workspace

__all__ = ["add_ledger_commands", "issued_notes"]

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="The workspace folder; default: found by walking up from the project file or here.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
DateOpt = Annotated[
    str | None, typer.Option("--date", help="Issue date (YYYY-MM-DD); default: today.")
]


def _workspace(option: Path | None, near: Path | None = None) -> Workspace:
    from engagekit.workspace import open_workspace

    return open_workspace(option or near or Path.cwd())


def _date(text: str | None) -> date | None:
    from engagekit.errors import InputError

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{text!r} is not a date", field="--date", hint="use YYYY-MM-DD") from None


def _money(amount: Any, currency: str) -> str:
    return f"{amount:,} {currency}"


def _say(text: str, err: bool = False) -> None:
    """A human line: names and reasons come from users' files, shown, never obeyed by the
    terminal (engagekit.terminal)."""
    from engagekit.terminal import printable

    typer.echo(printable(text), err=err)


def _notes(notes: Sequence[str]) -> None:
    for note in notes:
        _say(note, err=True)


def add_ledger_commands(
    app: typer.Typer, engine: Engine, errors: Callable[[], AbstractContextManager[None]]
) -> dict[str, typer.Typer]:
    """Add the commands to ``app``; returns the ``invoices`` and ``ledger`` groups so that
    other parts of engagekit can add commands to them."""
    invoices_app = typer.Typer(help="Issued invoices and credit notes.", no_args_is_help=True)
    ledger_app = typer.Typer(help="The ledger itself: verify it, export it.", no_args_is_help=True)
    app.add_typer(invoices_app, name="invoices")
    app.add_typer(ledger_app, name="ledger")

    @app.command()
    def issue(
        project: Annotated[
            Path | None,
            typer.Argument(help="The project file (TOML).", metavar="FILE", show_default=False),
        ] = None,
        period: Annotated[
            str, typer.Option("--period", "-p", help="Billing period: YYYY-MM, YYYY-Www, ...")
        ] = "",
        all_: Annotated[
            bool, typer.Option("--all", help="Every project of the workspace.")
        ] = False,
        date_: DateOpt = None,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Show what would be issued; write nothing.")
        ] = False,
        correct: Annotated[
            bool,
            typer.Option(
                "--correct",
                help="Where the bill changed since issue: a credit note and a replacement.",
            ),
        ] = False,
        reason: Annotated[
            str | None, typer.Option("--reason", help="Why (printed on credit notes).")
        ] = None,
        workspace: WorkspaceOpt = None,
        json_: JsonOpt = False,
    ) -> None:
        """Bill a period and issue it: numbered, recorded, never changed afterwards."""
        if not period:
            raise typer.BadParameter("--period is required", param_hint="--period")
        if all_ == (project is not None):
            raise typer.BadParameter("give a project FILE or --all (not both)")
        with errors():
            _issue(
                engine,
                project,
                period,
                all_,
                _date(date_),
                dry_run,
                correct,
                reason,
                workspace,
                json_,
            )

    @app.command()
    def credit(
        number: Annotated[str, typer.Argument(help="The invoice to credit in full.")],
        reason: Annotated[str, typer.Option("--reason", help="Why; printed on the credit note.")],
        date_: DateOpt = None,
        workspace: WorkspaceOpt = None,
    ) -> None:
        """Issue a credit note for the whole of an invoice."""
        from engagekit.ledger.service import credit as credit_invoice
        from engagekit.ledger.store import open_ledger

        with errors():
            ws = _workspace(workspace)
            ledger = open_ledger(ws)
            try:
                _notes(ledger.notes)
                note = credit_invoice(ws, number, reason, issue_date=_date(date_), ledger=ledger)
            finally:
                ledger.close()
            _say(
                f"issued credit note {note.number} for {number} "
                f"({_money(note.total, note.currency)})"
            )

    @invoices_app.command("list")
    def list_(
        project: Annotated[
            Path | None, typer.Option("--project", help="Only this project file's.")
        ] = None,
        period: Annotated[
            str | None, typer.Option("--period", "-p", help="Only this period.")
        ] = None,
        json_: JsonOpt = False,
        csv_: Annotated[bool, typer.Option("--csv", help="Print CSV rows.")] = False,
        workspace: WorkspaceOpt = None,
    ) -> None:
        """List issued invoices and credit notes, oldest first."""
        with errors():
            ws = _workspace(workspace, project)
            label = _period_label(period)
            records = _records(
                ws, project_file=ws.relative(project) if project else None, period=label
            )
            _print_list(
                records, json_=json_, csv_=csv_, filtered=project is not None or period is not None
            )

    @invoices_app.command("show")
    def show(
        number: Annotated[str, typer.Argument(help="The invoice or credit note number.")],
        json_: JsonOpt = False,
        workspace: WorkspaceOpt = None,
    ) -> None:
        """Show one issued invoice or credit note as it was issued."""
        from engagekit.errors import InputError
        from engagekit.ledger.record import to_document

        with errors():
            ws = _workspace(workspace)
            found = _records(ws, number=number)
            if not found:
                raise InputError(
                    f"no issued invoice {number}", hint="engage invoices list shows the numbers"
                )
            record = found[0]
            if json_:
                typer.echo(
                    json.dumps(to_document(record), indent=2, sort_keys=True, ensure_ascii=False)
                )
            else:
                _print_record(record)

    @ledger_app.command("verify")
    def verify_(
        workspace: WorkspaceOpt = None,
        full: Annotated[
            bool,
            typer.Option(
                "--full",
                help="Also parse every document and compare it with its rows (slower): "
                "finds a record rewritten and rehashed with a stale index digest.",
            ),
        ] = False,
    ) -> None:
        """Recompute every record's hash and each series' chain; name the first that fails."""
        from engagekit.ledger.integrity import ok_message, verify
        from engagekit.ledger.store import open_ledger

        with errors():
            ws = _workspace(workspace)
            ledger = open_ledger(ws)
            try:
                _notes(ledger.notes)
                report = verify(ledger, full=full)
            finally:
                ledger.close()
            if not report.ok:
                _say(f"error: the ledger does not verify: {report.problems[0]}", err=True)
                for problem in report.problems[1:]:
                    _say(f"  also: {problem}", err=True)
                raise typer.Exit(1)
            _say(ok_message(report))

    @ledger_app.command("export")
    def export(
        format_: Annotated[
            str, typer.Option("--format", help="jsonl (one record per line) or csv.")
        ] = "jsonl",
        since: Annotated[
            str | None, typer.Option("--since", help="Only records issued on or after this date.")
        ] = None,
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write to this file (atomically).")
        ] = None,
        workspace: WorkspaceOpt = None,
    ) -> None:
        """Export issued records for accounting imports."""
        from engagekit.errors import InputError
        from engagekit.ledger.export import export_csv, export_jsonl

        with errors():
            if format_ not in ("jsonl", "csv"):
                raise InputError(
                    f"unknown format {format_!r}", field="--format", hint="jsonl or csv"
                )
            ws = _workspace(workspace)
            records = _records(ws, since=_date(since))
            text = export_jsonl(records) if format_ == "jsonl" else export_csv(records)
            _write(text, output)

    return {"invoices": invoices_app, "ledger": ledger_app}


def _period_label(text: str | None) -> str | None:
    from engagekit.period import Period

    return Period.parse(text).label if text else None


def _records(ws: Workspace, **filters: Any) -> list[IssuedInvoice]:
    """Records of the workspace's ledger; none (and no database created) before any issue."""
    from engagekit.ledger.store import Ledger, open_ledger

    if not Ledger.exists(ws.database_url()):
        return []
    ledger = open_ledger(ws)
    try:
        _notes(ledger.notes)
        return ledger.records(**filters)
    finally:
        ledger.close()


def _write(text: str, output: Path | None) -> None:
    import sys

    if output is None:
        sys.stdout.write(text)
        return
    from engagekit.output import write_atomic

    write_atomic(output, text)
    _say(f"wrote {output}", err=True)


def _issue(
    engine: Engine,
    project: Path | None,
    period: str,
    all_: bool,
    issue_date: date | None,
    dry_run: bool,
    correct: bool,
    reason: str | None,
    workspace: Path | None,
    json_: bool,
) -> None:
    from engagekit.errors import InputError
    from engagekit.ledger.record import to_document
    from engagekit.ledger.service import commit, prepare, preview
    from engagekit.ledger.store import Ledger, open_ledger

    ws = _workspace(workspace, project)
    files = ws.project_files() if all_ else [project] if project else []
    if not files:
        raise InputError(f"no project files match projects = {list(ws.projects)}", where=ws.file)
    # Every project is loaded, billed and checked before anything is written.
    prepared = [
        prepare(ws, f, period, issue_date=issue_date, correct=correct, reason=reason, engine=engine)
        for f in files
    ]
    exists = Ledger.exists(ws.database_url())
    ledger = open_ledger(ws) if exists or not dry_run else None
    results: list[IssueResult] = []
    try:
        if ledger is not None:
            _notes(ledger.notes)
        if len(prepared) > 1:  # refuse the lot if any project drifted, before writing any
            for p in prepared:
                preview(p, ledger)
        for p in prepared:
            if dry_run:
                results.append(preview(p, ledger))
            else:
                assert ledger is not None  # opened above unless dry_run
                results.append(commit(p, ledger))
    finally:
        if ledger is not None:
            ledger.close()
    if json_:
        doc = [
            {
                "project": r.project,
                "period": r.period.label,
                "issued": [to_document(x) for x in r.issued],
                "already_issued": [x.number for x in r.unchanged],
                "would_issue": [to_document(x) for x in r.drafts],
            }
            for r in results
        ]
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    for r in results:
        for w in r.warnings:
            _say(f"warning: {r.project}: {w}", err=True)
        for x in r.issued:
            what = "credit note" if x.kind == "credit_note" else "invoice"
            ref = f", corrects {x.corrects.number}" if x.corrects else ""
            _say(
                f"issued {what} {x.number}: {r.project}, {r.period.label}, "
                f"{_money(x.total, x.currency)}, due {x.due_date}{ref}"
            )
        for x in r.unchanged:
            _say(
                f"already issued as {x.number}: {r.project}, {r.period.label}, "
                f"{_money(x.total, x.currency)} (nothing changed)"
            )
        for x in r.drafts:
            what = "credit note" if x.kind == "credit_note" else "invoice"
            _say(
                f"would issue {what} in series {x.series}: {r.project}, {r.period.label}, "
                f"{_money(x.total, x.currency)}"
            )
        if not (r.issued or r.unchanged or r.drafts):
            _say(f"nothing to invoice: {r.project} bills nothing in {r.period.label}")


def _print_list(
    records: Sequence[IssuedInvoice], *, json_: bool, csv_: bool, filtered: bool = False
) -> None:
    from engagekit.ledger.record import to_document

    credited = {
        r.corrects.number: r.number for r in records if r.kind == "credit_note" and r.corrects
    }
    if json_:
        typer.echo(json.dumps([to_document(r) for r in records], indent=2, ensure_ascii=False))
        return
    header = ("number", "kind", "date", "project", "period", "client", "total", "status")
    rows = []
    for r in records:
        if r.kind == "credit_note":
            status = f"credits {r.corrects.number}" if r.corrects else ""
        else:
            status = f"credited by {credited[r.number]}" if r.number in credited else "issued"
            if r.corrects:
                status += f", replaces {r.corrects.number}"
        rows.append(
            (
                r.number,
                "credit note" if r.kind == "credit_note" else "invoice",
                r.issue_date.isoformat(),
                r.project,
                r.period.label,
                r.buyer.id,
                _money(r.total, r.currency),
                status,
            )
        )
    if csv_:
        from engagekit.output import csv_text

        _write(csv_text(header, rows), None)
        return
    if not records:
        _say(f"no invoices{' match' if filtered else ' issued yet'}", err=True)
        return
    from engagekit import cli
    from engagekit.fit import Col, print_table

    cols = [
        Col("number", nowrap=True),
        Col("kind", nowrap=True, optional=2),
        Col("date", nowrap=True, optional=3),
        Col("project"),
        Col("period", nowrap=True),
        Col("client", optional=1),
        Col("total", numeric=True),
        Col("status"),
    ]
    print_table(cli._console(), "Issued invoices and credit notes", cols, rows)


def _print_record(r: IssuedInvoice) -> None:
    what = "Credit note" if r.kind == "credit_note" else "Invoice"
    out = [
        f"{what} {r.number} (series {r.series}), issued {r.issue_date}, due {r.due_date}",
        f"  from {r.seller.name}, {r.seller.street}, {r.seller.postcode} {r.seller.city}, "
        f"{r.seller.country}, VAT {r.seller.vat_id}",
        f"  to   {r.buyer.name} [{r.buyer.id}], {r.buyer.street}, {r.buyer.postcode} "
        f"{r.buyer.city}, {r.buyer.country}"
        + (f", VAT {r.buyer.vat_id}" if r.buyer.vat_id else ""),
        f"  for  {r.project} ({r.project_file}), {r.period.label} "
        f"({r.period.start} to {r.period.end})",
    ]
    if r.corrects:
        out.append(f"  corrects {r.corrects.number} of {r.corrects.issue_date}: {r.reason or ''}")
    for line in r.lines:
        out.append(
            f"  {line.position:>3}. {line.component}: {line.description}  "
            f"{line.quantity} {line.unit} x {line.unit_price} = {line.amount:,}"
        )
    out.append(f"       subtotal {_money(r.subtotal, r.currency)}")
    for a in r.adjustments:
        out.append(f"       {a.name} [{a.stage}] {_money(a.amount, r.currency)}")
    out.append(f"       total {_money(r.total, r.currency)}")
    if r.books.currency != r.currency:
        out.append(
            f"       in the books: {_money(r.books.total, r.books.currency)} at {r.books.rate}"
        )
    out.append(
        f"  payment: {r.payment.terms}" + (f", IBAN {r.payment.iban}" if r.payment.iban else "")
    )
    out.append(f"  hash {r.hash}")
    _say("\n".join(out))


def issued_notes(engine: Engine, ws_near: Path, project: Project, bill: ProjectBill) -> list[str]:
    """For ``engage bill``: the numbers a period was issued under, and any drift since."""
    # Most bills have no workspace: finding none must not import its model (nor the ledger's
    # record classes it builds on), some 20 ms of every plain `engage bill`.
    from engagekit.workspace.find import find_workspace

    if find_workspace(ws_near) is None:
        return []
    from engagekit.ledger.location import ledger_exists
    from engagekit.workspace import open_workspace

    ws = open_workspace(ws_near)
    if not ledger_exists(ws.database_url()):
        return []  # nothing issued yet; and no SQLAlchemy import for a plain bill
    from engagekit.ledger.drafts import drafts_for
    from engagekit.ledger.reconcile import differences, live_invoices

    records = _records(ws, project_file=ws.relative(ws_near), period=bill.period.label)
    live = live_invoices(records)
    if not live:
        return []
    notes = []
    by_currency = {inv.currency: inv for inv in bill.invoices if inv.lines}
    for currency, issued in live.items():
        notes.append(
            f"{bill.period.label} is issued as {issued.number} ({_money(issued.total, currency)})"
        )
        invoice = by_currency.get(currency)
        try:
            drafts = (
                drafts_for(ws, engine, project, (invoice,), bill.period, issued.issue_date)
                if invoice
                else []
            )
        except Exception as exc:  # legal data missing etc.: the bill itself is still shown
            notes.append(f"warning: cannot compare with {issued.number}: {exc}")
            continue
        diff = differences(issued, drafts[0] if drafts else None)
        if diff:
            notes.append(
                f"warning: the bill has drifted from the issued {issued.number}:\n"
                + "\n".join(diff)
                + f"\n  to correct it: engage issue {ws_near} --period {bill.period.label} --correct"
            )
    return notes
