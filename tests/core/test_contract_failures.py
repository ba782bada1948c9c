"""``check_failures`` (ModelContract): every failure of a model on broken input is an input
error with a message, and validation rejects first what a hook would reject."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

import attrs
import pytest

import engagekit
from engagekit.testing import check_failures

PERIOD = engagekit.Period.parse("2026-03")


@attrs.frozen
class Settings:
    fee: Decimal
    hours: engagekit.DataFile


def _hours(component: engagekit.Component) -> Decimal:
    with open(component.settings.hours.path, newline="") as f:
        total = Decimal(0)
        for n, row in enumerate(csv.DictReader(f), start=2):
            try:
                total += Decimal(row["hours"])
            except InvalidOperation:
                raise engagekit.InputError(
                    f"{row['hours']!r} is not a number",
                    where=component.settings.hours.path,
                    row=n,
                    field="hours",
                ) from None
        return total


@attrs.frozen
class Metered:
    """Bills fee x hours; ``flaw`` names the way it fails badly, or is empty."""

    flaw: str = ""

    @engagekit.hookimpl
    def register_models(self, register):  # type: ignore[no-untyped-def]
        register(engagekit.ModelSpec("metered", "fee per hour", Settings))

    @engagekit.hookimpl
    def check_component(self, component):  # type: ignore[no-untyped-def]
        if self.flaw != "validation misses the data file":
            _hours(component)
        if component.settings.fee <= 0:
            raise engagekit.InputError("the fee must be positive", field="settings.fee")

    def _fee(self, project, component):  # type: ignore[no-untyped-def]
        if component.settings.fee <= 0:
            if self.flaw == "empty message":
                raise engagekit.InputError("")
            if self.flaw == "not an input error":
                raise ValueError("negative fee")
        return project.money(component.settings.fee * _hours(component)).rounded()

    @engagekit.hookimpl
    def estimate(self, project, component):  # type: ignore[no-untyped-def]
        fee = self._fee(project, component)
        return engagekit.ComponentEstimate(component.name, "metered", fee, fee)

    @engagekit.hookimpl
    def bill(self, project, component, period):  # type: ignore[no-untyped-def]
        fee = self._fee(project, component)
        line = engagekit.InvoiceLine(component.name, "hours", Decimal(1), "lot", fee, fee)
        return engagekit.ComponentBill(component.name, "metered", (line,))

    @engagekit.hookimpl
    def staff(self, component):  # type: ignore[no-untyped-def]
        return engagekit.ComponentStaffing(component.name, "metered", ())

    @engagekit.hookimpl
    def measure_service(self, component):  # type: ignore[no-untyped-def]
        return engagekit.ServiceMeasure(component.name, "metered", {})


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    (tmp_path / "hours.csv").write_text("day,hours\n2026-03-02,4\n2026-03-03,3.5\n")
    path = tmp_path / "metered.toml"
    path.write_text(
        '[project]\nname = "m"\ncurrency = "EUR"\n\n[[components]]\nname = "Run"\n'
        'model = "metered"\nstart = 2026-03-01\nend = 2026-03-31\n\n'
        '[components.settings]\nfee = 100\nhours = "hours.csv"\n'
    )
    return path


def _check(flaw: str, project_file: Path, tmp_path: Path) -> None:
    engine = engagekit.create_engine(plugins=[Metered(flaw)], entry_points=False, strict=True)
    check_failures(engine, project_file, "metered", PERIOD, tmp_path / "broken")


def test_a_model_that_fails_well_passes(project_file, tmp_path):
    _check("", project_file, tmp_path)


@pytest.mark.parametrize(
    ("flaw", "message"),
    [
        ("empty message", r"settings.fee = -100 \(negated\): estimate raised an input error "
         "without a message"),
        ("not an input error", r"settings.fee = -100 \(negated\): plugin .* raised ValueError"),
        ("validation misses the data file", r"settings.hours \(hours.csv\) with a row of "
         "nonsense: validation accepts it but estimate rejects it"),
    ],
)  # fmt: skip
def test_a_model_that_fails_badly_is_caught_naming_the_broken_input(
    flaw, message, project_file, tmp_path
):
    with pytest.raises(AssertionError, match=message):
        _check(flaw, project_file, tmp_path)
