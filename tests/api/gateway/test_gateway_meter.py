"""Rate limits and usage shared by every API process: in the store's database (SQLite, PostgreSQL) or in
Redis. Two meters on one database or Redis stand for two processes: they share one bucket per key."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from api.gateway import RateLimited
from api.gateway.meter import DatabaseMeter, KeyMeter, RedisMeter
from ledger.store import Store, open_store


def _redis(url: str, rate: float, burst: int) -> RedisMeter:
    base, prefix = url.split("#")
    return RedisMeter(base, rate, burst, prefix)


def _admitted(meter: KeyMeter, key: str, n: int) -> int:
    ok = 0
    for _ in range(n):
        try:
            meter.admit(key)
            ok += 1
        except RateLimited:
            pass
    return ok


def _check_bucket(first: KeyMeter, second: KeyMeter) -> None:
    # Two processes share one bucket: 3 at once in total, then one every 2 s.
    assert _admitted(first, "k1", 2) + _admitted(second, "k1", 2) == 3
    with pytest.raises(RateLimited) as refused:
        second.admit("k1")
    assert refused.value.retry_after is not None and 0 < refused.value.retry_after <= 2.0
    assert _admitted(first, "k2", 3) == 3  # every key has its own bucket
    time.sleep(refused.value.retry_after + 0.05)
    assert _admitted(first, "k1", 1) == 1
    usage = {u.key_id: u for u in second.usage()}
    assert (usage["k1"].requests, usage["k1"].refused) == (4, 2)
    assert (usage["k2"].requests, usage["k2"].refused) == (3, 0)
    assert abs(usage["k1"].last_used_at - time.time()) < 60
    assert [u.key_id for u in first.usage("k2", days=1)] == ["k2"]


def test_database_buckets_and_usage_are_shared_by_every_process(gateway_store: Store) -> None:
    _check_bucket(DatabaseMeter(gateway_store.engine, 0.5, 3), DatabaseMeter(gateway_store.engine, 0.5, 3))


def test_redis_buckets_and_usage_are_shared_by_every_process(redis_url: str) -> None:
    first, second = _redis(redis_url, 0.5, 3), _redis(redis_url, 0.5, 3)
    try:
        _check_bucket(first, second)
    finally:
        first.close()
        second.close()


def test_a_bucket_refills_at_the_rate_up_to_the_burst(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'ledger.db'}")
    now = [1000.0]
    meter = DatabaseMeter(store.engine, 10.0, 5, clock=lambda: now[0])
    try:
        assert _admitted(meter, "k", 7) == 5
        now[0] += 0.25  # 2.5 tokens
        assert _admitted(meter, "k", 7) == 2
        with pytest.raises(RateLimited) as refused:
            meter.admit("k")
        assert refused.value.retry_after == pytest.approx(0.05)
        now[0] += 3600  # a full bucket holds the burst, not more
        assert _admitted(meter, "k", 9) == 5
    finally:
        store.close()
