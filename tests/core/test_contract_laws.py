"""The laws of engagekit.testing: each one fails, with a message, for a model that breaks it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest

import engagekit
from engagekit.testing import check_model


@attrs.frozen
class Empty:
    pass


@attrs.frozen
class Breaks:
    """A model that keeps every law but the one named by ``law``."""

    law: str = ""

    @engagekit.hookimpl
    def register_models(self, register):  # type: ignore[no-untyped-def]
        register(engagekit.ModelSpec("lawful", "a model for the law tests", Empty))

    @engagekit.hookimpl
    def estimate(self, project, component, options):  # type: ignore[no-untyped-def]
        warnings = ("",) if self.law == "empty warning" else ()
        return engagekit.ComponentEstimate(
            component.name, "lawful", project.money(0), project.money(100), warnings=warnings
        )

    @engagekit.hookimpl
    def bill(self, project, component, period):  # type: ignore[no-untyped-def]
        # a fee of 31.00 a month, a day's share per day billed: the parts add up
        part = period.clip(component.start, component.end)
        days = part.length if part is not None else 0
        amount = project.money(days).rounded()
        if self.law == "part months" and period != engagekit.Period.of_month(period.start):
            amount = project.money(days + 1).rounded()  # a cent-drifting proration
        quantity = Decimal(days) / Decimal(31) if self.law == "precision" else Decimal(days)
        line = engagekit.InvoiceLine(
            component.name, "fee", quantity, "day", project.money(1), amount, "fee"
        )
        return engagekit.ComponentBill(component.name, "lawful", (line,) if days else ())

    @engagekit.hookimpl
    def staff(self, project, component):  # type: ignore[no-untyped-def]
        fte = Decimal(-1) if self.law == "negative fte" else Decimal(1)
        hours = Decimal(-8) if self.law == "negative hours" else Decimal(8)
        row = engagekit.StaffingRow(
            component.name,
            engagekit.Period.of_month(component.start),
            "dev",
            fte,
            hours=hours,
        )
        return engagekit.ComponentStaffing(component.name, "lawful", (row,))

    @engagekit.hookimpl
    def measure_service(self, project, component, period):  # type: ignore[no-untyped-def]
        value = Decimal("NaN") if self.law == "nan" else Decimal(1)
        value = float("inf") if self.law == "infinity" else value
        status = "fine" if self.law == "status" else "on-track"
        return engagekit.ServiceMeasure(component.name, "lawful", {"x": value}, status=status)


def _check(law: str) -> None:
    engine = engagekit.create_engine(plugins=[Breaks(law)], entry_points=False, strict=True)
    project = engagekit.Project(
        name="p",
        currency="EUR",
        components=(
            engagekit.Component("c", "lawful", date(2026, 3, 1), date(2026, 3, 31), Empty()),
        ),
    )
    check_model(engine, project, "lawful", engagekit.Period.parse("2026-03"))


def test_a_lawful_model_passes():
    _check("")


@pytest.mark.parametrize(
    ("law", "message"),
    [
        ("part months", "add up to"),
        ("precision", "quantize quantities"),
        ("negative fte", "negative FTE"),
        ("negative hours", "negative hours"),
        ("nan", "metrics are finite"),
        ("infinity", "metrics are finite"),
        ("status", "status 'fine' is not one of"),
        ("empty warning", "every estimate warning is a message"),
    ],
)
def test_each_law_fails_with_a_message(law, message):
    with pytest.raises(AssertionError, match=message):
        _check(law)
