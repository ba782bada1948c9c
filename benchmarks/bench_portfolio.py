"""The portfolio: ``engage bill --all`` over 1,000 generated projects against a shell loop of
``engage bill`` over the same files; its peak RSS against billing the largest project alone;
``--workers 2`` against ``--workers 1``; ``engage staff --all`` with 5,000 people at 250, 500
and 1,000 projects.

``BENCH_PORTFOLIO=rss,workers`` runs only those parts (of ``loop``, ``rss``, ``workers``,
``staff``), for development; the gate runs them all.

The loop is timed on a sample of the files (every 20th) and scaled to all of them: a loop over
1,000 files would take minutes per run on a loaded machine, and its cost per file (a process
start, then one project) does not depend on how many files follow.
"""

from __future__ import annotations

import json
import os
import shlex
import statistics
import sys
from pathlib import Path

import gate

MODELS = ("time-material", "fixed-price", "sla", "dedicated-team")
PERIOD = "2026-03"
PEOPLE = 5_000
SIZES = (250, 500, 1_000)
LOOP_EVERY = 20  # the loop runs over every 20th file and is scaled by 20
PARTS = os.environ.get("BENCH_PORTFOLIO", "loop,rss,workers,staff").split(",")


def generate(folder: str, projects: int, people: int) -> None:
    """A workspace of ``projects`` mixed-model projects (a small timesheet each for T&M) and
    a roster of ``people``; every project staffs two people of the roster by id."""
    import random

    from engagekit import create_engine
    from engagekit.starter import starter_text

    root = Path(folder)
    (root / "projects").mkdir(parents=True)
    (root / "timesheets").mkdir()
    engine = create_engine()
    starters = {
        m: starter_text(engine, [m], name="@NAME@", currency="EUR").replace("2027-", "2026-")
        for m in MODELS
    }
    rng = random.Random(7)
    (root / "engage.toml").write_text(
        'projects = ["projects/*.toml"]\npeople = "people.csv"\n\n[firm]\nname = "Bench Firm"\n'
    )
    rows = ["id,name,roles,seniority,location,cost_rate,fte"]
    for i in range(people):
        loc = ("onshore", "nearshore", "offshore")[i % 3]
        rows.append(
            f"p{i:05d},Person {i:05d},developer;lead,{('junior', 'mid', 'senior')[i % 3]},{loc},{30 + i % 40},1"
        )
    (root / "people.csv").write_text("\n".join(rows) + "\n")
    for n in range(projects):
        model = MODELS[n % len(MODELS)]
        text = starters[model].replace('"@NAME@"', f'"Project {n:04d}"')
        if model == "time-material":
            a, b = rng.sample(range(people), 2)
            sheet = root / "timesheets" / f"t{n:04d}.csv"
            lines = ["date,person,role,hours,billable"]
            for day in range(2, 28):
                if (day + n) % 7 < 5:
                    lines.append(f"2026-03-{day:02d},p{a:05d},developer,{6 + day % 3},true")
                    lines.append(f"2026-03-{day:02d},p{b:05d},lead,{2 + day % 2},true")
            sheet.write_text("\n".join(lines) + "\n")
            text = (
                text.replace(
                    "[components.settings]\n",
                    f'[components.settings]\ntime_entries = "../timesheets/{sheet.name}"\nformat = "generic"\n',
                    1,
                )
                .replace(
                    '{ role = "lead", fte = 0.5 }',
                    f'{{ role = "lead", fte = 0.5, person = "p{b:05d}" }}',
                )
                .replace(
                    '{ role = "developer", fte = 2.0 }',
                    f'{{ role = "developer", fte = 1.0, person = "p{a:05d}" }}, {{ role = "developer", fte = 1.0 }}',
                )
            )
        if model == "fixed-price":
            a, b = rng.sample(range(people), 2)
            text = text.replace('person = "Lea"', f'person = "p{b:05d}"').replace(
                'person = "Dev"', f'person = "p{a:05d}"'
            )
        (root / "projects" / f"p{n:04d}.toml").write_text(text)


