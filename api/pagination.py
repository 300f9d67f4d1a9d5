"""Keyset pagination with cursors that are keyset positions.

A list is ordered by a stable key (a tuple of columns, unique per row); a cursor is the key of the
last row of a page, its values joined by ``.`` (integers in decimal, accounts as ``0x`` addresses, hashes
as ``0x`` and 64 hex digits), e.g. ``812.3`` for block 812, log 3. The next page is ``WHERE key > cursor
ORDER BY key LIMIT n`` — an index range scan, never an OFFSET. Any position is a valid cursor (the rows
after it), so a cursor's schema (:func:`cursor_query`: a pattern per list) promises exactly what the list
accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Final

import sqlalchemy as sa
from fastapi import HTTPException, Query

__all__ = [
    "HASH",
    "AccountCursorQ",
    "AccountIdCursorQ",
    "BlockHashCursorQ",
    "BlockLogCursorQ",
    "CursorQ",
    "LimitQ",
    "OperationCursorQ",
    "decode_cursor",
    "encode_cursor",
    "fetch_page",
    "page_of",
    "page_query",
]

MAX_LIMIT: Final = 1000
DEFAULT_LIMIT: Final = 100

INT: Final = "int"  # a BIGINT key column (up to 18 digits: every value within BIGINT's range)
ACCOUNT: Final = "account"  # an address key column
HASH: Final = "hash"  # a 32-byte hash key column (stored in lower case)
_PART: Final = {INT: r"-?[0-9]{1,18}", ACCOUNT: r"0x[0-9a-fA-F]{40}", HASH: r"0x[0-9a-fA-F]{64}"}
_TYPES: Final = {int: INT, str: ACCOUNT}

KeyType = type | str  # int, str (an address), or a kind of :data:`_PART` (:data:`HASH`)

LimitQ = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Page size (at most {MAX_LIMIT}).", examples=[DEFAULT_LIMIT])
]


def _pattern(kinds: Sequence[str]) -> str:
    return "^" + r"\.".join(_PART[k] for k in kinds) + "$"


def _cursor(kinds: Sequence[str], example: str) -> Any:
    """The ``cursor`` parameter of a list keyed by columns of ``kinds`` (:data:`INT`, :data:`ACCOUNT`)."""
    return Query(
        pattern=_pattern(kinds),
        description=(
            "`next_cursor` of the previous page (unset for the first page): the key of the last row seen"
            " (values joined by `.`); the page holds the rows after it."
        ),
        examples=[example],
    )


CursorQ = Annotated[str | None, _cursor((INT,), "100")]  # lists keyed by one id
BlockLogCursorQ = Annotated[str | None, _cursor((INT, INT), "812.3")]  # by block and log index
AccountCursorQ = Annotated[str | None, _cursor((ACCOUNT,), "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")]
AccountIdCursorQ = Annotated[
    str | None, _cursor((ACCOUNT, INT), "0x70997970C51812dc3A010C7d01b50e0d17dc79C8.12")
]  # by account, then id
BlockHashCursorQ = Annotated[
    str | None, _cursor((INT, HASH), "812.0x" + "ab" * 32)
]  # by block, then a hash (mandates: granted block, mandate id)
OperationCursorQ = Annotated[
    str | None, _cursor((INT, ACCOUNT, INT, INT), "1.0x70997970C51812dc3A010C7d01b50e0d17dc79C8.2.1")
]  # authorised operations: asset, operator, right, purpose


def encode_cursor(key: Sequence[Any]) -> str:
    return ".".join(str(v) for v in key)


def _bad_cursor(why: str) -> HTTPException:
    return HTTPException(422, [{"loc": ["query", "cursor"], "msg": f"invalid cursor: {why}", "type": "value_error"}])


def _kind(t: KeyType) -> str:
    return t if isinstance(t, str) else _TYPES[t]


def _value(v: str, kind: str) -> Any:
    if kind == INT:
        return int(v)
    return v.lower() if kind == HASH else v


def decode_cursor(cursor: str, types: Sequence[KeyType]) -> tuple[Any, ...]:
    """The key in ``cursor``, checked against the key's column types (int within BIGINT, an address, or
    :data:`HASH`)."""
    kinds = [_kind(t) for t in types]
    if re.fullmatch(_pattern(kinds), cursor) is None:
        raise _bad_cursor(f"expected {'.'.join(kinds)} (the key of this list's last row seen)")
    return tuple(_value(v, k) for v, k in zip(cursor.split("."), kinds, strict=True))


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
    key_types: Sequence[KeyType],
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
    key_types: Sequence[KeyType],
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
