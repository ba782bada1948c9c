"""``engage status``: one screen for the month, across the workspace's projects.

Per project: billed to date (every month's bill from the project's start through the month),
issued (from the ledger; until a ledger is there, the computed bills stand in and are marked
so), unbilled work in progress, budget or cap consumed, SLA status, margin, risk, and the
firm's totals per currency.

Risk is the spread of the remaining effort: P80 minus P50 of the estimate's effort, times the
share of the project's working days still ahead after the month (the simulation spans the
whole project; its spread is taken to shrink with the work left).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engagekit.money import quantum
from engagekit.output import decimal_text, jsonable

if TYPE_CHECKING:
    from engagekit.engine import Engine
    from engagekit.period import Period
    from engagekit.project import Project

__all__ = ["print_status", "project_status", "status_of"]

#: Trials of the estimate behind the risk column: a spread, not a price, is wanted.
STATUS_TRIALS = 2000
_RANK = {"on-track": 0, "at-risk": 1, "off-track": 2}


def _worst(statuses: list[str]) -> str | None:
    known = [s for s in statuses if s in _RANK]
    return max(known, key=_RANK.__getitem__) if known else None


def project_status(
    engine: Engine, project: Project, period: Period, seed: int | None, trials: int | None
) -> dict[str, Any]:
    """The summary of one project for the month ``period``."""
    from engagekit.period import Period as P

    cur = project.currency
    billed = Decimal(0)
    this_month = Decimal(0)
    if project.start <= period.last:
        for month in P.days(project.start, min(period.last, project.end)).months():
            bill = engine.bill(project, month)
            total = sum(
                (inv.total.amount for inv in bill.invoices if inv.currency == cur and inv.total),
                Decimal(0),
            )
            billed += total
            if month.start == period.start:
                this_month = total
    report = engine.measure(project, period)
    used: list[Decimal] = []
    sla: list[dict[str, Any]] = []
    statuses: list[str] = []
    for m in report.components:
        if m.status:
            statuses.append(m.status)
        for key in ("budget_used_percent", "cap_used_percent", "cap_hours_used_percent"):
            value = m.metrics.get(key)
            if isinstance(value, Decimal):
                used.append(value)
        if m.model == "sla":
            sla.append(
                {
                    "component": m.component,
                    "status": m.status,
                    "compliance_pct": jsonable(m.metrics.get("compliance_pct")),
                    "availability_pct": jsonable(m.metrics.get("availability_pct")),
                    "credit": jsonable(m.metrics.get("credit")),
                }
            )
    est = engine.estimate(project, seed=seed, trials=trials or STATUS_TRIALS)
    margin_pct = (
        (est.margin.amount / est.price.amount * 100).quantize(Decimal("0.1"))
        if est.price.amount
        else None
    )
    risk = None
    if est.effort_hours is not None:
        spread = est.effort_hours.p80 - est.effort_hours.p50
        risk = (spread * _remaining_share(project, period)).quantize(Decimal("0.1"))
    q = quantum(cur)
    return {
        "currency": cur,
        "client": project.client,
        "billed_to_date": decimal_text(billed.quantize(q)),
        "this_period": decimal_text(this_month.quantize(q)),
        "budget_used_percent": decimal_text(max(used)) if used else None,
        "sla": sla,
        "status": _worst(statuses),
        "margin_percent": decimal_text(margin_pct) if margin_pct is not None else None,
        "risk_hours": decimal_text(risk) if risk is not None else None,
        "warnings": len(report.warnings),
    }


def _remaining_share(project: Project, period: Period) -> Decimal:
    cal = project.calendar
    total = cal.working_days(project.start, project.end)
    if not total:
        return Decimal(0)
    if period.last >= project.end:
        return Decimal(0)
    ahead = cal.working_days(max(period.end, project.start), project.end)
    return Decimal(ahead) / Decimal(total)


def status_of(
    engine: Engine, workspace: Any, files: list[Path], period: str | None, *, workers: int = 1
) -> dict[str, Any]:
    """The ``engage status`` document of ``period`` (default: the current month)."""
    from datetime import date

    from engagekit.period import Period
    from engagekit.portfolio import Operation, run_portfolio

    label = period or Period.of_month(date.today()).label
    result = run_portfolio(files, Operation("status", period=label), engine=engine, workers=workers)
    issued_of = _ledger_issued(workspace, label)
    projects = []
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for r in result.results:
        s = dict(r.summary)
        issued = issued_of(r.project) if issued_of else None
        s["issued_source"] = "ledger" if issued is not None else "computed"
        billed = Decimal(s["billed_to_date"])
        # No ledger yet: the computed bills before the month stand in for what was issued,
        # and what the month itself bills is the work not invoiced yet.
        issued_amount = billed - Decimal(s["this_period"]) if issued is None else issued
        q = quantum(s["currency"])
        s["issued"] = decimal_text(issued_amount.quantize(q))
        s["unbilled_wip"] = decimal_text((billed - issued_amount).quantize(q))
        t = totals[s["currency"]]
        for key in ("billed_to_date", "issued", "unbilled_wip", "this_period"):
            t[key] += Decimal(s[key])
        t["risk_hours"] += Decimal(s["risk_hours"] or 0)
        projects.append({"project": r.project, "file": r.file, **s})
    return {
        "period": label,
        "issued_source": "ledger" if issued_of else "computed",
        "projects": projects,
        "totals": {
            c: {k: decimal_text(v) for k, v in t.items()} for c, t in sorted(totals.items())
        },
        "failures": [
            {"file": f.file, "project": f.project, "error": f.error} for f in result.failures
        ],
    }


def _ledger_issued(workspace: Any, period: str) -> Any:
    """A function from project name to the total issued through ``period`` (invoices minus
    credit notes), or None when the workspace's ledger has issued nothing yet."""
    from engagekit.ledger import issued_totals

    totals = issued_totals(workspace, through=period)
    if not totals:
        return None
    return lambda project: totals.get(project, Decimal(0))


