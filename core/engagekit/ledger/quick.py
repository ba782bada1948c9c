"""``engage ledger verify`` on a SQLite ledger, without loading the CLI or SQLAlchemy.

Verifying reads every record of the ledger; on a large one the command's own start-up (typer,
the plugin scan, SQLAlchemy and the schema check) is a good part of its time. So the launcher
(``engagekit.launch``) hands ``engage ledger verify [--workspace DIR]`` to ``run`` first: it
opens the workspace, and when its ledger is a SQLite file whose schema is current, it reads it
with the ``sqlite3`` module alone and runs the very same check (``integrity.verify_source`` on
``scanning.sqlite_scan``). It prints only a clean result. Anything else, it leaves to the
command, which then does the whole work as always: a workspace that does not load, another
database, a missing file, a schema to upgrade, an option it does not take (``--full``,
``--help``), a database error, and any record that does not pass the fast check (the command
names it). The workspace is loaded and checked in a thread while the ledger is read: the
ledger's URL is found first with a plain read of ``engage.toml``, and must be the one the
loaded workspace gives. Plugins are not loaded:
models and plugins never read or write the ledger.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from engagekit.ledger.scanning import (
    HEAD,
    SQLITE_COUNTERS,
    SQLITE_HEADS,
    SQLITE_REVISION,
    sqlite_scan,
)

__all__ = ["run"]


class _Unsure(Exception):
    """The fast check did not pass everything: the command decides and names the record."""


def run(args: Sequence[str]) -> int | None:
    """Verify as ``engage ledger verify ARGS`` does and return its exit code, or None to let
    the command run instead (it then does everything, as if this had not been tried)."""
    workspace = _workspace_option(args)
    if workspace is None:
        return None
    try:
        url = _database_url(workspace)
        path = _sqlite_file(url) if url else None
        if path is None:
            return None
        # The workspace is read and checked in full (as the command does) in a thread, while
        # the ledger is verified: the ledger's URL was found with a plain TOML read, and a
        # workspace that does not load, or names another ledger, is the command's to report.
        with ThreadPoolExecutor(1) as pool:
            loaded = pool.submit(_load_url, workspace)
            report = _verify(path)
            same = loaded.result() == url
    except Exception:  # whatever it is, the command says it properly
        return None
    if not same:
        return None
    if report is None or not report.ok:
        return None
    from engagekit.ledger.integrity import ok_message
    from engagekit.terminal import printable

    print(printable(ok_message(report)), flush=True)
    return 0


def _workspace_option(args: Sequence[str]) -> Path | None:
    """The folder ``args`` name with ``--workspace``/``-w`` (else here); None for any other
    argument."""
    found: str | None = None
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg in ("--workspace", "-w") and rest and found is None:
            found = rest.pop(0)
        elif arg.startswith("--workspace=") and found is None:
            found = arg.removeprefix("--workspace=")
        else:
            return None
    if found is not None and (not found or found.startswith("-")):
        return None
    return Path(found) if found is not None else Path.cwd()


def _database_url(start: Path) -> str | None:
    """The ledger's URL of the workspace at ``start`` as ``Workspace.database_url`` gives it,
    read from ``engage.toml`` alone (None when it does not say it plainly)."""
    import tomllib

    from engagekit.workspace.find import WORKSPACE_FILE, find_workspace

    if start.name == WORKSPACE_FILE and start.is_file():
        root: Path | None = start.resolve().parent
    else:
        root = find_workspace(start)
    if root is None:
        return None
    database = tomllib.loads((root / WORKSPACE_FILE).read_text(encoding="utf-8-sig")).get(
        "database"
    )
    if database is not None and not isinstance(database, str):
        return None
    url = os.environ.get("ENGAGEKIT_DATABASE_URL") or database or ".engage/engagekit.db"
    return url if "://" in url else f"sqlite:///{(root / url).resolve()}"


def _load_url(start: Path) -> str:
    from engagekit.workspace import open_workspace

    return open_workspace(start).database_url()


def _sqlite_file(url: str) -> str | None:
    """The path of a plain SQLite file URL that exists (as ``sql.connect`` opens it)."""
    if not url.startswith("sqlite:///"):
        return None
    path = url.removeprefix("sqlite:///")
    if not path or "?" in path or "%" in path or path.startswith("file:") or path == ":memory:":
        return None
    return path if Path(path).is_file() else None


def _verify(path: str) -> Any:
    from engagekit.ledger.indexing import MMAP
    from engagekit.ledger.integrity import verify_source
    from engagekit.ledger.scanning import lock_timeout

    timeout = lock_timeout()
    raw = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    try:
        raw.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        raw.execute(f"PRAGMA mmap_size = {MMAP}")  # before the read transaction, to count
        if raw.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            return None  # the store turns WAL on first
        with _read(raw):
            row = raw.execute(SQLITE_REVISION).fetchone()
        if row is None or str(row[0]) != HEAD:
            return None  # the store upgrades it, or refuses it
        return verify_source(_Raw(raw))
    except (_Unsure, sqlite3.Error):
        return None
    finally:
        raw.close()


@contextlib.contextmanager
def _read(raw: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    raw.execute("BEGIN")
    try:
        yield raw
    finally:
        raw.execute("ROLLBACK")


class _Raw:
    """``integrity.Source`` over a ``sqlite3`` connection: enough for the fast check."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    def read(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return _read(self.raw)

    def heads(self, conn: sqlite3.Connection) -> dict[str, str | None]:
        return {name: last for name, last in conn.execute(SQLITE_HEADS)}

    def counters(self, conn: sqlite3.Connection) -> dict[tuple[str, int], int]:
        return {(s, y): last for s, y, last in conn.execute(SQLITE_COUNTERS)}

    def scan(self, conn: sqlite3.Connection, *, typed: bool = False) -> Iterator[Any]:
        return sqlite_scan(conn, typed=typed)

    def chain_rows(self, conn: Any, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        raise _Unsure

    def line_rows(self, conn: Any, invoice_id: int) -> list[tuple[Any, ...]]:
        raise _Unsure

    def previous_number(self, conn: Any, series: str, invoice_id: int) -> str | None:
        raise _Unsure

    def last_numbers(self, conn: Any) -> dict[str, str]:
        raise _Unsure
