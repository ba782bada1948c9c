"""Exporting 1,000 issued invoices to UBL: engagekit against factur-x's own generate call.

The records (generated into a temporary folder, as the ledger keeps them: one canonical JSON
document per line) are real bills of the bundled workspace's projects, renumbered to 1,000
invoices. Two comparisons, each in whole processes:

- ``export``: ``engagekit.exports.export(record, "ubl")`` for every record (EN 16931 mapping,
  factur-x generation, the official XSD, the EN 16931 schematron) against the library's
  ``generate_ubl_xml`` on the same prepared dictionaries with its own check (the XSD);
- ``mapping``: engagekit's mapping, generation and XSD without the schematron against the
  library's generation followed by the same XSD check, written apart from engagekit's, each
  schema parsed once (as engagekit does): what the mapping layer costs over the same work.

Both sides write the same UBL (checked by digest before timing). Goal (issue 11): at most 1.5x
the library's time, reported as invoices per second.
"""

from __future__ import annotations

import json
import sys

import gate

N = 1000


def records(folder: str, n: int) -> None:
    """``records.jsonl`` (n issued records) and ``terms.jsonl`` (their EN 16931 dictionaries)."""
    from datetime import date, timedelta
    from decimal import Decimal
    from pathlib import Path

    import attrs

    from engagekit import create_engine
    from engagekit.exports.en16931 import terms
    from engagekit.ledger.drafts import payment_of, record_of
    from engagekit.ledger.record import (
        Books,
        SourceFile,
        Sources,
        Versions,
        canonical_bytes,
        from_document,
        to_document,
    )
    from engagekit.period import Period
    from engagekit.workspace import open_workspace

    root = Path(__file__).resolve().parents[1] / "examples"
    ws = open_workspace(root)
    engine = create_engine()
    bills = []
    for month in range(1, 13):
        period = Period.parse(f"2026-{month:02d}")
        for path in ws.project_files():
            project = engine.load_project(path)
            for invoice in engine.bill(project, period).invoices:
                if invoice.lines:
                    bills.append((path, project, invoice))
    firm = ws.firm
    out = Path(folder)
    with (out / "records.jsonl").open("wb") as docs, (out / "terms.jsonl").open("w") as dicts:
        for i in range(n):
            path, project, invoice = bills[i % len(bills)]
            client = ws.client(project.client)
            models = {c.name: c.model for c in project.components}
            issue = invoice.period.end - timedelta(days=1)
            draft = record_of(
                invoice,
                project=project.name,
                project_file=ws.relative(path),
                series="invoices",
                models=models,
                issue_date=issue,
                seller=firm.seller(),
                buyer=client.buyer(),
                payment=payment_of(firm, 30),
                books=Books("EUR", Decimal(1), invoice.total.amount),
                sources=Sources(SourceFile(ws.relative(path), "0" * 64)),
                versions=Versions("bench"),
            )
            record = attrs.evolve(draft, number=f"INV-2026-{i + 1:05d}", sequence=i + 1)
            doc = canonical_bytes(to_document(record.chained(None)))
            docs.write(doc + b"\n")
            data = terms(from_document(json.loads(doc)), "ubl")  # the record as the ledger keeps it
            dicts.write(
                json.dumps(data, default=lambda d: d.isoformat() if isinstance(d, date) else str(d))
                + "\n"
            )


def run(bench: gate.Bench) -> None:
    n = 200 if bench.quick else N
    bench.generate(records, bench.tmp, n)
    docs, dicts = str(bench.tmp / "records.jsonl"), str(bench.tmp / "terms.jsonl")
    ours = gate.script("floors/ubl_export.py", "engagekit", docs)
    ours_bare = gate.script("floors/ubl_export.py", "engagekit-no-schematron", docs)
    floor = gate.script("floors/ubl_export.py", "factur-x", dicts)
    floor_bare = gate.script("floors/ubl_export.py", "factur-x-xsd-once", dicts)
    same = bench.same("ubl: the same documents", bench.output(ours), bench.output(floor))
    bench.same(
        "ubl: the same documents (no schematron)", bench.output(ours_bare), bench.output(floor_bare)
    )
    if not same:
        return
    # The library's XSD check parses the schema on every call (a third of a second): few pairs.
    for name, a, b, pairs in (("export", ours, floor, 3), ("mapping", ours_bare, floor_bare, 7)):
        record = bench.compare(
            f"{name}: {n} invoices to ubl / factur-x",
            a,
            b,
            pairs=pairs,
            time_at_most=1.5,
            labels=("engagekit", "factur-x"),
        )
        ours_s, theirs_s = record["wall"][0]["median"], record["wall"][1]["median"]
        bench.note(
            f"{name}: {n / ours_s:.0f} invoices/s engagekit, {n / theirs_s:.0f} invoices/s factur-x"
        )


if __name__ == "__main__":
    sys.exit(gate.main(sys.modules[__name__]))
