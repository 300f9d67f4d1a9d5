"""The replayed store against the live index, as of one block: every event, and every version of every
state record, with the first block at which each difference shows."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa

from ledger.audit._canonical import HashChain, canonical_json
from ledger.audit.report import Difference
from ledger.audit.sources import IndexSource
from ledger.decode import LedgerEvent
from ledger.store import Store
from ledger.store.schema import STATE_TABLES, StateTable, Uint256

__all__ = ["IndexComparison", "compare_events", "compare_states", "first_difference"]

SOURCE: Final = "index"
_EVENT_FIELDS: Final = ("block_hash", "tx_hash", "contract", "name", "args")

Version = tuple[int, int | None, tuple[Any, ...]]  # valid_from, valid_to (None: still valid), data


@dataclass
class IndexComparison:
    """What :func:`compare_events` and :func:`compare_states` found (``limit`` differences listed)."""

    differences: list[Difference] = field(default_factory=list)
    total: int = 0
    events: int = 0
    records: int = 0
    chain: HashChain = field(default_factory=HashChain)
    limit: int = 200

    def add(self, diff: Difference) -> None:
        self.total += 1
        if len(self.differences) < self.limit:
            self.differences.append(diff)


def _event_values(e: LedgerEvent) -> tuple[Any, ...]:
    return (e.block_hash, e.tx_hash, e.contract, e.name, canonical_json(e.args))


def _iter_events(source: IndexSource, to_block: int) -> Iterator[LedgerEvent]:
    for chunk in source.events(to_block):
        yield from chunk


def _identical_events(replayed: Store, live: Store, at_block: int) -> int | None:
    """With both stores in SQLite (the live index a file, attached to the replayed store's connection):
    the number of events up to ``at_block`` if both stores hold exactly the same stored rows (key, block
    and transaction hashes, contract, name and the arguments' stored text), else None (or when the stores
    cannot be compared that way). SQLite compares the rows; none reaches Python."""
    columns = "block_number, log_index, block_hash, tx_hash, contract, name, args"
    where = f"WHERE block_number <= {int(at_block)}"
    with replayed.engine.connect() as conn, _live_attached(conn, live) as attached:
        if not attached:
            return None
        cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            ours = int(cur.execute(f"SELECT COUNT(*) FROM main.events {where}").fetchone()[0])
            theirs = int(cur.execute(f"SELECT COUNT(*) FROM {_ATTACHED}.events {where}").fetchone()[0])
            if ours != theirs:
                return None
            differing = cur.execute(
                f"SELECT 1 FROM (SELECT {columns} FROM main.events {where}"
                f" EXCEPT SELECT {columns} FROM {_ATTACHED}.events {where}) LIMIT 1"
            ).fetchone()
        finally:
            cur.close()
    return ours if differing is None else None


def compare_events(
    replayed: Store, live: Store, at_block: int, out: IndexComparison, *, hash_live: bool,
    replayed_chain: HashChain | None = None,
) -> None:  # fmt: skip
    """Every event of both stores up to ``at_block``, merged in log order. ``hash_live`` also computes
    the live index's running hashes (in ``out.chain``).

    ``replayed_chain`` (the running hashes the replay computed over the events it stored): when both
    stores are SQLite and hold the same number of events with byte-identical stored rows (checked inside
    SQLite), the live index's events are the replayed ones, field for field, so their running hashes are
    ``replayed_chain``'s; only otherwise are the events read, compared one by one and hashed in Python."""
    if replayed_chain is not None:
        same = _identical_events(replayed, live, at_block)
        if same is not None:
            out.events += same
            if hash_live:
                out.chain = replayed_chain
            return
    ours = _iter_events(IndexSource(replayed), at_block)
    theirs = _iter_events(IndexSource(live), at_block)
    a = next(ours, None)
    b = next(theirs, None)
    chain = out.chain
    while a is not None or b is not None:
        key_a = (a.block_number, a.log_index) if a is not None else None
        key_b = (b.block_number, b.log_index) if b is not None else None
        if a is not None and b is not None and key_a == key_b:
            out.events += 1
            if hash_live:
                chain.add(b)
            va, vb = _event_values(a), _event_values(b)
            if va != vb:
                for name, x, y in zip(_EVENT_FIELDS, (a.block_hash, a.tx_hash, a.contract, a.name, a.args),
                                      (b.block_hash, b.tx_hash, b.contract, b.name, b.args), strict=True):  # fmt: skip
                    if x != y:
                        out.add(Difference(SOURCE, "event", f"block {a.block_number} log {a.log_index} ({a.name})",
                                           name, x, y, a.block_number))  # fmt: skip
            a, b = next(ours, None), next(theirs, None)
        elif b is None or (a is not None and key_a is not None and key_b is not None and key_a < key_b):
            assert a is not None
            out.events += 1
            out.add(Difference(SOURCE, "event", f"block {a.block_number} log {a.log_index} ({a.name})", None,
                               a.args, None, a.block_number, "missing from the live index"))  # fmt: skip
            a = next(ours, None)
        else:
            if hash_live:
                chain.add(b)
            out.add(Difference(SOURCE, "event", f"block {b.block_number} log {b.log_index} ({b.name})", None,
                               None, b.args, b.block_number, "in the live index only"))  # fmt: skip
            b = next(theirs, None)


# ─────────────────────────────────────────────────────────── state


def _order_key(key: tuple[Any, ...]) -> tuple[tuple[int, Any], ...]:
    """A key as SQLite orders it raw (integers before text: big uint256 values are stored as padded text)."""
    return tuple((1, v) if isinstance(v, str | bytes) else (0, v) for v in key)


def _rows(conn: sa.Connection, st: StateTable, at_block: int, raw: bool, key: tuple[Any, ...] | None = None
          ) -> Iterator[Sequence[Any]]:  # fmt: skip
    """``(valid_from, valid_to, *data columns)`` of the versions from ``at_block`` down, by key then
    ``valid_from``; ``raw``: SQLite's stored values as they are (no type conversion: fast, and equal
    whenever the typed values are, both stores being written by the same code)."""
    t = st.table
    if raw:
        q = conn.dialect.identifier_preparer.quote
        columns = ", ".join(q(c) for c in ("valid_from_block", "valid_to_block", *st.data_columns))
        by = ", ".join(q(c) for c in (*st.key, "valid_from_block"))
        cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cur.execute(f"SELECT {columns} FROM {q(t.name)} WHERE valid_from_block <= ? ORDER BY {by}", (at_block,))
            while chunk := cur.fetchmany(5000):
                yield from chunk
        finally:
            cur.close()
        return
    order: list[Any] = []
    for name in st.key:
        c = t.c[name]
        # Byte order on both backends, so that the two streams merge (PostgreSQL's default collation
        # orders mixed-case addresses otherwise).
        order.append(c.collate("C") if conn.dialect.name == "postgresql" and isinstance(c.type, sa.String) else c)
    query = sa.select(t.c.valid_from_block, t.c.valid_to_block, *(t.c[c] for c in st.data_columns)).where(
        t.c.valid_from_block <= at_block
    )
    if key is not None:
        query = query.where(*(t.c[k] == _typed(t.c[k], v) for k, v in zip(st.key, key, strict=True)))
    yield from conn.execute(query.order_by(*order, t.c.valid_from_block).execution_options(yield_per=5000))


def _typed(column: sa.Column[Any], value: Any) -> Any:
    return int(value) if isinstance(column.type, Uint256) and value is not None else value


def _ordered(
    conn: sa.Connection, st: StateTable, at_block: int, raw: bool
) -> Iterator[tuple[tuple[Any, ...], list[Version]]]:
    """Each record's versions from before ``at_block`` on (``valid_to`` above it read as still valid), by key."""
    nkey = len(st.key)
    for key, group in itertools.groupby(_rows(conn, st, at_block, raw), key=lambda r: tuple(r[2 : 2 + nkey])):
        yield key, _versions(group, at_block)


def _versions(rows: Iterable[Sequence[Any]], at_block: int) -> list[Version]:
    out: list[Version] = []
    for r in rows:
        to = r[1]
        out.append((int(r[0]), None if to is None or to > at_block else int(to), tuple(r[2:])))
    return out


def _visible(versions: Sequence[Version], block: int) -> tuple[Any, ...] | None:
    for start, end, data in versions:
        if start <= block and (end is None or block < end):
            return data
    return None


def first_difference(ours: Sequence[Version], theirs: Sequence[Version]) -> int | None:
    """The first block at which the two version histories show different records (or split them
    differently); None if they are the same."""
    if ours == theirs:
        return None
    bounds = sorted({b for v in (*ours, *theirs) for b in (v[0], v[1]) if b is not None})
    for block in bounds:
        if _visible(ours, block) != _visible(theirs, block):
            return block
    # Same records at every boundary, cut into versions differently: the first boundary not shared.
    shared = {v[0] for v in ours} ^ {v[0] for v in theirs}
    return min(shared) if shared else bounds[0]


def _key_text(st: StateTable, key: tuple[Any, ...]) -> str:
    return ", ".join(f"{k}={v}" for k, v in zip(st.key, key, strict=True))


def _compare_record(
    st: StateTable, key: tuple[Any, ...], ours: list[Version] | None, theirs: list[Version] | None, out: IndexComparison
) -> None:
    name = st.name
    where = _key_text(st, key)
    if theirs is None:
        assert ours is not None
        out.add(Difference(SOURCE, name, where, None, _as_dict(st, ours[-1][2]), None, ours[0][0],
                           "missing from the live index"))  # fmt: skip
        return
    if ours is None:
        out.add(Difference(SOURCE, name, where, None, None, _as_dict(st, theirs[-1][2]), theirs[0][0],
                           "in the live index only"))  # fmt: skip
        return
    block = first_difference(ours, theirs)
    if block is None:
        return
    a = _visible(ours, block)
    b = _visible(theirs, block)
    if a is None or b is None:
        out.add(Difference(SOURCE, name, where, None, _as_dict(st, a) if a else None,
                           _as_dict(st, b) if b else None, block))  # fmt: skip
        return
    fields = [(c, x, y) for c, x, y in zip(st.data_columns, a, b, strict=True) if x != y]
    if not fields:
        out.add(Difference(SOURCE, name, where, "versions", [v[:2] for v in ours], [v[:2] for v in theirs], block,
                           "same values, different validity ranges"))  # fmt: skip
    for column, x, y in fields:
        out.add(Difference(SOURCE, name, where, column, x, y, block))


def _as_dict(st: StateTable, data: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(st.data_columns, data, strict=True))


def _sqlite_file(store: Store) -> str | None:
    url = store.engine.url
    path = url.database
    if url.get_backend_name() != "sqlite" or not path or path == ":memory:" or path.startswith("file:"):
        return None
    return str(Path(path).resolve())


_ATTACHED: Final = "audit_live"


@contextlib.contextmanager
def _live_attached(conn: sa.Connection, live: Store) -> Iterator[bool]:
    """Attaches the live index to ``conn`` as ``audit_live`` for the block, when both are SQLite, the live
    index is a file and ``conn`` has no transaction open; yields whether it did."""
    path = _sqlite_file(live)
    if path is None or conn.dialect.name != "sqlite" or conn.in_transaction():
        yield False
        return
    driver = conn.connection.driver_connection
    driver.execute(f"ATTACH DATABASE ? AS {_ATTACHED}", (path,))  # type: ignore[union-attr]
    try:
        yield True
    finally:
        driver.execute(f"DETACH DATABASE {_ATTACHED}")  # type: ignore[union-attr]


def _differing_keys(conn: sa.Connection, st: StateTable, at_block: int) -> tuple[int, list[tuple[Any, ...]]]:
    """With the live index attached to the replayed store's connection: how many records the replay has,
    and the keys of the records whose stored versions differ (SQLite compares them, no row reaches Python)."""
    q = conn.dialect.identifier_preparer.quote
    table = q(st.table.name)
    keys = ", ".join(q(k) for k in st.key)
    data = ", ".join(q(c) for c in st.data_columns)
    to = f"CASE WHEN valid_to_block > {int(at_block)} THEN NULL ELSE valid_to_block END"
    where = f"WHERE valid_from_block <= {int(at_block)}"
    ours = f"SELECT valid_from_block, {to}, {data} FROM main.{table} {where}"
    theirs = f"SELECT valid_from_block, {to}, {data} FROM {_ATTACHED}.{table} {where}"
    cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        count = int(
            cur.execute(f"SELECT COUNT(*) FROM (SELECT DISTINCT {keys} FROM main.{table} {where})").fetchone()[0]
        )
        differing = cur.execute(
            f"SELECT {keys} FROM ({ours} EXCEPT {theirs}) UNION SELECT {keys} FROM ({theirs} EXCEPT {ours})"
        ).fetchall()
    finally:
        cur.close()
    return count, [tuple(k) for k in differing]


def compare_states(replayed: Store, live: Store, at_block: int, out: IndexComparison) -> None:
    """Every version of every record in every state table, up to ``at_block``. Two SQLite stores are
    compared on their stored values first (inside SQLite when the live index is a file), and typed values
    are read only for records that differ."""
    with replayed.engine.connect() as ca, live.engine.connect() as cb:
        raw = ca.dialect.name == cb.dialect.name == "sqlite"
        order = _order_key if raw else (lambda k: k)
        found: dict[str, tuple[int, list[tuple[Any, ...]]]] | None = None
        with _live_attached(ca, live) as attached:
            if attached:
                found = {name: _differing_keys(ca, STATE_TABLES[name], at_block) for name in sorted(STATE_TABLES)}
        if found is not None:
            for name, (count, keys) in found.items():
                st = STATE_TABLES[name]
                out.records += count
                for key in sorted(keys, key=_order_key):
                    mine = _versions(_rows(ca, st, at_block, False, key), at_block)
                    other = _versions(_rows(cb, st, at_block, False, key), at_block)
                    typed = tuple((mine or other)[0][2][: len(st.key)])
                    _compare_record(st, typed, mine or None, other or None, out)
            return

        def compare(st: StateTable, key: tuple[Any, ...], a: list[Version] | None, b: list[Version] | None) -> None:
            if raw:
                if a == b:
                    return
                ours = _versions(_rows(ca, st, at_block, False, key), at_block)
                theirs = _versions(_rows(cb, st, at_block, False, key), at_block)
                key = tuple(r for r in (ours or theirs)[0][2][: len(st.key)])
                a, b = ours or None, theirs or None
            _compare_record(st, key, a, b, out)

        for name in sorted(STATE_TABLES):
            st = STATE_TABLES[name]
            ours = _ordered(ca, st, at_block, raw)
            theirs = _ordered(cb, st, at_block, raw)
            a = next(ours, None)
            b = next(theirs, None)
            while a is not None or b is not None:
                if a is not None and b is not None and a[0] == b[0]:
                    out.records += 1
                    compare(st, a[0], a[1], b[1])
                    a, b = next(ours, None), next(theirs, None)
                elif b is None or (a is not None and order(a[0]) < order(b[0])):
                    assert a is not None
                    out.records += 1
                    compare(st, a[0], a[1], None)
                    a = next(ours, None)
                else:
                    compare(st, b[0], None, b[1])
                    b = next(theirs, None)
