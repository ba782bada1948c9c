"""The bill's time entries checked and aggregated by streaming, without the whole timesheet.

One lazy scan of a generic file (``importers.generic_scan``) feeds, on polars' streaming
engine, reducing queries that share it: the figures of every check (null counts, the
durations' range, dates outside the component, other currencies, the overlap key's bounds, the
period's unbilled minutes) and the (date, person, role) aggregation the ledger prices, in
32-bit columns. Each day's latest start and row (the order of overtime between a person's
roles) are aggregated only where the ledger may need them: for weekly overtime, and, by a
second pass, where a person has two roles and overtime is per day. A check that fails is not
reported from here: ``read_for_bill`` then returns None, and the bill reads the file as before
(``ledger.load_entries``), which names the file, row and field of every bad entry. So the
figures here only have to notice a problem, never to describe it, and the messages are
written once.

Duplicates and overlaps of timed entries need an order: the shared pass writes one int64 key
per entry (person, start, length: the key of ``checks._flagged``) to a temporary Arrow file
(collected in memory for a file under 8 MB), which is then sorted and checked for an entry
that starts before an earlier one ends. To a file because a sort (or any order-dependent
expression, or a plain collected column) in the shared pass makes polars keep the whole scan
in memory (measured at 10M entries: 1.1 GB against 0.49 GB).
"""

from __future__ import annotations

import contextlib
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

import engagekit
from engagekit_time_material import checks
from engagekit_time_material.importers import TimeEntries, generic_scan, typed_columns
from engagekit_time_material.ledger import billable_mask, pair_key, round_minutes, with_roles
from engagekit_time_material.settings import Settings

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Streamed", "read_for_bill"]

_EPOCH = date(1970, 1, 1)


@attrs.define(eq=False)
class Streamed:
    """What the bill needs of its time entries, checked: the entries (lazy), the ledger's
    (date, person, role) aggregation (``ledger.build_ledger``'s ``days``, taken once) and the
    period's unbilled figures in minutes (``billing._unbilled``'s, before they become hours)."""

    entries: TimeEntries
    days: pl.DataFrame | None
    unbilled: dict[str, int] | None

    def take_days(self) -> pl.DataFrame:
        """The aggregation, no longer held here: the ledger frees it once it has used it."""
        days, self.days = self.days, None
        assert days is not None
        return days


