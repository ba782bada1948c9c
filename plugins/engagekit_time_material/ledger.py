"""The billable time of a component, columnar: rounded, rated, split into plain and premium time.

``build_ledger`` reads the time entries (checked against the component), keeps the approved,
billable ones, applies the rounding, the people's roles, the effective-dated rates, overtime and
the weekend/holiday multipliers, and returns one row per (date, person, role, rate, kind) with
integer minutes. Money is computed later on aggregates of these rows, in Decimal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

import engagekit
from engagekit_time_material.capcheck import settings_of, where_of
from engagekit_time_material.checks import check_entries, day_total_problems, raise_all
from engagekit_time_material.importers import TimeEntries, read_time_entries
from engagekit_time_material.rates import RateBook, rate_book
from engagekit_time_material.settings import Settings

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "KINDS",
    "Ledger",
    "RateRef",
    "build_ledger",
    "load_entries",
    "round_minutes",
    "settings_of",  # capcheck's, imported from here by the readers
    "where_of",
]

#: Kinds of billed time, in the order of ``Ledger.kinds``.
KINDS = ("regular", "weekend", "holiday", "overtime")


@attrs.frozen
class RateRef:
    """One rate of the ledger: hourly bill and cost, and the date it took effect."""

    bill: Decimal
    cost: Decimal | None
    valid_from: date | None


@attrs.frozen(eq=False)
class Ledger:
    """Billable time of a component: ``parts`` has date, person, role, rate (index into
    ``rates``), kind (index into ``KINDS``) and minutes; ``multipliers`` by kind. One key
    may have two rows (sum them)."""

    entries: TimeEntries | None
    parts: pl.DataFrame
    rates: tuple[RateRef, ...]
    multipliers: tuple[Decimal, ...]
    book: RateBook
    upto: date | None


def load_entries(
    settings: Settings,
    project: engagekit.Project,
    component: engagekit.Component,
    *,
    day_totals: bool = True,
) -> TimeEntries | None:
    """The component's time entries, read and checked; None when it has no time entries.

    ``day_totals=False``: the caller checks the 24 hours a day (``build_ledger`` does).
    """
    if settings.time_entries is None:
        return None
    entries = read_time_entries(
        Path(settings.time_entries),
        format=settings.format,
        date_format=settings.date_format,
        csv_format=settings.csv,
    )
    if project.roster is not None:
        _check_people(entries, project.roster)
    flags = check_entries(
        entries,
        component,
        project.currency,
        day_totals=day_totals,
        duplicates=settings.duplicates,
        overlaps=settings.overlaps,
    )
    return attrs.evolve(entries, flags=flags)


def _check_people(entries: TimeEntries, roster: Any) -> None:
    """Inside a workspace with a roster, every person of the timesheet is one of its people."""
    import polars as pl

    names = entries.frame.get_column("person").cast(pl.String).unique().to_list()
    unknown = roster.unknown(names)
    if not unknown:
        return
    first = (
        entries.frame.filter(pl.col("person").cast(pl.String).is_in(unknown))
        .group_by(pl.col("person").cast(pl.String))
        .agg(pl.col("row").min())
        .sort("row")
    )
    roster.check_rows(first.iter_rows(), where=entries.path, field="person")


def round_minutes(minutes: pl.Expr, increment: int, mode: str) -> pl.Expr:
    """``minutes`` rounded to a multiple of ``increment``: up, nearest (half up) or down."""
    if increment == 1:
        return minutes
    if mode == "up":
        return (minutes + increment - 1) // increment * increment
    if mode == "down":
        return minutes // increment * increment
    return (minutes * 2 + increment) // (2 * increment) * increment


def billable_mask(settings: Settings, tagged: bool) -> pl.Expr:
    """Entries billed: billable, approved (if required), not in a non-billable category or tag
    (``tagged``: whether any entry has tags)."""
    import polars as pl

    mask = pl.col("billable")
    if settings.approved_only:
        mask = mask & pl.col("approved")
    if settings.non_billable:
        nb = list(settings.non_billable)
        mask = mask & ~pl.col("category").is_in(nb).fill_null(False)
        if tagged:
            tagged = (
                pl.col("tags")
                .str.split(",")
                .list.eval(pl.element().str.strip_chars().is_in(nb))
                .list.any()
            )
            mask = mask & ~tagged.fill_null(False)
    return mask


def with_roles(settings: Settings) -> pl.Expr:
    """The role of each entry: ``settings.people`` first, then the export's role."""
    import polars as pl

    if not settings.people:
        return pl.col("role")
    return (
        pl.col("person")
        .cast(pl.String)
        .replace_strict(
            settings.people, default=pl.col("role").cast(pl.String), return_dtype=pl.String
        )
    )


