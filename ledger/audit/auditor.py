"""``ledger audit replay`` as a library call: pick the block, replay, compare, report."""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from eth_abi.abi import decode as abi_decode

from ledger.audit.compare_chain import ChainVerifier, PendingChecks
from ledger.audit.compare_index import IndexComparison, compare_events, compare_states
from ledger.audit.errors import TargetBlockError
from ledger.audit.replay import Replay, count_records, replay_into
from ledger.audit.report import CheckStatus, ReplayReport
from ledger.audit.sources import ChainSource, IndexSource, prefetched, rebatched, worker_batches
from ledger.chain.rpc import JsonRpcClient
from ledger.contracts.codec import ContractCodec, abi_type
from ledger.contracts.deploy import Deployment, event_contracts
from ledger.contracts.system import EVENT_CONTRACTS, SYSTEM_CONTRACTS, contract_abi
from ledger.decode import BlockHeader
from ledger.store import Store, open_store
from ledger.toolchain import Build

__all__ = ["At", "abis_of", "audit_replay", "chain_verifier", "constructor_state", "parse_at", "resolve_target"]

logger = logging.getLogger(__name__)

At = int | datetime | None
"""A block number, a moment (timezone-aware), or None for the latest block."""


def abis_of(build: Build) -> dict[str, list[dict[str, Any]]]:
    """Contract name -> ABI of the contracts whose events are replayed (the ledger's and its governance's)."""
    return {name: contract_abi(build, name) for name in EVENT_CONTRACTS}


