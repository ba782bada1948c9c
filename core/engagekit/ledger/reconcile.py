"""What to issue, given what is issued already: the plans ``Ledger.issue`` runs under its lock.

An invoice is *live* until a credit note cancels it. Per project, period and currency there is
at most one live invoice, and the ledger's sum (invoices minus credit notes) equals it.

Corrections are a full credit note of the live invoice plus a replacement invoice, both
pointing at the original (EN 16931 BT-25), rather than one corrective invoice for the
difference: the replacement is complete on its own (the client pays from one document, not by
adding up several), a credit note and an invoice never mix negative and positive lines, which
many e-invoicing receivers refuse, and every figure of the period is read off one invoice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import attrs

from engagekit.errors import InputError
from engagekit.ledger.drafts import credit_note, replacement
from engagekit.ledger.record import IssuedInvoice, to_document
from engagekit.ledger.store import Plan
from engagekit.workspace.model import Workspace

__all__ = ["Outcome", "differences", "live_invoices", "plan_correct", "plan_credit", "plan_issue"]

_COMPARED = ("currency", "lines", "subtotal", "adjustments", "vat_breakdown", "total")


@attrs.define
class Outcome:
    """What a plan found besides what it wrote: invoices already issued as recomputed."""

    unchanged: list[IssuedInvoice] = attrs.Factory(list)


def live_invoices(existing: Sequence[IssuedInvoice]) -> dict[str, IssuedInvoice]:
    """The invoices no credit note cancels, by currency."""
    credited = {r.corrects.number for r in existing if r.kind == "credit_note" and r.corrects}
    return {r.currency: r for r in existing if r.kind == "invoice" and r.number not in credited}


def _content(record: IssuedInvoice) -> dict[str, Any]:
    doc = to_document(record)
    return {k: doc[k] for k in _COMPARED}


def differences(issued: IssuedInvoice, draft: IssuedInvoice | None) -> list[str]:
    """The recomputed bill against the issued invoice, line by line; [] when they agree."""
    old = _content(issued)
    if draft is None:
        return [f"  - nothing is billed any more (issued total {old['total']} {issued.currency})"]
    new = _content(draft)
    if old == new:
        return []
    out: list[str] = []

    def key(line: dict[str, Any]) -> tuple[str, str]:
        return (line["component"], line["description"])

    before: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for line in old["lines"]:
        before.setdefault(key(line), []).append(line)
    for line in new["lines"]:
        was = before.get(key(line))
        label = f"{line['component']}: {line['description']}"
        if not was:
            out.append(
                f"  + {label}: {line['quantity']} {line['unit']} x {line['unit_price']} = {line['amount']}"
            )
            continue
        prev = was.pop(0)
        changed = [
            f"{field.replace('_', ' ')} {prev[field]} -> {line[field]}"
            for field in ("quantity", "unit_price", "amount", "unit", "kind", "vat")
            if prev[field] != line[field]
        ]
        if changed:
            out.append(f"  ~ {label}: " + ", ".join(changed))
    for lines in before.values():
        for line in lines:
            out.append(f"  - {line['component']}: {line['description']}: {line['amount']}")
    adjustments_before = {a["name"]: a["amount"] for a in old["adjustments"]}
    for a in new["adjustments"]:
        prev_amount = adjustments_before.pop(a["name"], None)
        if prev_amount != a["amount"]:
            out.append(f"  ~ {a['name']}: {prev_amount or 'none'} -> {a['amount']}")
    for name, amount in adjustments_before.items():
        out.append(f"  - {name}: {amount}")
    if old["subtotal"] != new["subtotal"]:
        out.append(f"  subtotal {old['subtotal']} -> {new['subtotal']}")
    if old["total"] != new["total"]:
        out.append(f"  total {old['total']} -> {new['total']} {issued.currency}")
    return out or ["  (the invoices differ in detail; see engage invoices show --json)"]


def _drift(issued: IssuedInvoice, draft: IssuedInvoice | None) -> str:
    head = (
        f"{issued.project} ({issued.project_file}) {issued.period.label} {issued.currency}: "
        f"the bill differs from the issued {issued.number}"
    )
    return "\n".join([head, *differences(issued, draft)])


def _pair(
    existing: Sequence[IssuedInvoice], drafts: Sequence[IssuedInvoice]
) -> list[tuple[IssuedInvoice | None, IssuedInvoice | None]]:
    live = live_invoices(existing)
    pairs: list[tuple[IssuedInvoice | None, IssuedInvoice | None]] = [
        (live.pop(d.currency, None), d) for d in drafts
    ]
    pairs += [(issued, None) for issued in live.values()]
    return pairs


def plan_issue(drafts: Sequence[IssuedInvoice], outcome: Outcome, command: str) -> Plan:
    """Issue what is new; name what is issued already; refuse, showing why, what differs."""

    def plan(existing: list[IssuedInvoice]) -> list[IssuedInvoice]:
        outcome.unchanged.clear()
        new, drifted = [], []
        for issued, draft in _pair(existing, drafts):
            if issued is None:
                assert draft is not None
                new.append(draft)
            elif differences(issued, draft):
                drifted.append(_drift(issued, draft))
            else:
                outcome.unchanged.append(issued)
        if drifted:
            raise InputError(
                "\n".join(drifted),
                hint=f"issued invoices never change; to credit and replace: {command} --correct",
            )
        return new

    return plan


def plan_correct(
    drafts: Sequence[IssuedInvoice], ws: Workspace, issue_date: date, reason: str | None
) -> Plan:
    """For each currency whose bill changed: a credit note of the live invoice and a
    replacement (or only the credit note when nothing is billed any more)."""

    def plan(existing: list[IssuedInvoice]) -> list[IssuedInvoice]:
        if not live_invoices(existing):
            raise InputError(
                "nothing is issued for this project and period, so there is nothing to correct",
                hint="issue it: engage issue PROJECT --period P",
            )
        out: list[IssuedInvoice] = []
        for issued, draft in _pair(existing, drafts):
            if issued is None:
                assert draft is not None
                out.append(draft)
            elif differences(issued, draft):
                why = reason or f"corrected: the bill of {issued.period.label} changed"
                out.append(credit_note(issued, ws, issue_date, why))
                if draft is not None:
                    out.append(replacement(draft, issued))
        if not out:
            numbers = ", ".join(r.number for r in live_invoices(existing).values())
            raise InputError(
                f"--correct: the bill is exactly as issued ({numbers}); nothing to correct"
            )
        return out

    return plan


def plan_credit(number: str, ws: Workspace, issue_date: date, reason: str) -> Plan:
    """A full credit note of invoice ``number``, if it is live."""

    def plan(existing: list[IssuedInvoice]) -> list[IssuedInvoice]:
        original = next((r for r in existing if r.number == number), None)
        if original is None:  # the caller looked it up; it can only be missing if deleted
            raise InputError(f"no issued invoice {number}")
        if original.kind == "credit_note":
            raise InputError(
                f"{number} is a credit note; a credit note cannot be credited",
                hint="issue a new invoice instead",
            )
        for r in existing:
            if r.kind == "credit_note" and r.corrects and r.corrects.number == number:
                raise InputError(f"{number} is credited already, by {r.number}")
        return [credit_note(original, ws, issue_date, reason)]

    return plan
