"""``ledger audit ...``: the auditors' replay (审计重放), one asset's history, export bundles and their verification."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from ledger.audit import (
    At,
    BundleError,
    ChainSource,
    IndexSource,
    TargetBlockError,
    abis_of,
    asset_history,
    audit_replay,
    export_bundle,
    parse_at,
    verify_bundle,
)
from ledger.chain.failover import connect_rpc
from ledger.chain.rpc import JsonRpcClient
from ledger.cli._session import JsonOption, emit, fail, progress
from ledger.contracts.deploy import Deployment, load_manifest
from ledger.decode import BlockHeader
from ledger.errors import RpcTransportError
from ledger.settings import LedgerSettings
from ledger.store import Store, normalize_database_url, open_store
from ledger.toolchain import Build, compile_contracts

__all__ = ["app"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Audit (审计): replay the history and check it, trace an asset, export and verify bundles.",
)

AT_HELP = "A block number or an ISO 8601 time with zone (2026-11-28T10:00:00Z); default the latest block."
AtOption = Annotated[str | None, typer.Option("--at", help=AT_HELP, show_default=False)]
DatabaseOption = Annotated[
    str | None,
    typer.Option("--database-url", help="The live index (default LEDGER_DATABASE_URL, else DATA_DIR/ledger.db).",
                 show_default=False),
]  # fmt: skip


class Source(StrEnum):
    CHAIN = "chain"
    INDEX = "index"


def _database_url(settings: LedgerSettings, given: str | None) -> str:
    return normalize_database_url(given) if given else settings.effective_database_url


@contextmanager
def _live_index(url: str) -> Iterator[Store | None]:
    """The live index at ``url``; None when it is a SQLite file that does not exist (nothing indexed)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        yield None
        return
    store = open_store(url)
    try:
        yield store
    finally:
        store.close()


def _node(settings: LedgerSettings, url: str | None = None) -> JsonRpcClient | None:
    """A client of the node, or None when none answers."""
    rpc = connect_rpc(settings, timeout=max(30.0, settings.index_rpc_timeout), urls=url.split(",") if url else None)
    try:
        rpc.call("eth_chainId")
    except RpcTransportError:
        rpc.close()
        return None
    return rpc


