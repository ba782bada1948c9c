"""The ``bill`` hook: time at rates per billing cycle, the cumulative cap, expenses.

Lines are computed on aggregates: minutes are summed per (cycle, person or role, rate, kind)
and only then turned into money, in Decimal, each line rounded to the minor unit. The cap is
applied cycle by cycle from the component's start, so that the bills of all periods add up to
exactly ``min(cap, billable)``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import attrs

import engagekit
from engagekit_time_material.capcheck import check_cap
from engagekit_time_material.checks import flag_warnings
from engagekit_time_material.expenses import Expense, read_expenses
from engagekit_time_material.ledger import (
    KINDS,
    Ledger,
    RateRef,
    build_ledger,
    load_entries,
    settings_of,
)
from engagekit_time_material.settings import Settings
from engagekit_time_material.stream import read_for_bill, unbilled_hours

__all__ = ["CapState", "Cycle", "bill", "cycles_between", "priced_cycles", "run_cap"]

MODEL = "time-material"
_FREQ = {"monthly": "month", "weekly": "week", "biweekly": "biweekly"}


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _label(first: date, end: date) -> str:
    """A period's label: YYYY-MM for a whole month, YYYY-Www for an ISO week, else a range."""
    last = end - timedelta(days=1)
    if first.day == 1 and end == engagekit.Period.of_month(first).end:
        return f"{first:%Y-%m}"
    if first.weekday() == 0 and (end - first).days == 7:
        iso = first.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return f"{first}..{last}"


def cycle_of(day: date, frequency: str, anchor: date) -> tuple[date, date]:
    """The billing cycle [start, end) holding ``day``."""
    if frequency == "monthly":
        p = engagekit.Period.of_month(day)
        return p.start, p.end
    if frequency == "weekly":
        start = _monday(day)
        return start, start + timedelta(days=7)
    base = _monday(anchor)
    n = (day - base).days // 14
    start = base + timedelta(days=14 * n)
    return start, start + timedelta(days=14)


def cycles_between(
    first: date, end: date, frequency: str, anchor: date, cut: date | None = None
) -> list[engagekit.Period]:
    """The billing cycles of [first, end), clipped to it and split at ``cut`` if inside."""
    out: list[engagekit.Period] = []
    day = first
    while day < end:
        _, hi = cycle_of(day, frequency, anchor)
        lo, hi = day, min(hi, end)
        if cut is not None and lo < cut < hi:
            hi = cut
        out.append(engagekit.Period(lo, hi, _label(lo, hi)))
        day = hi
    return out


@attrs.frozen
class Cycle:
    """The billable time of one billing cycle, priced: gross lines, minutes and money."""

    period: engagekit.Period
    lines: tuple[engagekit.InvoiceLine, ...]
    minutes: int
    gross: Decimal
    cost: Decimal
    has_cost: bool


@attrs.frozen
class CapState:
    """A cycle after the cap: what it bills and withholds, and the running totals."""

    cycle: Cycle
    withheld_minutes: Decimal
    withheld_hours_money: Decimal
    withheld_money: Decimal
    billed: Decimal
    billed_to_date: Decimal
    minutes_to_date: Decimal
    billable_to_date: Decimal
    billable_minutes_to_date: int

    @property
    def withheld(self) -> Decimal:
        return self.withheld_hours_money + self.withheld_money


