"""``ModelSpec``: what a plugin declares about a model in ``register_models``."""

from __future__ import annotations

import importlib
from typing import Any

import attrs


def _resolve(reference: str, what: str) -> Any:
    module, _, name = reference.partition(":")
    if not name:
        raise TypeError(f"{what} {reference!r}: write a lazy reference as 'package.module:name'")
    return getattr(importlib.import_module(module), name)


def _check_settings(value: type | str) -> type:
    if isinstance(value, str):
        value = _resolve(value, "settings")
    if not isinstance(value, type) or not attrs.has(value):
        raise TypeError(f"settings must be an attrs class, got {value!r}")
    return value


@attrs.frozen
class ModelSpec:
    """A collaboration model a plugin provides (passed to ``register`` in ``register_models``).

    ``settings`` is the attrs class a component's ``[components.settings]`` table is read
    into, or a reference ``"package.module:Class"`` imported the first time a project uses
    the model (so that ``engage --version`` doesn't import every model's settings); ``example``
    may be a reference too. The settings class may
    define ``check_component(component)`` to check settings against the component's dates
    (raise ``InputError``). ``example`` is a settings table that validates, used by
    ``engage init`` (TOML-able values only). ``plugin`` is filled in by the engine.
    """

    name: str
    summary: str
    _settings: type | str = attrs.field(alias="settings")
    version: str | None = None
    plugin: str | None = None
    _example: dict[str, Any] | str | None = attrs.field(default=None, eq=False, alias="example")
    #: The plugin contract versions the model supports (``">=2,<3"``), checked against
    #: ``engagekit.CONTRACT_VERSION`` at start-up; None: not stated.
    contract: str | None = None
    _resolved: list[type] = attrs.field(init=False, factory=list, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self._settings, str):
            self._resolved.append(_check_settings(self._settings))

    @property
    def settings(self) -> type:
        """The settings class (imported now if it was given as a reference); a reference that
        cannot be imported is a ``PluginError`` naming the plugin and the model."""
        if not self._resolved:
            try:
                self._resolved.append(_check_settings(self._settings))
            except Exception as exc:
                from engagekit.errors import PluginError

                raise PluginError(
                    f"plugin {self.plugin!r}: the settings {self._settings!r} of model "
                    f"{self.name!r} cannot be loaded: {type(exc).__name__}: {exc}",
                    plugin=self.plugin,
                ) from exc
        return self._resolved[0]

    @property
    def example(self) -> dict[str, Any] | None:
        """The example settings table (imported now if it was given as a reference)."""
        if isinstance(self._example, str):
            value = _resolve(self._example, "example")
            if not isinstance(value, dict):
                raise TypeError(f"example {self._example!r} is not a table (dict)")
            return value
        return self._example