@app.command("replay")
def replay(
    at: AtOption = None,
    source: Annotated[
        Source, typer.Option(help="Read the events from the chain (eth_getLogs) or from the live index.")
    ] = Source.CHAIN,
    database_url: DatabaseOption = None,
    no_index: Annotated[bool, typer.Option("--no-index", help="Do not compare with the live index.")] = False,
    no_chain: Annotated[bool, typer.Option("--no-chain", help="Do not check the contracts' views.")] = False,
    replay_db: Annotated[
        Path | None,
        typer.Option(help="Keep the replayed store in this SQLite file (must not exist); default a temporary one."),
    ] = None,
    memory: Annotated[
        bool,
        typer.Option(
            "--memory", help="Replay into an in-memory SQLite database: faster, ~2 GB of RAM a million events."
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Rebuild the state from the events into a fresh store and compare every record with the contracts'
    views and with the live index, as of one block. Exits 1 on any difference."""
    when = _parse_or_fail(at)
    settings = LedgerSettings()
    deployment = load_manifest(settings.manifest_path)
    build = compile_contracts(settings)
    if replay_db is not None and memory:
        raise fail("give --replay-db or --memory, not both", code=2)
    if replay_db is not None and replay_db.exists():
        raise fail(f"--replay-db {replay_db} exists: give a new file", code=2)
    replay_url = f"sqlite:///{replay_db.resolve()}" if replay_db is not None else "sqlite://" if memory else None
    rpc = _node(settings)
    if rpc is None:
        if source is Source.CHAIN:
            raise fail(f"no node answers at {settings.effective_rpc_url}: start it, or replay with --source index")
        progress(f"no node at {settings.effective_rpc_url}: the contracts' views are not checked")
    try:
        with _live_index(_database_url(settings, database_url)) as live:
            if live is None and source is Source.INDEX:
                raise fail("no live index to replay from (run `ledger index` first)")
            report = audit_replay(
                deployment=deployment, build=build, rpc=rpc, live=None if no_index and source is Source.CHAIN else live,
                at=when, source=source.value, check_chain=not no_chain, check_index=not no_index,
                replay_url=replay_url,
                on_progress=progress, final_depth=settings.finality_confirmations or 1,
            )  # fmt: skip
    finally:
        if rpc is not None:
            rpc.close()
    emit(report.to_json(), report.lines(), as_json)
    if not report.ok:
        raise typer.Exit(1)


def _parse_or_fail(text: str | None) -> At:
    try:
        return parse_at(text)
    except TargetBlockError as exc:
        raise typer.BadParameter(str(exc), param_hint="--at") from None


@app.command("history")
def history(
    asset_id: Annotated[int, typer.Argument(help="Asset id.", min=1, show_default=False)],
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """The full history of one asset from the live index: registration steps, right transfers, licences,
    sublicences, revocations, trades, objections, freezes and rectification orders, with block, time,
    transaction and actor."""
    settings = LedgerSettings()
    with _live_index(_database_url(settings, database_url)) as live:
        if live is None:
            raise fail("no live index (run `ledger index` first)")
        steps = asset_history(live, asset_id)

    def lines() -> Iterator[str]:
        yield f"asset #{asset_id}: {len(steps)} steps"
        for s in steps:
            actor = s.actor or "-"
            yield f"  block {s.block:>7} log {s.log_index:>3}  {s.time}  {s.kind:<16} {actor}  {s.summary}"
            yield f"  {'':>21}tx {s.tx_hash}"

    emit({"asset_id": asset_id, "steps": [s.to_json() for s in steps]}, lines, as_json)


@app.command("export")
def export(
    directory: Annotated[Path, typer.Argument(help="Where to write the bundle (a new or empty directory).")],
    at: AtOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write an audit bundle: the events and the state as of one block (default the index's checkpoint),
    with a manifest of hashes (block, contracts' code and ABIs, every file) that `ledger audit verify` checks."""
    when = _parse_or_fail(at)
    settings = LedgerSettings()
    deployment = load_manifest(settings.manifest_path)
    build = compile_contracts(settings)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise fail(f"{directory} exists and is not an empty directory", code=2)
    with _live_index(_database_url(settings, database_url)) as live:
        if live is None:
            raise fail("no live index to export (run `ledger index` first)")
        index = IndexSource(live)
        checkpoint = index.checkpoint()
        if checkpoint is None:
            raise fail("the live index is empty (run `ledger index` first)")
        target = _export_target(settings, deployment, build, index, checkpoint, when)
        manifest = export_bundle(live, directory, deployment, build, target)
    lines = [
        f"bundle (审计包) written to {directory}: block {target.number} ({target.hash})",
        f"  {manifest['events']} events, events chain head {manifest['events_chain_head']}",
        f"  state checksum {manifest['state_checksum']}",
        f"  bundle digest {manifest['bundle_digest']}",
    ]
    emit({"directory": str(directory), **manifest}, lines, as_json)


def _export_target(
    settings: LedgerSettings, deployment: Deployment, build: Build, index: IndexSource, checkpoint: BlockHeader,
    when: At,
) -> BlockHeader:  # fmt: skip
    """The bundle's block: its own header from the node when one answers, else the index's header (the
    highest indexed block at or before it: the same state)."""
    if isinstance(when, int) and when > checkpoint.number:
        raise TargetBlockError(f"block {when} is beyond the index's checkpoint {checkpoint.number}")
    rpc = _node(settings)
    if rpc is not None:
        try:
            chain = ChainSource(rpc, deployment, abis_of(build))
            if isinstance(when, int):
                return chain.header(when)
            if isinstance(when, datetime):
                found = chain.block_at_time(int(when.timestamp()))
                if found.number > checkpoint.number:
                    raise TargetBlockError(f"{when} is beyond the index's checkpoint {checkpoint.number}")
                return found
            return checkpoint
        finally:
            rpc.close()
    if isinstance(when, int):
        header = index.header(when)
    elif isinstance(when, datetime):
        header = index.block_at_time(int(when.timestamp()))
    else:
        header = checkpoint
    if header is None:
        raise TargetBlockError(f"the index holds no block at or before {when}")
    return header


@app.command("verify")
def verify(
    directory: Annotated[Path, typer.Argument(help="The bundle directory.")],
    rpc_url: Annotated[
        str | None, typer.Option("--rpc-url", help="Also check against this node (block hash, code, events).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check a bundle offline (file digests, the events' hash chain and block hashes, the state against a
    projection of the events, the manifest's digest) and, with --rpc-url, against a node. Exits 1 naming
    the first bad item."""
    rpc = JsonRpcClient(rpc_url, timeout=60) if rpc_url else None
    try:
        try:
            check = verify_bundle(directory, rpc=rpc)
        except BundleError as exc:
            raise fail(str(exc)) from None
    finally:
        if rpc is not None:
            rpc.close()
    emit(check.to_json(), check.lines(), as_json)
    if not check.ok:
        raise typer.Exit(1)
