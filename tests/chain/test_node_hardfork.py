"""The embedded node runs the EVM rules of the target the contracts are compiled for (LEDGER_EVM_VERSION)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.chain import EmbeddedNode
from ledger.chain.node import hardfork_for
from ledger.client import Call, TxSender, dev_account
from ledger.contracts.codec import ErrorTable
from ledger.settings import LedgerSettings
from tests.conftest import free_port

PUSH0_INITCODE = bytes.fromhex("5f5ff3")  # PUSH0 PUSH0 RETURN: deploys empty code, only from Shanghai on


@pytest.mark.parametrize(("evm_version", "status"), [("london", 0), ("cancun", 1)])
def test_anvil_runs_the_targets_rules(tmp_path: Path, evm_version: str, status: int) -> None:
    settings = LedgerSettings(
        data_dir=tmp_path / "data", node_port=free_port(), block_time=0, evm_version=evm_version,  # type: ignore[arg-type]
    )
    assert f"--hardfork {hardfork_for(settings)}" in " ".join(EmbeddedNode(settings).command())
    with EmbeddedNode(settings) as node, node.client() as rpc:
        sender = TxSender(rpc, dev_account(0), 31337, ErrorTable(()))
        receipt = sender.wait(sender.send([Call(to=None, data=PUSH0_INITCODE, gas=100_000)]), check=False)[0]
        assert receipt.status == status
        assert sender.tx_type == 2