def priced_cycles(
    ledger: Ledger,
    settings: Settings,
    component: engagekit.Component,
    currency: str,
    cycles: list[engagekit.Period],
    lines_from: date | None = None,
) -> list[Cycle]:
    """Price the ledger's time per cycle: one line per (person or role, rate, kind).

    Cycles that start before ``lines_from`` get their totals only (no line objects): the cap
    needs what they billed, the invoice shows the lines of the billed period only.
    """
    import polars as pl

    if not cycles:
        return []
    q = engagekit.quantum(currency)
    parts = ledger.parts
    by_person = settings.invoice_by == "person"
    # each part's cycle, by its date: the cycles' starts searched (a sort of every part and
    # an as-of join took 1.2 s at 10M entries); every part grouped once per (cycle, who,
    # rate, kind), lazily (no filtered copies of the parts): the cycles before ``lines_from``
    # keep their totals only, the others become lines
    starts = pl.Series([c.start for c in cycles], dtype=pl.Date)
    cycle = pl.lit(starts).search_sorted(pl.col("date"), side="right").cast(pl.Int64) - 1
    who = ["person", "role"] if by_person else ["role"]
    first_detailed = len(cycles)
    for i, c in enumerate(cycles):
        if lines_from is None or c.start >= lines_from:
            first_detailed = i
            break
    # cycle, kind and rate packed in one integer key (a fifth faster than three; 10M entries)
    n_rates, n_kinds = len(ledger.rates) + 1, len(KINDS)
    packed = (cycle * n_kinds + pl.col("kind")) * n_rates + pl.col("rate")
    sums = (
        parts.lazy()
        .filter((pl.col("date") >= cycles[0].start) & (pl.col("date") < cycles[-1].end))
        .group_by(packed.alias("packed"), *who)
        .agg(
            pl.col("minutes").sum(),
            pl.col("date").min().alias("first"),
            pl.col("date").max().alias("last"),
        )
        .select(
            (pl.col("packed") // (n_kinds * n_rates)).alias("cycle"),
            *who,
            (pl.col("packed") % n_rates).alias("rate"),
            (pl.col("packed") // n_rates % n_kinds).alias("kind"),
            "minutes",
            "first",
            "last",
        )
        .collect(engine="streaming")
    )
    totals = _totals_only(sums.filter(pl.col("cycle") < first_detailed), ledger, who, q)
    grouped = sums.filter(pl.col("cycle") >= first_detailed).sort(
        "cycle", *who, "kind", "first", nulls_last=True
    )
    del sums
    per_cycle: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for rec in grouped.iter_rows(named=True):
        per_cycle[rec["cycle"]].append(rec)
    out = []
    # per (rate, kind): its rate, multiplier, kind, unit price and description suffix
    priced: dict[tuple[int, int], tuple[RateRef, Decimal, str, engagekit.Money, str]] = {}
    for i, period in enumerate(cycles):
        if i < first_detailed:
            m, g, spent, has = totals.get(i, (0, Decimal(0), Decimal(0), True))
            out.append(Cycle(period, (), m, g, spent, has))
            continue
        recs = per_cycle.get(i, [])
        # (who, role, kind) with more than one rate in the cycle: name the rate's start date
        counts: dict[tuple[Any, ...], int] = defaultdict(int)
        for rec in recs:
            counts[(rec.get("person"), rec["role"], rec["kind"])] += 1
        lines = []
        minutes = 0
        gross = Decimal(0)
        cost = Decimal(0)
        has_cost = True
        for rec in recs:
            rk = (rec["rate"], rec["kind"])
            if rk not in priced:
                ref = ledger.rates[rk[0]]
                mult = ledger.multipliers[rk[1]]
                kind = KINDS[rk[1]]
                priced[rk] = (
                    ref,
                    mult,
                    kind,
                    engagekit.Money(_price(ref.bill * mult, q), currency),
                    "" if kind == "regular" else f", {kind} ×{_num(mult)}",
                )
            ref, mult, kind, unit_price, suffix = priced[rk]
            m = int(rec["minutes"])
            amount = (Decimal(m) * ref.bill * mult / 60).quantize(q, ROUND_HALF_UP)
            line_cost = None
            if ref.cost is not None:
                line_cost = (Decimal(m) * ref.cost / 60).quantize(q, ROUND_HALF_UP)
                cost += line_cost
            else:
                has_cost = False
            role = rec["role"]
            text = (
                f"{rec['person']} ({role})"
                if by_person and role
                else (rec["person"] if by_person else (role or "unassigned role"))
            )
            text += suffix
            if counts[(rec.get("person"), role, rec["kind"])] > 1 and ref.valid_from:
                text += f", rate from {ref.valid_from}"
            lines.append(
                engagekit.InvoiceLine(
                    component=component.name,
                    description=text,
                    quantity=(Decimal(m) / 60).quantize(Decimal("0.01"), ROUND_HALF_UP),
                    unit="h",
                    unit_price=unit_price,
                    amount=engagekit.Money(amount, currency),
                    kind="time",
                    details={
                        "person": rec.get("person"),
                        "role": role,
                        "kind": kind,
                        "minutes": m,
                        "rate": ref.bill,
                        "multiplier": mult,
                        "rate_from": ref.valid_from,
                        "first": rec["first"],
                        "last": rec["last"],
                        "cycle": period.label,
                        "cost": line_cost,
                    },
                )
            )
            minutes += m
            gross += amount
        out.append(Cycle(period, tuple(lines), minutes, gross, cost, has_cost))
    return out


def _fraction(per_hour: Decimal, q: Decimal) -> tuple[int, int]:
    """``per_hour / q / 60`` as an exact fraction (numerator, denominator) of integers: the
    minor units one minute earns."""
    units = per_hour / q  # exact: both are finite decimals
    sign, digits, exp = units.as_tuple()
    num = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    assert isinstance(exp, int)
    if exp >= 0:
        return num * 10**exp, 60
    return num, 60 * 10**-exp


def _totals_only(
    keyed: Any, ledger: Ledger, who: list[str], q: Decimal
) -> dict[int, tuple[int, Decimal, Decimal, bool]]:
    """Per cycle: minutes, gross (sum of the rounded line amounts), cost, and whether every
    line had a cost rate; computed like the lines, without building them.

    Each line's amount is ``minutes * rate * multiplier / 60`` rounded half up to the minor
    unit; with the rate as an exact fraction of integers that rounding is integer arithmetic,
    done columnar: ``(2 * minutes * num + den) // (2 * den)`` minor units.
    """
    import polars as pl

    sums = keyed.group_by("cycle", *who, "rate", "kind").agg(pl.col("minutes").sum())
    if sums.height == 0:
        return {}
    pairs = sums.select("rate", "kind").unique().rows()
    table = []
    for rate, kind in pairs:
        ref = ledger.rates[rate]
        bn, bd = _fraction(ref.bill * ledger.multipliers[kind], q)
        cn, cd = _fraction(ref.cost, q) if ref.cost is not None else (0, 1)
        table.append((rate, kind, bn, bd, cn, cd, ref.cost is not None))
    big = max(max(abs(t[2]), t[3], abs(t[4]), t[5]) for t in table)
    if big * int(sums["minutes"].max() or 0) * 4 >= 2**62:
        return _totals_slow(sums, ledger, q)  # numbers too large for int64: Decimal loop
    rates = pl.DataFrame(
        table,
        schema={
            "rate": pl.Int64,
            "kind": pl.Int64,
            "bn": pl.Int64,
            "bd": pl.Int64,
            "cn": pl.Int64,
            "cd": pl.Int64,
            "has": pl.Boolean,
        },
        orient="row",
    )
    m = pl.col("minutes")
    per = (
        sums.join(rates, on=["rate", "kind"], how="left")
        .group_by("cycle")
        .agg(
            m.sum().alias("minutes"),
            ((2 * m * pl.col("bn") + pl.col("bd")) // (2 * pl.col("bd"))).sum().alias("gross"),
            ((2 * m * pl.col("cn") + pl.col("cd")) // (2 * pl.col("cd"))).sum().alias("cost"),
            pl.col("has").all().alias("has"),
        )
    )
    return {
        cycle: (int(minutes), Decimal(gross) * q, Decimal(cost) * q, bool(has))
        for cycle, minutes, gross, cost, has in per.iter_rows()
    }


def _totals_slow(
    sums: Any, ledger: Ledger, q: Decimal
) -> dict[int, tuple[int, Decimal, Decimal, bool]]:
    out: dict[int, tuple[int, Decimal, Decimal, bool]] = {}
    for cycle, rate, kind, m in sums.select("cycle", "rate", "kind", "minutes").iter_rows():
        ref = ledger.rates[rate]
        minutes, gross, cost, has = out.get(cycle, (0, Decimal(0), Decimal(0), True))
        gross += (m * ref.bill * ledger.multipliers[kind] / 60).quantize(q, ROUND_HALF_UP)
        if ref.cost is None:
            has = False
        else:
            cost += (m * ref.cost / 60).quantize(q, ROUND_HALF_UP)
        out[cycle] = (minutes + m, gross, cost, has)
    return out


def _price(value: Decimal, q: Decimal) -> Decimal:
    """A unit price shown with the currency's decimals when that loses nothing."""
    exact = value.quantize(q)
    return exact if exact == value else value


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def run_cap(cycles: list[Cycle], settings: Settings, currency: str) -> list[CapState]:
    """Apply the cap cycle by cycle: hours first (withheld hours valued at the cycle's average
    rate), then money; each cycle bills capped-to-date minus billed before it."""
    cap = settings.cap
    q = engagekit.quantum(currency)
    cap_minutes = cap.hours * 60 if cap is not None and cap.hours is not None else None
    cap_money = cap.money if cap is not None else None
    out = []
    minutes_allowed = Decimal(0)  # billed minutes to date, after the hours cap
    net_to_date = Decimal(0)  # money after the hours cap, before the money cap
    billed_to_date = Decimal(0)
    gross_to_date = Decimal(0)
    minutes_to_date = 0
    for c in cycles:
        gross_to_date += c.gross
        minutes_to_date += c.minutes
        withheld_min = Decimal(0)
        hours_money = Decimal(0)
        if cap_minutes is not None:
            allowed = min(cap_minutes, minutes_allowed + c.minutes) - min(
                cap_minutes, minutes_allowed
            )
            minutes_allowed += allowed
            withheld_min = c.minutes - allowed
            if withheld_min and c.minutes:
                hours_money = (c.gross * withheld_min / c.minutes).quantize(q, ROUND_HALF_UP)
        else:
            minutes_allowed += c.minutes
        net = c.gross - hours_money
        if cap_money is not None:
            billed = min(cap_money, net_to_date + net) - min(cap_money, net_to_date)
        else:
            billed = net
        net_to_date += net
        money_withheld = net - billed
        billed_to_date += billed
        out.append(
            CapState(
                c,
                withheld_min,
                hours_money,
                money_withheld,
                billed,
                billed_to_date,
                minutes_allowed,
                gross_to_date,
                minutes_to_date,
            )
        )
    return out


def cap_warnings(
    settings: Settings, state: CapState | None, currency: str, when: date
) -> list[str]:
    """Warnings at the highest threshold each cap has reached, and for withheld time."""
    cap = settings.cap
    if cap is None or state is None:
        return []
    out = []
    used: list[tuple[str, Decimal, str]] = []
    if cap.money is not None:
        pct = state.billed_to_date / cap.money * 100
        used.append(("money", pct, f"{engagekit.Money(cap.money, currency)}"))
    if cap.hours is not None:
        pct = state.minutes_to_date / (cap.hours * 60) * 100
        used.append(("hours", pct, f"{_num(cap.hours)} h"))
    for name, pct, text in used:
        reached = [t for t in cap.warn_at if pct >= t]
        if reached:
            out.append(
                f"{pct.quantize(Decimal('0.1'))}% of the {name} cap ({text}) used by {when} "
                f"(warning threshold {_num(max(reached))}%)"
            )
    return out


def _cap_line(state: CapState, component: str, currency: str, many: bool) -> engagekit.InvoiceLine:
    withheld = state.withheld
    reasons = []
    if state.withheld_minutes:
        reasons.append(
            f"{_num((state.withheld_minutes / 60).quantize(Decimal('0.01')))} h over the hours cap"
        )
    if state.withheld_money:
        reasons.append("over the money cap")
    text = "Not-to-exceed cap: time withheld (" + "; ".join(reasons) + ")"
    if many:
        text += f" [{state.cycle.period.label}]"
    return engagekit.InvoiceLine(
        component=component,
        description=text,
        quantity=Decimal(1),
        unit="adjustment",
        unit_price=engagekit.Money(-withheld, currency),
        amount=engagekit.Money(-withheld, currency),
        kind="cap",
        details={
            "withheld_minutes": state.withheld_minutes,
            "withheld_for_hours": state.withheld_hours_money,
            "withheld_for_money": state.withheld_money,
            "cycle": state.cycle.period.label,
        },
    )


def expense_lines(
    expenses: list[Expense],
    settings: Settings,
    component: str,
    currency: str,
    period: engagekit.Period,
) -> tuple[list[engagekit.InvoiceLine], Decimal]:
    q = engagekit.quantum(currency)
    factor = 1 + settings.expense_markup / 100
    lines = []
    spent = Decimal(0)
    for e in sorted(expenses, key=lambda e: (e.day, e.row)):
        if e.day not in period or not e.billable:
            continue
        spent += e.amount
        price = e.amount * factor
        text = f"Expense: {e.description} ({e.day})"
        if settings.expense_markup:
            text += f", markup {_num(settings.expense_markup)}%"
        lines.append(
            engagekit.InvoiceLine(
                component=component,
                description=text,
                quantity=Decimal(1),
                unit="item",
                unit_price=engagekit.Money(_price(price, q), currency),
                amount=engagekit.Money(price.quantize(q, ROUND_HALF_UP), currency),
                kind="expense",
                details={
                    "date": e.day,
                    "cost": e.amount,
                    "category": e.category,
                    "person": e.person,
                    "markup_percent": settings.expense_markup,
                },
            )
        )
    return lines, spent


def bill(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    period: engagekit.Period,
) -> engagekit.ComponentBill:
    """Bill one period of a time-material component."""
    settings = settings_of(component)
    currency = project.currency
    where = str(project.source) if project.source else project.name
    check_cap(settings, currency, where)
    clip = period.clip(component.start, component.end)
    # a well-formed generic file is checked and aggregated by streaming; any other, or one
    # a check rejects, is read whole, and the reader reports what is wrong
    streamed = read_for_bill(settings, project, component, clip) if clip is not None else None
    entries = (
        streamed.entries
        if streamed is not None
        else load_entries(settings, project, component, day_totals=False)
    )
    expenses = (
        read_expenses(Path(settings.expenses), component, currency, settings.csv, project.roster)
        if settings.expenses
        else []
    )
    details: dict[str, Any] = {"billing_period": settings.billing_period}
    if clip is None:
        details["note"] = f"the component runs {component.start}..{component.end}"
        return engagekit.ComponentBill(component.name, MODEL, (), details)

    # every cycle from the component's start to the end of the period, split at its start
    cycles = cycles_between(
        component.start, clip.end, settings.billing_period, component.start, cut=clip.start
    )
    ledger = build_ledger(
        project,
        component,
        settings,
        upto=clip.last,
        entries=entries,
        aggregated=streamed.take_days if streamed is not None else None,
    )
    priced = priced_cycles(ledger, settings, component, currency, cycles, lines_from=clip.start)
    states = run_cap(priced, settings, currency)
    current = [s for s in states if s.cycle.period.start >= clip.start]
    before = [s for s in states if s.cycle.period.start < clip.start]
    many = len(current) > 1
    lines: list[engagekit.InvoiceLine] = []
    for s in current:
        if many:
            lines.extend(
                attrs.evolve(line, description=f"{line.description} [{s.cycle.period.label}]")
                for line in s.cycle.lines
            )
        else:
            lines.extend(s.cycle.lines)
        if s.withheld:
            lines.append(_cap_line(s, component.name, currency, many))
    ex_lines, spent = expense_lines(expenses, settings, component.name, currency, clip)
    lines.extend(ex_lines)

    warnings: list[str] = []
    last = states[-1] if states else None
    billed_before = before[-1].billed_to_date if before else Decimal(0)
    billed_now = sum((s.billed for s in current), Decimal(0))
    withheld_now = sum((s.withheld for s in current), Decimal(0))
    minutes_now = sum(s.cycle.minutes for s in current)
    cost_now = sum((s.cycle.cost for s in current), Decimal(0))
    details["cycles"] = [s.cycle.period.label for s in current]
    details["time"] = {
        "billable_hours": (Decimal(minutes_now) / 60).quantize(Decimal("0.01")),
        "billable_amount": sum((s.cycle.gross for s in current), Decimal(0)),
        "billed_amount": billed_now,
        "cost": cost_now if all(s.cycle.has_cost for s in current) else None,
    }
    if entries is not None:
        details["source"] = {
            "file": entries.path.name,
            "format": entries.format,
            "entries": len(entries),
        }
        details["unbilled_hours"] = (
            unbilled_hours(streamed.unbilled)
            if streamed is not None
            else _unbilled(entries, settings, clip)
        )
        flagged = flag_warnings(entries.flags, clip.start, clip.last)
        if flagged:
            details["flagged_entries"] = [f.doc() for f in flagged]
            warnings.extend(f.warning() for f in flagged)
    if settings.cap is not None and last is not None:
        cap = settings.cap
        details["cap"] = {
            "money": cap.money,
            "hours": cap.hours,
            "billable_to_date": last.billable_to_date,
            "billable_hours_to_date": (Decimal(last.billable_minutes_to_date) / 60).quantize(
                Decimal("0.01")
            ),
            "billed_before": billed_before,
            "billed_this_period": billed_now,
            "billed_to_date": last.billed_to_date,
            "billed_hours_to_date": (last.minutes_to_date / 60).quantize(Decimal("0.01")),
            "withheld_this_period": withheld_now,
            "withheld_to_date": sum((s.withheld for s in states), Decimal(0)),
            "remaining": (cap.money - last.billed_to_date) if cap.money is not None else None,
            "remaining_hours": ((cap.hours * 60 - last.minutes_to_date) / 60).quantize(
                Decimal("0.01")
            )
            if cap.hours is not None
            else None,
        }
        warnings.extend(cap_warnings(settings, last, currency, clip.last))
        if withheld_now:
            warnings.append(
                f"not-to-exceed cap reached: {engagekit.Money(withheld_now, currency)} of time "
                f"withheld in {period.label}"
            )
    if expenses:
        billed_ex = sum((line.amount.amount for line in ex_lines), Decimal(0))
        details["expenses"] = {
            "count": len(ex_lines),
            "spent": spent,
            "billed": billed_ex,
            "markup_percent": settings.expense_markup,
        }
    return engagekit.ComponentBill(component.name, MODEL, tuple(lines), details, tuple(warnings))


def _unbilled(entries: Any, settings: Settings, clip: engagekit.Period) -> dict[str, Decimal]:
    """Hours recorded in the period that are not billed, by reason."""
    import polars as pl

    from engagekit_time_material.ledger import billable_mask

    df = entries.frame.filter((pl.col("date") >= clip.start) & (pl.col("date") <= clip.last))
    if df.height == 0:
        return {}
    billed = billable_mask(settings, entries.has_tags)
    out = df.select(
        pl.col("minutes").sum().alias("recorded"),
        pl.col("minutes").filter(~pl.col("billable")).sum().alias("non_billable"),
        pl.col("minutes").filter(pl.col("billable") & ~pl.col("approved")).sum().alias("unapproved")
        if settings.approved_only
        else pl.lit(0).alias("unapproved"),
        pl.col("minutes").filter(~billed).sum().alias("not_billed"),
    ).row(0, named=True)
    return {k: (Decimal(int(v or 0)) / 60).quantize(Decimal("0.01")) for k, v in out.items()}
