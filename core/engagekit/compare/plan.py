"""The delivery plan every proposal shares, and the helpers models settle their money with.

The plan sizes one team to the scope: with a deadline, each role gets the FTE that works off its
expected hours (PERT means plus the risks' expected impact) by the deadline; without one, the
role with the most hours gets 1 FTE and the others their share. FTE are rounded up to tenths.
In every trial the team then works at that capacity, month by month on the project calendar,
until the trial's hours are done: an overrun takes more months, never more people.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING

import attrs

from engagekit.compare.scope import Scope
from engagekit.errors import InputError
from engagekit.period import Period
from engagekit.project import Project

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from engagekit.calendar import Calendar
    from engagekit.compare.draws import Draws

__all__ = ["MAX_MONTHS", "Plan", "hourly_rates", "month_hours", "plan_delivery", "work_by_month"]

#: No trial's work may take longer than this; a scope that would is an input error.
MAX_MONTHS = 240
_TENTH = Decimal("0.1")


@attrs.frozen
class Plan:
    """The shared delivery plan: the team (FTE per role), its first day and planned last day."""

    start: date
    finish: date
    fte: dict[str, Decimal]
    expected_hours: dict[str, Decimal]

    @property
    def months(self) -> tuple[Period, ...]:
        """The calendar months from the start to the planned finish."""
        return tuple(Period.days(self.start, self.finish).months())

    @property
    def month_count(self) -> int:
        return len(self.months)


def expected_hours(scope: Scope) -> dict[str, Decimal]:
    """PERT mean hours per role, plus each risk's probability times its impact."""
    out: dict[str, Decimal] = {}
    for it in scope.items:
        out[it.role] = out.get(it.role, Decimal(0)) + it.mean
    for r in scope.risks:
        out[r.role] = out.get(r.role, Decimal(0)) + r.probability * r.impact
    return out


def _tenths_up(value: Decimal) -> Decimal:
    return max(_TENTH, (value / _TENTH).to_integral_value(rounding=ROUND_CEILING) * _TENTH)


def plan_delivery(project: Project, scope: Scope, fte: dict[str, Decimal] | None = None) -> Plan:
    """Size the team to the scope's expected hours and window (see the module doc), or plan
    the scope for a given team ``fte`` (a part of a scope, done by the whole scope's team)."""
    calendar = project.calendar
    start = scope.window.earliest_start
    expected = {role: h for role, h in expected_hours(scope).items() if h > 0}
    if not expected:
        return Plan(start, start, dict(fte or {}), {})
    deadline = scope.window.deadline
    if fte is not None:
        fte = dict(fte)
    elif deadline is not None:
        per_fte = calendar.working_hours(start, deadline)
        if per_fte <= 0:
            raise InputError(
                f"no working hours between {start} and the deadline {deadline} on the calendar",
                where=scope.source,
                field="window.deadline",
            )
        fte = {role: _tenths_up(h / per_fte) for role, h in expected.items()}
    else:
        most = max(expected.values())
        fte = {role: _tenths_up(h / most) for role, h in expected.items()}
    finish = max(calendar.finish_date(start, h, capacity=fte[r]) for r, h in expected.items())
    return Plan(start, finish, fte, expected)


def month_hours(calendar: Calendar, start: date, months: int) -> tuple[list[str], list[float]]:
    """Labels and working hours of one FTE in each of ``months`` months from ``start`` (the
    first month counted from ``start``)."""
    labels, hours = [], []
    first = start
    for _ in range(months):
        month = Period.of_month(first)
        labels.append(month.label)
        hours.append(float(calendar.working_hours(first, month.last)))
        first = month.end
    return labels, hours


def work_by_month(
    draws: Draws, plan: Plan, calendar: Calendar
) -> tuple[list[str], dict[str, NDArray[np.float64]]]:
    """Hours each role works in each month of each trial: ``(trials, months)`` per role.

    The team works at the plan's FTE from ``plan.start`` until the trial's hours of the role
    are done; the months run until the longest trial is finished.
    """
    import numpy as np

    role_hours = draws.role_hours()
    months = max(plan.month_count, 1)
    while True:
        labels, hours = month_hours(calendar, plan.start, months)
        cum = np.cumsum(hours)
        done = True
        for role, h in role_hours.items():
            fte = float(plan.fte.get(role, 0))
            top = float(h.max()) if len(h) else 0.0
            if top > 0 and (fte <= 0 or cum[-1] * fte < top - 1e-9):
                done = False
        if done:
            break
        if months >= MAX_MONTHS:
            raise InputError(
                f"the work does not finish within {MAX_MONTHS} months at the planned team "
                f"({', '.join(f'{r} {f} FTE' for r, f in plan.fte.items())})",
                field="window",
            )
        months = min(months * 2, MAX_MONTHS)
    out = {}
    for role, h in role_hours.items():
        capacity = cum * float(plan.fte.get(role, 0))
        out[role] = np.diff(np.minimum(h[:, None], capacity[None, :]), axis=1, prepend=0.0)
    last = max(
        (int(np.flatnonzero(w.any(axis=0)).max()) for w in out.values() if w.any()), default=0
    )
    n = max(last + 1, plan.month_count)
    return labels[:n], {role: w[:, :n] for role, w in out.items()}


def hourly_rates(project: Project, role: str, on: date) -> tuple[Decimal, Decimal]:
    """The bill and cost rate of one hour of ``role`` on ``on`` from the project's rate card."""
    card = project.rate_card
    rate = card.find(role, on) if card is not None else None
    if rate is None or rate.cost is None:
        raise InputError(
            f"no hourly bill and cost rate for role {role!r} on {on}",
            where=project.source,
            field="rate_card.rates",
        )
    return rate.bill, rate.cost


def after(day: date) -> date:
    """The first day of the month after ``day``'s month."""
    return Period.of_month(day).end
