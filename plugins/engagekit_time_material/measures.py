"""The ``measure_service`` hook: burn against the cap and the budget, billable utilisation per
person, the billable ratio, the forecast at completion and the day the cap runs out.

The measured window is the period (clipped to the component), or everything from the start to
the last recorded entry. The cap and the budget are measured cumulatively from the component's
start to the window's end. The current burn is the billable amount of the last 28 days of the
window per working day; the cap runs out ``remaining / burn`` working days after the window.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import engagekit
from engagekit_time_material.billing import cycles_between, priced_cycles, run_cap
from engagekit_time_material.checks import flag_warnings
from engagekit_time_material.ledger import (
    billable_mask,
    build_ledger,
    load_entries,
    settings_of,
    where_of,
    with_roles,
)
from engagekit_time_material.rates import rate_book
from engagekit_time_material.team import daily_plan, slot_range

__all__ = ["BURN_DAYS", "measure"]

MODEL = "time-material"
#: The trailing window (calendar days) of the current burn rate.
BURN_DAYS = 28

_TWO = Decimal("0.01")


def _pct(part: Decimal, whole: Decimal | None) -> Decimal | None:
    if not whole:
        return None
    return (part / whole * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def measure(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    period: engagekit.Period | None,
) -> engagekit.ServiceMeasure:
    import polars as pl

    settings = settings_of(component)
    cur = project.currency
    q = engagekit.quantum(cur)
    cal = project.calendar
    entries = load_entries(settings, project, component, day_totals=False)
    warnings: list[str] = []
    if period is not None:
        window = period.clip(component.start, component.end)
        if window is None:
            return engagekit.ServiceMeasure(
                component.name,
                MODEL,
                {"note": f"the component runs {component.start}..{component.end}"},
                {},
                None,
            )
    else:
        last: date | None = (
            entries.frame["date"].max()  # type: ignore[assignment]
            if entries is not None and len(entries)
            else None
        )
        window = engagekit.Period.days(component.start, last or component.start)
    as_of: date = window.last
    if entries is not None:
        flagged = flag_warnings(entries.flags, window.start, window.last)
        warnings.extend(f.warning() for f in flagged)

    cycles = cycles_between(
        component.start, window.end, settings.billing_period, component.start, cut=window.start
    )
    ledger = build_ledger(project, component, settings, upto=as_of, entries=entries)
    priced = priced_cycles(ledger, settings, component, cur, cycles, lines_from=window.end)
    states = run_cap(priced, settings, cur)
    inside = [s for s in states if s.cycle.period.start >= window.start]
    final = states[-1]

    gross_window = sum((s.cycle.gross for s in inside), Decimal(0))
    billed_window = sum((s.billed for s in inside), Decimal(0))
    cost_window = sum((s.cycle.cost for s in inside), Decimal(0))
    withheld_to_date = sum((s.withheld for s in states), Decimal(0))

    # recorded vs billable time per person in the window
    people: list[dict[str, Any]] = []
    recorded = billable = 0
    if entries is not None:
        df = entries.frame.filter((pl.col("date") >= window.start) & (pl.col("date") <= as_of))
        per = (
            df.with_columns(
                with_roles(settings).alias("role"),
                billable_mask(settings, entries.has_tags).alias("billed"),
            )
            .group_by("person")
            .agg(
                pl.col("role").drop_nulls().first(),
                pl.col("minutes").sum().alias("recorded"),
                pl.col("minutes").filter(pl.col("billed")).sum().alias("billable"),
            )
            .sort("person")
        )
        hours_window = cal.working_hours(window.start, as_of)
        for person, role, rec, bil in per.iter_rows():
            capacity = _capacity(
                person, settings, component, cal, window.start, as_of, hours_window
            )
            recorded += rec
            billable += bil
            people.append(
                {
                    "person": person,
                    "role": role,
                    "recorded_hours": (Decimal(rec) / 60).quantize(_TWO),
                    "billable_hours": (Decimal(bil) / 60).quantize(_TWO),
                    "capacity_hours": capacity.quantize(_TWO),
                    "utilisation_percent": _pct(Decimal(bil) / 60, capacity),
                    "billable_ratio_percent": _pct(Decimal(bil), Decimal(rec)),
                }
            )

    # current burn: billable amount over the trailing days, per working day
    burn_from = max(component.start, as_of - timedelta(days=BURN_DAYS - 1))
    recent = (
        ledger.parts.filter(pl.col("date") >= burn_from)
        .group_by("rate", "kind")
        .agg(pl.col("minutes").sum())
    )
    recent_amount = sum(
        (
            Decimal(m) * ledger.rates[r].bill * ledger.multipliers[k] / 60
            for r, k, m in recent.iter_rows()
        ),
        Decimal(0),
    )
    recent_minutes = int(recent["minutes"].sum() or 0)
    burn_days = cal.working_days(burn_from, as_of)
    burn = (recent_amount / burn_days) if burn_days else Decimal(0)
    burn_hours = (Decimal(recent_minutes) / 60 / burn_days) if burn_days else Decimal(0)

    # forecast at completion: to date, plus the team plan (or the current burn) to the end
    gross_to_date = final.billable_to_date
    remaining_days = (
        cal.working_days(as_of + timedelta(days=1), component.end) if (as_of < component.end) else 0
    )
    if settings.team and as_of < component.end:
        book = rate_book(settings, project, where_of(project))
        plan = daily_plan(
            project, component, settings, book, as_of + timedelta(days=1), component.end
        )
        to_go = sum(plan.price, Decimal(0))
        basis = "team plan"
    else:
        to_go = burn * remaining_days
        basis = f"burn of the last {BURN_DAYS} days"
    eac = (gross_to_date + to_go).quantize(q, ROUND_HALF_UP)

    cap = settings.cap
    metrics: dict[str, Any] = {
        "as_of": as_of,
        "window": engagekit.Period(window.start, window.end).label,
        "hours_recorded": (Decimal(recorded) / 60).quantize(_TWO),
        "hours_billable": (Decimal(billable) / 60).quantize(_TWO),
        "billable_ratio_percent": _pct(Decimal(billable), Decimal(recorded)),
        "billable_amount": engagekit.Money(gross_window, cur),
        "billed_amount": engagekit.Money(billed_window, cur),
        "cost": engagekit.Money(cost_window, cur),
        "margin_percent": _pct(billed_window - cost_window, billed_window),
        "billable_to_date": engagekit.Money(gross_to_date, cur),
        "billed_to_date": engagekit.Money(final.billed_to_date, cur),
        "withheld_to_date": engagekit.Money(withheld_to_date, cur),
        "burn_per_working_day": engagekit.Money(burn, cur).rounded(),
        "burn_hours_per_working_day": burn_hours.quantize(_TWO),
        "forecast_at_completion": engagekit.Money(eac, cur),
        "forecast_basis": basis,
    }
    status = "on-track"
    if settings.budget is not None:
        metrics["budget"] = engagekit.Money(settings.budget, cur).rounded()
        metrics["budget_used_percent"] = _pct(final.billed_to_date, settings.budget)
        metrics["budget_remaining"] = engagekit.Money(settings.budget - final.billed_to_date, cur)
        metrics["variance_at_completion"] = engagekit.Money(settings.budget - eac, cur)
        if eac > settings.budget * Decimal("1.1"):
            status = "off-track"
            warnings.append(
                f"forecast at completion {engagekit.Money(eac, cur)} is more than 10% "
                f"over the budget {engagekit.Money(settings.budget, cur)}"
            )
        elif eac > settings.budget:
            status = _worse(status, "at-risk")
            warnings.append(
                f"forecast at completion {engagekit.Money(eac, cur)} is over the "
                f"budget {engagekit.Money(settings.budget, cur)}"
            )
    if cap is not None:
        if cap.money is not None:
            left = cap.money - gross_to_date
            metrics["cap_money"] = engagekit.Money(cap.money, cur).rounded()
            metrics["cap_used_percent"] = _pct(final.billed_to_date, cap.money)
            metrics["cap_remaining"] = engagekit.Money(cap.money - final.billed_to_date, cur)
            metrics["cap_exhausted_on"] = _runs_out(cal, as_of, left, burn)
        if cap.hours is not None:
            left_h = cap.hours - Decimal(final.billable_minutes_to_date) / 60
            metrics["cap_hours"] = cap.hours
            metrics["cap_hours_used_percent"] = _pct(final.minutes_to_date / 60, cap.hours)
            metrics["cap_hours_remaining"] = (cap.hours - final.minutes_to_date / 60).quantize(_TWO)
            metrics["cap_hours_exhausted_on"] = _runs_out(cal, as_of, left_h, burn_hours)
        used = [metrics.get("cap_used_percent"), metrics.get("cap_hours_used_percent")]
        top = max((u for u in used if u is not None), default=Decimal(0))
        below_full = [t for t in cap.warn_at if t < 100]
        if withheld_to_date:
            status = "off-track"
            warnings.append(
                f"the cap is reached: {engagekit.Money(withheld_to_date, cur)} of "
                "time withheld to date"
            )
        elif top >= 100 or (below_full and top >= max(below_full)):
            status = _worse(status, "at-risk")
        reached = [t for t in cap.warn_at if top >= t]
        if reached and not withheld_to_date:
            warnings.append(f"{top}% of the cap used by {as_of} (threshold {max(reached)}%)")
        for key in ("cap_exhausted_on", "cap_hours_exhausted_on"):
            day = metrics.get(key)
            if isinstance(day, date) and day <= component.end and not withheld_to_date:
                status = _worse(status, "at-risk")
                warnings.append(
                    f"at the current burn the cap runs out on {day}, before the "
                    f"component ends ({component.end})"
                )
        if cap.money is not None:
            metrics["forecast_billed_at_completion"] = engagekit.Money(
                min(cap.money, eac), cur
            ).rounded()
            if eac > cap.money and not withheld_to_date:
                status = _worse(status, "at-risk")
                warnings.append(
                    f"forecast at completion {engagekit.Money(eac, cur)} ({basis}) is over the "
                    f"cap {engagekit.Money(cap.money, cur)}: the rest would be withheld"
                )
    tables = {
        "utilisation": people,
        "cycles": [
            {
                "cycle": s.cycle.period.label,
                "hours": (Decimal(s.cycle.minutes) / 60).quantize(_TWO),
                "billable": engagekit.Money(s.cycle.gross, cur),
                "billed": engagekit.Money(s.billed, cur),
                "withheld": engagekit.Money(s.withheld, cur),
                "billed_to_date": engagekit.Money(s.billed_to_date, cur),
            }
            for s in states
        ],
    }
    return engagekit.ServiceMeasure(component.name, MODEL, metrics, tables, status, tuple(warnings))


_ORDER = {"on-track": 0, "at-risk": 1, "off-track": 2}


def _worse(a: str, b: str) -> str:
    return a if _ORDER[a] >= _ORDER[b] else b


def _runs_out(
    cal: engagekit.Calendar, as_of: date, left: Decimal, burn: Decimal
) -> date | str | None:
    """The working day on which ``left`` is used up at ``burn`` per working day."""
    if left <= 0:
        return "reached"
    if burn <= 0:
        return None
    days = math.ceil(left / burn)
    if days > 366 * 20:
        return None
    return cal.add_working_days(as_of, days)


def _capacity(
    person: str,
    settings: Any,
    component: engagekit.Component,
    cal: engagekit.Calendar,
    first: date,
    last: date,
    full: Decimal,
) -> Decimal:
    """A person's capacity in [first, last]: their team-plan FTE, else one full-time person."""
    total = Decimal(0)
    planned = False
    for slot in settings.team:
        if slot.person != person:
            continue
        planned = True
        lo, hi = slot_range(slot, component)
        lo, hi = max(lo, first), min(hi, last)
        if lo <= hi:
            total += slot.fte * cal.working_hours(lo, hi)
    return total if planned else full
