"""Every invoice and credit note of a year of the bundled workspace, in UBL and CII, passes the
official XSD and the EN 16931 schematron with no fatal rule failing; and the cases EN 16931
treats specially (several rates, reverse charge, allowances and charges, credit notes, currencies
without two decimals, a buyer outside the EU)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from engagekit.exports import cii, ubl, validation
from engagekit.exports.en16931 import terms

from .conftest import flat, project

pytestmark = pytest.mark.skipif(not validation.available(), reason="saxonche is not installed")


def assert_valid(record, syntax: str) -> bytes:
    """Generated without the exporter's own checks, then XSD and schematron here."""
    xml = (ubl if syntax == "ubl" else cii).generate(terms(record, syntax))
    validation.xsd(xml, syntax, record.kind == "credit_note")  # type: ignore[arg-type]
    fatal = [f.render() for f in validation.schematron(xml, syntax) if f.fatal]  # type: ignore[arg-type]
    assert fatal == [], f"{record.number} ({syntax}):\n" + "\n".join(fatal)
    return xml


def test_the_packages_own_xsd_check_agrees(year):
    """``facturx.xml_check_xsd`` (which parses the schema on every call) on one invoice and
    one credit note per syntax; the year runs on the same schema files parsed once."""
    from facturx import xml_check_xsd

    note = next(r for r in year if r.kind == "credit_note")
    for record, flavor in ((year[0], "ubl-2.1-invoice"), (note, "ubl-2.1-creditnote")):
        assert xml_check_xsd(ubl.export(record), flavor=flavor, level="en16931")
        assert xml_check_xsd(cii.export(record), flavor="factur-x", level="en16931")


def test_a_year_of_the_bundled_workspace_validates(year):
    kinds = {r.kind for r in year}
    assert kinds == {"invoice", "credit_note"}
    assert len(year) > 40
    for record in year:
        for syntax in ("ubl", "cii"):
            assert_valid(record, syntax)


