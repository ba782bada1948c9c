"""Checks of time entries against their component: every bad row is reported, not the first.

- entries dated outside the component's timeframe;
- duplicate entries of one person (same date, duration, times, billable flag, task and notes)
  and overlapping entries of one person (where the export has start and end times): by the
  component's ``duplicates``/``overlaps`` policy an error, a ``Flag`` (billed, and warned
  about), or allowed silently;
- more than 24 hours of one person on one date;
- a currency other than the project's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import attrs

import engagekit
from engagekit_time_material.importers import TimeEntries

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Flag", "check_entries", "flag_warnings"]

_EPOCH = date(1970, 1, 1)


def _clock(epoch_minutes: int) -> str:
    day = _EPOCH + timedelta(days=epoch_minutes // 1440)
    m = epoch_minutes % 1440
    return f"{day} {m // 60:02d}:{m % 60:02d}"


@attrs.frozen
class Flag:
    """Entries kept and billed although they look wrong: a duplicate or an overlap."""

    kind: str  # "duplicate" or "overlap"
    file: str
    #: The rows involved, the flagged one last (a duplicate: every row of the equal entries).
    rows: tuple[int, ...]
    person: str
    day: date
    #: Minutes of each entry of ``rows``, in the same order.
    minutes: tuple[int, ...]
    #: ``09:00-10:30`` of the flagged entry, where the export has times.
    times: str | None = None

    def warning(self) -> str:
        """One line: what, where, who, how long."""
        rows = ", ".join(map(str, self.rows))
        what = "duplicate entries" if self.kind == "duplicate" else "overlapping entries"
        when = f"{self.day}" + (f" {self.times}" if self.times else "")
        minutes = "+".join(map(str, self.minutes))
        return f"{self.file} rows {rows}: {what} of {self.person} on {when} ({minutes} min), billed"

    def doc(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "rows": list(self.rows),
            "person": self.person,
            "date": self.day.isoformat(),
            "minutes": list(self.minutes),
            "times": self.times,
        }


def flag_warnings(flags: tuple[Flag, ...], first: date, last: date) -> list[Flag]:
    """The flags of entries dated ``first..last`` (a bill warns about what it bills)."""
    return [f for f in flags if first <= f.day <= last]


def check_entries(
    entries: TimeEntries,
    component: engagekit.Component,
    currency: str,
    *,
    day_totals: bool = True,
    duplicates: str = "error",
    overlaps: str = "error",
) -> tuple[Flag, ...]:
    """Raise ``InputError``/``InputErrors`` listing every row that breaks a rule.

    Duplicates and overlaps follow their policy (``error``, ``warn``, ``allow``); the flags of
    ``warn`` are returned. ``day_totals=False`` leaves the 24-hours-a-day check to the caller
    (the ledger does it on its own aggregation, see ``check_day_totals``).
    """
    import polars as pl

    df = entries.frame
    problems: list[engagekit.InputError] = []
    flags: list[Flag] = []
    policy = {"duplicate": duplicates, "overlap": overlaps}

    def err(row: int, message: str, field: str | None = None, hint: str | None = None) -> None:
        problems.append(
            engagekit.InputError(message, where=entries.path, row=row, field=field, hint=hint)
        )

    def flag(kind: str, message: str, field: str | None, hint: str, **what: Any) -> None:
        if policy[kind] == "error":
            err(what["rows"][-1], message, field, hint)
        elif policy[kind] == "warn":
            flags.append(Flag(kind, entries.path.name, **what))

    if entries.header_currency and entries.header_currency != currency:
        raise engagekit.InputError(
            f"the export is in {entries.header_currency}, the project in {currency}",
            where=entries.path,
            row=1,
            field="currency",
            hint="export the time entries in the project currency, or bill them in a component "
            "of a project in that currency",
        )
    if df["currency"].null_count() < df.height:
        wrong = df.filter(pl.col("currency").is_not_null() & (pl.col("currency") != currency))
        for row, cur in wrong.select("row", "currency").iter_rows():
            err(
                row,
                f"currency {cur} is not the project's currency {currency}",
                "currency",
                "rates and amounts of one component are in the project currency",
            )

    first: date | None = df["date"].min()  # type: ignore[assignment]
    last: date | None = df["date"].max()  # type: ignore[assignment]
    if first is not None and last is not None and (first < component.start or last > component.end):
        outside = df.filter((pl.col("date") < component.start) | (pl.col("date") > component.end))
        for row, day, person in outside.select("row", "date", "person").iter_rows():
            err(
                row,
                f"entry of {person} on {day} is outside the component's timeframe "
                f"{component.start}..{component.end}",
                "date",
                "move the entry to the component it belongs to, or widen start/end",
            )

    timed_mask = pl.col("start").is_not_null() & pl.col("end").is_not_null()
    n_timed = df.height - max(df["start"].null_count(), df["end"].null_count())
    checked = duplicates != "allow" or overlaps != "allow"
    if n_timed and checked:
        _timed(df.filter(timed_mask) if n_timed < df.height else df, flag)
    if n_timed < df.height and duplicates != "allow":
        untimed = df.filter(~timed_mask) if n_timed else df
        key = ["person", "date", "minutes", "billable", "category", "notes"]
        dups = (
            untimed.filter(pl.struct(key).is_duplicated())
            .group_by(key)
            .agg(pl.col("row").sort())
            .sort(pl.col("row").list.first())
        )
        for person, day, minutes, rows in dups.select(
            "person", "date", "minutes", "row"
        ).iter_rows():
            if duplicates == "warn":
                flag(
                    "duplicate",
                    "",
                    None,
                    "",
                    rows=tuple(rows),
                    person=person,
                    day=day,
                    minutes=(minutes,) * len(rows),
                )
                continue
            for row in rows[1:]:
                err(
                    row,
                    f"duplicate of row {rows[0]}: {person}, {day}, {minutes} minutes",
                    None,
                    'remove the duplicate entry, or set duplicates = "warn" to bill it',
                )

    if day_totals:
        totals = df.group_by("person", "date").agg(pl.col("minutes").sum())
        problems.extend(day_total_problems(entries, totals))

    if len(problems) == 1:
        raise problems[0]
    if problems:
        problems.sort(key=lambda e: e.row or 0)
        raise engagekit.InputErrors(problems)
    return tuple(sorted(flags, key=lambda f: f.rows[-1]))


def day_total_problems(entries: TimeEntries, totals: pl.DataFrame) -> list[engagekit.InputError]:
    """One problem per person and date whose ``minutes`` (in ``totals``) exceed 24 hours."""
    import polars as pl

    over = totals.filter(pl.col("minutes") > 24 * 60)
    if over.height == 0:
        return []
    keys = over.select(pl.col("person").cast(entries.frame.schema["person"]), "date")
    rows = (
        entries.frame.join(keys, on=["person", "date"], how="semi")
        .group_by("person", "date")
        .agg(pl.col("row").sort(), pl.col("minutes").sum())
        .sort(pl.col("row").list.first())
    )
    out = []
    for person, day, rs, minutes in rows.select("person", "date", "row", "minutes").iter_rows():
        out.append(
            engagekit.InputError(
                f"{person} has {minutes / 60:.2f} hours on {day}, more than a day holds "
                f"(rows {', '.join(map(str, rs[:10]))}{' ...' if len(rs) > 10 else ''})",
                where=entries.path,
                row=rs[0],
                field="minutes",
                hint="one person records at most 24 hours on one date",
            )
        )
    return out


def raise_all(problems: list[engagekit.InputError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    if problems:
        problems.sort(key=lambda e: e.row or 0)
        raise engagekit.InputErrors(problems)


#: Start and end are keyed per person as person_id * _KEY + epoch minutes, so one integer sort
#: orders entries by person, then time (epoch minutes stay far below 2**36).
_KEY = 1 << 36
#: The one-key order: person_id * 2**37 + (start - first start) * 2**11 + length. An entry
#: lasts at most a day (1440 minutes < 2**11) and a file spans less than 2**26 minutes (127
#: years), so the key orders by person, start and end as (person, start) and (person, end) do.
_LENGTH = 1 << 11
_SPAN = 1 << 26
_PERSONS = 1 << 26


def _same() -> pl.Expr:
    """What else two entries at one time must share to be duplicates."""
    import polars as pl

    return pl.struct("billable", "category", "notes").hash(seed=13)


def _flagged_four_keys(df: pl.DataFrame) -> pl.DataFrame:
    """``row``, ``prev``, ``dup`` of the entries that duplicate or overlap the entry before
    them in the order (person, start, end, ``_same``, row): the reference order."""
    import polars as pl

    pid = pl.col("person").cast(pl.Categorical).to_physical().cast(pl.Int64) * _KEY
    keyed = df.select(
        "row",
        (pid + pl.col("start")).alias("k"),
        (pid + pl.col("end")).alias("ke"),
        _same().alias("h"),
    ).sort("k", "ke", "h", "row")
    return (
        keyed.with_columns(
            pl.col("row").shift(1).alias("prev"),
            (
                (pl.col("k") == pl.col("k").shift(1))
                & (pl.col("ke") == pl.col("ke").shift(1))
                & (pl.col("h") == pl.col("h").shift(1))
            ).alias("dup"),
            (pl.col("k") < pl.col("ke").cum_max().shift(1)).alias("over"),
        )
        .filter(pl.col("dup") | pl.col("over"))
        .select("row", "prev", "dup")
    )


def _flagged(df: pl.DataFrame) -> pl.DataFrame:
    """What ``_flagged_four_keys`` returns, row for row, from a sort of one int64 key.

    Sorting four columns of a million entries took 80 MB and most of the check's time; one
    key (``_LENGTH``) is a fifth of the time and half the memory. Entries with equal keys (same
    person, start and end: rare) are the only ones the reference orders by more: they are
    re-sorted by (``_same``, row) in place, which gives the reference order exactly. Falls back
    to the reference where the key cannot hold the file (lengths, span, rows out of order).
    """
    import polars as pl

    pid = pl.col("person").cast(pl.Categorical).to_physical().cast(pl.Int64)
    length = pl.col("end") - pl.col("start")
    bounds = df.select(
        pl.col("start").min().alias("s0"),
        pl.col("end").max().alias("e1"),
        length.min().alias("l0"),
        length.max().alias("l1"),
        pid.max().alias("p1"),
        pl.col("row").is_sorted().alias("in_order"),
    ).row(0, named=True)
    s0 = bounds["s0"]
    if not (
        df.height
        and bounds["in_order"]
        and 0 <= bounds["l0"] <= bounds["l1"] < _LENGTH
        and bounds["e1"] - s0 < _SPAN
        and bounds["p1"] < _PERSONS
    ):
        return _flagged_four_keys(df)
    top = pid * (_LENGTH * _SPAN)
    keyed = df.select("row", (top + (pl.col("start") - s0) * _LENGTH + length).alias("k")).sort(
        "k", maintain_order=True
    )  # stable: equal keys stay in row order
    k = pl.col("k")
    # the end of an entry on the same scale, length bits zero: k < max end before <=> overlap
    ends = k - k % _LENGTH + (k % _LENGTH) * _LENGTH
    marks = keyed.select(
        (k < ends.cum_max().shift(1)).fill_null(False).alias("over"),
        ((k == k.shift(1)) | (k == k.shift(-1))).fill_null(False).alias("tied"),
    )
    rows = keyed["row"]
    dup = pl.repeat(False, keyed.height, dtype=pl.Boolean, eager=True).alias("dup")
    tied = keyed.with_row_index("pos").filter(marks["tied"])
    if tied.height:
        same = df.filter(pl.col("row").is_in(tied["row"].implode())).select(
            "row", _same().alias("h")
        )
        block = tied.join(same, on="row").sort("k", "h", "row")
        # a run of equal keys holds the same positions in either order
        positions = tied["pos"]
        rows = rows.scatter(positions, block["row"])
        dups = block.select(
            ((k == k.shift(1)) & (pl.col("h") == pl.col("h").shift(1))).fill_null(False)
        ).to_series()
        dup = dup.scatter(positions, dups)
    out = pl.DataFrame({"row": rows, "dup": dup, "over": marks["over"]})
    return (
        out.with_columns(pl.col("row").shift(1).alias("prev"))
        .filter(pl.col("dup") | pl.col("over"))
        .select("row", "prev", "dup")
    )


def _timed(df: pl.DataFrame, flag: Callable[..., None]) -> None:
    """Duplicates (same person, start, end, billable, task, notes) and overlaps of timed entries.

    Found by one sort of an integer key (``_flagged``); Python only visits the flagged rows.
    """
    import polars as pl

    flagged = _flagged(df)
    if flagged.height == 0:
        return
    info = df.join(flagged.select("row"), on="row", how="semi").select(
        "row", "person", "start", "end", "minutes", "date"
    )
    by_row = {r[0]: r for r in info.iter_rows()}
    people = {r[1] for r in by_row.values()}
    spans: dict[str, list[tuple[int, int, int, int]]] = {}
    for person, row, start, end, minutes in (
        df.filter(pl.col("person").is_in(list(people)))
        .select("person", "row", "start", "end", "minutes")
        .sort("start", "row")
        .iter_rows()
    ):
        spans.setdefault(person, []).append((start, end, row, minutes))
    for row, prev, dup in flagged.select("row", "prev", "dup").iter_rows():
        _, person, start, end, minutes, day = by_row[row]
        times = f"{_clock(start)[-5:]}-{_clock(end)[-5:]}"
        if dup:
            flag(
                "duplicate",
                f"duplicate of row {prev}: {person}, {_clock(start)}-{_clock(end)[-5:]}",
                None,
                'remove the duplicate entry, or set duplicates = "warn" to bill it',
                rows=(prev, row),
                person=person,
                day=day,
                minutes=(minutes, minutes),
                times=times,
            )
            continue
        other = next((o for o in spans[person] if o[2] != row and o[0] <= start < o[1]), None)
        flag(
            "overlap",
            f"entry of {person} {_clock(start)}-{_clock(end)[-5:]} overlaps "
            + (f"row {other[2]}" if other is not None else "an earlier entry"),
            "start",
            "one person cannot record two entries at the same time; fix or remove one, or set "
            'overlaps = "warn" to bill both',
            rows=(other[2], row) if other is not None else (row,),
            person=person,
            day=day,
            minutes=(other[3], minutes) if other is not None else (minutes,),
            times=times,
        )
