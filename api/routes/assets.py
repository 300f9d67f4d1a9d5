"""Assets: filtered lists, one asset with everything about it, and its history."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Final

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Query, Request, Response

from api import mappers
from api import schemas as m
from api.deps import AtQ, BlockStamp, ReadConn, Stamp, read_fast, stamp_of, stamped
from api.pagination import (
    BlockLogCursorQ,
    CursorQ,
    LimitQ,
    decode_cursor,
    fetch_page,
    page_of,
    page_query,
)
from api.params import (
    BIGINT_MAX,
    INT32_MAX,
    AddressQ,
    AssetIdPath,
    AssetStatusQ,
    CategoryQ,
    GradeQ,
    KindQ,
    TimeQ,
    enum_code,
    parse_time,
)
from api.responses import ERRORS, NOT_FOUND, block_ref, etag_response, json_response
from api.routes.licences import chain_state
from api.views import current, named, visible
from ledger.contracts.types import AssetStatus, Category, Grade, Kind, Right
from ledger.store import schema as s

__all__ = ["ACTOR_ARGS", "router"]

router = APIRouter(prefix="/api/v1/assets", tags=["assets"])

DETAIL_TRADES: Final = 100
_HOLDERS: Final = ("holding_holder", "processing_holder", "operation_holder")
# Event arguments naming who acted, most specific first.
ACTOR_ARGS: Final = (
    "by", "registrar", "resolvedBy", "issuedBy", "closedBy", "recordedBy", "provider", "objector",
    "licensor", "applicant", "seller", "exchange", "from", "bank", "account", "recipient", "appraiser", "holder",
)  # fmt: skip
#: Events whose actor is not the first of ACTOR_ARGS they carry: a carry-over is the new holder's (``to``), not the
#: former one's (``from``).
_ACTOR_OF_EVENT: Final = {"RecognitionCarriedOver": "to"}
_HEX_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
_CERTIFICATE = re.compile(r"^DR-([0-9]{1,9})-([0-9]{1,18})$", re.IGNORECASE)  # ledger.cli.format.certificate_number

RegionQ = Annotated[int | None, Query(ge=0, le=INT32_MAX, description="Region code.", examples=[450100])]
BoolQ = Annotated[bool | None, Query(description="true or false.", examples=[False])]
TextQ = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00]+$",  # PostgreSQL text cannot hold NUL
        description=(
            "Text search: part of the asset name (case-insensitive), or a certificate number"
            " (`DR-450000-00000001` or its serial), asset id or content hash given exactly."
        ),
        examples=["logistics"],
    ),
]


def _not_found(asset_id: int, stamp: BlockStamp) -> HTTPException:
    return HTTPException(404, f"no asset {asset_id}" + ("" if stamp.at_block is None else f" at block {stamp.number}"))


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def text_match(t: sa.Table, q: str) -> sa.ColumnElement[bool]:
    """Assets matching the search text ``q`` (see TextQ)."""
    q = q.strip()
    clauses: list[sa.ColumnElement[bool]] = [t.c.name.ilike(_like(q), escape="\\")]
    if q.isascii() and q.isdigit() and int(q) <= BIGINT_MAX:
        clauses += [t.c.certificate_serial == int(q), t.c.asset_id == int(q)]
    if _HEX_HASH.match(q):
        clauses.append(t.c.content_hash == q.lower())
    certificate = _CERTIFICATE.match(q)
    if certificate is not None:
        region, serial = int(certificate[1]), int(certificate[2])
        clauses.append(sa.and_(t.c.certificate_serial == serial, t.c.region == region))
    return sa.or_(*clauses)


@router.get(
    "",
    response_model=m.Page[m.AssetSummary],
    summary="Assets by id, filtered by category, grade, kind, region, status, right holders, flags and period.",
    responses=ERRORS,
)
async def list_assets(
    request: Request,
    at: AtQ = None,
    category: CategoryQ = None,
    grade: GradeQ = None,
    kind: KindQ = None,
    region: RegionQ = None,
    status: AssetStatusQ = None,
    holder: Annotated[AddressQ, Query(description="Holds any of the three rights.")] = None,
    holding_holder: Annotated[AddressQ, Query(description="Holds the holding right.")] = None,
    processing_holder: Annotated[AddressQ, Query(description="Holds the processing right.")] = None,
    operation_holder: Annotated[AddressQ, Query(description="Holds the operation right.")] = None,
    disputed: BoolQ = None,
    frozen: BoolQ = None,
    suspended: Annotated[bool | None, Query(description="Recognition suspended (true) or not (false).")] = None,
    registered_from: Annotated[TimeQ, Query(description="Registered at or after this time.")] = None,
    registered_to: Annotated[TimeQ, Query(description="Registered at or before this time.")] = None,
    q: TextQ = None,
    cursor: CursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.assets
    where: list[sa.ColumnElement[bool]] = []
    for column, code in (
        ("category", enum_code(category, Category, "category")),
        ("grade", enum_code(grade, Grade, "grade")),
        ("kind", enum_code(kind, Kind, "kind")),
        ("status", enum_code(status, AssetStatus, "status")),
        ("region", region),
    ):
        if code is not None:
            where.append(t.c[column] == code)
    for column, who in zip(_HOLDERS, (holding_holder, processing_holder, operation_holder), strict=True):
        if who is not None:
            where.append(named(t.c[column], who))
    if disputed is not None:
        where.append(t.c.disputed == disputed)
    if frozen is not None:
        where.append(t.c.frozen == frozen)
    if suspended is not None:
        where.append(t.c.suspended == suspended)
    since = parse_time(registered_from, "registered_from")
    until = parse_time(registered_to, "registered_to")
    if since is not None or until is not None:
        where.append(t.c.registered_block.is_not(None))
    if since is not None:
        where.append(t.c.registered_at >= since)
    if until is not None:
        where.append(t.c.registered_at <= until)
    if q is not None:
        where.append(text_match(t, q))
    if cursor:
        decode_cursor(cursor, [int])  # a bad cursor is a 422 before the database is asked

    def select(visible_rows: sa.ColumnElement[bool]) -> sa.Select[Any]:
        query = sa.select(t).where(visible_rows, *where)
        return query if holder is None else _any_holder(query, holder, cursor, limit)

    def page(stamp: BlockStamp, rows: list[Any], next_cursor: str | None) -> Response:
        data = [mappers.asset(r._mapping) for r in rows]
        return json_response(m.Page.model_construct(block=block_ref(stamp), data=data, next_cursor=next_cursor))

    def fast(conn: sa.Connection) -> Response | None:
        key = [t.c.asset_id]
        rows = conn.execute(stamped(page_query(select(current(t)), key, [int], cursor, limit))).all()
        stamp = stamp_of(rows)
        return None if stamp is None else page(stamp, *page_of(rows, key, limit))

    def answer(conn: sa.Connection, stamp: BlockStamp) -> Response:
        return page(stamp, *fetch_page(conn, select(visible(t, stamp)), [t.c.asset_id], [int], cursor, limit))

    return await read_fast(request, at, fast, answer)


def _any_holder(query: sa.Select[Any], holder: str, cursor: str | None, limit: int) -> sa.Select[Any]:
    """``query`` restricted to assets where ``holder`` holds any right, as the union of the first
    page of each right's (holder, asset_id) index range: an OR of the three would make the
    database fetch and sort every asset of the holder for each page."""
    t = s.assets
    branches = []
    for column in _HOLDERS:
        branch = query.where(named(t.c[column], holder))
        if cursor:
            branch = branch.where(t.c.asset_id > decode_cursor(cursor, [int])[0])
        page = branch.with_only_columns(t.c.asset_id).order_by(t.c.asset_id).limit(limit + 1).subquery()
        branches.append(sa.select(page.c.asset_id))
    return query.where(t.c.asset_id.in_(sa.union(*branches)))


@router.get(
    "/{asset_id}",
    response_model=m.Envelope[m.AssetDetail],
    summary="One asset: right holders, licences as a tree (with their validity), recent trades, objections, freezes,"
    " orders, revenue shares per right, authorised operations, mandates.",
    responses=NOT_FOUND,
)
async def get_asset(request: Request, asset_id: AssetIdPath, at: AtQ = None) -> Response:
    return await read_fast(
        request,
        at,
        lambda conn: _current_asset_detail(request, conn, asset_id),
        lambda conn, stamp: _asset_detail(request, conn, stamp, asset_id),
    )


def _related(
    asset_id: int | sa.BindParameter[int], visible_rows: Callable[[sa.Table], sa.ColumnElement[bool]]
) -> dict[str, Any]:
    """``has_<name>`` flags: which related tables have rows for the asset (most assets have few kinds)."""
    tables = (
        ("licences", s.licences), ("objections", s.objections), ("freezes", s.freezes),
        ("orders", s.rectification_orders), ("shares", s.revenue_shares), ("operations", s.public_operations),
        ("mandates", s.mandates), ("trades", s.trades),
    )  # fmt: skip
    # A right whose shares were cleared keeps a row with none: it is not a related row to show.
    extra = {"shares": [s.revenue_shares.c.total_bps > 0]}
    return {
        f"has_{name}": sa.exists().where(visible_rows(table), table.c.asset_id == asset_id, *extra.get(name, []))
        for name, table in tables
    }


def _current_detail_statements() -> tuple[sa.Select[Any], sa.Select[Any]]:
    """The current detail's two statements, with the asset id (and the stamp's block) as bound parameters:
    built once, for SQL construction costs more than running these on an indexed key."""
    t, tr, b = s.assets, s.trades, s.blocks
    asset_id = sa.bindparam("asset_id", type_=sa.BigInteger)
    related = _related(asset_id, current)
    asset = stamped(sa.select(t, *(e.label(n) for n, e in related.items())).where(current(t), t.c.asset_id == asset_id))
    # Trades are facts (never closed): those up to the stamp's block are the trades at it, while that block is
    # still stored with the same hash (checked in the same statement: a reorg in between sends the request to
    # the snapshot path).
    block = sa.bindparam("block", type_=sa.BigInteger)
    still = sa.select(b.c.hash).where(b.c.number == block).scalar_subquery().label("stamp_still")
    trades = (
        sa.select(tr, still)
        .where(current(tr), tr.c.asset_id == asset_id, tr.c.valid_from_block <= block)
        .order_by(tr.c.valid_from_block.desc(), tr.c.log_index.desc())
        .limit(DETAIL_TRADES)
    )
    return asset, trades


_RELATED_FLAGS: Final = tuple(_related(0, current))
_CURRENT_ASSET, _CURRENT_TRADES = _current_detail_statements()


def _current_asset_detail(request: Request, conn: sa.Connection, asset_id: int) -> Response | None:
    """The current detail in one statement (asset, stamp and which related rows exist), plus one for
    the trades when there are some; None (read it in a snapshot) when the asset is not there, has
    other related rows, or a page of trades and more."""
    rows = conn.execute(_CURRENT_ASSET, {"asset_id": asset_id}).all()
    stamp = stamp_of(rows)
    if stamp is None:  # no such asset (or nothing indexed): the snapshot path says which
        return None
    row = rows[0]
    if any(row._mapping[name] for name in _RELATED_FLAGS if name != "has_trades"):
        return None
    trades: Sequence[Any] = []
    if row.has_trades:
        trades = conn.execute(_CURRENT_TRADES, {"asset_id": asset_id, "block": stamp.number}).all()
        if not trades or trades[0].stamp_still != stamp.hash or len(trades) == DETAIL_TRADES:
            return None
    chain = mappers.ChainState(stamp.time, {}, {})
    return _detail_response(request, stamp, row, chain, trades=trades, trade_count=len(trades))


def _asset_detail(request: Request, conn: sa.Connection, stamp: BlockStamp, asset_id: int) -> Response:
    t = s.assets
    lic, tr, ob, fr, ro, rs = s.licences, s.trades, s.objections, s.freezes, s.rectification_orders, s.revenue_shares
    # The same round trip tells which related tables have rows for the asset (most have few kinds).
    related = _related(asset_id, lambda table: visible(table, stamp))
    row = conn.execute(
        sa.select(t, *(e.label(n) for n, e in related.items())).where(visible(t, stamp), t.c.asset_id == asset_id)
    ).first()
    if row is None:
        raise _not_found(asset_id, stamp)
    found = {name.removeprefix("has_"): bool(row._mapping[name]) for name in related}

    def rows_of(name: str, table: sa.Table, *order: Any, limit: int | None = None) -> Sequence[Any]:
        """The asset's visible rows of ``table`` in ``order`` (no query when the first one said none)."""
        if not found[name]:
            return []
        query = sa.select(table).where(visible(table, stamp), table.c.asset_id == asset_id).order_by(*order)
        return conn.execute(query.limit(limit) if limit is not None else query).all()

    licences = rows_of("licences", lic, lic.c.licence_id)
    trades = rows_of("trades", tr, tr.c.valid_from_block.desc(), tr.c.log_index.desc(), limit=DETAIL_TRADES)
    trade_count = len(trades)
    if trade_count == DETAIL_TRADES:
        trade_count = int(
            conn.execute(
                sa.select(sa.func.count()).select_from(tr).where(visible(tr, stamp), tr.c.asset_id == asset_id)
            ).scalar_one()
        )
    objections = rows_of("objections", ob, ob.c.objection_id)
    freezes = rows_of("freezes", fr, fr.c.valid_from_block, fr.c.log_index)
    orders = rows_of("orders", ro, ro.c.order_id)
    shares = rows_of("shares", rs, rs.c.right)
    po, md = s.public_operations, s.mandates
    operations = rows_of("operations", po, po.c.authorised_block, po.c.operator, po.c.right, po.c.purpose)
    mandates = rows_of("mandates", md, md.c.granted_block, md.c.mandate_id)
    chain = chain_state(conn, stamp, [r._mapping for r in licences])
    return _detail_response(
        request, stamp, row, chain, licences, trades, trade_count, objections, freezes, orders, shares, operations,
        mandates,
    )  # fmt: skip


