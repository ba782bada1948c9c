"""Settings of an ``sla`` component: what a ``[components.settings]`` table may hold.

These keys are a public contract; docs/models/sla.md documents each with a full example.
"""

from __future__ import annotations

import itertools
import re
from datetime import time
from decimal import Decimal
from typing import Any, Literal

import attrs

import engagekit
from engagekit.csvfile import CsvFormat, check_delimiter, check_encoding
from engagekit.validate import non_negative, percentage, positive, target_percentage

__all__ = [
    "DEFAULT_PAUSE_STATES",
    "EXAMPLE",
    "Availability",
    "ChangeTargets",
    "CreditTier",
    "Credits",
    "Fee",
    "Maintenance",
    "OutOfScope",
    "Priority",
    "ProblemTargets",
    "ReleaseTargets",
    "Settings",
    "Source",
    "Staffing",
    "VolumeTier",
    "Window",
]

ClockKind = Literal["business", "calendar"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: States (ServiceNow ``incident_state``, Jira ``Status``) in which the SLA clock stands still.
DEFAULT_PAUSE_STATES = (
    "Awaiting User Info",
    "Awaiting Problem",
    "Awaiting Vendor",
    "Awaiting Evidence",
    "Awaiting Change",
    "On Hold",
    "Pending",
    "Waiting for customer",
    "Waiting for support",
    "Waiting for third party",
)


def _fail(message: str, field: str, hint: str | None = None) -> engagekit.InputError:
    return engagekit.InputError(message, field=field, hint=hint)


@attrs.frozen(kw_only=True)
class Priority:
    """A priority and its targets (``[[settings.priorities]]``)."""

    #: The name used in reports (``P1``, ``Critical``, ...).
    name: str
    #: First-response target in minutes; absent: no response target.
    response_minutes: Decimal | None = attrs.field(default=None, validator=positive)
    #: Resolution target in hours; absent: no resolution target.
    resolution_hours: Decimal | None = attrs.field(default=None, validator=positive)
    #: ``business`` (on the coverage calendar) or ``calendar`` (every hour of the week).
    response_clock: ClockKind = "business"
    resolution_clock: ClockKind = "business"
    #: Share of incidents that must meet their targets, in percent.
    target_pct: Decimal = attrs.field(default=Decimal(95), validator=target_percentage)
    #: Other spellings of this priority in the data (``"1 - Critical"``, ``"Highest"``).
    aliases: tuple[str, ...] = ()
    #: Service credit per breached incident, in percent of the monthly fee.
    breach_credit_pct: Decimal = attrs.field(default=Decimal(0), validator=percentage)


@attrs.frozen(kw_only=True)
class Source:
    """A data file with how to read it (``incidents = { file = "...", format = "..." }``)."""

    file: engagekit.DataFile
    #: ``generic`` (engagekit's format), ``servicenow`` or ``jira`` (incidents only).
    format: Literal["generic", "servicenow", "jira"] = "generic"
    #: IANA zone of timestamps written without an offset; absent: ``data_timezone``.
    timezone: str | None = None
    #: Generic incidents only: a separate pauses file (``incident, start, end[, reason]``).
    pauses: engagekit.DataFile | None = None
    #: Text encoding of the file (and its pauses file): UTF-8 (with or without BOM), or e.g.
    #: ``cp1252``, ``latin-1``.
    encoding: str = attrs.field(default="utf-8", validator=check_encoding)
    #: Field separator: ``,``, ``;`` or a tab; absent: detected from the header.
    delimiter: str | None = attrs.field(default=None, validator=check_delimiter)
    #: Decimal mark of numbers: ``.`` or ``,``; absent: ``,`` in a semicolon-separated file.
    decimal: Literal[".", ","] | None = None

    @property
    def csv(self) -> CsvFormat:
        return CsvFormat(self.encoding, self.delimiter, self.decimal)


@attrs.frozen(kw_only=True)
class Maintenance:
    """A weekly maintenance window in the availability window's time zone."""

    day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    #: ``"02:00-04:00"``.
    hours: str

    def __attrs_post_init__(self) -> None:
        parse_range(self.hours, "hours")


def parse_range(text: str, field: str) -> tuple[time, time | None]:
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text)
    if not m:
        raise _fail(f"{text!r} is not a range of hours", field, "write '02:00-04:00'")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
        raise _fail(f"{text!r} is not a range of hours", field, "write '02:00-04:00'")
    start = time(h1, m1)
    end = None if h2 == 24 else time(h2, m2)
    if end is not None and end <= start:
        raise _fail(f"range {text!r} ends before it starts", field)
    return start, end


