"""Alembic migrations of the store (run by :func:`ledger.store.open_store`)."""
