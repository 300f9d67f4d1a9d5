"""Fixtures for the read API tests.

``demo``: the demo scenario played once on an embedded chain (a mid-point block noted), indexed into
SQLite and, when the test server is reachable, PostgreSQL; built once per session, read-only.
``demo_client``: a TestClient over the demo store, per backend. ``synthetic_client``: an API over
a small synthetic store (tests/store's generator) for pagination edge cases.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from ledger.api import create_app
from ledger.chain import EmbeddedNode
from ledger.demo import DemoSummary, run_demo
from ledger.indexer import open_indexer
from ledger.settings import LedgerSettings
from ledger.store import Store, normalize_database_url, open_store
from ledger.store.synthetic import SyntheticLedger
from ledger.toolchain import compile_contracts
from tests.conftest import free_port

API_BACKENDS = ["sqlite", "postgresql"]


@dataclass
class Demo:
    """The index of a chain where the demo ran twice (a day apart), on each backend; what each run
    reported; the block between the runs, and the last block."""

    summaries: list[DemoSummary]
    stores: dict[str, Store]
    mid_block: int
    head: int


def _postgres_schema_url() -> str | None:
    base = normalize_database_url(
        os.environ.get("LEDGER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    )
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    schema = f"api_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is required in CI: {str(exc).splitlines()[0]}")
        return None
    finally:
        admin.dispose()
    return (
        make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    )


def _drop_schema(url: str) -> None:
    parsed = make_url(url)
    schema = str(parsed.query["options"]).removeprefix("-csearch_path=")
    admin = sa.create_engine(parsed.difference_update_query(["options"]), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    tmp = tmp_path_factory.mktemp("api-demo")
    settings = LedgerSettings(data_dir=tmp / "chain", node_port=free_port(), block_time=0, state_interval=60)
    build = compile_contracts()
    pg_url = _postgres_schema_url()
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
            _drop_schema(pg_url)


@pytest.fixture(params=API_BACKENDS)
def backend(request: pytest.FixtureRequest, demo: Demo) -> str:
    if request.param not in demo.stores:
        pytest.skip("PostgreSQL not reachable")
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
    ledger = SyntheticLedger(seed=7, participants=40, events_per_block=40)
    for _ in range(4):
        headers, events = ledger.batch(2_000)
        store.apply(headers, events, headers[-1])
    yield store
    store.close()


@pytest.fixture
def synthetic_client(synthetic_store: Store, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(LedgerSettings(data_dir=tmp_path), store=synthetic_store)) as c:
        yield c
