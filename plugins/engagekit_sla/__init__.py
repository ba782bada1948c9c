"""engagekit model plugin: sla. Managed services under service levels, with credits."""

from __future__ import annotations

import attrs

import engagekit

MODEL = "sla"


@attrs.frozen
class Settings:
    """Settings of a sla component."""


@engagekit.hookimpl
def register_models(register):  # type: ignore[no-untyped-def]
    register(engagekit.ModelSpec(name=MODEL, summary="Managed services under service levels, with credits", settings=Settings))
