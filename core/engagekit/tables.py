"""Human output (rich tables) and CSV rows of the project-level results."""

from __future__ import annotations

from typing import Any

from engagekit.output import csv_text, decimal_text, jsonable
from engagekit.results import (
    Distribution,
    ProjectBill,
    ProjectEstimate,
    ServiceReport,
    StaffPlan,
)


def _d(dist: Distribution | None) -> tuple[str, str, str]:
    if dist is None:
        return ("", "", "")
    return (decimal_text(dist.p50), decimal_text(dist.p80), decimal_text(dist.p90))


def _pct(part: Any, whole: Any) -> str:
    if not whole.amount:
        return ""
    return f"{(part.amount / whole.amount * 100):.1f}%"


def print_estimate(console: Any, est: ProjectEstimate) -> None:
    from rich.table import Table

    table = Table(
        title=f"{est.project}: estimate ({est.currency}, {est.options.trials} trials, "
        f"seed {est.options.seed})"
    )
    for col in (
        "component",
        "model",
        "hours P50",
        "P80",
        "P90",
        "cost",
        "price",
        "margin",
        "%",
        "finish",
    ):
        table.add_column(col, justify="left" if col in ("component", "model") else "right")
    for r in est.components:
        table.add_row(
            r.component,
            r.model,
            *_d(r.effort_hours),
            str(jsonable(r.cost)),
            str(jsonable(r.price)),
            str(jsonable(r.margin)),
            _pct(r.margin, r.price),
            str(r.finish or ""),
        )
    table.add_section()
    table.add_row(
        "total",
        "",
        *_d(est.effort_hours),
        str(jsonable(est.cost)),
        str(jsonable(est.price)),
        str(jsonable(est.margin)),
        _pct(est.margin, est.price),
        "",
    )
    console.print(table)


def estimate_csv(est: ProjectEstimate) -> str:
    rows = [
        (
            r.component,
            r.model,
            *_d(r.effort_hours),
            jsonable(r.cost),
            jsonable(r.price),
            jsonable(r.margin),
            jsonable(r.finish),
        )
        for r in est.components
    ]
    header = (
        "component",
        "model",
        "effort_p50",
        "effort_p80",
        "effort_p90",
        "cost",
        "price",
        "margin",
        "finish",
    )
    return csv_text(header, rows)


def print_bill(console: Any, bill: ProjectBill) -> None:
    from rich.table import Table

    for inv in bill.invoices:
        table = Table(title=f"{bill.project}: invoice {bill.period.label} ({inv.currency})")
        for col in ("component", "description", "quantity", "unit", "unit price", "amount"):
            table.add_column(
                col, justify="right" if col in ("quantity", "unit price", "amount") else "left"
            )
        for line in inv.lines:
            table.add_row(
                line.component,
                line.description,
                decimal_text(line.quantity),
                line.unit,
                decimal_text(line.unit_price.amount),
                decimal_text(line.amount.amount),
            )
        table.add_section()
        subtotals = inv.subtotals()
        if len(subtotals) > 1:
            for comp, sub in subtotals.items():
                table.add_row(comp, "subtotal", "", "", "", decimal_text(sub.amount))
        table.add_row("", "subtotal", "", "", "", decimal_text(inv.subtotal.amount))
        for adj in inv.adjustments:
            table.add_row(
                "",
                f"{adj.name} [{adj.stage}] {adj.description}".strip(),
                "",
                "",
                "",
                decimal_text(adj.amount.amount),
            )
        assert inv.total is not None
        table.add_section()
        table.add_row("", "total", "", "", "", decimal_text(inv.total.amount))
        console.print(table)


def bill_csv(bill: ProjectBill) -> str:
    header = (
        "period",
        "currency",
        "component",
        "description",
        "quantity",
        "unit",
        "unit_price",
        "amount",
        "kind",
    )
    rows: list[tuple[Any, ...]] = []
    for inv in bill.invoices:
        for line in inv.lines:
            rows.append(
                (
                    bill.period.label,
                    inv.currency,
                    line.component,
                    line.description,
                    line.quantity,
                    line.unit,
                    line.unit_price,
                    line.amount,
                    line.kind,
                )
            )
        for adj in inv.adjustments:
            rows.append(
                (
                    bill.period.label,
                    inv.currency,
                    "",
                    adj.name,
                    "",
                    "",
                    "",
                    adj.amount,
                    f"adjustment:{adj.stage}",
                )
            )
        rows.append((bill.period.label, inv.currency, "", "total", "", "", "", inv.total, "total"))
    return csv_text(header, rows)


def print_staff(console: Any, plan: StaffPlan) -> None:
    from rich.table import Table

    table = Table(title=f"{plan.project}: staffing plan")
    for col in ("period", "component", "role", "person", "FTE", "hours", "status"):
        table.add_column(col, justify="right" if col in ("FTE", "hours") else "left")
    for r in sorted(plan.rows, key=lambda r: (r.period.start, r.component, r.role, r.person or "")):
        table.add_row(
            r.period.label,
            r.component,
            r.role,
            r.person or "",
            decimal_text(r.fte),
            decimal_text(r.hours) if r.hours is not None else "",
            r.status,
        )
    console.print(table)


def staff_csv(plan: StaffPlan) -> str:
    header = ("period", "period_start", "component", "role", "person", "fte", "hours", "status")
    rows = [
        (r.period.label, r.period.start, r.component, r.role, r.person, r.fte, r.hours, r.status)
        for r in plan.rows
    ]
    return csv_text(header, rows)


def _cell(value: Any) -> str:
    """A metric as a table shows it: "n/a" for a figure that can't be computed."""
    if value is None:
        return "n/a"
    shown = jsonable(value)
    return shown if isinstance(shown, str) else str(shown)


def print_measure(console: Any, report: ServiceReport) -> None:
    from rich.table import Table

    for m in report.components:
        title = f"{m.component} [{m.model}]" + (f": {m.status}" if m.status else "")
        table = Table("metric", "value", title=title)
        for key, value in m.metrics.items():
            table.add_row(key, _cell(value))
        console.print(table)
        for name, rows in m.tables.items():
            if not rows:
                continue
            sub = Table(*[str(k) for k in rows[0]], title=f"{m.component}: {name}")
            for row in rows[:50]:
                sub.add_row(*[_cell(v) for v in row.values()])
            if len(rows) > 50:
                sub.caption = f"{len(rows) - 50} more rows in --json"
            console.print(sub)