def _sla_cell(sla: dict[str, Any]) -> str:
    if sla["status"] is None and sla["compliance_pct"] is None:
        # measured nothing: the service does not run this month (not started, or ended)
        return f"{sla['component']}: not running"
    pct = sla["compliance_pct"] and f"{sla['compliance_pct']}%"
    return " ".join(filter(None, (sla["component"], sla["status"], pct)))


def print_status(console: Any, doc: dict[str, Any]) -> None:
    from engagekit.fit import SECTION, Col, print_table

    computed = doc["issued_source"] == "computed"
    title = f"Status {doc['period']}" + (" (issued: computed, no ledger)" if computed else "")
    cols = [
        Col("project"), Col("cur", nowrap=True, optional=1), Col("billed to date", numeric=True),
        Col("issued" + ("*" if computed else ""), numeric=True),
        Col("unbilled WIP", numeric=True), Col("budget/cap used", numeric=True, optional=3),
        Col("SLA", optional=5), Col("status", nowrap=True, optional=2),
        Col("margin", numeric=True, optional=4), Col("risk h (P80-P50)", numeric=True, optional=6),
    ]  # fmt: skip
    rows: list[tuple[str, ...]] = []
    for p in doc["projects"]:
        sla = ", ".join(_sla_cell(s) for s in p["sla"])
        rows.append((
            p["project"], p["currency"], p["billed_to_date"], p["issued"], p["unbilled_wip"],
            f"{p['budget_used_percent']}%" if p["budget_used_percent"] else "", sla,
            p["status"] or "", f"{p['margin_percent']}%" if p["margin_percent"] else "",
            p["risk_hours"] or "",
        ))  # fmt: skip
    rows.append(SECTION)
    for cur, t in doc["totals"].items():
        rows.append((
            "firm total", cur, t["billed_to_date"], t["issued"], t["unbilled_wip"], "", "", "", "",
            t["risk_hours"],
        ))  # fmt: skip
    print_table(console, title, cols, rows)
    if computed:
        console.print(
            "* no invoices are issued in this workspace's ledger yet: 'issued' is the computed "
            "bills before this month, and the month's own bill is the unbilled WIP."
        )
