"""The built-in export formats, registered through ``register_exporters`` like a plugin's.

The format modules import their libraries (factur-x, fpdf2, lxml) when a document is exported,
not when the formats are listed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from engagekit.exports.spec import ExporterSpec
from engagekit.markers import hookimpl

if TYPE_CHECKING:
    from engagekit.ledger.record import IssuedInvoice


def _lazy(module: str) -> Callable[[IssuedInvoice], bytes]:
    def export(record: IssuedInvoice) -> bytes:
        import importlib

        fn: Callable[[IssuedInvoice], bytes] = importlib.import_module(
            f"engagekit.exports.{module}"
        ).export
        return fn(record)

    return export


@hookimpl
def register_exporters(register: Callable[[ExporterSpec], None]) -> None:
    register(
        ExporterSpec(
            "ubl",
            "UBL 2.1 invoice or credit note, EN 16931 (Peppol BIS 3.0 syntax)",
            ".xml",
            _lazy("ubl"),
        )
    )
    register(
        ExporterSpec(
            "cii", "UN/CEFACT Cross Industry Invoice, EN 16931 profile", ".xml", _lazy("cii")
        )
    )
    register(
        ExporterSpec(
            "facturx",
            "Factur-X / ZUGFeRD EN 16931: PDF/A-3 with the CII XML embedded",
            ".pdf",
            _lazy("factur_x"),
        )
    )
    register(ExporterSpec("pdf", "the human-readable invoice (PDF)", ".pdf", _lazy("pdf")))
    register(
        ExporterSpec("json", "the ledger's canonical record (JSON)", ".json", _lazy("json_record"))
    )
