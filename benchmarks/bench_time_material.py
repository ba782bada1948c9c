"""T&M billing of 1M and 10M time entries: `engage bill` against a polars lazy floor.

The data (engagekit's generic format, with start and end times) is generated into a temporary
folder: people x working days from April 2025 to March 2026 x four back-to-back entries a day.
`engage bill --period 2026-03 --json` reads the whole file (the cap is cumulative from the
component's start), runs every check, rates, rounds, applies overtime, weekend multipliers and
the cap. The floor (floors/tm_floor.py) is a polars lazy scan, filter and one group-by that
computes the billed minutes per (person, role, month), rounded per entry as the bill does.

Goals (issue 16): median time at most 1.5x the floor's, peak RSS at most 1.5x the floor's.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import gate

SIZES = (("1M", 1_000_000, 11), ("10M", 10_000_000, 7))
QUICK_SIZES = (("1M", 1_000_000, 3),)
ROLES = ("developer", "senior developer", "lead", "qa", "designer")
CATEGORIES = ("Development", "Development", "Review", "Meetings", "Internal", "Testing")
PERIOD = "2026-03"

PROJECT = """
[project]
name = "bench"
currency = "EUR"

[calendar]
country = "DE"
timezone = "Europe/Berlin"

[rate_card]
overtime = 1.5
weekend = 1.25
rates = [
  {{ role = "developer", bill = 90, cost = 50 }},
  {{ role = "senior developer", bill = 100, cost = 55 }},
  {{ role = "lead", bill = 110, cost = 60 }},
  {{ role = "qa", bill = 120, cost = 65 }},
  {{ role = "designer", bill = 130, cost = 70 }},
  {{ role = "developer", bill = 99, cost = 52, valid_from = 2026-03-16 }},
]

[[components]]
name = "Build"
model = "time-material"
start = 2025-04-01
end = 2026-06-30

[components.settings]
time_entries = "{entries}"
format = "generic"
invoice_by = "person"
rounding = {{ increment = 15, mode = "up" }}
overtime = {{ after_hours = 8 }}
non_billable = ["Internal"]
cap = {{ money = 1000000000000 }}
"""


def generate(folder: str, rows: int, seed: int = 4) -> None:
    """``rows`` entries: people x days x 4 entries of 60-150 minutes, 15 minutes apart."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    all_days = np.arange(np.datetime64("2025-04-01"), np.datetime64("2026-04-01"))
    weekday = (all_days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    days = all_days[(weekday < 5) | (rng.random(len(all_days)) < 0.02)]
    people = rows // (len(days) * 4) + 1
    names = np.array([f"Person {i:05d}" for i in range(people)])
    path = Path(folder) / "entries.csv"
    chunk_days = max(1, 2_000_000 // (people * 4))
    written = 0
    with path.open("wb") as f:
        for lo in range(0, len(days), chunk_days):
            block = days[lo : lo + chunk_days]
            n = min(len(block) * people * 4, rows - written)
            if n <= 0:
                break
            i = np.arange(n)
            person = (i // 4) % people
            minutes = rng.choice(np.array([60, 75, 90, 105, 120, 150]), size=(n + 3) // 4 * 4)
            gaps = (minutes + 15).reshape(-1, 4)
            start = (480 + np.cumsum(gaps, axis=1) - gaps).reshape(-1)[:n]
            minutes = minutes[:n]
            end = start + minutes
            cat = rng.integers(0, len(CATEGORIES), n)

            def hhmm(t: np.ndarray) -> pl.Series:
                return (
                    pl.Series(t // 60).cast(pl.String).str.zfill(2)
                    + ":"
                    + pl.Series(t % 60).cast(pl.String).str.zfill(2)
                )

            frame = pl.DataFrame(
                {
                    "date": pl.Series(block[i // (people * 4)]).cast(pl.Date),
                    "person": names[person],
                    "role": np.array(ROLES)[person % len(ROLES)],
                    "minutes": minutes,
                    "billable": np.array(CATEGORIES)[cat] != "Internal",
                    "approved": rng.random(n) > 0.01,
                    "category": np.array(CATEGORIES)[cat],
                    "start": hhmm(start),
                    "end": hhmm(end),
                    "notes": np.array([f"ticket {k}" for k in range(4)])[i % 4],
                }
            )
            frame.write_csv(f, include_header=written == 0)
            written += n
    (Path(folder) / "bench.toml").write_text(PROJECT.format(entries=path))


def engage_minutes(output: str) -> dict[tuple[str, str, str], int]:
    """Billed minutes per (person, role, month) from `engage bill --json`."""
    out: dict[tuple[str, str, str], int] = defaultdict(int)
    for invoice in json.loads(output)["invoices"]:
        for line in invoice["lines"]:
            d = line.get("details") or {}
            if line.get("kind") == "time":
                out[(d["person"], d["role"], d["cycle"])] += int(d["minutes"])
    return dict(out)


def floor_minutes(output: str, month: str) -> dict[tuple[str, str, str], int]:
    return {
        (r["person"], r["role"], r["month"]): r["minutes"]
        for r in json.loads(output)
        if r["month"] == month
    }


def run(bench: gate.Bench) -> None:
    for label, rows, pairs in QUICK_SIZES if bench.quick else SIZES:
        folder = bench.tmp / label
        folder.mkdir()
        bench.generate(generate, folder, rows)
        entries = folder / "entries.csv"
        bench.note(f"{label}: {entries.stat().st_size / 1e6:.0f} MB of time entries")
        ours = gate.engage("bill", str(folder / "bench.toml"), "--period", PERIOD, "--json")
        floor = gate.script(
            "floors/tm_floor.py", str(entries), "--rounding", "15", "--non-billable", "Internal"
        )
        bench.same(
            f"bill {label}: minutes per (person, role, month) of {PERIOD}",
            engage_minutes(bench.output(ours)),
            floor_minutes(bench.output(floor), PERIOD),
        )
        bench.compare(
            f"bill {label} entries / polars lazy floor",
            ours,
            floor,
            pairs=pairs,
            time_at_most=1.5,
            rss_at_most=1.5,
        )


if __name__ == "__main__":
    sys.exit(gate.main(sys.modules[__name__]))
