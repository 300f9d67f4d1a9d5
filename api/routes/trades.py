"""Trades: list with filters, one trade, count/volume aggregates, and the trades batches refused.

A trade is identified by its key (``TradeSettlement.tradeKey``: keccak256(exchange, trade id) on an exchange,
keccak256(0, seller, buyer, trade id) off it): ``/trades/{trade_key}``, or on an exchange by
``/trades/{exchange}/{trade_id}``. A trade id is unique only per exchange (off exchange, per seller and buyer);
``/trades/{trade_id}``, the URL of the trades before keys, still answers when one trade has that id."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from api import mappers
from api import schemas as m
from api.aggregates import DAY, AggregateAnswers, Totals, day_range
from api.deps import AtQ, BlockStamp, ReadConn, Stamp, read_fast, resolve_at
from api.pagination import BlockLogCursorQ, LimitQ, fetch_page
from api.params import AddressPath, AddressQ, AssetIdQ, TimeQ, parse_time
from api.responses import ERRORS, NOT_FOUND, block_ref, etag_response, json_response
from api.views import named, visible
from ledger.contracts.types import Category, Right
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
    right = "right"


class Consent(StrEnum):
    signed = "signed"
    mandate = "mandate"
    listing = "listing"
    off_exchange = "off_exchange"


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
    trade_id: Annotated[
        str | None, Query(pattern=_TRADE_ID, description="This trade id (on any exchange, or off exchange).")
    ] = None,
    mandate_id: Annotated[
        str | None, Query(pattern=_TRADE_ID, description="Settled under this mandate, or this listing (its key).")
    ] = None,
    consent: Annotated[
        Consent | None, Query(description="How the seller consented: signed, mandate, listing or off_exchange.")
    ] = None,
    time_from: Annotated[TimeQ, Query(alias="from", description=_FROM_DOC)] = None,
    time_to: Annotated[TimeQ, Query(alias="to", description=_TO_DOC)] = None,
    cursor: BlockLogCursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.trades
    query = sa.select(t).where(visible(t, stamp))
    if exchange is not None:
        query = query.where(named(t.c.exchange, exchange))
    if asset_id is not None:
        query = query.where(t.c.asset_id == asset_id)
    if party is not None:
        query = query.where(sa.or_(named(t.c.seller, party), named(t.c.buyer, party)))
    if on_exchange is not None:
        query = query.where(t.c.on_exchange == on_exchange)
    if trade_id is not None:
        query = query.where(t.c.trade_id == trade_id.lower())
    if mandate_id is not None:
        query = query.where(t.c.mandate_id == mandate_id.lower())
    if consent is Consent.mandate:
        query = query.where(t.c.mandate_id.is_not(None), t.c.listed.is_(False))
    elif consent is Consent.listing:
        query = query.where(t.c.listed.is_(True))
    elif consent is Consent.signed:
        query = query.where(t.c.on_exchange.is_(True), t.c.mandate_id.is_(None))
    elif consent is Consent.off_exchange:
        query = query.where(t.c.on_exchange.is_(False))
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
    if by is GroupBy.category or by is GroupBy.right:
        enum = Category if by is GroupBy.category else Right
        try:
            return (enum(int(value)).name or "").lower()  # type: ignore[call-overload]
        except ValueError:
            return "unknown"
    return str(value)


@router.get(
    "/aggregates",
    response_model=m.Envelope[list[m.AggregateRow]],
    summary="Trade count, volume, fees and revenue shares per day (UTC), asset category, exchange or right sold.",
    description=(
        "`from`/`to` select whole UTC days (the days containing them). Off-exchange trades group under the"
        " zero address. A trade counts under the category its asset had at the trade's block. Revenue shares"
        " held for a recipient that was not active count as `held_shares`, not `revenue_shares`. The totals"
        " are kept by the indexer in the store with the trades themselves, so `?at=` answers as of any block."
    ),
    responses=ERRORS,
)
async def trade_aggregates(
    request: Request,
    group_by: Annotated[
        GroupBy, Query(description="Grouping: day, category, exchange or right (the right sold).")
    ] = GroupBy.day,
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
                key=_key(group_by, k), count=n, volume=str(v), fees=str(f), revenue_shares=str(r), held_shares=str(h)
            )
            for k, n, v, f, r, h in rows
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
    "/refusals",
    response_model=m.Page[m.TradeRefusalOut],
    summary="Trades refused by batches settled trade by trade, oldest first, each with its error decoded.",
    responses=ERRORS,
)
def list_refusals(
    conn: ReadConn,
    stamp: Stamp,
    exchange: Annotated[AddressQ, Query(description="Refused to this exchange.")] = None,
    trade_id: Annotated[str | None, Query(pattern=_TRADE_ID, description="This trade id.")] = None,
    tx_hash: Annotated[str | None, Query(pattern=_TRADE_ID, description="Refused in this batch transaction.")] = None,
    cursor: BlockLogCursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    r = s.trade_refusals
    query = sa.select(r).where(visible(r, stamp))
    if exchange is not None:
        query = query.where(r.c.exchange == exchange)
    if trade_id is not None:
        query = query.where(r.c.trade_id == trade_id.lower())
    if tx_hash is not None:
        query = query.where(r.c.tx_hash == tx_hash.lower())
    rows, next_cursor = fetch_page(conn, query, [r.c.valid_from_block, r.c.log_index], [int, int], cursor, limit)
    return json_response(
        m.Page.model_construct(
            block=block_ref(stamp), data=[mappers.refusal(x._mapping) for x in rows], next_cursor=next_cursor
        )
    )


def _detail(request: Request, conn: sa.Connection, stamp: BlockStamp, row: Any) -> Response:
    p = s.payments
    payments = conn.execute(
        sa.select(p).where(visible(p, stamp), p.c.trade_key == row.trade_key).order_by(p.c.log_index)
    ).all()
    detail = m.TradeDetail.model_construct(
        **mappers.trade_fields(row._mapping), payments=_ordered([mappers.payment(x._mapping) for x in payments])
    )
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=detail))


def _ordered(payments: list[m.PaymentOut]) -> list[m.PaymentOut]:
    """The seller, the exchange's fee, then the revenue shares in their configured order (stable)."""
    rank = {"seller": 0, "fee": 1, "revenue_share": 2}
    return sorted(payments, key=lambda x: rank.get(x.kind, 3))


