"""The one way engagekit reads a CSV file: encoding, delimiter, decimal mark and row shape.

Every reader (the small row-by-row files of ``csvio``, the columnar time entries and incident
logs) opens its file with ``open_csv`` and so behaves the same way:

- encoding: UTF-8 with or without a byte order mark by default; another one (``cp1252``,
  ``latin-1``) when the data source declares it. A byte the encoding cannot decode is an error
  naming the file and the row, for every row that has one.
- delimiter: ``,``, ``;`` or a tab, detected from the header or declared.
- decimal mark: ``.`` or ``,``, declared, or implied by a semicolon-separated file (the way
  spreadsheets of comma-decimal locales write CSV). Numbers are parsed with Babel; ``1.234,56``
  in a file with decimal points is an error, never 1.23456.
- rows are numbered as a spreadsheet shows them (the header is row 1); blank lines (and rows of
  empty fields) are skipped but keep their numbers; CR-only line ends are read; a row with fewer
  or more fields than the header is an error naming the row.

A clean UTF-8 file is read by polars straight from disk (bulk files of millions of rows); a file
that needs repair (another encoding, CR line ends, blank or ragged rows) is read once by the
``csv`` module, checked row by row, and handed to polars rebuilt.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal, localcontext
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import attrs

from engagekit.errors import InputError, InputErrors
from engagekit.parquetdata import is_parquet, parquet_frame, parquet_header

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "CsvFile",
    "CsvFormat",
    "check_delimiter",
    "check_encoding",
    "number_hint",
    "open_csv",
    "parse_number",
]

Decimal_ = Literal[".", ","]
_DELIMITERS = (",", ";", "\t")
#: The Babel locale whose number format has each decimal mark (and the matching group mark).
_LOCALES = {".": "en", ",": "de"}
#: A number without group marks, sign ``-`` at most, per decimal mark.
_PLAIN = {mark: rf"-?[0-9]+(?:{re.escape(mark)}[0-9]+)?" for mark in _LOCALES}


@functools.cache
def _plain(decimal: str) -> re.Pattern[str]:
    # compiled for the decimal marks the files read have (nearly always only ".")
    return re.compile(_PLAIN[decimal])


#: Undecodable bytes, as ``surrogateescape`` keeps them.
_BAD_BYTE = re.compile("[\udc80-\udcff]")


def check_encoding(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    try:
        codecs.lookup(value)
    except LookupError:
        raise InputError(
            f"unknown encoding {value!r}",
            field=attribute.name,
            hint='e.g. encoding = "utf-8" (the default), "cp1252" or "latin-1"',
        ) from None


def check_delimiter(
    instance: object, attribute: attrs.Attribute[str | None], value: str | None
) -> None:
    if value is not None and value not in _DELIMITERS:
        raise InputError(
            f"delimiter {value!r} is not one of , ; or a tab",
            field=attribute.name,
            hint='leave delimiter out to detect it from the header, or set delimiter = ";"',
        )


@attrs.frozen
class CsvFormat:
    """How a data source writes its CSV: the keys ``encoding``, ``delimiter``, ``decimal``."""

    #: The text encoding; UTF-8 also reads a file that starts with a byte order mark.
    encoding: str = attrs.field(default="utf-8", validator=check_encoding)
    #: The field separator; None: detected from the header (``,``, ``;`` or a tab).
    delimiter: str | None = attrs.field(default=None, validator=check_delimiter)
    #: The decimal mark of numbers; None: ``,`` in a semicolon-separated file, else ``.``.
    decimal: Decimal_ | None = None

    @property
    def is_utf8(self) -> bool:
        return codecs.lookup(self.encoding).name == "utf-8"


def parse_number(text: str, decimal: str) -> Decimal | None:
    """``text`` as a number written with ``decimal`` as its decimal mark; None if it is not one.

    Group marks are accepted where the locale puts them (``1,234.56``, ``1.234,56``); anything
    ambiguous (``1,5`` with decimal points) is not a number.
    """
    plain = _plain(decimal).fullmatch(text.strip())
    if plain is not None:
        # Digits with at most the decimal mark, as nearly every cell is: what babel would
        # read them as, without importing babel (a test compares the two).
        return Decimal(plain[0].replace(",", "."))
    from babel.numbers import NumberFormatError, parse_decimal

    # babel's strict parse formats the number back to compare, rounding it in the current
    # context: 28 digits would raise InvalidOperation on a long number (1.000.000...,000000)
    with localcontext(prec=max(28, 2 * len(text))):
        try:
            value = parse_decimal(text.strip(), locale=_LOCALES[decimal], strict=True)
        except (NumberFormatError, ValueError):
            return None
    return value if value.is_finite() else None


def number_hint(decimal: str) -> str:
    other = "," if decimal == "." else "."
    example = "1234.56 or 1,234.56" if decimal == "." else "1234,56 or 1.234,56"
    return (
        f"this file's numbers use {decimal!r} as decimal mark ({example}); if the export writes "
        f'{other!r}, set decimal = "{other}" for this data source'
    )


@attrs.frozen(eq=False)
class CsvFile:
    """An opened CSV file: its header and how to read it."""

    path: Path
    what: str
    header: tuple[str, ...]
    delimiter: str
    decimal: Decimal_
    format: CsvFormat
    #: Whether polars may read the file from disk as it is (UTF-8, line ends \n or \r\n).
    direct: bool
    #: A Parquet file or a folder of them (``engagekit.parquetdata``), read as text.
    parquet: bool = False

    def columns_hint(self, required: Sequence[str], optional: Sequence[str] = ()) -> str:
        return f"a {self.what} has the columns {', '.join([*required, *optional])}"

    def require(self, required: Sequence[str], optional: Sequence[str] = ()) -> None:
        missing = [c for c in required if c not in self.header]
        if missing:
            raise InputError(
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                where=self.path,
                row=1,
                hint=self.columns_hint(required, optional),
            )

    # -- row by row (small files) ---------------------------------------------------------------

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """The data rows as (spreadsheet row, column -> value); raise for ragged or bad rows."""
        if self.parquet:
            for record in self.frame().iter_rows(named=True):
                number = record.pop("row")
                yield number, {k: "" if v is None else v for k, v in record.items()}
            return
        rows, records = self._checked_records()
        for number, values in zip(rows, records, strict=True):
            yield number, dict(zip(self.header, values, strict=True))

    def checked_rows(self) -> tuple[list[int], list[list[str]]]:
        """The data rows of a CSV file (not Parquet), as ``records`` reads and checks them: their
        spreadsheet rows, and their values in the header's order (no dict per row)."""
        if self.parquet:
            raise ValueError(f"{self.path} is Parquet: read its records")
        return self._checked_records()

    # -- columnar (bulk files) ------------------------------------------------------------------

    def frame(self, columns: Sequence[str] | None = None) -> pl.DataFrame:
        """The ``columns`` present in the header (all when None) as strings, plus ``row``.

        Rows of only empty fields are dropped (``row`` keeps the spreadsheet's numbers).
        """
        import polars as pl

        wanted = [c for c in (columns if columns is not None else self.header) if c in self.header]
        if self.parquet:
            return parquet_frame(self.path, self.what, wanted)
        if self.direct:
            df = self._read_direct(wanted)
            if df is not None:
                return df
        rows, records = self._checked_records()
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(records)
        names = [f"c{i}" for i in range(len(self.header))]
        if records:
            df = pl.read_csv(
                io.BytesIO(text.getvalue().encode("utf-8")),
                has_header=False,
                new_columns=names,
                infer_schema=False,
                separator=",",
            )
        else:
            df = pl.DataFrame({n: [] for n in names}, schema=dict.fromkeys(names, pl.String))
        index = {h: i for i, h in reversed(list(enumerate(self.header)))}
        return df.select(
            pl.Series("row", rows, dtype=pl.Int64),
            *[pl.col(f"c{index[c]}").alias(c) for c in wanted],
        )

    def _read_direct(self, wanted: list[str]) -> pl.DataFrame | None:
        """The file read by polars as it is; None when it needs the careful path.

        Blank lines and short rows leave the header's last column empty: such a file is read
        again carefully, which tells a short row from an empty last field.
        """
        import polars as pl

        last = self.header[-1]
        take = [*wanted, last] if last not in wanted else wanted
        try:
            df = (
                pl.scan_csv(
                    self.path,
                    has_header=True,
                    new_columns=list(self.header),
                    infer_schema=False,
                    separator=self.delimiter,
                    encoding="utf8",
                    truncate_ragged_lines=False,
                )
                .select(take)
                .with_row_index("row", offset=2)
                .collect()
            )
        except (pl.exceptions.PolarsError, ValueError):
            return None
        if df[last].null_count():
            return None
        # a row of empty quoted fields ("","") is blank too
        blank = pl.all_horizontal((pl.col(c).is_null() | (pl.col(c) == "")) for c in take)
        if df.select(blank.any()).item():
            return None
        return df.select(pl.col("row").cast(pl.Int64), *wanted)

    def _checked_records(self) -> tuple[list[int], list[list[str]]]:
        """Every data record with its row; every undecodable, short or long row reported."""
        text = _decode(self.path, self.format.encoding)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter)
        width = len(self.header)
        rows: list[int] = []
        records: list[list[str]] = []
        problems: list[InputError] = []
        seen_header = False
        check_bytes = _BAD_BYTE.search(text) is not None
        for number, record in enumerate(reader, start=1):
            # "".join(record).strip(): whether any field has more than spaces, without a
            # generator per row
            if not seen_header:
                seen_header = bool("".join(record).strip())
                continue
            if not "".join(record).strip():
                continue  # a blank line, or a row of empty fields
            if check_bytes and any(_BAD_BYTE.search(v) for v in record):
                problems.append(self._undecodable(number, record))
                continue
            if len(record) != width:
                problems.append(self._ragged(number, record))
                continue
            rows.append(number)
            records.append(record)
        if len(problems) == 1:
            raise problems[0]
        if problems:
            raise InputErrors(problems)
        return rows, records

    def _undecodable(self, number: int, record: list[str]) -> InputError:
        column, byte = None, 0
        for name, value in zip(self.header, record, strict=False):
            if found := _BAD_BYTE.search(value):
                column, byte = name, ord(found[0]) - 0xDC00
                break
        return InputError(
            f"byte 0x{byte:02x} is not {self.format.encoding} text",
            where=self.path,
            row=number,
            field=column,
            hint='export the file as UTF-8, or declare its encoding, e.g. encoding = "cp1252"',
        )

    def _ragged(self, number: int, record: list[str]) -> InputError:
        width = len(self.header)
        if len(record) < width:
            missing = ", ".join(self.header[len(record) :])
            message = f"the row has {len(record)} fields, the header {width}: {missing} missing"
        else:
            extra = ", ".join(repr(v) for v in record[width:][:3])
            message = (
                f"the row has {len(record)} fields, the header {width}: extra value"
                f"{'s' if len(record) - width > 1 else ''} {extra}"
            )
        return InputError(
            message,
            where=self.path,
            row=number,
            hint="each row has one value per header column; quote values that contain "
            f"{self.delimiter!r}",
        )


