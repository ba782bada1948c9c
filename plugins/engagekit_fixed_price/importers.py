"""The data files a fixed-price component names: acceptance events, progress reports, roster.

Small CSV files read with ``engagekit.csvio``; every bad row is reported (all of them, not just
the first) with the file, the row as a spreadsheet numbers it, and the column.

- acceptance (``acceptance = "..."``): ``phase,accepted[,note]``; ``phase`` names a phase or an
  approved change request; ``accepted`` a date inside the component's timeframe.
- progress (``progress = "..."``): ``date,phase,percent_complete,actual_hours,actual_cost``;
  one of the two actual columns may be left out of the file, and each row needs one of them.
- roster (``roster = "..."``): ``role,person,fte,start,end``: the team as it really is, compared
  with the fixed team of the settings.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs

import engagekit
from engagekit.csvio import CsvRow, read_rows
from engagekit_fixed_price.settings import Settings, TeamMember

__all__ = ["ProgressReport", "read_acceptances", "read_progress", "read_roster"]


def _raise(errors: list[engagekit.InputError]) -> None:
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise engagekit.InputErrors(errors)


def _timeframe(component: engagekit.Component) -> str:
    return f"{component.start} .. {component.end}"


def read_acceptances(component: engagekit.Component) -> dict[str, engagekit.MilestoneAcceptance]:
    """The client's acceptance of each phase or change request, by name (empty without a file)."""
    settings: Settings = component.settings
    if settings.acceptance is None:
        return {}
    names = settings.acceptable
    crs = {cr.id: cr for cr in settings.change_requests}
    out: dict[str, engagekit.MilestoneAcceptance] = {}
    rows_of: dict[str, int] = {}
    errors: list[engagekit.InputError] = []
    for row in read_rows(
        settings.acceptance.path,
        required=["phase", "accepted"],
        optional=["note"],
        what="acceptance file",
        format=settings.csv,
    ):
        try:
            name = row.text("phase")
            assert name is not None
            if name not in names:
                raise row.error(
                    f"unknown phase {name!r} of component {component.name!r}",
                    "phase",
                    hint=f"phases and change requests: {', '.join(names)}",
                )
            accepted = row.date("accepted")
            assert accepted is not None
            if not component.start <= accepted <= component.end:
                raise row.error(
                    f"{name!r} accepted on {accepted}, outside the component's timeframe "
                    f"{_timeframe(component)}",
                    "accepted",
                    hint="a fixed price has a fixed timeframe: correct the date, or extend the "
                    "component's end in the project file",
                )
            if name in crs and accepted < crs[name].approved:
                raise row.error(
                    f"change request {name!r} accepted on {accepted}, before its approval on "
                    f"{crs[name].approved}",
                    "accepted",
                )
            if name in out:
                raise row.error(
                    f"{name!r} is accepted twice (first on row {rows_of[name]})",
                    "phase",
                    hint="keep one acceptance per phase",
                )
            out[name] = engagekit.MilestoneAcceptance(name, accepted)
            rows_of[name] = row.number
        except engagekit.InputError as err:
            errors.append(err)
    _raise(errors)
    return out


@attrs.frozen
class ProgressReport:
    """One progress report of one phase (or change request) on one day."""

    day: date
    name: str
    percent: Decimal
    hours: Decimal | None
    cost: Decimal | None
    row: int


def _non_negative(row: CsvRow, column: str, value: Decimal | None, what: str) -> None:
    if value is not None and value < 0:
        raise row.error(f"{what} must not be negative (got {value})", column)


def read_progress(component: engagekit.Component) -> list[ProgressReport]:
    """Progress reports in date order (empty without a file)."""
    settings: Settings = component.settings
    if settings.progress is None:
        return []
    names = settings.acceptable
    out: list[ProgressReport] = []
    seen: dict[tuple[date, str], int] = {}
    errors: list[engagekit.InputError] = []
    path = settings.progress.path
    rows = read_rows(
        path,
        required=["date", "phase", "percent_complete"],
        optional=["actual_hours", "actual_cost"],
        what="progress report",
        format=settings.csv,
    )
    header_checked = False
    for row in rows:
        if not header_checked:
            header_checked = True
            if "actual_hours" not in row.values and "actual_cost" not in row.values:
                raise engagekit.InputError(
                    "a progress report needs a column actual_hours or actual_cost",
                    where=path,
                    row=1,
                    hint="columns: date, phase, percent_complete, actual_hours, actual_cost",
                )
        try:
            day = row.date("date")
            name = row.text("phase")
            assert day is not None and name is not None
            if name not in names:
                raise row.error(
                    f"unknown phase {name!r} of component {component.name!r}",
                    "phase",
                    hint=f"phases and change requests: {', '.join(names)}",
                )
            if day < component.start:
                raise row.error(
                    f"report of {day} is before the component starts ({component.start})", "date"
                )
            percent = row.decimal("percent_complete")
            assert percent is not None
            if percent > 100:
                raise row.error(
                    f"percent complete {percent} is above 100",
                    "percent_complete",
                    hint="percent complete is between 0 and 100; extra work goes in the actual "
                    "hours or cost, not above 100%",
                )
            _non_negative(row, "percent_complete", percent, "percent complete")
            hours = row.decimal("actual_hours", required=False)
            cost = row.decimal("actual_cost", required=False)
            _non_negative(row, "actual_hours", hours, "actual hours")
            _non_negative(row, "actual_cost", cost, "actual cost")
            if hours is None and cost is None:
                raise row.error("give actual_hours or actual_cost to date", "actual_hours")
            key = (day, name)
            if key in seen:
                raise row.error(
                    f"{name!r} is reported twice on {day} (first on row {seen[key]})", "phase"
                )
            seen[key] = row.number
            out.append(ProgressReport(day, name, percent, hours, cost, row.number))
        except engagekit.InputError as err:
            errors.append(err)
    _raise(errors)
    out.sort(key=lambda r: (r.day, r.row))
    return out


def read_roster(component: engagekit.Component, people: Any = None) -> list[TeamMember] | None:
    """The team as it is, or None without a roster file. ``people``: the workspace's roster
    (``project.roster``), which every person of the file must be in."""
    settings: Settings = component.settings
    if settings.roster is None:
        return None
    out: list[TeamMember] = []
    errors: list[engagekit.InputError] = []
    named: list[tuple[str | None, int | None]] = []
    for row in read_rows(
        settings.roster.path,
        required=["role", "fte"],
        optional=["person", "start", "end"],
        what="roster",
        format=settings.csv,
    ):
        try:
            fte = row.decimal("fte")
            _non_negative(row, "fte", fte, "fte")
            start = row.date("start", required=False)
            end = row.date("end", required=False)
            for column, value in (("start", start), ("end", end)):
                if value is not None and not component.start <= value <= component.end:
                    raise row.error(
                        f"{column} {value} is outside the component's timeframe "
                        f"{_timeframe(component)}",
                        column,
                    )
            try:
                member = TeamMember(
                    role=row.name("role") or "",
                    person=row.name("person", required=False),
                    fte=fte or Decimal(0),
                    start=start,
                    end=end,
                )
            except engagekit.InputError as err:
                raise row.error(err.message, err.field, err.hint) from None
            out.append(member)
            named.append((member.person, row.number))
        except engagekit.InputError as err:
            errors.append(err)
    _raise(errors)
    if people is not None:
        people.check_rows(named, where=settings.roster.path, field="person")
    return out
