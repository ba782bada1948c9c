"""Working time against a naive minute-by-minute reference, across DST changes and holidays."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engagekit import Calendar, InputError

BERLIN = ZoneInfo("Europe/Berlin")
CALENDARS = {
    "berlin-8x5-holidays": Calendar.from_hours(
        {d: "09:00-17:00" for d in ("mon", "tue", "wed", "thu", "fri")},
        timezone="Europe/Berlin",
        country="DE",
        subdivision="BE",
        closed_dates=frozenset({date(2026, 3, 27)}),
    ),
    "berlin-24x7": Calendar.preset("24x7", timezone="Europe/Berlin"),
    "berlin-night-shift": Calendar.from_hours(
        {
            d: ["00:00-03:30", "22:00-24:00"]
            for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        },
        timezone="Europe/Berlin",
    ),
    "berlin-dst-edges": Calendar.from_hours(
        {d: ["00:30-02:30", "03:00-05:00"] for d in ("sat", "sun")},
        timezone="Europe/Berlin",
    ),
    "new-york-split": Calendar.from_hours(
        {"mon": ["08:00-12:00", "13:00-17:30"], "wed": "10:00-16:00", "sat": "01:30-02:30"},
        timezone="America/New_York",
        country="US",
    ),
}


def naive_minutes(cal: Calendar, start: datetime, end: datetime) -> int:
    """Count minute by minute: a minute counts if its local wall time is in a working span."""
    count = 0
    t = start.astimezone(UTC)
    stop = end.astimezone(UTC)
    while t < stop:
        local = t.astimezone(cal.tz)
        for a, b in cal.spans_on(local.date()):
            lt = local.time().replace(tzinfo=None)
            if a <= lt and (b is None or lt < b):
                count += 1
                break
        t += timedelta(minutes=1)
    return count


def test_dst_spring_forward_day_is_23_hours_on_24x7():
    cal = CALENDARS["berlin-24x7"]
    assert cal.working_hours_on(date(2026, 3, 29)) == 23
    assert cal.working_hours_on(date(2026, 10, 25)) == 25
    assert cal.working_hours_on(date(2026, 3, 30)) == 24


def test_spans_ending_in_repeated_or_skipped_wall_times():
    cal = CALENDARS["berlin-dst-edges"]
    # 29 Mar 2026: 02:00-03:00 is skipped, so 00:30-02:30 holds 1.5 h, 03:00-05:00 2 h.
    assert cal.working_hours_on(date(2026, 3, 29)) == Decimal("3.5")
    # 25 Oct 2026: 02:00-03:00 happens twice; the clock reads 00:30-02:30 for 2 h, then,
    # after going back, 02:00-02:30 once more: 2.5 h, as two intervals.
    assert cal.working_hours_on(date(2026, 10, 25)) == Decimal("4.5")
    assert len(cal.utc_spans_on(date(2026, 10, 25))) == 3
    assert cal.working_hours_on(date(2026, 10, 24)) == Decimal("4")


def test_office_hours_are_eight_hours_on_both_dst_mondays():
    cal = CALENDARS["berlin-8x5-holidays"]
    assert cal.working_hours_on(date(2026, 3, 30)) == 8
    assert cal.working_hours_on(date(2026, 10, 26)) == 8


def test_public_and_own_holidays_are_closed():
    cal = CALENDARS["berlin-8x5-holidays"]
    assert cal.holiday_name(date(2026, 4, 3)) == "Good Friday"
    assert not cal.is_working_day(date(2026, 4, 3))
    assert not cal.is_working_day(date(2026, 3, 27))  # the firm's own date
    assert cal.is_working_day(date(2026, 3, 26))
    # March 2026 in Berlin: 22 weekdays, 8 March (Women's Day) is a Sunday, minus the own date.
    assert cal.working_days(date(2026, 3, 1), date(2026, 3, 31)) == 21


def test_holiday_does_not_stretch_a_deadline_into_the_holiday():
    """Regression (ITSM trackers): a deadline across Good Friday and Easter Monday skips both."""
    cal = CALENDARS["berlin-8x5-holidays"]
    start = datetime(2026, 4, 2, 16, 0, tzinfo=BERLIN)
    deadline = cal.add_business_seconds(start, 2 * 3600)
    assert deadline == datetime(2026, 4, 7, 10, 0, tzinfo=BERLIN)


def test_empty_calendar_is_refused():
    with pytest.raises(InputError, match="no working hours"):
        Calendar.from_hours({})


def test_naive_datetimes_are_refused():
    cal = CALENDARS["berlin-24x7"]
    with pytest.raises(InputError, match="no time zone"):
        cal.business_seconds(datetime(2026, 1, 1), datetime(2026, 1, 2, tzinfo=UTC))


def test_unknown_time_zone_and_country():
    with pytest.raises(InputError, match="unknown time zone"):
        Calendar(timezone="Mars/Olympus")
    with pytest.raises(InputError, match="no public holidays known"):
        Calendar(country="XX")


instants = st.datetimes(
    min_value=datetime(2026, 3, 20), max_value=datetime(2026, 4, 8)
) | st.datetimes(min_value=datetime(2026, 10, 20), max_value=datetime(2026, 11, 5))


@settings(max_examples=100, deadline=None)
@given(
    name=st.sampled_from(sorted(CALENDARS)),
    a=instants,
    hours=st.integers(min_value=0, max_value=120),
)
def test_business_seconds_match_the_minute_reference(name, a, hours):
    cal = CALENDARS[name]
    start = a.replace(second=0, microsecond=0, tzinfo=UTC)
    end = start + timedelta(hours=hours, minutes=a.minute)
    assert cal.business_seconds(start, end) == 60 * naive_minutes(cal, start, end)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(CALENDARS)),
    a=instants,
    d1=st.integers(min_value=0, max_value=10**6),
    d2=st.integers(min_value=0, max_value=10**6),
)
def test_business_time_is_additive_and_the_clock_agrees(name, a, d1, d2):
    cal = CALENDARS[name]
    t0 = a.replace(tzinfo=UTC)
    t1 = t0 + timedelta(seconds=d1)
    t2 = t1 + timedelta(seconds=d2)
    whole = cal.business_seconds(t0, t2)
    assert whole == cal.business_seconds(t0, t1) + cal.business_seconds(t1, t2)
    clock = cal.clock(date(2026, 3, 1), date(2026, 12, 31))
    secs = clock.to_seconds([t0, t1, t2])
    assert int(clock.between(secs[0], secs[2])) == whole


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(CALENDARS)),
    a=instants,
    s=st.integers(min_value=1, max_value=200_000),
)
def test_adding_business_time_is_the_inverse_of_measuring_it(name, a, s):
    cal = CALENDARS[name]
    t0 = a.replace(tzinfo=UTC)
    deadline = cal.add_business_seconds(t0, s)
    assert cal.business_seconds(t0, deadline) == s
    clock = cal.clock(date(2026, 3, 1), date(2026, 12, 31))
    (vec,) = clock.add(clock.to_seconds([t0]), np.array([s]))
    assert int(vec) == int(deadline.timestamp())


def test_finish_date_counts_holidays():
    cal = CALENDARS["berlin-8x5-holidays"]
    # 40 h at 1 FTE from Wed 1 Apr 2026: 1, 2 Apr (16 h), Good Friday and Easter Monday closed,
    # 7, 8, 9 Apr (24 h) -> done on Thu 9 Apr.
    assert cal.finish_date(date(2026, 4, 1), Decimal(40)) == date(2026, 4, 9)
    assert cal.finish_date(date(2026, 4, 1), Decimal(40), capacity=Decimal(2)) == date(2026, 4, 7)
