"""The ``propose`` hook: time and material under a ceiling, for ``engage compare``.

The ceiling is what the hours would bill at the rate card at the scope's target confidence,
rounded up to a hundred: the client knows its most, and the firm carries the hours beyond it.
Below the ceiling every hour worked bills at the rate card, month by month, as the plan's team
works it.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import Any

import engagekit
from engagekit.compare import Draws, Fit, Outcome, Proposal, hourly_rates, work_by_month

MODEL = "capped-tm"


def propose_scope(
    engine: engagekit.Engine, project: engagekit.Project, scope: Any, options: Any
) -> Proposal | None:
    import numpy as np

    plan = options.plan
    if not scope.items or not plan.fte:
        return None
    roles = sorted(plan.fte)
    rates = {role: hourly_rates(project, role, plan.start) for role in roles}
    draws = options.draws
    billed = draws.dot(np.array([float(rates[c.role][0]) for c in draws.columns]))
    at = float(np.percentile(billed, scope.terms.target_confidence))
    ceiling = (Decimal(repr(at)) / 100).to_integral_value(rounding=ROUND_CEILING) * 100
    settings: dict[str, Any] = {
        "ceiling": ceiling,
        "time_material": {
            "billing_period": "monthly",
            "team": [{"role": role, "fte": plan.fte[role]} for role in roles],
        },
    }
    component = engine.make_component(
        project,
        name=f"{scope.name} (capped T&M)",
        model=MODEL,
        start=plan.start,
        end=scope.window.deadline or plan.finish,
        settings=settings,
    )

    def settle(d: Draws) -> Outcome:
        labels, worked = work_by_month(d, plan, project.calendar)
        month = np.zeros((d.trials, len(labels)))
        for role, hours in worked.items():
            month += hours * float(rates[role][0])
        # The ceiling is held cumulatively, as the model bills it.
        capped = np.minimum(np.cumsum(month, axis=1), float(ceiling))
        billing = np.diff(capped, axis=1, prepend=0.0)
        cost = d.hours @ np.array([float(rates[c.role][1]) for c in d.columns])
        return Outcome(tuple(labels), billing, cost)

    cur = project.currency
    return Proposal(
        model=MODEL,
        component=component,
        settle=settle,
        terms=f"hours at the rate card up to a ceiling of {cur} {ceiling:,.2f} "
        f"(the P{scope.terms.target_confidence} of the hours billed)",
        flexibility="people and team size change as the work needs, within the ceiling",
        fit=(
            Fit(
                "a budget the client can count on",
                True,
                f"never more than {cur} {ceiling:,.2f}",
            ),
        ),
        details={"settings": settings},
    )
