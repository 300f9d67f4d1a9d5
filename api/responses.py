"""Shared response pieces: documented errors, envelopes, and ETags on detail endpoints."""

from __future__ import annotations

import hashlib
from typing import Any, Final

from fastapi import Request, Response
from pydantic import BaseModel

from api.deps import BlockStamp
from api.schemas import BlockRef, ErrorBody

__all__ = ["ERRORS", "NOT_FOUND", "block_ref", "etag_matches", "etag_response", "json_response"]

_422: Final = {"model": ErrorBody, "description": "A parameter is invalid; `detail` lists each one with its location."}
_503: Final = {"model": ErrorBody, "description": "The store holds no indexed block yet."}
_404_AT: Final = {"model": ErrorBody, "description": "`?at=` names a block above the last indexed one."}
ERRORS: Final[dict[int | str, dict[str, Any]]] = {404: _404_AT, 422: _422, 503: _503}
NOT_FOUND: Final[dict[int | str, dict[str, Any]]] = {
    **ERRORS,
    404: {
        "model": ErrorBody,
        "description": "No such record (at the block asked about), or `?at=` names a block not indexed yet.",
    },
    304: {"description": "Not modified: the If-None-Match header names the current ETag."},
}


def block_ref(stamp: BlockStamp) -> BlockRef:
    return BlockRef.model_construct(number=stamp.number, hash=stamp.hash, timestamp=stamp.timestamp)


def json_response(body: BaseModel) -> Response:
    """``body`` serialised once (the route's ``response_model`` documents it; FastAPI would validate
    the returned model against it a second time)."""
    return Response(body.model_dump_json().encode(), media_type="application/json")


def etag_matches(wanted: str | None, tag: str) -> bool:
    """Whether an If-None-Match value (None: no such header) names ``tag`` (weak or strong) or is ``*``."""
    if wanted is None:
        return False
    return wanted.strip() == "*" or tag in [t.strip().removeprefix("W/") for t in wanted.split(",")]


def etag_response(request: Request, body: BaseModel) -> Response:
    """``body`` as JSON with a strong ETag over its bytes; 304 when If-None-Match names it."""
    payload = body.model_dump_json().encode()
    tag = '"' + hashlib.blake2b(payload, digest_size=16).hexdigest() + '"'
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if etag_matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    return Response(payload, media_type="application/json", headers=headers)
