"""The formats the installed plugins registered, collected once per engine."""

from __future__ import annotations

import types
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from engagekit.errors import InputError, PluginError
from engagekit.exports.spec import ExporterSpec

if TYPE_CHECKING:
    from engagekit.engine import Engine
    from engagekit.ledger.record import IssuedInvoice

__all__ = ["BUILTIN", "export", "exporter", "exporters", "problems"]

BUILTIN = "engagekit.exports"


@attrs.frozen
class _Found:
    formats: Mapping[str, ExporterSpec]
    problems: tuple[str, ...]


_found: weakref.WeakKeyDictionary[Engine, _Found] = weakref.WeakKeyDictionary()


def _collect(engine: Engine) -> _Found:
    from engagekit.exports import builtin

    if not engine.pm.has_plugin(BUILTIN) and not engine.pm.is_blocked(BUILTIN):
        engine.pm.register(builtin, name=BUILTIN)
    formats: dict[str, ExporterSpec] = {}
    problems: list[str] = []
    # Built-ins first, so a plugin cannot take over "ubl" by being installed.
    impls = sorted(
        engine.pm.hook.register_exporters.get_hookimpls(),
        key=lambda i: (i.plugin_name != BUILTIN, i.plugin_name),
    )
    for impl in impls:
        name = impl.plugin_name
        mine: list[ExporterSpec] = []

        def register(
            spec: ExporterSpec, _name: str = name, _mine: list[ExporterSpec] = mine
        ) -> None:
            if not isinstance(spec, ExporterSpec):
                raise TypeError(
                    f"register() takes an engagekit.exports.ExporterSpec, got {type(spec).__name__}"
                )
            other = formats.get(spec.name) or next((s for s in _mine if s.name == spec.name), None)
            if other is not None:
                raise PluginError(
                    f"export format {spec.name!r} is claimed by two plugins: "
                    f"{other.plugin or _name!r} and {_name!r}",
                    plugin=_name,
                )
            _mine.append(attrs.evolve(spec, plugin=_name))

        try:
            impl.function(register=register)
        except Exception as exc:
            text = str(exc) if isinstance(exc, PluginError) else f"{type(exc).__name__}: {exc}"
            message = f"plugin {name!r}: its export formats were skipped: {text}"
            if engine.strict:
                raise PluginError(message, plugin=name) from exc
            problems.append(message)
            continue
        formats.update((s.name, s) for s in mine)
    return _Found(types.MappingProxyType(dict(sorted(formats.items()))), tuple(problems))


def _get(engine: Engine) -> _Found:
    found = _found.get(engine)
    if found is None:
        found = _found[engine] = _collect(engine)
    return found


def exporters(engine: Engine) -> Mapping[str, ExporterSpec]:
    """The installed export formats by name (sorted)."""
    return _get(engine).formats


def problems(engine: Engine) -> tuple[str, ...]:
    """One warning per plugin whose formats were skipped."""
    return _get(engine).problems


def exporter(engine: Engine, name: str) -> ExporterSpec:
    """The format ``name``; an unknown one is an ``InputError`` listing the installed ones."""
    formats = exporters(engine)
    spec = formats.get(name)
    if spec is None:
        import difflib

        close = difflib.get_close_matches(name, list(formats), n=1)
        raise InputError(
            f"unknown export format {name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""),
            field="--format",
            hint=f"installed formats: {', '.join(formats) or 'none'}; plugins add more "
            "(`engage invoices export --help` lists them)",
        )
    return spec


def export(engine: Engine, record: IssuedInvoice, format: str) -> bytes:
    """One record in ``format``: the file's bytes."""
    return exporter(engine, format).export(record)
