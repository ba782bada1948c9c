"""A year's public holidays read back from engagekit's cache are what the holidays package
computes; what the package refuses is never cached."""

from __future__ import annotations

from pathlib import Path

import pytest

from engagekit import publicholidays


@pytest.mark.parametrize(
    ("country", "subdivision", "year"),
    [("DE", "BE", 2026), ("DE", None, 2027), ("US", "CA", 2026), ("GB", "SCT", 2026)],
)
def test_cached_holidays_are_the_packages(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    country: str,
    subdivision: str | None,
    year: int,
) -> None:
    monkeypatch.setenv("ENGAGEKIT_CACHE_DIR", str(tmp_path))
    cls = publicholidays.holiday_class(country)
    expected = {d: str(n) for d, n in cls(subdiv=subdivision, years=year).items()}
    first = publicholidays.country_holidays(country, subdivision, year)
    (entry,) = (tmp_path / "holidays").glob("*.json")
    monkeypatch.setattr(publicholidays, "holiday_class", lambda _c: pytest.fail("not cached"))
    second = publicholidays.country_holidays(country, subdivision, year)
    assert first == second == expected
    assert list(second) == sorted(second)
    entry.write_text("{not json")  # a damaged entry is computed again
    monkeypatch.undo()
    monkeypatch.setenv("ENGAGEKIT_CACHE_DIR", str(tmp_path))
    assert publicholidays.country_holidays(country, subdivision, year) == expected


def test_refusals_are_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGEKIT_CACHE_DIR", str(tmp_path))
    with pytest.raises(NotImplementedError):
        publicholidays.country_holidays("ZZ", None, 2026)
    with pytest.raises(NotImplementedError):
        publicholidays.country_holidays("DE", "XX", 2026)
    assert not list(tmp_path.glob("**/*.json"))
    monkeypatch.setenv("ENGAGEKIT_CACHE_DIR", "")  # off: computed every time
    assert publicholidays.country_holidays("DE", "BE", 2026)
    assert not list(tmp_path.glob("**/*.json"))
