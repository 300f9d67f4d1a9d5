"""Stores on both backends: a SQLite file per test, and a PostgreSQL schema of its own per test.

PostgreSQL comes from ``LEDGER_TEST_POSTGRES_URL`` (scripts/test starts a server of its own and sets it).
Each test gets a fresh schema (``search_path`` set through the connection options), dropped afterwards,
so parallel workers and runs never meet. An unset or unreachable server skips the PostgreSQL cases when
pytest runs alone and fails them under scripts/test and in CI.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ledger.decode import BlockHeader, LedgerEvent
from ledger.store import Store, normalize_database_url, open_store
from tests.conftest import postgres_test_url, service_unavailable, services_required

BACKENDS = ["sqlite", "postgresql"]


def postgres_base_url() -> str:
    return normalize_database_url(postgres_test_url())


def _postgres_unavailable(reason: str) -> NoReturn:
    service_unavailable(f"PostgreSQL not reachable: {reason}")


def create_postgres_schema(prefix: str) -> str | None:
    """The URL of a fresh schema ``<prefix>_<random>`` on the test server (drop it with
    :func:`drop_postgres_schema`); None when the server is not reachable (a failure under scripts/test)."""
    if not os.environ.get("LEDGER_TEST_POSTGRES_URL") and not services_required():
        return None
    admin = sa.create_engine(postgres_base_url(), isolation_level="AUTOCOMMIT")
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        if services_required():
            _postgres_unavailable(str(exc).splitlines()[0])
        return None
    finally:
        admin.dispose()
    url = make_url(postgres_base_url()).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def drop_postgres_schema(url: str) -> None:
    """Drops the schema of a :func:`create_postgres_schema` URL."""
    parsed = make_url(url)
    schema = str(parsed.query["options"]).removeprefix("-csearch_path=")
    admin = sa.create_engine(parsed.difference_update_query(["options"]), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[sa.Engine]:
    """An engine on the test server (autocommit), or a skip (a failure under scripts/test) when unreachable."""
    engine = sa.create_engine(postgres_base_url(), isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        _postgres_unavailable(str(exc).splitlines()[0])
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a fresh, empty schema on the test server (dropped after the test)."""
    admin: sa.Engine = request.getfixturevalue("postgres_admin")
    schema = f"store_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(postgres_base_url()).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "ledger.db")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = open_store(store_url)
    try:
        yield s
    finally:
        s.close()


def apply_in_batches(
    store: Store, headers: list[BlockHeader], events: list[LedgerEvent], blocks_per_batch: int
) -> None:
    """Applies the stream the way an indexer would: consecutive block ranges, one transaction each."""
    by_block: dict[int, list[LedgerEvent]] = {}
    for e in events:
        by_block.setdefault(e.block_number, []).append(e)
    for i in range(0, len(headers), blocks_per_batch):
        chunk = headers[i : i + blocks_per_batch]
        store.apply(chunk, [e for h in chunk for e in by_block.get(h.number, [])], chunk[-1])
