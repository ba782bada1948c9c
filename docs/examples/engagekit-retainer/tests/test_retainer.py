from decimal import Decimal
from pathlib import Path

import engagekit
from engagekit.testing import ModelContract

EXAMPLE = Path(__file__).resolve().parents[1] / "example" / "retainer.toml"


class TestRetainerContract(ModelContract):
    model = "retainer"
    project_file = EXAMPLE
    period = "2026-03"


def test_march_bills_fee_and_overage(engagekit_engine):
    project = engagekit_engine.load_project(EXAMPLE)
    bill = engagekit_engine.bill(project, engagekit.Period.parse("2026-03"))
    (invoice,) = bill.invoices
    # March: 56.25 h used, 40 included, February left nothing to roll over -> 16.25 h overage.
    assert [line.amount.amount for line in invoice.lines] == [
        Decimal("4000.00"),
        Decimal("1787.50"),
    ]
    assert invoice.total.amount == Decimal("5787.50")


def test_rollover_absorbs_overage(engagekit_engine):
    project = engagekit_engine.load_project(EXAMPLE)
    # January used 28.5 h: 11.5 h roll into February, which used 57 h: 57 - 40 - 11.5 = 5.5 h.
    bill = engagekit_engine.bill(project, engagekit.Period.parse("2026-02"))
    overage = [line for line in bill.invoices[0].lines if line.kind == "overage"]
    assert overage[0].quantity == Decimal("5.5")
