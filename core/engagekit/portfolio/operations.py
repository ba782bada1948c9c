"""What the portfolio runs on each project: an ``Operation``, picklable so that it travels to
worker processes and Dask workers, and its answer reduced to plain JSON values.

A project's full result (invoice lines, staffing rows, simulation samples) is turned into its
JSON document and a small summary as soon as it is computed, and then dropped: the portfolio
never holds every project's bulk data at once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import attrs

from engagekit.errors import InputError

if TYPE_CHECKING:
    from engagekit.engine import Engine
    from engagekit.project import Project
    from engagekit.results import ProjectEstimate, ServiceReport, StaffPlan

__all__ = ["KINDS", "Operation"]

Kind = Literal["estimate", "bill", "staff", "measure", "status", "report"]
KINDS: tuple[Kind, ...] = ("estimate", "bill", "staff", "measure", "status", "report")


@attrs.frozen
class Operation:
    """One of the four operations with its options.

    :param kind: ``estimate``, ``bill``, ``staff``, ``measure``, or ``status`` (the month of
        ``engage status``: bills to date, measures, estimate; see ``engagekit.portfolio.status``),
        or ``report`` (all of it per month, for ``engage report --all``).
    :param period: The billing period (``bill``, required) or the measured one (``measure``).
    :param seed: Seed of the Monte Carlo simulations (``estimate``).
    :param trials: Trials of the simulations (``estimate``).
    :param documents: Keep each project's full JSON document (for ``--json``); the summary
        alone is enough for the portfolio table.
    :param actuals_until: ``staff`` only: also bill each month from the project's start to
        this date, to count actual billable hours per person and month.
    """

    kind: Kind
    period: str | None = None
    seed: int | None = None
    trials: int | None = None
    documents: bool = True
    actuals_until: date | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InputError(f"unknown operation {self.kind!r}", hint=f"use one of {KINDS}")
        if self.kind in ("bill", "status", "report") and not self.period:
            raise InputError("billing needs a period", field="period")
        if self.period:
            from engagekit.period import Period

            Period.parse(self.period)

    def run(self, engine: Engine, project: Project) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """The project's JSON document (None unless ``documents``) and its summary."""
        from engagekit import output
        from engagekit.period import Period

        period = Period.parse(self.period) if self.period else None
        if self.kind == "estimate":
            est = engine.estimate(project, seed=self.seed, trials=self.trials)
            return (output.estimate_doc(est) if self.documents else None), estimate_summary(est)
        if self.kind == "bill":
            assert period is not None
            bill = engine.bill(project, period)
            return (output.bill_doc(bill) if self.documents else None), bill_summary(bill)
        if self.kind == "staff":
            plan = engine.staff(project)
            summary = staff_summary(plan)
            if self.actuals_until is not None:
                summary["actual_hours"] = actual_hours(engine, project, self.actuals_until)
            return (output.staff_doc(plan) if self.documents else None), summary
        if self.kind == "status":
            from engagekit.portfolio.status import project_status

            assert period is not None
            return None, project_status(engine, project, period, self.seed, self.trials)
        if self.kind == "report":
            from engagekit.portfolio.report import project_report

            assert period is not None
            return None, project_report(engine, project, period, self.seed, self.trials)
        report = engine.measure(project, period)
        return (output.measure_doc(report) if self.documents else None), measure_summary(report)


def _text(value: Decimal) -> str:
    from engagekit.output import decimal_text

    return decimal_text(value)


def _money(value: Any) -> str:
    """Money as the JSON documents write it."""
    from engagekit.output import jsonable

    return str(jsonable(value))


def blended_rate(price: Decimal, hours: Decimal | None) -> str | None:
    """Price per hour of effort, to the cent; None without effort."""
    if not hours:
        return None
    return _text((price / hours).quantize(Decimal("0.01")))


