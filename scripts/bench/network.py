"""Benchmark of a 4-node network on this machine (geth v1.13 Clique built by scripts/build-engine).

    .venv/bin/python scripts/bench/network.py [--json] [--nodes 4] [--validators 3] [--transfers 2000]

One run: a fresh network in a temporary folder (1 s blocks; 3 of the 4 nodes seal: an even number of
Clique signers can deadlock after a fork), then
* ``raw_transfer_tps``: pre-signed value transfers sent in batches of 500 through one node, until mined;
* ``finality_p50_ms`` / ``finality_p99_ms``: send -> final (Clique: floor(N/2)+1 blocks, its own
  included) for single transfers, one at a time;
* ``failover_seconds``: the connected node killed (SIGKILL) -> the next acknowledged write through the
  FailoverRpcClient;
* ``settle_tps`` / ``settle_batch_trades_per_s``: null, with ``settle_unavailable`` saying why (the
  ledger's contracts must compile for the engine's EVM target, london, first).
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ledger.chain.failover import FailoverRpcClient
from ledger.client import Call, TxSender, dev_account
from ledger.contracts.codec import ErrorTable
from ledger.errors import CompilationError
from ledger.network import LocalNetwork, write_clique_network
from ledger.settings import LedgerSettings
from ledger.toolchain import compile_contracts

CHAIN_ID = 4501


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


def _sender(net: LocalNetwork, account: int, first: int = 0) -> TxSender:
    urls = net.definition.rpc_urls
    rpc = FailoverRpcClient(urls[first:] + urls[:first], timeout=30, max_lag=10)
    return TxSender(rpc, dev_account(account), CHAIN_ID, ErrorTable(()), timeout=300)


def _transfers(n: int) -> list[Call]:
    return [Call(to=dev_account(19).address, data=b"", value=1, gas=21_000) for _ in range(n)]


def _settle_unavailable(evm_version: str) -> str | None:
    try:
        compile_contracts(LedgerSettings(evm_version=evm_version))  # type: ignore[arg-type]
    except CompilationError as exc:
        first = str(exc).splitlines()
        return f"the contracts do not compile for {evm_version}: " + " | ".join(first[:2])
    return "settlement on the network is not wired into this benchmark yet"


def run(validators: int, transfers: int, check_settle: bool, samples: int = 20, nodes: int = 4) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ledger-net-bench-") as tmp:
        definition = write_clique_network(
            Path(tmp) / "net", validators=validators, nodes=nodes, chain_id=CHAIN_ID, base_port=_free_base(),
            funded=[dev_account(i).address for i in range(10)], light_kdf=True,
        )  # fmt: skip
        net = LocalNetwork(definition)
        net.start()
        try:
            while (net.status("node0").block or 0) < 2:
                time.sleep(0.2)
            sender = _sender(net, 0)
            sender.transact_many(_transfers(10))  # warm-up
            started = time.perf_counter()
            hashes: list[str] = []
            for i in range(0, transfers, 500):
                hashes += sender.send(_transfers(min(500, transfers - i)))
            sender.wait(hashes)
            raw_tps = transfers / (time.perf_counter() - started)

            final = definition.finality_confirmations
            latencies = []
            one = _sender(net, 1)
            for _ in range(samples):
                t0 = time.perf_counter()
                receipt = one.transact(_transfers(1)[0])
                while int(one.rpc.call("eth_blockNumber"), 16) < receipt.block_number + final - 1:
                    time.sleep(0.02)
                latencies.append((time.perf_counter() - t0) * 1000)
            latencies.sort()

            mover = _sender(net, 2, first=0)
            mover.transact(_transfers(1)[0])
            t0 = time.perf_counter()
            net.kill_node("node0")
            mover.transact(_transfers(1)[0])
            failover = time.perf_counter() - t0
        finally:
            net.stop()
    return {
        "engine": "geth v1.13.15 clique",
        "nodes": nodes,
        "validators": validators,
        "block_period_s": definition.block_period_s,
        "finality_blocks": definition.finality_confirmations,
        "raw_transfer_tps": round(raw_tps, 1),
        "settle_tps": None,
        "settle_batch_trades_per_s": None,
        "settle_unavailable": _settle_unavailable(definition.evm_version) if check_settle else "not checked",
        "finality_p50_ms": round(statistics.median(latencies), 1),
        "finality_p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
        "failover_seconds": round(failover, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--validators", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=4)
    parser.add_argument("--transfers", type=int, default=2000)
    parser.add_argument("--finality-samples", type=int, default=20, help="Single transfers timed send -> final.")
    parser.add_argument("--no-settle-check", action="store_true", help="Skip compiling the contracts for london.")
    args = parser.parse_args()
    result = run(args.validators, args.transfers, not args.no_settle_check, args.finality_samples, args.nodes)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:28} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
