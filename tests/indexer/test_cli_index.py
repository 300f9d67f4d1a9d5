"""``ledger index``: one-shot and --follow, the summary on stdout, progress and errors on stderr."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from ledger.cli.main import app
from ledger.settings import PROJECT_ROOT
from ledger.store import open_store
from ledger.toolchain import Build
from tests.indexer.conftest import chain_rows, event_rows
from tests.indexer.faultproxy import FaultProxy
from tests.indexer.scenario import Chain


def _env(chain: Chain, url: str, **extra: str) -> dict[str, str | None]:
    return {
        "LEDGER_DATA_DIR": str(chain.settings.data_dir),
        "LEDGER_NODE_PORT": str(chain.settings.node_port),
        "LEDGER_DATABASE_URL": url,
        "LEDGER_RPC_URL": None,
        "LEDGER_INDEX_BATCH_BLOCKS": "32",
        **extra,
    }


def _index(chain: Chain, url: str, *args: str, **extra: str) -> Result:
    return CliRunner().invoke(app, ["index", *args], env=_env(chain, url, **extra))


def test_index_backfills_reports_json_and_a_second_run_continues(
    busy_chain: Chain, tmp_path: Path, build: Build
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    first = _index(busy_chain, url, "--json")
    assert first.exit_code == 0, first.stderr
    summary: dict[str, Any] = json.loads(first.stdout)
    rows = chain_rows(busy_chain, build)
    head = busy_chain.head()
    assert summary["events"] == len(rows) and summary["checkpoint"]["block"] == head
    assert summary["start_block"] == busy_chain.world.contracts.deployment.deployment_block
    assert "indexing blocks" not in first.stderr  # no progress line unless stderr is a terminal or asked

    second = _index(busy_chain, url, "--json")
    assert second.exit_code == 0, second.stderr
    assert json.loads(second.stdout)["events"] == 0
    assert json.loads(second.stdout)["checkpoint"] == summary["checkpoint"]
    with open_store(url) as store:
        assert event_rows(store) == rows


def test_progress_goes_to_stderr_when_asked(busy_chain: Chain, tmp_path: Path) -> None:
    result = _index(busy_chain, f"sqlite:///{tmp_path / 'ledger.db'}", "--progress", LEDGER_INDEX_BATCH_BLOCKS="4")
    assert result.exit_code == 0, result.stderr
    last = [line for line in result.stderr.splitlines() if line.startswith("indexing blocks")][-1]
    total = busy_chain.head() - busy_chain.world.contracts.deployment.deployment_block + 1
    assert f"blocks {total:,}/{total:,} (100%)" in last and "events/s" in last and "ETA 0:00:00" in last
    assert result.stdout.startswith("indexed ") and "indexing blocks" not in result.stdout


def test_a_start_block_that_would_leave_a_gap_is_a_usage_error(busy_chain: Chain, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert _index(busy_chain, url).exit_code == 0
    result = _index(busy_chain, url, "--from-block", "5")
    assert result.exit_code == 2
    head = busy_chain.head()
    assert f"error: --from-block 5: the store already holds blocks up to {head} and continues at {head + 1}" in (
        result.stderr
    )
    assert result.stdout == ""


def test_a_node_that_rejects_the_log_query_stops_the_command_with_its_error(busy_chain: Chain, tmp_path: Path) -> None:
    with FaultProxy(busy_chain.node.rpc_url, refuse={"eth_getLogs": (-32602, "invalid params: filter")}) as proxy:
        result = _index(busy_chain, f"sqlite:///{tmp_path / 'ledger.db'}", LEDGER_RPC_URL=proxy.url)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: eth_getLogs: invalid params: filter (code -32602)")
    assert result.stdout == ""


def test_follow_indexes_new_blocks_and_stops_cleanly_on_sigterm(
    fresh_chain: Chain, tmp_path: Path, build: Build
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    env = {k: v for k, v in _env(fresh_chain, url).items() if v is not None}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ledger.cli", "index", "--follow", "--json"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=PROJECT_ROOT,
    )
    try:
        fresh_chain.world.registered_asset()
        head = fresh_chain.head()
        deadline = time.monotonic() + 30
        while True:
            with open_store(url) as store:
                checkpoint = store.checkpoint()
            if checkpoint is not None and checkpoint[0] == head:
                break
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the follower did not reach the head"
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err.decode()
    assert json.loads(out)["checkpoint"]["block"] == head
    assert "following chain 31337" in err.decode()
    with open_store(url) as store:
        assert event_rows(store) == chain_rows(fresh_chain, build)
