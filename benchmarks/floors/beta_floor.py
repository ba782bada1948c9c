"""The Monte Carlo floor: one numpy call drawing trials x items beta-PERT variates.

Written without engagekit, from its documented contract: a component's generator is
``numpy.random.Generator(PCG64(s))`` with ``s`` the first 8 bytes (big-endian) of
``blake2b(f"{seed}:{component}")``, drawn trial after trial; an item of three points
``a, m, b`` is ``a + (b - a) * Beta(1 + 4 (m - a) / (b - a), 1 + 4 (b - m) / (b - a))``.
Prints the P50/P80/P90 of the per-trial total effort, in tenths of an hour (half up), as JSON.

Run: python floors/beta_floor.py ITEMS.json --trials N --seed S --component NAME
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from decimal import ROUND_HALF_UP, Decimal

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("items")
    parser.add_argument("--trials", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--component", required=True)
    args = parser.parse_args()
    a, m, b = np.array(json.load(open(args.items)), dtype=np.float64).T  # noqa: SIM115
    digest = hashlib.blake2b(f"{args.seed}:{args.component}".encode(), digest_size=8).digest()
    rng = np.random.Generator(np.random.PCG64(int.from_bytes(digest, "big")))
    draws = rng.beta(
        1 + 4 * (m - a) / (b - a), 1 + 4 * (b - m) / (b - a), size=(args.trials, len(a))
    )
    total = a.sum() + draws @ (b - a)
    tenth = Decimal("0.1")
    json.dump(
        {
            f"p{p}": str(Decimal(repr(float(v))).quantize(tenth, ROUND_HALF_UP))
            for p, v in zip((50, 80, 90), np.percentile(total, [50, 80, 90]), strict=True)
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
