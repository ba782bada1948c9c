"""Run the benchmark gate (``nox -s bench``): every ``bench_*.py``, each in its own process.

``python benchmarks/run.py [--quick] [NAME ...]``: only the benchmarks whose name contains one
of the NAMEs; ``--quick`` runs the small sizes with fewer pairs (for development; the gate is the
full run). Prints one table of every goal at the end; exits 1 only when a goal is missed by its
median (or a same-numbers check fails, or a benchmark cannot run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import gate


def main() -> int:
    args = sys.argv[1:]
    flags = [a for a in args if a.startswith("--")]
    selected = [a for a in args if not a.startswith("--")]
    status = 0
    ran = []
    t0 = time.perf_counter()
    for bench in sorted(gate.HERE.glob("bench_*.py")):
        if selected and not any(s in bench.stem for s in selected):
            continue
        result = gate.RESULTS / f"{bench.stem}.json"
        result.unlink(missing_ok=True)
        code = subprocess.run([sys.executable, str(bench), *flags], cwd=gate.ROOT).returncode
        if code and not result.exists():
            print(f"FAIL  {bench.stem} could not run (exit {code})")
        status |= code
        ran.append(result)
    total = time.perf_counter() - t0
    print(f"\n== summary ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")
    for path in ran:
        if not path.exists():
            continue
        data = json.loads(Path(path).read_text())
        print(f"-- {data['bench']}: {data['elapsed_s']:.0f}s")
        for record in data["records"]:
            print(gate.describe(record))
    print(f"== {len(ran)} benchmarks in {total / 60:.1f} min")
    return 1 if status else 0


if __name__ == "__main__":
    sys.exit(main())
