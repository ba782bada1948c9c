"""The issued-invoice record: what the ledger keeps, exporters read, and the hash covers.

The shape is agreed with the exporters (see docs/ledger.md, "The record"). The record is kept
as its canonical JSON document: keys sorted, ``separators=(",", ":")``, UTF-8, money as strings
at the currency's minor unit (unit prices keep any further places they had), dates ISO. The
hash is SHA-256 over the canonical document without its ``hash`` key, and ``prev_hash`` chains
each record to the one before it in its series. Exporters map the record; they never recompute
money.

Since schema 2 a record also carries ``_index_sha256``: the SHA-256 of its index text
(``index_text``), the values the ledger writes to the invoice's indexed columns and its line
rows, which the database can rebuild from those rows without reading the document. The key
sorts first, so the canonical document begins with it and ``ledger verify`` finds it with one
``startswith`` (docs/ledger.md, "Immutable, and provably so").

Serialisation is kept apart from the classes: ``to_document`` / ``from_document``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import attrs
import orjson

from engagekit.ledger.scanning import INDEX_KEY as _INDEX_KEY
from engagekit.money import quantum

if TYPE_CHECKING:
    from collections.abc import Iterable

    from engagekit.vat import Vat, VatAmount, VatShare

__all__ = [
    "INDEX_KEY",
    "SCHEMA",
    "AdjustmentVat",
    "Books",
    "Buyer",
    "IssuedInvoice",
    "LineVat",
    "Payment",
    "RecordAdjustment",
    "RecordLine",
    "RecordPeriod",
    "Reference",
    "Seller",
    "SourceFile",
    "Sources",
    "VatBreakdown",
    "Versions",
    "canonical_bytes",
    "document_hash",
    "from_document",
    "index_text",
    "record_adjustment_vat",
    "record_line_vat",
    "record_vat_breakdown",
    "to_document",
    "unit_code",
]

#: 1: the first record; 2: with ``_index_sha256`` (records of 1 stay as they were issued).
SCHEMA = 2
#: The document key of the index text's SHA-256; ``_`` sorts before every other key.
INDEX_KEY = _INDEX_KEY
Kind = Literal["invoice", "credit_note"]


@attrs.frozen
class Seller:
    name: str
    street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""
    vat_id: str = ""
    registration: str = ""
    email: str = ""
    iban: str = ""
    bic: str = ""


@attrs.frozen
class Buyer:
    id: str
    name: str
    street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""
    vat_id: str = ""
    registration: str = ""
    email: str = ""
    buyer_reference: str = ""


@attrs.frozen
class Payment:
    """``means_code``: UNTDID 4461 (58 SEPA credit transfer when the firm has an IBAN, else 1)."""

    terms_days: int
    iban: str = ""
    bic: str = ""
    means_code: str = "58"
    terms: str = ""


@attrs.frozen
class LineVat:
    """A line's VAT category (UNCL 5305: S, Z, E, AE, K, G, O) and rate in percent."""

    category: str
    rate: Decimal
    exemption_reason: str | None = None


@attrs.frozen
class RecordLine:
    position: int
    component: str
    model: str
    description: str
    quantity: Decimal
    unit: str
    unit_code: str
    unit_price: Decimal
    amount: Decimal
    kind: str = "service"
    vat: LineVat | None = None


@attrs.frozen
class AdjustmentVat:
    """The part of a discount, surcharge or fee that falls in one VAT category (its shares add
    up to the adjustment's amount): EN 16931 needs one category per allowance or charge."""

    category: str
    rate: Decimal
    amount: Decimal
    exemption_reason: str | None = None


@attrs.frozen
class RecordAdjustment:
    """A discount, surcharge, fee or tax line as the bill applied it to ``basis``.

    ``vat``: how a discount, surcharge or fee splits over VAT categories; empty for taxes and
    for projects without VAT categories (the document then leaves the key out).
    """

    name: str
    stage: str
    description: str
    basis: Decimal
    amount: Decimal
    vat: tuple[AdjustmentVat, ...] = ()


