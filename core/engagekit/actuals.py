"""What happened: the actuals and events the models share.

These are the row types of small data sets and of the generic file formats. Bulk data (a million
time entries or incidents) stays columnar in the plugins that read it; these classes define what
each column means.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

import attrs

from engagekit.errors import InputError

__all__ = [
    "Change",
    "Incident",
    "MilestoneAcceptance",
    "Outage",
    "Pause",
    "Problem",
    "Release",
    "TimeEntry",
]


def _order(first: str, second: str) -> Callable[[Any, Any, Any], None]:
    def check(instance: Any, attribute: Any, value: Any) -> None:
        a, b = getattr(instance, first), getattr(instance, second)
        if a is not None and b is not None and b < a:
            raise InputError(f"{second} ({b}) is before {first} ({a})", field=second)

    return check


@attrs.frozen
class TimeEntry:
    """Time one person worked on one day. ``minutes`` is exact; money is computed on aggregates."""

    day: date
    person: str
    minutes: int
    role: str | None = None
    billable: bool = True
    approved: bool = True
    category: str | None = None
    task: str | None = None
    notes: str = ""
    start: datetime | None = None
    end: datetime | None = None

    def __attrs_post_init__(self) -> None:
        if self.minutes <= 0:
            raise InputError(
                f"duration must be positive (got {self.minutes} minutes)", field="minutes"
            )
        if self.minutes > 24 * 60:
            raise InputError(
                f"{self.minutes / 60:.2f} hours in one day is more than a day holds",
                field="minutes",
            )

    @property
    def hours(self) -> Decimal:
        return Decimal(self.minutes) / 60


@attrs.frozen
class Pause:
    """An interval in which an SLA clock stands still (waiting for the customer, a vendor, ...)."""

    start: datetime
    end: datetime
    reason: str = ""

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InputError(
                f"pause ends ({self.end}) before it starts ({self.start})", field="end"
            )


@attrs.frozen
class Incident:
    id: str
    priority: str
    opened: datetime
    first_response: datetime | None = None
    resolved: datetime | None = None
    pauses: tuple[Pause, ...] = ()
    status: str = ""
    category: str = ""
    caused_by_change: str | None = None

    def __attrs_post_init__(self) -> None:
        for name in ("first_response", "resolved"):
            value = getattr(self, name)
            if value is not None and value < self.opened:
                raise InputError(
                    f"incident {self.id}: {name} ({value}) is before opened ({self.opened})",
                    field=name,
                )
        end = self.resolved
        for p in self.pauses:
            if p.start < self.opened or (end is not None and p.end > end):
                raise InputError(
                    f"incident {self.id}: pause {p.start}..{p.end} is outside the incident "
                    f"({self.opened}..{end or 'open'})",
                    field="pauses",
                )


@attrs.frozen
class Problem:
    id: str
    opened: datetime
    root_cause_found: datetime | None = attrs.field(
        default=None, validator=_order("opened", "root_cause_found")
    )
    resolved: datetime | None = attrs.field(default=None, validator=_order("opened", "resolved"))
    priority: str = ""


@attrs.frozen
class Change:
    id: str
    kind: Literal["standard", "normal", "emergency"]
    planned: datetime | None
    implemented: datetime | None
    successful: bool
    caused_incident: bool = False


@attrs.frozen
class Release:
    id: str
    planned: date
    released: date | None
    rolled_back: bool = False


@attrs.frozen
class Outage:
    """Time a service was down; planned outages (maintenance) don't count against availability."""

    start: datetime
    end: datetime = attrs.field(validator=_order("start", "end"))
    planned: bool = False
    service: str = ""


@attrs.frozen
class MilestoneAcceptance:
    """The client accepted a milestone or phase on a date."""

    milestone: str
    accepted: date
