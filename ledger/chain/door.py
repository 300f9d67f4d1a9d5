"""The embedded node's door: a JSON-RPC proxy that journals every raw transaction before anvil sees it.

``ledger node start`` publishes the door's URL (``node_host:node_port``) and runs anvil behind it on a
loopback port of its own. Any client (the project's, ethers.js, web3j, curl) that sends
``eth_sendRawTransaction`` there, alone or inside a batch, has the signed bytes appended to
``data/node/door-journal.jsonl`` and fsynced before the request is forwarded; so a transaction whose
receipt a client has seen is in the journal. anvil saves its state every ``state_interval`` seconds:
when it is killed in between, the supervisor restarts it and re-sends every journalled transaction
without a receipt, in arrival order (the same signed bytes, pinned to their nonce: none can apply
twice). While anvil is down the door answers HTTP 503 (retryable for every client).

A move of the development chain's clock sent through the door (``evm_increaseTime``,
``evm_setNextBlockTimestamp``, ``evm_mine`` with a timestamp: the council's delay is passed that way on a
development chain) is journalled too, as a :class:`~ledger.client.journal.ClockMark` counted from the block of
the transaction journalled before it: the replay moves the clock again before re-sending what came after, so a
governance operation executed once its delay had passed is not re-sent before it.
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

__all__ = ["JournalingDoor", "clock_moves", "raw_transactions"]

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


_CLOCK_METHODS: Final = frozenset({"evm_increaseTime", "evm_setNextBlockTimestamp", "evm_mine"})


def clock_moves(payload: Any) -> list[tuple[str, int]]:
    """The moves of the clock in a JSON-RPC request or batch, in order: (``"by"``, seconds) for
    ``evm_increaseTime``, (``"to"``, timestamp) for ``evm_setNextBlockTimestamp`` and ``evm_mine`` with a
    timestamp (a plain ``evm_mine`` moves nothing)."""
    items = payload if isinstance(payload, list) else [payload]
    out: list[tuple[str, int]] = []
    for item in items:
        if not isinstance(item, dict) or item.get("method") not in _CLOCK_METHODS:
            continue
        params = item.get("params")
        value = params[0] if isinstance(params, list) and params else None
        if isinstance(value, dict):  # evm_mine's options form: {"timestamp": ..., "blocks": ...}
            value = value.get("timestamp")
        seconds = _quantity(value)
        if seconds is not None:
            out.append(("by" if item["method"] == "evm_increaseTime" else "to", seconds))
    return out


def _quantity(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value, 16) if value.startswith("0x") else int(value)
        except ValueError:
            return None
    return None


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
        moves = clock_moves(payload) if payload is not None else []
        if moves:
            try:
                self._journal_clock(moves)
            except (requests.RequestException, KeyError, TypeError, ValueError) as exc:
                logger.info("door: the node behind does not answer: %s", exc)
                return 503, _UNAVAILABLE
        try:
            response = self._session().post(self.upstream, data=body, timeout=(2.0, self.timeout))
        except requests.RequestException as exc:
            logger.info("door: the node behind does not answer: %s", exc)
            return 503, _UNAVAILABLE
        return response.status_code, response.content

    def _journal_clock(self, moves: list[tuple[str, int]]) -> None:
        """Notes where ``moves`` take the clock, as seconds past the block of the last journalled transaction
        (past the latest block when that one is not mined: it will be, before the clock moves on)."""
        target = self._block_time("latest")
        for kind, value in moves:
            target = target + value if kind == "by" else max(target, value)
        entries = self.journal.entries()
        since = self._mined_time(entries[-1].tx_hash) if entries else None
        base = self._block_time("latest") if since is None else since
        if target > base:
            self.journal.record_clock(target - base)

    def _upstream(self, method: str, params: list[Any]) -> Any:
        body = orjson.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
        response = self._session().post(self.upstream, data=body, timeout=(2.0, self.timeout))
        response.raise_for_status()
        return orjson.loads(response.content)["result"]

    def _block_time(self, tag: str) -> int:
        return int(self._upstream("eth_getBlockByNumber", [tag, False])["timestamp"], 16)

    def _mined_time(self, tx_hash: str) -> int | None:
        receipt = self._upstream("eth_getTransactionReceipt", [tx_hash])
        return None if receipt is None else self._block_time(receipt["blockNumber"])

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name="node-door", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
