"""engagekit model plugin: time-material. Hours of work at agreed rates, billed from timesheets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import engagekit

__all__ = ["MODEL"]

MODEL = "time-material"
VERSION = "1.0.0"


@engagekit.hookimpl
def register_models(register: Callable[[engagekit.ModelSpec], None]) -> None:
    register(
        engagekit.ModelSpec(
            name=MODEL,
            summary="Hours of work at agreed rates, billed from timesheets",
            settings="engagekit_time_material.settings:Settings",  # imported when a project uses it
            contract=">=2,<3",  # the plugin contract versions it is written for
            example="engagekit_time_material.settings:EXAMPLE",
        )
    )


@engagekit.hookimpl
def bill(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    period: engagekit.Period,
) -> engagekit.ComponentBill:
    from engagekit_time_material.billing import bill as bill_period

    return bill_period(engine, project, component, period)


@engagekit.hookimpl
def estimate(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    options: engagekit.EstimateOptions,
) -> engagekit.ComponentEstimate:
    from engagekit_time_material.forecast import estimate as forecast

    return forecast(engine, project, component, options)


@engagekit.hookimpl
def staff(
    engine: engagekit.Engine, project: engagekit.Project, component: engagekit.Component
) -> engagekit.ComponentStaffing:
    from engagekit_time_material.staffing import staff as plan

    return plan(engine, project, component)


@engagekit.hookimpl
def measure_service(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    period: engagekit.Period | None,
) -> engagekit.ServiceMeasure:
    from engagekit_time_material.measures import measure

    return measure(engine, project, component, period)


@engagekit.hookimpl
def propose(engine: engagekit.Engine, project: engagekit.Project, scope: Any, options: Any) -> Any:
    from engagekit_time_material.proposing import propose_scope

    return propose_scope(engine, project, scope, options)


@engagekit.hookimpl
def check_component(project: engagekit.Project, component: engagekit.Component) -> list[str]:
    from engagekit_time_material.validation import check_component as check

    return check(project, component)
