"""The store: bulk, transactional application of decoded blocks and events, and reorg rollback."""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Final

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ledger._gc import gc_paused
from ledger.decode import BlockHeader, LedgerEvent
from ledger.errors import NonRetryableError, RetryableError
from ledger.store._bulk import BulkWriter
from ledger.store._engine import create_store_engine, json_default, json_dumps, migrate, write_options
from ledger.store._views import StateView
from ledger.store.aggregates import project_aggregates
from ledger.store.projection import Key, Projected, Projector, Row, dependent_keys, keys_to_load
from ledger.store.schema import FACTS, STATE_TABLES, VERSIONED, metadata
from ledger.store.schema import blocks as blocks_table
from ledger.store.schema import checkpoint as checkpoint_table
from ledger.store.schema import events as events_table
from ledger.store.schema import indexer_head as indexer_head_table

__all__ = ["Store", "StoreConsistencyError", "StoreDatabaseError", "StoreUnavailableError", "open_store"]

logger = logging.getLogger(__name__)

_CHUNK: Final = 500  # block numbers per SELECT ... IN (...)
_EVENT_COLUMNS: Final = ("block_number", "log_index", "block_hash", "tx_hash", "contract", "name", "args", "asset_id")
_CHECKPOINT_ID: Final = 1
_INT64_MAX: Final = (1 << 63) - 1


class StoreConsistencyError(NonRetryableError):
    """A batch does not continue the stored chain: events at or below the checkpoint, a header that
    contradicts a stored one, a checkpoint below the batch's events, a log stored twice."""


class StoreUnavailableError(RetryableError):
    """The database could not be reached or was busy (lost connection, lock timeout); nothing was written."""


class StoreDatabaseError(NonRetryableError):
    """The database refused the operation for a reason that trying again does not change: a schema that
    does not match the store's (a missing table or column), a bad URL or credentials, bad data."""


# SQLite primary result codes worth another try: SQLITE_BUSY, SQLITE_LOCKED, SQLITE_PROTOCOL (a WAL lock race).
_SQLITE_TRANSIENT: Final = frozenset({5, 6, 15})
# SQLSTATE classes worth another try: connection exception, transaction rollback (serialisation failure,
# deadlock), insufficient resources, operator intervention (admin shutdown, terminated backend, query
# cancelled), system error.
_SQLSTATE_TRANSIENT: Final = frozenset({"08", "40", "53", "57", "58"})


