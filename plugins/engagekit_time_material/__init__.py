"""engagekit model plugin: time-material. Hours of work at agreed rates, billed from timesheets."""

from __future__ import annotations

import attrs

import engagekit

MODEL = "time-material"


@attrs.frozen
class Settings:
    """Settings of a time-material component."""


@engagekit.hookimpl
def register_models(register):  # type: ignore[no-untyped-def]
    register(engagekit.ModelSpec(name=MODEL, summary="Hours of work at agreed rates, billed from timesheets", settings=Settings))
