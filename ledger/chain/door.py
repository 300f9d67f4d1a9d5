"""The embedded node's door: a JSON-RPC proxy that journals every raw transaction before anvil sees it.

``ledger node start`` publishes the door's URL (``node_host:node_port``) and runs anvil behind it on a
loopback port of its own. Any client (the project's, ethers.js, web3j, curl) that sends
``eth_sendRawTransaction`` there, alone or inside a batch, has the signed bytes appended to
``data/node/door-journal.jsonl`` and fsynced before the request is forwarded; so a transaction whose
receipt a client has seen is in the journal. anvil saves its state every ``state_interval`` seconds:
when it is killed in between, the supervisor restarts it and re-sends every journalled transaction
without a receipt, in arrival order (the same signed bytes, pinned to their nonce: none can apply
twice). While anvil is down the door answers HTTP 503 (retryable for every client).
"""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

import orjson
import requests
import rlp
from eth_utils.crypto import keccak

from ledger.client.journal import Journal

__all__ = ["JournalingDoor", "raw_transactions"]

logger = logging.getLogger(__name__)

_UNAVAILABLE: Final[bytes] = orjson.dumps(
    {"jsonrpc": "2.0", "id": None, "error": {"code": -32603, "message": "the embedded node is restarting"}}
)


def raw_transactions(payload: Any) -> list[str]:
    """The ``eth_sendRawTransaction`` parameters of a JSON-RPC request or batch, in order."""
    items = payload if isinstance(payload, list) else [payload]
    out: list[str] = []
    for item in items:
        if isinstance(item, dict) and item.get("method") == "eth_sendRawTransaction":
            params = item.get("params")
            if isinstance(params, list) and params and isinstance(params[0], str):
                out.append(params[0])
    return out


def _nonce(raw: bytes) -> int:
    """The nonce of a signed transaction (legacy or typed envelope); -1 if it does not decode."""
    try:
        if raw and raw[0] < 0x7F:  # EIP-2718 envelope: type byte, then [chainId, nonce, ...]
            fields = rlp.decode(raw[1:])
            value = fields[1]
        else:
            value = rlp.decode(raw)[0]
        return int.from_bytes(value, "big")
    except (rlp.DecodingError, IndexError, TypeError, ValueError):
        return -1


class JournalingDoor:
    """Listens on ``host:port`` and forwards every request to ``upstream`` (see the module docstring)."""

    def __init__(self, host: str, port: int, upstream: str, journal: Journal, *, timeout: float = 120.0) -> None:
        self.upstream = upstream
        self.journal = journal
        self.timeout = timeout
        self.available = threading.Event()  # cleared while the node behind is down
        self.available.set()
        self._local = threading.local()
        door = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else every answer waits ~40 ms for the client's delayed ACK

            def log_message(self, format: str, *args: Any) -> None:
                del format, args

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, answer = door.handle(body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False
            session.headers.update({"Content-Type": "application/json"})
            self._local.session = session
        return session

    def handle(self, body: bytes) -> tuple[int, bytes]:
        """Journals the request's raw transactions (fsync), then forwards it; returns status and body."""
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            payload = None
        raws = raw_transactions(payload) if payload is not None else []
        if raws:
            rows = []
            for raw_hex in raws:
                try:
                    raw = bytes.fromhex(raw_hex.removeprefix("0x"))
                except ValueError:
                    continue  # the node refuses it; nothing to keep
                rows.append(("0x" + keccak(raw).hex(), "", _nonce(raw), "0x" + raw.hex()))
            self.journal.record(rows)
        if not self.available.is_set():
            return 503, _UNAVAILABLE
        try:
            response = self._session().post(self.upstream, data=body, timeout=(2.0, self.timeout))
        except requests.RequestException as exc:
            logger.info("door: the node behind does not answer: %s", exc)
            return 503, _UNAVAILABLE
        return response.status_code, response.content

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name="node-door", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
