"""Alembic's environment for the ledger: always run by engagekit itself, on its connection.

``engagekit.ledger.schema`` opens a transaction, puts the connection into
``config.attributes["connection"]`` and upgrades; nothing here opens connections of its own.
"""

from alembic import context

from engagekit.ledger.sql import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table=VERSION_TABLE, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
