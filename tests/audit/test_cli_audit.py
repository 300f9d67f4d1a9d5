"""``ledger audit ...`` end to end: exit status, JSON and human output; and a node that lost its history."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path

from typer.testing import CliRunner, Result

from ledger.chain import EmbeddedNode
from ledger.cli.main import app
from ledger.contracts.deploy import write_manifest
from ledger.settings import LedgerSettings
from ledger.toolchain import Build
from tests.audit.conftest import Audited, index_into
from tests.conftest import free_port
from tests.contracts.conftest import build_world
from tests.indexer.scenario import Chain, every_event_round


def run(settings: LedgerSettings, database_url: str, *args: str) -> Result:
    env: Mapping[str, str | None] = {
        "LEDGER_DATA_DIR": str(settings.data_dir),
        "LEDGER_NODE_PORT": str(settings.node_port),
        "LEDGER_DATABASE_URL": database_url,
        "LEDGER_RPC_URL": None,
    }
    return CliRunner().invoke(app, list(args), env=dict(env))


def _url(a: Audited) -> str:
    return a.live.engine.url.render_as_string(hide_password=False)


def test_cli_replay_prints_counts_and_exits_zero_without_differences(audited: Audited) -> None:
    result = run(audited.chain.settings, _url(audited), "audit", "replay", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["differences"] == []
    assert report["block"] == audited.chain.head()
    assert report["chain"]["status"] == "ok" and report["index"]["status"] == "ok"
    assert report["records"]["assets"] > 0 and report["events_by_name"]["TradeSettled"] > 0

    human = run(audited.chain.settings, _url(audited), "audit", "replay", "--at", str(audited.after_first_round))
    assert human.exit_code == 0, human.output
    assert f"as of block {audited.after_first_round}" in human.stdout
    assert "contracts' views: ok" in human.stdout and "no differences" in human.stdout


def test_cli_replay_exits_one_and_names_the_difference_of_a_corrupted_index(audited: Audited, tmp_path: Path) -> None:
    live = index_into(audited.chain, audited.build, f"sqlite:///{tmp_path / 'bad.db'}")
    try:
        with live.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE balances SET balance = balance + 1 WHERE valid_to_block IS NULL")
        url = live.engine.url.render_as_string(hide_password=False)
        result = run(audited.chain.settings, url, "audit", "replay")
    finally:
        live.close()
    assert result.exit_code == 1
    assert "DIFFERENCES:" in result.stdout and "[index] balances" in result.stdout


def test_cli_history_export_and_verify(audited: Audited, tmp_path: Path) -> None:
    settings, url = audited.chain.settings, _url(audited)
    history = run(settings, url, "audit", "history", "1", "--json")
    assert history.exit_code == 0, history.output
    steps = json.loads(history.stdout)["steps"]
    assert steps[0]["event"] == "RegistrationApplied" and all(s["tx"].startswith("0x") for s in steps)
    assert run(settings, url, "audit", "history", "424242").exit_code == 1

    bundle = tmp_path / "bundle"
    exported = run(settings, url, "audit", "export", str(bundle), "--at", str(audited.after_first_round), "--json")
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout)["block"]["number"] == audited.after_first_round
    verified = run(settings, url, "audit", "verify", str(bundle), "--rpc-url", f"http://127.0.0.1:{settings.node_port}")
    assert verified.exit_code == 0, verified.output
    assert "bundle verified" in verified.stdout and "against a node: ok" in verified.stdout

    tampered = tmp_path / "tampered"
    shutil.copytree(bundle, tampered)
    lines = (tampered / "events.jsonl").read_text().splitlines()
    (tampered / "events.jsonl").write_text("\n".join(lines[:5] + lines[6:]) + "\n")
    failed = run(settings, url, "audit", "verify", str(tampered), "--json")
    assert failed.exit_code == 1
    assert json.loads(failed.stdout)["first_problem"].startswith("events.jsonl line 6 ")
    assert run(settings, url, "audit", "export", str(bundle)).exit_code == 2  # not empty


def test_a_node_without_historical_state_makes_old_blocks_not_verifiable_not_different(
    build: Build, tmp_path: Path
) -> None:
    settings = LedgerSettings(data_dir=tmp_path / "data", node_port=free_port(), block_time=0, state_interval=1)
    url = f"sqlite:///{tmp_path / 'live.db'}"
    with EmbeddedNode(settings) as node:
        rpc = node.client(timeout=30)
        world = build_world(rpc, build, settings)
        write_manifest(world.contracts.deployment, settings.manifest_path)
        every_event_round(world)
        old = int(rpc.call("eth_blockNumber"), 16) - 3
        rpc.close()
    with EmbeddedNode(settings) as node:  # restarted from its state file: no states of past blocks
        rpc = node.client(timeout=30)
        index_into(Chain(node, settings, rpc, world), build, url).close()
        result = run(settings, url, "audit", "replay", "--at", str(old), "--json")
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert report["chain"]["status"] == "not_verifiable"
        assert report["chain"]["detail"] == f"not verifiable against the chain at block {old} (no historical state)"
        assert report["index"]["status"] == "ok" and report["differences"] == []

        latest = json.loads(run(settings, url, "audit", "replay", "--json").stdout)
        assert latest["chain"]["status"] == "ok" and latest["ok"] is True
        rpc.close()
