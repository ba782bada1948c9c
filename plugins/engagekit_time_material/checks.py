"""Checks of time entries against their component: every bad row is reported, not the first.

- entries dated outside the component's timeframe;
- duplicate entries of one person (same date, duration, times, task and notes);
- overlapping entries of one person (where the export has start and end times);
- more than 24 hours of one person on one date;
- a currency other than the project's.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import engagekit
from engagekit_time_material.importers import TimeEntries

if TYPE_CHECKING:
    import polars as pl

__all__ = ["check_entries"]

_EPOCH = date(1970, 1, 1)


def _clock(epoch_minutes: int) -> str:
    day = _EPOCH + timedelta(days=epoch_minutes // 1440)
    m = epoch_minutes % 1440
    return f"{day} {m // 60:02d}:{m % 60:02d}"


def check_entries(entries: TimeEntries, component: engagekit.Component, currency: str) -> None:
    """Raise ``InputError``/``InputErrors`` listing every row that breaks a rule."""
    import polars as pl

    df = entries.frame
    problems: list[engagekit.InputError] = []

    def err(row: int, message: str, field: str | None = None, hint: str | None = None) -> None:
        problems.append(
            engagekit.InputError(message, where=entries.path, row=row, field=field, hint=hint)
        )

    if entries.header_currency and entries.header_currency != currency:
        raise engagekit.InputError(
            f"the export is in {entries.header_currency}, the project in {currency}",
            where=entries.path,
            row=1,
            field="currency",
            hint="export the time entries in the project currency, or bill them in a component "
            "of a project in that currency",
        )
    wrong = df.filter(pl.col("currency").is_not_null() & (pl.col("currency") != currency))
    for row, cur in wrong.select("row", "currency").iter_rows():
        err(
            row,
            f"currency {cur} is not the project's currency {currency}",
            "currency",
            "rates and amounts of one component are in the project currency",
        )

    outside = df.filter((pl.col("date") < component.start) | (pl.col("date") > component.end))
    for row, day, person in outside.select("row", "date", "person").iter_rows():
        err(
            row,
            f"entry of {person} on {day} is outside the component's timeframe "
            f"{component.start}..{component.end}",
            "date",
            "move the entry to the component it belongs to, or widen start/end",
        )

    key = ["person", "date", "minutes", "start", "end", "category", "notes"]
    dups = (
        df.filter(pl.struct(key).is_duplicated())
        .group_by(key)
        .agg(pl.col("row").sort())
        .sort(pl.col("row").list.first())
    )
    duplicated: set[int] = set()
    for person, day, minutes, rows in dups.select("person", "date", "minutes", "row").iter_rows():
        for row in rows[1:]:
            duplicated.add(row)
            err(
                row,
                f"duplicate of row {rows[0]}: {person}, {day}, {minutes} minutes",
                None,
                "remove the duplicate entry",
            )

    timed = df.filter(pl.col("start").is_not_null() & pl.col("end").is_not_null())
    if timed.height:
        ordered = timed.select("row", "person", "start", "end").sort("person", "start", "row")
        flagged = ordered.with_columns(
            pl.col("end").cum_max().shift(1).over("person").alias("before")
        ).filter(pl.col("start") < pl.col("before"))
        if flagged.height:
            _overlaps(ordered, flagged, duplicated, err)

    per_day = (
        df.group_by("person", "date")
        .agg(pl.col("minutes").sum(), pl.col("row").sort())
        .filter(pl.col("minutes") > 24 * 60)
        .sort("person", "date")
    )
    for person, day, minutes, rows in per_day.iter_rows():
        err(
            rows[0],
            f"{person} has {minutes / 60:.2f} hours on {day}, more than a day holds "
            f"(rows {', '.join(map(str, rows[:10]))}{' ...' if len(rows) > 10 else ''})",
            "minutes",
            "one person records at most 24 hours on one date",
        )

    if len(problems) == 1:
        raise problems[0]
    if problems:
        problems.sort(key=lambda e: e.row or 0)
        raise engagekit.InputErrors(problems)


def _overlaps(
    ordered: pl.DataFrame, flagged: pl.DataFrame, duplicated: set[int], err: object
) -> None:
    """Name, for each overlapping entry, an earlier entry of the person it overlaps."""
    import polars as pl

    people = flagged["person"].unique().to_list()
    spans: dict[str, list[tuple[int, int, int]]] = {}
    for person, row, start, end in (
        ordered.filter(pl.col("person").is_in(people))
        .select("person", "row", "start", "end")
        .iter_rows()
    ):
        spans.setdefault(person, []).append((start, end, row))
    for person, row, start, end in flagged.select("person", "row", "start", "end").iter_rows():
        if row in duplicated:
            continue
        other = next((r for s, e, r in spans[person] if r != row and s <= start < e), None)
        err(  # type: ignore[operator]
            row,
            f"entry of {person} {_clock(start)}-{_clock(end)[-5:]} overlaps "
            + (f"row {other}" if other is not None else "an earlier entry"),
            "start",
            "one person cannot record two entries at the same time; fix or remove one",
        )
