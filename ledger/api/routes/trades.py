"""Trades: list with filters, one trade, and count/volume aggregates."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from ledger.api import mappers
from ledger.api import schemas as m
from ledger.api.aggregates import DAY, AggregateAnswers, Totals, day_range
from ledger.api.deps import AtQ, BlockStamp, ReadConn, Stamp, read_fast, resolve_at
from ledger.api.pagination import BlockLogCursorQ, LimitQ, fetch_page
from ledger.api.params import AddressQ, AssetIdQ, TimeQ, parse_time
from ledger.api.responses import ERRORS, NOT_FOUND, block_ref, etag_response, json_response
from ledger.api.views import visible
from ledger.contracts.types import Category
from ledger.store import schema as s

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/trades", tags=["trades"])

_TRADE_ID = r"^0x[0-9a-fA-F]{64}$"
_FROM_DOC = "Settled at or after this time."
_TO_DOC = "Settled at or before this time."


class GroupBy(StrEnum):
    day = "day"
    category = "category"
    exchange = "exchange"


@router.get(
    "",
    response_model=m.Page[m.TradeOut],
    summary="Settled trades, oldest first, filtered by exchange, asset, party, on/off exchange and period.",
    responses=ERRORS,
)
def list_trades(
    conn: ReadConn,
    stamp: Stamp,
    exchange: Annotated[AddressQ, Query(description="Matched by this exchange.")] = None,
    asset_id: AssetIdQ = None,
    party: Annotated[AddressQ, Query(description="Seller or buyer.")] = None,
    on_exchange: Annotated[bool | None, Query(description="Only on-exchange (true) or off-exchange (false).")] = None,
    time_from: Annotated[TimeQ, Query(alias="from", description=_FROM_DOC)] = None,
    time_to: Annotated[TimeQ, Query(alias="to", description=_TO_DOC)] = None,
    cursor: BlockLogCursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.trades
    query = sa.select(t).where(visible(t, stamp))
    if exchange is not None:
        query = query.where(t.c.exchange == exchange)
    if asset_id is not None:
        query = query.where(t.c.asset_id == asset_id)
    if party is not None:
        query = query.where(sa.or_(t.c.seller == party, t.c.buyer == party))
    if on_exchange is not None:
        query = query.where(t.c.on_exchange == on_exchange)
    since, until = parse_time(time_from, "from"), parse_time(time_to, "to")
    if since is not None:
        query = query.where(t.c.timestamp >= since)
    if until is not None:
        query = query.where(t.c.timestamp <= until)
    rows, next_cursor = fetch_page(conn, query, [t.c.valid_from_block, t.c.log_index], [int, int], cursor, limit)
    return json_response(
        m.Page.model_construct(
            block=block_ref(stamp), data=[mappers.trade(r._mapping) for r in rows], next_cursor=next_cursor
        )
    )


def _key(by: GroupBy, value: object) -> str:
    if by is GroupBy.day:
        return datetime.fromtimestamp(int(value) * DAY, UTC).strftime("%Y-%m-%d")  # type: ignore[call-overload]
    if by is GroupBy.category:
        try:
            return Category(int(value)).name.lower()  # type: ignore[call-overload]
        except ValueError:
            return "unknown"
    return str(value)


@router.get(
    "/aggregates",
    response_model=m.Envelope[list[m.AggregateRow]],
    summary="Trade count, volume, fees and revenue shares per day (UTC), asset category or exchange.",
    description=(
        "`from`/`to` select whole UTC days (the days containing them). Off-exchange trades group under the"
        " zero address. A trade counts under the category its asset had at the trade's block. The totals are"
        " kept by the indexer in the store with the trades themselves, so `?at=` answers as of any block."
    ),
    responses=ERRORS,
)
async def trade_aggregates(
    request: Request,
    group_by: Annotated[GroupBy, Query(description="Grouping: day, category or exchange.")] = GroupBy.day,
    time_from: Annotated[TimeQ, Query(alias="from", description=_FROM_DOC)] = None,
    time_to: Annotated[TimeQ, Query(alias="to", description=_TO_DOC)] = None,
    at: AtQ = None,
) -> Response:
    first, last = day_range(parse_time(time_from, "from"), parse_time(time_to, "to"))
    answers: AggregateAnswers = request.app.state.aggregate_answers
    by = group_by.value

    def respond(stamp: BlockStamp, rows: list[Totals]) -> Response:
        data = [
            m.AggregateRow.model_construct(
                key=_key(group_by, k), count=n, volume=str(v), fees=str(f), revenue_shares=str(r)
            )
            for k, n, v, f, r in rows
        ]
        return json_response(m.Envelope.model_construct(block=block_ref(stamp), data=data))

    def fast(conn: sa.Connection) -> Response | None:
        # The usual case: one statement for the stamp, and the answer at that block already read; else
        # one more, the totals with their stamp.
        stamp = resolve_at(conn, None)
        rows = answers.remembered(stamp, by, first, last)
        if rows is not None:
            return respond(stamp, rows)
        read = answers.current(conn, by, first, last)
        return None if read is None else respond(*read)

    def answer(conn: sa.Connection, stamp: BlockStamp) -> Response:
        return respond(stamp, answers.get(conn, stamp, by, first, last))

    return await read_fast(request, at, fast, answer)


@router.get(
    "/{trade_id}",
    response_model=m.Envelope[m.TradeOut],
    summary="One settled trade.",
    responses=NOT_FOUND,
)
def get_trade(
    request: Request,
    conn: ReadConn,
    stamp: Stamp,
    trade_id: Annotated[str, Path(pattern=_TRADE_ID, description="Trade id (0x + 64 hex digits).")],
) -> Response:
    t = s.trades
    row = conn.execute(sa.select(t).where(visible(t, stamp), t.c.trade_id == trade_id.lower())).first()
    if row is None:
        raise HTTPException(404, f"no trade {trade_id.lower()}")
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=mappers.trade(row._mapping)))
