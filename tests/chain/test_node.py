"""Embedded anvil node: start/stop, persistence across restarts, crash behaviour, errors."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from ledger.chain import DEV_MNEMONIC, EmbeddedNode, JsonRpcClient
from ledger.chain.node import _AutomineWatch
from ledger.errors import NodeError, NonRetryableError
from ledger.settings import LedgerSettings
from tests.conftest import free_port

# init code that deploys a runtime returning 42 for any call
RUNTIME = "602a60005260206000f3"
INIT = "600a600c600039600a6000f3" + RUNTIME
BURN = "0x000000000000000000000000000000000000dEaD"
ONE_ETH = 10**18


def _send_eth(rpc: JsonRpcClient, value: int = ONE_ETH, to: str = BURN) -> str:
    sender = rpc.call("eth_accounts")[0]
    tx_hash: str = rpc.call("eth_sendTransaction", [{"from": sender, "to": to, "value": hex(value)}])
    return tx_hash


def _wait_receipt(rpc: JsonRpcClient, tx_hash: str, timeout: float = 10.0) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        receipt = rpc.call("eth_getTransactionReceipt", [tx_hash])
        if receipt is not None:
            assert receipt["status"] == "0x1"
            return dict(receipt)
        time.sleep(0.05)
    raise AssertionError(f"no receipt for {tx_hash}")


def _block_number(rpc: JsonRpcClient) -> int:
    return int(rpc.call("eth_blockNumber"), 16)


def test_command_line(tmp_settings: LedgerSettings) -> None:
    cmd = EmbeddedNode(tmp_settings).command()
    joined = " ".join(cmd)
    assert f"--port {tmp_settings.node_port}" in joined
    assert f"--chain-id {tmp_settings.chain_id}" in joined
    assert "--order fifo" in joined and "--hardfork prague" in joined
    assert "--block-base-fee-per-gas 0" in joined
    assert "--block-time" not in cmd  # block_time 0 = automine
    assert "--code-size-limit" not in joined and "--disable-code-size-limit" not in joined
    assert cmd[cmd.index("--mnemonic") + 1] == DEV_MNEMONIC
    assert "--preserve-historical-states" not in cmd  # off by default: it grows the state file per block
    history = tmp_settings.model_copy(update={"node_preserve_history": True})
    assert "--preserve-historical-states" in EmbeddedNode(history).command()
    interval = EmbeddedNode(tmp_settings.model_copy(update={"block_time": 0.5})).command()
    assert interval[interval.index("--block-time") + 1] == "0.5"


def test_start_stop_restart_persists_state(tmp_settings: LedgerSettings) -> None:
    node = EmbeddedNode(tmp_settings.model_copy(update={"node_preserve_history": True}))
    node.start()
    try:
        assert node.is_running and node.pid_path.read_text().strip() == str(node.pid)
        with node.client() as rpc:
            assert int(rpc.call("eth_chainId"), 16) == tmp_settings.chain_id
            assert rpc.call("eth_accounts")[0].lower() == "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
            _wait_receipt(rpc, _send_eth(rpc))
            sender = rpc.call("eth_accounts")[0]
            deploy = rpc.call("eth_sendTransaction", [{"from": sender, "data": "0x" + INIT}])
            address = _wait_receipt(rpc, deploy)["contractAddress"]
            assert rpc.call("eth_getCode", [address, "latest"]) == "0x" + RUNTIME
            height = _block_number(rpc)
    finally:
        assert node.stop() == 0
    assert not node.is_running and not node.pid_path.exists()
    assert node.state_path.is_file() and node.backup_path.is_file()
    json.loads(node.state_path.read_text())

    node.start()
    try:
        with node.client() as rpc:
            assert _block_number(rpc) == height
            assert int(rpc.call("eth_getBalance", [BURN, "latest"]), 16) == ONE_ETH
            assert rpc.call("eth_getCode", [address, "latest"]) == "0x" + RUNTIME
            assert rpc.call("eth_call", [{"to": address, "data": "0x"}, "latest"]) == "0x" + f"{42:064x}"
            # --preserve-historical-states: state at an old block is still queryable
            assert int(rpc.call("eth_getBalance", [BURN, hex(height - 1)]), 16) == ONE_ETH
            assert rpc.call("eth_getBalance", [BURN, "0x0"]) == "0x0"
            # chain continues after the restart
            _wait_receipt(rpc, _send_eth(rpc))
            assert _block_number(rpc) == height + 1
    finally:
        node.stop()


def test_context_manager_and_interval_mining(tmp_settings: LedgerSettings) -> None:
    settings = tmp_settings.model_copy(update={"block_time": 0.5})
    with EmbeddedNode(settings) as node, node.client() as rpc:
        first = _block_number(rpc)
        time.sleep(1.6)
        assert _block_number(rpc) >= first + 2
    assert not node.is_running


class _MissingAnvil(BaseHTTPRequestHandler):
    """An anvil whose automine missed a transaction: head 5, one pending, until a block is mined."""

    mined: ClassVar[list[int]] = []
    automine = True

    def do_POST(self) -> None:
        calls = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        answers = []
        for call in calls if isinstance(calls, list) else [calls]:
            if call["method"] == "evm_mine":
                self.mined.append(len(self.mined))
            pending = 0 if self.mined else 1
            result = {
                "eth_blockNumber": hex(5 + len(self.mined)),
                "txpool_status": {"pending": hex(pending), "queued": "0x0"},
                "anvil_getAutomine": self.automine,
                "evm_mine": "0x0",
            }[call["method"]]
            answers.append({"jsonrpc": "2.0", "id": call["id"], "result": result})
        body = json.dumps(answers if isinstance(calls, list) else answers[0]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


@pytest.mark.parametrize("automine", [True, False])
def test_a_transaction_the_automine_missed_is_mined_by_the_watch(automine: bool) -> None:
    """anvil's automine now and then leaves a ready transaction in its pool (foundry-rs/foundry#10122): every
    sender then waits for a block that never comes. The embedded node's watch mines one when pending transactions
    sit at the same head while automine is on; with automine switched off (a benchmark's bulk step) it waits."""
    handler: type[_MissingAnvil] = type("H", (_MissingAnvil,), {"mined": [], "automine": automine})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    watch = _AutomineWatch(f"http://127.0.0.1:{server.server_address[1]}", interval=0.05)
    try:
        watch.start()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not handler.mined:
            time.sleep(0.05)
        if not automine:
            time.sleep(0.3)
    finally:
        watch.stop()
        server.shutdown()
        server.server_close()
    assert (handler.mined, watch.nudges) == (([0], 1) if automine else ([], 0))


def test_the_node_watches_its_automine_and_leaves_a_switched_off_one_alone(tmp_settings: LedgerSettings) -> None:
    """Automine (block_time 0): the watch runs while the node does, and mines nothing on its own: transactions are
    mined as they come, and with automine switched off they wait in the pool for the caller's evm_mine."""
    with EmbeddedNode(tmp_settings) as node, node.client() as rpc:
        watch = node.automine_watch
        assert watch is not None
        _wait_receipt(rpc, _send_eth(rpc, 1))
        rpc.call("anvil_setAutomine", [False])
        waiting = _send_eth(rpc, 1)
        time.sleep(2.5)  # two looks of the watch at least
        assert rpc.call("eth_getTransactionReceipt", [waiting]) is None and watch.nudges == 0
        rpc.call("evm_mine", [])
        _wait_receipt(rpc, waiting)
    assert node.automine_watch is None  # stopped with the node
    with EmbeddedNode(tmp_settings.model_copy(update={"block_time": 0.5})) as interval:
        assert interval.automine_watch is None  # interval mining has no automine to miss


def test_sigkill_keeps_state_up_to_last_dump(tmp_settings: LedgerSettings) -> None:
    """state_interval=1: after SIGKILL the chain restarts from the last periodic dump,
    so blocks older than ~1 s survive and at most the last ~1 s of blocks is lost."""
    node = EmbeddedNode(tmp_settings)
    node.start()
    try:
        with node.client() as rpc:
            for _ in range(3):
                _wait_receipt(rpc, _send_eth(rpc, 1))
            settled = _block_number(rpc)
            time.sleep(2.5)  # at least two dumps happen here
            for _ in range(5):
                _wait_receipt(rpc, _send_eth(rpc, 1))
            at_kill = _block_number(rpc)
        node.kill()
        assert not node.pid_path.exists()
        node.start()
        with node.client() as rpc:
            recovered = _block_number(rpc)
        assert settled <= recovered <= at_kill
    finally:
        node.stop()


def test_port_taken_by_another_anvil(tmp_settings: LedgerSettings, tmp_path: Path) -> None:
    with EmbeddedNode(tmp_settings):
        other = tmp_settings.model_copy(update={"data_dir": tmp_path / "other"})
        with pytest.raises(NodeError, match="another anvil"):
            EmbeddedNode(other).start()


def test_port_taken_by_another_program(tmp_settings: LedgerSettings) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", tmp_settings.node_port))
        sock.listen()
        with pytest.raises(NodeError, match="already in use"):
            EmbeddedNode(tmp_settings).start()


def test_same_data_dir_already_running(tmp_settings: LedgerSettings) -> None:
    with EmbeddedNode(tmp_settings):
        second = tmp_settings.model_copy(update={"node_port": free_port()})
        with pytest.raises(NodeError, match="already running"):
            EmbeddedNode(second).start()


def test_stale_pid_file_is_ignored(tmp_settings: LedgerSettings) -> None:
    node = EmbeddedNode(tmp_settings)
    node.directory.mkdir(parents=True)
    node.pid_path.write_text("999999\n")
    with node:
        assert node.pid_path.read_text().strip() == str(node.pid)


def test_missing_anvil_binary(tmp_settings: LedgerSettings, tmp_path: Path) -> None:
    settings = tmp_settings.model_copy(update={"anvil_binary": tmp_path / "nope" / "anvil"})
    with pytest.raises(NodeError, match="does not exist") as info:
        EmbeddedNode(settings).start()
    assert isinstance(info.value, NonRetryableError)


def test_corrupt_state_file_gives_clear_error(tmp_settings: LedgerSettings) -> None:
    node = EmbeddedNode(tmp_settings)
    node.directory.mkdir(parents=True)
    node.state_path.write_text('{"block": {"number": "0x1", "coinb')  # truncated dump
    with pytest.raises(NodeError, match="corrupt"):
        node.start()
    assert not node.is_running and not node.pid_path.exists()
