"""Fixed-price Monte Carlo: 100,000 trials x 200 work items, against bare numpy in the same run.

The project has 200 three-point work items in 10 phases over 5 roles, a fixed team, a German
calendar. Checks:

- the whole ``Engine.estimate`` (beta-PERT draws, per-trial sums of effort and cost per phase
  and role, percentiles, the price build-up, finish dates from the team's capacity, the
  engine's joint combination) takes at most 1.2x the time of drawing the same 100,000 x 200
  beta variates with one bare ``numpy`` call;
- the memory it allocates at its peak (tracemalloc, numpy included) is at most 64 MiB: the
  trials are drawn in chunks (the bare numpy draw needs 153 MiB for the same variates).

Run as a script: ``python benchmarks/bench_fixed_price.py``; exit 1 when a limit fails.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import harness

import engagekit
from engagekit_fixed_price.pert import beta_parameters

TRIALS = 100_000
ITEMS = 200
PHASES = 10
ROLES = ("analyst", "designer", "developer", "lead", "tester")
SEED = 7
MIB = 1024 * 1024


def project_dict() -> dict:
    rng = np.random.default_rng(2026)
    phases = []
    for p in range(PHASES):
        items = []
        for i in range(ITEMS // PHASES):
            low = int(rng.integers(4, 40))
            likely = low + int(rng.integers(1, 30))
            high = likely + int(rng.integers(1, 60))
            items.append(
                {
                    "name": f"item {p}.{i}",
                    "role": ROLES[(p + i) % len(ROLES)],
                    "min": low,
                    "likely": likely,
                    "max": high,
                    "new_technology": bool(i == 0),
                }
            )
        phases.append({"name": f"phase {p + 1}", "items": items})
    return {
        "project": {"name": "bench", "currency": "EUR"},
        "calendar": {"timezone": "Europe/Berlin", "country": "DE", "hours": "8x5"},
        "rate_card": {
            "rates": [{"role": r, "bill": 100, "cost": 50 + 5 * i} for i, r in enumerate(ROLES)]
        },
        "components": [
            {
                "name": "fixed",
                "model": "fixed-price",
                "start": date(2026, 1, 5),
                "end": date(2026, 12, 18),
                "settings": {
                    "risk_buffer": Decimal(5),
                    "contingency": "to-p90",
                    "margin": Decimal(15),
                    "round_to": Decimal(1000),
                    "phases": phases,
                    "team": [{"role": r, "fte": 2} for r in ROLES],
                },
            }
        ],
    }


def main() -> int:
    engine = engagekit.create_engine()
    with tempfile.TemporaryDirectory() as tmp:
        project = engine.project_from_dict(project_dict(), base_dir=Path(tmp))
    component = project.components[0]
    items = [it for ph in component.settings.phases for it in ph.items]
    low = np.array([float(it.min) for it in items])
    mode = np.array([float(it.likely) for it in items])
    high = np.array([float(it.max) for it in items])
    alpha, beta = beta_parameters(low, mode, high)
    seed = engagekit.EstimateOptions(seed=SEED, trials=TRIALS).seed_for(component.name)

    def bare() -> None:
        rng = np.random.Generator(np.random.PCG64(seed))
        rng.beta(alpha, beta, size=(TRIALS, ITEMS))

    def ours() -> None:
        engine.estimate(project, seed=SEED, trials=TRIALS)

    print(
        f"fixed-price Monte Carlo: {TRIALS:,} trials x {ITEMS} items ({harness.cpu_note()}; "
        "medians of 7, other work on the machine adds noise)"
    )
    base_times, our_times = [], []
    for _ in range(7):  # interleaved, so that drift in machine load hits both alike
        base_times.append(harness.median_time(bare, repeat=1, warmup=0))
        our_times.append(harness.median_time(ours, repeat=1, warmup=0))
    base_times.sort()
    our_times.sort()
    t_base, t_ours = base_times[3], our_times[3]
    print(f"  bare numpy beta draws: {t_base:.3f} s; engine.estimate: {t_ours:.3f} s")
    harness.check("estimate time / bare numpy beta draws", t_ours / t_base, 1.2)
    peak = harness.peak_memory(ours)
    bare_peak = harness.peak_memory(bare)
    print(
        f"  peak memory: estimate {peak / MIB:.1f} MiB, bare numpy draw {bare_peak / MIB:.1f} MiB"
    )
    harness.check("estimate peak memory", peak / MIB, 64, unit=" MiB")
    harness.save("bench_fixed_price")
    return 1 if harness.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
