"""The portfolio runner: one process, a process pool; each answer as the single-project one."""

from __future__ import annotations

from pathlib import Path

import pytest

import engagekit
from engagekit import output
from engagekit.errors import InputError
from engagekit.period import Period
from engagekit.portfolio import EngineSpec, Operation, ProjectFailure, run_portfolio
from engagekit.workspace import open_workspace
from tests.conftest import EXAMPLES

CRASH = EngineSpec(plugins=("tests.portfolio.crashing:plugin",))
BUNDLED = open_workspace(EXAMPLES).project_files()


def test_each_project_answers_as_alone() -> None:
    engine = engagekit.create_engine()
    result = run_portfolio(BUNDLED, Operation("bill", period="2026-03"), engine=engine)
    assert result.ok
    assert [r.file for r in result.results] == [str(p) for p in BUNDLED]
    for r in result.results:
        alone = engine.bill(engine.load_project(r.file), Period.parse("2026-03"))
        assert r.doc == output.bill_doc(alone)
        assert r.summary["invoices"][0]["total"] == output.jsonable(alone.invoices[0].total)


def test_a_failing_project_is_named_and_the_others_go_on(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[project]\nname = "Bad"\ncurrency = "EUR"\ncomponents = 3\n')
    files = [BUNDLED[0], bad, BUNDLED[1]]
    result = run_portfolio(files, Operation("staff", documents=False))
    assert [r.file for r in result.results] == [str(BUNDLED[0]), str(BUNDLED[1])]
    (failure,) = result.failures
    assert failure.file == str(bad)
    assert "bad.toml" in failure.error and "components" in failure.error
    assert all(r.doc is None for r in result.results)


def test_two_projects_of_one_name(tmp_path: Path, crash_projects) -> None:
    a, b = crash_projects(2)
    b.write_text(a.read_text())
    result = run_portfolio([a, b], Operation("bill", period="2026-03"), spec=CRASH)
    assert [r.file for r in result.results] == [str(a)]
    (failure,) = result.failures
    assert failure.file == str(b)
    assert f"two projects are named 'Project 0': {a} and {b}" in failure.error


def test_bad_options_are_input_errors() -> None:
    with pytest.raises(InputError, match="billing needs a period"):
        Operation("bill")
    with pytest.raises(InputError, match="not a period"):
        Operation("measure", period="March")
    with pytest.raises(InputError, match="workers must be at least 1"):
        run_portfolio(BUNDLED, Operation("staff"), workers=0)
    with pytest.raises(InputError, match="unknown executor"):
        run_portfolio(BUNDLED, Operation("staff"), executor="spark")


def test_pool_gives_the_serial_answers_with_the_same_seed() -> None:
    op = Operation("estimate", seed=7, trials=500)
    serial = run_portfolio(BUNDLED[:4], op)
    pooled = run_portfolio(BUNDLED[:4], op, workers=2)
    assert pooled == serial
    assert serial.ok


def test_a_worker_dying_fails_its_project_and_the_rest_finish(crash_projects) -> None:
    files = crash_projects(6, dying={2})
    result = run_portfolio(files, Operation("bill", period="2026-03"), spec=CRASH, workers=2)
    assert [f.file for f in result.failures] == [str(files[2])]
    assert "worker process running this project died" in result.failures[0].error
    assert [r.project for r in result.results] == [f"Project {i}" for i in (0, 1, 3, 4, 5)]
    assert [r.summary["invoices"][0]["total"] for r in result.results] == [
        "100.00",
        "101.00",
        "103.00",
        "104.00",
        "105.00",
    ]
    assert isinstance(result.failures[0], ProjectFailure)


def test_a_worker_dying_in_one_chunk_of_many_fails_only_its_project(crash_projects) -> None:
    from engagekit.portfolio.pool import CHUNK

    n = 3 * CHUNK + 3  # chunks in flight on both workers, and queued ones after the break
    files = crash_projects(n, dying={CHUNK + 2})
    result = run_portfolio(files, Operation("bill", period="2026-03"), spec=CRASH, workers=2)
    assert [f.file for f in result.failures] == [str(files[CHUNK + 2])]
    assert [r.summary["invoices"][0]["total"] for r in result.results] == [
        f"{100 + i}.00" for i in range(n) if i != CHUNK + 2
    ]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_stream_gives_documents_in_file_order_and_keeps_none(workers, crash_projects) -> None:
    from engagekit.portfolio.runner import stream_portfolio

    files = crash_projects(7)
    # a pool finishes projects in any order; the stream puts them back in file order
    stream = stream_portfolio(
        files, Operation("bill", period="2026-03"), spec=CRASH, workers=workers
    )
    seen = [(r.file, r.doc is not None) for r in stream]
    assert seen == [(str(f), True) for f in files]
    assert [r.file for r in stream.result.results] == [str(f) for f in files]
    assert all(r.doc is None for r in stream.result.results)  # dropped once streamed
    kept = run_portfolio(files, Operation("bill", period="2026-03"), spec=CRASH)
    assert [r.summary for r in stream.result.results] == [r.summary for r in kept.results]
    assert [r.doc for r in kept.results] == [r.doc for r in stream_docs(files)]


def stream_docs(files):  # type: ignore[no-untyped-def]
    from engagekit.portfolio.runner import stream_portfolio

    return list(stream_portfolio(files, Operation("bill", period="2026-03"), spec=CRASH))


def test_a_stream_read_halfway_has_no_result(crash_projects) -> None:
    from engagekit.portfolio.runner import stream_portfolio

    stream = stream_portfolio(crash_projects(2), Operation("bill", period="2026-03"), spec=CRASH)
    next(iter(stream))
    with pytest.raises(RuntimeError, match="to its end"):
        _ = stream.result
