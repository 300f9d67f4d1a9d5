"""Write gateway pieces without a chain: token buckets, JSON rendering, refusal mapping, token format."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak

import ledger.contracts.errors as E
from api.gateway import ApiKeyStore, InvalidApiKey, RateLimited, RateLimiter
from api.gateway.outcome import plain, refusal_reply
from api.reasons import decode_reason
from ledger.contracts.codec import ErrorTable
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
        # the rules closed further: a sold licence, releasing held shares, late mandated licences, recognised rights
        (E.LicenseSold({"licenseId": 3, "account": "0x" + "11" * 20}), 403),
        (E.ControlsRegistrarConflict({"assetId": 1, "registrar": "0x" + "11" * 20}), 403),
        (E.SettlementNotRevoked({"account": "0x" + "11" * 20, "status": 2}), 409),
        (E.RegistryRecognisedRight({"assetId": 4, "right": 1}), 409),
        (E.SettlementZeroHash({}), 422),
        (E.MandateLateStart({"mandateId": b"\x01" * 32, "start": 10, "expiry": 9}), 422),
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
    from api.gateway import IdempotencyInProgress, IdempotencyStore
    from api.gateway.idempotency import Claimed

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


@pytest.mark.parametrize(
    ("signature", "types", "values"),
    [
        ("MandateLateStart(bytes32,uint256,uint40)", ["bytes32", "uint256", "uint40"], [b"\x07" * 32, 2**40, 99]),
        ("RegistryRecognisedRight(uint256,uint8)", ["uint256", "uint8"], [12, 1]),
        ("LicenseSold(uint64,address)", ["uint64", "address"], [3, "0x" + "11" * 20]),
        ("SettlementNotRevoked(address,uint8)", ["address", "uint8"], ["0x" + "11" * 20, 2]),
        ("SettlementZeroHash()", [], []),
        ("ControlsRegistrarConflict(uint256,address)", ["uint256", "address"], [1, "0x" + "11" * 20]),
    ],
)
def test_a_refused_trades_reason_decodes_the_errors_of_the_rules_closed_further(
    signature: str, types: list[str], values: list[object]
) -> None:
    """The store keeps a refused trade's reason as bytes; the read API decodes it without a build."""
    reason = keccak(text=signature)[:4] + abi_encode(types, values)
    decoded = decode_reason("0x" + reason.hex())
    name = signature[: signature.index("(")]
    assert (decoded["name"], decoded["refusal"]) == (name, E.ERRORS_BY_NAME[name].refusal)
    assert len(decoded["values"]) == len(values)
    # nested in a batch item's failure, as an atomic batch reports it
    outer = keccak(text="SettlementBatchItemFailed(uint256,bytes32,bytes)")[:4] + abi_encode(
        ["uint256", "bytes32", "bytes"], [1, b"\x07" * 32, reason]
    )
    assert decode_reason(outer)["values"]["reason"]["name"] == name
