"""Columns of timestamps to POSIX seconds, at polars speed, with errors that name file, row and column.

A timestamp with an offset (``2026-03-02T10:15:00+01:00``, ``...Z``) is an instant as written. One
without (``2026-03-02 10:15``) is wall-clock time in the file's configured zone; without a
configured zone it is an error (guessing a zone is how SLA reports end up an hour off). Wall-clock
times that do not exist (the hour the clocks skip in spring) are errors; ambiguous ones (the hour
repeated in autumn) take the first occurrence.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import engagekit

if TYPE_CHECKING:
    import numpy as np
    import polars as pl
    from numpy.typing import NDArray

__all__ = ["ISO_FORMATS", "MISSING", "local_to_utc", "naive_seconds", "parse_instants", "row_error"]

#: The value of a missing instant in the int64 columns.
MISSING = -(2**62)

ISO_FORMATS = (
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
)
ACCEPTED = (
    "YYYY-MM-DDTHH:MM[:SS] with an offset (+01:00 or Z), or without one in the file's timezone"
)


def row_error(
    where: Path | str,
    rows: Sequence[int] | NDArray[np.int64],
    column: str | None,
    message: str,
    hint: str | None = None,
) -> engagekit.InputError:
    """An error at the first of ``rows`` (spreadsheet numbering), saying how many more there are."""
    more = len(rows) - 1
    text = message + (f" (and {more} more row{'s' if more > 1 else ''})" if more > 0 else "")
    return engagekit.InputError(text, where=where, row=int(rows[0]), field=column, hint=hint)


def parse_instants(
    values: pl.Series,
    *,
    tz: str | None,
    where: Path | str,
    column: str,
    formats: Sequence[str] = ISO_FORMATS,
    rows: NDArray[np.int64] | None = None,
    required: bool = True,
    local: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """POSIX seconds of each value; empty values are ``MISSING`` (an error when ``required``).

    ``rows`` gives each value's row number in the file (default: index + 2, the header being
    row 1). ``local``: the values' wall-clock seconds, when ``naive_seconds`` found them.
    """
    import numpy as np
    import polars as pl

    n = len(values)
    row_of = rows if rows is not None else np.arange(2, n + 2, dtype=np.int64)
    if local is None:
        (local,) = naive_seconds([values], tz, formats[0])
    if local is not None and tz is not None:
        fast = local_to_utc(local, tz)
        if fast is not None:
            return fast  # else the slow path names the wall-clock time that does not exist
    s = values.cast(pl.Utf8).str.strip_chars()
    s = pl.select(pl.when(s.str.len_bytes() > 0).then(s).otherwise(None)).to_series()
    present = s.is_not_null().to_numpy()
    out = np.full(n, MISSING, dtype=np.int64)
    if not present.all() and required:
        bad = row_of[~present]
        raise row_error(where, bad, column, "empty value", f"write {ACCEPTED}")
    if not present.any():
        return out
    if s.str.ends_with("Z").any():
        s = s.str.replace(r"Z$", "+00:00")
    aware = s.str.contains(r"[+-]\d\d:?\d\d$").fill_null(False).to_numpy()
    naive = present & ~aware
    if naive.any():
        idx = np.flatnonzero(naive)
        wall = _strptime(s, idx, formats, where, column, row_of)
        if tz is None:
            first = s[int(idx[0])]
            raise row_error(
                where,
                row_of[idx],
                column,
                f"{first!r} has no time zone and none is configured for this file",
                'add an offset such as +01:00, or set timezone = "Europe/Berlin" on the file '
                "(or data_timezone in the settings)",
            )
        zoned = wall.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
        gone = (zoned.is_null() & wall.is_not_null()).to_numpy()
        if gone.any():
            first = s[int(idx[np.flatnonzero(gone)[0]])]
            raise row_error(
                where,
                row_of[idx[gone]],
                column,
                f"{first!r} does not exist in {tz} (the clocks skip that hour)",
                "check the time zone of the file",
            )
        out[idx] = zoned.dt.epoch("s").to_numpy()
    if aware.any():
        idx = np.flatnonzero(aware)
        zformats = [f + "%z" for f in formats] + [f + "%#z" for f in formats[:4]]
        parsed = _strptime(s, idx, zformats, where, column, row_of)
        out[idx] = parsed.dt.epoch("s").to_numpy()
    return out


def naive_seconds(
    columns: Sequence[pl.Series], tz: str | None, fmt: str = ISO_FORMATS[0]
) -> list[NDArray[np.int64] | None]:
    """The common case at full speed, several columns at once (in parallel): the wall-clock
    seconds of each column whose every value is present, naive and in ``fmt``; None for the
    others (``parse_instants`` reads those value by value)."""
    import polars as pl

    out: list[NDArray[np.int64] | None] = [None] * len(columns)
    todo = [
        i
        for i, c in enumerate(columns)
        if tz is not None and not c.null_count() and c.dtype == pl.Utf8
    ]
    # no cache: most values differ (a cache of them costs more than it saves)
    parse = pl.col("v").str.to_datetime(format=fmt, strict=False, time_unit="us", cache=False)
    frames = pl.collect_all(
        [pl.LazyFrame({"v": columns[i]}).select(parse.dt.epoch("s")) for i in todo]
    )
    for i, frame in zip(todo, frames, strict=True):
        if not frame["v"].null_count():
            out[i] = frame["v"].to_numpy()
    return out


#: Per zone: (first local hour, UTC offset in seconds per local hour, -1 where not one offset).
_OFFSETS: dict[str, tuple[int, NDArray[np.int64]]] = {}
#: The table covers this many hours more on either side of what was asked (a month).
_MARGIN = 24 * 31
_SPECIAL = -(2**40)


def _offset_table(tz: str, lo_hour: int, hi_hour: int) -> tuple[int, NDArray[np.int64]]:
    """UTC offsets per local wall-clock hour, covering ``[lo_hour, hi_hour]``.

    An hour holds one offset when its first and its last second each exist once (neither in
    the hour the clocks skip nor in the one they repeat) with the same offset; any other hour
    (a change of offset inside it, at whatever minute) is ``_SPECIAL`` and its values are
    converted one by one. The table is built by polars' own conversion, so both ways agree.
    """
    import numpy as np
    import polars as pl

    have = _OFFSETS.get(tz)
    if have is not None and have[0] <= lo_hour and hi_hour < have[0] + len(have[1]):
        return have
    if have is not None:
        lo_hour, hi_hour = min(lo_hour, have[0]), max(hi_hour, have[0] + len(have[1]) - 1)
    first = lo_hour - _MARGIN
    hours = np.arange(first, hi_hour + _MARGIN + 1, dtype=np.int64) * 3600
    offsets = []
    for second in (0, 3599):
        local = pl.Series((hours + second) * 1_000_000).cast(pl.Datetime("us"))
        for ambiguous in ("earliest", "latest"):
            utc = local.dt.replace_time_zone(tz, ambiguous=ambiguous, non_existent="null")
            off = (hours + second) - utc.dt.epoch("s").fill_null(_SPECIAL).to_numpy()
            offsets.append(off)
    table = offsets[0]
    clean = np.logical_and.reduce([o == table for o in offsets[1:]]) & (table < 2**39)
    table = np.where(clean, table, _SPECIAL)
    _OFFSETS[tz] = (first, table)
    return first, table


def local_to_utc(local: NDArray[np.int64], tz: str) -> NDArray[np.int64] | None:
    """POSIX seconds of wall-clock seconds ``local`` in ``tz``; None if one does not exist.

    An ambiguous time (the hour repeated in autumn) is its first occurrence. Most values are
    looked up in a table of offsets per hour (two array reads); those in an hour where the
    offset changes are converted one by one.
    """
    import numpy as np
    import polars as pl

    if not len(local):
        return local.astype(np.int64)
    hour = local // 3600
    first, table = _offset_table(tz, int(hour.min()), int(hour.max()))
    offset = table[hour - first]
    utc = local - offset
    special = np.flatnonzero(offset == _SPECIAL)
    if len(special):
        exact = (
            pl.Series(local[special] * 1_000_000)
            .cast(pl.Datetime("us"))
            .dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
        )
        if exact.null_count():
            return None
        utc[special] = exact.dt.epoch("s").to_numpy()
    return utc


def _strptime(
    s: pl.Series,
    idx: NDArray[np.int64],
    formats: Sequence[str],
    where: Path | str,
    column: str,
    row_of: NDArray[np.int64],
) -> pl.Series:
    """Parse ``s[idx]`` trying ``formats`` in order on what is still unparsed."""
    import numpy as np
    import polars as pl

    sub = s if len(idx) == len(s) else s.gather(idx)
    result: pl.Series | None = None
    todo = np.arange(len(sub))
    for fmt in formats:
        part = sub if result is None else sub.gather(todo)
        try:
            parsed = part.str.to_datetime(format=fmt, strict=False, time_unit="us")
        except pl.exceptions.ComputeError:
            continue
        if getattr(parsed.dtype, "time_zone", None) is not None:
            parsed = parsed.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        result = parsed if result is None else result.scatter(todo, parsed)
        todo = np.flatnonzero(result.is_null().to_numpy())
        if not len(todo):
            break
    assert result is not None
    if len(todo):
        first = sub[int(todo[0])]
        raise row_error(
            where, row_of[idx[todo]], column, f"{first!r} is not a date-time", f"write {ACCEPTED}"
        )
    if result.dtype != pl.Datetime("us"):
        result = result.cast(pl.Datetime("us"))
    return result
