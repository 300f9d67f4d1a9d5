"""Licences and sublicences: by asset, licensor, licensee, purpose, territory, validity time."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any, cast

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from api import mappers
from api import schemas as m
from api.deps import BlockStamp, ReadConn, Stamp
from api.pagination import CursorQ, LimitQ, fetch_page
from api.params import BIGINT_MAX, INT32_MAX, AddressQ, AssetIdQ, TimeQ, parse_time
from api.responses import ERRORS, NOT_FOUND, block_ref, etag_response, json_response
from api.views import named, visible
from ledger.contracts.types import AssetStatus
from ledger.store import schema as s

#: Sublicences go at most this deep (AssetRegistryBase._MAX_DEPTH): a licence has at most this many ancestors.
MAX_DEPTH = 3

__all__ = ["chain_state", "router"]

router = APIRouter(prefix="/api/v1/licences", tags=["licences"])

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


def json_array_contains(
    conn: sa.Connection, column: sa.ColumnElement[object], value: int | str
) -> sa.ColumnElement[bool]:
    """``value`` is an element of the JSON array in ``column``."""
    if conn.dialect.name == "postgresql":
        literal = sa.func.jsonb_build_array(sa.literal(value))
        contains: sa.ColumnElement[bool] = column.op("@>")(literal)
        return contains
    each = sa.func.json_each(column).table_valued("value")
    return sa.exists(sa.select(1).select_from(each).where(each.c.value == value))


def chain_state(conn: sa.Connection, stamp: BlockStamp, rows: Sequence[Any]) -> mappers.ChainState:
    """What the validity of ``rows`` (licence rows) depends on: the licences above them (read level by level, at
    most three) and their assets' status, at the stamp's block."""
    t, a = s.licences, s.assets
    known: dict[int, Any] = {int(r["licence_id"]): r for r in rows}
    wanted = {int(r["parent_id"]) for r in rows if r["parent_id"]} - known.keys()
    while wanted:
        found = conn.execute(sa.select(t).where(visible(t, stamp), t.c.licence_id.in_(sorted(wanted)))).all()
        known.update({int(r.licence_id): r._mapping for r in found})
        wanted = {int(r.parent_id) for r in found if r.parent_id} - known.keys()
    assets = sorted({int(r["asset_id"]) for r in rows})
    status = dict(
        conn.execute(sa.select(a.c.asset_id, a.c.status).where(visible(a, stamp), a.c.asset_id.in_(assets))).all()
    ) if assets else {}  # fmt: skip
    return mappers.ChainState(stamp.time, known, {int(k): int(v) for k, v in status.items()})


def _valid_at(stamp: BlockStamp, when: int) -> list[sa.ColumnElement[bool]]:
    """Licences valid at ``when`` (isLicenseValid): started, not ended, not revoked, every licence above them too
    (nested EXISTS, one level per possible ancestor), and the asset registered."""
    t, a = s.licences, s.assets

    def in_force(x: sa.FromClause) -> list[sa.ColumnElement[bool]]:
        return [x.c.revoked.is_(False), x.c.starts_at <= when, x.c.ends_at > when]

    def chain(child: sa.FromClause, level: int) -> sa.ColumnElement[bool]:
        if level == MAX_DEPTH:
            return child.c.parent_id == 0
        parent = cast(sa.Table, t.alias())  # an alias of the versioned table: visible() reads the same columns
        above = sa.select(parent.c.licence_id).where(
            visible(parent, stamp), parent.c.licence_id == child.c.parent_id, *in_force(parent),
            chain(parent, level + 1),
        )  # fmt: skip
        return sa.or_(child.c.parent_id == 0, sa.exists(above))

    registered = sa.select(a.c.asset_id).where(
        visible(a, stamp), a.c.asset_id == t.c.asset_id, a.c.status == int(AssetStatus.REGISTERED)
    )
    return [*in_force(t), chain(t, 0), sa.exists(registered)]


@router.get(
    "",
    response_model=m.Page[m.LicenceOut],
    summary="Licences and sublicences by id, filtered by asset, parties, purpose, territory and validity.",
    responses=ERRORS,
)
def list_licences(
    conn: ReadConn,
    stamp: Stamp,
    asset_id: AssetIdQ = None,
    licensor: Annotated[AddressQ, Query(description="Granted by this account.")] = None,
    licensee: Annotated[AddressQ, Query(description="Held by this account.")] = None,
    purpose: Annotated[int | None, Query(ge=0, le=INT32_MAX, description="Purpose code.", examples=[1])] = None,
    region: Annotated[
        int | None, Query(ge=0, le=INT32_MAX, description="Territory includes this region code.", examples=[450000])
    ] = None,
    territory: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z]{2}$", description="Territory includes this country code (ISO 3166).", examples=["CN"]
        ),
    ] = None,
    valid_at: Annotated[
        TimeQ,
        Query(description="Valid at this time: started, not ended, neither it nor a licence above it revoked, the"
                          " asset registered (isLicenseValid)."),
    ] = None,
    parent_id: Annotated[
        int | None, Query(ge=0, le=BIGINT_MAX, description="Sublicences of this licence (0: top-level).", examples=[0])
    ] = None,
    revoked: Annotated[bool | None, Query(description="Only revoked (true) or unrevoked (false).")] = None,
    cursor: CursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.licences
    query = sa.select(t).where(visible(t, stamp))
    for column, value in (
        ("asset_id", asset_id), ("purpose", purpose), ("parent_id", parent_id), ("revoked", revoked),
    ):  # fmt: skip
        if value is not None:
            query = query.where(t.c[column] == value)
    for column, account in (("licensor", licensor), ("licensee", licensee)):
        if account is not None:
            query = query.where(named(t.c[column], account))
    if region is not None:
        query = query.where(json_array_contains(conn, t.c.regions, region))
    if territory is not None:
        if not _COUNTRY.match(territory):
            raise HTTPException(
                422, [{"loc": ["query", "territory"], "msg": "expected a 2-letter country code", "type": "value_error"}]
            )
        query = query.where(json_array_contains(conn, t.c.countries, territory.upper()))
    when = parse_time(valid_at, "valid_at")
    if when is not None:
        query = query.where(*_valid_at(stamp, when))
    rows, next_cursor = fetch_page(conn, query, [t.c.licence_id], [int], cursor, limit)
    chain = chain_state(conn, stamp, [r._mapping for r in rows])
    return json_response(
        m.Page.model_construct(
            block=block_ref(stamp), data=[mappers.licence(r._mapping, chain) for r in rows], next_cursor=next_cursor
        )
    )


@router.get(
    "/{licence_id}",
    response_model=m.Envelope[m.LicenceNode],
    summary="One licence with its sublicences as a tree.",
    responses=NOT_FOUND,
)
def get_licence(
    request: Request,
    conn: ReadConn,
    stamp: Stamp,
    licence_id: Annotated[int, Path(ge=0, le=BIGINT_MAX, description="Licence id.", examples=[1])],
) -> Response:
    t = s.licences
    row = conn.execute(sa.select(t).where(visible(t, stamp), t.c.licence_id == licence_id)).first()
    if row is None:
        at = "" if stamp.at_block is None else f" at block {stamp.number}"
        raise HTTPException(404, f"no licence {licence_id}{at}")
    siblings = conn.execute(
        sa.select(t).where(visible(t, stamp), t.c.asset_id == row.asset_id, t.c.depth > row.depth)
    ).all()
    rows = [row._mapping, *(r._mapping for r in siblings)]
    node = next(n for n in mappers.licence_tree(rows, chain_state(conn, stamp, rows)) if n.licence_id == licence_id)
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=node))
