"""The bill's streamed read (``stream.read_for_bill``) against the whole-file read."""

from __future__ import annotations

from typing import Any

import pytest

import engagekit
from engagekit_time_material import billing, stream

from .conftest import DATA, bill

GENERIC = (DATA / "generic.csv").read_text()
SETTINGS: list[dict[str, Any]] = [
    {},
    {"rounding": {"increment": 15, "mode": "up"}, "non_billable": ["Internal", "sprint-7"]},
    {"rounding": {"increment": 30, "mode": "down", "per": "day"}, "approved_only": False},
    {"overtime": {"after_hours": 6, "per": "week"}, "invoice_by": "role"},
]


@pytest.fixture(params=["in memory", "in a file"])
def keys(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The overlap keys collected in memory (a small file), or sunk to a file (a large
    file's)."""
    if request.param == "in a file":
        monkeypatch.setattr(stream, "_IN_MEMORY", 0)


def _without_times(text: str) -> str:
    return "\n".join(",".join(line.split(",")[:-2]) for line in text.splitlines()) + "\n"


@pytest.mark.parametrize("extra", SETTINGS)
@pytest.mark.parametrize("text", [GENERIC, _without_times(GENERIC)], ids=["timed", "untimed"])
def test_streamed_bill_is_the_whole_file_bill(
    load: Any, monkeypatch: pytest.MonkeyPatch, extra: dict[str, Any], text: str, keys: None
) -> None:
    engine, project, component = load({"time_entries": "t.csv", **extra}, {"t.csv": text})
    period = engagekit.Period.parse("2026-03")
    assert stream.read_for_bill(component.settings, project, component, period) is not None
    streamed = bill(engine, project, "2026-03")
    monkeypatch.setattr(billing, "read_for_bill", lambda *a: None)
    whole = bill(engine, project, "2026-03")
    assert streamed.lines == whole.lines
    assert streamed.details == whole.details


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t + "2026-03-02,Ana Lima,developer,60,true,true,Development,,x,14:30,15:30\n",
        lambda t: t + t.splitlines()[1] + "\n",
        lambda t: t.replace(",390,", ",0,", 1),
        lambda t: t.replace("2026-03-02", "2025-03-02", 1),
        lambda t: t + "2026-03-02,Ana Lima,developer,1200,true,true,Development,,x,16:00,15:59\n",
        lambda t: t + "2026-03-02,Ana Lima,developer,60,true,true,Development,,x,,22:30\n",
    ],
    ids=["overlap", "duplicate", "zero minutes", "outside", "over a day", "no start time"],
)
def test_a_failing_check_is_left_to_the_whole_file_reader(
    load: Any, change: Any, keys: None
) -> None:
    _, project, component = load({"time_entries": "t.csv"}, {"t.csv": change(GENERIC)})
    period = engagekit.Period.parse("2026-03")
    assert stream.read_for_bill(component.settings, project, component, period) is None


@pytest.mark.parametrize("per", ["day", "week"])
@pytest.mark.parametrize("roles", ["one role each", "a person with two roles"])
def test_overtime_of_people_with_two_roles_is_ordered_as_the_whole_file_bill(
    load: Any, monkeypatch: pytest.MonkeyPatch, per: str, roles: str
) -> None:
    """The first pass leaves the latest starts out where every person has one role; a person
    with two roles on a day takes a second pass, and overtime goes to the later role."""
    text = GENERIC
    if roles != "one role each":
        text += "2026-03-02,Ana Lima,lead,120,true,true,Review,,Code review,15:30,17:30\n"
        text += "2026-03-04,Ana Lima,lead,60,true,true,Review,,Code review,06:30,07:30\n"
    settings = {"time_entries": "t.csv", "overtime": {"after_hours": 6, "per": per}}
    engine, project, component = load(settings, {"t.csv": text})
    period = engagekit.Period.parse("2026-03")
    read = stream.read_for_bill(component.settings, project, component, period)
    assert read is not None
    assert ("start" in read.take_days().columns) == (per == "week" or roles != "one role each")
    streamed = bill(engine, project, "2026-03")
    monkeypatch.setattr(billing, "read_for_bill", lambda *a: None)
    whole = bill(engine, project, "2026-03")
    assert streamed.lines == whole.lines
    assert streamed.details == whole.details
    assert any(line.details and line.details.get("kind") == "overtime" for line in whole.lines)


@pytest.mark.parametrize("block", [1, 2, 3, 1 << 20])
def test_overlapping_keys_are_those_of_overlapping_entries(
    monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    """The block-wise scan of the sorted keys finds exactly the people with two entries that
    overlap or repeat, whatever the blocks' size."""
    import random

    import polars as pl

    from engagekit_time_material import checks

    monkeypatch.setattr(stream, "_BLOCK", block)
    rng = random.Random(16)
    found = 0
    for _ in range(400):
        span = rng.choice([60, 600, 20_000])
        entries = [
            (rng.randrange(3), rng.randrange(span), rng.randrange(1, 90))
            for _ in range(rng.randrange(12))
        ]
        expected = any(
            i != j and p == q and s <= t < s + n
            for i, (p, s, n) in enumerate(entries)
            for j, (q, t, _) in enumerate(entries)
        )
        keys = pl.DataFrame(
            {
                "k": pl.Series(
                    [
                        p * checks._LENGTH * checks._SPAN + s * checks._LENGTH + n
                        for p, s, n in entries
                    ],
                    dtype=pl.Int64,
                )
            }
        )
        assert stream._overlapping(keys) == expected, entries
        found += expected
    assert 0 < found < 400
