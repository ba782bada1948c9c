"""engagekit model plugin: dedicated-team. A dedicated team (offshore development centre), billed
T&M or Cost+.

The engine calls these hooks for components of model ``dedicated-team`` only; the work is done
in the modules beside this one (``estimating``, ``billing``, ``staffing``, ``measure``), imported when
a hook runs so that ``engage --version`` stays fast. (No module may be named like a hook: importing
``engagekit_dedicated_team.estimate`` would replace the ``estimate`` hook function on this
package, and an engine created afterwards would not see it.) Billing by day or hour rates is handed to the
``time-material`` model through the engine, never by importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import engagekit

__all__ = ["MODEL"]

MODEL = "dedicated-team"


@engagekit.hookimpl
def register_models(register: Callable[[engagekit.ModelSpec], None]) -> None:
    register(
        engagekit.ModelSpec(
            name=MODEL,
            summary="A dedicated team (offshore development centre), billed T&M or Cost+",
            settings="engagekit_dedicated_team.settings:Settings",  # imported when a project uses it
            contract=">=2,<3",  # the plugin contract versions it is written for
            example="engagekit_dedicated_team.settings:EXAMPLE",
        )
    )


@engagekit.hookimpl
def estimate(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    options: engagekit.EstimateOptions,
) -> engagekit.ComponentEstimate:
    from .estimating import estimate_team

    return estimate_team(engine, project, component, options)


@engagekit.hookimpl
def bill(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    period: engagekit.Period,
) -> engagekit.ComponentBill:
    from .billing import bill_team

    return bill_team(engine, project, component, period)


@engagekit.hookimpl
def staff(
    engine: engagekit.Engine, project: engagekit.Project, component: engagekit.Component
) -> engagekit.ComponentStaffing:
    from .staffing import staff_team

    return staff_team(engine, project, component)


@engagekit.hookimpl
def measure_service(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    period: engagekit.Period | None,
) -> engagekit.ServiceMeasure:
    from .measure import measure_team

    return measure_team(engine, project, component, period)


@engagekit.hookimpl
def propose(engine: engagekit.Engine, project: engagekit.Project, scope: Any, options: Any) -> Any:
    from engagekit_dedicated_team.proposing import propose_scope

    return propose_scope(engine, project, scope, options)


@engagekit.hookimpl
def check_component(
    engine: engagekit.Engine, project: engagekit.Project, component: engagekit.Component
) -> list[str] | None:
    from engagekit_dedicated_team.validation import check_component as check

    return check(engine, project, component)
