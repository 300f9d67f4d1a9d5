"""Idempotency records: one per (API key, ``Idempotency-Key``), in the store's database.

A request claims its key before doing anything (a row in state ``pending`` with a lease), writes
the hash and bytes of the transaction it signed *before* sending it, and finally the response
(state ``done``). So a retry

* of a finished request gets the stored response back;
* of a request that signed a transaction (still running, or whose process died after sending)
  is told that transaction's hash and follows it, never signing a second one;
* of a request that had not signed yet waits for the lease to run out (the first attempt may
  still be working), then takes the key over: nothing was sent under it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Final

import sqlalchemy as sa

from api.gateway._db import writing
from api.gateway.errors import IdempotencyInProgress, IdempotencyKeyReused
from ledger.store.schema import gateway_requests as t

__all__ = ["Claimed", "IdempotencyStore", "Replay", "Signed"]

PENDING: Final[str] = "pending"
DONE: Final[str] = "done"


@dataclass(frozen=True, slots=True)
class Claimed:
    """The key is this request's to use: go on and sign."""


@dataclass(frozen=True, slots=True)
class Replay:
    """The first attempt finished: answer with its response."""

    status: int
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Signed:
    """The first attempt signed (and maybe sent) this transaction: follow it."""

    tx_hash: str
    raw_tx: str


Claim = Claimed | Replay | Signed


class IdempotencyStore:
    """Records of one database. Finished records older than ``keep_seconds`` are deleted, at most once
    every ``prune_every`` seconds, by the next claim."""

    def __init__(
        self, engine: sa.Engine, lease_seconds: float, keep_seconds: float = 86_400.0, prune_every: float = 3600.0
    ) -> None:
        self.engine = engine
        self.lease_seconds = lease_seconds
        self.keep_seconds = keep_seconds
        self.prune_every = prune_every
        self._pruned_at = 0.0

    def prune(self, now: float | None = None) -> int:
        """Deletes finished records older than ``keep_seconds``; returns how many."""
        cutoff = (time.time() if now is None else now) - self.keep_seconds
        with writing(self.engine) as conn:
            result = conn.execute(t.delete().where(t.c.state == DONE, t.c.created_at < cutoff))
        return int(result.rowcount or 0)

    def _where(self, key_id: str, idempotency_key: str) -> sa.ColumnElement[bool]:
        return sa.and_(t.c.key_id == key_id, t.c.idempotency_key == idempotency_key)

    def claim(self, key_id: str, idempotency_key: str, fingerprint: str, operation: str) -> Claim:
        """Claims ``idempotency_key`` for a request with ``fingerprint``, or says what became of the first one."""
        if time.monotonic() - self._pruned_at > self.prune_every:
            self._pruned_at = time.monotonic()
            self.prune()
        for _ in range(3):
            now = time.time()
            try:
                with writing(self.engine) as conn:
                    row = conn.execute(
                        sa.select(t.c.fingerprint, t.c.state, t.c.lease_until, t.c.tx_hash, t.c.raw_tx,
                                  t.c.status_code, t.c.response)
                        .where(self._where(key_id, idempotency_key))
                        .with_for_update()
                    ).first()  # fmt: skip
                    if row is None:
                        conn.execute(
                            t.insert().values(
                                key_id=key_id, idempotency_key=idempotency_key, fingerprint=fingerprint,
                                operation=operation, state=PENDING, lease_until=now + self.lease_seconds,
                                created_at=int(now),
                            )
                        )  # fmt: skip
                        return Claimed()
                    stored_fp, state, lease_until, tx_hash, raw_tx, status_code, response = row
                    if stored_fp != fingerprint:
                        raise IdempotencyKeyReused(
                            f"Idempotency-Key {idempotency_key!r} was used for another request "
                            "(a different endpoint or body); use a new key for a new request",
                            idempotency_key=idempotency_key,
                        )
                    if state == DONE:
                        return Replay(int(status_code), dict(response))
                    if tx_hash is not None:
                        return Signed(tx_hash, raw_tx)
                    if lease_until > now:
                        raise IdempotencyInProgress(
                            f"a request with Idempotency-Key {idempotency_key!r} is being processed; retry later",
                            retry_after=1.0,
                            idempotency_key=idempotency_key,
                        )
                    conn.execute(
                        t.update()
                        .where(self._where(key_id, idempotency_key))
                        .values(lease_until=now + self.lease_seconds)
                    )
                    return Claimed()
            except sa.exc.IntegrityError:
                continue  # a concurrent first attempt inserted the row: read it
        raise IdempotencyInProgress(
            f"a request with Idempotency-Key {idempotency_key!r} is being processed; retry later", retry_after=1.0
        )

    def signed(self, key_id: str, idempotency_key: str, tx_hash: str, raw_tx: str) -> None:
        """Records the transaction about to be sent (before it is sent)."""
        with writing(self.engine) as conn:
            conn.execute(t.update().where(self._where(key_id, idempotency_key)).values(tx_hash=tx_hash, raw_tx=raw_tx))

    def finish(self, key_id: str, idempotency_key: str, status: int, body: dict[str, Any]) -> None:
        """Stores the response every retry will get."""
        with writing(self.engine) as conn:
            conn.execute(
                t.update()
                .where(self._where(key_id, idempotency_key), t.c.state == PENDING)
                .values(state=DONE, status_code=status, response=body, raw_tx=None)
            )

    def release(self, key_id: str, idempotency_key: str) -> None:
        """Forgets a pending claim (nothing was sent, or what was sent can never be mined): a retry runs afresh."""
        with writing(self.engine) as conn:
            conn.execute(t.delete().where(self._where(key_id, idempotency_key), t.c.state == PENDING))
