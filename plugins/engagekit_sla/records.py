"""Reading the small generic files: problems, changes, releases and outages.

These files hold tens to thousands of rows, so they are read row by row into the core's domain
types (``engagekit.Problem``, ``Change``, ``Release``, ``Outage``) with errors located at the
cell. Columns (docs/models/sla.md):

- problems: ``id, opened`` and optional ``root_cause_found, resolved, priority``
- changes: ``id, kind`` (standard, normal, emergency), ``successful`` and optional ``planned,
  implemented, caused_incident``
- releases: ``id, planned`` (a date) and optional ``released`` (a date), ``rolled_back``
- outages: ``start, end`` and optional ``planned``, ``service``
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import engagekit
from engagekit.csvio import CsvFormat, CsvRow, read_rows
from engagekit_sla.instants import ISO_FORMATS

if TYPE_CHECKING:
    from engagekit_sla.settings import Settings, Source

__all__ = [
    "load_records",
    "read_changes",
    "read_outages",
    "read_problems",
    "read_releases",
    "zone_of",
]

_FORMATS = tuple(f.replace("%.f", ".%f") for f in ISO_FORMATS)


def _zone(tz: str | None) -> ZoneInfo | None:
    return ZoneInfo(tz) if tz else None


def _located(row: CsvRow, err: engagekit.InputError) -> engagekit.InputError:
    return err.located(where=row.path, row=row.number)


def read_problems(
    path: Path, tz: str | None, csv_format: CsvFormat | None = None
) -> list[engagekit.Problem]:
    zone = _zone(tz)
    out = []
    for row in read_rows(
        path,
        required=["id", "opened"],
        optional=["root_cause_found", "resolved", "priority"],
        what="problems file",
        format=csv_format,
    ):
        try:
            out.append(
                engagekit.Problem(
                    id=row.text("id") or "",
                    opened=row.datetime("opened", tz=zone, formats=_FORMATS),  # type: ignore[arg-type]
                    root_cause_found=row.datetime(
                        "root_cause_found", tz=zone, required=False, formats=_FORMATS
                    ),
                    resolved=row.datetime("resolved", tz=zone, required=False, formats=_FORMATS),
                    priority=row.text("priority", required=False) or "",
                )
            )
        except engagekit.InputError as err:
            raise _located(row, err) from None
    return out


def read_changes(
    path: Path, tz: str | None, csv_format: CsvFormat | None = None
) -> list[engagekit.Change]:
    zone = _zone(tz)
    out = []
    for row in read_rows(
        path,
        required=["id", "kind", "successful"],
        optional=["planned", "implemented", "caused_incident"],
        what="changes file",
        format=csv_format,
    ):
        kind = (row.text("kind") or "").lower()
        if kind not in ("standard", "normal", "emergency"):
            raise row.error(
                f"unknown kind of change {kind!r}", "kind", "use standard, normal or emergency"
            )
        try:
            out.append(
                engagekit.Change(
                    id=row.text("id") or "",
                    kind=kind,  # type: ignore[arg-type]
                    planned=row.datetime("planned", tz=zone, required=False, formats=_FORMATS),
                    implemented=row.datetime(
                        "implemented", tz=zone, required=False, formats=_FORMATS
                    ),
                    successful=row.boolean("successful"),
                    caused_incident=row.boolean("caused_incident", default=False),
                )
            )
        except engagekit.InputError as err:
            raise _located(row, err) from None
    return out


def read_releases(path: Path, csv_format: CsvFormat | None = None) -> list[engagekit.Release]:
    out = []
    for row in read_rows(
        path,
        required=["id", "planned"],
        optional=["released", "rolled_back"],
        what="releases file",
        format=csv_format,
    ):
        try:
            out.append(
                engagekit.Release(
                    id=row.text("id") or "",
                    planned=row.date("planned"),  # type: ignore[arg-type]
                    released=row.date("released", required=False),
                    rolled_back=row.boolean("rolled_back", default=False),
                )
            )
        except engagekit.InputError as err:
            raise _located(row, err) from None
    return out


def read_outages(
    path: Path, tz: str | None, csv_format: CsvFormat | None = None
) -> list[engagekit.Outage]:
    zone = _zone(tz)
    out = []
    for row in read_rows(
        path,
        required=["start", "end"],
        optional=["planned", "service"],
        what="outages file",
        format=csv_format,
    ):
        try:
            out.append(
                engagekit.Outage(
                    start=row.datetime("start", tz=zone, formats=_FORMATS),  # type: ignore[arg-type]
                    end=row.datetime("end", tz=zone, formats=_FORMATS),  # type: ignore[arg-type]
                    planned=row.boolean("planned", default=False),
                    service=row.text("service", required=False) or "",
                )
            )
        except engagekit.InputError as err:
            raise _located(row, err) from None
    return out


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
