"""Cross-province recognition: agreements, recognised registrations (with their origin and last
verification) and the cross-check reports saved by ``ledger crosscheck --save``."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ReadConn, Stamp
from api.pagination import CursorQ, LimitQ, fetch_page
from api.params import BIGINT_MAX
from api.responses import ERRORS, NOT_FOUND, block_ref, etag_response, json_response
from api.schemas import Envelope, Page
from api.views import visible
from ledger.recognition.certificates import certificate_number
from ledger.store import schema as s

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/recognition", tags=["recognition"])

_STATUS = {1: "active", 2: "suspended", 3: "cancelled"}
_ORIGIN_STATUS = {2: "registered", 4: "cancelled"}


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class AgreementOut(_Out):
    origin_chain_id: int = Field(description="The other province's chain id.", examples=[4501])
    origin_registry: str = Field(description="Its AssetRegistry (the EIP-712 verifying contract).")
    registrars: list[str] = Field(description="Its registrars whose signatures count.")
    threshold: int = Field(description="Signatures needed (M of N); 0 once revoked.", examples=[2])
    version: int = Field(description="Raised by each change.", examples=[1])
    active: bool = Field(description="False once revoked.")
    set_by: str = Field(description="The authority that made the last change.")
    updated_block: int
    updated_at: int


class Verification(_Out):
    report_id: int = Field(description="The cross-check report.")
    verdict: str = Field(description="match, stale, conflict, missing or not-recognised.", examples=["match"])
    block_number: int = Field(description="Origin block the proofs were verified against.")
    block_hash: str
    pinned_by_user: bool = Field(description="Whether that block's hash was pinned by the checker.")
    checked_at: int = Field(description="When the check ran (unix seconds).")
    details: dict[str, Any] = Field(description="Reasons for a stale verdict, the origin record proven, ...")


class RecognisedOut(_Out):
    local_asset_id: int = Field(description="The asset id here.", examples=[12])
    origin_chain_id: int = Field(description="Origin province's chain id.", examples=[4501])
    origin_asset_id: int = Field(description="Asset id in the origin registry.", examples=[3])
    origin_registry: str
    content_hash: str
    category: int
    grade: int
    kind: int
    holding_holder: str = Field(description="Holders as certified by the origin at import.")
    processing_holder: str
    operation_holder: str
    certificate_serial: int = Field(description="The origin's certificate serial.")
    certificate_number: str = Field(description="DRL-<origin chain>-<serial>.", examples=["DRL-4501-00000003"])
    certificate_digest: str
    signers: list[str] = Field(description="Origin registrars whose signatures were counted.")
    linked: bool = Field(description="Linked to a registration made here by the same holder.")
    origin_status: int = Field(description="The origin asset's status the certificate in force states (2, 4).")
    origin_status_name: str | None = Field(description="registered or cancelled.", examples=["registered"])
    issued_block: int = Field(
        description="The origin block whose state the certificate in force states (a certificate of a later origin"
        " block supersedes it)."
    )
    expires_at: int = Field(description="Last second the certificate in force could be imported (unix seconds).")
    status: int
    status_name: str | None = Field(
        description="active, suspended, or cancelled (a newer certificate said the origin cancelled it).",
        examples=["active"],
    )
    imported_by: str
    imported_block: int
    imported_at: int
    superseded_by: str | None = Field(description="Registrar that imported the newer certificate in force, if any.")
    superseded_block: int | None
    suspended_by: str | None
    suspend_reason_hash: str | None
    suspended_block: int | None
    reinstated_by: str | None = Field(description="Who lifted the last suspension.")
    reinstate_reason_hash: str | None
    reinstated_block: int | None
    last_verification: Verification | None = Field(description="The latest saved cross-check of this record.")


class ReportOut(_Out):
    report_id: int
    origin_chain_id: int
    origin_registry: str
    block_number: int
    block_hash: str
    pinned_by_user: bool
    scope: str = Field(description="registry (whole-registry comparison) or assets (single-asset checks).")
    checked_at: int
    counts: dict[str, int]


class ResultOut(_Out):
    origin_asset_id: int
    local_asset_id: int | None
    verdict: str
    details: dict[str, Any]


class ReportDetail(ReportOut):
    results: list[ResultOut]


def _agreement(r: Any) -> AgreementOut:
    return AgreementOut.model_construct(**{k: r[k] for k in AgreementOut.model_fields})


def _recognised(r: Any, verification: Verification | None) -> RecognisedOut:
    data = {k: r[k] for k in RecognisedOut.model_fields if k in r}
    return RecognisedOut.model_construct(
        **data, certificate_number=certificate_number(int(r["origin_chain_id"]), int(r["certificate_serial"])),
        status_name=_STATUS.get(r["status"]), origin_status_name=_ORIGIN_STATUS.get(r["origin_status"]),
        last_verification=verification,
    )  # fmt: skip


def _last_verifications(conn: sa.Connection, local_ids: list[int]) -> dict[int, Verification]:
    if not local_ids:
        return {}
    res, rep = s.crosscheck_results, s.crosscheck_reports
    latest = (
        sa.select(res.c.local_asset_id, sa.func.max(res.c.report_id).label("report_id"))
        .where(res.c.local_asset_id.in_(local_ids))
        .group_by(res.c.local_asset_id)
        .subquery()
    )
    rows = conn.execute(
        sa.select(res, rep.c.block_number, rep.c.block_hash, rep.c.pinned_by_user, rep.c.checked_at)
        .join(latest, sa.and_(res.c.local_asset_id == latest.c.local_asset_id, res.c.report_id == latest.c.report_id))
        .join(rep, rep.c.report_id == res.c.report_id)
    )
    return {
        int(r.local_asset_id): Verification.model_construct(
            report_id=r.report_id, verdict=r.verdict, block_number=r.block_number, block_hash=r.block_hash,
            pinned_by_user=r.pinned_by_user, checked_at=r.checked_at, details=r.details,
        )
        for r in rows
    }  # fmt: skip


@router.get(
    "/agreements", response_model=Page[AgreementOut], summary="Agreements with other provinces.", responses=ERRORS
)
def list_agreements(conn: ReadConn, stamp: Stamp, cursor: CursorQ = None, limit: LimitQ = 100) -> Response:
    t = s.agreements
    rows, next_cursor = fetch_page(
        conn, sa.select(t).where(visible(t, stamp)), [t.c.origin_chain_id], [int], cursor, limit
    )
    return json_response(
        Page.model_construct(
            block=block_ref(stamp), data=[_agreement(r._mapping) for r in rows], next_cursor=next_cursor
        )
    )


@router.get(
    "/agreements/{origin_chain_id}",
    response_model=Envelope[AgreementOut],
    summary="The agreement with one province.",
    responses=NOT_FOUND,
)
def get_agreement(
    request: Request,
    conn: ReadConn,
    stamp: Stamp,
    origin_chain_id: Annotated[int, Path(ge=0, le=BIGINT_MAX, description="Origin chain id.")],
) -> Response:
    t = s.agreements
    row = conn.execute(sa.select(t).where(visible(t, stamp), t.c.origin_chain_id == origin_chain_id)).first()
    if row is None:
        raise HTTPException(404, f"no agreement with chain {origin_chain_id}")
    return etag_response(request, Envelope.model_construct(block=block_ref(stamp), data=_agreement(row._mapping)))


@router.get(
    "/records",
    response_model=Page[RecognisedOut],
    summary="Recognised registrations, with origin and last verification.",
    responses=ERRORS,
)
def list_records(
    conn: ReadConn,
    stamp: Stamp,
    origin_chain_id: Annotated[int | None, Query(ge=0, le=BIGINT_MAX, description="Only this origin.")] = None,
    status: Annotated[
        str | None, Query(pattern="^(active|suspended|cancelled)$", description="active, suspended or cancelled.")
    ] = None,
    cursor: CursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.recognised_records
    query = sa.select(t).where(visible(t, stamp))
    if origin_chain_id is not None:
        query = query.where(t.c.origin_chain_id == origin_chain_id)
    if status is not None:
        query = query.where(t.c.status == {v: k for k, v in _STATUS.items()}[status])
    rows, next_cursor = fetch_page(conn, query, [t.c.local_asset_id], [int], cursor, limit)
    checks = _last_verifications(conn, [int(r.local_asset_id) for r in rows])
    data = [_recognised(r._mapping, checks.get(int(r.local_asset_id))) for r in rows]
    return json_response(Page.model_construct(block=block_ref(stamp), data=data, next_cursor=next_cursor))


@router.get(
    "/records/{local_asset_id}",
    response_model=Envelope[RecognisedOut],
    summary="One recognised registration (by its local asset id).",
    responses=NOT_FOUND,
)
def get_record(
    request: Request,
    conn: ReadConn,
    stamp: Stamp,
    local_asset_id: Annotated[int, Path(ge=0, le=BIGINT_MAX, description="Local asset id.")],
) -> Response:
    t = s.recognised_records
    row = conn.execute(sa.select(t).where(visible(t, stamp), t.c.local_asset_id == local_asset_id)).first()
    if row is None:
        raise HTTPException(404, f"asset {local_asset_id} is not a recognised registration")
    check = _last_verifications(conn, [local_asset_id]).get(local_asset_id)
    return etag_response(
        request, Envelope.model_construct(block=block_ref(stamp), data=_recognised(row._mapping, check))
    )


@router.get(
    "/crosschecks", response_model=Page[ReportOut], summary="Saved cross-check reports, newest first.", responses=ERRORS
)
def list_reports(
    conn: ReadConn,
    stamp: Stamp,
    origin_chain_id: Annotated[int | None, Query(ge=0, le=BIGINT_MAX, description="Only this origin.")] = None,
    cursor: CursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.crosscheck_reports
    query = sa.select(t)
    if origin_chain_id is not None:
        query = query.where(t.c.origin_chain_id == origin_chain_id)
    rows, next_cursor = fetch_page(conn, query, [-t.c.report_id], [int], cursor, limit, key_of=lambda r: [-r.report_id])
    data = [ReportOut.model_construct(**dict(r._mapping)) for r in rows]
    return json_response(Page.model_construct(block=block_ref(stamp), data=data, next_cursor=next_cursor))


@router.get(
    "/crosschecks/{report_id}",
    response_model=Envelope[ReportDetail],
    summary="One cross-check report with every result.",
    responses=NOT_FOUND,
)
def get_report(
    request: Request,
    conn: ReadConn,
    stamp: Stamp,
    report_id: Annotated[int, Path(ge=1, le=BIGINT_MAX, description="Report id.")],
) -> Response:
    rep = conn.execute(sa.select(s.crosscheck_reports).where(s.crosscheck_reports.c.report_id == report_id)).first()
    if rep is None:
        raise HTTPException(404, f"no cross-check report {report_id}")
    res = s.crosscheck_results
    results = [ResultOut.model_construct(**dict(r._mapping)) for r in conn.execute(
        sa.select(res.c.origin_asset_id, res.c.local_asset_id, res.c.verdict, res.c.details)
        .where(res.c.report_id == report_id).order_by(res.c.origin_asset_id))]  # fmt: skip
    detail = ReportDetail.model_construct(**dict(rep._mapping), results=results)
    return etag_response(request, Envelope.model_construct(block=block_ref(stamp), data=detail))
