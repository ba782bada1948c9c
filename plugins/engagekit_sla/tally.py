"""What a measure keeps of its incidents, added up batch by batch: counts, and the elapsed times
as counts of each distinct value (percentiles stay exact; memory grows with the number of
distinct elapsed times, not of incidents).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import engagekit
from engagekit_sla.clocks import SlaClock, paused_in_windows
from engagekit_sla.instants import MISSING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from engagekit_sla.incidents import IncidentColumns
    from engagekit_sla.settings import Settings

__all__ = [
    "Clocks",
    "ValueCounts",
    "WindowTally",
    "add_incidents",
    "elapsed_many",
    "incident_figures",
]


class ValueCounts:
    """A multiset of int64 values: each distinct value and how often it occurs."""

    def __init__(self) -> None:
        import numpy as np

        self.values: NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self.counts: NDArray[np.int64] = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return int(self.counts.sum())

    def add(self, values: NDArray[np.int64]) -> None:
        import numpy as np

        if not len(values):
            return
        u, c = np.unique(values, return_counts=True)
        if len(self.values):
            u, inverse = np.unique(np.concatenate((self.values, u)), return_inverse=True)
            c = np.bincount(inverse, weights=np.concatenate((self.counts, c)), minlength=len(u))
        self.values, self.counts = u.astype(np.int64), c.astype(np.int64)

    def percentiles(self, qs: Sequence[float]) -> NDArray[np.float64]:
        """``np.percentile(every value, qs)`` (its default, linear method), to the last bit."""
        import numpy as np

        n = len(self)
        q = np.true_divide(np.asarray(qs), 100)
        virtual = (n - 1) * q
        previous = np.floor(virtual)
        following = previous + 1
        above = virtual >= n - 1
        previous[above] = n - 1
        following[above] = n - 1
        gamma = virtual - np.where(above, -1, previous)
        ends = np.cumsum(self.counts)
        a = self.values[np.searchsorted(ends, previous.astype(np.int64), side="right")]
        b = self.values[np.searchsorted(ends, following.astype(np.int64), side="right")]
        diff = b - a
        out = np.add(a, diff * gamma)
        np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5, casting="unsafe")
        return np.asarray(out, dtype=np.float64)


class WindowTally:
    """One window's incident figures, per priority, added up over batches of incidents."""

    def __init__(self, priorities: int, max_listed: int) -> None:
        import numpy as np

        k = priorities
        self.priorities = k
        self.seen = 0  # incidents read, in or out of the window
        self.opened = 0
        #: per group (resolved priorities first, then open ones): incidents, met, response
        #: met, resolution met
        self.counts = np.zeros((4, 2 * k), dtype=np.int64)
        self.paused = np.zeros(k, dtype=np.int64)  # paused seconds of resolved incidents
        self.ages = np.zeros((k, 5), dtype=np.int64)  # open incidents per age bucket
        self.response = [ValueCounts() for _ in range(k)]
        self.resolution = [ValueCounts() for _ in range(k)]
        self.max_listed = max_listed
        self.listed: list[dict[str, Any]] = []
        self.not_listed = 0


AGE_BUCKETS = (
    (1, "age_lt_1d"),
    (3, "age_1_3d"),
    (7, "age_3_7d"),
    (30, "age_7_30d"),
    (None, "age_over_30d"),
)
TWO = Decimal("0.01")
Elapsed = tuple["NDArray[np.int64]", "NDArray[np.int64]"]


class Clocks:
    """The business and the calendar clock of a coverage calendar, grown to the instants asked.

    Positions on a clock are working seconds since its start, so differences (what is
    measured) do not depend on where the clock starts: one clock serves every batch.
    """

    def __init__(self, coverage: engagekit.Calendar) -> None:
        self.coverage = coverage
        self.business: SlaClock | None = None
        self.calendar: SlaClock | None = None
        self.lo = self.hi = 0

    def covering(self, lo: int, hi: int) -> tuple[SlaClock, SlaClock]:
        if self.business is None or lo < self.lo or hi > self.hi:
            if self.business is not None:
                lo, hi = min(lo, self.lo), max(hi, self.hi)
            self.lo, self.hi = lo, hi
            self.business = SlaClock(self.coverage, lo, hi)
            self.calendar = SlaClock(None, lo, hi)
        assert self.calendar is not None
        return self.business, self.calendar


