"""``ledger node`` and ``ledger deploy``: a background node that survives, keeps state across restarts,
stops cleanly from the foreground, and a deployment that is verified rather than repeated."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ledger.chain import node_dir
from ledger.chain.rpc import JsonRpcClient
from ledger.cli.node import node_state, supervisor_pid_path
from ledger.client import dev_account
from ledger.contracts.credit_code import check_character
from ledger.settings import PROJECT_ROOT, LedgerSettings
from tests.cli.conftest import Cli, start_node, stop_node
from tests.credit_codes import code_for


def _addresses(deploy_json: dict[str, object]) -> dict[str, str]:
    contracts = deploy_json["contracts"]
    assert isinstance(contracts, dict)
    return {name: c["address"] for name, c in contracts.items()}


def test_node_keeps_state_across_stop_and_restart_and_deploy_verifies_instead_of_redeploying(fresh_cli: Cli) -> None:
    cli = fresh_cli
    start_node(cli)
    first = cli.json("deploy")
    assert first["action"] == "deployed"
    cli.ok("participant", "admit", "30", "--roles", "data-holder", "--region", "450100", "--name", "Beihai Port",
           "--credit-code", code_for(dev_account(30).address))  # fmt: skip
    block_before = cli.json("node", "status")["block"]

    stop_node(cli)
    status = cli("node", "status")
    assert status.exit_code == 3, status.stdout
    assert not (cli.data_dir / "node" / "ledger-node.pid").exists()

    start_node(cli)
    assert cli.json("node", "status")["block"] == block_before
    again = cli.json("deploy")
    assert again["action"] == "verified"
    assert _addresses(again) == _addresses(first)
    participant = cli.json("participant", "show", "30")
    assert (participant["name"], participant["roles"], participant["status"]) == (
        "Beihai Port", ["data-holder"], "active",
    )  # fmt: skip


def test_deploy_registers_the_authority_the_settings_name_as_participant_1(fresh_cli: Cli) -> None:
    """Each province deploys with its own authority: LEDGER_AUTHORITY_NAME, _REGION and _CREDIT_CODE; a mistyped
    code is a bad setting (exit 2, naming it) before anything is sent, and a code other than the deployed one is
    refused when the deployment is verified (the setting would be ignored)."""
    cli = fresh_cli
    start_node(cli)
    code = "11530000MB0000001" + check_character("11530000MB0000001")
    typo = code[:17] + ("1" if code[17] != "1" else "2")
    refused = cli.refused("deploy", env={"LEDGER_AUTHORITY_CREDIT_CODE": typo}, code=2)
    assert refused.stderr.startswith("error: invalid setting: LEDGER_AUTHORITY_CREDIT_CODE:")
    assert "check character" in refused.stderr and not (cli.data_dir / "deployment.json").exists()
    env = {"LEDGER_AUTHORITY_NAME": "Yunnan Big Data Development Bureau", "LEDGER_AUTHORITY_REGION": "530000",
           "LEDGER_AUTHORITY_CREDIT_CODE": code.lower()}  # fmt: skip
    manager = cli.json("deploy", env=env)["governance"]["manager"]
    found = cli.json("participant", "find", code)
    assert (found["participant_id"], found["address"], found["name"]) == (1, manager, env["LEDGER_AUTHORITY_NAME"])
    assert (found["region"], found["roles"]) == (530000, ["authority"])
    # Verifying the deployment: with the same settings it is found as deployed; with another code it is refused.
    assert cli.json("deploy", env=env)["action"] == "verified"
    other = cli.refused("deploy")
    assert "authority (participant 1) was registered under another credit code than 11450000MB0000001K" in other.stderr


def test_deploy_fresh_deploys_a_new_system_and_rewrites_the_manifest(fresh_cli: Cli) -> None:
    cli = fresh_cli
    start_node(cli)
    first = cli.json("deploy")
    fresh = cli.json("deploy", "--fresh")
    assert fresh["action"] == "deployed"
    assert set(_addresses(fresh).values()).isdisjoint(_addresses(first).values())
    manifest = json.loads((cli.data_dir / "deployment.json").read_text())
    assert _addresses(manifest) == _addresses(fresh)


def test_start_detached_reuses_a_running_node_and_stop_is_idempotent(fresh_cli: Cli) -> None:
    cli = fresh_cli
    start_node(cli)
    pid = cli.json("node", "status")["supervisor_pid"]
    again = cli.ok("node", "start", "--detach")
    assert again.stdout.strip() == cli.rpc_url
    assert cli.json("node", "status")["supervisor_pid"] == pid
    foreground = cli.refused("node", "start")
    assert "already runs" in foreground.stderr
    stop_node(cli)
    second_stop = cli.ok("node", "stop")
    assert "not running" in second_stop.stderr


def test_foreground_node_stops_cleanly_on_ctrl_c_and_saves_its_state(fresh_cli: Cli) -> None:
    cli = fresh_cli
    env = {**os.environ, **{k: v for k, v in cli.env.items() if v is not None}}
    for key in ("LEDGER_RPC_URL", "LEDGER_AS"):
        env.pop(key, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ledger.cli", "node", "start"], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == cli.rpc_url  # printed once the node answers
        with JsonRpcClient(cli.rpc_url) as rpc:
            rpc.call("evm_mine")
            rpc.call("evm_mine")
            mined = int(rpc.call("eth_blockNumber"), 16)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0, proc.stderr.read() if proc.stderr else ""
    finally:
        if proc.poll() is None:
            proc.kill()
    assert (cli.data_dir / "node" / "state.json").stat().st_size > 0
    assert not (cli.data_dir / "node" / "anvil.pid").exists()
    assert not (cli.data_dir / "node" / "ledger-node.pid").exists()
    start_node(cli)
    assert cli.json("node", "status")["block"] == mined


def test_stop_stops_an_orphaned_anvil_after_its_supervisor_died(fresh_cli: Cli) -> None:
    cli = fresh_cli
    start_node(cli)
    status = cli.json("node", "status")
    os.kill(status["supervisor_pid"], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while cli.json("node", "status")["supervisor_pid"] is not None:
        assert time.monotonic() < deadline, "supervisor did not die"
        time.sleep(0.05)
    assert cli.json("node", "status")["running"]  # anvil runs in its own session
    stop_node(cli)
    assert cli("node", "status").exit_code == 3
    start_node(cli)  # the state saved by the orphan's clean stop loads
    assert cli.json("node", "status")["block"] == status["block"]


def test_node_commands_refuse_an_external_chain(fresh_cli: Cli) -> None:
    result = fresh_cli.refused("node", "start", "--detach", env={"LEDGER_RPC_URL": "http://127.0.0.1:1"})
    assert "LEDGER_RPC_URL is set" in result.stderr


def test_start_detached_on_a_port_in_use_fails_with_the_reason_in_one_line(market: Cli, tmp_path: Path) -> None:
    other = Cli(tmp_path / "other", market.port)
    result = other.refused("node", "start", "--detach")
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"already listening on 127.0.0.1:{market.port}" in result.stderr
    assert other("node", "status").exit_code == 3
    assert market.json("node", "status")["running"]


def test_supervisor_restarts_a_killed_anvil_and_replays_the_journal(fresh_cli: Cli) -> None:
    cli = fresh_cli
    # A long save interval: everything the node did is lost with it, and must come back from the journal.
    cli.extra_env["LEDGER_STATE_INTERVAL"] = "600"
    start_node(cli)
    cli.json("deploy")
    cli.ok("participant", "admit", "31", "--roles", "data-holder", "--region", "450100", "--name", "Qinzhou Port",
           "--credit-code", code_for(dev_account(31).address))  # fmt: skip
    status = cli.json("node", "status")
    os.kill(status["anvil_pid"], signal.SIGKILL)
    deadline = time.monotonic() + 30
    while True:
        now = json.loads(cli("node", "status", "--json").stdout)  # exit 3 while anvil is down
        # The replayed transactions may share blocks: the height need not come back, the writes must.
        if now["running"] and now["anvil_pid"] not in (None, status["anvil_pid"]) and now["block"] > 0:
            break
        assert time.monotonic() < deadline, f"anvil was not restarted with its transactions: {now}"
        time.sleep(0.2)
    participant = cli.json("participant", "show", "31")
    assert (participant["name"], participant["status"]) == ("Qinzhou Port", "active")
    assert cli.json("deploy")["action"] == "verified"
    stop_node(cli)


def test_status_is_not_running_while_the_door_is_closed_even_if_anvil_answers_behind_it(tmp_path: Path) -> None:
    # While the supervisor restarts anvil and re-sends the journal, the door answers 503 and anvil (on its own
    # port) already answers. The node is not ready: a client sent through the door would be refused.
    class Door(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"restarting"}}')

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Anvil(Door):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            answers = [{"jsonrpc": "2.0", "id": r["id"], "result": "0x2a"} for r in body]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(answers).encode())

    door, anvil = ThreadingHTTPServer(("127.0.0.1", 0), Door), ThreadingHTTPServer(("127.0.0.1", 0), Anvil)
    supervisor = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "ledger"])
    try:
        for server in (door, anvil):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        settings = LedgerSettings(data_dir=tmp_path / "data", node_port=door.server_address[1])
        node_dir(settings).mkdir(parents=True)
        supervisor_pid_path(settings).write_text(str(supervisor.pid))
        (node_dir(settings) / "anvil.url").write_text(f"http://127.0.0.1:{anvil.server_address[1]}")
        assert not node_state(settings).running

        door.shutdown()
        door.server_close()  # no door at all (its supervisor gone): anvil's own URL tells whether a node runs
        state = node_state(settings)
        assert state.running and state.chain_id == 42
    finally:
        supervisor.kill()
        supervisor.wait()
        anvil.shutdown()
        anvil.server_close()
