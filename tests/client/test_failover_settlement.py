"""A trade is never paid twice under failover: node A takes the settlement but its answer is lost; the
client re-sends the same signed bytes to node B (one transaction); a retry that signs the same trade again,
with the seller's consent or one the seller signed afresh, is refused on-chain by its trade id
(SettlementTradeAlreadySettled): the buyer pays once."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

import ledger.contracts.errors as E
from ledger.chain.failover import FailoverRpcClient
from ledger.client import LedgerClient, TxSender
from ledger.contracts.types import Trade
from ledger.toolchain import Build, compile_contracts
from tests.indexer.scenario import Chain, running_chain, seller_net, trade_id


class LosesTheFirstSendAnswer:
    """Forwards everything to the node; the first request carrying eth_sendRawTransaction is forwarded,
    then its connection is closed without an answer (the node has the transaction, the client does not know)."""

    def __init__(self, upstream: str) -> None:
        self.lost = 0
        door = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                answer = requests.post(upstream, data=body, headers={"Content-Type": "application/json"}, timeout=30)
                if b"eth_sendRawTransaction" in body and door.lost == 0:
                    door.lost += 1
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[Chain]:
    build: Build = compile_contracts()
    with running_chain(tmp_path / "chain", build) as running:
        yield running


def test_a_trade_is_paid_once_when_the_answer_is_lost_and_the_client_fails_over(chain: Chain) -> None:
    w = chain.world
    asset = w.registered_asset()
    w.fund(w.merchant, 1_000)
    a = LosesTheFirstSendAnswer(chain.node.rpc_url)
    rpc = FailoverRpcClient([a.url, chain.node.rpc_url], timeout=10, connect_timeout=2)
    exchange = w.exchange
    sender = TxSender(rpc, exchange.account, exchange.chain_id, exchange.sender.errors, timeout=30)
    client = LedgerClient(rpc, exchange.contracts, sender)
    trade = Trade(trade_id("failover"), asset, w.holder.address, w.merchant.address, 500, fee=10, terms=w.terms())
    net = seller_net(trade.price, trade.fee, [])
    consent = w.holder.sign_sales_consent([(trade, net)], exchange.address, nonce=1, deadline=2**40)
    before = w.merchant.balance_of(w.merchant.address)

    result = client.settle(trade, net, consent)  # the first send's answer is lost on A: the same bytes go to B
    assert a.lost == 1 and rpc.url == chain.node.rpc_url
    assert result.receipt.status == 1
    with pytest.raises(E.SettlementTradeAlreadySettled):
        client.settle(trade, net, consent)  # an application retry signs the same trade again: refused by its id
    again = w.holder.sign_sales_consent([(trade, net)], exchange.address, nonce=2, deadline=2**40)
    with pytest.raises(E.SettlementTradeAlreadySettled):
        client.settle(trade, net, again)  # with a fresh consent of the seller: refused by its trade id
    assert before - w.merchant.balance_of(w.merchant.address) == 500
    a.server.shutdown()
