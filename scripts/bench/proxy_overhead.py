#!/usr/bin/env python3
"""What upgradeable proxies would cost the budgeted operations (issue 12, section 3: upgrades in place).

An upgrade in place keeps a contract's address and storage behind a proxy (OpenZeppelin's ERC1967Proxy, which
UUPS and transparent proxies both are) that forwards every call to the implementation by ``DELEGATECALL``. Under
EIP-2929 the forwarding costs gas in every transaction: the implementation's address is a storage slot of the proxy
(2,100 to read cold) and the implementation is an account (2,600 to call cold).

This script measures it, then projects it onto the operations whose gas is budgeted:

1. On a fresh embedded anvil it deploys a small target contract, an ``ERC1967Proxy`` in front of a second copy,
   and a caller; it sends the same call to each, once and twice in one transaction. The differences are the
   proxy's cost for the first call to a contract in a transaction and for each later one.
2. It runs ``scripts/bench/gas.py``'s measurement with a call tracer on each budgeted operation's transaction,
   counts the calls into each ledger contract (the transaction's own target included), and adds the measured
   overheads: what the operation would cost with every ledger contract behind its own proxy, against its budget.

Usage: ``python scripts/bench/proxy_overhead.py [--json] [--skip-projection] [-v]``
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import solcx
from _common import free_port, setup_logging
from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak

from ledger.chain import EmbeddedNode
from ledger.chain.rpc import JsonRpcClient
from ledger.settings import PROJECT_ROOT, LedgerSettings
from ledger.toolchain.compile import SOLC_SETTINGS, build_standard_input

logger = logging.getLogger("bench.proxy")

_SOURCE = """// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/// A check shaped like the ledger's participant checks: a mapping read, a few words in and out.
contract Target {
    mapping(address account => uint256) public value;

    function set(address account, uint256 v) external {
        value[account] = v;
    }

    function check(address account, uint16 roles, bytes32 a, bytes32 b) external view returns (uint256, address) {
        return (value[account] + roles + uint256(a ^ b), account);
    }
}

contract Caller {
    event Done(uint256 result);

    function once(address target, address account) external {
        (uint256 r,) = Target(target).check(account, 3, bytes32(0), bytes32(uint256(1)));
        emit Done(r);
    }

    function twice(address target, address account) external {
        (uint256 r,) = Target(target).check(account, 3, bytes32(0), bytes32(uint256(1)));
        (uint256 s,) = Target(target).check(account, 4, bytes32(0), bytes32(uint256(1)));
        emit Done(r + s);
    }
}

