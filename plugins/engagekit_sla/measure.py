"""Service measures of an sla component over a window: incidents, problems, changes, releases,
availability and credits.

Which incidents count (docs/models/sla.md):

- compliance (met / breached, medians, P90) covers the incidents **resolved** in the window;
- the backlog covers those still open at the window's end (``as_of``), aged in calendar days;
  an open incident whose elapsed time already exceeds a target is ``open_breached``;
- the billed volume counts those **opened** in the window.

Elapsed time runs on the coverage calendar (``business``) or on every hour (``calendar``) per
priority and target, from the opening to the first response (a resolution without a recorded
response counts as the response) and to the resolution, minus the pauses inside that span,
measured on the same clock. The targets are those of the final priority, or of the highest the
incident ever had (``priority_rule``); either way the elapsed time and its pauses belong to the
incident and are kept when its priority changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

import engagekit
from engagekit_sla.availability import AvailabilityResult, measure_availability
from engagekit_sla.clocks import SlaClock, paused_in_windows
from engagekit_sla.credits import CreditResult, compute_credits
from engagekit_sla.data import ServiceData, load
from engagekit_sla.instants import MISSING
from engagekit_sla.settings import Settings

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = [
    "Window",
    "WindowResult",
    "elapsed_columns",
    "elapsed_many",
    "measure_component",
    "measure_window",
]

AGE_BUCKETS = (
    (1, "age_lt_1d"),
    (3, "age_1_3d"),
    (7, "age_3_7d"),
    (30, "age_7_30d"),
    (None, "age_over_30d"),
)
TWO = Decimal("0.01")


@attrs.frozen
class Window:
    """[start, end) in POSIX seconds, with the local dates it covers."""

    start: int
    end: int
    first: date
    last: date
    label: str


@attrs.frozen(eq=False)
class WindowResult:
    metrics: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    breaches: list[int]  # resolved-and-breached incidents per priority index
    availability: AvailabilityResult | None
    opened: int
    tickets: int
    warnings: list[str]
    status: str | None


def coverage_of(project: engagekit.Project, settings: Settings) -> engagekit.Calendar:
    return settings.coverage or project.calendar


def make_window(calendar: engagekit.Calendar, first: date, last: date, label: str) -> Window:
    tz = calendar.tz
    a = int(datetime.combine(first, datetime.min.time(), tz).timestamp())
    b = int(datetime.combine(last + timedelta(days=1), datetime.min.time(), tz).timestamp())
    return Window(a, b, first, last, label)


def _pct(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TWO)


def _dec(value: float, places: str = "0.01") -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(places))


Elapsed = tuple["NDArray[np.int64]", "NDArray[np.int64]"]


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


def elapsed_columns(
    clock: SlaClock,
    opened: NDArray[np.int64],
    end: NDArray[np.int64],
    owner: NDArray[np.int64],
    pause_start: NDArray[np.int64],
    pause_end: NDArray[np.int64],
) -> Elapsed:
    """Elapsed clock time from ``opened`` to ``end`` minus the pauses inside, and the paused part."""
    return elapsed_many(clock, opened, [end], owner, pause_start, pause_end)[0]


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


def measure_window(
    project: engagekit.Project,
    component: engagekit.Component,
    window: Window,
    data: ServiceData | None = None,
) -> WindowResult:
    """Everything measured over one window."""
    import numpy as np

    s: Settings = component.settings
    data = data or load(s)
    coverage = coverage_of(project, s)
    tz = coverage.tz
    metrics: dict[str, Any] = {"window_start": window.first, "window_end": window.last}
    tables: dict[str, list[dict[str, Any]]] = {}
    warnings: list[str] = []
    off = False
    risk = False
    names = [p.name for p in s.priorities]
    breaches = [0] * len(names)
    opened_count = 0

    inc = data.incidents
    if inc is not None and len(inc):
        prio_all = inc.highest if s.priority_rule == "highest" else inc.priority
        comp_start = make_window(coverage, component.start, component.end, "").start
        in_scope = inc.opened >= comp_start
        opened_count = int(
            (in_scope & (inc.opened >= window.start) & (inc.opened < window.end)).sum()
        )
        res = inc.resolved
        is_res = in_scope & (res != MISSING) & (res >= window.start) & (res < window.end)
        is_open = in_scope & (inc.opened < window.end) & ((res == MISSING) | (res >= window.end))
        chosen = is_res | is_open
        sel = np.flatnonzero(chosen)
        as_of = window.end
        n = len(sel)
        if n == len(inc):  # every incident counts (a whole-period measure): no copies

            def take(a: Any) -> Any:
                return a

            owner, ps, pe = inc.pause_owner, inc.pause_start, inc.pause_end
        else:

            def take(a: Any) -> Any:
                return a[sel]

            newidx = np.full(len(inc), -1, dtype=np.int64)
            newidx[sel] = np.arange(n, dtype=np.int64)
            pk = newidx[inc.pause_owner] if len(inc.pause_owner) else np.zeros(0, np.int64)
            pmask = pk >= 0
            owner = pk[pmask]
            ps = inc.pause_start[pmask]
            pe = inc.pause_end[pmask]
        pe = np.where((pe == MISSING) | (pe > as_of), as_of, pe)
        ps = np.minimum(ps, as_of)
        opened = take(inc.opened)
        resolved_sel = take(is_res)
        end_res = np.where(resolved_sel, take(res), as_of)
        resp = take(inc.responded)
        has_resp = (resp != MISSING) & (resp <= end_res)
        end_resp = np.where(has_resp, resp, end_res)
        prio = take(prio_all)
        lo = int(opened.min()) if n else window.start
        hi = max(as_of, int(end_res.max()) if n else as_of)
        business = SlaClock(coverage, lo, hi)
        calendar = SlaClock(None, lo, hi)
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
            [
                big if p.response_minutes is None else int(p.response_minutes * 60)
                for p in s.priorities
            ],
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
        rows = []
        backlog = []
        total = met_total = resp_met_total = res_met_total = 0
        open_total = open_breached_total = 0
        npr = len(s.priorities)
        # Group by priority once: resolved incidents first, each priority contiguous.
        group = np.where(resolved_sel, prio, prio + npr)
        order = np.argsort(group, kind="stable")
        bounds = np.searchsorted(group[order], np.arange(2 * npr + 1))

        def count(mask: NDArray[np.bool_]) -> NDArray[np.int64]:
            return np.bincount(group[mask], minlength=2 * npr)

        counts = np.bincount(group, minlength=2 * npr)
        met_c, rmet_c, zmet_c = count(ok), count(resp_ok), count(res_ok)
        age_days = (as_of - opened) / 86400.0
        for i, p in enumerate(s.priorities):
            in_res = order[bounds[i] : bounds[i + 1]]
            in_open = order[bounds[npr + i] : bounds[npr + i + 1]]
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
                r50, r90 = np.percentile(resp_el[in_res], [50, 90]) / 60.0
                z50, z90 = np.percentile(res_el[in_res], [50, 90]) / 3600.0
                row |= {
                    "response_median_min": _dec(r50, "0.1"),
                    "response_p90_min": _dec(r90, "0.1"),
                    "resolution_median_h": _dec(z50),
                    "resolution_p90_h": _dec(z90),
                    "paused_h": _dec(paused[in_res].sum() / 3600.0),
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
            ages = age_days[in_open]
            lower = 0.0
            for upper, key in AGE_BUCKETS:
                sel_age = (ages >= lower) if upper is None else ((ages >= lower) & (ages < upper))
                brow[key] = int(sel_age.sum())
                lower = float(upper or 0)
            backlog.append(brow)
            total += k
            met_total += met
            resp_met_total += r_met
            res_met_total += z_met
            open_total += n_open
            open_breached_total += n_open_breached
        tables["priorities"] = rows
        tables["backlog"] = backlog
        metrics |= {
            "incidents": total,
            "incidents_met": met_total,
            "incidents_breached": total - met_total,
            "compliance_pct": _pct(met_total, total),
            "response_compliance_pct": _pct(resp_met_total, total),
            "resolution_compliance_pct": _pct(res_met_total, total),
            "incidents_opened": opened_count,
            "open_backlog": open_total,
            "open_breached": open_breached_total,
            "paused_hours": _dec(paused[resolved_sel].sum() / 3600.0),
            "priority_rule": s.priority_rule,
        }
        if s.list_incidents != "none" and s.max_listed:
            listed = np.flatnonzero(~ok) if s.list_incidents == "breached" else np.arange(n)
            shown = listed[: s.max_listed]
            tables["incidents"] = _listing(
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
                tz,
            )
            metrics["incidents_listed"] = len(shown)
            metrics["incidents_not_listed"] = len(listed) - len(shown)
        if inc.skipped:
            warnings.append(f"{inc.skipped} problem/change issues in the incident export skipped")
    elif inc is None:
        warnings.append("no incidents file: service levels not measured")

    tickets = opened_count
    if data.problems:
        risk |= _problems(s, coverage, data.problems, window, metrics)
        tickets += sum(
            1 for p in data.problems if window.start <= int(p.opened.timestamp()) < window.end
        )
    if data.changes:
        risk |= _changes(s, data, window, metrics)
        times = [_change_time(c) for c in data.changes]
        tickets += sum(1 for t in times if t is not None and window.start <= t < window.end)
    if data.releases:
        risk |= _releases(s, data.releases, window, metrics)

    avail = None
    if s.availability is not None:
        spec = s.availability
        cal = spec.window or engagekit.Calendar.preset("24x7", timezone=coverage.timezone)
        avail = measure_availability(spec, cal, window.start, window.end, data.outages)
        pct = avail.pct
        metrics |= {
            "availability_pct": None if pct is None else pct.quantize(Decimal("0.0001")),
            "availability_target_pct": spec.target_pct,
            "availability_met": avail.met,
            "window_minutes": Decimal(avail.window_seconds) / 60,
            "maintenance_minutes": Decimal(avail.maintenance_seconds) / 60,
            "downtime_minutes": Decimal(avail.downtime_seconds) / 60,
            "unplanned_outages": avail.unplanned_outages,
        }
        if avail.met is False:
            off = True
    status: str | None = "off-track" if off else ("at-risk" if risk else "on-track")
    if inc is None and s.availability is None:
        status = None
    return WindowResult(metrics, tables, breaches, avail, opened_count, tickets, warnings, status)


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


def _problems(
    s: Settings,
    coverage: engagekit.Calendar,
    problems: list[engagekit.Problem],
    window: Window,
    metrics: dict[str, Any],
) -> bool:
    tz = coverage.tz
    days = s.problem_targets.root_cause_days
    opened_in = found_in = on_time = 0
    due_count = 0
    open_ages = []
    for p in problems:
        t_open = int(p.opened.timestamp())
        if window.start <= t_open < window.end:
            opened_in += 1
        due_day = coverage.add_working_days(p.opened.astimezone(tz).date(), days)
        due = int(
            datetime.combine(due_day + timedelta(days=1), datetime.min.time(), tz).timestamp()
        )
        found = int(p.root_cause_found.timestamp()) if p.root_cause_found else None
        if found is not None and window.start <= found < window.end:
            found_in += 1
            due_count += 1
            on_time += found <= due
        elif (found is None or found >= window.end) and window.start <= due < window.end:
            due_count += 1  # due in the window and not found by then: late
        resolved = int(p.resolved.timestamp()) if p.resolved else None
        if t_open < window.end and (resolved is None or resolved >= window.end):
            open_ages.append((window.end - t_open) / 86400)
    pct = _pct(on_time, due_count)
    import statistics

    metrics |= {
        "problems_opened": opened_in,
        "problems_open": len(open_ages),
        "problems_open_median_age_days": _dec(statistics.median(open_ages), "0.1")
        if open_ages
        else None,
        "problems_root_cause_due": due_count,
        "problems_root_cause_on_time": on_time,
        "problems_root_cause_on_time_pct": pct,
        "problems_root_cause_target_pct": s.problem_targets.on_time_pct,
    }
    return pct is not None and pct < s.problem_targets.on_time_pct


def _change_time(c: engagekit.Change) -> int | None:
    t = c.implemented or c.planned
    return int(t.timestamp()) if t is not None else None


def _changes(s: Settings, data: ServiceData, window: Window, metrics: dict[str, Any]) -> bool:
    import numpy as np

    inside = [
        c
        for c in data.changes
        if (t := _change_time(c)) is not None and window.start <= t < window.end
    ]
    linked: set[str] = set()
    inc = data.incidents
    if inc is not None and inc.caused_by_change is not None:
        ids = inc.caused_by_change.drop_nulls().unique().to_list()
        linked = {i for i in ids if i}
    n = len(inside)
    ok = sum(c.successful for c in inside)
    emergency = sum(c.kind == "emergency" for c in inside)
    caused = sum(bool(c.caused_incident or c.id in linked) for c in inside)
    rate = _pct(ok, n)
    share = _pct(emergency, n)
    metrics |= {
        "changes": n,
        "changes_successful": ok,
        "changes_failed": n - ok,
        "change_success_rate_pct": rate,
        "change_success_target_pct": s.change_targets.success_rate_pct,
        "emergency_changes": emergency,
        "emergency_share_pct": share,
        "emergency_share_max_pct": s.change_targets.max_emergency_pct,
        "changes_caused_incidents": caused,
    }
    del np
    return bool(
        (rate is not None and rate < s.change_targets.success_rate_pct)
        or (share is not None and share > s.change_targets.max_emergency_pct)
    )


def _releases(
    s: Settings, releases: list[engagekit.Release], window: Window, metrics: dict[str, Any]
) -> bool:
    inside = [
        r for r in releases if r.released is not None and window.first <= r.released <= window.last
    ]
    late_unreleased = [
        r for r in releases if r.released is None and window.first <= r.planned <= window.last
    ]
    n = len(inside)
    on_time = sum(r.released <= r.planned for r in inside)  # type: ignore[operator]
    rolled = sum(r.rolled_back for r in inside)
    pct = _pct(on_time, n + len(late_unreleased))
    rb = _pct(rolled, n)
    metrics |= {
        "releases": n,
        "releases_on_time": on_time,
        "releases_overdue": len(late_unreleased),
        "releases_on_time_pct": pct,
        "releases_on_time_target_pct": s.release_targets.on_time_pct,
        "releases_rolled_back": rolled,
        "rollback_rate_pct": rb,
        "rollback_max_pct": s.release_targets.max_rollback_pct,
    }
    return bool(
        (pct is not None and pct < s.release_targets.on_time_pct)
        or (rb is not None and rb > s.release_targets.max_rollback_pct)
    )


def month_windows(
    calendar: engagekit.Calendar, component: engagekit.Component, first: date, last: date
) -> list[tuple[Window, engagekit.Period, Decimal]]:
    """The calendar months of [first, last] inside the component, each with the share of its
    month it covers (for prorating a monthly fee)."""
    out = []
    span = engagekit.Period.days(first, last)
    for month in span.months():
        part = month.clip(max(first, component.start), min(last, component.end))
        if part is None:
            continue
        share = Decimal(part.length) / Decimal(month.length)
        out.append((make_window(calendar, part.start, part.last, month.label), month, share))
    return out


def credits_for(s: Settings, result: WindowResult) -> CreditResult:
    avail = result.availability.pct if result.availability is not None else None
    return compute_credits(s.credits, avail, result.breaches, s.priorities)


def measure_component(
    project: engagekit.Project, component: engagekit.Component, period: engagekit.Period | None
) -> engagekit.ServiceMeasure:
    s: Settings = component.settings
    coverage = coverage_of(project, s)
    data = load(s)
    if period is None:
        first, last = component.start, component.end
        label = "to date"
    else:
        part = period.clip(component.start, component.end)
        if part is None:
            return engagekit.ServiceMeasure(
                component.name,
                "sla",
                metrics={},
                tables={},
                status=None,
                warnings=(f"the component does not run in {period.label}",),
            )
        first, last, label = part.start, part.last, period.label
    if period is None and data.incidents is not None and len(data.incidents):
        latest = _latest(data)
        day = datetime.fromtimestamp(latest, UTC).astimezone(coverage.tz).date()
        last = max(first, min(last, day))
    window = make_window(coverage, first, last, label)
    result = measure_window(project, component, window, data)
    metrics = dict(result.metrics)
    if s.fee is not None:
        fee = Decimal(0)
        credit = Decimal(0)
        capped = False
        for w, _month, share in month_windows(coverage, component, first, last):
            r = (
                result
                if (w.start, w.end) == (window.start, window.end)
                else measure_window(project, component, w, data)
            )
            c = credits_for(s, r)
            month_fee = s.fee.monthly * share
            fee += month_fee
            credit += month_fee * c.total_pct / 100
            capped |= c.capped
        metrics["monthly_fee"] = project.money(s.fee.monthly)
        metrics["fee"] = project.money(fee).rounded()
        metrics["credit"] = project.money(credit).rounded()
        metrics["credit_pct_of_fee"] = _pct_dec(credit, fee)
        metrics["credit_capped"] = capped
    else:
        c = credits_for(s, result)
        metrics["credit_pct_of_fee"] = c.total_pct
    return engagekit.ServiceMeasure(
        component.name,
        "sla",
        metrics=metrics,
        tables=result.tables,
        status=result.status,
        warnings=tuple(result.warnings),
    )


def _pct_dec(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(TWO)


def _latest(data: ServiceData) -> int:
    import numpy as np

    inc = data.incidents
    assert inc is not None
    cols = [inc.opened, inc.resolved, inc.responded]
    return int(max(int(np.max(c)) for c in cols if len(c)))
