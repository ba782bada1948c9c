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
from engagekit_sla.batches import IncidentBatches, fold
from engagekit_sla.clocks import SlaClock
from engagekit_sla.credits import CreditResult, compute_credits
from engagekit_sla.data import ServiceData, load
from engagekit_sla.incidents import IncidentColumns
from engagekit_sla.settings import Settings
from engagekit_sla.tally import (
    TWO,
    Clocks,
    Elapsed,
    WindowTally,
    _dec,
    _pct,
    add_incidents,
    elapsed_many,
    incident_figures,
)

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
    "tally_windows",
]


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


def tally_windows(
    project: engagekit.Project,
    component: engagekit.Component,
    windows: Sequence[Window],
    data: ServiceData,
) -> list[WindowTally]:
    """The incident figures of each window, from one pass over the incidents."""
    s: Settings = component.settings
    coverage = coverage_of(project, s)
    comp_start = make_window(coverage, component.start, component.end, "").start
    clocks = Clocks(coverage)
    assert data.incidents is not None

    def start() -> list[WindowTally]:
        return [WindowTally(len(s.priorities), s.max_listed) for _ in windows]

    def add(tallies: list[WindowTally], batch: IncidentColumns) -> None:
        for tally, window in zip(tallies, windows, strict=True):
            add_incidents(tally, batch, window, s, clocks, comp_start)

    return fold(data.incidents, start, add)


def measure_window(
    project: engagekit.Project,
    component: engagekit.Component,
    window: Window,
    data: ServiceData | None = None,
    tally: WindowTally | None = None,
) -> WindowResult:
    """Everything measured over one window (``tally``: its incident figures, if known)."""
    s: Settings = component.settings
    data = data or load(s)
    coverage = coverage_of(project, s)
    metrics: dict[str, Any] = {"window_start": window.first, "window_end": window.last}
    tables: dict[str, list[dict[str, Any]]] = {}
    warnings: list[str] = []
    off = False
    risk = False
    breaches = [0] * len(s.priorities)
    opened_count = 0

    if tally is None and data.incidents is not None:
        tally = tally_windows(project, component, [window], data)[0]
    if tally is not None and tally.seen:
        opened_count = tally.opened
        breaches, off, risk = incident_figures(tally, s, metrics, tables)
        if data.incidents is not None and data.incidents.skipped:
            warnings.append(
                f"{data.incidents.skipped} problem/change issues in the incident export skipped"
            )
    elif data.incidents is None:
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
    if data.incidents is None and s.availability is None:
        status = None
    return WindowResult(metrics, tables, breaches, avail, opened_count, tickets, warnings, status)


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
    if isinstance(inc, IncidentBatches) and inc.caused_by_change is None:
        fold(inc, lambda: None, lambda _acc, _batch: None)  # not read yet (no incident measured)
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
    latest = _latest(data.incidents) if period is None and data.incidents is not None else None
    if latest is not None:  # to date: up to the day of the latest instant
        day = datetime.fromtimestamp(latest, UTC).astimezone(coverage.tz).date()
        last = max(first, min(last, day))
    window = make_window(coverage, first, last, label)
    months = month_windows(coverage, component, first, last) if s.fee is not None else []
    others = [w for w, _, _ in months if (w.start, w.end) != (window.start, window.end)]
    tallies: list[WindowTally | None] = [None] * (1 + len(others))
    if data.incidents is not None:  # every window from one pass over the incidents
        tallies = list(tally_windows(project, component, [window, *others], data))
    tally_of = {(w.start, w.end): t for w, t in zip([window, *others], tallies, strict=True)}
    result = measure_window(project, component, window, data, tallies[0])
    metrics = dict(result.metrics)
    if s.fee is not None:
        fee = Decimal(0)
        credit = Decimal(0)
        capped = False
        for w, _month, share in months:
            r = (
                result
                if (w.start, w.end) == (window.start, window.end)
                else measure_window(project, component, w, data, tally_of[(w.start, w.end)])
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


def _latest(incidents: IncidentColumns | IncidentBatches) -> int | None:
    """The latest instant of the incidents (a pass of its own over a batched file); None if
    there are none."""
    import numpy as np

    def add(acc: list[int], inc: IncidentColumns) -> None:
        if len(inc):
            cols = [inc.opened, inc.resolved, inc.responded]
            acc.append(int(max(int(np.max(c)) for c in cols)))

    found = fold(incidents, list, add)
    return max(found) if found else None
