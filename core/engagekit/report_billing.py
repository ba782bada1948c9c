"""The report's billing by month: which months are issued, which billed from the data, and
which projected by the plan.

A component's data reaches up to the day its measures say (``as_of``, ``status_date`` or
``window_end``; without one, the latest of any component's). A month that starts after that day
is projected for it: by the ``billing_plan`` its estimate or its bill gives (a list of
``{"month", "amount", "basis"}``: the T&M team plan, the fixed-price milestones at their dates
or planned ends, a dedicated team's plan), or, without one, by its bill of that month (an
SLA's fees). A component whose measures report a cap (``cap_money``) is projected up to the
cap and no further. A projected month's invoice is made as ``engage bill`` makes one
(``Engine.invoice``): the projected lines, the actual lines of the other components, then
discounts and tax.

A month is *issued* when the workspace's ledger holds a live invoice for it (its number is
shown), *actual* when every component in it is billed from data, *projected* when every
component is projected, and *actual + projected* in between.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from engagekit.money import Money
from engagekit.period import Period
from engagekit.results import Invoice, InvoiceLine, ProjectBill, ProjectEstimate, ServiceReport

if TYPE_CHECKING:
    from engagekit.engine import Engine
    from engagekit.project import Project

__all__ = [
    "AS_OF_KEYS",
    "BillingMonth",
    "billing_months",
    "collapse_nothing_to_bill",
    "data_dates",
    "issued_numbers",
    "net_and_tax",
]

#: The metric of each model's measures that says up to which day its data runs.
AS_OF_KEYS = ("as_of", "status_date", "window_end")


@attrs.frozen
class BillingMonth:
    """One month of the report's billing: its invoices (one per currency) and what they are."""

    bill: ProjectBill
    invoices: tuple[Invoice, ...]
    #: The components projected in this month (their lines are the plan's, not the data's).
    projected: tuple[str, ...] = ()
    #: The ledger's numbers of the invoices issued for this month.
    issued: tuple[str, ...] = ()
    #: The components running in this month.
    running: tuple[str, ...] = ()
    #: Of ``projected``, those billed from the data for part of the month and projected after.
    partly: tuple[str, ...] = ()

    @property
    def period(self) -> Period:
        return self.bill.period

    @property
    def basis(self) -> str:
        if self.issued:
            return "issued " + ", ".join(self.issued)
        if not self.projected:
            return "actual"
        if set(self.running) <= set(self.projected) and not self.partly:
            return "projected"
        return "actual + projected"


def data_dates(service: ServiceReport | None) -> dict[str, date]:
    """The day each component's data reaches, by component name."""
    out: dict[str, date] = {}
    for m in service.components if service is not None else ():
        for key in AS_OF_KEYS:
            value = m.metrics.get(key)
            if isinstance(value, date):
                out[m.component] = value
                break
    return out


def issued_numbers(project: Project) -> dict[str, tuple[str, ...]]:
    """Period label -> numbers of the live invoices the workspace's ledger holds for
    ``project``; empty outside a workspace or before anything is issued (no database made)."""
    if project.source is None:
        return {}
    from engagekit.workspace import find_workspace, open_workspace

    if find_workspace(project.source) is None:
        return {}
    ws = open_workspace(project.source)
    from engagekit.ledger.location import ledger_exists

    if not ledger_exists(ws.database_url()):
        return {}
    from engagekit.ledger.reconcile import live_invoices
    from engagekit.ledger.service import open_ledger

    book = open_ledger(ws)
    try:
        records = book.records(project_file=ws.relative(project.source))
    finally:
        book.close()
    by_period: dict[str, list[Any]] = {}
    for r in records:
        by_period.setdefault(r.period.label, []).append(r)
    return {
        label: tuple(sorted(inv.number for inv in live_invoices(rs).values()))
        for label, rs in by_period.items()
        if live_invoices(rs)
    }