def estimate_summary(est: ProjectEstimate) -> dict[str, Any]:
    effort = est.effort_hours
    return {
        "currency": est.currency,
        "price": _money(est.price),
        "cost": _money(est.cost),
        "margin": _money(est.margin),
        "effort_p50": _text(effort.p50) if effort else None,
        "effort_p80": _text(effort.p80) if effort else None,
        "effort_p90": _text(effort.p90) if effort else None,
        "blended_rate": blended_rate(est.price.amount, effort.p50 if effort else None),
        "components": [
            {
                "name": c.component,
                "model": c.model,
                "price": _money(c.price),
                "effort_p50": _text(c.effort_hours.p50) if c.effort_hours else None,
                "blended_rate": blended_rate(
                    c.price.amount, c.effort_hours.p50 if c.effort_hours else None
                ),
            }
            for c in est.components
        ],
        "warnings": len(est.warnings),
    }


def bill_summary(bill: Any) -> dict[str, Any]:
    return {
        "period": bill.period.label,
        "invoices": [
            {
                "currency": inv.currency,
                "lines": len(inv.lines),
                "subtotal": _money(inv.subtotal),
                "total": _money(inv.total),
            }
            for inv in bill.invoices
        ],
        "warnings": len(bill.warnings),
    }


def staff_summary(plan: StaffPlan) -> dict[str, Any]:
    """Planned FTE per (person or role, month), and open or demanded seats per role and month."""
    from engagekit.engine import month_share

    planned: dict[tuple[str | None, str, str], Decimal] = defaultdict(Decimal)
    open_: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in plan.rows:
        for month in row.period.months():
            share = month_share(row, month)
            if not share:
                continue
            if row.status == "planned":
                planned[(row.person, row.role, month.label)] += share
            elif row.status == "open":
                open_[(row.role, month.label)] += share
    return {
        "planned": [
            {"person": p, "role": r, "month": m, "fte": _text(f)}
            for (p, r, m), f in sorted(planned.items(), key=lambda kv: (kv[0][0] or "", kv[0][1:]))
        ],
        "open": [{"role": r, "month": m, "fte": _text(f)} for (r, m), f in sorted(open_.items())],
        "warnings": list(plan.warnings),
    }


def actual_hours(engine: Engine, project: Project, until: date) -> list[dict[str, Any]]:
    """Billable hours per person and month, from the time lines of each month's bill."""
    from engagekit.period import Period

    last = min(until, project.end)
    if last < project.start:
        return []
    minutes: dict[tuple[str, str], int] = defaultdict(int)
    for month in Period.days(project.start, last).months():
        bill = engine.bill(project, month)
        for invoice in bill.invoices:
            for line in invoice.lines:
                person = line.details.get("person")
                if line.kind == "time" and person:
                    minutes[(str(person), month.label)] += int(line.details.get("minutes") or 0)
    return [
        {"person": p, "month": m, "hours": _text((Decimal(n) / 60).quantize(Decimal("0.01")))}
        for (p, m), n in sorted(minutes.items())
    ]


def measure_summary(report: ServiceReport) -> dict[str, Any]:
    from engagekit.output import jsonable

    keys = (
        "budget_used_percent",
        "cap_used_percent",
        "cap_hours_used_percent",
        "billed_to_date",
        "billable_to_date",
        "margin_percent",
        "hours_billable",
        "incidents",
        "incidents_breached",
        "compliance_pct",
        "availability_pct",
        "availability_target_pct",
        "credit",
        "fee",
        "team_vs_plan_percent",
    )
    return {
        "period": report.period.label if report.period else None,
        "components": [
            {
                "name": m.component,
                "model": m.model,
                "status": m.status,
                "metrics": {k: jsonable(m.metrics[k]) for k in keys if k in m.metrics},
                "blended_rate": _measured_rate(m.metrics),
            }
            for m in report.components
        ],
        "warnings": len(report.warnings),
    }


def _measured_rate(metrics: dict[str, Any]) -> str | None:
    """Billed amount per billable hour, where a model reports both."""
    from engagekit.money import Money

    amount, hours = metrics.get("billable_amount"), metrics.get("hours_billable")
    if not isinstance(amount, Money) or not isinstance(hours, Decimal):
        return None
    return blended_rate(amount.amount, hours)
