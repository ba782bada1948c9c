"""Exporters: issued invoices and credit notes as files another system reads.

A format is an :class:`ExporterSpec` that a plugin registers through the ``register_exporters``
hook; the built-in ones (``ubl``, ``cii``, ``facturx``, ``pdf``, ``json``) register the same way
(``engagekit.exports.builtin``). An exporter maps the ledger's record
(:class:`engagekit.ledger.IssuedInvoice`) and never recomputes money.

    from engagekit.exports import export, exporters
    spec = exporters(engine)["ubl"]
    xml = export(engine, record, "ubl")
"""

from __future__ import annotations

from engagekit.exports.registry import export, exporter, exporters
from engagekit.exports.spec import ExporterSpec, MissingTerms, Term

__all__ = ["ExporterSpec", "MissingTerms", "Term", "export", "exporter", "exporters"]
