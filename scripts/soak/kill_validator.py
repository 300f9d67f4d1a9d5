"""Soak: kill -9 nodes of a 4-node network (3 Clique signers) in turn while transfers flow, for N cycles.

    .venv/bin/python scripts/soak/kill_validator.py --cycles 20 [--json]

Each cycle kills one validator (round robin, the one the client is connected to every other cycle),
keeps sending batches of transfers through a FailoverRpcClient over all nodes, restarts the node, waits
until it has caught up, and checks that every acknowledged transfer has a receipt on every node and
that all nodes hold the same block hashes. Exits 1 on the first violation. The test suite runs one
cycle of each kind (tests/network/test_network.py).
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

from ledger.chain.failover import FailoverRpcClient
from ledger.client import Call, TxSender, dev_account
from ledger.contracts.codec import ErrorTable
from ledger.network import LocalNetwork, write_clique_network

CHAIN_ID = 4501


def _free_base() -> int:
    for base in range(45000, 60000, 400):
        try:
            for offset in (0, 100, 200):
                for i in range(4):
                    with socket.socket() as s:
                        s.bind(("127.0.0.1", base + offset + i))
            return base
        except OSError:
            continue
    raise RuntimeError("no free ports")


def _hashes_agree(net: LocalNetwork) -> int:
    deadline = time.monotonic() + 90
    while True:
        low = min(net.status(n).block or 0 for n in net.definition.names())
        seen = set()
        for url in net.definition.rpc_urls:
            with FailoverRpcClient([url], timeout=5) as rpc:
                seen.add(rpc.call("eth_getBlockByNumber", [hex(low), False])["hash"])
        if len(seen) == 1:
            return low
        if time.monotonic() > deadline:
            raise AssertionError(f"nodes disagree at block {low}")
        time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ledger-soak-") as tmp:
        definition = write_clique_network(
            Path(tmp) / "net", validators=3, nodes=4, chain_id=CHAIN_ID, base_port=_free_base(),
            funded=[dev_account(0).address], light_kdf=True,
        )  # fmt: skip
        net = LocalNetwork(definition)
        net.start()
        deadline = time.monotonic() + 60
        while not all(s.peers == 3 and (s.block or 0) >= 3 for s in net.statuses()):  # connected, sealing
            if time.monotonic() > deadline:
                raise AssertionError(f"the network did not come up: {[s.to_json() for s in net.statuses()]}")
            time.sleep(0.5)
        acknowledged: list[str] = []
        try:
            rpc = FailoverRpcClient(definition.rpc_urls, timeout=10, max_lag=10)
            sender = TxSender(rpc, dev_account(0), CHAIN_ID, ErrorTable(()), timeout=120)
            for cycle in range(args.cycles):
                victim = definition.names()[rpc.current if cycle % 2 == 0 else (cycle // 2) % 4]
                stop = threading.Event()
                failures: list[BaseException] = []

                def flow(stop: threading.Event = stop, failures: list[BaseException] = failures) -> None:
                    try:
                        while not stop.is_set():
                            calls = [Call(to=dev_account(19).address, data=b"", value=1, gas=21_000)] * 20
                            acknowledged.extend(r.tx_hash for r in sender.transact_many(calls))
                    except BaseException as exc:
                        failures.append(exc)

                worker = threading.Thread(target=flow)
                worker.start()
                time.sleep(2)
                net.kill_node(victim)
                time.sleep(4)
                stop.set()
                worker.join(180)
                if failures:
                    raise AssertionError(f"cycle {cycle}: the client failed: {failures[0]!r}")
                net.start_node(victim)
                net.wait_ready(victim)
                target = max(net.status(n).block or 0 for n in definition.names())
                deadline = time.monotonic() + 90
                while min(net.status(n).block or 0 for n in definition.names()) < target:  # the restarted catches up
                    if time.monotonic() > deadline:
                        raise AssertionError(f"cycle {cycle}: {victim} did not catch up to block {target}")
                    time.sleep(0.5)
                block = _hashes_agree(net)
                for url in definition.rpc_urls:
                    with FailoverRpcClient([url], timeout=30) as one:
                        receipts = one.batch([("eth_getTransactionReceipt", [h]) for h in acknowledged[-2000:]])
                    missing = [h for h, r in zip(acknowledged[-2000:], receipts, strict=True) if r is None]
                    if missing:
                        raise AssertionError(f"cycle {cycle}: acknowledged {missing[0]} is missing on {url}")
                print(f"cycle {cycle}: killed {victim}, {len(acknowledged)} acknowledged, agree at {block}",
                      file=sys.stderr)  # fmt: skip
        finally:
            net.stop()
    result = {"cycles": args.cycles, "acknowledged": len(acknowledged), "unique": len(set(acknowledged))}
    print(json.dumps(result) if args.json else result)
    return 0 if result["acknowledged"] == result["unique"] else 1


if __name__ == "__main__":
    sys.exit(main())
