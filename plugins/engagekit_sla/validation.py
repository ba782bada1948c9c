"""``check_component`` of the SLA model: the coverage calendar and every data file, read as
``bill`` and ``measure_service`` read them, and the out-of-scope work through the model that
bills it."""

from __future__ import annotations

import engagekit
from engagekit_sla.batches import fold
from engagekit_sla.data import load
from engagekit_sla.measure import coverage_of
from engagekit_sla.settings import Settings

__all__ = ["check_component"]


def check_component(
    engine: engagekit.Engine, project: engagekit.Project, component: engagekit.Component
) -> list[str]:
    s: Settings = component.settings
    coverage_of(project, s)
    data = load(s)
    if data.incidents is not None:  # a batched file is read (and checked) here
        fold(data.incidents, lambda: None, lambda _acc, _batch: None)
    if s.out_of_scope is None:
        return []
    from engagekit_sla.billing import out_of_scope_component

    sub = out_of_scope_component(engine, project, component)
    return [f"out of scope: {w}" for w in engine.check_component(project, sub)]
