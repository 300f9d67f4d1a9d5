"""Data quality (art. 9): quality reports of assets' content with their answers, fixes and rulings, the holders'
defaults, and the trace of a content hash: which asset carries it, its registration and changes, the licences and
trades that delivered it and the reports that name it, as of the answer's block (``?at=``)."""

from __future__ import annotations

from typing import Annotated, Literal

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from api import mappers
from api import schemas as m
from api.deps import BlockStamp, ReadConn, Stamp
from api.pagination import AccountCursorQ, CursorQ, LimitQ, fetch_page
from api.params import BIGINT_MAX, AddressQ, AssetIdQ, enum_code
from api.responses import ERRORS, NOT_FOUND, block_ref, etag_response, json_response
from api.views import named, visible
from ledger.contracts.types import AssetStatus, QualityStatus
from ledger.store import schema as s

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["quality"])

_HASH = r"^0x[0-9a-fA-F]{64}$"
ReportIdPath = Annotated[int, Path(ge=0, le=BIGINT_MAX, description="Quality report id.", examples=[1])]
PastDeadlineQ = Annotated[
    bool | None,
    Query(description="Only reports unanswered past their deadline (overdue, marked or not), or only the others."),
]
StatusQ = Annotated[
    Literal["filed", "acknowledged", "disputed", "overdue", "fixed", "upheld", "dismissed", "withdrawn"] | None,
    Query(description="Only reports of this status."),
]


@router.get(
    "/quality-reports",
    response_model=m.Page[m.QualityReportOut],
    summary="Quality reports (问题数据) by id, filtered by asset, content hash, reporter, status, and whether they are "
    "past their deadline unanswered.",
    responses=ERRORS,
)
def list_reports(
    conn: ReadConn,
    stamp: Stamp,
    asset_id: AssetIdQ = None,
    content_hash: Annotated[str | None, Query(pattern=_HASH, description="Only reports naming this content.")] = None,
    reporter: AddressQ = None,
    status: StatusQ = None,
    past_deadline: PastDeadlineQ = None,
    cursor: CursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.quality_reports
    query = sa.select(t).where(visible(t, stamp))
    if asset_id is not None:
        query = query.where(t.c.asset_id == asset_id)
    if content_hash is not None:
        query = query.where(t.c.content_hash == content_hash.lower())
    if reporter is not None:
        query = query.where(named(t.c.reporter, reporter))
    code = enum_code(status, QualityStatus, "status")
    if code is not None:
        query = query.where(t.c.status == code)
    if past_deadline is not None:
        late = sa.or_(t.c.status == int(QualityStatus.OVERDUE),
                      sa.and_(t.c.status == int(QualityStatus.FILED), t.c.deadline < stamp.time))  # fmt: skip
        query = query.where(late if past_deadline else sa.not_(late))
    rows, next_cursor = fetch_page(conn, query, [t.c.report_id], [int], cursor, limit)
    return json_response(m.Page.model_construct(
        block=block_ref(stamp), data=[mappers.quality_report(r._mapping, stamp.time) for r in rows],
        next_cursor=next_cursor,
    ))  # fmt: skip


@router.get(
    "/quality-reports/{report_id}",
    response_model=m.Envelope[m.QualityReportOut],
    summary="One quality report, with its answer, fix, ruling or withdrawal.",
    responses=NOT_FOUND,
)
def get_report(request: Request, conn: ReadConn, stamp: Stamp, report_id: ReportIdPath) -> Response:
    t = s.quality_reports
    row = conn.execute(sa.select(t).where(visible(t, stamp), t.c.report_id == report_id)).first()
    if row is None:
        raise HTTPException(404, f"no quality report {report_id}")
    data = mappers.quality_report(row._mapping, stamp.time)
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=data))


@router.get(
    "/quality-defaults",
    response_model=m.Page[m.QualityDefaultOut],
    summary="Holders' quality defaults: reports they left unanswered past the deadline (a credit event each).",
    responses=ERRORS,
)
def list_defaults(
    conn: ReadConn, stamp: Stamp, holder: AddressQ = None, cursor: AccountCursorQ = None, limit: LimitQ = 100,
) -> Response:  # fmt: skip
    t = s.quality_defaults
    query = sa.select(t).where(visible(t, stamp))
    if holder is not None:
        query = query.where(named(t.c.holder, holder))
    rows, next_cursor = fetch_page(conn, query, [t.c.holder], [str], cursor, limit)
    return json_response(m.Page.model_construct(
        block=block_ref(stamp), next_cursor=next_cursor,
        data=[m.QualityDefaultOut.model_construct(holder=r.holder, defaults=int(r.defaults)) for r in rows],
    ))  # fmt: skip


