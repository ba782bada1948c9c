"""Public holidays of one country from the `holidays` package, importing that country only.

``holidays.country_holidays("DE")`` imports the package's ``holidays.countries``, whose
``__init__`` imports every country's module (about 60 ms of start-up to read one calendar).
The package keeps one module per country and a registry of their codes, so here the
``holidays.countries`` package is put in place without running its ``__init__``, and only the
module of the country asked for is imported. Anything that then reaches for another name of
``holidays.countries`` (``from holidays.countries import France``) runs the real ``__init__``
first, so other users of the package see it whole.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys
from types import ModuleType
from typing import Any

__all__ = ["holiday_class"]

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
