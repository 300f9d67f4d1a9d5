"""Exchange listings (挂牌, art. 16-17): the data products exchanges list with their sellers' signed consent, where
each stands (on sale, upcoming, suspended while its asset is frozen or disputed, expired, delisted, withdrawn), its
amendments and the trades settled under it, as of the answer's block (``?at=``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Final

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from api import mappers
from api import schemas as m
from api.deps import BlockStamp, ReadConn, Stamp
from api.pagination import HASH, BlockHashCursorQ, LimitQ, fetch_page
from api.params import AddressQ, AssetIdQ
from api.responses import ERRORS, NOT_FOUND, block_ref, etag_response, json_response
from api.routes.mandates import trades_under
from api.views import named, visible
from ledger.contracts.types import AssetStatus
from ledger.listings import LISTING_DELISTED, LISTING_LISTED, LISTING_WITHDRAWN
from ledger.store import schema as s

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["listings"])

_HASH: Final = r"^0x[0-9a-fA-F]{64}$"


class Standing(StrEnum):
    on_sale = "on_sale"
    upcoming = "upcoming"
    suspended = "suspended"
    expired = "expired"
    delisted = "delisted"
    withdrawn = "withdrawn"


def _assets_of(conn: sa.Connection, stamp: BlockStamp, asset_ids: set[int]) -> dict[int, sa.RowMapping]:
    """The records of ``asset_ids`` as of the answer's block (one query)."""
    if not asset_ids:
        return {}
    a = s.assets
    query = sa.select(a).where(visible(a, stamp), a.c.asset_id.in_(sorted(asset_ids)))
    return {r.asset_id: r._mapping for r in conn.execute(query)}


def _standing(query: sa.Select[tuple[object, ...]], standing: Standing, stamp: BlockStamp) -> sa.Select[
        tuple[object, ...]]:  # fmt: skip
    t, a = s.listings, s.assets
    if standing is Standing.withdrawn:
        return query.where(t.c.status == LISTING_WITHDRAWN)
    if standing is Standing.delisted:
        return query.where(t.c.status == LISTING_DELISTED)
    listed = query.where(t.c.status == LISTING_LISTED)
    if standing is Standing.expired:
        return listed.where(t.c.ends_at < stamp.time)
    if standing is Standing.upcoming:
        return listed.where(t.c.starts_at > stamp.time)
    deliverable = sa.exists().where(
        visible(a, stamp), a.c.asset_id == t.c.asset_id, a.c.status == int(AssetStatus.REGISTERED),
        sa.not_(a.c.frozen), sa.not_(a.c.disputed), sa.not_(a.c.suspended),
    )  # fmt: skip
    in_period = listed.where(t.c.starts_at <= stamp.time, t.c.ends_at >= stamp.time)
    return in_period.where(deliverable if standing is Standing.on_sale else sa.not_(deliverable))


@router.get(
    "/listings",
    response_model=m.Page[m.ListingOut],
    summary="Exchange listings of data products (挂牌), oldest first, by exchange, seller, asset and standing.",
    responses=ERRORS,
)
def list_listings(
    conn: ReadConn,
    stamp: Stamp,
    exchange: Annotated[AddressQ, Query(description="Listed by this exchange.")] = None,
    seller: Annotated[AddressQ, Query(description="Of this seller.")] = None,
    asset_id: AssetIdQ = None,
    standing: Annotated[
        Standing | None,
        Query(
            description="Where it stands at the answer's block time: on_sale, upcoming, suspended (its asset is "
            "frozen, disputed or otherwise not deliverable), expired, delisted or withdrawn."
        ),
    ] = None,
    cursor: BlockHashCursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.listings
    query = sa.select(t).where(visible(t, stamp))
    if exchange is not None:
        query = query.where(named(t.c.exchange, exchange))
    if seller is not None:
        query = query.where(named(t.c.seller, seller))
    if asset_id is not None:
        query = query.where(t.c.asset_id == asset_id)
    if standing is not None:
        query = _standing(query, standing, stamp)
    rows, next_cursor = fetch_page(conn, query, [t.c.listed_block, t.c.listing_key], [int, HASH], cursor, limit)
    assets = _assets_of(conn, stamp, {int(r.asset_id) for r in rows})
    data = [mappers.listing(r._mapping, assets.get(int(r.asset_id)), stamp.time) for r in rows]
    return json_response(m.Page.model_construct(block=block_ref(stamp), data=data, next_cursor=next_cursor))


@router.get(
    "/listings/{listing_key}",
    response_model=m.Envelope[m.ListingDetail],
    summary="One listing: its terms, where it stands, every version listed and the trades settled under it.",
    responses=NOT_FOUND,
)
def get_listing(
    request: Request,
    conn: ReadConn,
    stamp: Stamp,
    listing_key: Annotated[str, Path(pattern=_HASH, description="Listing key (0x + 64 hex digits).")],
) -> Response:
    t = s.listings
    key = listing_key.lower()
    row = conn.execute(sa.select(t).where(visible(t, stamp), t.c.listing_key == key)).first()
    if row is None:
        raise HTTPException(404, f"no listing {key}")
    history = conn.execute(
        sa.select(t).where(t.c.listing_key == key, t.c.valid_from_block <= stamp.number).order_by(t.c.valid_from_block)
    ).all()
    versions: dict[int, m.ListingVersionOut] = {}
    for version in history:  # a listing's rows: one per amendment, and per sale or ending of a version
        if int(version.version) not in versions:
            versions[int(version.version)] = mappers.listing_version(version._mapping)
    trades, count = trades_under(conn, stamp, key)
    asset = _assets_of(conn, stamp, {int(row.asset_id)}).get(int(row.asset_id))
    detail = m.ListingDetail.model_construct(
        **mappers.listing_fields(row._mapping, asset, stamp.time),
        versions=list(versions.values()),
        trades=trades,
        trade_count=count,
    )
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=detail))
