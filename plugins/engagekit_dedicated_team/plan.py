"""The team plan day by day: wanted seats, named members, open positions and expected hires.

Every hook builds on ``build_roster``. Per role and day of the contract term it knows:

- ``target``: seats the plan wants (positions, the ramp-up plan, client changes once effective);
- ``named``: named members on the team;
- ``open``: wanted seats nobody fills yet (an open position, waiting for its hire);
- ``expected``: seats filled by a hire not yet named (an open position past its expected fill
  date, which is its hiring start plus the role's lead time).

Open positions are matched to named members who join later, oldest first; a reduction cancels
the newest open positions first. A named member who leaves while the seat is still wanted opens
a replacement. Hiring for the initial team and the ramp-up starts with the contract; for an
addition, on the day the client asked.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import attrs

import engagekit

from .settings import ClientChange, Member, Settings

__all__ = ["Episode", "Roster", "build_roster", "plan_targets"]


@attrs.define
class Episode:
    """One open position: wanted from ``opened``, expected filled on ``expected_fill``."""

    role: str
    opened: date
    expected_fill: date
    reason: str
    #: The day the position stopped being open (filled by a named member, or cancelled);
    #: None while still open at the end of the term.
    closed: date | None = None
    #: ``named`` (a named member took it), ``cancelled`` (the plan no longer wants it) or
    #: ``expected`` (still open at the end: filled by an expected hire from ``expected_fill``).
    outcome: str = "expected"
    filled_by: str | None = None

    @property
    def hire_day(self) -> date | None:
        """The day an unnamed expected hire joins, or None."""
        end = self.closed
        if self.outcome == "named":
            return None
        if end is not None and self.expected_fill >= end:
            return None
        return self.expected_fill


@attrs.frozen
class TargetEvent:
    day: date
    role: str
    delta: int
    hiring_start: date
    reason: str
    #: The index of the client change in ``changes`` (None for the plan's own steps).
    change: int | None = None


@attrs.frozen
class Reduction:
    change: ClientChange
    index: int
    effective: date


@attrs.frozen
class Roster:
    start: date
    end: date
    roles: tuple[str, ...]
    target: dict[str, list[int]]
    named: dict[str, list[int]]
    open: dict[str, list[int]]
    expected: dict[str, list[int]]
    episodes: tuple[Episode, ...]
    reductions: tuple[Reduction, ...]
    warnings: tuple[str, ...] = ()

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def index(self, day: date) -> int:
        return (day - self.start).days

    def day(self, i: int) -> date:
        return self.start + timedelta(days=i)

    def filled(self, role: str) -> list[int]:
        """Named members plus expected hires on each day."""
        return [a + b for a, b in zip(self.named[role], self.expected[role], strict=True)]


def _round_half_up(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def plan_targets(settings: Settings, component: engagekit.Component) -> list[TargetEvent]:
    """Changes of wanted seats per role, in date order (ramp-up, additions, reductions).

    Raises ``InputError`` (with the settings field) when a reduction leaves a negative headcount.
    """
    events: list[TargetEvent] = []
    start = component.start
    if not settings.ramp_up:
        for p in settings.positions:
            if p.headcount:
                events.append(TargetEvent(start, p.role, p.headcount, start, "initial team"))
    else:
        level = {p.role: 0 for p in settings.positions}
        for step in settings.ramp_up:
            for p in settings.positions:
                new = level[p.role]
                if step.percent is not None:
                    new = _round_half_up(Decimal(p.headcount) * step.percent / 100)
                new = step.headcount.get(p.role, new)
                if new != level[p.role]:
                    events.append(
                        TargetEvent(step.start, p.role, new - level[p.role], start, "ramp-up")
                    )
                    level[p.role] = new
    for k, ch in enumerate(settings.changes):
        if ch.kind == "addition":
            day = ch.effective or ch.requested
            events.append(TargetEvent(day, ch.role, ch.headcount, ch.requested, "addition", k))
        else:
            day = settings.reduction_effective(ch, component)
            person = _member(settings, ch.person)
            if (
                person is not None
                and person.end is not None
                and person.end + timedelta(days=1) < day
            ):
                day = person.end + timedelta(days=1)  # released early: the seat is not refilled
            if day <= component.end:
                events.append(
                    TargetEvent(day, ch.role, -ch.headcount, ch.requested, "reduction", k)
                )
    events.sort(key=lambda e: (e.day, e.delta < 0))
    level2: dict[str, int] = defaultdict(int)
    for e in sorted(events, key=lambda e: (e.day, e.delta < 0)):
        level2[e.role] += e.delta
        if level2[e.role] < 0:
            raise engagekit.InputError(
                f"the reduction of {e.role} on {e.day} leaves a negative headcount "
                f"({level2[e.role]})",
                field=f"changes[{e.change}].headcount" if e.change is not None else "changes",
                hint="a reduction removes at most the seats the plan has on that day",
            )
    return events


def _member(settings: Settings, name: str | None) -> Member | None:
    if name is None:
        return None
    return next((m for m in settings.members if m.name == name), None)


def build_roster(settings: Settings, component: engagekit.Component) -> Roster:
    start, end = component.start, component.end
    n_days = (end - start).days + 1
    roles = tuple(p.role for p in settings.positions)
    events = plan_targets(settings, component)
    target = {r: [0] * n_days for r in roles}
    for r in roles:
        level = 0
        deltas = [0] * (n_days + 1)
        for e in events:
            if e.role == r:
                deltas[(e.day - start).days] += e.delta
        for i in range(n_days):
            level += deltas[i]
            target[r][i] = level
    named = {r: [0] * n_days for r in roles}
    for m in settings.members:
        a = (m.start - start).days
        b = ((m.end or end) - start).days
        row = named[m.role]
        for i in range(max(a, 0), min(b, n_days - 1) + 1):
            row[i] += 1
    joiners: dict[tuple[str, int], list[str]] = defaultdict(list)
    for m in sorted(settings.members, key=lambda m: (m.start, m.name)):
        joiners[(m.role, (m.start - start).days)].append(m.name)
    by_day: dict[tuple[str, int], list[TargetEvent]] = defaultdict(list)
    for e in events:
        if e.delta > 0:
            by_day[(e.role, (e.day - start).days)].append(e)

    episodes: list[Episode] = []
    warnings: list[str] = []
    for p in settings.positions:
        r = p.role
        lead = timedelta(days=p.lead_time_days)
        active: list[Episode] = []
        prev_named = 0
        over_warned = False
        for i in range(n_days):
            d = start + timedelta(days=i)
            t, n = target[r][i], named[r][i]
            joined = max(0, n - prev_named)
            names = list(joiners.get((r, i), ()))
            prev_named = n
            desired = max(0, t - n)
            if n > t and not over_warned:
                warnings.append(
                    f"from {d}, {n} named {r} member(s) for {t} planned seat(s): end a member or "
                    "name who leaves in the reduction (person = ...)"
                )
                over_warned = True
            elif n <= t:
                over_warned = False
            excess = len(active) - desired
            taken = min(joined, max(excess, 0))
            for k in range(taken):  # named joiners take the oldest open positions
                ep = active.pop(0)
                ep.closed, ep.outcome = d, "named"
                ep.filled_by = names[k] if k < len(names) else None
            excess -= taken
            for _ in range(max(excess, 0)):  # the plan wants fewer seats: cancel the newest
                ep = active.pop()
                ep.closed, ep.outcome = d, "cancelled"
            sources = [
                (e.hiring_start, e.reason) for e in by_day.get((r, i), ()) for _ in range(e.delta)
            ]
            while len(active) < desired:
                hiring_start, reason = sources.pop(0) if sources else (d, "replacement")
                fill = max(d, hiring_start + lead)
                ep = Episode(r, d, fill, reason)
                active.append(ep)
                episodes.append(ep)
    open_ = {r: [0] * n_days for r in roles}
    expected = {r: [0] * n_days for r in roles}
    for ep in episodes:
        a = (ep.opened - start).days
        b = (ep.closed - start).days if ep.closed is not None else n_days
        hire = ep.hire_day
        f = (hire - start).days if hire is not None else b
        for i in range(a, min(f, b)):
            open_[ep.role][i] += 1
        for i in range(f, b):
            expected[ep.role][i] += 1
    reductions = tuple(
        Reduction(ch, i, settings.reduction_effective(ch, component))
        for i, ch in enumerate(settings.changes)
        if ch.kind == "reduction"
    )
    for red in reductions:
        person = _member(settings, red.change.person)
        if person is not None and (person.end or end) >= red.effective:
            warnings.append(
                f"{person.name} stays on the team ({person.end or end}) after the reduction "
                f"of {red.change.role} took effect ({red.effective})"
            )
    return Roster(
        start,
        end,
        roles,
        target,
        named,
        open_,
        expected,
        tuple(episodes),
        reductions,
        tuple(warnings),
    )
