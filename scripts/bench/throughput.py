#!/usr/bin/env python3
"""Transactions per second on the embedded node with interval mining, five ways, in one run.

(a) ``raw_transfer_tps``: ERC-20 transfers of the settlement token, pre-signed before the
    clock starts, from many sender accounts, sent as JSON-RPC batches with explicit gas
    limits: the node's ceiling. Confirmation is observed from new blocks (a receipt exists
    as soon as its block does); statuses are checked afterwards, off the clock.
(b) ``settle_tps``: single-trade settlements through the client as an application uses it:
    ``LedgerClient.prepare_settle(trade, min_net, consent, gas=...)``, ``TxSender.send`` in
    chunks from several exchange accounts (ABI encoding, signing, journal fsync and HTTP inside
    the clock) and ``TxSender.wait`` for every chunk's receipts. Each trade carries its seller's
    EIP-712 consent to exactly that sale (``SalesConsent``, one sale).
(c) ``settle_batch_trades_per_s``: trades per second with ``settleBatch`` (``--batch`` trades
    a transaction, several transactions a block), through the same client path; each seller
    signs one consent for its trades of a batch.
(b') ``settle_mandated_tps`` and (c') ``settle_batch_mandated_trades_per_s``: the same through
    ``MandateRegistry`` within standing mandates (one per seller, asset and exchange, granted
    before the clock): no signature a trade. They run after (b) and (c), on a chain that has
    settled those trades; to compare the two paths, run them apart (``--only``) back to back.

Who signs the consents, and when: a seller signs on its own machine, when it lists or when its
order is matched, not on the exchange's. So (b) and (c) take consents signed before the clock
starts (``--presign-*-rate`` trades a second of ``--seconds``, plus those in flight; a pool that
runs out is topped up inside the clock and counted), and the signing cost is reported beside
the rates (``consent_presign_cpu_ms_per_trade``) and as its own stages of the client cost
breakdown (``consent_sign``, ``consent_sign_batch``). ``--consents in-clock`` signs them on the
exchange's sending threads instead: the case of one machine doing both sides' work.

Each rate is work confirmed / wall time from the first send to the last confirmation;
sending stops after ``--seconds`` and the backlog drains inside the clock. Work in flight is
bounded so the pool does not grow without limit. Per block, gas used and transaction counts
are recorded, and the CPU used by the client (this process) and by anvil, as cores busy and
as milliseconds a transaction.

``--what-if`` re-runs (b) with client changes proposed for ``ledger/client/sender.py``,
plugged in from here (never used for the figures above):

* ``fast-sign``: sign with a cached coincurve key and direct RLP (``TxSender._sign``);
* ``log-wait``: confirm by following blocks (``eth_getBlockByNumber``, hashes only) and one
  ``eth_getLogs`` of the confirming event a block, instead of ``eth_getTransactionReceipt``
  per transaction (anvil builds each receipt in time linear in its block's size).

The cost breakdown also times a change proposed for ``LedgerClient.sign_sales_consent``
(``consent_sign_fast_whatif``): the same signature from precomputed EIP-712 type hashes and a
cached coincurve key (:class:`FastConsentSigner`) instead of eth-account's ``encode_typed_data``.

Usage: ``python scripts/bench/throughput.py [--json] [--seconds N] [--block-time S]``
``[--only raw|settle|batch|mandated|mandated-batch|costs ...] [--consents presigned|in-clock]``
``[--what-if fast-sign --what-if log-wait] [--profile FILE] [-v]``
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import os
import pstats
import statistics
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import coincurve
import rlp
from _common import BenchChain, bench_chain, setup_logging
from eth_utils.crypto import keccak

from ledger.chain.rpc import JsonRpcClient
from ledger.client import Call, LedgerClient
from ledger.contracts.types import LicenseTerms, Mandate, SalesConsent, Trade

logger = logging.getLogger("bench.throughput")

T = TypeVar("T")


# ───────────────────────────────────────────────────────────── block watcher


@dataclass
class BlockStat:
    number: int
    seen_at: float
    gas_used: int
    txs: int
    ours: int


class Watcher:
    """Follows new blocks in one thread: which wanted hashes are in, when each block was seen, and
    (with ``confirm_topic``) which transactions emitted that event of ``confirm_address``."""

    def __init__(self, chain: BenchChain, confirm_address: str | None = None, confirm_topic: bytes | None = None,
                 poll: float = 0.005) -> None:  # fmt: skip
        self.chain = chain
        self.poll = poll
        self.confirm_address = confirm_address
        self.confirm_topic = "0x" + confirm_topic.hex() if confirm_topic else None
        self.wanted: set[str] = set()
        self.block_of: dict[str, int] = {}
        self.succeeded: set[str] = set()
        self.included = 0
        self.blocks: list[BlockStat] = []
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._rpc = JsonRpcClient(chain.rpc.url, timeout=120)
        self._next = int(self._rpc.call("eth_blockNumber"), 16) + 1
        self._hashes: dict[int, list[str]] = {}

    def final_blocks(self) -> list[BlockStat]:
        """Block statistics with ``ours`` counted against everything added by now."""
        with self.lock:
            return [BlockStat(b.number, b.seen_at, b.gas_used, b.txs, sum(1 for x in self._hashes[b.number]
                                                                             if x in self.wanted))
                    for b in self.blocks]  # fmt: skip

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="block-watcher", daemon=True)
        self._thread.start()

    def add(self, hashes: Sequence[str]) -> None:
        with self.lock:
            self.wanted.update(h.lower() for h in hashes)

    def _run(self) -> None:
        while not self._stop.is_set():
            head = int(self._rpc.call("eth_blockNumber"), 16)
            if head < self._next:
                time.sleep(self.poll)
                continue
            numbers = list(range(self._next, head + 1))
            calls: list[tuple[str, Any]] = [("eth_getBlockByNumber", [hex(n), False]) for n in numbers]
            if self.confirm_topic:
                calls.append(
                    (
                        "eth_getLogs",
                        [
                            {
                                "fromBlock": hex(numbers[0]),
                                "toBlock": hex(numbers[-1]),
                                "address": self.confirm_address,
                                "topics": [self.confirm_topic],
                            }
                        ],
                    )
                )
            answers = self._rpc.batch(calls)
            now = time.monotonic()
            with self.changed:
                if self.confirm_topic:
                    self.succeeded.update(log["transactionHash"].lower() for log in answers[-1])
                for n, b in zip(numbers, answers, strict=False):
                    if b is None:  # replaced meanwhile (a network's fork) or not served yet: read again next round
                        head = n - 1
                        break
                    hashes = [x.lower() for x in b["transactions"]]
                    ours = 0
                    for x in hashes:
                        self.block_of[x] = n  # all of them: a chunk can be mined before add() hears of it
                        if x in self.wanted:
                            ours += 1
                    self.included += ours
                    self._hashes[n] = hashes
                    self.blocks.append(BlockStat(n, now, int(b["gasUsed"], 16), len(hashes), ours))
                self.changed.notify_all()
            self._next = head + 1

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._rpc.close()

    def wait_for(self, count: int, timeout: float = 300.0) -> float:
        """Blocks until ``count`` wanted transactions are in; returns when the last of their blocks was seen."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.included < count:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"only {self.included}/{count} transactions included after {timeout}s")
                self.changed.wait(0.05)
        return max(b.seen_at for b in self.blocks if b.ours)

    def wait_confirmed(self, hashes: Sequence[str], timeout: float = 120.0) -> list[str]:
        """(log-wait) Blocks until every hash is in a block; returns those without the confirming event."""
        keys = [h.lower() for h in hashes]
        deadline = time.monotonic() + timeout
        with self.changed:
            while not all(k in self.block_of for k in keys):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"transactions not mined after {timeout}s")
                self.changed.wait(0.05)
            return [k for k in keys if k not in self.succeeded]


