"""Regenerate the data of examples/hybrid.toml and examples/odc-with-sla.toml (seeded, so the
files come out the same every time):

    python examples/data/hybrid/make_data.py

Timesheets skip weekends and Berlin's public holidays; incident timestamps are Berlin wall-clock
time (the projects set ``data_timezone``) and avoid the hour the clocks change.
"""

from __future__ import annotations

import csv
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import holidays

HERE = Path(__file__).resolve().parent
BERLIN = holidays.country_holidays("DE", subdiv="BE", years=range(2025, 2028))


def working_days(first: date, last: date) -> list[date]:
    out, d = [], first
    while d <= last:
        if d.weekday() < 5 and d not in BERLIN:
            out.append(d)
        d += timedelta(days=1)
    return out


def write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def stamp(t: datetime | None) -> str:
    return "" if t is None else t.strftime("%Y-%m-%d %H:%M")


# -- discovery (fixed price) ---------------------------------------------------------------------


def discovery() -> None:
    write(
        HERE / "discovery-acceptance.csv",
        ["phase", "accepted", "note"],
        [
            ["workshops", "2026-02-09", "workshop report signed off"],
            ["specification", "2026-03-12", "specification accepted by the steering committee"],
        ],
    )


# -- build (time and material) -------------------------------------------------------------------

BUILD_TEAM = [
    # person, role, FTE, first day
    ("Anton Weiss", "developer", 1.0, date(2026, 3, 2)),
    ("Mira Kovac", "developer", 1.0, date(2026, 3, 2)),
    ("Sara Lind", "tester", 0.5, date(2026, 3, 16)),
    ("Lea Brandt", "lead", 0.3, date(2026, 3, 2)),
]
VACATION = {
    "Anton Weiss": {date(2026, 5, 26), date(2026, 5, 27), date(2026, 5, 28), date(2026, 5, 29)},
    "Mira Kovac": {
        date(2026, 7, 20),
        date(2026, 7, 21),
        date(2026, 7, 22),
        date(2026, 7, 23),
        date(2026, 7, 24),
    },
}


def build(rng: random.Random) -> None:
    rows: list[list[object]] = []
    for day in working_days(date(2026, 3, 2), date(2026, 8, 31)):
        for person, role, fte, first in BUILD_TEAM:
            if day < first or day in VACATION.get(person, ()):
                continue
            hours = round(fte * 8 + rng.choice([-0.5, 0, 0, 0, 0.5, 1.0]) * fte, 1)
            if day.weekday() == 4 and role == "developer":
                rows.append([day, person, role, "1", "yes", "yes", "Internal", "sprint retro"])
                hours -= 1
            if hours > 0:
                task = {"developer": "Development", "tester": "Testing", "lead": "Leadership"}[role]
                rows.append([day, person, role, f"{hours:g}", "yes", "yes", task, "sprint work"])
    write(
        HERE / "build-time.csv",
        ["date", "person", "role", "hours", "billable", "approved", "category", "notes"],
        rows,
    )
    # the backlog as sized at the end of discovery, plus stories added during the build
    items: list[list[object]] = []
    sizes = [1, 2, 3, 3, 5, 5, 5, 8, 8, 13]
    done_day = date(2026, 3, 6)
    for i in range(1, 61):
        added = date(2026, 2, 27) if i <= 48 else date(2026, 3, 2) + timedelta(days=7 * (i - 48))
        removed = date(2026, 5, 4) if i in (17, 33) else None
        done = None
        if removed is None:
            done_day += timedelta(days=rng.choice([1, 2, 3, 4]))
            done = done_day if done_day <= date(2026, 8, 28) else None
        items.append(
            [f"ORD-{i:03d}", f"Story {i}", rng.choice(sizes), added, removed or "", done or ""]
        )
    write(HERE / "build-backlog.csv", ["id", "title", "size", "added", "removed", "done"], items)
    # the same team's velocity on its previous release, in two-week sprints
    start = date(2025, 11, 17)
    rows = []
    for done in (18, 24, 21, 15, 23, 26, 22):
        rows.append([start, done])
        start += timedelta(days=14)
    write(HERE / "build-throughput.csv", ["start", "done"], rows)


# -- service (SLA) -------------------------------------------------------------------------------

#: priority: (share, median response minutes, median resolution hours (wall clock))
PRIORITIES = {
    "P1": (0.04, 12, 2.5),
    "P2": (0.14, 25, 5.0),
    "P3": (0.46, 80, 30.0),
    "P4": (0.36, 240, 70.0),
}


def _opened(rng: random.Random, day: date, priority: str) -> datetime:
    if priority == "P1" or rng.random() < 0.12:
        hour = rng.choice([h for h in range(24) if h != 2])
    else:
        hour = rng.randint(8, 17)
    return datetime(day.year, day.month, day.day, hour, rng.randint(0, 59))


