"""The ``propose`` hook: a fixed price for a scope, phased where the text's rule requires it.

The collaboration-models text: "when the team cannot provide a precise evaluation of working
hours (because of new technology, project time 300+ hours, etc.), the project is divided into a
number of phases, which are given a min-max evaluation separately". So a scope of 300 or more
most-likely hours, or with new technology, is priced in phases: the scope's own phases if it has
several, else its items in order in phases of under 300 likely hours each, with the new
technology in a phase of its own. Items without a range (min = max) cannot be priced so: then
the fixed price declines (returns None).

The price follows the model's own build-up (``price_build_up``): the cost of the items at the
target confidence, a risk buffer that covers the scope's risk events at that confidence, and the
margin (``terms.fixed_price_margin``, or the rate card's mark-up of bill over cost on the
expected hours). Each phase is paid on its acceptance, in proportion to its expected cost; in every trial
a phase is accepted in the month its last hour is worked.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

import engagekit
from engagekit.compare import (
    LARGE_SCOPE_HOURS,
    Draws,
    Fit,
    Outcome,
    Proposal,
    ProposeOptions,
    Scope,
    ScopeItem,
    hourly_rates,
    work_by_month,
)
from engagekit_fixed_price.estimation import price_build_up

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["phases_of", "propose_scope"]

MODEL = "fixed-price"


def phases_of(scope: Scope) -> list[tuple[str, list[ScopeItem]]]:
    """The phases a fixed price of ``scope`` is given in (see the module doc)."""
    named = [(p, [it for it in scope.items if it.phase == p]) for p in scope.phases]
    if not scope.needs_phases or len(named) > 1:
        return named
    known = [it for it in scope.items if not it.new_technology]
    new = [it for it in scope.items if it.new_technology]
    chunks: list[list[ScopeItem]] = []
    for it in known:
        if not chunks or sum(x.likely for x in chunks[-1]) + it.likely >= LARGE_SCOPE_HOURS:
            chunks.append([])
        chunks[-1].append(it)
    phases = [(f"phase {i + 1}", items) for i, items in enumerate(chunks)]
    if new:
        phases.append(("new technology", new))
    return phases


def _quantile(values: NDArray[np.float64], pct: int) -> Decimal:
    import numpy as np

    return Decimal(repr(float(np.percentile(values, pct))))


def propose_scope(
    engine: engagekit.Engine, project: engagekit.Project, scope: Scope, options: ProposeOptions
) -> Proposal | None:
    import numpy as np

    if not scope.items:
        return None
    plan = options.plan
    phases = phases_of(scope)
    large = scope.needs_phases
    if large and (len(phases) < 2 or any(it.min == it.max for it in scope.items)):
        return None
    terms = scope.terms
    currency = project.currency
    q = engagekit.quantum(currency)
    on = plan.start
    roles = sorted({it.role for it in scope.items} | {r.role for r in scope.risks})
    rates = {role: hourly_rates(project, role, on) for role in roles}
    draws = options.draws
    cost_per_column = np.array([float(rates[c.role][1]) for c in draws.columns])
    risk = [i for i, c in enumerate(draws.columns) if c.kind == "risk"]
    # dot, not hours @: a run too large to hold has no matrix to multiply (engagekit.compare).
    all_cost = draws.dot(cost_per_column)
    items_cost = all_cost - draws.select(risk).dot(cost_per_column[risk]) if risk else all_cost
    target = terms.target_confidence
    base = _quantile(items_cost, target).quantize(q)
    with_risks = _quantile(all_cost, target).quantize(q)
    buffer = (
        ((with_risks - base) / base * 100).quantize(Decimal("0.1"), rounding=ROUND_CEILING)
        if base > 0 and with_risks > base
        else Decimal(0)
    )
    expected_cost = [
        sum((it.mean * rates[it.role][1] for it in items), Decimal(0)) for _, items in phases
    ]
    weights = [max(c, Decimal("0.01")) for c in expected_cost]
    percents = engagekit.allocate_units(100, weights)
    if any(p == 0 for p in percents):
        percents = engagekit.allocate_units(100, [1] * len(phases))
    margin = terms.fixed_price_margin
    if margin is None:
        margin = _rate_card_markup(scope, rates)
    end = scope.window.deadline or plan.finish
    settings: dict[str, Any] = {
        "phases": [
            {
                "name": name,
                "items": [_item(it) for it in items],
                **({"new_technology": True} if any(it.new_technology for it in items) else {}),
            }
            for name, items in phases
        ],
        "team": [{"role": role, "fte": fte} for role, fte in sorted(plan.fte.items())],
        "milestones": [
            {"name": f"{name} accepted", "percent": pct, "on_acceptance": name}
            for (name, _), pct in zip(phases, percents, strict=True)
        ],
        "target_confidence": target,
        "risk_buffer": buffer,
        "margin": margin,
        "cost_rates": {role: rates[role][1] for role in roles},
    }
    component = engine.make_component(
        project,
        name=f"{scope.name} (fixed price)",
        model=MODEL,
        start=plan.start,
        end=max(end, plan.start),
        settings=settings,
    )
    build = price_build_up(
        component.settings, currency, base, _quantile(items_cost, 90).quantize(q)
    )
    price = build["price"]
    amounts = [
        Decimal(u) * q
        for u in engagekit.allocate_units(int(price / q), [Decimal(p) for p in percents])
    ]
    phase_of_column = _phase_columns(phases, draws, scope)

    def settle(d: Draws) -> Outcome:
        return _settle(d, project, plan, rates, amounts, phase_of_column)

    n = len(phases)
    return Proposal(
        model=MODEL,
        component=component,
        settle=settle,
        terms=(
            f"fixed price {currency} {price:,.2f}: cost at P{target} {currency} {base:,.2f}, "
            f"risk buffer {buffer}%, margin {margin}%; "
            + (f"{n} phases, each paid on acceptance" if n > 1 else "paid on acceptance")
        ),
        flexibility="fixed team of "
        + ", ".join(f"{fte} {role}" for role, fte in sorted(plan.fte.items()))
        + "; a change of scope or team is a change request with its own price",
        fit=_fit(scope, plan.month_count, n, large),
        details={"settings": settings, "price_build_up": build},
    )


def _rate_card_markup(scope: Scope, rates: dict[str, tuple[Decimal, Decimal]]) -> Decimal:
    """Bill over cost of the scope's expected hours, less one, in percent (tenths, down)."""
    bill = sum((it.mean * rates[it.role][0] for it in scope.items), Decimal(0))
    cost = sum((it.mean * rates[it.role][1] for it in scope.items), Decimal(0))
    if cost <= 0:
        return Decimal(0)
    return max(Decimal(0), ((bill / cost - 1) * 100).quantize(Decimal("0.1"), ROUND_FLOOR))


