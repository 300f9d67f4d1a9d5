"""``ledger node start`` on the chain id of a province the ledger recognises (issue 11, rule 16): one line on
stderr, exit status 1, no node."""

from __future__ import annotations

from tests.cli.conftest import Cli

GUANGXI, GUANGDONG = 4501, 4401


def test_ledger_node_start_refuses_a_recognised_provinces_chain_id_with_one_line(fresh_cli: Cli) -> None:
    env = {"LEDGER_CHAIN_ID": str(GUANGDONG), "LEDGER_RECOGNISED_CHAIN_IDS": f"[{GUANGXI}, {GUANGDONG}]"}
    result = fresh_cli.refused("node", "start", "--detach", env=env)
    assert result.stderr.startswith("error: embedded node: chain id 4401 is the chain id of a province")
    assert len(result.stderr.strip().splitlines()) == 1
    assert fresh_cli("node", "status").exit_code == 3  # not running
    fresh_cli.ok("node", "start", "--detach", env={**env, "LEDGER_RECOGNISED_CHAIN_IDS": f"[{GUANGXI}]"})
    assert fresh_cli.json("node", "status", env=env)["chain_id"] == GUANGDONG
