"""Availability over a measurement window, and the service credits it earns.

availability = (window - unplanned downtime) / window, where the window is the measurement
calendar's hours in the period minus maintenance (the weekly maintenance windows and the planned
outages), and unplanned downtime counts only inside that window. Intervals are POSIX seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import attrs

import engagekit
from engagekit_sla.settings import WEEKDAYS, Availability, parse_range

__all__ = ["AvailabilityResult", "measure_availability", "merge", "overlap"]

Interval = tuple[int, int]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping union of intervals (empty ones dropped)."""
    out: list[Interval] = []
    for a, b in sorted(i for i in intervals if i[1] > i[0]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def overlap(xs: Sequence[Interval], ys: Sequence[Interval]) -> list[Interval]:
    """The intersection of two merged interval lists."""
    out = []
    i = j = 0
    while i < len(xs) and j < len(ys):
        a, b = max(xs[i][0], ys[j][0]), min(xs[i][1], ys[j][1])
        if b > a:
            out.append((a, b))
        if xs[i][1] < ys[j][1]:
            i += 1
        else:
            j += 1
    return out


def length(xs: Iterable[Interval]) -> int:
    return sum(b - a for a, b in xs)


@attrs.frozen
class AvailabilityResult:
    window_seconds: int
    maintenance_seconds: int
    downtime_seconds: int
    unplanned_outages: int
    target_pct: Decimal

    @property
    def pct(self) -> Decimal | None:
        """Exact availability in percent (None for an empty window)."""
        if self.window_seconds <= 0:
            return None
        up = self.window_seconds - self.downtime_seconds
        return Decimal(up) * 100 / Decimal(self.window_seconds)

    @property
    def met(self) -> bool | None:
        pct = self.pct
        return None if pct is None else pct >= self.target_pct


def _weekly(
    calendar: engagekit.Calendar, spec: Availability, first: date, last: date
) -> list[Interval]:
    out = []
    tz = calendar.tz
    d = first
    while d <= last:
        for m in spec.maintenance:
            if WEEKDAYS[d.weekday()] != m.day:
                continue
            start, end = parse_range(m.hours, "hours")
            a = datetime.combine(d, start, tz)
            b = (
                datetime.combine(d + timedelta(days=1), datetime.min.time(), tz)
                if end is None
                else datetime.combine(d, end, tz)
            )
            out.append((int(a.timestamp()), int(b.timestamp())))
        d += timedelta(days=1)
    return out


def measure_availability(
    spec: Availability,
    window_calendar: engagekit.Calendar,
    start: int,
    end: int,
    outages: Sequence[engagekit.Outage],
) -> AvailabilityResult:
    """Availability in [start, end) (POSIX seconds) on ``window_calendar``."""
    tz = window_calendar.tz
    first = datetime.fromtimestamp(start, UTC).astimezone(tz).date() - timedelta(days=1)
    last = datetime.fromtimestamp(end, UTC).astimezone(tz).date() + timedelta(days=1)
    window = merge(
        (max(int(a.timestamp()), start), min(int(b.timestamp()), end))
        for a, b in window_calendar.intervals(first, last)
    )
    planned = [(int(o.start.timestamp()), int(o.end.timestamp())) for o in outages if o.planned]
    maintenance = merge([*_weekly(window_calendar, spec, first, last), *planned])
    in_window_maint = overlap(window, maintenance)
    down = merge(
        (int(o.start.timestamp()), int(o.end.timestamp())) for o in outages if not o.planned
    )
    down_in_window = overlap(down, window)
    down_in_maint = overlap(down_in_window, maintenance)
    counted = [
        o
        for o in outages
        if not o.planned and int(o.end.timestamp()) > start and int(o.start.timestamp()) < end
    ]
    return AvailabilityResult(
        window_seconds=length(window) - length(in_window_maint),
        maintenance_seconds=length(in_window_maint),
        downtime_seconds=length(down_in_window) - length(down_in_maint),
        unplanned_outages=len(counted),
        target_pct=spec.target_pct,
    )