def _item(it: ScopeItem) -> dict[str, Any]:
    out: dict[str, Any] = {"name": it.name, "role": it.role}
    if it.min == it.max:
        out["hours"] = it.likely
    else:
        out.update(min=it.min, likely=it.likely, max=it.max)
    if it.new_technology:
        out["new_technology"] = True
    return out


def _phase_columns(
    phases: list[tuple[str, list[ScopeItem]]], draws: Draws, scope: Scope
) -> list[int]:
    """The phase index of each column: an item's own; a risk event's, the last phase made from
    its scope phase (or the last phase)."""
    of_item = {it.name: i for i, (_, items) in enumerate(phases) for it in items}
    last_of_scope_phase = {it.phase: i for i, (_, items) in enumerate(phases) for it in items}
    return [
        of_item[c.name] if c.kind == "item" else last_of_scope_phase.get(c.phase, len(phases) - 1)
        for c in draws.columns
    ]


def _settle(
    d: Draws,
    project: engagekit.Project,
    plan: Any,
    rates: dict[str, tuple[Decimal, Decimal]],
    amounts: list[Decimal],
    phase_of_column: list[int],
) -> Outcome:
    import numpy as np

    cost = np.array([float(rates[c.role][1]) for c in d.columns])
    firm_cost = d.hours @ cost
    labels, worked = work_by_month(d, plan, project.calendar)
    done = np.cumsum(sum(worked.values()), axis=1) if worked else np.zeros((d.trials, 1))
    if not labels:
        labels = [f"{plan.start:%Y-%m}"]
    weights = np.zeros((len(d.columns), len(amounts)))
    weights[np.arange(len(d.columns)), phase_of_column] = 1.0
    phase_end = np.cumsum(d.dot(weights), axis=1)
    m = len(labels)
    # The month each phase is accepted in, per trial: when the work done reaches its hours.
    month = np.stack(
        [(done < phase_end[:, p : p + 1] - 1e-6).sum(axis=1) for p in range(len(amounts))], axis=1
    )
    cells = np.bincount(
        (np.arange(d.trials)[:, None] * m + np.minimum(month, m - 1)).ravel(),
        weights=np.broadcast_to(np.array([float(a) for a in amounts]), month.shape).ravel(),
        minlength=d.trials * m,
    )
    return Outcome(tuple(labels), cells.reshape(d.trials, m), firm_cost)


def _fit(scope: Scope, months: int, phases: int, large: bool) -> tuple[Fit, ...]:
    facts = scope.facts(months)
    return (
        Fit(
            "defined scope",
            facts.defined_scope,
            f"requirements {scope.requirements}, {scope.change_rate}% change a month",
        ),
        Fit("short term", facts.short_term, f"{months} months of delivery"),
        Fit(
            "300+ hours or new technology: in phases",
            True,
            f"{phases} phases with min-max estimates" if large else "one price, under 300 hours",
        ),
    )
