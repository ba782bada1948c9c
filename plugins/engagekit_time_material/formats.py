"""The time-entry export formats (Harvest, Toggl Track, Clockify, generic): their columns, and
which one a file's header is. The readers of ``importers`` use them (and name them there too);
``engage validate`` of a generic timesheet checks its header without importing the readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import attrs

import engagekit

__all__ = [
    "CLOCKIFY",
    "FORMATS",
    "GENERIC",
    "GENERIC_COLUMNS",
    "GENERIC_OPTIONAL",
    "GENERIC_REQUIRED",
    "HARVEST",
    "TOGGL",
    "Format",
    "detect_format",
]

#: The generic format's columns: required first, then optional.
GENERIC_REQUIRED = ("date", "person")
GENERIC_OPTIONAL = (
    "minutes",
    "hours",
    "role",
    "billable",
    "approved",
    "category",
    "task",
    "tags",
    "notes",
    "start",
    "end",
    "currency",
)
GENERIC_COLUMNS = GENERIC_REQUIRED + GENERIC_OPTIONAL


@attrs.frozen
class Format:
    """An export format: the columns it must have (``required``), and the ones it may have."""

    name: str
    title: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    #: Columns named with a currency, e.g. ``Amount (EUR)``: a regex with one group.
    currency_columns: tuple[str, ...] = ()
    #: The usual date format of the export when it is not ISO.
    date_formats: tuple[str, ...] = ()

    def missing(self, header: Sequence[str]) -> list[str]:
        present = set(header)
        out = [c for c in self.required if c not in present]
        if self.name == "generic" and "minutes" not in present and "hours" not in present:
            out.append("minutes (or hours)")
        return out


HARVEST = Format(
    "harvest",
    "Harvest detailed time report",
    required=("Date", "Hours", "First Name", "Last Name", "Billable?"),
    optional=(
        "Client",
        "Project",
        "Project Code",
        "Task",
        "Notes",
        "Hours Rounded",
        "Invoiced?",
        "Approved?",
        "Roles",
        "Employee?",
        "Billable Rate",
        "Billable Amount",
        "Cost Rate",
        "Cost Amount",
        "Currency",
        "External Reference URL",
    ),
    date_formats=("%m/%d/%Y", "%d/%m/%Y"),
)
TOGGL = Format(
    "toggl",
    "Toggl Track detailed report",
    required=("User", "Billable", "Start date", "Start time", "Duration"),
    optional=(
        "Email",
        "Client",
        "Project",
        "Task",
        "Description",
        "End date",
        "End time",
        "Tags",
        "Amount (<currency>)",
    ),
    currency_columns=(r"Amount \((\w+)\)",),
)
CLOCKIFY = Format(
    "clockify",
    "Clockify detailed report",
    required=("User", "Billable", "Start Date", "Start Time", "Duration (h)"),
    optional=(
        "Project",
        "Client",
        "Description",
        "Task",
        "Group",
        "Email",
        "Tags",
        "End Date",
        "End Time",
        "Duration (decimal)",
        "Billable Rate (<currency>)",
        "Billable Amount (<currency>)",
        "Cost Rate (<currency>)",
        "Cost Amount (<currency>)",
    ),
    currency_columns=(
        r"Billable Rate \((\w+)\)",
        r"Billable Amount \((\w+)\)",
        r"Cost Rate \((\w+)\)",
        r"Cost Amount \((\w+)\)",
    ),
    date_formats=("%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y"),
)
GENERIC = Format("generic", "engagekit generic time entries", GENERIC_REQUIRED, GENERIC_OPTIONAL)

FORMATS: dict[str, Format] = {f.name: f for f in (HARVEST, TOGGL, CLOCKIFY, GENERIC)}


def detect_format(path: Path, header: Sequence[str], chosen: str = "auto") -> Format:
    """The format of a file by its header (or the ``chosen`` one, checked against the header)."""
    if chosen != "auto":
        fmt = FORMATS[chosen]
        missing = fmt.missing(header)
        if missing:
            raise engagekit.InputError(
                f"the header is not a {fmt.title}: missing column"
                f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                where=path,
                row=1,
                hint=f"a {fmt.name} export has the columns {', '.join(fmt.required + fmt.optional)};"
                ' or set format = "auto" to detect the format',
            )
        return fmt
    matches = [f for f in FORMATS.values() if not f.missing(header)]
    if matches:
        return matches[0]
    report = "; ".join(
        f"{f.name} ({f.title}) lacks {', '.join(f.missing(header))}" for f in FORMATS.values()
    )
    raise engagekit.InputError(
        f"the header matches no known time-entry format: {report}",
        where=path,
        row=1,
        hint=f"known formats: {', '.join(FORMATS)} (docs/models/time-material.md); the header "
        f"read was: {', '.join(header[:12])}{' ...' if len(header) > 12 else ''}",
    )