@attrs.frozen(kw_only=True)
class Availability:
    """The availability target and how it is measured (``[settings.availability]``)."""

    target_pct: Decimal = attrs.field(validator=target_percentage)
    #: The measurement window; absent: every hour of the week in the coverage time zone.
    window: engagekit.Calendar | None = None
    #: Weekly maintenance windows, excluded from the window (as planned outages are).
    maintenance: tuple[Maintenance, ...] = ()


@attrs.frozen(kw_only=True)
class CreditTier:
    """Availability in [``from_pct``, ``below_pct``) earns ``credit_pct`` of the monthly fee."""

    below_pct: Decimal = attrs.field(validator=percentage)
    from_pct: Decimal = attrs.field(default=Decimal(0), validator=percentage)
    credit_pct: Decimal = attrs.field(validator=percentage)

    def __attrs_post_init__(self) -> None:
        if self.below_pct <= self.from_pct:
            raise _fail(
                f"band {self.from_pct}%..{self.below_pct}% is empty",
                "below_pct",
                "below_pct must be greater than from_pct",
            )


@attrs.frozen(kw_only=True)
class Credits:
    """Service credits (``[settings.credits]``): availability bands and a cap."""

    tiers: tuple[CreditTier, ...] = ()
    #: Total credits of a month at most this percentage of the monthly fee.
    cap_pct: Decimal = attrs.field(default=Decimal(100), validator=percentage)

    def __attrs_post_init__(self) -> None:
        bands = sorted(self.tiers, key=lambda t: t.from_pct)
        for a, b in itertools.pairwise(bands):
            if b.from_pct < a.below_pct:
                raise _fail(
                    f"credit bands {a.from_pct}%..{a.below_pct}% and {b.from_pct}%..{b.below_pct}% "
                    "overlap",
                    "tiers",
                    "each band starts where the one below it ends (from_pct = the other's "
                    "below_pct)",
                )
            if b.from_pct > a.below_pct:
                raise _fail(
                    f"credit bands leave a gap between {a.below_pct}% and {b.from_pct}%",
                    "tiers",
                    "each band starts where the one below it ends (from_pct = the other's "
                    "below_pct)",
                )
        if bands and bands[0].from_pct != 0:
            raise _fail(
                f"credit bands leave a gap below {bands[0].from_pct}%",
                "tiers",
                "the lowest band starts at 0 (leave from_pct out)",
            )

    def credit_pct(self, availability_pct: Decimal) -> Decimal:
        """The credit percentage the availability earns (0 above every band)."""
        for tier in self.tiers:
            if tier.from_pct <= availability_pct < tier.below_pct:
                return tier.credit_pct
        return Decimal(0)


@attrs.frozen(kw_only=True)
class VolumeTier:
    """Tickets above the included ones up to ``up_to`` (absent: no limit) at ``unit_price``."""

    unit_price: Decimal = attrs.field(validator=non_negative)
    up_to: int | None = attrs.field(default=None, validator=positive)


@attrs.frozen(kw_only=True)
class Fee:
    """The monthly fee and volume pricing (``[settings.fee]``)."""

    monthly: Decimal = attrs.field(validator=non_negative)
    #: Tickets a month covered by the fee.
    included_tickets: int = attrs.field(default=0, validator=non_negative)
    #: Graduated prices of the tickets above ``included_tickets``; the last tier has no ``up_to``.
    overage: tuple[VolumeTier, ...] = ()
    #: What counts as a ticket: incidents opened in the month, or incidents, problems and changes.
    volume: Literal["incidents", "tickets"] = "incidents"

    def __attrs_post_init__(self) -> None:
        last = self.included_tickets
        for i, tier in enumerate(self.overage):
            if tier.up_to is None:
                if i != len(self.overage) - 1:
                    raise _fail("only the last overage tier may leave up_to out", f"overage[{i}]")
                continue
            if tier.up_to <= last:
                raise _fail(
                    f"overage tier up to {tier.up_to} does not go beyond {last}",
                    f"overage[{i}].up_to",
                    "tiers rise: each up_to above the one before it",
                )
            last = tier.up_to


@attrs.frozen(kw_only=True)
class OutOfScope:
    """Work outside the service, billed time and material through the engine."""

    #: The model that bills it.
    model: str = "time-material"
    #: That model's settings table (for time-material: time_entries, rates, rounding, ...).
    settings: dict[str, Any] = attrs.Factory(dict)
    #: Hours a month covered by the fee; the first hours billed each month are credited back.
    included_hours: Decimal = attrs.field(default=Decimal(0), validator=non_negative)


