"""The whole journey (deploy, demo scenario: registration, licences, consent-signed settlement single and
batched, mandates, off-exchange trades; indexer; audit replay with 0 differences) through a LEDGER_RPC_URL of
several endpoints.

* On the embedded node through two endpoints of the same chain (its door and anvil's own URL).
* On the Clique network (4 nodes, 3 signers) at its EVM target (london), with the signer the CLI is connected
  to killed (SIGKILL) mid-demo: the demo fails over and finishes, the node restarts and catches up, every node
  holds the same blocks, and the index and the audit replay agree with the chain.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from ledger.chain.failover import FailoverRpcClient
from ledger.client import dev_account
from ledger.contracts.system import DEPLOYED_CONTRACTS
from ledger.network import LocalNetwork, write_clique_network
from tests.cli.conftest import Cli, start_node
from tests.network.test_network import _base_port, _same_hashes, _wait_blocks


def _journey(cli: Cli, *, during_demo: threading.Thread | None = None) -> dict[str, object]:
    deployed = cli.json("deploy")
    assert deployed["action"] == "deployed" and set(deployed["contracts"]) == set(DEPLOYED_CONTRACTS)  # governance too
    if during_demo is not None:
        during_demo.start()
    demo = cli.json("demo")  # single and batched settlements with the sellers' consents, mandates, off exchange
    assert len(demo["trades"]) == 8
    assert any("SettlementBadSignature" in e["text"] for e in demo["events"])  # no sale without consent
    if during_demo is not None:
        during_demo.join()
    cli.ok("index")
    report = cli.json("audit", "replay")
    assert report["ok"], report
    assert report["chain"]["status"] == "ok" and report["index"]["status"] == "ok", report  # both compared
    return report


def test_journey_through_two_endpoints_of_the_embedded_node(fresh_cli: Cli) -> None:
    start_node(fresh_cli)
    anvil_url = (fresh_cli.data_dir / "node" / "anvil.url").read_text().strip()
    fresh_cli.extra_env.update({"LEDGER_RPC_URL": f"{fresh_cli.rpc_url},{anvil_url}", "LEDGER_DEV_KEYS": "on"})
    try:
        _journey(fresh_cli)
    finally:  # `ledger node stop` (the fixture's teardown) refuses to run with LEDGER_RPC_URL set
        fresh_cli.extra_env.clear()


def test_journey_on_the_four_validator_network_with_the_connected_signer_killed_mid_demo(tmp_path: Path) -> None:
    definition = write_clique_network(
        tmp_path / "net", validators=3, nodes=4, chain_id=4501, base_port=_base_port(),
        funded=[dev_account(i).address for i in range(20)], light_kdf=True,
    )  # fmt: skip
    network = LocalNetwork(definition)
    network.start()
    killed: list[int] = []

    def kill_node0_mid_demo() -> None:
        """node0, a signer and the CLI's first endpoint, dies once the demo has written a few blocks."""
        with FailoverRpcClient([definition.node("node1").rpc_url], timeout=5) as rpc:
            start = int(rpc.call("eth_blockNumber"), 16)
            deadline = time.monotonic() + 120
            while int(rpc.call("eth_blockNumber"), 16) < start + 4 and time.monotonic() < deadline:
                time.sleep(0.1)
            if network.kill_node("node0"):
                killed.append(int(rpc.call("eth_blockNumber"), 16))

    try:
        # The network's clock cannot be moved: each council action of the demo waits for its delay, here short.
        env = {**definition.env(), "LEDGER_DEV_KEYS": "on", "LEDGER_GOVERNANCE_DELAY": "3"}
        cli = Cli(tmp_path / "data", 1, extra_env=env)
        report = _journey(cli, during_demo=threading.Thread(target=kill_node0_mid_demo))
        assert killed, "node0 was not killed during the demo"
        assert report["block"] > killed[0]  # the audited history spans the kill
        network.start_node("node0")
        network.wait_ready("node0")
        _wait_blocks(network, int(report["block"]), ["node0"])
        _same_hashes(network, definition.names())
    finally:
        network.stop()
