"""The ledger's schema: upgraded on open by the Alembic migrations shipped in this package.

A database at an older revision is upgraded (and the caller is told so); one at a revision this
engagekit does not know was written by a newer engagekit and is refused, untouched.
"""

from __future__ import annotations

from pathlib import Path

from engagekit.errors import InputError
from engagekit.ledger.sql import HEAD, Store

__all__ = ["ensure_schema"]

MIGRATIONS = Path(__file__).with_name("migrations")


def ensure_schema(store: Store) -> str | None:
    """Bring the schema to ``HEAD``; a note for the user when it changed anything."""
    with store.read() as conn:
        current = store.revision(conn)
    if current == HEAD:
        return None
    _refuse_unknown(store, current)
    from alembic import command
    from alembic.config import Config

    with store.write() as conn:
        store.serialise_schema_changes(conn)
        current = store.revision(conn)  # another process may have done it meanwhile
        if current == HEAD:
            return None
        _refuse_unknown(store, current)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    if current is None:
        return f"created the ledger (schema {HEAD}) in {store.where}"
    return f"upgraded the ledger's schema from {current} to {HEAD} in {store.where}"


def _refuse_unknown(store: Store, revision: str | None) -> None:
    if revision is None:
        return
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    script = ScriptDirectory(str(MIGRATIONS))
    try:
        known = script.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise InputError(
            f"the ledger was written by a newer engagekit (schema {revision}; this one knows "
            f"up to {HEAD}); it was left untouched",
            where=store.where,
            hint="upgrade engagekit: pip install -U engagekit",
        )
