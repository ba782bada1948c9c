"""Reading settings tables into attrs classes, with errors that name the key path.

One cattrs converter per process (cattrs generates a structuring function per class on first
use); the folder of the project being read is a context variable, so ``DataFile`` fields
resolve relative paths and refuse missing files. Unknown keys are refused with a "did you mean".
"""

from __future__ import annotations

import contextvars
import difflib
import functools
import re
import types
import typing
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs

from engagekit.calendar import Calendar, parse_hours
from engagekit.errors import InputError
from engagekit.money import LARGEST, Money
from engagekit.parquetdata import is_parquet

__all__ = ["DataFile", "KeyPath", "SettingsError", "describe_type", "make_converter", "structure"]

KeyPath = tuple[str | int, ...]

#: The folder of the project file whose settings are being structured.
_BASE_DIR: contextvars.ContextVar[Path] = contextvars.ContextVar("engagekit_settings_base_dir")


@attrs.frozen
class DataFile:
    """A data file named in a project file, resolved against the project file's folder."""

    path: Path

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)


class SettingsError(InputError):
    """An InputError that knows the key path inside the structured table."""

    def __init__(self, message: str, path: KeyPath, hint: str | None = None) -> None:
        self.path = path
        super().__init__(message, field=format_path(path) or None, hint=hint)


def parse_path(text: str) -> KeyPath:
    """``positions[1].start`` as ``("positions", 1, "start")``: the inverse of format_path."""
    out: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", text):
        out.append(int(index) if index else name)
    return tuple(out)


