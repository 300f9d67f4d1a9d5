"""A market for the write gateway's tests: an embedded chain after the demo scenario, its index, and
one API key per demo participant (keystores of the dev keys, encrypted with :data:`PASSWORD`).

:func:`gateway_market` is a context manager so that each test module can hold one for its tests
(a demo run takes about a second); tests that change the chain revert it with :meth:`Market.snapshot`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from eth_account import Account
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.gateway import ApiKeyStore
from api.main import create_app
from ledger.chain import EmbeddedNode
from ledger.chain.rpc import JsonRpcClient
from ledger.client import Contracts, dev_account, make_sender
from ledger.contracts.deploy import load_manifest
from ledger.demo import ACTORS, DemoSummary, key_generation, run_demo
from ledger.governance import CouncilClient
from ledger.indexer import open_indexer
from ledger.settings import LedgerSettings
from ledger.store import Store, open_store
from ledger.toolchain import Build
from tests.conftest import free_port, service_unavailable
from tests.store.conftest import create_postgres_schema, drop_postgres_schema

PASSWORD = "gateway keystore passphrase 7f3a"
ROOT = Path(__file__).resolve().parents[2]


def write_keystore(path: Path, private_key: bytes, password: str = PASSWORD) -> None:
    """A keystore file like ``create_keystore``'s, with cheap scrypt parameters (tests only)."""
    data = Account.encrypt(private_key, password, iterations=1024)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh)


@dataclass
class Market:
    settings: LedgerSettings
    rpc: JsonRpcClient
    build: Build
    store: Store
    summary: DemoSummary
    tokens: dict[str, str] = field(default_factory=dict)
    key_ids: dict[str, str] = field(default_factory=dict)

    def address(self, actor: str) -> str:
        index = next(a.index for a in ACTORS if a.key == actor)
        return str(dev_account(index).address)

    def auth(self, actor: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[actor]}"}

    def app(self, **overrides: Any) -> FastAPI:
        settings = self.settings.model_copy(update=overrides) if overrides else self.settings
        return make_app(settings, self.store)

    def client(self, **overrides: Any) -> TestClient:
        return TestClient(self.app(**overrides), raise_server_exceptions=False)

    def council(self) -> CouncilClient:
        """The authority: the governance, acting with the dev officers' keys (dev account 0 relays). A single key
        behind an API key cannot act as the authority (the gateway's key for "authority" is dev account 0's)."""
        contracts = Contracts.from_build(load_manifest(self.settings.manifest_path), self.build)
        relay = make_sender(self.settings, self.rpc, dev_account(0), contracts.errors)
        return CouncilClient(self.rpc, contracts, relay)

    def tx_count(self, actor: str) -> int:
        return int(self.rpc.call("eth_getTransactionCount", [self.address(actor), "latest"]), 16)

    def head(self) -> int:
        return int(self.rpc.call("eth_blockNumber"), 16)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        snap = self.rpc.call("evm_snapshot")
        try:
            yield
        finally:
            self.rpc.call("evm_revert", [snap])


def make_app(settings: LedgerSettings, store: Store) -> FastAPI:
    return create_app(settings, store=store)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def api_server(market: Market, log: Path, log_level: str = "warning", **env: str) -> Iterator[Server]:
    """``uvicorn --factory api.main:app_factory`` in a subprocess over the market (settings from
    the environment, as ``ledger serve`` runs it), until the context ends (or the test kills it)."""
    port = free_port()
    s = market.settings
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")},
        "LEDGER_DATA_DIR": str(s.data_dir), "LEDGER_NODE_PORT": str(s.node_port), "LEDGER_BLOCK_TIME": "0",
        "LEDGER_DATABASE_URL": str(s.database_url), "LEDGER_KEYSTORE_PASSWORD": PASSWORD,
        "LEDGER_GATEWAY_RATE_PER_SECOND": "1000", "LEDGER_GATEWAY_RATE_BURST": "1000", "LEDGER_TX_TIMEOUT": "60",
        **env,
    }  # fmt: skip
    with log.open("a") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "api.main:app_factory", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", log_level],
            cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{server.url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the API server did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A throwaway schema on the test server (``LEDGER_TEST_POSTGRES_URL``); unreachable: skip, or fail in CI."""
    url = create_postgres_schema("gateway_test")
    if url is None:
        service_unavailable("PostgreSQL not reachable")
    try:
        yield url
    finally:
        drop_postgres_schema(url)


@contextmanager
def gateway_market(tmp: Path, build: Build, database_url: str | None = None, **settings: Any) -> Iterator[Market]:
    """The demo market on a fresh embedded chain, indexed (SQLite unless ``database_url``), with an API key
    per demo participant."""
    the_settings = LedgerSettings(
        data_dir=tmp / "data", node_port=free_port(), block_time=0, state_interval=60, keystore_password=PASSWORD,
        database_url=database_url or f"sqlite:///{tmp / 'ledger.db'}", gateway_rate_per_second=1000,
        gateway_rate_burst=1000, **settings,
    )  # fmt: skip
    with EmbeddedNode(the_settings) as node:
        rpc = node.client(timeout=30)
        summary = run_demo(the_settings, rpc=rpc, build=build, log=lambda _: None)
        store = open_store(the_settings.effective_database_url)
        try:
            open_indexer(the_settings, store, rpc, build=build).run()
            market = Market(the_settings, rpc, build, store, summary)
            keys = ApiKeyStore(store.engine)
            signing = {p["key"]: p["signing_key"] for p in summary.participants}
            for actor in ACTORS:
                # The key that signs for the participant now (the demo changes some).
                account = key_generation(actor, signing[actor.key])[1] if actor.key != "authority" else dev_account(0)
                path = the_settings.data_dir / "keystores" / f"{actor.key}.json"
                write_keystore(path, bytes(account.key))
                new = keys.create(account.address, path, label=actor.key)
                market.tokens[actor.key] = new.token
                market.key_ids[actor.key] = new.key.key_id
            yield market
        finally:
            store.close()
            rpc.close()
