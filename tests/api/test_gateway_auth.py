"""Write gateway: authentication, acting only as the key's participant, rate limits, metrics."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from api import metrics
from api.gateway import ApiKeyStore
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import Market, gateway_market

HASH = "0x" + "5a" * 32
DECLARE = "/api/v1/tx/declarations"


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Market]:
    with gateway_market(tmp_path_factory.mktemp("gateway-auth"), compile_contracts()) as m:
        yield m


def test_writes_without_an_api_key_are_refused_with_401(market: Market) -> None:
    before = market.head()
    response = market.client().post(DECLARE, json={"document_hash": HASH})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "missing_api_key"
    assert market.head() == before


@pytest.mark.parametrize(
    "token",
    ["nonsense", "ldg_000000000000_" + "A" * 43, "Bearer", "ldg_" + "f" * 12 + "_" + "-" * 43],
)
def test_unknown_or_malformed_keys_are_refused_with_401(market: Market, token: str) -> None:
    response = market.client().post(DECLARE, json={"document_hash": HASH}, headers={"X-API-Key": token})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_a_known_key_id_with_a_wrong_secret_is_refused(market: Market) -> None:
    token = market.tokens["merchant"]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = market.client().post(DECLARE, json={"document_hash": HASH}, headers={"X-API-Key": forged})
    assert response.status_code == 401


def test_x_api_key_and_bearer_both_authenticate(market: Market) -> None:
    client = market.client()
    with market.snapshot():
        by_header = client.post(DECLARE, json={"document_hash": HASH}, headers={"X-API-Key": market.tokens["merchant"]})
        by_bearer = client.post(DECLARE, json={"document_hash": HASH}, headers=market.auth("merchant"))
    assert by_header.status_code == by_bearer.status_code == 200, by_header.text
    assert by_header.json()["sender"] == by_bearer.json()["sender"] == market.address("merchant")


def test_a_revoked_key_is_refused_with_403(market: Market) -> None:
    keys = ApiKeyStore(market.store.engine)
    new = keys.create(market.address("provider"), market.settings.data_dir / "keystores" / "provider.json", "tmp")
    client = market.client()
    keys.revoke(new.key.key_id)
    response = client.post(DECLARE, json={"document_hash": HASH}, headers={"Authorization": f"Bearer {new.token}"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "api_key_revoked"


def test_a_key_cannot_act_as_another_participant(market: Market) -> None:
    before = market.head()
    response = market.client().post(
        "/api/v1/tx/assets/1/freeze",
        json={"document_hash": HASH, "from": market.address("registrar")},
        headers=market.auth("merchant"),
    )
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "actor_mismatch"
    assert error["key_account"] == market.address("merchant")
    assert market.head() == before


def test_naming_its_own_participant_is_allowed_and_the_sender_is_always_the_key_s(market: Market) -> None:
    with market.snapshot():
        response = market.client().post(
            DECLARE, json={"document_hash": HASH, "from": market.address("merchant").lower()},
            headers=market.auth("merchant"),
        )  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.json()["sender"] == market.address("merchant")


def test_the_contract_checks_the_key_s_participant_not_a_claimed_one(market: Market) -> None:
    # The merchant's key asks for a registrar's operation: signed by the merchant, the contract refuses.
    response = market.client().post(
        "/api/v1/tx/assets/1/freeze", json={"document_hash": HASH}, headers=market.auth("merchant")
    )
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["name"] == "ParticipantUnauthorized"
    assert error["values"]["account"] == market.address("merchant")


def test_rate_limit_answers_429_with_retry_after(market: Market) -> None:
    client = market.client(gateway_rate_per_second=0.01, gateway_rate_burst=2)
    body = {"document_hash": HASH}
    codes = [client.post("/api/v1/tx/assets/1/freeze", json=body, headers=market.auth("exchange")) for _ in range(3)]
    assert [r.status_code for r in codes[:2]] == [403, 403]
    assert codes[2].status_code == 429
    assert codes[2].json()["error"]["code"] == "rate_limited"
    assert int(codes[2].headers["Retry-After"]) >= 1
    # other keys have their own bucket
    other = client.post("/api/v1/tx/assets/1/freeze", json=body, headers=market.auth("bank"))
    assert other.status_code == 403


def test_outcomes_are_counted_by_the_transactions_metric(market: Market) -> None:
    def value(outcome: str) -> float:
        return metrics.TX_OUTCOMES.labels(outcome)._value.get()

    refused, success = value("refused"), value("success")
    client = market.client()
    with market.snapshot():
        client.post("/api/v1/tx/assets/1/freeze", json={"document_hash": HASH}, headers=market.auth("merchant"))
        client.post(DECLARE, json={"document_hash": HASH}, headers=market.auth("merchant"))
    assert value("refused") == refused + 1
    assert value("success") == success + 1
    assert 'ledger_api_transactions_total{outcome="success"}' in client.get("/metrics").text


def _new_key(market: Market, actor: str, **options: object) -> str:
    keys = ApiKeyStore(market.store.engine)
    keystore = market.settings.data_dir / "keystores" / f"{actor}.json"
    return keys.create(market.address(actor), keystore, "scoped", **options).token  # type: ignore[arg-type]


def test_a_read_only_key_sends_no_transaction_but_reads_its_own_record(market: Market) -> None:
    token = _new_key(market, "merchant", scopes=["read"])
    client = market.client()
    before = market.head()
    refused = client.post(DECLARE, json={"document_hash": HASH}, headers={"X-API-Key": token})
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "api_key_scope" and error["operation"] == "file_declaration"
    assert error["scopes"] == ["read"]
    assert market.head() == before
    info = client.get("/api/v1/tx/key", headers={"X-API-Key": token})
    assert info.status_code == 200, info.text
    body = info.json()
    assert body["account"] == market.address("merchant") and body["scopes"] == ["read"]
    assert body["expires_at"] is None and body["burst"] == market.settings.gateway_rate_burst
    again = client.get("/api/v1/tx/key", headers={"X-API-Key": token}).json()
    # Usage is counted per key (the refused write was admitted by the rate limit too).
    assert again["usage_today"]["requests"] == body["usage_today"]["requests"] + 1 == 3


def test_a_key_scoped_to_operations_may_call_only_those(market: Market) -> None:
    token = _new_key(market, "merchant", scopes=["file_declaration"])
    client = market.client()
    with market.snapshot():
        ok = client.post(DECLARE, json={"document_hash": HASH}, headers={"X-API-Key": token})
        assert ok.status_code == 200, ok.text
    other = client.post("/api/v1/tx/assets/1/freeze", json={"document_hash": HASH}, headers={"X-API-Key": token})
    assert other.status_code == 403 and other.json()["error"]["code"] == "api_key_scope"


def test_an_expired_key_is_refused_with_403(market: Market) -> None:
    token = _new_key(market, "merchant", expires_at=int(time.time()) - 1)
    response = market.client().get("/api/v1/tx/key", headers={"X-API-Key": token})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "api_key_expired"