def pair_key(schema: pl.Schema) -> pl.Expr | None:
    """One integer per (person, role) of a frame whose person and role are categorical (their
    codes, 32 bits each; a null as the code 2**32 - 1, which no name gets before 4 billion
    names): a unique or n_unique on it takes a fifth of the time of one on the two columns
    (10M entries, 2.5M rows). None for other types."""
    import polars as pl

    if schema.get("person") != pl.Categorical or schema.get("role") != pl.Categorical:
        return None
    code = [
        pl.col(c).to_physical().cast(pl.UInt64).fill_null((1 << 32) - 1) for c in ("person", "role")
    ]
    return code[0] * (1 << 32) + code[1]


def _days(entries: TimeEntries, settings: Settings) -> pl.DataFrame:
    """Every entry aggregated per (date, person, role), checked for the 24 hours a day."""
    import polars as pl

    df = entries.frame
    rounding = settings.rounding
    mask = billable_mask(settings, entries.has_tags)
    rounded = (
        round_minutes(pl.col("minutes"), rounding.increment, rounding.mode)
        if rounding.per == "entry"
        else pl.col("minutes")
    )
    # one aggregation of every entry per (date, person, role): all minutes (for the 24 hours a
    # day check) and the billed ones (rounded per entry), with the latest start and row. Lazy,
    # grouping on the three columns (person and role are categorical): the per-entry columns
    # are not materialised first, which an integer key of the three would need (measured: a
    # fifth less peak memory and time at 1M entries than one int64 key)
    days = (
        df.lazy()
        .select(
            "date",
            "person",
            with_roles(settings).alias("role"),
            pl.col("minutes").alias("total"),
            pl.when(mask).then(rounded).otherwise(0).alias("minutes"),
            pl.when(mask).then(pl.col("start")).alias("start"),
            pl.when(mask).then(pl.col("row")).alias("row"),
        )
        .group_by("date", "person", "role")
        .agg(pl.col("total", "minutes").sum(), pl.col("start", "row").max())
        .collect()
    )
    problems = day_total_problems(
        entries,
        days.lazy()
        .group_by("person", "date")
        .agg(pl.col("total").sum().alias("minutes"))
        .collect(),
    )
    raise_all(problems)
    return days


