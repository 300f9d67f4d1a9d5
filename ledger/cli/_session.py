"""What every command needs: settings, a connection, the deployment, clients acting as ``--as``,
output on stdout (human or ``--json``), progress on stderr, and errors as one line."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Annotated, Any, Final

import typer
from eth_account.signers.local import LocalAccount

from ledger.chain.failover import connect_rpc
from ledger.chain.rpc import JsonRpcClient
from ledger.cli._params import ACCOUNT_HELP, COUNCIL, dev_keys_allowed, new_account, resolve_account
from ledger.cli.format import jsonable
from ledger.client import Contracts, LedgerClient, TxResult, dev_account, make_sender
from ledger.contracts.codec import ContractCodec, DecodedLog, ErrorTable
from ledger.contracts.deploy import Deployment, load_manifest
from ledger.contracts.errors import ERRORS_BY_NAME
from ledger.contracts.revert import ContractRevert, UnknownRevert
from ledger.contracts.system import SYSTEM_CONTRACTS, contract_abi
from ledger.errors import LedgerError, RetriesExhaustedError, RpcTransportError
from ledger.settings import LedgerSettings
from ledger.toolchain import Build, compile_contracts

__all__ = [
    "AsOption",
    "JsonOption",
    "Session",
    "describe_error",
    "emit",
    "fail",
    "progress",
    "tx_line",
    "write_result",
]

AsOption = Annotated[str | None, typer.Option("--as", envvar="LEDGER_AS", help=ACCOUNT_HELP, show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]

# Errors of the last deployment a command loaded: used to decode errors nested in a revert's
# values (SettlementBatchItemFailed.reason).
_error_tables: list[ErrorTable] = []

_MAX_NESTING: Final[int] = 3


def progress(message: str) -> None:
    """A progress or log line: stderr, so stdout stays data."""
    typer.echo(message, err=True)


def emit(data: Any, human: str | Iterable[str] | Callable[[], Iterable[str]], as_json: bool) -> None:
    """Writes a command's result to stdout: ``data`` as JSON, or the human-readable lines."""
    if as_json:
        typer.echo(json.dumps(jsonable(data), indent=2, ensure_ascii=False))
        return
    lines = human() if callable(human) else human
    if isinstance(lines, str):
        typer.echo(lines)
        return
    for line in lines:
        typer.echo(line)


def tx_line(result: TxResult) -> str:
    return f"  tx {result.tx_hash} (block {result.receipt.block_number}, gas {result.receipt.gas_used:,})"


def _show_value(value: Any, depth: int) -> str:
    if isinstance(value, bytes):
        if depth < _MAX_NESTING and len(value) >= 4 and len(value) != 32 and _error_tables:
            nested = decode_nested(value)
            if nested is not None:
                return describe_revert(nested, depth + 1)
        return "0x" + value.hex()
    return str(value)


def decode_nested(data: bytes) -> ContractRevert | None:
    for table in _error_tables:
        decoded = table.decode(data)
        if decoded is not None:
            name, values = decoded
            cls = ERRORS_BY_NAME.get(name)
            return cls(values, data=data) if cls is not None else UnknownRevert(data, reason=name)
    return None


def describe_revert(exc: ContractRevert, depth: int = 0) -> str:
    """``Name(field=value, ...)``, with errors nested in bytes values decoded too."""
    if isinstance(exc, UnknownRevert):
        return f"reverted ({exc.reason or '0x' + exc.data.hex()})"
    shown = ", ".join(f"{k}={_show_value(v, depth)}" for k, v in exc.values.items())
    return f"{exc.name}({shown})"


def describe_error(exc: LedgerError, settings: LedgerSettings | None = None) -> str:
    """One line for a ledger error."""
    if isinstance(exc, ContractRevert):
        what = exc.operation or "the transaction"
        return f"{what} refused: {describe_revert(exc)}"
    message = " ".join(str(exc).split())
    transport = isinstance(exc, RpcTransportError) or (
        isinstance(exc, RetriesExhaustedError) and isinstance(exc.__cause__, RpcTransportError)
    )
    if transport and (settings is None or settings.embedded):
        message += " (is the embedded node running? `ledger node start --detach`)"
    return message


