"""The row types of the bulk generic files (time entries, incidents and their pauses), named
by ``engagekit.actuals`` and imported from there on first use: the models read these files as
columns and build none of them, so a command that reads only the small files (``engage
validate``) does not define them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import attrs

from engagekit.errors import InputError

__all__ = ["Incident", "Pause", "TimeEntry"]


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
