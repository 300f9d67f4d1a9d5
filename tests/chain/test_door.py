"""The embedded node keeps every acknowledged write for every client: the journaling door.

An independent client (raw JSON-RPC over ``requests`` and eth-account signing: not the project's
client) sends raw transactions straight to the URL that ``ledger node start`` publishes, waits for each
receipt, and the node (anvil) is killed with SIGKILL between two state saves, several times; after the
supervisor restarted it, every acknowledged transaction has a receipt. Also: journal compaction never
drops an entry whose transaction is not mined (nor one appended meanwhile), and a journalled
transaction that the restarted node refuses is reported as a conflict while the others are replayed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from eth_account import Account

from ledger.chain import EmbeddedNode
from ledger.chain.door import clock_moves, raw_transactions
from ledger.client import Journal, dev_account
from ledger.client.recovery import compact, recover
from ledger.settings import PROJECT_ROOT, LedgerSettings
from tests.conftest import free_port

CHAIN_ID = 31337


class RawClient:
    """What an exchange's own system does: JSON-RPC over HTTP, nothing from this project."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.ids = 0

    def call(self, method: str, params: list[Any]) -> Any:
        self.ids += 1
        answer = self.session.post(
            self.url, json={"jsonrpc": "2.0", "id": self.ids, "method": method, "params": params}, timeout=10
        )
        answer.raise_for_status()
        body = answer.json()
        if "error" in body:
            raise RuntimeError(f"{method}: {body['error']}")
        return body["result"]

    def send_and_wait(self, raw: str, tx_hash: str, timeout: float = 20.0) -> None:
        """Sends until the node takes it, then waits for the receipt (retrying through restarts)."""
        deadline = time.monotonic() + timeout
        sent = False
        while time.monotonic() < deadline:
            try:
                if not sent:
                    self.call("eth_sendRawTransaction", [raw])
                    sent = True
                if self.call("eth_getTransactionReceipt", [tx_hash]) is not None:
                    return
            except (requests.RequestException, RuntimeError) as exc:
                if "already known" in str(exc) or "nonce too low" in str(exc):
                    sent = True
            time.sleep(0.05)
        raise TimeoutError(f"no receipt for {tx_hash}")


def _env(data_dir: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "LEDGER_DATA_DIR": str(data_dir),
        "LEDGER_NODE_PORT": str(port),
        "LEDGER_BLOCK_TIME": "0.2",
        "LEDGER_STATE_INTERVAL": "600",  # nothing is saved between kills: every write must come from the journal
    }


