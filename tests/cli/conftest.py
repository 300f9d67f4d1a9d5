"""Run the ``ledger`` CLI in-process (Typer's CliRunner) against embedded nodes it starts itself.

Each node lives in its own temporary data directory on a free port (``LEDGER_DATA_DIR`` and
``LEDGER_NODE_PORT`` passed as environment), mines a block per transaction and is started with
``ledger node start --detach`` and stopped with ``ledger node stop``, the real commands.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from ledger.chain.rpc import JsonRpcClient
from ledger.cli.main import app
from ledger.client import dev_account
from ledger.settings import LedgerSettings
from tests.conftest import free_port
from tests.credit_codes import code_for

PASSWORD = "correct horse battery staple"


@dataclass
class Cli:
    """``cli("asset", "show", "1")`` runs ``ledger asset show 1`` with this node's environment."""

    data_dir: Path
    port: int
    extra_env: dict[str, str | None] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str | None]:
        return {
            "LEDGER_DATA_DIR": str(self.data_dir),
            "LEDGER_NODE_PORT": str(self.port),
            "LEDGER_BLOCK_TIME": "0",
            "LEDGER_STATE_INTERVAL": "1",
            "LEDGER_KEYSTORE_PASSWORD": PASSWORD,
            "LEDGER_RPC_URL": None,
            "LEDGER_AS": None,
            "LEDGER_DEV_KEYS": None,
            **self.extra_env,
        }

    @property
    def settings(self) -> LedgerSettings:
        return LedgerSettings(data_dir=self.data_dir, node_port=self.port, block_time=0)

    @property
    def rpc_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __call__(self, *args: str, env: Mapping[str, str | None] | None = None, input: str | None = None) -> Result:
        return CliRunner().invoke(app, list(args), env={**self.env, **(env or {})}, input=input)

    def ok(self, *args: str, env: Mapping[str, str | None] | None = None) -> Result:
        result = self(*args, env=env)
        assert result.exit_code == 0, _explain(args, result)
        return result

    def json(self, *args: str, env: Mapping[str, str | None] | None = None) -> Any:
        return json.loads(self.ok(*args, "--json", env=env).stdout)

    def refused(self, *args: str, code: int = 1, env: Mapping[str, str | None] | None = None) -> Result:
        """Runs a command that must fail cleanly with exit status ``code`` (not with a traceback)."""
        result = self(*args, env=env)
        assert result.exit_code == code, _explain(args, result)
        assert isinstance(result.exception, SystemExit), _explain(args, result)
        assert result.stdout == "", _explain(args, result)
        return result

    def rpc(self) -> JsonRpcClient:
        return JsonRpcClient(self.rpc_url, timeout=10)


def _explain(args: tuple[str, ...], result: Result) -> str:
    return (
        f"ledger {' '.join(args)} -> exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}\n"
        f"exception: {result.exception!r}"
    )


def start_node(cli: Cli) -> None:
    cli.ok("node", "start", "--detach")


def stop_node(cli: Cli) -> None:
    cli.ok("node", "stop")


@pytest.fixture
def fresh_cli(tmp_path: Path) -> Iterator[Cli]:
    """A CLI environment with its own data directory and port; the node is stopped afterwards if running."""
    cli = Cli(tmp_path / "data", free_port())
    try:
        yield cli
    finally:
        cli("node", "stop")


@pytest.fixture(scope="session")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    """A running node with the system deployed and a small market admitted through the CLI:
    1 registrar, 2 exchange, 3 bank (issuance limit ¥10,000,000.00), 4 and 5 data holders (5 holds ¥100,000.00 and
    approved the exchange for all of it), 6 a declared data merchant."""
    cli = Cli(tmp_path_factory.mktemp("cli-market") / "data", free_port())
    start_node(cli)
    try:
        cli.ok("deploy")
        for account, roles, region, name in [
            ("1", "registrar", "450000", "Guangxi Data Property Registration Centre"),
            ("2", "exchange", "450000", "Beibu Gulf Big Data Exchange"),
            ("3", "settlement-bank", "450000", "Guangxi Beibu Gulf Bank"),
            ("4", "data-holder", "450100", "Nanning Transport Bureau"),
            ("5", "data-holder", "450200", "Liuzhou Logistics Co."),
            ("6", "data-merchant", "450100", "Zhuangxiang Data Merchants"),
        ]:
            code = code_for(dev_account(int(account)).address)
            cli.ok("participant", "admit", account, "--roles", roles, "--region", region, "--name", name,
                   "--credit-code", code)  # fmt: skip
        cli.ok("participant", "declare", "--document", "merchant declaration", "--as", "6")
        cli.ok("token", "limit", "3", "--set", "10,000,000")
        cli.ok("token", "issue", "--to", "5", "--amount", "100000", "--reserve", "reserve 2026-Q1", "--as", "3")
        cli.ok("token", "approve", "--spender", "2", "--amount", "100000", "--as", "5")
        yield cli
    finally:
        cli("node", "stop")


@pytest.fixture
def chain(market: Cli) -> Iterator[Cli]:
    """The market, reverted to its initial state after the test."""
    with market.rpc() as rpc:
        snapshot = rpc.call("evm_snapshot")
        try:
            yield market
        finally:
            rpc.call("evm_revert", [snapshot])