@attrs.frozen
class VatBreakdown:
    category: str
    rate: Decimal
    basis: Decimal
    amount: Decimal
    exemption_reason: str | None = None


@attrs.frozen
class Books:
    """The total in the books currency at ``rate`` (1 when the invoice is in it already)."""

    currency: str
    rate: Decimal
    total: Decimal


@attrs.frozen
class Reference:
    """The invoice a credit note or replacement corrects (EN 16931 BG-3: BT-25, BT-26)."""

    number: str
    issue_date: date


@attrs.frozen
class SourceFile:
    path: str
    sha256: str


@attrs.frozen
class Sources:
    project: SourceFile
    data: tuple[SourceFile, ...] = ()


@attrs.frozen
class Versions:
    engagekit: str
    plugins: dict[str, str] = attrs.Factory(dict)


@attrs.frozen
class RecordPeriod:
    """The billed period; ``end`` is its last day (inclusive)."""

    start: date
    end: date
    label: str


@attrs.frozen
class IssuedInvoice:
    """An issued invoice or credit note, exactly as kept.

    Credit notes carry positive amounts (EN 16931 type code 381); ``signed_total`` is what the
    ledger's arithmetic uses: issued minus credited.
    """

    kind: Kind
    number: str
    series: str
    sequence: int
    project: str
    project_file: str
    period: RecordPeriod
    issue_date: date
    due_date: date
    currency: str
    seller: Seller
    buyer: Buyer
    payment: Payment
    lines: tuple[RecordLine, ...]
    subtotal: Decimal
    adjustments: tuple[RecordAdjustment, ...]
    vat_breakdown: tuple[VatBreakdown, ...]
    total: Decimal
    books: Books
    sources: Sources
    versions: Versions
    corrects: Reference | None = None
    reason: str | None = None
    prev_hash: str | None = None
    hash: str = ""
    schema: int = SCHEMA
    #: SHA-256 (hex) of ``index_text`` of the columns and line rows written at issue; set by
    #: the ledger when it issues (None on drafts and on records of schema 1).
    index_sha256: str | None = None

    @property
    def sign(self) -> int:
        return -1 if self.kind == "credit_note" else 1

    @property
    def signed_total(self) -> Decimal:
        return self.sign * self.total

    def chained(self, prev_hash: str | None) -> IssuedInvoice:
        """This record linked to ``prev_hash``, with its own hash computed."""
        linked = attrs.evolve(self, prev_hash=prev_hash, hash="")
        return attrs.evolve(linked, hash=document_hash(to_document(linked)))


# -- units ---------------------------------------------------------------------------------------

_UNIT_CODES = {
    "h": "HUR",
    "hour": "HUR",
    "hours": "HUR",
    "day": "DAY",
    "days": "DAY",
    "month": "MON",
    "months": "MON",
    "week": "WEE",
    "weeks": "WEE",
}


def unit_code(unit: str) -> str:
    """The UN/ECE Recommendation 20 code of a line's unit; C62 ("one") for counted things."""
    return _UNIT_CODES.get(unit.strip().lower(), "C62")


# -- canonical form ------------------------------------------------------------------------------


def _money(value: Decimal, currency: str) -> str:
    return format(value.quantize(quantum(currency)), "f")


def _price(value: Decimal, currency: str) -> str:
    """At least the minor unit's places; more if the price has them (95.125 stays)."""
    q = quantum(currency)
    return format(value.quantize(q) if value == value.quantize(q) else value, "f")


def _rate(value: Decimal) -> str:
    return format(
        value.quantize(Decimal("0.01")) if value == value.quantize(Decimal("0.01")) else value, "f"
    )


def _text(value: Decimal) -> str:
    return format(value, "f")


