"""engagekit model plugin ``sla``: managed services under service levels, with credits.

Support and maintenance (and BPO) agreements: incident, problem, change and release management
measured against targets in business time on a coverage calendar, availability with service
credits, a monthly fee with volume overage, out-of-scope work billed time and material through
the engine, and Erlang C staffing. Documented in docs/models/sla.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import engagekit

__all__ = ["MODEL"]

MODEL = "sla"


@engagekit.hookimpl
def register_models(register: Callable[[engagekit.ModelSpec], None]) -> None:
    register(
        engagekit.ModelSpec(
            name=MODEL,
            summary="Managed services under service levels, with credits",
            settings="engagekit_sla.settings:Settings",  # imported when a project uses it
            contract=">=2,<3",  # the plugin contract versions it is written for
            example="engagekit_sla.settings:EXAMPLE",
        )
    )


@engagekit.hookimpl
def estimate(
    project: engagekit.Project, component: engagekit.Component
) -> engagekit.ComponentEstimate:
    from engagekit_sla.staffing import estimate_component

    return estimate_component(project, component)


@engagekit.hookimpl
def bill(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    period: engagekit.Period,
) -> engagekit.ComponentBill:
    from engagekit_sla.billing import bill_component

    return bill_component(engine, project, component, period)


@engagekit.hookimpl
def staff(
    project: engagekit.Project, component: engagekit.Component
) -> engagekit.ComponentStaffing:
    from engagekit_sla.staffing import staff_component

    return staff_component(project, component)


@engagekit.hookimpl
def measure_service(
    project: engagekit.Project, component: engagekit.Component, period: engagekit.Period | None
) -> engagekit.ServiceMeasure:
    from engagekit_sla.measure import measure_component

    return measure_component(project, component, period)


@engagekit.hookimpl
def propose(engine: engagekit.Engine, project: engagekit.Project, scope: Any, options: Any) -> Any:
    from engagekit_sla.proposing import propose_scope

    return propose_scope(engine, project, scope, options)


@engagekit.hookimpl
def check_component(
    engine: engagekit.Engine, project: engagekit.Project, component: engagekit.Component
) -> list[str]:
    from engagekit_sla.validation import check_component as check

    return check(engine, project, component)
