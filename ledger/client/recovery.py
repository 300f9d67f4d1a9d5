"""Re-sends journalled transactions that the node no longer knows (after it lost blocks).

The embedded node saves its state every ``state_interval`` seconds and on a clean stop. If it
is killed in between, the blocks since the last save are gone, and with them transactions the
client may already have reported as confirmed. :func:`recover` walks the journal in send order
and re-sends every signed transaction whose receipt is missing; since each is pinned to its
sender's nonce, a re-send can never apply twice. Where the journal notes a move of the development
chain's clock (:class:`~ledger.client.journal.ClockMark`), what was re-sent before it is mined
first, and the clock is moved again (``evm_increaseTime``) as far past the block of the transaction
before the note as it was then.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from ledger.chain.rpc import JsonRpcClient
from ledger.client.journal import ClockMark, Journal, JournalEntry
from ledger.errors import NonRetryableError, RpcRemoteError

__all__ = ["RecoveryReport", "compact", "recover"]

logger = logging.getLogger(__name__)


@dataclass
class RecoveryReport:
    checked: int = 0
    present: int = 0
    resent: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"journal: {self.checked} checked, {self.present} on chain, {len(self.resent)} re-sent, "
            f"{len(self.conflicts)} lost to a conflicting transaction"
        )


def _receipts(rpc: JsonRpcClient, hashes: Sequence[str], chunk: int = 500) -> list[dict[str, object] | None]:
    out: list[dict[str, object] | None] = []
    for i in range(0, len(hashes), chunk):
        out.extend(rpc.batch([("eth_getTransactionReceipt", [h]) for h in hashes[i : i + chunk]]))
    return out


def recover(rpc: JsonRpcClient, journal: Journal, *, wait: float = 60.0, chunk: int = 200) -> RecoveryReport:
    """Re-sends, in journal order, every journalled transaction without a receipt; waits for them."""
    steps = journal.steps()
    entries = [s for s in steps if isinstance(s, JournalEntry)]
    report = RecoveryReport(checked=len(entries))
    if not entries:
        return report
    receipts = _receipts(rpc, [e.tx_hash for e in entries])
    missing_hashes = {e.tx_hash for e, r in zip(entries, receipts, strict=True) if r is None}
    report.present = len(entries) - len(missing_hashes)
    # Runs of missing transactions between the clock's moves, each re-sent (and mined) before the next move; a move
    # counts from the block of the transaction just before it.
    runs: list[tuple[ClockMark | None, str | None, list[JournalEntry]]] = [(None, None, [])]
    last: str | None = None
    for step in steps:
        if isinstance(step, ClockMark):
            runs.append((step, last, []))
        else:
            last = step.tx_hash
            if step.tx_hash in missing_hashes:
                runs[-1][2].append(step)
    resent_before = 0
    for mark, before, missing in runs:
        if mark is not None and missing:
            _wait_for(rpc, report.resent[resent_before:], wait)
            resent_before = len(report.resent)
            _move_clock(rpc, _block_time(rpc, before) + mark.after)
        _resend(rpc, missing, chunk, report)
    if report.resent:
        logger.info("journal: re-sent %d transaction(s) missing from the node", len(report.resent))
        _wait_for(rpc, report.resent[resent_before:], wait)
    if report.conflicts:
        still = [h for h, r in zip(report.conflicts, _receipts(rpc, report.conflicts), strict=True) if r is None]
        report.conflicts = still
    return report


def _resend(rpc: JsonRpcClient, missing: Sequence[JournalEntry], chunk: int, report: RecoveryReport) -> None:
    for i in range(0, len(missing), chunk):
        part = missing[i : i + chunk]
        answers = rpc.batch([("eth_sendRawTransaction", [e.raw]) for e in part], return_exceptions=True)
        for e, answer in zip(part, answers, strict=True):
            if isinstance(answer, RpcRemoteError):
                message = str(answer).lower()
                if "already known" in message or "already imported" in message:
                    report.resent.append(e.tx_hash)
                    continue
                # "nonce too low": the slot is taken; if not by this very transaction, it is lost.
                report.conflicts.append(e.tx_hash)
                logger.error("journal: %s (from %s, nonce %d) not re-sent: %s", e.tx_hash, e.sender, e.nonce, answer)
            else:
                report.resent.append(e.tx_hash)


def _block_time(rpc: JsonRpcClient, tx_hash: str | None) -> int:
    """The time of the block holding ``tx_hash`` (the latest block's if none, or not mined)."""
    receipt = rpc.call("eth_getTransactionReceipt", [tx_hash]) if tx_hash else None
    tag = receipt["blockNumber"] if receipt else "latest"
    return int(rpc.call("eth_getBlockByNumber", [tag, False])["timestamp"], 16)


def _move_clock(rpc: JsonRpcClient, timestamp: int) -> None:
    """Moves the development chain's clock to ``timestamp`` if it is behind (a block at or after it)."""
    for _ in range(8):
        now = int(rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)
        if now >= timestamp:
            return
        rpc.call("evm_increaseTime", [timestamp - now])
        rpc.call("evm_mine", [])
    logger.warning("journal: could not move the clock to %d", timestamp)


def _wait_for(rpc: JsonRpcClient, hashes: Sequence[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pending = list(hashes)
    while pending:
        pending = [h for h, r in zip(pending, _receipts(rpc, pending), strict=True) if r is None]
        if pending and time.monotonic() > deadline:
            raise NonRetryableError(f"journal: {len(pending)} re-sent transaction(s) not mined after {timeout}s")
        if pending:
            time.sleep(0.1)


def compact(rpc: JsonRpcClient, journal: Journal, *, older_than: float) -> int:
    """Drops entries mined in blocks older than ``older_than`` seconds (the node has saved them since).

    Returns how many entries were dropped. Entries without a receipt are kept.
    """
    entries = journal.entries()
    if not entries:
        return 0
    receipts = _receipts(rpc, [e.tx_hash for e in entries])
    blocks = sorted({str(r["blockNumber"]) for r in receipts if r is not None})
    stamps: dict[str, int] = {}
    for i in range(0, len(blocks), 200):
        part = blocks[i : i + 200]
        for b, block in zip(part, rpc.batch([("eth_getBlockByNumber", [b, False]) for b in part]), strict=True):
            stamps[b] = int(block["timestamp"], 16) if block else 0
    cutoff = time.time() - older_than
    durable = [
        e.tx_hash
        for e, r in zip(entries, receipts, strict=True)
        if r is not None and stamps[str(r["blockNumber"])] <= cutoff
    ]
    # drop() re-reads the journal under its lock: entries appended since we read it are kept (and the clock
    # marks before a kept one).
    return journal.drop(durable)
