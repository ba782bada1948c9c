"""Scope files: TOML in, ``Scope`` and the project it prices with out.

A scope names a project file (``[scope] project = "..."``, relative to the scope file) and uses
its currency, calendar, rate card and adjustments; the project's components are not used. Every
problem is an ``InputError`` naming the file, the line and the key path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from engagekit.compare.scope import (
    RiskEvent,
    RunPhase,
    Scope,
    ScopeItem,
    Settledness,
    Terms,
    Window,
)
from engagekit.errors import InputError
from engagekit.project import Project
from engagekit.projectfile import load_project, read_toml
from engagekit.results import ModelSpec
from engagekit.settings import SettingsError, format_path, parse_path, structure
from engagekit.tomlmap import TomlMap

__all__ = ["load_scope", "scope_from_dict"]


@attrs.frozen
class ScopeTable:
    name: str
    project: str
    client: str = ""
    requirements: Settledness = "mostly-settled"
    change_rate: Decimal = Decimal(0)
    in_house_team: bool = False


@attrs.frozen
class ScopeFile:
    scope: ScopeTable
    window: Window
    items: tuple[ScopeItem, ...]
    risks: tuple[RiskEvent, ...] = ()
    run: RunPhase | None = None
    terms: Terms = attrs.Factory(Terms)


def load_scope(path: str | Path, models: Mapping[str, ModelSpec]) -> tuple[Scope, Project]:
    """Read a scope file and the project file it names (without its components)."""
    path = Path(path)
    data, text = read_toml(path)
    return scope_from_dict(data, models, source=path, text=text)


def scope_from_dict(
    data: Mapping[str, Any],
    models: Mapping[str, ModelSpec],
    *,
    source: Path,
    text: str | None = None,
) -> tuple[Scope, Project]:
    lines = TomlMap(text) if text is not None else None
    base = source.resolve().parent

    def fail(err: InputError, path: tuple[str | int, ...]) -> InputError:
        return InputError(
            err.message,
            where=source,
            line=lines.line_of(path) if lines else None,
            field=format_path(path) or err.field,
            hint=err.hint,
        )

    try:
        table: ScopeFile = structure(dict(data), ScopeFile, base)
    except SettingsError as err:
        raise fail(err, err.path) from None
    if not table.items:
        raise fail(
            InputError("a scope needs at least one work item", hint="add [[items]]"), ("items",)
        )
    named: tuple[tuple[str, Sequence[ScopeItem | RiskEvent]], ...] = (
        ("items", table.items),
        ("risks", table.risks),
    )
    for key, entries in named:
        seen: set[str] = set()
        for i, entry in enumerate(entries):
            if entry.name in seen:
                raise fail(InputError(f"two {key} are named {entry.name!r}"), (key, i, "name"))
            seen.add(entry.name)

    project_path = base / table.scope.project
    project = load_project(project_path, models)
    project = attrs.evolve(
        project,
        components=(),
        adjustments=tuple(a for a in project.adjustments if not a.components),
    )
    on = table.window.earliest_start
    for key, entries in named:
        for i, entry in enumerate(entries):
            _check_rate(project, entry.role, on, fail, (key, i, "role"))
    if table.run is not None:
        _check_rate(project, table.run.role, on, fail, ("run", "role"))
        from engagekit.calendar import PRESETS

        if table.run.service_hours not in PRESETS:
            raise fail(
                InputError(
                    f"unknown service hours {table.run.service_hours!r}",
                    hint=f"use one of {', '.join(sorted(PRESETS))}",
                ),
                ("run", "service_hours"),
            )
    s = table.scope
    try:
        scope = Scope(
            name=s.name,
            client=s.client or project.client,
            items=table.items,
            risks=table.risks,
            window=table.window,
            requirements=s.requirements,
            change_rate=_checked_percent(s.change_rate, fail),
            in_house_team=s.in_house_team,
            run=table.run,
            terms=table.terms,
            source=source,
        )
    except InputError as err:
        raise fail(err, parse_path(err.field) if err.field else ()) from None
    return scope, project


def _checked_percent(value: Decimal, fail: Any) -> Decimal:
    if not Decimal(0) <= value <= Decimal(100):
        raise fail(
            InputError(f"change_rate {value} is outside 0-100 (percent of the scope a month)"),
            ("scope", "change_rate"),
        )
    return value


def _check_rate(
    project: Project, role: str, on: date, fail: Any, path: tuple[str | int, ...]
) -> None:
    card = project.rate_card
    rate = card.find(role, on) if card is not None else None
    where = f"the rate card of {project.source}"
    if rate is None:
        known = ", ".join(card.roles()) if card is not None else "none"
        raise fail(
            InputError(
                f"no rate for role {role!r} on {on} in {where}",
                hint=f"roles on the rate card: {known}",
            ),
            path,
        )
    if rate.cost is None or rate.unit != "hour":
        raise fail(
            InputError(
                f"role {role!r} in {where} needs an hourly bill and cost rate to be compared",
                hint=f'write {{ role = "{role}", bill = ..., cost = ... }} (per hour)',
            ),
            path,
        )
    if card is not None and card.currency != project.currency:
        raise fail(
            InputError(f"the rate card is in {card.currency}, the project in {project.currency}"),
            path,
        )
