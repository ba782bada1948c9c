"""Validating a small generic timesheet without polars.

``engage validate`` (and ``engage estimate`` of a backlog forecast made from the component's
first day) of a project with a few hundred time entries would spend most of its time importing
polars for the columnar reader (``importers.read_time_entries``, then ``ledger``). This module
reads such a file row by row with the standard library and answers one question: would the
columnar path accept it? It says yes only for what it is sure of: a generic export written the
usual way (ISO dates, whole minutes or decimal hours with a decimal point, yes/no flags, no
start and end times, no cell padded with spaces but the notes); for anything else (a cell it
cannot vouch for, or any check that fails) it says no, and the caller runs the columnar path,
whose error is then the one ``bill`` and ``estimate`` raise. So every message comes from one
place (the file, row and field of each bad cell), and the checks here are the reader's, the
component's and the ledger's, restated as row predicates, only ever to accept: where a check
is not exact here it errs on the side of no (tests run both on the same broken files).

What it checks, as ``load_entries`` and ``build_ledger`` do: the header (the generic format,
no repeated column), every row's shape and encoding, the date (ISO, inside the component's
timeframe), the person (named; in the workspace's roster, if there is one), the duration
(above 0, at most a day), the yes/no flags, the currency (the project's), duplicates (under
``duplicates = "error"``), at most 24 hours of one person on one date; and (``rates``) a rate
for every billable entry's person and role on its date.
"""

from __future__ import annotations

import math
import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import engagekit
from engagekit.csvfile import open_csv
from engagekit_time_material.formats import GENERIC_COLUMNS, detect_format
from engagekit_time_material.rates import RateBook, rate_book
from engagekit_time_material.settings import Settings

__all__ = ["SMALL_BYTES", "accepts"]

#: Files up to this size are checked row by row: about 10 us of CPU per entry on this
#: (shared, loaded) 2-core machine, so a file of this size (about 4,000 entries) in about
#: 40 ms, against about 100 ms for importing polars alone (the columnar reader then reads it in
#: a few ms). Above it the columnar reader is the faster, and a bulk file is never read row by
#: row in Python.
SMALL_BYTES = 256 << 10

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MINUTES = re.compile(r"[0-9]{1,4}")
_HOURS = re.compile(r"[0-9]{1,2}(?:\.[0-9]{1,6})?")
_TRUE = ("yes", "true", "1", "y")
_FALSE = ("no", "false", "0", "n", "")
#: Columns of the generic format this reader does not take: times of day (the overlap check).
_TIMED = ("start", "end")


class _No(Exception):
    """The file has something this reader does not vouch for."""


def accepts(
    settings: Settings,
    project: engagekit.Project,
    component: engagekit.Component,
    *,
    rates: bool,
) -> bool:
    """Whether ``ledger.load_entries`` of the component's time entries would succeed (and,
    with ``rates``, ``ledger.build_ledger`` of them: every billable entry has a rate), decided
    without polars; False also when it cannot tell cheaply, or the component has no entries."""
    if settings.time_entries is None or settings.date_format not in (None, "%Y-%m-%d"):
        return False
    path = Path(settings.time_entries)
    try:
        if not path.is_file() or os.stat(path).st_size > SMALL_BYTES:
            return False
        _check(path, settings, project, component, rates)
    except (_No, engagekit.InputError, OSError, ValueError, UnicodeError):
        return False
    return True


def _plain(text: str, delimiter: str) -> None:
    """``_No`` unless polars and the ``csv`` module read ``text`` alike: every field unquoted
    without a quote, or quoted with doubled quotes inside and no line end; no line blank or
    of only spaces and delimiters (``csv`` skips such a row, polars reads it)."""
    d = re.escape(delimiter)
    blank = re.compile(rf'[\s{d}"]*')
    if '"' not in text:  # no field quoted: only the blank lines to look for
        if any(blank.fullmatch(x) for x in text.splitlines()):
            raise _No
        return
    field = rf'(?:[^"{d}\r\n]*|"(?:[^"\r\n]|"")*")'
    line = re.compile(rf"{field}(?:{d}{field})*")
    for x in text.splitlines():
        if blank.fullmatch(x) or not line.fullmatch(x):
            raise _No


