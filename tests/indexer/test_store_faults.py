"""Database failures under the indexer: a lost connection or a locked database is retried with backoff
and the result equals a clean run; an error that retrying does not fix stops it with the database's message.

PostgreSQL: the indexer's own backend is terminated (``pg_terminate_backend``) just before chosen
statements, mid-transaction. SQLite: a genuine "database is locked" error (SQLITE_BUSY, obtained from a
second connection holding the write lock) is raised at the same points.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ledger.store import Store, StoreDatabaseError, StoreUnavailableError
from tests.indexer.conftest import FAST, IndexerMaker, StoreFactory, chain_rows, event_rows
from tests.indexer.scenario import Chain

# Small batches: many transactions to fail in (the busy chain has a few thousand events).
CONFIG = replace(FAST, max_logs=300)


def _locked_error(tmp_path: Path) -> sqlite3.OperationalError:
    """A real SQLITE_BUSY error: a second connection asks for the write lock the first one holds."""
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError) as caught:
            other.execute("BEGIN IMMEDIATE")
        return caught.value
    finally:
        other.close()
        holder.close()


def _fail_before(store: Store, at: set[int], fail: Callable[[Any], None]) -> list[int]:
    """Runs ``fail(connection)`` before the store's statements numbered in ``at``; returns the numbers of
    the statements run (``at`` empty) or of those failed."""
    count = itertools.count()
    seen: list[int] = []

    @sa.event.listens_for(store.engine, "before_cursor_execute")
    def _before(conn: sa.Connection, *_args: object) -> None:
        n = next(count)
        if not at:
            seen.append(n)
        elif n in at:
            seen.append(n)
            fail(conn)

    return seen


@pytest.mark.parametrize("stores", ["sqlite", "postgres"], indirect=True)
def test_lost_connections_and_locked_databases_are_retried_and_the_result_equals_a_clean_run(
    busy_chain: Chain, stores: StoreFactory, make_indexer: IndexerMaker, build: Any, tmp_path: Path
) -> None:
    clean = stores.fresh().open()
    assert isinstance(clean, Store)
    statements = _fail_before(clean, set(), lambda _conn: None)
    make_indexer(busy_chain, clean, config=CONFIG).run()
    # Statement numbers (over the store's engine) before which the database fails: the first lands in
    # the start-up reads, the others inside batch transactions, spread over the run.
    n = len(statements)
    fail_at = {0, n // 5, n // 2, 4 * n // 5}

    store = stores.open()
    assert isinstance(store, Store)
    if stores.kind == "postgres":
        admin = sa.create_engine(store.engine.url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)

        def fail(conn: sa.Connection) -> None:
            pid = conn.connection.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
            with admin.connect() as c:
                assert c.execute(sa.text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}).scalar()

    else:
        locked = _locked_error(tmp_path)
        assert locked.sqlite_errorname == "SQLITE_BUSY"

        def fail(conn: sa.Connection) -> None:
            raise locked

    hit = _fail_before(store, fail_at, fail)
    report = make_indexer(busy_chain, store, config=CONFIG).run()

    assert hit == sorted(fail_at)
    assert report.retries > 0  # (a failure while noting the chain head is skipped, not retried)
    assert event_rows(store) == chain_rows(busy_chain, build)
    assert store.checkpoint() == clean.checkpoint()
    assert store.state_checksum() == clean.state_checksum()


@pytest.mark.parametrize("stores", ["sqlite", "postgres"], indirect=True)
def test_a_database_error_that_retrying_cannot_fix_stops_the_indexer_with_the_databases_message(
    busy_chain: Chain, stores: StoreFactory, make_indexer: IndexerMaker
) -> None:
    store = stores.open()
    assert isinstance(store, Store)
    with store.engine.begin() as conn:  # a schema that no longer matches the store's
        conn.execute(sa.text("DROP TABLE events"))
    indexer = make_indexer(busy_chain, store)
    with pytest.raises(StoreDatabaseError, match="events") as caught:
        indexer.run()
    assert not isinstance(caught.value, StoreUnavailableError)
    assert "not retried" in str(caught.value)
    assert indexer.retrier.retries == 0
    assert store.checkpoint() is None
