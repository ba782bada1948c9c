"""engagekit model plugin ``capped-tm``: time and material billing under a fixed-price ceiling.

A composite model: it re-implements nothing of time and material. Each hook builds a
``time-material`` component from the ``time_material`` settings table with
``engine.make_component`` and asks the engine to bill, estimate, staff or measure it (the engine
dispatches to whichever plugin owns ``time-material``); then it applies the ceiling. Only
engagekit's public API is used, and no other plugin is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import engagekit
from engagekit_capped_tm.ceiling import apply_ceiling, counted
from engagekit_capped_tm.settings import EXAMPLE, Settings

__all__ = ["MODEL", "Settings"]
__version__ = "1.0.0"

MODEL = "capped-tm"
INNER = "time-material"
_STATUS = {None: 0, "on-track": 1, "at-risk": 2, "off-track": 3}


@engagekit.hookimpl
def register_models(register: Callable[[engagekit.ModelSpec], None]) -> None:
    register(
        engagekit.ModelSpec(
            name=MODEL,
            summary="Time and material billing under a fixed-price ceiling",
            settings=Settings,
            contract=">=2,<3",  # the plugin contract versions it is written for
            version=__version__,
            example=EXAMPLE,
        )
    )


def inner_component(
    engine: engagekit.Engine, project: engagekit.Project, component: engagekit.Component
) -> engagekit.Component:
    """The time-material component doing the work: same name, same dates."""
    s: Settings = component.settings
    return engine.make_component(
        project,
        name=component.name,
        model=INNER,
        start=component.start,
        end=component.end,
        settings=s.time_material,
        key="time_material",
    )


def _check_ceiling(settings: Settings, project: engagekit.Project) -> None:
    q = engagekit.quantum(project.currency)
    if settings.ceiling != settings.ceiling.quantize(q):
        raise engagekit.InputError(
            f"ceiling {settings.ceiling} has more decimals than {project.currency} has",
            where=project.source,
            field="settings.ceiling",
            hint=f"give the ceiling in whole {q} of {project.currency}",
        )


@engagekit.hookimpl
def check_component(
    engine: engagekit.Engine, project: engagekit.Project, component: engagekit.Component
) -> list[str]:
    """For ``engage validate``: the ceiling, and the time-material part (its time entries and
    rates) through time-material's own checks, so validation rejects what bill would."""
    _check_ceiling(component.settings, project)
    return engine.check_component(project, inner_component(engine, project, component))


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * 100).quantize(Decimal("0.1"))


def _threshold_warning(settings: Settings, billed_to_date: Decimal, currency: str) -> list[str]:
    used = _pct(billed_to_date, settings.ceiling)
    reached = [t for t in settings.warn_at if used >= t]
    if not reached:
        return []
    return [
        f"{used}% of the ceiling ({engagekit.Money(settings.ceiling, currency)}) billed "
        f"(warning threshold {format(max(reached).normalize(), 'f')}%)"
    ]


@engagekit.hookimpl
def bill(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    period: engagekit.Period,
) -> engagekit.ComponentBill:
    s: Settings = component.settings
    _check_ceiling(s, project)
    cur = project.currency
    clip = period.clip(component.start, component.end)
    if clip is None:
        note = f"the component runs {component.start}..{component.end}"
        return engagekit.ComponentBill(component.name, MODEL, (), {"note": note})
    work = inner_component(engine, project, component)
    before = Decimal(0)
    if clip.start > component.start:
        earlier = engagekit.Period(component.start, clip.start)
        before = counted(engine.bill_component(project, work, earlier).lines, s.include_expenses)
    now = engine.bill_component(project, work, period)
    capped = apply_ceiling(s.ceiling, before, counted(now.lines, s.include_expenses))
    lines = list(now.lines)
    warnings = list(now.warnings)
    if capped.withheld:
        withheld = engagekit.Money(-capped.withheld, cur)
        lines.append(
            engagekit.InvoiceLine(
                component=component.name,
                description=f"Fixed-price ceiling of {engagekit.Money(s.ceiling, cur)}: "
                "time and material above it withheld",
                quantity=Decimal(1),
                unit="adjustment",
                unit_price=withheld,
                amount=withheld,
                kind="ceiling",
                details={"ceiling": s.ceiling, "time_material_to_date": capped.to_date},
            )
        )
        warnings.append(
            f"ceiling reached: {engagekit.Money(capped.withheld, cur)} of time and material "
            f"withheld in {period.label}"
        )
    billed_to_date = min(s.ceiling, capped.to_date)
    warnings += _threshold_warning(s, billed_to_date, cur)
    details: dict[str, Any] = {
        "ceiling": s.ceiling,
        "include_expenses": s.include_expenses,
        "time_material_before": capped.before,
        "time_material_this_period": capped.now,
        "billed_this_period": capped.billed,
        "withheld_this_period": capped.withheld,
        "billed_to_date": billed_to_date,
        "remaining": s.ceiling - billed_to_date,
        "time_material": now.details,
    }
    return engagekit.ComponentBill(component.name, MODEL, tuple(lines), details, tuple(warnings))


