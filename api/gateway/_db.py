"""Connections to the store's database for the gateway's own tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from ledger.store._engine import write_options

__all__ = ["writing"]


@contextmanager
def writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction that writes (SQLite: takes the write lock up front, as the store does)."""
    with engine.connect().execution_options(**write_options()) as conn, conn.begin():
        yield conn
