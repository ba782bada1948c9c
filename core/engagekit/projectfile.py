"""Project files: TOML in, ``Project`` out; and starter projects written with tomli-w.

Read with ``tomllib`` and ``parse_float=Decimal`` so that 0.10 stays 0.10. Every problem is an
``InputError`` naming the file, the line and the key path.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from engagekit.calendar import Calendar
from engagekit.errors import InputError, UnknownModelError
from engagekit.modelspec import ModelSpec
from engagekit.money import Money
from engagekit.project import STAGES, AdjustmentSpec, Component, Project
from engagekit.ratecard import Rate, RateCard
from engagekit.settings import SettingsError, format_path, parse_path, structure
from engagekit.tomlcache import cached_parse
from engagekit.tomlmap import TomlMap
from engagekit.vat import Vat

__all__ = ["key_line", "load_project", "parse_text", "project_from_dict", "read_toml"]


@attrs.frozen
class ProjectTable:
    name: str
    currency: str
    client: str = ""
    description: str = ""


@attrs.frozen
class RateCardTable:
    rates: tuple[Rate, ...] = ()
    currency: str | None = None
    overtime: Decimal = Decimal(1)
    weekend: Decimal = Decimal(1)
    holiday: Decimal = Decimal(1)


@attrs.frozen
class VatTable:
    category: str
    rate: Decimal | None = None
    exemption_reason: str | None = None


@attrs.frozen
class AdjustmentTable:
    name: str
    stage: str
    percent: Decimal | None = None
    amount: Decimal | None = None
    components: tuple[str, ...] = ()
    min_subtotal: Decimal | None = None
    vat: VatTable | None = None


@attrs.frozen
class ComponentTable:
    name: str
    model: str
    start: date
    end: date
    description: str = ""
    settings: dict[str, Any] = attrs.Factory(dict)
    vat: VatTable | None = None


@attrs.frozen
class ProjectFile:
    project: ProjectTable
    components: tuple[ComponentTable, ...]
    calendar: Calendar | None = None
    rate_card: RateCardTable | None = None
    adjustments: tuple[AdjustmentTable, ...] = ()
    capacity: dict[str, Decimal] = attrs.Factory(dict)
    vat: VatTable | None = None


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """Parse a TOML file, with decimals kept exact; syntax errors name line and column."""
    try:
        # utf-8-sig: a byte order mark (Windows editors write one) is not part of the TOML
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", where=path) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a project file", where=path) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", where=path) from None
    try:
        data = parse_text(text)
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise InputError(
            f"arrays or inline tables nested more than {MAX_DEPTH} levels deep",
            where=path,
            line=_deep_line(text),
        ) from None
    except ValueError as exc:
        import tomllib  # imported by the parse that raised (a cached text is not parsed)

        if not isinstance(exc, tomllib.TOMLDecodeError):
            raise
        # Python < 3.14 puts the position only in the message: "... (at line 3, column 7)".
        import re

        found = re.search(r"\(at line (\d+), column (\d+)\)$", str(exc))
        message = str(exc)[: found.start()].strip() if found else str(exc)
        line, col = (int(found[1]), int(found[2])) if found else (None, None)
        raise InputError(f"invalid TOML: {message}", where=path, line=line, column=col) from None
    _check_depth(data, path, text)
    return data, text


def parse_text(text: str) -> dict[str, Any]:
    """A TOML text parsed with decimals kept exact, from the cache when it was parsed before;
    raises tomllib's errors."""
    return cached_parse(text, _parse)


def _parse(text: str) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(text, parse_float=Decimal)


MAX_DEPTH = 32


def _line_within(lines: TomlMap, keys: tuple[str | int, ...]) -> int | None:
    """The first line of a key under ``keys`` (a header deep down), else the enclosing key's."""
    inside = [n for p, n in lines.lines.items() if p[: len(keys)] == keys]
    return min(inside) if inside else lines.line_of(keys)


