"""Rule 16 of issue 11: each province's deployment refuses to deploy or start on a chain id that a province it
recognises uses, or on another chain id than the one it was deployed on.

Why: EIP-712 signatures (sales consents, off-exchange trades, registration certificates) are bound to a chain
id and a contract address, and deployments made from the same deployer nonce land at the same addresses; two
provinces on one chain id would accept each other's signatures as their own.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ledger.chain import EmbeddedNode
from ledger.chain.rpc import JsonRpcClient
from ledger.client import Contracts, connect, dev_account, make_sender
from ledger.contracts.deploy import (
    DeploymentMismatch,
    create_address,
    deploy_system,
    ensure_deployed,
    load_manifest,
    verify_deployment,
    write_manifest,
)
from ledger.errors import ChainIdConflict
from ledger.governance import CouncilClient, GovernanceConfig
from ledger.indexer.runner import open_indexer
from ledger.settings import LedgerSettings
from ledger.store import open_store
from ledger.toolchain import Build, compile_contracts
from tests.chain.inprocess import InProcessRpc
from tests.conftest import free_port

GUANGXI, GUANGDONG, YUNNAN = 4501, 4401, 5301
GUANGXI_REGISTRY = "0x4501450145014501450145014501450145014501"
DEV_GOVERNANCE = GovernanceConfig.dev()


@pytest.fixture(scope="module")
def build() -> Build:
    return compile_contracts()


def _nonce(rpc: JsonRpcClient | InProcessRpc, account: str) -> int:
    return int(rpc.call("eth_getTransactionCount", [account, "latest"]), 16)


def test_deploying_on_the_chain_id_of_a_province_to_recognise_deploys_nothing(build: Build, tmp_path: Path) -> None:
    settings = LedgerSettings(data_dir=tmp_path, chain_id=GUANGDONG, recognised_chain_ids=[GUANGXI, GUANGDONG])
    deployer = dev_account(0)
    with InProcessRpc(chain_id=GUANGDONG, gas_limit=settings.block_gas_limit) as rpc:
        sender = make_sender(settings, rpc, deployer)  # type: ignore[arg-type]
        with pytest.raises(ChainIdConflict, match=r"^deployment: chain id 4401 is the chain id of a province"):
            deploy_system(rpc, sender, build, governance=DEV_GOVERNANCE,  # type: ignore[arg-type]
                          recognised_chain_ids=settings.recognised_chain_ids)  # fmt: skip
        assert _nonce(rpc, deployer.address) == 0
        assert rpc.call("eth_getCode", [create_address(deployer.address, 0), "latest"]) in ("0x", "0x0")
        with pytest.raises(ChainIdConflict):
            ensure_deployed(rpc, sender, build, settings.manifest_path, governance=DEV_GOVERNANCE,  # type: ignore[arg-type]
                            recognised_chain_ids=settings.recognised_chain_ids)  # fmt: skip
        assert _nonce(rpc, deployer.address) == 0 and not settings.manifest_path.exists()

        # Recognising only other provinces' chains, it deploys; a deployment already made is not verified (so not
        # started) once a province it recognises turns out to use its chain id.
        deployment = deploy_system(rpc, sender, build, governance=DEV_GOVERNANCE,  # type: ignore[arg-type]
                                   recognised_chain_ids=[GUANGXI, YUNNAN])  # fmt: skip
        write_manifest(deployment, settings.manifest_path)
        assert verify_deployment(rpc, deployment, build, recognised_chain_ids=[GUANGXI]) == deployment  # type: ignore[arg-type]
        nonce = _nonce(rpc, deployer.address)
        with pytest.raises(ChainIdConflict, match="chain id 4401 is the chain id of a province"):
            verify_deployment(rpc, deployment, build, recognised_chain_ids=[GUANGDONG])  # type: ignore[arg-type]
        with pytest.raises(ChainIdConflict, match="chain id 4401 is the chain id of a province"):
            ensure_deployed(rpc, sender, build, settings.manifest_path, governance=DEV_GOVERNANCE,  # type: ignore[arg-type]
                            recognised_chain_ids=[GUANGDONG])  # fmt: skip
        assert _nonce(rpc, deployer.address) == nonce
        assert load_manifest(settings.manifest_path) == deployment


def test_a_deployment_moved_to_a_recognised_provinces_chain_id_does_not_start(build: Build, tmp_path: Path) -> None:
    """Guangdong's ledger (chain 4401) recognises Guangxi (4501); its node's state is then run under chain id 4501
    (anvil_setChainId stands for a state file started with another LEDGER_CHAIN_ID). Deploying does not deploy over
    it, the indexer and the write path do not start on it, and even a manifest rewritten for the new id does not
    verify: the Recognition contract's agreement names the chain's own id."""
    settings = LedgerSettings(data_dir=tmp_path / "data", node_port=free_port(), block_time=0, state_interval=60,
                              chain_id=GUANGDONG)  # fmt: skip
    authority = dev_account(0)
    with EmbeddedNode(settings) as node, node.client(timeout=30) as rpc:
        sender = make_sender(settings, rpc, authority)
        deployment = ensure_deployed(rpc, sender, build, settings.manifest_path, governance=DEV_GOVERNANCE)
        client = CouncilClient(rpc, Contracts.from_build(deployment, build), sender)
        client.set_agreement(GUANGXI, GUANGXI_REGISTRY, [dev_account(1).address], 1)
        rpc.call("anvil_setChainId", [GUANGXI])
        nonce = _nonce(rpc, authority.address)

        moved = make_sender(settings, rpc, authority)
        with pytest.raises(DeploymentMismatch, match="its state was moved to another chain id"):
            ensure_deployed(rpc, moved, build, settings.manifest_path, governance=DEV_GOVERNANCE)
        with pytest.raises(DeploymentMismatch, match="manifest is for chain 4401, node is chain 4501"):
            verify_deployment(rpc, deployment, build)
        store = open_store(f"sqlite:///{tmp_path / 'index.db'}")
        try:
            with pytest.raises(DeploymentMismatch, match="manifest is for chain 4401, node is chain 4501"):
                open_indexer(settings, store, rpc, build=build)
        finally:
            store.close()
        with pytest.raises(DeploymentMismatch, match=r"is of chain 4401, the node .* is chain 4501"):
            connect(settings, dev_account(2), deployment=deployment, build=build, rpc=rpc)
        assert _nonce(rpc, authority.address) == nonce, "nothing was deployed"
        assert load_manifest(settings.manifest_path) == deployment

        rewritten = replace(deployment, chain_id=GUANGXI)
        with pytest.raises(ChainIdConflict, match=r"agreement .* with origin chain 4501, this chain's own id"):
            verify_deployment(rpc, rewritten, build)
        # Back on its own chain id, the deployment verifies and starts again.
        rpc.call("anvil_setChainId", [GUANGDONG])
        assert verify_deployment(rpc, deployment, build, recognised_chain_ids=[GUANGXI]) == deployment