@attrs.frozen
class PlanEntry:
    """One entry of a component's ``billing_plan``."""

    month: str
    amount: Money
    basis: str
    #: The day it bills, where the plan knows one (a milestone); None: the whole month.
    day: date | None = None
    #: Not yet decided by the data (a milestone awaiting acceptance): when its day has passed
    #: by the data's date, it is overdue and projected for the day after.
    pending: bool = False

    def placed(self, as_of: date | None) -> tuple[str, date | None]:
        """(month label, day) it is projected for, given the component's data date."""
        if self.pending and self.day is not None and as_of is not None and self.day <= as_of:
            later = as_of + timedelta(days=1)
            return f"{later:%Y-%m}", later
        return self.month, self.day


def _plans(
    estimate: ProjectEstimate | None, bills: Sequence[ProjectBill]
) -> dict[str, list[PlanEntry]]:
    """Component -> the entries of its ``billing_plan``: from its estimate's details, else
    from its last bill's (a model that needs the data to place its plan, such as the
    acceptances of milestones, gives it with the bill)."""
    found: dict[str, Any] = {}
    for b in reversed(bills):
        for c in b.components:
            found.setdefault(c.component, c.details.get("billing_plan"))
    for r in estimate.components if estimate is not None else ():
        if r.details.get("billing_plan") is not None:
            found[r.component] = r.details["billing_plan"]
    out: dict[str, list[PlanEntry]] = {}
    for name, plan in found.items():
        if not isinstance(plan, list):
            continue
        entries = out.setdefault(name, [])
        for e in plan:
            if isinstance(e, Mapping) and isinstance(e.get("amount"), Money):
                day = e.get("date")
                entries.append(
                    PlanEntry(
                        str(e.get("month")),
                        e["amount"],
                        str(e.get("basis") or "plan"),
                        day if isinstance(day, date) else None,
                        bool(e.get("pending", False)),
                    )
                )
    return out


def _caps(service: ServiceReport | None) -> dict[str, Money]:
    out = {}
    for m in service.components if service is not None else ():
        cap = m.metrics.get("cap_money")
        if isinstance(cap, Money):
            out[m.component] = cap
    return out


def billing_months(
    engine: Engine,
    project: Project,
    bills: Sequence[ProjectBill],
    estimate: ProjectEstimate | None,
    service: ServiceReport | None,
    issued: Mapping[str, tuple[str, ...]] | None = None,
) -> list[BillingMonth]:
    """``bills`` (one per month, in order) with the months after each component's data
    projected, as the module's docstring says."""
    dates = data_dates(service)
    latest = max(dates.values(), default=None)
    plans = _plans(estimate, bills)
    caps = _caps(service)
    issued = issued or {}
    cur = project.currency
    order = [c.name for c in project.components]
    billed: dict[str, Money] = {}  # per component: billed to date in the project currency
    out = []
    for b in bills:
        m = b.period
        running = tuple(c.name for c in project.components if m.clip(c.start, c.end) is not None)
        replaced: dict[str, list[InvoiceLine]] = {}  # the plan's lines instead of the bill's
        added: dict[str, list[InvoiceLine]] = {}  # the plan's lines beside the bill's
        projected = []
        if m.label not in issued:
            for name in running:
                as_of = dates.get(name, latest)
                if as_of is None or as_of >= m.last:
                    continue
                entries = [
                    (e, *e.placed(as_of)) for e in plans.get(name, ()) if e.amount.currency == cur
                ]
                if m.start > as_of:
                    projected.append(name)
                    if name in plans:
                        replaced[name] = [
                            _line(name, e) for e, label, _ in entries if label == m.label
                        ]
                else:  # the data ends inside the month: what the plan has after that day
                    late = [
                        _line(name, e)
                        for e, label, day in entries
                        if e.pending and label == m.label and day is not None and day > as_of
                    ]
                    if late:
                        projected.append(name)
                        added[name] = late
        invoices = b.invoices
        if replaced or added:
            invoices = _projected(engine, project, b, replaced, added, caps, billed, order)
        for inv in invoices:
            if inv.currency == cur:
                for comp, sub in inv.subtotals().items():
                    billed[comp] = billed.get(comp, Money.zero(cur)) + sub
        out.append(
            BillingMonth(
                b, tuple(invoices), tuple(projected), issued.get(m.label, ()), running, tuple(added)
            )
        )
    return out