def _check(
    path: Path,
    settings: Settings,
    project: engagekit.Project,
    component: engagekit.Component,
    rates: bool,
) -> None:
    from engagekit.parquetdata import is_parquet

    if is_parquet(path):
        raise _No
    csv_file = open_csv(path, settings.csv, what="time entries file")
    header = list(csv_file.header)
    fmt = detect_format(csv_file.path, header, settings.format)
    if fmt.name != "generic" or csv_file.decimal != "." or csv_file.parquet:
        raise _No
    if len(set(header)) != len(header) or any(c in header for c in _TIMED):
        raise _No  # a repeated column (the readers may take different ones); times of day
    if csv_file.direct:  # polars reads the file from disk: it must read it as ``csv`` does
        _plain(path.read_bytes().decode("utf-8-sig"), csv_file.delimiter)
    present = set(header)
    duration = "minutes" if "minutes" in present else "hours"
    category = "category" if "category" in present else ("task" if "task" in present else None)
    # the cells whose value must be written as it is meant (the notes are compared only)
    exact = [c for c in GENERIC_COLUMNS if c in present and c not in ("notes", "hours")]
    if duration == "hours":
        exact.append("hours")
    currency = project.currency
    start, end = component.start, component.end
    people = settings.people
    non_billable = set(settings.non_billable)
    check_duplicates = settings.duplicates == "error"
    approved_only = settings.approved_only
    seen: set[tuple[object, ...]] = set()
    totals: dict[tuple[str, date], int] = {}
    billed: set[tuple[str, str | None, date]] = set()
    persons: set[str] = set()
    # A timesheet repeats a few values in each column: each is checked once. ``days`` holds
    # the dates inside the timeframe, ``durations`` the minutes of each duration cell, ``flags``
    # each yes/no cell, ``clean`` the cells of ``exact`` without padding.
    days: dict[str, date] = {}
    durations: dict[str, tuple[int, int]] = {}
    flags: dict[str, bool] = {}
    clean: set[str] = set()
    index = {c: i for i, c in enumerate(header)}  # no column twice (checked above)
    exact_at = [index[c] for c in exact]
    at_person, at_date, at_duration = index["person"], index["date"], index[duration]
    at_billable, at_approved = index.get("billable"), index.get("approved")
    at_currency, at_tags = index.get("currency"), index.get("tags")
    at_category = index[category] if category else None
    at_notes, at_role = index.get("notes"), index.get("role")
    _rows, records = csv_file.checked_rows()
    for values in records:
        for i in exact_at:
            cell = values[i]
            if cell not in clean:
                if cell != cell.strip():
                    raise _No
                clean.add(cell)
        person = values[at_person]
        if not person:
            raise _No
        text = values[at_date]
        day = days.get(text)
        if day is None:
            day = _day(text, days)
            if not start <= day <= end:
                raise _No
        text = values[at_duration]
        found = durations.get(text)
        if found is None:
            found = durations[text] = _minutes(text, duration)
        low, high = found
        billable = approved = True
        if at_billable is not None:
            text = values[at_billable]
            flag = flags.get(text)
            billable = flags.setdefault(text, _flag(text)) if flag is None else flag
        if at_approved is not None:
            text = values[at_approved]
            flag = flags.get(text)
            approved = flags.setdefault(text, _flag(text)) if flag is None else flag
        if at_currency is not None:
            cur = values[at_currency]
            if cur and not (cur.isascii() and cur.upper() == currency):
                raise _No
        task = (values[at_category] or None) if at_category is not None else None
        tags = values[at_tags] if at_tags is not None else ""
        persons.add(person)
        key = (person, day)
        total = totals.get(key, 0) + high
        if total > 24 * 60:
            raise _No
        totals[key] = total
        if check_duplicates:
            notes = (values[at_notes].strip() or None) if at_notes is not None else None
            dup = (person, day, low, billable, task, notes)
            if dup in seen:
                raise _No
            seen.add(dup)
        if (
            rates
            and billable
            and (approved or not approved_only)
            and (task is None or task not in non_billable)
            and not (tags and any(t.strip() in non_billable for t in tags.split(",")))
        ):  # billed (``ledger.billable_mask``), so it needs a rate
            role = people.get(person, (values[at_role] or None) if at_role is not None else None)
            billed.add((person, role, day))
    rows = len(records)
    if not rows:
        raise _No  # an empty timesheet: left to the reader
    if project.roster is not None and project.roster.unknown(persons):
        raise _No
    if billed:
        _rated(rate_book(settings, project, str(project.source or project.name)), billed)


def _day(text: str, days: dict[str, date]) -> date:
    found = days.get(text)
    if found is not None:
        return found
    if _DATE.fullmatch(text) is None:
        raise _No
    day = date.fromisoformat(text)  # ValueError for a day that does not exist
    days[text] = day
    return day


def _minutes(text: str, column: str) -> tuple[int, int]:
    """The whole minutes of a duration cell, (as the reader rounds them, the most it could be);
    ``_No`` for anything but 1 minute to a day, and for half minutes (the readers round
    hours in floats or decimals, which may differ there)."""
    if column == "minutes":
        if _MINUTES.fullmatch(text) is None:
            raise _No
        m = int(text)
        if not 0 < m <= 24 * 60:
            raise _No
        return m, m
    if _HOURS.fullmatch(text) is None:
        raise _No
    exact = Decimal(text) * 60
    whole = math.floor(exact)
    fraction = exact - whole
    if abs(fraction - Decimal("0.5")) < Decimal("0.000001"):
        raise _No
    m = whole + (1 if fraction > Decimal("0.5") else 0)
    if not 0 < m <= 24 * 60 or exact > 24 * 60:
        raise _No
    return m, math.ceil(exact)


def _flag(text: str) -> bool:
    """A yes/no cell (empty: yes)."""
    word = text.lower()
    if word in _TRUE or not word:
        return True
    if word in _FALSE:
        return False
    raise _No


def _rated(book: RateBook, billed: set[tuple[str, str | None, date]]) -> None:
    """``_No`` unless every (person, role, date) has a rate, as the ledger looks them up: by
    the intervals of constant rate over the entries' dates."""
    dates = [d for _, _, d in billed]
    pairs = {(p, r) for p, r, _ in billed}
    spans: dict[tuple[str, str | None], list[tuple[date, date]]] = {}
    for person, role, lo, hi, bill, _cost, _since in book.intervals(pairs, min(dates), max(dates)):
        if bill is not None:
            spans.setdefault((person, role), []).append((lo, hi))
    for person, role, day in billed:
        for lo, hi in spans.get((person, role), ()):
            if lo <= day <= hi:
                break
        else:
            raise _No
