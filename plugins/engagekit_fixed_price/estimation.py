"""The estimate hook: PERT per item, a seeded beta-PERT Monte Carlo, the price build-up, and
finish dates from the fixed team's capacity on the project calendar.

Price build-up (all in Decimal, each step rounded to the currency's minor unit):

1. base cost: the cost of the base scope (phases) at the target confidence (P80 by default);
2. risk buffer: ``risk_buffer`` percent of the base cost;
3. contingency: ``percent`` (``contingency_percent`` of the base cost), ``to-p90`` (the gap
   between the base cost at P90 and at the target confidence) or ``none``;
4. margin: ``margin`` percent of 1-3 (``margin_on = "cost"``, a mark-up) or of the price
   (``margin_on = "price"``: price = (1-3) / (1 - margin));
5. rounding: to a multiple of ``round_to`` (default the minor unit), ``up``/``nearest``/``down``;
6. change requests: their agreed prices are added as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import engagekit
from engagekit_fixed_price.settings import Settings
from engagekit_fixed_price.work import (
    Plan,
    build_plan,
    component_field,
    daily_capacity,
    role_cost_rates,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["estimate_component", "price_build_up"]

MODEL = "fixed-price"
_ROUNDING = {"up": ROUND_CEILING, "nearest": ROUND_HALF_UP, "down": ROUND_FLOOR}
_HORIZON_LIMIT_DAYS = 366 * 20


def _dec(value: float, places: Decimal) -> Decimal:
    return Decimal(repr(float(value))).quantize(places, rounding=ROUND_HALF_UP)


def price_build_up(
    settings: Settings,
    currency: str,
    base_cost_at_confidence: Decimal,
    base_cost_p90: Decimal,
) -> dict[str, Decimal]:
    """The steps from the base cost at the target confidence to the price (see module doc)."""
    q = engagekit.quantum(currency)
    base = base_cost_at_confidence.quantize(q)
    risk = (base * settings.risk_buffer / 100).quantize(q, rounding=ROUND_HALF_UP)
    if settings.contingency == "percent":
        contingency = (base * settings.contingency_percent / 100).quantize(
            q, rounding=ROUND_HALF_UP
        )
    elif settings.contingency == "to-p90":
        contingency = max(base_cost_p90.quantize(q) - base, Decimal(0))
    else:
        contingency = Decimal(0)
    subtotal = base + risk + contingency
    if settings.margin_on == "cost":
        margin = (subtotal * settings.margin / 100).quantize(q, rounding=ROUND_HALF_UP)
    else:
        margin = (subtotal / (1 - settings.margin / 100) - subtotal).quantize(
            q, rounding=ROUND_HALF_UP
        )
    unrounded = subtotal + margin
    step = settings.round_to or q
    rounded = (unrounded / step).to_integral_value(rounding=_ROUNDING[settings.rounding]) * step
    rounded = rounded.quantize(q, rounding=ROUND_HALF_UP)
    changes = sum((cr.price for cr in settings.change_requests), Decimal(0)).quantize(q)
    return {
        "base_cost": base,
        "risk_buffer": risk,
        "contingency": contingency,
        "margin": margin,
        "rounding": rounded - unrounded,
        "base_price": rounded,
        "change_requests": changes,
        "price": rounded + changes,
    }


def _weights(plan: Plan, rates: dict[str, Decimal]) -> NDArray[np.float64]:
    """Columns: effort, cost, effort per group, cost per group, hours per role."""
    import numpy as np

    g, r = len(plan.groups), len(plan.roles)
    w = np.zeros((len(plan.items), 2 + 2 * g + r))
    role_index = {role: i for i, role in enumerate(plan.roles)}
    for i, it in enumerate(plan.items):
        rate = float(rates[it.role])
        w[i, 0] = 1.0
        w[i, 1] = rate
        w[i, 2 + it.group] = 1.0
        w[i, 2 + g + it.group] = rate
        w[i, 2 + 2 * g + role_index[it.role]] = 1.0
    return w


def _stats(column: NDArray[np.float64], target: int) -> dict[str, float]:
    p50, p80, p90, pt = engagekit.percentiles(column, [50, 80, 90, target])
    return {
        "p50": float(p50),
        "p80": float(p80),
        "p90": float(p90),
        "target": float(pt),
        "mean": float(column.mean()),
    }


def _hours(stats: dict[str, float]) -> engagekit.Distribution:
    tenth = Decimal("0.1")
    return engagekit.Distribution(
        _dec(stats["p50"], tenth),
        _dec(stats["p80"], tenth),
        _dec(stats["p90"], tenth),
        _dec(stats["mean"], tenth),
    )


def _money_stats(stats: dict[str, float], currency: str) -> dict[str, Decimal]:
    q = engagekit.quantum(currency)
    return {k: _dec(stats[k], q) for k in ("p50", "p80", "p90", "mean")}


#: What ``_schedule_rows`` finds for its trials: each role's largest hours, the working hours
#: of each day, each role's cumulative capacity per day, the horizon in days.
_Capacity = tuple["NDArray[np.float64]", list[float], "NDArray[np.float64]", int]


def _schedule_rows(
    project: engagekit.Project,
    component: engagekit.Component,
    plan: Plan,
    role_hours: NDArray[np.float64],
    finish: NDArray[np.int64],
) -> _Capacity:
    """Into ``finish``, per trial (a row of ``role_hours``), the day (counted from the
    component's start) on which the last role finishes: ``horizon`` where the work does not
    finish within it.

    Each role works off its hours at its team capacity; a trial finishes when every role has.
    The horizon doubles from the component's length plus a year until every role's capacity
    covers its largest hours in these trials (or reaches the limit). The capacity of a day does
    not depend on the horizon, so trials summarised apart find the days they would together:
    the horizon of all the trials is the longest of theirs, whose capacity starts with that of
    each shorter one, and a trial's day lies within its own range's horizon.
    """
    import numpy as np

    settings: Settings = component.settings
    first = component.start
    horizon = (component.end - component.start).days + 1 + 366
    # each role's hours in order (a column of the trials: contiguous in ``simulate``'s result)
    hours = [np.ascontiguousarray(role_hours[:, r]) for r in range(len(plan.roles))]
    need = np.array([h.max() for h in hours]) if len(role_hours) else np.zeros(len(plan.roles))
    while True:
        day_hours, per_role = daily_capacity(
            settings.team, plan.roles, component, project.calendar, first, horizon
        )
        cum = np.cumsum(np.asarray(per_role, dtype=np.float64).reshape(len(plan.roles), -1), axis=1)
        enough = cum[:, -1] >= need - 1e-9
        if enough.all() or horizon >= _HORIZON_LIMIT_DAYS:
            break
        horizon = min(horizon * 2, _HORIZON_LIMIT_DAYS)
    finish[:] = 0
    for r in range(len(plan.roles)):
        idx = np.searchsorted(cum[r], hours[r] - 1e-9, side="left")
        np.maximum(finish, idx, out=finish)
    return need, day_hours, cum, horizon


def _capacity(
    project: engagekit.Project,
    component: engagekit.Component,
    plan: Plan,
    parts: list[_Capacity],
) -> tuple[list[float], int]:
    """The working hours of each day and the horizon of all the trials, from the
    ``_schedule_rows`` of each range of them; an error where a role with hours has no capacity."""
    import numpy as np

    need = np.maximum.reduce([part[0] for part in parts])
    _, day_hours, cum, horizon = max(parts, key=lambda part: part[3])
    for r, role in enumerate(plan.roles):
        if need[r] > 0 and cum[r, -1] <= 0:
            raise engagekit.InputError(
                f"the fixed team has no capacity for role {role!r}: "
                "its members work no hours on the project calendar (holidays, closed days or "
                "their dates)",
                where=project.source,
                field=component_field(project, component, "team"),
                hint=f"give a {role} seat an fte above 0 and dates with working days",
            )
    return day_hours, horizon


def estimate_component(
    project: engagekit.Project, component: engagekit.Component, options: engagekit.EstimateOptions
) -> engagekit.ComponentEstimate:
    import numpy as np

    from engagekit_fixed_price.simulate import empty, simulate_each

    settings: Settings = component.settings
    currency = project.currency
    q = engagekit.quantum(currency)
    target = settings.target_confidence
    plan = build_plan(settings, component, project.calendar)
    rates = role_cost_rates(project, component, plan.roles)
    g = len(plan.groups)
    n_phases = len(plan.phases)

    low = np.array([float(it.low) for it in plan.items])
    mode = np.array([float(it.mode) for it in plan.items])
    high = np.array([float(it.high) for it in plan.items])
    # the per-trial summaries, written by whichever process drew the trial
    shared = options.workers > 1
    base_cost = empty((options.trials,), shared=shared)
    finish = empty((options.trials,), np.int64, shared=shared)

    def per_trial(rows: NDArray[np.float64], first: int, last: int) -> _Capacity:
        # summed along rows of a row-major copy: the order (numpy's pairwise sum) of each row's
        # sum is that of a row-major array, whatever the layout of ``sims``
        phase_costs = np.ascontiguousarray(rows[:, 2 + g : 2 + g + n_phases])
        phase_costs.sum(axis=1, out=base_cost[first:last])
        return _schedule_rows(project, component, plan, rows[:, 2 + 2 * g :], finish[first:last])

    sims, parts = simulate_each(
        low,
        mode,
        high,
        _weights(plan, rates),
        trials=options.trials,
        seed=options.seed_for(component.name),
        workers=options.workers,
        then=per_trial,
    )
    day_hours, horizon = _capacity(project, component, plan, [p for p in parts if p is not None])
    # copies: the samples outlive this estimate, the other columns need not
    effort = sims[:, 0].copy()
    cost = sims[:, 1].copy()

    def totals() -> tuple[dict[str, float], ...]:
        return _stats(effort, target), _stats(cost, target), _stats(base_cost, target)

    def phases(part: list[int]) -> dict[int, tuple[dict[str, float], dict[str, float]]]:
        return {
            i: (_stats(sims[:, 2 + i], target), _stats(sims[:, 2 + g + i], target)) for i in part
        }

    def schedule() -> dict[str, Any]:
        return _finish_dates(component.start, finish, day_hours, horizon, target)

    (effort_stats, cost_stats, base_stats), group_stats, finish_dates = _post_process(
        totals, phases, schedule, g, options.workers if options.trials >= _SPLIT_TRIALS else 1
    )
    build = price_build_up(
        settings, currency, _dec(base_stats["target"], q), _dec(base_stats["p90"], q)
    )
    price = engagekit.Money(build["price"], currency)
    cost_at_target = engagekit.Money(_dec(cost_stats["target"], q), currency)
    warnings: list[str] = []
    if finish_dates["unfinished_share"] > 0:
        warnings.append(
            f"in {finish_dates['unfinished_share']:.1%} of the trials the fixed team does not "
            f"finish within {horizon} days"
        )
    at_target = finish_dates["at_target"]
    if at_target is None or at_target > component.end:
        warnings.append(
            f"the fixed timeframe is at risk: at P{target} the fixed team finishes on "
            f"{at_target or 'no date within the horizon'}, after the component's end "
            f"{component.end}"
        )
    if settings.contract_price is not None:
        contract = engagekit.Money(settings.contract_price, currency).rounded()
        base_price = engagekit.Money(build["base_price"], currency)
        if contract < base_price:
            warnings.append(
                f"the contract price {contract} is below the price at P{target} ({base_price})"
            )

    details = {
        "target_confidence": target,
        "component_seed": str(options.seed_for(component.name)),
        "trials": options.trials,
        "pert": _pert_total(plan),
        "effort_hours": _hours(effort_stats),
        "cost": _money_stats(cost_stats, currency),
        "price_build_up": build,
        "contract_price": settings.contract_price,
        "finish": finish_dates,
        "phases": [_group_row(plan, i, es, cs, currency) for i, (es, cs) in enumerate(group_stats)],
        "cost_rates": rates,
        "items": _item_rows(plan),
    }
    return engagekit.ComponentEstimate(
        component=component.name,
        model=MODEL,
        cost=cost_at_target,
        price=price,
        basis=f"P{target}",
        effort_hours=_hours(effort_stats),
        start=component.start,
        finish=at_target,
        samples=engagekit.Samples(effort_hours=effort, cost=cost),
        details=details,
        warnings=tuple(warnings),
    )


#: Fewer trials than this are summarised in one process whatever the workers (forking would
#: cost more than it saves).
_SPLIT_TRIALS = 50_000

_Stats = dict[str, float]


def _post_process(
    totals: Callable[[], tuple[_Stats, ...]],
    phases: Callable[[list[int]], dict[int, tuple[_Stats, _Stats]]],
    schedule: Callable[[], dict[str, Any]],
    groups: int,
    workers: int,
) -> tuple[tuple[_Stats, ...], list[tuple[_Stats, _Stats]], dict[str, Any]]:
    """The summaries of the trials: ``totals()``, ``phases`` of every group, ``schedule()``.

    With one worker they run here in that order. With more, they are dealt to ``workers``
    processes (``in_processes``; the percentiles and their sorting are the serial part of a
    simulation otherwise): the totals to this one, the schedule to the next, the phases to
    whichever has the least work so far. Each is the same
    computation on the same trials wherever it runs, so the figures do not depend on the split.
    """
    if workers < 2:
        return totals(), list(phases(list(range(groups))).values()), schedule()
    from engagekit_fixed_price.simulate import in_processes

    # rough costs (measured), in the percentiles of one column of the trials (a copy and a
    # sort): the totals 3, a phase 2, the schedule 1 (three selections of the finish days)
    load = [3, 1] + [0] * (workers - 2)
    parts: list[list[int]] = [[] for _ in range(workers)]
    for i in range(groups):
        lightest = load.index(min(load))
        parts[lightest].append(i)
        load[lightest] += 2

    def task(w: int) -> Callable[[], tuple[Any, ...]]:
        def run() -> tuple[Any, ...]:
            return (
                totals() if w == 0 else None,
                phases(parts[w]),
                schedule() if w == 1 else None,
            )

        return run

    results = in_processes([task(w) for w in range(workers)])
    merged: dict[int, tuple[_Stats, _Stats]] = {}
    for _, part, _ in results:
        merged.update(part)
    return results[0][0], [merged[i] for i in range(groups)], results[1][2]


def _sd_total(sds: list[Decimal]) -> Decimal:
    return sum((s * s for s in sds), Decimal(0)).sqrt()


def _pert_total(plan: Plan) -> dict[str, Decimal]:
    """Expected hours and standard deviation of the total, items taken as independent."""
    hundredth = Decimal("0.01")
    return {
        "expected_hours": plan.mean_hours().quantize(hundredth),
        "sd_hours": _sd_total([it.sd for it in plan.items]).quantize(hundredth),
    }


def _group_row(
    plan: Plan, i: int, effort: dict[str, float], cost: dict[str, float], currency: str
) -> dict[str, Any]:
    group = plan.groups[i]
    items = plan.items_of(i)
    hundredth = Decimal("0.01")
    return {
        "name": group.name,
        "kind": group.kind,
        "planned_start": group.start,
        "planned_end": group.end,
        "items": len(items),
        "new_technology": any(it.new_technology for it in items),
        "pert_expected_hours": plan.mean_hours(i).quantize(hundredth),
        "pert_sd_hours": _sd_total([it.sd for it in items]).quantize(hundredth),
        "effort_hours": _hours(effort),
        "cost": _money_stats(cost, currency),
        "price": group.price,
    }


def _item_rows(plan: Plan) -> list[dict[str, Any]]:
    hundredth = Decimal("0.01")
    return [
        {
            "group": plan.groups[it.group].name,
            "item": it.label,
            "role": it.role,
            "min": it.low,
            "likely": it.mode,
            "max": it.high,
            "expected_hours": it.mean.quantize(hundredth),
            "sd_hours": it.sd.quantize(hundredth),
            "new_technology": it.new_technology,
        }
        for it in plan.items
    ]


def _finish_dates(
    start: date,
    finish: NDArray[np.int64],
    day_hours: list[float],
    horizon: int,
    target: int,
) -> dict[str, Any]:
    import numpy as np

    working = np.cumsum(np.asarray(day_hours) > 0)
    out: dict[str, Any] = {"unfinished_share": float(np.mean(finish >= horizon))}
    for key, pct in (("p50", 50), ("p80", 80), ("at_target", target)):
        idx = int(np.percentile(finish, pct, method="higher"))
        if idx >= horizon:
            out[key] = None
            out[f"{key}_working_days"] = None
        else:
            out[key] = start + timedelta(days=idx)
            out[f"{key}_working_days"] = int(working[idx])
    return out
