"""Time entries from the CSV exports people have: Harvest, Toggl Track, Clockify, and generic.

Each importer turns its export into one columnar frame (polars, imported only when a file is
read) with the columns of ``COLUMNS``; durations are integer minutes. The format (``formats``)
is chosen by the ``format`` setting or detected by the header. Every problem names the file,
the row (as a spreadsheet numbers it: the header is row 1) and the column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

import engagekit
from engagekit.csvfile import CsvFile, CsvFormat, number_hint, open_csv, parse_number
from engagekit.money import LARGEST
from engagekit_time_material.formats import (
    FORMATS,
    GENERIC_COLUMNS,
    Format,
    detect_format,
)

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "COLUMNS",
    "FORMATS",
    "GENERIC_COLUMNS",
    "TimeEntries",
    "detect_format",
    "read_header",
    "read_time_entries",
]

#: The normalised columns: ``row`` (spreadsheet row), ``date``, ``person``, ``role`` (or null;
#: ``person``, ``role`` and ``category`` are categorical),
#: ``minutes`` (int), ``billable``, ``approved``, ``category`` (task), ``tags`` (comma
#: separated), ``notes``, ``start``/``end`` (minutes since the Unix epoch in local time, or null),
#: ``currency`` (or null).
COLUMNS = (
    "row",
    "date",
    "person",
    "role",
    "minutes",
    "billable",
    "approved",
    "category",
    "tags",
    "notes",
    "start",
    "end",
    "currency",
)

_TRUE = ("yes", "true", "1", "y")
_FALSE = ("no", "false", "0", "n", "")


@attrs.frozen(eq=False)
class TimeEntries:
    """Time entries read from one file: the normalised frame and where it came from.

    Entries checked by streaming (``stream.py``) hold no frame but the lazy scan of the
    normalised columns (``lazy``) and their count: the frame is read from the scan on first
    use only (a second look, to name the rows of a failed check).
    """

    path: Path
    format: str
    _frame: pl.DataFrame | None
    #: The currency the export's header names (Toggl, Clockify), if any.
    header_currency: str | None = None
    #: Duplicates and overlaps kept by the ``warn`` policy (``checks.Flag``), once checked.
    flags: tuple[Any, ...] = ()
    lazy: pl.LazyFrame | None = None
    count: int | None = None
    #: Whether any entry has tags (known without the frame when streamed).
    tagged: bool | None = None
    _read: list[pl.DataFrame] = attrs.field(factory=list, init=False)

    @property
    def frame(self) -> pl.DataFrame:
        if self._frame is not None:
            return self._frame
        if not self._read:
            assert self.lazy is not None
            self._read.append(self.lazy.collect(engine="streaming"))
        return self._read[0]

    @property
    def has_tags(self) -> bool:
        if self.tagged is not None:
            return self.tagged
        return self.frame["tags"].null_count() < self.frame.height

    def __len__(self) -> int:
        return self.count if self.count is not None else self.frame.height


# -- header --------------------------------------------------------------------------------------


def read_header(path: Path, csv_format: CsvFormat | None = None) -> list[str]:
    """The header of a CSV file, stripped (a UTF-8 byte order mark is dropped)."""
    return list(open_csv(path, csv_format, what="time entries file").header)


# -- reading -------------------------------------------------------------------------------------


def read_time_entries(
    path: Path | str,
    *,
    format: str = "auto",
    date_format: str | None = None,
    csv_format: CsvFormat | None = None,
) -> TimeEntries:
    """Read and normalise a time-entry export; raise ``InputError`` for what is wrong in it.

    Every malformed value of a kind is reported (``InputErrors``), not only the first.
    ``csv_format`` declares the file's encoding, delimiter and decimal mark.
    """
    csv_file = open_csv(path, csv_format, what="time entries file")
    path = csv_file.path
    header = list(csv_file.header)
    fmt = detect_format(path, header, format)

    readers: dict[str, Callable[[_Reader], pl.DataFrame]] = {
        "harvest": _harvest,
        "toggl": _toggl,
        "clockify": _clockify,
        "generic": _generic,
    }
    reader = _Reader(csv_file, fmt, date_format)
    frame = None
    if fast_readable(csv_file, fmt, date_format):
        frame = _generic_fast(reader)
    if frame is None:
        frame = readers[fmt.name](reader)
    reader.raise_problems()
    return TimeEntries(path, fmt.name, frame, reader.header_currency)


class _Reader:
    """One file being read: its raw string columns and the problems found so far."""

    def __init__(self, csv_file: CsvFile, fmt: Format, date_format: str | None):
        self.csv = csv_file
        self.path = csv_file.path
        self.fmt = fmt
        self.header = list(csv_file.header)
        self.date_format = date_format
        self.problems: list[engagekit.InputError] = []
        self.header_currency = self._currency_from_header()
        #: (raw column, normalised column, what it should be, hint): unreadable values.
        self.checks: list[tuple[str, str, str, str | None]] = []
        #: (raw column, normalised column): values that must not be empty.
        self.required: list[tuple[str, str]] = []
        #: The raw column the duration came from, for error messages.
        self.duration_column = ""

    def expect(self, raw: str, name: str, what: str, hint: str | None = None) -> None:
        self.checks.append((raw, name, what, hint))

    def require(self, raw: str, name: str) -> None:
        self.required.append((raw, name))

    def _currency_from_header(self) -> str | None:
        found: dict[str, str] = {}
        for pattern in self.fmt.currency_columns:
            for col in self.header:
                if m := re.fullmatch(pattern, col):
                    found[col] = m[1].upper()
        codes = set(found.values())
        if len(codes) > 1:
            raise engagekit.InputError(
                "the header names several currencies: " + ", ".join(f"{c!r}" for c in found),
                where=self.path,
                row=1,
            )
        return codes.pop() if codes else None

    def load(self, columns: Sequence[str]) -> pl.DataFrame:
        """The wanted columns (those present) as strings, with the spreadsheet row number."""
        return self.csv.frame(columns)

    def hours_minutes(self, df: pl.DataFrame, column: str) -> pl.Expr:
        """Whole minutes (nearest) of decimal hours written with the file's decimal mark.

        Babel parses each distinct value once (a timesheet repeats few durations); a value
        that is not a number in this file's locale is null, and reported as unreadable.
        """
        import polars as pl

        values = df[column].str.strip_chars().unique().drop_nulls().to_list()
        mapping: dict[str, int | None] = {}
        for value in values:
            number = parse_number(value, self.csv.decimal) if value else None
            if number is not None and abs(number) >= LARGEST:
                number = None  # beyond any timesheet (and past Int64 in minutes): unreadable
            mapping[value] = None if number is None else int((number * 60).to_integral_value())
        return (
            pl.col(column)
            .str.strip_chars()
            .replace_strict(mapping, default=None, return_dtype=pl.Int64)
        )

    def number_hint(self) -> str:
        return number_hint(self.csv.decimal)

    # problems

    def add(
        self,
        rows: Sequence[int],
        column: str,
        message: Callable[[Any], str],
        values: Sequence[Any],
        hint: str | None = None,
    ) -> None:
        for row, value in zip(rows, values, strict=True):
            self.problems.append(
                engagekit.InputError(
                    message(value), where=self.path, row=int(row), field=column, hint=hint
                )
            )

    def raise_problems(self) -> None:
        if len(self.problems) == 1:
            raise self.problems[0]
        if self.problems:
            raise engagekit.InputErrors(self.problems)

    # parsing expressions

    def date_expr(self, column: str) -> pl.Expr:
        import polars as pl

        text = pl.col(column).str.strip_chars()
        formats = [self.date_format] if self.date_format else ["%Y-%m-%d", *self.fmt.date_formats]
        parsed = {f: text.str.to_date(f, strict=False) for f in formats}
        if _MDY in parsed and _DMY in parsed:
            # A file is written in one order. Row by row, 05/01/2026 would be May the 1st in a
            # file whose 13/01/2026 says day first: every slashed date is read in the order
            # the file's unambiguous ones (a number above 12) show; month first when none
            # does; none at all (each reported) when the file shows both.
            mdy, dmy = parsed.pop(_MDY), parsed.pop(_DMY)
            mdy_only = (mdy.is_not_null() & dmy.is_null()).any()
            dmy_only = (dmy.is_not_null() & mdy.is_null()).any()
            parsed[_MDY] = (
                pl.when(mdy_only & dmy_only)
                .then(pl.lit(None, dtype=pl.Date))
                .when(dmy_only)
                .then(dmy)
                .otherwise(mdy)
            )
        exprs = list(parsed.values())
        return pl.coalesce(exprs) if len(exprs) > 1 else exprs[0]

    def date_hint(self) -> str:
        if self.date_format:
            return f"dates in this file are read with date_format = {self.date_format!r}"
        usual = " or ".join(["YYYY-MM-DD", *self.fmt.date_formats])
        hint = f'write dates as {usual}, or set date_format in the settings (e.g. "%d.%m.%Y")'
        if _MDY in self.fmt.date_formats and _DMY in self.fmt.date_formats:
            hint += (
                "; a file's slashed dates are read in one order: one with dates in both is refused"
            )
        return hint


_MDY, _DMY = "%m/%d/%Y", "%d/%m/%Y"


def _bool_expr(column: str, default: bool) -> pl.Expr:
    import polars as pl

    text = pl.col(column).str.strip_chars().str.to_lowercase()
    return (
        pl.when(text.is_null() | (text == ""))
        .then(pl.lit(default))
        .when(text.is_in(_TRUE))
        .then(pl.lit(True))
        .when(text.is_in(_FALSE))
        .then(pl.lit(False))
        .otherwise(pl.lit(None, dtype=pl.Boolean))
    )


def _time_expr(column: str) -> pl.Expr:
    """Minutes since midnight of a time of day (``09:05``, ``09:05:30``, ``9:05 AM``)."""
    import polars as pl

    text = pl.col(column).str.strip_chars().str.to_uppercase()
    parsed = pl.coalesce(
        [
            text.str.to_time(f, strict=False)
            for f in ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p")
        ]
    )
    return parsed.dt.hour().cast(pl.Int64) * 60 + parsed.dt.minute().cast(pl.Int64)


def _hms_minutes(column: str) -> pl.Expr:
    """Whole minutes (half a minute rounds up) of a duration ``H:MM:SS`` or ``H:MM``."""
    import polars as pl

    parts = pl.col(column).str.strip_chars().str.extract_groups(r"^(\d+):([0-5]\d)(?::([0-5]\d))?$")
    h = parts.struct.field("1").cast(pl.Int64, strict=False)
    m = parts.struct.field("2").cast(pl.Int64, strict=False)
    s = parts.struct.field("3").cast(pl.Int64, strict=False).fill_null(0)
    return h * 60 + m + (s >= 30).cast(pl.Int64)


def _text(column: str | None) -> pl.Expr:
    import polars as pl

    if column is None:
        return pl.lit(None, dtype=pl.String)
    t = pl.col(column).str.strip_chars()
    return pl.when(t == "").then(None).otherwise(t)


def _finish(reader: _Reader, df: pl.DataFrame, exprs: dict[str, pl.Expr]) -> pl.DataFrame:
    """Evaluate the normalised columns, record unreadable values, check durations."""
    import polars as pl

    out = df.select(
        pl.col("row").cast(pl.Int64),
        *[e.alias(name) for name, e in exprs.items()],
    )
    # the bad-value checks look at the raw columns, which are in ``df``
    for raw, name, what, hint in reader.checks:
        bad_rows = out.filter(pl.col(name).is_null()).select("row")
        if bad_rows.height:
            joined = bad_rows.join(df.select(pl.col("row").cast(pl.Int64), pl.col(raw)), on="row")
            joined = joined.filter(
                pl.col(raw).is_not_null() & (pl.col(raw).str.strip_chars() != "")
            )
            reader.add(
                joined["row"].to_list(),
                raw,
                lambda v, w=what: f"{v!r} is not {w}",  # type: ignore[misc]
                joined[raw].to_list(),
                hint,
            )
    for raw, name in reader.required:
        empty = out.filter(pl.col(name).is_null()).select("row")
        if empty.height:
            joined = empty.join(df.select(pl.col("row").cast(pl.Int64), pl.col(raw)), on="row")
            joined = joined.filter(pl.col(raw).is_null() | (pl.col(raw).str.strip_chars() == ""))
            reader.add(
                joined["row"].to_list(), raw, lambda v: "empty value", [None] * joined.height
            )
    _check_minutes(reader, out)
    for col in COLUMNS:
        if col not in out.columns:
            out = out.with_columns(pl.lit(None).alias(col))
    return out.select(
        pl.col("row"),
        pl.col("date"),
        pl.col("person").cast(pl.Categorical),
        pl.col("role").cast(pl.String).cast(pl.Categorical),
        pl.col("minutes").cast(pl.Int64),
        pl.col("billable").cast(pl.Boolean),
        pl.col("approved").cast(pl.Boolean),
        pl.col("category").cast(pl.String).cast(pl.Categorical),
        pl.col("tags").cast(pl.String),
        pl.col("notes").cast(pl.String),
        pl.col("start").cast(pl.Int64),
        pl.col("end").cast(pl.Int64),
        pl.col("currency").cast(pl.String),
    )


def _check_minutes(reader: _Reader, out: pl.DataFrame) -> None:
    """Zero, negative and over-a-day durations are errors, every row of them."""
    import polars as pl

    col = reader.duration_column
    bad = out.filter(pl.col("minutes") <= 0)
    if bad.height:
        reader.add(
            bad["row"].to_list(),
            col,
            lambda m: f"duration must be positive (got {m} minutes)",
            bad["minutes"].to_list(),
            "remove empty entries from the export",
        )
    long = out.filter(pl.col("minutes") > 24 * 60)
    if long.height:
        reader.add(
            long["row"].to_list(),
            col,
            lambda m: f"a duration of {m / 60:.2f} hours is more than a day holds",
            long["minutes"].to_list(),
            "split entries at midnight; one day holds 24 hours",
        )


def _epoch_minutes(date_col: pl.Expr, minute_of_day: pl.Expr) -> pl.Expr:
    import polars as pl

    return date_col.cast(pl.Int64) * 1440 + minute_of_day


def _interval(
    reader: _Reader,
    df: pl.DataFrame,
    date_col: str,
    start_col: str | None,
    end_date_col: str | None,
    end_col: str | None,
    exprs: dict[str, pl.Expr],
) -> None:
    """Fill ``start``/``end`` (epoch minutes) where the export has times of day."""
    if start_col is None or start_col not in df.columns:
        return
    start_tod = _time_expr(start_col)
    exprs["start"] = _epoch_minutes(reader.date_expr(date_col), start_tod)
    reader.expect(start_col, "start", "a time of day", "write times as HH:MM or HH:MM:SS")
    if end_col is None or end_col not in df.columns:
        return
    end_tod = _time_expr(end_col)
    if end_date_col is not None and end_date_col in df.columns:
        end_day = reader.date_expr(end_date_col)
        exprs["end"] = _epoch_minutes(end_day, end_tod)
        reader.expect(end_date_col, "end", "a date", reader.date_hint())
    else:
        import polars as pl

        start = exprs["start"]
        same_day = _epoch_minutes(reader.date_expr(date_col), end_tod)
        exprs["end"] = pl.when(same_day <= start).then(same_day + 1440).otherwise(same_day)
    reader.expect(end_col, "end", "a time of day", "write times as HH:MM or HH:MM:SS")


# -- the formats ---------------------------------------------------------------------------------


def _harvest(reader: _Reader) -> pl.DataFrame:
    import polars as pl

    cols = [
        "Date",
        "Hours",
        "First Name",
        "Last Name",
        "Billable?",
        "Approved?",
        "Roles",
        "Task",
        "Notes",
        "Currency",
    ]
    df = reader.load(cols)
    h = set(df.columns)
    first = pl.col("First Name").str.strip_chars().fill_null("")
    last = pl.col("Last Name").str.strip_chars().fill_null("")
    person = pl.concat_str([first, last], separator=" ").str.strip_chars()
    exprs: dict[str, pl.Expr] = {
        "date": reader.date_expr("Date"),
        "person": pl.when(person == "").then(None).otherwise(person),
        # Harvest lists a person's roles comma separated; the first is the billing role.
        "role": _text("Roles").str.split(",").list.first().str.strip_chars()
        if "Roles" in h
        else pl.lit(None, dtype=pl.String),
        "minutes": reader.hours_minutes(df, "Hours"),
        "billable": _bool_expr("Billable?", False),
        "approved": _bool_expr("Approved?", True) if "Approved?" in h else pl.lit(True),
        "category": _text("Task" if "Task" in h else None),
        "notes": _text("Notes" if "Notes" in h else None),
        # "United States Dollar - USD" or "USD"
        "currency": _text("Currency").str.extract(r"([A-Za-z]{3})\s*$", 1).str.to_uppercase()
        if "Currency" in h
        else pl.lit(None, dtype=pl.String),
    }
    reader.duration_column = "Hours"
    reader.expect("Date", "date", "a date", reader.date_hint())
    reader.require("Date", "date")
    reader.expect("Hours", "minutes", "a number of hours", reader.number_hint())
    reader.require("Hours", "minutes")
    reader.require("First Name", "person")
    reader.expect("Billable?", "billable", "a yes/no value", "use Yes or No")
    if "Approved?" in h:
        reader.expect("Approved?", "approved", "a yes/no value", "use Yes or No")
    return _finish(reader, df, exprs)


def _toggl(reader: _Reader) -> pl.DataFrame:
    import polars as pl

    cols = [
        "User",
        "Billable",
        "Start date",
        "Start time",
        "End date",
        "End time",
        "Duration",
        "Task",
        "Description",
        "Tags",
    ]
    df = reader.load(cols)
    h = set(df.columns)
    exprs: dict[str, pl.Expr] = {
        "date": reader.date_expr("Start date"),
        "person": _text("User"),
        "role": pl.lit(None, dtype=pl.String),
        "minutes": _hms_minutes("Duration"),
        "billable": _bool_expr("Billable", False),
        "approved": pl.lit(True),
        "category": _text("Task" if "Task" in h else None),
        "tags": _text("Tags" if "Tags" in h else None),
        "notes": _text("Description" if "Description" in h else None),
        "currency": pl.lit(reader.header_currency, dtype=pl.String),
    }
    reader.duration_column = "Duration"
    _interval(reader, df, "Start date", "Start time", "End date", "End time", exprs)
    reader.expect("Start date", "date", "a date", reader.date_hint())
    reader.require("Start date", "date")
    reader.expect("Duration", "minutes", "a duration", "write durations as HH:MM:SS")
    reader.require("Duration", "minutes")
    reader.require("User", "person")
    reader.expect("Billable", "billable", "a yes/no value", "use Yes or No")
    return _finish(reader, df, exprs)


def _clockify(reader: _Reader) -> pl.DataFrame:
    import polars as pl

    cols = [
        "User",
        "Group",
        "Billable",
        "Start Date",
        "Start Time",
        "End Date",
        "End Time",
        "Duration (h)",
        "Task",
        "Description",
        "Tags",
    ]
    df = reader.load(cols)
    h = set(df.columns)
    exprs: dict[str, pl.Expr] = {
        "date": reader.date_expr("Start Date"),
        "person": _text("User"),
        # Clockify's user group is the closest it has to a role; settings.people overrides it.
        "role": _text("Group" if "Group" in h else None),
        "minutes": _hms_minutes("Duration (h)"),
        "billable": _bool_expr("Billable", False),
        "approved": pl.lit(True),
        "category": _text("Task" if "Task" in h else None),
        "tags": _text("Tags" if "Tags" in h else None),
        "notes": _text("Description" if "Description" in h else None),
        "currency": pl.lit(reader.header_currency, dtype=pl.String),
    }
    reader._duration_column = "Duration (h)"  # type: ignore[attr-defined]
    _interval(reader, df, "Start Date", "Start Time", "End Date", "End Time", exprs)
    reader.expect("Start Date", "date", "a date", reader.date_hint())
    reader.require("Start Date", "date")
    reader.expect("Duration (h)", "minutes", "a duration", "write durations as HH:MM:SS")
    reader.require("Duration (h)", "minutes")
    reader.require("User", "person")
    reader.expect("Billable", "billable", "a yes/no value", "use Yes or No")
    return _finish(reader, df, exprs)


def _generic(reader: _Reader) -> pl.DataFrame:
    import polars as pl

    df = reader.load(GENERIC_COLUMNS)
    h = set(df.columns)
    if "minutes" in h:
        minutes = pl.col("minutes").str.strip_chars().cast(pl.Int64, strict=False)
        duration_col = "minutes"
        what, hint = "a whole number of minutes", "write minutes as a whole number, e.g. 90"
    else:
        minutes = reader.hours_minutes(df, "hours")
        duration_col = "hours"
        what, hint = "a number of hours", reader.number_hint()
    exprs: dict[str, pl.Expr] = {
        "date": reader.date_expr("date"),
        "person": _text("person"),
        "role": _text("role" if "role" in h else None),
        "minutes": minutes,
        "billable": _bool_expr("billable", True) if "billable" in h else pl.lit(True),
        "approved": _bool_expr("approved", True) if "approved" in h else pl.lit(True),
        "category": _text("category" if "category" in h else ("task" if "task" in h else None)),
        "tags": _text("tags" if "tags" in h else None),
        "notes": _text("notes" if "notes" in h else None),
        "currency": _text("currency").str.to_uppercase()
        if "currency" in h
        else pl.lit(None, dtype=pl.String),
    }
    reader.duration_column = duration_col
    _interval(
        reader,
        df,
        "date",
        "start" if "start" in h else None,
        None,
        "end" if "end" in h else None,
        exprs,
    )
    reader.expect("date", "date", "a date", reader.date_hint())
    reader.require("date", "date")
    reader.expect(duration_col, "minutes", what, hint)
    reader.require(duration_col, "minutes")
    reader.require("person", "person")
    for col in ("billable", "approved"):
        if col in h:
            reader.expect(col, col, "a yes/no value", "use true/false or yes/no")
    return _finish(reader, df, exprs)


def _worded_flags(reader: _Reader, columns: list[str]) -> set[str]:
    """The yes/no columns whose first value is not ``true``/``false``: they are read as text.

    A file that mixes both (``true`` first, ``yes`` later) fails the typed read, and the
    string-based reader reads it.
    """
    if not columns:
        return set()
    # the first record by Python's csv reader: polars' read_csv of one row maps the whole
    # file, and its pages stayed in the peak RSS (1M entries: +86 MiB; 10M: +144 MiB)
    import csv

    with reader.path.open(encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f, delimiter=reader.csv.delimiter)
        header = [h.strip() for h in next(rows, [])]
        record = next((r for r in rows if r), None)
    if record is None or len(record) != len(header):
        return set()  # no data, or a short first row: the typed read finds out
    first = dict(zip(header, record, strict=True))
    return {c for c in columns if first[c].strip().lower() not in ("true", "false", "")}


def _flag(column: str, worded: set[str]) -> pl.Expr:
    """A yes/no column of the fast read: empty is yes; a worded value not yes/no is null."""
    import polars as pl

    return _bool_expr(column, True) if column in worded else pl.col(column).fill_null(True)


def fast_readable(csv_file: CsvFile, fmt: Format, date_format: str | None) -> bool:
    """Whether the typed one-pass read (``generic_plan``) may read the file."""
    return (
        fmt.name == "generic"
        and date_format in (None, "%Y-%m-%d")
        and csv_file.direct
        and csv_file.decimal == "."
    )


def generic_plan(reader: _Reader) -> tuple[pl.LazyFrame, set[str]] | None:
    """The lazy typed scan of a generic file: the normalised columns, ``_last`` (the header's
    last column: null on a blank line or a short row), and the yes/no columns read as words.

    None when the header does not fit a typed read; a malformed value raises when collected.
    """
    import polars as pl

    h = reader.header
    wanted = [c for c in GENERIC_COLUMNS if c in h]
    if "minutes" in h:
        wanted = [c for c in wanted if c != "hours"]
    types = {
        "date": pl.Date,
        "minutes": pl.Int64,
        "hours": pl.Float64,
        "billable": pl.Boolean,
        "approved": pl.Boolean,
        # names repeat: categorical columns hash and group as integers
        "person": pl.Categorical,
        "role": pl.Categorical,
        "category": pl.Categorical,
        "task": pl.Categorical,
    }
    try:
        # yes/no flags (spreadsheet exports) are read as text and mapped; true/false typed
        worded = _worded_flags(reader, [c for c in ("billable", "approved") if c in wanted])
        lf = pl.scan_csv(
            reader.path,
            infer_schema=False,
            separator=reader.csv.delimiter,
            schema_overrides={c: types[c] for c in wanted if c in types and c not in worded},
        )
        if lf.collect_schema().names() != h:
            return None
    except (pl.exceptions.PolarsError, ValueError):
        return None
    if "minutes" in wanted:
        minutes = pl.col("minutes")
        reader.duration_column = "minutes"
    else:
        minutes = (pl.col("hours") * 60).round(0).cast(pl.Int64)
        reader.duration_column = "hours"
    exprs: dict[str, pl.Expr] = {
        "row": pl.col("row").cast(pl.Int64),
        "date": pl.col("date"),
        "person": pl.col("person"),
        "role": pl.col("role") if "role" in h else pl.lit(None, dtype=pl.String),
        "minutes": minutes,
        "billable": _flag("billable", worded) if "billable" in h else pl.lit(True),
        "approved": _flag("approved", worded) if "approved" in h else pl.lit(True),
        "category": pl.col("category")
        if "category" in h
        else (pl.col("task") if "task" in h else pl.lit(None, dtype=pl.String)),
        "tags": pl.col("tags") if "tags" in h else pl.lit(None, dtype=pl.String),
        "notes": pl.col("notes") if "notes" in wanted else pl.lit(None, dtype=pl.String),
        "start": pl.lit(None, dtype=pl.Int64),
        "end": pl.lit(None, dtype=pl.Int64),
        "currency": pl.col("currency").str.to_uppercase()
        if "currency" in h
        else pl.lit(None, dtype=pl.String),
    }
    # times are parsed strictly: a malformed one raises, and the careful reader reports it
    # (a time of HH:MM is whole minutes: its nanoseconds since midnight divided, in half the
    # time of hour * 60 + minute)
    if "start" in wanted:
        day = pl.col("date").cast(pl.Int64) * 1440
        start = pl.col("start").str.to_time("%H:%M", strict=True)
        exprs["start"] = day + start.cast(pl.Int64) // 60_000_000_000
        if "end" in wanted:
            end = pl.col("end").str.to_time("%H:%M", strict=True)
            same = day + end.cast(pl.Int64) // 60_000_000_000
            exprs["end"] = pl.when(same <= exprs["start"]).then(same + 1440).otherwise(same)
    # a blank line or a short row leaves the header's last column empty
    exprs["_last"] = pl.col(h[-1])
    plan = (
        lf.select(list(dict.fromkeys([*wanted, h[-1]])))
        .with_row_index("row", offset=2)
        .select(*[e.alias(name) for name, e in exprs.items()])
    )
    return plan, worded


def typed_columns() -> list[pl.Expr]:
    """The normalised columns of the typed read, as ``TimeEntries.frame`` has them."""
    import polars as pl

    return [
        pl.col(c).cast(pl.Categorical) if c in ("role", "category") else pl.col(c) for c in COLUMNS
    ]


def _generic_fast(reader: _Reader) -> pl.DataFrame | None:
    """The generic format read typed in one pass, when every value is well-formed.

    Returns None when anything is off (a malformed date or number, a missing value, a time that
    is not HH:MM, padded headers): the string-based reader then reads the file again and names
    every bad cell. Durations out of range are reported from here.
    """
    import polars as pl

    planned = generic_plan(reader)
    if planned is None:
        return None
    plan, worded = planned
    try:
        out = plan.collect(engine="streaming")
    except (pl.exceptions.PolarsError, ValueError):
        return None
    # a missing date, person or duration, a flag that is not yes/no (null counts are known
    # without a pass)
    if any(out[c].null_count() for c in ("date", "person", "minutes", "_last", *worded)):
        return None
    _check_minutes(reader, out)
    return out.select(typed_columns())


def generic_scan(
    path: Path | str,
    *,
    format: str = "auto",
    date_format: str | None = None,
    csv_format: CsvFormat | None = None,
) -> tuple[Path, list[str], pl.LazyFrame, set[str]] | None:
    """The lazy typed scan of a generic time-entry file (``generic_plan``), its path and
    header; None
    when the file is not one the typed read takes, or its header is wrong (the reader of
    ``read_time_entries`` then reads it, and says what is wrong)."""
    try:
        csv_file = open_csv(path, csv_format, what="time entries file")
        fmt = detect_format(csv_file.path, list(csv_file.header), format)
    except engagekit.InputError:
        return None
    if not fast_readable(csv_file, fmt, date_format):
        return None
    planned = generic_plan(_Reader(csv_file, fmt, date_format))
    if planned is None:
        return None
    return csv_file.path, list(csv_file.header), planned[0], planned[1]
