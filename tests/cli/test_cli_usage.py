"""Bad usage exits 2 with a message on stderr and nothing on stdout, before anything is sent."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ledger.settings import PROJECT_ROOT
from tests.cli.conftest import Cli


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["participant", "admit", "7", "--roles", "data-holderx", "--region", "450100", "--name", "x",
             "--credit-code", "91450100MA5KD0009U"],
            "'data-holderx' is not one of",
        ),
        (["participant", "admit", "7", "--region", "450100", "--name", "x"], "Missing option"),
        (
            ["participant", "admit", "7", "--roles", "data-holder", "--region", "450100", "--name", "x",
             "--credit-code", "91450100MA5KD0009T"],
            "its check character is 'T', the first 17 characters give 'U'",
        ),
        (["participant", "suspend", "not-an-account", "--reason", "r"], "is not an address"),
        (["participant", "suspend", "7", "--reason", "0x1234"], "is not 32 bytes of hex"),
        (["participant", "declare", "--document", "@/nonexistent/declaration.pdf"], "cannot read"),
        (["asset", "review", "1", "--review", "ok"], "give --approve or --reject"),
        (
            [
                "asset",
                "apply",
                "--name",
                "n",
                "--category",
                "secret",
                "--region",
                "450000",
                "--content",
                "c",
                "--metadata",
                "m",
                "--uri",
                "u",
            ],
            "'secret' is not one of",
        ),
        (["token", "issue", "--to", "5", "--amount", "1.001", "--reserve", "r"], "at most 2 decimals"),
        (["token", "issue", "--to", "5", "--amount", "-3", "--reserve", "r"], "must be positive"),
        (["token", "issue", "--to", "5", "--amount", "3"], "Missing option '--reserve'"),
        (["license", "grant", "1", "--to", "5", "--start", "yesterday"], "is not a time"),
        (["supervise", "order-open", "--document", "d"], "exactly one of --participant and --asset"),
        (["asset", "frobnicate"], "No such command"),
        (["participant", "show", "4", "--bogus"], "No such option"),
    ],
)
def test_bad_usage_exits_2(fresh_cli: Cli, args: list[str], message: str) -> None:
    result = fresh_cli.refused(*args, code=2)
    assert message in " ".join(result.stderr.replace("│", " ").split())


def test_malformed_trade_file_is_a_usage_error(fresh_cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "trade.json"
    bad.write_text('{"trade_id": "t", "asset_id": 1, "seller": "4", "buyer": "5", "price": "1", "colour": "red"}')
    consent = ("trade", "consent", str(bad), "--exchange", "2", "--min-net", "1", "--as", "4")
    result = fresh_cli.refused(*consent, code=2)
    assert "unknown field(s) colour" in result.stderr
    bad.write_text("{not json")
    assert "is not JSON" in fresh_cli.refused(*consent, code=2).stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["trade", "settle", "trade.json"], "needs its seller's consent"),
        (["trade", "consent", "trade.json", "--exchange", "2"], "Missing option '--min-net'"),
        (["trade", "consent", "trade.json", "--exchange", "2", "--min-net", "1", "--min-net", "2", "--as", "4"],
         "one --min-net for every sale, or one for all"),
        (["mandate", "grant", "1", "--exchange", "2", "--min-net", "1"], "licence mandates need --max-days"),
        (["asset", "shares", "1", "--set", "6=100"], "--right"),
        (["trade", "settle", "--consent", "missing.json"], "cannot read missing.json"),
    ],
)
def test_settlement_usage_errors_exit_2_before_anything_is_sent(
    fresh_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "trade.json").write_text(json.dumps([
        {"trade_id": "a", "asset_id": 1, "seller": "4", "buyer": "5", "price": "1",
         "terms": {"purpose": 1, "start": "2035-01-01"}},
    ] * 3))  # fmt: skip
    result = fresh_cli.refused(*args, code=2)
    assert message in " ".join(result.stderr.replace("│", " ").split())


def test_no_node_is_a_ledger_error_with_a_hint(fresh_cli: Cli) -> None:
    result = fresh_cli.refused("deploy")
    assert "ledger node start --detach" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_console_entry_point_exit_statuses(fresh_cli: Cli) -> None:
    env = {"PATH": "/usr/bin:/bin", **{k: v for k, v in fresh_cli.env.items() if v is not None}}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ledger.cli", *args], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=60)  # fmt: skip

    assert run("--help").returncode == 0
    usage = run("token", "issue", "--amount", "x")
    assert (usage.returncode, usage.stdout) == (2, "")
    status = run("node", "status")
    assert status.returncode == 3 and "not running" in status.stdout
    no_node = run("participant", "show", "4")
    assert no_node.returncode == 1 and no_node.stderr.startswith("error: ")
