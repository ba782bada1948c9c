"""Reading small CSV files row by row with errors that name the file, row and column.

For data files of a few thousand rows (milestone acceptances, progress reports, cost lines).
Bulk files (timesheets, incident logs) are read columnar by the plugins that need speed. Both
open their file with ``engagekit.csvfile.open_csv``: one behaviour for encodings, delimiters,
decimal marks, blank lines and ragged rows. Rows are numbered as a spreadsheet shows them: the
header is row 1, the first data row 2.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs

from engagekit.csvfile import CsvFormat, number_hint, open_csv, parse_number
from engagekit.errors import InputError
from engagekit.money import LARGEST

__all__ = ["CsvFormat", "CsvRow", "read_rows"]

#: The ISO layouts a data source may declare (``%Y-%m-%d %H:%M`` ...) and a value written in
#: one of them: ``datetime.fromisoformat`` reads it as ``strptime`` with its format would.
_ISO_SHAPES = frozenset(
    f"%Y-%m-%d{sep}%H:%M{rest}" for sep in ("T", " ") for rest in ("", ":%S", ":%S.%f")
)
_ISO_VALUE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
)


@attrs.frozen
class CsvRow:
    """One data row; its ``get``/``decimal``/``date``/... raise errors located at this cell."""

    path: Path
    number: int
    values: dict[str, str]
    #: The file's decimal mark.
    decimal_mark: str = "."

    def error(self, message: str, column: str | None = None, hint: str | None = None) -> InputError:
        return InputError(message, where=self.path, row=self.number, field=column, hint=hint)

    def text(self, column: str, *, required: bool = True) -> str | None:
        value = (self.values.get(column) or "").strip()
        if not value:
            if required:
                raise self.error("empty value", column)
            return None
        return value

    def name(self, column: str, *, required: bool = True) -> str | None:
        """A name (a person's, a role's): like ``text``, but a cell of only spaces is an error,
        not an absent name: billing or staffing it as nobody would be a silent misreading."""
        raw = self.values.get(column) or ""
        if raw and not raw.strip():
            raise self.error(
                "is blank (only spaces)", column, hint="write the name or empty the cell"
            )
        return self.text(column, required=required)

    def decimal(self, column: str, *, required: bool = True) -> Decimal | None:
        value = self.text(column, required=required)
        if value is None:
            return None
        out = parse_number(value, self.decimal_mark)
        if out is None:
            raise self.error(f"{value!r} is not a number", column, number_hint(self.decimal_mark))
        if abs(out) >= LARGEST:
            raise self.error(f"{value!r} is too large (numbers must be below 10^15)", column)
        return out

    def date(
        self, column: str, *, required: bool = True, formats: Sequence[str] = ()
    ) -> date | None:
        value = self.text(column, required=required)
        if value is None:
            return None
        for fmt in formats:
            try:
                return datetime.strptime(value, fmt).date()
            except ValueError:
                continue
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.error(
                f"{value!r} is not a date", column, hint="write dates as YYYY-MM-DD"
            ) from None

    def datetime(
        self,
        column: str,
        *,
        tz: ZoneInfo | None = None,
        required: bool = True,
        formats: Sequence[str] = (),
    ) -> datetime | None:
        """An aware datetime; a naive value takes ``tz``, and is an error without one."""
        value = self.text(column, required=required)
        if value is None:
            return None
        parsed = None
        # an ISO value with ISO formats only: what strptime would give is fromisoformat's
        # (without importing _strptime and compiling its patterns)
        iso = _ISO_VALUE.fullmatch(value) is not None and all(f in _ISO_SHAPES for f in formats)
        for fmt in () if iso else formats:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
        if parsed is None:
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                raise self.error(
                    f"{value!r} is not a date-time",
                    column,
                    hint="write YYYY-MM-DDTHH:MM with an offset (+01:00) or set the file's timezone",
                ) from None
        if parsed.tzinfo is None:
            if tz is None:
                raise self.error(
                    f"{value!r} has no time zone and none is configured for this file",
                    column,
                    hint='add an offset such as +01:00, or set timezone = "Europe/Berlin" in settings',
                )
            parsed = parsed.replace(tzinfo=tz)
        return parsed

    def boolean(self, column: str, *, default: bool | None = None) -> bool:
        value = (self.values.get(column) or "").strip().lower()
        if not value and default is not None:
            return default
        if value in ("1", "true", "yes", "y"):
            return True
        if value in ("0", "false", "no", "n"):
            return False
        raise self.error(
            f"{value!r} is not a yes/no value", column, hint="use true/false or yes/no"
        )


def read_rows(
    path: Path,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    what: str = "file",
    format: CsvFormat | None = None,
) -> Iterator[CsvRow]:
    """The data rows of a CSV file with a header that has every ``required`` column.

    Every ragged or undecodable row is reported before the first row is yielded.
    """
    csv_file = open_csv(path, format, what=what)
    csv_file.require(required, optional)
    for number, values in csv_file.records():
        yield CsvRow(csv_file.path, number, values, csv_file.decimal)
