"""Validating a small generic incident file without numpy or polars.

``engage validate`` of a project with a few hundred incidents would spend most of its time
importing numpy and polars for the columnar reader (``incidents``). This module reads such a
file row by row with the standard library and answers one question: does the columnar reader
accept it? It says yes only for what it is sure of (the usual export: timestamps written
``YYYY-MM-DD HH:MM[:SS]`` or with a ``T``, in the file's zone; inline pauses ``start/end``);
for anything else (a cell it cannot vouch for, or any check that fails) it says no, and the
caller runs the columnar reader, whose error is then the one that ``measure`` and ``bill``
raise. So every message comes from one place, and the checks here are the reader's, restated
as row predicates, only ever to accept (tests run both on the same broken files).
"""

from __future__ import annotations

import functools
import itertools
import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import engagekit
from engagekit.csvfile import CsvFormat, open_csv
from engagekit_sla.priorities import PriorityMap

__all__ = ["SMALL_BYTES", "accepts"]

#: Files up to this size are checked row by row: about 25 us of CPU per incident on this
#: (shared, loaded) 2-core machine, so a file of this size (about 2,300 incidents) in about
#: 60 ms, against about 100 ms for importing numpy and polars alone (the columnar reader then
#: reads it in a few ms). Above it the columnar reader is the faster, and a bulk file is never
#: read row by row in Python.
SMALL_BYTES = 256 << 10

#: ``incidents.GENERIC_REQUIRED``, not imported from the columnar reader's module (a test
#: compares the two)
GENERIC_REQUIRED = ("id", "priority", "opened")
_STAMP = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?")


_EPOCH = date(1970, 1, 1).toordinal()


class _No(Exception):
    """The file has something this reader does not vouch for."""


def accepts(
    path: Path,
    tz: str | None,
    pmap: PriorityMap,
    pauses_file: Path | None,
    csv_format: CsvFormat | None,
) -> bool:
    """Whether ``incidents.read_incidents`` of this generic file (no pauses file) would
    succeed, decided without numpy or polars; False also when it cannot tell cheaply."""
    if pauses_file is not None or tz is None:
        return False
    try:
        if not path.is_file() or os.stat(path).st_size > SMALL_BYTES:
            return False
        zone = ZoneInfo(tz)
    except (OSError, ValueError, ZoneInfoNotFoundError):
        return False
    try:
        _check(path, zone, pmap, csv_format)
    except (_No, engagekit.InputError):
        return False
    return True


def _check(path: Path, zone: ZoneInfo, pmap: PriorityMap, csv_format: CsvFormat | None) -> None:
    from engagekit.parquetdata import is_parquet

    if is_parquet(path):
        raise _No
    csv_file = open_csv(path, csv_format, what="generic incident file")
    csv_file.require(GENERIC_REQUIRED)
    if len(set(csv_file.header)) != len(csv_file.header):
        raise _No  # a repeated column: the readers may take different ones
    seen: set[str] = set()
    index = {c: i for i, c in enumerate(csv_file.header)}  # no column twice (checked above)
    at_id, at_priority, at_opened = (index[c] for c in GENERIC_REQUIRED)
    at = [index.get(c) for c in ("priority_history", "first_response", "resolved", "pauses")]
    at_history, at_response, at_resolved, at_pauses = at
    _rows, records = csv_file.checked_rows()
    for values in records:
        ident = values[at_id].strip()
        if not ident or ident in seen:
            raise _No
        seen.add(ident)
        if pmap.index(values[at_priority]) is None:
            raise _No
        history = values[at_history] if at_history is not None else ""
        if history.strip() and any(pmap.index(p.strip()) is None for p in history.split(">")):
            raise _No
        opened = _instant(values[at_opened], zone)
        if opened is None:
            raise _No
        first = _instant(values[at_response], zone) if at_response is not None else None
        resolved = _instant(values[at_resolved], zone) if at_resolved is not None else None
        if (first is not None and first < opened) or (resolved is not None and resolved < opened):
            raise _No
        _pauses(values[at_pauses] if at_pauses is not None else "", zone, opened, resolved)


