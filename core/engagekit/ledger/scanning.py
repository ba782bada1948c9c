"""What ``ledger verify`` reads from SQLite, without SQLAlchemy: its columns, its queries' SQL
and the scan that runs them on the driver's own connection.

``engage ledger verify`` on a SQLite ledger whose schema is current reads the database through
the ``sqlite3`` module alone (``engagekit.ledger.quick``), so this module imports nothing
heavier than the standard library; ``engagekit.ledger.sql`` runs the same scan for the store
and checks that these statements are what its SQLAlchemy tables compile to (a test does too).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from typing import Any

__all__ = [
    "CHAIN_COLUMNS",
    "HEAD",
    "INDEX_COLUMNS",
    "INDEX_KEY",
    "LINE_COLUMNS",
    "SCAN_COLUMNS",
    "VERSION_TABLE",
    "UntypedValue",
    "lock_timeout",
    "sqlite_invoices",
    "sqlite_lines",
    "sqlite_scan",
]

#: The schema revision this engagekit writes; the newest file in ``migrations/versions``.
HEAD = "0001"
VERSION_TABLE = "engagekit_alembic_version"
#: The document key of the index text's SHA-256 (``engagekit.ledger.record``); ``_`` sorts
#: before every other key.
INDEX_KEY = "_index_sha256"

#: The columns ``Store.chain_rows`` yields, in this order.
CHAIN_COLUMNS = (
    "id", "number", "series", "year", "sequence", "kind", "project", "project_file", "period",
    "currency", "issue_date", "total", "corrects", "document", "hash", "prev_hash", "lines",
)  # fmt: skip
#: The invoice columns of a record's index text (``record.index_text``), in this order: every
#: column written from the record at issue (``issued_at`` is the clock's, ``id`` the database's).
INDEX_COLUMNS = (
    "number", "series", "year", "sequence", "kind", "project", "project_file", "period",
    "currency", "issue_date", "total", "corrects", "prev_hash",
)  # fmt: skip
#: The columns a scan yields: ``index_columns`` is the compact JSON of the record's
#: ``INDEX_COLUMNS`` values as ``orjson.dumps`` writes them (None where a value is of no type
#: JSON holds), ``lines`` the JSON of its line rows: the two make its index text.
SCAN_COLUMNS = (
    "id", "document", "hash", "series", "year", "sequence", "prev_hash", "index_columns", "lines",
)  # fmt: skip
LINE_COLUMNS = ("position", "component", "description", "quantity", "unit_price", "amount")


def lock_timeout() -> float:
    """How long a write waits for another writer before giving up, in seconds
    (``ENGAGEKIT_LOCK_TIMEOUT``, default 60)."""
    return float(os.environ.get("ENGAGEKIT_LOCK_TIMEOUT", "60"))


class UntypedValue(Exception):
    """SQLite holds a BLOB in a line row, which its JSON functions refuse (``sqlite_scan``)."""


_I, _L = "engagekit_invoices", "engagekit_invoice_lines"


def _line_value(name: str, typed: bool) -> str:
    # A value of the wrong type (SQLite lets a BLOB into any column) becomes null, which no
    # record holds (every line column is NOT NULL), so that invoice goes to the exact
    # comparison instead of failing here.
    if not typed:
        return f"{_L}.{name}"
    kind = "integer" if name == "position" else "text"
    return f"CASE WHEN (typeof({_L}.{name}) = '{kind}') THEN {_L}.{name} END"


def sqlite_invoices(typed: bool) -> str:
    """The invoice rows as ``SCAN_COLUMNS`` without ``lines``, by id: the document as its
    UTF-8 bytes (what the hash covers), the index columns as one JSON text that SQLite's
    ``json_array`` writes as orjson does (compact, UTF-8, the same escapes), so that the
    driver hands over one value instead of thirteen.

    ``typed``: ``json_array`` refuses a BLOB; then a BLOB becomes null and the text gets a
    ``!`` after it, which no JSON that orjson writes has, so the record fails the fast check.
    """
    columns = _index_json(typed)
    return (
        f"SELECT {_I}.id, CAST({_I}.document AS BLOB) AS document, {_I}.hash, {_I}.series, "
        f"{_I}.year, {_I}.sequence, {_I}.prev_hash, CAST({columns} AS BLOB) AS index_columns "
        f"\nFROM {_I} ORDER BY {_I}.id"
    )


def _index_json(typed: bool) -> str:
    if typed:
        values = ", ".join(
            f"CASE WHEN (typeof({_I}.{name}) = 'blob') THEN NULL ELSE {_I}.{name} END"
            for name in INDEX_COLUMNS
        )
        types = ", ".join(f"typeof({_I}.{name})" for name in INDEX_COLUMNS)
        return f"json_array({values}) || CASE WHEN ('blob' IN ({types})) THEN '!' ELSE '' END"
    return "json_array(" + ", ".join(f"{_I}.{name}" for name in INDEX_COLUMNS) + ")"


def sqlite_lines(typed: bool) -> str:
    """Each invoice's line rows as one JSON array of arrays (``LINE_COLUMNS``), by invoice.

    SQLite aggregates in the order it reads, here the primary key's (invoice_id, position);
    were it ever another, the text would differ and verify would compare the rows.
    """
    values = ", ".join(_line_value(name, typed) for name in LINE_COLUMNS)
    return (
        f"SELECT {_L}.invoice_id, CAST(json_group_array(json_array({values})) AS BLOB) "
        f"AS json_group_array_1 \nFROM {_L} GROUP BY {_L}.invoice_id ORDER BY {_L}.invoice_id"
    )


#: Each series' head (``Store.heads``), each counter (``Store.counters``) and the schema's
#: revision (``Store.revision``).
SQLITE_HEADS = "SELECT engagekit_series.name, engagekit_series.last_hash \nFROM engagekit_series"
SQLITE_COUNTERS = (
    "SELECT engagekit_counters.series, engagekit_counters.year, engagekit_counters.last "
    "\nFROM engagekit_counters"
)
SQLITE_REVISION = f"SELECT version_num FROM {VERSION_TABLE}"

#: How many rows a scan fetches at a time. 1000 rather than 4096: the same CPU time, half the
#: peak memory (100,000 records of 4.5 kB: 41 against 77 MiB; the floor takes 43).
BATCH = 1000


def sqlite_scan(raw: Any, *, typed: bool = False) -> Iterator[list[tuple[Any, ...]]]:
    """Every invoice row as ``SCAN_COLUMNS``, in the order they were issued, in batches, from
    the ``sqlite3`` connection ``raw`` inside its open read transaction.

    ``index_columns`` and ``lines`` together are the record's index text, built by the
    database: SQLite and ``hashlib`` let go of the GIL while they work, so it is built on one
    core while this thread reads and hashes the documents on the other. A database file gets
    a second connection (``_second_connection``) whose thread builds each invoice's whole
    index text (``sqlite_index_chunks``) and leaves ``index_columns`` empty; the line rows of
    no invoice come last, as ``(invoice_id, None, ...)`` rows. Otherwise (an in-memory
    database, a record issued between the two read transactions, ``typed``) ``lines`` is the
    JSON of the invoice's line rows (``b"[]"`` for none, ``sqlite_lines``) read by a second
    cursor on the same connection in a thread of its own, and line rows of no invoice come
    among the records, by id. 100,000 records: 1.6 s against 2.3-2.8 s for the latter.

    ``typed``: a value of a type the column does not hold (a BLOB: SQLite lets any type
    into any column) does not make ``json_array`` fail (``UntypedValue``) but the record's
    check, for a second pass.
    """
    import sqlite3

    second = None if typed else _second_connection(raw)
    if second is not None:
        try:
            yield from _two_connections(raw, second)
        finally:
            second.close()
        return
    lines = _Lines(raw, sqlite_lines(typed))
    inv = raw.cursor()
    try:
        inv.execute(sqlite_invoices(typed))
        yield from _merge(inv, lines)
        lines.done()
    except sqlite3.Error as exc:
        if "cannot hold BLOB" in str(exc):
            raise UntypedValue(str(exc)) from None
        raise
    finally:
        lines.stop()
        inv.close()


def sqlite_documents() -> str:
    """The invoice rows as ``SCAN_COLUMNS`` up to ``prev_hash``: what the chain and the
    document's hash are checked on."""
    return (
        f"SELECT {_I}.id, CAST({_I}.document AS BLOB) AS document, {_I}.hash, {_I}.series, "
        f"{_I}.year, {_I}.sequence, {_I}.prev_hash \nFROM {_I} ORDER BY {_I}.id"
    )


