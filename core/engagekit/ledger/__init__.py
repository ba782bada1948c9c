"""The ledger: issued invoices and credit notes, numbered without gaps, never changed.

``issue``, ``credit``, ``open_ledger`` and ``verify`` are the public face (docs/ledger.md);
``engagekit.ledger.record`` is the record the ledger keeps and exporters read. The store is
imported on first use, so that reading records does not pay for SQLAlchemy, and the record
itself too, so that ``engage`` adding the ledger's commands pays for neither.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "IssueResult",
    "IssuedInvoice",
    "Ledger",
    "VerifyReport",
    "credit",
    "from_document",
    "issue",
    "issued_totals",
    "open_ledger",
    "to_document",
    "verify",
]

_LAZY = {
    "IssuedInvoice": "engagekit.ledger.record",
    "from_document": "engagekit.ledger.record",
    "to_document": "engagekit.ledger.record",
    "IssueResult": "engagekit.ledger.service",
    "Ledger": "engagekit.ledger.store",
    "VerifyReport": "engagekit.ledger.integrity",
    "credit": "engagekit.ledger.service",
    "issue": "engagekit.ledger.service",
    "issued_totals": "engagekit.ledger.service",
    "open_ledger": "engagekit.ledger.store",
    "verify": "engagekit.ledger.integrity",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'engagekit.ledger' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


if TYPE_CHECKING:
    from engagekit.ledger.integrity import VerifyReport, verify
    from engagekit.ledger.record import IssuedInvoice, from_document, to_document
    from engagekit.ledger.service import IssueResult, credit, issue, issued_totals
    from engagekit.ledger.store import Ledger, open_ledger
