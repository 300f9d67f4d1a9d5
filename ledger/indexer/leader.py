"""Leader election between indexers of one store: one writes, the others wait and take over.

PostgreSQL (:class:`PostgresLeadership`): the leader holds a session advisory lock (keyed by the store's
schema) on a connection of its own; a standby tries the lock every ``poll`` seconds. A leader killed
(``kill -9``) loses its connection at once and with it the lock; a leader whose machine vanished is
dropped by the server's TCP keepalives (set on that session: about 11 s). Taking the lock bumps an epoch
in ``indexer_leader``; every write transaction of the store first reads that epoch ``FOR SHARE`` and
stops with :class:`LeadershipLost` unless it is still its own (:meth:`PostgresLeadership.fence`). The
new leader's bump waits for the old leader's transaction in flight, and reads the checkpoint after it:
a batch is written either before the takeover, whole, or not at all, so nothing is skipped or written
twice even when the old leader still runs (a network partition, a long pause).

SQLite (:class:`FileLeadership`): an exclusive ``flock`` on a file beside the database (one machine; the
kernel releases it when the process dies).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import threading
import time
from pathlib import Path
from typing import IO, Any, Final, Protocol

import sqlalchemy as sa

from ledger.errors import NonRetryableError
from ledger.indexer.indexer import Indexer, IndexReport
from ledger.store import Store
from ledger.store.schema import indexer_leader

__all__ = [
    "FileLeadership",
    "Leadership",
    "LeadershipLost",
    "PostgresLeadership",
    "open_leadership",
    "run_elected",
]

logger = logging.getLogger(__name__)

_LOCK_CLASS: Final = 0x6C656467  # "ledg", the first of the two advisory-lock keys; the second: the schema's hash
_LEADER_ROW: Final = 1
_NOTE_EVERY: Final = 30.0  # seconds between "still waiting" log lines of a standby


class LeadershipLost(NonRetryableError):
    """Another indexer leads now (or the lock is gone): this one must stop writing and stand by."""


class Leadership(Protocol):
    """What the indexing loop needs of an election."""

    holder: str

    def acquire(self, stop: threading.Event) -> bool:
        """Blocks until this process leads (True) or ``stop`` is set (False)."""
        ...

    def fence(self, conn: sa.Connection) -> None:
        """Inside a store write transaction: :class:`LeadershipLost` unless this process still leads."""
        ...

    def release(self) -> None: ...


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class PostgresLeadership:
    """A session advisory lock on a connection of its own, and an epoch that fences the store's writes."""

    def __init__(self, engine: sa.Engine, *, poll: float = 0.5, holder: str | None = None) -> None:
        self.engine = engine
        self.poll = poll
        self.holder = holder or _holder()
        self.epoch: int | None = None
        self._conn: sa.Connection | None = None

    def _connect(self) -> sa.Connection:
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        # The server drops this session (and releases the lock) ~11 s after this machine stops answering.
        conn.exec_driver_sql("SET tcp_keepalives_idle = 5")
        conn.exec_driver_sql("SET tcp_keepalives_interval = 2")
        conn.exec_driver_sql("SET tcp_keepalives_count = 3")
        conn.exec_driver_sql("SET application_name = 'ledger indexer'")
        return conn

    def _try(self, conn: sa.Connection) -> bool:
        got = conn.execute(
            sa.text("SELECT pg_try_advisory_lock(:cls, hashtext(current_schema()))"), {"cls": _LOCK_CLASS}
        ).scalar_one()
        conn.commit()
        return bool(got)

    def current_leader(self) -> dict[str, Any] | None:
        """The row of the last indexer that took the lead (epoch, holder, since), None before any."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(indexer_leader).where(indexer_leader.c.id == _LEADER_ROW)).first()
        return None if row is None else dict(row._mapping)

    def acquire(self, stop: threading.Event) -> bool:
        noted = 0.0
        while not stop.is_set():
            try:
                if self._conn is None:
                    self._conn = self._connect()
                if self._try(self._conn):
                    self.epoch = self._take_over(self._conn)
                    logger.info("leading the indexing (epoch %d) as %s", self.epoch, self.holder,
                                extra={"epoch": self.epoch, "holder": self.holder})  # fmt: skip
                    return True
            except sa.exc.SQLAlchemyError as exc:
                logger.warning("leader election: database unavailable (%s); trying again", str(exc).splitlines()[0])
                self._drop()
            now = time.monotonic()
            if now - noted >= _NOTE_EVERY:
                noted = now
                leader = None
                with contextlib.suppress(sa.exc.SQLAlchemyError):
                    leader = self.current_leader()
                who = "another indexer" if leader is None else f"{leader['holder']} (epoch {leader['epoch']})"
                logger.info("standing by: %s leads; trying every %.1fs", who, self.poll)
            stop.wait(self.poll)
        return False

    def _take_over(self, conn: sa.Connection) -> int:
        """The next epoch, recorded with this holder. Waits for the writes in flight of the previous leader
        (they hold the epoch row FOR SHARE), so that everything they commit is seen afterwards."""
        t = indexer_leader
        # An autocommit session: each statement commits on its own (only this lock's holder writes the row).
        updated = conn.execute(
            t.update()
            .where(t.c.id == _LEADER_ROW)
            .values(epoch=t.c.epoch + 1, holder=self.holder, since=time.time())
            .returning(t.c.epoch)
        ).scalar_one_or_none()
        if updated is None:
            conn.execute(t.insert().values(id=_LEADER_ROW, epoch=1, holder=self.holder, since=time.time()))
            updated = 1
        conn.commit()  # ends SQLAlchemy's autobegun transaction object (nothing left to commit in the database)
        return int(updated)

    def fence(self, conn: sa.Connection) -> None:
        t = indexer_leader
        epoch = conn.execute(
            sa.select(t.c.epoch, t.c.holder).where(t.c.id == _LEADER_ROW).with_for_update(read=True)
        ).first()
        if epoch is None or self.epoch is None or int(epoch[0]) != self.epoch:
            who = "nobody" if epoch is None else f"{epoch[1]} (epoch {epoch[0]})"
            raise LeadershipLost(f"this indexer (epoch {self.epoch}) no longer leads: {who} does")

    def _drop(self) -> None:
        """Ends the lock's session: the connection is closed, not returned to the pool (where the session,
        and the lock with it, would live on)."""
        if self._conn is not None:
            with contextlib.suppress(sa.exc.SQLAlchemyError):
                self._conn.invalidate()
                self._conn.close()
            self._conn = None

    def release(self) -> None:
        """Gives the lock up (closing its session); the epoch stays, so a write fenced by it still fails."""
        if self._conn is not None:
            with contextlib.suppress(sa.exc.SQLAlchemyError):
                self._conn.execute(
                    sa.text("SELECT pg_advisory_unlock(:cls, hashtext(current_schema()))"), {"cls": _LOCK_CLASS}
                )
        self._drop()
        self.epoch = None


class FileLeadership:
    """An exclusive ``flock`` on ``path`` (SQLite stores: every indexer runs on the database's machine)."""

    def __init__(self, path: Path, *, poll: float = 0.5, holder: str | None = None) -> None:
        self.path = path
        self.poll = poll
        self.holder = holder or _holder()
        self._file: IO[str] | None = None

    def acquire(self, stop: threading.Event) -> bool:
        noted = 0.0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        while not stop.is_set():
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                now = time.monotonic()
                if now - noted >= _NOTE_EVERY:
                    noted = now
                    handle.seek(0)
                    logger.info("standing by: %s leads; trying every %.1fs", handle.read().strip() or "another "
                                "indexer", self.poll)  # fmt: skip
                stop.wait(self.poll)
                continue
            handle.seek(0)
            handle.truncate()
            handle.write(self.holder + "\n")
            handle.flush()
            self._file = handle
            logger.info("leading the indexing as %s (lock %s)", self.holder, self.path)
            return True
        handle.close()
        return False

    def fence(self, conn: sa.Connection) -> None:
        """Nothing to check: the lock cannot be lost while this process lives."""

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def open_leadership(store: Store, *, poll: float = 0.5) -> Leadership | None:
    """The election for ``store``'s indexers: PostgreSQL's advisory lock, a lock file beside a SQLite file,
    None for an in-memory database."""
    if store.dialect == "postgresql":
        return PostgresLeadership(store.engine, poll=poll)
    database = store.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return FileLeadership(Path(database + ".indexer-lock"), poll=poll)


def run_elected(
    indexer: Indexer,
    store: Store,
    leadership: Leadership | None,
    *,
    follow: bool = False,
    from_block: int | None = None,
) -> IndexReport | None:
    """Runs ``indexer`` on ``store`` while this process leads; waits (standby) while another indexer does.
    Following, a deposed leader stands by again and takes over when it can; a one-shot run that loses the
    lead raises :class:`LeadershipLost`. None when stopped before leading."""
    if leadership is None:
        return indexer.run(follow=follow, from_block=from_block)
    while True:
        if not leadership.acquire(indexer.stop):
            return None
        store.fence = leadership.fence
        try:
            return indexer.run(follow=follow, from_block=from_block)
        except LeadershipLost as exc:
            if not follow:
                raise
            logger.warning("%s; standing by", exc)
        finally:
            store.fence = None
            leadership.release()
