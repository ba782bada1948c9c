"""The monthly invoice of a dedicated team.

- ``tm`` with month rates: one line per member and month, the monthly rate prorated by working
  days on the project calendar (see ``proration``).
- ``tm`` with day or hour rates: the team's time is billed by the ``time-material`` model,
  through the engine; its lines are relabelled to this component.
- ``cost-plus``: the actual costs of the period from the cost file, then the margin on them.

Then, whatever the basis: the seat of a member released by a reduction is billed to the end of
the notice period (``notice`` lines), the management fee, and the recruitment fee of each new
hire in the month of the hire.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs

import engagekit

from .costs import read_costs
from .proration import month_days, prorate
from .settings import Member, Position, Settings

__all__ = ["bill_team", "notice_lines", "notice_spans", "tm_settings"]

TM_MODEL = "time-material"


def tm_settings(s: Settings) -> dict[str, Any]:
    """The settings table of the time-material component that bills this team's time.

    Day and hour rates are handed over as they are; month-rated roles (and every role of a
    cost-plus team, when only the hours are wanted) get a zero hourly rate so that their time
    entries are read but bill nothing.
    """
    assert s.time_entries is not None
    rates = []
    for p in s.positions:
        if s.billing == "tm" and p.rate_unit != "month" and p.rate is not None:
            rates.append({"role": p.role, "bill": p.rate, "unit": p.rate_unit})
        else:
            rates.append({"role": p.role, "bill": Decimal(0), "unit": "hour"})
    table: dict[str, Any] = {
        "time_entries": str(s.time_entries.path),
        "format": s.time_entries_format,
        "rates": rates,
        "hours_per_day": s.hours_per_day,
        "people": {m.name: m.role for m in s.members},
        "billing_period": "monthly",
        "invoice_by": "person",
    }
    table.update(s.time_material)
    return table


def tm_component(
    engine: engagekit.Engine, project: engagekit.Project, component: engagekit.Component
) -> engagekit.Component:
    s: Settings = component.settings
    return engine.make_component(
        project,
        name=f"{component.name} (T&M)",
        model=TM_MODEL,
        start=component.start,
        end=component.end,
        settings=tm_settings(s),
        key="time_material",
    )


def notice_spans(s: Settings, component: engagekit.Component) -> list[tuple[Member, date, date]]:
    """Members named in a reduction who leave before it takes effect, with the days their seat
    is still paid: from the day after they left to the day before the reduction."""
    released = {}
    for ch in s.changes:
        if ch.kind == "reduction" and ch.person is not None:
            released[ch.person] = s.reduction_effective(ch, component)
    out = []
    for m in s.members:
        effective = released.get(m.name)
        end = m.end or component.end
        if effective is None:
            continue
        last = min(effective - timedelta(days=1), component.end)
        if last > end:
            out.append((m, end + timedelta(days=1), last))
    return out


def _money(amount: Decimal, currency: str) -> engagekit.Money:
    """An amount shown with the currency's decimals when that loses nothing (72 -> 72.00)."""
    exact = amount.quantize(engagekit.quantum(currency))
    return engagekit.Money(exact if exact == amount else amount, currency)


def _line(
    component: engagekit.Component,
    description: str,
    quantity: Decimal,
    unit: str,
    unit_price: engagekit.Money,
    amount: engagekit.Money,
    kind: str,
    **details: Any,
) -> engagekit.InvoiceLine:
    return engagekit.InvoiceLine(
        component=component.name,
        description=description,
        quantity=quantity,
        unit=unit,
        unit_price=unit_price,
        amount=amount.rounded(),
        kind=kind,
        details=details,
    )


def seat_lines(
    component: engagekit.Component,
    calendar: engagekit.Calendar,
    member: Member,
    monthly: engagekit.Money,
    first: date,
    last: date,
    kind: str,
    note: str = "",
) -> list[engagekit.InvoiceLine]:
    """A monthly amount for ``member`` over [first, last], one line per calendar month,
    prorated by working days."""
    out: list[engagekit.InvoiceLine] = []
    if first > last:
        return out
    for month in engagekit.Period.days(first, last).months():
        days = month_days(calendar, month)
        amount, k = prorate(monthly, days, first, last)
        if k == 0:
            continue
        w = len(days)
        share = (Decimal(k) / w).quantize(Decimal("0.0001"))
        part = "" if k == w else f", {k} of {w} working days"
        out.append(
            _line(
                component,
                f"{member.name} ({member.role}) {month.label}{part}{note}",
                share,
                "month",
                monthly,
                amount,
                kind,
                person=member.name,
                role=member.role,
                month=month.label,
                working_days=k,
                month_working_days=w,
                first=max(first, month.start),
                last=min(last, month.last),
            )
        )
    return out


def notice_lines(
    s: Settings,
    component: engagekit.Component,
    project: engagekit.Project,
    member: Member,
    p: Position,
    first: date,
    last: date,
) -> list[engagekit.InvoiceLine]:
    """The seat of a released member from the day after they left to the end of notice."""
    cur = project.currency
    cal = project.calendar
    note = f", notice to {last}"
    if s.billing == "cost-plus":
        return seat_lines(
            component, cal, member, _money(p.seat_cost, cur), first, last, "notice", note
        )
    assert p.rate is not None
    rate = _money(p.rate, cur)
    if p.rate_unit == "month":
        return seat_lines(component, cal, member, rate, first, last, "notice", note)
    if p.rate_unit == "day":
        qty = Decimal(cal.working_days(first, last))
    else:
        qty = cal.working_hours(first, last)
    if not qty:
        return []
    unit = "day" if p.rate_unit == "day" else "h"
    return [
        _line(
            component,
            f"{member.name} ({member.role}) notice period {first}..{last}",
            qty,
            unit,
            rate,
            rate * qty,
            "notice",
            person=member.name,
            role=member.role,
            first=first,
            last=last,
        )
    ]