def _safe(t: datetime) -> datetime:
    """Move a time out of 02:00-03:00, which doesn't exist (or exists twice) when clocks change."""
    return t + timedelta(hours=1) if t.hour == 2 else t


def incidents(
    rng: random.Random, first: date, last: date, per_month: int, prefix: str, as_of: date
) -> list[list[object]]:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    count = round(per_month * len(days) / 30.4)
    names, weights = list(PRIORITIES), [p[0] for p in PRIORITIES.values()]
    rows = []
    for n, day in enumerate(sorted(rng.choices(days, k=count)), start=1):
        prio = rng.choices(names, weights)[0]
        _, resp_med, res_med = PRIORITIES[prio]
        opened = _opened(rng, day, prio)
        response = _safe(opened + timedelta(minutes=max(1, rng.lognormvariate(0, 0.8) * resp_med)))
        resolved: datetime | None = _safe(
            response + timedelta(hours=rng.lognormvariate(0, 0.7) * res_med)
        )
        pauses = ""
        assert resolved is not None
        if prio in ("P3", "P4") and rng.random() < 0.2 and resolved - response > timedelta(hours=6):
            p0 = _safe(response + timedelta(hours=1))
            p1 = _safe(min(p0 + timedelta(hours=rng.uniform(2, 20)), resolved - timedelta(hours=1)))
            if p1 > p0:
                pauses = f"{p0:%Y-%m-%dT%H:%M}/{p1:%Y-%m-%dT%H:%M}"
        if resolved.date() > as_of:
            resolved, pauses = None, ""
        history = "P3" if prio == "P2" and rng.random() < 0.15 else ""
        rows.append(
            [
                f"{prefix}{n:04d}",
                prio,
                stamp(opened),
                stamp(response),
                stamp(resolved),
                pauses,
                history,
            ]
        )
    return rows


INCIDENT_HEADER = [
    "id",
    "priority",
    "opened",
    "first_response",
    "resolved",
    "pauses",
    "priority_history",
]


def run(rng: random.Random) -> None:
    as_of = date(2026, 12, 31)
    write(
        HERE / "run-incidents.csv",
        INCIDENT_HEADER,
        incidents(rng, date(2026, 9, 1), as_of, 34, "INC", as_of),
    )
    write(
        HERE / "run-outages.csv",
        ["start", "end", "planned", "service"],
        [
            ["2026-09-13 01:00", "2026-09-13 01:40", "true", "portal"],
            ["2026-10-07 10:12", "2026-10-07 10:49", "false", "portal"],
            ["2026-11-19 16:30", "2026-11-19 17:05", "false", "checkout"],
            ["2026-12-03 09:05", "2026-12-03 09:22", "false", "portal"],
        ],
    )
    write(
        HERE / "run-changes.csv",
        ["id", "kind", "planned", "implemented", "successful", "caused_incident"],
        [
            ["CHG-301", "standard", "2026-09-10 20:00", "2026-09-10 20:10", "true", "false"],
            ["CHG-302", "normal", "2026-09-24 21:00", "2026-09-24 21:30", "true", "false"],
            ["CHG-303", "normal", "2026-10-06 21:00", "2026-10-06 21:45", "false", "true"],
            ["CHG-304", "emergency", "2026-10-07 11:00", "2026-10-07 11:20", "true", "false"],
            ["CHG-305", "normal", "2026-11-05 21:00", "2026-11-05 21:25", "true", "false"],
            ["CHG-306", "standard", "2026-12-10 20:00", "2026-12-10 20:05", "true", "false"],
        ],
    )
    write(
        HERE / "run-releases.csv",
        ["id", "planned", "released", "rolled_back"],
        [
            ["REL-2026.09", "2026-09-24", "2026-09-24", "false"],
            ["REL-2026.10", "2026-10-22", "2026-10-23", "false"],
            ["REL-2026.11", "2026-11-19", "2026-11-19", "true"],
            ["REL-2026.12", "2026-12-10", "2026-12-10", "false"],
        ],
    )


def odc(rng: random.Random) -> None:
    as_of = date(2026, 10, 31)
    write(
        HERE / "odc" / "incidents.csv",
        INCIDENT_HEADER,
        incidents(rng, date(2026, 4, 1), as_of, 22, "SUP", as_of),
    )
    write(
        HERE / "odc" / "outages.csv",
        ["start", "end", "planned", "service"],
        [
            ["2026-05-12 14:02", "2026-05-12 14:31", "false", "tracking"],
            ["2026-07-21 09:40", "2026-07-21 11:05", "false", "tracking"],
            ["2026-09-06 01:00", "2026-09-06 01:45", "true", "tracking"],
        ],
    )


def main() -> None:
    rng = random.Random(20260105)
    discovery()
    build(rng)
    run(rng)
    odc(rng)


if __name__ == "__main__":
    main()
