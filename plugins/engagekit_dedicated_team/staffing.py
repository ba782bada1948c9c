"""The roster month by month: filled seats, open positions, expected hires and replacements.

Rows (``engagekit.StaffingRow``):

- ``planned`` with ``person``: a named member over the days of the month they are on the team
  (FTE 1 over that span, so the engine can flag a person over-allocated across components);
- ``planned`` without ``person``: seats filled by hires not yet named (open positions past their
  expected fill date), as the month's average FTE;
- ``open``: seats the plan wants and nobody fills, as the month's average FTE: open positions
  waiting for their hire, plus the seats expected to stand empty because of attrition (a leaver's
  seat stays empty for the role's lead time).

FTE averages are over the working days of the calendar month.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import engagekit

from .estimating import term_months
from .plan import build_roster
from .settings import Settings

__all__ = ["staff_team", "vacancy_share"]

Q2 = Decimal("0.01")


def vacancy_share(attrition_percent: Decimal, lead_days: int) -> Decimal:
    """Long-run share of a seat's time spent empty: with leavers at daily hazard h and a lead
    time L, a seat alternates filled spells of mean 1/h days with empty spells of L days."""
    if not attrition_percent or not lead_days:
        return Decimal(0)
    a = float(attrition_percent) / 100
    if a >= 1:
        return Decimal(1)
    import math

    hazard = -math.log(1 - a) / 365.25
    share = hazard * lead_days / (1 + hazard * lead_days)
    return Decimal(repr(share))


def leavers_share(attrition_percent: Decimal, days: int) -> Decimal:
    """Probability that one person leaves within ``days`` at the expected annual attrition."""
    a = float(attrition_percent) / 100
    if a <= 0:
        return Decimal(0)
    if a >= 1:
        return Decimal(1)
    return Decimal(repr(1 - (1 - a) ** (days / 365.25)))


def staff_team(
    engine: engagekit.Engine, project: engagekit.Project, component: engagekit.Component
) -> engagekit.ComponentStaffing:
    s: Settings = component.settings
    cal = project.calendar
    roster = build_roster(s, component)
    months = term_months(cal, component.start, component.end)
    rows: list[engagekit.StaffingRow] = []
    table: list[dict[str, Any]] = []
    name = component.name

    for m in sorted(s.members, key=lambda m: (m.start, m.name)):
        end = m.end or component.end
        for month in engagekit.Period.days(m.start, end).months():
            span = month.clip(m.start, end)
            assert span is not None
            rows.append(
                engagekit.StaffingRow(
                    component=name,
                    period=span,
                    role=m.role,
                    fte=Decimal(1),
                    person=m.name,
                    hours=cal.working_hours(span.start, span.last),
                    status="planned",
                )
            )

    for tm in months:
        w = len(tm.working_days)
        span = tm.period.clip(component.start, component.end)
        assert span is not None
        hours = {d: cal.working_hours_on(d) for d in tm.term_days}
        for p in s.positions:
            r = p.role
            idx = [roster.index(d) for d in tm.term_days]
            target = Decimal(sum(roster.target[r][i] for i in idx)) / w
            named = Decimal(sum(roster.named[r][i] for i in idx)) / w
            expected = Decimal(sum(roster.expected[r][i] for i in idx)) / w
            open_ = Decimal(sum(roster.open[r][i] for i in idx)) / w
            filled = named + expected
            vacancy = filled * vacancy_share(s.attrition_percent, p.lead_time_days)
            leavers = filled * leavers_share(s.attrition_percent, span.length)
            exp_hours = sum(
                (hours[d] * roster.expected[r][roster.index(d)] for d in tm.term_days), Decimal(0)
            )
            open_hours = sum(
                (hours[d] * roster.open[r][roster.index(d)] for d in tm.term_days), Decimal(0)
            )
            if expected:
                rows.append(
                    engagekit.StaffingRow(
                        component=name,
                        period=span,
                        role=r,
                        fte=expected.quantize(Q2),
                        hours=exp_hours.quantize(Q2),
                        status="planned",
                    )
                )
            empty = open_ + vacancy
            if empty.quantize(Q2):
                month_hours = sum((cal.working_hours_on(d) for d in tm.working_days), Decimal(0))
                vac_hours = vacancy * month_hours
                rows.append(
                    engagekit.StaffingRow(
                        component=name,
                        period=span,
                        role=r,
                        fte=empty.quantize(Q2),
                        hours=(open_hours + vac_hours).quantize(Q2),
                        status="open",
                    )
                )
            table.append(
                {
                    "month": tm.period.label,
                    "role": r,
                    "planned": target.quantize(Q2),
                    "named": named.quantize(Q2),
                    "expected_hires": expected.quantize(Q2),
                    "open": open_.quantize(Q2),
                    "attrition_vacancy": vacancy.quantize(Q2),
                    "expected_leavers": leavers.quantize(Q2),
                }
            )

    positions = [
        {
            "role": ep.role,
            "reason": ep.reason,
            "opened": ep.opened,
            "expected_fill": ep.expected_fill,
            "closed": ep.closed,
            "outcome": ep.outcome,
            "filled_by": ep.filled_by,
        }
        for ep in sorted(roster.episodes, key=lambda e: (e.opened, e.role))
    ]
    changes = []
    for i, ch in enumerate(s.changes):
        entry: dict[str, Any] = {
            "kind": ch.kind,
            "role": ch.role,
            "headcount": ch.headcount,
            "requested": ch.requested,
            "wanted": ch.effective,
        }
        if ch.kind == "reduction":
            eff = s.reduction_effective(ch, component)
            entry["effective"] = eff
            entry["billed_to"] = min(eff - timedelta(days=1), component.end)
            entry["person"] = ch.person
        else:
            fill = max(
                ch.effective or ch.requested,
                ch.requested + timedelta(days=s.position(ch.role).lead_time_days),
            )
            entry["effective"] = fill
        entry["index"] = i
        changes.append(entry)
    details = {"months": table, "open_positions": positions, "changes": changes}
    return engagekit.ComponentStaffing(
        component=name,
        model=component.model,
        rows=tuple(rows),
        details=details,
        warnings=roster.warnings,
    )
