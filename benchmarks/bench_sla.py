"""SLA clocks of 1,000,000 incidents: the kernel against baselines in the same run.

Generates a generic incident CSV (1,000,000 incidents over 2026 in Berlin wall-clock time, first
response and resolution, about one pause each) and checks:

- the business-time kernel (``engagekit_sla``'s clock over the core's ``BusinessClock``) takes
  at most 1.5x a bare numpy per-day lookup table computing the same clocks;
- it is at least 100x faster than the ``businesstime`` package on the same pairs (timed on a
  sample of incidents and scaled);
- the whole ``engage measure`` from the CSV (a separate process, as a user runs it) takes at
  most 2x the time to parse the file plus the bare kernel.

Run as a script: ``python benchmarks/bench_sla.py``; exit 1 when a limit fails.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
import harness

if TYPE_CHECKING:
    from engagekit_sla.clocks import SlaClock

N = 1_000_000
SAMPLE = 2_000
TZ = "Europe/Berlin"


def calendar() -> Any:
    import engagekit

    return engagekit.Calendar.preset("8x5", timezone=TZ, country="DE", subdivision="BE")


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

[[components.settings.priorities]]
name = "P1"
response_minutes = 30
resolution_hours = 4
[[components.settings.priorities]]
name = "P2"
response_minutes = 60
resolution_hours = 8
[[components.settings.priorities]]
name = "P3"
response_minutes = 240
resolution_hours = 24
[[components.settings.priorities]]
name = "P4"
response_minutes = 480
resolution_hours = 80
"""


PARSE_ONLY = (
    "import sys; sys.path.insert(0, {here!r}); import bench_sla, pathlib; "
    "bench_sla.parse(pathlib.Path({path!r}))"
)


