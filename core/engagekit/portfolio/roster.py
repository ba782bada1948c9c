"""The firm's roster: the people of a workspace, that projects refer to by id or name.

``[[people]]`` in ``engage.toml``, or ``people = "people.csv"`` (the same columns; ``roles``
separated by ``;``). Capacity is an FTE on a working calendar, from ``start`` to ``end``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs

from engagekit.calendar import Calendar
from engagekit.errors import InputError
from engagekit.validate import non_negative

__all__ = ["LOCATIONS", "Person", "Roster", "read_people_csv", "roster_from_rows"]

Location = Literal["onshore", "nearshore", "offshore"]
LOCATIONS: tuple[Location, ...] = ("onshore", "nearshore", "offshore")


@attrs.frozen
class Person:
    """One person of the firm. ``fte`` of a full working week on ``calendar`` is their capacity."""

    id: str
    name: str
    roles: tuple[str, ...] = ()
    seniority: str | None = None
    location: Location | None = None
    cost_rate: Decimal | None = attrs.field(
        default=None, validator=attrs.validators.optional(non_negative)
    )
    fte: Decimal = attrs.field(default=Decimal(1), validator=non_negative)
    calendar: Calendar = attrs.field(factory=Calendar, eq=False)
    start: date | None = None
    end: date | None = None

    def __attrs_post_init__(self) -> None:
        if self.location is not None and self.location not in LOCATIONS:
            raise InputError(
                f"unknown location {self.location!r}",
                field="location",
                hint=f"use one of {', '.join(LOCATIONS)}",
            )
        if self.start and self.end and self.end < self.start:
            raise InputError(
                f"{self.name} leaves ({self.end}) before joining ({self.start})", field="end"
            )

    def capacity_hours(self, first: date, last: date) -> Decimal:
        """Working hours of ``fte`` between ``first`` and ``last`` (inclusive), within
        ``start``..``end``."""
        lo = max(first, self.start) if self.start else first
        hi = min(last, self.end) if self.end else last
        if lo > hi or not self.fte:
            return Decimal(0)
        return _working_hours(self.calendar, lo, hi) * self.fte


@functools.lru_cache(maxsize=4096)
def _working_hours(calendar: Calendar, first: date, last: date) -> Decimal:
    # Thousands of people share a handful of calendars: a month's hours are computed once each.
    return calendar.working_hours(first, last)


@attrs.frozen
class Roster:
    """The people, found by id or by name."""

    people: tuple[Person, ...] = ()
    _index: Mapping[str, Person] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        index: dict[str, Person] = {}
        for p in self.people:
            index.setdefault(p.id, p)
            index.setdefault(p.name, p)
        object.__setattr__(self, "_index", index)

    def __len__(self) -> int:
        return len(self.people)

    def find(self, ref: str) -> Person | None:
        """The person whose id or name is ``ref``."""
        return self._index.get(ref)


# -- reading ---------------------------------------------------------------------------------------

ROW_KEYS = (
    "id", "name", "roles", "seniority", "location", "cost_rate", "fte", "calendar", "start", "end",
)  # fmt: skip


def _structured_calendar(table: Mapping[str, Any]) -> Calendar:
    from engagekit.settings import structure

    cal: Calendar = structure(dict(table), Calendar, Path.cwd(), ("calendar",))
    return cal


@functools.lru_cache(maxsize=256)
def _calendar(key: tuple[tuple[str, Any], ...]) -> Calendar:
    return _structured_calendar(dict(key))


def _calendar_of(table: Any, default: Mapping[str, Any]) -> Calendar:
    """The person's calendar: thousands of people share a handful, built once each."""
    merged = dict(default) | (dict(table) if isinstance(table, Mapping) else {})
    if any(isinstance(v, Mapping) for v in merged.values()):  # hours per weekday: not hashable
        return _structured_calendar(merged)
    return _calendar(
        tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in merged.items()))
    )


def roster_from_rows(
    rows: Iterable[tuple[int | None, Mapping[str, Any]]],
    *,
    where: str | Path,
    calendar: Mapping[str, Any] | None = None,
    kind: Literal["line", "row"] = "line",
) -> Roster:
    """People from table rows ``(line or row number, values)``; ``calendar`` is the default
    calendar table. Errors name the file, the line or row, and the field."""
    from engagekit.settings import SettingsError, structure

    people: list[Person] = []
    seen: dict[str, int | None] = {}
    for number, values in rows:
        loc: dict[str, Any] = {"where": where, kind: number}
        unknown = [k for k in values if k not in ROW_KEYS]
        if unknown:
            raise InputError(
                f"unknown key {unknown[0]!r}",
                field=unknown[0],
                hint=f"known: {', '.join(ROW_KEYS)}",
                **loc,
            )
        data = dict(values)
        for key in ("id", "name"):
            if not data.get(key):
                raise InputError(
                    f"a person needs {'an id' if key == 'id' else 'a name'}", field=key, **loc
                )
        table = data.pop("calendar", None)
        roles = data.get("roles", ())
        if isinstance(roles, str):
            data["roles"] = [r.strip() for r in roles.split(";") if r.strip()]
        try:
            cal = _calendar_of(table, calendar or {})
            fields = structure(
                {k: v for k, v in data.items() if v not in ("", None)}, _PersonRow, Path.cwd()
            )
            person = Person(calendar=cal, **attrs.asdict(fields, recurse=False))
        except SettingsError as err:
            raise InputError(err.message, field=err.field, hint=err.hint, **loc) from None
        except InputError as err:
            raise InputError(err.message, field=err.field, hint=err.hint, **loc) from None
        for key in (person.id, person.name):
            if key in seen:
                place = f"{kind} {seen[key]}" if seen[key] is not None else "another row"
                raise InputError(
                    f"{key!r} is in two roster rows (also {place})",
                    field="id" if key == person.id else "name",
                    hint="each person appears once; give people of one name distinct ids and refer to them by id",
                    **loc,
                )
            seen[key] = number
        people.append(person)
    return Roster(tuple(people))