def read_for_bill(
    settings: Settings,
    project: engagekit.Project,
    component: engagekit.Component,
    clip: engagekit.Period,
) -> Streamed | None:
    """The time entries of a bill of ``clip``, by streaming; None when the file is not a
    generic CSV the typed read takes, or when any check would fail (or might: the reader
    of ``load_entries`` decides and reports)."""
    import polars as pl

    if settings.time_entries is None:
        return None
    scanned = generic_scan(
        Path(settings.time_entries),
        format=settings.format,
        date_format=settings.date_format,
        csv_format=settings.csv,
    )
    if scanned is None:
        return None
    path, header, plan, worded = scanned
    timed = "start" in header and "end" in header
    checked = settings.duplicates != "allow" or settings.overlaps != "allow"
    untimed_dups = not timed and settings.duplicates != "allow"
    keyed = timed and checked

    start, end, minutes = pl.col("start"), pl.col("end"), pl.col("minutes")
    pid = pl.col("person").to_physical().cast(pl.Int64)
    in_clip = (pl.col("date") >= clip.start) & (pl.col("date") <= clip.last)
    tagged = pl.col("tags").null_count() < pl.len()
    figure_exprs = (
        pl.len().alias("n"),
        *[pl.col(c).null_count().alias(f"null_{c}") for c in ("date", "person", "minutes")],
        *[pl.col(c).null_count().alias(f"null_{c}") for c in ("_last", *sorted(worded))],
        minutes.min().alias("min_minutes"),
        minutes.max().alias("max_minutes"),
        ((pl.col("date") < component.start) | (pl.col("date") > component.end))
        .sum()
        .alias("outside"),
        (pl.col("currency").is_not_null() & (pl.col("currency") != project.currency))
        .sum()
        .alias("currency"),
        pid.max().alias("p1"),
        tagged.alias("tagged"),
        in_clip.sum().alias("in_clip"),
    )
    rounding = settings.rounding
    rounded = (
        round_minutes(minutes, rounding.increment, rounding.mode)
        if rounding.per == "entry"
        else minutes
    )
    # tags are looked at where the file has the column (all empty: the mask is the same)
    mask = billable_mask(settings, "tags" in header)
    ot = settings.overtime

    def day_table(ordered: bool) -> pl.LazyFrame:
        # ``ordered``: with each day's latest start and row, which the ledger orders a
        # person's overtime by where it has more than one role (or weekly overtime). A
        # tenth of the pass at 1M entries, so the first pass leaves them out where they
        # may not be needed, and a second pass takes them where they are
        latest = [pl.col("start", "row").max()] if ordered else []
        return (
            plan.select(
                "date",
                "person",
                with_roles(settings).alias("role"),
                minutes.alias("total"),
                pl.when(mask).then(rounded).otherwise(0).alias("minutes"),
                *(
                    [pl.when(mask).then(start).alias("start"), pl.when(mask).then(pl.col("row"))]
                    if ordered
                    else []
                ),
            )
            .group_by("date", "person", "role")
            .agg(pl.col("total", "minutes").sum(), *latest)
            # 32 bits hold every value (a day's minutes, minutes since 1970 until the year
            # 6053, rows): the table the ledger keeps (10M entries: 2.5M rows) a third
            # smaller. A day over 2**31 minutes fails the (strict) cast: the reader reports it
            .with_columns(pl.all().exclude("date", "person", "role").cast(pl.Int32))
        )

    days = day_table(ot is not None and ot.per == "week")
    # the period's unbilled minutes with the figures: no filtered branch of the scan of its own
    unbilled = _unbilled_exprs(settings, mask, in_clip)
    if timed and not keyed:
        # keyed, a missing time is a missing key: the times are parsed once, by the keys
        figure_exprs = (
            *figure_exprs,
            start.null_count().alias("null_start"),
            end.null_count().alias("null_end"),
        )
    figures = plan.select(*figure_exprs, **{f"unbilled_{k}": e for k, e in unbilled.items()})
    queries = {"figures": figures, "days": days}
    if untimed_dups:
        # equal entries of one person and date hash alike (a collision only costs a re-read)
        same = pl.struct("minutes", "billable", "category", "notes").hash(seed=7)
        queries["dups"] = (
            plan.group_by("person", "date")
            .agg(pl.len().alias("n"), same.n_unique().alias("distinct"))
            .select((pl.col("distinct") < pl.col("n")).sum().alias("dups"))
        )
    if project.roster is not None:
        queries["people"] = plan.select(pl.col("person").cast(pl.String).unique())
    if keyed and (component.end - component.start).days + 2 >= checks._SPAN // 1440:
        return None  # a timeframe longer than the overlap key holds (a century)
    size = path.stat().st_size
    on_disk = keyed and size > _IN_MEMORY
    with (
        tempfile.TemporaryDirectory(prefix="engagekit-") if on_disk else contextlib.nullcontext("")
    ) as folder:
        files: list[Path] = []
        if keyed:
            s0 = (component.start - _EPOCH).days * 1440
            key = plan.select(_key(s0).alias("k"))
            if folder:
                # one int64 per entry, streamed to a file: collected in memory instead, polars
                # keeps the whole shared scan (measured at 10M entries: 1.1 GB, not 0.5). (One
                # file per group of people, filtered, was worse: 10M entries, 3 files: 0.75 GB)
                files.append(Path(folder) / "keys.arrow")
                queries["keys"] = key.sink_ipc(files[0], lazy=True)
            else:
                queries["keys"] = key  # a small file: in memory, no temporary file
        try:
            out = dict(
                zip(queries, pl.collect_all(queries.values(), engine="streaming"), strict=True)
            )
            f = out["figures"].row(0, named=True)
            if not _passes(f):
                return None
            if keyed and f["p1"] >= checks._PERSONS:
                return None
            if keyed:
                keys = pl.read_ipc(files[0]) if folder else out.pop("keys")
                if keys["k"].null_count() or _overlapping(keys):
                    return None  # a missing time (the reader reports it), or an overlap
                del keys
        except (pl.exceptions.PolarsError, ValueError, OSError):
            return None
    if untimed_dups and out["dups"].item():
        return None
    if project.roster is not None and project.roster.unknown(out["people"]["person"].to_list()):
        return None
    if timed and not keyed and (f["null_start"] or f["null_end"]):
        return None  # some entries without times: the reader's checks sort them out
    days_df = out["days"]
    one_role = _one_role(days_df)
    if _over_a_day(days_df, one_role):
        return None
    if ot is not None and "start" not in days_df.columns and not one_role:
        del days_df
        try:
            days_df = day_table(True).collect(engine="streaming")
        except (pl.exceptions.PolarsError, ValueError, OSError):
            return None
    entries = TimeEntries(
        path,
        "generic",
        None,
        lazy=plan.select(typed_columns()),
        count=f["n"],
        tagged=bool(f["tagged"]),
    )
    figures_clip = {k: int(f[f"unbilled_{k}"] or 0) for k in unbilled} if f["in_clip"] else None
    return Streamed(entries, days_df, figures_clip)