@pytest.fixture
def supervised_node(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    data_dir, port = tmp_path / "data", free_port()
    env = _env(data_dir, port)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ledger.cli", "node", "start"], cwd=PROJECT_ROOT, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            RawClient(url).call("eth_chainId", [])
            break
        except (requests.RequestException, RuntimeError):
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "node did not start"
            time.sleep(0.1)
    try:
        yield url, data_dir
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _anvil_pid(data_dir: Path) -> int:
    return int((data_dir / "node" / "anvil.pid").read_text().split()[0])


def test_every_acknowledged_raw_transaction_survives_repeated_kill_9(supervised_node: tuple[str, Path]) -> None:
    url, data_dir = supervised_node
    client = RawClient(url)
    sender, receiver = dev_account(7), dev_account(8).address
    acknowledged: list[str] = []
    nonce = int(client.call("eth_getTransactionCount", [sender.address, "pending"]), 16)
    for cycle in range(3):
        for _ in range(4 + cycle):
            signed = Account.sign_transaction(
                {"chainId": CHAIN_ID, "nonce": nonce, "to": receiver, "value": 1 + nonce, "gas": 21_000,
                 "maxFeePerGas": 10**9, "maxPriorityFeePerGas": 0},
                sender.key,
            )  # fmt: skip
            tx_hash = "0x" + bytes(signed.hash).hex()
            client.send_and_wait("0x" + bytes(signed.raw_transaction).hex(), tx_hash)
            acknowledged.append(tx_hash)
            nonce += 1
        pid = _anvil_pid(data_dir)
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while True:  # the supervisor restarts anvil and replays the door's journal
            try:
                if _anvil_pid(data_dir) != pid and all(
                    client.call("eth_getTransactionReceipt", [h]) is not None for h in acknowledged
                ):
                    break
            except (OSError, ValueError, requests.RequestException, RuntimeError):
                pass
            assert time.monotonic() < deadline, f"cycle {cycle}: acknowledged transactions lost after kill -9"
            time.sleep(0.2)
    assert int(client.call("eth_getTransactionCount", [sender.address, "latest"]), 16) == nonce
    receipts = [client.call("eth_getTransactionReceipt", [h]) for h in acknowledged]
    assert all(r["status"] == "0x1" for r in receipts)


def test_a_move_of_the_clock_through_the_door_is_replayed_before_what_was_sent_after_it(
    supervised_node: tuple[str, Path],
) -> None:
    """The council's delay is passed on a development chain by moving its clock: a governance operation executed
    after the move must not be re-sent, after a kill -9, into a chain whose clock has not moved again (it would be
    refused as not yet ready, and an acknowledged write lost)."""
    url, data_dir = supervised_node
    client = RawClient(url)
    sender, receiver = dev_account(7), dev_account(8).address
    nonce = int(client.call("eth_getTransactionCount", [sender.address, "pending"]), 16)

    def send() -> str:
        nonlocal nonce
        signed = Account.sign_transaction(
            {"chainId": CHAIN_ID, "nonce": nonce, "to": receiver, "value": 1, "gas": 21_000,
             "maxFeePerGas": 10**9, "maxPriorityFeePerGas": 0},
            sender.key,
        )  # fmt: skip
        nonce += 1
        tx_hash = "0x" + bytes(signed.hash).hex()
        client.send_and_wait("0x" + bytes(signed.raw_transaction).hex(), tx_hash)
        return tx_hash

    def block_time(tx_hash: str) -> int:
        receipt = client.call("eth_getTransactionReceipt", [tx_hash])
        return int(client.call("eth_getBlockByNumber", [receipt["blockNumber"], False])["timestamp"], 16)

    before = send()
    week = 7 * 86_400
    client.call("evm_increaseTime", [week])
    client.call("evm_mine", [])
    after = send()
    assert block_time(after) - block_time(before) >= week
    pid = _anvil_pid(data_dir)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while True:
        try:
            if _anvil_pid(data_dir) != pid and client.call("eth_getTransactionReceipt", [after]) is not None:
                break
        except (OSError, ValueError, requests.RequestException, RuntimeError):
            pass
        assert time.monotonic() < deadline, "acknowledged transactions lost after kill -9"
        time.sleep(0.2)
    assert block_time(after) - block_time(before) >= week  # replayed: the clock was moved again between the two


def test_moves_of_the_clock_are_found_in_single_requests_and_batches() -> None:
    def rpc(method: str, *params: Any) -> dict[str, Any]:
        return {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}

    assert clock_moves(rpc("evm_increaseTime", 60)) == [("by", 60)]
    assert clock_moves(rpc("evm_increaseTime", "0x3c")) == [("by", 60)]
    assert clock_moves([rpc("evm_setNextBlockTimestamp", 1_800_000_000), rpc("eth_chainId"), rpc("evm_mine")]) == [
        ("to", 1_800_000_000)
    ]
    assert clock_moves(rpc("evm_mine", {"timestamp": 1_800_000_001, "blocks": 1})) == [("to", 1_800_000_001)]
    assert clock_moves(rpc("evm_mine")) == []
    assert clock_moves(rpc("evm_increaseTime", True)) == [] and clock_moves(rpc("evm_increaseTime", "soon")) == []


def test_raw_transactions_are_found_in_single_requests_and_batches() -> None:
    single = {"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction", "params": ["0x01"]}
    batch = [single, {"method": "eth_chainId", "params": []}, {**single, "params": ["0x02"]}]
    assert raw_transactions(single) == ["0x01"]
    assert raw_transactions(batch) == ["0x01", "0x02"]
    assert raw_transactions({"method": "eth_call", "params": [{}]}) == []


@pytest.fixture
def node(tmp_path: Path) -> Iterator[EmbeddedNode]:
    settings = LedgerSettings(data_dir=tmp_path / "data", node_port=free_port(), block_time=0)
    with EmbeddedNode(settings) as running:
        yield running


def _transfer(nonce: int, value: int, account_index: int = 9) -> tuple[str, str]:
    signed = Account.sign_transaction(
        {"chainId": CHAIN_ID, "nonce": nonce, "to": dev_account(1).address, "value": value, "gas": 21_000,
         "maxFeePerGas": 10**9, "maxPriorityFeePerGas": 0},
        dev_account(account_index).key,
    )  # fmt: skip
    return "0x" + bytes(signed.hash).hex(), "0x" + bytes(signed.raw_transaction).hex()


def test_compaction_never_drops_an_unmined_entry_nor_one_appended_meanwhile(node: EmbeddedNode, tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.jsonl")
    mined_hash, mined_raw = _transfer(0, 1)
    with node.client() as rpc:
        rpc.call("eth_sendRawTransaction", [mined_raw])
        deadline = time.monotonic() + 10
        while rpc.call("eth_getTransactionReceipt", [mined_hash]) is None:  # automine: at once, or nearly
            assert time.monotonic() < deadline
            time.sleep(0.05)
        unmined_hash, unmined_raw = _transfer(5, 2)  # nonce gap: never mined
        journal.record([(mined_hash, "", 0, mined_raw), (unmined_hash, "", 5, unmined_raw)])
        late_hash, late_raw = _transfer(7, 3)
        original_drop = journal.drop

        def drop_after_a_late_append(hashes: Any) -> int:
            journal.record([(late_hash, "", 7, late_raw)])  # a client's write while compaction runs
            return original_drop(hashes)

        journal.drop = drop_after_a_late_append  # type: ignore[method-assign]
        assert compact(rpc, journal, older_than=0.0) == 1
    kept = [e.tx_hash for e in journal.entries()]
    assert kept == [unmined_hash, late_hash]
    journal.close()


def test_recovery_reports_a_refused_transaction_as_a_conflict_and_replays_the_rest(
    node: EmbeddedNode, tmp_path: Path
) -> None:
    journal = Journal(tmp_path / "journal.jsonl")
    with node.client() as rpc:
        _winner_hash, winner_raw = _transfer(0, 111)
        rpc.call("eth_sendRawTransaction", [winner_raw])  # takes nonce 0 of account 9
        loser_hash, loser_raw = _transfer(0, 222)  # journalled, but its slot is gone
        next_hash, next_raw = _transfer(1, 333)
        journal.record([(loser_hash, "", 0, loser_raw), (next_hash, "", 1, next_raw)])
        report = recover(rpc, journal, wait=20)
        assert report.conflicts == [loser_hash]
        assert report.resent == [next_hash]
        assert rpc.call("eth_getTransactionReceipt", [next_hash]) is not None
        assert rpc.call("eth_getTransactionReceipt", [loser_hash]) is None
        assert "1 lost to a conflicting transaction" in report.summary()
    journal.close()


def test_the_door_forgets_a_journalled_transaction_the_node_refuses_after_reporting_it(
    node: EmbeddedNode, tmp_path: Path
) -> None:
    from ledger.cli.node import _replay_journal

    journal = Journal(tmp_path / "door.jsonl")
    with node.client() as rpc:
        _, winner_raw = _transfer(0, 1, account_index=11)
        rpc.call("eth_sendRawTransaction", [winner_raw])
    loser_hash, loser_raw = _transfer(0, 2, account_index=11)
    next_hash, next_raw = _transfer(1, 3, account_index=11)
    journal.record([(loser_hash, "", 0, loser_raw), (next_hash, "", 1, next_raw)])
    _replay_journal(node.settings, node, journal)
    assert [e.tx_hash for e in journal.entries()] == [next_hash]
    journal.close()
