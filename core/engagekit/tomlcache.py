"""Parsed project files kept between runs, as ``engagekit.codecache`` keeps compiled code.

``engage validate`` of the hybrid example parses two TOML files (the project, the workspace's
``engage.toml``): about 10 ms of its start-up, tomllib's import included, every run, for files
that rarely change. A parse is stored under its text (the whole text is the key, so an edited
file is another entry) in ``marshal``'s format, which holds str, int, bool, lists and dicts;
what TOML has besides (decimals, read with ``parse_float=Decimal``, and dates and times) is
written as a tagged tuple (TOML has no tuples) and made again on reading. Only a text that
parsed is stored: an invalid file is parsed on every run and its error is tomllib's.

Where: ``cache_dir("toml")`` (``ENGAGEKIT_CACHE_DIR=`` turns it off, like the code cache).
"""

from __future__ import annotations

import marshal
import zlib
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from engagekit.codecache import cache_dir, store

__all__ = ["cached_parse"]

#: The version of the stored format; part of the key.
FORMAT = "1"


def cached_parse(text: str, parse: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """``parse(text)`` (tomllib with decimals), answered from the cache when ``text`` was
    parsed before."""
    folder = cache_dir("toml")
    if folder is None:
        return parse(text)
    key = f"{FORMAT}\0{text}"
    path = folder / f"{zlib.crc32(key.encode('utf-8', 'surrogatepass')):08x}-{len(key):x}.bin"
    try:
        stored, data = marshal.loads(path.read_bytes())
        if stored == key and isinstance(data, dict):
            return _decoded(data)  # type: ignore[no-any-return]
    except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError, RecursionError):
        pass  # not cached yet, or not by this version: parsed again
    parsed = parse(text)
    try:
        encoded = marshal.dumps((key, _encoded(parsed)))
    except (ValueError, RecursionError):  # a type it does not know, or nested too deep for
        return parsed  # this walk (a project file refuses such nesting once parsed): not cached
    store(folder, path, encoded)
    return parsed


def _encoded(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _encoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encoded(v) for v in value]
    if isinstance(value, Decimal):
        return ("d", str(value))
    if isinstance(value, datetime):  # before date: a datetime is a date
        return ("dt", value.isoformat())
    if isinstance(value, date):
        return ("D", value.isoformat())
    if isinstance(value, time):
        return ("t", value.isoformat())
    if type(value) in (str, int, bool, float):
        return value
    raise ValueError(f"not a TOML value: {type(value).__name__}")


_MAKE: dict[str, Callable[[str], Any]] = {
    "d": Decimal,
    "dt": datetime.fromisoformat,
    "D": date.fromisoformat,
    "t": time.fromisoformat,
}


def _decoded(value: Any) -> Any:
    if type(value) is dict:
        return {k: _decoded(v) for k, v in value.items()}
    if type(value) is list:
        return [_decoded(v) for v in value]
    if type(value) is tuple:
        return _MAKE[value[0]](value[1])
    return value
