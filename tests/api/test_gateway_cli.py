"""``ledger apikey create|list|revoke``: the token is printed once and works with the gateway; keys
are stored hashed; a revoked key is refused."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from ledger.cli.main import app
from ledger.client import dev_account
from ledger.store.schema import api_keys
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import PASSWORD, Market, gateway_market, write_keystore


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Market]:
    with gateway_market(tmp_path_factory.mktemp("gateway-cli"), compile_contracts()) as m:
        yield m


def _cli(market: Market, *args: str) -> dict[str, object] | list[dict[str, object]]:
    env = {
        "LEDGER_DATA_DIR": str(market.settings.data_dir), "LEDGER_NODE_PORT": str(market.settings.node_port),
        "LEDGER_DATABASE_URL": market.settings.database_url, "LEDGER_KEYSTORE_PASSWORD": PASSWORD,
        "LEDGER_RPC_URL": None,
    }  # fmt: skip
    result = CliRunner().invoke(app, ["apikey", *args, "--json"], env=env)
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    data: dict[str, object] | list[dict[str, object]] = json.loads(result.stdout)
    return data


def test_create_list_revoke_and_use_a_key(market: Market, tmp_path: Path) -> None:
    keystore = tmp_path / "desk.json"
    write_keystore(keystore, bytes(dev_account(8).key))  # the merchant's key
    created = _cli(market, "create", "--account", market.address("merchant"), "--keystore", str(keystore),
                   "--label", "merchant desk")  # fmt: skip
    assert isinstance(created, dict)
    token = str(created["token"])
    assert token.startswith("ldg_") and created["account"] == market.address("merchant")

    listed = _cli(market, "list", "--account", market.address("merchant"))
    assert isinstance(listed, list)
    assert [k["key_id"] for k in listed if k["label"] == "merchant desk"] == [created["key_id"]]
    assert all("token" not in k for k in listed)
    with market.store.engine.connect() as conn:  # only a hash of the secret is stored
        stored = [str(v) for row in conn.execute(sa.select(api_keys)) for v in row]
    secret = token.split("_", 2)[2]  # the secret itself may hold "_" (URL-safe base64)
    assert len(secret) == 43 and not any(secret in v for v in stored)

    client = market.client()
    with market.snapshot():
        ok = client.post("/api/v1/tx/declarations", json={"document_hash": "0x" + "12" * 32},
                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        assert ok.status_code == 200, ok.text
        assert ok.json()["sender"] == market.address("merchant")

    revoked = _cli(market, "revoke", str(created["key_id"]))
    assert isinstance(revoked, dict) and revoked["revoked_at"] is not None
    refused = client.post("/api/v1/tx/declarations", json={"document_hash": "0x" + "12" * 32},
                          headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert refused.status_code == 403


def test_a_dev_account_gets_a_keystore_written_on_the_embedded_chain(market: Market) -> None:
    created = _cli(market, "create", "--account", "9")
    assert isinstance(created, dict)
    assert created["account"] == market.address("provider")
    assert Path(str(created["keystore"])).name in ("provider.json", "dev-9.json")


def test_a_keystore_of_another_account_is_a_usage_error(market: Market, tmp_path: Path) -> None:
    keystore = tmp_path / "other.json"
    write_keystore(keystore, bytes(dev_account(3).key))
    env = {"LEDGER_DATA_DIR": str(market.settings.data_dir), "LEDGER_DATABASE_URL": market.settings.database_url,
           "LEDGER_KEYSTORE_PASSWORD": PASSWORD, "LEDGER_RPC_URL": None}  # fmt: skip
    result = CliRunner().invoke(
        app, ["apikey", "create", "--account", market.address("merchant"), "--keystore", str(keystore)], env=env
    )
    assert result.exit_code == 2
    assert result.stdout == ""


def test_keys_expire_by_default_and_are_scoped_rotated_updated_and_metered(market: Market) -> None:
    created = _cli(market, "create", "--account", "9", "--scope", "read", "--label", "monitor")
    assert isinstance(created, dict)
    assert created["scopes"] == ["read"] and created["status"] == "active"
    year = 365 * 86_400
    assert abs(int(str(created["expires_at"])) - (time.time() + year)) < 120  # LEDGER_GATEWAY_KEY_DAYS
    key_id, first = str(created["key_id"]), str(created["token"])
    client = market.client()
    assert client.get("/api/v1/tx/key", headers={"X-API-Key": first}).status_code == 200

    rotated = _cli(market, "rotate", key_id, "--grace", "1h")
    assert isinstance(rotated, dict)
    second = str(rotated["token"])
    assert second != first and rotated["key_id"] == key_id
    assert abs(int(str(rotated["previous_secret_valid_until"])) - (time.time() + 3600)) < 120
    for token in (first, second):  # both work during the grace period
        assert client.get("/api/v1/tx/key", headers={"X-API-Key": token}).status_code == 200
    _cli(market, "rotate", key_id, "--grace", "0")
    assert client.get("/api/v1/tx/key", headers={"X-API-Key": second}).status_code == 401

    updated = _cli(market, "update", key_id, "--scope", "settle_trade", "--scope", "settle_batch", "--no-expiry")
    assert isinstance(updated, dict)
    assert updated["scopes"] == ["settle_batch", "settle_trade"] and updated["expires_at"] is None
    shown = _cli(market, "show", key_id)
    assert isinstance(shown, dict) and shown["scopes"] == updated["scopes"]

    usage = _cli(market, "usage", key_id)
    assert isinstance(usage, list) and len(usage) == 1
    assert usage[0]["requests"] == 3 and usage[0]["refused"] == 0
    operations = _cli(market, "operations")
    assert isinstance(operations, list) and "settle_trade" in operations and "read" not in operations


def test_an_unknown_scope_or_duration_is_a_usage_error(market: Market) -> None:
    env = {"LEDGER_DATA_DIR": str(market.settings.data_dir), "LEDGER_DATABASE_URL": market.settings.database_url,
           "LEDGER_KEYSTORE_PASSWORD": PASSWORD, "LEDGER_RPC_URL": None}  # fmt: skip
    for args in (["--scope", "settle_everything"], ["--expires-in", "soon"]):
        result = CliRunner().invoke(app, ["apikey", "create", "--account", "9", *args], env=env)
        assert result.exit_code == 2, result.stdout
        assert result.stdout == ""