def _decode(path: Path, encoding: str) -> str:
    """The file's text; undecodable bytes kept as lone surrogates, for the rows to name them."""
    data = path.read_bytes()
    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"
    return data.decode(encoding, errors="surrogateescape")


def _first_line(path: Path, encoding: str) -> str:
    with path.open("rb") as f:
        head = f.read(1 << 16)
    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"
    text = head.decode(encoding, errors="surrogateescape")
    for line in text.splitlines():
        if line.strip().strip(",;\t"):
            return line
    return ""


def _sniff(line: str) -> str:
    """The delimiter of a header line: the most frequent of , ; and tab outside quotes."""
    outside = "".join(part for i, part in enumerate(line.split('"')) if i % 2 == 0)
    counts = {d: outside.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _direct(path: Path, fmt: CsvFormat) -> bool:
    """Whether polars can read the file as it is: UTF-8 with \\n line ends.

    Read in blocks, not mapped: pages of a mapped file count in the process's memory, so a
    scan of a file without CRs would hold all of it (a batched reader holds one batch).
    """
    if not fmt.is_utf8:
        return False
    with path.open("rb") as f:
        if not f.read(1):
            return False  # an empty file
        f.seek(0)
        while block := f.read(1 << 20):
            cr = block.find(b"\r")
            if cr == -1:
                continue
            # CR-only line ends: the first CR is not followed by an LF
            if cr + 1 == len(block):
                block += f.read(1)
            return block[cr : cr + 2] == b"\r\n"
    return True


def open_csv(path: str | Path, fmt: CsvFormat | None = None, *, what: str = "file") -> CsvFile:
    """Open a CSV file: read its header, detect its delimiter and decimal mark.

    A Parquet file, or a folder of Parquet files, opens the same way (``engagekit.parquetdata``).
    """
    fmt = fmt or CsvFormat()
    path = Path(path)
    if path.exists() and is_parquet(path):
        return CsvFile(
            path=path,
            what=what,
            header=parquet_header(path, what),
            delimiter=",",
            decimal=".",
            format=fmt,
            direct=False,
            parquet=True,
        )
    try:
        line = _first_line(path, fmt.encoding)
    except FileNotFoundError:
        raise InputError(f"{what} does not exist", where=path) from None
    except IsADirectoryError:
        raise InputError(f"{what} is a folder, not a CSV file", where=path) from None
    if not line:
        raise InputError(f"the {what} is empty; expected a header row", where=path, row=1)
    delimiter = fmt.delimiter or _sniff(line)
    header = next(csv.reader([line], delimiter=delimiter))
    if _BAD_BYTE.search(line):
        raise InputError(
            f"the header is not {fmt.encoding} text",
            where=path,
            row=1,
            hint='export the file as UTF-8, or declare its encoding, e.g. encoding = "cp1252"',
        )
    decimal: Decimal_ = fmt.decimal or ("," if delimiter == ";" else ".")
    return CsvFile(
        path=path,
        what=what,
        header=tuple(h.strip() for h in header),
        delimiter=delimiter,
        decimal=decimal,
        format=fmt,
        direct=_direct(path, fmt),
    )
