"""The core's own plugin: the ``[[adjustments]]`` of a project file as invoice adjustments.

A percentage applies to the running total (all components) or, with ``components = [...]``, to
the subtotal of those components' lines; ``min_subtotal`` makes it conditional (a volume
discount from a threshold). A fixed ``amount`` applies to the project-currency invoice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engagekit.markers import hookimpl

if TYPE_CHECKING:
    from engagekit.money import Money
    from engagekit.period import Period
    from engagekit.project import AdjustmentSpec, Project
    from engagekit.results import Adjustment, Invoice


def _rule(spec: AdjustmentSpec, currency: str) -> Adjustment | None:
    from engagekit.money import Money
    from engagekit.results import Adjustment

    def compute(running: Money, invoice: Invoice) -> Money:
        if spec.min_subtotal is not None and invoice.subtotal.amount < spec.min_subtotal:
            return Money.zero(currency)
        if spec.amount is not None:
            return spec.amount
        assert spec.percent is not None
        if spec.components:
            subtotals = invoice.subtotals()
            basis = Money.total((subtotals[c] for c in spec.components if c in subtotals), currency)
        else:
            basis = running
        return basis * spec.percent / 100

    if spec.amount is not None and spec.amount.currency != currency:
        return None
    return Adjustment(
        spec.name,
        spec.stage,  # type: ignore[arg-type]
        compute,
        _describe(spec),
        vat=spec.vat,
        components=spec.components,
    )


def _describe(spec: AdjustmentSpec) -> str:
    if spec.amount is not None:
        return f"{spec.amount}"
    scope = f" of {', '.join(spec.components)}" if spec.components else ""
    cond = f" (subtotal at least {spec.min_subtotal})" if spec.min_subtotal is not None else ""
    return f"{spec.percent}%{scope}{cond}"


@hookimpl
def invoice_adjustments(project: Project, period: Period, invoice: Invoice) -> list[Adjustment]:
    rules = [_rule(spec, invoice.currency) for spec in project.adjustments]
    return [r for r in rules if r is not None]
