"""What the hooks return and what the engine combines them into.

Per component: ``ComponentEstimate``, ``ComponentBill``, ``ComponentStaffing``, ``ServiceMeasure``.
Per project: ``ProjectEstimate``, ``ProjectBill`` (one ``Invoice`` per currency), ``StaffPlan``,
``ServiceReport``. ``details``, ``metrics`` and ``tables`` hold a model's own figures; their values
are JSON-able (str, int, bool, None, Decimal, date, Money, and lists and dicts of them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import attrs

from engagekit.errors import InputError
from engagekit.modelspec import ModelSpec
from engagekit.money import Money
from engagekit.period import Period
from engagekit.project import STAGES
from engagekit.vat import Vat, VatAmount, VatShare

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = [
    "STAGES",
    "Adjustment",
    "AppliedAdjustment",
    "ComponentBill",
    "ComponentEstimate",
    "ComponentStaffing",
    "Distribution",
    "EstimateOptions",
    "Invoice",
    "InvoiceLine",
    "ModelSpec",
    "ProjectBill",
    "ProjectEstimate",
    "Samples",
    "ServiceMeasure",
    "ServiceReport",
    "StaffPlan",
    "StaffingRow",
]

Stage = Literal["discount", "surcharge", "fee", "tax"]


#: The most trials a simulation runs. The models draw in chunks of a fixed size, but keep one
#: float64 per trial of each quantity they report (a component's effort and cost for the joint
#: percentiles, a phase's, a month's headcount); a million keeps a project of a few dozen such
#: quantities within a few hundred MB.
MAX_TRIALS = 1_000_000


def _check_trials(instance: object, attribute: object, value: int) -> None:
    if not 1 <= value <= MAX_TRIALS:
        raise InputError(
            f"trials must be between 1 and {MAX_TRIALS:,} (got {value:,})", field="trials"
        )


@attrs.frozen
class EstimateOptions:
    """How to run estimates: ``seed`` and ``trials`` of every Monte Carlo simulation, and the
    ``workers`` (processes) a simulation may use. A simulation's results depend on the seed,
    the trials and the workers only (each worker draws its own range of trials from a child
    seed), never on the machine or the load."""

    seed: int = 20260101
    trials: int = attrs.field(default=10_000, validator=_check_trials)
    workers: int = 1

    def seed_for(self, component: str) -> int:
        """A seed of this run for one component, stable across runs and Python processes."""
        import hashlib

        digest = hashlib.blake2b(f"{self.seed}:{component}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big")


# -- estimates -----------------------------------------------------------------------------------


@attrs.frozen
class Distribution:
    """Percentiles (and the mean) of a simulated quantity."""

    p50: Decimal
    p80: Decimal
    p90: Decimal
    mean: Decimal | None = None

    @classmethod
    def point(cls, value: Decimal) -> Distribution:
        return cls(value, value, value, value)

    @classmethod
    def from_samples(cls, samples: NDArray[np.float64], places: int = 1) -> Distribution:
        import numpy as np

        from engagekit.quantiles import percentiles

        q = Decimal(1).scaleb(-places)
        p50, p80, p90 = percentiles(samples, [50, 80, 90])
        return cls(
            Decimal(repr(float(p50))).quantize(q),
            Decimal(repr(float(p80))).quantize(q),
            Decimal(repr(float(p90))).quantize(q),
            Decimal(repr(float(np.mean(samples)))).quantize(q),
        )


@attrs.frozen(eq=False)
class Samples:
    """Per-trial draws of one component's simulation, so the engine can sum components per trial.

    Arrays are float64 of length ``trials``; ``cost`` in units of the project currency.
    """

    effort_hours: NDArray[np.float64]
    cost: NDArray[np.float64] | None = None


@attrs.frozen
class ComponentEstimate:
    component: str
    model: str
    cost: Money
    price: Money
    effort_hours: Distribution | None = None
    start: date | None = None
    finish: date | None = None
    samples: Samples | None = attrs.field(default=None, eq=False, repr=False)
    details: dict[str, Any] = attrs.field(factory=dict)
    warnings: tuple[str, ...] = ()
    #: What ``cost`` and ``price`` are: the percentile of the trials (``"P80"``), or None for
    #: point figures (a plan, a fee, a quote).
    basis: str | None = None

    @property
    def margin(self) -> Money:
        return self.price - self.cost


@attrs.frozen
class ProjectEstimate:
    project: str
    currency: str
    components: tuple[ComponentEstimate, ...]
    cost: Money
    price: Money
    effort_hours: Distribution | None
    options: EstimateOptions
    samples: Samples | None = attrs.field(default=None, eq=False, repr=False)
    warnings: tuple[str, ...] = ()

    @property
    def margin(self) -> Money:
        return self.price - self.cost


# -- bills ---------------------------------------------------------------------------------------


@attrs.frozen
class InvoiceLine:
    """One line of an invoice; ``amount`` is rounded to the currency's minor unit."""

    component: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Money
    amount: Money
    kind: str = "service"
    details: dict[str, Any] = attrs.field(factory=dict)
    #: The line's VAT category; the engine fills it from the component's or project's ``vat``
    #: when the model leaves it None.
    vat: Vat | None = None

    def __attrs_post_init__(self) -> None:
        if not self.amount.is_rounded():
            raise ValueError(
                f"invoice line {self.description!r}: amount {self.amount.amount} is not rounded to "
                f"the minor unit of {self.amount.currency}"
            )


