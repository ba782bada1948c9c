"""An exporter plugin: issued invoices and credit notes as Xero's sales-invoice import CSV.

Xero (Business > Invoices > Import) reads one row per invoice line, an invoice's rows sharing
its ``*InvoiceNumber``; dates are DD/MM/YYYY; amounts tax exclusive (choose "Tax exclusive" when
importing) and Xero computes the tax from ``*TaxType``. A credit note's rows carry negative
quantities. Discounts, surcharges and fees become lines of their own, one per VAT category
they fall in; taxes are left to Xero.

``XERO_ACCOUNT_CODE`` (default 200, Xero's "Sales") is the revenue account of every line.
The tax types are the names of a UK organisation's standard rates; rename them in
``TAX_TYPES`` (or in Xero) to match yours.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Sequence
from decimal import Decimal

import engagekit
from engagekit.exports import ExporterSpec
from engagekit.ledger.record import IssuedInvoice

__version__ = "1.0.0"

COLUMNS = [
    "*ContactName",
    "EmailAddress",
    "POAddressLine1",
    "POAddressLine2",
    "POAddressLine3",
    "POAddressLine4",
    "POCity",
    "PORegion",
    "POPostalCode",
    "POCountry",
    "*InvoiceNumber",
    "Reference",
    "*InvoiceDate",
    "*DueDate",
    "InventoryItemCode",
    "*Description",
    "*Quantity",
    "*UnitAmount",
    "Discount",
    "*AccountCode",
    "*TaxType",
    "TrackingName1",
    "TrackingOption1",
    "TrackingName2",
    "TrackingOption2",
    "Currency",
    "BrandingTheme",
]
#: EN 16931 VAT category -> Xero tax type (a standard-rated category adds its rate).
TAX_TYPES = {
    "Z": "Zero Rated Income",
    "E": "Exempt Income",
    "AE": "Reverse Charge",
    "K": "Zero Rated EC Services",
    "G": "Zero Rated Income",
    "O": "No VAT",
}


def tax_type(category: str | None, rate: Decimal | None) -> str:
    if category is None:
        return "No VAT"
    if category == "S":
        return f"{(rate or Decimal(0)).normalize():f}% (VAT on Income)"
    return TAX_TYPES.get(category, "No VAT")


def _rows(record: IssuedInvoice) -> list[dict[str, str]]:
    sign = -1 if record.kind == "credit_note" else 1
    buyer = record.buyer
    head = {
        "*ContactName": buyer.name,
        "EmailAddress": buyer.email,
        "POAddressLine1": buyer.street,
        "POCity": buyer.city,
        "POPostalCode": buyer.postcode,
        "POCountry": buyer.country,
        "*InvoiceNumber": record.number,
        "Reference": f"{record.project} {record.period.label}"
        + (f" (credits {record.corrects.number})" if record.corrects else ""),
        "*InvoiceDate": record.issue_date.strftime("%d/%m/%Y"),
        "*DueDate": record.due_date.strftime("%d/%m/%Y"),
        "*AccountCode": os.environ.get("XERO_ACCOUNT_CODE", "200"),
        "Currency": record.currency,
    }
    rows = []
    for line in record.lines:
        vat = line.vat
        rows.append(
            {
                **head,
                "*Description": f"{line.component}: {line.description}",
                # Xero multiplies quantity by unit amount: state the line as one unit at its
                # amount, so that Xero's line total is the ledger's to the cent.
                "*Quantity": str(sign),
                "*UnitAmount": f"{line.amount}",
                "*TaxType": tax_type(vat.category if vat else None, vat.rate if vat else None),
            }
        )
    for adj in record.adjustments:
        if adj.stage == "tax":
            continue
        shares = [(v.category, v.rate, v.amount) for v in adj.vat] or [(None, None, adj.amount)]
        for category, rate, amount in shares:
            rows.append(
                {
                    **head,
                    "*Description": adj.name,
                    "*Quantity": str(sign),
                    "*UnitAmount": f"{amount}",
                    "*TaxType": tax_type(category, rate),
                }
            )
    return rows


def sales_invoices_csv(records: Sequence[IssuedInvoice]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n", restval="")
    writer.writeheader()
    for record in records:
        writer.writerows(_rows(record))
    return out.getvalue().encode("utf-8")


@engagekit.hookimpl
def register_exporters(register: Callable[[ExporterSpec], None]) -> None:
    register(
        ExporterSpec(
            "xero",
            "Xero sales-invoice import CSV (one row per line)",
            ".csv",
            lambda record: sales_invoices_csv([record]),
            combine=sales_invoices_csv,
        )
    )
