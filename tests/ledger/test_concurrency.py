"""Numbering under concurrency and crashes, on both backends.

8 processes issue 50 invoices each into one series: the numbers are exactly 1..400. A process
killed with SIGKILL at random points while issuing, 100 times: the ledger still verifies and
its numbers have no gap.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from engagekit.ledger.integrity import verify
from engagekit.ledger.store import Ledger
from tests.conftest import ROOT
from tests.ledger.helpers import SERIES, issue_one


def _numbers(url: str) -> list[int]:
    ledger = Ledger.open(url, SERIES)
    try:
        assert verify(ledger).ok, verify(ledger).problems
        return sorted(r.sequence for r in ledger.records())
    finally:
        ledger.close()


def test_eight_processes_fifty_invoices_each(database_url: str) -> None:
    Ledger.open(database_url, SERIES).close()  # schema first: the workers then only issue
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ENGAGEKIT_LOCK_TIMEOUT": "120"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.ledger.helpers", database_url, f"w{i}", "50"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(8)
    ]
    printed = []
    for w in workers:
        out, err = w.communicate(timeout=600)
        assert w.returncode == 0, err
        printed += out.split()
    assert sorted(printed) == [f"INV-2026-{n:05}" for n in range(1, 401)]
    assert _numbers(database_url) == list(range(1, 401))


def _issue_forever(url: str, prefix: str, tell: int) -> None:
    """In a forked child: issue until killed, writing one byte to ``tell`` after each invoice
    is committed (the first of an engine compiles its statements, slowly)."""
    ledger = Ledger.open(url, SERIES)
    i = 0
    while True:
        issue_one(ledger, f"{prefix}-{i}", lines=5)
        os.write(tell, b"r")
        i += 1


def _read(fd: int, n: int) -> bytes:
    """``n`` bytes from ``fd``, fewer only at its end (the writer has gone)."""
    data = b""
    while len(data) < n and (chunk := os.read(fd, n - len(data))):
        data += chunk
    return data


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_sigkill_at_random_points_leaves_no_gap(database_url: str) -> None:
    # Each child is killed at a random moment after its first to third invoice is in: counted
    # in invoices, not in milliseconds, so that a loaded machine (a slow issue) changes where
    # the kills land, never what the test can assert.
    Ledger.open(database_url, SERIES).close()
    rng = random.Random(20260301)
    reported = 0
    for kill in range(100):
        ready, tell = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child never returns into pytest
            try:
                os.close(ready)
                _issue_forever(database_url, f"k{kill}", tell)
            finally:
                os._exit(0)
        os.close(tell)
        wait_for = rng.randint(1, 3)
        got = _read(ready, wait_for)
        assert got == b"r" * wait_for, f"child {kill} stopped after {len(got)} invoices"
        time.sleep(rng.uniform(0.0, 0.05))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        reported += len(got) + len(_read(ready, 1 << 20))  # and what it said meanwhile
        os.close(ready)
    numbers = _numbers(database_url)
    assert numbers == list(range(1, len(numbers) + 1))
    # every invoice a child said was in is in; at most one per child was committed unsaid
    assert reported <= len(numbers) <= reported + 100
    # and the ledger keeps working after the crashes
    ledger = Ledger.open(database_url, SERIES)
    assert issue_one(ledger, "after").sequence == len(numbers) + 1
    ledger.close()
