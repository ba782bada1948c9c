"""Billing an sla component: monthly fee, volume overage, service credits (capped), and
out-of-scope work billed time and material by another model through the engine."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

import engagekit
from engagekit_sla.data import load
from engagekit_sla.measure import (
    coverage_of,
    credits_for,
    measure_window,
    month_windows,
    tally_windows,
)
from engagekit_sla.settings import Fee, Settings
from engagekit_sla.tally import WindowTally

__all__ = ["bill_component", "overage_lines"]

HOUR_UNITS = ("h", "hour", "hours")
#: Included hours are prorated in a part month to the hundredth of an hour.
HOURS = Decimal("0.01")


def _line(
    component: str,
    description: str,
    quantity: Decimal,
    unit: str,
    unit_price: engagekit.Money,
    amount: engagekit.Money,
    kind: str,
    details: dict[str, Any] | None = None,
) -> engagekit.InvoiceLine:
    return engagekit.InvoiceLine(
        component, description, quantity, unit, unit_price, amount.rounded(), kind, details or {}
    )


def overage_lines(fee: Fee, tickets: int) -> list[tuple[str, int, Decimal]]:
    """(description, tickets, unit price) per overage tier the ticket count reaches."""
    out = []
    lower = fee.included_tickets
    for tier in fee.overage:
        if tickets <= lower:
            break
        upper = tickets if tier.up_to is None else min(tickets, tier.up_to)
        if upper > lower:
            out.append((f"tickets {lower + 1}-{upper}", upper - lower, tier.unit_price))
        if tier.up_to is None:
            break
        lower = tier.up_to
    return out


def bill_component(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    period: engagekit.Period,
) -> engagekit.ComponentBill:
    s: Settings = component.settings
    lines: list[engagekit.InvoiceLine] = []
    warnings: list[str] = []
    details: dict[str, Any] = {"months": []}
    coverage = coverage_of(project, s)
    months = billed_months(coverage, component, period)
    if s.fee is not None and months:
        data = load(s)
        windows = [w for w, _, _ in months]
        tallies: list[WindowTally | None] = [None] * len(months)
        if data.incidents is not None:  # every month from one pass over the incidents
            tallies = list(tally_windows(project, component, windows, data))
        for (window, month, share), tally in zip(months, tallies, strict=True):
            result = measure_window(project, component, window, data, tally)
            fee = project.money(s.fee.monthly) * share
            partial = "" if share == 1 else f" ({window.first}..{window.last})"
            lines.append(
                _line(
                    component.name,
                    f"Monthly service fee {month.label}{partial}",
                    share.quantize(Decimal("0.0001")),
                    "month",
                    project.money(s.fee.monthly),
                    fee,
                    "service",
                )
            )
            volume = result.opened if s.fee.volume == "incidents" else result.tickets
            for text, qty, price in overage_lines(s.fee, volume):
                lines.append(
                    _line(
                        component.name,
                        f"Overage {month.label}: {text}",
                        Decimal(qty),
                        "ticket",
                        project.money(price),
                        project.money(price) * qty,
                        "overage",
                    )
                )
            credit = credits_for(s, result)
            avail = result.availability.pct if result.availability else None
            month_details = {
                "month": month.label,
                "share": share,
                "tickets": volume,
                "included_tickets": s.fee.included_tickets,
                "availability_pct": None if avail is None else avail.quantize(Decimal("0.0001")),
                "availability_credit_pct": credit.availability_pct,
                "breaches": dict(zip([p.name for p in s.priorities], result.breaches, strict=True)),
                "breach_credit_pct": credit.breach_pct,
                "credit_pct": credit.total_pct,
                "credit_capped": credit.capped,
            }
            details["months"].append(month_details)
            if credit.total_pct > 0:
                amount = -(fee * credit.total_pct / 100)
                parts = []
                if credit.availability_pct:
                    parts.append(
                        f"availability {avail.quantize(Decimal('0.01'))}% "  # type: ignore[union-attr]
                        f"({credit.availability_pct}%)"
                    )
                if credit.breach_pct:
                    credited = [
                        f"{n} {p.name}"
                        for n, p in zip(result.breaches, s.priorities, strict=True)
                        if n and p.breach_credit_pct
                    ]
                    parts.append(f"breaches {', '.join(credited)} ({credit.breach_pct}%)")
                text = ", ".join(parts)
                if credit.capped:
                    text += f", capped at {credit.cap_pct}%"
                    warnings.append(
                        f"{month.label}: service credits capped at {credit.cap_pct}% "
                        f"of the fee ({credit.uncapped_pct}% earned)"
                    )
                lines.append(
                    _line(
                        component.name,
                        f"Service credit {month.label}: {text}",
                        credit.total_pct,
                        "% of fee",
                        fee.rounded(),
                        amount,
                        "credit",
                        {"credit_pct": credit.total_pct},
                    )
                )
    elif s.fee is None:
        warnings.append("no [fee]: no service fee billed")
    if s.out_of_scope is not None and s.out_of_scope.settings:
        oos_lines, oos_details, oos_warnings = _out_of_scope(engine, project, component, months)
        lines.extend(oos_lines)
        details["out_of_scope"] = oos_details
        warnings.extend(oos_warnings)
    return engagekit.ComponentBill(component.name, "sla", tuple(lines), details, tuple(warnings))


def out_of_scope_component(
    engine: engagekit.Engine, project: engagekit.Project, component: engagekit.Component
) -> engagekit.Component:
    """The component of the model that bills the out-of-scope work (time-material, say)."""
    oos = component.settings.out_of_scope
    assert oos is not None
    return engine.make_component(
        project,
        name=f"{component.name} (out of scope)",
        model=oos.model,
        start=component.start,
        end=component.end,
        settings=oos.settings,
        key="out_of_scope.settings",
    )


def _out_of_scope(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    months: list[Any],
) -> tuple[list[engagekit.InvoiceLine], dict[str, Any], list[str]]:
    """The out-of-scope work of each billed month, billed by its model for that month, less the
    hours the fee includes (``included_hours`` a month, prorated in a part month)."""
    s: Settings = component.settings
    oos = s.out_of_scope
    assert oos is not None
    sub = out_of_scope_component(engine, project, component)
    lines: list[engagekit.InvoiceLine] = []
    warnings: list[str] = []
    details: dict[str, Any] = {"model": oos.model, "months": []}
    for window, month, share in months:
        bill = engine.bill_component(project, sub, engagekit.Period.days(window.first, window.last))
        lines += [
            attrs.evolve(
                line,
                component=component.name,
                description=f"Out of scope: {line.description}",
                details={**line.details, "billed_by": oos.model},
            )
            for line in bill.lines
        ]
        warnings += [f"out of scope: {w}" for w in bill.warnings]
        hour_lines = [x for x in bill.lines if x.unit in HOUR_UNITS and x.kind == "time"]
        hours = sum((x.quantity for x in hour_lines), Decimal(0))
        amount = engagekit.Money.total((x.amount for x in hour_lines), project.currency)
        allowance = (oos.included_hours * share).quantize(HOURS)
        covered = min(hours, allowance)
        details["months"].append(
            {
                "month": month.label,
                "hours": hours,
                "included_hours": allowance,
                "included_hours_used": covered,
                "billed": bill.details,
            }
        )
        if covered > 0 and hours > 0:
            lines.append(
                _line(
                    component.name,
                    f"Included hours {month.label}: {_num(covered)} of {_num(hours)} h "
                    "out-of-scope work covered by the fee",
                    covered,
                    "h",
                    (amount / hours).rounded(),
                    -(amount * covered / hours),
                    "credit",
                )
            )
    for key in ("hours", "included_hours", "included_hours_used"):
        details[key] = sum((m[key] for m in details["months"]), Decimal(0))
    return lines, details, warnings


def _num(hours: Decimal) -> str:
    return format(hours.normalize(), "f")


def billed_months(
    calendar: engagekit.Calendar, component: engagekit.Component, period: engagekit.Period
) -> list[tuple[Any, engagekit.Period, Decimal]]:
    """The months ``period`` bills: each calendar month of the component (clipped to its dates)
    whose last day falls in ``period``, whole.

    A month is the unit of an SLA's bill: its fee, ticket overage, service credits and
    included hours are figured on the whole month. A period that cuts a month bills none of it;
    the period holding the month's last day bills all of it. So the bills of the parts of a
    month add up to the month's bill exactly, however the month is cut.
    """
    out = []
    for part in period.months():
        month = engagekit.Period.of_month(part.start)
        last = min(month.last, component.end)
        if last < component.start or last not in period:
            continue
        out += month_windows(calendar, component, month.start, month.last)
    return out
