"""Periods: half-open date ranges [start, end) with a label, parsed from ``2026-03`` and friends."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import attrs

from engagekit.errors import InputError

__all__ = ["Period"]

_FORMS = (
    "YYYY-MM (a month), YYYY-Www (an ISO week), YYYY-Qn (a quarter), YYYY (a year), "
    "or YYYY-MM-DD..YYYY-MM-DD (inclusive dates)"
)


# Periods are split into weeks and months and stepped past their end: the last year of
# ``date`` is kept free so that none of that overflows.
LAST_DAY = date(9998, 12, 31)


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


@attrs.frozen(order=True)
class Period:
    """The dates ``start`` <= d < ``end``."""

    start: date
    end: date
    label: str = attrs.field(default="", eq=False, order=False)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise InputError(f"period {self.start}..{self.end} is empty", field="period")
        if self.end > LAST_DAY + timedelta(days=1):
            raise InputError(
                f"period {self.start}..{self.end - timedelta(days=1)} ends after {LAST_DAY}",
                field="period",
                hint=f"engagekit handles dates up to {LAST_DAY}",
            )
        if not self.label:
            whole_month = self.start.day == 1 and self.end == _next_month(self.start)
            label = f"{self.start:%Y-%m}" if whole_month else f"{self.start}..{self.last}"
            object.__setattr__(self, "label", label)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = date(year, month, 1)
        return cls(start, _next_month(start), f"{year:04d}-{month:02d}")

    @classmethod
    def of_month(cls, day: date) -> Period:
        return cls.month(day.year, day.month)

    @classmethod
    def days(cls, first: date, last: date) -> Period:
        """The inclusive range [first, last]."""
        return cls(first, last + timedelta(days=1))

    @classmethod
    def parse(cls, text: str) -> Period:
        text = text.strip()
        if not text:
            raise InputError("is empty", field="period", hint=f"write {_FORMS}")
        try:
            if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
                return cls.month(int(m[1]), int(m[2]))
            if m := re.fullmatch(r"(\d{4})-W(\d{2})", text):
                start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
                return cls(start, start + timedelta(days=7), text)
            if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
                start = date(int(m[1]), 3 * int(m[2]) - 2, 1)
                end = date(start.year + (m[2] == "4"), (start.month + 2) % 12 + 1, 1)
                return cls(start, end, text)
            if m := re.fullmatch(r"(\d{4})", text):
                return cls(date(int(m[1]), 1, 1), date(int(m[1]) + 1, 1, 1), text)
            if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
                return cls.days(date.fromisoformat(m[1]), date.fromisoformat(m[2]))
        except InputError:
            raise
        except ValueError as exc:
            raise InputError(f"{text!r} is not a valid period ({exc})", field="period") from None
        except OverflowError:  # the day after the period is past date.max
            raise InputError(
                f"{text!r} is not a valid period (it ends after {LAST_DAY})", field="period"
            ) from None
        raise InputError(f"{text!r} is not a period", field="period", hint=f"write {_FORMS}")

    @property
    def last(self) -> date:
        """The last date in the period."""
        return self.end - timedelta(days=1)

    @property
    def length(self) -> int:
        return (self.end - self.start).days

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    def overlaps(self, first: date, last: date) -> bool:
        """Whether the inclusive range [first, last] shares a day with this period."""
        return first < self.end and last >= self.start

    def clip(self, first: date, last: date) -> Period | None:
        """The part of [first, last] inside this period, or None."""
        lo, hi = max(first, self.start), min(last, self.last)
        return Period.days(lo, hi) if lo <= hi else None

    def months(self) -> Iterator[Period]:
        """The calendar months this period touches."""
        d = date(self.start.year, self.start.month, 1)
        while d < self.end:
            yield Period.of_month(d)
            d = _next_month(d)

    def split(self, frequency: str) -> list[Period]:
        """Consecutive periods of ``month``, ``week`` (ISO, Monday first) or ``biweekly``."""
        if frequency == "month":
            return list(self.months())
        if frequency in ("week", "biweekly"):
            step = 7 if frequency == "week" else 14
            d = self.start - timedelta(days=self.start.weekday())
            out = []
            while d < self.end:
                iso = d.isocalendar()
                out.append(Period(d, d + timedelta(days=step), f"{iso.year}-W{iso.week:02d}"))
                d += timedelta(days=step)
            return out
        raise InputError(
            f"unknown frequency {frequency!r}", field="frequency", hint="month, week or biweekly"
        )

    def __str__(self) -> str:
        return self.label
