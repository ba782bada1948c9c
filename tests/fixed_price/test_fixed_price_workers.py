"""Monte Carlo over a process pool: reproducible for a seed, trials and number of workers."""

from __future__ import annotations

import itertools
import json
import mmap
import os
import time

import numpy as np
import pytest
import tomli_w
from typer.testing import CliRunner

import engagekit
from engagekit.cli import build_app
from engagekit_fixed_price import simulate as sim
from engagekit_fixed_price.pert import beta_parameters
from tests.fixed_price.test_fixed_price_estimate import EXAMPLES

LOW = np.array([2.0, 5.0, 1.0, 8.0, 3.0])
MODE = np.array([4.0, 6.0, 1.0, 9.0, 7.0])
HIGH = np.array([9.0, 12.0, 1.0, 20.0, 8.0])
WEIGHTS = np.array([[1.0, 100.0], [1.0, 90.0], [1.0, 80.0], [1.0, 70.0], [1.0, 60.0]])


def run(workers: int, trials: int = 10_001, **kw) -> np.ndarray:
    return sim.simulate(LOW, MODE, HIGH, WEIGHTS, trials=trials, seed=99, workers=workers, **kw)


def test_same_seed_and_workers_give_the_same_trials() -> None:
    np.testing.assert_array_equal(run(2), run(2))
    # the chunk size changes no variate; the matrix product may round a row at a block's
    # tail otherwise in the last bit (BLAS's kernels for the remainder rows)
    np.testing.assert_allclose(run(3), run(3, chunk_elements=64), rtol=1e-15, atol=0)


