"""A model whose bill kills the process running it (``exit = true``): a worker dying mid-run.

Imported by worker processes through ``EngineSpec(plugins=("tests.portfolio.crashing:plugin",))``.
"""

from __future__ import annotations

import os
from decimal import Decimal

import attrs

import engagekit


@attrs.frozen
class CrashSettings:
    amount: Decimal = Decimal(100)
    exit: bool = False


class CrashModel:
    @engagekit.hookimpl
    def register_models(self, register):
        register(
            engagekit.ModelSpec(
                "crash", "Bills a fixed amount, or kills its process", CrashSettings
            )
        )

    @engagekit.hookimpl
    def bill(self, project, component, period):
        if component.model != "crash":
            return None
        if component.settings.exit:
            os._exit(3)
        amount = project.money(component.settings.amount).rounded()
        line = engagekit.InvoiceLine(component.name, "fixed", Decimal(1), "item", amount, amount)
        return engagekit.ComponentBill(component.name, "crash", (line,))


plugin = CrashModel()


def project_text(name: str, *, exit: bool = False, amount: int = 100) -> str:
    return (
        f'[project]\nname = "{name}"\ncurrency = "EUR"\n\n'
        '[[components]]\nname = "Work"\nmodel = "crash"\nstart = 2026-03-01\nend = 2026-03-31\n\n'
        f"[components.settings]\namount = {amount}\nexit = {str(exit).lower()}\n"
    )
