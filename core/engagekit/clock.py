"""A vectorised business clock: working seconds between millions of instants at numpy speed.

The calendar's working spans over a date range become three int64 arrays (span starts, span
ends, working seconds before each span). Business time up to an instant ``t`` is then
``F(t) = before[i] + clip(t - start[i], 0, length[i])`` with ``i`` found by binary search, and
the business time between two instants is ``F(b) - F(a)``: additive by construction.
Instants are POSIX seconds (int64, UTC).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from engagekit.errors import InputError

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from engagekit.calendar import Calendar

__all__ = ["BusinessClock"]


@attrs.frozen(eq=False)
class BusinessClock:
    starts: NDArray[np.int64]
    ends: NDArray[np.int64]
    before: NDArray[np.int64]
    first: int
    last: int

    @classmethod
    def from_calendar(cls, calendar: Calendar, start: date, end: date) -> BusinessClock:
        spans = calendar.intervals(start - timedelta(days=1), end + timedelta(days=1))
        starts = np.array([int(a.timestamp()) for a, _ in spans], dtype=np.int64)
        ends = np.array([int(b.timestamp()) for _, b in spans], dtype=np.int64)
        lengths = ends - starts
        before = np.zeros(len(spans), dtype=np.int64)
        if len(spans) > 1:
            np.cumsum(lengths[:-1], out=before[1:])
        first = int(datetime.combine(start, datetime.min.time(), calendar.tz).timestamp())
        last = int(
            datetime.combine(end + timedelta(days=1), datetime.min.time(), calendar.tz).timestamp()
        )
        return cls(starts, ends, before, first, last)

    @property
    def total(self) -> int:
        return int(self.before[-1] + self.ends[-1] - self.starts[-1]) if len(self.starts) else 0

    def _check_range(self, t: NDArray[np.int64]) -> None:
        if t.size and (int(t.min()) < self.first or int(t.max()) > self.last):
            bad = int(t.min()) if int(t.min()) < self.first else int(t.max())
            raise InputError(
                f"instant {datetime.fromtimestamp(bad, UTC).isoformat()} is outside the clock's "
                f"range {datetime.fromtimestamp(self.first, UTC).isoformat()} .. "
                f"{datetime.fromtimestamp(self.last, UTC).isoformat()}"
            )

    def position(self, t: ArrayLike) -> NDArray[np.int64]:
        """Working seconds from the clock's start up to each instant in ``t``."""
        arr = np.asarray(t, dtype=np.int64)
        self._check_range(arr)
        if not len(self.starts):
            return np.zeros_like(arr)
        i = np.searchsorted(self.starts, arr, side="right") - 1
        ic = np.maximum(i, 0)
        inside = np.minimum(arr - self.starts[ic], self.ends[ic] - self.starts[ic])
        out: NDArray[np.int64] = np.where(i < 0, 0, self.before[ic] + np.maximum(inside, 0))
        return out

    def between(self, a: ArrayLike, b: ArrayLike) -> NDArray[np.int64]:
        """Working seconds from each ``a`` to each ``b`` (0 where ``b`` <= ``a``)."""
        out: NDArray[np.int64] = np.maximum(self.position(b) - self.position(a), 0)
        return out

    def add(self, t: ArrayLike, seconds: ArrayLike) -> NDArray[np.int64]:
        """The instants at which ``seconds`` of working time after each ``t`` have passed.

        Raises ``InputError`` when a result would fall beyond the clock's range.
        """
        arr = np.asarray(t, dtype=np.int64)
        secs = np.asarray(seconds, dtype=np.int64)
        target = self.position(arr) + secs
        span_end = self.before + (self.ends - self.starts)
        j = np.searchsorted(span_end, target, side="left")
        if np.any(j >= len(self.starts)):
            raise InputError("a deadline falls beyond the end of the calendar range")
        out = self.starts[j] + (target - self.before[j])
        return np.where(secs <= 0, arr, np.maximum(out, arr))

    @staticmethod
    def to_seconds(values: Any) -> NDArray[np.int64]:
        """Aware datetimes (or numpy datetime64 in UTC) to POSIX seconds."""
        arr = np.asarray(values)
        if arr.dtype.kind == "M":
            return arr.astype("datetime64[s]").astype(np.int64)
        return np.array([int(v.timestamp()) for v in values], dtype=np.int64)
