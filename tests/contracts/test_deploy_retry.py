"""Deployment through a node that fails now and then (503s, 429s, dropped connections): ``ledger deploy``'s calls
go through the chain access's retry helper (:func:`ledger.chain.retry.retrying`), so the deployment completes at
the addresses it predicted (no creation sent twice or out of order) and verifies."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.chain import EmbeddedNode
from ledger.chain.retry import RetryingClient, retrying
from ledger.chain.rpc import JsonRpcClient
from ledger.client import dev_account, make_sender
from ledger.contracts.deploy import DEPLOYED_CONTRACTS, create_address, deploy_system, verify_deployment
from ledger.governance import GovernanceConfig
from ledger.settings import LedgerSettings
from ledger.toolchain import Build, compile_contracts
from tests.conftest import free_port
from tests.indexer.faultproxy import Fault, FaultProxy

FLAKY = (Fault.HTTP_503, Fault.DROP, Fault.HTTP_429)


@pytest.fixture(scope="module")
def build() -> Build:
    return compile_contracts()


def test_a_deployment_through_a_flaky_node_completes_once_at_the_predicted_addresses(
    build: Build, tmp_path: Path
) -> None:
    settings = LedgerSettings(data_dir=tmp_path, node_port=free_port(), block_time=0)
    deployer = dev_account(0)
    with EmbeddedNode(settings) as node, FaultProxy(node.rpc_url, faults=FLAKY, every=3) as proxy:
        rpc = retrying(JsonRpcClient(proxy.url, timeout=10))
        assert isinstance(rpc, RetryingClient) and retrying(rpc) is rpc
        sender = make_sender(settings, rpc, deployer)
        deployment = deploy_system(rpc, sender, build, governance=GovernanceConfig.dev())
        assert sum(proxy.counts.values()) >= 10  # the node did fail, many times

        direct = node.client()
        assert verify_deployment(direct, deployment, build) == deployment
        for i, name in enumerate(DEPLOYED_CONTRACTS):
            assert deployment.contracts[name].address.lower() == create_address(deployer.address, i).lower()
