"""Per-key token buckets: ``rate`` requests a second on average, ``burst`` at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from api.gateway.errors import RateLimited

__all__ = ["RateLimiter"]


class RateLimiter:
    """In-process token buckets keyed by API key id (each server process limits on its own)."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    def check(self, key: str) -> None:
        """Takes one token from ``key``'s bucket, or raises :class:`RateLimited` saying when one will be there."""
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
                raise RateLimited(
                    f"rate limit of {self.rate:g} requests/s (burst {self.burst}) exceeded for this API key",
                    retry_after=wait,
                )
            self._buckets[key] = (tokens - 1.0, now)
