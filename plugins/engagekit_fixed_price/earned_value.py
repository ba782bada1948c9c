"""The measure_service hook: delivery tracking by earned value, from progress reports.

Per phase (and approved change request), on the status date (the latest progress report or
acceptance on or before the end of the period, or of all of them):

- BAC, the budget at completion: the phase's expected (PERT) hours valued at the cost rates.
- PV, planned value: BAC times the share of the phase's planned window (working hours on the
  project calendar) that lies before the end of the status date.
- EV, earned value: BAC times the reported percent complete (100 once the client accepted it).
- AC, actual cost: the reported cost to date, or the reported hours times the phase's blended
  cost rate (its BAC over its expected hours).
- CV = EV - AC, SV = EV - PV, CPI = EV / AC, SPI = EV / PV, EAC = BAC / CPI (= AC + (BAC - EV)
  / CPI; AC + BAC - EV while nothing is earned), ETC = EAC - AC, VAC = BAC - EAC.

Milestone slippage: a phase accepted late slips by the days between its planned end and the
acceptance; one not yet accepted is forecast to end after its planned duration divided by its
SPI, and never before the status date while unfinished.

Status: ``off-track`` when CPI or SPI is below ``off_track_below`` (0.85), ``at-risk`` below
``at_risk_below`` (0.95) or when a phase is past its planned end unaccepted, else ``on-track``.
The component's status comes from its totals, raised to at least ``at-risk`` when any phase is
off track; without any progress report or acceptance it is None (nothing to judge).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

import engagekit
from engagekit_fixed_price.settings import Settings
from engagekit_fixed_price.work import Group

__all__ = ["EarnedValue", "earned_value", "measure_component", "planned_share"]

MODEL = "fixed-price"
RANK = {"on-track": 0, "at-risk": 1, "off-track": 2}
INDEX = Decimal("0.001")


@attrs.frozen
class EarnedValue:
    """The earned-value figures of one phase or of a total, unrounded."""

    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal

    @property
    def cv(self) -> Decimal:
        return self.ev - self.ac

    @property
    def sv(self) -> Decimal:
        return self.ev - self.pv

    @property
    def cpi(self) -> Decimal | None:
        return self.ev / self.ac if self.ac else None

    @property
    def spi(self) -> Decimal | None:
        return self.ev / self.pv if self.pv else None

    @property
    def eac(self) -> Decimal:
        cpi = self.cpi
        if cpi:
            return self.bac / cpi
        return self.ac + self.bac - self.ev

    @property
    def etc(self) -> Decimal:
        return self.eac - self.ac

    @property
    def vac(self) -> Decimal:
        return self.bac - self.eac

    def __add__(self, other: EarnedValue) -> EarnedValue:
        return EarnedValue(
            self.bac + other.bac, self.pv + other.pv, self.ev + other.ev, self.ac + other.ac
        )


def earned_value(bac: Decimal, planned: Decimal, percent: Decimal, ac: Decimal) -> EarnedValue:
    """EV figures from a budget, the planned share (0..1), percent complete and actual cost."""
    return EarnedValue(bac, bac * planned, bac * percent / 100, ac)


def planned_share(calendar: engagekit.Calendar, start: date, end: date, on: date) -> Decimal:
    """The share of the window [start, end] planned to be done by the end of ``on``."""
    if on < start:
        return Decimal(0)
    if on >= end:
        return Decimal(1)
    total = calendar.working_hours(start, end)
    if total > 0:
        return calendar.working_hours(start, on) / total
    return Decimal((on - start).days + 1) / Decimal((end - start).days + 1)


def _status(ev: EarnedValue, settings: Settings) -> str:
    worst = min((i for i in (ev.cpi, ev.spi) if i is not None), default=None)
    if worst is None:
        return "on-track"
    if worst < settings.off_track_below:
        return "off-track"
    if worst < settings.at_risk_below:
        return "at-risk"
    return "on-track"


def _worse(a: str, b: str) -> str:
    return a if RANK[a] >= RANK[b] else b


def _forecast_end(
    group: Group, ev: EarnedValue, percent: Decimal, accepted: date | None, status_date: date
) -> date | None:
    if accepted is not None:
        return accepted
    if percent >= 100:
        return max(status_date, group.end) if status_date > group.end else group.end
    spi = ev.spi
    forecast: date | None = None
    if spi:
        duration = (group.end - group.start).days + 1
        forecast = group.start + timedelta(days=math.ceil(duration / float(spi)) - 1)
    elif status_date < group.start or ev.pv == 0:
        forecast = group.end
    if forecast is not None and status_date >= forecast:
        forecast = status_date + timedelta(days=1)
    return forecast


def measure_component(
    project: engagekit.Project, component: engagekit.Component, period: engagekit.Period | None
) -> engagekit.ServiceMeasure:
    from engagekit_fixed_price.importers import read_acceptances, read_progress
    from engagekit_fixed_price.work import build_plan, role_cost_rates

    settings: Settings = component.settings
    currency = project.currency
    plan = build_plan(settings, component, project.calendar)
    rates = role_cost_rates(project, component, plan.roles)
    cutoff = period.last if period is not None else None
    reports = [r for r in read_progress(component) if cutoff is None or r.day <= cutoff]
    acceptances = {n: a.accepted for n, a in read_acceptances(component).items()}
    warnings: list[str] = []
    if settings.progress is None:
        warnings.append(
            'no progress file (progress = "..." in the settings): only accepted phases are earned'
        )
    if cutoff is not None:
        acceptances = {n: d for n, d in acceptances.items() if d <= cutoff}
    dates = [r.day for r in reports] + list(acceptances.values())
    if not dates:
        status_date = cutoff or component.start
        if settings.progress is not None:
            warnings.append("no progress reports up to the status date")
    else:
        status_date = max(dates)

    latest: dict[str, Any] = {}
    for r in reports:
        latest[r.name] = r
    q = engagekit.quantum(currency)
    rows: list[dict[str, Any]] = []
    total = EarnedValue(Decimal(0), Decimal(0), Decimal(0), Decimal(0))
    statuses: list[str] = []
    milestones: list[dict[str, Any]] = []
    values: list[dict[str, Any]] = []
    hours_to_date = Decimal(0)
    # Without any reported hours or cost, AC is unknown, not zero: no CV, CPI, EAC, ETC, VAC.
    actuals_known = any(r.cost is not None or r.hours is not None for r in latest.values())
    for g, group in enumerate(plan.groups):
        items = plan.items_of(g)
        hours = plan.mean_hours(g)
        bac = sum((it.mean * rates[it.role] for it in items), Decimal(0))
        rate = bac / hours if hours else Decimal(0)
        report = latest.get(group.name)
        accepted = acceptances.get(group.name)
        percent = Decimal(100) if accepted else report.percent if report else Decimal(0)
        if report is None:
            ac = Decimal(0)
        elif report.cost is not None:
            ac = report.cost
        else:
            ac = report.hours * rate
        if report is not None and report.hours is not None:
            hours_to_date += report.hours
        share = planned_share(project.calendar, group.start, group.end, status_date)
        ev = earned_value(bac, share, percent, ac)
        total = total + ev
        forecast = _forecast_end(group, ev, percent, accepted, status_date)
        slip = (forecast - group.end).days if forecast is not None else None
        status = _status(ev, settings)
        if accepted is None and status_date > group.end:
            status = _worse(status, "at-risk")
        statuses.append(status)
        state = (
            "accepted"
            if accepted
            else "complete"
            if percent >= 100
            else "in progress"
            if percent > 0
            else "not started"
        )
        rows.append(
            {
                "phase": group.name,
                "state": state,
                "percent_complete": percent,
                "planned_percent": (share * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
                "cpi": _index(ev.cpi),
                "spi": _index(ev.spi),
                "planned_end": group.end,
                "accepted": accepted,
                "forecast_end": forecast,
                "slippage_days": slip,
                "status": status,
            }
        )
        values.append(
            {
                "phase": group.name,
                **_money_figures(ev, currency, indices=False, actuals=actuals_known),
            }
        )
        for pay in settings.milestones:
            if pay.on_acceptance == group.name:
                milestones.append(
                    {
                        "milestone": pay.name,
                        "phase": group.name,
                        "planned": group.end,
                        "accepted": accepted,
                        "forecast": forecast,
                        "slippage_days": slip,
                    }
                )
        for cr in settings.change_requests:
            for pay in cr.payments:
                if pay.on_acceptance == group.name:
                    milestones.append(
                        {
                            "milestone": pay.name,
                            "phase": group.name,
                            "planned": group.end,
                            "accepted": accepted,
                            "forecast": forecast,
                            "slippage_days": slip,
                        }
                    )

    overall: str | None = _status(total, settings)
    if "off-track" in statuses:
        overall = _worse(overall or "on-track", "at-risk")
    if not dates:
        overall = None  # nothing reported: no judgement
    slips = [r["slippage_days"] for r in rows if r["slippage_days"] is not None]
    metrics: dict[str, Any] = {
        "status_date": status_date,
        "percent_complete": _pct(total.ev, total.bac),
        "percent_planned": _pct(total.pv, total.bac),
        **_money_figures(total, currency, actuals=actuals_known),
        "actual_hours": hours_to_date,
        "max_slippage_days": max(slips, default=0),
        "phases_late": sum(1 for s in slips if s > 0),
        "phases_accepted": sum(1 for r in rows if r["accepted"] is not None),
    }
    if not actuals_known:
        warnings.append(
            "no actual hours or cost reported: AC-based figures (AC, CV, CPI, EAC, ETC, VAC) "
            "are not computed"
        )
    if settings.contract_price is not None:
        price = (
            settings.contract_price + sum((c.price for c in settings.change_requests), Decimal(0))
        ).quantize(q)
        metrics["price"] = engagekit.Money(price, currency)
        metrics["margin_at_completion"] = (
            engagekit.Money(price - total.eac, currency).rounded() if actuals_known else None
        )
    for row in rows:
        if row["slippage_days"] and row["slippage_days"] > 0 and row["accepted"] is None:
            warnings.append(
                f"phase {row['phase']!r} is forecast to end {row['forecast_end']}, "
                f"{row['slippage_days']} days after its planned end {row['planned_end']}"
            )
    return engagekit.ServiceMeasure(
        component=component.name,
        model=MODEL,
        metrics=metrics,
        tables={"phases": rows, "earned_value": values, "milestones": milestones},
        status=overall,
        warnings=tuple(warnings),
    )


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part / whole * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _index(value: Decimal | None) -> Decimal | None:
    return value.quantize(INDEX, rounding=ROUND_HALF_UP) if value is not None else None


def _money_figures(
    ev: EarnedValue, currency: str, *, indices: bool = True, actuals: bool = True
) -> dict[str, Any]:
    def m(x: Decimal) -> engagekit.Money:
        return engagekit.Money(x, currency).rounded()

    out: dict[str, Any] = {
        "bac": m(ev.bac),
        "pv": m(ev.pv),
        "ev": m(ev.ev),
        "ac": m(ev.ac),
        "cv": m(ev.cv),
        "sv": m(ev.sv),
        "cpi": _index(ev.cpi),
        "spi": _index(ev.spi),
        "eac": m(ev.eac),
        "etc": m(ev.etc),
        "vac": m(ev.vac),
    }
    if not actuals:
        for key in ("ac", "cv", "cpi", "eac", "etc", "vac"):
            out[key] = None
    if not indices:
        del out["cpi"], out["spi"]
    return out
