"""The attrition simulation walks its trials in chunks: the same figures whatever the chunk, and
memory that grows with the trials only by the outputs (a few numbers a trial and month)."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engagekit_dedicated_team.simulate import RoleInput, SimResult, simulate

DAYS = 120  # four months of 30 days
MONTHS = 4
FIELDS = ("headcount", "cost", "price", "fees", "hours", "leavers")


def roles(leads: tuple[int, ...] = (60, 0, 30)) -> list[RoleInput]:
    rng = np.random.default_rng(1)
    out = []
    for r, lead in enumerate(leads):
        plan = np.full(DAYS, 3 + r, dtype=np.int64)
        plan[:10] = 0  # hired later
        plan[80:] = 1 + r  # the client shrinks the team
        out.append(
            RoleInput(
                plan=plan,
                lead_days=lead,
                cost_per_day=rng.random(DAYS) * 300,
                price_per_day=rng.random(DAYS) * 450,
                fte_per_day=np.full(DAYS, 1 / 21),
                hours_per_day=rng.random(DAYS) * 8,
                fee=1000.0 * r,
            )
        )
    return out


def run(trials: int, chunk: int | None, seed: int = 42) -> SimResult:
    month_of_day = np.arange(DAYS) // 30
    return simulate(roles(), month_of_day, MONTHS, 0.6, trials, seed, chunk_trials=chunk)


@settings(max_examples=40)
@given(trials=st.integers(1, 40), chunk=st.integers(1, 48), seed=st.integers(0, 2**63))
def test_the_chunk_never_changes_a_figure(trials: int, chunk: int, seed: int) -> None:
    whole, chunked = run(trials, trials, seed), run(trials, chunk, seed)
    for field in FIELDS:
        assert np.array_equal(getattr(whole, field), getattr(chunked, field)), field


def test_the_simulation_does_draw_leavers() -> None:
    # (so that the law above is about attrition, not about an empty walk)
    result = run(500, 64)
    assert result.leavers.mean() > 1
    assert result.fees.max() > 0
    assert np.ptp(result.headcount[:, -1]) > 0


def peak_bytes(trials: int) -> int:
    tracemalloc.start()
    try:
        run(trials, 500)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("trials", [5_000])
def test_memory_grows_with_the_trials_only_by_the_outputs(trials: int) -> None:
    # The outputs: one float64 per trial and month, and five per trial (72 bytes). The walk's
    # state (a ring of 61 days of refills per role and trial: 1.4 KiB a trial here) stays
    # one chunk of trials, whatever their number.
    outputs = 8 * (MONTHS + 5)
    grown = peak_bytes(2 * trials) - peak_bytes(trials)
    assert grown < 1.25 * outputs * trials, grown / trials
