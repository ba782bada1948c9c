"""Monte Carlo of the team under attrition: who leaves, how long the seat stays empty.

Each trial walks the contract term day by day. A filled seat empties with the daily hazard of the
expected annual attrition; the empty seat is refilled by a replacement after the role's hiring
lead time (a new hire, with its recruitment fee). The plan (named members and expected hires with
their lead times) bounds the filled seats on each day. numpy is imported here only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["RoleInput", "SimResult", "simulate"]


@attrs.frozen(eq=False)
class RoleInput:
    """One role: planned filled seats per day, lead time, and per-seat values per day."""

    plan: NDArray[np.int64]  # seats per day of the term
    lead_days: int
    cost_per_day: NDArray[np.float64]  # cost of one filled seat on each day
    price_per_day: NDArray[np.float64]  # price of one filled seat on each day (services)
    fte_per_day: NDArray[
        np.float64
    ]  # share of its month one filled seat-day is (1/W on working days)
    hours_per_day: NDArray[np.float64]  # working hours of the day
    fee: float  # recruitment fee per replacement hire


@attrs.frozen(eq=False)
class SimResult:
    headcount: NDArray[np.float64]  # (trials, months): average filled seats per month
    cost: NDArray[np.float64]  # (trials,) cost over the term
    price: NDArray[np.float64]  # (trials,) services price over the term (no fees)
    fees: NDArray[np.float64]  # (trials,) recruitment fees of replacements
    hours: NDArray[np.float64]  # (trials,) working hours of filled seats
    leavers: NDArray[np.float64]  # (trials,) people who left


def simulate(
    roles: list[RoleInput],
    month_of_day: NDArray[np.int64],
    n_months: int,
    attrition: float,
    trials: int,
    seed: int,
) -> SimResult:
    import numpy as np

    rng = np.random.default_rng(seed)
    n_days = len(month_of_day)
    headcount = np.zeros((trials, n_months))
    cost = np.zeros(trials)
    price = np.zeros(trials)
    fees = np.zeros(trials)
    hours = np.zeros(trials)
    leavers = np.zeros(trials)
    hazard = 1.0 - (1.0 - attrition) ** (1.0 / 365.25) if attrition < 1 else 1.0
    for role in roles:
        if not role.plan.any():
            continue
        if hazard <= 0:
            seats = role.plan.astype(np.float64)
            headcount += np.bincount(
                month_of_day, weights=seats * role.fte_per_day, minlength=n_months
            )
            cost += float(seats @ role.cost_per_day)
            price += float(seats @ role.price_per_day)
            hours += float(seats @ role.hours_per_day)
            continue
        lead = max(role.lead_days, 0)
        ring = np.zeros((max(lead, 1), trials), dtype=np.int64)
        vacant = np.zeros(trials, dtype=np.int64)
        month_acc = np.zeros(trials)
        current = int(month_of_day[0]) if n_days else 0
        for d in range(n_days):
            m = int(month_of_day[d])
            if m != current:
                headcount[:, current] += month_acc
                month_acc[:] = 0.0
                current = m
            slot = d % len(ring)
            if lead:
                back = ring[slot]
                vacant -= back
                fees += back * role.fee
                ring[slot] = 0
            plan = int(role.plan[d])
            filled = np.maximum(plan - vacant, 0).astype(np.int64)
            if plan:
                gone = rng.binomial(filled, hazard)
                leavers += gone
                if lead:
                    ring[slot] = gone
                    vacant += gone
                    filled = filled - gone
                else:
                    fees += gone * role.fee
            month_acc += filled * role.fte_per_day[d]
            cost += filled * role.cost_per_day[d]
            price += filled * role.price_per_day[d]
            hours += filled * role.hours_per_day[d]
        headcount[:, current] += month_acc
    return SimResult(headcount, cost, price, fees, hours, leavers)
