"""Each export format imports a realistic sample; detection by header; durations exact."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import engagekit
from engagekit_time_material.importers import FORMATS, read_time_entries

from .conftest import DATA


def _people(te):  # type: ignore[no-untyped-def]
    return sorted(set(te.frame["person"].to_list()))


def test_harvest_detailed_report_imports():
    te = read_time_entries(DATA / "harvest_detailed.csv")
    assert te.format == "harvest"
    df = te.frame
    assert df.height == 11
    assert _people(te) == ["Ana Lima", "Ben Okafor", "Chen Wei"]
    first = df.row(0, named=True)
    assert first["row"] == 2
    assert first["date"] == date(2026, 3, 2)
    assert first["minutes"] == 390  # 6.5 h
    assert first["role"] == "Developer"  # the first of "Developer, Backend"
    assert first["category"] == "Development"
    assert first["currency"] == "EUR"  # "Euro - EUR"
    assert first["billable"] and first["approved"]
    # 1.17 h is 70.2 minutes: kept as whole minutes
    assert df.filter(df["row"] == 6)["minutes"].item() == 70
    assert df.filter(df["row"] == 4)["billable"].item() is False  # Internal, "No"
    assert df.filter(df["row"] == 8)["approved"].item() is False
    assert df["start"].null_count() == df.height  # Harvest has no times of day
    assert df["minutes"].sum() == round(
        60 * sum([6.5, 1.5, 0.25, 7.75, 1.17, 8.0, 2.0, 5.33, 2.0, 6.0, 2.0])
    )


def test_toggl_detailed_report_imports():
    te = read_time_entries(DATA / "toggl_detailed.csv")
    assert te.format == "toggl"
    assert te.header_currency == "EUR"  # from "Amount (EUR)"
    df = te.frame
    assert df.height == 9
    assert _people(te) == ["Ana Lima", "Ben Okafor", "Chen Wei"]
    assert df["role"].null_count() == df.height  # Toggl has no roles: settings.people
    # 01:10:20 is 70 minutes (20 seconds round down)
    assert df.filter(df["row"] == 8)["minutes"].item() == 70
    # an entry across midnight: 22:30 to 00:30 the next day, dated by its start
    late = df.filter(df["row"] == 9).row(0, named=True)
    assert late["date"] == date(2026, 3, 5)
    assert late["end"] - late["start"] == 120 == late["minutes"]
    assert df.filter(df["row"] == 4)["tags"].item() == "sprint-7, meeting"
    assert df.filter(df["row"] == 5)["billable"].item() is False


def test_clockify_detailed_report_imports_us_dates_and_12_hour_times():
    te = read_time_entries(DATA / "clockify_detailed.csv")
    assert te.format == "clockify"
    assert te.header_currency == "EUR"
    df = te.frame
    assert df.height == 8
    first = df.row(0, named=True)
    assert first["date"] == date(2026, 3, 2)  # 03/02/2026, US month first
    assert first["role"] == "Developers"  # Clockify's user group
    assert first["minutes"] == 210
    # 01:00 PM to 04:00 PM
    second = df.row(1, named=True)
    assert (second["start"] % 1440, second["end"] % 1440) == (13 * 60, 16 * 60)
    assert df.filter(df["row"] == 5)["billable"].item() is False
    assert df["minutes"].sum() == 210 + 180 + 90 + 120 + 210 + 480 + 120 + 120


def test_generic_format_imports():
    te = read_time_entries(DATA / "generic.csv")
    assert te.format == "generic"
    df = te.frame
    assert df.height == 9
    assert df["minutes"].to_list() == [390, 90, 15, 465, 70, 600, 120, 120, 360]
    row = df.row(0, named=True)
    assert (row["start"] % 1440, row["end"] % 1440) == (8 * 60 + 30, 15 * 60)
    assert df.filter(df["row"] == 8)["approved"].item() is False


def test_generic_format_with_hours_and_yes_no(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_text(
        "date,person,hours,billable,approved,role\n"
        "2026-03-02,Ana,1.5,yes,no,developer\n"
        "2026-03-03,Ana,0.25,,,developer\n"
    )
    df = read_time_entries(path).frame
    assert df["minutes"].to_list() == [90, 15]
    assert df["billable"].to_list() == [True, True]
    assert df["approved"].to_list() == [False, True]


@pytest.mark.parametrize(
    "name", ["harvest_detailed", "toggl_detailed", "clockify_detailed", "generic"]
)
def test_the_format_setting_reads_the_same_as_detection(name: str):
    detected = read_time_entries(DATA / f"{name}.csv")
    chosen = read_time_entries(DATA / f"{name}.csv", format=detected.format)
    assert chosen.frame.equals(detected.frame)


def test_a_byte_order_mark_and_padded_header_are_accepted(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfdate, person ,minutes\n2026-03-02,Ana,60\n")
    te = read_time_entries(path)
    assert te.format == "generic"
    assert te.frame["person"].to_list() == ["Ana"]


def test_a_date_format_setting_reads_day_first_dates(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_text("date,person,minutes\n02.03.2026,Ana,60\n")
    te = read_time_entries(path, date_format="%d.%m.%Y")
    assert te.frame["date"].to_list() == [date(2026, 3, 2)]


def test_unknown_header_names_the_known_formats_and_the_missing_columns(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_text("Day,Who,Time\n2026-03-02,Ana,1\n")
    with pytest.raises(engagekit.InputError) as exc:
        read_time_entries(path)
    text = str(exc.value)
    for name in FORMATS:
        assert name in text
    assert "Start date" in text and "First Name" in text and "person" in text
    assert exc.value.row == 1


def test_a_chosen_format_that_does_not_match_lists_its_missing_columns():
    with pytest.raises(engagekit.InputError, match="not a Toggl Track detailed report") as exc:
        read_time_entries(DATA / "harvest_detailed.csv", format="toggl")
    assert "User" in str(exc.value) and "Duration" in str(exc.value)


def test_every_malformed_value_is_reported(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_text(
        "date,person,minutes\n"
        "2026-03-02,Ana,60\n"
        "2026-02-30,Ana,60\n"
        "2026-03-04,Ana,sixty\n"
        "03/05/2026,Ana,60\n"
    )
    with pytest.raises(engagekit.InputErrors) as exc:
        read_time_entries(path)
    rows = {(e.row, e.field) for e in exc.value.errors}
    assert rows == {(3, "date"), (4, "minutes"), (5, "date")}


@given(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59))
def test_toggl_durations_are_whole_minutes_half_a_minute_rounding_up(h: int, m: int, s: int):
    import polars as pl

    from engagekit_time_material.importers import _hms_minutes

    text = f"{h:02d}:{m:02d}:{s:02d}"
    got = pl.DataFrame({"d": [text]}).select(_hms_minutes("d").alias("m"))["m"].item()
    assert got == h * 60 + m + (1 if s >= 30 else 0)


flag_words = st.sampled_from(["yes", "no", "Yes", "NO", "y", "true", "false", "1", "0", ""])


@given(st.lists(st.tuples(flag_words, flag_words), min_size=1, max_size=8))
def test_yes_no_flags_read_typed_as_the_string_reader_reads_them(tmp_path_factory, flags):
    """The typed one-pass read (yes/no flags mapped, true/false typed) gives the frame the
    string-based reader gives, or leaves the file to it (a mix it cannot type)."""
    from engagekit_time_material import importers

    path = tmp_path_factory.mktemp("flags") / "t.csv"
    rows = "".join(f"2026-03-0{i + 2},Ana,1.5,{b},{a},dev\n" for i, (b, a) in enumerate(flags))
    path.write_text("date,person,hours,billable,approved,role\n" + rows)
    fast = read_time_entries(path).frame
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(importers, "_generic_fast", lambda reader: None)  # the string reader only
        slow = read_time_entries(path).frame
    assert fast.equals(slow)


def test_a_yes_no_export_takes_the_typed_read(tmp_path: Path, monkeypatch):
    from engagekit_time_material import importers

    path = tmp_path / "t.csv"
    path.write_text("date,person,hours,billable,approved\n2026-03-02,Ana,2,yes,No\n")
    monkeypatch.setattr(importers, "_generic", lambda reader: pytest.fail("string reader used"))
    df = read_time_entries(path).frame
    assert df["billable"].to_list() == [True] and df["approved"].to_list() == [False]
