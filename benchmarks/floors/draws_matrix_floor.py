"""The memory floor of a comparison that holds all its draws: the ``(trials, items + risks)``
float64 matrix of a scope's hours, drawn and summed per trial, and nothing else.

Written without engagekit, from the scope file's documented format: each ``[[items]]`` entry
is a three-point estimate ``min, likely, max`` drawn from its beta-PERT distribution, each
``[[risks]]`` entry happens with its probability. Prints the mean total hours per trial.

Run: python floors/draws_matrix_floor.py SCOPE.toml TRIALS
"""

from __future__ import annotations

import sys
import tomllib

import numpy as np


def main() -> None:
    scope = tomllib.load(open(sys.argv[1], "rb"))  # noqa: SIM115
    trials = int(sys.argv[2])
    items = scope.get("items", [])
    risks = scope.get("risks", [])
    a = np.array([float(it["min"]) for it in items])
    m = np.array([float(it["likely"]) for it in items])
    b = np.array([float(it["max"]) for it in items])
    span = np.where(b > a, b - a, 1.0)
    rng = np.random.default_rng(1)
    # One matrix and nothing more: the items' hours scaled in place, the risks' beside them.
    hours = rng.beta(1 + 4 * (m - a) / span, 1 + 4 * (b - m) / span, (trials, len(items)))
    hours *= b - a
    hours += a
    risk = np.empty((trials, len(risks)))
    for j, r in enumerate(risks):
        risk[:, j] = (rng.random(trials) < float(r["probability"])) * float(r["impact"])
    print(f"{float((hours.sum(axis=1) + risk.sum(axis=1)).mean()):.1f}")


if __name__ == "__main__":
    main()
