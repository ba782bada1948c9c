"""Actual costs of a cost-plus team: a small CSV, one row per cost item.

Columns: ``date, category, amount`` and optional ``role, person, description, currency``.
A row belongs to the billing period of its ``date``. Every problem names file, row and column.
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

import engagekit
from engagekit.csvio import read_rows

__all__ = ["COST_OPTIONAL", "COST_REQUIRED", "CostRow", "read_costs"]

COST_REQUIRED = ("date", "category", "amount")
COST_OPTIONAL = ("role", "person", "description", "currency")


@attrs.frozen
class CostRow:
    row: int
    day: date
    category: str
    amount: Decimal
    role: str | None = None
    person: str | None = None
    description: str | None = None


def read_costs(
    path: Path,
    currency: str,
    first: date,
    last: date,
    roles: tuple[str, ...],
    people: Any = None,
) -> tuple[CostRow, ...]:
    """All rows of the cost file, checked against the project currency and the contract term,
    and each ``person`` against ``people`` (the workspace's roster, ``project.roster``) if given."""
    rows = _read(Path(path), path.stat().st_mtime_ns, currency, first, last, roles)
    # outside the cache: the roster is the workspace's, not the file's
    if people is not None:
        people.check_rows(((r.person, r.row) for r in rows), where=path, field="person")
    return rows


@functools.lru_cache(maxsize=16)
def _read(
    path: Path, _mtime: int, currency: str, first: date, last: date, roles: tuple[str, ...]
) -> tuple[CostRow, ...]:
    out = []
    errors: list[engagekit.InputError] = []
    for row in read_rows(path, required=COST_REQUIRED, optional=COST_OPTIONAL, what="cost file"):
        try:
            day = row.date("date")
            assert day is not None
            if not first <= day <= last:
                raise row.error(
                    f"{day} is outside the contract term {first}..{last}",
                    "date",
                    hint="a cost file lists this team's costs within the component's dates",
                )
            amount = row.decimal("amount")
            assert amount is not None
            cur = row.text("currency", required=False)
            if cur is not None and cur != currency:
                raise row.error(
                    f"currency {cur} is not the project currency {currency}",
                    "currency",
                    hint="convert costs to the project currency before billing",
                )
            role = row.name("role", required=False)
            if role is not None and role not in roles:
                raise row.error(
                    f"role {role!r} is no position of this team",
                    "role",
                    hint=f"positions: {', '.join(roles)}",
                )
            out.append(
                CostRow(
                    row=row.number,
                    day=day,
                    category=row.text("category") or "",
                    amount=amount,
                    role=role,
                    person=row.name("person", required=False),
                    description=row.text("description", required=False),
                )
            )
        except engagekit.InputError as exc:
            errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise engagekit.InputErrors(errors)
    return tuple(out)
