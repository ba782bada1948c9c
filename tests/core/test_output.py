from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engagekit import Money, Period
from engagekit.output import csv_text, jsonable, safe_cell, write_atomic


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@foo", "'@foo"),
        ("-12.50", "-12.50"),
        ("+3", "+3"),
        ("plain", "plain"),
    ],
)
def test_formula_cells_are_neutralised(cell, safe):
    assert safe_cell(cell) == safe


def test_csv_text_quotes_and_neutralises():
    text = csv_text(("a", "b"), [("=1+1", Money.of("-5.00", "EUR")), ("x,y", Decimal("1.50"))])
    assert text.splitlines() == ["a,b", "'=1+1,-5.00", '"x,y",1.50']


def test_jsonable_money_decimal_period():
    assert jsonable({"m": Money.of("1234.5", "EUR").rounded(), "p": Period.parse("2026-03")}) == {
        "m": "1234.50",
        "p": "2026-03",
    }


def test_write_atomic_leaves_the_old_file_on_failure(tmp_path: Path, monkeypatch):
    target = tmp_path / "out.json"
    target.write_text("old")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**70), max_value=2**70)
        # floats Python writes without an exponent (orjson writes 1e16, Python 1e+16)
        | st.floats(min_value=-1e15, max_value=1e15).filter(lambda f: f == 0 or abs(f) >= 1e-4)
        | st.sampled_from([float("nan"), float("inf"), float("-inf")])
        | st.text(),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=5), children, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_dumps_writes_what_the_standard_library_writes(doc):
    import json

    from engagekit.output import dumps

    assert dumps(doc) == json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
