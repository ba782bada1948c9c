"""The benchmark gate: engagekit against a floor, in paired, interleaved runs, on one machine.

A benchmark is a small module ``bench_<name>.py`` with a function ``run(bench: Bench)``; it
generates its data into ``bench.tmp`` (``bench.generate``), checks that engagekit and its floor
compute the same numbers (``bench.same``), and compares them (``bench.compare``): both sides run
in turn, A B A B ..., each pair giving one ratio, so that a change of the machine's load hits
both sides of a pair alike. The goal is checked on the median ratio over the pairs; min and max
are reported beside it. Every side is a whole process (what a user runs), started by a lean
spawner so that its peak RSS (``wait4``'s ``ru_maxrss``) is its own.

``run.py`` runs each module in its own process and prints one table; the figures go to
``benchmarks/results/<name>.json`` with the machine's CPU count, load and library versions.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
MIB = 1024 * 1024
LIBRARIES = ("engagekit", "polars", "numpy", "pyarrow", "holidays", "typer", "pluggy")


def versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "libraries": versions()}


def spread(values: Sequence[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


class Run:
    """One finished process: wall and CPU seconds, peak RSS in bytes."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.wall: float = answer["wall"]
        self.cpu: float = answer["user"] + answer["sys"]
        self.rss: int = answer["rss"]


