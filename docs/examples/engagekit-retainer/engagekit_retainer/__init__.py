"""engagekit model plugin ``retainer``: a monthly fee that includes N hours, the hours above them
billed at a rate, unused included hours rolling over for a few months."""

from __future__ import annotations

import functools
from collections import defaultdict
from decimal import Decimal

import attrs

import engagekit
from engagekit.csvio import read_rows
from engagekit.validate import non_negative, positive

MODEL = "retainer"
__version__ = "1.1.0"


@attrs.frozen
class Settings:
    """A ``retainer`` component's ``[components.settings]``."""

    monthly_fee: Decimal = attrs.field(validator=positive)
    #: Hours the fee includes each month; each hour above them bills at ``overage_rate``.
    included_hours: Decimal = attrs.field(validator=non_negative)
    overage_rate: Decimal = attrs.field(validator=non_negative)
    #: Unused included hours carry over for this many months (0: they lapse).
    rollover_months: int = attrs.field(default=0, validator=non_negative)
    #: Cost of an hour to the firm, and the hours expected a month (default: the included ones).
    cost_rate: Decimal = attrs.field(default=Decimal(0), validator=non_negative)
    expected_hours: Decimal | None = attrs.field(
        default=None, validator=attrs.validators.optional(non_negative)
    )
    #: CSV of the hours used: columns date, person, hours (and description).
    timesheet: engagekit.DataFile | None = None

    @property
    def expected(self) -> Decimal:
        return self.included_hours if self.expected_hours is None else self.expected_hours


def _months(c: engagekit.Component) -> list[engagekit.Period]:
    return list(engagekit.Period.days(c.start, c.end).months())


def _used(c: engagekit.Component) -> dict[str, Decimal]:
    """Hours used per month ("2026-03"); an ``InputError`` names the timesheet row at fault."""
    used: dict[str, Decimal] = defaultdict(Decimal)
    if c.settings.timesheet is None:
        return used
    columns = {"required": ("date", "person", "hours"), "optional": ("description",)}
    for row in read_rows(c.settings.timesheet.path, **columns, what="retainer timesheet"):
        day, hours = row.date("date"), row.decimal("hours")
        assert day is not None and hours is not None  # required columns
        if not 0 < hours <= 24:
            raise row.error(f"{hours} hours is not a day's work", "hours", hint="0 to 24 hours")
        if not c.start <= day <= c.end:
            raise row.error(f"{day} is outside the retainer ({c.start} to {c.end})", "date")
        used[engagekit.Period.of_month(day).label] += hours
    return used


def _overage(c: engagekit.Component) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Hours used and billable overage per month: the included hours first, then the unused
    hours rolled over from earlier months, oldest first."""
    s: Settings = c.settings
    used, over = _used(c), {}
    bank: list[list[Decimal]] = []  # [hours left, months they may still be used]
    for month in _months(c):
        bank = [[h, left - 1] for h, left in bank if left > 0 and h > 0]
        need = max(used[month.label] - s.included_hours, Decimal(0))
        for entry in bank:
            take = min(need, entry[0])
            entry[0], need = entry[0] - take, need - take
        over[month.label] = need
        if s.rollover_months and used[month.label] < s.included_hours:
            bank.append([s.included_hours - used[month.label], Decimal(s.rollover_months)])
    return used, over


@engagekit.hookimpl
def register_models(register):
    summary = "A monthly fee that includes N hours; overage billed at a rate"
    example = {"monthly_fee": 4000, "included_hours": 40, "overage_rate": 110, "cost_rate": 55}
    contract = ">=2,<3"  # the plugin contract versions it is written for
    register(
        engagekit.ModelSpec(
            MODEL, summary, Settings, __version__, example=example, contract=contract
        )
    )


@engagekit.hookimpl
def check_component(component):
    _overage(component)  # reads the timesheet as bill and measure do: validate rejects first


@engagekit.hookimpl
def estimate(project, component):
    s: Settings = component.settings
    n = len(_months(component))
    over = max(s.expected - s.included_hours, Decimal(0)) * n
    return engagekit.ComponentEstimate(
        component.name,
        MODEL,
        cost=project.money(s.expected * n * s.cost_rate).rounded(),
        price=project.money(s.monthly_fee * n + over * s.overage_rate).rounded(),
        effort_hours=engagekit.Distribution.point(s.expected * n),
        details={"months": n},
    )


@engagekit.hookimpl
def bill(project, component, period):
    # A month bills whole in the period holding its last day, when its hours are known: the
    # bills of periods that cut a month then add up to the month's.
    s: Settings = component.settings
    fee, rate = project.money(s.monthly_fee).rounded(), project.money(s.overage_rate)
    _, over = _overage(component)
    lines: list[engagekit.InvoiceLine] = []
    line = functools.partial(engagekit.InvoiceLine, component.name)
    for month in _months(component):
        if min(month.last, component.end) not in period:
            continue
        label, hours = month.label, over[month.label]
        lines.append(line(f"Retainer {label}", Decimal(1), "month", fee, fee, kind="fee"))
        if hours:
            text = f"Overage {label} ({hours} h above the included hours)"
            lines.append(line(text, hours, "hour", rate, (rate * hours).rounded(), kind="overage"))
    return engagekit.ComponentBill(component.name, MODEL, tuple(lines))


@engagekit.hookimpl
def staff(project, component):
    s: Settings = component.settings
    rows = []
    for month in _months(component):
        runs = month.clip(component.start, component.end)
        assert runs is not None
        capacity = project.calendar.working_hours(runs.start, runs.last)
        fte = (s.expected / capacity).quantize(Decimal("0.01")) if capacity else Decimal(0)
        rows.append(engagekit.StaffingRow(component.name, month, "support", fte, hours=s.expected))
    return engagekit.ComponentStaffing(component.name, MODEL, tuple(rows))


@engagekit.hookimpl
def measure_service(component, period):
    used, over = _overage(component)
    rows = [
        {"month": m.label, "hours": used[m.label], "overage_hours": over[m.label]}
        for m in _months(component)
        if period is None or m.start in period
    ]
    metrics = {
        "hours_used": sum((r["hours"] for r in rows), Decimal(0)),
        "overage_hours": sum((r["overage_hours"] for r in rows), Decimal(0)),
        "months": len(rows),
        "included_hours": component.settings.included_hours,
    }
    return engagekit.ServiceMeasure(component.name, MODEL, metrics, {"months": rows})


@engagekit.hookimpl
def propose(engine, project, scope, options):
    """A retainer for ``engage compare`` (see ``proposing.py``)."""
    from engagekit_retainer.proposing import propose_scope

    return propose_scope(engine, project, scope, options)
