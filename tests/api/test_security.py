"""Security of the API: secrets never reach the logs, CORS is closed unless origins are configured."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from ledger.toolchain import compile_contracts
from tests.api.gateway_support import PASSWORD, Market, gateway_market

DECLARE = "/api/v1/tx/declarations"


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Market]:
    with gateway_market(tmp_path_factory.mktemp("security"), compile_contracts()) as m:
        yield m


def test_tokens_and_the_keystore_password_never_appear_in_logs(
    market: Market, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = market.tokens["merchant"]
    secret = token.split("_", 2)[2]
    body = {"document_hash": "0x" + "3c" * 32}
    with market.snapshot():
        client = market.client()
        assert client.post(DECLARE, json=body, headers=market.auth("merchant")).status_code == 200
        assert client.post(DECLARE, json=body, headers={"X-API-Key": token, "Idempotency-Key": "s1"}).status_code == 200
        assert client.post(DECLARE, json=body, headers={"X-API-Key": token[:-1] + "x"}).status_code == 401
        assert client.post("/api/v1/tx/assets/1/freeze", json=body, headers=market.auth("merchant")).status_code == 403
        # a server whose password does not open the keystores: refused, and says so without the password
        wrong = market.client(keystore_password="not the password " + PASSWORD[::-1])
        assert wrong.post(DECLARE, json=body, headers=market.auth("provider")).status_code == 503
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert caplog.records  # the gateway did log (e.g. each transaction it sent)
    for needle in (token, secret, PASSWORD, PASSWORD[::-1]):
        assert needle not in logged
    assert PASSWORD not in repr(market.settings)
    assert PASSWORD not in str(market.settings)


def test_cors_is_closed_by_default(market: Market) -> None:
    client = market.client()
    preflight = client.options(
        DECLARE,
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization"},
    )  # fmt: skip
    assert "access-control-allow-origin" not in preflight.headers
    simple = client.get("/health", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in simple.headers


def test_cors_allows_only_the_configured_origins(market: Market) -> None:
    client = market.client(api_cors_origins=["https://explorer.example"])
    allowed = client.options(
        DECLARE, headers={"Origin": "https://explorer.example", "Access-Control-Request-Method": "POST"}
    )
    assert allowed.headers["access-control-allow-origin"] == "https://explorer.example"
    other = client.options(
        DECLARE, headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in other.headers
