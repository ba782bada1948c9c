"""Floors of the ledger benchmark, written without engagekit.

``insert DOCS URL``: the rows engagekit's ledger writes for each draft of DOCS (a JSON-lines
file), with a bare SQLAlchemy Core insert, one transaction per invoice: the invoice row
(document text, number, a hash) and its line rows. Prints the row counts.

``hash URL``: read every stored document's bytes and SHA-256 them: what verifying costs at the
least. ``parse URL``: the same, and parse each with orjson (the least a check of a document's
fields costs).
Prints the count of documents hashed.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import orjson
import sqlalchemy as sa

meta = sa.MetaData()
invoices = sa.Table(
    "floor_invoices",
    meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("number", sa.String(100), nullable=False, unique=True),
    sa.Column("series", sa.String(100), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("sequence", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("project", sa.Text, nullable=False),
    sa.Column("project_file", sa.Text, nullable=False),
    sa.Column("period", sa.String(40), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("issue_date", sa.String(10), nullable=False),
    sa.Column("total", sa.String(40), nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)
lines = sa.Table(
    "floor_lines",
    meta,
    sa.Column("invoice_id", sa.Integer, sa.ForeignKey("floor_invoices.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("component", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("quantity", sa.String(40), nullable=False),
    sa.Column("unit_price", sa.String(40), nullable=False),
    sa.Column("amount", sa.String(40), nullable=False),
)


def _engine(url: str) -> sa.Engine:
    """SQLite as the ledger sets it up: WAL, synchronous NORMAL, foreign keys."""
    engine = sa.create_engine(url)

    @sa.event.listens_for(engine, "connect")
    def pragmas(dbapi: object, _record: object) -> None:
        cur = dbapi.cursor()  # type: ignore[attr-defined]
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    return engine


def insert(docs: str, url: str) -> None:
    path = Path(url.removeprefix("sqlite:///"))
    path.unlink(missing_ok=True)
    engine = _engine(url)
    meta.create_all(engine)
    with Path(docs).open() as f:
        for seq, text in enumerate(f, start=1):
            doc = json.loads(text)
            with engine.begin() as conn:
                invoice_id = conn.execute(
                    sa.insert(invoices)
                    .values(
                        number=f"INV-2026-{seq:05}", series="invoices", year=2026, sequence=seq,
                        kind=doc["kind"], project=doc["project"], project_file=doc["project_file"],
                        period=doc["period"]["label"], currency=doc["currency"],
                        issue_date=doc["issue_date"], total=doc["total"], document=text,
                        hash=hashlib.sha256(text.encode()).hexdigest(),
                    )
                    .returning(invoices.c.id)
                ).scalar_one()  # fmt: skip
                conn.execute(
                    sa.insert(lines),
                    [
                        {"invoice_id": invoice_id, **{k: x[k] for k in (
                            "position", "component", "description", "quantity", "unit_price",
                            "amount")}}
                        for x in doc["lines"]
                    ],
                )  # fmt: skip
    with engine.connect() as conn:
        print(json.dumps({
            "invoices": conn.execute(sa.select(sa.func.count()).select_from(invoices)).scalar(),
            "lines": conn.execute(sa.select(sa.func.count()).select_from(lines)).scalar(),
        }))  # fmt: skip


def hash_all(url: str, parse: bool = False) -> None:
    engine = _engine(url)
    n = 0
    with engine.connect() as conn:
        table = sa.table("engagekit_invoices", sa.column("id"), sa.column("document"))
        # the documents' UTF-8 bytes straight from SQLite, as engagekit's verify reads them
        document = sa.cast(table.c.document, sa.LargeBinary)
        query = sa.select(document).order_by(table.c.id).execution_options(yield_per=1000)
        for (body,) in conn.execute(query):
            hashlib.sha256(body).hexdigest()
            if parse:
                orjson.loads(body)
            n += 1
    print(json.dumps({"hashed": n}))


if __name__ == "__main__":
    if sys.argv[1] == "insert":
        insert(sys.argv[2], sys.argv[3])
    else:
        hash_all(sys.argv[2], parse=sys.argv[1] == "parse")