@attrs.frozen
class _PersonRow:
    id: str
    name: str
    roles: tuple[str, ...] = ()
    seniority: str | None = None
    location: str | None = None
    cost_rate: Decimal | None = None
    fte: Decimal = Decimal(1)
    start: date | None = None
    end: date | None = None


#: The roster columns holding numbers, read in the file's decimal mark like every CSV's.
_NUMBERS = ("cost_rate", "fte")


def read_people_csv(path: Path) -> list[tuple[int | None, dict[str, Any]]]:
    """The rows of a people CSV, numbered as a spreadsheet does (header row 1).

    Read by ``engagekit.csvfile`` as every data file is: encoding, delimiter (``,``, ``;`` or
    a tab), decimal mark, blank lines, and short or long rows named by row."""
    from engagekit.csvfile import number_hint, open_csv, parse_number

    file = open_csv(path, what="people CSV")
    twice = sorted({c for c in file.header if c and file.header.count(c) > 1})
    if twice:
        raise InputError(
            f"the column {twice[0]!r} is in the header twice",
            where=path,
            row=1,
            field=twice[0],
            hint="each column once: a second one would hide the first's values",
        )
    rows: list[tuple[int | None, dict[str, Any]]] = []
    for number, record in file.records():
        values: dict[str, Any] = {}
        for column, raw in record.items():
            value = raw.strip()
            if not column:
                if value:
                    raise InputError(
                        f"a value ({value!r}) in a column without a name",
                        where=path,
                        row=number,
                        hint=f"name the column in row 1; known: {', '.join(ROW_KEYS)}",
                    )
                continue  # a trailing delimiter: an empty, nameless column
            if column in _NUMBERS and value:
                parsed = parse_number(value, file.decimal)
                if parsed is None:
                    raise InputError(
                        f"{value!r} is not a number",
                        where=path,
                        row=number,
                        field=column,
                        hint=number_hint(file.decimal),
                    )
                value = str(parsed)
            values[column] = value
        rows.append((number, values))
    return rows


def roster_of_workspace(value: Any, root: Path, file: Path, lines: Any) -> Roster:
    """The roster of ``engage.toml``'s ``people``: a list of tables, or a CSV file's path
    (relative to the workspace folder)."""
    if value is None:
        return Roster()
    if isinstance(value, str):
        path = (root / value).resolve()
        return roster_from_rows(read_people_csv(path), where=path, kind="row")
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise InputError(
            "expected [[people]] tables or the path of a people CSV",
            where=file,
            line=lines.line_of(("people",)),
            field="people",
        )
    numbered = [(lines.line_of(("people", i)), row) for i, row in enumerate(value)]
    return roster_from_rows(numbered, where=file)


# -- projects inside a workspace ------------------------------------------------------------------

_ROSTERS: dict[Path, Roster] = {}


def workspace_roster(project_file: Path) -> Roster:
    """The roster of the workspace ``project_file`` lives in (empty outside one); read once per
    workspace and process."""
    from engagekit.workspace import find_workspace, open_workspace

    root = find_workspace(project_file)
    if root is None:
        return Roster()
    roster = _ROSTERS.get(root)
    if roster is None:
        roster = _ROSTERS[root] = open_workspace(root).people or Roster()
    return roster


def has_dimensions(project: Any) -> bool:
    """Whether the project's rate card has rates by seniority or location."""
    card = project.rate_card
    return card is not None and any(r.seniority or r.location for r in card.rates)


def with_roster(project: Any, roster: Roster) -> Any:
    """``project`` whose rate card knows each person's seniority and location."""
    card = project.rate_card
    if card is None or not roster or not has_dimensions(project):
        return project
    people: dict[str, tuple[str | None, str | None]] = {}
    for p in roster.people:
        people.setdefault(p.id, (p.seniority, p.location))
        people.setdefault(p.name, (p.seniority, p.location))
    return attrs.evolve(project, rate_card=attrs.evolve(card, people=people))
