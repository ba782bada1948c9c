"""Working calendars: hours per weekday in a time zone, public holidays, business-time arithmetic.

Working hours are wall-clock times in the calendar's zone; every duration is computed on the real
(UTC) time line, so a 24x7 day is 23 hours when the clocks spring forward and 25 when they fall
back, and a 09:00-17:00 day is 8 hours on both. Public holidays come from the ``holidays`` package
(country and subdivision) plus the firm's own closed dates.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from engagekit.errors import InputError
from engagekit.publicholidays import country_holidays

if TYPE_CHECKING:
    from engagekit.clock import BusinessClock

__all__ = ["WEEKDAYS", "Calendar", "Span", "parse_hours"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MIDNIGHT = time(0, 0)

#: One working span of a day: wall-clock start and end, ``end`` None meaning midnight (24:00).
Span = tuple[time, time | None]


def _week(span: Span | None, days: int) -> tuple[tuple[Span, ...], ...]:
    day: tuple[Span, ...] = (span,) if span else ()
    return (day,) * days + ((),) * (7 - days)


PRESETS: dict[str, tuple[tuple[Span, ...], ...]] = {
    "8x5": _week((time(9), time(17)), 5),
    "9x5": _week((time(8), time(17)), 5),
    "12x5": _week((time(8), time(20)), 5),
    "12x7": _week((time(8), time(20)), 7),
    "24x5": _week((time(0), None), 5),
    "24x7": _week((time(0), None), 7),
}


def _parse_clock(text: str, field: str) -> time | None:
    text = text.strip()
    if text in ("24:00", "24"):
        return None
    try:
        hh, _, mm = text.partition(":")
        return time(int(hh), int(mm or 0))
    except ValueError:
        raise InputError(
            f"{text!r} is not a time of day", field=field, hint="write times as HH:MM, e.g. 09:00"
        ) from None


def parse_hours(value: Any, field: str = "hours") -> tuple[Span, ...]:
    """Parse ``"09:00-17:00"``, a list of such ranges, or ``[]``/``""`` for a closed day."""
    if value in ("", None, "closed"):
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise InputError("expected a range like '09:00-17:00' or a list of ranges", field=field)
    spans: list[Span] = []
    for item in items:
        if not isinstance(item, str) or "-" not in item:
            raise InputError(
                f"{item!r} is not a range of hours", field=field, hint="write '09:00-17:00'"
            )
        a, b = item.split("-", 1)
        start = _parse_clock(a, field)
        end = _parse_clock(b, field)
        if start is None:
            raise InputError(f"a range cannot start at 24:00 ({item!r})", field=field)
        if end is not None and end <= start:
            raise InputError(f"range {item!r} ends before it starts", field=field)
        spans.append((start, end))
    spans.sort()
    for (_, e1), (s2, _) in itertools.pairwise(spans):
        if e1 is None or e1 > s2:
            raise InputError(f"ranges overlap in {items!r}", field=field)
    return tuple(spans)


def _check_zone(instance: Any, attribute: Any, value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone {value!r}",
            field="timezone",
            hint="use an IANA name such as Europe/Berlin, America/New_York or UTC",
        ) from None


def _check_week(instance: Any, attribute: Any, value: tuple[tuple[Span, ...], ...]) -> None:
    if len(value) != 7:
        raise ValueError("a week has seven days of hours")
    if not any(value):
        raise InputError(
            "the calendar has no working hours on any day",
            field="hours",
            hint='give at least one day hours, e.g. mon = "09:00-17:00", or hours = "24x7"',
        )


@functools.lru_cache(maxsize=256)
def _country_holidays(country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    return country_holidays(country, subdivision, year)


def _check_country(instance: Calendar, attribute: Any, value: str | None) -> None:
    if value is None:
        return
    try:
        _country_holidays(value, None, 2026)
    except NotImplementedError:
        raise InputError(
            f"no public holidays known for country {value!r}",
            field="country",
            hint="use an ISO 3166-1 alpha-2 code the holidays package supports, e.g. DE, US, GB",
        ) from None
    try:
        # Checked apart from the country: holidays reports an unknown subdivision with the
        # same NotImplementedError as an unknown country.
        _country_holidays(value, instance.subdivision, 2026)
    except (NotImplementedError, KeyError, ValueError, TypeError) as exc:
        raise InputError(
            f"unknown subdivision {instance.subdivision!r} of {value}: {exc}", field="subdivision"
        ) from None


@attrs.frozen(eq=True)
class Calendar:
    """Working hours per weekday (Monday first) in ``timezone``, with holidays closed."""

    week: tuple[tuple[Span, ...], ...] = attrs.field(default=PRESETS["8x5"], validator=_check_week)
    timezone: str = attrs.field(default="UTC", validator=_check_zone)
    subdivision: str | None = None
    country: str | None = attrs.field(default=None, validator=_check_country)
    closed_dates: frozenset[date] = frozenset()
    open_dates: frozenset[date] = frozenset()
    observe_holidays: bool = True

    @classmethod
    def preset(cls, name: str, **kw: Any) -> Calendar:
        try:
            week = PRESETS[name]
        except KeyError:
            raise InputError(
                f"unknown schedule {name!r}", field="hours", hint=f"known: {', '.join(PRESETS)}"
            ) from None
        return cls(week=week, **kw)

    @classmethod
    def from_hours(cls, hours: Mapping[str, Any] | str, **kw: Any) -> Calendar:
        """Build from ``{"mon": "09:00-17:00", ...}`` (missing days closed) or a preset name."""
        if isinstance(hours, str):
            return cls.preset(hours, **kw)
        unknown = set(hours) - set(WEEKDAYS)
        if unknown:
            raise InputError(
                f"unknown weekday {sorted(unknown)[0]!r}", field="hours", hint="use mon ... sun"
            )
        week = tuple(parse_hours(hours.get(day), f"hours.{day}") for day in WEEKDAYS)
        return cls(week=week, **kw)

    # -- days ---------------------------------------------------------------------------------

    @functools.cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def holiday_name(self, day: date) -> str | None:
        if day in self.closed_dates:
            return "closed"
        if self.country and self.observe_holidays:
            return _country_holidays(self.country, self.subdivision, day.year).get(day)
        return None

    def is_holiday(self, day: date) -> bool:
        return self.holiday_name(day) is not None

    def holidays_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Holidays and closed dates in [start, end], in date order."""
        found: dict[date, str] = {d: "closed" for d in self.closed_dates if start <= d <= end}
        if self.country and self.observe_holidays:
            for year in range(start.year, end.year + 1):
                for d, name in _country_holidays(self.country, self.subdivision, year).items():
                    if start <= d <= end:
                        found.setdefault(d, name)
        return sorted(found.items())

    def spans_on(self, day: date) -> tuple[Span, ...]:
        """The working spans of ``day`` (empty on holidays and closed weekdays)."""
        if day in self.open_dates:
            return self.week[day.weekday()] or ((time(9), time(17)),)
        if self.is_holiday(day):
            return ()
        return self.week[day.weekday()]

    def is_working_day(self, day: date) -> bool:
        return bool(self.spans_on(day))

    def utc_spans_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working spans of ``day`` as aware UTC datetimes (DST-correct).

        A span holds exactly the instants whose wall-clock reading falls inside it: on the day
        the clocks go back, a span around the repeated hour may come out as two intervals;
        on the day they go forward, the skipped hour holds nothing.
        """
        spans = self.spans_on(day)
        if not spans:
            return []
        out: list[tuple[datetime, datetime]] = []
        midnight = datetime.combine(day, MIDNIGHT)
        for lo, hi, offset in self._segments(day):
            for start, end in spans:
                wall_end = (
                    midnight + timedelta(days=1) if end is None else datetime.combine(day, end)
                )
                a = (datetime.combine(day, start) - offset).replace(tzinfo=UTC)
                b = (wall_end - offset).replace(tzinfo=UTC)
                a, b = max(a, lo), min(b, hi)
                if b > a:
                    if out and out[-1][1] == a:
                        out[-1] = (out[-1][0], b)
                    else:
                        out.append((a, b))
        out.sort()
        return out

    def _segments(self, day: date) -> list[tuple[datetime, datetime, timedelta]]:
        """The local day as UTC intervals of constant UTC offset (two on a DST change day)."""
        lo = _wall_to_utc(day, MIDNIGHT, self.tz)
        hi = _wall_to_utc(day + timedelta(days=1), MIDNIGHT, self.tz)
        first = lo.astimezone(self.tz).utcoffset()
        last = (hi - timedelta(seconds=1)).astimezone(self.tz).utcoffset()
        assert first is not None and last is not None
        if first == last:
            return [(lo, hi, first)]
        a, b = lo, hi
        while (b - a).total_seconds() > 1:
            mid = a + (b - a) / 2
            if mid.astimezone(self.tz).utcoffset() == first:
                a = mid
            else:
                b = mid
        change = b.replace(microsecond=0)
        return [(lo, change, first), (change, hi, last)]

    def working_seconds_on(self, day: date) -> int:
        spans = self.spans_on(day)
        if not spans:
            return 0
        tz = self.tz
        midnight = datetime.combine(day, MIDNIGHT)
        if tz.utcoffset(midnight) == tz.utcoffset(midnight + _DAY):
            # One UTC offset from this midnight to the next (the clocks do not change): every
            # span is as long on the time line as on the wall, which ``utc_spans_on`` would
            # also find, at a tenth of the cost (a team plan asks for each day of a year).
            return _wall_seconds(spans)
        return sum(int((b - a).total_seconds()) for a, b in self.utc_spans_on(day))

    def working_hours_on(self, day: date) -> Decimal:
        return Decimal(self.working_seconds_on(day)) / 3600

    def days(self, start: date, end: date) -> Iterator[date]:
        """Every date in [start, end]."""
        for n in range((end - start).days + 1):
            yield start + timedelta(days=n)

    def working_days(self, start: date, end: date) -> int:
        """Working days in [start, end] (inclusive)."""
        return sum(1 for d in self.days(start, end) if self.is_working_day(d))

    def working_hours(self, start: date, end: date) -> Decimal:
        """Working hours in [start, end] (inclusive), holidays excluded."""
        return Decimal(sum(self.working_seconds_on(d) for d in self.days(start, end))) / 3600

    def add_working_days(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
        day = start
        step = 1 if days >= 0 else -1
        left = abs(days)
        guard = 0
        while left:
            day += timedelta(days=step)
            guard += 1
            if guard > 366 * 50:
                raise InputError("the calendar has no working days in fifty years")
            if self.is_working_day(day):
                left -= 1
        return day

    def finish_date(self, start: date, hours: Decimal, *, capacity: Decimal = Decimal(1)) -> date:
        """The day on which ``hours`` of work starting on ``start`` end, at ``capacity`` FTE."""
        if capacity <= 0:
            raise InputError("capacity must be positive to finish any work", field="capacity")
        left = Decimal(hours)
        day = start
        guard = 0
        while True:
            left -= self.working_hours_on(day) * capacity
            if left <= 0:
                return day
            day += timedelta(days=1)
            guard += 1
            if guard > 366 * 50:
                raise InputError("the work does not finish within fifty years at this capacity")

    # -- instants -----------------------------------------------------------------------------

    def intervals(self, start: date, end: date) -> list[tuple[datetime, datetime]]:
        """All working spans of [start, end] as UTC datetimes, in time order."""
        out: list[tuple[datetime, datetime]] = []
        for d in self.days(start, end):
            out.extend(self.utc_spans_on(d))
        return out

    def business_seconds(self, start: datetime, end: datetime) -> int:
        """Working seconds between two aware instants (0 if ``end`` <= ``start``)."""
        _require_aware(start, "start")
        _require_aware(end, "end")
        if end <= start:
            return 0
        # Whole seconds, as the vectorised clock counts: sub-second parts are dropped.
        s = start.astimezone(UTC).replace(microsecond=0)
        e = end.astimezone(UTC).replace(microsecond=0)
        first = start.astimezone(self.tz).date() - timedelta(days=1)
        last = end.astimezone(self.tz).date()
        total = 0
        for a, b in self.intervals(first, last):
            lo, hi = max(a, s), min(b, e)
            if hi > lo:
                total += int((hi - lo).total_seconds())
        return total

    def add_business_seconds(self, start: datetime, seconds: int) -> datetime:
        """The instant at which ``seconds`` of working time after ``start`` have passed."""
        _require_aware(start, "start")
        s = start.astimezone(UTC).replace(microsecond=0)
        left = seconds
        day = start.astimezone(self.tz).date() - timedelta(days=1)
        for _ in range(366 * 50):
            for a, b in self.utc_spans_on(day):
                if b <= s:
                    continue
                lo = max(a, s)
                avail = int((b - lo).total_seconds())
                if left <= avail:
                    return lo + timedelta(seconds=left)
                left -= avail
            day += timedelta(days=1)
        raise InputError("the calendar has no working time in fifty years")

    def clock(self, start: date, end: date) -> BusinessClock:
        """A vectorised business clock over [start, end] (see ``engagekit.clock``)."""
        from engagekit.clock import BusinessClock

        return BusinessClock.from_calendar(self, start, end)


_DAY = timedelta(days=1)


def _wall_seconds(spans: tuple[Span, ...]) -> int:
    """The whole seconds of a day's spans as the wall clock measures them: ``utc_spans_on``'s
    sum on a day of one UTC offset (spans that touch counted as one, as it joins them)."""
    total = 0
    last: int | None = None
    run = 0
    for start, end in spans:
        a = ((start.hour * 60 + start.minute) * 60 + start.second) * 1_000_000 + start.microsecond
        b = (
            86_400_000_000
            if end is None
            else ((end.hour * 60 + end.minute) * 60 + end.second) * 1_000_000 + end.microsecond
        )
        if b <= a:
            continue
        if last == a:
            run += b - a
        else:
            total += run // 1_000_000
            run = b - a
        last = b
    return total + run // 1_000_000


def _wall_to_utc(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The first instant whose wall time in ``tz`` is ``wall`` on ``day`` (or just past it)."""
    naive = datetime.combine(day, wall)
    first = naive.replace(tzinfo=tz).astimezone(UTC)
    second = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    if first == second:
        return first
    lo, hi = min(first, second), max(first, second)
    if first.astimezone(tz).replace(tzinfo=None) == naive:  # happens twice
        return lo
    # Skipped by the clocks: find the jump, the first instant whose wall time is past ``wall``.
    while (hi - lo).total_seconds() > 1:
        mid = lo + (hi - lo) / 2
        if mid.astimezone(tz).replace(tzinfo=None) >= naive:
            hi = mid
        else:
            lo = mid
    return hi.replace(microsecond=0)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(f"{name} {value.isoformat()} has no time zone", field=name)