#: How many invoice ids make one row of ``sqlite_index_chunks``.
CHUNK = 1000
#: What separates two invoices in a chunk: JSON text escapes every control character, and
#: an id is digits, so it is never inside one.
_RS = b"\x1e"


def sqlite_index_chunks() -> str:
    """Each invoice's index text (its index columns' JSON, then its line rows'), as
    ``id:text``, joined by ``_RS``, one row per ``CHUNK`` ids (in no set order inside it).

    One row per invoice would have the driver give up and take back the GIL for each of them,
    against the thread that reads and hashes the documents; per chunk, the database works on
    its own core."""
    values = ", ".join(f"{_L}.{name}" for name in LINE_COLUMNS)
    lines = (
        f"(SELECT json_group_array(json_array({values})) FROM {_L} WHERE {_L}.invoice_id = {_I}.id)"
    )
    return (
        f"SELECT {_I}.id / {CHUNK}, CAST(group_concat({_I}.id || ':' || "
        f"{_index_json(False)} || {lines}, char(30)) AS BLOB) \nFROM {_I} "
        f"GROUP BY {_I}.id / {CHUNK} ORDER BY {_I}.id / {CHUNK}"
    )


#: The invoice ids that line rows name but no invoice has (a record was removed).
SQLITE_ORPHANS = (
    f"SELECT DISTINCT {_L}.invoice_id \nFROM {_L} "
    f"WHERE {_L}.invoice_id NOT IN (SELECT {_I}.id FROM {_I}) ORDER BY {_L}.invoice_id"
)