def _versions(conn: sa.Connection, stamp: BlockStamp, asset_id: int) -> list[m.TraceVersionOut]:
    """The application, the registration and each change registration (a new metadata hash), from the asset's
    record versions up to the stamp's block."""
    a, b = s.assets, s.blocks
    query = (
        sa.select(a, b.c.timestamp.label("version_at"))
        .join(b, b.c.number == a.c.valid_from_block)
        .where(a.c.asset_id == asset_id)
        .order_by(a.c.valid_from_block)
    )
    if stamp.at_block is not None:
        query = query.where(a.c.valid_from_block <= stamp.at_block)
    out: list[m.TraceVersionOut] = []
    seen_metadata: str | None = None
    registered = False
    for r in conn.execute(query):
        row = r._mapping
        if not out:
            out.append(m.TraceVersionOut.model_construct(kind="application", metadata_hash=row["metadata_hash"],
                                                         by=row["applicant"], block=row["applied_block"],
                                                         at=row["applied_at"]))  # fmt: skip
            seen_metadata = row["metadata_hash"]
        if not registered and row["registered_block"] is not None:
            registered = True
            out.append(m.TraceVersionOut.model_construct(kind="registration", metadata_hash=row["metadata_hash"],
                                                         by=row["registrar"], block=row["registered_block"],
                                                         at=row["registered_at"]))  # fmt: skip
        elif row["metadata_hash"] != seen_metadata:
            out.append(m.TraceVersionOut.model_construct(kind="change", metadata_hash=row["metadata_hash"],
                                                         by=row["holding_holder"], block=row["valid_from_block"],
                                                         at=row["version_at"]))  # fmt: skip
        seen_metadata = row["metadata_hash"]
    return out


@router.get(
    "/trace/{content_hash}",
    response_model=m.Envelope[m.TraceOut],
    summary="Trace a content hash (可追溯): the asset registered with it, its registration and change registrations, "
    "the licences and trades that delivered it, and the quality reports that name it.",
    responses=NOT_FOUND,
)
def trace(
    request: Request, conn: ReadConn, stamp: Stamp,
    content_hash: Annotated[str, Path(pattern=_HASH, description="The content hash (0x + 64 hex digits).")],
) -> Response:  # fmt: skip
    content = content_hash.lower()
    a = s.assets
    asset = conn.execute(
        sa.select(a).where(visible(a, stamp), a.c.content_hash == content).order_by(a.c.asset_id.desc()).limit(1)
    ).first()
    if asset is None:
        raise HTTPException(404, f"no asset carries content {content_hash}")
    r = asset._mapping
    asset_id = r["asset_id"]
    lic = s.licences
    licences = conn.execute(sa.select(lic).where(visible(lic, stamp), lic.c.asset_id == asset_id)
                            .order_by(lic.c.licence_id)).all()  # fmt: skip
    tr = s.trades
    trades = conn.execute(sa.select(tr).where(visible(tr, stamp), tr.c.asset_id == asset_id)
                          .order_by(tr.c.timestamp, tr.c.trade_key)).all()  # fmt: skip
    q = s.quality_reports
    reports = conn.execute(sa.select(q).where(visible(q, stamp), q.c.content_hash == content)
                           .order_by(q.c.report_id)).all()  # fmt: skip
    data = m.TraceOut.model_construct(
        content_hash=content, asset_id=asset_id, name=r["name"], status_name=m.enum_name(AssetStatus, r["status"]),
        applicant=r["applicant"], registrar=r["registrar"], holding_holder=r["holding_holder"],
        versions=_versions(conn, stamp, asset_id),
        licences=[m.TraceLicenceOut.model_construct(licence_id=x.licence_id, licensor=x.licensor, licensee=x.licensee,
                                                    parent_id=x.parent_id, revoked=bool(x.revoked))
                  for x in licences],
        trades=[m.TraceTradeOut.model_construct(trade_key=x.trade_key, exchange=x.exchange, seller=x.seller,
                                                buyer=x.buyer, price=str(x.price), timestamp=x.timestamp)
                for x in trades],
        quality_reports=[mappers.quality_report(x._mapping, stamp.time) for x in reports],
    )  # fmt: skip
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=data))
