"""Valuation and accounting recognition (art. 19): accredited appraisers, valuation reports, each asset's latest
valid report, its recognition in its holder's accounts with the history of its measurements, and the carrying
amounts each holder recognised as of a date (``?at=``)."""

from __future__ import annotations

from typing import Annotated, Literal

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from api import mappers
from api import schemas as m
from api.deps import ReadConn, Stamp
from api.pagination import AccountCursorQ, CursorQ, LimitQ, fetch_page
from api.params import (
    BIGINT_MAX,
    AccountingCategoryQ,
    AddressPath,
    AddressQ,
    AssetIdPath,
    AssetIdQ,
    ValuationStatusQ,
    enum_code,
)
from api.responses import ERRORS, NOT_FOUND, block_ref, etag_response, json_response
from api.views import named, visible
from ledger.contracts.types import AccountingCategory, ValuationStatus
from ledger.store import schema as s

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["valuation"])

_RECOGNISED, _DERECOGNISED = 1, 2

def _usable(t: sa.Table, stamp: Stamp) -> sa.ColumnElement[bool]:
    """Reports that can support a recognition at the stamp's block: filed, and still valid then."""
    return sa.and_(t.c.status == int(ValuationStatus.FILED), t.c.valid_until > stamp.time)


ValuationIdPath = Annotated[int, Path(ge=0, le=BIGINT_MAX, description="Valuation report id.", examples=[1])]


# ─────────────────────────────────────────────────────────── appraisers


