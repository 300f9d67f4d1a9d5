"""Information disclosure (art. 25): the authority's required periods per kind (with their history), the
exchanges' disclosures, and each exchange's calendar of required periods, met in time, late, missed or open, as of
the answer's block (``?at=``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from api import schemas as m
from api.deps import BlockStamp, ReadConn, Stamp
from api.mappers import Row
from api.pagination import CursorQ, LimitQ, fetch_page
from api.params import BIGINT_MAX, AddressPath, AddressQ, DisclosureKindQ, enum_code
from api.responses import ERRORS, NOT_FOUND, block_ref, etag_response, json_response
from api.views import named, visible
from ledger.contracts.types import DisclosureKind, Role
from ledger.disclosure import Filing, PeriodStatus, RequiredPeriod, Requirement, calendar_of, period_label
from ledger.store import schema as s

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["disclosure"])

DisclosureIdPath = Annotated[int, Path(ge=0, le=BIGINT_MAX, description="Disclosure id.", examples=[1])]
CoversQ = Annotated[
    int | None, Query(ge=0, le=BIGINT_MAX, description="Only disclosures whose months contain this time (unix s).")
]
StatusQ = Annotated[
    Literal["on_time", "late", "missed", "open"] | None,
    Query(description="Only required periods of this status (missed: due and not disclosed)."),
]


def _kind_name(code: int) -> str | None:
    return m.enum_name(DisclosureKind, code)


def _disclosure(r: Row, corrects: int | None) -> m.DisclosureOut:
    return m.DisclosureOut.model_construct(
        disclosure_id=r["disclosure_id"], exchange=r["exchange"], kind=r["kind"], kind_name=_kind_name(r["kind"]),
        period=period_label(r["period_start"], r["period_end"]), period_start=r["period_start"],
        period_end=r["period_end"], document_hash=r["document_hash"], corrects=corrects,
        filed_block=r["valid_from_block"], filed_at=r["filed_at"], tx_hash=r["tx_hash"],
    )  # fmt: skip


def _corrected(conn: sa.Connection, stamp: BlockStamp, rows: Sequence[Any]) -> dict[int, int]:
    """For each of ``rows``, the latest earlier disclosure of the same exchange, kind and period, if any."""
    if not rows:
        return {}
    t = s.disclosures
    earlier = t.alias("earlier")
    ids = [r._mapping["disclosure_id"] for r in rows]
    found = conn.execute(
        sa.select(t.c.disclosure_id, sa.func.max(earlier.c.disclosure_id))
        .join(earlier, sa.and_(earlier.c.exchange == t.c.exchange, earlier.c.kind == t.c.kind,
                               earlier.c.period_start == t.c.period_start, earlier.c.period_end == t.c.period_end,
                               earlier.c.disclosure_id < t.c.disclosure_id))
        .where(t.c.disclosure_id.in_(ids))  # filed before a visible one: visible too
        .group_by(t.c.disclosure_id)
    ).all()  # fmt: skip
    return {int(a): int(b) for a, b in found}


@router.get(
    "/disclosures",
    response_model=m.Page[m.DisclosureOut],
    summary="The exchanges' disclosures (信息披露) by id, filtered by exchange, kind and the months they cover.",
    responses=ERRORS,
)
def list_disclosures(
    conn: ReadConn,
    stamp: Stamp,
    exchange: AddressQ = None,
    kind: DisclosureKindQ = None,
    covers: CoversQ = None,
    cursor: CursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.disclosures
    query = sa.select(t).where(visible(t, stamp))
    if exchange is not None:
        query = query.where(named(t.c.exchange, exchange))
    code = enum_code(kind, DisclosureKind, "kind")
    if code is not None:
        query = query.where(t.c.kind == code)
    if covers is not None:
        query = query.where(t.c.period_start <= covers, t.c.period_end > covers)
    rows, next_cursor = fetch_page(conn, query, [t.c.disclosure_id], [int], cursor, limit)
    corrects = _corrected(conn, stamp, rows)
    return json_response(m.Page.model_construct(
        block=block_ref(stamp), next_cursor=next_cursor,
        data=[_disclosure(r._mapping, corrects.get(r._mapping["disclosure_id"])) for r in rows],
    ))  # fmt: skip


@router.get(
    "/disclosures/{disclosure_id}",
    response_model=m.Envelope[m.DisclosureOut],
    summary="One disclosure, and the earlier one of the same exchange, kind and period it corrects.",
    responses=NOT_FOUND,
)
def get_disclosure(request: Request, conn: ReadConn, stamp: Stamp, disclosure_id: DisclosureIdPath) -> Response:
    t = s.disclosures
    row = conn.execute(sa.select(t).where(visible(t, stamp), t.c.disclosure_id == disclosure_id)).first()
    if row is None:
        raise HTTPException(404, f"no disclosure {disclosure_id}")
    corrects = _corrected(conn, stamp, [row]).get(disclosure_id)
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp),
                                                             data=_disclosure(row._mapping, corrects)))  # fmt: skip


def _requirements(conn: sa.Connection, stamp: BlockStamp) -> list[Mapping[str, Any]]:
    """Every version of every kind's requirement set by the stamp's block, oldest first."""
    t = s.disclosure_requirements
    query = sa.select(t).order_by(t.c.valid_from_block)
    if stamp.at_block is not None:
        query = query.where(t.c.valid_from_block <= stamp.at_block)
    return [dict(r._mapping) for r in conn.execute(query)]


def _requirement_out(kind: int, r: Mapping[str, Any] | None) -> m.DisclosureRequirementOut:
    return m.DisclosureRequirementOut.model_construct(
        kind=kind, kind_name=_kind_name(kind), months=r["months"] if r else 0, grace_days=r["grace_days"] if r else 0,
        since=r["since"] if r else 0, set_by=r["set_by"] if r else None, set_block=r["valid_from_block"] if r else None,
    )  # fmt: skip


@router.get(
    "/disclosure-requirements",
    response_model=m.Envelope[list[m.DisclosureRequirementOut]],
    summary="How often exchanges must disclose each kind (every kind; months 0: not required); `history=true` "
    "lists every requirement the authority set, oldest first.",
    responses=ERRORS,
)
def list_requirements(
    request: Request,
    conn: ReadConn,
    stamp: Stamp,
    history: Annotated[bool, Query(description="Every version the authority set, not only the current ones.")]
    = False,
) -> Response:
    versions = _requirements(conn, stamp)
    if history:
        data = [_requirement_out(r["kind"], r) for r in versions]
    else:
        latest = {r["kind"]: r for r in versions}
        data = [_requirement_out(int(k), latest.get(int(k))) for k in DisclosureKind]
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=data))


def _calendar(conn: sa.Connection, stamp: BlockStamp, exchanges: Sequence[Mapping[str, Any]],
              ) -> dict[str, list[RequiredPeriod]]:  # fmt: skip
    reqs = [Requirement(r["kind"], r["months"], r["grace_days"], r["since"]) for r in _requirements(conn, stamp)]
    t = s.disclosures
    filings: dict[str, list[Filing]] = {}
    identities = [e["account"] for e in exchanges]
    for r in conn.execute(sa.select(t).where(visible(t, stamp), t.c.exchange.in_(identities))):
        f = r._mapping
        filings.setdefault(f["exchange"], []).append(
            Filing(f["disclosure_id"], f["kind"], f["period_start"], f["period_end"], f["filed_at"]))
    return {e["account"]: calendar_of(reqs, filings.get(e["account"], []), since=e["admitted_at"], now=stamp.time)
            for e in exchanges}  # fmt: skip


def _calendar_out(e: Mapping[str, Any], periods: list[RequiredPeriod], status: str | None,
                  *, detailed: bool) -> m.DisclosureCalendarOut:  # fmt: skip
    counts = {st: sum(1 for p in periods if p.status == st) for st in PeriodStatus}
    shown = [p for p in periods if status is None or p.status == status]
    return m.DisclosureCalendarOut.model_construct(
        exchange=e["account"], name=e["name"], admitted_at=e["admitted_at"], on_time=counts[PeriodStatus.ON_TIME],
        late=counts[PeriodStatus.LATE], missed=counts[PeriodStatus.MISSED], open=counts[PeriodStatus.OPEN],
        periods=[m.RequiredPeriodOut.model_construct(
            kind=p.kind, kind_name=_kind_name(p.kind), period=p.label, period_start=p.period_start,
            period_end=p.period_end, due_at=p.due_at, status=str(p.status), disclosure_id=p.disclosure_id,
            filed_at=p.filed_at) for p in shown] if detailed else None,
    )  # fmt: skip


def _exchanges(conn: sa.Connection, stamp: BlockStamp, address: str | None = None) -> list[Mapping[str, Any]]:
    p = s.participants
    query = sa.select(p.c.account, p.c.name, p.c.admitted_at).where(
        visible(p, stamp), p.c.roles.op("&")(int(Role.EXCHANGE)) != 0).order_by(p.c.account)  # fmt: skip
    if address is not None:
        query = query.where(named(p.c.account, address))
    return [dict(r._mapping) for r in conn.execute(query)]


@router.get(
    "/disclosure-calendar",
    response_model=m.Envelope[list[m.DisclosureCalendarOut]],
    summary="Every exchange's required periods counted: met in time, late, missed (due and not disclosed) and open, "
    "as of the answer's block.",
    responses=ERRORS,
)
def calendar_summary(request: Request, conn: ReadConn, stamp: Stamp) -> Response:
    exchanges = _exchanges(conn, stamp)
    calendars = _calendar(conn, stamp, exchanges)
    data = [_calendar_out(e, calendars[e["account"]], None, detailed=False) for e in exchanges]
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=data))


@router.get(
    "/exchanges/{address}/disclosure-calendar",
    response_model=m.Envelope[m.DisclosureCalendarOut],
    summary="An exchange's disclosure calendar: every required period since its admission (that began while its "
    "requirement stood), its due date, and the disclosure that met it, or none.",
    responses=NOT_FOUND,
)
def exchange_calendar(
    request: Request, conn: ReadConn, stamp: Stamp, address: AddressPath, status: StatusQ = None,
    kind: DisclosureKindQ = None,
) -> Response:  # fmt: skip
    found = _exchanges(conn, stamp, address)
    if not found:
        raise HTTPException(404, f"{address} is not an exchange")
    e = found[0]
    periods = _calendar(conn, stamp, found)[e["account"]]
    code = enum_code(kind, DisclosureKind, "kind")
    if code is not None:
        periods = [p for p in periods if p.kind == code]
    return etag_response(request, m.Envelope.model_construct(
        block=block_ref(stamp), data=_calendar_out(e, periods, status, detailed=True)))  # fmt: skip
