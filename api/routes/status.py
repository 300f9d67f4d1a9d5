"""The store's status: chain, indexed block, indexer lag, record counts, trade volume and the paused contracts."""

from __future__ import annotations

import threading

import anyio
import sqlalchemy as sa
from fastapi import APIRouter, Request, Response

from api import schemas as m
from api.aggregates import AggregateAnswers
from api.deps import AtQ, BlockStamp, read_limiter, read_snapshot, resolve_at
from api.metrics import read_lag
from api.responses import ERRORS, block_ref, json_response
from api.routes.governance import paused_contracts
from api.views import visible
from ledger.store import Store
from ledger.store import schema as s

__all__ = ["StatusCache", "router"]

router = APIRouter(prefix="/api/v1/status", tags=["status"])

_COUNTED = {
    "participants": s.participants,
    "assets": s.assets,
    "licences": s.licences,
    "trades": s.trades,
    "objections": s.objections,
    "freezes": s.freezes,
    "orders": s.rectification_orders,
    "mandates": s.mandates,
    "trade_refusals": s.trade_refusals,
}


class StatusCache:
    """Record counts per checkpoint (they only change when the checkpoint moves)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple[int, str] | None = None
        self.counts: m.Counts | None = None


@router.get(
    "",
    response_model=m.Envelope[m.Status],
    summary="Chain, indexed block, lag, counts, volume, paused contracts.",
    responses=ERRORS,
)
async def status(request: Request, at: AtQ = None) -> Response:
    store: Store = request.app.state.reader
    answers: AggregateAnswers = request.app.state.aggregate_answers
    return await anyio.to_thread.run_sync(lambda: _status(request, store, answers, at), limiter=read_limiter(request))


def _counts(conn: sa.Connection, stamp: BlockStamp) -> m.Counts:
    return m.Counts(**{
        name: int(conn.execute(sa.select(sa.func.count()).select_from(t).where(visible(t, stamp))).scalar_one())
        for name, t in _COUNTED.items()
    })  # fmt: skip


def _status(request: Request, store: Store, answers: AggregateAnswers, at: str | None) -> Response:
    cache: StatusCache = request.app.state.status_cache
    with read_snapshot(store) as conn:
        stamp = resolve_at(conn, at)
        indexed = stamp if stamp.at_block is None else resolve_at(conn, None)
        if stamp.at_block is None:  # the current counts are kept until the checkpoint moves; earlier ones are not
            with cache.lock:
                if cache.key != (stamp.number, stamp.hash) or cache.counts is None:
                    cache.counts = _counts(conn, stamp)
                    cache.key = (stamp.number, stamp.hash)
                counts_model = cache.counts
        else:
            counts_model = _counts(conn, stamp)
        volume = sum(row[2] for row in answers.get(conn, stamp, "category", None, None))
        paused = paused_contracts(conn, stamp)
        head = conn.execute(sa.select(s.indexer_head.c.chain_id, s.indexer_head.c.block_number).limit(1)).first()
    lag = read_lag(store)
    return json_response(
        m.Envelope.model_construct(
            block=block_ref(stamp),
            data=m.Status.model_construct(
                chain_id=request.app.state.settings.chain_id if head is None else int(head[0]),
                indexed_block=indexed.number,
                chain_head=None if head is None else max(indexed.number, int(head[1])),
                lag_blocks=0 if lag is None else lag.blocks,
                lag_seconds=0.0 if lag is None else round(lag.seconds, 3),
                counts=counts_model,
                trade_volume=str(volume),
                paused_contracts=paused,
            ),
        )
    )
