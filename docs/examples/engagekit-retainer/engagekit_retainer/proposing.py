"""The ``propose`` hook: the scope as a monthly retainer, for ``engage compare``.

The retainer runs over the shared plan's months. Its fee includes the hours the plan expects a
month, billed at the rate card's average bill rate less a commitment discount; hours above them
bill at that average rate. In every trial the work is done month by month as the plan's team
does it; the retainer runs on until the work is done, one fee a month.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import Any

import engagekit
from engagekit.compare import Draws, Fit, Outcome, Proposal, hourly_rates, work_by_month

MODEL = "retainer"
#: Off the hourly rate of the included hours, for the client's commitment to a monthly fee.
COMMITMENT_DISCOUNT = Decimal(10)


def propose_scope(
    engine: engagekit.Engine, project: engagekit.Project, scope: Any, options: Any
) -> Proposal | None:
    plan = options.plan
    if not scope.items or not plan.fte:
        return None
    expected = sum(plan.expected_hours.values(), Decimal(0))
    rates = {role: hourly_rates(project, role, plan.start) for role in plan.fte}
    average_bill = sum((plan.expected_hours[r] * rates[r][0] for r in rates), Decimal(0)) / expected
    average_cost = sum((plan.expected_hours[r] * rates[r][1] for r in rates), Decimal(0)) / expected
    q = engagekit.quantum(project.currency)
    months = max(plan.month_count, 1)
    included = (expected / months).to_integral_value(rounding=ROUND_CEILING)
    fee = (included * average_bill * (1 - COMMITMENT_DISCOUNT / 100)).quantize(q)
    overage = average_bill.quantize(q)
    settings: dict[str, Any] = {
        "monthly_fee": fee,
        "included_hours": included,
        "overage_rate": overage,
        "cost_rate": average_cost.quantize(q),
        "expected_hours": included,
    }
    component = engine.make_component(
        project,
        name=f"{scope.name} (retainer)",
        model=MODEL,
        start=plan.start,
        end=plan.finish,
        settings=settings,
    )

    def settle(draws: Draws) -> Outcome:
        import numpy as np

        labels, worked = work_by_month(draws, plan, project.calendar)
        hours = sum(worked.values()) if worked else np.zeros((draws.trials, len(labels)))
        # A fee in every month up to the plan's end and in every later month with work.
        running = np.arange(len(labels))[None, :] < months
        running = running | (np.cumsum(hours[:, ::-1], axis=1)[:, ::-1] > 1e-9)
        billing = running * float(fee) + np.maximum(hours - float(included), 0) * float(overage)
        cost = draws.hours @ np.array([float(rates[c.role][1]) for c in draws.columns])
        return Outcome(tuple(labels), billing, cost)

    cur = project.currency
    return Proposal(
        model=MODEL,
        component=component,
        settle=settle,
        terms=f"{cur} {fee:,.2f} a month including {included} hours "
        f"({COMMITMENT_DISCOUNT}% off {cur} {overage}/h), hours above at {cur} {overage}/h",
        flexibility="the team works the included hours each month; more hours as the client asks",
        fit=(
            Fit(
                "a steady monthly load",
                scope.change_rate > 0 or scope.requirements in ("evolving", "unknown"),
                f"requirements {scope.requirements}, {scope.change_rate}% change a month",
            ),
        ),
        details={"settings": settings},
    )
