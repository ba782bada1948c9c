"""``--executor dask --scheduler ADDRESS``: the portfolio over a Dask distributed cluster.

The same ``run_one`` as the local runs, mapped over the files; each Dask worker process builds
its engine once. Results come back in file order, so they are identical to a serial run with the
same seed. A worker that dies while running a project is retried by the scheduler up to
``distributed.scheduler.allowed-failures`` times (``KilledWorker`` after that); each project so
lost is then run once more alone, and reported failed if its worker dies again, while the other
projects finish.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from engagekit.errors import InputError
from engagekit.portfolio.operations import Operation
from engagekit.portfolio.runner import EngineSpec, Outcome, Progress, ProjectFailure, run_one

__all__ = ["CONNECT_TIMEOUT", "connect", "run_on_dask"]

#: Seconds to wait for the scheduler before saying it can't be reached.
CONNECT_TIMEOUT = 10


def connect(address: str) -> Any:
    """A client of the scheduler at ``address``; an error naming it and why when it can't be
    reached."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError(
            "the dask executor needs the distributed package",
            hint="pip install 'engagekit[dask]'",
        ) from None
    try:
        _probe(address)
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(
            f"cannot reach the Dask scheduler at {address}: {reason}",
            field="scheduler",
            hint="start one with `dask scheduler`, and workers with `dask worker ADDRESS`",
        ) from None


def _probe(address: str) -> None:
    """For a plain TCP address, one connection attempt: a refused port or an unknown host is
    said at once and as such (the client retries either until its time-out, then says only
    that it timed out)."""
    import socket
    from urllib.parse import urlsplit

    if "://" in address and not address.startswith("tcp://"):
        return  # tls://, ucx://, inproc://: left to the client
    try:
        parts = urlsplit(address if "://" in address else f"tcp://{address}")
        host, port = parts.hostname, parts.port
    except ValueError:
        return  # the client names what is wrong with it
    if not host or port is None:
        return
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT):
            pass
    except ConnectionRefusedError:
        raise OSError(f"connection refused (nothing listens on port {port} of {host})") from None
    except socket.gaierror as exc:
        raise OSError(f"unknown host {host!r} ({exc.strerror})") from None


def run_on_dask(
    files: Sequence[str],
    operation: Operation,
    spec: EngineSpec,
    client: Any,
    progress: Progress | None,
) -> Iterator[Outcome]:
    """Each project's outcome in file order, on the cluster of ``client`` (closed at the end)."""
    try:
        futures = client.map(
            run_one,
            list(files),
            operation=operation,
            spec=spec,
            pure=False,
            key=[f"engage-{i}" for i in range(len(files))],
        )
        # In file order: each result is released as soon as it is read, and the cluster keeps
        # computing the ones behind it meanwhile.
        for done, (future, file) in enumerate(zip(futures, files, strict=True), start=1):
            outcome = _outcome(future, file)
            if outcome is None:
                # Its worker died; the project that killed it may have been a neighbour on the
                # same worker. Alone on the cluster, only the guilty one dies again.
                outcome = _outcome(
                    client.submit(run_one, file, operation=operation, spec=spec, pure=False), file
                ) or ProjectFailure(file, "the worker process running this project died")
            future.release()
            if progress:
                progress(done, len(files), outcome)
            yield outcome
    finally:
        client.close()


def _outcome(future: Any, file: str) -> Outcome | None:
    """The project's outcome, or None when the worker running it died (``KilledWorker``)."""
    try:
        outcome: Outcome = future.result()
    except Exception as exc:
        if type(exc).__name__ == "KilledWorker":
            return None
        return ProjectFailure(file, f"{type(exc).__name__}: {exc}")
    return outcome
