"""What ``ledger verify`` reads from SQLite, without SQLAlchemy: its columns, its queries' SQL
and the scan that runs them on the driver's own connection.

``engage ledger verify`` on a SQLite ledger whose schema is current reads the database through
the ``sqlite3`` module alone (``engagekit.ledger.quick``), so this module imports nothing
heavier than the standard library; ``engagekit.ledger.sql`` runs the same scan for the store
and checks that these statements are what its SQLAlchemy tables compile to (a test does too).
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import subprocess
import sys
import threading
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from engagekit.ledger import indexing

__all__ = [
    "CHAIN_COLUMNS",
    "HEAD",
    "INDEX_COLUMNS",
    "INDEX_KEY",
    "LINE_COLUMNS",
    "SCAN_COLUMNS",
    "VERSION_TABLE",
    "Digested",
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
    database. A database file gets an indexer (``_indexer``): a connection of its own, in a
    child process from ``PROCESS_FROM`` invoices on (its own GIL: the other core), else in a
    thread, that builds and hashes every invoice's index text (``indexing.serve``) while this
    thread reads and hashes the documents; the batches are then ``Digested``: rows up to
    ``prev_hash`` with their index texts' digests beside them, the line rows of no invoice
    last, as ``(invoice_id, None, ...)`` rows. Otherwise (an in-memory database, a record
    issued between the two read transactions, ``typed``) ``lines`` is the JSON of the
    invoice's line rows (``b"[]"`` for none, ``sqlite_lines``) read by a second cursor on the
    same connection in a thread of its own, and line rows of no invoice come among the
    records, by id. 100,000 records: 1.0-1.3 s against 2.0-2.3 s for the index texts built
    on a second connection in a thread, and less CPU time (1.8-2.2 against 2.8-3.2 s).

    ``typed``: a value of a type the column does not hold (a BLOB: SQLite lets any type
    into any column) does not make ``json_array`` fail (``UntypedValue``) but the record's
    check, for a second pass.
    """
    import sqlite3

    indexer = None if typed else _indexer(raw)
    if indexer is not None:
        try:
            yield from _digested(raw, indexer)
        finally:
            indexer.stop()
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


def sqlite_index_columns() -> str:
    """Each invoice's id and its index columns' JSON (``sqlite_invoices``), by id: what the
    indexer (``indexing.serve``) joins with ``sqlite_lines`` into its index text."""
    return (
        f"SELECT {_I}.id, CAST({_index_json(False)} AS BLOB) AS index_columns "
        f"\nFROM {_I} ORDER BY {_I}.id"
    )


def _digested(raw: Any, indexer: _Indexer) -> Iterator[list[tuple[Any, ...]]]:
    """``sqlite_scan`` with the index texts hashed by ``indexer``: ``Digested`` batches of
    rows up to ``prev_hash``, then the orphans as ``(invoice_id, None, ...)`` rows."""
    import sqlite3

    inv = raw.cursor()
    try:
        inv.execute(sqlite_documents())
        pending: dict[int, bytes] = {}
        source = indexer.chunks()
        loaded = -(1 << 64)  # the last id of what the indexer sent
        for rows in iter(lambda: inv.fetchmany(BATCH), []):
            sums = []
            for row in rows:
                invoice_id = row[0]
                while loaded < invoice_id:
                    chunk = next(source, None)
                    if chunk is None:
                        loaded = _LAST
                        break
                    loaded = chunk[0]
                    pending.update(chunk[1])
                # No index text (an id of no integer): what no document holds.
                sums.append(pending.pop(invoice_id, EMPTY_SUM))
            yield Digested(rows, sums)
        for chunk in source:
            pending.update(chunk[1])
        nones = (None,) * 6
        rest = [(invoice_id, *nones) for invoice_id in sorted(pending)]
        if rest:
            yield Digested(rest, [EMPTY_SUM] * len(rest))
    except sqlite3.Error as exc:
        if "cannot hold BLOB" in str(exc):
            raise UntypedValue(str(exc)) from None
        raise
    finally:
        inv.close()


class Digested(list):  # type: ignore[type-arg]
    """A batch of scanned rows up to ``prev_hash`` whose index texts were hashed elsewhere:
    ``index_sums`` holds their hex SHA-256s (ASCII bytes), row by row."""

    def __init__(self, rows: list[tuple[Any, ...]], index_sums: list[bytes]) -> None:
        super().__init__(rows)
        self.index_sums = index_sums


#: The SHA-256 of an empty index text: what a record whose text is missing gets.
EMPTY_SUM = hashlib.sha256(b"").hexdigest().encode()
#: The last id the orphans come under: after every other.
_LAST = 1 << 64
#: From how many invoices on the index texts are hashed in a child process rather than a
#: thread (its start, some 25 ms, pays off from a few thousand).
PROCESS_FROM = 5000


