"""Request dependencies, as ``Annotated`` aliases for route signatures.

``ReadConn`` opens one read transaction per request, so that every query of a response (and the
block it reports) sees one snapshot of the store (SQLite WAL: the transaction's snapshot;
PostgreSQL: REPEATABLE READ). ``Stamp`` resolves ``?at=`` to the block a response reflects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, Final

import anyio
import sqlalchemy as sa
from fastapi import Depends, HTTPException, Query, Request, Response
from pydantic import WithJsonSchema

from api.params import BIGINT_MAX, TIME_LENGTH, iso_seconds
from ledger.settings import LedgerSettings
from ledger.store import Store
from ledger.store import schema as s

__all__ = [
    "AtQ",
    "BlockStamp",
    "ReadConn",
    "SettingsDep",
    "Stamp",
    "StoreDep",
    "read_current",
    "read_fast",
    "read_limiter",
    "read_snapshot",
    "resolve_at",
    "stamp_of",
    "stamped",
]

_DIGITS = re.compile(r"^[0-9]{1,19}$")


# No I/O: async, so FastAPI runs them on the event loop instead of hopping to a worker thread.
async def get_settings(request: Request) -> LedgerSettings:
    settings: LedgerSettings = request.app.state.settings
    return settings


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


SettingsDep = Annotated[LedgerSettings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]


@contextmanager
def read_snapshot(store: Store) -> Iterator[sa.Connection]:
    """A connection in a read transaction: one consistent snapshot of the store."""
    options: dict[str, object] = {}
    if store.dialect == "postgresql":
        # Sent with the BEGIN (psycopg), no extra round trip; read-only mode would cost two SETs.
        options = {"isolation_level": "REPEATABLE READ"}
    with store.engine.connect().execution_options(**options) as conn, conn.begin():
        yield conn


def get_read_connection(request: Request) -> Iterator[sa.Connection]:
    with read_snapshot(request.app.state.reader) as conn:
        yield conn


ReadConn = Annotated[sa.Connection, Depends(get_read_connection)]


@dataclass(frozen=True, slots=True)
class BlockStamp:
    """The block a response reflects. ``at_block`` is None for the current state (read through the
    ``valid_to_block IS NULL`` fast path), else the block number to read state as of. ``timestamp`` is None
    only for the block just below the first indexed one (the state before anything was recorded)."""

    number: int
    hash: str
    timestamp: int | None
    at_block: int | None

    @property
    def time(self) -> int:
        """The time answers that depend on it are judged at (licence validity, mandate expiry): the block's
        timestamp, or 0 for the state before anything was recorded (no licence or mandate exists then)."""
        return 0 if self.timestamp is None else self.timestamp


AT_DESCRIPTION: Final = (
    "Point in time: a block number (e.g. `120`) or an RFC 3339 date-time with its zone (e.g."
    " `2026-11-28T10:00:00Z`): the state after the last indexed block at or before that time. Unset: the"
    " current state. The envelope's `block` names the stored block the answer reflects (a block without"
    " ledger events has the same state as the stored block below it). A block or time before the first"
    " indexed block answers with the state before anything was recorded (empty lists, 404 for records),"
    " and `block` names the block just below the first indexed one (its `timestamp` null). A block above"
    " the last indexed one is not known yet: 404."
)


def _not_indexed() -> HTTPException:
    return HTTPException(503, "the store holds no indexed block yet")


def _bad_at(message: str) -> HTTPException:
    return HTTPException(422, [{"loc": ["query", "at"], "msg": message, "type": "value_error"}])


def _before_first(conn: sa.Connection) -> BlockStamp:
    """The state before the first indexed block: nothing of the ledger existed yet (the indexer stores every
    block with ledger events), named by the block below it, whose hash is the first block's parent hash."""
    b = s.blocks
    first = conn.execute(sa.select(b.c.number, b.c.parent_hash).order_by(b.c.number).limit(1)).first()
    if first is None:
        raise _not_indexed()
    number = int(first[0]) - 1
    return BlockStamp(number, str(first[1]), None, number)


def resolve_at(conn: sa.Connection, at: str | None) -> BlockStamp:
    """Resolves ``?at=`` (None, a block number or an ISO timestamp) against the store's blocks."""
    cp = conn.execute(
        sa.select(s.checkpoint.c.block_number, s.checkpoint.c.block_hash, s.blocks.c.timestamp)
        .select_from(s.checkpoint.outerjoin(s.blocks, s.blocks.c.number == s.checkpoint.c.block_number))
        .limit(1)
    ).first()
    if cp is None:
        raise _not_indexed()
    head = int(cp[0])
    if at is None or at == "":
        return BlockStamp(head, str(cp[1]), int(cp[2] or 0), None)
    b = s.blocks
    query = sa.select(b.c.number, b.c.hash, b.c.timestamp)
    if _DIGITS.match(at):
        number = int(at)
        if number > BIGINT_MAX:
            raise _bad_at(f"block {at} is out of range (at most {BIGINT_MAX})")
        if number > head:
            raise HTTPException(404, f"block {number} is not indexed yet (the last indexed block is {head})")
        query = query.where(b.c.number <= number).order_by(b.c.number.desc())
    else:
        seconds = iso_seconds(at, "at", "a block number or a date-time with its zone")
        query = query.where(b.c.number <= head, b.c.timestamp <= seconds).order_by(b.c.number.desc())
    row = conn.execute(query.limit(1)).first()
    if row is None:
        return _before_first(conn)
    number = int(row[0])
    return BlockStamp(number, str(row[1]), int(row[2]), None if number == head else number)


