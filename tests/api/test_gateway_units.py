"""Write gateway pieces without a chain: token buckets, JSON rendering, refusal mapping, token format."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import ledger.contracts.errors as E
from ledger.contracts.codec import ErrorTable
from ledger.gateway import ApiKeyStore, InvalidApiKey, RateLimited, RateLimiter
from ledger.gateway.outcome import plain, refusal_reply
from ledger.store import open_store


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_the_burst_then_refills_at_the_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=2.0, burst=3, clock=clock)
    for _ in range(3):
        limiter.check("k")
    with pytest.raises(RateLimited) as refused:
        limiter.check("k")
    assert refused.value.retry_after == pytest.approx(0.5)
    limiter.check("other")  # buckets are per key
    clock.now += 0.5
    limiter.check("k")
    with pytest.raises(RateLimited):
        limiter.check("k")
    clock.now += 100  # never more than the burst
    for _ in range(3):
        limiter.check("k")
    with pytest.raises(RateLimited):
        limiter.check("k")


def test_plain_values_are_json_safe() -> None:
    assert plain({"a": b"\x01\x02", "b": 2**53 - 1, "c": 2**53, "d": (True, None, -(2**60))}) == {
        "a": "0x0102", "b": 2**53 - 1, "c": str(2**53), "d": [True, None, str(-(2**60))],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (E.ParticipantUnauthorized({"account": "0x" + "11" * 20, "neededRoles": 2}), 403),
        (E.RegistryUnknownAsset({"assetId": 5}), 404),
        (E.ParticipantAlreadyAdmitted({"account": "0x" + "11" * 20}), 409),
        (E.LicenseInvalidPeriod({"start": 2, "end": 1}), 422),
    ],
)
def test_refusals_map_to_status_by_their_class(error: E.ContractRevert, status: int) -> None:
    reply = refusal_reply(error, ErrorTable(()))
    assert reply.status == status
    assert reply.body["error"]["name"] == type(error).__name__
    assert reply.body["error"]["values"] == plain(error.values)


def test_tokens_are_checked_by_format_and_secret(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'keys.db'}") as store:
        keys = ApiKeyStore(store.engine)
        new = keys.create("0x" + "22" * 20, tmp_path / "k.json", "desk")
        assert keys.authenticate(new.token).key_id == new.key.key_id
        key_id, secret = new.token.removeprefix("ldg_").split("_", 1)
        for bad in ("", new.token + "x", f"ldg_{key_id}_{secret[::-1]}", f"ldg_{'0' * 12}_{secret}"):
            with pytest.raises(InvalidApiKey):
                keys.authenticate(bad)


def test_finished_idempotency_records_are_pruned_after_they_expire(tmp_path: Path) -> None:
    from ledger.gateway import IdempotencyInProgress, IdempotencyStore
    from ledger.gateway.idempotency import Claimed

    with open_store(f"sqlite:///{tmp_path / 'idem.db'}") as store:
        records = IdempotencyStore(store.engine, lease_seconds=30, keep_seconds=3600)
        assert isinstance(records.claim("k", "old", "f", "op"), Claimed)
        records.finish("k", "old", 200, {"tx_hash": "0x1"})
        assert isinstance(records.claim("k", "pending", "f", "op"), Claimed)
        assert records.prune() == 0
        assert records.prune(now=time.time() + 7200) == 1  # the finished one; a pending one stays
        assert isinstance(records.claim("k", "old", "f", "op"), Claimed)  # the key starts afresh
        with pytest.raises(IdempotencyInProgress):  # still pending: kept
            records.claim("k", "pending", "f", "op")
