"""Alembic environment: migrates the connection :func:`ledger.store.migrate` passes in, or the
database of ``LEDGER_DATABASE_URL`` when run from the ``alembic`` command line."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from ledger.store._engine import create_store_engine
from ledger.store.schema import metadata

# Any fixed number: concurrent first starts on PostgreSQL migrate one after the other.
_MIGRATION_LOCK = 0x6C656467  # "ledg"


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from ledger.settings import LedgerSettings

    engine = create_store_engine(LedgerSettings().effective_database_url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


_main()
