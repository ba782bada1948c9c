"""Settings of a ``capped-tm`` component: the ceiling, and the time-material work under it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

import engagekit
from engagekit.validate import positive

__all__ = ["EXAMPLE", "Settings"]


def _table(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, dict):
        raise engagekit.InputError(
            f"expected a table of time-material settings, got {type(value).__name__}",
            field=attribute.name,
            hint="write [components.settings.time_material] with the time-material model's keys "
            "(time_entries, rates, rounding, ...)",
        )


def _percentages(instance: Any, attribute: Any, value: tuple[Decimal, ...]) -> None:
    for v in value:
        if not Decimal(0) < v <= Decimal(100):
            raise engagekit.InputError(
                f"warning threshold {v} is not a percentage of the ceiling",
                field=attribute.name,
                hint="e.g. warn_at = [75, 90, 100]",
            )


@attrs.frozen
class Settings:
    """A capped-tm component: time and material billing that never bills more than ``ceiling``
    over the component's whole timeframe."""

    #: The fixed-price ceiling, in the project currency: the most the component bills, ever.
    ceiling: Decimal = attrs.field(validator=positive)
    #: The T&M work, as the ``time-material`` model's settings (time entries, rates, rounding,
    #: overtime, expenses, team, ...). Paths are relative to the project file.
    time_material: Any = attrs.field(factory=dict, validator=_table)
    #: Whether billable expenses count against the ceiling (a guaranteed maximum price) or are
    #: passed through on top of it (the default).
    include_expenses: bool = False
    #: Percentages of the ceiling at which bills and measures warn.
    warn_at: tuple[Decimal, ...] = attrs.field(
        default=(Decimal(75), Decimal(90), Decimal(100)), validator=_percentages
    )


#: Settings that validate without data files, for ``engage init``.
EXAMPLE: dict[str, Any] = {
    "ceiling": Decimal(80000),
    "include_expenses": False,
    "time_material": {
        "rounding": {"increment": 15, "mode": "up"},
        "team": [{"role": "developer", "fte": Decimal(2)}],
    },
}
