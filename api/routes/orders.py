"""Rectification orders."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Path, Request, Response

from api import mappers
from api import schemas as m
from api.deps import ReadConn, Stamp
from api.pagination import CursorQ, LimitQ, fetch_page
from api.params import BIGINT_MAX, AddressQ, AssetIdQ, OrderStatusQ, enum_code
from api.responses import ERRORS, NOT_FOUND, block_ref, etag_response, json_response
from api.views import named, visible
from ledger.contracts.types import OrderStatus
from ledger.store import schema as s

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/orders", tags=["orders"])


@router.get(
    "",
    response_model=m.Page[m.OrderOut],
    summary="Rectification orders by id, filtered by participant, asset and status.",
    responses=ERRORS,
)
def list_orders(
    conn: ReadConn,
    stamp: Stamp,
    participant: AddressQ = None,
    asset_id: AssetIdQ = None,
    status: OrderStatusQ = None,
    cursor: CursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.rectification_orders
    query = sa.select(t).where(visible(t, stamp))
    if participant is not None:
        query = query.where(named(t.c.participant, participant))
    if asset_id is not None:
        query = query.where(t.c.asset_id == asset_id)
    code = enum_code(status, OrderStatus, "status")
    if code is not None:
        query = query.where(t.c.status == code)
    rows, next_cursor = fetch_page(conn, query, [t.c.order_id], [int], cursor, limit)
    return json_response(
        m.Page.model_construct(
            block=block_ref(stamp), data=[mappers.order(r._mapping) for r in rows], next_cursor=next_cursor
        )
    )


@router.get(
    "/{order_id}", response_model=m.Envelope[m.OrderOut], summary="One rectification order.", responses=NOT_FOUND
)
def get_order(
    request: Request,
    conn: ReadConn,
    stamp: Stamp,
    order_id: Annotated[int, Path(ge=0, le=BIGINT_MAX, description="Order id.", examples=[1])],
) -> Response:
    t = s.rectification_orders
    row = conn.execute(sa.select(t).where(visible(t, stamp), t.c.order_id == order_id)).first()
    if row is None:
        raise HTTPException(404, f"no rectification order {order_id}")
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=mappers.order(row._mapping)))