def _projected(
    engine: Engine,
    project: Project,
    bill: ProjectBill,
    replaced: Mapping[str, list[InvoiceLine]],
    added: Mapping[str, list[InvoiceLine]],
    caps: Mapping[str, Money],
    billed: Mapping[str, Money],
    order: list[str],
) -> tuple[Invoice, ...]:
    cur = project.currency
    invoices = []
    for inv in bill.invoices:
        lines = [line for line in inv.lines if line.component not in replaced]
        if inv.currency == cur:
            for name in sorted({*replaced, *added}, key=order.index):
                before = billed.get(name, Money.zero(cur)) + Money.total(
                    (line.amount for line in lines if line.component == name), cur
                )
                plan = replaced.get(name, []) + added.get(name, [])
                lines += _capped(plan, caps.get(name), before)
        if lines or inv.currency == cur:
            invoices.append(engine.invoice(project, bill.period, inv.currency, lines))
    return tuple(invoices)


def _line(component: str, entry: PlanEntry) -> InvoiceLine:
    when = f" ({entry.day})" if entry.day is not None else ""
    return InvoiceLine(
        component=component,
        description=f"projected: {entry.basis}{when}",
        quantity=Decimal(1),
        unit="month" if entry.day is None else "item",
        unit_price=entry.amount,
        amount=entry.amount.rounded(),
        kind="projection",
    )


def _capped(lines: Sequence[InvoiceLine], cap: Money | None, to_date: Money) -> list[InvoiceLine]:
    """``lines`` as far as ``cap`` allows after ``to_date``: the cap withholds the rest."""
    if cap is None:
        return [line for line in lines if line.amount]
    out = []
    for line in lines:
        amount = max(Money.zero(cap.currency), min(line.amount, cap - to_date))
        to_date = to_date + amount
        if amount:
            out.append(attrs.evolve(line, unit_price=amount, amount=amount))
    return out


def net_and_tax(invoices: Iterable[Invoice]) -> tuple[Money | None, Money | None]:
    """The invoices' amount before tax (lines, discounts, surcharges, fees) and their tax."""
    net: Money | None = None
    tax: Money | None = None
    for inv in invoices:
        assert inv.total is not None
        t = Money.total((a.amount for a in inv.adjustments if a.stage == "tax"), inv.currency)
        tax = t if tax is None else tax + t
        net = inv.total - t if net is None else net + inv.total - t
    return net, tax


def collapse_nothing_to_bill(warnings: Iterable[str]) -> list[str]:
    """``Build: nothing to bill in 2026-02`` for each of many months, as one line per component
    with its months as ranges (``2026-02, 2026-05..2026-08``); other warnings as they are."""
    marker = ": nothing to bill in "
    months: dict[str, list[str]] = {}
    out: list[str | tuple[str]] = []  # a 1-tuple: the place of a component's collapsed line
    for w in dict.fromkeys(warnings):
        head, sep, label = w.partition(marker)
        if sep and len(label) == 7 and label[4] == "-":
            if head not in months:
                months[head] = []
                out.append((head,))
            months[head].append(label)
        else:
            out.append(w)
    return [w if isinstance(w, str) else f"{w[0]}{marker}{_ranges(months[w[0]])}" for w in out]


def _ranges(labels: Sequence[str]) -> str:
    """Month labels as runs of consecutive months: ``2026-02, 2026-05..2026-08``."""

    def index(label: str) -> int:
        return int(label[:4]) * 12 + int(label[5:]) - 1

    ordered = sorted(set(labels), key=index)
    runs: list[list[str]] = []
    for label in ordered:
        if runs and index(label) == index(runs[-1][-1]) + 1:
            runs[-1].append(label)
        else:
            runs.append([label])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}..{r[-1]}" for r in runs)
