"""``json``: the ledger's canonical record, byte for byte what its hash covers (plus the hash)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engagekit.ledger.record import IssuedInvoice

__all__ = ["export"]


def export(record: IssuedInvoice) -> bytes:
    from engagekit.ledger.record import canonical_bytes, to_document

    return canonical_bytes(to_document(record)) + b"\n"
