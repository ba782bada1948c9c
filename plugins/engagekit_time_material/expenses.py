"""Expenses passed through to the invoice, with an optional markup.

The expenses CSV has ``date, description, amount`` and optionally ``currency`` (the project's
if empty), ``category``, ``person`` and ``billable`` (true if empty). Small files: read row by row.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

import engagekit
from engagekit.csvio import CsvFormat, read_rows

__all__ = ["Expense", "read_expenses"]

REQUIRED = ("date", "description", "amount")
OPTIONAL = ("currency", "category", "person", "billable")


@attrs.frozen
class Expense:
    row: int
    day: date
    description: str
    amount: Decimal
    category: str | None
    person: str | None
    billable: bool


def read_expenses(
    path: Path,
    component: engagekit.Component,
    currency: str,
    csv_format: CsvFormat | None = None,
    people: Any = None,
) -> list[Expense]:
    """Every expense of the file, checked: dates in the component, the project's currency, and
    each ``person`` one of ``people`` (the workspace's roster, ``project.roster``) if given."""
    out: list[Expense] = []
    problems: list[engagekit.InputError] = []
    for row in read_rows(
        Path(path), required=REQUIRED, optional=OPTIONAL, what="expenses file", format=csv_format
    ):
        try:
            day = row.date("date")
            amount = row.decimal("amount")
            assert day is not None and amount is not None
            cur = (row.text("currency", required=False) or currency).upper()
            if cur != currency:
                raise row.error(
                    f"currency {cur} is not the project's currency {currency}",
                    "currency",
                    "pass expenses through in the project currency",
                )
            if amount <= 0:
                raise row.error(f"an expense must be positive (got {amount})", "amount")
            if not component.start <= day <= component.end:
                raise row.error(
                    f"expense on {day} is outside the component's timeframe "
                    f"{component.start}..{component.end}",
                    "date",
                )
            out.append(
                Expense(
                    row=row.number,
                    day=day,
                    description=row.text("description") or "",
                    amount=amount,
                    category=row.text("category", required=False),
                    person=row.name("person", required=False),
                    billable=row.boolean("billable", default=True),
                )
            )
        except engagekit.InputError as exc:
            problems.append(exc)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise engagekit.InputErrors(problems)
    if people is not None:
        people.check_rows(((e.person, e.row) for e in out), where=path, field="person")
    return out
