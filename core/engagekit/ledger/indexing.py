"""The SHA-256 of every invoice's index text, computed on a SQLite connection of its own: what
``scanning.sqlite_scan`` runs in a child process (this file as a script, standard library
only, so that it starts in some 20 ms) or, where it cannot start one, in a thread.

Its own process has its own GIL: the parent reads and hashes the documents and checks every
record while this builds and hashes the index texts on the other core. It writes frames
(``HEADER``: kind, chunk number, payload length), in this order:

- ``S``: its read transaction's snapshot (JSON), which the parent compares with its own;
- ``C`` per ``BATCH`` invoices, by id: their ids (``array("q")``) then their index texts'
  hex digests (64 bytes each), in the same order;
- ``O``: the ids (JSON) that line rows name but no invoice has (orphans);
- ``D``: done; or ``E``: an error (JSON: the ``sqlite3`` exception's class name, or
  ``"untyped"`` for a value that is not what the ledger writes, and the message).

``python indexing.py PATH TIMEOUT SNAPSHOT_SQL INVOICES_SQL LINES_SQL ORPHANS_SQL``. It only reads
(``PRAGMA query_only``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
import sys
from array import array
from collections.abc import Callable

HEADER = struct.Struct("<cqQ")
#: How many invoices one ``C`` frame holds.
BATCH = 1000
#: What ``PRAGMA mmap_size`` verify's connections read with: SQLite then reads pages in
#: place instead of copying each with a system call (100,000 records: some 0.1 s less of
#: system time on each connection).
MMAP = 1 << 31

#: ``send(kind, number, payload)``; False when nobody reads any more.
Send = Callable[[bytes, int, bytes], bool]


def serve(path: str, timeout: float, sqls: tuple[str, str, str, str], send: Send) -> None:
    """Run the queries of ``sqls`` (snapshot; invoice ids with their index columns' JSON, by
    id; each invoice's line rows' JSON, by invoice id; orphans) on a new connection to
    ``path`` and ``send`` what they give as frames."""
    snapshot_sql, invoices_sql, lines_sql, orphans_sql = sqls
    conn = None
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        conn.execute("PRAGMA query_only = ON")
        conn.execute(f"PRAGMA mmap_size = {MMAP}")
        conn.execute("BEGIN")
        if not send(b"S", 0, json.dumps(list(conn.execute(snapshot_sql).fetchone())).encode()):
            return
        if not _index_sums(conn, invoices_sql, lines_sql, send):
            return
        orphans = [row[0] for row in conn.execute(orphans_sql)]
        if send(b"O", 0, json.dumps(orphans).encode()):
            send(b"D", 0, b"")
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:  # not an id, not bytes
        send(b"E", 0, json.dumps(["untyped", f"index text: {exc}"]).encode())
    except sqlite3.Error as exc:
        send(b"E", 0, json.dumps([type(exc).__name__, str(exc)]).encode())
    finally:
        if conn is not None:
            conn.close()


def _index_sums(conn: sqlite3.Connection, invoices_sql: str, lines_sql: str, send: Send) -> bool:
    """A ``C`` frame per ``BATCH`` invoices: their ids, then the hex SHA-256 of each one's
    index text (its index columns' JSON, then its line rows', ``[]`` for none), numbered by
    the last id. Line rows of an id that is no invoice's are skipped (the orphans' query
    names them), as the database skips them when it looks the rows up by invoice."""
    sha256 = hashlib.sha256
    lines = conn.cursor()
    lines.execute(lines_sql)
    group = lines.fetchone()
    invoices = conn.cursor()
    invoices.execute(invoices_sql)
    while rows := invoices.fetchmany(BATCH):
        ids = array("q")
        sums = []
        for invoice_id, columns in rows:
            while group is not None and (type(group[0]) is not int or group[0] < invoice_id):
                group = lines.fetchone()
            if group is not None and group[0] == invoice_id:
                text = columns + group[1]
                group = lines.fetchone()
            else:
                text = columns + b"[]"
            ids.append(invoice_id)
            sums.append(sha256(text).hexdigest())
        if not send(b"C", ids[-1], ids.tobytes() + "".join(sums).encode()):
            return False
    return True


def _main(argv: list[str]) -> None:
    out = sys.stdout.buffer

    def send(kind: bytes, chunk: int, payload: bytes) -> bool:
        try:
            out.write(HEADER.pack(kind, chunk, len(payload)))
            out.write(payload)
            out.flush()
        except OSError:  # the parent stopped reading
            return False
        return True

    serve(argv[0], float(argv[1]), (argv[2], argv[3], argv[4], argv[5]), send)


if __name__ == "__main__":
    _main(sys.argv[1:])
