"""One reading path for every CSV reader: row by row (csvio) and columnar (polars) agree."""

from __future__ import annotations

import re
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import engagekit
from engagekit.csvfile import CsvFormat, open_csv, parse_number
from engagekit.csvio import read_rows


def _write(tmp_path: Path, data: bytes, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _both(path: Path, fmt: CsvFormat | None = None) -> tuple[list, list]:
    """The rows as the row reader and the columnar reader see them."""
    by_row = [(r.number, r.values) for r in read_rows(path, required=["a"], format=fmt)]
    frame = open_csv(path, fmt).frame()
    by_col = [
        (row["row"], {k: v or "" for k, v in row.items() if k != "row"})
        for row in frame.iter_rows(named=True)
    ]
    return by_row, by_col


@pytest.mark.parametrize(
    "data",
    [
        b"a,b\n1,x\n\n2,y\n\n\n",  # blank lines, trailing ones
        b"a,b\r1,x\r\r2,y\r",  # CR-only line ends
        b"\xef\xbb\xbfa,b\r\n1,x\r\n\r\n2,y\r\n",  # BOM, CRLF
        b"a;b\n1;x\n;\n2;y\n",  # semicolons, a row of empty fields
        b'a,b\n1,x\n"",""\n2,y\n',
    ],
)
def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers(tmp_path, data):
    by_row, by_col = _both(_write(tmp_path, data))
    assert by_row == by_col == [(2, {"a": "1", "b": "x"}), (4, {"a": "2", "b": "y"})]


def test_a_clean_file_is_read_by_polars_straight_from_disk(tmp_path):
    assert open_csv(_write(tmp_path, b"a,b\n1,x\n")).direct
    assert not open_csv(_write(tmp_path, b"a,b\r1,x\r")).direct
    assert not open_csv(_write(tmp_path, b"a,b\n1,x\n"), CsvFormat(encoding="cp1252")).direct


@pytest.mark.parametrize("reader", ["rows", "frame"])
def test_short_and_long_rows_are_named_by_both_readers(tmp_path, reader):
    path = _write(tmp_path, b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n")
    with pytest.raises(engagekit.InputErrors) as err:
        if reader == "rows":
            list(read_rows(path, required=["a"]))
        else:
            open_csv(path).frame()
    text = str(err.value)
    assert "f.csv, row 3: the row has 2 fields, the header 3: c missing" in text
    assert "f.csv, row 4: the row has 4 fields, the header 3: extra value '9'" in text


@pytest.mark.parametrize("reader", ["rows", "frame"])
def test_an_undecodable_byte_names_file_row_and_column(tmp_path, reader):
    path = _write(tmp_path, "a,b\n1,ok\n2,Müller\n".encode("latin-1"))
    with pytest.raises(engagekit.InputError) as err:
        if reader == "rows":
            list(read_rows(path, required=["a"]))
        else:
            open_csv(path).frame()
    assert "f.csv, row 3, b: byte 0xfc is not utf-8 text" in str(err.value)
    assert 'encoding = "cp1252"' in str(err.value)
    declared = CsvFormat(encoding="latin-1")
    by_row, by_col = _both(path, declared)
    assert by_row == by_col
    assert by_row[1] == (3, {"a": "2", "b": "Müller"})


def test_delimiter_detected_or_declared(tmp_path):
    path = _write(tmp_path, b'a;b;c,d\n"1,5";x;y\n')
    assert open_csv(path).delimiter == ";"
    assert open_csv(path).decimal == ","  # implied by a semicolon-separated file
    assert open_csv(_write(tmp_path, b"a\tb\n1\t2\n")).delimiter == "\t"
    assert open_csv(path, CsvFormat(delimiter=";", decimal=".")).decimal == "."
    with pytest.raises(engagekit.InputError, match=re.escape("delimiter '|' is not one of")):
        CsvFormat(delimiter="|")
    with pytest.raises(engagekit.InputError, match="unknown encoding 'utf-9'"):
        CsvFormat(encoding="utf-9")


def test_numbers_follow_the_files_decimal_mark(tmp_path):
    path = _write(tmp_path, b'a,amount\n1,"1,234.50"\n2,"1.234,50"\n')
    rows = list(read_rows(path, required=["a"]))
    assert rows[0].decimal("amount") == Decimal("1234.50")
    with pytest.raises(engagekit.InputError) as err:
        rows[1].decimal("amount")
    assert "row 3, amount: '1.234,50' is not a number" in str(err.value)
    assert 'set decimal = ","' in str(err.value)
    comma = _write(tmp_path, b"a;amount\n1;1.234,50\n", "c.csv")
    assert next(iter(read_rows(comma, required=["a"]))).decimal("amount") == Decimal("1234.50")


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_a_number_reads_back_in_either_locale(value):
    plain = format(value, "f")
    grouped = f"{value:,.2f}"
    assert parse_number(plain, ".") == value
    assert parse_number(grouped, ".") == value
    german = grouped.translate(str.maketrans(",.", ".,"))
    assert parse_number(german, ",") == value
    assert parse_number(plain.replace(".", ","), ",") == value


def test_the_real_servicenow_export_reads_the_same_both_ways():
    from tests.sla.conftest import SERVICENOW

    if not SERVICENOW.exists():
        pytest.skip("shared data not present")
    csv_file = open_csv(SERVICENOW)
    frame = csv_file.frame(["number", "opened_at"])
    assert frame.height == 5998
    assert frame["row"].to_list() == list(range(2, 6000))


@given(
    st.from_regex(r"\A-?[0-9]{1,20}([.,][0-9]{1,8})?\Z", fullmatch=True),
    st.sampled_from([".", ","]),
)
def test_plain_numbers_read_without_babel_as_babel_reads_them(text: str, mark: str) -> None:
    """The fast path for digits and the decimal mark gives what babel's strict parse gives
    (and leaves everything else, such as the other mark, to babel)."""
    from babel.numbers import NumberFormatError, parse_decimal

    from engagekit import csvfile

    # babel rounds what it formats back in the current context: 28 digits are too few for
    # 20 digits grouped the other way round (1E+25 to three decimals)
    with localcontext(prec=60):
        try:
            expected: Decimal | None = parse_decimal(
                text, locale=csvfile._LOCALES[mark], strict=True
            )
        except (NumberFormatError, ValueError):
            expected = None
    got = parse_number(text, mark)
    assert (got, str(got)) == (expected, str(expected))


@pytest.mark.parametrize(
    ("text", "mark", "expected"),
    [
        # babel's strict parse used to raise InvalidOperation here (28-digit context)
        ("10000000000000000000.000000", ",", None),
        ("10.000.000.000.000.000.000.000.000,5", ",", Decimal("10000000000000000000000000.5")),
        ("10,000,000,000,000,000,000,000,000.5", ".", Decimal("10000000000000000000000000.5")),
    ],
)
def test_a_long_number_is_read_or_refused_not_raised(text, mark, expected):
    assert parse_number(text, mark) == expected
