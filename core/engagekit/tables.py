"""Human output (rich tables) and CSV rows of the project-level results."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from engagekit.fit import SECTION, Col, print_table
from engagekit.money import Money, quantum
from engagekit.output import csv_text, decimal_text, jsonable, money_text
from engagekit.results import (
    ComponentEstimate,
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


def _basis(r: ComponentEstimate) -> str:
    return r.basis or "point"


def project_cost_percentiles(est: ProjectEstimate) -> Distribution | None:
    """The project's cost per trial (P50/P80/P90 of the sum), where components simulate."""
    if est.samples is None or est.samples.cost is None:
        return None
    places = -int(quantum(est.currency).as_tuple().exponent)
    return Distribution.from_samples(est.samples.cost, places=places)


def print_estimate(console: Any, est: ProjectEstimate) -> None:
    cols = [
        Col("component"),
        Col("model", optional=2),
        Col("hours P50", numeric=True),
        Col("P80", numeric=True, optional=4),
        Col("P90", numeric=True, optional=3),
        Col("basis"),
        Col("cost", numeric=True),
        Col("price", numeric=True),
        Col("margin", numeric=True, optional=5),
        Col("%", numeric=True, optional=6),
        Col("finish", numeric=True, optional=1),
    ]
    rows: list[tuple[str, ...]] = [
        (
            r.component,
            r.model,
            *_d(r.effort_hours),
            _basis(r),
            str(jsonable(r.cost)),
            str(jsonable(r.price)),
            str(jsonable(r.margin)),
            _pct(r.margin, r.price),
            str(r.finish or ""),
        )
        for r in est.components
    ]
    mixed = len({_basis(r) for r in est.components}) > 1
    rows.append(SECTION)
    rows.append(
        (
            "total",
            "",
            *_d(est.effort_hours),
            "sum" if mixed or len(est.components) > 1 else _basis(est.components[0]),
            str(jsonable(est.cost)),
            str(jsonable(est.price)),
            str(jsonable(est.margin)),
            _pct(est.margin, est.price),
            "",
        )
    )
    caption = None
    per_trial = project_cost_percentiles(est)
    if per_trial is not None and len(est.components) > 1:
        caption = (
            f"total cost and price: sums of each component's figure ({'mixed ' if mixed else ''}"
            f"basis); project cost per trial: P50 {decimal_text(per_trial.p50)}, "
            f"P80 {decimal_text(per_trial.p80)}, P90 {decimal_text(per_trial.p90)}"
        )
    print_table(
        console,
        f"{est.project}: estimate ({est.currency}, {est.options.trials} trials, "
        f"seed {est.options.seed})",
        cols,
        rows,
        caption=caption,
    )


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
    cols = [
        Col("component", optional=1),
        Col("description"),
        Col("quantity", numeric=True),
        Col("unit", optional=2),
        Col("unit price", numeric=True),
        Col("amount", numeric=True),
    ]
    for inv in bill.invoices:
        rows: list[tuple[str, ...]] = [
            (
                line.component,
                line.description,
                decimal_text(line.quantity),
                line.unit,
                decimal_text(line.unit_price.amount),
                decimal_text(line.amount.amount),
            )
            for line in inv.lines
        ]
        rows.append(SECTION)
        subtotals = inv.subtotals()
        if len(subtotals) > 1:
            for comp, sub in subtotals.items():
                rows.append((comp, f"subtotal {comp}", "", "", "", decimal_text(sub.amount)))
        rows.append(("", "subtotal (net)", "", "", "", decimal_text(inv.subtotal.amount)))
        for adj in inv.adjustments:
            rows.append(
                (
                    "",
                    f"{adj.name} [{adj.stage}] {adj.description}".strip(),
                    "",
                    "",
                    "",
                    decimal_text(adj.amount.amount),
                )
            )
        assert inv.total is not None
        rows.append(SECTION)
        # a total after tax is gross; without a tax line it is what the client pays, net
        taxed = any(adj.stage == "tax" for adj in inv.adjustments)
        total = "total (gross)" if taxed else "total (no tax)"
        rows.append(("", total, "", "", "", decimal_text(inv.total.amount)))
        print_table(
            console, f"{bill.project}: invoice {bill.period.label} ({inv.currency})", cols, rows
        )


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


def over_allocated(plan: StaffPlan) -> set[int]:
    """Indexes of ``plan.rows`` whose person is over 1 FTE in a month the row covers."""
    from engagekit.engine import OVER_ALLOCATION_TOLERANCE, monthly_load

    load = monthly_load(plan.rows, lambda r: r.person)
    over = {k for k, (fte, _) in load.items() if fte > 1 + OVER_ALLOCATION_TOLERANCE}
    return {
        i
        for i, r in enumerate(plan.rows)
        if r.person
        and r.status == "planned"
        and any((r.person, m.label) in over for m in r.period.months())
    }


def print_staff(console: Any, plan: StaffPlan) -> None:
    over = over_allocated(plan)
    cols = [
        Col("period", numeric=True),
        Col("component"),
        Col("role"),
        Col("person"),
        Col("FTE", numeric=True),
        Col("hours", numeric=True, optional=1),
        Col("status", nowrap=True),
    ]
    order = sorted(
        range(len(plan.rows)),
        key=lambda i: (
            plan.rows[i].period.start,
            plan.rows[i].component,
            plan.rows[i].role,
            plan.rows[i].person or "",
        ),
    )
    rows = []
    for i in order:
        r = plan.rows[i]
        rows.append(
            (
                r.period.label,
                r.component,
                r.role,
                r.person or "",
                decimal_text(r.fte),
                decimal_text(r.hours) if r.hours is not None else "",
                "over-allocated" if i in over else r.status,
            )
        )
    caption = (
        f"over-allocated: {len(over)} planned row{'s' if len(over) != 1 else ''} of people over "
        "1 FTE in a month across components"
        if over
        else None
    )
    print_table(console, f"{plan.project}: staffing plan", cols, rows, caption=caption)


