"""The estimate: monthly run-rate and contract value over the term, and headcount under attrition.

Money comes from the plan (named members and expected hires after their lead times, the
ramp-up and the client's changes), month by month, exact in Decimal and rounded per month:
seat-months are working-day shares of each calendar month, as on the invoices. A seeded
simulation adds attrition (leavers, empty seats for the lead time, replacement hires) and gives
the expected headcount per month with its P10-P90 band, and per-trial effort and cost samples.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

import engagekit

from .billing import notice_lines, notice_spans
from .plan import Roster, build_roster
from .proration import month_days
from .settings import Position, Settings

__all__ = ["estimate_team", "term_months"]

Q2 = Decimal("0.01")


@attrs.frozen
class TermMonth:
    period: engagekit.Period
    working_days: tuple[date, ...]  # of the whole calendar month
    term_days: tuple[date, ...]  # working days within the contract term


def term_months(calendar: engagekit.Calendar, first: date, last: date) -> list[TermMonth]:
    out = []
    for month in engagekit.Period.days(first, last).months():
        days = tuple(month_days(calendar, month))
        out.append(TermMonth(month, days, tuple(d for d in days if first <= d <= last)))
    return out


def seat_price(settings: Settings, p: Position, month_cost: Decimal) -> tuple[str, Decimal]:
    """How a seat is priced: ``("month", rate)``, ``("day", rate)``, ``("hour", rate)`` (before
    utilisation), or ``("month", cost x (1 + margin))`` for cost-plus."""
    if settings.billing == "cost-plus":
        margin = settings.margin_percent or Decimal(0)
        return "month", month_cost * (1 + margin / 100)
    assert p.rate is not None
    return p.rate_unit, p.rate


def estimate_team(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    options: engagekit.EstimateOptions,
) -> engagekit.ComponentEstimate:
    import numpy as np

    from .simulate import RoleInput, simulate

    s: Settings = component.settings
    cal = project.calendar
    cur = project.currency
    roster = build_roster(s, component)
    months = term_months(cal, component.start, component.end)
    util = s.utilisation_percent / 100
    hours_of: dict[date, Decimal] = {}
    for tm in months:
        for d in tm.term_days:
            hours_of[d] = cal.working_hours_on(d)

    # -- the plan, exact ---------------------------------------------------------------------
    hires = _hires(s, roster, component)
    notices = notice_spans(s, component)
    notice_total = Decimal(0)
    rows: list[dict[str, Any]] = []
    total_cost = total_price = engagekit.Money.zero(cur)
    plan_hours = Decimal(0)
    warnings = list(roster.warnings)
    missing_cost = [p.role for p in s.positions if p.monthly_cost is None]
    if missing_cost:
        warnings.append(
            f"no monthly_cost for {', '.join(missing_cost)}: their cost counts as 0 in the margin"
        )
    for tm in months:
        w = len(tm.working_days)
        cost = services = Decimal(0)
        target_days = filled_days = 0
        for p in s.positions:
            filled = roster.filled(p.role)
            target = roster.target[p.role]
            f_days = sum(filled[roster.index(d)] for d in tm.term_days)
            t_days = sum(target[roster.index(d)] for d in tm.term_days)
            f_hours = sum((hours_of[d] * filled[roster.index(d)] for d in tm.term_days), Decimal(0))
            filled_days += f_days
            target_days += t_days
            plan_hours += f_hours
            seat_months = Decimal(f_days) / w
            cost += seat_months * p.seat_cost
            unit, rate = seat_price(s, p, p.seat_cost)
            if unit == "month":
                services += seat_months * rate
            elif unit == "day":
                services += Decimal(f_days) * rate * util
            else:
                services += f_hours * rate * util
        for member, a, b in notices:  # seats paid to the end of notice
            a, b = max(a, tm.period.start), min(b, tm.period.last)
            if a <= b:
                lines = notice_lines(s, component, project, member, s.position(member.role), a, b)
                paid = sum((line.amount.amount for line in lines), Decimal(0))
                if s.billing == "cost-plus":
                    paid *= 1 + (s.margin_percent or Decimal(0)) / 100
                services += paid
                notice_total += paid
        fees = sum((s.fee_for(role) for day, role in hires if day in tm.period), Decimal(0))
        n_hires = sum(1 for day, _ in hires if day in tm.period)
        mgmt = services * s.management_fee_percent / 100
        mgmt += s.management_fee_monthly * Decimal(len(tm.term_days)) / w
        cost_m = engagekit.Money(cost, cur).rounded()
        price_m = engagekit.Money(services + mgmt + fees, cur).rounded()
        total_cost += cost_m
        total_price += price_m
        rows.append(
            {
                "month": tm.period.label,
                "planned_headcount": (Decimal(target_days) / w).quantize(Q2),
                "headcount": (Decimal(filled_days) / w).quantize(Q2),
                "hires": n_hires,
                "cost": cost_m,
                "price": price_m,
                "margin": price_m - cost_m,
                "management_fee": engagekit.Money(mgmt, cur).rounded(),
                "recruitment_fees": engagekit.Money(fees, cur).rounded(),
            }
        )

    # -- attrition, simulated ------------------------------------------------------------------
    n_days = roster.days
    day_list = [roster.day(i) for i in range(n_days)]
    month_index = {tm.period.label: k for k, tm in enumerate(months)}
    month_of_day = np.array(
        [month_index[f"{d.year:04d}-{d.month:02d}"] for d in day_list], dtype=np.int64
    )
    w_of_day = {d: len(tm.working_days) for tm in months for d in tm.term_days}
    inputs = []
    for p in s.positions:
        unit, rate = seat_price(s, p, p.seat_cost)
        cost_d = np.zeros(n_days)
        price_d = np.zeros(n_days)
        fte_d = np.zeros(n_days)
        hours_d = np.zeros(n_days)
        for i, d in enumerate(day_list):
            wd = w_of_day.get(d)
            if wd is None:
                continue
            fte_d[i] = 1.0 / wd
            hours_d[i] = float(hours_of[d])
            cost_d[i] = float(p.seat_cost) / wd
            if unit == "month":
                price_d[i] = float(rate) / wd
            elif unit == "day":
                price_d[i] = float(rate * util)
            else:
                price_d[i] = float(rate * util) * hours_d[i]
        inputs.append(
            RoleInput(
                plan=np.array(roster.filled(p.role), dtype=np.int64),
                lead_days=p.lead_time_days,
                cost_per_day=cost_d,
                price_per_day=price_d,
                fte_per_day=fte_d,
                hours_per_day=hours_d,
                fee=float(s.fee_for(p.role)),
            )
        )
    sim = simulate(
        inputs,
        month_of_day,
        len(months),
        float(s.attrition_percent) / 100,
        options.trials,
        options.seed_for(component.name),
    )
    fixed = float(sum((fee for _, fee in _hire_fees(s, hires)), Decimal(0)))
    monthly_flat = float(
        sum(
            (
                s.management_fee_monthly * Decimal(len(tm.term_days)) / len(tm.working_days)
                for tm in months
            ),
            Decimal(0),
        )
    )
    mgmt_pct = float(s.management_fee_percent) / 100
    notice = float(notice_total)
    sim_price = (sim.price + notice) * (1 + mgmt_pct) + monthly_flat + fixed + sim.fees
    for k, row in enumerate(rows):
        month = sim.headcount[:, k]  # one month at a time: percentile copies what it sorts
        p10, p50, p90 = np.percentile(month, [10, 50, 90])
        row["expected_headcount"] = _dec(month.mean(), 2)
        row["headcount_p10"] = _dec(p10, 2)
        row["headcount_p50"] = _dec(p50, 2)
        row["headcount_p90"] = _dec(p90, 2)

    run_rate = _run_rate(s, months, cur, util)
    details: dict[str, Any] = {
        "billing": s.billing,
        "months": rows,
        # the plan's price per month: the report projects the months after the time entries
        "billing_plan": [
            {"month": r["month"], "amount": r["price"], "basis": "team plan"} for r in rows
        ],
        "run_rate": run_rate,
        "total_contract_value": total_price,
        "hires": len(hires),
        "expected": {
            "attrition_percent": s.attrition_percent,
            "leavers": _dec(float(sim.leavers.mean()), 2),
            "cost": _money(float(sim.cost.mean()), cur),
            "price": _money(float(sim_price.mean()), cur),
            "price_p10": _money(float(np.percentile(sim_price, 10)), cur),
            "price_p90": _money(float(np.percentile(sim_price, 90)), cur),
        },
        "roles": [
            {
                "role": p.role,
                "headcount": p.headcount,
                "seat_cost": engagekit.Money(p.seat_cost, cur).rounded(),
                "rate": p.rate,
                "rate_unit": p.rate_unit if s.billing == "tm" else None,
                "lead_time_days": p.lead_time_days,
            }
            for p in s.positions
        ],
    }
    effort = engagekit.Distribution.from_samples(sim.hours)
    return engagekit.ComponentEstimate(
        component=component.name,
        model=component.model,
        cost=total_cost,
        price=total_price,
        effort_hours=effort,
        start=component.start,
        finish=component.end,
        samples=engagekit.Samples(effort_hours=sim.hours, cost=sim.cost),
        details=details,
        warnings=tuple(warnings),
    )


def _hires(s: Settings, roster: Roster, component: engagekit.Component) -> list[tuple[date, str]]:
    """New hires of the plan: named new hires on their first day, expected hires on their fill
    date (within the term)."""
    out = [(m.start, m.role) for m in s.members if m.new_hire]
    for ep in roster.episodes:
        day = ep.hire_day
        if day is not None and day <= component.end:
            out.append((day, ep.role))
    return sorted(out)


def _hire_fees(s: Settings, hires: list[tuple[date, str]]) -> list[tuple[date, Decimal]]:
    return [(day, s.fee_for(role)) for day, role in hires]


def _run_rate(s: Settings, months: list[Any], cur: str, util: Decimal) -> dict[str, Any]:
    """The full team (every position's headcount) for one average month of the term."""
    n = len(months)
    avg_days = Decimal(sum(len(tm.working_days) for tm in months)) / n
    cost = price = Decimal(0)
    by_role: dict[str, dict[str, Any]] = defaultdict(dict)
    for p in s.positions:
        unit, rate = seat_price(s, p, p.seat_cost)
        c = p.seat_cost * p.headcount
        if unit == "month":
            pr = rate * p.headcount
        elif unit == "day":
            pr = rate * avg_days * util * p.headcount
        else:
            pr = rate * avg_days * s.hours_per_day * util * p.headcount
        cost += c
        price += pr
        by_role[p.role] = {
            "headcount": p.headcount,
            "cost": engagekit.Money(c, cur).rounded(),
            "price": engagekit.Money(pr, cur).rounded(),
        }
    price_all = price * (1 + s.management_fee_percent / 100) + s.management_fee_monthly
    return {
        "headcount": sum(p.headcount for p in s.positions),
        "cost": engagekit.Money(cost, cur).rounded(),
        "price": engagekit.Money(price_all, cur).rounded(),
        "margin": engagekit.Money(price_all - cost, cur).rounded(),
        "working_days": avg_days.quantize(Decimal("0.1")),
        "roles": dict(by_role),
    }


def _dec(value: float, places: int) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places))


def _money(value: float, cur: str) -> engagekit.Money:
    return engagekit.Money(_dec(value, 2), cur)
