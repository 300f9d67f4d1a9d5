"""Revenue received from settlements, per participant and asset."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query, Response

from ledger.api import schemas as m
from ledger.api.deps import ReadConn, Stamp
from ledger.api.pagination import AccountIdCursorQ, LimitQ, fetch_page
from ledger.api.params import AddressQ, AssetIdQ
from ledger.api.responses import ERRORS, block_ref, json_response
from ledger.api.views import visible
from ledger.store import schema as s

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/revenue", tags=["revenue"])



@router.get(
    "",
    response_model=m.Page[m.RevenueRow],
    summary="Payments received (seller amounts, exchange fees, revenue shares) per participant and asset.",
    description=(
        "Filter by `participant`, `asset_id` or both; without either, every payee's totals. Rows are sorted by"
        " participant, then asset, and paginated."
    ),
    responses=ERRORS,
)
def revenue(
    conn: ReadConn,
    stamp: Stamp,
    participant: Annotated[AddressQ, Query(description="The payee.")] = None,
    asset_id: AssetIdQ = None,
    cursor: AccountIdCursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    r = s.revenue_totals  # kept by the indexer with the payments: one row per payee and asset
    query = sa.select(r).where(visible(r, stamp))
    if participant is not None:
        query = query.where(r.c.payee == participant)
    if asset_id is not None:
        query = query.where(r.c.asset_id == asset_id)
    page, next_cursor = fetch_page(conn, query, [r.c.payee, r.c.asset_id], [str, int], cursor, limit)
    rows = [
        m.RevenueRow.model_construct(
            participant=row.payee,
            asset_id=int(row.asset_id),
            amount=str(int(row.seller) + int(row.fee) + int(row.revenue_share)),
            seller=str(int(row.seller)),
            fee=str(int(row.fee)),
            revenue_share=str(int(row.revenue_share)),
            payments=int(row.payments),
        )
        for row in page
    ]
    return json_response(m.Page.model_construct(block=block_ref(stamp), data=rows, next_cursor=next_cursor))
