"""A transaction whose block the chain replaces is not lost by the sender: it sends the same signed bytes again
while the transaction stays unmined, and with ``confirmations`` > 1 it returns a receipt only once it is that
deep and still in the chain (on a Clique network a fork's blocks replaced a block of a batch, which no node
mined again: acknowledged settlements were lost). anvil's ``evm_revert`` stands in for the fork: the reverted
block and its transactions are gone."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ledger.chain import EmbeddedNode
from ledger.chain.rpc import JsonRpcClient
from ledger.client import Call, TxSender, dev_account
from ledger.contracts.codec import ErrorTable
from ledger.settings import LedgerSettings
from tests.conftest import free_port

PAYEE = dev_account(9).address


@pytest.fixture
def rpc(tmp_path: Path) -> Iterator[JsonRpcClient]:
    settings = LedgerSettings(data_dir=tmp_path / "data", node_port=free_port(), block_time=0)
    with EmbeddedNode(settings) as node, node.client() as client:
        yield client


def _balance(rpc: JsonRpcClient) -> int:
    return int(rpc.call("eth_getBalance", [PAYEE, "latest"]), 16)


def _receipt_soon(rpc: JsonRpcClient, tx_hash: str, seconds: float = 10.0) -> Any:
    deadline = time.monotonic() + seconds
    while (receipt := rpc.call("eth_getTransactionReceipt", [tx_hash])) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return receipt


def _transfer() -> Call:
    return Call(to=PAYEE, data=b"", value=1, gas=21_000)


def test_a_transaction_dropped_with_its_block_is_sent_again_and_mined_once(
    rpc: JsonRpcClient, caplog: pytest.LogCaptureFixture
) -> None:
    sender = TxSender(rpc, dev_account(1), 31337, ErrorTable(()), timeout=30, resend_interval=0.3)
    before = _balance(rpc)
    snapshot = rpc.call("evm_snapshot")
    hashes = sender.send([_transfer()])
    assert _receipt_soon(rpc, hashes[0]) is not None  # mined (automine; a busy machine may take a moment)
    rpc.call("evm_revert", [snapshot])  # its block is gone, and the transaction with it
    assert rpc.call("eth_getTransactionReceipt", [hashes[0]]) is None
    with caplog.at_level(logging.INFO, logger="ledger.client.sender"):
        (receipt,) = sender.wait(hashes)
    assert receipt.status == 1 and "sending 1 unmined transaction(s)" in caplog.text
    assert _balance(rpc) - before == 1


def test_a_receipt_whose_block_is_replaced_before_it_is_deep_enough_is_waited_for_again(
    rpc: JsonRpcClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    sender = TxSender(rpc, dev_account(2), 31337, ErrorTable(()), timeout=30, confirmations=2, resend_interval=0.3)
    before = _balance(rpc)
    snapshot = rpc.call("evm_snapshot")
    stop = threading.Event()

    def mine() -> None:  # the network goes on making (empty) blocks
        with JsonRpcClient(rpc.url, timeout=5) as miner:
            while not stop.wait(0.2):
                miner.call("evm_mine")

    confirm = sender._confirm

    def replaced_then_confirm(*args: Any) -> None:
        found = args[1]
        assert found, "the receipt was seen in its first block"
        rpc.call("evm_revert", [snapshot])  # that block is replaced: the transaction is in none
        threading.Thread(target=mine, daemon=True).start()
        confirm(*args)

    monkeypatch.setattr(sender, "_confirm", replaced_then_confirm)
    hashes = sender.send([_transfer()])
    try:
        with caplog.at_level(logging.INFO, logger="ledger.client.sender"):
            (receipt,) = sender.wait(hashes)
    finally:
        stop.set()
    assert "1 transaction(s) of" in caplog.text and "left the block they were seen in" in caplog.text
    # (mined again in a block of the same number, parent and second, the block may even have the same hash)
    assert rpc.call("eth_getTransactionReceipt", [hashes[0]])["blockHash"] == receipt.block_hash
    assert int(rpc.call("eth_blockNumber"), 16) >= receipt.block_number + 1  # two deep, its own included
    assert _balance(rpc) - before == 1