def _deep_line(text: str) -> int | None:
    """The line where brackets first open past ``MAX_DEPTH`` (strings aside, roughly: this
    only locates an error tomllib has already found)."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        for ch in line.split("#", 1)[0]:
            depth += (ch in "[{") - (ch in "]}")
            if depth > MAX_DEPTH:
                return number
    return None


#: What TOML values are besides tables and arrays (a subclass is checked as any value).
_LEAVES: frozenset[type] = frozenset({str, int, float, bool, Decimal, date, datetime, time})


def _check_depth(data: Mapping[str, Any], path: Path, text: str) -> None:
    """Refuse nesting no project needs, before anything walks it recursively."""
    # the depths alone first (every file has a few hundred values); the key paths only to
    # name the place of an error, found by the same walk
    depths: list[tuple[Any, int]] = [(data, 0)]
    while depths:
        value, depth = depths.pop()
        if depth > MAX_DEPTH:
            break
        if type(value) in _LEAVES:
            continue
        if isinstance(value, Mapping):
            depths.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            depths.extend((v, depth + 1) for v in value)
    else:
        return
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, keys = stack.pop()
        if len(keys) > MAX_DEPTH:
            raise InputError(
                f"nested more than {MAX_DEPTH} levels deep",
                where=path,
                line=_line_within(TomlMap(text), keys),
                field=format_path(keys[:3]) + "...",
            )
        if isinstance(value, Mapping):
            stack.extend((v, (*keys, k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, (*keys, i)) for i, v in enumerate(value))


def load_project(path: str | Path, models: Mapping[str, ModelSpec]) -> Project:
    """Read a project file; component settings are read into their models' settings classes."""
    path = Path(path)
    data, text = read_toml(path)
    return project_from_dict(data, models, base_dir=path.resolve().parent, source=path, text=text)


def project_from_dict(
    data: Mapping[str, Any],
    models: Mapping[str, ModelSpec],
    *,
    base_dir: Path | None = None,
    source: Path | None = None,
    text: str | None = None,
) -> Project:
    """Build a ``Project`` from the parsed contents of a project file."""
    base = base_dir or Path.cwd()
    where = source or "<project>"
    lines = TomlMap(text) if text is not None else None

    def fail(err: InputError, path: tuple[str | int, ...]) -> InputError:
        line = lines.line_of(path) if lines else None
        kind = UnknownModelError if isinstance(err, UnknownModelError) else InputError
        named = _named_component(data, models, path)
        if named is None:
            field = format_path(path) or err.field
            return kind(err.message, where=where, line=line, field=field, hint=err.hint)
        name, model = named
        located = kind(
            err.message, where=where, line=line, field=format_path(path[2:]) or None, hint=err.hint
        )
        return located.in_component(where, name, model)

    try:
        table: ProjectFile = structure(dict(data), ProjectFile, base)
    except SettingsError as err:
        raise fail(err, err.path) from None

    if not table.project.name.strip():
        raise fail(InputError("the project needs a name (it is blank)"), ("project", "name"))
    currency = table.project.currency
    try:
        Money.zero(currency)
    except InputError as err:
        raise fail(err, ("project", "currency")) from None

    rate_card = None
    if table.rate_card is not None:
        rc = table.rate_card
        try:
            rate_card = RateCard(
                currency=rc.currency or currency,
                rates=rc.rates,
                overtime=rc.overtime,
                weekend=rc.weekend,
                holiday=rc.holiday,
            )
        except InputError as err:
            raise fail(err, ("rate_card", err.field or "currency")) from None

    def vat(t: VatTable | None, path: tuple[str | int, ...]) -> Vat | None:
        if t is None:
            return None
        try:
            return Vat.of(t.category, t.rate, t.exemption_reason)
        except InputError as err:
            raise fail(err, (*path, err.field or "category")) from None

    project_vat = vat(table.vat, ("vat",))
    adjustments = []
    for i, adj in enumerate(table.adjustments):
        path: tuple[str | int, ...] = ("adjustments", i)
        if adj.stage not in STAGES:
            raise fail(
                InputError(f"unknown stage {adj.stage!r}", hint=f"use one of {', '.join(STAGES)}"),
                (*path, "stage"),
            )
        if (adj.percent is None) == (adj.amount is None):
            raise fail(InputError("give exactly one of percent or amount"), path)
        if adj.percent is not None and adj.stage in ("discount", "tax") and adj.percent > 100:
            # A discount beyond the whole invoice, or a tax of more than the price: no rate in
            # force is either, so it is a slip (300 for 3.00, or a fraction written as percent).
            raise fail(
                InputError(
                    f"a {adj.stage} of {adj.percent}% is more than the whole amount",
                    hint="percent is in percent: write 19 for 19%",
                ),
                (*path, "percent"),
            )
        adjustments.append(
            AdjustmentSpec(
                name=adj.name,
                stage=adj.stage,
                percent=adj.percent,
                amount=Money(adj.amount, currency) if adj.amount is not None else None,
                components=adj.components,
                min_subtotal=adj.min_subtotal,
                vat=vat(adj.vat, (*path, "vat")),
            )
        )

    components = []
    names: set[str] = set()
    for i, ct in enumerate(table.components):
        path = ("components", i)
        if ct.name in names:
            raise fail(InputError(f"two components are named {ct.name!r}"), (*path, "name"))
        names.add(ct.name)
        spec = models.get(ct.model)
        if spec is None:
            raise fail(unknown_model(ct.model, models), (*path, "model"))
        try:
            settings = structure(ct.settings, spec.settings, base, (*path, "settings"))
        except SettingsError as err:
            raise fail(err, err.path) from None
        try:
            components.append(
                Component(
                    ct.name,
                    ct.model,
                    ct.start,
                    ct.end,
                    settings,
                    ct.description,
                    vat(ct.vat, (*path, "vat")),
                )
            )
        except InputError as err:
            raise fail(err, (*path, err.field or "")) from None
        check = getattr(settings, "check_component", None)
        if check is not None:
            try:
                check(components[-1])
            except SettingsError as err:
                raise fail(err, (*path, "settings", *err.path)) from None
            except InputError as err:
                inner = parse_path(err.field) if err.field else ()
                raise fail(err, (*path, "settings", *inner)) from None

    for i, adj_spec in enumerate(adjustments):
        for name in adj_spec.components:
            if name not in {c.name for c in components}:
                raise fail(
                    InputError(f"no component named {name!r}"), ("adjustments", i, "components")
                )

    if project_vat is None:
        for i, c in enumerate(components):
            if c.vat is not None:
                others = [o.name for o in components if o.vat is None]
                if others:
                    raise fail(
                        InputError(
                            f"component {c.name!r} has a VAT category but {others[0]!r} has none",
                            hint='give the project a default: [vat] category = "S", rate = 19',
                        ),
                        ("components", i, "vat"),
                    )
                break

    for role, fte in table.capacity.items():
        if fte < 0:
            raise fail(InputError(f"must not be negative (got {fte})"), ("capacity", role))

    try:
        return Project(
            name=table.project.name,
            client=table.project.client,
            currency=currency,
            calendar=table.calendar or Calendar(),
            rate_card=rate_card,
            adjustments=tuple(adjustments),
            vat=project_vat,
            capacity=dict(table.capacity),
            components=tuple(components),
            source=source,
            base_dir=base,
        )
    except InputError as err:
        raise fail(err, (err.field or "components",)) from None


