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
from ledger.store.projection import PAYMENT_FEE, PAYMENT_REVENUE_SHARE, PAYMENT_SELLER

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/revenue", tags=["revenue"])


@router.get(
    "",
    response_model=m.Envelope[list[m.RevenueRow]],
    summary="Payments received (seller amounts, exchange fees, revenue shares; shares held for an inactive"
    " recipient apart) per participant and asset.",
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
    p, t = s.payments, s.trades
    query = (
        sa.select(p.c.payee, t.c.asset_id, p.c.kind, p.c.amount, p.c.held)
        .select_from(p.join(t, t.c.trade_key == p.c.trade_key))
        .where(visible(p, stamp))
    )
    if participant is not None:
        query = query.where(p.c.payee == participant)
    if asset_id is not None:
        query = query.where(t.c.asset_id == asset_id)
    sums: dict[tuple[str, int], dict[str, int]] = {}
    for payee, asset, kind, amount, held in conn.execute(query):
        acc = sums.setdefault(
            (payee, int(asset)), {PAYMENT_SELLER: 0, PAYMENT_FEE: 0, PAYMENT_REVENUE_SHARE: 0, "held": 0, "n": 0}
        )
        acc["held" if held else kind] = acc.get("held" if held else kind, 0) + int(amount)
        acc["n"] += 1
    rows = [
        m.RevenueRow.model_construct(
            participant=payee,
            asset_id=asset,
            amount=str(acc[PAYMENT_SELLER] + acc[PAYMENT_FEE] + acc[PAYMENT_REVENUE_SHARE]),
            seller=str(acc[PAYMENT_SELLER]),
            fee=str(acc[PAYMENT_FEE]),
            revenue_share=str(acc[PAYMENT_REVENUE_SHARE]),
            held=str(acc["held"]),
            payments=acc["n"],
        )
        for (payee, asset), acc in sorted(sums.items())
    ]
    return json_response(m.Envelope.model_construct(block=block_ref(stamp), data=rows))
