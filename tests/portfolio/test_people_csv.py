"""The people CSV of a workspace (``people = "people.csv"``) is read like every data file:
the shared reader's encodings, delimiters and decimal marks, and errors naming file, row and
column."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from engagekit.errors import InputError, InputErrors
from engagekit.portfolio.roster import roster_of_workspace

HEADER = "id,name,roles,seniority,location,cost_rate,fte,start,end\n"
ADA = "p1,Ada Byron,developer;lead,senior,nearshore,50,0.8,2026-01-01,\n"


def roster(tmp_path: Path, text: str | bytes):
    path = tmp_path / "people.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return roster_of_workspace("people.csv", tmp_path, tmp_path / "engage.toml", None)


def error(tmp_path: Path, text: str | bytes) -> InputError:
    with pytest.raises(InputError) as caught:
        roster(tmp_path, text)
    return caught.value


def test_a_semicolon_file_with_decimal_commas(tmp_path: Path) -> None:
    text = HEADER.replace(",", ";") + 'p1;Ada Byron;"developer;lead";senior;onshore;62,50;0,8;;\n'
    (ada,) = roster(tmp_path, text).people
    assert (ada.cost_rate, ada.fte, ada.roles) == (
        Decimal("62.50"),
        Decimal("0.8"),
        ("developer", "lead"),
    )


def test_a_byte_order_mark_crlf_and_a_trailing_delimiter(tmp_path: Path) -> None:
    text = "\ufeff" + (HEADER.rstrip("\n") + ",\r\n") + ADA.rstrip("\n") + ",\r\n"
    (ada,) = roster(tmp_path, text).people
    assert ada.name == "Ada Byron"


def test_a_value_in_a_column_without_a_name_is_refused_with_its_row(tmp_path: Path) -> None:
    err = error(tmp_path, HEADER.rstrip("\n") + ",\n" + ADA.rstrip("\n") + ",extra\n")
    assert (err.row, err.field) == (2, None)
    assert "'extra'" in err.message and "people.csv" in str(err)


def test_a_short_row_is_named_by_its_spreadsheet_row_after_a_blank_line(tmp_path: Path) -> None:
    err = error(tmp_path, HEADER + ADA + "\n" + "p2,Bob\n")
    assert err.row == 4 and "people.csv" in str(err)
    assert "roles, seniority" in err.message


def test_a_long_row_is_refused_not_cut(tmp_path: Path) -> None:
    err = error(tmp_path, HEADER + ADA.rstrip("\n") + ",surplus\n")
    assert err.row == 2 and "extra value 'surplus'" in err.message


def test_undecodable_bytes_name_the_row_and_the_column(tmp_path: Path) -> None:
    err = error(tmp_path, (HEADER + "p1,Ad\xe9 Byron,,,,,1,,\n").encode("latin-1"))
    assert (err.row, err.field) == (2, "name")
    assert "0xe9" in err.message


def test_a_number_in_another_decimal_mark_is_an_error_with_a_hint(tmp_path: Path) -> None:
    err = error(tmp_path, HEADER + ADA.replace(",0.8,", ',"0,8",'))
    assert (err.row, err.field) == (2, "fte")
    assert err.hint and 'decimal = ","' in err.hint


def test_a_name_of_only_spaces_is_refused_with_its_row(tmp_path: Path) -> None:
    err = error(tmp_path, HEADER + ADA + ADA.replace("p1,Ada Byron", "p2,   "))
    assert (err.row, err.field) == (3, "name")


def test_a_column_twice_in_the_header(tmp_path: Path) -> None:
    err = error(tmp_path, "id,name,fte,fte\np1,Ada,1,0.5\n")
    assert (err.row, err.field) == (1, "fte")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        roster_of_workspace("nope.csv", tmp_path, tmp_path / "engage.toml", None)
    assert "nope.csv" in str(caught.value) and "does not exist" in str(caught.value)


def test_every_ragged_row_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InputErrors) as caught:
        roster(tmp_path, HEADER + "p1,Ada\n" + ADA.replace("p1", "p2") + "p3\n")
    assert [e.row for e in caught.value.errors] == [2, 4]


def test_the_quick_path_for_plain_numbers_reads_as_the_locale_parser_does() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from engagekit.csvfile import parse_number
    from engagekit.portfolio.roster import _plain_number

    text = st.from_regex(r"[0-9]{1,6}([.,][0-9]{1,4})?|[0-9]{1,3}([.,][0-9]{3})+", fullmatch=True)

    @given(text, st.sampled_from([".", ","]))
    def law(value: str, decimal: str) -> None:
        quick = _plain_number(value, decimal)
        # where the quick path answers, the locale-aware parser gives the same number
        assert quick is None or quick == parse_number(value, decimal)

    law()
    assert _plain_number("0.8", ".") == Decimal("0.8")
    assert _plain_number("0,8", ",") == Decimal("0.8")
    assert _plain_number("1,234", ".") is None  # a group mark: for the locale parser