def staff_csv(plan: StaffPlan) -> str:
    header = (
        "period",
        "period_start",
        "component",
        "role",
        "person",
        "fte",
        "hours",
        "status",
        "over_allocated",
    )
    over = over_allocated(plan)
    rows = [
        (
            r.period.label,
            r.period.start,
            r.component,
            r.role,
            r.person,
            r.fte,
            r.hours,
            r.status,
            i in over,
        )
        for i, r in enumerate(plan.rows)
    ]
    return csv_text(header, rows)


#: Abbreviations in metric keys, spelled out (earned value's acronyms keep their short form).
_WORDS = {
    "bac": "budget at completion (BAC)",
    "pv": "planned value (PV)",
    "ev": "earned value (EV)",
    "ac": "actual cost (AC)",
    "cv": "cost variance (CV)",
    "sv": "schedule variance (SV)",
    "cpi": "cost performance index (CPI)",
    "spi": "schedule performance index (SPI)",
    "eac": "estimate at completion (EAC)",
    "etc": "estimate to complete (ETC)",
    "vac": "variance at completion (VAC)",
    "fte": "FTE",
    "sla": "SLA",
    "lt": "<",
    "1d": "1 day",
    "1": "1",
}
#: The key's last word that names its unit, and the unit.
_UNITS = {
    "percent": "%",
    "pct": "%",
    "hours": "h",
    "h": "h",
    "min": "min",
    "minutes": "min",
    "days": "days",
    "d": "days",
}


def metric_label(key: str, *, short: bool = False) -> str:
    """``budget_used_percent`` -> ``Budget used``: a key as a person reads it (the unit is
    shown beside the value). ``short``: acronyms stay acronyms (``BAC``), for column headers."""
    if not key.replace("_", "").isalnum() or not key.islower():
        return key  # not a snake_case key: a plugin's own wording, shown as written
    words = key.split("_")
    if len(words) > 1 and words[-1] in _UNITS:
        words = words[:-1]
    if len(words) > 1 and words[0] == "percent":
        words = words[1:]
    spelled = [_WORDS.get(w, w) for w in words]
    if short:
        spelled = [w[w.index("(") + 1 : -1] if w.endswith(")") else w for w in spelled]
    text = " ".join(spelled) or key
    return text[:1].upper() + text[1:]


def metric_unit(key: str, value: Any) -> str:
    if isinstance(value, Money):
        return value.currency
    words = key.split("_")
    if words[0] == "percent":
        return "%"
    if len(words) > 1 and words[-1] in _UNITS:
        return _UNITS[words[-1]]
    if "hours" in words:
        return "h"
    return ""


def _cell(value: Any) -> str:
    """A metric as a table shows it: "n/a" for a figure that can't be computed, yes/no."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Money):
        return money_text(value)
    shown = jsonable(value)
    return shown if isinstance(shown, str) else str(shown)


def _is_figure(value: Any) -> bool:
    return isinstance(value, Decimal | int | float | Money) and not isinstance(value, bool)


def print_measure(console: Any, report: ServiceReport) -> None:
    for m in report.components:
        title = f"{m.component} [{m.model}]" + (f": {m.status}" if m.status else "")
        rows = [(metric_label(k), _cell(v), metric_unit(k, v)) for k, v in m.metrics.items()]
        print_table(console, title, [Col("metric"), Col("value", numeric=True), Col("unit")], rows)
        for name, table_rows in m.tables.items():
            if not table_rows:
                continue
            keys = list(table_rows[0])
            first = table_rows[0]
            cols = [
                Col(
                    metric_label(str(k), short=True)
                    + (f" ({u})" if (u := metric_unit(str(k), first[k])) else ""),
                    numeric=_is_figure(first[k]) or isinstance(first[k], date),
                    optional=0 if j < 2 else len(keys) - j,
                    # dates and periods written as text (2026-03-02..2026-03-31) stay whole
                    nowrap=str(jsonable(first[k]))[:4].isdigit(),
                )
                for j, k in enumerate(keys)
            ]
            shown = [tuple(_cell(row.get(k)) for k in keys) for row in table_rows[:50]]
            more = len(table_rows) - 50
            print_table(
                console,
                f"{m.component}: {name.replace('_', ' ')}",
                cols,
                shown,
                caption=f"{more} more rows in --json or --csv" if more > 0 else None,
            )


def measure_csv(report: ServiceReport) -> str:
    """Every metric and every row of every table, one value a line (``component, table, row,
    field, value, unit``): one CSV however the tables differ."""
    header = ("component", "table", "row", "field", "value", "unit")
    rows: list[tuple[Any, ...]] = []
    for m in report.components:
        rows.append((m.component, "status", "", "status", m.status or "", ""))
        for key, value in m.metrics.items():
            rows.append((m.component, "metrics", "", key, value, metric_unit(key, value)))
        for name, table_rows in m.tables.items():
            for n, row in enumerate(table_rows, start=1):
                for key, value in row.items():
                    rows.append((m.component, name, n, key, value, metric_unit(str(key), value)))
    return csv_text(header, rows)
