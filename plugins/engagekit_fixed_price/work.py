"""The plan behind every hook: work items flattened by group, planned windows, rates, capacity.

A *group* is a phase of the base scope or an approved change request; both have work items, a
planned window (start .. end) and can be accepted by the client.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

import attrs

import engagekit
from engagekit_fixed_price.pert import pert_mean, pert_sd
from engagekit_fixed_price.settings import Settings, TeamMember, WorkItem

__all__ = [
    "Group",
    "Item",
    "Plan",
    "build_plan",
    "component_field",
    "daily_capacity",
    "role_cost_rates",
]


@attrs.frozen
class Item:
    group: int
    role: str
    label: str
    low: Decimal
    mode: Decimal
    high: Decimal
    new_technology: bool

    @property
    def mean(self) -> Decimal:
        return pert_mean(self.low, self.mode, self.high)

    @property
    def sd(self) -> Decimal:
        return pert_sd(self.low, self.mode, self.high)


@attrs.frozen
class Group:
    name: str
    kind: Literal["phase", "change"]
    start: date
    end: date
    new_technology: bool = False
    price: Decimal | None = None  # change requests only


@attrs.frozen
class Plan:
    groups: tuple[Group, ...]
    items: tuple[Item, ...]
    roles: tuple[str, ...]

    @property
    def phases(self) -> tuple[Group, ...]:
        return tuple(g for g in self.groups if g.kind == "phase")

    def group(self, name: str) -> Group:
        for g in self.groups:
            if g.name == name:
                return g
        raise KeyError(name)

    def items_of(self, index: int) -> list[Item]:
        return [it for it in self.items if it.group == index]

    def mean_hours(self, index: int | None = None) -> Decimal:
        return sum((it.mean for it in self.items if index is None or it.group == index), Decimal(0))


def component_field(project: engagekit.Project, component: engagekit.Component, key: str) -> str:
    """``settings.<key>``: where a setting lives in the component (the engine adds which
    component of which file)."""
    return f"settings.{key}"


def _item(group: int, it: WorkItem, phase_new_tech: bool) -> Item:
    return Item(
        group, it.role, it.label, it.low, it.mode, it.high, it.new_technology or phase_new_tech
    )


def build_plan(
    settings: Settings, component: engagekit.Component, calendar: engagekit.Calendar
) -> Plan:
    """Items of every phase and change request, and the planned window of each."""
    items: list[Item] = []
    for g, phase in enumerate(settings.phases):
        items.extend(_item(g, it, phase.new_technology) for it in phase.items)
    offset = len(settings.phases)
    for k, cr in enumerate(settings.change_requests):
        items.extend(_item(offset + k, it, False) for it in cr.items)
    means = [
        sum((pert_mean(it.low, it.mode, it.high) for it in p.items), Decimal(0))
        for p in settings.phases
    ]
    windows = phase_windows(settings, component, calendar, means)
    groups = [
        Group(p.name, "phase", s, e, p.new_technology)
        for p, (s, e) in zip(settings.phases, windows, strict=True)
    ]
    for cr in settings.change_requests:
        start = cr.start or cr.approved
        end = cr.end or max(component.end, start)
        groups.append(Group(cr.id, "change", start, end, False, cr.price))
    roles = tuple(sorted({it.role for it in items}))
    return Plan(tuple(groups), tuple(items), roles)


def phase_windows(
    settings: Settings,
    component: engagekit.Component,
    calendar: engagekit.Calendar,
    means: Sequence[Decimal],
) -> list[tuple[date, date]]:
    """Planned start and end of each phase.

    With ``end`` on every phase: each starts on its ``start`` or the day after the previous
    phase's end. Without: phases follow one another over the component's working days, each
    taking a share of them in proportion to its expected (PERT) hours.
    """
    phases = settings.phases
    if all(p.end is not None for p in phases):
        out = []
        prev: date | None = None
        for p in phases:
            assert p.end is not None
            start = p.start or (prev + timedelta(days=1) if prev else component.start)
            out.append((min(start, p.end), p.end))
            prev = p.end
        return out
    days = [d for d in calendar.days(component.start, component.end) if calendar.is_working_day(d)]
    if not days:
        days = list(calendar.days(component.start, component.end))
    total = sum(means, Decimal(0))
    n = len(days)
    out = []
    cum = Decimal(0)
    prev_idx = -1
    for i, (p, mean) in enumerate(zip(phases, means, strict=True)):
        cum += mean
        if i == len(phases) - 1:
            idx = n - 1
        else:
            share = cum / total if total else Decimal(i + 1) / len(phases)
            idx = min(max(math.ceil(share * n) - 1, prev_idx + 1), n - 1)
        start_day = component.start if i == 0 else days[min(prev_idx + 1, n - 1)]
        end_day = days[idx] if i < len(phases) - 1 else component.end
        out.append((p.start or min(start_day, end_day), end_day))
        prev_idx = idx
    return out


def role_cost_rates(
    project: engagekit.Project, component: engagekit.Component, roles: Sequence[str]
) -> dict[str, Decimal]:
    """Cost per hour of each role: ``cost_rates`` in the settings, else the project's rate card."""
    settings: Settings = component.settings
    out: dict[str, Decimal] = {}
    for role in roles:
        if role in settings.cost_rates:
            out[role] = settings.cost_rates[role]
            continue
        rate = project.rate_card.find(role, component.start) if project.rate_card else None
        if rate is None or rate.cost is None:
            what = "no rate" if rate is None else "a rate without a cost"
            raise engagekit.InputError(
                f"{what} for role {role!r} on {component.start}; "
                "a fixed price is built from the cost of the hours",
                where=project.source,
                field=component_field(project, component, "cost_rates"),
                hint=f"add cost_rates = {{ {role} = 60 }} to the component's settings, or a "
                f'rate with role = "{role}" and cost = ... to [rate_card]',
            )
        if project.rate_card is not None and project.rate_card.currency != project.currency:
            raise engagekit.InputError(
                f"the rate card is in {project.rate_card.currency} but the project in "
                f"{project.currency}; a fixed price needs costs in the project currency",
                where=project.source,
                field=component_field(project, component, "cost_rates"),
                hint="give cost_rates in the project currency in the component's settings",
            )
        per = {
            "hour": Decimal(1),
            "day": settings.hours_per_day,
            "month": settings.hours_per_day * 21,
        }[rate.unit]
        out[role] = rate.cost / per
    return out


def member_window(member: TeamMember, component: engagekit.Component) -> tuple[date, date | None]:
    """When a team member works: ``start`` (default the component's start) to ``end``.

    Without an explicit ``end`` the member stays beyond the component's end, so that an overrun
    can be projected; with one, the member leaves on that day.
    """
    return member.start or component.start, member.end


def daily_capacity(
    team: Sequence[TeamMember],
    roles: Sequence[str],
    component: engagekit.Component,
    calendar: engagekit.Calendar,
    first: date,
    days: int,
) -> tuple[list[float], list[list[float]]]:
    """Working hours per day (float) and each role's team capacity per day, from ``first``."""
    hours = [float(calendar.working_hours_on(first + timedelta(days=d))) for d in range(days)]
    per_role = []
    for role in roles:
        row = [0.0] * days
        for m in team:
            if m.role != role or m.fte <= 0:
                continue
            start, end = member_window(m, component)
            fte = float(m.fte)
            lo = max((start - first).days, 0)
            hi = days if end is None else min((end - first).days + 1, days)
            for d in range(lo, hi):
                row[d] += hours[d] * fte
        per_role.append(row)
    return hours, per_role