def parse_at(text: str | None) -> At:
    """``--at``: a block number (``1234``) or an ISO 8601 time with a zone (``2026-11-28T10:00:00Z``)."""
    if text is None:
        return None
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise TargetBlockError(f"--at {text!r}: expected a block number or an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise TargetBlockError(f"--at {text!r}: give the time zone (e.g. 2026-11-28T10:00:00Z)")
    return moment


def resolve_target(
    at: At, chain: ChainSource | None, index: IndexSource | None, notes: list[str], final_depth: int = 1
) -> BlockHeader:
    """The audited block. By default the newest block both the chain and the index hold, and never one the
    engine may still replace: ``final_depth`` blocks deep, its own included (Clique: floor(N/2)+1)."""
    if chain is not None:
        if isinstance(at, int):
            head = chain.head()
            if at > head.number:
                raise TargetBlockError(f"block {at} is beyond the chain's head {head.number}")
            first = chain.deployment.deployment_block
            if at < first:
                raise TargetBlockError(f"block {at} is before the deployment (block {first})")
            return chain.header(at)
        if isinstance(at, datetime):
            return chain.block_at_time(int(at.timestamp()))
        head = chain.head()
        if final_depth > 1:
            final = max(chain.deployment.deployment_block, head.number - (final_depth - 1))
            if final < head.number:
                notes.append(f"the chain's head is {head.number}; audited as of its newest final block {final}")
                head = chain.header(final)
        stored = index.checkpoint() if index is not None else None
        if stored is not None and stored.number < head.number:
            notes.append(
                f"the live index reaches block {stored.number}, the chain {head.number}: audited as of block "
                f"{stored.number}, the latest block both hold (--at for another)"
            )
            return chain.header(stored.number)
        return head
    assert index is not None
    found: BlockHeader | None
    if isinstance(at, int):
        found = index.header(at)
        checkpoint = index.checkpoint()
        if checkpoint is not None and at > checkpoint.number:
            raise TargetBlockError(f"block {at} is beyond the index's checkpoint {checkpoint.number} (and no node)")
    elif isinstance(at, datetime):
        found = index.block_at_time(int(at.timestamp()))
    else:
        found = index.checkpoint()
    if found is None:
        raise TargetBlockError(f"the live index holds no block at or before {at if at is not None else 'its head'}")
    return found


def audit_replay(
    *,
    deployment: Deployment | None,
    build: Build | None,
    rpc: JsonRpcClient | None,
    live: Store | None,
    at: At = None,
    source: str = "chain",
    check_chain: bool = True,
    check_index: bool = True,
    replay_url: str | None = None,
    checksums: bool = True,
    on_progress: Callable[[str], None] | None = None,
    final_depth: int = 1,
) -> ReplayReport:
    """Replays the history into a fresh store and compares it with the contracts' views (``rpc``) and
    the live index (``live``) as of ``at``; see :class:`ReplayReport`.

    ``source`` is ``"chain"`` (``eth_getLogs``; needs ``rpc``) or ``"index"`` (the live index's events).
    ``deployment`` and ``build`` (the contracts' addresses and ABIs) are needed with ``rpc`` only.
    The fresh store is ``replay_url`` if given (it must be empty), else a SQLite file in a temporary
    directory, removed afterwards.
    """
    say = on_progress or (lambda _m: None)
    if source not in ("chain", "index"):
        raise ValueError(f"source {source!r}: expected 'chain' or 'index'")
    if source == "chain" and rpc is None:
        raise TargetBlockError("replaying from the chain needs a node (or use the index as the source)")
    if source == "index" and live is None:
        raise TargetBlockError("replaying from the index needs the live index's database")
    chain: ChainSource | None = None
    if rpc is not None:
        if deployment is None or build is None:
            raise ValueError("checking against a node needs the deployment and the build")
        chain = ChainSource(rpc, deployment, abis_of(build))
    index = IndexSource(live) if live is not None else None
    notes: list[str] = []
    target = resolve_target(at, chain, index, notes, final_depth)
    seconds: dict[str, float] = {}

    with tempfile.TemporaryDirectory(prefix="ledger-audit-") as tmp:
        url = replay_url or f"sqlite:///{Path(tmp) / 'replay.db'}"
        store = open_store(url)
        try:
            if store.checkpoint() is not None:
                raise TargetBlockError(f"the replay store {url} is not empty")
            # Written once, read by whole-table scans: the query indexes would only slow the replay down.
            store.drop_secondary_indexes()
            say(f"replaying the {source}'s events up to block {target.number} into {url}")
            if source == "chain":
                assert chain is not None
                batches = rebatched(worker_batches(chain, target))
            else:
                assert index is not None
                batches = prefetched(rebatched(index.batches(target)))
            replay = replay_into(store, batches, target)
            seconds["replay"] = replay.seconds
            report = _compare(replay, deployment, build, rpc, live, source, check_chain, check_index, checksums,
                              notes, seconds, say)  # fmt: skip
            if replay_url is not None and not _in_memory(store):  # a store the caller keeps: queryable
                store.create_secondary_indexes()
            return report
        finally:
            store.close()


def chain_verifier(
    rpc: JsonRpcClient, deployment: Deployment, build: Build, notes: list[str] | None = None
) -> ChainVerifier:
    """The view checks of ``deployment``'s contracts on ``rpc``: their ABIs and storage layouts from ``build``,
    what their constructors set from their deployment transactions."""
    addresses = event_contracts(deployment)  # the ledger's contracts and its governance's
    codecs = {name: ContractCodec(contract_abi(build, name)) for name in addresses}
    deployed_at = {name: _deployed_block(deployment, name) for name in addresses}
    layouts = {name: build.contract(name).storage_layout for name in SYSTEM_CONTRACTS}
    return ChainVerifier(rpc, codecs, addresses, deployed_at, layouts=layouts,
                         constants=constructor_state(rpc, deployment, build, notes))  # fmt: skip


def _deployed_block(deployment: Deployment, name: str) -> int:
    if name in deployment.contracts:
        return deployment.contracts[name].block
    assert deployment.governance is not None  # event_contracts names a Safe only when the deployment records it
    return deployment.governance.safe(name).block


def constructor_state(
    rpc: JsonRpcClient, deployment: Deployment, build: Build, notes: list[str] | None = None
) -> dict[tuple[str, str], Any]:
    """The state a constructor set without an event, read from its deployment transaction's arguments (the
    token's name and symbol): (contract, view) -> value. Left out, with a note, when the transaction's code is
    not the build's (the arguments cannot be told from the code)."""
    name = "SettlementToken"
    contract = build.contract(name)
    tx = rpc.call("eth_getTransactionByHash", [deployment.contracts[name].tx_hash])
    code = bytes.fromhex(contract.bytecode.removeprefix("0x"))
    data = bytes.fromhex(str((tx or {}).get("input", "0x"))[2:])
    constructor = next((item for item in contract.abi if item.get("type") == "constructor"), None)
    if constructor is None or not data.startswith(code):
        if notes is not None:
            notes.append(f"{name}'s deployment transaction does not hold the build's code: its name and symbol "
                         "are not checked")  # fmt: skip
        return {}
    inputs = constructor["inputs"]
    values = abi_decode([abi_type(p) for p in inputs], data[len(code) :])
    args = {p["name"]: v for p, v in zip(inputs, values, strict=True)}
    return {(name, "name"): args["name_"], (name, "symbol"): args["symbol_"]}


def _in_memory(store: Store) -> bool:
    url = store.engine.url
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _compare(
    replay: Replay,
    deployment: Deployment | None,
    build: Build | None,
    rpc: JsonRpcClient | None,
    live: Store | None,
    source: str,
    check_chain: bool,
    check_index: bool,
    checksums: bool,
    notes: list[str],
    seconds: dict[str, float],
    say: Callable[[str], None],
) -> ReplayReport:
    target = replay.target
    n = target.number
    t = time.perf_counter()
    records = count_records(replay.store, n)
    checksum = replay.store.state_checksum(n) if checksums else ""
    seconds["checksum"] = time.perf_counter() - t

    report = ReplayReport(
        block=n, block_hash=target.hash, block_time=target.timestamp, source=source, events=replay.events,
        events_by_name=dict(replay.events_by_name), records=records, running_hash=replay.chain.at(n),
        state_checksum=checksum, chain=CheckStatus("skipped"), index=CheckStatus("skipped"), notes=notes,
        seconds=seconds,
    )  # fmt: skip

    # The view checks go out from background threads while the index comparison runs here (SQLite works
    # without the interpreter lock): on two cores the node answers calls meanwhile.
    pending: PendingChecks | None = None
    chain_started = time.perf_counter()
    if rpc is not None and deployment is not None and build is not None and check_chain:
        say(f"checking every record against the contracts' views at block {n}")
        pending = chain_verifier(rpc, deployment, build, notes).start(replay, n)
    elif check_chain:
        report.chain = CheckStatus("skipped", 0, "no node")

    try:
        if live is not None and check_index:
            t = time.perf_counter()
            _compare_index(report, replay, live, n, source, checksums, say)
            seconds["index"] = time.perf_counter() - t
        elif check_index:
            report.index = CheckStatus("skipped", 0, "no live index")
    except BaseException:
        if pending is not None:
            pending.cancel()
        raise

    if pending is not None:
        report.chain, diffs = pending.result()
        report.differences.extend(diffs)
        seconds["chain"] = time.perf_counter() - chain_started  # overlaps "index"
    report.differences.sort(key=lambda d: (d.first_block is None, d.first_block or 0, d.source, d.record, d.key))
    return report


def _compare_index(
    report: ReplayReport, replay: Replay, live: Store, n: int, source: str, checksums: bool,
    say: Callable[[str], None],
) -> None:  # fmt: skip
    stored = live.checkpoint()
    if stored is None or stored[0] < n:
        reach = "is empty" if stored is None else f"reaches block {stored[0]} only"
        report.index = CheckStatus("not_verifiable", 0, f"the live index {reach}")
        return
    say(f"comparing with the live index as of block {n}")
    found = IndexComparison()
    if source == "chain":
        compare_events(replay.store, live, n, found, hash_live=True, replayed_chain=replay.chain)
        report.index_running_hash = found.chain.at(n)
    compare_states(replay.store, live, n, found)
    if checksums:
        report.index_state_checksum = live.state_checksum(n)
    report.differences.extend(found.differences)
    detail = f"{found.total} differences" + (" (first listed)" if found.total > len(found.differences) else "")
    report.index = CheckStatus(
        "differences" if found.total else "ok", found.records + found.events, detail if found.total else ""
    )