#: ``?at=``'s schema: what :func:`resolve_at` accepts and nothing it refuses.
AT_SCHEMA: Final[dict[str, Any]] = {
    "anyOf": [
        {"type": "integer", "minimum": 0, "maximum": BIGINT_MAX, "description": "A block number."},
        {"type": "string", "format": "date-time", "maxLength": TIME_LENGTH, "description": "RFC 3339 date-time."},
    ]
}

AtQ = Annotated[
    str | None,
    Query(description=AT_DESCRIPTION, min_length=1, max_length=TIME_LENGTH, examples=["120", "2026-11-28T10:00:00Z"]),
    WithJsonSchema(AT_SCHEMA),
]


def get_stamp(conn: ReadConn, at: AtQ = None) -> BlockStamp:
    return resolve_at(conn, at)


_READERS: Final = 8  # at most this many requests in the database at once per process (pool: 5 + 10 overflow)


def read_limiter(request: Request) -> anyio.CapacityLimiter:
    """Requests beyond it wait on the event loop, not in a thread holding (or queueing for) a pooled connection."""
    limiter: anyio.CapacityLimiter | None = getattr(request.app.state, "read_limiter", None)
    if limiter is None:
        limiter = request.app.state.read_limiter = anyio.CapacityLimiter(_READERS)
    return limiter


def _stamp_columns() -> tuple[sa.Label[Any], ...]:
    cp, b = s.checkpoint, s.blocks
    number = sa.select(cp.c.block_number).limit(1).scalar_subquery()
    return (
        number.label("stamp_number"),
        sa.select(cp.c.block_hash).limit(1).scalar_subquery().label("stamp_hash"),
        sa.select(b.c.timestamp).where(b.c.number == number).scalar_subquery().label("stamp_timestamp"),
    )


_STAMP: Final = _stamp_columns()  # built once: constructing SQL per request costs more than running it


def stamped(query: sa.Select[Any]) -> sa.Select[Any]:
    """``query`` with the current block stamp on every row (columns ``stamp_number``, ``stamp_hash``,
    ``stamp_timestamp``): ONE statement, so one snapshot of the store, and the stamp names the block
    the rows reflect without a transaction (PostgreSQL: no BEGIN and COMMIT round trips)."""
    return query.add_columns(*_STAMP)


def stamp_of(rows: Sequence[sa.Row[Any]]) -> BlockStamp | None:
    """The stamp of :func:`stamped` rows; None without rows (then nothing tells the block: read the
    answer in a snapshot instead)."""
    if not rows:
        return None
    first = rows[0]._mapping
    if first["stamp_number"] is None:
        return None
    return BlockStamp(int(first["stamp_number"]), str(first["stamp_hash"]), int(first["stamp_timestamp"] or 0), None)


@contextmanager
def read_current(store: Store) -> Iterator[sa.Connection]:
    """A connection for :func:`stamped` statements. PostgreSQL: autocommit, each statement its own
    snapshot and no BEGIN/COMMIT round trips (the pool's reset finds no transaction to roll back);
    SQLite: a read transaction (in-process, nothing to save)."""
    if store.dialect != "postgresql":
        with read_snapshot(store) as conn:
            yield conn
        return
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        yield conn


async def read_fast(
    request: Request,
    at: str | None,
    fast: Callable[[sa.Connection], Response | None],
    answer: Callable[[sa.Connection, BlockStamp], Response],
) -> Response:
    """``answer(conn, stamp)`` in one worker thread, in one snapshot of the store as of ``at``; but the
    current state (``at`` unset) is first read by ``fast(conn)`` on a :func:`read_current` connection,
    in :func:`stamped` statements; ``fast`` returns None when it cannot answer that way, and ``answer``
    then runs in a snapshot (same worker thread).

    The hot routes use this instead of the ``ReadConn``/``Stamp`` dependencies: one hop to a worker
    thread per request instead of four (connection, stamp, route, connection clean-up)."""
    store: Store = request.app.state.reader

    def work() -> Response:
        if at is None or at == "":
            with read_current(store) as conn:
                done = fast(conn)
            if done is not None:
                return done
        with read_snapshot(store) as conn:
            return answer(conn, resolve_at(conn, at))

    return await anyio.to_thread.run_sync(work, limiter=read_limiter(request))


def get_current_stamp(conn: ReadConn) -> BlockStamp:
    return resolve_at(conn, None)


Stamp = Annotated[BlockStamp, Depends(get_stamp)]
CurrentStamp = Annotated[BlockStamp, Depends(get_current_stamp)]