def _detail_response(
    request: Request,
    stamp: BlockStamp,
    row: Any,
    chain: mappers.ChainState,
    licences: Sequence[Any] = (),
    trades: Sequence[Any] = (),
    trade_count: int = 0,
    objections: Sequence[Any] = (),
    freezes: Sequence[Any] = (),
    orders: Sequence[Any] = (),
    shares: Sequence[Any] = (),
    operations: Sequence[Any] = (),
    mandates: Sequence[Any] = (),
) -> Response:
    detail = m.AssetDetail.model_construct(
        **mappers.asset_fields(row._mapping),
        licences=mappers.licence_tree([r._mapping for r in licences], chain),
        trades=[mappers.trade(r._mapping) for r in trades],
        trade_count=trade_count,
        objections=[mappers.objection(r._mapping) for r in objections],
        freezes=[mappers.freeze(r._mapping) for r in freezes],
        orders=[mappers.order(r._mapping) for r in orders],
        revenue_shares=mappers.revenue_shares([r._mapping for r in shares]),
        public_operations=[mappers.public_operation(r._mapping) for r in operations],
        mandates=[mappers.mandate(r._mapping, stamp.time) for r in mandates],
    )
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=detail))


def actor_of(args: dict[str, Any], event: str = "") -> str | None:
    if event in _ACTOR_OF_EVENT:
        return str(args[_ACTOR_OF_EVENT[event]])
    for name in ACTOR_ARGS:
        value = args.get(name)
        if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
            return value
    return None


