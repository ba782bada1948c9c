import csv
import io
from datetime import date
from decimal import Decimal

import attrs
import engagekit_xero

import engagekit
from engagekit.exports import exporters
from engagekit.ledger.record import (
    AdjustmentVat,
    Books,
    Buyer,
    IssuedInvoice,
    LineVat,
    Payment,
    RecordAdjustment,
    RecordLine,
    RecordPeriod,
    Reference,
    Seller,
    SourceFile,
    Sources,
    Versions,
)

S19 = LineVat("S", Decimal("19.00"))
INVOICE = IssuedInvoice(
    kind="invoice",
    number="INV-2026-00007",
    series="invoices",
    sequence=7,
    project="Order platform",
    project_file="hybrid.toml",
    period=RecordPeriod(date(2026, 3, 1), date(2026, 3, 31), "2026-03"),
    issue_date=date(2026, 3, 31),
    due_date=date(2026, 4, 30),
    currency="EUR",
    seller=Seller("Kranich Digital GmbH", country="DE", vat_id="DE298765431"),
    buyer=Buyer("nordwind", "Nordwind Handel GmbH", "Speicherstraße 4", "Hamburg", "20457", "DE"),
    payment=Payment(30),
    lines=(
        RecordLine(
            1,
            "Build",
            "time-material",
            "Anton Weiss (developer)",
            Decimal("175"),
            "h",
            "HUR",
            Decimal("95.00"),
            Decimal("16625.00"),
            vat=S19,
        ),
        RecordLine(
            2,
            "Build",
            "time-material",
            "Lea Brandt (lead)",
            Decimal("52.3"),
            "h",
            "HUR",
            Decimal("120.00"),
            Decimal("6276.00"),
            vat=S19,
        ),
    ),
    subtotal=Decimal("22901.00"),
    adjustments=(
        RecordAdjustment(
            "volume discount",
            "discount",
            "-3%",
            Decimal("22901.00"),
            Decimal("-687.03"),
            (AdjustmentVat("S", Decimal("19.00"), Decimal("-687.03")),),
        ),
        RecordAdjustment("VAT 19%", "tax", "19%", Decimal("22213.97"), Decimal("4220.65")),
    ),
    vat_breakdown=(),
    total=Decimal("26434.62"),
    books=Books("EUR", Decimal(1), Decimal("26434.62")),
    sources=Sources(SourceFile("hybrid.toml", "0" * 64)),
    versions=Versions("test"),
)


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_the_format_is_installed():
    engine = engagekit.create_engine()
    spec = exporters(engine)["xero"]
    assert spec.plugin == "xero" and spec.suffix == ".csv"


def test_one_row_per_line_and_discount_adding_up_to_the_net_total():
    out = rows(engagekit_xero.sales_invoices_csv([INVOICE]))
    assert [r["*Description"] for r in out] == [
        "Build: Anton Weiss (developer)",
        "Build: Lea Brandt (lead)",
        "volume discount",
    ]
    assert {r["*InvoiceNumber"] for r in out} == {"INV-2026-00007"}
    assert {r["*InvoiceDate"] for r in out} == {"31/03/2026"}
    assert {r["*TaxType"] for r in out} == {"19% (VAT on Income)"}
    net = sum(Decimal(r["*Quantity"]) * Decimal(r["*UnitAmount"]) for r in out)
    assert net == INVOICE.total - Decimal("4220.65")


def test_a_credit_note_is_negative_and_names_what_it_credits():
    note = attrs.evolve(
        INVOICE,
        kind="credit_note",
        number="CN-2026-00001",
        corrects=Reference("INV-2026-00007", date(2026, 3, 31)),
    )
    out = rows(engagekit_xero.sales_invoices_csv([INVOICE, note]))
    credited = [r for r in out if r["*InvoiceNumber"] == "CN-2026-00001"]
    assert {r["*Quantity"] for r in credited} == {"-1"}
    assert "credits INV-2026-00007" in credited[0]["Reference"]
