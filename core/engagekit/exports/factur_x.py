"""``facturx``: the human-readable PDF as PDF/A-3 with the CII XML embedded (Factur-X 1.0 /
ZUGFeRD 2 profile EN 16931), by ``facturx.generate_from_binary``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engagekit.exports import cii, pdf, validation

if TYPE_CHECKING:
    from engagekit.ledger.record import IssuedInvoice

__all__ = ["export"]


def export(record: IssuedInvoice) -> bytes:
    from facturx import generate_from_binary

    xml = cii.export(record, "facturx")
    document = pdf.render(record, pdfa=True)
    kind = "Credit note" if record.kind == "credit_note" else "Invoice"
    try:
        out: bytes = generate_from_binary(
            document,
            xml,
            flavor="factur-x",
            level="en16931",
            check_xsd=False,  # cii.export checked it
            pdf_metadata={
                "author": record.seller.name,
                "keywords": "Factur-X, EN 16931, " + kind.lower(),
                "title": f"{record.seller.name}: {kind} {record.number}",
                "subject": f"{kind} {record.number} of {record.issue_date.isoformat()} "
                f"to {record.buyer.name}",
            },
            lang="en-GB",
        )
    except Exception as exc:
        raise validation.InvalidExport(f"{record.number} as facturx: {exc}") from exc
    return out
