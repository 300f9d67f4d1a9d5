"""Fixtures for the indexer tests: chains with activity, stores of every kind, indexers wired to both.

Stores: ``fake`` (in memory, tests/indexer/fakestore.py), ``sqlite`` (a file in tmp_path) and
``postgres`` (a fresh database per store on the server of ``LEDGER_TEST_POSTGRES_URL``; skipped when
that is unset or unreachable and pytest runs alone, a failure under scripts/test and in CI).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest

from ledger.chain.rpc import JsonRpcClient
from ledger.contracts.deploy import event_contracts
from ledger.contracts.system import contract_abi
from ledger.decode import EventDecoder, LedgerEvent
from ledger.indexer import Indexer, IndexerConfig, RetryPolicy, open_indexer
from ledger.toolchain import Build, compile_contracts
from tests.conftest import postgres_test_url, service_unavailable
from tests.indexer.fakestore import FakeStore
from tests.indexer.scenario import Chain, bulk_trades, every_event_round, running_chain

STORE_KINDS = ["fake", "sqlite", "postgres"]

# Quick retries and polls: the tests inject faults on purpose.
FAST = IndexerConfig(
    batch_blocks=16, max_logs=2_000, poll_interval=0.05, retry=RetryPolicy(attempts=12, base_delay=0.01, max_delay=0.2)
)


class TestStore(Protocol):
    __test__ = False  # not a test class

    def checkpoint(self) -> tuple[int, str] | None: ...
    def block_hash(self, number: int) -> str | None: ...
    def apply(self, blocks: Any, events: Any, checkpoint: Any) -> None: ...
    def rollback(self, to_block: int) -> None: ...
    def state_checksum(self, at_block: int | None = None) -> str: ...
    def close(self) -> None: ...


EventRow = tuple[int, int, str, str, str, str, dict[str, Any]]


def event_rows(store: TestStore) -> list[EventRow]:
    """Every stored event as (block, log index, block hash, tx hash, contract, name, args), in log order."""
    if isinstance(store, FakeStore):
        return [_row(store.events[k]) for k in sorted(store.events)]
    found = store.as_of().find_events()  # type: ignore[attr-defined]
    return [
        (r["block_number"], r["log_index"], r["block_hash"], r["tx_hash"], r["contract"], r["name"], r["args"])
        for r in found
    ]


def _row(e: LedgerEvent) -> EventRow:
    return (e.block_number, e.log_index, e.block_hash, e.tx_hash, e.contract, e.name, e.args)


def chain_rows(chain: Chain, build: Build, to_block: int | None = None) -> list[EventRow]:
    """The chain's own logs of the deployment's contracts whose events are indexed (the ledger's, the access
    manager's, the officers' Safes'), decoded, up to ``to_block`` (default: the head)."""
    dep = chain.world.contracts.deployment
    addresses = event_contracts(dep)
    decoder = EventDecoder.for_contracts(addresses, {n: contract_abi(build, n) for n in addresses})
    logs = chain.rpc.call(
        "eth_getLogs",
        [{
            "address": list(addresses.values()),
            "fromBlock": hex(dep.deployment_block),
            "toBlock": hex(to_block) if to_block is not None else "latest",
        }],
    )  # fmt: skip
    return [_row(e) for e in decoder.decode(logs)]


@dataclass
class StoreFactory:
    """Opens stores of one kind; ``open()`` again gives the same database (a restart), ``fresh()`` another."""

    kind: str
    tmp: Path
    pg_admin_url: str | None
    created: list[str] = field(default_factory=list)
    url: str | None = None
    _fake: FakeStore | None = None
    _opened: list[TestStore] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.kind == "sqlite":
            self.url = f"sqlite:///{self.tmp / f'ledger-{uuid.uuid4().hex[:8]}.db'}"
        elif self.kind == "postgres":
            assert self.pg_admin_url is not None
            name = f"ledger_idx_{uuid.uuid4().hex[:12]}"
            import psycopg

            with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            self.created.append(name)
            base = self.pg_admin_url.rsplit("/", 1)[0]
            self.url = f"{base}/{name}"

    def open(self) -> TestStore:
        if self.kind == "fake":
            if self._fake is None:
                self._fake = FakeStore()
            return self._fake
        from ledger.store import open_store

        assert self.url is not None
        store: TestStore = open_store(self.url)
        self._opened.append(store)
        return store

    def fresh(self) -> StoreFactory:
        return StoreFactory(self.kind, self.tmp, self.pg_admin_url, self.created)

    def close(self) -> None:
        for store in self._opened:
            store.close()


def _postgres_admin_url() -> str | None:
    url = postgres_test_url()
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        service_unavailable(f"PostgreSQL at {url} is unreachable: {exc}")
    return url


@pytest.fixture(params=STORE_KINDS)
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """A factory of stores of each kind (the test runs once per kind)."""
    admin = _postgres_admin_url() if request.param == "postgres" else None
    factory = StoreFactory(request.param, tmp_path, admin)
    made = [factory]
    original_fresh = factory.fresh

    def fresh() -> StoreFactory:
        other = original_fresh()
        made.append(other)
        return other

    factory.fresh = fresh  # type: ignore[method-assign]
    try:
        yield factory
    finally:
        for f in made:
            f.close()
        if admin is not None:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                for name in factory.created:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def build() -> Build:
    return compile_contracts()


@pytest.fixture(scope="session")
def busy_chain(build: Build, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    """A chain with two rounds of every event type, 300 bulk trades and stretches of empty blocks.

    Shared by the session's indexer tests (one per worker, not one per module: each takes ~15 s to make): they
    must not change it (index it, never transact; mining empty blocks is harmless, every test reads what it
    expects from the chain)."""
    with running_chain(tmp_path_factory.mktemp("busy-chain"), build) as chain:
        every_event_round(chain.world)
        chain.mine(40)
        bulk_trades(chain.world, 300, per_batch=25)
        chain.mine(300)
        every_event_round(chain.world)
        yield chain


@pytest.fixture
def fresh_chain(build: Build, tmp_path: Path) -> Iterator[Chain]:
    """A chain of the test's own (for tests that reorganise it or add to it)."""
    with running_chain(tmp_path / "chain", build) as chain:
        yield chain


IndexerMaker = Callable[..., Indexer]


@pytest.fixture
def make_indexer(build: Build) -> IndexerMaker:
    """``make_indexer(chain, store, rpc=None, config=FAST, stop=None)``: an indexer of the chain's deployment."""

    def make(
        chain: Chain,
        store: TestStore,
        *,
        rpc: JsonRpcClient | None = None,
        config: IndexerConfig = FAST,
        stop: threading.Event | None = None,
    ) -> Indexer:
        return open_indexer(chain.settings, store, rpc or chain.rpc, build=build, config=config, stop=stop)

    return make
