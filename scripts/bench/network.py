"""Benchmark of the ledger on a 4-node network on this machine (geth v1.13 Clique built by scripts/build-engine).

    .venv/bin/python scripts/bench/network.py [--json] [--nodes 4] [--validators 3] [--transfers 2000]
        [--seconds 10] [--exchanges 2] [--batch 100] [--finality-samples 20] [-v]

One run: a fresh network in a temporary folder (1 s blocks; 3 of the 4 nodes seal: an even number of
Clique signers can deadlock after a fork), then
* ``raw_transfer_tps``: pre-signed value transfers sent in batches of 500 through one node, until mined;
* the ledger's contracts compiled for the network's EVM target (london), deployed and populated as
  scripts/bench/_common.py populates anvil (registrar, bank, exchanges, sellers with registered assets and
  two revenue shares each, buyers holding tokens with allowances to every exchange), with standard methods
  only: the bench accounts are funded in the genesis;
* ``finality_p50_ms`` / ``finality_p99_ms``: send -> final (Clique: floor(N/2)+1 blocks, its own included)
  of single settlements through the client (``LedgerClient.settle`` with the seller's consent, signed
  before), one at a time; ``transfer_finality_*``: the same for value transfers;
* ``settle_tps``: single-trade settlements, each with its seller's signed consent to exactly that sale,
  pipelined from the exchanges through ``TxSender`` (scripts/bench/throughput.py's (b): consents signed
  before the clock, as sellers sign on their own machines; encoding, signing, journal and waits inside it);
* ``settle_batch_trades_per_s``: ``settleBatch`` of ``--batch`` trades, one consent a seller a batch
  (throughput.py's (c));
* ``failover_seconds``: the node the clients are connected to killed (SIGKILL) -> the next acknowledged
  settlement through the FailoverRpcClient.
Every client call goes through a FailoverRpcClient over the four nodes, node0 first. ``phases`` says where
the time goes: blocks, transactions and gas a block, and CPU cores used by the client (this process) and by
the four geth processes together.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import BenchChain, bench_accounts, populate, setup_logging
from throughput import Measurement, batch_settlements, single_settlements

from ledger.chain.failover import FailoverRpcClient
from ledger.client import Call, TxSender, dev_account
from ledger.contracts.codec import ErrorTable
from ledger.network import LocalNetwork, write_clique_network
from ledger.settings import LedgerSettings

logger = logging.getLogger("bench.network")

CHAIN_ID = 4501
SELLERS = 4  # one asset each: a batch of 100 carries four consents of 25 trades
RECIPIENTS = 2


def _free_base() -> int:
    for base in range(41000, 60000, 400):
        try:
            for offset in range(0, 300, 100):
                for i in range(8):
                    with socket.socket() as s:
                        s.bind(("127.0.0.1", base + offset + i))
            return base
        except OSError:
            continue
    raise RuntimeError("no free ports")


class Nodes:
    """The network's geth processes: ``pid`` is node0's (the one the clients send to), :meth:`cpu_seconds` all."""

    def __init__(self, net: LocalNetwork) -> None:
        self.net = net

    @property
    def pid(self) -> int | None:
        return self.net.pid(self.net.definition.node("node0"))

    def cpu_seconds(self) -> float:
        total = 0.0
        for node in self.net.definition.nodes:
            pid = self.net.pid(node)
            if pid is None:
                continue
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total


class Phase:
    """Wall time and CPU (client, all nodes) of one measured phase."""

    def __init__(self, nodes: Nodes) -> None:
        self.nodes = nodes

    def __enter__(self) -> Phase:
        self._t, self._client, self._nodes = time.monotonic(), time.process_time(), self.nodes.cpu_seconds()
        self._load = os.getloadavg()[0]
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.monotonic() - self._t
        self.client_cores = (time.process_time() - self._client) / self.seconds
        self.node_cores = (self.nodes.cpu_seconds() - self._nodes) / self.seconds

    def summary(self, m: Measurement | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "client_cpu_cores": round(self.client_cores, 2),
            "nodes_cpu_cores": round(self.node_cores, 2),
            "loadavg_1m_before": round(self._load, 2),
        }
        if m is not None:
            d = m.summary()
            out = {k: d[k] for k in ("rate", "count", "transactions", "seconds", "blocks", "txs_per_block_mean",
                                     "gas_per_block_mean", "gas_per_second", "client_cpu_ms_per_tx")} | out  # fmt: skip
            for key in ("gas_limit", "batch", "consents", "consent_presigned_trades",
                        "consent_presign_cpu_ms_per_trade", "consent_signed_in_clock_trades"):  # fmt: skip
                if key in d:
                    out[key] = d[key]
        return out


def _sender(net: LocalNetwork, account: int, first: int = 0) -> TxSender:
    urls = net.definition.rpc_urls
    rpc = FailoverRpcClient(urls[first:] + urls[:first], timeout=30, max_lag=10)
    return TxSender(rpc, dev_account(account), CHAIN_ID, ErrorTable(()), timeout=300)


def _transfers(n: int) -> list[Call]:
    return [Call(to=dev_account(19).address, data=b"", value=1, gas=21_000) for _ in range(n)]


def _percentile(sorted_ms: list[float], q: float) -> float:
    return round(sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * q))], 1)


def _wait_final(rpc: Any, block: int, final: int) -> None:
    while int(rpc.call("eth_blockNumber"), 16) < block + final - 1:
        time.sleep(0.02)


def _settle_finality(chain: BenchChain, samples: int, final: int) -> list[float]:
    """Send -> final of single consent-signed settlements, one at a time (consents signed before each clock)."""
    ex = chain.exchanges[0]
    terms = chain.terms()
    assets, buyers = list(chain.assets), chain.buyers
    latencies = []
    for i in range(samples):
        trade = chain.trade(assets[i % len(assets)], buyers[i % len(buyers)].address, terms, tag="finality")
        consent = chain.consent([trade], ex)
        t0 = time.perf_counter()
        result = ex.settle(trade, chain.seller_net(trade), consent)
        _wait_final(chain.rpc, result.receipt.block_number, final)
        latencies.append((time.perf_counter() - t0) * 1000)
    return sorted(latencies)


def _warm_up(chain: BenchChain) -> None:
    """One settlement per asset and exchange: every payee holds tokens and every seller's first nonce word is in
    use, so measured trades are steady-state (as throughput.py's warm-up, without its anvil-only mandates)."""
    terms = chain.terms()
    buyer = chain.buyers[0].address
    for ex in chain.exchanges:
        trades = [chain.trade(a, buyer, terms, tag="warm") for a in chain.assets]
        ex.execute_many([ex.prepare_settle(t, chain.seller_net(t), chain.consent([t], ex)) for t in trades])


def _load(args: argparse.Namespace) -> dict[str, Any]:
    keys = ("gas_limit", "seconds", "exchanges", "buyers", "transfers", "settle_chunk", "settle_inflight", "batch",
            "batch_per_send", "batch_inflight", "finality_samples")  # fmt: skip
    return {"sellers": SELLERS} | {key: getattr(args, key) for key in keys}


def run(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"engine": "geth v1.13.15 clique"}
    phases: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="ledger-net-bench-") as tmp_dir:
        tmp = args.keep or tmp_dir
        funded = [dev_account(i).address for i in range(20)]
        funded += [a.address for a in bench_accounts(args.exchanges, SELLERS, RECIPIENTS, args.buyers, 0)]
        definition = write_clique_network(
            Path(tmp) / "net", validators=args.validators, nodes=args.nodes, chain_id=CHAIN_ID,
            base_port=_free_base(), gas_limit=args.gas_limit, funded=funded, light_kdf=True,
        )  # fmt: skip
        final = definition.finality_confirmations
        net = LocalNetwork(definition)
        nodes = Nodes(net)
        net.start()
        try:
            while (net.status("node0").block or 0) < 2:
                time.sleep(0.2)

            sender = _sender(net, 0)
            sender.transact_many(_transfers(10))  # warm-up
            with Phase(nodes) as phase:
                hashes: list[str] = []
                for i in range(0, args.transfers, 500):
                    hashes += sender.send(_transfers(min(500, args.transfers - i)))
                sender.wait(hashes)
            out["raw_transfer_tps"] = round(args.transfers / phase.seconds, 1)
            phases["raw_transfer"] = {"count": args.transfers, "seconds": round(phase.seconds, 3), **phase.summary()}
            logger.info("raw transfers: %s", phases["raw_transfer"])

            one = _sender(net, 1)
            transfer_ms = []
            for _ in range(args.finality_samples):
                t0 = time.perf_counter()
                receipt = one.transact(_transfers(1)[0])
                _wait_final(one.rpc, receipt.block_number, final)
                transfer_ms.append((time.perf_counter() - t0) * 1000)
            transfer_ms.sort()

            settings = LedgerSettings(
                data_dir=Path(tmp) / "client", rpc_url=",".join(definition.rpc_urls), chain_id=CHAIN_ID,
                evm_version=definition.evm_version, finality_confirmations=final, tx_timeout=300,  # type: ignore[arg-type]
            )  # fmt: skip
            rpc = FailoverRpcClient(definition.rpc_urls, timeout=120, max_lag=10)
            t0 = time.monotonic()
            chain = populate(settings, nodes, rpc, exchanges=args.exchanges, sellers=SELLERS, recipients=RECIPIENTS,
                             buyers=args.buyers)  # fmt: skip
            _warm_up(chain)
            out["setup_seconds"] = round(time.monotonic() - t0, 1)

            settle_ms = _settle_finality(chain, args.finality_samples, final)
            logger.info("set-up %ss; send -> final, ms: settlements %s, transfers %s", out["setup_seconds"],
                        [round(x) for x in settle_ms], [round(x) for x in transfer_ms])  # fmt: skip

            with Phase(nodes) as phase:
                single, _ = single_settlements(chain, args.seconds, args.settle_inflight, args.settle_chunk,
                                               args.presign_settle_rate)  # fmt: skip
            out["settle_tps"] = round(single.rate, 1)
            phases["settle"] = phase.summary(single)
            logger.info("single settlements: %s", phases["settle"])
            with Phase(nodes) as phase:
                batch = batch_settlements(chain, args.seconds, args.batch_inflight, args.batch, args.batch_per_send,
                                          args.presign_batch_rate)  # fmt: skip
            out["settle_batch_trades_per_s"] = round(batch.rate, 1)
            phases["settle_batch"] = phase.summary(batch)
            logger.info("batched settlements: %s", phases["settle_batch"])

            # Failover: the clients' node (node0, a signer) dies; the next settlement is acknowledged through another.
            rpc.use(0)
            ex = chain.exchanges[0]
            terms = chain.terms()
            trades = [chain.trade(a, chain.buyers[1].address, terms, tag="failover") for a in list(chain.assets)[:2]]
            consents = [chain.consent([t], ex) for t in trades]
            ex.settle(trades[0], chain.seller_net(trades[0]), consents[0])
            t0 = time.perf_counter()
            net.kill_node("node0")
            ex.settle(trades[1], chain.seller_net(trades[1]), consents[1])
            out["failover_seconds"] = round(time.perf_counter() - t0, 2)
            out["failover_to"] = rpc.url
        finally:
            net.stop()
    return {
        "engine": out["engine"],
        "nodes": args.nodes,
        "validators": args.validators,
        "block_period_s": definition.block_period_s,
        "finality_blocks": final,
        "evm_version": definition.evm_version,
        "raw_transfer_tps": out["raw_transfer_tps"],
        "settle_tps": out["settle_tps"],
        "settle_batch_trades_per_s": out["settle_batch_trades_per_s"],
        "finality_p50_ms": round(statistics.median(settle_ms), 1),
        "finality_p99_ms": _percentile(settle_ms, 0.99),
        "transfer_finality_p50_ms": round(statistics.median(transfer_ms), 1),
        "transfer_finality_p99_ms": _percentile(transfer_ms, 0.99),
        "failover_seconds": out["failover_seconds"],
        "load": _load(args),
        "setup_seconds": out["setup_seconds"],
        "phases": phases,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--validators", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=4)
    parser.add_argument("--transfers", type=int, default=2000)
    parser.add_argument("--gas-limit", type=int, default=400_000_000,
                        help="Block gas limit of the network (ledger network init's default, 400M).")
    parser.add_argument("--finality-samples", type=int, default=20, help="Single writes timed send -> final (20).")
    parser.add_argument("--seconds", type=float, default=10.0, help="Sending time of each settlement rate (10).")
    parser.add_argument("--exchanges", type=int, default=2, help="Exchange accounts sending settlements (2).")
    parser.add_argument("--buyers", type=int, default=50)
    parser.add_argument("--settle-chunk", type=int, default=50, help="Settlements per TxSender.send (50).")
    parser.add_argument("--settle-inflight", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100, help="Trades per settleBatch transaction (100).")
    parser.add_argument("--batch-per-send", type=int, default=2)
    parser.add_argument("--batch-inflight", type=int, default=3000, help="Trades in flight (3000).")
    parser.add_argument("--presign-settle-rate", type=float, default=300,
                        help="Consents pre-signed for single settlements: trades a second of --seconds (300).")
    parser.add_argument("--presign-batch-rate", type=float, default=1000,
                        help="Consents pre-signed for batches: trades a second of --seconds (1000).")
    parser.add_argument("--keep", type=Path, help="Write the network and the client's data here and keep them "
                        "(node logs: DIR/net/nodes/<name>/geth.log; default: a temporary folder, removed).")
    parser.add_argument("-v", "--verbose", action="store_true", help="Log progress on stderr.")
    args = parser.parse_args()
    setup_logging(args.verbose)
    result = run(args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:28} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
