"""InProcessRpc answers like a node: shapes of blocks, receipts and logs, revert data, nonces,
snapshots and time control. (The whole contract suite also runs on it: tests/contracts.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address

from ledger.client import dev_account
from ledger.errors import RpcRemoteError
from tests.chain.inprocess import DEFAULT_BALANCE, InProcessRpc

TOPIC = keccak(text="Ping()")
# Runtime code that reverts with the four bytes 0xdeadbeef.
REVERTER = bytes.fromhex("63deadbeef60e01b60005260046000fd")
# Runtime code that emits LOG1(TOPIC) with no data and stops.
LOGGER = bytes.fromhex("7f" + TOPIC.hex() + "60006000a100")


def _init_code(runtime: bytes) -> bytes:
    """Init code that copies ``runtime`` (appended after its 11 bytes) to memory and returns it."""
    return bytes.fromhex(f"60{len(runtime):02x}80600b6000396000f3") + runtime


@pytest.fixture
def rpc() -> Iterator[InProcessRpc]:
    with InProcessRpc(accounts=[dev_account(i).address for i in range(3)]) as chain:
        yield chain


def _send(
    rpc: InProcessRpc,
    account: LocalAccount,
    *,
    to: str | None = None,
    data: bytes = b"",
    value: int = 0,
    gas: int | None = None,
    nonce: int | None = None,
) -> str:
    if nonce is None:
        nonce = int(rpc.call("eth_getTransactionCount", [account.address, "latest"]), 16)
    tx: dict[str, Any] = {
        "type": 2, "chainId": int(rpc.call("eth_chainId"), 16), "nonce": nonce,
        "data": data, "value": value, "maxFeePerGas": 1, "maxPriorityFeePerGas": 0,
    }  # fmt: skip
    if to is not None:
        tx["to"] = to_checksum_address(to)
    tx["gas"] = (
        gas
        if gas is not None
        else int(
            rpc.call(
                "eth_estimateGas",
                [{"from": account.address, "to": to, "data": "0x" + data.hex(), "value": hex(value)}, "pending"],
            ),
            16,
        )
    )
    signed = account.sign_transaction(tx)
    result: str = rpc.call("eth_sendRawTransaction", ["0x" + bytes(signed.raw_transaction).hex()])
    return result


def _deploy(rpc: InProcessRpc, runtime: bytes) -> str:
    receipt = rpc.call("eth_getTransactionReceipt", [_send(rpc, dev_account(0), data=_init_code(runtime))])
    address: str = receipt["contractAddress"]
    return address


def test_genesis_funds_the_given_accounts_with_a_large_gas_limit_and_zero_base_fee() -> None:
    with InProcessRpc() as rpc:  # default: the 50 dev accounts anvil funds
        assert rpc.call("eth_chainId") == "0x7a69"
        assert int(rpc.call("eth_getBalance", [dev_account(49).address, "latest"]), 16) == DEFAULT_BALANCE
        assert rpc.call("eth_getBalance", [dev_account(50).address, "latest"]) == "0x0"
        block = rpc.call("eth_getBlockByNumber", ["latest", False])
        assert (block["number"], block["baseFeePerGas"], int(block["gasLimit"], 16)) == ("0x0", "0x0", 1_000_000_000)


def test_a_transfer_is_mined_at_once_with_geth_shaped_receipt_and_transaction(rpc: InProcessRpc) -> None:
    sender, receiver = dev_account(0), dev_account(1)
    tx_hash = _send(rpc, sender, to=receiver.address, value=12345)
    assert rpc.call("eth_blockNumber") == "0x1"
    receipt = rpc.call("eth_getTransactionReceipt", [tx_hash])
    assert receipt["status"] == "0x1"
    assert receipt["gasUsed"] == hex(21_000)
    assert receipt["from"] == sender.address.lower()
    assert receipt["to"] == receiver.address.lower()
    assert receipt["contractAddress"] is None
    assert receipt["logs"] == []
    assert receipt["blockNumber"] == "0x1"
    block = rpc.call("eth_getBlockByNumber", ["0x1", False])
    assert block["transactions"] == [tx_hash]
    assert receipt["blockHash"] == block["hash"]
    tx = rpc.call("eth_getTransactionByHash", [tx_hash])
    assert (tx["from"], tx["value"], tx["gas"], tx["input"], tx["type"]) == (
        sender.address.lower(), hex(12345), hex(21_000), "0x", "0x2",
    )  # fmt: skip
    assert rpc.call("eth_getTransactionCount", [sender.address, "latest"]) == "0x1"
    assert int(rpc.call("eth_getBalance", [receiver.address, "latest"]), 16) == DEFAULT_BALANCE + 12345
    full = rpc.call("eth_getBlockByNumber", ["0x1", True])
    assert full["transactions"][0]["hash"] == tx_hash
    assert rpc.call("eth_getBlockByHash", [block["hash"], False])["number"] == "0x1"


def test_contract_creation_receipt_names_the_contract_and_its_code(rpc: InProcessRpc) -> None:
    address = _deploy(rpc, LOGGER)
    assert rpc.call("eth_getCode", [address, "latest"]) == "0x" + LOGGER.hex()
    assert rpc.call("eth_getCode", [address, "0x0"]) == "0x"  # not there at genesis


def test_logs_have_node_shapes_and_can_be_filtered(rpc: InProcessRpc) -> None:
    address = _deploy(rpc, LOGGER)
    tx_hash = _send(rpc, dev_account(1), to=address)
    receipt = rpc.call("eth_getTransactionReceipt", [tx_hash])
    [log] = receipt["logs"]
    assert log == {
        "address": address.lower(), "topics": ["0x" + TOPIC.hex()], "data": "0x",
        "blockNumber": receipt["blockNumber"], "blockHash": receipt["blockHash"], "transactionHash": tx_hash,
        "transactionIndex": "0x0", "logIndex": "0x0", "removed": False,
    }  # fmt: skip
    assert rpc.call("eth_getLogs", [{"fromBlock": "0x0", "toBlock": "latest", "address": address}]) == [log]
    assert rpc.call("eth_getLogs", [{"fromBlock": "0x0", "topics": [["0x" + "00" * 32]]}]) == []
    assert rpc.call("eth_getLogs", [{"blockHash": receipt["blockHash"], "topics": ["0x" + TOPIC.hex()]}]) == [log]


def test_reverts_carry_their_data_from_estimate_and_call(rpc: InProcessRpc) -> None:
    address = _deploy(rpc, REVERTER)
    tx = {"from": dev_account(1).address, "to": address, "data": "0x"}
    for method, params in (("eth_estimateGas", [tx, "pending"]), ("eth_call", [tx, "latest"])):
        with pytest.raises(RpcRemoteError) as exc:
            rpc.call(method, params)
        assert (exc.value.code, exc.value.data, exc.value.method) == (3, "0xdeadbeef", method)


def test_a_reverting_transaction_is_mined_with_status_zero_and_replays_at_its_parent(rpc: InProcessRpc) -> None:
    address = _deploy(rpc, REVERTER)
    tx_hash = _send(rpc, dev_account(1), to=address, gas=100_000)
    receipt = rpc.call("eth_getTransactionReceipt", [tx_hash])
    assert receipt["status"] == "0x0"
    tx = rpc.call("eth_getTransactionByHash", [tx_hash])
    parent = hex(int(receipt["blockNumber"], 16) - 1)
    with pytest.raises(RpcRemoteError) as exc:
        rpc.call("eth_call", [{"from": tx["from"], "to": tx["to"], "data": tx["input"], "gas": tx["gas"]}, parent])
    assert exc.value.data == "0xdeadbeef"


def test_estimate_is_enough_for_the_transaction(rpc: InProcessRpc) -> None:
    tx_hash = _send(rpc, dev_account(0), data=_init_code(LOGGER))  # gas = the estimate, no margin
    assert rpc.call("eth_getTransactionReceipt", [tx_hash])["status"] == "0x1"


def test_nonces_must_follow_on_and_a_transaction_is_accepted_once(rpc: InProcessRpc) -> None:
    account = dev_account(0)
    tx = account.sign_transaction(
        {
            "type": 2,
            "chainId": 31337,
            "nonce": 0,
            "to": dev_account(1).address,
            "value": 1,
            "gas": 21_000,
            "maxFeePerGas": 1,
            "maxPriorityFeePerGas": 0,
        }
    )
    raw = "0x" + bytes(tx.raw_transaction).hex()
    rpc.call("eth_sendRawTransaction", [raw])
    with pytest.raises(RpcRemoteError, match="already known"):
        rpc.call("eth_sendRawTransaction", [raw])
    with pytest.raises(RpcRemoteError, match="nonce too low"):
        _send(rpc, account, to=dev_account(1).address, nonce=0, gas=21_000)
    with pytest.raises(RpcRemoteError, match="nonce too high"):
        _send(rpc, account, to=dev_account(1).address, nonce=5, gas=21_000)
    other_chain = account.sign_transaction(
        {
            "type": 2,
            "chainId": 1,
            "nonce": 1,
            "to": dev_account(1).address,
            "value": 1,
            "gas": 21_000,
            "maxFeePerGas": 1,
            "maxPriorityFeePerGas": 0,
        }
    )
    with pytest.raises(RpcRemoteError, match="chain id"):
        rpc.call("eth_sendRawTransaction", ["0x" + bytes(other_chain.raw_transaction).hex()])
    assert rpc.call("eth_blockNumber") == "0x1"


def test_snapshot_and_revert_restore_state_blocks_and_receipts(rpc: InProcessRpc) -> None:
    snapshot = rpc.call("evm_snapshot")
    tx_hash = _send(rpc, dev_account(0), to=dev_account(1).address, value=5)
    inner = rpc.call("evm_snapshot")
    _send(rpc, dev_account(0), to=dev_account(1).address, value=5)
    assert rpc.call("evm_revert", [snapshot]) is True
    assert rpc.call("eth_blockNumber") == "0x0"
    assert rpc.call("eth_getTransactionReceipt", [tx_hash]) is None
    assert rpc.call("eth_getTransactionCount", [dev_account(0).address, "pending"]) == "0x0"
    assert int(rpc.call("eth_getBalance", [dev_account(1).address, "latest"]), 16) == DEFAULT_BALANCE
    assert rpc.call("evm_revert", [snapshot]) is False  # used up
    assert rpc.call("evm_revert", [inner]) is False  # taken after it: gone too
    # The chain goes on from the snapshot: the same nonce mines again, in block 1.
    again = _send(rpc, dev_account(0), to=dev_account(1).address, value=7)
    assert rpc.call("eth_getTransactionReceipt", [again])["blockNumber"] == "0x1"


def test_time_moves_forward_on_request(rpc: InProcessRpc) -> None:
    start = int(rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)
    rpc.call("evm_increaseTime", [hex(86_400)])
    rpc.call("evm_mine")
    after_day = int(rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)
    assert after_day >= start + 86_400
    rpc.call("evm_setNextBlockTimestamp", [hex(after_day + 1_000_000)])
    _send(rpc, dev_account(0), to=dev_account(1).address, value=1)
    assert int(rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16) == after_day + 1_000_000
    with pytest.raises(RpcRemoteError):
        rpc.call("evm_setNextBlockTimestamp", [hex(after_day)])


def test_unknown_methods_and_batches_behave_like_a_node(rpc: InProcessRpc) -> None:
    with pytest.raises(RpcRemoteError) as exc:
        rpc.call("eth_mining")
    assert exc.value.code == -32601
    results = rpc.batch([("eth_chainId", None), ("eth_mining", []), ("eth_blockNumber", [])], return_exceptions=True)
    assert results[0] == "0x7a69" and isinstance(results[1], RpcRemoteError) and results[2] == "0x0"
    with pytest.raises(RpcRemoteError):
        rpc.batch([("eth_chainId", None), ("eth_mining", [])])
    with pytest.raises(RpcRemoteError) as bad:
        rpc.call("eth_getBalance", ["not an address", "latest"])
    assert bad.value.code == -32602
    rpc.close()
    with pytest.raises(RpcRemoteError):
        rpc.call("eth_chainId")