def elapsed_many(
    clock: SlaClock,
    opened: NDArray[np.int64],
    ends: Sequence[NDArray[np.int64]],
    owner: NDArray[np.int64],
    pause_start: NDArray[np.int64],
    pause_end: NDArray[np.int64],
) -> list[Elapsed]:
    """For each array of ``ends``: the clock time from ``opened`` to it minus the pauses inside,
    and the paused part. Every instant is looked up once."""
    po = clock.position(opened)
    a = clock.position(pause_start)
    b = clock.position(pause_end)
    out = []
    for end in ends:
        pz = clock.position(end)
        paused = paused_in_windows(owner, a, b, po, pz)
        out.append((pz - po - paused, paused))
    return out


def _clocks(
    kinds: Sequence[Sequence[str]],
    prio: NDArray[np.int64],
    business: SlaClock,
    calendar: SlaClock,
    opened: NDArray[np.int64],
    ends: Sequence[NDArray[np.int64]],
    owner: NDArray[np.int64],
    ps: NDArray[np.int64],
    pe: NDArray[np.int64],
) -> list[Elapsed]:
    """Elapsed time to each of ``ends``, on the clock that ``kinds[k][priority]`` names."""
    import numpy as np

    use_cal = [np.array([k == "calendar" for k in ks], dtype=bool) for ks in kinds]
    need_b = any(not u.all() for u in use_cal)
    need_c = any(u.any() for u in use_cal)
    eb = elapsed_many(business, opened, ends, owner, ps, pe) if need_b else None
    ec = elapsed_many(calendar, opened, ends, owner, ps, pe) if need_c else None
    out = []
    for k, u in enumerate(use_cal):
        if eb is None or u.all():
            out.append(ec[k])  # type: ignore[index]
        elif ec is None or not u.any():
            out.append(eb[k])
        else:
            cal = u[prio]
            out.append((np.where(cal, ec[k][0], eb[k][0]), np.where(cal, ec[k][1], eb[k][1])))
    return out


