"""API key lifecycle in the store: expiry, rotation with a grace period for the previous secret, scopes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from api.gateway import ApiKeyExpired, ApiKeyRevoked, ApiKeyStore, InvalidApiKey
from api.gateway.keys import READ, WRITE, normalise_scopes
from ledger.store import Store

ACCOUNT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


def test_a_key_is_refused_from_its_expiry_on(gateway_store: Store, tmp_path: Path) -> None:
    keys = ApiKeyStore(gateway_store.engine)
    now = int(time.time())
    new = keys.create(ACCOUNT, tmp_path / "k.json", expires_at=now + 100)
    assert keys.authenticate(new.token, now=now + 99).key_id == new.key.key_id
    with pytest.raises(ApiKeyExpired) as expired:
        keys.authenticate(new.token, now=now + 100)
    assert expired.value.status == 403 and expired.value.details["expires_at"] == now + 100
    assert keys.get(new.key.key_id).status(now + 100) == "expired"
    extended = keys.update(new.key.key_id, expires_at=None)
    assert extended.expires_at is None and keys.authenticate(new.token, now=now + 10**6)


def test_rotation_accepts_the_previous_secret_until_the_grace_period_ends(gateway_store: Store, tmp_path: Path) -> None:
    keys = ApiKeyStore(gateway_store.engine)
    first = keys.create(ACCOUNT, tmp_path / "k.json", "desk", scopes=["settle_trade"])
    now = int(time.time())
    second = keys.rotate(first.key.key_id, grace_seconds=3600, now=now)
    assert second.token != first.token and second.key.key_id == first.key.key_id
    assert second.key.scopes == ("settle_trade",) and second.key.label == "desk"
    assert second.key.rotated_at == now and second.key.previous_valid_until == now + 3600
    assert keys.authenticate(second.token, now=now + 10**6).key_id == first.key.key_id
    assert keys.authenticate(first.token, now=now + 3599).key_id == first.key.key_id
    with pytest.raises(InvalidApiKey, match="rotated"):
        keys.authenticate(first.token, now=now + 3600)
    # A second rotation: only the secret it replaces keeps a grace period.
    third = keys.rotate(first.key.key_id, grace_seconds=60, now=now + 10)
    with pytest.raises(InvalidApiKey):
        keys.authenticate(first.token, now=now + 11)
    assert keys.authenticate(second.token, now=now + 69)
    assert keys.authenticate(third.token, now=now + 70)
    with pytest.raises(InvalidApiKey):
        keys.authenticate(second.token, now=now + 70)
    keys.revoke(first.key.key_id)
    with pytest.raises(ApiKeyRevoked):
        keys.rotate(first.key.key_id, grace_seconds=60)
    with pytest.raises(ApiKeyRevoked):
        keys.authenticate(third.token)


def test_scopes_allow_reads_to_every_key_and_writes_by_name(gateway_store: Store, tmp_path: Path) -> None:
    keys = ApiKeyStore(gateway_store.engine)
    reader = keys.create(ACCOUNT, tmp_path / "k.json", scopes=[READ]).key
    settler = keys.create(ACCOUNT, tmp_path / "k.json", scopes=["settle_trade", "settle_batch", "read"]).key
    writer = keys.create(ACCOUNT, tmp_path / "k.json").key
    assert reader.scopes == (READ,) and settler.scopes == ("settle_batch", "settle_trade")
    assert writer.scopes == (WRITE,)
    for key in (reader, settler, writer):
        assert key.allows(None)  # a call that sends no transaction
    assert not reader.allows("settle_trade")
    assert settler.allows("settle_trade") and not settler.allows("freeze_asset")
    assert writer.allows("freeze_asset")
    assert sorted(k.scopes for k in keys.find()) == [("read",), ("settle_batch", "settle_trade"), ("write",)]
    assert normalise_scopes(["write", "settle_trade"]) == (WRITE,) and normalise_scopes([]) == (READ,)
