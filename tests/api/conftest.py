"""Fixtures for the read API tests.

``demo``: the demo scenario played once on an embedded chain (a mid-point block noted), indexed into
SQLite and, when the test server is reachable, PostgreSQL; built once per session, read-only.
``demo_client``: a TestClient over the demo store, per backend. ``synthetic_client``: an API over
a small synthetic store (tests/store's generator) for pagination edge cases.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import create_app
from ledger.chain import EmbeddedNode
from ledger.demo import DemoSummary, run_demo
from ledger.indexer import open_indexer
from ledger.settings import LedgerSettings
from ledger.store import Store, open_store
from ledger.toolchain import compile_contracts
from tests.conftest import free_port, service_unavailable
from tests.store.conftest import create_postgres_schema, drop_postgres_schema
from tests.store.synthetic import SyntheticLedger

API_BACKENDS = ["sqlite", "postgresql"]


@dataclass
class Demo:
    """The index of a chain where the demo ran twice (a day apart), on each backend; what each run
    reported; the block between the runs, and the last block."""

    summaries: list[DemoSummary]
    stores: dict[str, Store]
    mid_block: int
    head: int


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    tmp = tmp_path_factory.mktemp("api-demo")
    settings = LedgerSettings(data_dir=tmp / "chain", node_port=free_port(), block_time=0, state_interval=60)
    build = compile_contracts()
    pg_url = create_postgres_schema("api_test")
    stores: dict[str, Store] = {}
    try:
        with EmbeddedNode(settings) as node:
            rpc = node.client(timeout=30)
            first = run_demo(settings, rpc=rpc, build=build, log=lambda _line: None)
            mid_block = int(rpc.call("eth_blockNumber", []), 16)
            rpc.call("evm_increaseTime", [86_400])
            rpc.call("anvil_mine", ["0x1"])
            second = run_demo(settings, rpc=rpc, build=build, log=lambda _line: None)
            head = int(rpc.call("eth_blockNumber", []), 16)
            urls = {"sqlite": f"sqlite:///{tmp / 'demo.db'}"}
            if pg_url is not None:
                urls["postgresql"] = pg_url
            for name, url in urls.items():
                stores[name] = open_store(url)
                open_indexer(settings, stores[name], rpc, build=build).run()
            rpc.close()
        yield Demo([first, second], stores, mid_block, head)
    finally:
        for store in stores.values():
            store.close()
        if pg_url is not None:
            drop_postgres_schema(pg_url)


@pytest.fixture(params=API_BACKENDS)
def backend(request: pytest.FixtureRequest, demo: Demo) -> str:
    if request.param not in demo.stores:
        service_unavailable("PostgreSQL not reachable")
    name: str = request.param
    return name


@pytest.fixture
def client(demo: Demo, backend: str, tmp_path: Path) -> Iterator[TestClient]:
    """The API over the demo store of ``backend``."""
    app = create_app(LedgerSettings(data_dir=tmp_path), store=demo.stores[backend])
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A SQLite store of a few thousand synthetic events (hundreds of assets, trades, licences)."""
    tmp = tmp_path_factory.mktemp("api-synthetic")
    store = open_store(f"sqlite:///{tmp / 'synthetic.db'}")
    ledger = SyntheticLedger(seed=8, participants=40, events_per_block=40)
    for _ in range(4):
        headers, events = ledger.batch(2_000)
        store.apply(headers, events, headers[-1])
    yield store
    store.close()


@pytest.fixture
def synthetic_client(synthetic_store: Store, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(LedgerSettings(data_dir=tmp_path), store=synthetic_store)) as c:
        yield c
