"""Keyset pagination with opaque cursors.

A list is ordered by a stable key (a tuple of columns, unique per row); a cursor is the key of the
last row of a page, base64url-encoded JSON. The next page is ``WHERE key > cursor ORDER BY key
LIMIT n`` — an index range scan, never an OFFSET.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Final

import orjson
import sqlalchemy as sa
from fastapi import HTTPException, Query

__all__ = ["CursorQ", "LimitQ", "decode_cursor", "encode_cursor", "fetch_page", "page_of", "page_query"]

MAX_LIMIT: Final = 1000
DEFAULT_LIMIT: Final = 100
_INT64: Final = (-(1 << 63), (1 << 63) - 1)

LimitQ = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Page size (at most {MAX_LIMIT}).", examples=[DEFAULT_LIMIT])
]
CursorQ = Annotated[
    str | None,
    Query(
        max_length=512,
        description="`next_cursor` of the previous page; unset for the first page.",
        examples=["WzEwMF0"],
    ),
]


def encode_cursor(key: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(key))).decode().rstrip("=")


def _bad_cursor(why: str) -> HTTPException:
    return HTTPException(422, [{"loc": ["query", "cursor"], "msg": f"invalid cursor: {why}", "type": "value_error"}])


def decode_cursor(cursor: str, types: Sequence[type]) -> tuple[Any, ...]:
    """The key in ``cursor``, checked against the key's column types (int within BIGINT, or str)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = orjson.loads(raw)
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise _bad_cursor("not one of this API's cursors") from None
    if not isinstance(key, list) or len(key) != len(types):
        raise _bad_cursor("it does not belong to this list")
    for value, type_ in zip(key, types, strict=True):
        if type(value) is not type_:
            raise _bad_cursor("it does not belong to this list")
        if isinstance(value, int) and not _INT64[0] <= value <= _INT64[1]:
            raise _bad_cursor("value out of range")
        if isinstance(value, str) and len(value) > 256:
            raise _bad_cursor("value too long")
    return tuple(key)


def after(columns: Sequence[sa.ColumnElement[Any]], key: Sequence[Any]) -> sa.ColumnElement[bool]:
    """``(columns) > (key)`` spelt so both SQLite and PostgreSQL can range-scan an index on them."""
    if len(columns) == 1:
        single: sa.ColumnElement[bool] = columns[0] > key[0]
        return single
    # (a, b) > (x, y)  <=>  a > x OR (a = x AND (b) > (y)); the leading a >= x bounds the scan.
    head, rest = columns[0], columns[1:]
    later: sa.ColumnElement[bool] = sa.and_(head >= key[0], sa.or_(head > key[0], after(rest, key[1:])))
    return later


def fetch_page(
    conn: sa.Connection,
    query: sa.Select[Any],
    key: Sequence[sa.ColumnElement[Any]],
    key_types: Sequence[type],
    cursor: str | None,
    limit: int,
    *,
    key_of: Callable[[Any], Sequence[Any]] | None = None,
) -> tuple[list[Any], str | None]:
    """One page of ``query`` in ``key`` order after ``cursor``, and the cursor of the next page."""
    rows = list(conn.execute(page_query(query, key, key_types, cursor, limit)))
    return page_of(rows, key, limit, key_of=key_of)


def page_query(
    query: sa.Select[Any],
    key: Sequence[sa.ColumnElement[Any]],
    key_types: Sequence[type],
    cursor: str | None,
    limit: int,
) -> sa.Select[Any]:
    """``query`` after ``cursor`` in ``key`` order, one row more than ``limit`` (is there a next page?)."""
    if cursor:
        query = query.where(after(key, decode_cursor(cursor, key_types)))
    return query.order_by(*key).limit(limit + 1)


def page_of(
    rows: Sequence[Any],
    key: Sequence[sa.ColumnElement[Any]],
    limit: int,
    *,
    key_of: Callable[[Any], Sequence[Any]] | None = None,
) -> tuple[list[Any], str | None]:
    """The page in the rows of :func:`page_query`, and the cursor of the next page."""
    more = len(rows) > limit
    page = list(rows[:limit])
    if not more or not page:
        return page, None
    last = page[-1]
    values = key_of(last) if key_of is not None else [last._mapping[c.name] for c in key]
    return page, encode_cursor(values)