@router.get(
    "/{trade}",
    response_model=m.Envelope[m.TradeDetail],
    summary="One settled trade, by its key (or, for older links, by a trade id that only one trade has).",
    description=(
        "`trade`: the trade key (`trade_key` of the trade lists; unique). A trade id is accepted as well while a"
        " single trade has it; when trades of several exchanges (or parties) share it, the answer is a 409 listing"
        " their keys. The answer includes the payments the price was split into (revenue shares held for an"
        " inactive recipient marked `held`)."
    ),
    responses={**NOT_FOUND, 409: {"model": m.ErrorBody, "description": "Several trades have this trade id."}},
)
def get_trade(
    request: Request,
    conn: ReadConn,
    stamp: Stamp,
    trade: Annotated[str, Path(pattern=_TRADE_ID, description="Trade key, or a trade id (0x + 64 hex digits).")],
) -> Response:
    t = s.trades
    ref = trade.lower()
    row = conn.execute(sa.select(t).where(visible(t, stamp), t.c.trade_key == ref)).first()
    if row is None:
        rows = conn.execute(sa.select(t).where(visible(t, stamp), t.c.trade_id == ref).limit(10)).all()
        if len(rows) > 1:
            keys = ", ".join(f"/api/v1/trades/{r.trade_key}" for r in rows)
            raise HTTPException(409, f"several trades have trade id {ref}: {keys}")
        row = rows[0] if rows else None
    if row is None:
        raise HTTPException(404, f"no trade {ref}")
    return _detail(request, conn, stamp, row)


@router.get(
    "/{exchange}/{trade_id}",
    response_model=m.Envelope[m.TradeDetail],
    summary="One trade settled on an exchange, by the exchange and its trade id.",
    responses=NOT_FOUND,
)
def get_exchange_trade(
    request: Request,
    conn: ReadConn,
    stamp: Stamp,
    exchange: AddressPath,
    trade_id: Annotated[str, Path(pattern=_TRADE_ID, description="The exchange's trade id (0x + 64 hex digits).")],
) -> Response:
    t = s.trades
    row = conn.execute(
        sa.select(t).where(visible(t, stamp), named(t.c.exchange, exchange), t.c.on_exchange.is_(True),
                           t.c.trade_id == trade_id.lower())
    ).first()  # fmt: skip
    if row is None:
        raise HTTPException(404, f"no trade {trade_id.lower()} of exchange {exchange}")
    return _detail(request, conn, stamp, row)