contract Forwarder is ERC1967Proxy {
    constructor(address implementation) ERC1967Proxy(implementation, "") {}
}
"""

#: The operations with a gas budget (scripts/bench/gas.py), each measured on one transaction
#: (settle_batch_100_per_trade: the batch's transaction, per trade).
BUDGETED = {
    "register_asset": "register_asset",
    "grant_license": "grant_license",
    "settle_trade": "settle_trade",
    "settle_batch_100_per_trade": "settle_batch_tx",
}
#: The selectors of the ecrecover precompile and other non-ledger callees are left out of the count.
_PRECOMPILES = {f"0x{i:040x}" for i in range(1, 11)}


def _compile() -> dict[str, Any]:
    std_input = build_standard_input({"ProxyOverhead.sol": _SOURCE}, SOLC_SETTINGS)
    std_input["settings"]["outputSelection"] = {"*": {"*": ["abi", "evm.bytecode.object"]}}
    output = solcx.compile_standard(
        std_input, solc_binary=PROJECT_ROOT / "bin" / "solc", allow_paths=[str(PROJECT_ROOT / "node_modules")]
    )
    contracts: dict[str, Any] = output["contracts"]["ProxyOverhead.sol"]
    return contracts


def measure_overhead() -> dict[str, int]:
    """Gas of one and of two calls through an ERC1967Proxy, less the same calls made directly."""
    contracts = _compile()
    with tempfile.TemporaryDirectory(prefix="ledger-proxy-") as tmp:
        settings = LedgerSettings(data_dir=Path(tmp), node_port=free_port(), block_time=0)
        with EmbeddedNode(settings, extra_args=["--quiet"]) as node:
            rpc = node.client(timeout=60)
            sender = rpc.call("eth_accounts")[0]

            def send(to: str | None, data: bytes) -> dict[str, Any]:
                tx: dict[str, Any] = {"from": sender, "data": "0x" + data.hex(), "gas": hex(3_000_000)}
                if to is not None:
                    tx["to"] = to
                tx_hash = rpc.call("eth_sendTransaction", [tx])
                for _ in range(600):
                    receipt: dict[str, Any] | None = rpc.call("eth_getTransactionReceipt", [tx_hash])
                    if receipt is not None:
                        assert int(receipt["status"], 16) == 1, receipt
                        return receipt
                    time.sleep(0.05)
                raise TimeoutError(f"no receipt for {tx_hash}")

            def deploy(name: str, args: bytes = b"") -> str:
                code = bytes.fromhex(contracts[name]["evm"]["bytecode"]["object"])
                return str(send(None, code + args)["contractAddress"])

            def call(function: str, types: list[str], args: list[Any]) -> bytes:
                return keccak(text=f"{function}({','.join(types)})")[:4] + abi_encode(types, args)

            direct, caller = deploy("Target"), deploy("Caller")
            proxied = deploy("Forwarder", abi_encode(["address"], [deploy("Target")]))
            for target in (direct, proxied):
                send(target, call("set", ["address", "uint256"], [sender, 5]))
            gas: dict[str, int] = {}
            for label, target in (("direct", direct), ("proxied", proxied)):
                for times in ("once", "twice"):
                    receipt = send(caller, call(times, ["address", "address"], [target, sender]))
                    gas[f"{label}_{times}"] = int(receipt["gasUsed"], 16)
            rpc.close()
    first = gas["proxied_once"] - gas["direct_once"]
    later = gas["proxied_twice"] - gas["direct_twice"] - first
    return {"first_call": first, "later_call": later, **{f"gas_{k}": v for k, v in gas.items()}}


def project(overhead: dict[str, int]) -> dict[str, dict[str, Any]]:
    """Each budgeted operation's gas, the calls into ledger contracts its transaction makes, and its gas with every
    ledger contract behind a proxy."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import gas as gas_bench

    traced: dict[str, tuple[int, Counter[str]]] = {}
    chains: list[Any] = []
    measure = gas_bench.measure

    def measure_and_remember(chain: Any, batch_size: int) -> Any:
        chains.append(chain)
        return measure(chain, batch_size)

    record = gas_bench.GasTable.record

    def record_and_trace(table: Any, key: str, result: Any, note: str = "") -> Any:
        if key in BUDGETED.values() and hasattr(result, "tx_hash"):
            rpc: JsonRpcClient = chains[-1].rpc
            ledger = {str(a).lower() for a in chains[-1].contracts.address.values()}
            frame = rpc.call("debug_traceTransaction", [result.tx_hash, {"tracer": "callTracer"}])
            calls: Counter[str] = Counter()

            def walk(f: dict[str, Any]) -> None:
                to = str(f.get("to", "")).lower()
                if to in ledger and to not in _PRECOMPILES:
                    calls[to] += 1
                for sub in f.get("calls") or []:
                    walk(sub)

            walk(frame)
            traced[key] = (result.receipt.gas_used, calls)
        return record(table, key, result, note)

    gas_bench.measure = measure_and_remember
    gas_bench.GasTable.record = record_and_trace  # type: ignore[method-assign]
    try:
        out = gas_bench.run(gas_bench.DEFAULT_BATCH_SIZE)
    finally:
        gas_bench.measure = measure
        gas_bench.GasTable.record = record  # type: ignore[method-assign]
    projection: dict[str, dict[str, Any]] = {}
    for key, tx_key in BUDGETED.items():
        used, calls = traced[tx_key]
        per = out["batch_size"] if key == "settle_batch_100_per_trade" else 1
        extra = len(calls) * overhead["first_call"] + (sum(calls.values()) - len(calls)) * overhead["later_call"]
        projection[key] = {
            "gas": out[key],
            "budget": out["budgets"][key],
            "contracts_called": len(calls),
            "calls": sum(calls.values()),
            "with_proxies": out[key] + round(extra / per),
        }
        projection[key]["over_budget_with_proxies"] = projection[key]["with_proxies"] > projection[key]["budget"]
        assert used // per <= out[key] + 1, (key, used, out[key])
    return projection


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--skip-projection", action="store_true", help="measure the proxy's overhead only")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress on stderr")
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    overhead = measure_overhead()
    report: dict[str, Any] = {"proxy_overhead": overhead}
    if not args.skip_projection:
        report["projection"] = project(overhead)
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        return 0
    print(f"ERC1967Proxy: +{overhead['first_call']} gas for the first call to a contract in a transaction, "
          f"+{overhead['later_call']} for each later one")  # fmt: skip
    for key, p in report.get("projection", {}).items():
        mark = "OVER" if p["over_budget_with_proxies"] else "ok"
        print(f"  {key:<28} {p['gas']:>8} now, {p['with_proxies']:>8} behind proxies ({p['contracts_called']} "
              f"contracts, {p['calls']} calls)  budget {p['budget']:>8}  {mark}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
