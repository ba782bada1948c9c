"""The ``propose`` hook: a dedicated team sized to the work and the window, billed per seat.

Each role of the shared plan gets whole seats (its FTE rounded up). A seat bills its month at the
role's hourly bill rate times the month's working hours, and costs the firm the cost rate times
the same hours, busy or not. The team stays to the end of the month in which the trial's work is done, and at least
to the end of the minimum term (counted from the first day, as the model counts it): an overrun
is more months of the team, paid by the client.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

import attrs

import engagekit
from engagekit.compare import (
    Draws,
    Fit,
    Outcome,
    Plan,
    Proposal,
    ProposeOptions,
    Scope,
    hourly_rates,
    month_hours,
    work_by_month,
)
from engagekit_dedicated_team.settings import add_months

__all__ = ["propose_scope"]

MODEL = "dedicated-team"


def propose_scope(
    engine: engagekit.Engine, project: engagekit.Project, scope: Scope, options: ProposeOptions
) -> Proposal | None:
    if not scope.items:
        return None
    plan = options.plan
    seats = {r: int(f.to_integral_value(rounding=ROUND_CEILING)) for r, f in plan.fte.items()}
    seats = {r: n for r, n in seats.items() if n > 0}
    team_plan = attrs.evolve(plan, fte={r: Decimal(n) for r, n in seats.items()})
    rates = {role: hourly_rates(project, role, plan.start) for role in seats}
    term = max(scope.terms.minimum_term_months, 1)
    months = max(plan.month_count, term)
    _, hours = month_hours(project.calendar, plan.start, months)
    average = Decimal(repr(sum(hours) / len(hours))).quantize(Decimal("0.01"), ROUND_HALF_UP)
    q = engagekit.quantum(project.currency)
    settings: dict[str, Any] = {
        "billing": "tm",
        "minimum_term_months": term,
        "notice_days": 30,
        "positions": [
            {
                "role": role,
                "headcount": n,
                "monthly_cost": (rates[role][1] * average).quantize(q),
                "rate": (rates[role][0] * average).quantize(q),
                "rate_unit": "month",
            }
            for role, n in sorted(seats.items())
        ],
    }
    term_end = add_months(plan.start, term) - timedelta(days=1)
    end = max(plan.finish, term_end)
    component = engine.make_component(
        project,
        name=f"{scope.name} (dedicated team)",
        model=MODEL,
        start=plan.start,
        end=end,
        settings=settings,
    )
    cur = project.currency
    paid = sum(Decimal(n) for n in seats.values()) * Decimal(
        repr(sum(hours[: max(plan.month_count, term)]))
    )
    busy = (100 * sum(plan.expected_hours.values()) / paid).quantize(Decimal(1)) if paid else 0

    def settle(d: Draws) -> Outcome:
        return _settle(d, project, team_plan, seats, rates, term_end)

    facts = scope.facts(plan.month_count)
    return Proposal(
        model=MODEL,
        component=component,
        settle=settle,
        terms="a team of "
        + ", ".join(f"{n} {role}" for role, n in sorted(seats.items()))
        + f" billed monthly per seat (about {cur} "
        + ", ".join(f"{(rates[r][0] * average):,.0f} a {r}" for r in sorted(seats))
        + f"), minimum term {term} months; at plan the seats are busy {busy}% of the paid time",
        flexibility="the client controls hiring and team size, a reduction at 30 days' notice "
        f"after the {term}-month minimum term",
        fit=(
            Fit(
                "long term",
                facts.long_term,
                f"{facts.months} months of delivery"
                + (f" and {scope.run.months} of run" if scope.run else ""),
            ),
            Fit(
                "no in-house team",
                not facts.in_house_team,
                "the client has a team of its own"
                if facts.in_house_team
                else "the client has none",
            ),
        ),
        details={"settings": settings},
    )


def _settle(
    d: Draws,
    project: engagekit.Project,
    plan: Plan,
    seats: dict[str, int],
    rates: dict[str, tuple[Decimal, Decimal]],
    term_end: date,
) -> Outcome:
    import numpy as np

    calendar = project.calendar
    labels, worked = work_by_month(d, plan, calendar)
    first = plan.start
    n = len(labels)
    term_hours: list[float] = []
    while True:
        month = engagekit.Period.of_month(first)
        if len(term_hours) >= n and month.start > term_end:
            break
        inside = first <= term_end
        term_hours.append(
            float(calendar.working_hours(first, min(month.last, term_end))) if inside else 0.0
        )
        first = month.end
    n = len(term_hours)
    labels, hours = month_hours(calendar, plan.start, n)
    busy = np.zeros((d.trials, n), dtype=bool)
    for w in worked.values():
        busy[:, : w.shape[1]] |= w > 1e-9
    # Engaged in full to the end of the last busy month, and to the minimum term's end.
    last = np.where(busy.any(axis=1), n - np.argmax(busy[:, ::-1], axis=1), 0)
    engaged = np.where(
        np.arange(n)[None, :] < last[:, None], np.asarray(hours)[None, :], np.asarray(term_hours)
    )
    bill = sum(seats[r] * float(rates[r][0]) for r in seats)
    cost = sum(seats[r] * float(rates[r][1]) for r in seats)
    return Outcome(tuple(labels), engaged * bill, engaged.sum(axis=1) * cost)
