"""The ``staff`` hook: the team plan per month with capacity from the calendar, and the demand
of the backlog against it.

Each slot of the team plan gives one row per month it touches (its period clipped to the slot's
dates, hours = FTE x the calendar's working hours). With a backlog and an hours-per-point
figure, the backlog's demand (the simulated work at P50, growth included, times the hours per
point) is spread over the working hours from the forecast date to the component's end as
``demand`` rows, and compared with the capacity the plan gives over the same days.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import engagekit
from engagekit_time_material.backlog import history, read_backlog, read_throughput
from engagekit_time_material.forecast import hours_per_unit, simulate
from engagekit_time_material.ledger import load_entries, settings_of, where_of
from engagekit_time_material.rates import rate_book
from engagekit_time_material.team import daily_plan, slot_range

__all__ = ["DEMAND_ROLE", "staff"]

MODEL = "time-material"
DEMAND_ROLE = "backlog"
#: Trials of the demand simulation (the staffing hook gets no estimate options).
DEMAND_TRIALS = 2000


def staff(
    engine: engagekit.Engine, project: engagekit.Project, component: engagekit.Component
) -> engagekit.ComponentStaffing:
    settings = settings_of(component)
    cal = project.calendar
    rows: list[engagekit.StaffingRow] = []
    warnings: list[str] = []
    details: dict[str, Any] = {}
    two = Decimal("0.01")
    months = list(engagekit.Period.days(component.start, component.end).months())
    for slot in settings.team:
        lo, hi = slot_range(slot, component)
        for month in months:
            part = month.clip(lo, hi)
            if part is None:
                continue
            hours = slot.fte * cal.working_hours(part.start, part.last)
            rows.append(
                engagekit.StaffingRow(
                    component=component.name,
                    period=engagekit.Period(part.start, part.end, month.label),
                    role=slot.role,
                    fte=slot.fte,
                    person=slot.person,
                    hours=hours.quantize(two),
                    status="planned" if slot.person else "open",
                )
            )
    capacity_by_month: dict[str, Decimal] = {}
    for r in rows:
        capacity_by_month[r.period.label] = capacity_by_month.get(r.period.label, Decimal(0)) + (
            r.hours or Decimal(0)
        )
    details["capacity_hours"] = {k: v.quantize(two) for k, v in capacity_by_month.items()}
    if not settings.team:
        warnings.append("no team plan (settings.team): nothing to staff")

    if settings.backlog is not None:
        items = read_backlog(Path(settings.backlog), settings.csv)
        tp = (
            read_throughput(Path(settings.throughput), settings.csv)
            if settings.throughput
            else None
        )
        hist = history(settings, items, tp, where_of(project))
        entries = load_entries(settings, project, component)
        hpu, basis = hours_per_unit(settings, hist, entries)
        details["as_of"] = hist.as_of
        details["remaining"] = hist.remaining
        details["hours_per_unit"] = hpu
        if hpu is None:
            warnings.append(
                "the backlog's demand is unknown: set forecast.hours_per_unit, or record time "
                "entries over the throughput history"
            )
        elif hist.as_of <= component.end:
            import numpy as np

            sim = simulate(
                hist, settings, DEMAND_TRIALS, engagekit.EstimateOptions().seed_for(component.name)
            )
            work = Decimal(repr(float(np.percentile(sim.work, 50))))
            demand = (work * hpu).quantize(two)
            first = max(hist.as_of, component.start)
            available = cal.working_hours(first, component.end)
            book = rate_book(settings, project, where_of(project))
            plan = daily_plan(project, component, settings, book, first, component.end)
            capacity = sum(plan.hours, Decimal(0)).quantize(two)
            fte = (demand / available).quantize(two) if available else Decimal(0)
            for month in months:
                part = month.clip(first, component.end)
                if part is None:
                    continue
                rows.append(
                    engagekit.StaffingRow(
                        component=component.name,
                        period=engagekit.Period(part.start, part.end, month.label),
                        role=DEMAND_ROLE,
                        fte=fte,
                        hours=(fte * cal.working_hours(part.start, part.last)).quantize(two),
                        status="demand",
                    )
                )
            gap = demand - capacity
            details["demand"] = {
                "from": first,
                "work_p50": work.quantize(two),
                "hours_per_unit_basis": basis,
                "demand_hours": demand,
                "capacity_hours": capacity,
                "gap_hours": gap,
                "gap_fte": (gap / available).quantize(two) if available else None,
            }
            if gap > 0:
                # No working hours left: no number of people closes the gap, so no FTE to name.
                people = (
                    f"about {(gap / available).quantize(two)} FTE"
                    if available
                    else f"the calendar has no working hours from {first} to {component.end}"
                )
                warnings.append(
                    f"the backlog needs about {demand} h from {first} (P50), the team plan gives "
                    f"{capacity} h by {component.end}: short by {gap} h ({people})"
                )
            elif capacity and demand < capacity * Decimal("0.8"):
                warnings.append(
                    f"the team plan gives {capacity} h from {first}, the backlog needs about "
                    f"{demand} h (P50): {(-gap).quantize(two)} h of capacity to spare"
                )
        else:
            details["note"] = (
                f"the forecast date {hist.as_of} is after the component's end "
                f"{component.end - timedelta(days=0)}"
            )
    return engagekit.ComponentStaffing(component.name, MODEL, tuple(rows), details, tuple(warnings))
