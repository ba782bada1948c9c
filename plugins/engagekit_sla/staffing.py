"""Staffing and estimates of an sla component: Erlang C agents per coverage window, FTE, a rota,
and the monthly fee that covers the staffing cost with a margin."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

import attrs

import engagekit
from engagekit_sla.erlang import Requirement, agents_needed
from engagekit_sla.settings import WEEKDAYS, Settings, Staffing, Window, parse_range

__all__ = ["StaffingPlan", "estimate_component", "plan", "staff_component"]

WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
HOURS = Decimal("0.01")


@attrs.frozen
class WindowNeed:
    window: Window
    requirement: Requirement

    @property
    def agent_hours_per_week(self) -> Decimal:
        return self.requirement.agents * self.window.hours_per_day * len(self.window.days)

    @property
    def tickets_per_week(self) -> Decimal:
        return self.window.arrivals_per_hour * self.window.hours_per_day * len(self.window.days)


@attrs.frozen
class StaffingPlan:
    needs: tuple[WindowNeed, ...]
    fte: Decimal
    paid_hours_per_week: Decimal
    warnings: tuple[str, ...]

    @property
    def tickets_per_month(self) -> Decimal:
        return sum((n.tickets_per_week for n in self.needs), Decimal(0)) * WEEKS_PER_MONTH


def _minutes(window: Window) -> tuple[int, int]:
    start, end = parse_range(window.hours, "hours")
    return start.hour * 60 + start.minute, 24 * 60 if end is None else end.hour * 60 + end.minute


def _fmt(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _coverage_gaps(calendar: engagekit.Calendar, windows: tuple[Window, ...]) -> list[str]:
    """Check the windows don't overlap; say which coverage hours no window staffs."""
    staffed = [[None] * (24 * 60) for _ in range(7)]  # type: list[list[str | None]]
    for i, w in enumerate(windows):
        a, b = _minutes(w)
        for day in w.days:
            d = WEEKDAYS.index(day)
            for m in range(a, b):
                other = staffed[d][m]
                if other is not None:
                    raise engagekit.InputError(
                        f"windows {other!r} and {w.name!r} overlap on {day} at {_fmt(m)}",
                        field=f"staffing.windows[{i}]",
                        hint="each hour of the week belongs to at most one window",
                    )
                staffed[d][m] = w.name
    gaps = []
    for d, spans in enumerate(calendar.week):
        for start, end in spans:
            a = start.hour * 60 + start.minute
            b = 24 * 60 if end is None else end.hour * 60 + end.minute
            run = None
            for m in range(a, b + 1):
                free = m < b and staffed[d][m] is None
                if free and run is None:
                    run = m
                elif not free and run is not None:
                    gaps.append(f"{WEEKDAYS[d]} {_fmt(run)}-{_fmt(m)}")
                    run = None
    return gaps


def plan(calendar: engagekit.Calendar, staffing: Staffing) -> StaffingPlan:
    """Agents per window (Erlang C), FTE with shrinkage; warnings for unstaffed coverage."""
    needs = []
    for i, w in enumerate(staffing.windows):
        try:
            req = agents_needed(
                float(w.arrivals_per_hour),
                float(w.handling_minutes) / 60,
                float(staffing.answer_within_minutes) / 60,
                float(staffing.service_level_pct) / 100,
                float(staffing.max_occupancy_pct) / 100,
                staffing.max_agents,
            )
        except engagekit.InputError as err:
            raise engagekit.InputError(
                f"window {w.name!r}: {err.message}",
                field=f"staffing.windows[{i}].{err.field}",
                hint=err.hint,
            ) from None
        needs.append(WindowNeed(w, req))
    gaps = _coverage_gaps(calendar, staffing.windows)
    warnings = []
    if gaps:
        shown = ", ".join(gaps[:6]) + (f" and {len(gaps) - 6} more" if len(gaps) > 6 else "")
        warnings.append(f"coverage hours no staffing window covers: {shown}")
    agent_hours = sum((n.agent_hours_per_week for n in needs), Decimal(0))
    paid = agent_hours / (1 - staffing.shrinkage_pct / 100)
    fte = (paid / staffing.fte_hours_per_week).quantize(HOURS, rounding=ROUND_CEILING)
    return StaffingPlan(tuple(needs), fte, paid, tuple(warnings))


def _window_rows(p: StaffingPlan) -> list[dict[str, Any]]:
    return [
        {
            "window": n.window.name,
            "days": " ".join(n.window.days),
            "hours": n.window.hours,
            "arrivals_per_hour": n.window.arrivals_per_hour,
            "handling_minutes": n.window.handling_minutes,
            "traffic_erlangs": Decimal(repr(n.requirement.traffic)).quantize(HOURS),
            "agents": n.requirement.agents,
            "service_level_pct": _pct(n.requirement.service_level),
            "occupancy_pct": _pct(n.requirement.occupancy),
            "average_wait_min": Decimal(repr(n.requirement.average_wait * 60)).quantize(
                Decimal("0.1")
            ),
            "agent_hours_per_week": n.agent_hours_per_week,
        }
        for n in p.needs
    ]


def _pct(x: float) -> Decimal:
    return Decimal(repr(x * 100)).quantize(HOURS)


