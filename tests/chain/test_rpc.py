"""JsonRpcClient: results, batches and the retryable / non-retryable split."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ledger.chain import EmbeddedNode, JsonRpcClient
from ledger.errors import MalformedAnswerError, NonRetryableError, RetryableError, RpcRemoteError, RpcTransportError
from ledger.settings import LedgerSettings
from tests.conftest import free_port


@pytest.fixture
def node(tmp_settings: LedgerSettings) -> Iterator[EmbeddedNode]:
    with EmbeddedNode(tmp_settings) as running:
        yield running


def test_call_and_batch(node: EmbeddedNode) -> None:
    with node.client() as rpc:
        assert rpc.call("eth_chainId") == hex(node.settings.chain_id)
        results = rpc.batch([("eth_chainId", None), ("eth_blockNumber", []), ("net_version", [])])
        assert results == [hex(node.settings.chain_id), "0x0", str(node.settings.chain_id)]
        assert rpc.batch([]) == []


def test_remote_errors_are_not_retryable(node: EmbeddedNode) -> None:
    with node.client() as rpc:
        with pytest.raises(RpcRemoteError) as info:
            rpc.call("eth_noSuchMethod")
        assert isinstance(info.value, NonRetryableError) and not isinstance(info.value, RetryableError)
        assert info.value.code is not None
        mixed = rpc.batch([("eth_chainId", []), ("eth_noSuchMethod", [])], return_exceptions=True)
        assert mixed[0] == hex(node.settings.chain_id) and isinstance(mixed[1], RpcRemoteError)
        with pytest.raises(RpcRemoteError):
            rpc.batch([("eth_chainId", []), ("eth_noSuchMethod", [])])


def test_connection_refused_is_retryable() -> None:
    with JsonRpcClient(f"http://127.0.0.1:{free_port()}", timeout=1) as rpc, pytest.raises(RpcTransportError) as info:
        rpc.call("eth_chainId")
    assert isinstance(info.value, RetryableError)


class _Handler(BaseHTTPRequestHandler):
    status = 503
    delay = 0.0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(self.delay)
        body = b'{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"bad"}}'
        try:
            self.send_response(self.status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (timeout test)
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(status: int, delay: float = 0.0) -> tuple[ThreadingHTTPServer, str]:
    handler = type("H", (_Handler,), {"status": status, "delay": delay})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.mark.parametrize(("status", "retryable"), [(503, True), (500, True), (429, True), (400, False), (200, False)])
def test_http_status_classification(status: int, retryable: bool) -> None:
    server, url = _serve(status)
    try:
        with JsonRpcClient(url) as rpc, pytest.raises((RpcTransportError, RpcRemoteError)) as info:
            rpc.call("eth_chainId")
        assert isinstance(info.value, RetryableError) is retryable
        assert isinstance(info.value, NonRetryableError) is not retryable
    finally:
        server.shutdown()
        server.server_close()


def test_timeout_is_retryable() -> None:
    server, url = _serve(200, delay=2.0)
    try:
        with JsonRpcClient(url, timeout=0.3) as rpc, pytest.raises(RpcTransportError, match="timed out"):
            rpc.call("eth_chainId")
    finally:
        server.shutdown()
        server.server_close()


class _BodyHandler(BaseHTTPRequestHandler):
    body = b""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.parametrize(
    ("body", "batch"),
    [
        (b'{"jsonrpc":"2.0","id":1,"result":[{"addr', False),  # cut short
        (b"<html>gateway</html>", False),
        (b'{"jsonrpc":"2.0","id":1}', False),  # neither result nor error
        (b'"0x1"', False),
        (b"[]", True),  # a batch answer missing its entries
        (b'{"jsonrpc":"2.0","id":1,"result":"0x1"}', True),  # an object where the batch's list belongs
    ],
    ids=["truncated", "html", "no result", "bare value", "empty batch", "object for a batch"],
)
def test_malformed_answers_are_retryable(body: bytes, batch: bool) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_BodyHandler,), {"body": body}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with JsonRpcClient(url) as rpc, pytest.raises(MalformedAnswerError) as info:
            rpc.batch([("eth_chainId", [])], return_exceptions=True) if batch else rpc.call("eth_chainId")
        assert isinstance(info.value, RetryableError) and isinstance(info.value, RpcTransportError)
    finally:
        server.shutdown()
        server.server_close()


def test_big_integers_in_answers_stay_exact() -> None:
    """Answers are parsed with orjson, which would turn integers beyond 64 bits into floats: a node's
    non-standard field holding one (here in a result and in an error's data) must come back exact."""
    big = 2**200 + 1
    body = (
        f'[{{"jsonrpc":"2.0","id":1,"result":{{"value": {big}, "text": "x:{big}"}}}},'
        f'{{"jsonrpc":"2.0","id":2,"error":{{"code":3,"message":"reverted","data":[{big}]}}}}]'
    ).encode()
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_BodyHandler,), {"body": body}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with JsonRpcClient(f"http://127.0.0.1:{server.server_address[1]}") as rpc:
            ok, failed = rpc.batch([("eth_a", [big]), ("eth_b", [])], return_exceptions=True)
        assert ok == {"value": big, "text": f"x:{big}"}
        assert isinstance(failed, RpcRemoteError) and failed.data == [big]
    finally:
        server.shutdown()
        server.server_close()


def test_proxy_settings_of_the_environment_still_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment is read once when the client is made (not on every request), and still honoured."""
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "")
    with JsonRpcClient("http://node.example:8545") as rpc:
        assert rpc.proxy == "http://proxy.invalid:3128"
        with pytest.raises(RpcTransportError, match="cannot connect"):  # through the proxy, which is nowhere
            rpc.call("eth_chainId")
    monkeypatch.setenv("NO_PROXY", "node.example")
    with JsonRpcClient("http://node.example:8545") as rpc:
        assert rpc.proxy is None
