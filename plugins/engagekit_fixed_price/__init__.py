"""engagekit model plugin ``fixed-price``: a defined scope for a fixed price.

Phased three-point estimates with a seeded beta-PERT Monte Carlo, a price at a target
confidence, milestone billing with retention, a fixed team, and earned-value tracking.
The engine calls each hook for components of model ``fixed-price`` only.
The hook bodies live in their own modules, imported when first called, so that loading the
plugin stays cheap (no numpy at import). No submodule is named like a hook: importing
``engagekit_fixed_price.estimate`` would replace the ``estimate`` hook in this namespace.
"""

from __future__ import annotations

from typing import Any

import engagekit

__all__ = ["MODEL"]

MODEL = "fixed-price"


@engagekit.hookimpl
def register_models(register: Any) -> None:
    register(
        engagekit.ModelSpec(
            name=MODEL,
            summary="A defined scope for a fixed price, phased min-max estimates",
            settings="engagekit_fixed_price.settings:Settings",  # imported when a project uses it
            contract=">=2,<3",  # the plugin contract versions it is written for
            example="engagekit_fixed_price.settings:EXAMPLE",
        )
    )


@engagekit.hookimpl
def estimate(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    options: engagekit.EstimateOptions,
) -> engagekit.ComponentEstimate:
    from engagekit_fixed_price.estimation import estimate_component

    return estimate_component(project, component, options)


@engagekit.hookimpl
def bill(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    period: engagekit.Period,
) -> engagekit.ComponentBill:
    from engagekit_fixed_price.billing import bill_component

    return bill_component(project, component, period)


@engagekit.hookimpl
def staff(
    engine: engagekit.Engine, project: engagekit.Project, component: engagekit.Component
) -> engagekit.ComponentStaffing:
    from engagekit_fixed_price.staffing import staff_component

    return staff_component(project, component)


@engagekit.hookimpl
def measure_service(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    period: engagekit.Period | None,
) -> engagekit.ServiceMeasure:
    from engagekit_fixed_price.earned_value import measure_component

    return measure_component(project, component, period)


@engagekit.hookimpl
def propose(engine: engagekit.Engine, project: engagekit.Project, scope: Any, options: Any) -> Any:
    from engagekit_fixed_price.proposing import propose_scope

    return propose_scope(engine, project, scope, options)


@engagekit.hookimpl
def check_component(
    engine: engagekit.Engine, project: engagekit.Project, component: engagekit.Component
) -> list[str] | None:
    from engagekit_fixed_price.validation import check_component as check

    return check(project, component)