@attrs.frozen
class ComponentBill:
    component: str
    model: str
    lines: tuple[InvoiceLine, ...] = ()
    details: dict[str, Any] = attrs.field(factory=dict)
    warnings: tuple[str, ...] = ()


@attrs.frozen
class Adjustment:
    """A rule that adds a line after the subtotal: a discount, surcharge, fee or tax.

    ``compute(running, invoice)`` gets the running total left by the stages before it (all
    earlier stages, then earlier names of the same stage) and returns the signed amount of this
    line; the core rounds it to the minor unit.

    ``vat`` is the VAT category of a discount, surcharge or fee; without one the core splits it
    over the VAT categories of what it applies to (the lines of ``components``, or everything
    so far), in proportion to their amounts.
    """

    name: str
    stage: Stage
    compute: Callable[[Money, Invoice], Money] = attrs.field(eq=False)
    description: str = ""
    vat: Vat | None = None
    components: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.stage not in STAGES:
            raise InputError(
                f"adjustment {self.name!r}: unknown stage {self.stage!r}",
                field="stage",
                hint=f"use one of {', '.join(STAGES)}",
            )

    @classmethod
    def percent(
        cls, name: str, stage: Stage, percent: Decimal, description: str = ""
    ) -> Adjustment:
        """``percent`` of the running total (negative for a discount)."""
        return cls(name, stage, lambda running, _inv: running * percent / 100, description)

    @classmethod
    def fixed(cls, name: str, stage: Stage, amount: Money, description: str = "") -> Adjustment:
        return cls(name, stage, lambda _running, _inv: amount, description)

    @property
    def order(self) -> tuple[int, str]:
        return (STAGES[self.stage], self.name)


@attrs.frozen
class AppliedAdjustment:
    name: str
    stage: str
    amount: Money
    basis: Money
    description: str = ""
    #: How a discount, surcharge or fee splits over VAT categories (shares add up to
    #: ``amount``); empty for taxes and for projects without VAT categories.
    vat: tuple[VatShare, ...] = ()


@attrs.frozen
class Invoice:
    """One invoice of a period in one currency: lines, subtotal, adjustments, total.

    ``total == subtotal + sum(adjustments)`` exactly. With VAT categories (the project's
    ``[vat]``), ``vat_breakdown`` has one row per category and rate, and each row's VAT is one
    of the ``tax`` adjustments.
    """

    period: Period
    currency: str
    lines: tuple[InvoiceLine, ...]
    subtotal: Money
    adjustments: tuple[AppliedAdjustment, ...] = ()
    total: Money | None = None
    vat_breakdown: tuple[VatAmount, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.total is None:
            total = self.subtotal + Money.total((a.amount for a in self.adjustments), self.currency)
            object.__setattr__(self, "total", total)

    def subtotals(self) -> dict[str, Money]:
        """Subtotal per component, in line order."""
        out: dict[str, Money] = {}
        for line in self.lines:
            out[line.component] = out.get(line.component, Money.zero(self.currency)) + line.amount
        return out


@attrs.frozen
class ProjectBill:
    project: str
    period: Period
    invoices: tuple[Invoice, ...]
    components: tuple[ComponentBill, ...]
    warnings: tuple[str, ...] = ()


# -- staffing ------------------------------------------------------------------------------------


@attrs.frozen
class StaffingRow:
    """Planned (or open) staffing of one role or person in one period, as FTE.

    ``status``: ``planned`` (a named person or a role), ``open`` (a seat to fill), ``demand``
    (what the work needs, to compare against the planned rows).
    """

    component: str
    period: Period
    role: str
    fte: Decimal
    person: str | None = None
    hours: Decimal | None = None
    status: str = "planned"


@attrs.frozen
class ComponentStaffing:
    component: str
    model: str
    rows: tuple[StaffingRow, ...] = ()
    details: dict[str, Any] = attrs.field(factory=dict)
    warnings: tuple[str, ...] = ()


@attrs.frozen
class StaffPlan:
    project: str
    rows: tuple[StaffingRow, ...]
    components: tuple[ComponentStaffing, ...]
    warnings: tuple[str, ...] = ()


# -- service measures ----------------------------------------------------------------------------


@attrs.frozen
class ServiceMeasure:
    """A component's measures for a period: scalar ``metrics`` and row ``tables``.

    ``status`` is ``on-track``, ``at-risk`` or ``off-track`` where the model can tell.
    """

    component: str
    model: str
    metrics: dict[str, Any] = attrs.field(factory=dict)
    tables: dict[str, list[dict[str, Any]]] = attrs.field(factory=dict)
    status: str | None = None
    warnings: tuple[str, ...] = ()


@attrs.frozen
class ServiceReport:
    project: str
    period: Period | None
    components: tuple[ServiceMeasure, ...]
    warnings: tuple[str, ...] = ()