@attrs.frozen(kw_only=True)
class Window:
    """A coverage window for staffing: days, hours, arrivals and handling time."""

    name: str
    days: tuple[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], ...] = WEEKDAYS  # type: ignore[assignment]
    #: ``"08:00-18:00"`` (``"00:00-24:00"`` for the whole day).
    hours: str = "00:00-24:00"
    #: Tickets arriving per hour in the window.
    arrivals_per_hour: Decimal = attrs.field(validator=non_negative)
    #: Average handling time in minutes.
    handling_minutes: Decimal = attrs.field(validator=positive)

    def __attrs_post_init__(self) -> None:
        parse_range(self.hours, "hours")
        if not self.days:
            raise _fail(f"window {self.name!r} has no days", "days")

    @property
    def hours_per_day(self) -> Decimal:
        start, end = parse_range(self.hours, "hours")
        end_min = 24 * 60 if end is None else end.hour * 60 + end.minute
        return Decimal(end_min - (start.hour * 60 + start.minute)) / 60


@attrs.frozen(kw_only=True)
class Staffing:
    """Erlang C staffing (``[settings.staffing]``)."""

    windows: tuple[Window, ...] = ()
    #: Share of tickets answered within ``answer_within_minutes``.
    service_level_pct: Decimal = attrs.field(default=Decimal(80), validator=percentage)
    answer_within_minutes: Decimal = attrs.field(default=Decimal(30), validator=positive)
    #: Share of paid time agents are not available (leave, training, meetings).
    shrinkage_pct: Decimal = attrs.field(default=Decimal(30), validator=percentage)
    #: Highest share of time an agent may be busy.
    max_occupancy_pct: Decimal = attrs.field(default=Decimal(85), validator=percentage)
    #: Agents that can be on duty at once; a window that needs more is an error.
    max_agents: int | None = attrs.field(default=None, validator=positive)
    #: Contract hours of one FTE a week.
    fte_hours_per_week: Decimal = attrs.field(default=Decimal(40), validator=positive)
    #: The role on the rate card (cost rate for the estimate).
    role: str = "service desk agent"
    #: Cost of one agent hour when the rate card has no cost rate for ``role``.
    cost_per_hour: Decimal | None = attrs.field(default=None, validator=non_negative)

    def __attrs_post_init__(self) -> None:
        if self.service_level_pct >= 100:
            raise _fail(
                "a service level of 100% can never be met: some tickets always wait",
                "service_level_pct",
                "use a target below 100, e.g. 80 or 90",
            )
        if self.shrinkage_pct >= 100:
            raise _fail("shrinkage of 100% leaves no time to work", "shrinkage_pct")
        if self.max_occupancy_pct <= 0:
            raise _fail("maximum occupancy must be above 0%", "max_occupancy_pct")
        names = [w.name for w in self.windows]
        for name in names:
            if names.count(name) > 1:
                raise _fail(f"two windows are named {name!r}", "windows")


@attrs.frozen(kw_only=True)
class ProblemTargets:
    #: The root cause is due within this many business days of the problem's opening.
    root_cause_days: int = attrs.field(default=10, validator=positive)
    #: Share of problems whose root cause is found on time.
    on_time_pct: Decimal = attrs.field(default=Decimal(90), validator=percentage)


@attrs.frozen(kw_only=True)
class ChangeTargets:
    success_rate_pct: Decimal = attrs.field(default=Decimal(95), validator=percentage)
    max_emergency_pct: Decimal = attrs.field(default=Decimal(10), validator=percentage)


@attrs.frozen(kw_only=True)
class ReleaseTargets:
    on_time_pct: Decimal = attrs.field(default=Decimal(90), validator=percentage)
    max_rollback_pct: Decimal = attrs.field(default=Decimal(5), validator=percentage)


def _check_zone(instance: Any, attribute: Any, value: str | None) -> None:
    if value is None:
        return
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(
            f"unknown time zone {value!r}",
            attribute.name,
            "use an IANA name such as Europe/Berlin, America/New_York or UTC",
        ) from None