def _timestamps(conn: sa.Connection, numbers: set[int]) -> dict[int, int]:
    b = s.blocks
    out: dict[int, int] = {}
    ordered = sorted(numbers)
    for i in range(0, len(ordered), 500):
        chunk = ordered[i : i + 500]
        out.update(
            {
                int(n): int(ts)
                for n, ts in conn.execute(sa.select(b.c.number, b.c.timestamp).where(b.c.number.in_(chunk)))
            }
        )
    return out


def rights_timeline(conn: sa.Connection, asset_id: int, stamp: BlockStamp) -> list[m.RightSpan]:
    """Who held which right when, from the asset's versions up to the stamp's block."""
    t = s.assets
    versions = conn.execute(
        sa.select(t.c.valid_from_block, *(t.c[c] for c in _HOLDERS))
        .where(t.c.asset_id == asset_id, t.c.valid_from_block <= stamp.number)
        .order_by(t.c.valid_from_block)
    ).all()
    spans: list[tuple[int, str, int, int | None]] = []
    for right in Right:
        current: tuple[str, int] | None = None
        for v in versions:
            holder = v[1 + int(right)]
            if current is None or holder != current[0]:
                if current is not None:
                    spans.append((int(right), current[0], current[1], int(v[0])))
                current = (holder, int(v[0]))
        if current is not None:
            spans.append((int(right), current[0], current[1], None))
    times = _timestamps(conn, {b for _, _, f, to in spans for b in (f, to) if b is not None})
    return [
        m.RightSpan.model_construct(
            right=right,
            right_name=m.enum_name(Right, right),
            holder=holder,
            from_block=start,
            from_timestamp=times.get(start),
            to_block=end,
            to_timestamp=None if end is None else times.get(end),
        )
        for right, holder, start, end in spans
    ]


