"""Signs transactions locally, manages nonces so they can be pipelined, sends them, waits for receipts.

Only standard ``eth_*`` methods are used, so this works against anvil, Besu, geth or a Hardhat node.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address

from ledger.chain.rpc import JsonRpcClient
from ledger.client._signing import FastSigner
from ledger.client.journal import Journal
from ledger.contracts.codec import ErrorTable
from ledger.contracts.errors import ERRORS_BY_NAME
from ledger.contracts.revert import ContractRevert, UnknownRevert
from ledger.errors import NonRetryableError, RetryableError, RpcRemoteError

__all__ = ["Call", "ChainStalledError", "Receipt", "TxSender", "TxTimeout", "decode_revert", "revert_data"]

logger = logging.getLogger(__name__)

GAS_MARGIN = 1.15
GAS_PAD = 5_000
_OUTSTANDING_PRUNE_AT = 20_000
_RECHECK_SECONDS = 3.0


class TxTimeout(RetryableError):
    """No receipt within the timeout; the transaction may still be mined (it is in the journal)."""


class ChainStalledError(TxTimeout):
    """No new block for ``stall_timeout`` seconds while transactions wait: the network makes no blocks (a
    BFT or Clique network that lost its quorum of validators). The transactions stay signed and journalled;
    they are mined once the network resumes. ``head`` is the last block seen."""

    def __init__(self, message: str, head: int) -> None:
        super().__init__(message)
        self.head = head


class _StallWatch:
    """Raises :class:`ChainStalledError` when the head has not moved for ``timeout`` seconds."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.head = -1
        self.since = time.monotonic()

    def observe(self, head: int) -> None:
        now = time.monotonic()
        if head != self.head:
            self.head, self.since = head, now
        elif now - self.since > self.timeout:
            raise ChainStalledError(
                f"no new block for {now - self.since:.0f}s (head {head}): the network makes no blocks"
                " (validators down: no quorum?); the transactions are kept and will be mined when it resumes",
                head,
            )


@dataclass(frozen=True, slots=True)
class Call:
    """One contract call to send: target, calldata, and an optional fixed gas limit."""

    to: str | None
    data: bytes
    gas: int | None = None
    operation: str = ""
    value: int = 0


@dataclass(frozen=True, slots=True)
class Receipt:
    tx_hash: str
    block_number: int
    block_hash: str
    status: int
    gas_used: int
    logs: tuple[dict[str, Any], ...]
    sender: str
    contract_address: str | None


def revert_data(exc: RpcRemoteError) -> bytes | None:
    """The revert data a node sent with a refused call, if any."""
    data = exc.data
    if isinstance(data, dict):
        data = data.get("data") or data.get("result")
    if isinstance(data, str) and data.startswith("0x"):
        try:
            return bytes.fromhex(data[2:])
        except ValueError:
            return None
    return None


def decode_revert(errors: ErrorTable, data: bytes, operation: str = "") -> ContractRevert:
    decoded = errors.decode(data)
    if decoded is None:
        if data[:4] == bytes.fromhex("08c379a0") and len(data) >= 68:  # Error(string), from OpenZeppelin/solc panics
            from eth_abi.abi import decode as abi_decode

            (reason,) = abi_decode(["string"], data[4:])
            return UnknownRevert(data, operation=operation, reason=reason)
        return UnknownRevert(data, operation=operation)
    name, values = decoded
    cls = ERRORS_BY_NAME.get(name)
    if cls is None:
        return UnknownRevert(data, operation=operation, reason=name)
    return cls(values, data=data, operation=operation)


