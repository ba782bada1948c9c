"""In-process model plugins for the hybrid and report tests, so that they don't depend on the
built-in models: each behaves as its settings say (a simulated effort distribution, a monthly
amount, a person or role at some FTE, SLA figures)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, Literal

import attrs

import engagekit


@attrs.frozen
class FakeSettings:
    #: ``normal``: effort ~ N(hours, spread * hours); ``coin``: ``hours`` with probability
    #: ``spread``, else 0; ``point``: exactly ``hours`` with no samples.
    kind: Literal["normal", "coin", "point"] = "point"
    hours: Decimal = Decimal(100)
    spread: Decimal = Decimal("0.2")
    rate: Decimal = Decimal(100)
    cost_rate: Decimal = Decimal(60)
    #: Billed each month the component is active (one line), or nothing when 0.
    monthly: Decimal = Decimal(0)
    description: str = "monthly service"
    role: str = "developer"
    person: str = ""
    fte: Decimal = Decimal(1)
    status: str = "planned"
    #: Months (YYYY-MM) in which bill raises an InputError (data missing).
    fail_months: tuple[str, ...] = ()
    sla: bool = False


def draw(settings: FakeSettings, seed: int, trials: int) -> Any:
    """The fake model's effort samples: the same draws the plugin makes, for direct checks."""
    import numpy as np

    rng = np.random.default_rng(seed)
    hours = float(settings.hours)
    if settings.kind == "normal":
        return rng.normal(hours, float(settings.spread) * hours, trials)
    if settings.kind == "coin":
        return np.where(rng.random(trials) < float(settings.spread), hours, 0.0)
    raise ValueError(settings.kind)


class FakeModel:
    """A model named ``name`` (``fake`` by default)."""

    def __init__(self, name: str = "fake") -> None:
        self.name = name

    @engagekit.hookimpl
    def register_models(self, register: Callable[[engagekit.ModelSpec], None]) -> None:
        register(engagekit.ModelSpec(self.name, "A test model", FakeSettings, version="0"))

    @engagekit.hookimpl
    def estimate(
        self,
        project: engagekit.Project,
        component: engagekit.Component,
        options: engagekit.EstimateOptions,
    ) -> engagekit.ComponentEstimate:
        s: FakeSettings = component.settings
        cur = project.currency
        if s.kind == "point":
            hours = s.hours
            return engagekit.ComponentEstimate(
                component.name,
                self.name,
                cost=engagekit.Money(hours * s.cost_rate, cur),
                price=engagekit.Money(hours * s.rate, cur),
                effort_hours=engagekit.Distribution.point(hours),
            )
        effort = draw(s, options.seed_for(component.name), options.trials)
        dist = engagekit.Distribution.from_samples(effort)
        return engagekit.ComponentEstimate(
            component.name,
            self.name,
            cost=engagekit.Money(dist.p50 * s.cost_rate, cur),
            price=engagekit.Money(dist.p50 * s.rate, cur),
            effort_hours=dist,
            samples=engagekit.Samples(effort, effort * float(s.cost_rate)),
        )

    @engagekit.hookimpl
    def bill(
        self,
        project: engagekit.Project,
        component: engagekit.Component,
        period: engagekit.Period,
    ) -> engagekit.ComponentBill:
        s: FakeSettings = component.settings
        if period.label in s.fail_months:
            raise engagekit.InputError(
                f"no timesheet data for {period.label}", where="fake.csv", field="date"
            )
        lines = []
        if s.monthly and period.overlaps(component.start, component.end):
            amount = engagekit.Money(s.monthly, project.currency)
            lines.append(
                engagekit.InvoiceLine(
                    component.name,
                    s.description,
                    Decimal(1),
                    "month",
                    amount,
                    amount.rounded(),
                )
            )
        return engagekit.ComponentBill(component.name, self.name, tuple(lines))

    @engagekit.hookimpl
    def staff(
        self, project: engagekit.Project, component: engagekit.Component
    ) -> engagekit.ComponentStaffing:
        s: FakeSettings = component.settings
        rows = []
        for month in engagekit.Period.days(component.start, component.end).months():
            part = month.clip(component.start, component.end)
            assert part is not None
            rows.append(
                engagekit.StaffingRow(
                    component.name,
                    part,
                    s.role,
                    s.fte,
                    person=s.person or None,
                    status=s.status,
                )
            )
        return engagekit.ComponentStaffing(component.name, self.name, tuple(rows))

    @engagekit.hookimpl
    def measure_service(
        self,
        project: engagekit.Project,
        component: engagekit.Component,
        period: engagekit.Period | None,
    ) -> engagekit.ServiceMeasure:
        s: FakeSettings = component.settings
        if not s.sla:
            return engagekit.ServiceMeasure(
                component.name, self.name, metrics={"burn_pct": Decimal("42.5")}
            )
        return engagekit.ServiceMeasure(
            component.name,
            self.name,
            metrics={"availability_pct": Decimal("99.87"), "incidents": 12},
            tables={"priorities": sla_rows()},
            status="at-risk",
        )


def sla_rows() -> list[dict[str, Any]]:
    return [
        {
            "priority": "P1",
            "incidents": 2,
            "met": 1,
            "breached": 1,
            "compliance_pct": Decimal("50.0"),
        },
        {
            "priority": "P2",
            "incidents": 4,
            "met": 4,
            "breached": 0,
            "compliance_pct": Decimal("100.0"),
        },
        {
            "priority": "P3",
            "incidents": 6,
            "met": 5,
            "breached": 1,
            "compliance_pct": Decimal("83.3"),
        },
        {"priority": "P4", "incidents": 0, "met": 0, "breached": 0, "compliance_pct": None},
    ]


class AdjustmentPlugin:
    """Contributes fixed adjustment rules, as a third party's tax or discount plugin would."""

    def __init__(self, *rules: engagekit.Adjustment) -> None:
        self.rules = rules

    @engagekit.hookimpl
    def invoice_adjustments(self) -> list[engagekit.Adjustment]:
        return list(self.rules)


def project_dict(
    components: list[dict[str, Any]],
    adjustments: list[dict[str, Any]] | None = None,
    name: str = "Hybrid test",
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "project": {"name": name, "currency": "EUR", "client": "ACME"},
        "components": [
            {"model": "fake", "start": date(2026, 1, 1), "end": date(2026, 3, 31), **c}
            for c in components
        ],
    }
    if adjustments:
        doc["adjustments"] = adjustments
    return doc
