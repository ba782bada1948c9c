"""Loading a component's data files once, with the zones and priorities its settings give.

``load_records`` and ``zone_of`` live in ``engagekit_sla.records`` (named here too): validating
a small incident file reads the records without importing this module's readers."""

from __future__ import annotations

import os
from typing import Any

import attrs

import engagekit
from engagekit_sla.batches import IncidentBatches, batches_of
from engagekit_sla.incidents import IncidentColumns, read_incidents
from engagekit_sla.priorities import PriorityMap
from engagekit_sla.records import load_records, zone_of
from engagekit_sla.settings import Settings, Source

__all__ = ["ServiceData", "load", "load_records", "zone_of"]

_CACHE: dict[Any, ServiceData] = {}


@attrs.frozen(eq=False)
class ServiceData:
    #: a generic CSV is read in batches as it is measured (``batches``), other files at once
    incidents: IncidentColumns | IncidentBatches | None
    problems: list[engagekit.Problem]
    changes: list[engagekit.Change]
    releases: list[engagekit.Release]
    outages: list[engagekit.Outage]


def _stamp(source: Source | None) -> Any:
    if source is None:
        return None
    parts = [source.file.path, source.pauses.path if source.pauses else None]
    out: list[Any] = []
    for p in parts:
        if p is None:
            out.append(None)
            continue
        st = os.stat(p)
        out.append((str(p), st.st_mtime_ns, st.st_size))
    return (tuple(out), source.format, source.timezone)


def load(settings: Settings) -> ServiceData:
    """The component's data (cached while the files are unchanged)."""
    key = (
        settings.priorities,
        settings.pause_states,
        settings.data_timezone,
        *(
            _stamp(s)
            for s in (
                settings.incidents,
                settings.problems,
                settings.changes,
                settings.releases,
                settings.outages,
            )
        ),
    )
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    incidents = None
    if settings.incidents is not None:
        src = settings.incidents
        args = (src.file.path, src.format, zone_of(settings, src), PriorityMap(settings.priorities))
        pauses = src.pauses.path if src.pauses else None
        incidents = batches_of(*args, pauses, src.csv) or read_incidents(
            *args, settings.pause_states, pauses, src.csv
        )
    problems, changes, releases, outages = load_records(settings)
    data = ServiceData(
        incidents=incidents, problems=problems, changes=changes, releases=releases, outages=outages
    )
    if len(_CACHE) >= 4:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = data
    return data
