"""Three provinces, each with its own embedded chain (own chain id) and its own deployment.

Session-scoped; every test runs inside an ``evm_snapshot`` of each chain, reverted after it.
Dev keys are the same on every chain, so one organisation's key can be a participant in several
provinces — which is what lets a registrar's signature for one chain be replayed at another.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ledger.chain import EmbeddedNode
from ledger.client import LedgerClient
from ledger.contracts.deploy import write_manifest
from ledger.contracts.types import Role
from ledger.settings import LedgerSettings
from ledger.toolchain import Build, compile_contracts
from tests.conftest import free_port
from tests.contracts.conftest import REGION, World, build_world

CHAIN_A = 4501  # Guangxi: issues certificates
CHAIN_B = 4401  # Guangdong: recognises them
CHAIN_C = 5301  # Yunnan: a third province whose signatures must not count in B


@dataclass
class Province:
    name: str
    chain_id: int
    world: World
    url: str
    registrar3: LedgerClient  # a third registrar, so that agreements can be 2-of-3
    settings: LedgerSettings

    @property
    def env(self) -> dict[str, str | None]:
        """Environment for running the ``ledger`` CLI as this province (its manifest is written)."""
        s = self.settings
        return {"LEDGER_DATA_DIR": str(s.data_dir), "LEDGER_NODE_PORT": str(s.node_port),
                "LEDGER_CHAIN_ID": str(s.chain_id), "LEDGER_BLOCK_TIME": "0", "LEDGER_RPC_URL": None,
                "LEDGER_AS": None, "LEDGER_DEV_KEYS": None}

    @property
    def registry(self) -> str:
        return self.world.contracts.address["AssetRegistry"]

    def registrars(self) -> list[LedgerClient]:
        return [self.world.registrar, self.world.foreign_registrar, self.registrar3]


@dataclass
class Provinces:
    a: Province
    b: Province
    c: Province

    def all(self) -> list[Province]:
        return [self.a, self.b, self.c]


@pytest.fixture(scope="session")
def build() -> Build:
    return compile_contracts()


def _start(name: str, chain_id: int, build: Build, base: Path, nodes: list[EmbeddedNode]) -> Province:
    settings = LedgerSettings(
        data_dir=base / name, node_port=free_port(), block_time=0, state_interval=60, chain_id=chain_id
    )
    node = EmbeddedNode(settings)
    node.__enter__()
    nodes.append(node)
    world = build_world(node.client(timeout=30), build, settings)
    registrar3 = world.admit(12, Role.REGISTRAR, REGION, "Third Registration Centre")
    write_manifest(world.contracts.deployment, settings.manifest_path)
    return Province(name, chain_id, world, settings.effective_rpc_url, registrar3, settings)


@pytest.fixture(scope="session")
def session_provinces(build: Build, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provinces]:
    base = tmp_path_factory.mktemp("provinces")
    nodes: list[EmbeddedNode] = []
    try:
        chains = (("A", CHAIN_A), ("B", CHAIN_B), ("C", CHAIN_C))
        yield Provinces(*(_start(n, c, build, base, nodes) for n, c in chains))
    finally:
        for node in nodes:
            node.__exit__(None, None, None)


@pytest.fixture
def provinces(session_provinces: Provinces) -> Iterator[Provinces]:
    snapshots = [p.world.rpc.call("evm_snapshot") for p in session_provinces.all()]
    try:
        yield session_provinces
    finally:
        for p, snap in zip(session_provinces.all(), snapshots, strict=True):
            p.world.rpc.call("evm_revert", [snap])
            p.world.reset_nonces()
