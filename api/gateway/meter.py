"""Rate limits and usage of the API keys, shared by every API process: in the store's database, or in
Redis when ``LEDGER_REDIS_URL`` is set.

Each admitted request takes one token from its key's bucket (``rate`` tokens a second, at most ``burst``
held); a request that finds none is refused with :class:`RateLimited` saying when the next token comes.
The bucket is read and written in one atomic step (one upsert statement; one Lua script in Redis) on
the clock of the database or of Redis, so that processes on several machines share one limit. The same
step counts the key's usage per UTC day: requests admitted, requests refused, the last time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, Protocol

import sqlalchemy as sa

from api.gateway._db import writing
from api.gateway.errors import RateLimited
from ledger.store.schema import api_key_usage, gateway_rate_limits

if TYPE_CHECKING:
    from ledger.settings import LedgerSettings

__all__ = ["DatabaseMeter", "KeyMeter", "RedisMeter", "UsageDay", "open_meter"]

_USAGE_TTL: Final = 400 * 86_400  # Redis: usage days kept this long


@dataclass(frozen=True, slots=True)
class UsageDay:
    """One API key's requests on one UTC day."""

    key_id: str
    day: str  # YYYY-MM-DD
    requests: int
    refused: int
    last_used_at: float


class KeyMeter(Protocol):
    """Shared rate limits and usage counts of API keys."""

    rate: float
    burst: int

    def admit(self, key_id: str) -> None:
        """Takes a token from ``key_id``'s bucket and counts the request; :class:`RateLimited` (counted as
        refused) when the bucket is empty."""
        ...

    def usage(self, key_id: str | None = None, days: int = 30) -> list[UsageDay]:
        """Usage of the last ``days`` UTC days (today included), of one key or all, by key then day."""
        ...

    def close(self) -> None: ...


def _refused(rate: float, burst: int, tokens: float) -> RateLimited:
    return RateLimited(
        f"rate limit of {rate:g} requests/s (burst {burst}) exceeded for this API key",
        retry_after=max(0.0, (1.0 - tokens) / rate),
    )