def format_path(path: Sequence[str | int]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


_NAMES = {
    Decimal: "a number",
    int: "a whole number",
    str: "a string",
    bool: "true or false",
    date: "a date (YYYY-MM-DD)",
    datetime: "a date-time (YYYY-MM-DDTHH:MM:SS+HH:MM)",
    time: "a time of day (HH:MM)",
    DataFile: "a path to a data file",
    Money: "an amount",
    Calendar: "a calendar table",
}


def describe_type(tp: Any) -> str:
    """Say in words what a value of type ``tp`` looks like in TOML."""
    if tp in _NAMES:
        return _NAMES[tp]
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(describe_type(a) for a in args if a is not type(None))
    if origin in (list, tuple, Sequence, frozenset, set):
        inner = args[0] if args else Any
        return f"a list of {describe_type(inner).removeprefix('a ').removeprefix('an ')}s"
    if origin is dict:
        return "a table"
    if attrs.has(tp):
        return "a table"
    return getattr(tp, "__name__", str(tp))


def _reject_bool(value: Any, tp: Any) -> None:
    if isinstance(value, bool):
        raise TypeError(f"expected {describe_type(tp)}, got {str(value).lower()}")


def _bounded(out: Decimal, shown: object) -> Decimal:
    if not out.is_finite():
        raise ValueError(f"expected a finite number, got {shown}")
    if abs(out) >= LARGEST:
        raise ValueError(f"expected a number below 10^15, got {shown}")
    return out


def _decimal(value: Any, _: Any) -> Decimal:
    _reject_bool(value, Decimal)
    if isinstance(value, Decimal):
        return _bounded(value, value)
    if isinstance(value, int):
        return _bounded(Decimal(value), value)
    if isinstance(value, str):
        try:
            out = Decimal(value.strip().replace("_", ""))
        except InvalidOperation:
            raise ValueError(f"expected a number, got {value!r}") from None
        return _bounded(out, repr(value))
    raise TypeError(f"expected a number, got {_what(value)}")


def _int(value: Any, _: Any) -> int:
    _reject_bool(value, int)
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    raise TypeError(f"expected a whole number, got {_what(value)}")


def _str(value: Any, _: Any) -> str:
    if isinstance(value, str):
        return value
    raise TypeError(f"expected a string, got {_what(value)}")


def _bool(value: Any, _: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise TypeError(f"expected true or false, got {_what(value)}")


def _date(value: Any, _: Any) -> date:
    if isinstance(value, datetime):
        raise TypeError(f"expected a date (YYYY-MM-DD), got a date-time {value.isoformat()}")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise TypeError(f"expected a date (YYYY-MM-DD), got {_what(value)}")


def _datetime(value: Any, _: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise TypeError(f"expected a date-time (YYYY-MM-DDTHH:MM:SS+HH:MM), got {_what(value)}")


def _time(value: Any, _: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    raise TypeError(f"expected a time of day (HH:MM), got {_what(value)}")


def _what(value: Any) -> str:
    kinds = {
        str: "a string",
        bool: "a boolean",
        int: "a whole number",
        Decimal: "a number",
        list: "a list",
        dict: "a table",
        date: "a date",
        datetime: "a date-time",
    }
    for t, name in kinds.items():
        if type(value) is t:
            return f"{name} ({_short(value)})"
    return type(value).__name__


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


@attrs.frozen
class CalendarTable:
    """A ``[calendar]`` table as written (see docs/project-file.md), each key strictly typed:
    ``observe_public_holidays = "no"`` is refused, not taken as true, and ``holidays`` must be
    a list of dates, not a string read character by character."""

    timezone: str = "UTC"
    hours: str | dict[str, str | list[str]] = "8x5"
    country: str | None = None
    subdivision: str | None = None
    holidays: tuple[date, ...] = ()
    working_days: tuple[date, ...] = ()
    observe_public_holidays: bool = True


CALENDAR_KEYS = tuple(f.name for f in attrs.fields(CalendarTable))


def calendar_from_table(table: CalendarTable | dict[str, Any]) -> Calendar:
    """A ``Calendar`` from a ``[calendar]`` table (as read, or structured); each error names
    its key."""
    if not isinstance(table, CalendarTable):
        return calendar_from_table(structure(table, CalendarTable, Path.cwd()))
    if isinstance(table.hours, dict):
        for day, spans in table.hours.items():
            try:
                parse_hours(spans, f"hours.{day}")
            except InputError as exc:
                raise SettingsError(exc.message, path=("hours", day), hint=exc.hint) from None
    try:
        return Calendar.from_hours(
            table.hours,
            timezone=table.timezone,
            country=table.country,
            subdivision=table.subdivision,
            closed_dates=frozenset(table.holidays),
            open_dates=frozenset(table.working_days),
            observe_holidays=table.observe_public_holidays,
        )
    except InputError as exc:
        # The calendar's own checks name their attribute; a few differ from the key's name.
        key = {"observe_holidays": "observe_public_holidays"}.get(exc.field or "", exc.field)
        raise SettingsError(exc.message, path=(key,) if key else (), hint=exc.hint) from None


def _unknown_key_message(key: str, known: Sequence[str]) -> tuple[str, str | None]:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    message = f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
    return message, f"known keys: {', '.join(known)}"


def _data_file(value: Any, _: Any) -> DataFile:
    if not isinstance(value, str):
        raise TypeError(f"expected a path to a data file, got {_what(value)}")
    path = (_BASE_DIR.get() / value).resolve()
    if path.is_dir() and not is_parquet(path):
        raise InputError(
            f"data file {value!r} is a folder without Parquet files ({path})",
            hint="a data source is a file, or a folder of .parquet files",
        )
    if path.exists() and not path.is_file() and not path.is_dir():
        # /dev/zero or a named pipe: read to its end, it never ends
        raise InputError(
            f"data file {value!r} is not a regular file ({path})",
            hint="a data source is a file, or a folder of .parquet files",
        )
    if not path.is_file() and not path.is_dir():
        raise InputError(
            f"data file {value!r} does not exist (looked for {path})",
            hint="paths are relative to the project file's folder",
        )
    return DataFile(path)


#: The class hooks of both converters (`make_converter` and `_structurer`)
_HOOKS: dict[type, Callable[[Any, Any], Any]] = {
    Decimal: _decimal,
    int: _int,
    str: _str,
    bool: _bool,
    date: _date,
    datetime: _datetime,
    time: _time,
    DataFile: _data_file,
}


@functools.cache
def _structurer() -> Any:
    """`engagekit.structuring` with the hooks of `make_converter`."""
    from engagekit.structuring import Structurer

    def calendar(value: Any, _: Any) -> Calendar:
        return calendar_from_table(fast.structure(value, CalendarTable))

    fast = Structurer({**_HOOKS, Calendar: calendar})
    return fast


@functools.cache
def make_converter() -> Any:
    """The cattrs converter of settings, built once per process.

    Cached: cattrs generates a structuring function per class on first use, and one project
    structures several tables (and a portfolio loads many projects, each in its own folder).
    Data file paths resolve against the folder that ``structure`` was given. Only reached for
    what `engagekit.structuring` does not structure: errors, and types it leaves to cattrs.
    """
    import cattrs
    import cattrs.cols
    import cattrs.gen

    from engagekit import codecache

    codecache.install(cattrs.gen)  # its structuring functions, compiled once per machine

    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    for cls, hook in _HOOKS.items():
        conv.register_structure_hook(cls, hook)
    conv.register_structure_hook(
        Calendar, lambda v, _: calendar_from_table(conv.structure(v, CalendarTable))
    )

    def is_union(tp: Any) -> bool:
        origin = typing.get_origin(tp)
        if origin not in (typing.Union, types.UnionType):
            return False
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return len(args) > 1

    def union(value: Any, tp: Any) -> Any:
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        for arg in args:
            if arg is type(None):
                continue
            try:
                return conv.structure(value, arg)
            except Exception:
                continue
        raise TypeError(f"expected {describe_type(tp)}, got {_what(value)}")

    conv.register_structure_hook_func(is_union, union)

    def attrs_with_checks(cls: type) -> Callable[[Any, Any], Any]:
        inner: Callable[[Any, Any], Any] = cattrs.gen.make_dict_structure_fn(
            cls, conv, _cattrs_forbid_extra_keys=True
        )

        def structure_cls(value: Any, tp: Any) -> Any:
            if not isinstance(value, dict):
                raise TypeError(f"expected a table, got {_what(value)}")
            return inner(value, tp)

        return structure_cls

    conv.register_structure_hook_factory(attrs.has, attrs_with_checks)

    def is_list(tp: Any) -> bool:
        args = typing.get_args(tp)
        if typing.get_origin(tp) is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return False  # a fixed-length tuple: cattrs' own handling
        return bool(cattrs.cols.is_sequence(tp))

    def list_of(tp: Any) -> Callable[[Any, Any], Any]:
        """A list never comes from a string: ``"Internal"`` is not ``["I", "n", ...]``."""
        inner = (
            cattrs.cols.homogenous_tuple_structure_factory(tp, conv)
            if typing.get_origin(tp) is tuple
            else cattrs.cols.list_structure_factory(tp, conv)
        )

        def structure_list(value: Any, t: Any) -> Any:
            if isinstance(value, str | bytes | dict):
                raise TypeError(
                    f"expected a list, got {_what(value)}"
                    + (f' (write ["{value}"] for a list of one)' if isinstance(value, str) else "")
                )
            return inner(value, t)

        return structure_list

    conv.register_structure_hook_factory(is_list, list_of)
    return conv


def structure(table: Any, cls: type, base_dir: Path, path: KeyPath = ()) -> Any:
    """Structure ``table`` into ``cls``; any problem becomes a ``SettingsError`` with its path."""
    token = _BASE_DIR.set(base_dir)
    try:
        try:
            return _structurer().structure(table, cls)
        except Exception:  # cattrs structures it again and words the error
            pass
        conv = make_converter()
        return conv.structure(table, cls)
    except Exception as exc:
        problems = sorted(
            _flatten(exc, path, cls), key=lambda p: not p[1].startswith("unknown key")
        )
        if not problems:
            raise
        first_path, message, hint = problems[0]
        err = SettingsError(message, first_path, hint)
        err.others = problems[1:]  # type: ignore[attr-defined]
        raise err from None
    finally:
        _BASE_DIR.reset(token)


def _flatten(
    exc: BaseException, path: KeyPath, cls: Any
) -> typing.Iterator[tuple[KeyPath, str, str | None]]:
    from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

    if isinstance(exc, ForbiddenExtraKeysError):
        known = [f.name for f in attrs.fields(exc.cl)] if attrs.has(exc.cl) else []
        for key in sorted(exc.extra_fields):
            message, hint = _unknown_key_message(key, known)
            yield (*path, key), message, hint
        return
    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            p = (*path, note.name)
            if isinstance(sub, KeyError):
                yield p, f"missing required key {note.name!r} ({describe_type(note.type)})", None
            else:
                yield from _flatten(sub, p, note.type)
        for sub in without:
            yield from _flatten(sub, path, None)
        return
    if isinstance(exc, IterableValidationError):
        indexed, rest = exc.group_exceptions()
        for sub, inote in indexed:
            yield from _flatten(sub, (*path, inote.index), inote.type)
        for sub in rest:
            yield from _flatten(sub, path, None)
        return
    if isinstance(exc, SettingsError):
        yield (*path, *exc.path), exc.message, exc.hint
        return
    if isinstance(exc, InputError):
        # a validator's field is relative to the class it validates, at ``path``, whatever
        # the names: a ``volume`` table inside a ``volume`` table is ``volume.volume``
        yield (*path, *parse_path(exc.field)) if exc.field else path, exc.message, exc.hint
        return
    if isinstance(exc, TypeError | ValueError):
        text = str(exc)
        if cls is not None and not text.startswith("expected"):
            text = f"expected {describe_type(cls)}: {text}"
        yield path, text, None
        return
    yield path, f"{type(exc).__name__}: {exc}", None
