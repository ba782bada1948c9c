"""The staff hook: the fixed roster per week or month against the capacity the estimate needs.

- Roster rows (status ``planned``): each team member's allocation in each period, as FTE of the
  period's working hours on the project calendar, and the hours that gives. The roster is the
  team of the settings, or the actual roster file when the settings name one.
- Demand rows (status ``demand``, one per role and period): the hours the estimate needs. Each
  phase's (and change request's) expected PERT hours of a role, raised to the target
  confidence, spread over the phase's planned window in proportion to working hours. The
  uplift to the target confidence is one factor for the component, from the normal
  approximation of the total: ``(mean + z * sd) / mean`` with ``z`` the normal quantile of the
  target confidence and ``sd`` the root of the summed item variances.
- Under-capacity (the team gives less than the need by more than ``capacity_tolerance``
  percent) and over-capacity (more than the need by that much) are flagged per role and period.
- A roster file that differs from the fixed team of the settings is reported, change by change,
  as a change to a fixed team.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import NormalDist
from typing import Any

import engagekit
from engagekit_fixed_price.settings import Settings, TeamMember
from engagekit_fixed_price.work import Plan, build_plan

__all__ = ["demand_uplift", "roster_changes", "staff_component"]

MODEL = "fixed-price"
TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")


def demand_uplift(plan: Plan, target: int) -> Decimal:
    """The factor from expected hours to hours at the target confidence (normal approximation)."""
    mean = plan.mean_hours()
    if mean <= 0:
        return Decimal(1)
    sd = sum((it.sd * it.sd for it in plan.items), Decimal(0)).sqrt()
    z = Decimal(repr(NormalDist().inv_cdf(target / 100)))
    return max((mean + z * sd) / mean, Decimal(0))


def _periods(component: engagekit.Component, frequency: str) -> list[engagekit.Period]:
    whole = engagekit.Period.days(component.start, component.end)
    out = []
    for p in whole.split(frequency):
        first, last = max(p.start, component.start), min(p.last, component.end)
        if first <= last:
            out.append(engagekit.Period(first, last + timedelta(days=1), p.label))
    return out


def _q(value: Decimal, places: Decimal = TENTH) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def staff_component(
    project: engagekit.Project, component: engagekit.Component
) -> engagekit.ComponentStaffing:
    from engagekit_fixed_price.importers import read_roster

    settings: Settings = component.settings
    calendar = project.calendar
    plan = build_plan(settings, component, calendar)
    actual = read_roster(component, project.roster)
    team = tuple(actual) if actual is not None else settings.team
    first, last = component.start, component.end
    days = (last - first).days + 1
    day_hours = [calendar.working_hours_on(first + timedelta(days=d)) for d in range(days)]
    periods = _periods(component, settings.staffing_period)

    def index(d: date) -> int:
        return (d - first).days

    period_hours = [sum(day_hours[index(p.start) : index(p.last) + 1], Decimal(0)) for p in periods]

    rows: list[engagekit.StaffingRow] = []
    capacity: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for m in team:
        start = max(m.start or first, first)
        end = min(m.end or last, last)
        for k, p in enumerate(periods):
            lo, hi = max(start, p.start), min(end, p.last)
            if lo > hi or m.fte <= 0:
                continue
            hours = sum(day_hours[index(lo) : index(hi) + 1], Decimal(0)) * m.fte
            capacity[(m.role, k)] += hours
            fte = hours / period_hours[k] if period_hours[k] else Decimal(0)
            rows.append(
                engagekit.StaffingRow(
                    component=component.name,
                    period=p,
                    role=m.role,
                    fte=_q(fte, HUNDREDTH),
                    person=m.person,
                    hours=_q(hours),
                    status="planned",
                )
            )

    uplift = demand_uplift(plan, settings.target_confidence)
    demand = _demand(plan, uplift, component, day_hours, periods)
    for (role, k), hours in sorted(demand.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        fte = hours / period_hours[k] if period_hours[k] else Decimal(0)
        rows.append(
            engagekit.StaffingRow(
                component=component.name,
                period=periods[k],
                role=role,
                fte=_q(fte, HUNDREDTH),
                person=None,
                hours=_q(hours),
                status="demand",
            )
        )

    table, warnings = _compare(plan.roles, periods, capacity, demand, settings)
    changes = roster_changes(settings.team, actual, component) if actual is not None else []
    warnings.extend(f"change to a fixed team: {c['change']}" for c in changes)
    details: dict[str, Any] = {
        "period": settings.staffing_period,
        "roster": "roster file" if actual is not None else "settings",
        "target_confidence": settings.target_confidence,
        "demand_uplift": _q(uplift, Decimal("0.0001")),
        "capacity": table,
        "roles": _role_totals(plan.roles, periods, capacity, demand),
        "roster_changes": changes,
    }
    rows.sort(key=lambda r: (r.period.start, r.status != "planned", r.role, r.person or ""))
    return engagekit.ComponentStaffing(
        component=component.name,
        model=MODEL,
        rows=tuple(rows),
        details=details,
        warnings=tuple(warnings),
    )


def _demand(
    plan: Plan,
    uplift: Decimal,
    component: engagekit.Component,
    day_hours: Sequence[Decimal],
    periods: Sequence[engagekit.Period],
) -> dict[tuple[str, int], Decimal]:
    """Hours each role needs in each period (phases spread over their planned windows)."""
    first, last = component.start, component.end
    out: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for g, group in enumerate(plan.groups):
        by_role: dict[str, Decimal] = defaultdict(Decimal)
        for it in plan.items_of(g):
            by_role[it.role] += it.mean * uplift
        lo, hi = max(group.start, first), min(group.end, last)
        if lo > hi:
            lo = hi = min(max(group.start, first), last)
        lo_i, hi_i = (lo - first).days, (hi - first).days
        window = list(day_hours[lo_i : hi_i + 1])
        total = sum(window, Decimal(0))
        weights = window if total > 0 else [Decimal(1)] * len(window)
        total = total if total > 0 else Decimal(len(window))
        for k, p in enumerate(periods):
            a, b = max(lo_i, (p.start - first).days), min(hi_i, (p.last - first).days)
            if a > b:
                continue
            share = sum(weights[a - lo_i : b - lo_i + 1], Decimal(0)) / total
            for role, hours in by_role.items():
                out[(role, k)] += hours * share
    return out


def _compare(
    roles: Sequence[str],
    periods: Sequence[engagekit.Period],
    capacity: dict[tuple[str, int], Decimal],
    demand: dict[tuple[str, int], Decimal],
    settings: Settings,
) -> tuple[list[dict[str, Any]], list[str]]:
    tol = settings.capacity_tolerance / 100
    table = []
    flagged: dict[tuple[str, str], list[tuple[str, Decimal, Decimal]]] = defaultdict(list)
    all_roles = sorted(set(roles) | {r for r, _ in capacity})
    for k, p in enumerate(periods):
        for role in all_roles:
            cap = capacity.get((role, k), Decimal(0))
            need = demand.get((role, k), Decimal(0))
            if not cap and not need:
                continue
            if need > cap * (1 + tol):
                status = "under-capacity"
            elif need < cap * (1 - tol):
                status = "over-capacity"
            else:
                status = "ok"
            if status != "ok":
                flagged[(role, status)].append((p.label, cap, need))
            table.append(
                {
                    "period": p.label,
                    "role": role,
                    "capacity_hours": _q(cap),
                    "demand_hours": _q(need),
                    "utilisation_percent": _q(need / cap * 100) if cap else None,
                    "status": status,
                }
            )
    warnings = []
    for (role, status), items in sorted(flagged.items()):
        labels = ", ".join(label for label, _, _ in items)
        label, cap, need = max(items, key=lambda t: abs(t[2] - t[1]))
        gap = "short by" if status == "under-capacity" else "idle for"
        warnings.append(
            f"{role}: {status} in {labels} (worst {label}: the fixed team gives {_q(cap)} h, "
            f"the estimate needs {_q(need)} h, {gap} {_q(abs(need - cap))} h)"
        )
    return table, warnings


def _role_totals(
    roles: Sequence[str],
    periods: Sequence[engagekit.Period],
    capacity: dict[tuple[str, int], Decimal],
    demand: dict[tuple[str, int], Decimal],
) -> list[dict[str, Any]]:
    out = []
    for role in sorted(set(roles) | {r for r, _ in capacity}):
        cap = sum((capacity.get((role, k), Decimal(0)) for k in range(len(periods))), Decimal(0))
        need = sum((demand.get((role, k), Decimal(0)) for k in range(len(periods))), Decimal(0))
        out.append(
            {
                "role": role,
                "capacity_hours": _q(cap),
                "demand_hours": _q(need),
                "balance_hours": _q(cap - need),
            }
        )
    return out


def _entry(m: TeamMember, component: engagekit.Component) -> tuple[Decimal, date, date]:
    return (m.fte, m.start or component.start, m.end or component.end)


def _fmt(m: tuple[Decimal, date, date]) -> str:
    fte, start, end = m
    return f"{fte.normalize():f} FTE {start} .. {end}"


def roster_changes(
    plan: Sequence[TeamMember], actual: Sequence[TeamMember], component: engagekit.Component
) -> list[dict[str, Any]]:
    """Each difference between the fixed team of the settings and the actual roster."""
    planned: dict[tuple[str, str | None], list[tuple[Decimal, date, date]]] = defaultdict(list)
    real: dict[tuple[str, str | None], list[tuple[Decimal, date, date]]] = defaultdict(list)
    for m in plan:
        planned[(m.role, m.person)].append(_entry(m, component))
    for m in actual:
        real[(m.role, m.person)].append(_entry(m, component))
    out = []
    for key in sorted(set(planned) | set(real), key=lambda k: (k[0], k[1] or "")):
        role, person = key
        who = f"{person} ({role})" if person else f"a {role} seat"
        p, a = sorted(planned.get(key, [])), sorted(real.get(key, []))
        if p == a:
            continue
        if not a:
            text = f"{who} left the team (planned {'; '.join(map(_fmt, p))})"
        elif not p:
            text = f"{who} joined the team ({'; '.join(map(_fmt, a))}), not in the plan"
        elif len(p) == 1 and len(a) == 1:
            parts = []
            (pf, ps, pe), (af, as_, ae) = p[0], a[0]
            if pf != af:
                parts.append(f"allocation {pf.normalize():f} -> {af.normalize():f} FTE")
            if ps != as_:
                parts.append(f"starts {as_} instead of {ps}")
            if pe != ae:
                parts.append(f"leaves {ae} instead of {pe}")
            text = f"{who}: {', '.join(parts)}"
        else:
            text = f"{who}: planned {'; '.join(map(_fmt, p))}, actual {'; '.join(map(_fmt, a))}"
        out.append(
            {
                "role": role,
                "person": person,
                "planned": [_fmt(x) for x in p],
                "actual": [_fmt(x) for x in a],
                "change": text,
            }
        )
    return out
