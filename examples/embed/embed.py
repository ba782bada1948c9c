"""An in-house tool embedding engagekit: load a project, add a plugin in-process, estimate, bill.

Run it: python examples/embed/embed.py
The project (embed.toml) uses a model this script defines itself, `workshop` (training days at a
day rate), next to the installed models; and an in-process plugin adds a travel surcharge.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs

import engagekit
from engagekit.validate import positive


@attrs.frozen
class WorkshopSettings:
    days: int = attrs.field(validator=positive)
    day_rate: Decimal = attrs.field(validator=positive)
    trainer_cost: Decimal = attrs.field(validator=positive)


class WorkshopModel:
    """A tiny model, registered in-process: no package, no entry point."""

    @engagekit.hookimpl
    def register_models(self, register):
        register(engagekit.ModelSpec("workshop", "Training days at a day rate", WorkshopSettings))

    @engagekit.hookimpl
    def estimate(self, project, component, options):
        if component.model != "workshop":
            return None
        s = component.settings
        return engagekit.ComponentEstimate(
            component.name,
            "workshop",
            cost=project.money(s.trainer_cost * s.days).rounded(),
            price=project.money(s.day_rate * s.days).rounded(),
            effort_hours=engagekit.Distribution.point(Decimal(8 * s.days)),
        )

    @engagekit.hookimpl
    def bill(self, project, component, period):
        if component.model != "workshop":
            return None
        if component.end not in period:  # billed when delivered
            return engagekit.ComponentBill(component.name, "workshop")
        s = component.settings
        rate = project.money(s.day_rate)
        line = engagekit.InvoiceLine(
            component.name,
            f"{s.days} workshop days",
            Decimal(s.days),
            "day",
            rate,
            (rate * s.days).rounded(),
        )
        return engagekit.ComponentBill(component.name, "workshop", (line,))


class TravelSurcharge:
    """An in-house rule: 4% travel surcharge on every invoice, before tax."""

    @engagekit.hookimpl
    def invoice_adjustments(self, invoice):
        return [engagekit.Adjustment.percent("Travel", "surcharge", Decimal(4), "4% travel")]


def main() -> None:
    engine = engagekit.create_engine(plugins=[WorkshopModel(), TravelSurcharge()])
    project = engine.load_project(Path(__file__).with_name("embed.toml"))

    estimate = engine.estimate(project, seed=1, trials=2_000)
    print(f"{project.name}: price {estimate.price}, cost {estimate.cost}, margin {estimate.margin}")

    bill = engine.bill(project, engagekit.Period.parse("2026-03"))
    for invoice in bill.invoices:
        for line in invoice.lines:
            print(f"  {line.component:<10} {line.description:<28} {line.amount}")
        for adj in invoice.adjustments:
            print(f"  {'':<10} {adj.name:<28} {adj.amount}")
        print(f"  {'':<10} {'total':<28} {invoice.total}")


if __name__ == "__main__":
    main()
