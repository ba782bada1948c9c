"""Settings of a ``time-material`` component: what a ``[components.settings]`` table may hold.

Every key is optional. A component can be configured entirely from a dict (a composite model
such as ``dedicated-team`` builds one with ``engine.make_component(..., model="time-material",
settings={...})``). These keys are a public contract: docs/models/time-material.md documents them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

import attrs

import engagekit
from engagekit.csvfile import CsvFormat, check_delimiter, check_encoding
from engagekit.validate import non_blank, non_negative, percentage, positive

__all__ = [
    "FORMATS",
    "Cap",
    "Forecast",
    "Overtime",
    "Rounding",
    "Settings",
    "TeamSlot",
]

#: Time-entry export formats the importers know; ``auto`` detects the format by its header.
FORMATS = ("harvest", "toggl", "clockify", "generic")
Format = Literal["auto", "harvest", "toggl", "clockify", "generic"]
#: What to do with overlapping or duplicate time entries.
Policy = Literal["warn", "error", "allow"]


def _multiplier(instance: Any, attribute: Any, value: Decimal | None) -> None:
    if value is not None and value <= 0:
        raise engagekit.InputError(
            f"a multiplier must be greater than zero (got {value})",
            field=attribute.name,
            hint="1 bills at the plain rate, 1.5 at time and a half",
        )


@attrs.frozen
class Rounding:
    """How recorded time is rounded before it is billed (``[settings.rounding]``)."""

    #: The rounding increment in minutes: 1 keeps time as recorded, 6 bills tenths of an hour,
    #: 15 quarter hours.
    increment: int = attrs.field(default=1, validator=positive)
    #: ``up`` (any started increment counts), ``nearest`` (half an increment rounds up) or ``down``.
    mode: Literal["up", "nearest", "down"] = "nearest"
    #: ``entry`` rounds each time entry; ``day`` rounds each person's total of a day (per role
    #: and category it is billed at).
    per: Literal["entry", "day"] = "entry"

    def __attrs_post_init__(self) -> None:
        if self.increment > 24 * 60:
            raise engagekit.InputError(
                f"a rounding increment of {self.increment} minutes is longer than a day",
                field="increment",
                hint="use minutes, e.g. 6 (tenths of an hour) or 15 (quarter hours)",
            )


@attrs.frozen
class Overtime:
    """Hours above a threshold billed at a multiplier (``[settings.overtime]``)."""

    #: Hours per ``per`` (day or week) billed at the plain rate; hours above are overtime.
    after_hours: Decimal = attrs.field(validator=positive)
    #: ``day`` (each person's hours of one date) or ``week`` (each person's hours of an ISO week).
    per: Literal["day", "week"] = "day"
    #: The overtime multiplier; absent: the project rate card's ``overtime`` (1 without a card).
    multiplier: Decimal | None = attrs.field(default=None, validator=_multiplier)


@attrs.frozen
class Cap:
    """A not-to-exceed cap over the component's whole timeframe (``[settings.cap]``).

    The cap holds cumulatively: a period bills what is billable to the end of the period, capped,
    minus what the periods before it billed (capped the same way). The excess is withheld, shown
    as a negative line and in the bill's details, with a warning. Expenses are outside the cap.
    """

    #: The most that the time of this component may bill, in the project currency.
    money: Decimal | None = attrs.field(default=None, validator=positive)
    #: The most billable hours this component may bill.
    hours: Decimal | None = attrs.field(default=None, validator=positive)
    #: Percentages of the cap at which bills and measures warn (any of money or hours).
    warn_at: tuple[Decimal, ...] = (Decimal(75), Decimal(90), Decimal(100))

    def __attrs_post_init__(self) -> None:
        if self.money is None and self.hours is None:
            raise engagekit.InputError(
                "a cap needs money, hours or both", hint="e.g. money = 120000 or hours = 1000"
            )
        for value in self.warn_at:
            if not Decimal(0) < value <= Decimal(1000):
                raise engagekit.InputError(
                    f"warning threshold {value} is not a percentage of the cap",
                    field="warn_at",
                    hint="e.g. warn_at = [75, 90, 100]",
                )


@attrs.frozen
class Forecast:
    """How the backlog forecast runs (``[settings.forecast]``)."""

    #: What sizes and throughput count: ``points`` (the backlog's ``size`` column, velocity) or
    #: ``items`` (each item counts 1, throughput).
    unit: Literal["points", "items"] = "points"
    #: Length in days of one period of the throughput history (a sprint, a week).
    period_days: int = attrs.field(default=14, validator=positive)
    #: The forecast starts on this date; absent: the day after the last history period.
    as_of: date | None = None
    #: Simulate scope change too: each simulated period also draws a historical net change
    #: of the backlog (items added minus removed), as T&M backlogs grow while they are worked.
    scope_growth: bool = True
    #: Hours of work per point (or item), for the staffing demand; absent: hours recorded in
    #: the time entries divided by the work finished over the same history, if both exist.
    hours_per_unit: Decimal | None = attrs.field(default=None, validator=positive)
    #: Simulated periods before a trial gives up (a backlog that never finishes is reported).
    max_periods: int = attrs.field(default=260, validator=positive)


@attrs.frozen
class TeamSlot:
    """A seat of the team plan: ``fte`` of a role (optionally a named person) over a date range.

    Several slots of one role with different dates describe a team that changes over time.
    """

    #: The role, as on the rate card.
    role: str
    #: Full-time equivalents (1 = one person full time on the project calendar).
    fte: Decimal = attrs.field(validator=positive)
    #: A named person (their own rate applies where the rate card has one); absent: an open seat.
    person: str | None = attrs.field(default=None, validator=non_blank)
    #: First day of the slot (inclusive); absent: the component's start.
    start: date | None = None
    #: Last day of the slot (inclusive); absent: the component's end.
    end: date | None = None


@attrs.frozen
class Settings:
    """Settings of a time-material component. Every key is optional."""

    #: The time entries: a CSV export (Harvest, Toggl Track, Clockify) or the generic format.
    time_entries: engagekit.DataFile | None = None
    #: Format of ``time_entries``: ``auto`` detects it by the header.
    format: Format = "auto"
    #: strftime format of the dates in ``time_entries`` when they are not ISO (YYYY-MM-DD), e.g.
    #: ``%m/%d/%Y`` for a Clockify export in US format. Absent: ISO, then the format's usual one.
    date_format: str | None = None
    #: Text encoding of the component's CSV files: UTF-8 (with or without BOM), or e.g.
    #: ``cp1252``, ``latin-1``.
    encoding: str = attrs.field(default="utf-8", validator=check_encoding)
    #: Field separator of the component's CSV files: ``,``, ``;`` or a tab; absent: detected.
    delimiter: str | None = attrs.field(default=None, validator=check_delimiter)
    #: Decimal mark of numbers (hours, amounts): ``.`` or ``,``; absent: ``,`` in a
    #: semicolon-separated file, ``.`` otherwise.
    decimal: Literal[".", ","] | None = None
    #: Entries of one person that overlap in time: ``warn`` (billed, each listed in the bill's
    #: warnings and ``details.flagged_entries``), ``error`` (the file is refused) or ``allow``.
    overlaps: Policy = "warn"
    #: Entries equal in person, date, duration (and times), billable flag, task and notes: the
    #: same choice. Harvest exports carry no entry id, so two genuine equal entries look alike.
    duplicates: Policy = "warn"
    #: Rates of this component (role, bill, cost, person, unit, valid_from, valid_until), in the
    #: project currency. Absent or empty: the project's ``[rate_card]``.
    rates: tuple[engagekit.Rate, ...] = ()
    #: Working hours in one day, to turn day rates (``unit = "day"``) into hourly ones.
    hours_per_day: Decimal = attrs.field(default=Decimal(8), validator=positive)
    #: Person -> role. Fills in the role of entries whose export has none (Toggl, Clockify) and
    #: overrides the export's role where given.
    people: dict[str, str] = attrs.field(factory=dict, metadata={"person": "keys"})
    #: How often this component is invoiced: ``monthly``, ``weekly`` (ISO weeks) or ``biweekly``
    #: (two-week cycles from the Monday of the component's first week). A billed period gets one
    #: set of lines per cycle it contains.
    billing_period: Literal["monthly", "weekly", "biweekly"] = "monthly"
    #: One invoice line per ``person`` (and role and rate) or per ``role`` (and rate).
    invoice_by: Literal["person", "role"] = "person"
    #: Bill approved entries only (exports without approval count every entry as approved).
    approved_only: bool = True
    #: Rounding of recorded time.
    rounding: Rounding = attrs.Factory(Rounding)
    #: Overtime rule; absent: no overtime.
    overtime: Overtime | None = None
    #: Multiplier of hours on days the project calendar does not work (weekends); absent: the
    #: project rate card's ``weekend`` (1 without a card). Multipliers do not stack: the highest
    #: of overtime, weekend and holiday applies.
    weekend_multiplier: Decimal | None = attrs.field(default=None, validator=_multiplier)
    #: Multiplier of hours on the calendar's public holidays and closed dates; absent: the
    #: project rate card's ``holiday`` (1 without a card).
    holiday_multiplier: Decimal | None = attrs.field(default=None, validator=_multiplier)
    #: Categories (the export's task) and tags that are never billed, e.g. ["Internal", "Training"].
    non_billable: tuple[str, ...] = ()
    #: Not-to-exceed cap in money and/or hours, with warning thresholds.
    cap: Cap | None = None
    #: Budget of the component in the project currency, for the burn measures and forecasts.
    budget: Decimal | None = attrs.field(default=None, validator=positive)
    #: Expenses CSV (``date, description, amount`` and optional ``currency, category,
    #: billable``), billed in the period of their date.
    expenses: engagekit.DataFile | None = None
    #: Markup on billable expenses in percent (10 bills 110 for 100 spent).
    expense_markup: Decimal = attrs.field(default=Decimal(0), validator=[non_negative, percentage])
    #: Backlog CSV: ``id, size, added`` and optional ``removed, done, title``.
    backlog: engagekit.DataFile | None = None
    #: Throughput (or velocity) history CSV: ``start, done`` (one row per period of
    #: ``forecast.period_days``). Absent: derived from the backlog's ``done`` dates.
    throughput: engagekit.DataFile | None = None
    #: How the backlog forecast runs.
    forecast: Forecast = attrs.Factory(Forecast)
    #: The team plan: role (and person) -> FTE over date ranges.
    team: tuple[TeamSlot, ...] = ()

    @property
    def csv(self) -> CsvFormat:
        """How the component's CSV files are written."""
        return CsvFormat(self.encoding, self.delimiter, self.decimal)

    def check_component(self, component: engagekit.Component) -> None:
        """Check the settings against the component's timeframe."""
        for i, slot in enumerate(self.team):
            first = slot.start or component.start
            last = slot.end or component.end
            if last < first:
                raise engagekit.InputError(
                    f"team slot {slot.person or slot.role!r} ends ({last}) before it starts "
                    f"({first})",
                    field=f"team[{i}].end",
                )
            if first < component.start or last > component.end:
                raise engagekit.InputError(
                    f"team slot {slot.person or slot.role!r} ({first}..{last}) is outside the "
                    f"component's timeframe {component.start}..{component.end}",
                    field=f"team[{i}]",
                    hint="leave start/end out to use the component's dates",
                )
        for i, rate in enumerate(self.rates):
            if rate.unit == "month":
                raise engagekit.InputError(
                    f"rate for {rate.person or rate.role!r} is per month; time and material "
                    "bills hours",
                    field=f"rates[{i}].unit",
                    hint='use unit = "hour" or "day" (day rates are divided by hours_per_day)',
                )


#: Settings that validate without data files, for ``engage init``.
EXAMPLE: dict[str, Any] = {
    "billing_period": "monthly",
    "rounding": {"increment": 15, "mode": "up", "per": "entry"},
    "overtime": {"after_hours": Decimal(8), "per": "day", "multiplier": Decimal("1.5")},
    # above the team plan's 248,000 over the starter's six months: a cap that fits the plan
    "cap": {"money": Decimal(260000), "warn_at": [Decimal(75), Decimal(90), Decimal(100)]},
    "non_billable": ["Internal", "Training"],
    "team": [
        {"role": "lead", "fte": Decimal("0.5")},
        {"role": "developer", "fte": Decimal(2)},
    ],
}
