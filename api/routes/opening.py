"""The annual public-data opening list (公共数据开放重点清单, art. 10): the entries the authority published, each
department's data to open with its target date, and their progress (planned, registered, opened, overdue,
withdrawn) by department, as of the answer's block (``?at=``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Final

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from api import mappers
from api import schemas as m
from api.deps import ReadConn, Stamp
from api.pagination import CursorQ, LimitQ, fetch_page
from api.params import BIGINT_MAX, AddressQ
from api.responses import ERRORS, NOT_FOUND, block_ref, etag_response, json_response
from api.views import named, visible
from ledger.store import schema as s
from ledger.store.projection import OPENING_OPENED, OPENING_PLANNED, OPENING_REGISTERED, OPENING_WITHDRAWN

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["opening list"])

_ZERO: Final = "0x" + "00" * 20
_COUNTS: Final = ("entries", "planned", "registered", "opened", "opened_late", "overdue", "withdrawn")
YearQ = Annotated[int | None, Query(ge=2000, le=2199, description="Only entries of this year's list.")]
EntryIdPath = Annotated[int, Path(ge=0, le=BIGINT_MAX, description="Opening-list entry id.", examples=[1])]


class EntryStatus(StrEnum):
    planned = "planned"
    registered = "registered"
    opened = "opened"
    withdrawn = "withdrawn"
    overdue = "overdue"


@router.get(
    "/opening-list",
    response_model=m.Page[m.OpeningEntryOut],
    summary="Entries of the public-data opening lists (开放重点清单) by id, filtered by year, department and status "
    "(overdue: planned or registered past the target date).",
    responses=ERRORS,
)
def list_entries(
    conn: ReadConn,
    stamp: Stamp,
    year: YearQ = None,
    department: AddressQ = None,
    status: Annotated[EntryStatus | None, Query(description="Only entries of this status.")] = None,
    cursor: CursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.opening_entries
    query = sa.select(t).where(visible(t, stamp))
    if year is not None:
        query = query.where(t.c.year == year)
    if department is not None:
        query = query.where(named(t.c.department, department))
    if status is EntryStatus.overdue:
        query = query.where(t.c.status.in_((OPENING_PLANNED, OPENING_REGISTERED)), t.c.target_date < stamp.time)
    elif status is not None:
        code = {"planned": OPENING_PLANNED, "registered": OPENING_REGISTERED, "opened": OPENING_OPENED,
                "withdrawn": OPENING_WITHDRAWN}[status.value]  # fmt: skip
        query = query.where(t.c.status == code)
    rows, next_cursor = fetch_page(conn, query, [t.c.entry_id], [int], cursor, limit)
    data = [mappers.opening_entry(r._mapping, stamp.time) for r in rows]
    return json_response(m.Page.model_construct(block=block_ref(stamp), data=data, next_cursor=next_cursor))


@router.get(
    "/opening-list/progress",
    response_model=m.Envelope[m.OpeningProgress],
    summary="A year's opening lists and their progress by department: planned, registered, opened (late ones "
    "counted), overdue and withdrawn entries.",
    responses=ERRORS,
)
def progress(request: Request, conn: ReadConn, stamp: Stamp,
             year: Annotated[int, Query(ge=2000, le=2199, description="The list's year.")]) -> Response:  # fmt: skip
    t, lists = s.opening_entries, s.opening_lists
    published = conn.execute(
        sa.select(lists).where(visible(lists, stamp), lists.c.year == year).order_by(lists.c.first_entry_id)
    ).all()
    entries = conn.execute(sa.select(t).where(visible(t, stamp), t.c.year == year).order_by(t.c.entry_id)).all()
    rows: dict[str, dict[str, Any]] = {}
    total: dict[str, Any] = dict.fromkeys(_COUNTS, 0)
    for r in entries:
        e = mappers.opening_entry(r._mapping, stamp.time)
        counts = rows.setdefault(e.department, dict.fromkeys(total, 0))
        for bucket in (counts, total):
            bucket["entries"] += 1
            bucket[e.status_name] += 1
            bucket["opened_late"] += int(e.opened_late)
            bucket["overdue"] += int(e.overdue)
    body = m.OpeningProgress.model_construct(
        year=year, lists=[mappers.opening_list(r._mapping) for r in published],
        total=m.OpeningProgressRow.model_construct(department=_ZERO, **total),
        departments=[m.OpeningProgressRow.model_construct(department=d, **c) for d, c in sorted(rows.items())],
    )  # fmt: skip
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=body))


@router.get(
    "/opening-list/{entry_id}",
    response_model=m.Envelope[m.OpeningEntryOut],
    summary="One entry of an opening list with its progress.",
    responses=NOT_FOUND,
)
def get_entry(request: Request, conn: ReadConn, stamp: Stamp, entry_id: EntryIdPath) -> Response:
    t = s.opening_entries
    row = conn.execute(sa.select(t).where(visible(t, stamp), t.c.entry_id == entry_id)).first()
    if row is None:
        raise HTTPException(404, f"no opening-list entry {entry_id}")
    entry = mappers.opening_entry(row._mapping, stamp.time)
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=entry))
