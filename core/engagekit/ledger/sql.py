"""Everything the ledger says to its database, in one place (the migrations aside).

SQLAlchemy 2 Core on SQLite (WAL, foreign keys, a busy timeout, ``BEGIN IMMEDIATE`` for every
write, so numbering transactions queue instead of failing) or PostgreSQL through psycopg 3
(``SELECT ... FOR UPDATE`` on the series rows). Dates are ISO text and money decimal text, so
both backends keep them exactly. There are no UPDATE or DELETE statements on invoices or their
lines here, and the database's triggers refuse them from anywhere else.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from engagekit.errors import InputError
from engagekit.ledger.scanning import (
    CHAIN_COLUMNS,
    HEAD,
    INDEX_COLUMNS,
    LINE_COLUMNS,
    SCAN_COLUMNS,
    VERSION_TABLE,
    UntypedValue,
    lock_timeout,
    sqlite_scan,
)

__all__ = [
    "CHAIN_COLUMNS",
    "HEAD",
    "INDEX_COLUMNS",
    "LINE_COLUMNS",
    "SCAN_COLUMNS",
    "VERSION_TABLE",
    "Store",
    "UntypedValue",
    "connect",
]


metadata = sa.MetaData()
series_t = sa.Table(
    "engagekit_series",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("last_hash", sa.String(64)),
)
counters_t = sa.Table(
    "engagekit_counters",
    metadata,
    sa.Column("series", sa.String(100), sa.ForeignKey("engagekit_series.name"), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("last", sa.Integer, nullable=False),
)
invoices_t = sa.Table(
    "engagekit_invoices",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("number", sa.String(100), nullable=False, unique=True),
    sa.Column("series", sa.String(100), sa.ForeignKey("engagekit_series.name"), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("sequence", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("project", sa.Text, nullable=False),
    sa.Column("project_file", sa.Text, nullable=False),
    sa.Column("period", sa.String(40), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("issue_date", sa.String(10), nullable=False),
    sa.Column("total", sa.String(40), nullable=False),
    sa.Column("corrects", sa.String(100)),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("prev_hash", sa.String(64)),
    sa.Column("issued_at", sa.String(32), nullable=False),
)
lines_t = sa.Table(
    "engagekit_invoice_lines",
    metadata,
    sa.Column("invoice_id", sa.Integer, sa.ForeignKey("engagekit_invoices.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("component", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("quantity", sa.String(40), nullable=False),
    sa.Column("unit_price", sa.String(40), nullable=False),
    sa.Column("amount", sa.String(40), nullable=False),
)


def _safe_url(url: sa.URL) -> str:
    return url.render_as_string(hide_password=True)


def connect(url: str) -> Engine:
    """An engine for ``url``; SQLite files get their folder, WAL and a busy timeout."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise InputError(
            f"{url!r} is not a database URL",
            hint="use sqlite:///path/to/file.db or postgresql+psycopg://user@host:5432/name",
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread: a scan reads the line rows on a second cursor in a thread of
        # its own (``scanning.sqlite_scan``); the module serialises calls on a connection.
        engine = sa.create_engine(
            parsed,
            pool_size=1,
            max_overflow=4,
            connect_args={"timeout": lock_timeout(), "check_same_thread": False},
        )
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            raise InputError(
                f"{_safe_url(parsed)}: engagekit talks to PostgreSQL through psycopg 3",
                hint="write the URL as postgresql+psycopg://...; pip install 'engagekit[postgres]'",
            )
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise InputError(
                "PostgreSQL needs psycopg 3", hint="pip install 'engagekit[postgres]'"
            ) from None
        return sa.create_engine(
            parsed,
            pool_size=1,
            max_overflow=4,
            connect_args={
                "connect_timeout": 10,
                "application_name": f"engagekit (pid {os.getpid()})",
                "options": f"-c lock_timeout={int(lock_timeout() * 1000)}",
            },
        )
    raise InputError(
        f"{_safe_url(parsed)}: unsupported database {backend!r}",
        hint="the ledger runs on SQLite (the default) or PostgreSQL",
    )


