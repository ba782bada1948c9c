"""A comparison too large to hold its matrix of draws is drawn and settled in chunks of
trials (engagekit.compare.draws): the same figures, to the cent, and memory that does not
grow with trials times items."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from engagekit import create_engine
from engagekit.compare import compare, load_scope
from engagekit.compare import draws as draws_module
from engagekit.compare.doc import comparison_doc

ENGINE = create_engine()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(path: Path, trials: int, seed: int):  # type: ignore[no-untyped-def]
    scope, project = load_scope(path, ENGINE.models)
    return compare(ENGINE, scope, project, trials=trials, seed=seed)


def chunks_of(monkeypatch: pytest.MonkeyPatch, trials: int) -> None:
    monkeypatch.setattr(draws_module, "CHUNK_TRIALS", trials)
    monkeypatch.setattr(draws_module, "CHUNK_CELLS", 1)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_run_in_chunks_is_the_run_held_whole(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    # Items in two phases, a risk event and a run phase: every kind of column, incidents, and
    # the fixed-price-then-T&M mix (parts of the draws) are settled chunk by chunk.
    path = EXAMPLES / "scope.toml"
    whole = run(path, 2500, seed)
    chunks_of(monkeypatch, 1024)  # three chunks, the last a short one
    chunked = run(path, 2500, seed)
    assert chunked.draws.chunked and not whole.draws.chunked
    assert comparison_doc(chunked) == comparison_doc(whole)
    # The draws themselves, drawn again chunk by chunk, are the whole run's to the bit.
    assert np.array_equal(chunked.draws.hours, whole.draws.hours)
    assert whole.draws.incidents is not None
    assert np.array_equal(chunked.draws.incidents, whole.draws.incidents)
    for a, b in zip(chunked.ranking, whole.ranking, strict=True):
        assert a.summary.outcome is not None and b.summary.outcome is not None
        assert np.allclose(a.summary.outcome.client_cost, b.summary.outcome.client_cost)
        assert np.allclose(a.summary.outcome.firm_cost, b.summary.outcome.firm_cost)
        assert a.summary.months == b.summary.months and a.summary.billing == b.summary.billing


def test_sums_by_role_and_phase_of_a_chunked_run_come_without_drawing_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = EXAMPLES / "scope.toml"
    whole = run(path, 3000, 5).draws
    chunks_of(monkeypatch, 1024)
    chunked = run(path, 3000, 5).draws
    calls: list[int] = []
    real = draws_module._Chunked.chunk

    def chunk(self: draws_module._Chunked, first: int):  # type: ignore[no-untyped-def]
        calls.append(first)
        return real(self, first)

    monkeypatch.setattr(draws_module._Chunked, "chunk", chunk)
    for key in ("role_hours", "phase_hours"):
        a, b = getattr(chunked, key)(), getattr(whole, key)()
        assert a.keys() == b.keys() and all(np.allclose(a[k], b[k]) for k in a)
    assert np.allclose(chunked.total_hours(), whole.total_hours())
    roles = sorted({c.role for c in chunked.columns})
    by_role = np.array([float(roles.index(c.role) + 1) for c in chunked.columns])
    assert np.allclose(chunked.dot(by_role), whole.dot(by_role))
    assert calls == []  # all of it from the per-trial sums of the first walk
    # Weights that differ inside a group (one item of a role and phase alone) need the
    # chunks: drawn again, and still the whole run's product.
    key = [(c.kind, c.role, c.phase) for c in chunked.columns]
    first = next(i for i, k in enumerate(key) if key.count(k) > 1)
    one = np.zeros(len(chunked.columns))
    one[first] = 1.0
    assert np.array_equal(chunked.dot(one), whole.hours[:, first])
    assert calls == [0, 1024, 2048]


def test_memory_of_a_chunked_run_does_not_grow_with_trials_times_items(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = "".join(
        f'[[items]]\nname = "item {i}"\nphase = "{"build" if i % 2 else "design"}"\n'
        f'role = "{"Developer" if i % 3 else "Lead"}"\nmin = 8\nlikely = 12\nmax = 30\n\n'
        for i in range(160)
    )
    scope = tmp_path / "scope.toml"
    scope.write_text(
        f'[scope]\nname = "wide"\nproject = "{EXAMPLES / "time-material.toml"}"\n\n'
        "[window]\nearliest_start = 2026-09-01\n\n" + items
    )
    trials = 40_000
    matrix = trials * 160 * 8  # the (trials, items) float64 matrix a whole run holds: 51 MB
    chunks_of(monkeypatch, 1024)
    tracemalloc.start()
    try:
        result = run(scope, trials, 3)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.draws.chunked and len(result.ranking) >= 3
    # What is kept per trial: each offer's client and firm cost, the hours of each of the
    # 4 groups (role and phase), the hours per role: some 20 float64 a trial.
    assert peak < matrix / 2, f"peak {peak / 2**20:.1f} MiB, the matrix {matrix / 2**20:.1f} MiB"
