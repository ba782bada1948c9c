"""The PDF, Factur-X and JSON formats, the exporter hook, and missing business terms."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import attrs
import pytest

import engagekit
from engagekit.errors import InputError, PluginError
from engagekit.exports import ExporterSpec, MissingTerms, export, exporter, exporters
from engagekit.ledger.record import from_document

from .conftest import flat, project


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_shows_number_total_and_vat_lines(engine, year):
    record = next(r for r in year if any(a.stage == "discount" for a in r.adjustments))
    text = pdf_text(export(engine, record, "pdf"))
    assert record.number in text
    assert f"{record.total:,}" in text
    for row in record.vat_breakdown:
        assert f"VAT {row.rate.normalize():f}% ({row.category}) on {row.basis:,}" in text
        assert f"{row.amount:,}" in text
    discount = next(a for a in record.adjustments if a.stage == "discount")
    assert f"Allowance: {discount.name}" in text
    assert record.buyer.name in text and record.seller.iban in text


def test_a_credit_note_pdf_names_the_invoice_it_corrects(engine, year):
    note = next(r for r in year if r.kind == "credit_note")
    text = pdf_text(export(engine, note, "pdf"))
    assert "CREDIT NOTE" in text and note.number in text
    assert note.corrects.number in text
    assert "Total credited" in text


def test_reverse_charge_reason_is_printed(engine, issue):
    record = issue(project("paris", "EUR", [flat("Build", "10", "100")], vat={"category": "AE"}))
    assert "Reverse charge" in pdf_text(export(engine, record, "pdf"))


def test_facturx_embeds_exactly_the_cii_export(engine, year):
    from facturx import get_xml_from_pdf
    from pypdf import PdfReader

    for record in (year[0], next(r for r in year if r.kind == "credit_note")):
        pdf = export(engine, record, "facturx")
        name, xml = get_xml_from_pdf(pdf, check_xsd=True)
        assert name == "factur-x.xml"
        assert xml == export(engine, record, "cii")
        root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
        xmp = root["/Metadata"].get_object().get_data()
        assert b"<pdfaid:part>3</pdfaid:part>" in xmp  # PDF/A-3 ...
        assert b"<pdfaid:conformance>B</pdfaid:conformance>" in xmp
        assert (
            b"<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
        )  # ... Factur-X EN 16931
        assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"


def test_json_is_the_canonical_record(engine, year):
    data = export(engine, year[0], "json")
    assert from_document(json.loads(data)) == year[0]
    assert (
        data.rstrip(b"\n")
        == json.dumps(
            json.loads(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    )


def test_the_built_in_formats_register_through_the_hook(engine):
    formats = exporters(engine)
    assert {"ubl", "cii", "facturx", "pdf", "json"} <= set(formats)
    assert {formats[f].plugin for f in ("ubl", "cii", "facturx", "pdf", "json")} == {
        "engagekit.exports"
    }


def test_an_unknown_format_lists_the_installed_ones(engine):
    with pytest.raises(InputError) as err:
        exporter(engine, "ulb")
    assert "did you mean 'ubl'" in str(err.value)
    assert "installed formats: cii, facturx, json, pdf, ubl" in str(err.value)


class Csv:
    @engagekit.hookimpl
    def register_exporters(self, register):
        register(
            ExporterSpec("csv", "one row", ".csv", lambda r: f"{r.number},{r.total}\n".encode())
        )


class Thief:
    @engagekit.hookimpl
    def register_exporters(self, register):
        register(ExporterSpec("ubl", "not the real one", ".xml", lambda r: b""))


def test_a_plugin_adds_a_format(year):
    engine = engagekit.create_engine(plugins=[Csv()])
    assert export(engine, year[0], "csv") == f"{year[0].number},{year[0].total}\n".encode()
    assert exporters(engine)["csv"].plugin != "engagekit.exports"


def test_a_plugin_claiming_a_built_in_format_is_named_and_skipped(year):
    from engagekit.exports import registry

    engine = engagekit.create_engine(plugins=[Thief(), Csv()])
    assert exporters(engine)["ubl"].plugin == "engagekit.exports"
    (problem,) = registry.problems(engine)
    assert "'ubl' is claimed by two plugins" in problem and "Thief" in problem
    with pytest.raises(PluginError, match="claimed by two plugins"):
        exporters(engagekit.create_engine(plugins=[Thief()], strict=True))


def test_a_missing_seller_vat_id_names_the_term_and_where_to_add_it(engine, year):
    record = attrs.evolve(year[0], seller=attrs.evolve(year[0].seller, vat_id=""))
    for fmt in ("ubl", "cii", "facturx"):
        with pytest.raises(MissingTerms) as err:
            export(engine, record, fmt)
        assert (
            "BT-31 seller VAT identifier (VAT category S): add vat_id to [firm] in engage.toml"
            in str(err.value)
        )
        assert f"cannot be exported as {fmt}" in str(err.value)
    export(engine, record, "pdf")  # the human-readable invoice needs no such term


def test_reverse_charge_needs_the_buyers_vat_id(engine, issue):
    record = issue(project("paris", "EUR", [flat("Build", "10", "100")], vat={"category": "AE"}))
    record = attrs.evolve(record, buyer=attrs.evolve(record.buyer, vat_id=""))
    with pytest.raises(
        MissingTerms,
        match=r"BT-48 buyer VAT identifier \(VAT category AE\): add vat_id to \[clients.paris\]",
    ):
        export(engine, record, "ubl")


def test_an_invoice_billed_without_vat_categories_cannot_be_an_e_invoice(engine, issue):
    record = issue(
        project(
            "berlin",
            "EUR",
            [flat("Build", "10", "100")],
            adjustments=[{"name": "VAT 19%", "stage": "tax", "percent": Decimal(19)}],
        )
    )
    with pytest.raises(MissingTerms) as err:
        export(engine, record, "cii")
    assert "BT-151 VAT category of line 1 (Build): add [vat]" in str(err.value)
