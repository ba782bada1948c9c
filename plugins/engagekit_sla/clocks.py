"""The SLA clock kernel: business time between millions of instants, minus pauses, at numpy speed.

The working spans come from the core's ``engagekit.clock.BusinessClock`` (the calendar's hours,
time zone, holidays, DST). For speed an instant is looked up in a table of fixed-size buckets
(an hour, or down to a minute, so that no working span starts inside a bucket): a bucket holds the
position at its start and how long work runs on from there, so ``F(t) = at[d] + min(t - edge,
run[d])``: two table reads per instant, the same answers as ``BusinessClock.position``. Should the
spans not align with any bucket size (or the range be too long for the table), a per-day index
(the span in force at the start of each UTC day, then a few steps forward) is used instead.

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
#: Bucket sizes tried, largest first: a size works when every span starts on a bucket edge.
BUCKETS = (3600, 1800, 900, 300, 60)


class SlaClock:
    """Working seconds up to any instant in ``[first, last]``: ``position(t)``.

    ``calendar`` None is calendar time (every second counts): ``position(t) = t``.
    """

    def __init__(
        self,
        calendar: engagekit.Calendar | None,
        lo: int,
        hi: int,
        *,
        max_buckets: int = 4_000_000,
    ) -> None:
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
        self.step = 0
        offsets = bc.starts - origin
        for size in BUCKETS:
            count = (self.last - origin) // size + 2
            if count <= max_buckets and not (offsets % size).any():
                # No span starts inside a bucket: within one, working time runs on from the
                # bucket's start for ``run[d]`` seconds and then stands still.
                self.step = size
                edges = origin + np.arange(count + 1, dtype=np.int64) * size
                at = _positions(bc, edges)
                self._at = at[:-1].copy()
                self._run = np.diff(at)
                return
        # Fallback: the span in force at the start of each UTC day, then a few steps forward.
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

    def position(self, t: NDArray[np.int64], *, checked: bool = False) -> NDArray[np.int64]:
        """Working seconds from the clock's start up to each instant (int64).

        ``checked``: the caller guarantees every instant is inside the clock's range.
        """
        import numpy as np

        t = np.asarray(t, dtype=np.int64)
        if self.business is None:
            return t
        if not checked:
            self.check(t)
        if self.step:
            d, r = np.divmod(t - self.origin, self.step)
            np.minimum(r, self._run[d], out=r)
            r += self._at[d]
            return r
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


def _positions(bc: BusinessClock, t: NDArray[np.int64]) -> NDArray[np.int64]:
    """``BusinessClock.position`` without its range check (for table edges just outside it)."""
    import numpy as np

    i = np.searchsorted(bc.starts, t, side="right") - 1
    ic = np.maximum(i, 0)
    inside = np.clip(t - bc.starts[ic], 0, bc.ends[ic] - bc.starts[ic])
    return np.where(i < 0, 0, bc.before[ic] + inside).astype(np.int64)


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
