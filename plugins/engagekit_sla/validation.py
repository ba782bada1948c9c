"""``check_component`` of the SLA model: the coverage calendar and every data file, read as
``bill`` and ``measure`` read them, and the out-of-scope work through the model that
bills it.

A small generic incident file that the row-by-row acceptor (``engagekit_sla.acceptor``)
vouches for is not read again by the columnar reader, nor is the reader's module imported:
validating it imports neither numpy nor polars. Anything the acceptor does not vouch for is
read as ``measure`` reads it, so an error is the one ``measure`` raises."""

from __future__ import annotations

import engagekit
from engagekit_sla.acceptor import accepts
from engagekit_sla.priorities import PriorityMap
from engagekit_sla.records import load_records, zone_of
from engagekit_sla.settings import Settings

__all__ = ["check_component"]


def check_component(
    engine: engagekit.Engine, project: engagekit.Project, component: engagekit.Component
) -> list[str]:
    s: Settings = component.settings
    # the coverage calendar was checked when the settings were read (a Calendar, or none:
    # the project's); validation imports nothing of measuring to look at it again
    src = s.incidents
    if (
        src is not None
        and src.format == "generic"
        and accepts(
            src.file.path,
            zone_of(s, src),
            PriorityMap(s.priorities),
            src.pauses.path if src.pauses else None,
            src.csv,
        )
    ):
        load_records(s)
    else:
        from engagekit_sla.batches import fold
        from engagekit_sla.data import load

        data = load(s)
        if data.incidents is not None:  # a batched file is read (and checked) here
            fold(data.incidents, lambda: None, lambda _acc, _batch: None)
    if s.out_of_scope is None:
        return []
    from engagekit_sla.billing import out_of_scope_component

    sub = out_of_scope_component(engine, project, component)
    return [f"out of scope: {w}" for w in engine.check_component(project, sub)]
