"""Benchmark: billing a period of a time-material component from a 1,000,000-row timesheet.

The data (engagekit's generic format, with start and end times) is generated into a temporary
folder: 1,000 people over fifteen months, four entries a day. The bill of 2026-03 reads the
whole file (the cap is cumulative from the component's start), runs every check (timeframe,
duplicates, overlaps, 24 hours a day), rates the entries by date, applies rounding, overtime,
weekend multipliers and the cap.

Limits (issue 4), against baselines in the same run:
- median time <= 2x a bare polars read + group-by of the same file (same filter and keys),
  the two timed alternately;
- >= 3x faster than a plain csv-module loop doing the same aggregation;
- extra peak memory <= 4x the file size: peak RSS of a child process that bills, minus its
  peak RSS after the imports and the project are loaded (polars allocates outside Python's
  allocator, so tracemalloc would not see it).

Run: python benchmarks/bench_time_material.py [--rows N]
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import harness

START = date(2025, 4, 1)
END = date(2026, 6, 30)
PERIOD = "2026-03"
ROLES = ("developer", "senior developer", "lead", "qa", "designer")


def generate(path: Path, rows: int, seed: int = 4) -> None:
    """``rows`` entries: people x working days x 4 entries of 60-150 minutes, back to back."""
    rnd = random.Random(seed)
    days = []
    d = START
    while d < date(2026, 4, 1):
        if d.weekday() < 5 or rnd.random() < 0.02:
            days.append(d)
        d += timedelta(days=1)
    per_day = 4
    people = max(1, rows // (len(days) * per_day) + 1)
    names = [f"Person {i:04d}" for i in range(people)]
    roles = {n: ROLES[i % len(ROLES)] for i, n in enumerate(names)}
    cats = ("Development", "Development", "Review", "Meetings", "Internal", "Testing")
    written = 0
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "date",
                "person",
                "role",
                "minutes",
                "billable",
                "approved",
                "category",
                "start",
                "end",
                "notes",
            ]
        )
        for day in days:
            iso = day.isoformat()
            for name in names:
                t = 8 * 60
                for k in range(per_day):
                    if written >= rows:
                        return
                    m = rnd.choice((60, 75, 90, 105, 120, 150))
                    cat = cats[rnd.randrange(len(cats))]
                    w.writerow(
                        [
                            iso,
                            name,
                            roles[name],
                            m,
                            "false" if cat == "Internal" else "true",
                            "true" if rnd.random() > 0.01 else "false",
                            cat,
                            f"{t // 60:02d}:{t % 60:02d}",
                            f"{(t + m) // 60:02d}:{(t + m) % 60:02d}",
                            f"ticket {k}",
                        ]
                    )
                    t += m + 15
                    written += 1


def project_and_component(path: Path):  # type: ignore[no-untyped-def]
    from decimal import Decimal

    import engagekit

    engine = engagekit.create_engine()
    data = {
        "project": {"name": "bench", "currency": "EUR"},
        "calendar": {"country": "DE", "timezone": "Europe/Berlin"},
        "rate_card": {
            "overtime": Decimal("1.5"),
            "weekend": Decimal("1.25"),
            "rates": [
                {"role": r, "bill": Decimal(90 + 10 * i), "cost": Decimal(50 + 5 * i)}
                for i, r in enumerate(ROLES)
            ]
            + [
                {
                    "role": "developer",
                    "bill": Decimal(99),
                    "cost": Decimal(52),
                    "valid_from": date(2026, 3, 16),
                },
            ],
        },
        "components": [
            {
                "name": "Build",
                "model": "time-material",
                "start": START,
                "end": END,
                "settings": {
                    "time_entries": str(path),
                    "format": "generic",
                    "rounding": {"increment": 15, "mode": "up"},
                    "overtime": {"after_hours": Decimal(8)},
                    "non_billable": ["Internal"],
                    "cap": {"money": Decimal(150_000_000)},
                },
            }
        ],
    }
    project = engine.project_from_dict(data, base_dir=path.parent)
    return engine, project, project.components[0]


def bill_once(engine, project, component):  # type: ignore[no-untyped-def]
    import engagekit

    return engine.bill_component(project, component, engagekit.Period.parse(PERIOD))


def polars_baseline(path: Path) -> object:
    """A bare polars read and group-by: billable, approved, to the period's end, per month,
    person and role."""
    import polars as pl

    end = date(2026, 4, 1)
    df = pl.read_csv(path, try_parse_dates=True)
    return (
        df.filter(pl.col("billable") & pl.col("approved") & (pl.col("date") < end))
        .group_by(pl.col("date").dt.month_start().alias("month"), "person", "role")
        .agg(pl.col("minutes").sum())
    )


def csv_baseline(path: Path) -> object:
    """The same aggregation with the csv module, row by row."""
    end = date(2026, 4, 1)
    out: dict[tuple[date, str, str], int] = defaultdict(int)
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            d = date.fromisoformat(row["date"])
            if d >= end or row["billable"] != "true" or row["approved"] != "true":
                continue
            out[(d.replace(day=1), row["person"], row["role"])] += int(row["minutes"])
    return out


# The child reads its own high-water mark (VmHWM) from /proc: ru_maxrss would carry the
# parent's resident set over the fork, which here holds the benchmark's data.
def interleaved(a, b, *, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Medians of ``a()`` and ``b()`` timed alternately, after one warm-up run of each."""
    import gc
    import statistics
    import time

    a()
    b()
    ta: list[float] = []
    tb: list[float] = []
    for _ in range(repeat):
        for fn, out in ((a, ta), (b, tb)):
            gc.collect()
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return statistics.median(ta), statistics.median(tb)


