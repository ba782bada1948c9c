"""The Dask executor on a ``distributed.LocalCluster`` (loopback, two single-thread workers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engagekit.errors import InputError
from engagekit.portfolio import EngineSpec, Operation, run_portfolio
from engagekit.portfolio import cluster as dask_executor
from tests.portfolio.test_runner import BUNDLED, CRASH

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    # One failure is enough to call a task fatal: each retry costs a worker restart.
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            worker_dashboard_address=None,
        ) as cluster,
    ):
        yield cluster.scheduler_address


def test_dask_gives_the_serial_answers_with_the_same_seed(scheduler: str) -> None:
    op = Operation("estimate", seed=11, trials=400)
    serial = run_portfolio(BUNDLED, op)
    on_dask = run_portfolio(BUNDLED, op, executor="dask", scheduler=scheduler)
    assert on_dask == serial
    assert serial.ok


def test_a_dask_worker_dying_fails_its_project_and_the_rest_finish(
    scheduler: str, crash_projects
) -> None:
    files = crash_projects(5, dying={1})
    result = run_portfolio(
        files, Operation("bill", period="2026-03"), spec=CRASH, executor="dask", scheduler=scheduler
    )
    assert [f.file for f in result.failures] == [str(files[1])]
    assert "worker process running this project died" in result.failures[0].error
    assert [r.project for r in result.results] == [f"Project {i}" for i in (0, 2, 3, 4)]


def test_an_unreachable_scheduler_names_address_and_reason(monkeypatch) -> None:
    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 1)
    address = "tcp://127.0.0.1:9"
    with pytest.raises(InputError) as info:
        run_portfolio(BUNDLED, Operation("staff"), executor="dask", scheduler=address)
    text = str(info.value)
    assert f"cannot reach the Dask scheduler at {address}: " in text
    assert len(text.split(": ", 2)[-1]) > 3  # a reason follows


def test_a_refused_port_is_said_at_once(monkeypatch) -> None:
    import socket
    import time

    with socket.socket() as s:  # a port nothing listens on: bound, then closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(InputError, match=f"connection refused .*port {port} of 127.0.0.1"):
        run_portfolio(
            BUNDLED, Operation("staff"), executor="dask", scheduler=f"tcp://127.0.0.1:{port}"
        )
    assert time.monotonic() - started < dask_executor.CONNECT_TIMEOUT / 2


def test_an_unknown_host_is_named() -> None:
    with pytest.raises(InputError, match=r"unknown host 'no-such-host\.invalid'"):
        run_portfolio(
            BUNDLED,
            Operation("staff"),
            executor="dask",
            scheduler="tcp://no-such-host.invalid:8786",
        )


def test_dask_needs_a_scheduler() -> None:
    with pytest.raises(InputError, match="needs --scheduler"):
        run_portfolio(BUNDLED, Operation("staff"), executor="dask", spec=EngineSpec())
