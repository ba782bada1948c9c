"""The cache of parsed project files: the same values read back (decimals, dates and times
included) instead of parsed; an invalid file is never stored, its error stays tomllib's."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from engagekit import codecache, tomlcache
from engagekit.errors import InputError
from engagekit.projectfile import read_toml

TEXT = """\
rate = 0.10
big = 1e400
zero = -0.0
n = 3
yes = true
name = "x"
when = 2026-03-01
at = 1979-05-27T00:32:00.999999-07:00
utc = 1979-05-27T07:32:00Z
local = 1979-05-27T07:32:00
wall = 07:32:00.5
[[people]]
roles = ["a", "b"]
ratio = { a = 1.50, b = [2.0, 2026-01-01] }
"""


def parse(text: str) -> dict[str, Any]:
    return tomllib.loads(text, parse_float=Decimal)


def same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Decimal):
        return str(a) == str(b)
    return bool(a == b) and repr(a) == repr(b)


def test_parsed_once_then_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(codecache.CACHE_ENV, str(tmp_path))
    first = tomlcache.cached_parse(TEXT, parse)
    assert len(list((tmp_path / "toml").glob("*.bin"))) == 1
    parsed: list[str] = []

    def counting(text: str) -> dict[str, Any]:
        parsed.append(text)
        return parse(text)

    second = tomlcache.cached_parse(TEXT, counting)
    assert not parsed  # read from the file
    assert same(first, second) and same(second, parse(TEXT))
    second["people"][0]["roles"].append("c")  # each caller gets its own values
    assert same(tomlcache.cached_parse(TEXT, counting), first)
    tomlcache.cached_parse(TEXT + "m = 1\n", counting)  # another text: parsed
    assert len(parsed) == 1


def test_damaged_entry_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(codecache.CACHE_ENV, str(tmp_path))
    tomlcache.cached_parse(TEXT, parse)
    (entry,) = (tmp_path / "toml").glob("*.bin")
    entry.write_bytes(b"\x00garbage")
    assert same(tomlcache.cached_parse(TEXT, parse), parse(TEXT))


def test_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(codecache.CACHE_ENV, "")
    assert same(tomlcache.cached_parse(TEXT, parse), parse(TEXT))


def test_invalid_file_not_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(codecache.CACHE_ENV, str(tmp_path / "cache"))
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nrate = = 1\n', encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError) as err:
            read_toml(bad)
        assert err.value.line == 2 and "invalid TOML" in str(err.value)
    assert not list((tmp_path / "cache").glob("toml/*.bin"))