class _Indexer:
    """``indexing.serve`` run in a child process (``process``), else in a thread, and what it
    sends as chunks; an error on its side is raised here (a value that is not what the ledger
    writes as ``UntypedValue``, so that verify reads every row again, one by one, and names
    it; a child that stops as ``sqlite3.OperationalError``)."""

    def __init__(self, path: str, sqls: tuple[str, str, str], *, process: bool) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._queue: queue.Queue[tuple[bytes, int, bytes]] = queue.Queue(8)
        self._stopping = threading.Event()
        script = Path(indexing.__file__)
        if process and sys.executable and script.is_file():
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, "-I", "-S", str(script), path, str(lock_timeout()), *sqls],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                )
            except OSError:
                self._proc = None
            else:
                _widen(self._proc.stdout)
        if self._proc is None:
            self._thread = threading.Thread(
                target=indexing.serve, args=(path, lock_timeout(), sqls, self._put), daemon=True
            )
            self._thread.start()
        self._frames = self._read() if self._proc is not None else self._get()

    @property
    def in_process(self) -> bool:
        return self._proc is not None

    def _put(self, kind: bytes, chunk: int, payload: bytes) -> bool:
        while not self._stopping.is_set():
            try:
                self._queue.put((kind, chunk, payload), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _get(self) -> Iterator[tuple[bytes, int, bytes]]:
        while True:
            yield self._queue.get()

    def _read(self) -> Iterator[tuple[bytes, int, bytes]]:
        assert self._proc is not None and self._proc.stdout is not None
        read = self._proc.stdout.read
        size = indexing.HEADER.size
        while True:
            head = read(size)
            kind, chunk, n = indexing.HEADER.unpack(head) if len(head) == size else (b"", 0, 0)
            payload = read(n) if kind else b""
            if not kind or len(payload) != n:
                raise self._died()
            yield kind, chunk, payload

    def _died(self) -> Exception:
        import sqlite3

        assert self._proc is not None and self._proc.stderr is not None
        try:
            code = self._proc.wait(10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            code = self._proc.wait()
        said = self._proc.stderr.read().decode(errors="replace").strip().splitlines()
        return sqlite3.OperationalError(
            f"the process that hashes the ledger's index texts stopped (exit code {code})"
            + (f": {said[-1]}" if said else "")
        )

    def _next(self) -> tuple[bytes, int, bytes]:
        import sqlite3

        kind, chunk, payload = next(self._frames)
        if kind == b"E":
            name, message = json.loads(payload)
            if name == "untyped":
                raise UntypedValue(message)
            error = getattr(sqlite3, name, None)
            if not (isinstance(error, type) and issubclass(error, sqlite3.Error)):
                error = sqlite3.Error
            raise error(message)
        return kind, chunk, payload

    def snapshot(self) -> tuple[Any, ...] | None:
        """The snapshot of the indexer's read transaction (``_SNAPSHOT``)."""
        kind, _, payload = self._next()
        return tuple(json.loads(payload)) if kind == b"S" else None

    def chunks(self) -> Iterator[tuple[int, dict[int, bytes]]]:
        """``(last id, {invoice id: its index text's digest})`` in order, the orphans last as
        ``(_LAST, {invoice id: EMPTY_SUM})``."""
        while True:
            kind, chunk, payload = self._next()
            if kind == b"C":
                n = len(payload) // 72
                ids = array("q")
                ids.frombytes(payload[: 8 * n])
                sums = [payload[i : i + 64] for i in range(8 * n, 72 * n, 64)]
                yield chunk, dict(zip(ids, sums, strict=True))
            elif kind == b"O":
                orphans = json.loads(payload)
                if orphans:
                    yield _LAST, dict.fromkeys(orphans, EMPTY_SUM)
            else:
                return

    def stop(self) -> None:
        """End the child or the thread (done, or the reader stopped early or failed)."""
        self._stopping.set()
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
            for stream in (self._proc.stdout, self._proc.stderr):
                if stream is not None:
                    stream.close()
        if self._thread is not None:
            self._thread.join()


def _widen(pipe: Any) -> None:
    """Let the child run ahead: a pipe holds 64 KiB, less than one frame (72 kB), so that
    the child would wait for every frame to be read before it builds the next one."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):  # not Linux: the child waits more often
        pass


#: What tells two read transactions of a ledger apart: issued records are only ever added
#: (triggers refuse updates and deletes), and each addition raises a table's largest rowid.
_SNAPSHOT = (
    f"SELECT (SELECT max(rowid) FROM {_I}), (SELECT max(rowid) FROM {_L}), "
    "(SELECT max(rowid) FROM engagekit_counters)"
)


def _indexer(raw: Any) -> _Indexer | None:
    """An ``_Indexer`` on ``raw``'s database file whose read transaction sees what ``raw``'s
    sees, or None (an in-memory database, or a record was issued in between, or it could not
    start).

    On the same connection the line rows' cursor would share its mutex with the invoice rows':
    SQLite would work on one of them at a time, and the two threads would hand the GIL and the
    mutex back and forth on every row (some 280,000 futex calls over 100,000 records).
    """
    import sqlite3

    files = [row[2] for row in raw.execute("PRAGMA database_list") if row[1] == "main"]
    if not files or not files[0]:
        return None
    mine = raw.execute(_SNAPSHOT).fetchone()  # raw's snapshot holds from here, if not before
    indexer = _Indexer(
        files[0],
        (_SNAPSHOT, sqlite_index_columns(), sqlite_lines(False)),
        process=(mine[0] or 0) >= PROCESS_FROM,
    )
    try:
        if indexer.snapshot() == tuple(mine):
            return indexer
    except (sqlite3.Error, UntypedValue, ValueError):  # it could not start, or says nonsense
        pass
    indexer.stop()
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