def rota(p: StaffingPlan) -> list[dict[str, Any]]:
    """Agents on duty per weekday and window: the weekly rota (24x7 when the windows cover it)."""
    out = []
    for day in WEEKDAYS:
        row: dict[str, Any] = {"day": day}
        on = sorted((_minutes(n.window), n) for n in p.needs if day in n.window.days)
        for (a, b), n in on:
            row[f"{_fmt(a)}-{_fmt(b)}"] = n.requirement.agents
        row["agent_hours"] = sum(
            (n.requirement.agents * n.window.hours_per_day for _, n in on), Decimal(0)
        )
        out.append(row)
    return out


def _coverage(project: engagekit.Project, s: Settings) -> engagekit.Calendar:
    return s.coverage or project.calendar


def staff_component(
    project: engagekit.Project, component: engagekit.Component
) -> engagekit.ComponentStaffing:
    s: Settings = component.settings
    if s.staffing is None or not s.staffing.windows:
        return engagekit.ComponentStaffing(
            component.name, "sla", warnings=("no staffing windows: nothing to plan",)
        )
    p = plan(_coverage(project, s), s.staffing)
    rows = []
    for month in engagekit.Period.days(component.start, component.end).months():
        part = month.clip(component.start, component.end)
        assert part is not None
        hours = (p.paid_hours_per_week * part.length / 7).quantize(HOURS)
        # A row's FTE is the staffing during its own period: a part month keeps the full FTE.
        rows.append(
            engagekit.StaffingRow(
                component=component.name,
                period=part,
                role=s.staffing.role,
                fte=p.fte.quantize(HOURS),
                hours=hours,
                status="planned",
            )
        )
    details = {
        "fte": p.fte,
        "paid_hours_per_week": p.paid_hours_per_week.quantize(HOURS),
        "windows": _window_rows(p),
        "rota": rota(p),
        "service_level_pct": s.staffing.service_level_pct,
        "answer_within_minutes": s.staffing.answer_within_minutes,
        "shrinkage_pct": s.staffing.shrinkage_pct,
        "max_occupancy_pct": s.staffing.max_occupancy_pct,
    }
    return engagekit.ComponentStaffing(component.name, "sla", tuple(rows), details, p.warnings)


def _cost_per_hour(project: engagekit.Project, s: Settings, on: date) -> Decimal:
    assert s.staffing is not None
    card = project.rate_card
    if card is not None:
        rate = card.find(s.staffing.role, on)
        if rate is not None and rate.cost is not None:
            if rate.unit == "hour":
                return rate.cost
            if rate.unit == "day":
                return rate.cost / 8
            return rate.cost / (s.staffing.fte_hours_per_week * WEEKS_PER_MONTH)
    if s.staffing.cost_per_hour is not None:
        return s.staffing.cost_per_hour
    raise engagekit.InputError(
        f"no cost rate for role {s.staffing.role!r}",
        field="staffing.cost_per_hour",
        hint="give the role a cost on the rate card, or set staffing.cost_per_hour",
    )


def months_of(component: engagekit.Component) -> Decimal:
    """The component's length in months (partial months by their share of days)."""
    total = Decimal(0)
    for month in engagekit.Period.days(component.start, component.end).months():
        part = month.clip(component.start, component.end)
        assert part is not None
        total += Decimal(part.length) / Decimal(month.length)
    return total


def estimate_component(
    project: engagekit.Project, component: engagekit.Component
) -> engagekit.ComponentEstimate:
    s: Settings = component.settings
    months = months_of(component)
    zero = engagekit.Money.zero(project.currency)
    contract = project.money(s.fee.monthly) if s.fee is not None else None
    if s.staffing is None or not s.staffing.windows:
        price = (contract * months).rounded() if contract is not None else zero
        return engagekit.ComponentEstimate(
            component.name,
            "sla",
            cost=zero,
            price=price,
            start=component.start,
            finish=component.end,
            details={"months": months.quantize(HOURS)},
            warnings=("no staffing windows: the cost of the service is not estimated",),
        )
    p = plan(_coverage(project, s), s.staffing)
    per_hour = _cost_per_hour(project, s, component.start)
    monthly_hours = p.paid_hours_per_week * WEEKS_PER_MONTH
    monthly_cost = project.money(monthly_hours * per_hour)
    suggested = (monthly_cost / (1 - s.margin_pct / 100)).rounded()
    cost = (monthly_cost * months).rounded()
    price = ((contract or suggested) * months).rounded()
    warnings = list(p.warnings)
    if contract is not None and contract < monthly_cost:
        warnings.append(
            f"the monthly fee {contract} is below the staffing cost {monthly_cost.rounded()}"
        )
    details = {
        "months": months.quantize(HOURS),
        "fte": p.fte,
        "tickets_per_month": p.tickets_per_month.quantize(Decimal(1)),
        "paid_hours_per_month": monthly_hours.quantize(HOURS),
        "cost_per_hour": project.money(per_hour),
        "monthly_cost": monthly_cost.rounded(),
        "margin_pct": s.margin_pct,
        "suggested_monthly_fee": suggested,
        "contract_monthly_fee": contract,
        "windows": _window_rows(p),
    }
    return engagekit.ComponentEstimate(
        component.name,
        "sla",
        cost=cost,
        price=price,
        effort_hours=engagekit.Distribution.point(
            (monthly_hours * months).quantize(Decimal("0.1"))
        ),
        start=component.start,
        finish=component.end,
        details=details,
        warnings=tuple(warnings),
    )
