"""The ``propose`` hook: an SLA for the scope's run phase, and nothing else.

A monthly fee covers the expected incidents: the expected cost of handling them (incidents a
month times the handling hours times the role's cost rate) plus the firm's SLA margin, rounded
up to a whole currency unit, with the expected volume included. Each incident above it is billed
at the handling hours times the role's bill rate. The firm's cost in every trial is the handling
of that trial's incidents (drawn with the scope: Poisson per month).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any

import engagekit
from engagekit.compare import (
    Draws,
    Fit,
    Outcome,
    Proposal,
    ProposeOptions,
    Scope,
    hourly_rates,
    month_hours,
)

__all__ = ["propose_scope"]

MODEL = "sla"

#: Targets proposed by default: the usual P1-P3 response and resolution times.
PRIORITIES: list[dict[str, Any]] = [
    {"name": "P1", "response_minutes": Decimal(30), "resolution_hours": Decimal(4)},
    {"name": "P2", "response_minutes": Decimal(120), "resolution_hours": Decimal(16)},
    {"name": "P3", "response_minutes": Decimal(480), "resolution_hours": Decimal(40)},
]


def propose_scope(
    engine: engagekit.Engine, project: engagekit.Project, scope: Scope, options: ProposeOptions
) -> Proposal | None:
    run = scope.run
    if run is None:
        return None
    start = engagekit.Period.of_month(options.plan.finish).end
    bill, cost = hourly_rates(project, run.role, start)
    per_incident_cost = run.handling_hours * cost
    included = int(run.incidents_per_month.to_integral_value(rounding=ROUND_CEILING))
    fee = (
        run.incidents_per_month * per_incident_cost * (1 + scope.terms.sla_margin / 100)
    ).to_integral_value(rounding=ROUND_CEILING)
    overage = (run.handling_hours * bill).quantize(engagekit.quantum(project.currency))
    labels, _ = month_hours(project.calendar, start, run.months)
    end = engagekit.Period.parse(labels[-1]).end - timedelta(days=1)
    settings: dict[str, Any] = {
        "priorities": PRIORITIES,
        "coverage": {"hours": run.service_hours, "timezone": project.calendar.timezone},
        "fee": {
            "monthly": fee,
            "included_tickets": included,
            "overage": [{"unit_price": overage}],
        },
    }
    component = engine.make_component(
        project, name=f"{scope.name} (SLA)", model=MODEL, start=start, end=end, settings=settings
    )
    cur = project.currency

    def settle(d: Draws) -> Outcome:
        import numpy as np

        n = d.incidents if d.incidents is not None else np.zeros((d.trials, run.months))
        billing = float(fee) + np.maximum(n - included, 0) * float(overage)
        firm_cost = n.sum(axis=1) * float(per_incident_cost)
        return Outcome(tuple(labels), billing, firm_cost)

    return Proposal(
        model=MODEL,
        component=component,
        settle=settle,
        terms=f"{cur} {fee:,.2f} a month for {run.months} months ({run.service_hours}), "
        f"{included} incidents included, {cur} {overage:,.2f} per incident above",
        flexibility="a service at defined levels; the firm staffs it as it sees fit",
        fit=(
            Fit(
                "support work",
                True,
                f"{run.incidents_per_month} incidents a month for {run.months} months",
            ),
        ),
        covers="run",
        details={"settings": settings},
    )
