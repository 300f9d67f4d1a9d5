"""Revenue received from settlements, per participant and asset (optionally of one right sold)."""

from __future__ import annotations

from typing import Annotated, Final

import sqlalchemy as sa
from fastapi import APIRouter, Query, Response

from api import schemas as m
from api.deps import ReadConn, Stamp
from api.pagination import AccountIdCursorQ, LimitQ, encode_cursor, page_query
from api.params import AddressQ, AssetIdQ, RightQ, enum_code
from api.responses import ERRORS, block_ref, json_response
from api.views import named, visible
from ledger.contracts.types import Right
from ledger.store import schema as s

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/revenue", tags=["revenue"])

_VALUES: Final = ("seller", "fee", "revenue_share", "held", "payments")


@router.get(
    "",
    response_model=m.Page[m.RevenueRow],
    summary="Payments received (seller amounts, exchange fees, revenue shares; shares held for an inactive"
    " recipient apart) per participant and asset.",
    description=(
        "Filter by `participant`, `asset_id` or both; without either, every payee's totals. `right` counts only"
        " the sales of that right (revenue shares are set per right); without it, every right's. Rows are"
        " sorted by participant, then asset, and paginated."
    ),
    responses=ERRORS,
)
def revenue(
    conn: ReadConn,
    stamp: Stamp,
    participant: Annotated[AddressQ, Query(description="The payee.")] = None,
    asset_id: AssetIdQ = None,
    right: RightQ = None,
    cursor: AccountIdCursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    r = s.revenue_totals  # kept by the indexer with the payments: one row per payee, asset and right sold
    query = sa.select(r.c.payee, r.c.asset_id, *(r.c[c] for c in _VALUES)).where(visible(r, stamp))
    if participant is not None:
        query = query.where(named(r.c.payee, participant))
    if asset_id is not None:
        query = query.where(r.c.asset_id == asset_id)
    right_code = enum_code(right, Right, "right")
    if right_code is not None:
        query = query.where(r.c.right == right_code)
    # A (payee, asset) row sums at most one stored row per right: (limit + 1) rows of it fit in this many,
    # and every one but possibly the last fetched is complete.
    fetch = (limit + 1) * len(Right)
    key = [r.c.payee, r.c.asset_id]
    sums: dict[tuple[str, int], list[int]] = {}
    for payee, asset, *values in conn.execute(page_query(query, key, [str, int], cursor, fetch - 1)):
        acc = sums.setdefault((payee, int(asset)), [0] * len(_VALUES))
        for i, v in enumerate(values):
            acc[i] += int(v)
    pairs = list(sums.items())  # in key order, as fetched
    page = pairs[:limit]
    next_cursor = encode_cursor(page[-1][0]) if len(pairs) > limit else None
    rows = [_row(payee, asset, acc) for (payee, asset), acc in page]
    return json_response(m.Page.model_construct(block=block_ref(stamp), data=rows, next_cursor=next_cursor))


def _row(payee: str, asset: int, acc: list[int]) -> m.RevenueRow:
    seller, fee, share, held, payments = acc
    return m.RevenueRow.model_construct(
        participant=payee,
        asset_id=asset,
        amount=str(seller + fee + share),
        seller=str(seller),
        fee=str(fee),
        revenue_share=str(share),
        held=str(held),
        payments=payments,
    )
