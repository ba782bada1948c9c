"""The SLA floor: response and resolution compliance per priority of a generic incident CSV.

Written without engagekit: pyarrow reads the file in batches with typed timestamp columns;
local wall-clock times become UTC through a per-hour table of UTC offsets (zoneinfo); business
time is a per-day table of working spans (the `holidays` package for the closed days); the
pause inside each clock is subtracted; the counts of each batch are added up. Memory stays that
of one batch, whatever the file's length. Prints the counts as JSON.

Run: python floors/sla_floor.py INCIDENTS.csv --timezone Europe/Berlin --country DE
     --subdivision BE --hours 09:00-17:00 --year 2026 --target P1=30,240 --target P2=...
(targets: response minutes, resolution minutes.)
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

STAMP = pa.timestamp("s")


class Zone:
    """Local wall-clock seconds to UTC seconds, by a table of offsets per local hour."""

    def __init__(self, tz: str, first: date, last: date) -> None:
        zone = ZoneInfo(tz)
        self.origin = (first - date(1970, 1, 1)).days * 86400
        hours = ((last - first).days + 1) * 24
        start = datetime(first.year, first.month, first.day)
        self.offset = np.array(
            [
                int(zone.utcoffset(start + timedelta(hours=h)).total_seconds())  # type: ignore[union-attr]
                for h in range(hours)
            ],
            dtype=np.int64,
        )

    def utc(self, local: np.ndarray) -> np.ndarray:
        return local - self.offset[(local - self.origin) // 3600]


class Business:
    """Working seconds before an instant, from one working span per UTC day."""

    def __init__(self, zone: Zone, first: date, last: date, hours: str, closed: set[date]):
        lo, hi = (int(h) * 3600 + int(m) * 60 for h, m in (x.split(":") for x in hours.split("-")))
        self.origin = zone.origin
        days = (last - first).days + 1
        self.open = np.zeros(days + 1, np.int64)
        self.length = np.zeros(days + 1, np.int64)
        for k in range(days):
            d = first + timedelta(days=k)
            if d.weekday() >= 5 or d in closed:
                continue
            local = (d - date(1970, 1, 1)).days * 86400
            a = int(zone.utc(np.array([local + lo]))[0])
            b = int(zone.utc(np.array([local + hi]))[0])
            day = (a - self.origin) // 86400
            assert self.length[day] == 0, "one working span per UTC day"
            self.open[day] = a - (self.origin + day * 86400)
            self.length[day] = b - a
        self.before = np.concatenate([[0], np.cumsum(self.length)[:-1]])

    def position(self, t: np.ndarray) -> np.ndarray:
        d = (t - self.origin) // 86400
        x = np.clip(t - self.origin - d * 86400 - self.open[d], 0, self.length[d])
        return self.before[d] + x


def seconds(column: pa.Array) -> np.ndarray:
    return column.cast(pa.int64()).to_numpy(zero_copy_only=False)


def batch_counts(
    batch: pa.RecordBatch,
    zone: Zone,
    business: Business,
    names: list[str],
    window: np.ndarray,
    targets: tuple[np.ndarray, np.ndarray],
) -> dict[str, np.ndarray]:
    """Incidents resolved in the window, and those that met each target, per priority."""
    response, resolution = targets
    k = len(names)
    prio = pc.index_in(batch.column("priority"), value_set=pa.array(names)).to_numpy(
        zero_copy_only=False
    )
    opened = zone.utc(seconds(batch.column("opened")))
    resolved = zone.utc(seconds(batch.column("resolved")))
    responded = zone.utc(seconds(batch.column("first_response")))
    keep = (resolved >= window[0]) & (resolved < window[1])
    pauses = batch.column("pauses").fill_null("")
    if pc.any(pc.match_substring(pauses, ";")).as_py():
        sys.exit("the floor reads one pause per incident")
    has = pc.greater(pc.utf8_length(pauses), 0).to_numpy(zero_copy_only=False)
    owner = np.flatnonzero(has)
    paused = pauses.filter(pa.array(has))

    def part(lo: int, hi: int) -> np.ndarray:
        text = pc.utf8_slice_codeunits(paused, lo, hi)
        return zone.utc(seconds(pc.strptime(text, format="%Y-%m-%dT%H:%M:%S", unit="s")))

    pa_, pb = business.position(part(0, 19)), business.position(part(20, 39))
    po = business.position(opened)
    pr = business.position(np.minimum(responded, resolved))
    pz = business.position(resolved)

    def pause_within(end: np.ndarray) -> np.ndarray:
        inside = np.maximum(np.minimum(pb, end[owner]) - np.maximum(pa_, po[owner]), 0)
        return np.bincount(owner, weights=inside, minlength=len(po)).astype(np.int64)

    resp_ok = pr - po - pause_within(pr) <= response[prio]
    res_ok = pz - po - pause_within(pz) <= resolution[prio]
    masks = {
        "incidents": keep,
        "met": keep & resp_ok & res_ok,
        "response_met": keep & resp_ok,
        "resolution_met": keep & res_ok,
    }
    return {key: np.bincount(prio[mask], minlength=k) for key, mask in masks.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--timezone", required=True)
    parser.add_argument("--country", required=True)
    parser.add_argument("--subdivision")
    parser.add_argument("--hours", required=True)
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--target", action="append", required=True)
    args = parser.parse_args()
    names = [t.split("=")[0] for t in args.target]
    response = np.array([int(t.split("=")[1].split(",")[0]) * 60 for t in args.target])
    resolution = np.array([int(t.split("=")[1].split(",")[1]) * 60 for t in args.target])
    targets = (response, resolution)
    first, last = date(args.year - 1, 12, 1), date(args.year + 1, 1, 31)
    zone = Zone(args.timezone, first, last)
    closed = set(
        holidays.country_holidays(
            args.country, subdiv=args.subdivision, years=range(args.year - 1, args.year + 2)
        )
    )
    business = Business(zone, first, last, args.hours, closed)
    window = zone.utc(
        np.array(
            [
                (date(args.year, 1, 1) - date(1970, 1, 1)).days * 86400,
                (date(args.year + 1, 1, 1) - date(1970, 1, 1)).days * 86400,
            ]
        )
    )
    k = len(names)
    counts = {
        key: np.zeros(k, np.int64) for key in ("incidents", "met", "response_met", "resolution_met")
    }
    reader = pacsv.open_csv(
        args.path,
        read_options=pacsv.ReadOptions(block_size=8 << 20),
        convert_options=pacsv.ConvertOptions(
            include_columns=["priority", "opened", "first_response", "resolved", "pauses"],
            column_types={
                "opened": STAMP,
                "first_response": STAMP,
                "resolved": STAMP,
                "priority": pa.string(),
                "pauses": pa.string(),
            },
            strings_can_be_null=True,
        ),
    )
    for batch in reader:
        for key, c in batch_counts(batch, zone, business, names, window, targets).items():
            counts[key] += c
    json.dump(
        {name: {key: int(c[i]) for key, c in counts.items()} for i, name in enumerate(names)},
        sys.stdout,
    )


if __name__ == "__main__":
    main()