@engagekit.hookimpl
def estimate(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    options: engagekit.EstimateOptions,
) -> engagekit.ComponentEstimate:
    s: Settings = component.settings
    _check_ceiling(s, project)
    work = engine.estimate_component(project, inner_component(engine, project, component), options)
    ceiling = engagekit.Money(s.ceiling, project.currency).rounded()
    price = min(work.price, ceiling)
    details: dict[str, Any] = {
        "ceiling": s.ceiling,
        "uncapped_price": work.price,
        "time_material": work.details,
    }
    warnings = list(work.warnings)
    if work.price > ceiling:
        warnings.append(
            f"the time-and-material estimate ({work.price}) exceeds the ceiling ({ceiling}): "
            f"{work.price - ceiling} of it is not billable"
        )
    if work.samples is not None and work.samples.cost is not None and work.cost.amount > 0:
        import numpy as np

        # price per trial, assuming the estimate's price/cost ratio holds in every trial
        ratio = float(work.price.amount / work.cost.amount)
        prices = work.samples.cost * ratio
        details["probability_over_ceiling"] = round(float(np.mean(prices > float(s.ceiling))), 4)
        details["expected_price"] = round(float(np.mean(np.minimum(prices, float(s.ceiling)))), 2)
    return engagekit.ComponentEstimate(
        component=component.name,
        model=MODEL,
        cost=work.cost,
        price=price,
        effort_hours=work.effort_hours,
        start=work.start,
        finish=work.finish,
        samples=work.samples,
        details=details,
        warnings=tuple(warnings),
    )


@engagekit.hookimpl
def staff(
    engine: engagekit.Engine, project: engagekit.Project, component: engagekit.Component
) -> engagekit.ComponentStaffing:
    work = engine.staff_component(project, inner_component(engine, project, component))
    return engagekit.ComponentStaffing(
        component.name, MODEL, work.rows, work.details, work.warnings
    )


@engagekit.hookimpl
def measure_service(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    period: engagekit.Period | None,
) -> engagekit.ServiceMeasure:
    s: Settings = component.settings
    _check_ceiling(s, project)
    inner = inner_component(engine, project, component)
    work = engine.measure_component(project, inner, period)
    end = component.end if period is None else min(component.end, period.last)
    metrics: dict[str, Any] = dict(work.metrics)
    to_date = Decimal(0)
    if end >= component.start:
        window = engagekit.Period.days(component.start, end)
        to_date = counted(engine.bill_component(project, inner, window).lines, s.include_expenses)
    billed = min(s.ceiling, to_date)
    used = _pct(billed, s.ceiling)
    metrics.update(
        {
            "ceiling": s.ceiling,
            "time_material_to_date": to_date,
            "billed_to_date": billed,
            "withheld_to_date": max(Decimal(0), to_date - s.ceiling),
            "ceiling_used_pct": used,
            "ceiling_remaining": s.ceiling - billed,
        }
    )
    if to_date > s.ceiling:
        status = "off-track"
    elif s.warn_at and used >= min(s.warn_at):
        status = "at-risk"
    else:
        status = "on-track"
    if _STATUS.get(work.status, 0) > _STATUS[status]:
        status = work.status  # type: ignore[assignment]
    warnings = list(work.warnings) + _threshold_warning(s, billed, project.currency)
    return engagekit.ServiceMeasure(
        component.name, MODEL, metrics, dict(work.tables), status, tuple(warnings)
    )


@engagekit.hookimpl
def propose(engine: engagekit.Engine, project: engagekit.Project, scope: Any, options: Any) -> Any:
    """Time and material under a ceiling for ``engage compare`` (see ``proposing.py``)."""
    from engagekit_capped_tm.proposing import propose_scope

    return propose_scope(engine, project, scope, options)