def to_document(r: IssuedInvoice) -> dict[str, Any]:
    """The record as its JSON document (``hash`` included)."""
    cur = r.currency

    def vat(v: LineVat | None) -> dict[str, Any] | None:
        if v is None:
            return None
        return {
            "category": v.category,
            "rate": _rate(v.rate),
            "exemption_reason": v.exemption_reason,
        }

    return {
        **({INDEX_KEY: r.index_sha256} if r.index_sha256 is not None else {}),
        "schema": r.schema,
        "kind": r.kind,
        "number": r.number,
        "series": r.series,
        "sequence": r.sequence,
        "project": r.project,
        "project_file": r.project_file,
        "period": {
            "start": r.period.start.isoformat(),
            "end": r.period.end.isoformat(),
            "label": r.period.label,
        },
        "issue_date": r.issue_date.isoformat(),
        "due_date": r.due_date.isoformat(),
        "currency": cur,
        "seller": attrs.asdict(r.seller),
        "buyer": attrs.asdict(r.buyer),
        "payment": attrs.asdict(r.payment),
        "lines": [
            {
                "position": line.position,
                "component": line.component,
                "model": line.model,
                "description": line.description,
                "quantity": _text(line.quantity),
                "unit": line.unit,
                "unit_code": line.unit_code,
                "unit_price": _price(line.unit_price, cur),
                "amount": _money(line.amount, cur),
                "kind": line.kind,
                "vat": vat(line.vat),
            }
            for line in r.lines
        ],
        "subtotal": _money(r.subtotal, cur),
        "adjustments": [
            {
                "name": a.name,
                "stage": a.stage,
                "description": a.description,
                "basis": _money(a.basis, cur),
                "amount": _money(a.amount, cur),
                **(
                    {
                        "vat": [
                            {
                                "category": v.category,
                                "rate": _rate(v.rate),
                                "amount": _money(v.amount, cur),
                                "exemption_reason": v.exemption_reason,
                            }
                            for v in a.vat
                        ]
                    }
                    if a.vat
                    else {}
                ),
            }
            for a in r.adjustments
        ],
        "vat_breakdown": [
            {
                "category": v.category,
                "rate": _rate(v.rate),
                "basis": _money(v.basis, cur),
                "amount": _money(v.amount, cur),
                "exemption_reason": v.exemption_reason,
            }
            for v in r.vat_breakdown
        ],
        "total": _money(r.total, cur),
        "books": {
            "currency": r.books.currency,
            "rate": _text(r.books.rate),
            "total": _money(r.books.total, r.books.currency),
        },
        "corrects": None
        if r.corrects is None
        else {"number": r.corrects.number, "issue_date": r.corrects.issue_date.isoformat()},
        "reason": r.reason,
        "sources": {
            "project": attrs.asdict(r.sources.project),
            "data": [attrs.asdict(s) for s in r.sources.data],
        },
        "versions": {"engagekit": r.versions.engagekit, "plugins": dict(r.versions.plugins)},
        "prev_hash": r.prev_hash,
        "hash": r.hash,
    }


