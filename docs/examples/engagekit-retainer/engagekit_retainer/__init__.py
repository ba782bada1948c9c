"""engagekit model plugin: a monthly retainer (a fee that includes N hours, overage at a rate)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import attrs

import engagekit
from engagekit.csvio import read_rows
from engagekit.validate import non_negative, positive

MODEL = "retainer"
__version__ = "1.0.0"


@attrs.frozen
class Settings:
    """A ``retainer`` component's settings."""

    #: Fee billed every month of the component, in the project currency.
    monthly_fee: Decimal = attrs.field(validator=positive)
    #: Hours the fee includes each month.
    included_hours: Decimal = attrs.field(validator=non_negative)
    #: Rate per hour above the included hours (and the rollover).
    overage_rate: Decimal = attrs.field(validator=non_negative)
    #: Unused included hours carry over for this many months (0: they lapse).
    rollover_months: int = attrs.field(default=0, validator=non_negative)
    #: Cost of one hour of work to the firm, for margins.
    cost_rate: Decimal = attrs.field(default=Decimal(0), validator=non_negative)
    #: Hours the client is expected to use per month, for estimates and staffing.
    expected_hours: Decimal | None = attrs.field(
        default=None, validator=attrs.validators.optional(non_negative)
    )
    #: CSV of hours used: columns date, person, hours (optional: description).
    timesheet: engagekit.DataFile | None = None


def _months(component: engagekit.Component) -> list[engagekit.Period]:
    return list(engagekit.Period.days(component.start, component.end).months())


def _hours_by_month(settings: Settings, component: engagekit.Component) -> dict[str, Decimal]:
    used: dict[str, Decimal] = defaultdict(Decimal)
    if settings.timesheet is None:
        return used
    for row in read_rows(
        settings.timesheet.path,
        required=("date", "person", "hours"),
        optional=("description",),
        what="retainer timesheet",
    ):
        day = row.date("date")
        hours = row.decimal("hours")
        assert day is not None and hours is not None
        if hours <= 0 or hours > 24:
            raise row.error(
                f"{hours} hours is not a plausible day's work",
                "hours",
                hint="hours are between 0 and 24",
            )
        if not component.start <= day <= component.end:
            raise row.error(
                f"{day} is outside the retainer ({component.start} to {component.end})", "date"
            )
        used[engagekit.Period.of_month(day).label] += hours
    return used


def _overage(settings: Settings, component: engagekit.Component, until: date) -> dict[str, Decimal]:
    """Billable overage hours per month, with rollover of unused included hours (oldest first)."""
    used = _hours_by_month(settings, component)
    bank: list[list[Decimal]] = []  # [hours, months left]
    out: dict[str, Decimal] = {}
    for month in _months(component):
        if month.start > until:
            break
        bank = [[h, left - 1] for h, left in bank if left >= 1 and h > 0]
        need = used.get(month.label, Decimal(0))
        take = min(need, settings.included_hours)
        need -= take
        for entry in bank:
            take = min(need, entry[0])
            entry[0] -= take
            need -= take
        out[month.label] = need
        spare = settings.included_hours - min(
            used.get(month.label, Decimal(0)), settings.included_hours
        )
        if settings.rollover_months and spare > 0:
            bank.append([spare, Decimal(settings.rollover_months)])
    return out


@engagekit.hookimpl
def register_models(register):  # type: ignore[no-untyped-def]
    register(
        engagekit.ModelSpec(
            name=MODEL,
            summary="A monthly fee that includes N hours; overage billed at a rate",
            settings=Settings,
            contract=">=2.1,<3",  # the plugin contract it is written for
            version=__version__,
            example={
                "monthly_fee": Decimal("4000"),
                "included_hours": Decimal("40"),
                "overage_rate": Decimal("110"),
                "cost_rate": Decimal("55"),
            },
        )
    )


@engagekit.hookimpl
def estimate(project, component, options):  # type: ignore[no-untyped-def]
    s: Settings = component.settings
    months = len(_months(component))
    hours = (s.expected_hours if s.expected_hours is not None else s.included_hours) * months
    over = max(Decimal(0), (s.expected_hours or Decimal(0)) - s.included_hours) * months
    price = project.money(s.monthly_fee * months + over * s.overage_rate).rounded()
    cost = project.money(hours * s.cost_rate).rounded()
    return engagekit.ComponentEstimate(
        component=component.name,
        model=MODEL,
        cost=cost,
        price=price,
        effort_hours=engagekit.Distribution.point(hours),
        start=component.start,
        finish=component.end,
        details={"months": months},
    )


@engagekit.hookimpl
def bill(project, component, period):  # type: ignore[no-untyped-def]
    s: Settings = component.settings
    lines = []
    overage = _overage(s, component, period.last)
    for month in _months(component):
        if month.start not in period:
            continue
        fee = project.money(s.monthly_fee).rounded()
        lines.append(
            engagekit.InvoiceLine(
                component.name, f"Retainer {month.label}", Decimal(1), "month", fee, fee, kind="fee"
            )
        )
        extra = overage.get(month.label, Decimal(0))
        if extra > 0:
            rate = project.money(s.overage_rate)
            lines.append(
                engagekit.InvoiceLine(
                    component.name,
                    f"Overage {month.label} ({extra} h above the included hours)",
                    extra,
                    "hour",
                    rate,
                    (rate * extra).rounded(),
                    kind="overage",
                )
            )
    return engagekit.ComponentBill(component.name, MODEL, tuple(lines))


@engagekit.hookimpl
def staff(project, component):  # type: ignore[no-untyped-def]
    s: Settings = component.settings
    hours = s.expected_hours if s.expected_hours is not None else s.included_hours
    rows = []
    for month in _months(component):
        clip = month.clip(component.start, component.end)
        assert clip is not None
        capacity = project.calendar.working_hours(clip.start, clip.last)
        fte = (hours / capacity).quantize(Decimal("0.01")) if capacity else Decimal(0)
        rows.append(engagekit.StaffingRow(component.name, month, "support", fte, hours=hours))
    return engagekit.ComponentStaffing(component.name, MODEL, tuple(rows))


@engagekit.hookimpl
def measure(project, component, period):  # type: ignore[no-untyped-def]
    s: Settings = component.settings
    used = _hours_by_month(s, component)
    until = period.last if period else component.end
    overage = _overage(s, component, until)
    rows = []
    for month in _months(component):
        if period is not None and month.start not in period:
            continue
        if month.start > until:
            break
        h = used.get(month.label, Decimal(0))
        pct = (h / s.included_hours * 100).quantize(Decimal("0.1")) if s.included_hours else None
        rows.append(
            {
                "month": month.label,
                "hours": h,
                "included": s.included_hours,
                "overage_hours": overage.get(month.label, Decimal(0)),
                "used_pct": pct,
            }
        )
    total = sum((r["hours"] for r in rows), Decimal(0))
    return engagekit.ServiceMeasure(
        component.name,
        MODEL,
        metrics={
            "hours_used": total,
            "overage_hours": sum((r["overage_hours"] for r in rows), Decimal(0)),
            "months": len(rows),
        },
        tables={"months": rows},
    )


@engagekit.hookimpl
def propose(engine, project, scope, options):  # type: ignore[no-untyped-def]
    """A retainer for ``engage compare`` (see ``proposing.py``)."""
    from engagekit_retainer.proposing import propose_scope

    return propose_scope(engine, project, scope, options)
