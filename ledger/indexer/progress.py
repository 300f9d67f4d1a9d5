"""A plain-text progress line for backfills: blocks done/total, events per second, ETA."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["Progress"]


def _duration(value: float) -> str:
    seconds = round(value)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


class Progress:
    """Redraws one line on ``stream`` (``\\r`` on a terminal, one line per update elsewhere), at most
    every ``min_interval`` seconds; ``finish`` draws the final state and ends the line."""

    def __init__(
        self, stream: TextIO, *, min_interval: float = 0.25, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stream = stream
        self.min_interval = min_interval
        self.clock = clock
        self.tty = stream.isatty()
        self._first = 0
        self._last = 0
        self._started = 0.0
        self._drawn_at: float | None = None
        self._width = 0
        self._done_block = 0
        self._events = 0
        self.active = False

    def start(self, first: int, last: int) -> None:
        self._first, self._last = first, last
        self._started = self.clock()
        self._drawn_at = None
        self._done_block, self._events = first - 1, 0
        self.active = True

    def update(self, block: int, events: int) -> None:
        """``block``: the last block done; ``events``: events stored since :meth:`start`."""
        if not self.active:
            return
        self._done_block, self._events = block, events
        now = self.clock()
        if self._drawn_at is not None and now - self._drawn_at < self.min_interval:
            return
        self._draw(now)

    def finish(self) -> None:
        if not self.active:
            return
        self._draw(self.clock())
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
        self.active = False

    def line(self, now: float) -> str:
        total = max(1, self._last - self._first + 1)
        done = min(total, max(0, self._done_block - self._first + 1))
        elapsed = max(now - self._started, 1e-9)
        rate = self._events / elapsed
        eta = "--:--:--" if done == 0 else _duration((total - done) * elapsed / done)
        return (
            f"indexing blocks {done:,}/{total:,} ({100 * done / total:.0f}%)  {self._events:,} events  "
            f"{rate:,.0f} events/s  ETA {eta}"
        )

    def _draw(self, now: float) -> None:
        self._drawn_at = now
        text = self.line(now)
        if self.tty:
            self.stream.write("\r" + text.ljust(self._width))
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
