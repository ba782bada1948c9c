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

__all__ = ["CHUNK_BYTES", "RoleInput", "SimResult", "simulate"]


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
    *,
    chunk_trials: int | None = None,
) -> SimResult:
    """The trials' walks through the term; ``chunk_trials`` (default: from ``CHUNK_BYTES``)
    bounds the memory and does not change the result."""
    import numpy as np

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

    # every role at once: arrays of (roles, trials of a chunk)
    plan = np.stack([r.plan for r in roles]).astype(np.int64)
    lead = np.array([max(r.lead_days, 0) for r in roles], dtype=np.int64)
    weights = np.stack(
        [
            np.stack([r.fte_per_day for r in roles]),
            np.stack([r.cost_per_day for r in roles]),
            np.stack([r.price_per_day for r in roles]),
            np.stack([r.hours_per_day for r in roles]),
        ]
    )  # (4, roles, days)
    walk = _Walk(
        plan=plan,
        lead=lead,
        fee=np.array([r.fee for r in roles]),
        weights=weights,
        month_of_day=month_of_day,
        tail=_binomial_tails(int(plan.max()), hazard),  # tail[f, k] = P(Bin(f, q) >= k)
        trials=trials,
        seed=seed,
    )
    result = SimResult(headcount.T, cost, price, fees, hours, leavers)
    # The state of a trial is a ring of (lead time + 1) days of refills per role, plus a few
    # arrays of one value per role: a chunk holds CHUNK_BYTES of it, whatever the trials.
    per_trial = 8 * len(roles) * (int(lead.max()) + 1 + 8)
    step = chunk_trials or max(1, CHUNK_BYTES // per_trial)
    for first in range(0, trials, step):
        walk.run(result, first, min(first + step, trials))
    return result


#: The memory of a simulation's per-trial state (the outputs, a few numbers a trial, aside):
#: trials are walked through the term in chunks of this many bytes of state.
CHUNK_BYTES = 32 << 20


@attrs.frozen(eq=False)
class _Walk:
    """The day-by-day walk of a range of trials. Trial ``t`` of day ``d`` draws one uniform per
    role, element ``(role, t)`` of the ``(roles, trials)`` matrix that day draws from the
    generator, so that a chunk of trials draws exactly its columns (``PCG64.advance`` skips the
    others): the results are the same for a seed and a number of trials, whatever the chunk."""

    plan: NDArray[np.int64]  # (roles, days): planned filled seats
    lead: NDArray[np.int64]
    fee: NDArray[np.float64]
    weights: NDArray[np.float64]  # (4, roles, days): fte, cost, price, hours of a filled seat
    month_of_day: NDArray[np.int64]
    tail: NDArray[np.float64]
    trials: int
    seed: int

    def run(self, out: SimResult, first: int, last: int) -> None:
        import numpy as np

        n_roles, n_days = self.plan.shape
        n = last - first
        lead = self.lead
        later = np.nonzero(lead > 0)[0]  # leavers' seats stay empty for the lead time
        at_once = np.nonzero(lead == 0)[0]  # replaced the same day
        size = int(lead.max()) + 1
        ring = np.zeros((size, n_roles, n), dtype=np.int64)  # refills due on a day
        vacant = np.zeros((n_roles, n), dtype=np.int64)
        fees, leavers = out.fees[first:last], out.leavers[first:last]
        headcount = out.headcount.T[:, first:last]  # (months, trials) underneath
        totals = (out.cost[first:last], out.price[first:last], out.hours[first:last])
        bits = np.random.PCG64(self.seed)
        bits.advance(first)
        rng = np.random.Generator(bits)
        u = np.empty((n_roles, n))
        for d in range(n_days):
            slot = d % size
            back = ring[slot]
            if back.any():
                vacant -= back
                _add_weighted(fees, self.fee, back)
                back[:] = 0
            wanted = self.plan[:, d]
            if not wanted.any():
                continue
            filled = np.maximum(wanted[:, None] - vacant, 0)
            for r in range(n_roles):  # this chunk's columns of the day's (roles, trials) draws
                rng.random(out=u[r])
                bits.advance(self.trials - n)
            # Bin(filled, q) by inversion on one uniform: K = #{k >= 1 : u < P(K >= k)}
            hit = u < self.tail[filled, 1]
            if hit.any():
                rr, tt = np.nonzero(hit)
                gone = np.zeros_like(filled)
                gone[rr, tt] = (u[rr, tt][:, None] < self.tail[filled[rr, tt], 1:]).sum(axis=1)
                leavers += gone.sum(axis=0)
                if at_once.size:
                    _add_weighted(fees, self.fee[at_once], gone[at_once])
                if later.size:
                    ring[(d + lead[later]) % size, later] += gone[later]
                    vacant[later] += gone[later]
                    filled[later] -= gone[later]
            _add_weighted(headcount[self.month_of_day[d]], self.weights[0, :, d], filled)
            for total, w in zip(totals, self.weights[1:, :, d], strict=True):
                _add_weighted(total, w, filled)


def _add_weighted(
    total: NDArray[np.float64], weights: NDArray[np.float64], counts: NDArray[np.int64]
) -> None:
    """``total += weights @ counts``, role after role: a matrix product would sum in an order
    (and with fused multiply-adds) that depends on the chunk's width, and so would the result."""
    for w, c in zip(weights, counts, strict=True):
        if w:
            total += w * c


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
