"""engagekit model plugin: fixed-price. A defined scope for a fixed price, phased min-max estimates."""

from __future__ import annotations

import attrs

import engagekit

MODEL = "fixed-price"


@attrs.frozen
class Settings:
    """Settings of a fixed-price component."""


@engagekit.hookimpl
def register_models(register):  # type: ignore[no-untyped-def]
    register(engagekit.ModelSpec(name=MODEL, summary="A defined scope for a fixed price, phased min-max estimates", settings=Settings))