def _named_component(
    data: Mapping[str, Any], models: Mapping[str, ModelSpec], path: tuple[str | int, ...]
) -> tuple[str, str | None] | None:
    """The name and model of the component a key path is in (``components[2]...``), when the
    component has a name to call it by; the model only if it is installed."""
    if len(path) < 2 or path[0] != "components" or not isinstance(path[1], int):
        return None
    tables = data.get("components")
    if not isinstance(tables, list) or not 0 <= path[1] < len(tables):
        return None
    table = tables[path[1]]
    name = table.get("name") if isinstance(table, dict) else None
    if not isinstance(name, str) or path[2:3] == ("name",):
        return None
    model = table.get("model")
    return name, model if isinstance(model, str) and model in models else None


def unknown_model(name: str, models: Mapping[str, ModelSpec]) -> UnknownModelError:
    import difflib

    close = difflib.get_close_matches(name, list(models), n=1)
    message = f"unknown model {name!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
    installed = ", ".join(sorted(models)) or "none"
    return UnknownModelError(
        message,
        hint=f"installed models: {installed}; more come as plugins: pip install engagekit-<name>, "
        "then `engage models` lists them",
    )


def key_line(project: Project, component: str, field: str) -> int | None:
    """The line of ``field`` (a key path inside a component, ``settings.team[2].fte``) in the
    project's file: for errors a model raises after loading (its ``check_component``), which
    know the key but not the line. None when the project came from no file."""
    if project.source is None:
        return None
    index = next((i for i, c in enumerate(project.components) if c.name == component), None)
    if index is None:
        return None
    try:
        text = Path(project.source).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    return TomlMap(text).line_of(("components", index, *parse_path(field)))