# ───────────────────────────────────────────────────────────── CPU accounting


def _node_cpu(chain: BenchChain) -> float:
    """CPU seconds (user + system) used so far by the anvil process."""
    pid = chain.node.pid
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds used by this process (the client) and by anvil between start() and stop()."""

    def __init__(self, chain: BenchChain) -> None:
        self.chain = chain

    def start(self) -> None:
        self._client = time.process_time()
        self._node = _node_cpu(self.chain)
        self._load = os.getloadavg()[0]

    def stop(self) -> dict[str, float]:
        return {
            "client_cpu_s": time.process_time() - self._client,
            "node_cpu_s": _node_cpu(self.chain) - self._node,
            "loadavg_1m_before": round(self._load, 2),
        }


# ───────────────────────────────────────────────────────────── results


@dataclass
class Measurement:
    name: str
    count: int  # transactions (a) or trades (b, c) confirmed
    txs: int
    seconds: float
    blocks: list[BlockStat]
    cpu: dict[str, float]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> dict[str, Any]:
        ours = [b for b in self.blocks if b.ours]
        gas = [b.gas_used for b in ours]
        client, node = self.cpu["client_cpu_s"], self.cpu["node_cpu_s"]
        return {
            "rate": round(self.rate, 1),
            "count": self.count,
            "transactions": self.txs,
            "seconds": round(self.seconds, 3),
            "blocks": len(ours),
            "gas_per_block_mean": int(statistics.mean(gas)) if gas else 0,
            "gas_per_block_max": max(gas) if gas else 0,
            "txs_per_block_mean": round(statistics.mean(b.txs for b in ours), 1) if ours else 0,
            "gas_per_second": int(sum(gas) / self.seconds) if self.seconds > 0 else 0,
            "client_cpu_cores": round(client / self.seconds, 2) if self.seconds > 0 else 0,
            "node_cpu_cores": round(node / self.seconds, 2) if self.seconds > 0 else 0,
            "client_cpu_ms_per_tx": round(1000 * client / self.txs, 3) if self.txs else 0,
            "node_cpu_ms_per_tx": round(1000 * node / self.txs, 3) if self.txs else 0,
            "loadavg_1m_before": self.cpu["loadavg_1m_before"],
            **self.extra,
        }


# ───────────────────────────────────────────────────────────── (a) raw transfers


def raw_transfers(chain: BenchChain, seconds: float, inflight: int, chunk: int, probe_size: int) -> Measurement:
    senders = chain.senders
    token = chain.contracts.address["SettlementToken"]
    codec = chain.contracts.codecs["SettlementToken"]
    n = len(senders)
    sample = codec.encode_call("transfer", senders[1].address, 1)
    est = int(chain.rpc.call("eth_estimateGas", [{"from": senders[0].address, "to": token,
                                                  "data": "0x" + sample.hex()}]), 16)  # fmt: skip
    gas = int(est * 1.1)
    nonces = [
        int(x, 16) for x in chain.rpc.batch([("eth_getTransactionCount", [a.address, "pending"]) for a in senders])
    ]
    tip = int(chain.rpc.call("eth_maxPriorityFeePerGas"), 16)
    chain_id = chain.authority.chain_id

    signers = [FastSigner(bytes(a.key)) for a in senders]  # same bytes as eth-account, ~4x faster

    def presign(count: int) -> list[tuple[str, str]]:
        out = []
        for i in range(count):
            s = i % n
            tx: dict[str, Any] = {
                "type": 2, "chainId": chain_id, "nonce": nonces[s], "to": token, "value": 0, "gas": gas,
                "maxFeePerGas": max(tip, 1), "maxPriorityFeePerGas": tip,
                "data": codec.encode_call("transfer", senders[(s + 1) % n].address, 1 + i % 7),
            }  # fmt: skip
            nonces[s] += 1
            signed = signers[s](tx)
            out.append(("0x" + signed.hash.hex(), "0x" + signed.raw_transaction.hex()))
        return out

    # Size the pre-signed pool: a short probe (its rate is low: it includes a block of latency),
    # then 3x its rate for ``seconds``.
    probe = _run_raw(chain, presign(probe_size), inflight, chunk, seconds=60.0)
    pool = int(max(probe.rate, 100.0) * seconds * 3)
    t0 = time.monotonic()
    txs = presign(pool)
    logger.info("pre-signed %d transfers in %.1fs (gas limit %d; probe %.0f tx/s)", len(txs), time.monotonic() - t0,
                gas, probe.rate)  # fmt: skip
    m = _run_raw(chain, txs, inflight, chunk, seconds)
    m.extra.update(gas_limit=gas, gas_estimate=est, senders=n, presigned=len(txs))
    return m


def _run_raw(chain: BenchChain, txs: list[tuple[str, str]], inflight: int, chunk: int, seconds: float) -> Measurement:
    """Sends ``txs`` in batches of ``chunk`` (at most ``inflight`` unconfirmed) for ``seconds``, then drains.

    The pool interleaves the senders, so any prefix of it has no nonce gaps.
    """
    watcher = Watcher(chain)
    watcher.start()
    rpc = chain.rpc
    sent = 0
    meter = CpuMeter(chain)
    meter.start()
    t_start = time.monotonic()
    deadline = t_start + seconds
    try:
        while sent < len(txs) and time.monotonic() < deadline:
            if sent - watcher.included >= inflight:
                time.sleep(0.001)
                continue
            part = txs[sent : sent + chunk]
            watcher.add([x for x, _ in part])
            answers = rpc.batch([("eth_sendRawTransaction", [raw]) for _, raw in part], return_exceptions=True)
            errors = [a for a in answers if isinstance(a, Exception)]
            if errors:
                raise RuntimeError(f"{len(errors)} raw transfers refused, e.g. {errors[0]}")
            sent += len(part)
        t_end = watcher.wait_for(sent)
        cpu = meter.stop()
    finally:
        watcher.stop()
    if sent == len(txs) and seconds < 60:
        logger.warning("the pre-signed pool (%d) ran out before %ss", len(txs), seconds)
    # Off the clock: every transfer succeeded (a sample of receipts: anvil builds them slowly).
    sample = [x for x, _ in txs[: min(sent, 200)]]
    failed = [r for r in rpc.batch([("eth_getTransactionReceipt", [x]) for x in sample]) if int(r["status"], 16) != 1]
    if failed:
        raise RuntimeError(f"{len(failed)} raw transfers reverted, e.g. {failed[0]['transactionHash']}")
    return Measurement("raw_transfer", sent, sent, t_end - t_start, watcher.blocks, cpu)


# ───────────────────────────────────────────────────────────── (b), (c) through the client


class FastSigner:
    """What-if: signs an EIP-1559 transaction dict like ``LocalAccount.sign_transaction`` (same bytes),
    with the coincurve key made once and the RLP written directly (~6x faster here)."""

    def __init__(self, private_key: bytes) -> None:
        self._key = coincurve.PrivateKey(private_key)

    @staticmethod
    def _int(value: int) -> bytes:
        return value.to_bytes((value.bit_length() + 7) // 8, "big")

    def __call__(self, tx: dict[str, Any]) -> Any:
        i = self._int
        to = bytes.fromhex(tx["to"][2:]) if tx.get("to") else b""
        fields = [i(tx["chainId"]), i(tx["nonce"]), i(tx["maxPriorityFeePerGas"]), i(tx["maxFeePerGas"]), i(tx["gas"]),
                  to, i(tx["value"]), bytes(tx["data"]), []]  # fmt: skip
        signature = self._key.sign_recoverable(keccak(b"\x02" + rlp.encode(fields)), hasher=None)
        r, s, v = signature[:32], signature[32:64], signature[64]
        raw = b"\x02" + rlp.encode([*fields, i(v), r.lstrip(b"\0"), s.lstrip(b"\0")])
        return _Signed(keccak(raw), raw)


_TERMS_TYPE = (
    "LicenseTerms(uint8 right,uint16 purpose,uint40 start,uint40 end,bool exclusive,bool sublicensable,"
    "bool transferable,uint24[] regions,bytes2[] countries,bytes32 termsHash)"
)
_SALE_TYPE = (
    "Sale(bytes32 tradeId,uint256 assetId,uint8 delivery,uint8 right,uint64 parentLicenseId,LicenseTerms terms,"
    "uint256 minNet)"
)
_CONSENT_TYPE = "SalesConsent(address exchange,Sale[] sales,uint256 nonce,uint256 deadline)"


class FastConsentSigner:
    """What-if: a seller's ``SalesConsent`` signed like ``LedgerClient.sign_sales_consent`` (same signature), with
    the type hashes and domain separator computed once, the EIP-712 words written directly and a cached coincurve
    key, instead of eth-account's generic ``encode_typed_data``."""

    _TERMS = keccak(text=_TERMS_TYPE)
    _SALE = keccak(text=_SALE_TYPE + _TERMS_TYPE)
    _CONSENT = keccak(text=_CONSENT_TYPE + _TERMS_TYPE + _SALE_TYPE)

    def __init__(self, private_key: bytes, chain_id: int, settlement: str) -> None:
        self._key = coincurve.PrivateKey(private_key)
        w = self._w
        domain_type = keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
        self._domain = keccak(domain_type + keccak(text="DataRightsLedger") + keccak(text="1") + w(chain_id)
                              + w(int(settlement, 16)))  # fmt: skip

    @staticmethod
    def _w(value: int) -> bytes:
        return value.to_bytes(32, "big")

    def _terms(self, t: LicenseTerms) -> bytes:
        w = self._w
        countries = b"".join((c.encode("ascii") if isinstance(c, str) else c).ljust(32, b"\0") for c in t.countries)
        return keccak(self._TERMS + w(int(t.right)) + w(t.purpose) + w(t.start) + w(t.end) + w(t.exclusive)
                      + w(t.sublicensable) + w(t.transferable) + keccak(b"".join(w(r) for r in t.regions))
                      + keccak(countries) + t.terms_hash)  # fmt: skip

    def __call__(self, sales: Sequence[tuple[Trade, int]], exchange: str, nonce: int, deadline: int) -> bytes:
        w = self._w
        sale_hashes = b"".join(
            keccak(self._SALE + t.trade_id + w(t.asset_id) + w(int(t.delivery)) + w(int(t.right))
                   + w(t.parent_license_id) + self._terms(t.terms) + w(net))
            for t, net in sales
        )  # fmt: skip
        struct = keccak(self._CONSENT + w(int(exchange, 16)) + keccak(sale_hashes) + w(nonce) + w(deadline))
        signature = self._key.sign_recoverable(keccak(b"\x19\x01" + self._domain + struct), hasher=None)
        return signature[:64] + bytes([signature[64] + 27])