def _day(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d")


def _first_day(days: int, now: float) -> str:
    return (datetime.fromtimestamp(now, UTC) - timedelta(days=max(1, days) - 1)).strftime("%Y-%m-%d")


_NOW_PG: Final = "EXTRACT(EPOCH FROM clock_timestamp())::float8"

# One statement reads and writes the bucket. EXCLUDED.updated_at is the clock at this request; a bucket
# written by a request that read the clock later (another process) is not moved back.
_TAKE: Final = """
INSERT INTO {table} AS b (bucket, tokens, updated_at, admitted)
VALUES (:bucket, :burst - 1, {now}, TRUE)
ON CONFLICT (bucket) DO UPDATE SET
  tokens = CASE WHEN {refill} >= 1 THEN {refill} - 1 ELSE {refill} END,
  admitted = {refill} >= 1,
  updated_at = {greatest}(b.updated_at, EXCLUDED.updated_at)
RETURNING tokens, admitted, updated_at
"""

_COUNT: Final = """
INSERT INTO {table} (key_id, day, requests, refused, last_used_at)
VALUES (:key_id, :day, :requests, :refused, :now)
ON CONFLICT (key_id, day) DO UPDATE SET
  requests = {table}.requests + EXCLUDED.requests,
  refused = {table}.refused + EXCLUDED.refused,
  last_used_at = {greatest}({table}.last_used_at, EXCLUDED.last_used_at)
"""


class DatabaseMeter:
    """Buckets and usage in the store's database (tables ``gateway_rate_limits`` and ``api_key_usage``).
    PostgreSQL: the database's clock; SQLite (one machine): this process's."""

    def __init__(self, engine: sa.Engine, rate: float, burst: int, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self._clock = clock  # SQLite only: PostgreSQL's buckets run on the database's clock
        self.rate = rate
        self.burst = burst
        postgres = engine.dialect.name == "postgresql"
        least, greatest = ("LEAST", "GREATEST") if postgres else ("MIN", "MAX")
        refill = f"{least}(:burst, b.tokens + {greatest}(0, EXCLUDED.updated_at - b.updated_at) * :rate)"
        self._postgres = postgres
        self._take = sa.text(
            _TAKE.format(
                table=gateway_rate_limits.name, now=_NOW_PG if postgres else ":now", refill=refill, greatest=greatest
            )
        )
        self._count = sa.text(_COUNT.format(table=api_key_usage.name, greatest=greatest))

    def admit(self, key_id: str) -> None:
        params: dict[str, Any] = {"bucket": f"key:{key_id}", "burst": float(self.burst), "rate": float(self.rate)}
        if not self._postgres:
            params["now"] = self._clock()
        with writing(self.engine) as conn:
            tokens, admitted, now = conn.execute(self._take, params).one()
            conn.execute(
                self._count,
                {"key_id": key_id, "day": _day(now), "requests": int(bool(admitted)), "refused": int(not admitted),
                 "now": float(now)},
            )  # fmt: skip
        if not admitted:
            raise _refused(self.rate, self.burst, float(tokens))

    def usage(self, key_id: str | None = None, days: int = 30) -> list[UsageDay]:
        u = api_key_usage
        query = sa.select(u).where(u.c.day >= _first_day(days, time.time())).order_by(u.c.key_id, u.c.day)
        if key_id is not None:
            query = query.where(u.c.key_id == key_id)
        with self.engine.connect() as conn:
            return [
                UsageDay(r.key_id, r.day, int(r.requests), int(r.refused), float(r.last_used_at))
                for r in conn.execute(query)
            ]

    def close(self) -> None:
        """Nothing to close: the engine is the store's."""


# KEYS: bucket hash, usage hash. ARGV: rate, burst, usage TTL. The clock is Redis's (TIME).
_LUA: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil then tokens = burst; at = now end
if now > at then tokens = math.min(burst, tokens + (now - at) * rate) else now = at end
local admitted = 0
if tokens >= 1 then tokens = tokens - 1; admitted = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
if admitted == 1 then redis.call('HINCRBY', KEYS[2], 'requests', 1)
else redis.call('HINCRBY', KEYS[2], 'refused', 1) end
redis.call('HSET', KEYS[2], 'last_used_at', tostring(now))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
return {admitted, tostring(tokens)}
"""


class RedisMeter:
    """Buckets and usage in Redis (``<prefix>:rate:<key id>``, ``<prefix>:usage:<key id>:<day>`` hashes),
    on Redis's clock. Usage days are kept 400 days."""

    def __init__(self, url: str, rate: float, burst: int, prefix: str = "ledger") -> None:
        import redis  # only with LEDGER_REDIS_URL

        self.rate = rate
        self.burst = burst
        self.prefix = prefix
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._script = self.client.register_script(_LUA)

    def admit(self, key_id: str) -> None:
        # The usage day is this process's; a request within clock skew of midnight may count on either day.
        day = _day(time.time())
        keys = [f"{self.prefix}:rate:{key_id}", f"{self.prefix}:usage:{key_id}:{day}"]
        admitted, tokens = self._script(keys=keys, args=[repr(float(self.rate)), str(self.burst), str(_USAGE_TTL)])
        if not int(admitted):
            raise _refused(self.rate, self.burst, float(tokens))

    def usage(self, key_id: str | None = None, days: int = 30) -> list[UsageDay]:
        first = _first_day(days, time.time())
        out: list[UsageDay] = []
        pattern = f"{self.prefix}:usage:{key_id if key_id is not None else '*'}:*"
        for raw in self.client.scan_iter(match=pattern, count=500):
            name = raw.decode() if isinstance(raw, bytes) else str(raw)
            key, day = name[len(self.prefix) + len(":usage:") :].rsplit(":", 1)
            if day < first:
                continue
            fields = {(k.decode() if isinstance(k, bytes) else str(k)): v for k, v in self.client.hgetall(name).items()}
            out.append(
                UsageDay(key, day, int(fields.get("requests", 0)), int(fields.get("refused", 0)),
                         float(fields.get("last_used_at", 0.0)))
            )  # fmt: skip
        out.sort(key=lambda u: (u.key_id, u.day))
        return out

    def close(self) -> None:
        self.client.close()


def open_meter(settings: LedgerSettings, engine: sa.Engine) -> KeyMeter:
    """Redis when ``LEDGER_REDIS_URL`` is set, else the store's database."""
    rate, burst = settings.gateway_rate_per_second, settings.gateway_rate_burst
    if settings.redis_url:
        return RedisMeter(settings.redis_url, rate, burst, settings.redis_prefix)
    return DatabaseMeter(engine, rate, burst)