def _two_connections(raw: Any, second: Any) -> Iterator[list[tuple[Any, ...]]]:
    """``sqlite_scan`` with the index texts built by ``second`` in a thread (``_Chunks``):
    each row's ``index_columns`` is empty and its ``lines`` the whole index text, so that
    their concatenation is what it always is."""
    import sqlite3

    chunks = _Chunks(second)
    inv = raw.cursor()
    try:
        inv.execute(sqlite_documents())
        pending: dict[int, bytes] = {}
        source = iter(chunks)
        loaded = -1
        for rows in iter(lambda: inv.fetchmany(BATCH), []):
            out = []
            for row in rows:
                invoice_id = row[0]
                while loaded < invoice_id // CHUNK:
                    chunk = next(source, None)
                    if chunk is None:
                        loaded = _LAST
                        break
                    loaded = chunk[0]
                    pending.update(chunk[1])
                # No index text (an id of no integer): b"" hashes to what no document holds.
                out.append((*row, b"", pending.pop(invoice_id, b"")))
            yield out
        for chunk in source:
            pending.update(chunk[1])
        chunks.done()
        nones = (None,) * (len(SCAN_COLUMNS) - 2)
        rest = [(invoice_id, *nones, b"") for invoice_id in sorted(pending)]
        if rest:
            yield rest
    except sqlite3.Error as exc:
        if "cannot hold BLOB" in str(exc):
            raise UntypedValue(str(exc)) from None
        raise
    finally:
        chunks.stop()
        inv.close()


#: The chunk number the orphans come under: after every other.
_LAST = 1 << 62


