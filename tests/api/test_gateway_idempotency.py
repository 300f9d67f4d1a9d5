"""Write gateway: an ``Idempotency-Key`` makes a retried request return the first answer, never a
second transaction: sequential and concurrent retries, a changed body, and a server that died
after signing (before or after sending)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa

from api.gateway import Gateway
from ledger.store.schema import gateway_requests
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import Market, gateway_market, postgres_schema

DECLARE = "/api/v1/tx/declarations"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def market(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Market]:
    """The market with its gateway tables on SQLite, then on PostgreSQL (row locks, concurrent inserts)."""
    tmp = tmp_path_factory.mktemp("gateway-idem")
    if request.param == "sqlite":
        with gateway_market(tmp, compile_contracts()) as m:
            yield m
        return
    with postgres_schema() as url, gateway_market(tmp, compile_contracts(), database_url=url) as m:
        yield m


@pytest.fixture
def fresh(market: Market) -> Iterator[Market]:
    with market.snapshot():
        yield market


def _hash(n: int) -> dict[str, Any]:
    return {"document_hash": "0x" + f"{n:064x}"}


def _headers(market: Market, key: str, actor: str = "merchant") -> dict[str, str]:
    return {**market.auth(actor), "Idempotency-Key": key}


def test_a_retry_returns_the_first_answer_and_sends_one_transaction(fresh: Market) -> None:
    client = fresh.client()
    before = fresh.tx_count("merchant")
    first = client.post(DECLARE, json=_hash(1), headers=_headers(fresh, "declare-1"))
    second = client.post(DECLARE, json=_hash(1), headers=_headers(fresh, "declare-1"))
    # a new process (another app over the same store) gives the same answer too
    third = fresh.client().post(DECLARE, json=_hash(1), headers=_headers(fresh, "declare-1"))
    assert first.status_code == second.status_code == third.status_code == 200, first.text
    assert first.json() == second.json() == third.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert fresh.tx_count("merchant") == before + 1


def test_without_a_key_each_request_is_a_new_transaction(fresh: Market) -> None:
    client = fresh.client()
    before = fresh.tx_count("merchant")
    a = client.post(DECLARE, json=_hash(2), headers=fresh.auth("merchant"))
    b = client.post(DECLARE, json=_hash(2), headers=fresh.auth("merchant"))
    assert a.json()["tx_hash"] != b.json()["tx_hash"]
    assert fresh.tx_count("merchant") == before + 2


def test_the_same_key_with_another_body_is_refused(fresh: Market) -> None:
    client = fresh.client()
    assert client.post(DECLARE, json=_hash(3), headers=_headers(fresh, "k3")).status_code == 200
    before = fresh.tx_count("merchant")
    other_body = client.post(DECLARE, json=_hash(4), headers=_headers(fresh, "k3"))
    other_path = client.post("/api/v1/tx/assets/1/freeze", json=_hash(3), headers=_headers(fresh, "k3"))
    for response in (other_body, other_path):
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert fresh.tx_count("merchant") == before


def test_keys_are_per_api_key(fresh: Market) -> None:
    client = fresh.client()
    a = client.post(DECLARE, json=_hash(5), headers=_headers(fresh, "shared", "merchant"))
    b = client.post(DECLARE, json=_hash(5), headers=_headers(fresh, "shared", "provider"))
    assert a.status_code == b.status_code == 200
    assert a.json()["sender"] != b.json()["sender"]


def test_a_refusal_is_the_first_answer_too(fresh: Market) -> None:
    client = fresh.client()
    first = client.post("/api/v1/tx/assets/1/freeze", json=_hash(6), headers=_headers(fresh, "refused"))
    again = client.post("/api/v1/tx/assets/1/freeze", json=_hash(6), headers=_headers(fresh, "refused"))
    assert first.status_code == again.status_code == 403
    assert first.json() == again.json()


def test_concurrent_duplicates_send_one_transaction(fresh: Market) -> None:
    client = fresh.client()
    before = fresh.tx_count("merchant")
    start = threading.Barrier(6)

    def post(_: int) -> tuple[int, dict[str, Any]]:
        start.wait()
        r = client.post(DECLARE, json=_hash(7), headers=_headers(fresh, "concurrent"))
        return r.status_code, r.json()

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(post, range(6)))
    assert fresh.tx_count("merchant") == before + 1
    hashes = {body["tx_hash"] for status, body in answers if status == 200}
    assert len(hashes) == 1
    for status, body in answers:
        assert status in (200, 409), body
        if status == 409:
            assert body["error"]["code"] == "idempotency_in_progress"
    # once done, every retry gets the transaction
    final = client.post(DECLARE, json=_hash(7), headers=_headers(fresh, "concurrent"))
    assert final.json()["tx_hash"] in hashes


class Crash(Exception):
    """Stands for the server process dying at that point."""


def _crashing_app(market: Market, where: str) -> Any:
    app = market.app()
    gateway: Gateway = app.state.gateway

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise Crash(where)

    if where == "before-send":
        gateway._broadcast = crash  # type: ignore[method-assign]
    else:
        gateway._await = crash  # type: ignore[method-assign]
    return app


def _record(market: Market, key: str) -> Any:
    with market.store.engine.connect() as conn:
        return conn.execute(
            sa.select(gateway_requests.c.state, gateway_requests.c.tx_hash).where(
                gateway_requests.c.idempotency_key == key
            )
        ).first()


@pytest.mark.parametrize("where", ["before-send", "after-send"])
def test_a_retry_after_a_crash_reports_the_signed_transaction_instead_of_sending_another(
    fresh: Market, where: str
) -> None:
    from fastapi.testclient import TestClient

    before = fresh.tx_count("merchant")
    crashed = TestClient(_crashing_app(fresh, where), raise_server_exceptions=False)
    assert crashed.post(DECLARE, json=_hash(8), headers=_headers(fresh, f"crash-{where}")).status_code == 500
    state, signed = _record(fresh, f"crash-{where}")
    assert state == "pending" and signed is not None  # the hash was stored before sending
    assert fresh.tx_count("merchant") == before + (1 if where == "after-send" else 0)

    retry = fresh.client().post(DECLARE, json=_hash(8), headers=_headers(fresh, f"crash-{where}"))
    assert retry.status_code == 200, retry.text
    assert retry.json()["tx_hash"] == signed
    assert fresh.tx_count("merchant") == before + 1
    assert _record(fresh, f"crash-{where}") == ("done", signed)


def test_a_claim_left_before_signing_is_taken_over_once_its_lease_ran_out(fresh: Market) -> None:
    from api.routes.gateway import request_fingerprint
    from api.routes.gateway_models import HashRequest

    key = fresh.app().state.gateway.keys.authenticate(fresh.tokens["merchant"])
    fingerprint = request_fingerprint(DECLARE, HashRequest.model_validate(_hash(9)))
    # a first attempt that claimed the key and died before signing
    Gateway(fresh.settings, fresh.store.engine).requests.claim(key.key_id, "abandoned", fingerprint, "x")
    waiting = fresh.client().post(DECLARE, json=_hash(9), headers=_headers(fresh, "abandoned"))
    assert waiting.status_code == 409
    assert waiting.json()["error"]["code"] == "idempotency_in_progress"
    assert waiting.headers["Retry-After"] == "1"

    with fresh.store.engine.begin() as conn:  # the lease runs out
        conn.execute(gateway_requests.update().values(lease_until=time.time() - 1))
    before = fresh.tx_count("merchant")
    taken = fresh.client().post(DECLARE, json=_hash(9), headers=_headers(fresh, "abandoned"))
    assert taken.status_code == 200, taken.text
    assert fresh.tx_count("merchant") == before + 1
