"""Replay: the event history projected into a fresh store with the store's own projection, a running
hash per block, and what the view checks need that the state tables do not keep.

The fresh store is an ordinary :class:`~ledger.store.Store` (a SQLite file in a temporary directory
unless told otherwise), so the replayed state answers the same point-in-time queries as the live index.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Final

import sqlalchemy as sa

from ledger._gc import gc_paused
from ledger.audit._canonical import HashChain
from ledger.audit.sources import Batch
from ledger.decode import BlockHeader, LedgerEvent
from ledger.store import StateView, Store
from ledger.store.schema import STATE_TABLES

__all__ = ["Replay", "Tracker", "count_records", "replay_into"]

logger = logging.getLogger(__name__)

ZERO_ADDRESS: Final = "0x0000000000000000000000000000000000000000"

# Address-valued arguments, by event: the accounts whose balances, held shares and participant records the
# chain check reads (an account never admitted must have none).
_ACCOUNT_ARGS: Final[dict[str, tuple[str, ...]]] = {
    "ParticipantAdmitted": ("account", "by"),
    "ParticipantKeyChanged": ("identity", "oldKey", "newKey"),
    "Transfer": ("from", "to"),
    "Issued": ("bank", "to"),
    "Redeemed": ("bank",),
    "IssuanceLimitSet": ("bank", "by"),
    "Approval": ("owner", "spender"),
    "TradeSettled": ("exchange", "seller", "buyer"),
    "HeldSharesClaimed": ("recipient",),
    "HeldSharesReleased": ("recipient", "to"),
    "RightTransferred": ("from", "to"),
    "LicenseGranted": ("licensee", "licensor"),
    "LicenseTransferred": ("from", "to"),
    "NonceUsed": ("account",),
    "MandateGranted": ("seller", "exchange"),
    "ObjectionLodged": ("objector",),
    "PublicOperationAuthorised": ("operator",),
    "RevenueSharesSet": ("by",),
    "ContractsPaused": ("by",),
    "ContractsUnpaused": ("by",),
}


@dataclass
class Tracker:
    """What the replay sees in the events beyond the state tables: every account the events name where tokens,
    rights or shares may move (for the checks that an account holds nothing it should not)."""

    accounts: set[str] = field(default_factory=set)

    def add(self, events: Iterable[LedgerEvent]) -> None:
        accounts = self.accounts
        for ev in events:
            names = _ACCOUNT_ARGS.get(ev.name)
            if names is None:
                continue
            a = ev.args
            for n in names:
                value = a[n]
                if value != ZERO_ADDRESS:
                    accounts.add(value)
            if ev.name == "TradeSettled":
                accounts.update(share["recipient"] for share in a["shares"])
            elif ev.name == "RevenueSharesSet":
                accounts.update(a["recipients"])


@dataclass
class Replay:
    """A finished replay: the fresh store (as of ``target``), the running hashes, what was seen."""

    store: Store
    target: BlockHeader
    chain: HashChain
    tracker: Tracker
    events_by_name: Counter[str]
    seconds: float

    @property
    def events(self) -> int:
        return self.chain.events

    @property
    def state(self) -> StateView:
        return self.store.as_of(self.target.number)


def replay_into(
    store: Store,
    batches: Iterable[Batch],
    target: BlockHeader,
    *,
    on_batch: Callable[[int, int], None] | None = None,
) -> Replay:
    """Applies ``batches`` (whole blocks, log order, up to ``target``) to an empty ``store``, one
    transaction a batch, then moves its checkpoint to ``target``. ``on_batch(block, events)`` reports progress."""
    started = time.perf_counter()
    chain = HashChain()
    tracker = Tracker()
    names: Counter[str] = Counter()
    checkpoint: int | None = None
    with gc_paused():  # millions of objects made, all kept or freed by reference counting
        for batch in batches:
            events = [e for e in batch.events if e.block_number <= target.number]
            headers = [h for h in batch.headers if h.number <= target.number]
            if not headers:
                continue
            if batch.segment is not None and len(events) == len(batch.events):
                chain.adopt(batch.segment)  # hashed where the batch was read
            else:
                chain.extend(events)
            tracker.add(events)
            names.update(e.name for e in events)
            store.apply(headers, events, headers[-1])
            checkpoint = headers[-1].number
            if on_batch is not None:
                on_batch(checkpoint, chain.events)
        if checkpoint != target.number:
            store.apply([], [], target)
    elapsed = time.perf_counter() - started
    logger.info(
        "replayed %d events up to block %d in %.2fs", chain.events, target.number, elapsed,
        extra={"block": target.number, "events": chain.events, "duration_s": round(elapsed, 3)},
    )  # fmt: skip
    return Replay(store, target, chain, tracker, names, elapsed)


def count_records(store: Store, at_block: int) -> dict[str, int]:
    """Rows of every state table visible at ``at_block``, by table."""
    out: dict[str, int] = {}
    with store.engine.connect() as conn:
        for name in sorted(STATE_TABLES):
            t = STATE_TABLES[name].table
            query = sa.select(sa.func.count()).select_from(t).where(StateView.visible(t, at_block))
            out[name] = int(conn.execute(query).scalar_one())
    return out
