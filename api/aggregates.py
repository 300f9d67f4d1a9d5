"""Trade totals per day, category, exchange or right sold, read from the aggregates the indexer keeps in the store
(``trade_aggregates``, :mod:`ledger.store.aggregates`).

Nothing is built per process: an answer is a function of the store at the block it reflects, read with
one query of the (day, category, exchange, right) cells visible at that block. :class:`AggregateAnswers`
remembers recent answers by block hash and parameters, which changes nothing in them (every replica
gives the same answer for the same block) and spares the query while the block stays the same.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any, Final

import sqlalchemy as sa

from api.deps import BlockStamp, stamp_of, stamped
from ledger.store import StateView
from ledger.store.aggregates import DAY
from ledger.store.schema import trade_aggregates

__all__ = ["DAY", "GROUPS", "AggregateAnswers", "Totals", "grouped_totals"]

GROUPS: Final = ("day", "category", "exchange", "right")
_REMEMBERED: Final = 512
_VALUES: Final = ("trades", "volume", "fees", "revenue_shares", "held_shares")

Totals = tuple[Any, int, int, int, int, int]  # (group key, trades, volume, fees, revenue shares, held shares)


def _grouped_query(
    dialect: str, at_block: int | None, by: str, first_day: int | None, last_day: int | None
) -> sa.Select[Any]:
    t = trade_aggregates
    column = t.c[by]
    where = [StateView.visible(t, at_block)]
    if first_day is not None:
        where.append(t.c.day >= first_day)
    if last_day is not None:
        where.append(t.c.day <= last_day)
    if dialect == "postgresql":
        # NUMERIC sums are exact; the database groups the cells.
        sums = (sa.func.sum(t.c[c]).label(c) for c in _VALUES)
        grouped = sa.select(column.label("key"), *sums).where(*where).group_by(column).subquery()
        return sa.select(grouped.c.key, *(grouped.c[c] for c in _VALUES)).order_by(grouped.c.key)
    # SQLite keeps amounts beyond 2^63 as text, which SUM cannot add: the cells are summed in Python.
    return sa.select(column.label("key"), *(t.c[c] for c in _VALUES)).where(*where)


def _group(rows: Iterable[Sequence[Any]]) -> list[Totals]:
    out: dict[Any, list[int]] = {}
    for k, *values in rows:
        acc = out.get(k)
        if acc is None:
            out[k] = [int(v) for v in values]
        else:
            for i, v in enumerate(values):
                acc[i] += int(v)
    return [(k, n, v, f, r, h) for k, (n, v, f, r, h) in sorted(out.items())]


def grouped_totals(
    conn: sa.Connection, at_block: int | None, by: str, first_day: int | None, last_day: int | None
) -> list[Totals]:
    """The totals visible at ``at_block`` (None: the current ones) summed by ``by`` over the UTC days
    ``first_day..last_day`` (inclusive, either open), sorted by key."""
    return _group(conn.execute(_grouped_query(conn.dialect.name, at_block, by, first_day, last_day)))


class AggregateAnswers:
    """Recent :func:`grouped_totals` answers by (block, hash, view block, grouping, days); thread-safe."""

    def __init__(self, size: int = _REMEMBERED) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._answers: OrderedDict[tuple[Any, ...], list[Totals]] = OrderedDict()

    @staticmethod
    def _key(stamp: BlockStamp, by: str, first_day: int | None, last_day: int | None) -> tuple[Any, ...]:
        return (stamp.number, stamp.hash, stamp.at_block, by, first_day, last_day)

    def remembered(
        self, stamp: BlockStamp, by: str, first_day: int | None, last_day: int | None
    ) -> list[Totals] | None:
        key = self._key(stamp, by, first_day, last_day)
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
            return found

    def current(
        self, conn: sa.Connection, by: str, first_day: int | None, last_day: int | None
    ) -> tuple[BlockStamp, list[Totals]] | None:
        """The current totals and the block they reflect, read in ONE statement carrying the block stamp
        (:func:`~api.deps.stamped`: no transaction needed); None when no cell matches (then nothing
        tells the block)."""
        rows = conn.execute(stamped(_grouped_query(conn.dialect.name, None, by, first_day, last_day))).all()
        stamp = stamp_of(rows)
        if stamp is None:
            return None
        totals = _group(r[: 1 + len(_VALUES)] for r in rows)
        self._remember(self._key(stamp, by, first_day, last_day), totals)
        return stamp, totals

    def _remember(self, key: tuple[Any, ...], rows: list[Totals]) -> None:
        with self._lock:
            self._answers[key] = rows
            while len(self._answers) > self._size:
                self._answers.popitem(last=False)

    def get(
        self, conn: sa.Connection, stamp: BlockStamp, by: str, first_day: int | None, last_day: int | None
    ) -> list[Totals]:
        """The totals at ``stamp`` (read on ``conn``, whose snapshot must be the stamp's)."""
        found = self.remembered(stamp, by, first_day, last_day)
        if found is not None:
            return found
        rows = grouped_totals(conn, stamp.at_block, by, first_day, last_day)
        self._remember(self._key(stamp, by, first_day, last_day), rows)
        return rows


def day_range(since: int | None, until: int | None) -> tuple[int | None, int | None]:
    """The UTC days containing the times ``since`` and ``until`` (unix seconds)."""
    return (None if since is None else since // DAY, None if until is None else until // DAY)
