"""SLA measure of 1M and 5M incidents with pauses: `engage measure` against a batched floor.

The generic incident CSV (naive Berlin wall-clock times over 2026, first response, resolution,
one pause for 95% of the incidents) is generated into a temporary folder. `engage measure
--period 2026 --json` reads, checks and measures it in business time (8x5, German and Berlin
holidays closed). The floor (floors/sla_floor.py) is pyarrow reading the file in batches plus
numpy tables (UTC offset per hour, working span per day), computing the same per-priority
counts: incidents, met, response met, resolution met.

Goals (issue 16): median time at most 1.3x the floor's; peak RSS at most 1.5x the floor's;
engagekit's peak RSS flat from 1M to 5M incidents (5M at most 1.2x 1M's).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import gate

SIZES = (("1M", 1_000_000, 7), ("5M", 5_000_000, 5))
QUICK_SIZES = (("1M", 1_000_000, 3),)
TARGETS = {"P1": (30, 4), "P2": (60, 8), "P3": (240, 24), "P4": (480, 80)}
CHUNK = 500_000

PROJECT = """
[project]
name = "bench"
currency = "EUR"

[[components]]
name = "svc"
model = "sla"
start = 2026-01-01
end = 2026-12-31

[components.settings]
data_timezone = "Europe/Berlin"
list_incidents = "breached"
max_listed = 100

[components.settings.coverage]
timezone = "Europe/Berlin"
hours = "8x5"
country = "DE"
subdivision = "BE"

[components.settings.incidents]
file = "incidents.csv"
"""
PRIORITY = """
[[components.settings.priorities]]
name = "{name}"
response_minutes = {response}
resolution_hours = {resolution}
"""


def generate(folder: str, n: int) -> None:
    """``n`` incidents, written in chunks: naive Berlin times, none in the hours the clocks
    skip or repeat (02:00-03:00 on 29 March and 25 October)."""
    import numpy as np
    import polars as pl

    path = Path(folder) / "incidents.csv"
    gaps = (np.datetime64("2026-03-29T02", "h"), np.datetime64("2026-10-25T02", "h"))
    written = 0
    with path.open("wb") as f:
        seed = 20260101
        while written < n:
            rng = np.random.default_rng(seed)
            seed += 1
            m = min(CHUNK, n - written) * 102 // 100
            base = np.datetime64("2026-01-05T00:00", "m")
            opened = base + rng.integers(0, 350 * 1440, m).astype("timedelta64[m]")
            response = opened + rng.integers(1, 600, m).astype("timedelta64[m]")
            resolved = response + rng.integers(30, 5 * 1440, m).astype("timedelta64[m]")
            span = (resolved - response).astype(np.int64)
            p0 = response + (rng.random(m) * span * 0.5).astype("timedelta64[m]")
            left = (resolved - p0).astype(np.int64)
            p1 = p0 + (rng.random(m) * left * 0.8).astype("timedelta64[m]")
            has_pause = rng.random(m) < 0.95
            keep = np.ones(m, dtype=bool)
            for a in (opened, response, resolved, p0, p1):
                for gap in gaps:
                    keep &= a.astype("datetime64[h]") != gap
            keep &= np.cumsum(keep) <= min(CHUNK, n - written)
            opened, response, resolved, p0, p1, has_pause = (
                x[keep] for x in (opened, response, resolved, p0, p1, has_pause)
            )
            k = len(opened)

            def text(a: np.ndarray) -> pl.Series:
                return pl.Series(np.datetime_as_string(a, unit="s"))

            pauses = pl.select(
                pl.when(pl.Series(has_pause)).then(text(p0) + "/" + text(p1)).otherwise(pl.lit(""))
            ).to_series()
            frame = pl.DataFrame(
                {
                    "id": pl.Series(np.arange(written, written + k)).cast(pl.String).str.zfill(8),
                    "priority": np.array(list(TARGETS))[rng.integers(0, 4, k)],
                    "opened": text(opened),
                    "first_response": text(response),
                    "resolved": text(resolved),
                    "pauses": pauses,
                }
            ).with_columns(("INC" + pl.col("id")).alias("id"))
            frame.write_csv(f, include_header=written == 0)
            written += k
    priorities = "".join(
        PRIORITY.format(name=p, response=r, resolution=z) for p, (r, z) in TARGETS.items()
    )
    (Path(folder) / "bench.toml").write_text(PROJECT + priorities)


def engage_counts(output: str) -> dict[str, dict[str, int]]:
    """The per-priority counts from `engage measure --json`."""
    data = json.loads(output)
    (component,) = data["components"]
    return {
        row["priority"]: {
            key: row[key] for key in ("incidents", "met", "response_met", "resolution_met")
        }
        for row in component["tables"]["priorities"]
    }


def head(source: Path, folder: Path, n: int) -> None:
    """The first ``n`` incidents of ``source``'s file: what ``generate(folder, n)`` writes when
    ``n`` is a multiple of ``CHUNK`` (each chunk is drawn from its own seed and keeps ``CHUNK``
    rows, whatever follows it), without drawing them again."""
    with (source / "incidents.csv").open("rb") as src, (folder / "incidents.csv").open("wb") as dst:
        for _ in range(n + 1):  # the header, then n rows
            dst.write(src.readline())
    (folder / "bench.toml").write_text((source / "bench.toml").read_text())


def run(bench: gate.Bench) -> None:
    rss: dict[str, float] = {}
    sizes = QUICK_SIZES if bench.quick else SIZES
    # The largest file is generated once; every smaller size is its first rows.
    big, largest, _ = max(sizes, key=lambda size: size[1])
    assert all(n % CHUNK == 0 for _, n, _ in sizes)
    source = bench.tmp / big
    source.mkdir()
    bench.generate(generate, source, largest)
    for label, n, pairs in sizes:
        folder = bench.tmp / label
        if folder != source:
            folder.mkdir()
            head(source, folder, n)
        path = folder / "incidents.csv"
        bench.note(f"{label}: {path.stat().st_size / 1e6:.0f} MB of incidents")
        ours = gate.engage("measure", str(folder / "bench.toml"), "--period", "2026", "--json")
        targets = [f"--target={p}={r},{z * 60}" for p, (r, z) in TARGETS.items()]
        floor = gate.script(
            "floors/sla_floor.py",
            str(path),
            "--timezone",
            "Europe/Berlin",
            "--country",
            "DE",
            "--subdivision",
            "BE",
            "--hours",
            "09:00-17:00",
            "--year",
            "2026",
            *targets,
        )
        bench.same(
            f"measure {label}: per-priority compliance counts",
            engage_counts(bench.output(ours)),
            json.loads(bench.output(floor)),
        )
        record = bench.compare(
            f"measure {label} incidents / batched floor",
            ours,
            floor,
            pairs=pairs,
            time_at_most=1.3,
            rss_at_most=1.5,
        )
        rss[label] = record["rss_mib"][0]["median"]
    if "5M" in rss:
        bench.figure(
            "measure peak RSS 5M / 1M (flat)", rss["5M"] / rss["1M"], at_most=1.2, unit="x"
        )


if __name__ == "__main__":
    sys.exit(gate.main(sys.modules[__name__]))
