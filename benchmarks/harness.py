"""Shared helpers of the benchmarks: medians of repeated timings, peak memory, ratio checks.

Every benchmark times engagekit against a baseline in the same run and reports the ratio of
medians, because the machine is noisy and absolute times mean little.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS: list[dict[str, Any]] = []


def median_time(fn: Callable[[], Any], *, repeat: int = 5, warmup: int = 1) -> float:
    """Median wall-clock seconds of ``fn()`` over ``repeat`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def median_command(
    argv: list[str], *, repeat: int = 15, env: dict[str, str] | None = None
) -> float:
    """Median wall-clock seconds of running a command (for start-up times)."""

    def run() -> None:
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)

    return median_time(run, repeat=repeat, warmup=2)


def peak_memory(fn: Callable[[], Any]) -> int:
    """Peak bytes allocated through Python's allocator (numpy included) while ``fn()`` runs."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def peak_rss_of(argv: list[str]) -> int:
    """Peak resident set size in bytes of a child process (Linux ``ru_maxrss``)."""
    code = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *argv], check=True, capture_output=True, text=True
    )
    return int(out.stdout.strip()) * 1024


def check(name: str, value: float, limit: float, *, unit: str = "x", better: str = "lower") -> bool:
    """Record and print one figure against its limit; returns whether it passed."""
    ok = value <= limit if better == "lower" else value >= limit
    sign = "<=" if better == "lower" else ">="
    print(f"  {'PASS' if ok else 'FAIL'}  {name}: {value:.3f}{unit} (limit {sign} {limit}{unit})")
    RESULTS.append({"name": name, "value": value, "limit": limit, "unit": unit, "ok": ok})
    return ok


def save(bench: str) -> None:
    """Write this benchmark's figures to benchmarks/results/<bench>.json."""
    folder = Path(__file__).parent / "results"
    folder.mkdir(exist_ok=True)
    (folder / f"{bench}.json").write_text(json.dumps(RESULTS, indent=2) + "\n")


def failed() -> bool:
    return any(not r["ok"] for r in RESULTS)


def cpu_note() -> str:
    return f"{os.cpu_count()} cores, python {sys.version.split()[0]}"
