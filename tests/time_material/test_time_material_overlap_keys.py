"""The duplicate and overlap check finds the same entries with one sort key as with four."""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from engagekit_time_material import checks

entry = st.tuples(
    st.sampled_from(["Ana", "Bo", "Cy"]),
    st.integers(0, 20),  # start, in quarters of an hour after 08:00
    st.integers(1, 8),  # length, in quarters of an hour
    st.booleans(),  # billable
    st.sampled_from(["dev", "qa"]),
)


def flagged(rows: list[tuple[str, int, int, bool, str]]) -> set[tuple[str, frozenset[int]]]:
    day = date(2026, 3, 2).toordinal() - date(1970, 1, 1).toordinal()
    frame = pl.DataFrame(
        {
            "row": list(range(2, len(rows) + 2)),
            "person": [r[0] for r in rows],
            "start": [day * 1440 + 480 + 15 * r[1] for r in rows],
            "end": [day * 1440 + 480 + 15 * (r[1] + r[2]) for r in rows],
            "minutes": [15 * r[2] for r in rows],
            "billable": [r[3] for r in rows],
            "category": [r[4] for r in rows],
            "notes": ["x"] * len(rows),
            "date": [date(2026, 3, 2)] * len(rows),
        },
        schema_overrides={"person": pl.Categorical},
    )
    found: set[tuple[str, frozenset[int]]] = set()
    checks._timed(frame, lambda kind, *a, rows, **kw: found.add((kind, frozenset(rows))))
    return found


@settings(max_examples=500, deadline=None)
@given(st.lists(entry, max_size=12))
def test_one_key_and_four_keys_flag_the_same_entries(rows):
    """The same duplicates and as many overlaps, each a real one. (Which of three entries at one
    time is called the overlapping one may differ: the four-column sort orders them by a hash.)"""
    import pytest

    fast = flagged(rows)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(checks, "_ONE_KEY_LIMIT", 0)  # the four-column sort
        slow = flagged(rows)
    assert {f for f in fast if f[0] == "duplicate"} == {f for f in slow if f[0] == "duplicate"}
    overlaps = [f[1] for f in fast if f[0] == "overlap"]
    assert len(overlaps) == len([f for f in slow if f[0] == "overlap"])
    for pair in (p for p in overlaps if len(p) == 2):
        a, b = (rows[r - 2] for r in sorted(pair))
        assert a[0] == b[0] and a[1] < b[1] + b[2] and b[1] < a[1] + a[2]


def test_a_duplicate_and_an_overlap_are_found():
    rows = [("Ana", 0, 4, True, "dev"), ("Ana", 0, 4, True, "dev"), ("Ana", 2, 4, True, "qa")]
    assert flagged(rows) == {
        ("duplicate", frozenset({2, 3})),
        ("overlap", frozenset({2, 4})),
    }
