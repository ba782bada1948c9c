"""The ``estimate`` hook: a seeded Monte Carlo forecast of the backlog on its throughput history.

Each trial draws whole history periods at random (with replacement): the work the team finished
in that period and, with ``forecast.scope_growth``, the net work added to the backlog in the same
period (drawn together, so busy periods that also grew the backlog stay paired). A trial ends in
the period in which the remaining work reaches zero. The completion date is the last day of that
period. Effort and money follow the team plan from the forecast date to the completion date (the
team bills while it works), plus the time already recorded before the forecast date; without a
team plan, effort is the work done times the hours per point (item).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

import engagekit
from engagekit_time_material.acceptor import accepts
from engagekit_time_material.backlog import History, history, read_backlog, read_throughput
from engagekit_time_material.capcheck import plan_over_cap
from engagekit_time_material.ledger import build_ledger, load_entries, settings_of, where_of
from engagekit_time_material.rates import rate_book
from engagekit_time_material.settings import Settings
from engagekit_time_material.team import daily_plan, monthly_burn

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["Simulation", "estimate", "simulate"]

MODEL = "time-material"
#: The time entries of a component, checked (``acceptor.accepts``) but not read.
RECORDED = "recorded"


@attrs.frozen(eq=False)
class Simulation:
    """Per trial: periods to finish (``max_periods`` if it never did) and the work done."""

    periods: NDArray[np.int64]
    work: NDArray[np.float64]
    unfinished: int


def simulate(hist: History, settings: Settings, trials: int, seed: int) -> Simulation:
    """Run the Monte Carlo: ``trials`` paths drawn from the history, vectorised over trials."""
    import numpy as np

    rng = np.random.default_rng(seed)
    tp = np.array([float(x) for x in hist.throughput])
    growth = (
        np.array([float(x) for x in hist.growth])
        if settings.forecast.scope_growth
        else (np.zeros(len(tp)))
    )
    remaining = np.full(trials, float(hist.remaining))
    work = np.full(trials, float(hist.remaining))
    periods = np.zeros(trials, dtype=np.int64)
    active = remaining > 0
    limit = settings.forecast.max_periods
    k = 0
    while active.any() and k < limit:
        k += 1
        idx = rng.integers(0, len(tp), size=trials)
        g = np.where(active, growth[idx], 0.0)
        remaining = remaining - np.where(active, tp[idx], 0.0) + g
        work = work + g
        finished = active & (remaining <= 1e-9)
        periods[finished] = k
        active &= ~finished
    periods[active] = limit
    return Simulation(periods, work, int(active.sum()))


def _pct(values: Any, p: float) -> float:
    import numpy as np

    return float(np.percentile(values, p, method="higher"))


def _money(value: float, q: Decimal) -> Decimal:
    return Decimal(repr(value)).quantize(q, ROUND_HALF_UP)


def _to_date(
    project: engagekit.Project,
    component: engagekit.Component,
    settings: Settings,
    as_of: date,
) -> tuple[Decimal, Decimal, Decimal, Any]:
    """Hours, price (gross, before any cap) and cost of the time recorded before ``as_of``;
    and the time entries (``RECORDED`` when they were only checked, not read: a forecast from
    the component's first day needs them read only for the hours per unit)."""
    early = as_of <= component.start
    none = Decimal(0), Decimal(0), Decimal(0)
    if (
        early
        and (settings.team or settings.forecast.hours_per_unit is not None)
        and accepts(settings, project, component, rates=False)
    ):
        return *none, RECORDED
    entries = load_entries(settings, project, component, day_totals=early)
    if entries is None or early:
        return *none, entries
    ledger = build_ledger(
        project, component, settings, upto=as_of - timedelta(days=1), entries=entries
    )
    minutes = Decimal(0)
    price = Decimal(0)
    cost = Decimal(0)
    import polars as pl

    sums = ledger.parts.group_by("rate", "kind").agg(pl.col("minutes").sum())
    for rate, kind, m in sums.iter_rows():
        ref = ledger.rates[rate]
        minutes += m
        price += Decimal(m) * ref.bill * ledger.multipliers[kind] / 60
        cost += Decimal(m) * (ref.cost or 0) / 60
    return minutes / 60, price, cost, entries


def hours_per_unit(settings: Settings, hist: History, entries: Any) -> tuple[Decimal | None, str]:
    """Hours of work per point (item): the setting, else recorded hours over finished work in the
    history window."""
    if settings.forecast.hours_per_unit is not None:
        return settings.forecast.hours_per_unit, "settings"
    if entries is None:
        return None, "unknown"
    import polars as pl

    first = hist.starts[0]
    minutes = entries.frame.filter((pl.col("date") >= first) & (pl.col("date") < hist.as_of))[
        "minutes"
    ].sum()
    done = sum(hist.throughput, Decimal(0))
    if not minutes or not done:
        return None, "unknown"
    return (Decimal(int(minutes)) / 60 / done).quantize(Decimal("0.01")), "time entries / history"


def estimate(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    options: engagekit.EstimateOptions,
) -> engagekit.ComponentEstimate:
    settings = settings_of(component)
    where = where_of(project)
    book = rate_book(settings, project, where)
    q = engagekit.quantum(project.currency)
    cur = project.currency
    warnings: list[str] = []
    details: dict[str, Any] = {}
    burn = monthly_burn(project, component, settings, book)
    if burn:
        details["monthly_burn"] = burn
        # what the team plan bills each month, before the cap: the report projects with it
        details["billing_plan"] = [
            {"month": b["month"], "amount": engagekit.Money(b["price"], cur), "basis": "team plan"}
            for b in burn
        ]

    if settings.backlog is None:
        return _plan_only(project, component, settings, book, details, warnings)

    import numpy as np

    items = read_backlog(Path(settings.backlog), settings.csv)
    rows = read_throughput(Path(settings.throughput), settings.csv) if settings.throughput else None
    hist = history(settings, items, rows, where)
    sim = simulate(hist, settings, options.trials, options.seed_for(component.name))
    step = hist.period_days
    # the completion day of a trial: the last day of the period in which it finished
    days_after = np.where(sim.periods > 0, sim.periods * step - 1, 0)
    horizon = int(days_after.max())
    as_of = hist.as_of
    hours_td, price_td, cost_td, entries = _to_date(project, component, settings, as_of)
    if entries is None and settings.team and as_of > component.start:
        plan_td = daily_plan(
            project, component, settings, book, component.start, as_of - timedelta(days=1)
        )
        hours_td = sum(plan_td.hours, Decimal(0))
        price_td = sum(plan_td.price, Decimal(0))
        cost_td = sum(plan_td.cost, Decimal(0))
        details["to_date_basis"] = "team plan (no time entries)"
    else:
        details["to_date_basis"] = "time entries" if entries is not None else "none"

    method: str
    if settings.team:
        plan = daily_plan(
            project, component, settings, book, as_of, as_of + timedelta(days=horizon), extend=True
        )
        cum_h, cum_p, cum_c = plan.cumulative()
        done_now = sim.periods == 0
        idx = days_after
        effort = np.where(done_now, 0.0, cum_h[idx]) + float(hours_td)
        price = np.where(done_now, 0.0, cum_p[idx]) + float(price_td)
        cost = np.where(done_now, 0.0, cum_c[idx]) + float(cost_td)
        method = "team plan from the forecast date to completion"
        if plan.no_cost:
            warnings.append(f"no cost rate for {', '.join(plan.no_cost)}: their cost counts as 0")
    else:
        hpu, basis = hours_per_unit(settings, hist, entries)
        if hpu is None:
            warnings.append(
                "no team plan and no hours per point: effort and cost are not estimated; set "
                "settings.team or forecast.hours_per_unit"
            )
            effort = np.full(options.trials, float(hours_td))
            price = np.full(options.trials, float(price_td))
            cost = np.full(options.trials, float(cost_td))
            method = "none"
        else:
            rate = price_td / hours_td if hours_td else None
            crate = cost_td / hours_td if hours_td else None
            work_h = sim.work * float(hpu)
            effort = work_h + float(hours_td)
            price = work_h * float(rate or 0) + float(price_td)
            cost = work_h * float(crate or 0) + float(cost_td)
            method = f"work done x {hpu} h per {settings.forecast.unit[:-1]} ({basis})"
            if rate is None:
                warnings.append("no time recorded yet: price and cost of the forecast are 0")

    def when(p: float) -> date:
        n = int(np.percentile(days_after, p, method="higher"))
        return as_of + timedelta(days=n) if n else as_of

    p50, p85 = when(50), when(85)
    effort_dist = engagekit.Distribution.from_samples(effort)
    after_end = float(np.mean(days_after > (component.end - as_of).days))
    details.update(
        {
            "method": method,
            "as_of": as_of,
            "unit": settings.forecast.unit,
            "remaining": hist.remaining,
            "open_items": hist.open_items,
            "history_periods": len(hist.throughput),
            "period_days": step,
            "throughput_mean": (sum(hist.throughput, Decimal(0)) / len(hist.throughput)).quantize(
                Decimal("0.01")
            ),
            "scope_growth_mean": (sum(hist.growth, Decimal(0)) / len(hist.growth)).quantize(
                Decimal("0.01")
            )
            if settings.forecast.scope_growth
            else Decimal(0),
            "completion": {"p50": p50, "p85": p85},
            "effort_hours": {
                "p50": _money(_pct(effort, 50), Decimal("0.1")),
                "p85": _money(_pct(effort, 85), Decimal("0.1")),
            },
            "cost": {
                "p50": engagekit.Money(_money(_pct(cost, 50), q), cur),
                "p85": engagekit.Money(_money(_pct(cost, 85), q), cur),
            },
            "price": {
                "p50": engagekit.Money(_money(_pct(price, 50), q), cur),
                "p85": engagekit.Money(_money(_pct(price, 85), q), cur),
            },
            "to_date": {
                "hours": hours_td.quantize(Decimal("0.01")),
                "price": engagekit.Money(price_td, cur).rounded(),
                "cost": engagekit.Money(cost_td, cur).rounded(),
            },
            "probability_after_end": Decimal(repr(after_end)).quantize(Decimal("0.001")),
            "trials": options.trials,
        }
    )
    if sim.unfinished:
        warnings.append(
            f"{sim.unfinished} of {options.trials} trials did not finish the backlog within "
            f"{settings.forecast.max_periods} periods (scope grows about as fast as it is done)"
        )
    warnings.extend(
        plan_over_cap(
            settings, Decimal(repr(_pct(price, 85))), Decimal(repr(_pct(effort, 85))), cur
        )
    )
    if p85 > component.end:
        warnings.append(
            f"the backlog finishes by {p85} at P85 (P50 {p50}), after the component's end "
            f"{component.end}"
        )
    return engagekit.ComponentEstimate(
        component=component.name,
        model=MODEL,
        cost=engagekit.Money(_money(_pct(cost, 50), q), cur),
        price=engagekit.Money(_money(_pct(price, 50), q), cur),
        basis="P50",
        effort_hours=effort_dist,
        start=component.start,
        finish=p85,
        samples=engagekit.Samples(effort_hours=effort.astype(float), cost=cost.astype(float)),
        details=details,
        warnings=tuple(warnings),
    )


def _plan_only(
    project: engagekit.Project,
    component: engagekit.Component,
    settings: Settings,
    book: Any,
    details: dict[str, Any],
    warnings: list[str],
) -> engagekit.ComponentEstimate:
    """Without a backlog: the team plan over the component's timeframe, a point estimate."""
    cur = project.currency
    if not settings.team:
        warnings.append("nothing to estimate: give a team plan (settings.team) or a backlog")
        return engagekit.ComponentEstimate(
            component.name,
            MODEL,
            engagekit.Money.zero(cur),
            engagekit.Money.zero(cur),
            None,
            component.start,
            component.end,
            None,
            details,
            tuple(warnings),
        )
    plan = daily_plan(project, component, settings, book, component.start, component.end)
    hours = sum(plan.hours, Decimal(0))
    if plan.no_cost:
        warnings.append(f"no cost rate for {', '.join(plan.no_cost)}: their cost counts as 0")
    details["method"] = "team plan over the component's timeframe"
    details["hours"] = hours.quantize(Decimal("0.01"))
    warnings.extend(plan_over_cap(settings, sum(plan.price, Decimal(0)), hours, cur))
    return engagekit.ComponentEstimate(
        component=component.name,
        model=MODEL,
        cost=engagekit.Money(sum(plan.cost, Decimal(0)), cur).rounded(),
        price=engagekit.Money(sum(plan.price, Decimal(0)), cur).rounded(),
        effort_hours=engagekit.Distribution.point(hours.quantize(Decimal("0.1"))),
        start=component.start,
        finish=component.end,
        details=details,
        warnings=tuple(warnings),
    )
