"""Revenue received from settlements, per participant and asset."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Query, Response

from ledger.api import schemas as m
from ledger.api.deps import ReadConn, Stamp
from ledger.api.params import AddressQ, AssetIdQ
from ledger.api.responses import ERRORS, block_ref, json_response
from ledger.api.views import visible
from ledger.store import schema as s

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/revenue", tags=["revenue"])


@router.get(
    "",
    response_model=m.Envelope[list[m.RevenueRow]],
    summary="Payments received (seller amounts, exchange fees, revenue shares) per participant and asset.",
    description="Give `participant`, `asset_id` or both. Rows are sorted by participant, then asset.",
    responses=ERRORS,
)
def revenue(
    conn: ReadConn,
    stamp: Stamp,
    participant: Annotated[AddressQ, Query(description="The payee.")] = None,
    asset_id: AssetIdQ = None,
) -> Response:
    if participant is None and asset_id is None:
        raise HTTPException(
            422,
            [{"loc": ["query", "participant"], "msg": "give participant, asset_id or both", "type": "missing"}],
        )
    r = s.revenue_totals  # kept by the indexer with the payments: one row per payee and asset
    query = sa.select(r).where(visible(r, stamp)).order_by(r.c.payee, r.c.asset_id)
    if participant is not None:
        query = query.where(r.c.payee == participant)
    if asset_id is not None:
        query = query.where(r.c.asset_id == asset_id)
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
        for row in conn.execute(query)
    ]
    return json_response(m.Envelope.model_construct(block=block_ref(stamp), data=rows))
