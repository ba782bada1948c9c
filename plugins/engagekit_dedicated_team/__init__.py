"""engagekit model plugin: dedicated-team. A dedicated team (offshore development centre), billed T&M or Cost+."""

from __future__ import annotations

import attrs

import engagekit

MODEL = "dedicated-team"


@attrs.frozen
class Settings:
    """Settings of a dedicated-team component."""


@engagekit.hookimpl
def register_models(register):  # type: ignore[no-untyped-def]
    register(engagekit.ModelSpec(name=MODEL, summary="A dedicated team (offshore development centre), billed T&M or Cost+", settings=Settings))