def bill_team(
    engine: engagekit.Engine,
    project: engagekit.Project,
    component: engagekit.Component,
    period: engagekit.Period,
) -> engagekit.ComponentBill:
    s: Settings = component.settings
    cur = project.currency
    cal = project.calendar
    first = max(period.start, component.start)
    last = min(period.last, component.end)
    if first > last:
        return engagekit.ComponentBill(component.name, component.model)
    warnings: list[str] = []
    team: list[engagekit.InvoiceLine] = []
    details: dict[str, Any] = {"billing": s.billing}

    # -- the team's work ---------------------------------------------------------------------
    if s.billing == "tm":
        for m in s.members:
            p = s.position(m.role)
            if p.rate_unit == "month":
                assert p.rate is not None
                a, b = max(m.start, first), min(m.end or component.end, last)
                team += seat_lines(component, cal, m, _money(p.rate, cur), a, b, "service")
        if any(p.rate_unit != "month" for p in s.positions):
            delegated = engine.bill_component(
                project, tm_component(engine, project, component), period
            )
            month_roles = {p.role for p in s.positions if p.rate_unit == "month"}
            for line in delegated.lines:
                if line.details.get("role") in month_roles and not line.amount:
                    continue
                team.append(
                    attrs.evolve(
                        line,
                        component=component.name,
                        details={**line.details, "billed_by": TM_MODEL},
                    )
                )
            warnings += [f"time-material: {w}" for w in delegated.warnings]
            details["time_material"] = delegated.details
    else:
        roles = tuple(p.role for p in s.positions)
        costs = (
            read_costs(s.costs.path, cur, component.start, component.end, roles, project.roster)
            if s.costs is not None
            else ()
        )
        groups: dict[tuple[str, str | None], list[Decimal]] = defaultdict(list)
        for row in costs:
            if first <= row.day <= last:
                groups[(row.category, row.role)].append(row.amount)
        # by role (positions' order), then category in the file's order
        order = {r: i for i, r in enumerate(roles)}
        for (category, role), amounts in sorted(
            groups.items(), key=lambda kv: order.get(kv[0][1] or "", len(order))
        ):
            total = engagekit.Money(sum(amounts, Decimal(0)), cur)
            label = f"cost: {category}" + (f" ({role})" if role else "")
            team.append(
                _line(
                    component,
                    label,
                    Decimal(1),
                    "lot",
                    total,
                    total,
                    "cost",
                    category=category,
                    role=role,
                    rows=len(amounts),
                )
            )
        present = [m for m in s.members if m.start <= last and (m.end or component.end) >= first]
        if present and not groups:
            warnings.append(
                f"no actual costs between {first} and {last} in the cost file, though "
                f"{len(present)} member(s) were on the team"
            )

    # -- notice periods of released members ---------------------------------------------------
    for m, a, b in notice_spans(s, component):
        a, b = max(a, first), min(b, last)
        if a <= b:
            team += notice_lines(s, component, project, m, s.position(m.role), a, b)

    lines = list(team)
    if s.billing == "cost-plus":
        basis = engagekit.Money.total((line.amount for line in team), cur)
        margin = s.margin_percent or Decimal(0)
        if basis:
            lines.append(
                _line(
                    component,
                    f"margin {margin}% on costs of {basis}",
                    margin,
                    "%",
                    basis,
                    basis * margin / 100,
                    "margin",
                    basis=basis,
                    percent=margin,
                )
            )

    # -- fees ---------------------------------------------------------------------------------
    if s.management_fee_percent:
        basis = engagekit.Money.total((line.amount for line in lines), cur)
        if basis:
            pct = s.management_fee_percent
            lines.append(
                _line(
                    component,
                    f"management fee {pct}%",
                    pct,
                    "%",
                    basis,
                    basis * pct / 100,
                    "fee",
                    basis=basis,
                    percent=pct,
                )
            )
    if s.management_fee_monthly:
        monthly = _money(s.management_fee_monthly, cur)
        for month in engagekit.Period.days(first, last).months():
            days = month_days(cal, month)
            amount, k = prorate(monthly, days, max(first, month.start), min(last, month.last))
            if not k:
                continue
            w = len(days)
            part = "" if k == w else f", {k} of {w} working days"
            lines.append(
                _line(
                    component,
                    f"management fee {month.label}{part}",
                    (Decimal(k) / w).quantize(Decimal("0.0001")),
                    "month",
                    monthly,
                    amount,
                    "fee",
                    month=month.label,
                    working_days=k,
                    month_working_days=w,
                )
            )
    for m in sorted(s.members, key=lambda m: (m.start, m.name)):
        if m.new_hire and first <= m.start <= last:
            fee = _money(s.fee_for(m.role), cur)
            if fee:
                lines.append(
                    _line(
                        component,
                        f"recruitment fee: {m.name} ({m.role}), joined {m.start}",
                        Decimal(1),
                        "hire",
                        fee,
                        fee,
                        "fee",
                        person=m.name,
                        role=m.role,
                    )
                )
    details["team_subtotal"] = engagekit.Money.total((line.amount for line in team), cur)
    return engagekit.ComponentBill(
        component.name, component.model, tuple(lines), details=details, warnings=tuple(warnings)
    )
