"""The delivery plan every proposal shares, and the helpers models settle their money with.

The plan sizes one team to the scope: with a deadline, each role gets the FTE that works off its
expected hours (PERT means plus the risks' expected impact) by the deadline; without one, the
role with the most hours gets 1 FTE and the others their share. FTE are rounded up to tenths.
In every trial the team then works at that capacity, month by month on the project calendar,
until the trial's hours are done: an overrun takes more months, never more people.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
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
    finish = max(_finish(calendar, start, h, fte[r]) for r, h in expected.items())
    return Plan(start, finish, fte, expected)


_DAYS: dict[tuple[Calendar, date], list[Decimal]] = {}


def _daily(calendar: Calendar, start: date, days: int) -> list[Decimal]:
    """Working hours of each of ``days`` days from ``start``: the calendar's holidays and time
    zone are costly to ask day by day, and every proposal asks for the same days, so each day
    is asked once (the list for a calendar and start grows as longer spans are wanted)."""
    if len(_DAYS) > 64:
        _DAYS.clear()
    known = _DAYS.setdefault((calendar, start), [])
    for d in range(len(known), days):
        known.append(calendar.working_hours_on(start + timedelta(days=d)))
    return known[:days]


def _finish(calendar: Calendar, start: date, hours: Decimal, fte: Decimal) -> date:
    """As ``Calendar.finish_date``: the day on which ``hours`` at ``fte`` are worked off."""
    days = 366
    while True:
        left = hours
        for d, h in enumerate(_daily(calendar, start, days)):
            left -= h * fte
            if left <= 0:
                return start + timedelta(days=d)
        if days > 31 * MAX_MONTHS:
            raise InputError(
                f"the work does not finish within {MAX_MONTHS} months at {fte} FTE",
                field="window",
            )
        days *= 2


@functools.lru_cache(maxsize=256)
def _months(
    calendar: Calendar, start: date, months: int
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    first = start
    periods = []
    for _ in range(months):
        month = Period.of_month(first)
        periods.append((month.label, first, month.end))
        first = month.end
    daily = _daily(calendar, start, (first - start).days)
    return (
        tuple(label for label, _, _ in periods),
        tuple(
            float(sum(daily[(a - start).days : (b - start).days], Decimal(0)))
            for _, a, b in periods
        ),
    )


def month_hours(calendar: Calendar, start: date, months: int) -> tuple[list[str], list[float]]:
    """Labels and working hours of one FTE in each of ``months`` months from ``start`` (the
    first month counted from ``start``)."""
    labels, hours = _months(calendar, start, months)
    return list(labels), list(hours)


def work_by_month(
    draws: Draws, plan: Plan, calendar: Calendar
) -> tuple[list[str], dict[str, NDArray[np.float64]]]:
    """Hours each role works in each month of each trial: ``(trials, months)`` per role.

    The team works at the plan's FTE from ``plan.start`` until the trial's hours of the role
    are done; the months run until the longest trial is finished. Computed once per draws,
    plan and calendar.
    """
    key = ("work_by_month", plan.start, tuple(sorted(plan.fte.items())), plan.finish, calendar)
    if key not in draws.memo:
        draws.memo[key] = _work_by_month(draws, plan, calendar)
    memo: tuple[list[str], dict[str, NDArray[np.float64]]] = draws.memo[key]  # type: ignore[assignment]
    return list(memo[0]), dict(memo[1])


def _work_by_month(
    draws: Draws, plan: Plan, calendar: Calendar
) -> tuple[list[str], dict[str, NDArray[np.float64]]]:
    import numpy as np

    role_hours = draws.role_hours()
    # A chunk of a larger run plans the months of the longest trial of the whole run: every
    # chunk then bills the same months, as the whole run would.
    tops = (draws.whole or draws).role_maxima()
    months = max(plan.month_count, 1)
    while True:
        labels, hours = month_hours(calendar, plan.start, months)
        cum = np.cumsum(hours)
        # The month in which each role's longest trial is done (``months`` if not yet).
        last = [
            int(np.searchsorted(cum * float(plan.fte.get(role, 0)), top - 1e-9)) if top > 0 else 0
            for role, top in tops.items()
        ]
        if all(i < months for i in last):
            break
        if months >= MAX_MONTHS:
            raise InputError(
                f"the work does not finish within {MAX_MONTHS} months at the planned team "
                f"({', '.join(f'{r} {f} FTE' for r, f in plan.fte.items())})",
                field="window",
            )
        months = min(months + 6, MAX_MONTHS)
    n = max(max(last, default=0) + 1, plan.month_count)
    cum = cum[:n]
    out = {}
    for role, h in role_hours.items():
        worked = np.minimum(h[:, None], cum[None, :] * float(plan.fte.get(role, 0)))
        worked[:, 1:] -= worked[:, :-1].copy()
        out[role] = worked
    return labels[:n], out


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
