"""A chain with every event type and a live index of it, shared by the session's audit tests.

The chain (anvil, block_time 0) plays two rounds of every event type around a few batched trades
(tests/indexer/scenario.py); the live index is the indexer's store of it. Tests that corrupt an index
take one of their own (:func:`fresh_index`); nobody transacts on the shared chain.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ledger.audit import ReplayReport, audit_replay
from ledger.indexer import open_indexer
from ledger.store import Store, open_store
from ledger.toolchain import Build, compile_contracts
from tests.conftest import service_unavailable
from tests.indexer.scenario import Chain, bulk_trades, every_event_round, running_chain
from tests.store.conftest import create_postgres_schema, drop_postgres_schema

LIVE_BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def build() -> Build:
    return compile_contracts()


@dataclass
class Audited:
    """The chain, a clean live index of it, and the blocks the scenario's phases ended at."""

    chain: Chain
    build: Build
    live: Store
    after_first_round: int

    def replay(self, live: Store | None = None, **kw: object) -> ReplayReport:
        """``audit_replay`` of this chain's deployment (against ``live``, default the clean index)."""
        return audit_replay(
            deployment=self.chain.world.contracts.deployment, build=self.build, rpc=self.chain.rpc,
            live=self.live if live is None else live, **kw,  # type: ignore[arg-type]
        )  # fmt: skip


def index_into(chain: Chain, build: Build, url: str) -> Store:
    store = open_store(url)
    open_indexer(chain.settings, store, chain.rpc, build=build).run()
    return store


@pytest.fixture(scope="session")  # one per worker: six modules read it, none changes it (tampering is reverted)
def audited(build: Build, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Audited]:
    tmp = tmp_path_factory.mktemp("audited")
    with running_chain(tmp / "chain", build) as chain:
        every_event_round(chain.world)
        after_first_round = chain.head()
        chain.rpc.call("evm_increaseTime", [3600])  # an hour between the rounds, for audits at a time
        chain.mine(5)
        bulk_trades(chain.world, 40, per_batch=20)
        every_event_round(chain.world)
        live = index_into(chain, build, f"sqlite:///{tmp / 'live.db'}")
        try:
            yield Audited(chain, build, live, after_first_round)
        finally:
            live.close()


def _postgres_url() -> str:
    """A fresh schema on the test server (``LEDGER_TEST_POSTGRES_URL``); skip locally, fail in CI, when unreachable."""
    url = create_postgres_schema("audit_test")
    if url is None:
        service_unavailable("PostgreSQL not reachable")
    return url


FreshIndex = Callable[[], Store]


@pytest.fixture(params=LIVE_BACKENDS)
def fresh_index(request: pytest.FixtureRequest, audited: Audited, tmp_path: Path) -> Iterator[FreshIndex]:
    """``fresh_index()``: a live index of the audited chain of the test's own, on SQLite and on PostgreSQL."""
    made: list[tuple[Store, str | None]] = []

    def make() -> Store:
        if request.param == "sqlite":
            url, schema_url = f"sqlite:///{tmp_path / f'index-{uuid.uuid4().hex[:8]}.db'}", None
        else:
            url = schema_url = _postgres_url()
        store = index_into(audited.chain, audited.build, url)
        made.append((store, schema_url))
        return store

    try:
        yield make
    finally:
        for store, schema_url in made:
            store.close()
            if schema_url is not None:
                drop_postgres_schema(schema_url)