def add_incidents(
    tally: WindowTally,
    inc: IncidentColumns,
    window: Any,
    s: Settings,
    clocks: Clocks,
    comp_start: int,
) -> None:
    """Add the figures of a batch of incidents (in file order, after those added before)."""
    import numpy as np

    tally.seen += len(inc)
    if not len(inc):
        return
    prio_all = inc.highest if s.priority_rule == "highest" else inc.priority
    in_scope = inc.opened >= comp_start
    tally.opened += int((in_scope & (inc.opened >= window.start) & (inc.opened < window.end)).sum())
    res = inc.resolved
    is_res = in_scope & (res != MISSING) & (res >= window.start) & (res < window.end)
    is_open = in_scope & (inc.opened < window.end) & ((res == MISSING) | (res >= window.end))
    chosen = is_res | is_open
    as_of = window.end
    if chosen.all():  # every incident counts (a whole-period measure): no copies
        sel = np.arange(len(inc))

        def take(a: Any) -> Any:
            return a

        owner, ps, pe = inc.pause_owner, inc.pause_start, inc.pause_end
    else:
        sel = np.flatnonzero(chosen)

        def take(a: Any) -> Any:
            return a[sel]

        newidx = np.full(len(inc), -1, dtype=np.int64)
        newidx[sel] = np.arange(len(sel), dtype=np.int64)
        pk = newidx[inc.pause_owner] if len(inc.pause_owner) else np.zeros(0, np.int64)
        pmask = pk >= 0
        owner = pk[pmask]
        ps = inc.pause_start[pmask]
        pe = inc.pause_end[pmask]
    n = len(sel)
    if not n:
        return
    pe = np.where((pe == MISSING) | (pe > as_of), as_of, pe)
    ps = np.minimum(ps, as_of)
    opened = take(inc.opened)
    resolved_sel = take(is_res)
    end_res = np.where(resolved_sel, take(res), as_of)
    resp = take(inc.responded)
    has_resp = (resp != MISSING) & (resp <= end_res)
    end_resp = np.where(has_resp, resp, end_res)
    prio = take(prio_all)
    business, calendar = clocks.covering(int(opened.min()), max(as_of, int(end_res.max())))
    (resp_el, _), (res_el, paused) = _clocks(
        [[p.response_clock for p in s.priorities], [p.resolution_clock for p in s.priorities]],
        prio,
        business,
        calendar,
        opened,
        [end_resp, end_res],
        owner,
        ps,
        pe,
    )
    big = np.iinfo(np.int64).max
    resp_target = np.array(
        [big if p.response_minutes is None else int(p.response_minutes * 60) for p in s.priorities],
        dtype=np.int64,
    )
    res_target = np.array(
        [
            big if p.resolution_hours is None else int(p.resolution_hours * 3600)
            for p in s.priorities
        ],
        dtype=np.int64,
    )
    resp_ok = resp_el <= resp_target[prio]
    res_ok = res_el <= res_target[prio]
    ok = resp_ok & res_ok
    npr = tally.priorities
    group = np.where(resolved_sel, prio, prio + npr)
    for row, mask in enumerate((None, ok, resp_ok, res_ok)):
        g = group if mask is None else group[mask]
        tally.counts[row] += np.bincount(g, minlength=2 * npr)
    # Per priority: resolved incidents (elapsed times, pauses), open ones (ages).
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(2 * npr + 1))
    age_days = (as_of - opened) / 86400.0
    for i in range(npr):
        in_res = order[bounds[i] : bounds[i + 1]]
        tally.response[i].add(resp_el[in_res])
        tally.resolution[i].add(res_el[in_res])
        tally.paused[i] += int(paused[in_res].sum())
        ages = age_days[order[bounds[npr + i] : bounds[npr + i + 1]]]
        lower = 0.0
        for j, (upper, _key) in enumerate(AGE_BUCKETS):
            sel_age = (ages >= lower) if upper is None else ((ages >= lower) & (ages < upper))
            tally.ages[i, j] += int(sel_age.sum())
            lower = float(upper or 0)
    if s.list_incidents != "none" and s.max_listed:
        listed = np.flatnonzero(~ok) if s.list_incidents == "breached" else np.arange(n)
        room = max(tally.max_listed - len(tally.listed), 0)
        shown = listed[:room]
        tally.not_listed += len(listed) - len(shown)
        names = [p.name for p in s.priorities]
        tally.listed += _listing(
            inc,
            sel,
            shown,
            prio,
            names,
            opened,
            end_res,
            resolved_sel,
            resp_el,
            res_el,
            paused,
            resp_ok,
            res_ok,
            clocks.coverage.tz,
        )


def _pct(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TWO)


def _dec(value: float, places: str = "0.01") -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(places))


