"""Search across assets (name, certificate number, id, content hash), participants (account, name, unified social
credit code) and transactions (hash)."""

from __future__ import annotations

import re
from typing import Annotated, Final

import sqlalchemy as sa
from eth_utils.address import to_checksum_address
from fastapi import APIRouter, Query, Response

from api import schemas as m
from api.deps import CurrentStamp, ReadConn
from api.responses import ERRORS, block_ref, json_response
from api.routes.assets import text_match
from api.views import visible
from ledger.contracts.credit_code import PATTERN as CREDIT_CODE_PATTERN
from ledger.contracts.credit_code import lookup_hash
from ledger.store import schema as s

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/search", tags=["search"])

_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
_CREDIT_CODE = re.compile(CREDIT_CODE_PATTERN)
_PER_KIND: Final = 20


@router.get(
    "",
    response_model=m.Envelope[list[m.SearchHit]],
    summary="Assets, participants, certificate numbers and transactions matching the text (20 of each at most).",
    responses=ERRORS,
)
def search(
    conn: ReadConn,
    stamp: CurrentStamp,
    q: Annotated[
        str,
        Query(min_length=1, max_length=200, pattern=r"^[^\x00]+$", description="Search text.", examples=["logistics"]),
    ],
) -> Response:
    text = q.strip()
    hits: list[m.SearchHit] = []
    a, p, e = s.assets, s.participants, s.events
    if text:
        for r in conn.execute(
            sa.select(a.c.asset_id, a.c.name, a.c.certificate_serial)
            .where(visible(a, stamp), text_match(a, text))
            .order_by(a.c.asset_id)
            .limit(_PER_KIND)
        ):
            if r.certificate_serial and (text == str(r.certificate_serial) or text.upper().startswith("DR-")):
                label = f"certificate {text}: {r.name}"
                hits.append(
                    m.SearchHit.model_construct(
                        type="certificate", id=str(r.asset_id), label=label, asset_id=r.asset_id
                    )
                )
            else:
                hits.append(
                    m.SearchHit.model_construct(type="asset", id=str(r.asset_id), label=r.name, asset_id=r.asset_id)
                )
        people = sa.select(p.c.account, p.c.name).where(visible(p, stamp))
        if _ADDRESS.match(text):
            people = people.where(p.c.account == to_checksum_address(text))
        else:
            like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            named: sa.ColumnElement[bool] = p.c.name.ilike(like, escape="\\")
            if _CREDIT_CODE.match(text):  # the organisation of that credit code (the store keeps its hash), or a name
                named = sa.or_(p.c.credit_code_hash == lookup_hash(text), named)
            people = people.where(named)
        for who in conn.execute(people.order_by(p.c.account).limit(_PER_KIND)):
            hits.append(m.SearchHit.model_construct(type="participant", id=who.account, label=who.name))
        if _HASH.match(text):
            for t in conn.execute(
                sa.select(e.c.tx_hash, e.c.name, e.c.asset_id)
                .where(e.c.tx_hash == text.lower(), e.c.block_number <= stamp.number)
                .order_by(e.c.block_number, e.c.log_index)
                .limit(_PER_KIND)
            ):
                hits.append(
                    m.SearchHit.model_construct(type="transaction", id=t.tx_hash, label=t.name, asset_id=t.asset_id)
                )
    return json_response(m.Envelope.model_construct(block=block_ref(stamp), data=hits))
