"""The SLA clock kernel: business time between millions of instants, minus pauses, at numpy speed.

The working spans come from the core's ``engagekit.clock.BusinessClock`` (the calendar's hours,
time zone, holidays, DST). For speed the lookup of an instant's span uses a per-day bucket index
(the span in force at the start of each UTC day, then at most a few steps forward) instead of a
binary search: the same answers as ``BusinessClock.position``, in a handful of vector operations.

Business time from ``a`` to ``b`` is ``F(b) - F(a)`` where ``F`` is the position (working seconds
since the clock's start); pauses are measured the same way, clipped to each incident's window,
so pause time is business time too, never wall-clock time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import engagekit

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from engagekit.clock import BusinessClock

__all__ = ["SlaClock", "paused_in_windows"]

DAY = 86_400


class SlaClock:
    """Working seconds up to any instant in ``[first, last]``: ``position(t)``.

    ``calendar`` None is calendar time (every second counts): ``position(t) = t``.
    """

    def __init__(self, calendar: engagekit.Calendar | None, lo: int, hi: int) -> None:
        import numpy as np

        self.calendar = calendar
        self.business: BusinessClock | None = None
        if calendar is None:
            self.first, self.last = lo, hi
            return
        tz = calendar.tz
        first_day = datetime.fromtimestamp(lo, UTC).astimezone(tz).date() - timedelta(days=1)
        last_day = datetime.fromtimestamp(hi, UTC).astimezone(tz).date() + timedelta(days=1)
        bc = calendar.clock(first_day, last_day)
        self.business = bc
        self.first, self.last = int(bc.first), int(bc.last)
        origin = (self.first // DAY) * DAY - DAY
        self.origin = origin
        # A zero-length span before everything, so every instant has a span at or before it.
        starts = np.concatenate(([origin - DAY], bc.starts)).astype(np.int64)
        lengths = np.concatenate(([0], bc.ends - bc.starts)).astype(np.int64)
        before = np.concatenate(([0], bc.before)).astype(np.int64)
        ndays = (self.last - origin) // DAY + 2
        bucket_starts = origin + np.arange(ndays + 1, dtype=np.int64) * DAY
        at = np.searchsorted(starts, bucket_starts, side="right")
        self._bucket = (at[:-1] - 1).astype(np.int64)
        self._steps = int(np.diff(at).max()) if ndays else 0
        self._starts = starts
        self._next = np.concatenate((starts[1:], [np.iinfo(np.int64).max]))
        self._lengths = lengths
        self._before = before

    def check(self, t: NDArray[np.int64]) -> None:
        if t.size:
            lo, hi = int(t.min()), int(t.max())
            if lo < self.first or hi > self.last:
                bad = lo if lo < self.first else hi
                raise engagekit.InputError(
                    f"instant {datetime.fromtimestamp(bad, UTC).isoformat()} is outside the "
                    "measured range"
                )

    def position(self, t: NDArray[np.int64]) -> NDArray[np.int64]:
        """Working seconds from the clock's start up to each instant (int64)."""
        import numpy as np

        t = np.asarray(t, dtype=np.int64)
        if self.business is None:
            return t
        self.check(t)
        j = self._bucket[(t - self.origin) // DAY]
        nxt = self._next
        for _ in range(self._steps):
            j += nxt[j] <= t
        x = t - self._starts[j]
        np.clip(x, 0, self._lengths[j], out=x)
        x += self._before[j]
        return x

    def add(self, t: NDArray[np.int64], seconds: NDArray[np.int64]) -> NDArray[np.int64]:
        """The instants at which ``seconds`` of working time after each ``t`` have passed."""
        import numpy as np

        if self.business is None:
            return np.asarray(t, dtype=np.int64) + np.asarray(seconds, dtype=np.int64)
        return self.business.add(t, seconds)


def paused_in_windows(
    owner: NDArray[np.int64],
    pause_from: NDArray[np.int64],
    pause_to: NDArray[np.int64],
    window_from: NDArray[np.int64],
    window_to: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Per incident, the paused time inside its window, all as clock positions.

    ``owner[k]`` is the incident of pause ``k``; pauses of one incident must not overlap.
    """
    import numpy as np

    n = len(window_from)
    if not len(owner):
        return np.zeros(n, dtype=np.int64)
    lo = np.maximum(pause_from, window_from[owner])
    hi = np.minimum(pause_to, window_to[owner])
    part = np.maximum(hi - lo, 0)
    return np.bincount(owner, weights=part, minlength=n).astype(np.int64)