def from_document(doc: Mapping[str, Any]) -> IssuedInvoice:
    """A record from its JSON document (as stored or as ``invoices show --json`` prints it)."""
    d = Decimal
    day = date.fromisoformat
    corrects = doc.get("corrects")
    return IssuedInvoice(
        schema=doc["schema"],
        kind=doc["kind"],
        number=doc["number"],
        series=doc["series"],
        sequence=doc["sequence"],
        project=doc["project"],
        project_file=doc["project_file"],
        period=RecordPeriod(
            day(doc["period"]["start"]), day(doc["period"]["end"]), doc["period"]["label"]
        ),
        issue_date=day(doc["issue_date"]),
        due_date=day(doc["due_date"]),
        currency=doc["currency"],
        seller=Seller(**doc["seller"]),
        buyer=Buyer(**doc["buyer"]),
        payment=Payment(**doc["payment"]),
        lines=tuple(
            RecordLine(
                position=x["position"],
                component=x["component"],
                model=x["model"],
                description=x["description"],
                quantity=d(x["quantity"]),
                unit=x["unit"],
                unit_code=x["unit_code"],
                unit_price=d(x["unit_price"]),
                amount=d(x["amount"]),
                kind=x["kind"],
                vat=None
                if x.get("vat") is None
                else LineVat(
                    x["vat"]["category"], d(x["vat"]["rate"]), x["vat"]["exemption_reason"]
                ),
            )
            for x in doc["lines"]
        ),
        subtotal=d(doc["subtotal"]),
        adjustments=tuple(
            RecordAdjustment(
                a["name"],
                a["stage"],
                a["description"],
                d(a["basis"]),
                d(a["amount"]),
                tuple(
                    AdjustmentVat(
                        v["category"], d(v["rate"]), d(v["amount"]), v["exemption_reason"]
                    )
                    for v in a.get("vat", ())
                ),
            )
            for a in doc["adjustments"]
        ),
        vat_breakdown=tuple(
            VatBreakdown(
                v["category"], d(v["rate"]), d(v["basis"]), d(v["amount"]), v["exemption_reason"]
            )
            for v in doc["vat_breakdown"]
        ),
        total=d(doc["total"]),
        books=Books(doc["books"]["currency"], d(doc["books"]["rate"]), d(doc["books"]["total"])),
        corrects=None
        if corrects is None
        else Reference(corrects["number"], day(corrects["issue_date"])),
        reason=doc.get("reason"),
        sources=Sources(
            SourceFile(**doc["sources"]["project"]),
            tuple(SourceFile(**s) for s in doc["sources"]["data"]),
        ),
        versions=Versions(doc["versions"]["engagekit"], dict(doc["versions"]["plugins"])),
        prev_hash=doc.get("prev_hash"),
        hash=doc.get("hash", ""),
        index_sha256=doc.get(INDEX_KEY),
    )


# -- a bill's VAT (engagekit.vat) as the record keeps it --------------------------------------


def record_line_vat(vat: Vat | None) -> LineVat | None:
    """A line's VAT category (``InvoiceLine.vat``) for ``RecordLine.vat``."""
    return None if vat is None else LineVat(vat.category, vat.rate, vat.exemption_reason)


def record_adjustment_vat(shares: Iterable[VatShare]) -> tuple[AdjustmentVat, ...]:
    """An adjustment's VAT split (``AppliedAdjustment.vat``) for ``RecordAdjustment.vat``."""
    return tuple(
        AdjustmentVat(s.vat.category, s.vat.rate, s.amount.amount, s.vat.exemption_reason)
        for s in shares
    )


def record_vat_breakdown(rows: Iterable[VatAmount]) -> tuple[VatBreakdown, ...]:
    """An invoice's ``vat_breakdown`` for ``IssuedInvoice.vat_breakdown``."""
    return tuple(
        VatBreakdown(
            r.vat.category, r.vat.rate, r.basis.amount, r.amount.amount, r.vat.exemption_reason
        )
        for r in rows
    )


def canonical_bytes(doc: Mapping[str, Any]) -> bytes:
    """The canonical JSON of a document: sorted keys, no spaces, UTF-8."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def index_text(columns: Sequence[object], lines: Sequence[Sequence[object]]) -> bytes:
    """The index text of an invoice row's indexed ``columns`` and its ``lines`` (each row's
    values), as the ledger writes them: the two as compact JSON arrays, one after the other.

    Compact JSON as orjson writes it (UTF-8, no spaces, only ``"``, ``\\`` and control
    characters escaped) is what SQLite's ``json_array`` writes and what the PostgreSQL query
    in ``engagekit.ledger.sql`` builds, so the database rebuilds these bytes from the stored
    rows; JSON keeps text, numbers and null apart, so a value of another type never matches.
    """
    return orjson.dumps(columns) + orjson.dumps(lines)


def document_hash(doc: Mapping[str, Any]) -> str:
    """SHA-256 (hex) over the canonical JSON of ``doc`` without its ``hash`` key."""
    body = {k: v for k, v in doc.items() if k != "hash"}
    return hashlib.sha256(canonical_bytes(body)).hexdigest()
