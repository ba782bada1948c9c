"""Service measures of a dedicated team over a period (or to date).

Team size against the plan, attrition and retention, time to hire, average tenure, and, where
time entries are given, billable utilisation per person (hours read by the time-material model
through the engine, against each member's working hours on the project calendar).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import engagekit

from .billing import tm_component
from .plan import build_roster
from .settings import Member, Settings

__all__ = ["measure_team"]

Q1 = Decimal("0.1")
Q2 = Decimal("0.01")
DAYS_PER_MONTH = Decimal("30.4375")


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole * 100).quantize(Q1) if whole else None


def _measured(
    s: Settings, component: engagekit.Component, period: engagekit.Period | None
) -> tuple[date, date] | None:
    if period is not None:
        first, last = max(period.start, component.start), min(period.last, component.end)
    else:
        first, last = component.start, min(component.end, s.as_of or date.today())
    return (first, last) if first <= last else None


def _on(m: Member, day: date, component: engagekit.Component) -> bool:
    return m.start <= day <= (m.end or component.end)


def measure_team(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    period: engagekit.Period | None,
) -> engagekit.ServiceMeasure:
    s: Settings = component.settings
    cal = project.calendar
    span = _measured(s, component, period)
    if span is None:
        when = period.label if period else f"to {s.as_of or date.today()}"
        return engagekit.ServiceMeasure(
            component.name,
            component.model,
            warnings=(
                f"nothing to measure {when}: the team runs {component.start}..{component.end}",
            ),
        )
    first, last = span
    roster = build_roster(s, component)
    days = [d for d in cal.days(first, last) if cal.is_working_day(d)] or list(
        cal.days(first, last)
    )
    idx = [roster.index(d) for d in days]
    planned = Decimal(sum(roster.target[r][i] for r in roster.roles for i in idx)) / len(idx)
    actual = Decimal(sum(roster.named[r][i] for r in roster.roles for i in idx)) / len(idx)
    end_i = roster.index(last)
    planned_end = sum(roster.target[r][end_i] for r in roster.roles)
    actual_end = sum(roster.named[r][end_i] for r in roster.roles)
    open_end = sum(roster.open[r][end_i] + roster.expected[r][end_i] for r in roster.roles)

    leavers = [
        m
        for m in s.members
        if m.end is not None and first <= m.end <= last and m.end < component.end
    ]
    resigned = [m for m in leavers if m.exit_reason in (None, "resigned")]
    n_days = (last - first).days + 1
    attrition = (
        (Decimal(len(resigned)) / actual * Decimal("365.25") / n_days * 100).quantize(Q1)
        if actual
        else None
    )
    base = [
        m
        for m in s.members
        if _on(m, first, component) and not (m.exit_reason == "released" and m in leavers)
    ]
    kept = [m for m in base if _on(m, last, component)]
    retention = _pct(Decimal(len(kept)), Decimal(len(base)))
    hires = [m for m in s.members if first <= m.start <= last and m.new_hire]
    waits = [(m.start - m.requested).days for m in hires if m.requested is not None]
    on_team = [m for m in s.members if _on(m, last, component)]
    tenures = [Decimal((last - m.start).days + 1) / DAYS_PER_MONTH for m in on_team]

    metrics: dict[str, Any] = {
        "from": first,
        "to": last,
        "planned_headcount": planned.quantize(Q2),
        "headcount": actual.quantize(Q2),
        "team_vs_plan_percent": _pct(actual, planned),
        "planned_headcount_end": planned_end,
        "headcount_end": actual_end,
        "open_positions_end": open_end,
        "hires": len(hires),
        "leavers": len(leavers),
        "resigned": len(resigned),
        "attrition_percent": attrition,
        "expected_attrition_percent": s.attrition_percent,
        "retention_percent": retention,
        "time_to_hire_days": ((Decimal(sum(waits)) / len(waits)).quantize(Q1) if waits else None),
        "average_tenure_months": (
            (sum(tenures, Decimal(0)) / len(tenures)).quantize(Q1) if tenures else None
        ),
    }
    tables: dict[str, list[dict[str, Any]]] = {
        "members": [
            {
                "person": m.name,
                "role": m.role,
                "start": m.start,
                "end": m.end,
                "tenure_months": (
                    Decimal((min(m.end or component.end, last) - m.start).days + 1) / DAYS_PER_MONTH
                ).quantize(Q1)
                if m.start <= last
                else Decimal(0),
                "status": (
                    "joins later"
                    if m.start > last
                    else "on the team"
                    if _on(m, last, component)
                    else f"left ({m.exit_reason or 'resigned'})"
                ),
            }
            for m in sorted(s.members, key=lambda m: (m.start, m.name))
            if m.start <= last and (m.end or component.end) >= first
        ],
        "months": _months(roster, cal, first, last),
        "hires": [
            {
                "person": m.name,
                "role": m.role,
                "requested": m.requested,
                "start": m.start,
                "days_to_hire": (m.start - m.requested).days if m.requested else None,
            }
            for m in sorted(hires, key=lambda m: m.start)
        ],
    }
    warnings: list[str] = []
    if s.time_entries is not None:
        util, table = _utilisation(engine, project, component, first, last)
        metrics["utilisation_percent"] = util
        tables["utilisation"] = table
        # how far the time entries reach, as the time-material model measures it: the report
        # bills the months up to it from the data and projects the team plan after it
        tm = engine.measure_component(project, tm_component(engine, project, component), None)
        if isinstance(tm.metrics.get("as_of"), date):
            metrics["as_of"] = tm.metrics["as_of"]
    status = None
    ratio = metrics["team_vs_plan_percent"]
    if ratio is not None:
        status = "on-track" if ratio >= 95 else "at-risk" if ratio >= 80 else "off-track"
        expected = s.attrition_percent
        if (
            status == "on-track"
            and attrition is not None
            and attrition > max(expected * Decimal("1.5"), expected + 5)
        ):
            status = "at-risk"
            warnings.append(f"attrition runs at {attrition}% a year against {expected}% expected")
    if open_end:
        warnings.append(f"{open_end} seat(s) open or awaiting a named hire on {last}")
    return engagekit.ServiceMeasure(
        component.name, component.model, metrics, tables, status, tuple(warnings)
    )


def _months(roster: Any, cal: engagekit.Calendar, first: date, last: date) -> list[dict[str, Any]]:
    out = []
    for month in engagekit.Period.days(first, last).months():
        a, b = max(first, month.start), min(last, month.last)
        days = [d for d in cal.days(a, b) if cal.is_working_day(d)] or list(cal.days(a, b))
        idx = [roster.index(d) for d in days]
        planned = Decimal(sum(roster.target[r][i] for r in roster.roles for i in idx)) / len(idx)
        actual = Decimal(sum(roster.named[r][i] for r in roster.roles for i in idx)) / len(idx)
        out.append(
            {
                "month": month.label,
                "planned": planned.quantize(Q2),
                "headcount": actual.quantize(Q2),
                "team_vs_plan_percent": _pct(actual, planned),
            }
        )
    return out


def _utilisation(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    first: date,
    last: date,
) -> tuple[Decimal | None, list[dict[str, Any]]]:
    """Billable hours per member (from the time-material model) over their working hours."""
    s: Settings = component.settings
    cal = project.calendar
    tm = tm_component(engine, project, component)
    bill = engine.bill_component(project, tm, engagekit.Period.days(first, last))
    minutes: dict[str, int] = defaultdict(int)
    for line in bill.lines:
        if line.kind == "time" and line.details.get("person"):
            minutes[str(line.details["person"])] += int(line.details.get("minutes") or 0)
    rows = []
    total_h = total_cap = Decimal(0)
    for m in sorted(s.members, key=lambda m: (m.start, m.name)):
        a, b = max(m.start, first), min(m.end or component.end, last)
        if a > b:
            continue
        capacity = cal.working_hours(a, b)
        hours = Decimal(minutes.pop(m.name, 0)) / 60
        total_h += hours
        total_cap += capacity
        rows.append(
            {
                "person": m.name,
                "role": m.role,
                "capacity_hours": capacity.quantize(Q2),
                "billable_hours": hours.quantize(Q2),
                "utilisation_percent": _pct(hours, capacity),
            }
        )
    for person, mins in sorted(minutes.items()):
        rows.append(
            {
                "person": person,
                "role": None,
                "capacity_hours": None,
                "billable_hours": (Decimal(mins) / 60).quantize(Q2),
                "utilisation_percent": None,
            }
        )
    return _pct(total_h, total_cap), rows