@router.get(
    "/{asset_id}/history",
    response_model=m.PagedEnvelope[m.AssetHistory],
    summary="An asset's history: rights timeline and every event (block, time, transaction, actor), paged.",
    responses=NOT_FOUND,
)
def get_asset_history(
    conn: ReadConn, stamp: Stamp, asset_id: AssetIdPath, cursor: BlockLogCursorQ = None, limit: LimitQ = 100
) -> Response:
    t = s.assets
    exists = conn.execute(
        sa.select(t.c.asset_id).where(t.c.asset_id == asset_id, t.c.valid_from_block <= stamp.number).limit(1)
    ).first()
    if exists is None:
        raise _not_found(asset_id, stamp)
    e = s.events
    query = sa.select(e).where(e.c.asset_id == asset_id, e.c.block_number <= stamp.number)
    rows, next_cursor = fetch_page(conn, query, [e.c.block_number, e.c.log_index], [int, int], cursor, limit)
    times = _timestamps(conn, {int(r.block_number) for r in rows})
    events = [
        m.EventOut.model_construct(
            block_number=r.block_number,
            log_index=r.log_index,
            timestamp=times.get(int(r.block_number)),
            tx_hash=r.tx_hash,
            contract=r.contract,
            name=r.name,
            actor=actor_of(r.args, r.name),
            args=r.args,
        )
        for r in rows
    ]
    history = m.AssetHistory.model_construct(
        asset_id=asset_id, rights_timeline=rights_timeline(conn, asset_id, stamp), events=events
    )
    return json_response(m.PagedEnvelope.model_construct(block=block_ref(stamp), data=history, next_cursor=next_cursor))
