"""Consent and its consequences beyond single trades: standing mandates (挂牌委托) sellers gave exchanges,
authorised operations of public data (公共数据授权运营) the authority approved, and revenue shares held for
recipients while they were not active (收益暂存)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Final

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from api import mappers
from api import schemas as m
from api.deps import BlockStamp, ReadConn, Stamp
from api.pagination import HASH, AccountCursorQ, BlockHashCursorQ, LimitQ, OperationCursorQ, fetch_page
from api.params import AddressQ, AssetIdQ
from api.responses import ERRORS, NOT_FOUND, block_ref, etag_response, json_response
from api.views import named, visible
from ledger.store import schema as s

__all__ = ["held_share_releases", "router", "trades_under"]

router = APIRouter(prefix="/api/v1", tags=["mandates, authorised operations, held shares"])

_HASH: Final = r"^0x[0-9a-fA-F]{64}$"
DETAIL_TRADES: Final = 100


class MandateStatus(StrEnum):
    in_force = "in_force"
    revoked = "revoked"
    expired = "expired"


class OperationStatus(StrEnum):
    authorised = "authorised"
    used = "used"
    withdrawn = "withdrawn"


@router.get(
    "/mandates",
    response_model=m.Page[m.MandateOut],
    summary="Standing mandates of sellers to exchanges, oldest first, by seller, exchange, asset and status.",
    responses=ERRORS,
)
def list_mandates(
    conn: ReadConn,
    stamp: Stamp,
    seller: Annotated[AddressQ, Query(description="Granted by this seller.")] = None,
    exchange: Annotated[AddressQ, Query(description="Granted to this exchange.")] = None,
    asset_id: AssetIdQ = None,
    status: Annotated[
        MandateStatus | None,
        Query(description="in_force, revoked, or expired (past its expiry at the answer's block time)."),
    ] = None,
    cursor: BlockHashCursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.mandates
    query = sa.select(t).where(visible(t, stamp))
    for column, value in (("seller", seller), ("exchange", exchange), ("asset_id", asset_id)):
        if value is not None:
            query = query.where(t.c[column] == value)
    if status is MandateStatus.revoked:
        query = query.where(t.c.status == 2)
    elif status is MandateStatus.in_force:
        query = query.where(t.c.status == 1, t.c.expiry >= stamp.time)
    elif status is MandateStatus.expired:
        query = query.where(t.c.status == 1, t.c.expiry < stamp.time)
    rows, next_cursor = fetch_page(conn, query, [t.c.granted_block, t.c.mandate_id], [int, HASH], cursor, limit)
    data = [mappers.mandate(r._mapping, stamp.time) for r in rows]
    return json_response(m.Page.model_construct(block=block_ref(stamp), data=data, next_cursor=next_cursor))


@router.get(
    "/mandates/{mandate_id}",
    response_model=m.Envelope[m.MandateDetail],
    summary="One mandate: its terms, status and the trades settled under it.",
    responses=NOT_FOUND,
)
def get_mandate(
    request: Request,
    conn: ReadConn,
    stamp: Stamp,
    mandate_id: Annotated[str, Path(pattern=_HASH, description="Mandate id (0x + 64 hex digits).")],
) -> Response:
    t = s.mandates
    row = conn.execute(sa.select(t).where(visible(t, stamp), t.c.mandate_id == mandate_id.lower())).first()
    if row is None:
        raise HTTPException(404, f"no mandate {mandate_id.lower()}")
    trades, count = trades_under(conn, stamp, row.mandate_id)
    detail = m.MandateDetail.model_construct(
        **mappers.mandate_fields(row._mapping, stamp.time), trades=trades, trade_count=count
    )
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=detail))


@router.get(
    "/public-operations",
    response_model=m.Page[m.PublicOperationOut],
    summary="The authority's approvals of authorised operation of public data, by asset, operator and status.",
    responses=ERRORS,
)
def list_public_operations(
    conn: ReadConn,
    stamp: Stamp,
    asset_id: AssetIdQ = None,
    operator: Annotated[AddressQ, Query(description="Approved for this operator.")] = None,
    status: Annotated[OperationStatus | None, Query(description="authorised (unused), used or withdrawn.")] = None,
    cursor: OperationCursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.public_operations
    query = sa.select(t).where(visible(t, stamp))
    if asset_id is not None:
        query = query.where(t.c.asset_id == asset_id)
    if operator is not None:
        query = query.where(named(t.c.operator, operator))
    if status is not None:
        query = query.where(t.c.status == list(OperationStatus).index(status) + 1)
    key = [t.c.asset_id, t.c.operator, t.c.right, t.c.purpose]
    rows, next_cursor = fetch_page(conn, query, key, [int, str, int, int], cursor, limit)
    data = [mappers.public_operation(r._mapping) for r in rows]
    return json_response(m.Page.model_construct(block=block_ref(stamp), data=data, next_cursor=next_cursor))


@router.get(
    "/held-shares",
    response_model=m.Page[m.HeldSharesOut],
    summary="Revenue shares held for recipients while they were not active, by account, with the authority's"
    " releases of a revoked recipient's.",
    responses=ERRORS,
)
def list_held_shares(
    conn: ReadConn,
    stamp: Stamp,
    account: Annotated[AddressQ, Query(description="This recipient.")] = None,
    outstanding: Annotated[
        bool | None, Query(description="Only recipients with shares held now (true), or none held (false).")
    ] = None,
    cursor: AccountCursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.held_shares
    query = sa.select(t).where(visible(t, stamp))
    if account is not None:
        query = query.where(named(t.c.account, account))
    if outstanding is not None:
        query = query.where(t.c.amount > 0 if outstanding else t.c.amount == 0)
    rows, next_cursor = fetch_page(conn, query, [t.c.account], [str], cursor, limit)
    releases = held_share_releases(conn, stamp, [r.account for r in rows])
    data = [mappers.held_shares(r.account, r._mapping, releases.get(r.account, [])) for r in rows]
    return json_response(m.Page.model_construct(block=block_ref(stamp), data=data, next_cursor=next_cursor))


def trades_under(conn: sa.Connection, stamp: BlockStamp, consent_id: str) -> tuple[list[m.TradeOut], int]:
    """The trades settled under a mandate or a listing (``trades.mandate_id``, the consent they cite): the newest
    DETAIL_TRADES of them, and how many there are."""
    tr = s.trades
    under = sa.and_(visible(tr, stamp), tr.c.mandate_id == consent_id)
    rows = conn.execute(
        sa.select(tr).where(under).order_by(tr.c.valid_from_block.desc(), tr.c.log_index.desc()).limit(DETAIL_TRADES)
    ).all()
    count = len(rows)
    if count == DETAIL_TRADES:
        count = int(conn.execute(sa.select(sa.func.count()).select_from(tr).where(under)).scalar_one())
    return [mappers.trade(r._mapping) for r in rows], count


def held_share_releases(
    conn: sa.Connection, stamp: BlockStamp, accounts: Sequence[str]
) -> dict[str, list[sa.RowMapping]]:
    """The authority's releases of the held shares of ``accounts`` by recipient, oldest first (one query)."""
    if not accounts:
        return {}
    t = s.held_share_releases
    query = (
        sa.select(t)
        .where(visible(t, stamp), t.c.recipient.in_(sorted(set(accounts))))
        .order_by(t.c.valid_from_block, t.c.log_index)
    )
    out: dict[str, list[sa.RowMapping]] = {}
    for r in conn.execute(query):
        out.setdefault(r.recipient, []).append(r._mapping)
    return out
