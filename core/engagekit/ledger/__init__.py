"""The ledger: issued invoices and credit notes, numbered without gaps, never changed.

``engagekit.ledger.record`` is the record the ledger keeps and exporters read.
"""

from engagekit.ledger.record import IssuedInvoice, from_document, to_document

__all__ = ["IssuedInvoice", "from_document", "to_document"]
