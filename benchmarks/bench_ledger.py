"""The ledger: issuing against a bare SQLAlchemy insert, verifying against hashing.

Issuing: 10,000 invoices of 20 lines each into one series on SQLite, one transaction per
invoice, through ``Ledger.issue`` (lock the series, read what is issued for the project and
period, number, canonical JSON, SHA-256, chain, insert the invoice and its lines): at most 2x
the time of inserting the same rows with a bare SQLAlchemy Core insert, one transaction per
invoice (floors/ledger_floor.py). Both read the same drafts from a JSON-lines file.

Verifying: ``engage ledger verify`` over 100,000 invoices (5 lines each): within 1.5x of
reading the same stored canonical documents and SHA-256-ing them (the least any check does).
Beside it, a figure without a goal: verify against reading, hashing and parsing them (the least
that checking a document's fields against its columns takes).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import gate

ISSUED = 10_000
LINES = 20
VERIFIED = 100_000
VERIFY_LINES = 5


def drafts(folder: str, n: int, lines: int) -> None:
    """``drafts.jsonl``: ``n`` draft documents of ``lines`` lines, one project each."""
    sys.path.insert(0, str(gate.ROOT))
    from tests.ledger.helpers import draft

    from engagekit.ledger.record import canonical_bytes, to_document

    with Path(folder, "drafts.jsonl").open("w") as f:
        for i in range(n):
            doc = to_document(draft(f"projects/p{i:06}.toml", lines=lines, amount="95.25"))
            f.write(canonical_bytes(doc).decode() + "\n")


def issue(docs: str, url: str) -> None:
    """Ours: issue every draft of ``docs`` into a new ledger at ``url`` (one transaction each)."""
    import attrs

    from engagekit.ledger.record import from_document
    from engagekit.ledger.store import Ledger
    from engagekit.workspace.model import Series

    Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    series = {
        "invoices": Series("INV-{year}-{seq:05}"),
        "credit-notes": Series("CN-{year}-{seq:05}"),
    }
    ledger = Ledger.open(url, series)
    with Path(docs).open() as f:
        for text in f:
            record = attrs.evolve(from_document(json.loads(text)))
            ledger.issue(
                project_file=record.project_file,
                period=record.period.label,
                lock=["invoices", "credit-notes"],
                plan=lambda existing, record=record: [] if existing else [record],
            )
    with ledger.store.read() as conn:
        import sqlalchemy as sa

        count = {
            "invoices": conn.execute(sa.text("SELECT count(*) FROM engagekit_invoices")).scalar(),
            "lines": conn.execute(sa.text("SELECT count(*) FROM engagekit_invoice_lines")).scalar(),
        }
    ledger.close()
    print(json.dumps(count))


def ledger_of(folder: str, n: int, lines: int) -> None:
    """A workspace ``ws`` whose ledger holds ``n`` chained invoices (written in bulk)."""
    import attrs
    import sqlalchemy as sa

    sys.path.insert(0, str(gate.ROOT))
    from tests.ledger.helpers import SERIES, draft

    from engagekit.ledger.store import Ledger, seal

    ws = Path(folder, "ws")
    ws.mkdir()
    (ws / "engage.toml").write_text('[firm]\nname = "Bench"\n')
    ledger = Ledger.open(f"sqlite:///{ws / '.engage' / 'engagekit.db'}", SERIES)
    series = SERIES["invoices"]
    base = draft("projects/p.toml", lines=lines, amount="95.25")
    prev = None
    with ledger.store.write() as conn:
        ledger.store.lock_series(conn, ["invoices"])
        for i in range(1, n + 1):
            record, columns, rows = seal(
                attrs.evolve(
                    base,
                    project_file=f"projects/p{i:06}.toml",
                    number=series.number(2026, i),
                    sequence=i,
                    prev_hash=prev,
                ),
                2026,
            )
            prev = record.hash
            ledger.store.insert(conn, columns, rows)
        conn.execute(
            sa.text(
                "INSERT INTO engagekit_counters (series, year, last) VALUES ('invoices', 2026, :n)"
            ),
            {"n": n},
        )
    ledger.close()


def run(bench: gate.Bench) -> None:
    n = ISSUED // 5 if bench.quick else ISSUED
    bench.generate(drafts, bench.tmp, n, LINES)
    docs = str(bench.tmp / "drafts.jsonl")
    ours = [
        sys.executable,
        str(gate.HERE / "bench_ledger.py"),
        "issue",
        docs,
        f"sqlite:///{bench.tmp / 'ours.db'}",
    ]
    floor = gate.script(
        "floors/ledger_floor.py", "insert", docs, f"sqlite:///{bench.tmp / 'floor.db'}"
    )
    bench.same(f"issue {n:,} invoices x {LINES} lines: rows written", json.loads(bench.output(ours)),
               json.loads(bench.output(floor)))  # fmt: skip
    bench.compare(
        f"issue {n:,} invoices x {LINES} lines (SQLite) / bare SQLAlchemy insert",
        ours, floor, pairs=3, time_at_most=2.0, warmup=0,
    )  # fmt: skip

    verifying(bench)


def verifying(bench: gate.Bench) -> None:
    v = VERIFIED // 10 if bench.quick else VERIFIED
    bench.generate(ledger_of, bench.tmp, v, VERIFY_LINES)
    ws = str(bench.tmp / "ws")
    url = f"sqlite:///{bench.tmp / 'ws' / '.engage' / 'engagekit.db'}"
    # as the ``engage`` console script runs it (``engagekit.launch:main``, which verifies a
    # clean SQLite ledger without loading the CLI; gate.engage starts at the CLI)
    ours_v = [sys.executable, "-c", "from engagekit.launch import main; main()"]
    ours_v += ["ledger", "verify", "--workspace", ws]
    floor_v = gate.script("floors/ledger_floor.py", "hash", url)
    verified = bench.output(ours_v)
    bench.same(f"ledger verify: {v:,} records intact", verified.split(",")[0], f"ok: {v} records")
    bench.same(f"hash floor: {v:,} documents", json.loads(bench.output(floor_v)), {"hashed": v})
    bench.compare(
        f"ledger verify {v:,} invoices / read + SHA-256 of their documents",
        ours_v, floor_v, pairs=5, time_at_most=1.5,
    )  # fmt: skip
    # No goal, a figure: what verify costs over the least that checking a document's fields
    # takes (reading, hashing and parsing it), which the goal's floor does not do.
    bench.compare(
        f"ledger verify {v:,} invoices / read + SHA-256 + JSON parse of their documents",
        ours_v, gate.script("floors/ledger_floor.py", "parse", url), pairs=3,
    )  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "issue":
        issue(sys.argv[2], sys.argv[3])
    else:
        sys.exit(gate.main(sys.modules[__name__]))