def generate(folder: Path) -> Path:
    """The generic CSV: naive Berlin timestamps (none in the spring-forward gap)."""
    rng = np.random.default_rng(20260101)
    base = np.datetime64("2026-01-05T00:00:00")
    m = int(N * 1.01)
    opened = base + rng.integers(0, 350 * 86400 // 60, m).astype("timedelta64[m]")
    response = opened + rng.integers(1, 600, m).astype("timedelta64[m]")
    resolved = response + rng.integers(30, 5 * 24 * 60, m).astype("timedelta64[m]")
    span = (resolved - response).astype("timedelta64[m]").astype(np.int64)
    p0 = response + (rng.random(m) * span * 0.5).astype("timedelta64[m]")
    left = (resolved - p0).astype("timedelta64[m]").astype(np.int64)
    p1 = p0 + (rng.random(m) * left * 0.8).astype("timedelta64[m]")
    has_pause = rng.random(m) < 0.95
    # Keep incidents clear of the hours the clocks skip or repeat (02:00-03:00 on 29 March and
    # 25 October): such wall-clock times do not exist or are ambiguous.
    keep = np.ones(m, dtype=bool)
    for a in (opened, response, resolved, p0, p1):
        hour = a.astype("datetime64[h]")
        for gap in (np.datetime64("2026-03-29T02", "h"), np.datetime64("2026-10-25T02", "h")):
            keep &= hour != gap
    keep &= np.cumsum(keep) <= N
    opened, response, resolved, p0, p1, has_pause = (
        x[keep] for x in (opened, response, resolved, p0, p1, has_pause)
    )

    def text(a: np.ndarray) -> pl.Series:
        return pl.Series(np.datetime_as_string(a, unit="s"))

    pauses = pl.select(
        pl.when(pl.Series(has_pause)).then(text(p0) + "/" + text(p1)).otherwise(pl.lit(""))
    ).to_series()
    df = pl.DataFrame(
        {
            "id": pl.Series([f"INC{i:07d}" for i in range(N)]),
            "priority": pl.Series(np.array(["P1", "P2", "P3", "P4"])[rng.integers(0, 4, N)]),
            "opened": text(opened),
            "first_response": text(response),
            "resolved": text(resolved),
            "pauses": pauses,
        }
    )
    path = folder / "incidents.csv"
    df.write_csv(path)
    (folder / "bench.toml").write_text(PROJECT)
    return path


def parse(path: Path) -> dict[str, np.ndarray]:
    """The baseline parse: read the file and turn its timestamps into POSIX seconds."""
    df = pl.read_csv(path, infer_schema=False)

    def seconds(s: pl.Series) -> np.ndarray:
        return (
            s.str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us")
            .dt.replace_time_zone(TZ, ambiguous="earliest")
            .dt.epoch("s")
            .to_numpy()
        )

    pauses = df.select(pl.int_range(pl.len()).alias("i"), pl.col("pauses"))
    pauses = pauses.filter(pl.col("pauses").str.len_bytes() > 0)
    parts = pauses["pauses"].str.split_exact("/", 1).struct.unnest()
    return {
        "opened": seconds(df["opened"]),
        "response": seconds(df["first_response"]),
        "resolved": seconds(df["resolved"]),
        "owner": pauses["i"].to_numpy().astype(np.int64),
        "p0": seconds(parts["field_0"]),
        "p1": seconds(parts["field_1"]),
    }


class DayTable:
    """The bare baseline: one working span per UTC day, looked up by day index."""

    def __init__(self, cal: Any, first: date, last: date) -> None:
        spans = cal.intervals(first, last)
        starts = np.array([int(a.timestamp()) for a, _ in spans], dtype=np.int64)
        ends = np.array([int(b.timestamp()) for _, b in spans], dtype=np.int64)
        self.origin = int(datetime.combine(first, datetime.min.time(), UTC).timestamp())
        days = (
            int(datetime.combine(last, datetime.min.time(), UTC).timestamp()) - self.origin
        ) // 86400 + 2
        day = (starts - self.origin) // 86400
        assert len(np.unique(day)) == len(day), "the baseline needs one span per UTC day"
        self.open = np.zeros(days, np.int64)
        self.length = np.zeros(days, np.int64)
        self.open[day] = starts - (self.origin + day * 86400)
        self.length[day] = ends - starts
        self.before = np.zeros(days, np.int64)
        self.before[1:] = np.cumsum(self.length)[:-1]

    def position(self, t: np.ndarray) -> np.ndarray:
        d = (t - self.origin) // 86400
        x = t - self.origin - d * 86400 - self.open[d]
        np.clip(x, 0, self.length[d], out=x)
        return self.before[d] + x


def clocks(position, cols: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Response and resolution elapsed, pauses removed, with any position function."""
    po = position(cols["opened"])
    pr = position(cols["response"])
    pz = position(cols["resolved"])
    a = position(cols["p0"])
    b = position(cols["p1"])
    o = cols["owner"]
    n = len(po)

    def paused(end: np.ndarray) -> np.ndarray:
        part = np.maximum(np.minimum(b, end[o]) - np.maximum(a, po[o]), 0)
        return np.bincount(o, weights=part, minlength=n).astype(np.int64)

    return pr - po - paused(pr), pz - po - paused(pz)


def kernel(clock: SlaClock, cols: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The plugin's kernel, as measure_service calls it (range checks included)."""
    from engagekit_sla.measure import elapsed_many

    (resp, _), (res, _) = elapsed_many(
        clock,
        cols["opened"],
        [cols["response"], cols["resolved"]],
        cols["owner"],
        cols["p0"],
        cols["p1"],
    )
    return resp, res


def businesstime_sample(cols: dict[str, np.ndarray], idx: np.ndarray) -> tuple[float, np.ndarray]:
    """Seconds per incident with the businesstime package (naive Berlin wall-clock time)."""
    from zoneinfo import ZoneInfo

    import businesstime

    tz = ZoneInfo(TZ)
    closed = sorted(
        {d for d, _ in calendar().holidays_between(date(2025, 12, 1), date(2027, 2, 1))}
    )
    bt = businesstime.BusinessTime(holidays=closed)
    pauses = {
        int(k): (int(a), int(b))
        for k, a, b in zip(cols["owner"], cols["p0"], cols["p1"], strict=True)
    }

    def local(t: int) -> datetime:
        return datetime.fromtimestamp(t, tz).replace(tzinfo=None)

    day = int(bt.open_hours.total_seconds())

    def seconds(delta: object) -> int:
        # businesstime counts whole business days as timedelta days
        return delta.days * day + delta.seconds  # type: ignore[attr-defined]

    out = np.zeros(len(idx), np.int64)
    t0 = time.perf_counter()
    for j, k in enumerate(idx):
        o, z = local(int(cols["opened"][k])), local(int(cols["resolved"][k]))
        r = local(int(cols["response"][k]))
        bt.businesstimedelta(o, r)
        total = seconds(bt.businesstimedelta(o, z))
        if int(k) in pauses:
            a, b = pauses[int(k)]
            total -= seconds(bt.businesstimedelta(local(a), local(b)))
        out[j] = total
    return (time.perf_counter() - t0) / len(idx), out


def main() -> int:
    print(f"bench_sla: {N:,} incidents ({harness.cpu_note()}; medians, the machine may be busy)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        path = generate(folder)
        print(f"  generated {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - t0:.1f}s")
        cols = parse(path)
        print(f"  {len(cols['owner']):,} pauses")
        t_parse = harness.median_time(lambda: parse(path), repeat=3)
        t0 = time.perf_counter()
        from engagekit_sla.clocks import SlaClock

        table = DayTable(calendar(), date(2026, 1, 1), date(2027, 1, 31))
        t_table = time.perf_counter() - t0
        t0 = time.perf_counter()
        clock = SlaClock(calendar(), int(cols["opened"].min()), int(cols["resolved"].max()))
        t_clock = time.perf_counter() - t0
        bare = clocks(table.position, cols)
        ours = kernel(clock, cols)
        assert all((x == y).all() for x, y in zip(bare, ours, strict=True)), "kernels disagree"
        t_bare = harness.median_time(lambda: clocks(table.position, cols), repeat=9)
        t_kernel = harness.median_time(lambda: kernel(clock, cols), repeat=9)
        print(
            f"  parse {t_parse:.3f}s, bare per-day table {t_bare:.3f}s (built in "
            f"{t_table:.3f}s), kernel {t_kernel:.3f}s (clock built in {t_clock:.3f}s)"
        )
        harness.check("kernel / bare numpy per-day table", t_kernel / t_bare, 1.5)

        try:
            import businesstime  # noqa: F401

            idx = np.random.default_rng(1).choice(N, SAMPLE, replace=False)
            per, theirs = businesstime_sample(cols, idx)
            agree = float(np.mean(theirs == ours[1][idx]))
            scaled = per * N
            print(
                f"  businesstime: {per * 1e6:.0f} us per incident, {scaled:.0f}s scaled to "
                f"{N:,}; same resolution time on {agree:.1%} of the sample"
            )
            harness.check("businesstime (scaled) / kernel", scaled / t_kernel, 100, better="higher")
        except ImportError:
            print("  businesstime is not installed (pip install businesstime): comparison skipped")

        argv = [
            sys.executable,
            "-c",
            "from engagekit.cli import main; main()",
            "measure",
            str(folder / "bench.toml"),
            "--period",
            "2026",
            "--json",
        ]
        out = subprocess.run(argv, capture_output=True, text=True)
        if out.returncode:
            print(out.stderr)
            return 1
        # As a user runs it: a new process, against parsing the file in a new process too.
        # The runs alternate so that both sides see the same load on a busy machine.
        parse_argv = [
            sys.executable,
            "-c",
            PARSE_ONLY.format(here=str(Path(__file__).parent), path=str(path)),
        ]
        cli_times: list[float] = []
        parse_times: list[float] = []
        for _ in range(3):
            for cmd, times in ((argv, cli_times), (parse_argv, parse_times)):
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
                times.append(time.perf_counter() - t0)
        t_cli = float(np.median(cli_times))
        t_parse_cold = float(np.median(parse_times))
        print(
            f"  engage measure, a process: {t_cli:.3f}s; parsing the file in a process "
            f"{t_parse_cold:.3f}s + bare kernel {t_bare:.3f}s"
        )
        harness.check(
            "engage measure / (parse + bare kernel), new processes",
            t_cli / (t_parse_cold + t_bare),
            2.0,
        )
        # The same in one warm process: the engine's measure against parse + bare kernel.
        import engagekit

        engine = engagekit.create_engine()
        project = engine.load_project(folder / "bench.toml")
        period = engagekit.Period.parse("2026")

        def measure() -> None:
            from engagekit_sla import data

            data._CACHE.clear()
            engine.measure(project, period)

        warm: list[float] = []
        warm_parse: list[float] = []
        for _ in range(3):
            warm.append(harness.median_time(measure, repeat=1, warmup=0))
            warm_parse.append(harness.median_time(lambda: parse(path), repeat=1, warmup=0))
        t_warm, t_warm_parse = float(np.median(warm)), float(np.median(warm_parse))
        print(f"  engine.measure in one process: {t_warm:.3f}s; parse {t_warm_parse:.3f}s")
        harness.check(
            "engine.measure / (parse + bare kernel), one process",
            t_warm / (t_warm_parse + t_bare),
            2.0,
        )
        rss = harness.peak_rss_of(argv)
        print(f"  engage measure peak RSS: {rss / 1e6:.0f} MB")
        harness.RESULTS.append(
            {
                "name": "engage measure peak RSS MB",
                "value": rss / 1e6,
                "limit": None,
                "unit": "MB",
                "ok": True,
            }
        )
    harness.save("bench_sla")
    return 1 if harness.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