def bounds_of(trials: int, workers: int) -> list[int]:
    n = min(trials, workers * sim.CHUNKS_PER_WORKER)
    return [trials * i // n for i in range(n + 1)]


def test_each_range_is_drawn_from_a_child_seed() -> None:
    trials, workers = 10_001, 3
    out = run(workers, trials)
    bounds = bounds_of(trials, workers)
    assert len(bounds) == workers * sim.CHUNKS_PER_WORKER + 1
    varying = HIGH > LOW
    alpha, beta = beta_parameters(LOW[varying], MODE[varying], HIGH[varying])
    span = (HIGH - LOW)[varying]
    for i, child in enumerate(np.random.SeedSequence(99).spawn(len(bounds) - 1)):
        rows = bounds[i + 1] - bounds[i]
        draws = np.random.Generator(np.random.PCG64(child)).beta(alpha, beta, size=(rows, 4))
        expected = LOW @ WEIGHTS + (draws * span) @ WEIGHTS[varying]
        np.testing.assert_allclose(out[bounds[i] : bounds[i + 1]], expected, rtol=1e-12)


def test_spawned_workers_give_what_forked_ones_do(monkeypatch: pytest.MonkeyPatch) -> None:
    forked = run(2, 2_000)
    monkeypatch.setattr(sim, "_forks", lambda: False)
    np.testing.assert_array_equal(run(2, 2_000), forked)


def test_workers_sample_the_same_distribution() -> None:
    one, two = run(1, 40_000), run(2, 40_000)
    assert not np.array_equal(one, two)
    np.testing.assert_allclose(one.mean(axis=0), two.mean(axis=0), rtol=5e-3)
    assert len(run(8, 3)) == 3  # more workers than trials


def test_cli_workers_are_reproducible_and_bounded() -> None:
    runner = CliRunner()
    args = ["estimate", str(EXAMPLES / "fixed-price.toml"), "--seed", "7", "--trials", "3000"]
    one = runner.invoke(build_app(engagekit.create_engine()), [*args, "--workers", "2", "--json"])
    two = runner.invoke(build_app(engagekit.create_engine()), [*args, "--workers", "2", "--json"])
    assert one.exit_code == 0, one.output
    assert json.loads(one.output) == json.loads(two.output)
    bad = runner.invoke(build_app(engagekit.create_engine()), [*args, "--workers", "0"])
    assert bad.exit_code == 2


def test_in_processes_returns_each_tasks_result_in_order() -> None:
    data = np.arange(10.0)
    tasks = [lambda i=i: (i, float(data[i::3].sum()), os.getpid()) for i in range(3)]
    results = sim.in_processes(tasks)
    assert [r[:2] for r in results] == [(i, float(data[i::3].sum())) for i in range(3)]
    assert results[0][2] == os.getpid()  # the first runs here, the others in children
    assert len({r[2] for r in results}) == 3


def test_a_failing_child_task_raises_here_and_no_child_is_left() -> None:
    ran_here: list[int] = []

    def fails() -> None:
        ran_here.append(os.getpid())
        raise engagekit.InputError("no capacity", field="team")

    with pytest.raises(engagekit.InputError, match="no capacity"):
        sim.in_processes([lambda: 1, fails])
    assert ran_here == [os.getpid()]  # run again here, after the child failed
    shared = np.frombuffer(mmap.mmap(-1, 8), dtype=np.int64)

    def sleeps() -> None:
        shared[0] = os.getpid()
        time.sleep(30)

    def waits_then_fails() -> None:
        for _ in range(500):
            if shared[0]:
                break
            time.sleep(0.01)
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        sim.in_processes([waits_then_fails, sleeps])
    assert shared[0]
    with pytest.raises(ProcessLookupError):  # the sleeping child was stopped and reaped
        os.kill(int(shared[0]), 0)


def test_summaries_split_over_workers_give_the_same_figures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from engagekit_fixed_price import estimation

    runner = CliRunner()
    args = ["estimate", str(EXAMPLES / "fixed-price.toml"), "--seed", "7", "--trials", "4000"]
    args += ["--workers", "3", "--json"]
    monkeypatch.setattr(estimation, "_SPLIT_TRIALS", 10**9)
    one = runner.invoke(build_app(engagekit.create_engine()), args)
    monkeypatch.setattr(estimation, "_SPLIT_TRIALS", 1)
    split = runner.invoke(build_app(engagekit.create_engine()), args)
    assert one.exit_code == 0, one.output
    assert json.loads(split.output) == json.loads(one.output)


def test_then_runs_where_each_range_is_drawn_and_writes_shared_memory() -> None:
    trials, workers = 10_001, 3
    marks = sim.empty((trials,), np.int64, shared=True)

    def then(rows: np.ndarray, first: int, last: int) -> tuple[int, int, float, int]:
        marks[first:last] = os.getpid()
        return first, last, float(rows[:, 0].sum()), os.getpid()

    out, results = sim.simulate_each(
        LOW, MODE, HIGH, WEIGHTS, trials=trials, seed=99, workers=workers, then=then
    )
    np.testing.assert_array_equal(out, run(workers, trials))
    bounds = bounds_of(trials, workers)
    assert [r[:2] for r in results] == list(itertools.pairwise(bounds))
    assert [r[2] for r in results] == [float(out[a:b, 0].sum()) for a, b, _, _ in results]
    # the ranges are taken from a queue: any process may draw any number of them
    assert os.getpid() in {r[3] for r in results}
    assert len({r[3] for r in results}) <= workers
    for first, last, _, pid in results:
        assert set(marks[first:last]) == {pid}


def test_finish_days_of_ranges_apart_are_those_of_all_the_trials(tmp_path) -> None:
    from engagekit_fixed_price.estimation import _capacity, _schedule_rows
    from engagekit_fixed_price.work import build_plan
    from tests.fixed_price import _project as fp

    doc = fp.project(fp.settings())
    path = tmp_path / "fp.toml"
    path.write_text(tomli_w.dumps(doc))
    project = engagekit.create_engine().load_project(path)
    (component,) = project.components
    plan = build_plan(component.settings, component, project.calendar)
    rng = np.random.default_rng(5)
    hours = rng.uniform(10, 900, (2_000, len(plan.roles)))
    hours[1_500:] *= 6  # the last range needs a longer horizon than the first
    whole = np.empty(len(hours), dtype=np.int64)
    alone = _capacity(
        project, component, plan, [_schedule_rows(project, component, plan, hours, whole)]
    )
    apart = np.empty(len(hours), dtype=np.int64)
    parts = [
        _schedule_rows(project, component, plan, hours[a:b], apart[a:b])
        for a, b in ((0, 1_000), (1_000, 2_000))
    ]
    assert parts[0][3] < parts[1][3]
    np.testing.assert_array_equal(apart, whole)
    assert _capacity(project, component, plan, parts) == alone


def test_ranges_of_a_child_that_fails_are_drawn_here(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = run(2, 4_000)
    parent, real = os.getpid(), sim._draw

    def draw(*args, **kw):
        if os.getpid() != parent:
            raise MemoryError("a child that dies")
        return real(*args, **kw)

    monkeypatch.setattr(sim, "_draw", draw)
    np.testing.assert_array_equal(run(2, 4_000), expected)