def fail(message: str, code: int = 1) -> typer.Exit:
    """Prints ``error: message`` on stderr and returns the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _topic(value: str | int | bytes) -> bytes:
    if isinstance(value, bytes):
        return value.rjust(32, b"\0")
    if isinstance(value, str):
        return bytes.fromhex(value.removeprefix("0x")).rjust(32, b"\0")
    return value.to_bytes(32, "big")


def write_result(result: TxResult, data: dict[str, Any], lines: list[str], as_json: bool) -> None:
    """Output of a write: what happened, then the transaction."""
    payload = {**data, "tx": result.tx_hash, "block": result.receipt.block_number, "gas": result.receipt.gas_used}
    emit(payload, [*lines, tx_line(result)], as_json)


class Session:
    """Lazily opened connection, build, deployment and clients for one command."""

    def __init__(self, settings: LedgerSettings | None = None) -> None:
        self.settings = settings if settings is not None else LedgerSettings()
        self._rpc: JsonRpcClient | None = None
        self._build: Build | None = None
        self._contracts: Contracts | None = None
        self._base: LedgerClient | None = None
        self._now: int | None = None

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._base is not None and self._base.sender.journal is not None:
            self._base.sender.journal.close()
        if self._rpc is not None:
            self._rpc.close()

    @property
    def rpc(self) -> JsonRpcClient:
        if self._rpc is None:
            self._rpc = connect_rpc(self.settings)
        return self._rpc

    @property
    def build(self) -> Build:
        if self._build is None:
            self._build = compile_contracts(self.settings)
        return self._build

    def error_table(self) -> ErrorTable:
        table = ErrorTable(ContractCodec(contract_abi(self.build, n)) for n in SYSTEM_CONTRACTS)
        _error_tables[:] = [table]
        return table

    @property
    def deployment(self) -> Deployment:
        return self.contracts.deployment

    @property
    def contracts(self) -> Contracts:
        if self._contracts is None:
            self._contracts = Contracts.from_build(load_manifest(self.settings.manifest_path), self.build)
            _error_tables[:] = [self._contracts.errors]
        return self._contracts

    def account(self, actor: str | None) -> LocalAccount:
        return resolve_account(self.settings, actor)

    def client(self, actor: str | None = None) -> LedgerClient:
        """A client signing as ``actor`` (``--as``); ``council``, or unset on the embedded chain: the authority,
        through the governance with the dev officers' keys."""
        if actor == COUNCIL or (actor is None and dev_keys_allowed(self.settings)):
            return self.council()
        return self.client_for(self.account(actor))

    def council(self) -> LedgerClient:
        """The authority acting through the governance with the dev officers' keys (embedded chain only): each
        write is proposed, signed by enough dev officers, scheduled, the clock moved past the delay, executed."""
        from ledger.governance import CouncilClient  # the governance package imports the client package

        if not dev_keys_allowed(self.settings):
            raise typer.BadParameter(
                "`council` acts with the dev officers' keys, on the embedded chain only; on this chain the officers "
                "propose and approve with `ledger governance`",
                param_hint="--as",
            )
        relay = self.client_for(dev_account(0))
        return CouncilClient(self.rpc, self.contracts, relay.sender)

    def client_for(self, account: LocalAccount) -> LedgerClient:
        if self._base is None:
            sender = make_sender(self.settings, self.rpc, account, self.contracts.errors)
            self._base = LedgerClient(self.rpc, self.contracts, sender)
            return self._base
        return self._base.as_(account)

    def reader(self, actor: str | None = None) -> LedgerClient:
        """A client for views: ``actor`` if given, else any account (views do not depend on the caller)."""
        if actor is not None:
            return self.client(actor)
        if self._base is not None:
            return self._base
        return self.client_for(new_account())

    def find_events(self, contract: str, event: str, *indexed: str | int | bytes | None) -> list[DecodedLog]:
        """Logs of ``contract``'s ``event`` since the deployment, filtered on its indexed fields in order."""
        ev = self.contracts.codecs[contract].events[event]
        topics: list[str | None] = ["0x" + ev.topic0.hex()]
        for value in indexed:
            topics.append(None if value is None else "0x" + _topic(value).hex())
        logs = self.rpc.call(
            "eth_getLogs",
            [
                {
                    "address": self.contracts.address[contract],
                    "topics": topics,
                    "fromBlock": hex(self.deployment.deployment_block),
                    "toBlock": "latest",
                }
            ],
        )
        return list(self.contracts.decode_logs(logs))

    def chain_time(self) -> int:
        """The latest block's timestamp, read once per session."""
        if self._now is None:
            block = self.rpc.call("eth_getBlockByNumber", ["latest", False])
            self._now = int(block["timestamp"], 16)
        return self._now
