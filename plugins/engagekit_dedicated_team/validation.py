"""``check_component`` of the dedicated-team model: the cost file as cost-plus billing reads
it, and the time entries and day or hour rates through the time-material model that bills and
measures them."""

from __future__ import annotations

import engagekit

from .billing import tm_component
from .costs import read_costs
from .settings import Settings

__all__ = ["check_component"]


def check_component(
    engine: engagekit.Engine, project: engagekit.Project, component: engagekit.Component
) -> list[str]:
    s: Settings = component.settings
    if s.costs is not None:
        roles = tuple(p.role for p in s.positions)
        read_costs(
            s.costs.path, project.currency, component.start, component.end, roles, project.roster
        )
    delegated = s.billing == "tm" and any(p.rate_unit != "month" for p in s.positions)
    if not delegated and s.time_entries is None:
        return []
    tm = tm_component(engine, project, component)
    return [f"time-material: {w}" for w in engine.check_component(project, tm)]