def input_bytes(project: Path) -> int:
    """The project file's size plus its timesheet's (the generated projects read no other file)."""
    sheet = project.parent.parent / "timesheets" / f"t{project.stem[1:]}.csv"
    return project.stat().st_size + (sheet.stat().st_size if sheet.exists() else 0)


def _subset(bench: gate.Bench, name: str, n: int) -> Path:
    """A workspace of the first ``n`` projects of the big one (same roster)."""
    import shutil

    src = bench.tmp / "ws"
    dst = bench.tmp / name
    if dst.exists():
        return dst
    (dst / "projects").mkdir(parents=True)
    shutil.copy(src / "engage.toml", dst / "engage.toml")
    shutil.copy(src / "people.csv", dst / "people.csv")
    (dst / "timesheets").symlink_to(src / "timesheets")
    for f in sorted((src / "projects").glob("*.toml"))[:n]:
        (dst / "projects" / f.name).symlink_to(f)
    return dst


def run(bench: gate.Bench) -> None:
    total = 200 if bench.quick else 1_000
    ws = bench.tmp / "ws"
    bench.generate(generate, ws, total, PEOPLE)
    files = sorted((ws / "projects").glob("*.toml"))

    all_cmd = gate.engage("bill", "--all", "--period", PERIOD, "--workspace", str(ws), "--json")
    doc = json.loads(bench.output(all_cmd))
    bench.same("bill --all: every project billed", len(doc["projects"]), total)
    bench.same("bill --all: no failures", doc["failures"], [])

    # The same project, alone and in the portfolio: the same invoice.
    alone = json.loads(
        bench.output(gate.engage("bill", str(files[0]), "--period", PERIOD, "--json"))
    )
    bench.same(
        "bill --all: a project's document is its own bill's",
        doc["projects"][0]["invoices"],
        alone["invoices"],
    )

    if "loop" in PARTS:
        _loop(bench, files, all_cmd)
    if "rss" in PARTS:
        _rss(bench, files, all_cmd, total)
    if "workers" in PARTS:
        _workers(bench, ws)
    if "staff" in PARTS:
        _staff(bench)


def _loop(bench: gate.Bench, files: list[Path], all_cmd: list[str]) -> None:
    sample = files[::LOOP_EVERY]
    engage = " ".join(shlex.quote(a) for a in gate.engage())
    loop = [
        "sh",
        "-c",
        f'for f in {" ".join(shlex.quote(str(f)) for f in sample)}; do {engage} bill "$f" '
        f"--period {PERIOD} --json > /dev/null || exit 1; done",
    ]
    pairs = 3
    all_walls, loop_walls = [], []
    for i in range(pairs):
        first, second = (all_cmd, loop) if i % 2 == 0 else (loop, all_cmd)
        r1, r2 = bench.spawner.run(first), bench.spawner.run(second)
        a, b = (r1, r2) if i % 2 == 0 else (r2, r1)
        all_walls.append(a.wall)
        loop_walls.append(b.wall * len(files) / len(sample))
    ratios = sorted(lp / al for lp, al in zip(loop_walls, all_walls, strict=True))
    bench.note(
        f"bill: loop of {len(sample)} files (every {LOOP_EVERY}th) scaled x"
        f"{len(files) / len(sample):.0f} = {_spread(loop_walls)}s against --all "
        f"{_spread(all_walls)}s over {len(files)} projects; speed-up {_spread(ratios)}x"
    )
    bench.figure(
        f"bill --all speed-up over a shell loop (median of {pairs} pairs)",
        statistics.median(ratios),
        at_least=20.0,
        unit="x",
    )