@attrs.frozen(kw_only=True)
class Settings:
    """Settings of an sla component."""

    #: Priorities and their targets (at least one).
    priorities: tuple[Priority, ...]
    #: The coverage schedule (a calendar table); absent: the project's calendar.
    coverage: engagekit.Calendar | None = None
    #: Which targets apply when the priority changed: ``final`` or ``highest``.
    priority_rule: Literal["final", "highest"] = "final"
    #: States that pause the clock.
    pause_states: tuple[str, ...] = DEFAULT_PAUSE_STATES
    #: Zone of timestamps without an offset in every data file (a file's own ``timezone`` wins).
    data_timezone: str | None = attrs.field(default=None, validator=_check_zone)
    incidents: Source | None = None
    problems: Source | None = None
    changes: Source | None = None
    releases: Source | None = None
    outages: Source | None = None
    availability: Availability | None = None
    credits: Credits | None = None
    fee: Fee | None = None
    out_of_scope: OutOfScope | None = None
    staffing: Staffing | None = None
    problem_targets: ProblemTargets = attrs.Factory(ProblemTargets)
    change_targets: ChangeTargets = attrs.Factory(ChangeTargets)
    release_targets: ReleaseTargets = attrs.Factory(ReleaseTargets)
    #: Margin of the estimated fee, in percent of the price.
    margin_pct: Decimal = attrs.field(default=Decimal(20), validator=percentage)
    #: Which incidents measure lists: breached ones, all, or none; at most ``max_listed``.
    list_incidents: Literal["breached", "all", "none"] = "breached"
    max_listed: int = attrs.field(default=200, validator=non_negative)

    def __attrs_post_init__(self) -> None:
        if not self.priorities:
            raise _fail(
                "give at least one priority", "priorities", 'e.g. [[priorities]] name = "P1"'
            )
        seen: dict[str, str] = {}
        for i, p in enumerate(self.priorities):
            for label in (p.name, *p.aliases):
                key = label.strip().casefold()
                if key in seen and seen[key] != p.name:
                    raise _fail(
                        f"{label!r} names two priorities ({seen[key]} and {p.name})",
                        f"priorities[{i}]",
                    )
                if key in seen and label == p.name:
                    raise _fail(f"two priorities are named {p.name!r}", f"priorities[{i}].name")
                seen[key] = p.name
        if self.margin_pct >= 100:
            raise _fail("a margin of 100% of the price or more is impossible", "margin_pct")
        if self.outages is not None and self.availability is None:
            raise _fail(
                "outages are given but no availability target",
                "availability",
                "add [availability] target_pct = 99.9",
            )
        if self.credits and self.credits.tiers and self.availability is None:
            raise _fail(
                "availability credit bands need an availability target",
                "availability",
                "add [availability] target_pct = 99.9",
            )


#: Settings that validate without data files, for ``engage init`` and the contract tests.
EXAMPLE: dict[str, Any] = {
    "coverage": {"timezone": "Europe/Berlin", "hours": "8x5", "country": "DE"},
    "data_timezone": "Europe/Berlin",
    "priorities": [
        {
            "name": "P1",
            "response_minutes": Decimal(15),
            "resolution_hours": Decimal(4),
            "response_clock": "calendar",
            "resolution_clock": "calendar",
            "target_pct": Decimal(95),
            "breach_credit_pct": Decimal(1),
        },
        {"name": "P2", "response_minutes": Decimal(30), "resolution_hours": Decimal(8)},
        {"name": "P3", "response_minutes": Decimal(120), "resolution_hours": Decimal(24)},
        {
            "name": "P4",
            "response_minutes": Decimal(480),
            "resolution_hours": Decimal(80),
            "target_pct": Decimal(90),
        },
    ],
    "availability": {"target_pct": Decimal("99.9")},
    "credits": {
        "cap_pct": Decimal(30),
        "tiers": [
            {"from_pct": Decimal("99.0"), "below_pct": Decimal("99.9"), "credit_pct": Decimal(10)},
            {"from_pct": Decimal("95.0"), "below_pct": Decimal("99.0"), "credit_pct": Decimal(25)},
            {"below_pct": Decimal("95.0"), "credit_pct": Decimal(50)},
        ],
    },
    "fee": {
        "monthly": Decimal(16500),
        "included_tickets": 300,
        "overage": [{"up_to": 400, "unit_price": Decimal(30)}, {"unit_price": Decimal(25)}],
    },
    "staffing": {
        "service_level_pct": Decimal(80),
        "answer_within_minutes": Decimal(30),
        "cost_per_hour": Decimal(38),
        "windows": [
            {
                "name": "business hours",
                "days": ["mon", "tue", "wed", "thu", "fri"],
                "hours": "08:00-18:00",
                "arrivals_per_hour": Decimal("0.3"),
                "handling_minutes": Decimal(40),
            },
        ],
    },
}
