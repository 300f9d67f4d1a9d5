"""Participants: list with filters, and one participant's full record."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Query, Request, Response

from api import mappers
from api import schemas as m
from api.deps import ReadConn, Stamp
from api.pagination import AccountCursorQ, LimitQ, fetch_page
from api.params import INT32_MAX, AddressPath, ParticipantStatusQ, RoleQ, enum_code
from api.responses import ERRORS, NOT_FOUND, block_ref, etag_response, json_response
from api.routes.mandates import held_share_releases
from api.views import named, visible
from ledger.contracts.credit_code import PATTERN as CREDIT_CODE_PATTERN
from ledger.contracts.credit_code import lookup_hash
from ledger.contracts.types import ParticipantStatus, Role
from ledger.store import schema as s
from ledger.store.projection import PAYMENT_FEE, PAYMENT_REVENUE_SHARE, PAYMENT_SELLER

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/participants", tags=["participants"])

RegionQ = Annotated[int | None, Query(ge=0, le=INT32_MAX, description="Region code.", examples=[450100])]
CreditCodeQ = Annotated[
    str | None,
    Query(
        pattern=CREDIT_CODE_PATTERN,
        description="The organisation with this unified social credit code (统一社会信用代码, 18 characters; the ledger"
        " keeps its hash): at most one participant. A code whose check character is wrong names none.",
        examples=["91450100MA5KA00032"],
    ),
]


@router.get(
    "",
    response_model=m.Page[m.ParticipantOut],
    summary="Participants, by account, filtered by role, region, status and credit code.",
    responses=ERRORS,
)
def list_participants(
    conn: ReadConn,
    stamp: Stamp,
    role: RoleQ = None,
    region: RegionQ = None,
    status: ParticipantStatusQ = None,
    credit_code: CreditCodeQ = None,
    cursor: AccountCursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.participants
    query = sa.select(t).where(visible(t, stamp))
    if credit_code is not None:
        query = query.where(t.c.credit_code_hash == lookup_hash(credit_code))
    role_code = enum_code(role, Role, "role", flags=True)
    if role_code is not None:
        query = query.where(t.c.roles.op("&")(role_code) != 0)
    if region is not None:
        query = query.where(t.c.region == region)
    status_code = enum_code(status, ParticipantStatus, "status")
    if status_code is not None:
        query = query.where(t.c.status == status_code)
    rows, next_cursor = fetch_page(conn, query, [t.c.account], [str], cursor, limit)
    return json_response(
        m.Page.model_construct(
            block=block_ref(stamp), data=[mappers.participant(r._mapping) for r in rows], next_cursor=next_cursor
        )
    )


@router.get(
    "/{account}",
    response_model=m.Envelope[m.ParticipantDetail],
    summary="One participant: roles, region, status, declarations, credit, assets held, revenue received, revenue"
    " shares held for it (and released by the authority).",
    responses=NOT_FOUND,
)
def get_participant(request: Request, conn: ReadConn, stamp: Stamp, account: AddressPath) -> Response:
    t, k = s.participants, s.participant_keys
    # Any key the participant signed with names it; its records are under its identity.
    row = conn.execute(sa.select(t).where(visible(t, stamp), named(t.c.account, account))).first()
    if row is None:
        raise HTTPException(
            404, f"no participant {account}" + ("" if stamp.at_block is None else f" at block {stamp.number}")
        )
    account = row.account
    keys = conn.execute(
        sa.select(k).where(visible(k, stamp), k.c.account == account).order_by(k.c.added_block, k.c.address)
    ).all()
    d, ce, cs, a = s.declarations, s.credit_events, s.credit_scores, s.assets
    declarations = conn.execute(sa.select(d).where(visible(d, stamp), d.c.account == account).order_by(d.c.seq)).all()
    credit_events = conn.execute(
        sa.select(ce).where(visible(ce, stamp), ce.c.participant == account).order_by(ce.c.seq)
    ).all()
    score = conn.execute(
        sa.select(cs.c.score).where(visible(cs, stamp), cs.c.participant == account)
    ).scalar_one_or_none()
    held_rights = {
        right: int(
            conn.execute(
                sa.select(sa.func.count()).select_from(a).where(visible(a, stamp), a.c[f"{right}_holder"] == account)
            ).scalar_one()
        )
        for right in ("holding", "processing", "operation")
    }
    r = s.revenue_totals  # per asset and right sold, kept by the indexer with the payments
    by_kind = {PAYMENT_SELLER: 0, PAYMENT_FEE: 0, PAYMENT_REVENUE_SHARE: 0}
    held_at_settlement = 0
    payments = 0
    paid = sa.select(r.c.seller, r.c.fee, r.c.revenue_share, r.c.held, r.c.payments).where(
        visible(r, stamp), r.c.payee == account
    )
    for seller, fee, share, held_share, count in conn.execute(paid):
        by_kind[PAYMENT_SELLER] += int(seller)
        by_kind[PAYMENT_FEE] += int(fee)
        by_kind[PAYMENT_REVENUE_SHARE] += int(share)
        held_at_settlement += int(held_share)
        payments += int(count)
    b, h = s.balances, s.held_shares
    balance = conn.execute(sa.select(b.c.balance).where(visible(b, stamp), b.c.account == account)).scalar_one_or_none()
    held = conn.execute(sa.select(h).where(visible(h, stamp), h.c.account == account)).first()
    bi = s.bank_issuance
    issued = conn.execute(sa.select(bi).where(visible(bi, stamp), bi.c.bank == account)).first()
    detail = m.ParticipantDetail.model_construct(
        **mappers.participant_fields(row._mapping),
        keys=[mappers.key(r._mapping) for r in keys],
        declaration_list=[mappers.declaration(r._mapping) for r in declarations],
        credit_score=int(score or 0),
        credit_events=[mappers.credit_event(r._mapping) for r in credit_events],
        assets_held=m.HeldCounts(**held_rights),
        revenue_received=m.RevenueTotals.model_construct(
            total=str(sum(by_kind.values())),
            seller=str(by_kind[PAYMENT_SELLER]),
            fee=str(by_kind[PAYMENT_FEE]),
            revenue_share=str(by_kind[PAYMENT_REVENUE_SHARE]),
            held=str(held_at_settlement),
            payments=payments,
        ),
        held_shares=mappers.held_shares(
            account, held._mapping if held else None, held_share_releases(conn, stamp, [account]).get(account, [])
        ),
        balance=str(int(balance or 0)),
        issuance=mappers.issuance(issued._mapping if issued else None),
    )
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=detail))
