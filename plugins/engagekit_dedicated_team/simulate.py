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
    headcount = np.zeros((n_months, trials))
    cost = np.zeros(trials)
    price = np.zeros(trials)
    fees = np.zeros(trials)
    hours = np.zeros(trials)
    leavers = np.zeros(trials)
    roles = [r for r in roles if r.plan.any()]
    hazard = 1.0 - (1.0 - attrition) ** (1.0 / 365.25) if attrition < 1 else 1.0
    if hazard <= 0 or not roles:
        for role in roles:
            seats = role.plan.astype(np.float64)
            by_month = np.bincount(
                month_of_day, weights=seats * role.fte_per_day, minlength=n_months
            )
            headcount += by_month[:, None]
            cost += float(seats @ role.cost_per_day)
            price += float(seats @ role.price_per_day)
            hours += float(seats @ role.hours_per_day)
        return SimResult(headcount.T, cost, price, fees, hours, leavers)

    # every role at once: arrays of (roles, trials)
    plan = np.stack([r.plan for r in roles]).astype(np.int64)
    lead = np.array([max(r.lead_days, 0) for r in roles], dtype=np.int64)
    fee = np.array([r.fee for r in roles])
    cost_d = np.stack([r.cost_per_day for r in roles])
    price_d = np.stack([r.price_per_day for r in roles])
    fte_d = np.stack([r.fte_per_day for r in roles])
    hours_d = np.stack([r.hours_per_day for r in roles])
    weights = np.stack([fte_d, cost_d, price_d, hours_d])  # (4, roles, days)
    n_roles = len(roles)
    later = np.nonzero(lead > 0)[0]  # leavers' seats stay empty for the lead time
    at_once = np.nonzero(lead == 0)[0]  # replaced the same day
    size = int(lead.max()) + 1
    ring = np.zeros((size, n_roles, trials), dtype=np.int64)  # refills due on a day
    vacant = np.zeros((n_roles, trials), dtype=np.int64)
    tail = _binomial_tails(int(plan.max()), hazard)  # tail[f, k] = P(Bin(f, q) >= k)
    for d in range(n_days):
        slot = d % size
        back = ring[slot]
        if back.any():
            vacant -= back
            fees += fee @ back
            back[:] = 0
        wanted = plan[:, d]
        if not wanted.any():
            continue
        filled = np.maximum(wanted[:, None] - vacant, 0)
        # Bin(filled, q) by inversion on one uniform: K = #{k >= 1 : u < P(K >= k)}
        u = rng.random((n_roles, trials))
        hit = u < tail[filled, 1]
        if hit.any():
            rr, tt = np.nonzero(hit)
            gone = np.zeros_like(filled)
            gone[rr, tt] = (u[rr, tt][:, None] < tail[filled[rr, tt], 1:]).sum(axis=1)
            leavers += gone.sum(axis=0)
            if at_once.size:
                fees += fee[at_once] @ gone[at_once]
            if later.size:
                ring[(d + lead[later]) % size, later] += gone[later]
                vacant[later] += gone[later]
                filled[later] -= gone[later]
        day = weights[:, :, d] @ filled.astype(np.float64)  # (4, trials)
        headcount[month_of_day[d]] += day[0]
        cost += day[1]
        price += day[2]
        hours += day[3]
    return SimResult(headcount.T, cost, price, fees, hours, leavers)


def _binomial_tails(n_max: int, q: float) -> NDArray[np.float64]:
    """``tail[f, k] = P(Binomial(f, q) >= k)`` for 0 <= f, k <= n_max (0 where k > f)."""
    import numpy as np

    tail = np.zeros((n_max + 1, n_max + 2))
    for f in range(n_max + 1):
        pmf = np.zeros(f + 1)
        if q >= 1:
            pmf[f] = 1.0
        else:
            pmf[0] = (1 - q) ** f
            for j in range(f):
                pmf[j + 1] = pmf[j] * (f - j) / (j + 1) * q / (1 - q)
        tail[f, : f + 1] = np.cumsum(pmf[::-1])[::-1]
    return tail[:, : n_max + 1]
