"""Loading a component's data files once, with the zones and priorities its settings give."""

from __future__ import annotations

import os
from typing import Any

import attrs

import engagekit
from engagekit_sla.batches import IncidentBatches, batches_of
from engagekit_sla.incidents import IncidentColumns, read_incidents
from engagekit_sla.priorities import PriorityMap
from engagekit_sla.records import read_changes, read_outages, read_problems, read_releases
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


def zone_of(settings: Settings, source: Source) -> str | None:
    """The zone of a source's timestamps written without an offset."""
    return source.timezone or settings.data_timezone


def load_records(
    settings: Settings,
) -> tuple[
    list[engagekit.Problem], list[engagekit.Change], list[engagekit.Release], list[engagekit.Outage]
]:
    """The problems, changes, releases and outages (read row by row: small files)."""
    for name in ("problems", "changes", "releases", "outages"):
        src = getattr(settings, name)
        if src is not None and (src.format != "generic" or src.pauses is not None):
            raise engagekit.InputError(
                f"{name}: only the generic format is read (format and pauses are for incidents)",
                field=name,
            )
    problems, changes, releases, outages = (
        settings.problems,
        settings.changes,
        settings.releases,
        settings.outages,
    )
    return (
        read_problems(problems.file.path, zone_of(settings, problems), problems.csv)
        if problems
        else [],
        read_changes(changes.file.path, zone_of(settings, changes), changes.csv) if changes else [],
        read_releases(releases.file.path, releases.csv) if releases else [],
        read_outages(outages.file.path, zone_of(settings, outages), outages.csv) if outages else [],
    )


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