class _Resender:
    """Sends a wait's unmined transactions again, the same signed bytes in nonce order, at most every
    ``interval`` seconds: a node may have dropped them (their block replaced by a fork's whose transactions
    differ, a restart without its pool). Harmless when the node still holds them ("already known")."""

    def __init__(self, sender: TxSender, raws: dict[str, tuple[int, str]], interval: float) -> None:
        self.sender = sender
        self.raws = raws
        self.interval = interval
        self.last = time.monotonic()

    def maybe(self, pending: Sequence[str]) -> None:
        if time.monotonic() - self.last >= self.interval:
            self.now(pending)

    def now(self, pending: Sequence[str]) -> None:
        self.last = time.monotonic()
        raws = sorted(self.raws[h] for h in pending if h in self.raws)
        if not raws:
            return
        logger.info("sending %d unmined transaction(s) of %s again", len(raws), self.sender.address)
        for i in range(0, len(raws), 500):
            self.sender.rpc.batch(
                [("eth_sendRawTransaction", [raw]) for _, raw in raws[i : i + 500]], return_exceptions=True
            )


class TxSender:
    """Nonce-managed sender for one account.

    ``send`` signs, journals and submits; ``wait`` collects receipts and turns a revert into the
    contract's typed error. ``transact`` does both for one call. Thread-safe.
    """

    def __init__(
        self,
        rpc: JsonRpcClient,
        account: LocalAccount,
        chain_id: int,
        errors: ErrorTable,
        *,
        journal: Journal | None = None,
        timeout: float = 60.0,
        confirmations: int = 1,
        poll_interval: float = 0.05,
        stall_timeout: float = 20.0,
        resend_interval: float = 10.0,
    ) -> None:
        self.rpc = rpc
        self.account = account
        self.address = to_checksum_address(account.address)
        self.chain_id = chain_id
        self.errors = errors
        self.journal = journal
        self.timeout = timeout
        self.confirmations = max(1, confirmations)
        self.poll_interval = poll_interval
        self.stall_timeout = stall_timeout
        self.resend_interval = resend_interval
        self._lock = threading.Lock()
        # Signed, sent and not yet seen mined: hash -> (nonce, raw). Re-broadcast after a failover.
        self._outstanding: dict[str, tuple[int, str]] = {}
        self._epoch = getattr(rpc, "epoch", 0)
        self._nonce: int | None = None
        self._fees: tuple[int, int] | None = None
        self._fees_at = 0.0
        # 2 (EIP-1559) when the node's blocks carry a base fee, else 0 (legacy, gasPrice): detected, not assumed.
        self.tx_type: int | None = None
        self._sign: Callable[[dict[str, Any]], Any] = FastSigner(bytes(account.key))
        # Block each sent transaction could first appear in, so that waiting reads whole blocks.
        self._sent_at: dict[str, int] = {}
        self._block_receipts: dict[str, list[dict[str, Any]]] = {}
        self._block_receipts_supported = True

    # ─────────────────────────────────────────── nonces and fees

    def resync_nonce(self) -> int:
        with self._lock:
            self._nonce = int(self.rpc.call("eth_getTransactionCount", [self.address, "pending"]), 16)
            return self._nonce

    def _fee_params(self) -> tuple[int, int]:
        """``(maxFeePerGas, maxPriorityFeePerGas)`` for type 2; ``(gasPrice, 0)`` for a legacy chain."""
        now = time.monotonic()
        if self._fees is None or now - self._fees_at > 10:
            block = self.rpc.call("eth_getBlockByNumber", ["latest", False])
            if block.get("baseFeePerGas") is None:  # no EIP-1559 on this chain (GoQuorum, pre-London rules)
                self.tx_type = 0
                self._fees = (int(self.rpc.call("eth_gasPrice", []), 16), 0)
                self._fees_at = now
                return self._fees
            self.tx_type = 2
            base = int(block["baseFeePerGas"], 16)
            try:
                tip = int(self.rpc.call("eth_maxPriorityFeePerGas", []), 16)
            except RpcRemoteError:
                tip = 0
            # Room for the base fee to double twice before the transaction is priced out, and at least the tip
            # itself above it: a zero base fee rises to a few wei after a block above its gas target and stays
            # there (the decrease of a base fee below 8 wei rounds to 0), while a transaction's effective tip
            # (maxFee - baseFee) must reach the miner's floor. geth takes --miner.gasprice 0 as 1 gwei, which
            # eth_maxPriorityFeePerGas suggests: priced at maxFee = tip, a transaction was never mined again.
            self._fees = (max(4 * base + 2 * tip, 1), tip)
            self._fees_at = now
        return self._fees

    # ─────────────────────────────────────────── estimate

    def estimate(self, call: Call) -> int:
        """Gas for ``call`` with a margin; a revert raises the contract's typed error."""
        tx: dict[str, Any] = {"from": self.address, "data": "0x" + call.data.hex(), "value": hex(call.value)}
        if call.to is not None:
            tx["to"] = call.to
        try:
            gas = int(self.rpc.call("eth_estimateGas", [tx, "pending"]), 16)
        except RpcRemoteError as exc:
            raise self._typed(exc, call) from None
        return int(gas * GAS_MARGIN) + GAS_PAD

    def _typed(self, exc: RpcRemoteError, call: Call) -> Exception:
        """The contract's typed error when ``exc`` is a revert with data, else ``exc`` itself."""
        data = revert_data(exc)
        return exc if data is None else decode_revert(self.errors, data, call.operation)

    def _eth_call(self, call: Call, block: str) -> tuple[str, list[Any]]:
        return "eth_call", [{"from": self.address, "to": call.to, "data": "0x" + call.data.hex()}, block]

    def call(self, call: Call, block: str = "latest") -> bytes:
        """``eth_call`` from this account; a revert raises the contract's typed error."""
        try:
            result = self.rpc.call(*self._eth_call(call, block))
        except RpcRemoteError as exc:
            raise self._typed(exc, call) from None
        return bytes.fromhex(result[2:])

    def call_many(self, calls: Sequence[Call], block: str = "latest") -> list[bytes]:
        """``eth_call`` of each of ``calls`` from this account, in one JSON-RPC batch; the first revert raises its
        typed error."""
        answers = self.rpc.batch([self._eth_call(c, block) for c in calls], return_exceptions=True)
        for call, answer in zip(calls, answers, strict=True):
            if isinstance(answer, RpcRemoteError):
                raise self._typed(answer, call) from None
        return [bytes.fromhex(answer[2:]) for answer in answers]

    # ─────────────────────────────────────────── send

    def sign(self, calls: Sequence[Call]) -> list[tuple[str, int, str, Call]]:
        """Assigns nonces and signs; returns ``(tx_hash, nonce, raw_hex, call)`` per call."""
        max_fee, tip = self._fee_params()
        gases = [c.gas if c.gas is not None else self.estimate(c) for c in calls]
        with self._lock:
            if self._nonce is None:
                self._nonce = int(self.rpc.call("eth_getTransactionCount", [self.address, "pending"]), 16)
            signed = []
            for c, gas in zip(calls, gases, strict=True):
                tx: dict[str, Any] = {
                    "type": self.tx_type,
                    "chainId": self.chain_id,
                    "nonce": self._nonce,
                    "data": c.data,
                    "value": c.value,
                    "gas": gas,
                }
                if self.tx_type == 0:
                    tx["gasPrice"] = max_fee
                else:
                    tx["maxFeePerGas"] = max_fee
                    tx["maxPriorityFeePerGas"] = tip
                if c.to is not None:
                    tx["to"] = c.to
                s = self._sign(tx)
                signed.append(("0x" + bytes(s.hash).hex(), self._nonce, "0x" + bytes(s.raw_transaction).hex(), c))
                self._nonce += 1
        return signed

    def rebroadcast(self, *, force: bool = False) -> int:
        """After the RPC client moved to another node (its ``epoch`` changed), sends every transaction of
        this sender that is not yet seen mined to the new node again, in nonce order: the same signed
        bytes, so nothing can apply twice, and the new node has no nonce gap in front of later ones.
        Returns how many were sent."""
        epoch = getattr(self.rpc, "epoch", 0)
        if epoch == self._epoch and not force:
            return 0
        self._epoch = epoch
        self._prune()
        with self._lock:
            raws = [raw for _, raw in sorted(self._outstanding.values())]
        if raws:
            logger.warning("re-broadcasting %d unmined transaction(s) of %s to %s", len(raws), self.address,
                           getattr(self.rpc, "url", "?"))
            for i in range(0, len(raws), 500):
                self.rpc.batch([("eth_sendRawTransaction", [r]) for r in raws[i : i + 500]], return_exceptions=True)
        return len(raws)

    def _prune(self) -> None:
        """Forgets outstanding transactions whose nonce the chain has passed (mined, even if never waited for)."""
        if not self._outstanding:
            return
        mined = int(self.rpc.call("eth_getTransactionCount", [self.address, "latest"]), 16)
        with self._lock:
            for tx_hash in [h for h, (nonce, _) in self._outstanding.items() if nonce < mined]:
                del self._outstanding[tx_hash]

    def send(self, calls: Sequence[Call]) -> list[str]:
        """Signs, journals (fsync) and submits ``calls`` in one batch; returns their hashes in order."""
        if not calls:
            return []
        self.rebroadcast()
        if len(self._outstanding) > _OUTSTANDING_PRUNE_AT:  # a caller that sends without waiting
            self._prune()
        head = int(self.rpc.call("eth_blockNumber"), 16)
        signed = self.sign(calls)
        if self.journal is not None:
            self.journal.record((h, self.address, n, raw) for h, n, raw, _ in signed)
        with self._lock:
            for h, n, raw, _ in signed:
                self._outstanding[h] = (n, raw)
        results = self.rpc.batch(
            [("eth_sendRawTransaction", [raw]) for _, _, raw, _ in signed], return_exceptions=True
        )
        for (tx_hash, nonce, _, c), result in zip(signed, results, strict=True):
            if isinstance(result, Exception):
                message = str(result)
                if "already known" in message or "already imported" in message:
                    continue
                if self._known(tx_hash):
                    # This very transaction is already pooled or mined: a re-send after a lost answer (the
                    # first node took it; "nonce too low" means its own nonce, not another transaction's).
                    continue
                # The node refused it outright (nonce gap after a resync, underpriced...): resync and report.
                self._nonce = None
                with self._lock:
                    self._outstanding.pop(tx_hash, None)
                what = c.operation or "transaction"
                raise NonRetryableError(f"{what} {tx_hash} (nonce {nonce}) refused by the node: {message}")
        for tx_hash, _, _, _ in signed:
            self._sent_at[tx_hash] = head + 1
        return [h for h, _, _, _ in signed]

    def _known(self, tx_hash: str) -> bool:
        try:
            return self.rpc.call("eth_getTransactionByHash", [tx_hash]) is not None
        except RpcRemoteError:
            return False

    def resend_raw(self, raws: Sequence[str]) -> list[Any]:
        """Sends already signed transactions again (a retried submission); errors come back in place."""
        return self.rpc.batch([("eth_sendRawTransaction", [r]) for r in raws], return_exceptions=True)

    # ─────────────────────────────────────────── receipts

    def wait(
        self, tx_hashes: Sequence[str], calls: Sequence[Call] | None = None, *, check: bool = True
    ) -> list[Receipt]:
        """Waits for every receipt (and ``confirmations``); raises the typed error of the first revert.

        Transactions sent by this sender are found by reading each new block's transaction list and,
        when one of ours is in it, the block's receipts in one ``eth_getBlockReceipts`` call: a
        node builds a receipt in time proportional to its block, so asking for thousands of receipts
        one by one costs it quadratic time. Other hashes are polled with ``eth_getTransactionReceipt``.

        A transaction not yet mined after ``resend_interval`` seconds is sent again (the same signed bytes): a
        node may have lost it (its block replaced by a fork's, a restart). With ``confirmations`` > 1 the
        receipts are read again once that deep: a transaction whose block was replaced meanwhile is waited for
        again, so nothing is returned that the chain no longer holds.
        """
        deadline = time.monotonic() + self.timeout
        found: dict[str, dict[str, Any]] = {}
        stall = _StallWatch(self.stall_timeout)
        with self._lock:
            raws = {h: self._outstanding[h] for h in tx_hashes if h in self._outstanding}
        resend = _Resender(self, raws, self.resend_interval)
        starts = [self._sent_at.get(h) for h in tx_hashes]
        if self._block_receipts_supported and all(b is not None for b in starts):
            self._follow_blocks(tx_hashes, min(b for b in starts if b is not None), found, deadline, stall, resend)
        self._poll(tx_hashes, found, deadline, stall, resend)
        if self.confirmations > 1 and found:
            self._confirm(tx_hashes, found, deadline, stall, resend)
        with self._lock:
            for h in tx_hashes:
                self._sent_at.pop(h, None)
                self._outstanding.pop(h, None)
        receipts = [self.receipt_of(found[h]) for h in tx_hashes]
        if check:
            for i, r in enumerate(receipts):
                if r.status != 1:
                    call = calls[i] if calls is not None else None
                    raise self._revert_reason(r, call)
        return receipts

    def _poll(
        self,
        tx_hashes: Sequence[str],
        found: dict[str, dict[str, Any]],
        deadline: float,
        stall: _StallWatch,
        resend: _Resender,
    ) -> None:
        pending = [h for h in tx_hashes if h not in found]
        head_at = 0.0
        while pending:
            self.rebroadcast()
            if time.monotonic() - head_at > 1.0:
                stall.observe(int(self.rpc.call("eth_blockNumber"), 16))
                head_at = time.monotonic()
            answers = self.rpc.batch([("eth_getTransactionReceipt", [h]) for h in pending])
            still = []
            for h, r in zip(pending, answers, strict=True):
                if r is None:
                    still.append(h)
                else:
                    found[h] = r
            pending = still
            if pending:
                if time.monotonic() > deadline:
                    raise TxTimeout(f"no receipt for {len(pending)} transaction(s) after {self.timeout}s: {pending[0]}")
                resend.maybe(pending)
                time.sleep(self.poll_interval)

    def _confirm(
        self,
        tx_hashes: Sequence[str],
        found: dict[str, dict[str, Any]],
        deadline: float,
        stall: _StallWatch,
        resend: _Resender,
    ) -> None:
        """Waits until every receipt is ``confirmations`` deep and still in the chain (read again by hash)."""
        while True:
            target = max(int(r["blockNumber"], 16) for r in found.values()) + self.confirmations - 1
            while (head := int(self.rpc.call("eth_blockNumber"), 16)) < target:
                stall.observe(head)
                if time.monotonic() > deadline:
                    raise TxTimeout(f"block {target} not reached after {self.timeout}s")
                time.sleep(self.poll_interval)
            answers = self.rpc.batch([("eth_getTransactionReceipt", [h]) for h in tx_hashes])
            left = [h for h, r in zip(tx_hashes, answers, strict=True) if r is None]
            moved = [h for h, r in zip(tx_hashes, answers, strict=True)
                     if r is not None and r["blockHash"] != found[h]["blockHash"]]  # fmt: skip
            if not left and not moved:
                return
            logger.warning(
                "%d transaction(s) of %s left the block they were seen in and %d moved to another (a fork's blocks"
                " replaced it): waiting for them again", len(left), self.address, len(moved),
            )  # fmt: skip
            for h, r in zip(tx_hashes, answers, strict=True):
                if r is None:
                    found.pop(h, None)
                else:
                    found[h] = r
            resend.now(left)
            self._poll(left, found, deadline, stall, resend)

    def _follow_blocks(
        self,
        tx_hashes: Sequence[str],
        start: int,
        found: dict[str, dict[str, Any]],
        deadline: float,
        stall: _StallWatch,
        resend: _Resender,
    ) -> None:
        wanted = set(tx_hashes)
        block = start
        checked = time.monotonic()
        while wanted:
            self.rebroadcast()
            head = int(self.rpc.call("eth_blockNumber"), 16)
            stall.observe(head)
            if time.monotonic() > deadline:
                raise TxTimeout(f"no receipt for {len(wanted)} transaction(s) after {self.timeout}s")
            if time.monotonic() - checked > _RECHECK_SECONDS:
                # A block read here before may since have been replaced (a reorg, or another node after a
                # failover) by one that holds a wanted transaction: ask for those receipts by hash too.
                checked = time.monotonic()
                pending = sorted(wanted)
                for tx_hash, receipt in zip(
                    pending, self.rpc.batch([("eth_getTransactionReceipt", [h]) for h in pending]), strict=True
                ):
                    if receipt is not None:
                        found[tx_hash] = receipt
                        wanted.discard(tx_hash)
                if not wanted:
                    return
                resend.maybe(sorted(wanted))
            if head < block:
                time.sleep(self.poll_interval)
                continue
            numbers = list(range(block, head + 1))
            blocks = self.rpc.batch([("eth_getBlockByNumber", [hex(n), False]) for n in numbers])
            for header in blocks:
                if header is None:
                    continue
                ours = wanted.intersection(header["transactions"])
                if not ours:
                    continue
                try:
                    receipts = self._receipts_of(header["hash"])
                except RpcRemoteError:
                    self._block_receipts_supported = False  # the node lacks eth_getBlockReceipts
                    return
                for r in receipts:
                    if r["transactionHash"] in ours:
                        found[r["transactionHash"]] = r
                wanted -= ours
            block = head + 1

    def _receipts_of(self, block_hash: str) -> list[dict[str, Any]]:
        cached = self._block_receipts.get(block_hash)
        if cached is None:
            cached = self.rpc.call("eth_getBlockReceipts", [block_hash])
            if len(self._block_receipts) > 8:
                self._block_receipts.pop(next(iter(self._block_receipts)))
            self._block_receipts[block_hash] = cached
        return cached

    def transact(self, call: Call) -> Receipt:
        hashes = self.send([call])
        return self.wait(hashes, [call])[0]

    def transact_many(self, calls: Sequence[Call]) -> list[Receipt]:
        hashes = self.send(calls)
        return self.wait(hashes, calls)

    @staticmethod
    def receipt_of(r: dict[str, Any]) -> Receipt:
        """The :class:`Receipt` of a node's receipt object."""
        return Receipt(
            tx_hash=r["transactionHash"],
            block_number=int(r["blockNumber"], 16),
            block_hash=r["blockHash"],
            status=int(r["status"], 16),
            gas_used=int(r["gasUsed"], 16),
            logs=tuple(r["logs"]),
            sender=to_checksum_address(r["from"]),
            contract_address=to_checksum_address(r["contractAddress"]) if r.get("contractAddress") else None,
        )

    def _revert_reason(self, receipt: Receipt, call: Call | None) -> ContractRevert:
        """Replays a reverted transaction with eth_call just before its block to recover the error."""
        tx = self.rpc.call("eth_getTransactionByHash", [receipt.tx_hash])
        replay = {"from": tx["from"], "data": tx["input"], "gas": tx["gas"], "value": tx["value"]}
        if tx.get("to"):
            replay["to"] = tx["to"]
        operation = call.operation if call else ""
        try:
            self.rpc.call("eth_call", [replay, hex(receipt.block_number - 1)])
        except RpcRemoteError as exc:
            data = revert_data(exc)
            if data is not None:
                return decode_revert(self.errors, data, operation)
            return UnknownRevert(b"", operation=operation, reason=str(exc))
        gas_limit = int(tx["gas"], 16)
        if receipt.gas_used >= gas_limit:
            return UnknownRevert(b"", operation=operation, reason=f"out of gas (limit {gas_limit})")
        return UnknownRevert(b"", operation=operation, reason=f"reverted in {receipt.tx_hash}; replay did not revert")
