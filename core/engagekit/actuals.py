"""What happened: the actuals and events the models share.

These are the row types of small data sets and of the generic file formats. Bulk data (a million
time entries or incidents) stays columnar in the plugins that read it; these classes define what
each column means.

``TimeEntry``, ``Pause`` and ``Incident`` are defined in ``engagekit._bulk_rows`` and imported
from there on first use (module ``__getattr__``): no model builds one (their files are read as
columns), and defining them was a good part of importing this module, which ``engage validate``
does for the record types of the small files.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

import attrs

from engagekit.errors import InputError

if TYPE_CHECKING:
    from engagekit._bulk_rows import Incident, Pause, TimeEntry

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


#: The classes of ``engagekit._bulk_rows``, named here.
_BULK = ("Incident", "Pause", "TimeEntry")


def __getattr__(name: str) -> Any:
    if name in _BULK:
        from engagekit import _bulk_rows

        return getattr(_bulk_rows, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_BULK])


def _order(first: str, second: str) -> Callable[[Any, Any, Any], None]:
    def check(instance: Any, attribute: Any, value: Any) -> None:
        a, b = getattr(instance, first), getattr(instance, second)
        if a is not None and b is not None and b < a:
            raise InputError(f"{second} ({b}) is before {first} ({a})", field=second)

    return check


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