def build_ledger(
    project: engagekit.Project,
    component: engagekit.Component,
    settings: Settings,
    *,
    upto: date | None = None,
    entries: TimeEntries | None = None,
    aggregated: Callable[[], pl.DataFrame] | None = None,
) -> Ledger:
    """The billable time of entries dated up to ``upto`` (inclusive; None: all).

    ``aggregated``: gives the (date, person, role) aggregation of the entries, already computed
    and checked for the 24 hours a day (``stream.Streamed.take_days``), for the ledger to own.
    """
    import polars as pl

    where = where_of(project)
    if entries is None:
        entries = load_entries(settings, project, component, day_totals=False)
    book = rate_book(settings, project, where)
    multipliers = (Decimal(1), book.weekend, book.holiday, book.overtime)
    empty = pl.DataFrame(
        schema={
            "date": pl.Date,
            "person": pl.String,
            "role": pl.String,
            "rate": pl.Int64,
            "kind": pl.Int64,
            "minutes": pl.Int64,
        }
    )
    if entries is None:
        return Ledger(None, empty, (), multipliers, book, upto)
    rounding = settings.rounding
    inc = rounding.increment
    days = _days(entries, settings) if aggregated is None else aggregated()
    # lazy from here to each collect: polars frees what a step no longer needs (the eager steps
    # kept a copy of the (date, person, role) table each: 10M entries, 0.5 GB)
    # names stay categorical (integers) through the joins and the sort; strings at the end
    day_plan = days.lazy().with_columns(pl.col("person", "role").cast(pl.Categorical))
    del days
    if upto is not None:
        day_plan = day_plan.filter(pl.col("date") <= upto)
    day_plan = day_plan.drop("total")
    if rounding.per == "day":
        day_plan = day_plan.with_columns(round_minutes(pl.col("minutes"), inc, rounding.mode))
    days = day_plan.filter(pl.col("minutes") > 0).collect()
    del day_plan  # the plan held the whole aggregation
    if days.height == 0:
        return Ledger(entries, empty, (), multipliers, book, upto)

    # rates: intervals of constant rate per (person, role). Every interval starts at one of
    # a few dates (the breakpoints of all pairs, ``bps``), so each (pair, segment between two
    # breakpoints) has one rate: a join on (pair, segment) gives each row its rate without
    # the rows of every interval of its pair (a join on the pair alone, filtered by date)
    first: date = days["date"].min()  # type: ignore[assignment]
    last: date = days["date"].max()  # type: ignore[assignment]
    key = pair_key(days.schema)
    pairs = (
        days.select("person", "role").unique()
        if key is None
        else days.filter(key.is_first_distinct()).select("person", "role")
    ).sort("person", "role", nulls_last=True)
    intervals = book.intervals(pairs.iter_rows(), first, last)
    refs: dict[tuple[Decimal, Decimal | None, date | None], int] = {}
    bps = sorted({lo for _, _, lo, *_ in intervals})
    rows: list[tuple[str, str | None, int, int | None]] = []
    i = 0
    while i < len(intervals):
        person, role = intervals[i][:2]
        for seg, b in enumerate(bps):
            while intervals[i][3] < b:  # the pair's interval holding b (they cover first..last)
                i += 1
            bill, cost, since = intervals[i][4:]
            ref_id = None if bill is None else refs.setdefault((bill, cost, since), len(refs))
            rows.append((person, role, seg, ref_id))
        i += 1
    table = pl.DataFrame(
        rows,
        schema={"person": pl.String, "role": pl.String, "seg": pl.UInt32, "rate": pl.Int64},
        orient="row",
    ).with_columns(pl.col("person", "role").cast(pl.Categorical))
    segment = (
        pl.lit(pl.Series(bps, dtype=pl.Date)).search_sorted(pl.col("date"), side="right") - 1
        if len(bps) > 1
        else pl.lit(0, dtype=pl.UInt32)
    )
    # day kinds from the project calendar: weekend (a weekday it does not work), holiday
    cal = project.calendar
    dates = days["date"].unique().to_list()
    kind_of = []
    for d in dates:
        if d in cal.open_dates:
            kind_of.append(0)
        elif cal.is_holiday(d):
            kind_of.append(2)
        elif not cal.week[d.weekday()]:
            kind_of.append(1)
        else:
            kind_of.append(0)
    day_kind = pl.col("date").replace_strict(dates, kind_of, return_dtype=pl.Int8)
    # overtime: a person's minutes above the threshold of a day (week) go to its latest entries
    ot = settings.overtime
    # where every person has one role, a (date, person) has one row: a day's overtime is its
    # minutes over the threshold, and no order is needed
    one_role = pairs["person"].n_unique() == pairs.height
    del pairs
    lazy = (
        days.lazy()
        .with_columns(segment.cast(pl.UInt32).alias("seg"))
        .join(table.lazy(), on=["person", "role", "seg"], how="left", nulls_equal=True)
        .drop("seg")
        .with_columns(day_kind.alias("day_kind"), pl.col("minutes").cast(pl.Int64))
    )
    del days
    if ot is not None and ot.per == "day" and one_role:
        limit = int(ot.after_hours * 60)
        lazy = lazy.drop("start", "row", strict=False).with_columns(
            (pl.col("minutes") - limit).clip(0).clip(upper_bound=pl.col("minutes")).alias("ot")
        )
    elif ot is not None:
        limit = int(ot.after_hours * 60)
        group = pl.col("date") if ot.per == "day" else pl.col("date").dt.truncate("1w")
        # cumulative minutes within each (person, day or week), in time order, without a
        # window over many tiny groups: one sort, a running sum, and the running sum at each
        # group's first row carried forward. The sort is on one integer (person, group, minute
        # of the latest start in the group: 14 bits hold a week's 10080, 0 for none) and the
        # row: it orders as (person, group, start with nulls first, row) does, in a third of
        # the time of those three columns (10M entries)
        pid = pl.col("person").to_physical().cast(pl.Int64)
        group_day = group.cast(pl.Int64)
        minute = (pl.col("start") - group_day * 1440 + 1).fill_null(0)
        order = (pid * (1 << 21) + group_day) * (1 << 14) + minute
        gkey = pl.col("order") // (1 << 14)
        cs = pl.col("minutes").cum_sum()
        starts = (gkey != gkey.shift(1)).fill_null(True)
        base = pl.when(starts).then(cs - pl.col("minutes")).otherwise(None).forward_fill()
        lazy = (
            lazy.with_columns(order.alias("order"))
            .sort("order", "row")
            .with_columns((cs - base).alias("cum"))
            .with_columns(
                (pl.col("cum") - limit).clip(0).clip(upper_bound=pl.col("minutes")).alias("ot")
            )
            .drop("order", "cum", "start", "row")
        )
    else:
        lazy = lazy.drop("start", "row", strict=False).with_columns(
            pl.lit(0, dtype=pl.Int64).alias("ot")
        )
    # in memory: the streaming engine runs this order-dependent plan slower and in more
    # memory (10M entries: 1.6 s and 256 MB more, against 1.05 s and 167 MB)
    timed = lazy.collect(engine="in-memory")
    del lazy
    if timed["rate"].null_count():
        missing = timed.filter(pl.col("rate").is_null())
        _missing_rates(entries, settings, book, missing, entries.frame)

    # the premium of overtime on a weekend or holiday: the higher multiplier wins
    kind_mult = [multipliers[k] for k in range(3)]
    ot_kind: Any = pl.when(pl.col("day_kind") == 0).then(3 if book.overtime > 1 else 0)
    for k in (1, 2):
        ot_kind = ot_kind.when(pl.col("day_kind") == k).then(
            3 if book.overtime > kind_mult[k] else k
        )
    plain = timed.lazy().select(
        "date",
        "person",
        "role",
        "rate",
        pl.col("day_kind").cast(pl.Int64).alias("kind"),
        (pl.col("minutes") - pl.col("ot")).alias("minutes"),
    )
    over = (
        timed.lazy()
        .filter(pl.col("ot") > 0)
        .select(
            "date",
            "person",
            "role",
            "rate",
            ot_kind.otherwise(0).cast(pl.Int64).alias("kind"),
            pl.col("ot").alias("minutes"),
        )
    )
    del timed
    # a (date, person, role, rate, kind) may appear twice (plain and overtime of one kind):
    # every reader sums the parts it groups; lazily, no copy of the plain time before the filter
    parts = pl.concat([plain, over]).filter(pl.col("minutes") > 0).collect()
    del plain, over
    rates = tuple(RateRef(*key) for key in refs)
    return Ledger(entries, parts, rates, multipliers, book, upto)