def _rss(bench: gate.Bench, files: list[Path], all_cmd: list[str], total: int) -> None:
    # "The largest project alone": each model's largest project by its input (the project
    # file and the timesheet it reads), billed alone once; the one needing the most memory is
    # the floor. (By project file alone the largest is an SLA project without data, which
    # never loads what billing a timesheet does; it is measured and noted beside.)
    def billed_alone(f: Path) -> list[str]:
        return gate.engage("bill", str(f), "--period", PERIOD, "--json")

    candidates = [max(files[i :: len(MODELS)], key=input_bytes) for i in range(len(MODELS))]
    peaks = {f: bench.spawner.run(billed_alone(f)).rss for f in candidates}
    for f, rss in peaks.items():
        model = MODELS[files.index(f) % len(MODELS)]
        bench.note(
            f"alone: {f.name} ({model}, {input_bytes(f)} bytes of input) {rss / gate.MIB:.0f} MiB"
        )
    heaviest = max(peaks, key=lambda f: peaks[f])
    bench.compare(
        "bill --all / the largest project alone (peak RSS)",
        all_cmd,
        billed_alone(heaviest),
        pairs=3,
        rss_at_most=2.0,
        labels=("--all", "largest alone"),
    )
    by_file = max(files, key=lambda f: f.stat().st_size)
    bench.compare(
        "bill --all / the largest project file alone (peak RSS, for the record)",
        all_cmd,
        billed_alone(by_file),
        pairs=1,
        warmup=0,
        labels=("--all", "largest file alone"),
    )

    # Bounded by the largest project, not the sum: the same run over a quarter of the projects.
    quarter = _subset(bench, "ws-quarter", total // 4)
    part_cmd = gate.engage(
        "bill", "--all", "--period", PERIOD, "--workspace", str(quarter), "--json"
    )
    bench.compare(
        f"bill --all --json: {total} projects / {total // 4} (peak RSS)",
        all_cmd,
        part_cmd,
        pairs=2,
        warmup=0,
        rss_at_most=1.1,
        labels=(f"{total} projects", f"{total // 4} projects"),
    )


def _workers(bench: gate.Bench, ws: Path) -> None:
    w1 = gate.engage("bill", "--all", "--period", PERIOD, "--workspace", str(ws), "--workers", "1")
    w2 = gate.engage("bill", "--all", "--period", PERIOD, "--workspace", str(ws), "--workers", "2")
    bench.compare(
        "bill --all --workers 1 / --workers 2",
        w1,
        w2,
        pairs=5,
        time_at_least=1.6,
        labels=("1 worker", "2 workers"),
    )


def _spread(values: list[float]) -> str:
    """``median [min-max]``."""
    return f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]"


def _staff(bench: gate.Bench) -> None:
    sizes = SIZES if not bench.quick else (50, 100, 200)
    cmds = {
        n: gate.engage("staff", "--all", "--workspace", str(_subset(bench, f"ws{n}", n)), "--json")
        for n in sizes
    }
    bench.spawner.run(cmds[sizes[0]])  # warm-up: the file cache, the byte-compiled sources
    walls: dict[int, list[float]] = {n: [] for n in sizes}
    for _ in range(3):  # the sizes interleaved, so that a load change hits them all
        for n in sizes:
            walls[n].append(bench.spawner.run(cmds[n]).wall)
    for n in sizes:
        per = [w / n * 1000 for w in walls[n]]
        bench.note(
            f"staff --all, {n} projects, {PEOPLE} people: {_spread(walls[n])}s, "
            f"{_spread(per)} ms per project (median [min-max] of 3)"
        )
    times = {n: statistics.median(w) for n, w in walls.items()}
    small, big = min(times), max(times)
    growth = (times[big] / times[small]) / (big / small)
    bench.figure(
        f"staff --all: time per project at {big} over at {small} projects (1 = linear)",
        growth,
        at_most=1.1,
    )


if __name__ == "__main__":
    sys.exit(gate.main(sys.modules[__name__]))
