from datetime import date

import pytest

from engagekit import InputError, Period


@pytest.mark.parametrize(
    ("text", "start", "last"),
    [
        ("2026-03", date(2026, 3, 1), date(2026, 3, 31)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        ("2026-W01", date(2025, 12, 29), date(2026, 1, 4)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-03-10..2026-03-20", date(2026, 3, 10), date(2026, 3, 20)),
    ],
)
def test_parse(text, start, last):
    p = Period.parse(text)
    assert (p.start, p.last) == (start, last)


@pytest.mark.parametrize("text", ["2026-13", "March", "2026-3-1", "2026-03-20..2026-03-10"])
def test_bad_periods_say_what_is_accepted(text):
    with pytest.raises(InputError):
        Period.parse(text)


def test_split_into_weeks_and_months():
    q = Period.parse("2026-Q1")
    assert [m.label for m in q.split("month")] == ["2026-01", "2026-02", "2026-03"]
    weeks = Period.parse("2026-03").split("week")
    assert weeks[0].start == date(2026, 2, 23) and weeks[-1].last == date(2026, 4, 5)


def test_a_whole_month_is_labelled_as_a_month_however_it_is_made():
    assert Period.days(date(2026, 2, 1), date(2026, 2, 28)).label == "2026-02"
    assert Period.parse("2026-03").clip(date(2026, 1, 1), date(2026, 12, 31)).label == "2026-03"
    assert Period.days(date(2026, 2, 1), date(2026, 2, 27)).label == "2026-02-01..2026-02-27"


def test_clip_and_contains():
    m = Period.parse("2026-03")
    assert date(2026, 3, 31) in m and date(2026, 4, 1) not in m
    assert m.clip(date(2026, 3, 17), date(2026, 5, 1)) == Period.days(
        date(2026, 3, 17), date(2026, 3, 31)
    )
    assert m.clip(date(2026, 4, 1), date(2026, 5, 1)) is None
