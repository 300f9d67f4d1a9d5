"""Write gateway: the API process killed (SIGKILL) around sending a transaction, then a retry with the
same ``Idempotency-Key`` against a new process reports that transaction, never a second one.

The server talks to the node through a small JSON-RPC proxy that kills the server when it sees the
``eth_sendRawTransaction``: after forwarding it (the node has the transaction, the server never
learns the outcome) or before (the transaction is lost with the process; only its signed bytes in
the idempotency record remain).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from ledger.store.schema import gateway_requests
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import Market, api_server, gateway_market

DECLARE = "/api/v1/tx/declarations"


class KillingProxy:
    """Forwards JSON-RPC to ``upstream``; ``on_send`` is called at the first eth_sendRawTransaction."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.on_send: tuple[str, Callable[[], None]] | None = None  # ("before"|"after", action)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                trigger = proxy.on_send if b"eth_sendRawTransaction" in body else None
                if trigger is not None:
                    proxy.on_send = None
                    if trigger[0] == "before":
                        trigger[1]()
                        return
                answer = httpx.post(proxy.upstream, content=body, headers={"Content-Type": "application/json"})
                if trigger is not None:
                    trigger[1]()
                    return
                self.send_response(answer.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Market]:
    with gateway_market(tmp_path_factory.mktemp("gateway-crash"), compile_contracts()) as m:
        yield m


@pytest.fixture
def proxy(market: Market) -> Iterator[KillingProxy]:
    p = KillingProxy(f"http://127.0.0.1:{market.settings.node_port}")
    try:
        yield p
    finally:
        p.close()


def _record(market: Market, key: str) -> tuple[str, str | None] | None:
    with market.store.engine.connect() as conn:
        row = conn.execute(
            sa.select(gateway_requests.c.state, gateway_requests.c.tx_hash).where(
                gateway_requests.c.idempotency_key == key
            )
        ).first()
    return None if row is None else (str(row[0]), row[1])


@pytest.mark.parametrize("when", ["after", "before"])
def test_a_server_killed_around_sending_leaves_a_retry_exactly_one_transaction(
    market: Market, proxy: KillingProxy, tmp_path: Path, when: str
) -> None:
    key = f"killed-{when}-send"
    body = {"document_hash": "0x" + ("a1" if when == "after" else "b2") * 32}
    headers = {**market.auth("merchant"), "Idempotency-Key": key}
    before = market.tx_count("merchant")
    log = tmp_path / "server.log"
    with api_server(market, log, LEDGER_NODE_PORT=str(proxy.port)) as first:
        proxy.on_send = (when, lambda: os.kill(first.process.pid, signal.SIGKILL))
        with pytest.raises(httpx.HTTPError):
            httpx.post(first.url + DECLARE, json=body, headers=headers, timeout=30)
        first.process.wait(10)
        assert first.process.returncode == -signal.SIGKILL

    recorded = _record(market, key)
    assert recorded is not None and recorded[0] == "pending" and recorded[1] is not None
    assert market.tx_count("merchant") == before + (1 if when == "after" else 0)

    with api_server(market, log, LEDGER_NODE_PORT=str(proxy.port)) as second:
        retry = httpx.post(second.url + DECLARE, json=body, headers=headers, timeout=30)
        assert retry.status_code == 200, retry.text
        assert retry.json()["tx_hash"] == recorded[1]
        again = httpx.post(second.url + DECLARE, json=body, headers=headers, timeout=30)
        assert again.json() == retry.json()
    assert market.tx_count("merchant") == before + 1
    assert _record(market, key) == ("done", recorded[1])