def _one_role(days: pl.DataFrame) -> bool:
    """Whether every person of ``days`` (per date, person, role) has one role."""
    import polars as pl

    key = pair_key(days.schema)
    if key is None:
        pairs = days.select("person", "role").unique()
        return bool(pairs["person"].n_unique() == pairs.height)
    return bool(days.select(key.n_unique() == pl.col("person").n_unique()).item())


def _over_a_day(days: pl.DataFrame, one_role: bool) -> bool:
    """Whether a person has more than 24 hours on a date (``days``: per date, person, role).

    Where every person has one role, a (date, person, role) total is the day's: no grouping
    of the table again (at 10M entries that group-by alone took 250 MB).
    """
    import polars as pl

    if (days["total"].max() or 0) > 24 * 60:
        return True
    if one_role:
        return False
    per_day = days.group_by("person", "date").agg(pl.col("total").sum())
    return bool((per_day["total"] > 24 * 60).any())


def _unbilled_exprs(settings: Settings, billed: pl.Expr, within: pl.Expr) -> dict[str, pl.Expr]:
    """The minutes recorded ``within`` a period and not billed, by reason (``billing._unbilled``
    in hours)."""
    import polars as pl

    m = pl.col("minutes")
    return {
        "recorded": m.filter(within).sum(),
        "non_billable": m.filter(within & ~pl.col("billable")).sum(),
        "unapproved": m.filter(within & pl.col("billable") & ~pl.col("approved")).sum()
        if settings.approved_only
        else pl.lit(0),
        "not_billed": m.filter(within & ~billed).sum(),
    }


def _passes(f: dict[str, Any]) -> bool:
    """Whether the figures of the shared pass show no problem the reader would report."""
    nulls = [
        v for k, v in f.items() if k.startswith("null_") and k not in ("null_start", "null_end")
    ]
    return bool(
        f["n"]
        and not any(nulls)
        and f["min_minutes"] > 0
        and f["max_minutes"] <= 24 * 60
        and not f["outside"]
        and not f["currency"]
    )


def _key(s0: int) -> pl.Expr:
    """The key of ``checks._flagged``: person, start (from the component's first minute
    ``s0``), length. It holds the file when the entries are dated inside the component and
    there are fewer than ``checks._PERSONS`` people (the shared pass checks both) and each
    lasts at most a day (the reader makes them 1 to 1440 minutes long)."""
    import polars as pl

    pid = pl.col("person").to_physical().cast(pl.Int64)
    length = pl.col("end") - pl.col("start")
    return pid * (checks._LENGTH * checks._SPAN) + (pl.col("start") - s0) * checks._LENGTH + length


#: Sorted keys are scanned in blocks of this many: the running maximum is carried over.
_BLOCK = 1 << 20


#: Files up to this size: the overlap keys are collected in memory (no temporary file).
_IN_MEMORY = 8 << 20


def _overlapping(keys: pl.DataFrame) -> bool:
    """Whether any entry of the keys ``k`` (no nulls) may duplicate or overlap another of its
    person: in key order, one starts before an earlier one ends.

    A block of the sorted keys at a time, in one select: its first key, its latest end, and
    whether one of its entries starts before an earlier one of the block ends; the latest end
    of the blocks before is carried over (and the keys being sorted, only the block's first
    can start before it).
    """
    import polars as pl

    k = keys.select(pl.col("k").sort())
    bits = checks._LENGTH
    assert bits & (bits - 1) == 0
    # an entry's end on the key's scale (its length bits zero): k - k % bits + k % bits * bits,
    # as k + (k % bits) * (bits - 1); bits is a power of two and keys are not negative
    end = pl.col("k") + (pl.col("k") & (bits - 1)) * (bits - 1)
    carry = -1
    for lo in range(0, k.height, _BLOCK):
        first, last, earlier = (
            k.slice(lo, _BLOCK)
            .select(
                pl.col("k").first().alias("first"),
                end.max().alias("last"),
                (pl.col("k") < end.cum_max().shift(1)).any().alias("earlier"),
            )
            .row(0)
        )
        if first < carry or earlier:
            return True
        carry = max(carry, last)
    return False


def unbilled_hours(minutes: dict[str, int] | None) -> dict[str, Any]:
    """``billing._unbilled``'s figures from streamed minutes."""
    from decimal import Decimal

    if minutes is None:
        return {}
    return {k: (Decimal(v) / 60).quantize(Decimal("0.01")) for k, v in minutes.items()}
