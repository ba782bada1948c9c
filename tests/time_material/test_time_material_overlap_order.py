"""The duplicate and overlap check: its one-key sort flags exactly what the four-column sort does.

``checks._flagged`` sorts one int64 key and re-sorts only runs of equal keys; the reference
``checks._flagged_four_keys`` sorts (person, start, end, hash, row). The law: both return the
same rows, the same previous rows and the same duplicate marks, in the same order.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from engagekit_time_material import checks

DAY = date(2026, 3, 2)
EPOCH_DAY = DAY.toordinal() - date(1970, 1, 1).toordinal()

entry = st.tuples(
    st.sampled_from(["Ana", "Bo", "Cy"]),
    st.integers(0, 12),  # start, in quarters of an hour after 20:00 (some cross midnight)
    st.integers(1, 8),  # length, in quarters of an hour
    st.booleans(),  # billable
    st.sampled_from(["dev", "qa"]),
    st.sampled_from(["", "ticket 1"]),
)


def frame(rows: list[tuple[str, int, int, bool, str, str]]) -> pl.DataFrame:
    start = [EPOCH_DAY * 1440 + 1200 + 15 * r[1] for r in rows]
    return pl.DataFrame(
        {
            "row": list(range(2, len(rows) + 2)),
            "person": [r[0] for r in rows],
            "start": start,
            "end": [s + 15 * r[2] for s, r in zip(start, rows, strict=True)],
            "minutes": [15 * r[2] for r in rows],
            "billable": [r[3] for r in rows],
            "category": [r[4] for r in rows],
            "notes": [r[5] for r in rows],
            "date": [DAY] * len(rows),
        },
        schema_overrides={"person": pl.Categorical, "category": pl.Categorical},
    )


@settings(max_examples=400, deadline=None)
@given(st.lists(entry, max_size=16))
def test_one_key_flags_what_four_keys_flag_in_the_same_order(rows):
    df = frame(rows)
    assert checks._flagged(df).to_dicts() == checks._flagged_four_keys(df).to_dicts()


@settings(max_examples=100, deadline=None)
@given(st.lists(entry, min_size=2, max_size=10), st.randoms())
def test_rows_out_of_order_fall_back_to_the_reference(rows, rnd):
    df = frame(rows)
    order = list(range(df.height))
    rnd.shuffle(order)
    shuffled = df[order]
    assert checks._flagged(shuffled).to_dicts() == checks._flagged_four_keys(shuffled).to_dicts()


def test_three_entries_at_one_time_a_duplicate_and_an_overlap():
    rows = [
        ("Ana", 0, 4, True, "dev", ""),
        ("Ana", 0, 4, True, "qa", ""),
        ("Ana", 0, 4, True, "dev", ""),
        ("Bo", 0, 4, True, "dev", ""),
    ]
    flagged = checks._flagged(frame(rows)).to_dicts()
    assert flagged == checks._flagged_four_keys(frame(rows)).to_dicts()
    # rows 2 and 4 are equal: 4 duplicates 2; row 3 overlaps them (which one of 2 and 3 is
    # called the overlapping one depends on the hash order); Bo is alone
    dups = [(f["row"], f["prev"]) for f in flagged if f["dup"]]
    overlaps = [f["row"] for f in flagged if not f["dup"]]
    assert dups == [(4, 2)]
    assert len(overlaps) == 1 and overlaps[0] in (2, 3)