def _is_transient(exc: BaseException) -> bool:
    """Whether a database failure may go away by itself (the connection, a lock), judged by the driver's
    error codes: SQLite's result code, PostgreSQL's SQLSTATE (none at all: the connection failed)."""
    if isinstance(exc, sa.exc.TimeoutError):  # no connection free in the pool
        return True
    cause: BaseException | None = exc
    if isinstance(exc, sa.exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        cause = exc.orig
    if isinstance(cause, sqlite3.Error):
        code = getattr(cause, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in _SQLITE_TRANSIENT
    if isinstance(cause, psycopg.InterfaceError):  # e.g. the connection is closed
        return True
    if isinstance(cause, psycopg.OperationalError):
        return cause.sqlstate is None or cause.sqlstate[:2] in _SQLSTATE_TRANSIENT
    return False


@contextmanager
def _database_errors(what: str) -> Iterator[None]:
    """Sorts database failures into the ledger's errors: transient ones (lost or refused connection,
    locked database, serialisation failure) into the retryable :class:`StoreUnavailableError`, integrity
    violations into :class:`StoreConsistencyError`, the rest into :class:`StoreDatabaseError`."""
    try:
        yield
    except (sa.exc.SQLAlchemyError, psycopg.Error, sqlite3.Error) as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if _is_transient(exc):
            raise StoreUnavailableError(f"{what}: database unavailable: {first_line}") from exc
        orig = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
        if isinstance(orig, psycopg.IntegrityError | sqlite3.IntegrityError | sa.exc.IntegrityError):
            raise StoreConsistencyError(f"{what}: {first_line}") from exc
        raise StoreDatabaseError(
            f"{what}: the database refused it ({type(orig).__name__}: {first_line}); not retried: check that "
            "the database URL is right and the store's migrations ran on it (`ledger index` runs them)"
        ) from exc


def open_store(url: str) -> Store:
    """Opens the store at ``url`` (``sqlite:///path``, ``postgresql://...``), migrated to the latest schema."""
    engine = create_store_engine(url)
    try:
        with _database_errors(f"opening the store at {engine.url!r}"):
            migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


class Store:
    """Blocks, events and the state projected from them, with every version of every record.

    Writes (:meth:`apply`, :meth:`rollback`) each run in one database transaction, together with
    the checkpoint they move; readers see either all of a batch or none of it.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Called first in every write transaction when set: an indexer elected leader checks that it still
        # leads (ledger.indexer.leader), so that a deposed one can never write.
        self.fence: Callable[[sa.Connection], None] | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with self.engine.connect().execution_options(**write_options()) as conn, conn.begin():
            if self.fence is not None:
                self.fence(conn)
            yield conn

    # ─────────────────────────────────────────────────────────── checkpoint

    def checkpoint(self) -> tuple[int, str] | None:
        """``(block number, block hash)`` of the last block fully in the store, or None when empty."""
        with _database_errors("reading the checkpoint"), self.engine.connect() as conn:
            return self._checkpoint(conn)

    @staticmethod
    def _checkpoint(conn: sa.Connection) -> tuple[int, str] | None:
        row = conn.execute(
            sa.select(checkpoint_table.c.block_number, checkpoint_table.c.block_hash).where(
                checkpoint_table.c.id == _CHECKPOINT_ID
            )
        ).first()
        return None if row is None else (int(row[0]), str(row[1]))

    @staticmethod
    def _set_checkpoint(conn: sa.Connection, number: int, block_hash: str) -> None:
        values = {"block_number": number, "block_hash": block_hash}
        updated = conn.execute(
            checkpoint_table.update().where(checkpoint_table.c.id == _CHECKPOINT_ID).values(**values)
        )
        if updated.rowcount == 0:
            conn.execute(checkpoint_table.insert().values(id=_CHECKPOINT_ID, **values))

    def block_hash(self, number: int) -> str | None:
        """The stored hash of block ``number``, or None if that header is not stored."""
        with _database_errors(f"reading block {number}"), self.engine.connect() as conn:
            value = conn.execute(
                sa.select(blocks_table.c.hash).where(blocks_table.c.number == number)
            ).scalar_one_or_none()
        return None if value is None else str(value)

    def find_blocks(self, from_block: int = 0, to_block: int | None = None) -> list[BlockHeader]:
        """Stored headers in ``[from_block, to_block]``, oldest first."""
        query = sa.select(blocks_table).where(blocks_table.c.number >= from_block).order_by(blocks_table.c.number)
        if to_block is not None:
            query = query.where(blocks_table.c.number <= to_block)
        with self.engine.connect() as conn:
            return [
                BlockHeader(number=r.number, hash=r.hash, parent_hash=r.parent_hash, timestamp=r.timestamp)
                for r in conn.execute(query)
            ]

    def note_head(self, chain_id: int, head: BlockHeader, observed_at: float | None = None) -> None:
        """Records the newest chain head the indexer saw, so that readers can tell its lag without
        asking the chain (not state: a rollback leaves it alone)."""
        values = {
            "chain_id": chain_id,
            "block_number": head.number,
            "block_hash": head.hash,
            "timestamp": head.timestamp,
            "observed_at": time.time() if observed_at is None else observed_at,
        }
        t = indexer_head_table
        with _database_errors("recording the chain head"), self._write() as conn:
            if conn.execute(t.update().where(t.c.id == _CHECKPOINT_ID).values(**values)).rowcount == 0:
                conn.execute(t.insert().values(id=_CHECKPOINT_ID, **values))

    # ─────────────────────────────────────────────────────────── apply

    def apply(self, blocks: Sequence[BlockHeader], events: Sequence[LedgerEvent], checkpoint: BlockHeader) -> None:
        """Stores a batch in one transaction: its headers (and the checkpoint's), its events, the
        state they project to, and the checkpoint.

        ``events`` must all lie above the stored checkpoint and at or below ``checkpoint``; their
        blocks' headers must be in ``blocks`` or already stored (their timestamps are needed).
        """
        started = time.perf_counter()
        evs = _in_log_order(events)
        what = f"applying blocks up to {checkpoint.number}"
        with gc_paused(), _database_errors(what), self._write() as conn:
            stored = self._checkpoint(conn)
            floor = stored[0] if stored is not None else -1
            if evs and evs[0].block_number <= floor:
                raise StoreConsistencyError(
                    f"event in block {evs[0].block_number} (log {evs[0].log_index}) is at or below"
                    f" the checkpoint {floor}"
                )
            if evs and evs[-1].block_number > checkpoint.number:
                raise StoreConsistencyError(
                    f"checkpoint {checkpoint.number} is below the batch's last event (block {evs[-1].block_number})"
                )
            above = [h.number for h in blocks if h.number > checkpoint.number]
            if above:
                raise StoreConsistencyError(f"headers {above[:5]} lie above the checkpoint {checkpoint.number}")
            timestamps = self._store_blocks(conn, [*blocks, checkpoint], floor)
            self._fill_timestamps(conn, timestamps, {e.block_number for e in evs})
            if evs:
                writer = BulkWriter(conn)
                writer.insert_tuples(
                    events_table,
                    _EVENT_COLUMNS,
                    [
                        (
                            e.block_number, e.log_index, e.block_hash, e.tx_hash, e.contract, e.name,
                            json_dumps(e.args), _asset_id(e.args),
                        )
                        for e in evs
                    ],
                )
                wanted = keys_to_load(evs)
                current, valid_from = self._load_current(writer, wanted)
                asked = {t: set(keys) for t, keys in wanted.items()}
                while True:  # what the loaded records lead to (a licence's parent), until nothing new
                    more = {t: new for t, keys in dependent_keys(evs, current).items()
                            if (new := keys - asked.setdefault(t, set()))}  # fmt: skip
                    if not more:
                        break
                    extra, extra_from = self._load_current(writer, more)
                    for name, keys in more.items():
                        asked[name] |= keys
                    for name in extra:
                        current.setdefault(name, {}).update(extra[name])
                        valid_from.setdefault(name, {}).update(extra_from[name])
                projector = Projector(current, timestamps)
                projector.apply(evs)
                projected = projector.result()
                valid_from.update(project_aggregates(writer, projected))  # trade totals, same transaction
                self._write_projection(writer, projected, valid_from)
            self._set_checkpoint(conn, checkpoint.number, checkpoint.hash)
        logger.debug(
            "store batch applied",
            extra={
                "events": len(evs),
                "checkpoint": checkpoint.number,
                "duration_s": round(time.perf_counter() - started, 4),
            },
        )

    def _store_blocks(self, conn: sa.Connection, headers: Sequence[BlockHeader], floor: int) -> dict[int, int]:
        """Inserts the new headers (at or below the checkpoint they must match the stored ones);
        returns every given header's timestamp."""
        by_number: dict[int, BlockHeader] = {}
        for h in headers:
            seen = by_number.get(h.number)
            if seen is not None and seen.hash != h.hash:
                raise StoreConsistencyError(f"block {h.number} given twice: {seen.hash} and {h.hash}")
            by_number[h.number] = h
        old = [n for n in by_number if n <= floor]
        if old:
            stored = dict(
                conn.execute(
                    sa.select(blocks_table.c.number, blocks_table.c.hash).where(blocks_table.c.number.in_(old))
                ).all()
            )
            for n in old:
                if stored.get(n, by_number[n].hash) != by_number[n].hash:
                    raise StoreConsistencyError(
                        f"block {n}: stored hash {stored[n]}, batch has {by_number[n].hash} (roll back first)"
                    )
        new = [
            {"number": h.number, "hash": h.hash, "parent_hash": h.parent_hash, "timestamp": h.timestamp}
            for n, h in sorted(by_number.items())
            if n > floor
        ]
        BulkWriter(conn).insert(blocks_table, new)
        return {n: h.timestamp for n, h in by_number.items()}

    @staticmethod
    def _fill_timestamps(conn: sa.Connection, timestamps: dict[int, int], needed: set[int]) -> None:
        missing = sorted(needed - timestamps.keys())
        for i in range(0, len(missing), _CHUNK):
            chunk = missing[i : i + _CHUNK]
            query = sa.select(blocks_table.c.number, blocks_table.c.timestamp).where(blocks_table.c.number.in_(chunk))
            timestamps.update({int(n): int(ts) for n, ts in conn.execute(query)})

    @staticmethod
    def _load_current(
        writer: BulkWriter, wanted: Mapping[str, set[Key]]
    ) -> tuple[dict[str, dict[Key, Row]], dict[str, dict[Key, int]]]:
        """The current versions of the wanted records (data columns), and each one's ``valid_from_block``."""
        current: dict[str, dict[Key, Row]] = {}
        valid_from: dict[str, dict[Key, int]] = {}
        for name, keys in wanted.items():
            st = STATE_TABLES[name]
            columns = st.data_columns
            nkey = len(st.key)
            rows: dict[Key, Row] = {}
            froms: dict[Key, int] = {}
            for values in writer.fetch_current(st.table, st.key, [*columns, "valid_from_block"], list(keys)):
                key = tuple(values[:nkey])
                rows[key] = dict(zip(columns, values, strict=False))
                froms[key] = int(values[-1])
            current[name] = rows
            valid_from[name] = froms
        return current, valid_from

    @staticmethod
    def _write_projection(
        writer: BulkWriter, projected: Projected, valid_from: Mapping[str, Mapping[Key, int]]
    ) -> None:
        """Closes the stored current versions the batch superseded and inserts the batch's versions."""
        for name, per_key in projected.versions.items():
            st = STATE_TABLES[name]
            froms = valid_from.get(name, {})
            closes: list[tuple[Any, ...]] = []
            inserts: list[Row] = []
            for key, versions in per_key.items():
                old_from = froms.get(key)
                if old_from is not None:
                    # Stored versions start at or below the checkpoint, the batch's above it.
                    closes.append((*key, old_from, versions[0][0]))
                last = len(versions) - 1
                for i, (block, row) in enumerate(versions):
                    row["valid_from_block"] = block
                    row["valid_to_block"] = versions[i + 1][0] if i < last else None
                    inserts.append(row)
            writer.close_versions(st.table, st.key, closes)
            writer.insert(st.table, inserts)
        for name, rows in projected.facts.items():
            writer.insert(STATE_TABLES[name].table, rows)

    # ─────────────────────────────────────────────────────────── secondary indexes

    def drop_secondary_indexes(self) -> None:
        """Drops every index but the primary keys. For a scratch store written once in bulk and read by
        whole-table scans (the audit's replay): maintaining the query indexes costs more than it saves.
        Every query still answers the same, only slower; :meth:`create_secondary_indexes` restores them."""
        with _database_errors("dropping the secondary indexes"), self._write() as conn:
            for table in metadata.sorted_tables:
                for index in table.indexes:
                    index.drop(conn, checkfirst=True)

    def create_secondary_indexes(self) -> None:
        """Creates the indexes :meth:`drop_secondary_indexes` dropped (those missing)."""
        with _database_errors("creating the secondary indexes"), self._write() as conn:
            for table in metadata.sorted_tables:
                for index in table.indexes:
                    index.create(conn, checkfirst=True)

    # ─────────────────────────────────────────────────────────── rollback

    def rollback(self, to_block: int) -> None:
        """Undoes every block above ``to_block`` in one transaction: their headers, events and state
        versions go, the versions they closed are current again, and the checkpoint moves to
        ``to_block`` (or to the highest stored header below it; with none, the store is empty)."""
        with _database_errors(f"rolling back to block {to_block}"), self._write() as conn:
            stored = self._checkpoint(conn)
            if stored is None:
                return
            target = conn.execute(
                sa.select(blocks_table.c.number, blocks_table.c.hash)
                .where(blocks_table.c.number <= to_block)
                .order_by(blocks_table.c.number.desc())
                .limit(1)
            ).first()
            floor = int(target[0]) if target is not None else -1
            for st in (*VERSIONED, *FACTS):
                t = st.table
                conn.execute(t.delete().where(t.c.valid_from_block > floor))
                if st.versioned:
                    conn.execute(t.update().where(t.c.valid_to_block > floor).values(valid_to_block=None))
            conn.execute(events_table.delete().where(events_table.c.block_number > floor))
            conn.execute(blocks_table.delete().where(blocks_table.c.number > floor))
            if target is None:
                conn.execute(checkpoint_table.delete())
            else:
                self._set_checkpoint(conn, floor, str(target[1]))
        logger.info("store rolled back", extra={"to_block": floor, "from_block": stored[0]})

    # ─────────────────────────────────────────────────────────── reads

    def as_of(self, block: int | None = None) -> StateView:
        """Queries of the state as it stood at the end of ``block`` (None: the current state)."""
        return StateView(self.engine, block)

    def state_checksum(self, at_block: int | None = None) -> str:
        """SHA-256 over every state table's rows visible at ``at_block`` (None: current) and the events
        up to it, in key order, independent of the backend and of how the events were batched."""
        digest = hashlib.sha256()
        with self.engine.connect() as conn:
            for name in sorted(STATE_TABLES):
                st = STATE_TABLES[name]
                t = st.table
                columns = [c for c in t.columns if c.name != "valid_to_block"]
                query = sa.select(*columns).where(StateView.visible(t, at_block))
                order = [columns.index(c) for c in t.primary_key.columns]
                rows = [tuple(r) for r in conn.execute(query)]
                rows.sort(key=lambda r: tuple(r[i] for i in order))
                digest.update(f"{name}:{len(rows)}\n".encode())
                for r in rows:
                    digest.update(_canonical(r))
            query = sa.select(events_table)
            if at_block is not None:
                query = query.where(events_table.c.block_number <= at_block)
            rows = [tuple(r) for r in conn.execute(query)]
            rows.sort(key=lambda r: (r[0], r[1]))
            digest.update(f"events:{len(rows)}\n".encode())
            for r in rows:
                digest.update(_canonical(r))
        return digest.hexdigest()


def _asset_id(args: Mapping[str, Any]) -> int | None:
    value = args.get("assetId")
    return int(value) if isinstance(value, int) and 0 <= value <= _INT64_MAX else None


def _canonical(row: tuple[Any, ...]) -> bytes:
    return (json.dumps(row, sort_keys=True, separators=(",", ":"), default=json_default) + "\n").encode()


def _in_log_order(events_: Sequence[LedgerEvent]) -> list[LedgerEvent]:
    evs = list(events_)
    if any((a.block_number, a.log_index) >= (b.block_number, b.log_index) for a, b in itertools.pairwise(evs)):
        evs.sort(key=lambda e: (e.block_number, e.log_index))
    return evs