class Spawner:
    """The lean process that starts every measured command (see spawner.py)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "spawner.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        #: the commands run since the data were last generated (see ``Bench.compare``)
        self.ran: set[tuple[str, ...]] = set()

    def run(self, argv: Sequence[str], *, stdout: Path | None = None) -> Run:
        request = {
            "argv": list(argv),
            "cwd": str(ROOT),
            "env": {**os.environ, "PYTHONHASHSEED": "0"},
            "stdout": str(stdout) if stdout else None,
        }
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        self.ran.add(tuple(argv))
        if answer["rc"] != 0:
            raise RuntimeError(f"exit {answer['rc']}: {' '.join(argv)}\n{answer['stderr']}")
        return Run(answer)

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait()


def engage(*args: str) -> list[str]:
    """The argv of an ``engage`` command run by this interpreter: what the console script runs
    (``engagekit.launch``, which answers the plain ``engage validate`` without the CLI)."""
    return [sys.executable, "-c", "from engagekit.launch import main; main()", *args]


def script(path: str, *args: str) -> list[str]:
    """The argv of a script of benchmarks/ (a floor) run by this interpreter."""
    return [sys.executable, str(HERE / path), *args]


class Bench:
    """What a benchmark module gets: a temporary folder, the spawner, and the record."""

    def __init__(self, name: str, tmp: Path, *, quick: bool = False) -> None:
        self.name = name
        self.tmp = tmp
        self.quick = quick
        self.spawner = Spawner()
        self.records: list[dict[str, Any]] = []
        self.notes: list[str] = []

    # -- data ------------------------------------------------------------------------------

    def generate(self, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` (a module-level function of the benchmark; paths arrive as str) in
        a new process, so that the memory it takes is never charged to a measured command."""
        code = (
            f"import sys; sys.path.insert(0, {str(HERE)!r}); import {self.name} as m; "
            f"import json; m.{fn.__name__}(*json.loads(sys.argv[1]))"
        )
        encoded = json.dumps([str(a) if isinstance(a, Path) else a for a in args])
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, encoded], check=True, cwd=ROOT)
        self.spawner.ran.clear()  # new data: no command has run on them yet
        self.note(
            f"{fn.__name__}({', '.join(map(str, args))}) took {time.perf_counter() - t0:.1f}s"
        )

    def output(self, argv: Sequence[str]) -> str:
        """The standard output of one run of a command (for the same-numbers checks)."""
        path = self.tmp / "output.txt"
        self.spawner.run(argv, stdout=path)
        return path.read_text()

    # -- record ----------------------------------------------------------------------------

    def note(self, text: str) -> None:
        print(f"  {text}", flush=True)
        self.notes.append(text)

    def same(self, name: str, ours: Any, floor: Any) -> bool:
        """A check that engagekit's figures equal the floor's (or what is expected)."""
        ok = ours == floor
        detail = "" if ok else f": engagekit {_short(ours)} != {_short(floor)}"
        self._goal({"kind": "same", "name": name, "ok": ok, "detail": detail})
        return ok

    def figure(
        self,
        name: str,
        value: float,
        *,
        at_most: float | None = None,
        at_least: float | None = None,
        unit: str = "",
    ) -> bool:
        """One figure against its goal (for what is not a ratio of two commands)."""
        ok = (at_most is None or value <= at_most) and (at_least is None or value >= at_least)
        self._goal(
            {
                "kind": "figure",
                "name": name,
                "value": value,
                "unit": unit,
                "at_most": at_most,
                "at_least": at_least,
                "ok": ok,
            }
        )
        return ok

    def compare(
        self,
        name: str,
        ours: Sequence[str],
        floor: Sequence[str],
        *,
        pairs: int,
        time_at_most: float | None = None,
        time_at_least: float | None = None,
        rss_at_most: float | None = None,
        labels: tuple[str, str] = ("engagekit", "floor"),
        warmup: int = 1,
    ) -> dict[str, Any]:
        """Run ``ours`` and ``floor`` in turn ``pairs`` times (after ``warmup`` pairs that are not
        counted); the goals are on the median of the per-pair ratios ours / floor.

        A side that has already run on the current data (a ``same`` check's run, as a rule)
        has had its first run, which warms the file cache and the byte-compiled sources: the
        one warm-up pair runs only the sides that have not (more warm-up pairs run in full)."""
        pairs = max(3, pairs // 2) if self.quick else pairs
        t0 = time.perf_counter()
        load0 = os.getloadavg()
        warmed = []
        for i in range(warmup):
            for side in (ours, floor):
                if i == 0 and tuple(side) in self.spawner.ran:
                    warmed.append(side)
                    continue
                self.spawner.run(side)
        a: list[Run] = []
        b: list[Run] = []
        for i in range(pairs):
            # alternate which side goes first, so neither always runs on a warm cache
            first, second = (ours, floor) if i % 2 == 0 else (floor, ours)
            r1, r2 = self.spawner.run(first), self.spawner.run(second)
            a.append(r1 if i % 2 == 0 else r2)
            b.append(r2 if i % 2 == 0 else r1)
        record: dict[str, Any] = {
            "kind": "compare",
            "name": name,
            "labels": list(labels),
            "pairs": pairs,
            "warmup": warmup,
            "warm_before": [labels[(ours, floor).index(side)] for side in warmed],
            "load_before": load0,
            "load_after": os.getloadavg(),
            "ratio": spread([x.wall / y.wall for x, y in zip(a, b, strict=True)]),
            "cpu_ratio": spread([x.cpu / max(y.cpu, 1e-9) for x, y in zip(a, b, strict=True)]),
            "rss_ratio": spread([x.rss / y.rss for x, y in zip(a, b, strict=True)]),
            "wall": [spread([x.wall for x in a]), spread([y.wall for y in b])],
            "cpu": [spread([x.cpu for x in a]), spread([y.cpu for y in b])],
            "rss_mib": [spread([x.rss / MIB for x in a]), spread([y.rss / MIB for y in b])],
            "goals": [],
        }
        med = record["ratio"]["median"]
        if time_at_most is not None:
            record["goals"].append(
                {
                    "what": "time",
                    "op": "<=",
                    "limit": time_at_most,
                    "value": med,
                    "ok": med <= time_at_most,
                }
            )
        if time_at_least is not None:
            record["goals"].append(
                {
                    "what": "time",
                    "op": ">=",
                    "limit": time_at_least,
                    "value": med,
                    "ok": med >= time_at_least,
                }
            )
        if rss_at_most is not None:
            rr = record["rss_ratio"]["median"]
            record["goals"].append(
                {
                    "what": "rss",
                    "op": "<=",
                    "limit": rss_at_most,
                    "value": rr,
                    "ok": rr <= rss_at_most,
                }
            )
        record["ok"] = all(g["ok"] for g in record["goals"])
        record["elapsed_s"] = time.perf_counter() - t0
        self.records.append(record)
        print("  " + describe(record), flush=True)
        return record

    def _goal(self, record: dict[str, Any]) -> None:
        self.records.append(record)
        print("  " + describe(record), flush=True)

    def save(self, elapsed: float) -> Path:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"{self.name}.json"
        data = {
            "bench": self.name,
            "machine": machine(),
            "quick": self.quick,
            "elapsed_s": elapsed,
            "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "notes": self.notes,
            "records": self.records,
        }
        path.write_text(json.dumps(data, indent=2) + "\n")
        return path

    def close(self) -> None:
        self.spawner.close()


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 300 else text[:300] + " ..."


def describe(record: dict[str, Any]) -> str:
    """One line of the table: PASS/FAIL, the name, and the figures."""
    mark = "PASS" if record["ok"] else "FAIL"
    if record["kind"] == "same":
        return (
            f"{mark}  {record['name']}: {'equal' if record['ok'] else 'differ'}{record['detail']}"
        )
    if record["kind"] == "figure":
        goal = (
            f"<= {record['at_most']}"
            if record["at_most"] is not None
            else f">= {record['at_least']}"
        )
        return f"{mark}  {record['name']}: {record['value']:.3f}{record['unit']} (goal {goal})"
    r, rr = record["ratio"], record["rss_ratio"]
    wa, wb = record["wall"]
    ma, mb = record["rss_mib"]
    goals = ", ".join(f"{g['what']} {g['op']} {g['limit']}" for g in record["goals"]) or "none"
    return (
        f"{mark}  {record['name']}: {r['median']:.2f}x [{r['min']:.2f}-{r['max']:.2f}] over "
        f"{record['pairs']} pairs ({wa['median']:.3f}s / {wb['median']:.3f}s); RSS "
        f"{ma['median']:.0f} / {mb['median']:.0f} MiB = {rr['median']:.2f}x; goals: {goals}; "
        f"load {record['load_before'][0]:.1f}->{record['load_after'][0]:.1f}; "
        f"{record['elapsed_s']:.0f}s"
    )


#: The packages whose start-up is measured (engagekit and the built-in plugins).
PACKAGES = (
    "engagekit",
    "engagekit_fixed_price",
    "engagekit_time_material",
    "engagekit_sla",
    "engagekit_dedicated_team",
)


def precompile() -> None:
    """Byte-compile engagekit's sources, as installing its wheel does (``nox -s bench``
    installs it so). Run from an editable install with ``PYTHONDONTWRITEBYTECODE`` set, every
    measured command would otherwise compile some seventy modules from source, which no
    installed engagekit does; compiling is skipped where the cached bytecode is current."""
    import compileall
    import importlib.util

    for name in PACKAGES:
        spec = importlib.util.find_spec(name)  # finds a top-level package without importing it
        for folder in (spec.submodule_search_locations or []) if spec else []:
            compileall.compile_dir(folder, quiet=1)


def main(module: Any, argv: Sequence[str] | None = None) -> int:
    """Run one benchmark module (``python bench_x.py [--quick]``); exit 1 when a goal fails."""
    args = list(sys.argv[1:] if argv is None else argv)
    t0 = time.perf_counter()
    precompile()
    name = Path(module.__file__).stem
    print(f"== {name}: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory(prefix=f"{name}-") as tmp:
        bench = Bench(name, Path(tmp), quick="--quick" in args)
        try:
            module.run(bench)
        finally:
            bench.close()
            elapsed = time.perf_counter() - t0
            bench.save(elapsed)
            print(f"== {name}: {elapsed:.0f}s", flush=True)
    return 0 if all(r["ok"] for r in bench.records) else 1
