"""The business-time kernel against a naive minute-by-minute reference, and the ITSM tracker bugs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engagekit
from engagekit_sla.clocks import SlaClock
from engagekit_sla.measure import elapsed_columns

BERLIN = ZoneInfo("Europe/Berlin")


def naive_minutes(
    cal: engagekit.Calendar | None,
    a: datetime,
    b: datetime,
    pauses: list[tuple[datetime, datetime]],
) -> int:
    """Working minutes in [a, b) outside pauses, one minute at a time on the local wall clock."""
    out = 0
    t = a.astimezone(UTC)
    end = b.astimezone(UTC)
    ps = [(p.astimezone(UTC), q.astimezone(UTC)) for p, q in pauses]
    while t < end:
        paused = any(p <= t < q for p, q in ps)
        if not paused and (cal is None or _working(cal, t)):
            out += 1
        t += timedelta(minutes=1)
    return out


def _working(cal: engagekit.Calendar, t: datetime) -> bool:
    local = t.astimezone(cal.tz)
    day = local.date()
    if cal.is_holiday(day) and day not in cal.open_dates:
        return False
    tod = local.time().replace(tzinfo=None)
    for start, end in cal.week[day.weekday()]:
        if start <= tod and (end is None or tod < end):
            return True
    return False


def kernel_minutes(
    cal: engagekit.Calendar | None,
    a: datetime,
    b: datetime,
    pauses: list[tuple[datetime, datetime]],
) -> int:
    opened = np.array([int(a.timestamp())])
    end = np.array([int(b.timestamp())])
    owner = np.zeros(len(pauses), dtype=np.int64)
    ps = np.array([int(p.timestamp()) for p, _ in pauses], dtype=np.int64)
    pe = np.array([int(q.timestamp()) for _, q in pauses], dtype=np.int64)
    clock = SlaClock(cal, int(a.timestamp()), int(b.timestamp()) + 1)
    elapsed, _ = elapsed_columns(clock, opened, end, owner, ps, pe)
    assert elapsed[0] % 60 == 0
    return int(elapsed[0]) // 60


CALENDARS = {
    "8x5 Berlin DE-BE": engagekit.Calendar.preset(
        "8x5", timezone="Europe/Berlin", country="DE", subdivision="BE"
    ),
    "24x7 Berlin": engagekit.Calendar.preset("24x7", timezone="Europe/Berlin"),
    "split days Berlin": engagekit.Calendar.from_hours(
        {
            "mon": ["00:00-01:30", "08:00-12:00", "13:00-18:00", "22:00-24:00"],
            "tue": "08:00-18:00",
            "sat": "03:00-09:00",
            "sun": ["01:00-03:30", "20:00-24:00"],
        },
        timezone="Europe/Berlin",
        closed_dates=frozenset({date(2026, 3, 30)}),
    ),
    "12x5 New York US": engagekit.Calendar.preset(
        "12x5", timezone="America/New_York", country="US"
    ),
}

BASES = [
    datetime(2026, 3, 27, 0, 0, tzinfo=BERLIN),  # spring forward on Sunday 29 March
    datetime(2026, 10, 23, 0, 0, tzinfo=BERLIN),  # fall back on Sunday 25 October
    datetime(2026, 12, 22, 0, 0, tzinfo=BERLIN),  # Christmas holidays
    datetime(2026, 4, 1, 0, 0, tzinfo=BERLIN),  # Easter (Good Friday, Easter Monday)
    datetime(2026, 3, 6, 0, 0, tzinfo=BERLIN),  # US spring forward on Sunday 8 March
]


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, datetime, datetime, list[tuple[datetime, datetime]]]:
    cal = draw(st.sampled_from(sorted(CALENDARS)))
    base = draw(st.sampled_from(BASES)).astimezone(UTC)
    a = base + timedelta(minutes=draw(st.integers(0, 4 * 24 * 60)))
    b = a + timedelta(minutes=draw(st.integers(0, 4 * 24 * 60)))
    total = int((b - a).total_seconds() // 60)
    cuts = sorted(draw(st.lists(st.integers(0, total), max_size=4)))
    pauses = []
    for lo, hi in zip(cuts[::2], cuts[1::2], strict=False):
        pauses.append((a + timedelta(minutes=lo), a + timedelta(minutes=hi)))
    return cal, a, b, pauses


@settings(max_examples=60, deadline=None)
@given(cases())
def test_kernel_matches_minute_by_minute_reference(case: tuple) -> None:
    name, a, b, pauses = case
    cal = CALENDARS[name]
    assert kernel_minutes(cal, a, b, pauses) == naive_minutes(cal, a, b, pauses)


@settings(max_examples=40, deadline=None)
@given(cases())
def test_calendar_clock_is_wall_clock_minus_pauses(case: tuple) -> None:
    _, a, b, pauses = case
    assert kernel_minutes(None, a, b, pauses) == naive_minutes(None, a, b, pauses)


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(sorted(CALENDARS)),
    st.lists(st.integers(0, 60 * 86400), min_size=1, max_size=50),
)
def test_fast_lookup_equals_core_business_clock(name: str, offsets: list[int]) -> None:
    cal = CALENDARS[name]
    lo = int(datetime(2026, 3, 1, tzinfo=UTC).timestamp())
    clock = SlaClock(cal, lo, lo + 61 * 86400)
    assert clock.business is not None
    t = np.array([lo + o for o in offsets], dtype=np.int64)
    assert (clock.position(t) == clock.business.position(t)).all()


# -- hand-made cases --------------------------------------------------------------------------


def at(y: int, m: int, d: int, hh: int, mm: int = 0, tz: ZoneInfo = BERLIN) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=tz)


EIGHT_FIVE = engagekit.Calendar.preset("8x5", timezone="Europe/Berlin", country="DE")
TWENTY_FOUR = engagekit.Calendar.preset("24x7", timezone="Europe/Berlin")


def test_24x7_spring_forward_day_has_23_hours() -> None:
    assert kernel_minutes(TWENTY_FOUR, at(2026, 3, 29, 0), at(2026, 3, 30, 0), []) == 23 * 60


def test_24x7_fall_back_day_has_25_hours() -> None:
    assert kernel_minutes(TWENTY_FOUR, at(2026, 10, 25, 0), at(2026, 10, 26, 0), []) == 25 * 60


def test_8x5_across_spring_forward_weekend() -> None:
    # Fri 16:00 -> Mon 10:00: one hour on Friday, one on Monday; the lost hour is at night.
    assert kernel_minutes(EIGHT_FIVE, at(2026, 3, 27, 16), at(2026, 3, 30, 10), []) == 120


def test_8x5_across_fall_back_weekend() -> None:
    assert kernel_minutes(EIGHT_FIVE, at(2026, 10, 23, 16), at(2026, 10, 26, 10), []) == 120


def test_pause_starting_outside_business_hours() -> None:
    # Opened Mon 16:00, paused from 20:00 (after hours) to Tue 11:00, resolved Tue 15:00.
    pauses = [(at(2026, 3, 2, 20), at(2026, 3, 3, 11))]
    got = kernel_minutes(EIGHT_FIVE, at(2026, 3, 2, 16), at(2026, 3, 3, 15), pauses)
    # business: Mon 16-17 (1h) + Tue 9-15 (6h) = 7h; paused in business time: Tue 9-11 (2h)
    assert got == 5 * 60
    assert got == naive_minutes(EIGHT_FIVE, at(2026, 3, 2, 16), at(2026, 3, 3, 15), pauses)


def test_pause_entirely_outside_business_hours_costs_nothing() -> None:
    pauses = [(at(2026, 3, 6, 18), at(2026, 3, 9, 8))]  # Friday evening to Monday morning
    assert kernel_minutes(EIGHT_FIVE, at(2026, 3, 6, 15), at(2026, 3, 9, 11), pauses) == 4 * 60


def test_holiday_in_the_middle() -> None:
    # Good Friday 3 April and Easter Monday 6 April 2026 are closed in Germany.
    assert kernel_minutes(EIGHT_FIVE, at(2026, 4, 2, 16), at(2026, 4, 7, 10), []) == 120


# -- regressions of the ITSM trackers ---------------------------------------------------------


def test_regression_hold_time_is_business_time_not_wall_clock() -> None:
    """A pause over a weekend removes the business hours it covered, not 65 wall-clock hours."""
    opened, resolved = at(2026, 3, 6, 16), at(2026, 3, 9, 12)  # Fri 16:00 -> Mon 12:00
    pauses = [(at(2026, 3, 6, 17), at(2026, 3, 9, 10))]  # Fri 17:00 -> Mon 10:00
    wall_clock_pause = (pauses[0][1] - pauses[0][0]).total_seconds() / 3600
    assert wall_clock_pause == 65
    # 4 business hours (Fri 16-17, Mon 9-12) minus 1 paused business hour (Mon 9-10)
    assert kernel_minutes(EIGHT_FIVE, opened, resolved, pauses) == 3 * 60


def test_regression_holiday_does_not_stretch_a_deadline() -> None:
    """A deadline moves by exactly the holiday's working hours, and not at all on a calendar
    clock or when the holiday falls on a closed day."""
    clock = SlaClock(
        EIGHT_FIVE, int(at(2026, 5, 1, 0).timestamp()), int(at(2026, 6, 1, 0).timestamp())
    )
    # Ascension Day, Thursday 14 May 2026: 8 business hours from Wed 16:00 end Fri 16:00
    # (Wed 16-17, Fri 9-16), not Monday.
    start = np.array([int(at(2026, 5, 13, 16).timestamp())])
    due = clock.add(start, np.array([8 * 3600]))
    assert datetime.fromtimestamp(int(due[0]), BERLIN) == at(2026, 5, 15, 16)
    # German Unity Day falls on Saturday 3 October 2026: Fri 16:00 -> Mon 10:00 is 2 hours.
    assert kernel_minutes(EIGHT_FIVE, at(2026, 10, 2, 16), at(2026, 10, 5, 10), []) == 120
    # On the calendar clock Christmas is as long as any other day.
    assert kernel_minutes(None, at(2026, 12, 24, 12), at(2026, 12, 26, 12), []) == 48 * 60


def test_regression_time_zones_are_not_mixed() -> None:
    """Instants written in New York time are measured on the Berlin calendar as instants."""
    ny = ZoneInfo("America/New_York")
    opened = at(2026, 3, 2, 3, tz=ny)  # 09:00 in Berlin
    resolved = at(2026, 3, 2, 5, tz=ny)  # 11:00 in Berlin
    assert kernel_minutes(EIGHT_FIVE, opened, resolved, []) == 120
    # Read as Berlin wall-clock time (the bug) it would be 03:00-05:00: no business time.
    wrong = kernel_minutes(
        EIGHT_FIVE, opened.replace(tzinfo=BERLIN), resolved.replace(tzinfo=BERLIN), []
    )
    assert wrong == 0


def test_position_refuses_instants_outside_the_clock() -> None:
    clock = SlaClock(
        EIGHT_FIVE, int(at(2026, 3, 1, 0).timestamp()), int(at(2026, 3, 10, 0).timestamp())
    )
    with pytest.raises(engagekit.InputError, match="outside"):
        clock.position(np.array([int(at(2027, 1, 1, 0).timestamp())]))


def test_business_seconds_agree_with_core_calendar() -> None:
    a, b = at(2026, 3, 27, 10, 17), at(2026, 4, 8, 11, 3)
    core = EIGHT_FIVE.business_seconds(a, b)
    assert kernel_minutes(EIGHT_FIVE, a, b, []) * 60 == core
    assert time(9) < time(17)
