"""Trade count and volume per day, category and exchange, kept in memory and brought up to date
incrementally.

Trades are append-only facts, so the rollup at block N plus the trades of blocks N+1..M is the
rollup at M. It is rebuilt from scratch when the block it was built at is no longer in the store
with the same hash (a reorg rolled it back). A trade counts under the category its asset had when
the trade was added to the rollup.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import anyio
import sqlalchemy as sa

from ledger.api.deps import read_snapshot
from ledger.store import Store
from ledger.store import schema as s

__all__ = ["Cell", "TradeRollup"]

logger = logging.getLogger(__name__)

DAY: Final = 86_400

Cell = tuple[int, int, str]  # (day number since the epoch, category code, exchange)


@dataclass
class _State:
    block: int | None = None
    block_hash: str | None = None
    cells: dict[Cell, list[int]] = field(default_factory=dict)  # cell -> [count, volume]


class TradeRollup:
    """Per-process rollup of the trades table; :meth:`at` returns it as of the store's checkpoint
    (a published mapping is never changed: extending works on a copy; callers must not change it).

    Readers run it through :attr:`limiter` (one worker thread at a time), so that requests waiting
    for a first build wait on the event loop instead of holding the server's worker threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = _State()
        self._limiter: anyio.CapacityLimiter | None = None
        self._grouped: dict[tuple[Any, ...], list[tuple[Any, int, int]]] = {}

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        if self._limiter is None:  # created on the event loop's first use
            self._limiter = anyio.CapacityLimiter(1)
        return self._limiter

    def grouped(
        self, conn: sa.Connection, block: int, block_hash: str, by: str, first_day: int | None, last_day: int | None
    ) -> list[tuple[Any, int, int]]:
        """:func:`group` of the rollup at ``block``, remembered until the block changes."""
        return self._remembered(self.at(conn, block, block_hash), block, block_hash, by, first_day, last_day)

    def _remembered(
        self,
        cells: Mapping[Cell, Sequence[int]],
        block: int,
        block_hash: str,
        by: str,
        first_day: int | None,
        last_day: int | None,
    ) -> list[tuple[Any, int, int]]:
        key = (block, block_hash, by, first_day, last_day)
        found = self._grouped.get(key)
        if found is None:
            if len(self._grouped) > 512 or any(k[:2] != (block, block_hash) for k in list(self._grouped)[:1]):
                self._grouped.clear()
            found = self._grouped[key] = group(cells, by, first_day, last_day)
        return found

    def cached(
        self, block: int, block_hash: str, by: str, first_day: int | None, last_day: int | None
    ) -> list[tuple[Any, int, int]] | None:
        """:meth:`grouped` without the database: None unless the rollup is already at ``block``."""
        st = self._state  # replaced whole, never changed: one read is a consistent state
        if st.block != block or st.block_hash != block_hash:
            return None
        return self._remembered(st.cells, block, block_hash, by, first_day, last_day)

    def warm(self, store: Store) -> None:
        """Builds the rollup at the store's current checkpoint (run at start-up, in the background)."""
        try:
            with read_snapshot(store) as conn:
                cp = conn.execute(sa.select(s.checkpoint.c.block_number, s.checkpoint.c.block_hash).limit(1)).first()
                if cp is not None:
                    self.at(conn, int(cp[0]), str(cp[1]))
        except sa.exc.SQLAlchemyError as exc:
            logger.warning("could not build the trade rollup at start-up: %s", str(exc).splitlines()[0])

    def at(self, conn: sa.Connection, block: int, block_hash: str) -> Mapping[Cell, Sequence[int]]:
        """The rollup as of ``block`` (the checkpoint the connection's snapshot sees)."""
        with self._lock:
            st = self._state
            if st.block == block and st.block_hash == block_hash:
                return st.cells
            started = time.perf_counter()
            if st.block is not None and st.block <= block and self._still_stored(conn, st.block, st.block_hash):
                cells = {k: list(v) for k, v in st.cells.items()}
                _add(cells, self._rows(conn, st.block, block))
                how = "extended"
            else:
                cells = {}
                _add(cells, self._rows(conn, None, block))
                how = "rebuilt"
            self._state = _State(block, block_hash, cells)
            logger.debug(
                "trade rollup %s to block %d in %.3fs", how, block, time.perf_counter() - started,
                extra={"block": block, "cells": len(cells)},
            )  # fmt: skip
            return cells

    @staticmethod
    def _still_stored(conn: sa.Connection, block: int, block_hash: str | None) -> bool:
        b = s.blocks
        stored = conn.execute(sa.select(b.c.hash).where(b.c.number == block)).scalar_one_or_none()
        return stored is not None and stored == block_hash

    @staticmethod
    def _rows(conn: sa.Connection, above: int | None, upto: int) -> Iterable[tuple[int, int, str, int, int]]:
        """``(day, category, exchange, count, volume)`` groups of the trades in blocks ``(above, upto]``."""
        tr, a = s.trades, s.assets
        if above is None and conn.dialect.name == "sqlite":
            # A first build reads both tables front to back: SQLite would join by an index lookup per
            # trade (random reads: minutes for a million trades on a cold cache).
            categories: dict[int, int] = {
                int(asset): int(category)
                for asset, category in conn.execute(
                    sa.select(a.c.asset_id, a.c.category).where(a.c.valid_to_block.is_(None))
                )
            }
            # No WHERE: the snapshot holds no trade above its checkpoint, and a table scan it stays.
            every = sa.select(tr.c.timestamp // DAY, tr.c.asset_id, tr.c.exchange, tr.c.price)
            return (
                (int(d), int(categories.get(asset, -1)), str(x), 1, int(p)) for d, asset, x, p in conn.execute(every)
            )
        where = [tr.c.valid_from_block <= upto]
        if above is not None:
            where.append(tr.c.valid_from_block > above)
        day = tr.c.timestamp // DAY
        joined = tr.outerjoin(a, sa.and_(a.c.asset_id == tr.c.asset_id, a.c.valid_to_block.is_(None)))
        category = sa.func.coalesce(a.c.category, -1)
        if conn.dialect.name == "postgresql":
            query = (
                sa.select(day, category, tr.c.exchange, sa.func.count(), sa.func.sum(tr.c.price))
                .select_from(joined)
                .where(*where)
                .group_by(day, category, tr.c.exchange)
            )
            return [(int(d), int(c), str(x), int(n), int(v or 0)) for d, c, x, n, v in conn.execute(query)]
        # SQLite: prices above 2^63 are stored as text and SUM could overflow; add them in Python.
        query = sa.select(day, category, tr.c.exchange, tr.c.price).select_from(joined).where(*where)
        return ((int(d), int(c), str(x), 1, int(p)) for d, c, x, p in conn.execute(query))


def _add(cells: dict[Cell, list[int]], rows: Iterable[tuple[int, int, str, int, int]]) -> None:
    for day, category, exchange, count, volume in rows:
        cell = cells.get((day, category, exchange))
        if cell is None:
            cells[(day, category, exchange)] = [count, volume]
        else:
            cell[0] += count
            cell[1] += volume


def group(
    cells: Mapping[Cell, Sequence[int]], by: str, first_day: int | None, last_day: int | None
) -> list[tuple[Any, int, int]]:
    """Sums ``cells`` by ``day``, ``category`` or ``exchange`` within the day range; sorted by key."""
    index = {"day": 0, "category": 1, "exchange": 2}[by]
    out: dict[Any, list[int]] = {}
    for cell, (count, volume) in cells.items():
        if first_day is not None and cell[0] < first_day:
            continue
        if last_day is not None and cell[0] > last_day:
            continue
        acc = out.setdefault(cell[index], [0, 0])
        acc[0] += count
        acc[1] += volume
    return [(k, v[0], v[1]) for k, v in sorted(out.items())]