def amounts(xml: bytes, path: str) -> list[str]:
    ns = {
        "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
        "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    }
    return [e.text for e in etree.fromstring(xml).xpath(path, namespaces=ns)]


def test_totals_are_the_ledgers_to_the_cent(year):
    for record in year[:10]:
        xml = ubl.export(record)
        assert amounts(xml, "//cac:LegalMonetaryTotal/cbc:PayableAmount") == [
            format(record.total, "f")
        ]
        assert amounts(xml, "//cac:LegalMonetaryTotal/cbc:LineExtensionAmount") == [
            format(record.subtotal, "f")
        ]
        vat = sum((v.amount for v in record.vat_breakdown), Decimal(0))
        assert amounts(xml, "/*/cac:TaxTotal/cbc:TaxAmount") == [format(vat, "f")]


def test_multi_rate_vat_with_a_discount_and_a_fee(issue):
    record = issue(
        project(
            "berlin",
            "EUR",
            [
                flat("Build", "101.5", "97.35"),
                flat("Training", "3", "1249.99", {"category": "S", "rate": Decimal(7)}, unit="day"),
                flat("Books", "1", "180.00", {"category": "Z"}, unit="piece"),
            ],
            vat={"category": "S", "rate": Decimal(19)},
            adjustments=[
                {"name": "loyalty", "stage": "discount", "percent": Decimal("-2.5")},
                {
                    "name": "admin fee",
                    "stage": "fee",
                    "amount": Decimal("49.90"),
                    "vat": {"category": "S", "rate": Decimal(19)},
                },
            ],
        )
    )
    assert {(v.category, v.rate) for v in record.vat_breakdown} == {
        ("S", Decimal(19)),
        ("S", Decimal(7)),
        ("Z", Decimal(0)),
    }
    discount = next(a for a in record.adjustments if a.stage == "discount")
    assert len(discount.vat) == 3 and sum(v.amount for v in discount.vat) == discount.amount
    for syntax in ("ubl", "cii"):
        xml = assert_valid(record, syntax)
    assert len(amounts(xml, "//cbc:AllowanceTotalAmount")) == 0  # CII here; UBL below
    ubl_xml = assert_valid(record, "ubl")
    assert amounts(ubl_xml, "//cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount") == [
        format(-discount.amount, "f")
    ]
    assert amounts(ubl_xml, "//cac:LegalMonetaryTotal/cbc:ChargeTotalAmount") == ["49.90"]


def test_a_reverse_charged_component_beside_a_standard_rated_one(issue):
    record = issue(
        project(
            "paris",
            "EUR",
            [
                flat("Build", "160", "95"),
                flat("Cloud resale", "1", "2400", {"category": "AE"}, unit="month"),
            ],
            vat={"category": "S", "rate": Decimal(19)},
        )
    )
    ae = next(v for v in record.vat_breakdown if v.category == "AE")
    assert (ae.amount, ae.exemption_reason) == (Decimal("0.00"), "Reverse charge")
    for syntax in ("ubl", "cii"):
        assert_valid(record, syntax)


def test_intra_community_supply(issue):
    record = issue(project("paris", "EUR", [flat("Build", "10", "100")], vat={"category": "K"}))
    for syntax in ("ubl", "cii"):
        assert_valid(record, syntax)


def test_a_credit_note_references_the_invoice_it_corrects(year):
    note = next(r for r in year if r.kind == "credit_note")
    xml = assert_valid(note, "ubl")
    assert etree.fromstring(xml).tag.endswith("CreditNote")
    assert amounts(xml, "//cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == [
        note.corrects.number
    ]
    cii_xml = assert_valid(note, "cii")
    assert b"<ram:TypeCode>381</ram:TypeCode>" in cii_xml
    assert note.corrects.number.encode() in cii_xml


def test_jpy_has_no_minor_unit(issue):
    record = issue(project("tokyo", "JPY", [flat("Build", "160", "12500")], vat={"category": "O"}))
    xml = assert_valid(record, "ubl")
    assert amounts(xml, "//cac:LegalMonetaryTotal/cbc:PayableAmount") == ["2000000"]
    assert_valid(record, "cii")


def test_a_client_outside_the_eu_in_kwd(issue):
    record = issue(
        project("kuwait", "KWD", [flat("Build", "120", "38.250")], vat={"category": "O"})
    )
    assert record.total == Decimal("4590.000")
    xml = assert_valid(record, "ubl")
    # EN 16931 writes two decimals (BR-DEC); 4590.000 is 4590.00 exactly.
    assert amounts(xml, "//cac:LegalMonetaryTotal/cbc:PayableAmount") == ["4590.00"]
    # Not subject to VAT: no VAT identifiers on the invoice (BR-O-02).
    assert b"DE298765431" not in xml
    assert_valid(record, "cii")


def test_a_kwd_amount_with_three_decimals_is_refused_not_rounded(issue):
    from engagekit.exports import MissingTerms

    record = issue(project("kuwait", "KWD", [flat("Build", "1", "38.255")], vat={"category": "O"}))
    with pytest.raises(MissingTerms, match="BR-DEC"):
        terms(record, "ubl")


def test_the_schematron_catches_a_total_that_does_not_add_up(year):
    xml = ubl.export(year[0])
    wrong = xml.replace(
        f'<cbc:PayableAmount currencyID="EUR">{year[0].total}</cbc:PayableAmount>'.encode(),
        b'<cbc:PayableAmount currencyID="EUR">1.00</cbc:PayableAmount>',
    )
    assert wrong != xml
    rules = {f.rule for f in validation.schematron(wrong, "ubl") if f.fatal}
    assert "BR-CO-16" in rules
    with pytest.raises(validation.InvalidExport, match="BR-CO-16"):
        validation.check(wrong, "ubl", year[0].number, False)
