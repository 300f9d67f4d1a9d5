"""A store per test on each backend, and a Redis prefix of its own per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.store import Store, open_store
from tests.conftest import redis_test_url
from tests.store.conftest import create_postgres_schema, drop_postgres_schema


@pytest.fixture(params=["sqlite", "postgresql"])
def gateway_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        store = open_store(f"sqlite:///{tmp_path / 'ledger.db'}")
        try:
            yield store
        finally:
            store.close()
        return
    url = create_postgres_schema("gateway_unit")
    if url is None:
        pytest.skip("PostgreSQL: LEDGER_TEST_POSTGRES_URL is not set")
    store = open_store(url)
    try:
        yield store
    finally:
        store.close()
        drop_postgres_schema(url)


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The test Redis server, and a prefix of this test's own (its keys are deleted afterwards)."""
    import redis

    url = redis_test_url()
    prefix = f"test-{uuid.uuid4().hex[:10]}"
    yield f"{url}#{prefix}"
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    client.close()
