"""The record's canonical form: round-trips exactly, hashes everything but its own hash."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import attrs
from hypothesis import given
from hypothesis import strategies as st

from engagekit.ledger.record import (
    Books,
    Buyer,
    IssuedInvoice,
    LineVat,
    Payment,
    RecordAdjustment,
    RecordLine,
    RecordPeriod,
    Reference,
    Seller,
    SourceFile,
    Sources,
    Versions,
    canonical_bytes,
    document_hash,
    from_document,
    to_document,
    unit_code,
)


def record(**kw: object) -> IssuedInvoice:
    base = IssuedInvoice(
        kind="invoice",
        number="INV-2026-00012",
        series="invoices",
        sequence=12,
        project="Hybrid",
        project_file="hybrid.toml",
        period=RecordPeriod(date(2026, 3, 1), date(2026, 3, 31), "2026-03"),
        issue_date=date(2026, 3, 31),
        due_date=date(2026, 4, 30),
        currency="EUR",
        seller=Seller("Kranich Digital GmbH", country="DE", vat_id="DE1", iban="DE02"),
        buyer=Buyer("nordwind", "Nordwind Handel GmbH", country="DE"),
        payment=Payment(30, "DE02", "BYLADEM1001", "58", "Net 30 days"),
        lines=(
            RecordLine(
                1,
                "Build",
                "time-material",
                "Developer",
                Decimal("160.00"),
                "h",
                "HUR",
                Decimal("95.125"),
                Decimal("15220.00"),
                "time",
                LineVat("S", Decimal("19"), None),
            ),
        ),
        subtotal=Decimal("15220.00"),
        adjustments=(
            RecordAdjustment("VAT 19%", "tax", "", Decimal("15220.00"), Decimal("2891.80")),
        ),
        vat_breakdown=(),
        total=Decimal("18111.80"),
        books=Books("EUR", Decimal("1"), Decimal("18111.80")),
        sources=Sources(
            SourceFile("hybrid.toml", "ab" * 32), (SourceFile("data/x.csv", "cd" * 32),)
        ),
        versions=Versions("0.1.0", {"time-material": "0.1.0"}),
    )
    return attrs.evolve(base, **kw)


def test_document_has_the_agreed_shape_and_money_at_the_minor_unit() -> None:
    doc = to_document(record(subtotal=Decimal("15220"), total=Decimal("18111.8")))
    assert doc["subtotal"] == "15220.00" and doc["total"] == "18111.80"
    line = doc["lines"][0]
    assert line["unit_price"] == "95.125" and line["amount"] == "15220.00"
    assert line["vat"] == {"category": "S", "rate": "19.00", "exemption_reason": None}
    assert doc["period"] == {"start": "2026-03-01", "end": "2026-03-31", "label": "2026-03"}
    assert set(doc) == {
        "schema", "kind", "number", "series", "sequence", "project", "project_file", "period",
        "issue_date", "due_date", "currency", "seller", "buyer", "payment", "lines", "subtotal",
        "adjustments", "vat_breakdown", "total", "books", "corrects", "reason", "sources",
        "versions", "prev_hash", "hash",
    }  # fmt: skip


def test_round_trip_is_exact_and_canonical_bytes_are_sorted_compact_utf8() -> None:
    r = record(
        corrects=Reference("INV-2026-00003", date(2026, 2, 28)), reason="Korrektur ä"
    ).chained("f" * 64)
    doc = to_document(r)
    assert from_document(json.loads(canonical_bytes(doc))) == r
    text = canonical_bytes(doc).decode()
    assert '"reason":"Korrektur ä"' in text and ", " not in text
    assert text.index('"adjustments"') < text.index('"books"') < text.index('"buyer"')


def test_hash_covers_every_field_but_itself() -> None:
    r = record().chained(None)
    doc = to_document(r)
    assert r.hash == document_hash(doc) == document_hash({**doc, "hash": "anything"})
    for change in (
        {"total": "18111.81"},
        {"prev_hash": "0" * 64},
        {"buyer": {**doc["buyer"], "vat_id": "DE9"}},
        {"lines": [{**doc["lines"][0], "quantity": "160.01"}]},
    ):
        assert document_hash({**doc, **change}) != r.hash


def test_credit_notes_count_negative() -> None:
    assert record().signed_total == Decimal("18111.80")
    assert record(kind="credit_note").signed_total == Decimal("-18111.80")


def test_unit_codes() -> None:
    assert [unit_code(u) for u in ("h", "Hours", "day", "month", "milestone", "")] == [
        "HUR", "HUR", "DAY", "MON", "C62", "C62",
    ]  # fmt: skip


@given(
    amount=st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
    price=st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False),
    qty=st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False),
    text=st.text(max_size=30),
)
def test_any_record_round_trips_through_its_document(
    amount: Decimal, price: Decimal, qty: Decimal, text: str
) -> None:
    line = attrs.evolve(
        record().lines[0], amount=amount, unit_price=price, quantity=qty, description=text
    )
    r = record(lines=(line,), subtotal=amount, total=amount, reason=text or None).chained(None)
    doc = json.loads(canonical_bytes(to_document(r)))
    back = from_document(doc)
    assert to_document(back) == doc
    assert back.hash == document_hash(doc)