def _sqlite_connect(dbapi: Any, _record: Any) -> None:
    # The driver's own implicit transactions are off; _sqlite_begin starts ours.
    dbapi.isolation_level = None
    cur = dbapi.cursor()
    cur.execute(f"PRAGMA busy_timeout = {int(lock_timeout() * 1000)}")
    cur.execute("PRAGMA foreign_keys = ON")
    mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
    if mode != "wal":
        cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # A write takes the lock up front: numbering reads and bumps a counter, and a deferred
    # transaction upgrading its lock midway would fail with "database is locked" instead of
    # waiting its turn.
    write = conn.get_execution_options().get("engagekit_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Store:
    """The ledger's tables behind a few named operations. Writes happen in ``write()``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.backend = engine.dialect.name
        self.where = _safe_url(engine.url)

    # -- transactions and errors ------------------------------------------------------------

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self.errors(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction that commits everything or nothing."""
        with (
            self.errors(),
            self.engine.connect().execution_options(engagekit_write=True) as conn,
            conn.begin(),
        ):
            yield conn

    @contextlib.contextmanager
    def errors(self) -> Iterator[None]:
        """Database failures as input errors that say where and why (never a password)."""
        try:
            yield
        except sa.exc.DBAPIError as exc:
            raise self._explain(exc) from None

    def _explain(self, exc: sa.exc.DBAPIError) -> InputError:
        text = str(exc.orig).strip()
        first = text.splitlines()[0] if text else type(exc.orig).__name__
        url = self.engine.url
        if self.backend == "sqlite":
            path = url.database or ""
            if "locked" in text or "busy" in text:
                holders = _holders(path)
                return InputError(
                    f"the ledger database is locked by another writer (waited {lock_timeout():g} s)",
                    where=path,
                    hint=f"held by {holders}" if holders else "another engage is issuing; retry",
                )
            if "readonly" in text or "read-only" in text:
                return InputError(
                    "the ledger database is read-only here",
                    where=path,
                    hint="issuing needs write access to the file and its folder",
                )
            if "not a database" in text or "malformed" in text:
                return InputError(
                    f"the ledger database is damaged or not SQLite ({first})",
                    where=path,
                    hint="restore it from a backup; engagekit never repairs a ledger",
                )
            if "unable to open" in text:
                return InputError(f"cannot open the ledger database ({first})", where=path)
        else:
            host = f"{url.host or 'localhost'}:{url.port or 5432}"
            if isinstance(exc, sa.exc.OperationalError) and "lock timeout" in text:
                holders = self._pg_holders()
                return InputError(
                    f"the ledger is locked by another session (waited {lock_timeout():g} s)",
                    where=self.where,
                    hint=f"held by {holders}" if holders else "another engage is issuing; retry",
                )
            if "read-only" in text:
                return InputError(
                    "the ledger database is read-only for this user or server",
                    where=self.where,
                    hint="issuing needs INSERT and UPDATE rights on the engagekit_* tables",
                )
            if isinstance(exc, sa.exc.OperationalError) and ("connect" in text or "server" in text):
                reason = re.sub(r"password=\S+", "password=***", first)
                return InputError(
                    f"cannot connect to the ledger database at {host}: {reason}",
                    where=self.where,
                )
        return InputError(f"the ledger database refused: {first}", where=self.where)

    def _pg_holders(self) -> str:
        """The sessions holding locks on the series table (best effort)."""
        query = sa.text(
            "SELECT DISTINCT a.pid, a.application_name, a.client_addr, a.usename "
            "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.relation = 'engagekit_series'::regclass AND a.pid <> pg_backend_pid()"
        )
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
        except sa.exc.DBAPIError:
            return ""
        return ", ".join(
            f"pid {pid} ({app or 'unnamed'}, {user}@{addr or 'local'})"
            for pid, app, addr, user in rows
        )

    # -- schema -----------------------------------------------------------------------------

    def revision(self, conn: Connection) -> str | None:
        """The schema revision the database is at; None when it has no ledger yet."""
        if not sa.inspect(conn).has_table(VERSION_TABLE):
            return None
        row = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).first()
        return None if row is None else str(row[0])

    def serialise_schema_changes(self, conn: Connection) -> None:
        """Two processes opening a new ledger at once must not both create it."""
        if self.backend == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(7349120051)"))

    # -- numbering --------------------------------------------------------------------------

    def lock_series(self, conn: Connection, names: Sequence[str]) -> dict[str, str | None]:
        """Lock the rows of ``names`` (sorted, so that writers never deadlock) for the rest of
        the transaction; returns each series' last hash."""
        names = sorted(set(names))
        select = _SERIES_LOCK if self.backend == "postgresql" else _SERIES
        heads = {name: last for name, last in conn.execute(select, {"b_names": names})}
        missing = [{"name": n, "last_hash": None} for n in names if n not in heads]
        if missing:  # a new series: create its row, then lock it like the others
            conn.execute(_insert(self.backend, series_t).on_conflict_do_nothing(), missing)
            heads = {name: last for name, last in conn.execute(select, {"b_names": names})}
        return heads

    def next_sequence(self, conn: Connection, series: str, year: int) -> int:
        """Bump and return the counter of ``series`` in ``year`` (its row is locked already)."""
        key = {"b_series": series, "b_year": year}
        bumped = conn.execute(_COUNTER_BUMP, key).scalar()
        if bumped is not None:
            return int(bumped)
        conn.execute(sa.insert(counters_t), {"series": series, "year": year, "last": 1})
        return 1

    def insert(
        self,
        conn: Connection,
        columns: Mapping[str, Any],
        lines: Sequence[Mapping[str, Any]],
    ) -> None:
        """Write one invoice row, its lines, and move its series' chain head to it."""
        row = {**columns, "issued_at": datetime.now(UTC).isoformat(timespec="seconds")}
        invoice_id = conn.execute(_INVOICE_INSERT, row).scalar_one()
        if lines:
            conn.execute(_LINES_INSERT, [{**x, "invoice_id": invoice_id} for x in lines])
        conn.execute(_HEAD_UPDATE, {"b_name": columns["series"], "b_hash": columns["hash"]})

    # -- reading ----------------------------------------------------------------------------

    def documents(
        self,
        conn: Connection,
        *,
        project_file: str | None = None,
        period: str | None = None,
        number: str | None = None,
        since: str | None = None,
    ) -> list[tuple[str, str]]:
        """``(document, hash)`` of the matching records, in the order they were issued."""
        c = invoices_t.c
        if project_file is not None and period is not None and number is None and since is None:
            rows = conn.execute(_BY_PROJECT_PERIOD, {"b_file": project_file, "b_period": period})
            return [(doc, h) for doc, h in rows]
        query = sa.select(c.document, c.hash).order_by(c.id)
        if project_file is not None:
            query = query.where(c.project_file == project_file)
        if period is not None:
            query = query.where(c.period == period)
        if number is not None:
            query = query.where(c.number == number)
        if since is not None:
            query = query.where(c.issue_date >= since)
        return [(doc, h) for doc, h in conn.execute(query)]

    def scan(self, conn: Connection, *, typed: bool = False) -> Iterator[list[tuple[Any, ...]]]:
        """Every invoice row as ``SCAN_COLUMNS``, in the order they were issued, in batches,
        through the driver's own cursor (verify reads every row of the ledger, so each
        microsecond per row counts: no SQLAlchemy row objects).

        ``document`` comes as its UTF-8 bytes (what the hash covers), ``lines`` as the JSON of
        the invoice's line rows (``[[position, component, ...], ...]`` in ``LINE_COLUMNS``
        order, by position; ``b"[]"`` for none) built by the database, so that
        ``record.index_text`` of the columns and these rows is one ``orjson.dumps`` and a
        concatenation. SQLite: ``scanning.sqlite_scan`` (the line rows on a second cursor,
        grouped in the order of their primary key, read in a thread beside the invoices; line
        rows of no invoice are yielded as ``(invoice_id, None, ...)`` rows); PostgreSQL: one
        query with a subquery per invoice.

        ``typed`` (SQLite only): a line value of a type the column does not hold becomes null
        instead of making ``json_array`` fail on a BLOB (``UntypedValue``), for a second pass.
        """
        dbapi = self.engine.dialect.loaded_dbapi
        raw: Any = conn.connection.driver_connection
        try:
            if self.backend == "postgresql":
                cur = raw.cursor(name="engagekit_scan", binary=True)
                cur.execute(_scan_sql(self.engine, "pg"))
                while rows := cur.fetchmany(_BATCH):
                    yield [_compact(row) for row in rows]
                cur.close()
                return
            yield from sqlite_scan(raw, typed=typed)
        except dbapi.Error as exc:
            raise sa.exc.DBAPIError.instance(
                "scan", None, exc, dbapi.Error, dialect=self.engine.dialect
            ) from None

    def chain_rows(self, conn: Connection, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        """The invoice rows of ``ids`` as ``CHAIN_COLUMNS``, by id: each with its line rows as
        one JSON text the database builds (see ``scan``), which records of schema 1 are
        compared with, and every column the field-by-field check names."""
        return [tuple(row) for row in conn.execute(_chain_query(self.backend), {"b_ids": ids})]

    def previous_number(self, conn: Connection, series: str, invoice_id: int) -> str | None:
        """The number of the record issued before ``invoice_id`` in ``series``."""
        return conn.execute(_PREVIOUS, {"b_series": series, "b_id": invoice_id}).scalar()

    def last_numbers(self, conn: Connection) -> dict[str, str]:
        """Each series' last record's number."""
        return {series: number for series, number in conn.execute(_LAST_NUMBERS)}

    def line_rows(self, conn: Connection, invoice_id: int) -> list[tuple[Any, ...]]:
        """The line rows of one invoice as ``LINE_COLUMNS`` tuples, by position."""
        return [tuple(row) for row in conn.execute(_LINE_ROWS, {"b_id": invoice_id})]

    def heads(self, conn: Connection) -> dict[str, str | None]:
        return {name: last for name, last in conn.execute(sa.select(series_t))}

    def counters(self, conn: Connection) -> dict[tuple[str, int], int]:
        rows = conn.execute(sa.select(counters_t.c.series, counters_t.c.year, counters_t.c.last))
        return {(s, y): last for s, y, last in rows}


# Statements built once: building and cache-keying a statement costs more than running it.
_SERIES = (
    sa.select(series_t.c.name, series_t.c.last_hash)
    .where(series_t.c.name.in_(sa.bindparam("b_names", expanding=True)))
    .order_by(series_t.c.name)
)
_SERIES_LOCK = _SERIES.with_for_update()
_COUNTER_BUMP = (
    sa.update(counters_t)
    .where(
        (counters_t.c.series == sa.bindparam("b_series"))
        & (counters_t.c.year == sa.bindparam("b_year"))
    )
    .values(last=counters_t.c.last + 1)
    .returning(counters_t.c.last)
)
_INVOICE_INSERT = sa.insert(invoices_t).returning(invoices_t.c.id)
_LINES_INSERT = sa.insert(lines_t)
_HEAD_UPDATE = (
    sa.update(series_t)
    .where(series_t.c.name == sa.bindparam("b_name"))
    .values(last_hash=sa.bindparam("b_hash"))
)
_BY_PROJECT_PERIOD = (
    sa.select(invoices_t.c.document, invoices_t.c.hash)
    .where(
        (invoices_t.c.project_file == sa.bindparam("b_file"))
        & (invoices_t.c.period == sa.bindparam("b_period"))
    )
    .order_by(invoices_t.c.id)
)


_LINE_ROWS = (
    sa.select(*(lines_t.c[name] for name in LINE_COLUMNS))
    .where(lines_t.c.invoice_id == sa.bindparam("b_id"))
    .order_by(lines_t.c.position)
)
_PREVIOUS = (
    sa.select(invoices_t.c.number)
    .where(
        (invoices_t.c.series == sa.bindparam("b_series")) & (invoices_t.c.id < sa.bindparam("b_id"))
    )
    .order_by(invoices_t.c.id.desc())
    .limit(1)
)
_LAST_NUMBERS = sa.select(invoices_t.c.series, invoices_t.c.number).where(
    invoices_t.c.id.in_(sa.select(sa.func.max(invoices_t.c.id)).group_by(invoices_t.c.series))
)
_CHAIN: dict[str, sa.Select[Any]] = {}
_BATCH = 4096


def _chain_query(backend: str) -> sa.Select[Any]:
    """The query behind ``Store.chain_rows`` for ``backend`` (built once)."""
    if backend not in _CHAIN:
        c = invoices_t.c
        document: Any
        if backend == "postgresql":
            lines, document = _pg_lines(), sa.func.convert_to(c.document, "UTF8")
        else:
            lines, document = _sqlite_lines(typed=True), sa.cast(c.document, sa.LargeBinary)
        _CHAIN[backend] = (
            sa.select(
                *(c[name] for name in CHAIN_COLUMNS[:13]),
                sa.type_coerce(document, sa.LargeBinary),
                c.hash,
                c.prev_hash,
                lines,
            )
            .where(c.id.in_(sa.bindparam("b_ids", expanding=True)))
            .order_by(c.id)
        )
    return _CHAIN[backend]


_SCAN: dict[tuple[str, str], str] = {}


def _scan_sql(engine: Engine, which: str) -> str:
    """The SQL text of ``Store.scan``'s queries (built and compiled once): ``pg`` the
    invoices and their lines in one; ``sqlite`` the invoices, ``lines`` / ``lines-typed``
    their line rows grouped, which are what ``engagekit.ledger.scanning`` runs (written
    there without SQLAlchemy; a test compares the two)."""
    key = (engine.dialect.name, which)
    if key not in _SCAN:
        c, lc = invoices_t.c, lines_t.c
        query: Any
        if which in ("lines", "lines-typed"):
            query = (
                sa.select(
                    lc.invoice_id, sa.cast(_sqlite_group(which == "lines-typed"), sa.LargeBinary)
                )
                .group_by(lc.invoice_id)
                .order_by(lc.invoice_id)
            )
        else:
            if which == "pg":
                document: Any = sa.func.convert_to(c.document, "UTF8")
                columns = [
                    *(c[name] for name in INDEX_COLUMNS),
                    sa.func.convert_to(_pg_lines(), "UTF8"),
                ]
            else:  # as scanning.sqlite_invoices(typed=False) writes it
                document = sa.cast(c.document, sa.LargeBinary)
                json = sa.func.json_array(*(c[name] for name in INDEX_COLUMNS))
                columns = [
                    *(c[name] for name in SCAN_COLUMNS[3:7]),
                    sa.cast(json, sa.LargeBinary).label("index_columns"),
                ]
            query = sa.select(c.id, document, c.hash, *columns).order_by(c.id)
        compiled = query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
        _SCAN[key] = str(compiled)
    return _SCAN[key]


def _compact(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row of the PostgreSQL scan (id, document, hash, the index columns, lines) as
    ``SCAN_COLUMNS``: the index columns' JSON written by orjson."""
    try:
        columns: bytes | None = orjson.dumps(row[3:16])
    except TypeError:  # a value of no JSON type: the record fails the fast check
        columns = None
    return (*row[:3], row[4], row[5], row[6], row[15], columns, row[16])


def _sqlite_row(typed: bool) -> Any:
    """One line row as a JSON array, as ``orjson.dumps`` writes it."""
    lc = lines_t.c

    # A value of the wrong type (SQLite lets a BLOB into any column) becomes null, which no
    # record holds, so that invoice goes to the exact comparison instead of failing here.
    def value(name: str) -> Any:
        if not typed:
            return lc[name]
        kind = "integer" if name == "position" else "text"
        return sa.case((sa.func.typeof(lc[name]) == sa.literal_column(f"'{kind}'"), lc[name]))

    return sa.func.json_array(*(value(name) for name in LINE_COLUMNS))


def _sqlite_group(typed: bool) -> Any:
    # SQLite aggregates in the order it reads, here the primary key's (invoice_id, position);
    # were it ever another, the text would differ and verify would compare the rows.
    return sa.func.json_group_array(_sqlite_row(typed))


def _sqlite_lines(*, typed: bool) -> Any:
    lc = lines_t.c
    return sa.select(_sqlite_group(typed)).where(lc.invoice_id == invoices_t.c.id).scalar_subquery()


def _pg_lines() -> Any:
    from sqlalchemy.dialects.postgresql import aggregate_order_by

    lc = lines_t.c

    def text(literal: str) -> Any:
        return sa.literal_column(f"'{literal}'", sa.Text)

    # to_json(text)::text is a JSON string with the escapes orjson writes, and no spaces;
    # concat() of no lines at all (a null aggregate) is "[]"
    values = [
        sa.cast(lc.position, sa.Text),
        *(sa.cast(sa.func.to_json(lc[name]), sa.Text) for name in LINE_COLUMNS[1:]),
    ]
    row = sa.func.concat(text("["), sa.func.concat_ws(text(","), *values), text("]"))
    joined = sa.func.string_agg(row, aggregate_order_by(text(","), lc.position))
    return (
        sa.select(sa.func.concat(text("["), joined, text("]")))
        .where(lc.invoice_id == invoices_t.c.id)
        .scalar_subquery()
    )


def _insert(backend: str, table: sa.Table) -> Any:
    if backend == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def _holders(path: str) -> str:
    """Which processes have the SQLite file open, where the system tells (Linux /proc)."""
    target = os.path.realpath(path) if path else ""
    found: list[str] = []
    proc = Path("/proc")
    if not target or not proc.is_dir():
        return ""
    for pid_dir in proc.iterdir():
        if not pid_dir.name.isdigit() or int(pid_dir.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            for fd in (pid_dir / "fd").iterdir():
                if os.path.realpath(fd) == target:
                    cmd = (pid_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                    found.append(f"pid {pid_dir.name} ({cmd.strip()[:60]})")
                    break
    return ", ".join(found)