class _Chunks:
    """``sqlite_index_chunks``, then ``SQLITE_ORPHANS``, run on a connection of its own in a
    worker thread; iterating yields ``(chunk, {invoice id: index text})`` in order, the
    orphans last as ``(_LAST, {invoice id: b""})`` (an error in the thread is raised here; a
    value that is not what the ledger writes as ``UntypedValue``, so that verify reads every
    row again, one by one, and names it)."""

    def __init__(self, conn: Any) -> None:
        self._queue: queue.Queue[tuple[int, dict[int, bytes]] | BaseException | None] = queue.Queue(
            4
        )
        self._stopping = threading.Event()
        self._cursor = conn.cursor()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._cursor.execute(sqlite_index_chunks())
            for chunk, text in self._cursor:
                groups = {}
                for item in text.split(_RS):
                    invoice_id, _, index_text = item.partition(b":")
                    groups[int(invoice_id)] = index_text
                if not self._put((chunk, groups)):
                    return
            orphans = {row[0]: b"" for row in self._cursor.execute(SQLITE_ORPHANS)}
            if orphans and not self._put((_LAST, orphans)):
                return
            self._put(None)
        except (ValueError, TypeError, AttributeError) as exc:  # not an id, not bytes
            self._put(UntypedValue(f"index text: {exc}"))
        except BaseException as exc:  # handed to the reader, which raises it
            self._put(exc)

    def _put(self, item: tuple[int, dict[int, bytes]] | BaseException | None) -> bool:
        while not self._stopping.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[tuple[int, dict[int, bytes]]]:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def done(self) -> None:
        self._thread.join()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()
        self._cursor.close()


#: What tells two read transactions of a ledger apart: issued records are only ever added
#: (triggers refuse updates and deletes), and each addition raises a table's largest rowid.
_SNAPSHOT = (
    f"SELECT (SELECT max(rowid) FROM {_I}), (SELECT max(rowid) FROM {_L}), "
    "(SELECT max(rowid) FROM engagekit_counters)"
)


def _second_connection(raw: Any) -> Any:
    """A second connection to ``raw``'s database file, in a read transaction that sees what
    ``raw``'s sees, or None (an in-memory database, or a record was issued in between).

    On the same connection the line rows' cursor would share its mutex with the invoice rows':
    SQLite would work on one of them at a time, and the two threads would hand the GIL and the
    mutex back and forth on every row (some 280,000 futex calls over 100,000 records).
    """
    import sqlite3

    files = [row[2] for row in raw.execute("PRAGMA database_list") if row[1] == "main"]
    if not files or not files[0]:
        return None
    mine = raw.execute(_SNAPSHOT).fetchone()  # raw's snapshot holds from here, if not before
    other = sqlite3.connect(
        files[0], timeout=lock_timeout(), isolation_level=None, check_same_thread=False
    )
    try:
        other.execute("BEGIN")
        if other.execute(_SNAPSHOT).fetchone() == mine:
            return other
    except sqlite3.Error:
        pass
    other.close()
    return None


class _Lines:
    """The line-row query run on a cursor of its own in a worker thread; iterating yields its
    rows in order (an error in the thread is raised here)."""

    def __init__(self, raw: Any, sql: str) -> None:
        self._queue: queue.Queue[list[tuple[Any, ...]] | BaseException | None] = queue.Queue(2)
        self._stopping = threading.Event()
        self._cursor = raw.cursor()
        self._thread = threading.Thread(target=self._run, args=(sql,), daemon=True)
        self._thread.start()

    def _run(self, sql: str) -> None:
        try:
            self._cursor.execute(sql)
            while not self._stopping.is_set() and (rows := self._cursor.fetchmany(BATCH)):
                self._put(rows)
            self._put(None)
        except BaseException as exc:  # handed to the reader, which raises it
            self._put(exc)

    def _put(self, item: list[tuple[Any, ...]] | BaseException | None) -> None:
        while not self._stopping.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield from item

    def done(self) -> None:
        self._thread.join()

    def stop(self) -> None:
        """End the thread (the reader stopped early or failed) and close its cursor."""
        self._stopping.set()
        self._thread.join()
        self._cursor.close()


def _merge(inv: Any, lin: Any) -> Iterator[list[tuple[Any, ...]]]:
    """Invoice rows with their lines' JSON appended, from the invoice cursor and the line
    groups (both in invoice order)."""
    pending = iter(lin)
    group = next(pending, None)
    nones = (None,) * (len(SCAN_COLUMNS) - 2)
    while rows := inv.fetchmany(BATCH):
        out = []
        for row in rows:
            while group is not None and group[0] < row[0]:  # lines of no invoice
                out.append((group[0], *nones, group[1]))
                group = next(pending, None)
            if group is not None and group[0] == row[0]:
                out.append((*row, group[1]))
                group = next(pending, None)
            else:
                out.append((*row, b"[]"))
        yield out
    rest = [(g[0], *nones, g[1]) for g in (group, *pending) if g]
    if rest:
        yield rest
