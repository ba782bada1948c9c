"""Settings of a ``dedicated-team`` component: what a ``[components.settings]`` table may hold.

docs/models/dedicated-team.md documents every key. Checks that need the component's dates (the
contract term) live in ``Settings.check_component``, so that the loader names file, line and key.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

import attrs

import engagekit
from engagekit.validate import non_negative, percentage, positive

__all__ = [
    "EXAMPLE",
    "ClientChange",
    "Member",
    "Position",
    "RampStep",
    "Settings",
    "add_months",
]

RateUnit = Literal["hour", "day", "month"]
Billing = Literal["tm", "cost-plus"]


def _headcount(instance: Any, attribute: Any, value: int) -> None:
    if value < 0:
        raise engagekit.InputError(
            f"negative headcount ({value})",
            field=attribute.name,
            hint="a headcount is a number of seats: 0 or more",
        )


def _attrition(instance: Any, attribute: Any, value: Decimal) -> None:
    if not Decimal(0) <= value <= Decimal(100):
        raise engagekit.InputError(
            f"expected annual attrition of {value}% is outside 0-100%",
            field=attribute.name,
            hint="write the share of the team expected to leave in a year, e.g. 15 for 15%",
        )


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the end of a shorter month (31 Jan + 1 = 28 Feb)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


@attrs.frozen
class Position:
    """Seats of one role: headcount, what a seat costs, what it bills, how long hiring takes."""

    #: The role, e.g. ``developer``.
    role: str
    #: Seats of this role in the full team.
    headcount: int = attrs.field(validator=_headcount)
    #: Monthly salary cost of one seat (employer's cost), in the project currency.
    monthly_cost: Decimal | None = attrs.field(
        default=None, validator=attrs.validators.optional(non_negative)
    )
    #: Overhead on the salary cost, in percent (25 adds a quarter).
    overhead_percent: Decimal = attrs.field(default=Decimal(0), validator=non_negative)
    #: Equipment per seat and month (laptop, licences, amortised).
    equipment_per_seat: Decimal = attrs.field(default=Decimal(0), validator=non_negative)
    #: Office space per seat and month.
    office_per_seat: Decimal = attrs.field(default=Decimal(0), validator=non_negative)
    #: Bill rate for ``billing = "tm"`` per ``rate_unit``.
    rate: Decimal | None = attrs.field(
        default=None, validator=attrs.validators.optional(non_negative)
    )
    #: ``month`` (a seat per month, prorated by working days; billed by this model), ``day`` or
    #: ``hour`` (time from the time entries, billed by the time-material model).
    rate_unit: RateUnit = "month"
    #: Calendar days from asking for a hire to the new person's first day.
    lead_time_days: int = attrs.field(default=30, validator=non_negative)
    #: One-time fee per hire of this role; absent: the component's ``recruitment_fee``.
    recruitment_fee: Decimal | None = attrs.field(
        default=None, validator=attrs.validators.optional(non_negative)
    )

    @property
    def seat_cost(self) -> Decimal:
        """Monthly cost of one filled seat: salary plus overhead, equipment and office."""
        salary = self.monthly_cost or Decimal(0)
        return (
            salary * (1 + self.overhead_percent / 100)
            + self.equipment_per_seat
            + self.office_per_seat
        )


@attrs.frozen
class Member:
    """A named person on the team, from ``start`` to ``end`` (inclusive)."""

    #: Inside a workspace with a roster, an id or name of it (``person`` marks it for the check).
    name: str = attrs.field(metadata={"person": True})
    role: str
    start: date
    #: Last day on the team; absent: the end of the contract term.
    end: date | None = None
    #: A new hire for this team (the recruitment fee is billed in the month of ``start``);
    #: false for someone who moved from elsewhere.
    new_hire: bool = True
    #: When the seat was asked for (for time to hire).
    requested: date | None = None
    #: Why the person left: ``resigned`` (counts as attrition), ``released`` (a reduction the
    #: client asked for) or ``rotated`` (moved by the vendor, replaced). Absent with an ``end``
    #: before the term's end: resigned.
    exit_reason: Literal["resigned", "released", "rotated"] | None = None


@attrs.frozen
class RampStep:
    """From ``start``: the planned headcount of some roles (or ``percent`` of every role's)."""

    start: date
    #: Role -> seats from ``start``. Roles not named keep their value from the step before
    #: (0 before the first step), unless ``percent`` is given.
    headcount: dict[str, int] = attrs.Factory(dict)
    #: Percent of each position's headcount (rounded half up to whole seats).
    percent: Decimal | None = attrs.field(
        default=None, validator=attrs.validators.optional(percentage)
    )

    def __attrs_post_init__(self) -> None:
        for role, n in self.headcount.items():
            if n < 0:
                raise engagekit.InputError(
                    f"negative headcount ({n}) for role {role!r}",
                    field="headcount",
                    hint="a headcount is a number of seats: 0 or more",
                )
        if not self.headcount and self.percent is None:
            raise engagekit.InputError(
                "a ramp-up step needs headcount or percent",
                hint="e.g. { start = 2026-03-01, headcount = { developer = 2 } } or percent = 50",
            )


@attrs.frozen
class ClientChange:
    """A change of team size the client asked for on ``requested``."""

    kind: Literal["addition", "reduction"]
    role: str
    requested: date
    #: Seats added or removed.
    headcount: int = attrs.field(default=1, validator=positive)
    #: When the client wants it; absent: as early as allowed (a reduction after the notice
    #: period and the minimum term, an addition after the hiring lead time).
    effective: date | None = None
    #: For a reduction: the member who leaves.
    person: str | None = None


@attrs.frozen
class Settings:
    """Settings of a dedicated-team component."""

    #: ``tm`` (rates per role: a seat per month, or time by the day or hour billed by the
    #: time-material model) or ``cost-plus`` (actual costs from ``costs`` plus ``margin_percent``).
    billing: Billing
    #: The positions: seats per role with their cost basis and rate.
    positions: tuple[Position, ...]
    #: Named members of the team.
    members: tuple[Member, ...] = ()
    #: The ramp-up plan; absent: the full team is wanted from the start.
    ramp_up: tuple[RampStep, ...] = ()
    #: Changes of team size requested by the client.
    changes: tuple[ClientChange, ...] = ()
    #: Margin on costs for ``cost-plus``, in percent.
    margin_percent: Decimal | None = attrs.field(
        default=None, validator=attrs.validators.optional(non_negative)
    )
    #: Actual costs for ``cost-plus``: CSV with ``date, category, amount`` and optional
    #: ``role, person, description, currency``.
    costs: engagekit.DataFile | None = None
    #: Time entries (any format the time-material model reads) for day and hour rates and for
    #: utilisation.
    time_entries: engagekit.DataFile | None = None
    #: Format of ``time_entries`` (``auto``, ``harvest``, ``toggl``, ``clockify``, ``generic``).
    time_entries_format: str = "auto"
    #: Further settings handed to the time-material model as they are (``rounding``,
    #: ``overtime``, ``non_billable``, ``approved_only``, ...).
    time_material: dict[str, Any] = attrs.Factory(dict)
    #: Working hours of a day, to turn day rates into hourly ones (as the time-material model).
    hours_per_day: Decimal = attrs.field(default=Decimal(8), validator=positive)
    #: Management fee in percent of the team's lines of a period.
    management_fee_percent: Decimal = attrs.field(default=Decimal(0), validator=non_negative)
    #: Management fee per month, prorated by working days in a partial first or last month.
    management_fee_monthly: Decimal = attrs.field(default=Decimal(0), validator=non_negative)
    #: One-time fee per new hire, billed in the month of the hire.
    recruitment_fee: Decimal = attrs.field(default=Decimal(0), validator=non_negative)
    #: Minimum term of the contract in months: no reduction takes effect before it ends.
    minimum_term_months: int = attrs.field(default=0, validator=non_negative)
    #: Notice period of a reduction in calendar days.
    notice_days: int = attrs.field(default=30, validator=non_negative)
    #: Expected share of the team leaving in a year, in percent (0-100).
    attrition_percent: Decimal = attrs.field(default=Decimal(0), validator=_attrition)
    #: Share of working hours expected to be billed, for estimates of day and hour rates.
    utilisation_percent: Decimal = attrs.field(default=Decimal(100), validator=percentage)
    #: "To date" for measures without a period; absent: today (within the term).
    as_of: date | None = None

    # -- derived --------------------------------------------------------------------------------

    def position(self, role: str) -> Position:
        for p in self.positions:
            if p.role == role:
                return p
        raise KeyError(role)

    def fee_for(self, role: str) -> Decimal:
        fee = self.position(role).recruitment_fee
        return self.recruitment_fee if fee is None else fee

    def minimum_term_end(self, component: engagekit.Component) -> date:
        """The first day a reduction may take effect because of the minimum term."""
        return add_months(component.start, self.minimum_term_months)

    def earliest_reduction(self, change: ClientChange, component: engagekit.Component) -> date:
        """The first day without the seats: after the notice period and the minimum term."""
        return max(
            change.requested + timedelta(days=self.notice_days), self.minimum_term_end(component)
        )

    def reduction_effective(self, change: ClientChange, component: engagekit.Component) -> date:
        return change.effective or self.earliest_reduction(change, component)

    # -- checks ---------------------------------------------------------------------------------

    def check_component(self, component: engagekit.Component) -> None:
        """Check the settings against the contract term (the component's dates)."""
        term = f"{component.start}..{component.end}"
        fail = engagekit.InputError
        if not self.positions:
            raise fail(
                "a dedicated team needs at least one position",
                field="positions",
                hint="add [[components.settings.positions]] with role and headcount",
            )
        roles: dict[str, int] = {}
        for i, p in enumerate(self.positions):
            if p.role in roles:
                raise fail(f"role {p.role!r} is listed twice", field=f"positions[{i}].role")
            roles[p.role] = i
            self._check_basis(p, i)
        known = ", ".join(roles)
        if self.billing == "cost-plus" and self.margin_percent is None:
            raise fail(
                "cost-plus billing needs margin_percent",
                field="margin_percent",
                hint="e.g. margin_percent = 15 bills 115 for 100 of cost",
            )
        units = {p.rate_unit for p in self.positions}
        if self.billing == "tm" and units & {"hour", "day"} and self.time_entries is None:
            timed = next(p for p in self.positions if p.rate_unit != "month")
            raise fail(
                f"role {timed.role!r} is billed per {timed.rate_unit}, which needs time entries",
                field="time_entries",
                hint='set time_entries = "data/timesheet.csv" or bill per month (rate_unit = "month")',
            )
        min_end = self.minimum_term_end(component)
        if self.minimum_term_months and component.end < min_end - timedelta(days=1):
            raise fail(
                f"the contract term {term} is shorter than the minimum term of "
                f"{self.minimum_term_months} months (to {min_end - timedelta(days=1)})",
                field="minimum_term_months",
                hint=f"end the component on {min_end - timedelta(days=1)} or later",
            )
        names: dict[str, int] = {}
        for i, m in enumerate(self.members):
            where = f"members[{i}]"
            if m.role not in roles:
                raise fail(
                    f"member {m.name!r} has role {m.role!r}, which is no position",
                    field=f"{where}.role",
                    hint=f"positions: {known}",
                )
            end = m.end or component.end
            if m.start < component.start or m.start > component.end:
                raise fail(
                    f"member {m.name!r} starts on {m.start}, outside the contract term {term}",
                    field=f"{where}.start",
                    hint="members join and leave within the component's start and end",
                )
            if m.end is not None and (m.end > component.end or m.end < component.start):
                raise fail(
                    f"member {m.name!r} ends on {m.end}, outside the contract term {term}",
                    field=f"{where}.end",
                    hint="members join and leave within the component's start and end; leave "
                    "end out for someone who stays to the end of the term",
                )
            if end < m.start:
                raise fail(
                    f"member {m.name!r} ends ({end}) before starting ({m.start})",
                    field=f"{where}.end",
                )
            if m.requested is not None and m.requested > m.start:
                raise fail(
                    f"member {m.name!r} was requested ({m.requested}) after starting ({m.start})",
                    field=f"{where}.requested",
                )
            if m.name in names:
                first = self.members[names[m.name]]
                if (first.end or component.end) >= m.start:
                    raise fail(
                        f"member {m.name!r} is listed twice with overlapping dates",
                        field=f"{where}.start",
                    )
            names[m.name] = i
        for i, step in enumerate(self.ramp_up):
            where = f"ramp_up[{i}]"
            if not component.start <= step.start <= component.end:
                raise fail(
                    f"ramp-up step on {step.start} is outside the contract term {term}",
                    field=f"{where}.start",
                )
            if i and step.start <= self.ramp_up[i - 1].start:
                raise fail("ramp-up steps must be in date order", field=f"{where}.start")
            for role in step.headcount:
                if role not in roles:
                    raise fail(
                        f"ramp-up names role {role!r}, which is no position",
                        field=f"{where}.headcount.{role}",
                        hint=f"positions: {known}",
                    )
        for i, ch in enumerate(self.changes):
            self._check_change(ch, i, component, roles)
        from .plan import plan_targets

        plan_targets(self, component)  # a reduction below zero seats is an error here

    def _check_basis(self, p: Position, i: int) -> None:
        fail = engagekit.InputError
        if self.billing == "tm" and p.rate is None:
            raise fail(
                f"role {p.role!r} has no rate, which tm billing needs",
                field=f"positions[{i}].rate",
                hint='give rate and rate_unit ("month", "day" or "hour"), e.g. rate = 9500',
            )
        if self.billing == "cost-plus" and p.monthly_cost is None:
            raise fail(
                f"role {p.role!r} has no monthly_cost, which cost-plus billing needs",
                field=f"positions[{i}].monthly_cost",
                hint="give the monthly salary cost of a seat, e.g. monthly_cost = 5200",
            )

    def _check_change(
        self, ch: ClientChange, i: int, component: engagekit.Component, roles: dict[str, int]
    ) -> None:
        fail = engagekit.InputError
        where = f"changes[{i}]"
        term = f"{component.start}..{component.end}"
        what = f"{ch.kind} of {ch.headcount} {ch.role}"
        if ch.role not in roles:
            raise fail(
                f"{what}: no such position",
                field=f"{where}.role",
                hint=f"positions: {', '.join(roles)}",
            )
        if not component.start <= ch.requested <= component.end:
            raise fail(
                f"{what} requested on {ch.requested}, outside the contract term {term}",
                field=f"{where}.requested",
            )
        if ch.effective is not None:
            if ch.effective < ch.requested:
                raise fail(
                    f"{what} takes effect ({ch.effective}) before it was requested "
                    f"({ch.requested})",
                    field=f"{where}.effective",
                )
            if ch.effective > component.end:
                raise fail(
                    f"{what} takes effect on {ch.effective}, after the contract term {term}",
                    field=f"{where}.effective",
                )
        if ch.kind == "addition":
            if ch.person is not None:
                raise fail(
                    "name the new person as a member, not on the addition", field=f"{where}.person"
                )
            return
        earliest = self.earliest_reduction(ch, component)
        if ch.effective is not None and ch.effective < earliest:
            notice_end = ch.requested + timedelta(days=self.notice_days)
            if notice_end >= self.minimum_term_end(component):
                why = (
                    f"the notice period is {self.notice_days} days from the request on "
                    f"{ch.requested}"
                )
            else:
                why = (
                    f"the minimum term of {self.minimum_term_months} months runs to "
                    f"{self.minimum_term_end(component) - timedelta(days=1)}"
                )
            raise fail(
                f"{what} requested on {ch.requested} cannot take effect on {ch.effective}: {why}, "
                f"so it can take effect on {earliest} at the earliest",
                field=f"{where}.effective",
                hint=f"set effective = {earliest} or later, or leave it out to use the earliest date",
            )
        if ch.person is not None:
            member = next((m for m in self.members if m.name == ch.person), None)
            if member is None or member.role != ch.role:
                raise fail(
                    f"{what}: {ch.person!r} is no member with role {ch.role!r}",
                    field=f"{where}.person",
                )


#: Settings that validate without data files, for ``engage init``.
EXAMPLE: dict[str, Any] = {
    "billing": "tm",
    "minimum_term_months": 3,
    "notice_days": 30,
    "attrition_percent": Decimal(12),
    "recruitment_fee": Decimal(2500),
    "management_fee_percent": Decimal(5),
    "positions": [
        {
            "role": "lead",
            "headcount": 1,
            "monthly_cost": Decimal(7200),
            "overhead_percent": Decimal(20),
            "rate": Decimal(13500),
            "rate_unit": "month",
            "lead_time_days": 60,
        },
        {
            "role": "developer",
            "headcount": 4,
            "monthly_cost": Decimal(5400),
            "overhead_percent": Decimal(20),
            "equipment_per_seat": Decimal(120),
            "office_per_seat": Decimal(350),
            "rate": Decimal(9800),
            "rate_unit": "month",
            "lead_time_days": 45,
        },
    ],
}