@router.get(
    "/appraisers",
    response_model=m.Page[m.AppraiserOut],
    summary="Accredited appraisers (资产评估机构), by address; `in_force` keeps those whose accreditation holds.",
    responses=ERRORS,
)
def list_appraisers(
    conn: ReadConn,
    stamp: Stamp,
    in_force: Annotated[bool | None, Query(description="Only appraisers whose accreditation holds (or not).")] = None,
    cursor: AccountCursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.appraisers
    query = sa.select(t).where(visible(t, stamp))
    holds = sa.and_(t.c.revoked.is_(False), t.c.expires_at > stamp.time)
    if in_force is not None:
        query = query.where(holds if in_force else sa.not_(holds))
    rows, next_cursor = fetch_page(conn, query, [t.c.appraiser], [str], cursor, limit)
    return json_response(m.Page.model_construct(
        block=block_ref(stamp), data=[mappers.appraiser(r._mapping, stamp.time) for r in rows],
        next_cursor=next_cursor,
    ))  # fmt: skip


@router.get(
    "/appraisers/{address}",
    response_model=m.Envelope[m.AppraiserOut],
    summary="One appraiser's accreditation (by its identity or any key it signed with).",
    responses=NOT_FOUND,
)
def get_appraiser(request: Request, conn: ReadConn, stamp: Stamp, address: AddressPath) -> Response:
    t = s.appraisers
    row = conn.execute(sa.select(t).where(visible(t, stamp), named(t.c.appraiser, address))).first()
    if row is None:
        raise HTTPException(404, f"{address} was never accredited as an appraiser")
    return etag_response(
        request, m.Envelope.model_construct(block=block_ref(stamp), data=mappers.appraiser(row._mapping, stamp.time))
    )


# ─────────────────────────────────────────────────────────── valuation reports


@router.get(
    "/valuations",
    response_model=m.Page[m.ValuationOut],
    summary="Valuation reports by id, filtered by asset, appraiser, status and whether they can support a "
    "recognition now.",
    responses=ERRORS,
)
def list_valuations(
    conn: ReadConn,
    stamp: Stamp,
    asset_id: AssetIdQ = None,
    appraiser: AddressQ = None,
    status: ValuationStatusQ = None,
    usable: Annotated[bool | None, Query(description="Only reports filed and still valid (or only the others).")]
    = None,
    cursor: CursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.valuations
    query = sa.select(t).where(visible(t, stamp))
    if asset_id is not None:
        query = query.where(t.c.asset_id == asset_id)
    if appraiser is not None:
        query = query.where(named(t.c.appraiser, appraiser))
    code = enum_code(status, ValuationStatus, "status")
    if code is not None:
        query = query.where(t.c.status == code)
    if usable is not None:
        query = query.where(_usable(t, stamp) if usable else sa.not_(_usable(t, stamp)))
    rows, next_cursor = fetch_page(conn, query, [t.c.valuation_id], [int], cursor, limit)
    return json_response(m.Page.model_construct(
        block=block_ref(stamp), data=[mappers.valuation(r._mapping, stamp.time) for r in rows],
        next_cursor=next_cursor,
    ))  # fmt: skip


@router.get(
    "/valuations/{valuation_id}",
    response_model=m.Envelope[m.ValuationOut],
    summary="One valuation report.",
    responses=NOT_FOUND,
)
def get_valuation(request: Request, conn: ReadConn, stamp: Stamp, valuation_id: ValuationIdPath) -> Response:
    t = s.valuations
    row = conn.execute(sa.select(t).where(visible(t, stamp), t.c.valuation_id == valuation_id)).first()
    if row is None:
        raise HTTPException(404, f"no valuation report {valuation_id}")
    return etag_response(
        request, m.Envelope.model_construct(block=block_ref(stamp), data=mappers.valuation(row._mapping, stamp.time))
    )


@router.get(
    "/assets/{asset_id}/valuation",
    response_model=m.Envelope[m.ValuationOut],
    summary="The asset's latest valid valuation: the most recent report filed on it that is still valid and "
    "neither withdrawn nor rejected (404 when none).",
    responses=NOT_FOUND,
)
def latest_valuation(request: Request, conn: ReadConn, stamp: Stamp, asset_id: AssetIdPath) -> Response:
    t = s.valuations
    row = conn.execute(
        sa.select(t)
        .where(visible(t, stamp), t.c.asset_id == asset_id, _usable(t, stamp))
        .order_by(t.c.valuation_id.desc())
        .limit(1)
    ).first()
    if row is None:
        raise HTTPException(404, f"asset {asset_id} has no valid valuation report")
    return etag_response(
        request, m.Envelope.model_construct(block=block_ref(stamp), data=mappers.valuation(row._mapping, stamp.time))
    )


# ─────────────────────────────────────────────────────────── accounting recognition


@router.get(
    "/recognitions",
    response_model=m.Page[m.RecognitionOut],
    summary="Assets recognised in their holders' accounts (入表), by asset id; filtered by asset, holder, category "
    "and status (recognised by default).",
    responses=ERRORS,
)
def list_recognitions(
    conn: ReadConn,
    stamp: Stamp,
    asset_id: AssetIdQ = None,
    holder: AddressQ = None,
    category: AccountingCategoryQ = None,
    status: Annotated[
        Literal["recognised", "derecognised", "any"],
        Query(description="Recognised now (default), derecognised, or either."),
    ] = "recognised",
    cursor: CursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.recognitions
    query = sa.select(t).where(visible(t, stamp))
    if status != "any":
        query = query.where(t.c.status == (_RECOGNISED if status == "recognised" else _DERECOGNISED))
    if asset_id is not None:
        query = query.where(t.c.asset_id == asset_id)
    if holder is not None:
        query = query.where(named(t.c.holder, holder))
    code = enum_code(category, AccountingCategory, "category")
    if code is not None:
        query = query.where(t.c.category == code)
    rows, next_cursor = fetch_page(conn, query, [t.c.asset_id], [int], cursor, limit)
    return json_response(m.Page.model_construct(
        block=block_ref(stamp), data=[mappers.recognition(r._mapping) for r in rows], next_cursor=next_cursor,
    ))  # fmt: skip


@router.get(
    "/recognitions/totals",
    response_model=m.Envelope[list[m.RecognisedTotalOut]],
    summary="Carrying amounts recognised per holder and category, as of `?at=` (a date or a block): what each "
    "holder's balance sheet carries of data assets.",
    responses=ERRORS,
)
def recognised_totals(request: Request, conn: ReadConn, stamp: Stamp, holder: AddressQ = None) -> Response:
    t = s.recognitions
    query = (
        sa.select(t.c.holder, t.c.category, sa.func.count().label("assets"),
                  sa.func.sum(t.c.carrying_amount).label("carrying_amount"))
        .where(visible(t, stamp), t.c.status == _RECOGNISED)
        .group_by(t.c.holder, t.c.category)
        .order_by(t.c.holder, t.c.category)
    )  # fmt: skip
    if holder is not None:
        query = query.where(named(t.c.holder, holder))
    rows = conn.execute(query).all()
    return etag_response(request, m.Envelope.model_construct(
        block=block_ref(stamp), data=[mappers.recognised_total(r._mapping) for r in rows],
    ))  # fmt: skip


@router.get(
    "/recognitions/{asset_id}",
    response_model=m.Envelope[m.RecognitionDetailOut],
    summary="The asset's recognition and every change of it (recognised, remeasured, carried over, derecognised).",
    responses=NOT_FOUND,
)
def get_recognition(request: Request, conn: ReadConn, stamp: Stamp, asset_id: AssetIdPath) -> Response:
    t = s.recognitions
    row = conn.execute(sa.select(t).where(visible(t, stamp), t.c.asset_id == asset_id)).first()
    if row is None:
        raise HTTPException(404, f"asset {asset_id} was never recognised in anyone's accounts")
    e = s.recognition_events
    history = conn.execute(
        sa.select(e).where(visible(e, stamp), e.c.asset_id == asset_id).order_by(e.c.valid_from_block, e.c.log_index)
    ).all()
    a = s.assets
    holding = conn.execute(sa.select(a.c.holding_holder).where(visible(a, stamp), a.c.asset_id == asset_id)).first()
    detail = m.RecognitionDetailOut.model_construct(
        recognition=mappers.recognition(row._mapping),
        holder_holds_the_asset=holding is not None and holding[0] == row._mapping["holder"],
        history=[mappers.recognition_event(h._mapping) for h in history],
    )
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=detail))