def incident_figures(
    tally: WindowTally, s: Settings, metrics: dict[str, Any], tables: dict[str, Any]
) -> tuple[list[int], bool, bool]:
    """The priority and backlog tables and the metrics; the breaches per priority, whether a
    priority is below its target, whether open incidents have breached already."""
    rows = []
    backlog = []
    breaches = [0] * tally.priorities
    off = risk = False
    npr = tally.priorities
    counts, met_c, rmet_c, zmet_c = tally.counts
    for i, p in enumerate(s.priorities):
        k = int(counts[i])
        met = int(met_c[i])
        r_met = int(rmet_c[i])
        z_met = int(zmet_c[i])
        breaches[i] = k - met
        n_open = int(counts[npr + i])
        n_open_breached = n_open - int(met_c[npr + i])
        compliance = _pct(met, k)
        row: dict[str, Any] = {
            "priority": p.name,
            "incidents": k,
            "met": met,
            "breached": k - met,
            "compliance_pct": compliance,
            "target_pct": p.target_pct,
            "response_met": r_met,
            "response_breached": k - r_met,
            "resolution_met": z_met,
            "resolution_breached": k - z_met,
        }
        if k:
            r50, r90 = tally.response[i].percentiles([50, 90]) / 60.0
            z50, z90 = tally.resolution[i].percentiles([50, 90]) / 3600.0
            row |= {
                "response_median_min": _dec(r50, "0.1"),
                "response_p90_min": _dec(r90, "0.1"),
                "resolution_median_h": _dec(z50),
                "resolution_p90_h": _dec(z90),
                "paused_h": _dec(tally.paused[i] / 3600.0),
            }
        else:
            row |= {
                "response_median_min": None,
                "response_p90_min": None,
                "resolution_median_h": None,
                "resolution_p90_h": None,
                "paused_h": None,
            }
        row |= {"open": n_open, "open_breached": n_open_breached}
        rows.append(row)
        if compliance is not None and compliance < p.target_pct:
            off = True
        if n_open_breached:
            risk = True
        brow: dict[str, Any] = {
            "priority": p.name,
            "open": n_open,
            "open_breached": n_open_breached,
        }
        for j, (_upper, key) in enumerate(AGE_BUCKETS):
            brow[key] = int(tally.ages[i, j])
        backlog.append(brow)
    total, met_total, resp_met_total, res_met_total = (int(c[:npr].sum()) for c in tally.counts)
    open_total = int(counts[npr:].sum())
    tables["priorities"] = rows
    tables["backlog"] = backlog
    metrics |= {
        "incidents": total,
        "incidents_met": met_total,
        "incidents_breached": total - met_total,
        "compliance_pct": _pct(met_total, total),
        "response_compliance_pct": _pct(resp_met_total, total),
        "resolution_compliance_pct": _pct(res_met_total, total),
        "incidents_opened": tally.opened,
        "open_backlog": open_total,
        "open_breached": open_total - int(met_c[npr:].sum()),
        "paused_hours": _dec(int(tally.paused.sum()) / 3600.0),
        "priority_rule": s.priority_rule,
    }
    if s.list_incidents != "none" and s.max_listed:
        tables["incidents"] = tally.listed
        metrics["incidents_listed"] = len(tally.listed)
        metrics["incidents_not_listed"] = tally.not_listed
    return breaches, off, risk


def _listing(
    inc: Any,
    sel: Any,
    shown: Any,
    prio: Any,
    names: list[str],
    opened: Any,
    end_res: Any,
    resolved_sel: Any,
    resp_el: Any,
    res_el: Any,
    paused: Any,
    resp_ok: Any,
    res_ok: Any,
    tz: Any,
) -> list[dict[str, Any]]:
    out = []
    ids = inc.ids.gather(sel[shown]).to_list() if len(shown) else []
    for j, k in enumerate(shown.tolist()):
        out.append(
            {
                "id": ids[j],
                "priority": names[int(prio[k])],
                "opened": datetime.fromtimestamp(int(opened[k]), UTC).astimezone(tz),
                "resolved": datetime.fromtimestamp(int(end_res[k]), UTC).astimezone(tz)
                if resolved_sel[k]
                else None,
                "response_min": Decimal(int(resp_el[k])) / 60,
                "resolution_h": (Decimal(int(res_el[k])) / 3600).quantize(TWO),
                "paused_h": (Decimal(int(paused[k])) / 3600).quantize(TWO),
                "response_met": bool(resp_ok[k]),
                "resolution_met": bool(res_ok[k]),
                "state": "resolved" if resolved_sel[k] else "open",
            }
        )
    return out