def _pauses(cell: str, zone: ZoneInfo, opened: int, resolved: int | None) -> None:
    """A pause ends after it starts, lies inside its incident, and overlaps no other of it."""
    text = cell.strip()
    if not text:
        return
    parts = [p.strip() for p in text.split(";")] if ";" in text else [text]
    spans: list[tuple[int, float]] = []
    for part in (p for p in parts if p):
        if part.count("/") != 1:
            raise _No
        first, second = part.split("/")
        start = _instant(first, zone)
        end = _instant(second, zone) if second else None
        if start is None or (second and end is None):
            raise _No
        if end is not None and end < start:
            raise _No
        if start < opened:
            raise _No
        if resolved is not None and (end is None or end > resolved or start > resolved):
            raise _No
        spans.append((start, float("inf") if end is None else end))
    spans.sort(key=lambda span: span[0])  # stable, as the reader's sort by (incident, start)
    for (_, prev_end), (start, _) in itertools.pairwise(spans):
        if start < prev_end:
            raise _No


def _instant(text: str, zone: ZoneInfo) -> int | None:
    """POSIX seconds of a wall-clock time in ``zone`` written as the usual export writes it;
    None for an empty cell; ``_No`` for anything else, and for a time the clocks skip."""
    if not text:
        return None
    m = _STAMP.fullmatch(text)
    if m is None:
        raise _No
    y, mo, d, h, mi, sec = m.groups(default="0")
    hour, minute, second = int(h), int(mi), int(sec)
    if hour > 23 or minute > 59 or second > 59:
        raise _No
    day, offset = _day_offset(zone, y, mo, d)
    local = day * 86400 + hour * 3600 + minute * 60 + second
    if offset is not None:
        return local - offset
    try:
        wall = datetime(int(y), int(mo), int(d), hour, minute, second)
        # fold=0: the first of a repeated hour, as the reader takes it
        utc = wall.replace(tzinfo=zone).astimezone(UTC)
        back = utc.astimezone(zone).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise _No from None
    if back != wall:
        raise _No  # the hour the clocks skip
    return int(utc.timestamp())


@functools.lru_cache(maxsize=4096)
def _day_offset(zone: ZoneInfo, year: str, month: str, day: str) -> tuple[int, int | None]:
    """``_day`` and ``_offset`` of a date as the stamp writes it (one call a cell)."""
    number = _day(int(year), int(month), int(day))
    return number, _offset(zone, number)


@functools.lru_cache(maxsize=4096)
def _day(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 (``_No`` for a date that does not exist)."""
    try:
        return date(year, month, day).toordinal() - _EPOCH
    except ValueError:
        raise _No from None


@functools.lru_cache(maxsize=65536)
def _offset(zone: ZoneInfo, day: int) -> int | None:
    """The UTC offset of a whole wall-clock day (seconds), or None when the day does not have
    one offset from its first second to its last, each once (the clocks change that day)."""
    try:
        start = datetime.fromordinal(day + _EPOCH)
        if not _SAFE_FIRST <= start.year <= _SAFE_LAST:
            return _offset_converted(zone, start)
        # a wall time's offset, as converting it to UTC and back would find it: the same
        # four readings (both folds of the day's first and last second), without converting
        offsets = {
            (zone.utcoffset(t) or _NO_OFFSET) // _SECOND  # a ZoneInfo gives no None
            for first in (start, start + _LAST_SECOND)
            for t in (first, first.replace(fold=1))
        }
    except (ValueError, OverflowError):
        return None
    return offsets.pop() if len(offsets) == 1 else None


#: Years in which a wall time converts to UTC without overflowing ``datetime``: outside them,
#: the offset is found by converting, as the reader does (and fails, where it fails).
_SAFE_FIRST, _SAFE_LAST = 2, 9998
_SECOND = timedelta(seconds=1)
_NO_OFFSET = timedelta(0)
_LAST_SECOND = timedelta(seconds=86399)


def _offset_converted(zone: ZoneInfo, start: datetime) -> int | None:
    try:
        offsets = {
            (t - t.replace(tzinfo=zone, fold=fold).astimezone(UTC).replace(tzinfo=None)) // _SECOND
            for t in (start, start + _LAST_SECOND)
            for fold in (0, 1)
        }
    except (ValueError, OverflowError):
        return None
    return offsets.pop() if len(offsets) == 1 else None