CHILD = """
import sys
sys.path.insert(0, {here!r})
from pathlib import Path
import bench_time_material as b

def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024

engine, project, component = b.project_and_component(Path({path!r}))
import polars, numpy  # imported by the bill; counted in the baseline
before = hwm()
b.bill_once(engine, project, component)
print(before, hwm())
"""


def extra_peak_rss(path: Path) -> tuple[int, int]:
    code = CHILD.format(here=str(Path(__file__).parent), path=str(path))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    before, after = (int(x) for x in out.stdout.split())
    return before, after


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    print(
        f"time-material bill from a {args.rows:,}-row timesheet ({harness.cpu_note()}; "
        "medians, other work on the machine adds noise)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "entries.csv"
        generate(path, args.rows)
        size = path.stat().st_size
        print(f"  file: {size / 1e6:.1f} MB")
        engine, project, component = project_and_component(path)
        result = bill_once(engine, project, component)
        print(
            f"  bill: {len(result.lines)} lines, total "
            f"{sum(line.amount.amount for line in result.lines)} EUR"
        )
        # interleaved (ours, baseline, ours, baseline, ...): load from other work on the
        # machine then hits both alike, instead of whichever happened to run during a spike
        t_ours, t_polars = interleaved(
            lambda: bill_once(engine, project, component),
            lambda: polars_baseline(path),
            repeat=args.repeat,
        )
        t_csv = harness.median_time(lambda: csv_baseline(path), repeat=1, warmup=0)
        print(
            f"  engagekit {t_ours:.3f}s, polars read+group-by {t_polars:.3f}s, "
            f"csv loop {t_csv:.3f}s"
        )
        harness.check("bill / polars read+group-by", t_ours / t_polars, 2.0)
        harness.check("csv loop / bill", t_csv / t_ours, 3.0, better="higher")
        before, after = extra_peak_rss(path)
        extra = max(0, after - before)
        print(
            f"  child peak RSS {before / 1e6:.0f} MB after imports, {after / 1e6:.0f} MB "
            f"after the bill"
        )
        harness.check("extra peak memory / file size", extra / size, 4.0)
    harness.save("bench_time_material")
    return 1 if harness.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
