"""`engage compare` of a 200-item scope at 10,000 trials under four models, against estimating
the single most expensive proposal alone.

The scope (generated into a temporary folder) has 200 three-point work items in 10 phases over
5 roles, a risk event, a deadline and a run phase, so that the four built-in models propose and
the fixed-price-then-T&M mix is built as well. The most expensive proposal to estimate is the
fixed price (its own Monte Carlo of the 200 items, then the fixed team's finish dates): the
generator writes that very component, as the fixed-price model proposed it, into a project file
of its own, and `engage estimate --trials 10000` of it is the baseline. Both sides must agree on
the fixed price.

Goal (issue 15): median time at most 1.5x the baseline's: the trials are drawn once for all.

Memory (issue 17): `engage compare --trials 500000` of the same scope against a floor that holds
the (trials, items + risks) float64 matrix of its draws (floors/draws_matrix_floor.py, 800 MB
here) and does nothing else: median peak RSS at most 0.75x the floor's, since a run that large
is drawn and settled in chunks of trials and never holds the matrix.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import gate

TRIALS = 10_000
ITEMS = 200
PHASES = 10
ROLES = ("analyst", "designer", "developer", "lead", "tester")


def generate(folder: str) -> None:
    """``rates.toml``, ``scope.toml`` and ``proposal.toml`` (the fixed-price proposal alone)."""
    from datetime import date
    from decimal import Decimal

    import attrs
    import numpy as np
    import tomli_w

    from engagekit import create_engine
    from engagekit.compare import load_scope, plan_delivery
    from engagekit.compare.draws import draw
    from engagekit.compare.offers import propose_all

    rng = np.random.default_rng(2026)
    rates = {
        "project": {"name": "bench", "currency": "EUR"},
        "calendar": {"timezone": "Europe/Berlin", "country": "DE", "hours": "8x5"},
        "rate_card": {
            "rates": [
                {"role": r, "bill": 100 + 10 * i, "cost": 50 + 5 * i} for i, r in enumerate(ROLES)
            ]
        },
        "components": [],
    }
    items = []
    for p in range(PHASES):
        for i in range(ITEMS // PHASES):
            low = int(rng.integers(4, 40))
            likely = low + int(rng.integers(1, 30))
            items.append(
                {
                    "name": f"item {p}.{i}",
                    "phase": f"phase {p + 1}",
                    "role": ROLES[(p + i) % len(ROLES)],
                    "min": low,
                    "likely": likely,
                    "max": likely + int(rng.integers(1, 60)),
                }
            )
    scope = {
        "scope": {"name": "bench", "project": "rates.toml", "requirements": "evolving"},
        "window": {"earliest_start": date(2026, 1, 5), "deadline": date(2026, 12, 18)},
        "items": items,
        "risks": [{"name": "r", "role": "developer", "probability": Decimal("0.2"), "impact": 200}],
        "run": {"months": 12, "incidents_per_month": 30, "handling_hours": 2, "role": "tester"},
    }
    Path(folder, "rates.toml").write_text(tomli_w.dumps(rates))
    Path(folder, "scope.toml").write_text(tomli_w.dumps(scope))

    engine = create_engine()
    loaded, project = load_scope(Path(folder, "scope.toml"), engine.models)
    delivery = attrs.evolve(loaded, run=None)
    plan = plan_delivery(project, delivery)
    draws = draw(loaded, trials=TRIALS, seed=1)
    fixed = propose_all(engine, project, loaded, draws, plan)["fixed-price"]
    component = fixed.component
    proposal = dict(rates)
    proposal["components"] = [
        {
            "name": component.name,
            "model": component.model,
            "start": component.start,
            "end": component.end,
            "settings": fixed.details["settings"],
        }
    ]
    Path(folder, "proposal.toml").write_text(tomli_w.dumps(proposal))


def _fixed_price(compare_json: str) -> str:
    doc = json.loads(compare_json)
    offer = next(o for o in doc["offers"] if o["models"] == ["fixed-price", "sla"])
    return next(t for t in offer["terms"] if t.startswith("fixed-price:"))


def run(bench: gate.Bench) -> None:
    bench.generate(generate, str(bench.tmp))
    trials = "1000" if bench.quick else str(TRIALS)
    ours = gate.engage("compare", str(bench.tmp / "scope.toml"), "--trials", trials, "--json")
    alone = gate.engage("estimate", str(bench.tmp / "proposal.toml"), "--trials", trials, "--json")
    compared = bench.output(ours)
    bench.same("compare: four models and the mix", len(json.loads(compared)["offers"]), 4)
    estimate = json.loads(bench.output(alone))
    bench.same("estimate: the fixed-price proposal alone", len(estimate["components"]), 1)
    bench.note(_fixed_price(compared))
    bench.compare(
        "compare (4 models) / estimate of the fixed price alone",
        ours,
        alone,
        pairs=3 if bench.quick else 5,
        time_at_most=1.5,
    )
    many = "50000" if bench.quick else "500000"
    bench.compare(
        f"compare at {many} trials / the matrix of its draws: peak RSS",
        gate.engage("compare", str(bench.tmp / "scope.toml"), "--trials", many, "--json"),
        gate.script("floors/draws_matrix_floor.py", str(bench.tmp / "scope.toml"), many),
        pairs=3,
        warmup=0,
        rss_at_most=None if bench.quick else 0.75,
        labels=("engagekit", "matrix"),
    )


if __name__ == "__main__":
    sys.exit(gate.main(sys.modules[__name__]))
