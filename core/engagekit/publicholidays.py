"""Public holidays of one country from the `holidays` package, importing that country only.

``holidays.country_holidays("DE")`` imports the package's ``holidays.countries``, whose
``__init__`` imports every country's module (about 60 ms of start-up to read one calendar).
The package keeps one module per country and a registry of their codes, so here the
``holidays.countries`` package is put in place without running its ``__init__``, and only the
module of the country asked for is imported. Anything that then reaches for another name of
``holidays.countries`` (``from holidays.countries import France``) runs the real ``__init__``
first, so other users of the package see it whole.

Even one country costs the package's own import (its calendars, dateutil: about 20 ms), so a
year's holidays of a country and subdivision, once computed, are kept in engagekit's cache
(``engagekit.codecache.cache_dir("holidays")``) as JSON, keyed by the installed package (its
folder, and the size and time of its ``version.py``: another version is another key).
Anything the package refuses (an unknown country or subdivision) is never cached: it is asked
again, and says why.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import os
import sys
import zlib
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["country_holidays", "holiday_class"]

_PACKAGE = "holidays.countries"


def _countries_package() -> ModuleType:
    """``holidays.countries``, imported without its ``__init__`` unless it already was."""
    loaded = sys.modules.get(_PACKAGE)
    if loaded is not None:
        return loaded
    import holidays  # noqa: F401  (the parent package: base classes and the registry)

    spec = importlib.util.find_spec(_PACKAGE)
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def whole(name: str) -> Any:
        # Someone wants more than one country's module: run the real __init__ now.
        del package.__dict__["__getattr__"]
        loader.exec_module(package)
        try:
            return package.__dict__[name]
        except KeyError:
            raise AttributeError(f"module {_PACKAGE!r} has no attribute {name!r}") from None

    package.__dict__["__getattr__"] = whole
    sys.modules[_PACKAGE] = package
    return package


@functools.cache
def holiday_class(country: str) -> Any | None:
    """The `holidays` class of a country (ISO 3166-1 alpha-2 or alpha-3 code), or None."""
    from holidays.registry import COUNTRIES

    for module, names in COUNTRIES.items():
        if country in names[1:]:
            _countries_package()
            return getattr(importlib.import_module(f"{_PACKAGE}.{module}"), names[0])
    return None


def country_holidays(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    """The public holidays of ``country`` (and ``subdivision``) in ``year``, by date.

    Raises ``NotImplementedError`` for a country the package does not know, and what the
    package raises for a subdivision it does not know."""
    cached = _cached_at(country, subdivision, year)
    if cached is not None:
        path, key = cached
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            if stored["key"] == key:
                return {date.fromisoformat(d): str(n) for d, n in stored["holidays"].items()}
        except (OSError, ValueError, KeyError, AttributeError, TypeError):
            pass  # not cached yet, or unreadable: computed again
    cls = holiday_class(country)
    if cls is None:
        raise NotImplementedError(f"no holidays for country {country!r}")
    found = {day: str(name) for day, name in sorted(cls(subdiv=subdivision, years=year).items())}
    if cached is not None:
        from engagekit.codecache import store

        path, key = cached
        table = {day.isoformat(): name for day, name in found.items()}
        store(path.parent, path, json.dumps({"key": key, "holidays": table}).encode("utf-8"))
    return found


@functools.cache
def _installed() -> str | None:
    """What identifies the installed `holidays` package, found without importing it."""
    spec = importlib.util.find_spec("holidays")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    try:
        st = os.stat(folder / "version.py")
    except OSError:
        return None
    return f"{folder}|{st.st_size}|{st.st_mtime_ns}"


def _cached_at(country: str, subdivision: str | None, year: int) -> tuple[Path, list[Any]] | None:
    """Where a year's holidays are cached, and the key stored with them (which decides)."""
    from engagekit.codecache import cache_dir

    folder = cache_dir("holidays")
    installed = _installed() if folder is not None else None
    if folder is None or installed is None:
        return None
    key: list[Any] = [installed, country, subdivision, year]
    name = zlib.crc32(json.dumps(key).encode())
    return folder / f"{name:08x}.json", key
