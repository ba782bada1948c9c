"""The backlog and the throughput (velocity) history that the forecast draws from.

Backlog CSV: ``id, size, added`` and optional ``removed, done, title``: an item is open from
``added`` until it is ``done`` or ``removed``. Throughput CSV: ``start, done``: the points (or
items) finished in the period of ``forecast.period_days`` days from ``start``. Without a
throughput file, the history is derived from the backlog's ``done`` dates.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import attrs

import engagekit
from engagekit.csvio import CsvFormat, read_rows
from engagekit_time_material.settings import Settings

__all__ = ["History", "Item", "history", "read_backlog", "read_throughput"]


@attrs.frozen
class Item:
    id: str
    size: Decimal
    added: date
    removed: date | None = None
    done: date | None = None
    title: str = ""

    def open_on(self, day: date) -> bool:
        """Whether the item is in the backlog at the start of ``day``."""
        if self.added > day:
            return False
        closed = self.done or self.removed
        return closed is None or closed > day


def _raise(problems: list[engagekit.InputError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise engagekit.InputErrors(problems)


def read_backlog(path: Path, csv_format: CsvFormat | None = None) -> list[Item]:
    items: list[Item] = []
    problems: list[engagekit.InputError] = []
    seen: dict[str, int] = {}
    for row in read_rows(
        Path(path),
        required=("id", "size", "added"),
        optional=("removed", "done", "title"),
        what="backlog",
        format=csv_format,
    ):
        try:
            item_id = row.text("id") or ""
            size = row.decimal("size")
            added = row.date("added")
            assert size is not None and added is not None
            removed = row.date("removed", required=False)
            done = row.date("done", required=False)
            if size <= 0:
                raise row.error(f"size must be positive (got {size})", "size")
            if removed and done:
                raise row.error("an item is either done or removed, not both", "removed")
            for name, value in (("removed", removed), ("done", done)):
                if value is not None and value < added:
                    raise row.error(f"{name} ({value}) is before added ({added})", name)
            if item_id in seen:
                raise row.error(f"item {item_id!r} is also in row {seen[item_id]}", "id")
            seen[item_id] = row.number
            items.append(
                Item(item_id, size, added, removed, done, row.text("title", required=False) or "")
            )
        except engagekit.InputError as exc:
            problems.append(exc)
    _raise(problems)
    return items


def read_throughput(
    path: Path, csv_format: CsvFormat | None = None
) -> list[tuple[date, Decimal, int]]:
    """(start, done, row) per history period, in date order."""
    out: list[tuple[date, Decimal, int]] = []
    problems: list[engagekit.InputError] = []
    for row in read_rows(
        Path(path), required=("start", "done"), what="throughput history", format=csv_format
    ):
        try:
            start = row.date("start")
            done = row.decimal("done")
            assert start is not None and done is not None
            if done < 0:
                raise row.error(f"throughput must not be negative (got {done})", "done")
            out.append((start, done, row.number))
        except engagekit.InputError as exc:
            problems.append(exc)
    _raise(problems)
    out.sort()
    for (a, _, _), (b, _, number) in itertools.pairwise(out):
        if a == b:
            problems.append(
                engagekit.InputError(
                    f"two history periods start on {a}", where=path, row=number, field="start"
                )
            )
    _raise(problems)
    return out


@attrs.frozen
class History:
    """Per history period: the work finished and the net work added (added minus removed)."""

    starts: tuple[date, ...]
    throughput: tuple[Decimal, ...]
    growth: tuple[Decimal, ...]
    as_of: date
    remaining: Decimal
    open_items: int
    period_days: int


def history(
    settings: Settings,
    items: list[Item],
    throughput_rows: list[tuple[date, Decimal, int]] | None,
    where: str,
) -> History:
    """The history periods and the remaining work at ``as_of``."""
    fc = settings.forecast
    step = timedelta(days=fc.period_days)

    def size(item: Item) -> Decimal:
        return item.size if fc.unit == "points" else Decimal(1)

    if throughput_rows:
        starts = [s for s, _, _ in throughput_rows]
        done = [d for _, d, _ in throughput_rows]
        as_of = fc.as_of or (starts[-1] + step)
    else:
        finished = [i.done for i in items if i.done is not None]
        if not finished:
            raise engagekit.InputError(
                "no throughput history: no throughput file and no backlog item is done",
                where=where,
                field="throughput",
                hint="give settings.throughput (start, done per period) or done dates in the "
                "backlog",
            )
        last = max(d for i in items for d in (i.added, i.removed, i.done) if d is not None)
        as_of = fc.as_of or (last + timedelta(days=1))
        first = min(i.added for i in items)
        starts = []
        s = as_of - step
        while s + step > first:
            starts.append(s)
            s -= step
        starts.reverse()
        done = [
            sum(
                (size(i) for i in items if i.done is not None and a <= i.done < a + step),
                Decimal(0),
            )
            for a in starts
        ]
    starts_in = [(a, d) for a, d in zip(starts, done, strict=True) if a < as_of]
    if not starts_in:
        raise engagekit.InputError(
            f"the throughput history has no period before the forecast date {as_of}",
            where=where,
            field="forecast.as_of",
        )
    starts, done = [a for a, _ in starts_in], [d for _, d in starts_in]
    if not any(done):
        raise engagekit.InputError(
            "the throughput history finished no work in any period; the backlog never finishes",
            where=where,
            field="throughput",
        )
    # the items there on the first day are the initial scope, not growth
    initial = min((i.added for i in items), default=as_of)
    growth = []
    for a in starts:
        added = sum(
            (size(i) for i in items if a <= i.added < a + step and i.added > initial), Decimal(0)
        )
        removed = sum(
            (size(i) for i in items if i.removed is not None and a <= i.removed < a + step),
            Decimal(0),
        )
        growth.append(added - removed)
    open_now = [i for i in items if i.open_on(as_of)]
    remaining = sum((size(i) for i in open_now), Decimal(0))
    return History(
        tuple(starts), tuple(done), tuple(growth), as_of, remaining, len(open_now), fc.period_days
    )
