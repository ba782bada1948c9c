"""Wall-clock times to instants: the per-hour offset table against zoneinfo, one value at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engagekit
from engagekit_sla import instants
from engagekit_sla.instants import local_to_utc, parse_instants

#: Zones with whole-hour, half-hour and 45-minute offsets, southern-hemisphere DST, a
#: 30-minute DST shift (Lord Howe), negative DST (Dublin) and a skipped day (Apia, 2011).
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "America/St_Johns",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Europe/Dublin",
    "Pacific/Apia",
    "America/Santiago",
)
EPOCH = datetime(1970, 1, 1)


@cache
def transitions(tz: str) -> tuple[datetime, ...]:
    """The UTC instants in 2005..2030 at which the zone's offset changes (to the second)."""
    zone = ZoneInfo(tz)
    out = []
    t = datetime(2005, 1, 1, tzinfo=UTC)
    step = timedelta(days=1)  # no zone here changes its offset twice in a day
    while t.year < 2030:
        u = t + step
        if t.astimezone(zone).utcoffset() != u.astimezone(zone).utcoffset():
            a, b = t, u  # bisect to the second
            while b - a > timedelta(seconds=1):
                m = a + (b - a) / 2
                same = m.astimezone(zone).utcoffset() == a.astimezone(zone).utcoffset()
                a, b = (m, b) if same else (a, m)
            out.append(b)
        t = u
    return tuple(out)


def zoneinfo_utc(local: datetime, tz: str) -> int | None:
    """POSIX seconds of a naive wall-clock time by zoneinfo; None if the clocks skip it."""
    zone = ZoneInfo(tz)
    first = local.replace(tzinfo=zone, fold=0)  # fold 0: the first of a repeated time
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local:
        return None
    return int(first.timestamp())


@st.composite
def near_transitions(draw: st.DrawFn) -> tuple[str, list[datetime]]:
    """A zone and wall-clock times within a few hours of its offset changes, and some not."""
    tz = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(tz)
    changes = transitions(tz)
    values = []
    for _ in range(draw(st.integers(1, 40))):
        if changes and draw(st.booleans()):
            at = draw(st.sampled_from(changes)).astimezone(zone).replace(tzinfo=None)
            seconds = draw(st.integers(-4 * 3600, 4 * 3600))
        else:
            at = datetime(2006, 1, 1)
            seconds = draw(st.integers(0, 23 * 365 * 86400))
        values.append(at + timedelta(seconds=seconds))
    return tz, values


@settings(max_examples=300, deadline=None)
@given(near_transitions())
def test_offset_table_equals_zoneinfo(case: tuple[str, list[datetime]]) -> None:
    tz, values = case
    local = np.array([int((v - EPOCH).total_seconds()) for v in values], dtype=np.int64)
    expected = [zoneinfo_utc(v, tz) for v in values]
    got = local_to_utc(local, tz)
    if any(e is None for e in expected):
        assert got is None
    else:
        assert got is not None
        assert got.tolist() == expected


def test_offset_table_grows_with_the_values() -> None:
    instants._OFFSETS.clear()
    early = np.array([int((datetime(2010, 3, 28, 1, 59) - EPOCH).total_seconds())])
    late = np.array([int((datetime(2030, 10, 27, 2, 30) - EPOCH).total_seconds())])
    assert local_to_utc(early, "Europe/Berlin").tolist() == [
        zoneinfo_utc(EPOCH + timedelta(seconds=int(early[0])), "Europe/Berlin")
    ]  # type: ignore[union-attr]
    assert local_to_utc(late, "Europe/Berlin").tolist() == [
        zoneinfo_utc(datetime(2030, 10, 27, 2, 30), "Europe/Berlin")
    ]  # type: ignore[union-attr]
    first, table = instants._OFFSETS["Europe/Berlin"]
    assert first * 3600 <= early[0] and late[0] < (first + len(table)) * 3600


def test_a_skipped_time_is_named_with_its_row() -> None:
    values = pl.Series(["2026-03-29T01:30:00", "2026-03-29T02:30:00", "2026-10-25T02:30:00"])
    with pytest.raises(engagekit.InputError) as err:
        parse_instants(values, tz="Europe/Berlin", where="x.csv", column="opened")
    assert err.value.row == 3
    assert "does not exist in Europe/Berlin" in str(err.value)


def test_a_repeated_time_is_its_first_occurrence() -> None:
    values = pl.Series(["2026-10-25T02:30:00"])
    got = parse_instants(values, tz="Europe/Berlin", where="x.csv", column="opened")
    assert got.tolist() == [int(datetime(2026, 10, 25, 0, 30, tzinfo=UTC).timestamp())]
