"""Values that are allowed but rarely meant: each gets a warning on the result it affects.

Refusing is for what can't be meant (a discount over 100%, a 0% service target); these can be
meant (goodwill hours at a zero rate, a calendar closed for a component's whole timeframe),
so the work goes on and the output says what looks like a slip, naming where it comes from.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: validate's calendar warnings need none of the results
    from engagekit.project import Project
    from engagekit.results import ComponentBill

__all__ = ["bill_warnings", "calendar_warnings"]


def bill_warnings(bills: Sequence[ComponentBill]) -> Iterator[str]:
    """Billable time priced at zero: the rate card most likely lacks the rate."""
    for bill in bills:
        for line in bill.lines:
            if line.kind == "time" and line.quantity > 0 and not line.unit_price.amount:
                yield (
                    f"{bill.component}: {line.description}: {line.quantity} {line.unit} of "
                    "billable work at a zero rate (check the rate card's bill rate)"
                )


def calendar_warnings(project: Project) -> Iterator[str]:
    """A component whose whole timeframe has no working hour on the project's calendar."""
    from datetime import timedelta

    calendar = project.calendar
    for component in project.components:
        day, last = component.start, component.end
        while day <= last:
            if calendar.spans_on(day):
                break
            day += timedelta(days=1)
        else:
            yield (
                f"{component.name}: the project calendar has no working hours from "
                f"{component.start} to {component.end} (holidays, closed dates or weekdays off)"
            )
