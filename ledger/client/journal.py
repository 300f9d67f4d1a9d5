"""A write-ahead journal of signed transactions.

Every raw transaction is appended (and fsynced) before it is sent. If the node loses
blocks (the embedded node killed between two state dumps), :meth:`Journal.pending`
lists what must be sent again: re-sending the same signed bytes is idempotent, since the
nonce pins each transaction to one slot of its sender's sequence.

On a development chain the clock is sometimes moved on (past the council's delay, see
:mod:`ledger.governance`): :meth:`Journal.record_clock` notes it between the transactions, so that a
replay moves the clock again, as far past the transaction before the note as it was then, before
re-sending what came after (a scheduled governance operation is executed only once its time has come,
and re-sent, it is scheduled anew).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ClockMark", "Journal", "JournalEntry"]


@dataclass(frozen=True, slots=True)
class JournalEntry:
    seq: int
    tx_hash: str
    sender: str
    nonce: int
    raw: str


@dataclass(frozen=True, slots=True)
class ClockMark:
    """The development chain's clock was moved ``after`` seconds past the block of the transaction before this
    mark, before the entries that follow were sent."""

    seq: int
    after: int


class Journal:
    """Append-only JSON-lines file; one line a transaction, in send order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._seq = sum(1 for _ in self._lines())
        self._fh = open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the journal's life

    def close(self) -> None:
        with self._lock:
            self._fh.close()

    def record(self, entries: Iterable[tuple[str, str, int, str]]) -> None:
        """Appends ``(tx_hash, sender, nonce, raw_hex)`` rows and fsyncs once."""
        with self._lock:
            for tx_hash, sender, nonce, raw in entries:
                self._seq += 1
                row = {"seq": self._seq, "hash": tx_hash, "from": sender, "nonce": nonce, "raw": raw}
                self._fh.write(json.dumps(row, separators=(",", ":")) + "\n")
            self._fh.flush()
            os.fsync(self._fh.fileno())

    def record_clock(self, after: int) -> None:
        """Notes that the development chain's clock is being moved ``after`` seconds past the block of the last
        journalled transaction (fsynced)."""
        with self._lock:
            self._seq += 1
            self._fh.write(json.dumps({"seq": self._seq, "clock_after": after}, separators=(",", ":")) + "\n")
            self._fh.flush()
            os.fsync(self._fh.fileno())

    def entries(self) -> list[JournalEntry]:
        """The journalled transactions, in send order."""
        return [s for s in self.steps() if isinstance(s, JournalEntry)]

    def steps(self) -> list[JournalEntry | ClockMark]:
        """The transactions and the clock's moves, in order."""
        out: list[JournalEntry | ClockMark] = []
        for row in self._lines():
            if "clock_after" in row:
                out.append(ClockMark(int(row["seq"]), int(row["clock_after"])))
                continue
            out.append(
                JournalEntry(int(row["seq"]), str(row["hash"]), str(row["from"]), int(row["nonce"]), str(row["raw"]))
            )
        return out

    def drop(self, tx_hashes: Iterable[str]) -> int:
        """Removes the entries of ``tx_hashes`` and keeps every other one, also those appended since the
        caller read the journal (the file is read again under the lock). A clock mark stays while a transaction
        after it does. Returns how many transactions were removed."""
        gone = {h.lower() for h in tx_hashes}
        if not gone:
            return 0
        with self._lock:
            steps = self.steps()
            kept = [s for s in steps if isinstance(s, ClockMark) or s.tx_hash.lower() not in gone]
            removed = len(steps) - len(kept)
            if not removed:
                return 0
            keep = [s for i, s in enumerate(kept) if isinstance(s, JournalEntry) or any(
                isinstance(t, JournalEntry) for t in kept[i + 1 :])]  # fmt: skip
            self._rewrite_locked(keep)
            return removed

    def rewrite(self, keep: Iterable[JournalEntry | ClockMark]) -> None:
        """Atomically replaces the journal with ``keep`` (entries appended meanwhile are lost: see :meth:`drop`)."""
        with self._lock:
            self._rewrite_locked(keep)

    def _rewrite_locked(self, keep: Iterable[JournalEntry | ClockMark]) -> None:
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            for e in keep:
                row: dict[str, Any] = (
                    {"seq": e.seq, "clock_after": e.after} if isinstance(e, ClockMark)
                    else {"seq": e.seq, "hash": e.tx_hash, "from": e.sender, "nonce": e.nonce, "raw": e.raw}
                )  # fmt: skip
                fh.write(json.dumps(row, separators=(",", ":")) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        self._fh.close()
        self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115

    def _lines(self) -> Iterator[dict[str, Any]]:
        try:
            with open(self.path, encoding="utf-8") as fh:
                for line in fh:
                    line = line.strip()
                    if not line:
                        continue
                    try:
                        yield json.loads(line)
                    except ValueError:
                        # A torn last line from a crash mid-write: that transaction was never sent.
                        return
        except FileNotFoundError:
            return