def _missing_rates(
    entries: TimeEntries,
    settings: Settings,
    book: RateBook,
    missing: pl.DataFrame,
    frame: pl.DataFrame,
) -> None:
    """Raise listing every billable entry whose person and role have no rate on its date."""
    import polars as pl

    keys = missing.select(
        "date",
        pl.col("person").cast(pl.String),
        pl.col("role").cast(pl.String).fill_null("").alias("role_key"),
    )
    rows = (
        frame.filter(billable_mask(settings, entries.has_tags))
        .with_columns(
            pl.col("person").cast(pl.String),
            with_roles(settings).cast(pl.String).fill_null("").alias("role_key"),
        )
        .join(keys, on=["date", "person", "role_key"], how="semi")
        .sort("row")
    )
    problems = []
    for row, day, person, role in rows.select("row", "date", "person", "role_key").iter_rows():
        who = f"{person} (role {role!r})" if role else f"{person} (no role)"
        hint = (
            f"add a rate for role {role!r} or person {person!r} valid on {day} to {book.source}"
            if role
            else f"give {person} a role in settings.people, or a person rate in {book.source}"
        )
        problems.append(
            engagekit.InputError(
                f"no rate for {who} on {day}", where=entries.path, row=row, field="role", hint=hint
            )
        )
    if book.card is None:
        raise engagekit.InputError(
            f"{len(problems)} billable entries and no rates: the component has no rates and the "
            "project no [rate_card]",
            where=entries.path,
            hint="add [rate_card] rates to the project or rates to the component's settings",
        )
    if len(problems) == 1:
        raise problems[0]
    raise engagekit.InputErrors(problems)
