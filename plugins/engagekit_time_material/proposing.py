"""The ``propose`` hook: time and material at the rate card, with the firm's cap if it sets one.

The team of the shared plan works the scope; every hour worked is billed at the role's bill
rate, month by month, until the work is done. With ``terms.time_material_cap`` the money billed
stops at the cap (a not-to-exceed): hours beyond it are worked at the firm's cost.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

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
    work_by_month,
)

__all__ = ["propose_scope", "settle_hours"]

MODEL = "time-material"


def propose_scope(
    engine: engagekit.Engine, project: engagekit.Project, scope: Scope, options: ProposeOptions
) -> Proposal | None:
    if not scope.items:
        return None
    plan = options.plan
    roles = sorted(plan.fte)
    rates = {role: hourly_rates(project, role, plan.start) for role in roles}
    cap = scope.terms.time_material_cap
    settings: dict[str, Any] = {
        "billing_period": "monthly",
        "team": [{"role": role, "fte": plan.fte[role]} for role in roles],
    }
    if cap is not None:
        settings["cap"] = {"money": cap}
    component = engine.make_component(
        project,
        name=f"{scope.name} (time and material)",
        model=MODEL,
        start=plan.start,
        end=max(scope.window.deadline or plan.finish, plan.start),
        settings=settings,
    )
    cur = project.currency

    def settle(d: Draws) -> Outcome:
        return settle_hours(d, project, plan, rates, cap)

    facts = scope.facts(plan.month_count)
    return Proposal(
        model=MODEL,
        component=component,
        settle=settle,
        terms="hours at the rate card ("
        + ", ".join(f"{role} {cur} {rates[role][0]}/h" for role in roles)
        + "), billed monthly"
        + (f", capped at {cur} {cap:,.2f}" if cap is not None else ""),
        flexibility="people and team size change as the work needs; features are added and "
        "removed freely",
        fit=(
            Fit(
                "no defined scope",
                not facts.defined_scope,
                f"requirements {scope.requirements}, {scope.change_rate}% change a month",
            ),
            Fit(
                "features added and removed",
                scope.change_rate > 0,
                f"{scope.change_rate}% of the scope changes a month",
            ),
        ),
        details={"settings": settings},
    )


def settle_hours(
    d: Draws,
    project: engagekit.Project,
    plan: Plan,
    rates: dict[str, tuple[Decimal, Decimal]],
    cap: Decimal | None,
) -> Outcome:
    """Each month's worked hours at the bill rates (up to ``cap``); the hours at cost."""
    import numpy as np

    firm_cost = d.hours @ np.array([float(rates[c.role][1]) for c in d.columns])
    labels, worked = work_by_month(d, plan, project.calendar)
    if not labels:
        labels = [f"{plan.start:%Y-%m}"]
    billing = np.zeros((d.trials, len(labels)))
    for role, hours in worked.items():
        billing += hours * float(rates[role][0])
    if cap is not None:
        billed = np.minimum(np.cumsum(billing, axis=1), float(cap))
        billing = np.diff(billed, axis=1, prepend=0.0)
    return Outcome(tuple(labels), billing, firm_cost)