@dataclass(frozen=True, slots=True)
class _Signed:
    hash: bytes
    raw_transaction: bytes


class ClientDriver:
    """Closed-loop pipelining through ``TxSender``: per exchange account, a thread that prepares,
    signs and sends ``chunk`` calls at a time while that account has fewer than its share of
    ``inflight`` unconfirmed, and a thread that waits for each chunk with ``TxSender.wait``
    (or, with ``log_wait``, for the block watcher to see it mined and its event logged)."""

    def __init__(self, chain: BenchChain, make_calls: Callable[[LedgerClient, int], list[Call]], items_per_call: int,
                 inflight: int, seconds: float, *, log_wait: bool = False, profile: bool = False) -> None:  # fmt: skip
        self.chain = chain
        self.exchanges = chain.exchanges
        self.make_calls = make_calls
        self.items_per_call = items_per_call
        self.inflight = inflight
        self.seconds = seconds
        self.log_wait = log_wait
        self.profiles: list[cProfile.Profile] | None = [] if profile else None
        self.lock = threading.Lock()
        self.confirmed_items = 0
        self.confirmed_txs = 0
        self.last_confirmed_at = 0.0
        self.errors: list[BaseException] = []
        self.timing = {"prepare": 0.0, "send": 0.0, "wait": 0.0}
        self._confirmed_by: dict[str, int] = {}

    def run(self, chunk: int) -> Measurement:
        settlement = self.chain.contracts.address["TradeSettlement"]
        topic = self.chain.contracts.codecs["TradeSettlement"].events["TradeSettled"].topic0
        self.watcher = Watcher(self.chain, settlement, topic) if self.log_wait else Watcher(self.chain)
        self.watcher.start()
        meter = CpuMeter(self.chain)
        meter.start()
        self.t_start = time.monotonic()
        self.deadline = self.t_start + self.seconds
        threads = []
        for ex in self.exchanges:
            queue: list[tuple[list[str], list[Call]]] = []
            cond = threading.Condition()
            done = threading.Event()
            threads.append(
                threading.Thread(target=self._profiled, args=(self._send_loop, ex, chunk, queue, cond, done))
            )
            threads.append(threading.Thread(target=self._profiled, args=(self._wait_loop, ex, queue, cond, done)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        cpu = meter.stop()
        self.watcher.stop()
        if self.errors:
            raise self.errors[0]
        return Measurement("client", self.confirmed_items, self.confirmed_txs, self.last_confirmed_at - self.t_start,
                           self.watcher.final_blocks(), cpu,
                           {"client_thread_seconds": {k: round(v, 2) for k, v in self.timing.items()}})  # fmt: skip

    def _profiled(self, target: Callable[..., None], *args: Any) -> None:
        if self.profiles is None:
            target(*args)
            return
        profile = cProfile.Profile()
        profile.enable()
        try:
            target(*args)
        finally:
            profile.disable()
            with self.lock:
                self.profiles.append(profile)

    def _send_loop(self, ex: LedgerClient, chunk: int, queue: list[tuple[list[str], list[Call]]],
                   cond: threading.Condition, done: threading.Event) -> None:  # fmt: skip
        share = max(chunk, self.inflight // len(self.exchanges))
        sent = 0
        try:
            while time.monotonic() < self.deadline and not self.errors:
                with self.lock:
                    confirmed = self._confirmed_by.get(ex.address, 0)
                if sent - confirmed >= share:
                    time.sleep(0.002)
                    continue
                t0 = time.monotonic()
                calls = self.make_calls(ex, chunk)
                t1 = time.monotonic()
                hashes = ex.sender.send(calls)
                t2 = time.monotonic()
                self.watcher.add(hashes)
                with self.lock:
                    self.timing["prepare"] += t1 - t0
                    self.timing["send"] += t2 - t1
                sent += len(calls)
                with cond:
                    queue.append((hashes, calls))
                    cond.notify()
        except BaseException as exc:
            self.errors.append(exc)
        finally:
            done.set()
            with cond:
                cond.notify()

    def _wait_loop(self, ex: LedgerClient, queue: list[tuple[list[str], list[Call]]],
                   cond: threading.Condition, done: threading.Event) -> None:  # fmt: skip
        try:
            while True:
                with cond:
                    while not queue and not done.is_set():
                        cond.wait(0.05)
                    if not queue:
                        return
                    hashes, calls = queue.pop(0)
                t0 = time.monotonic()
                if self.log_wait:
                    failed = self.watcher.wait_confirmed(hashes)
                    if failed:  # the receipt says why (the typed error)
                        ex.sender.wait([failed[0]], [calls[[h.lower() for h in hashes].index(failed[0])]])
                        raise RuntimeError(f"{failed[0]} mined without its event")
                else:
                    ex.sender.wait(hashes, calls)
                t1 = time.monotonic()
                with self.lock:
                    self.timing["wait"] += t1 - t0
                    self.confirmed_txs += len(hashes)
                    self.confirmed_items += len(hashes) * self.items_per_call
                    self.last_confirmed_at = max(self.last_confirmed_at, t1)
                    self._confirmed_by[ex.address] = self._confirmed_by.get(ex.address, 0) + len(hashes)
        except BaseException as exc:
            self.errors.append(exc)
            done.set()


def _trade_factory(chain: BenchChain) -> Callable[[], Trade]:
    """Thread-safe source of steady-state trades: round-robin over assets and buyers, unique ids."""
    assets = list(chain.assets)
    buyers = [b.address for b in chain.buyers]
    terms = chain.terms()
    counter = 0
    lock = threading.Lock()

    def next_trade() -> Trade:
        nonlocal counter
        with lock:
            counter += 1
            return chain.trade(assets[counter % len(assets)], buyers[counter % len(buyers)], terms, tag="tp")

    return next_trade


def warm_up(chain: BenchChain) -> dict[tuple[int, str], Mandate]:
    """One settlement per asset and exchange: every payee then holds tokens, every (asset, right, purpose) has its
    exclusivity record and every seller's first nonce word is in use, so measured trades are steady-state. Then
    each seller gives each exchange a standing mandate per asset (for the mandated runs); returns them."""
    next_trade = _trade_factory(chain)
    for ex in chain.exchanges:
        trades = [next_trade() for _ in chain.assets]
        ex.execute_many([ex.prepare_settle(t, chain.seller_net(t), chain.consent([t], ex)) for t in trades])
    terms = chain.terms()
    mandates = {(a, ex.address): chain.mandate(a, ex, terms) for a in chain.assets for ex in chain.exchanges}
    chain.bulk([(chain.assets[a], [chain.assets[a].prepare("MandateRegistry", "grantMandate", m.as_abi(),
                                                           gas=300_000)])
                for (a, _), m in mandates.items()])  # fmt: skip
    return mandates


def _estimate(chain: BenchChain, call: Call, sender: str) -> int:
    return int(chain.rpc.call("eth_estimateGas", [{"from": sender, "to": call.to, "data": "0x" + call.data.hex()}]), 16)


# ───────────────────────────────────────────────────────────── sellers' consents


class ConsentPool(Generic[T]):
    """The sellers' signed consents an exchange settles with, made by ``make(exchange)`` (an item covering
    ``trades_per_item`` trades). By default signed before the clock starts: a seller signs when it lists or
    when its order is matched, on its own machine, not on the exchange's; :meth:`presign` times that signing,
    reported beside the rates. An exchange whose pool runs out (or with ``in_clock``: always) signs inside
    the clock on its sending thread, and those trades are counted."""

    def __init__(self, make: Callable[[LedgerClient], T], trades_per_item: int, *, in_clock: bool = False) -> None:
        self._make = make
        self._per = trades_per_item
        self._in_clock = in_clock
        self._pools: dict[str, deque[T]] = {}
        self._lock = threading.Lock()
        self.presigned_trades = 0
        self.presign_cpu_s = 0.0
        self.in_clock_trades = 0

    def presign(self, exchanges: Sequence[LedgerClient], trades_each: int) -> None:
        if self._in_clock:
            return
        c0 = time.process_time()
        for ex in exchanges:
            pool = self._pools.setdefault(ex.address, deque())
            for _ in range(-(-trades_each // self._per)):
                pool.append(self._make(ex))
                self.presigned_trades += self._per
        self.presign_cpu_s += time.process_time() - c0

    def take(self, ex: LedgerClient) -> T:
        pool = self._pools.get(ex.address)
        if pool:
            return pool.popleft()
        with self._lock:
            self.in_clock_trades += self._per
        return self._make(ex)

    def stats(self) -> dict[str, Any]:
        per_trade = 1000 * self.presign_cpu_s / self.presigned_trades if self.presigned_trades else None
        return {
            "consents": "in-clock" if self._in_clock else "presigned",
            "consent_presigned_trades": self.presigned_trades,
            "consent_presign_cpu_ms_per_trade": round(per_trade, 3) if per_trade is not None else None,
            "consent_signed_in_clock_trades": self.in_clock_trades,
        }


def _presign_each(chain: BenchChain, rate: float, seconds: float, inflight: int) -> int:
    """Trades to pre-sign for each exchange: ``rate`` trades a second for ``seconds``, plus its share in flight."""
    n = len(chain.exchanges)
    return int(rate * seconds / n) + inflight // n


def single_settlements(chain: BenchChain, seconds: float, inflight: int, chunk: int, presign_rate: float, *,
                       in_clock: bool = False, log_wait: bool = False,
                       profile: bool = False) -> tuple[Measurement, ClientDriver]:  # fmt: skip
    """(b): each trade with its seller's consent to exactly it (one sale)."""
    next_trade = _trade_factory(chain)

    def consented(ex: LedgerClient) -> tuple[Trade, SalesConsent]:
        t = next_trade()
        return t, chain.consent([t], ex)

    ex0 = chain.exchanges[0]
    t, c = consented(ex0)
    est = _estimate(chain, ex0.prepare_settle(t, chain.seller_net(t), c), ex0.address)
    gas = int(est * 1.2)  # headroom: a seller's first nonce of a new bitmap word writes a fresh slot
    pool = ConsentPool(consented, 1, in_clock=in_clock)
    pool.presign(chain.exchanges, _presign_each(chain, presign_rate, seconds, inflight))

    def make_calls(ex: LedgerClient, count: int) -> list[Call]:
        calls = []
        for _ in range(count):
            t, c = pool.take(ex)
            calls.append(ex.prepare_settle(t, chain.seller_net(t), c, gas=gas))
        return calls

    driver = ClientDriver(chain, make_calls, 1, inflight, seconds, log_wait=log_wait, profile=profile)
    m = driver.run(chunk)
    m.extra.update(gas_limit=gas, gas_estimate=est, exchanges=len(chain.exchanges), chunk=chunk, **pool.stats())
    return m, driver


Batch = tuple[list[Trade], list[int], list[SalesConsent], list[int]]


def batch_settlements(chain: BenchChain, seconds: float, inflight_trades: int, batch: int, per_send: int,
                      presign_rate: float, *, in_clock: bool = False) -> Measurement:  # fmt: skip
    """(c): ``batch`` trades a transaction, with one consent per seller covering its trades of the batch."""
    next_trade = _trade_factory(chain)

    def consented(ex: LedgerClient) -> Batch:
        trades = [next_trade() for _ in range(batch)]
        return (trades, *chain.batch_consents(ex, trades))

    def encode(ex: LedgerClient, b: Batch, gas: int | None = None) -> Call:
        trades, nets, consents, consent_of = b
        return ex.prepare("TradeSettlement", "settleBatch", [t.as_abi() for t in trades], nets,
                          [c.as_abi() for c in consents], consent_of, True, gas=gas)  # fmt: skip

    ex0 = chain.exchanges[0]
    est = _estimate(chain, encode(ex0, consented(ex0)), ex0.address)
    gas = int(est * 1.05)
    pool = ConsentPool(consented, batch, in_clock=in_clock)
    pool.presign(chain.exchanges, _presign_each(chain, presign_rate, seconds, inflight_trades))

    def make_calls(ex: LedgerClient, count: int) -> list[Call]:
        return [encode(ex, pool.take(ex), gas) for _ in range(count)]

    driver = ClientDriver(chain, make_calls, batch, max(per_send, inflight_trades // batch), seconds)
    m = driver.run(per_send)
    m.extra.update(gas_limit=gas, gas_estimate=est, batch=batch, exchanges=len(chain.exchanges),
                   consents_per_batch=len(chain.sellers), **pool.stats())  # fmt: skip
    return m


def mandated_settlements(chain: BenchChain, mandates: dict[tuple[int, str], Mandate], seconds: float, inflight: int,
                         chunk: int) -> Measurement:  # fmt: skip
    """(b'): as (b), through ``MandateRegistry.settle`` within the seller's standing mandate: no signature a trade."""
    next_trade = _trade_factory(chain)

    def encode(ex: LedgerClient, t: Trade, gas: int | None = None) -> Call:
        m = mandates[(t.asset_id, ex.address)]
        return ex.prepare("MandateRegistry", "settle", t.as_abi(), m.as_abi(), gas=gas)

    ex0 = chain.exchanges[0]
    est = _estimate(chain, encode(ex0, next_trade()), ex0.address)
    gas = int(est * 1.1)

    def make_calls(ex: LedgerClient, count: int) -> list[Call]:
        return [encode(ex, next_trade(), gas) for _ in range(count)]

    driver = ClientDriver(chain, make_calls, 1, inflight, seconds)
    m = driver.run(chunk)
    m.extra.update(gas_limit=gas, gas_estimate=est, exchanges=len(chain.exchanges), chunk=chunk)
    return m


def mandated_batch_settlements(chain: BenchChain, mandates: dict[tuple[int, str], Mandate], seconds: float,
                               inflight_trades: int, batch: int, per_send: int) -> Measurement:  # fmt: skip
    """(c'): as (c), through ``MandateRegistry.settleBatch``: each asset's mandate sent once a batch."""
    next_trade = _trade_factory(chain)

    def encode(ex: LedgerClient, trades: list[Trade], gas: int | None = None) -> Call:
        distinct: dict[int, int] = {}
        for t in trades:
            distinct.setdefault(t.asset_id, len(distinct))
        return ex.prepare(
            "MandateRegistry", "settleBatch", [t.as_abi() for t in trades],
            [mandates[(a, ex.address)].as_abi() for a in distinct], [distinct[t.asset_id] for t in trades], True,
            gas=gas,
        )  # fmt: skip

    ex0 = chain.exchanges[0]
    est = _estimate(chain, encode(ex0, [next_trade() for _ in range(batch)]), ex0.address)
    gas = int(est * 1.05)

    def make_calls(ex: LedgerClient, count: int) -> list[Call]:
        return [encode(ex, [next_trade() for _ in range(batch)], gas) for _ in range(count)]

    driver = ClientDriver(chain, make_calls, batch, max(per_send, inflight_trades // batch), seconds)
    m = driver.run(per_send)
    m.extra.update(gas_limit=gas, gas_estimate=est, batch=batch, exchanges=len(chain.exchanges))
    return m


# ───────────────────────────────────────────────────────────── client cost breakdown


def client_costs(chain: BenchChain, mandates: dict[tuple[int, str], Mandate], n: int, chunk: int,
                 batch: int) -> dict[str, Any]:  # fmt: skip
    """Where the client's time goes for ``n`` single settlements, one stage at a time on one
    thread (so CPU times are not blurred by the GIL): microseconds a transaction of client CPU,
    and of anvil CPU where the stage makes anvil work.

    The sellers' side comes first: ``consent_sign`` is a seller signing its consent to one sale
    (EIP-712 through ``LedgerClient.sign_sales_consent``; ``consent_sign_fast_whatif``: the same signature
    from :class:`FastConsentSigner`, checked equal first), ``consent_sign_batch`` the same a trade
    when each seller signs once for its trades of a ``batch``-trade batch as in (c). The exchange's
    side follows: ``encode`` (the trade, least net amount and consent), ``sign`` ... ``wait_receipts``;
    ``exchange_total`` sums those. ``encode_mandated``: the same call within a standing mandate."""
    next_trade = _trade_factory(chain)
    ex = chain.exchanges[0]
    sender = ex.sender
    t0 = next_trade()
    est = _estimate(chain, ex.prepare_settle(t0, chain.seller_net(t0), chain.consent([t0], ex)), ex.address)
    trades = [next_trade() for _ in range(n)]
    grouped = [next_trade() for _ in range(n)]
    out: dict[str, float] = {}

    def stage(name: str, fn: Callable[[], Any], per: int = n) -> Any:
        c0, n0, w0 = time.process_time(), _node_cpu(chain), time.perf_counter()
        result = fn()
        out[f"{name}_client_us"] = round(1e6 * (time.process_time() - c0) / per, 1)
        out[f"{name}_wall_us"] = round(1e6 * (time.perf_counter() - w0) / per, 1)
        node = _node_cpu(chain) - n0
        if node > 0:
            out[f"{name}_node_us"] = round(1e6 * node / per, 1)
        return result

    consents = stage("consent_sign", lambda: [chain.consent([t], ex) for t in trades])
    seller = chain.client_for(trades[0].seller)
    fast_consent = FastConsentSigner(
        bytes(seller.account.key), seller.chain_id, chain.contracts.address["TradeSettlement"]
    )
    probe, signed_probe = trades[0], consents[0]
    if fast_consent([(probe, chain.seller_net(probe))], ex.address, signed_probe.nonce, signed_probe.deadline) != \
            signed_probe.signature:  # fmt: skip
        raise RuntimeError("FastConsentSigner's signature differs from LedgerClient.sign_sales_consent's")
    stage("consent_sign_fast_whatif", lambda: [fast_consent([(t, chain.seller_net(t))], ex.address, i, 2**40)
                                               for i, t in enumerate(trades)])  # fmt: skip
    stage("consent_sign_batch", lambda: [chain.batch_consents(ex, grouped[i : i + batch])
                                         for i in range(0, n, batch)])  # fmt: skip
    calls = stage("encode", lambda: [ex.prepare_settle(t, chain.seller_net(t), c, gas=int(est * 1.2))
                                     for t, c in zip(trades, consents, strict=True)])  # fmt: skip
    stage("encode_mandated", lambda: [ex.prepare("MandateRegistry", "settle", t.as_abi(),
                                                 mandates[(t.asset_id, ex.address)].as_abi(), gas=est)
                                      for t in grouped])  # fmt: skip
    sender._fee_params()  # cached for 10 s: not a per-transaction cost
    sender.resync_nonce()
    account = sender.account
    sample = {"type": 2, "chainId": sender.chain_id, "nonce": 0, "data": calls[0].data, "value": 0, "gas": 1,
              "maxFeePerGas": 2, "maxPriorityFeePerGas": 1, "to": calls[0].to}  # fmt: skip
    from eth_account import Account

    stage("sign_parse_key", lambda: [Account.from_key(account.key) for _ in range(200)], per=200)
    fast = FastSigner(bytes(account.key))
    stage("sign_fast_whatif", lambda: [fast(sample) for _ in range(n)])
    signed = stage("sign", lambda: sender.sign(calls))
    journal = sender.journal
    if journal is not None:
        rows = [(h, sender.address, nonce, raw) for h, nonce, raw, _ in signed]

        def record_all() -> None:
            for i in range(0, n, chunk):
                journal.record(rows[i : i + chunk])

        stage("journal_fsync", record_all)
    hashes = [h for h, _, _, _ in signed]
    raws = [raw for _, _, raw, _ in signed]
    stage("http_send", lambda: [chain.rpc.batch([("eth_sendRawTransaction", [r]) for r in raws[i : i + chunk]])
                                for i in range(0, n, chunk)])  # fmt: skip
    head = int(chain.rpc.call("eth_blockNumber"), 16)
    while True:  # every one mined: the next stages time fetching, not waiting for blocks
        last = chain.rpc.call("eth_getTransactionReceipt", [hashes[-1]])
        if last is not None:
            break
        time.sleep(0.05)
    end = int(last["blockNumber"], 16)
    topic = "0x" + chain.contracts.codecs["TradeSettlement"].events["TradeSettled"].topic0.hex()
    stage("confirm_by_logs_whatif", lambda: chain.rpc.batch(
        [("eth_getBlockByNumber", [hex(b), False]) for b in range(head + 1, end + 1)]
        + [("eth_getLogs", [{"fromBlock": hex(head + 1), "toBlock": hex(end),
                             "address": chain.contracts.address["TradeSettlement"], "topics": [topic]}])]))  # fmt: skip
    receipts = stage("wait_receipts", lambda: sender.wait(hashes, calls))
    stage("decode_logs", lambda: [chain.contracts.decode_logs(r.logs) for r in receipts])
    sizes = [b["transactions"] for b in chain.rpc.batch([("eth_getBlockByNumber", [hex(b), False])
                                                         for b in range(head + 1, end + 1)])]  # fmt: skip
    out["block_sizes"] = [len(x) for x in sizes if x]  # type: ignore[assignment]
    out["transactions"] = n
    out["batch"] = batch
    exchange_path = ("encode", "sign", "journal_fsync", "http_send", "wait_receipts")
    out["exchange_total_client_us"] = round(sum(out.get(f"{k}_client_us", 0.0) for k in exchange_path), 1)
    return out


# ───────────────────────────────────────────────────────────── main


def _set_fast_signing(chain: BenchChain, on: bool) -> None:
    for ex in chain.exchanges:
        s = ex.sender
        s._sign = FastSigner(bytes(s.account.key)) if on else s.account.sign_transaction


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Measurement] = {}
    costs: dict[str, Any] | None = None
    in_clock = args.consents == "in-clock"
    with bench_chain(block_time=args.block_time, block_gas_limit=args.block_gas_limit, exchanges=args.exchanges,
                     sellers=4, assets_per_seller=2, recipients=2, buyers=args.buyers,
                     senders=args.senders) as chain:  # fmt: skip
        mandates = warm_up(chain)
        chain.interval_mining()
        time.sleep(max(args.block_time, 0.5))
        which = args.only or ["raw", "settle", "batch", "mandated", "mandated-batch", "costs"]
        if "costs" in which:
            costs = client_costs(chain, mandates, args.cost_sample, args.settle_chunk, args.batch)
            logger.info("client costs: %s", costs)
        if "raw" in which:
            results["raw"] = raw_transfers(chain, args.seconds, args.raw_inflight, args.raw_chunk, args.raw_probe)
            logger.info("raw transfers: %s", results["raw"].summary())
        if "settle" in which:
            results["settle"], driver = single_settlements(
                chain, args.seconds, args.settle_inflight, args.settle_chunk, args.presign_settle_rate,
                in_clock=in_clock, profile=bool(args.profile),
            )  # fmt: skip
            logger.info("settle: %s", results["settle"].summary())
            if args.profile and driver.profiles:
                stats = pstats.Stats(driver.profiles[0])
                for p in driver.profiles[1:]:
                    stats.add(p)
                stats.dump_stats(args.profile)
                logger.info("client profile of (b) written to %s", args.profile)
        if "batch" in which:
            results["batch"] = batch_settlements(chain, args.seconds, args.batch_inflight, args.batch,
                                                 args.batch_per_send, args.presign_batch_rate,
                                                 in_clock=in_clock)  # fmt: skip
            logger.info("settle batch: %s", results["batch"].summary())
        if "mandated" in which:
            results["mandated"] = mandated_settlements(chain, mandates, args.seconds, args.settle_inflight,
                                                       args.settle_chunk)  # fmt: skip
            logger.info("settle within mandates: %s", results["mandated"].summary())
        if "mandated-batch" in which:
            results["mandated-batch"] = mandated_batch_settlements(chain, mandates, args.seconds, args.batch_inflight,
                                                                   args.batch, args.batch_per_send)  # fmt: skip
            logger.info("settle batch within mandates: %s", results["mandated-batch"].summary())
        what_ifs = args.what_if or []
        if what_ifs:
            _set_fast_signing(chain, "fast-sign" in what_ifs)
            label = "settle+" + "+".join(sorted(what_ifs))
            results[label], _ = single_settlements(chain, args.seconds, args.settle_inflight, args.settle_chunk,
                                                   args.presign_settle_rate, in_clock=in_clock,
                                                   log_wait="log-wait" in what_ifs)  # fmt: skip
            _set_fast_signing(chain, False)
            logger.info("%s: %s", label, results[label].summary())
    out: dict[str, Any] = {}
    for key, name in (("raw", "raw_transfer_tps"), ("settle", "settle_tps"), ("batch", "settle_batch_trades_per_s"),
                      ("mandated", "settle_mandated_tps"),
                      ("mandated-batch", "settle_batch_mandated_trades_per_s")):  # fmt: skip
        if key in results:
            out[name] = round(results[key].rate, 1)
    if "raw" in results and "settle" in results and results["raw"].rate > 0:
        out["settle_to_raw_ratio"] = round(results["settle"].rate / results["raw"].rate, 3)
    for k, m in results.items():
        if k.startswith("settle+"):
            out[f"what_if_{k.removeprefix('settle+').replace('+', '_').replace('-', '_')}_settle_tps"] = round(
                m.rate, 1
            )
    if costs is not None:
        out["client_costs_per_tx"] = costs
    out["consents"] = args.consents
    out["block_time"] = args.block_time
    out["block_gas_limit"] = args.block_gas_limit
    out["details"] = {k: m.summary() for k, m in results.items()}
    return out


LABELS = {
    "raw": "(a) raw ERC-20 transfers, tx/s",
    "settle": "(b) settle via client, trades/s",
    "batch": "(c) settleBatch, trades/s",
    "mandated": "(b') settle within mandate, trades/s",
    "mandated-batch": "(c') settleBatch within mandates, trades/s",
}


def print_table(out: dict[str, Any]) -> None:
    w = sys.stdout.write
    w(f"block time {out['block_time']}s, block gas limit {out['block_gas_limit']:,}\n")
    w(f"{'measurement':<40} {'rate':>8} {'count':>7} {'secs':>6} {'blocks':>6} {'gas/block':>13} {'gas/s':>13}"
      f" {'cpu client':>10} {'cpu node':>8} {'ms/tx client':>12} {'ms/tx node':>10}\n")  # fmt: skip
    for k, d in out["details"].items():
        label = LABELS.get(k, "what-if " + k)
        w(f"{label:<40} {d['rate']:>8,.1f} {d['count']:>7} {d['seconds']:>6.2f} {d['blocks']:>6} "
          f"{d['gas_per_block_mean']:>13,} {d['gas_per_second']:>13,} {d['client_cpu_cores']:>10.2f} "
          f"{d['node_cpu_cores']:>8.2f} {d['client_cpu_ms_per_tx']:>12.3f} "
          f"{d['node_cpu_ms_per_tx']:>10.3f}\n")  # fmt: skip
    if "settle_to_raw_ratio" in out:
        w(f"settle / raw = {out['settle_to_raw_ratio']:.2f} (goal >= 0.80)\n")
    if "settle_batch_trades_per_s" in out:
        w(f"settleBatch: {out['settle_batch_trades_per_s']:,.0f} trades/s (goal >= 1,500)\n")
    for k, d in out["details"].items():
        if "consents" in d:
            presign = d["consent_presign_cpu_ms_per_trade"]
            w(f"{k}: sellers' consents {d['consents']}: {d['consent_presigned_trades']} trades pre-signed"
              + (f" ({presign:.3f} ms CPU a trade, off the clock)" if presign is not None else "")
              + f", {d['consent_signed_in_clock_trades']} signed inside the clock\n")  # fmt: skip
    loads = {d["loadavg_1m_before"] for d in out["details"].values()}
    w(f"1-minute load average before each measurement: {sorted(loads)} (other work on the machine skews rates)\n")
    costs = out.get("client_costs_per_tx")
    if costs:
        w(
            f"client costs, microseconds a settlement ({costs['transactions']} sent at once, one thread; "
            f"blocks of {costs['block_sizes']} txs; consent_sign_batch: one consent a seller a batch of "
            f"{costs['batch']}):\n"
        )
        for key, value in costs.items():
            if key.endswith("_us"):
                w(f"  {key:<36} {value:>10,.1f}\n")
    for k, d in out["details"].items():
        if "client_thread_seconds" in d:
            w(f"{k}: summed client thread time {d['client_thread_seconds']}\n")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.add_argument("--seconds", type=float, default=10.0, help="sending time of each measurement (10)")
    p.add_argument("--block-time", type=float, default=1.0, help="interval mining, seconds (1)")
    p.add_argument("--block-gas-limit", type=int, default=1_000_000_000)
    p.add_argument("--exchanges", type=int, default=2, help="exchange accounts sending settlements (2)")
    p.add_argument("--buyers", type=int, default=400)
    p.add_argument("--senders", type=int, default=64, help="accounts sending raw transfers (64)")
    p.add_argument("--raw-chunk", type=int, default=500, help="raw transfers per JSON-RPC batch (500)")
    p.add_argument("--raw-inflight", type=int, default=20_000)
    p.add_argument("--raw-probe", type=int, default=3_000, help="transfers in the probe that sizes the pool (3000)")
    p.add_argument("--settle-chunk", type=int, default=100, help="settlements per TxSender.send (100)")
    p.add_argument("--settle-inflight", type=int, default=4_000)
    p.add_argument("--batch", type=int, default=100, help="trades per settleBatch transaction (100)")
    p.add_argument("--batch-per-send", type=int, default=2, help="settleBatch transactions per send (2)")
    p.add_argument("--batch-inflight", type=int, default=8_000, help="trades in flight (8000)")
    p.add_argument(
        "--only",
        action="append",
        choices=["raw", "settle", "batch", "mandated", "mandated-batch", "costs"],
        help="run only these (repeatable); costs = the client cost breakdown",
    )
    p.add_argument(
        "--consents",
        choices=["presigned", "in-clock"],
        default="presigned",
        help="sellers' consents for (b) and (c): signed before the clock (sellers sign when they list; default) or"
        " inside it on the exchange's sending threads",
    )
    p.add_argument(
        "--presign-settle-rate",
        type=float,
        default=800,
        help="(b) consents pre-signed: this many trades a second of --seconds, plus those in flight (800)",
    )
    p.add_argument(
        "--presign-batch-rate",
        type=float,
        default=3000,
        help="(c) consents pre-signed: this many trades a second of --seconds, plus those in flight (3000)",
    )
    p.add_argument("--cost-sample", type=int, default=1000, help="settlements in the client cost breakdown (1000)")
    p.add_argument(
        "--what-if",
        action="append",
        choices=["fast-sign", "log-wait"],
        help="also run (b) with a proposed client change (repeatable: combined in one run)",
    )
    p.add_argument("--profile", help="cProfile the client threads during (b); pstats file written here")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress on stderr")
    args = p.parse_args(argv)
    if args.seconds <= 0:
        p.error("--seconds must be positive")
    setup_logging(args.verbose)
    out = run(args)
    if args.json:
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
    else:
        print_table(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
