"""The firm's roster: the people of a workspace, that projects refer to by id or name.

``[[people]]`` in ``engage.toml``, or ``people = "people.csv"`` (the same columns; ``roles``
separated by ``;``). Capacity is an FTE on a working calendar, from ``start`` to ``end``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from engagekit.calendar import Calendar
from engagekit.errors import InputError, InputErrors
from engagekit.settings import KeyPath, format_path
from engagekit.validate import non_negative

if TYPE_CHECKING:
    from engagekit.project import Component, Project

__all__ = [
    "LOCATIONS",
    "Person",
    "Roster",
    "adopt_rosters",
    "in_workspace",
    "known_rosters",
    "named_people",
    "read_people_csv",
    "roster_from_rows",
    "workspace_roster",
]

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
    """The people, found by id or by name. ``source`` is the file that lists them (``engage.toml``
    or its people CSV), named in errors about people it lacks."""

    people: tuple[Person, ...] = ()
    source: Path | None = attrs.field(default=None, eq=False)
    _index: Mapping[str, Person] = attrs.field(init=False, eq=False, repr=False)
    _dimensions: Mapping[str, tuple[str | None, str | None]] = attrs.field(
        init=False, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        index: dict[str, Person] = {}
        for p in self.people:
            index.setdefault(p.id, p)
            index.setdefault(p.name, p)
        object.__setattr__(self, "_index", index)
        # Built once and shared by every project's rate card (thousands of projects, one roster).
        dims = {ref: (p.seniority, p.location) for ref, p in index.items()}
        object.__setattr__(self, "_dimensions", dims)

    def __len__(self) -> int:
        return len(self.people)

    def find(self, ref: str) -> Person | None:
        """The person whose id or name is ``ref``."""
        return self._index.get(ref)

    @property
    def dimensions(self) -> Mapping[str, tuple[str | None, str | None]]:
        """(seniority, location) by id and by name: what a rate card needs of each person."""
        return self._dimensions

    def unknown(self, refs: Iterable[str | None]) -> list[str]:
        """The references (ids or names) no person of the roster has, sorted, each once."""
        return sorted({r for r in refs if r and r not in self._index})

    def unknown_error(self, ref: str, **where: Any) -> InputError:
        """``'ref' is not in the workspace's roster``, located by ``where`` (``InputError``'s
        ``where``, ``line``, ``row``, ``field``), with the closest name as a suggestion."""
        import difflib

        close = difflib.get_close_matches(ref, list(self._index), n=1)
        listed = f"[[people]] in {self.source}" if self.source else "the workspace's [[people]]"
        if self.source is not None and self.source.suffix.lower() == ".csv":
            listed = f"a row of {self.source}"
        return InputError(
            f"{ref!r} is not in the workspace's roster"
            + (f" (did you mean {close[0]!r}?)" if close else ""),
            hint=f"add them to {listed}, or refer to a person of it by id or name",
            **where,
        )

    def check_rows(
        self, rows: Iterable[tuple[str | None, int | None]], *, where: str | Path, field: str
    ) -> None:
        """For a model's data file of ``(person, row)`` pairs: raise for every person the roster
        lacks, each once at the first row naming them, all of them at once."""
        first: dict[str, int | None] = {}
        for ref, row in rows:
            if ref and ref not in self._index and ref not in first:
                first[ref] = row
        errors = [
            self.unknown_error(ref, where=where, row=row, field=field) for ref, row in first.items()
        ]
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise InputErrors(errors)


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
    calendars: bool = True,
) -> Roster:
    """People from table rows ``(line or row number, values)``; ``calendar`` is the default
    calendar table. Errors name the file, the line or row, and the field.

    ``calendars=False`` leaves every calendar the default, unread: what a project loaded in the
    workspace needs (who is who, seniority, location) without loading holiday tables."""
    from engagekit.settings import SettingsError, structure

    people: list[Person] = []
    seen: dict[str, int | None] = {}
    cwd = Path.cwd()  # where a row's relative paths would be (a roster row has none)
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
            cal = _calendar_of(table, calendar or {}) if calendars else _default_calendar()
            fields = structure(
                {k: v for k, v in data.items() if v not in ("", None)}, _PersonRow, cwd
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
    return Roster(tuple(people), Path(where))


@functools.cache
def _default_calendar() -> Calendar:
    return Calendar()


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


_PLAIN = {".": r"\d+(\.\d+)?", ",": r"\d+(,\d+)?"}


@functools.cache
def _plain_pattern(decimal: str) -> re.Pattern[str]:
    # compiled when a people CSV is read (a project in the workspace reads none)
    return re.compile(_PLAIN[decimal])


def _plain_number(text: str, decimal: str) -> Decimal | None:
    """Digits with at most the file's decimal mark: what nearly every roster row holds, read
    without the locale-aware parser (a twentieth of its time, for thousands of people)."""
    if not _plain_pattern(decimal).fullmatch(text):
        return None
    return Decimal(text.replace(",", ".") if decimal == "," else text)


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
                parsed = _plain_number(value, file.decimal)
                if parsed is None:
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


def roster_of_workspace(
    value: Any, root: Path, file: Path, lines: Any, *, calendars: bool = True
) -> Roster:
    """The roster of ``engage.toml``'s ``people``: a list of tables, or a CSV file's path
    (relative to the workspace folder)."""
    if value is None:
        return Roster()
    if isinstance(value, str):
        path = (root / value).resolve()
        return roster_from_rows(read_people_csv(path), where=path, kind="row", calendars=calendars)
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise InputError(
            "expected [[people]] tables or the path of a people CSV",
            where=file,
            line=lines.line_of(("people",)),
            field="people",
        )
    try:
        # the lines are found only to name one in an error (a scan of all of engage.toml)
        return roster_from_rows([(None, row) for row in value], where=file, calendars=calendars)
    except InputError:
        numbered = [(lines.line_of(("people", i)), row) for i, row in enumerate(value)]
        return roster_from_rows(numbered, where=file, calendars=calendars)


# -- projects inside a workspace ------------------------------------------------------------------


@attrs.frozen
class _Cached:
    roster: Roster
    #: (path, mtime_ns, size) of engage.toml and the people CSV when the roster was read
    stamp: tuple[tuple[str, int, int], ...]


_ROSTERS: dict[Path, _Cached] = {}


def _stamp(files: Iterable[Path]) -> tuple[tuple[str, int, int], ...] | None:
    out = []
    for f in files:
        try:
            st = f.stat()
        except OSError:
            return None
        out.append((str(f), st.st_mtime_ns, st.st_size))
    return tuple(out)


def _files_of(root: Path, roster: Roster) -> list[Path]:
    from engagekit.workspace.find import WORKSPACE_FILE

    files = [root / WORKSPACE_FILE]
    if roster.source is not None and roster.source not in files:
        files.append(roster.source)
    return files


def remember(workspace: Any) -> None:
    """Keep an opened workspace's roster for the projects loaded in it next, so that it is not
    read again (thousands of projects, one roster)."""
    roster = workspace.people or Roster()
    stamp = _stamp(_files_of(workspace.root, roster))
    if stamp is not None:
        _ROSTERS[workspace.root] = _Cached(roster, stamp)


def known_rosters() -> dict[Path, Any]:
    """The rosters this process has read, for ``adopt_rosters`` in a worker process: a worker
    then reads none again (they pickle in a fraction of the time reading takes)."""
    return dict(_ROSTERS)


def adopt_rosters(rosters: Mapping[Path, Any]) -> None:
    """Take the rosters another process read (each still checked against its files' stamps)."""
    _ROSTERS.update(rosters)


def workspace_roster(project_file: Path) -> Roster:
    """The roster of the workspace ``project_file`` lives in (empty outside one, or when it
    lists nobody); read once per process, and again when its files change.

    Only ``people`` of ``engage.toml`` is read, without the people's calendars: a project
    needs to know who is who, not the holiday tables of every country the firm works in (nor
    does a mistake elsewhere in ``engage.toml`` stop it; the commands that use that part
    report it)."""
    from engagekit.projectfile import read_toml
    from engagekit.tomlmap import TomlMap
    from engagekit.workspace.find import WORKSPACE_FILE, find_workspace

    root = find_workspace(project_file)
    if root is None:
        return Roster()
    cached = _ROSTERS.get(root)
    if cached is not None and _stamp(_files_of(root, cached.roster)) == cached.stamp:
        return cached.roster
    file = root / WORKSPACE_FILE
    data, text = read_toml(file)
    roster = roster_of_workspace(data.get("people"), root, file, TomlMap(text), calendars=False)
    stamp = _stamp(_files_of(root, roster))
    if stamp is not None:
        _ROSTERS[root] = _Cached(roster, stamp)
    return roster


def in_workspace(project: Project) -> Project:
    """``project`` as its workspace sees it. With a roster: every person the project file names
    is checked against it (an error naming each line and key it lacks), the rate card prices
    each person by their seniority and location, and ``project.roster`` is set, for the models
    to check the people their data files name."""
    if project.source is None:
        return project
    roster = workspace_roster(Path(project.source))
    if not roster:
        return project
    check_named(project, roster)
    card = project.rate_card
    if card is not None:
        card = attrs.evolve(card, people=roster.dimensions)
    return attrs.evolve(project, rate_card=card, roster=roster)


def named_people(project: Project) -> Iterator[tuple[str, Component | None, str]]:
    """Every person the project file names: (reference, its component or None, key path).

    A person is named by a field called ``person`` anywhere in the rate card or a component's
    settings (a rate, a team seat, a staffing change), or by a settings field declared with
    ``attrs.field(metadata={"person": True})`` (a dedicated team's member ``name``), or the keys
    of a table declared with ``metadata={"person": "keys"}`` (time-material's ``people``)."""
    card = project.rate_card
    if card is not None:
        for i, rate in enumerate(card.rates):
            if rate.person:
                yield rate.person, None, f"rate_card.rates[{i}].person"
    for component in project.components:
        for ref, path in _people_in(component.settings, ("settings",)):
            yield ref, component, format_path(path)


#: Values that hold no person (``_people_in`` would find none in them): not walked into.
_HOLD_NO_PERSON: frozenset[type] = frozenset(
    {int, float, bool, Decimal, date, datetime, time, timedelta, type(Path())}
)


def _people_in(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str, KeyPath]]:
    if attrs.has(type(value)):
        for f in attrs.fields(type(value)):
            item = getattr(value, f.name)
            if isinstance(item, str):
                if f.name == "person" or f.metadata.get("person"):
                    yield item, (*path, f.alias or f.name)
            elif isinstance(item, Mapping) and f.metadata.get("person") == "keys":
                key = (*path, f.alias or f.name)
                for ref in item:
                    yield str(ref), (*key, str(ref))
            elif item is not None and type(item) not in _HOLD_NO_PERSON:
                yield from _people_in(item, (*path, f.alias or f.name))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            if type(item) not in _HOLD_NO_PERSON and not isinstance(
                item, str | int | float | Decimal | date
            ):
                yield from _people_in(item, (*path, i))
    elif isinstance(value, Mapping):
        for k, item in value.items():
            if isinstance(k, str) and not isinstance(item, str | int | float | Decimal | date):
                yield from _people_in(item, (*path, k))


def check_named(project: Project, roster: Roster) -> None:
    """Raise for every person the project file names that ``roster`` lacks, each at its line."""
    from engagekit.projectfile import key_line

    errors: list[InputError] = []
    for ref, component, field in named_people(project):
        if roster.find(ref) is not None:
            continue
        if component is None:
            line = _project_line(project, field)
            errors.append(roster.unknown_error(ref, where=project.source, line=line, field=field))
            continue
        err = roster.unknown_error(
            ref,
            where=project.source,
            line=key_line(project, component.name, field),
            field=field,
        )
        errors.append(err.in_component(project.source, component.name, component.model))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)


def _project_line(project: Project, field: str) -> int | None:
    from engagekit.settings import parse_path
    from engagekit.tomlmap import TomlMap

    try:
        text = Path(project.source or "").read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    return TomlMap(text).line_of(parse_path(field))
