"""engagekit.fit: bordered tables on a terminal, plain text elsewhere; figures never cut."""

from __future__ import annotations

import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from engagekit.fit import SECTION, Col, print_table
from engagekit.terminal import console

COLS = [Col("component"), Col("description"), Col("amount", numeric=True)]
ROWS = [
    ("Build", "Anton Weiss (developer), March", "16625.00"),
    ("Run", "Monthly service fee", "14900.00"),
    SECTION,
    ("", "total", "31525.00"),
]
BOX = re.compile("[\u2500-\u257f]")  # rich's box-drawing characters


def _printed(width: int, *, terminal: bool, rows=ROWS, cols=COLS) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    c = console(file=out, width=width, force_terminal=terminal, color_system=None)
    print_table(c, "Invoice 2026-03 (EUR)", cols, rows, caption="amounts net of VAT")
    return out.getvalue()


def test_a_pipe_gets_plain_text_a_terminal_borders():
    plain = _printed(100, terminal=False)
    assert not BOX.search(plain)
    lines = plain.splitlines()
    assert lines[0] == "Invoice 2026-03 (EUR)"
    assert lines[1].split() == ["component", "description", "amount"]
    assert set(lines[2]) == {"-", " "}  # the line under the header
    assert lines[-1] == "amounts net of VAT"
    assert all(line == line.rstrip() for line in lines)  # no padding to the table's width
    assert any(set(line) == {"-", " "} for line in lines[4:]), "a line above the total"
    assert re.search(r"total\s+31525\.00$", plain, re.M)  # figures right-aligned at the end
    boxed = _printed(100, terminal=True)
    assert BOX.search(boxed) and "31525.00" in boxed


def test_plain_tables_use_the_width_they_have_before_dropping_columns():
    # text no wider than a text column's narrowest: nothing can wrap, so a column must go
    cols = [*COLS[:2], Col("unit", optional=1), COLS[2]]
    rows = [("Build", "March", "h", "16625.00"), SECTION, ("", "total", "", "16625.00")]
    lines = _printed(200, terminal=False, rows=rows, cols=cols).splitlines()
    full = len(lines[2])  # the line under the header spans the table
    fits = _printed(full, terminal=False, rows=rows, cols=cols)
    assert "not shown here" not in fits and "unit" in fits
    narrower = _printed(full - 1, terminal=False, rows=rows, cols=cols)
    assert "(not shown here: unit; see --json)" in narrower


@settings(max_examples=40, deadline=None)
@given(
    width=st.integers(min_value=20, max_value=140),
    text=st.text(alphabet="abc defgh", min_size=1, max_size=60),
    amount=st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
)
def test_no_line_is_wider_than_the_screen_and_no_figure_is_cut(width, text, amount):  # type: ignore[no-untyped-def]
    figure = f"{amount:.2f}"
    rows = [("Build", text, figure)]
    for terminal in (False, True):
        printed = _printed(width, terminal=terminal, rows=rows)
        assert figure in printed
        assert "…" not in printed
        if not terminal:
            assert all(len(line) <= width for line in printed.splitlines() if figure not in line)
