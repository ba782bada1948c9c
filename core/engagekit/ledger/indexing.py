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

``python indexing.py PATH TIMEOUT SNAPSHOT_SQL INVOICES_SQL LINES_SQL``. It only reads
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

#: ``send(kind, number, payload)``; False when nobody reads any more.
Send = Callable[[bytes, int, bytes], bool]


def serve(path: str, timeout: float, sqls: tuple[str, str, str], send: Send) -> None:
    """Run the queries of ``sqls`` (snapshot; invoice ids with their index columns' JSON, by
    id; each invoice's line rows' JSON, by invoice id) on a new connection to ``path`` and
    ``send`` what they give as frames."""
    snapshot_sql, invoices_sql, lines_sql = sqls
    conn = None
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        conn.execute("PRAGMA query_only = ON")
        conn.execute("BEGIN")
        if not send(b"S", 0, json.dumps(list(conn.execute(snapshot_sql).fetchone())).encode()):
            return
        orphans = _index_sums(conn, invoices_sql, lines_sql, send)
        if orphans is not None and send(b"O", 0, json.dumps(orphans).encode()):
            send(b"D", 0, b"")
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:  # not an id, not bytes
        send(b"E", 0, json.dumps(["untyped", f"index text: {exc}"]).encode())
    except sqlite3.Error as exc:
        send(b"E", 0, json.dumps([type(exc).__name__, str(exc)]).encode())
    finally:
        if conn is not None:
            conn.close()


def _index_sums(
    conn: sqlite3.Connection, invoices_sql: str, lines_sql: str, send: Send
) -> list[object] | None:
    """A ``C`` frame per ``BATCH`` invoices: their ids, then the hex SHA-256 of each one's
    index text (its index columns' JSON, then its line rows', ``[]`` for none), numbered by
    the last id. Returns the ids of line rows that no invoice has (in their order: both
    queries are by id), or None if the parent stopped reading."""
    sha256 = hashlib.sha256
    orphans: list[object] = []
    lines = conn.cursor()
    lines.execute(lines_sql)
    fetch = lines.fetchone
    group = fetch()
    invoices = conn.cursor()
    invoices.execute(invoices_sql)
    while rows := invoices.fetchmany(BATCH):
        ids = array("q", [row[0] for row in rows])
        sums: list[str] = []
        add = sums.append
        for invoice_id, columns in rows:
            while group is not None and (type(group[0]) is not int or group[0] < invoice_id):
                if group[0] is not None:  # what NOT NULL keeps out: no id of any row
                    orphans.append(group[0])
                group = fetch()
            if group is not None and group[0] == invoice_id:
                add(sha256(columns + group[1]).hexdigest())
                group = fetch()
            else:
                add(sha256(columns + b"[]").hexdigest())
        if not send(b"C", ids[-1], ids.tobytes() + "".join(sums).encode()):
            return None
    while group is not None:
        if group[0] is not None:
            orphans.append(group[0])
        group = fetch()
    return orphans


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

    serve(argv[0], float(argv[1]), (argv[2], argv[3], argv[4]), send)


if __name__ == "__main__":
    _main(sys.argv[1:])
