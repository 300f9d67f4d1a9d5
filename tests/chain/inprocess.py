"""An in-process Ethereum chain (py-evm) behind the same interface as :class:`~ledger.chain.rpc.JsonRpcClient`.

:class:`InProcessRpc` answers the JSON-RPC methods the ledger's client, sender and deployer use,
with geth/anvil-shaped results (hex quantities, receipts with logs, revert data in errors), so that
tests can run the whole contract suite without a node process::

    with InProcessRpc() as rpc:
        sender = make_sender(settings, rpc, dev_account(0))

It behaves like ``anvil`` in automine mode: every accepted transaction is mined at once in its own
block, the base fee is zero, and the first :data:`DEV_ACCOUNTS` accounts of the dev mnemonic are
funded at genesis. ``evm_snapshot``/``evm_revert`` and the time controls (``evm_increaseTime``,
``evm_setNextBlockTimestamp``, ``evm_mine``) work as on anvil.

py-evm is driven directly rather than through eth-tester: eth-tester estimates gas by binary search
(about twenty EVM runs per estimate), cannot estimate against the pending block, finds receipts by
walking the chain, and re-imports a block on every snapshot revert. Here an estimate is one EVM run,
receipts are kept in a dict as they are mined, and a revert only moves the head pointer (py-evm
keeps every state trie, so an older state root stays readable).

Needs ``py-evm`` (the ``test`` extra installs it).
"""

from __future__ import annotations

import copy
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Final, cast

import rlp
from eth.abc import BlockHeaderAPI, ComputationAPI, SignedTransactionAPI
from eth.chains.base import MiningChain
from eth.constants import POST_MERGE_MIX_HASH, POST_MERGE_NONCE, ZERO_ADDRESS
from eth.db.atomic import AtomicDB
from eth.exceptions import Revert
from eth.vm.forks.prague import PragueVM
from eth.vm.spoof import SpoofTransaction
from eth_abi.abi import decode as abi_decode
from eth_abi.exceptions import DecodingError
from eth_typing import Address, BlockNumber
from eth_utils.crypto import keccak
from eth_utils.exceptions import ValidationError

from ledger.chain.node import DEV_ACCOUNTS
from ledger.chain.rpc import Params
from ledger.errors import RpcRemoteError

__all__ = ["DEFAULT_BALANCE", "DEFAULT_GAS_LIMIT", "InProcessRpc"]

logger = logging.getLogger(__name__)

#: Block gas limit, as the embedded anvil node's default (``LedgerSettings.block_gas_limit``).
DEFAULT_GAS_LIMIT: Final[int] = 1_000_000_000
#: Genesis balance of every dev account: 10,000 ether, as anvil gives.
DEFAULT_BALANCE: Final[int] = 10_000 * 10**18

# JSON-RPC error codes as geth and anvil use them.
_EXECUTION_REVERTED: Final[int] = 3
_SERVER_ERROR: Final[int] = -32000
_METHOD_NOT_FOUND: Final[int] = -32601
_INVALID_PARAMS: Final[int] = -32602

# EIP-7623 (Prague): a transaction's gas limit must cover 10 gas per calldata token.
_FLOOR_GAS_PER_TOKEN: Final[int] = 10
_TX_BASE_GAS: Final[int] = 21_000


def _hex(value: int) -> str:
    return hex(value)


def _data(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def _address(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def _quantity(value: Any, name: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.startswith(("0x", "0X")):
        try:
            return int(value, 16)
        except ValueError:
            pass
    raise RpcRemoteError(f"invalid {name}: expected a hex quantity, got {value!r}", code=_INVALID_PARAMS)


def _bytes(value: Any, name: str, length: int | None = None) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        raw = bytes(value)
    elif isinstance(value, str) and value.startswith(("0x", "0X")):
        try:
            raw = bytes.fromhex(value[2:])
        except ValueError:
            raise RpcRemoteError(f"invalid {name}: not hex data: {value!r:.80}", code=_INVALID_PARAMS) from None
    else:
        raise RpcRemoteError(f"invalid {name}: expected 0x-prefixed hex data, got {value!r:.80}", code=_INVALID_PARAMS)
    if length is not None and len(raw) != length:
        raise RpcRemoteError(f"invalid {name}: expected {length} bytes, got {len(raw)}", code=_INVALID_PARAMS)
    return raw


def _call_depth(computation: ComputationAPI) -> int:
    children = computation.children
    return 1 + max(_call_depth(c) for c in children) if children else 0


def _floor_gas(data: bytes) -> int:
    zeros = data.count(0)
    return _TX_BASE_GAS + _FLOOR_GAS_PER_TOKEN * (zeros + 4 * (len(data) - zeros))


def _revert_message(output: bytes) -> str:
    if output[:4] == bytes.fromhex("08c379a0") and len(output) >= 68:
        try:
            (reason,) = abi_decode(["string"], output[4:])
            return f"execution reverted: {reason}"
        except DecodingError:  # a malformed Error(string): report it without the reason
            pass
    return "execution reverted"


class _Chain(MiningChain):
    """A post-merge chain on the Prague rules (the fork the embedded anvil runs)."""

    chain_id = 31337
    vm_configuration = ((BlockNumber(0), PragueVM),)


@dataclass
class _Block:
    header: BlockHeaderAPI
    size: int
    tx_hashes: list[bytes] = field(default_factory=list)
    logs: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Mined:
    block_number: int
    transaction: dict[str, Any]
    receipt: dict[str, Any]


@dataclass(frozen=True)
class _Snapshot:
    block_number: int
    time_offset: int
    next_timestamp: int | None


class InProcessRpc:
    """A py-evm chain answering JSON-RPC calls in process; drop-in for :class:`JsonRpcClient`.

    ``call(method, params)`` returns what a node's JSON-RPC ``result`` would hold; a JSON-RPC error
    raises :class:`~ledger.errors.RpcRemoteError` with ``code`` and, for reverts, ``data`` set to the
    revert data as a ``0x`` hex string (code 3, as geth and anvil). Thread-safe (one lock).
    """

    def __init__(
        self,
        *,
        chain_id: int = 31337,
        gas_limit: int = DEFAULT_GAS_LIMIT,
        accounts: Sequence[str] | None = None,
        balance: int = DEFAULT_BALANCE,
        genesis_timestamp: int | None = None,
    ) -> None:
        """``accounts`` (default: the first :data:`DEV_ACCOUNTS` dev accounts) get ``balance`` wei at genesis."""
        if accounts is None:
            from ledger.client.accounts import dev_accounts

            accounts = [a.address for a in dev_accounts(DEV_ACCOUNTS)]
        self.chain_id = chain_id
        self.gas_limit = gas_limit
        self.url = "inprocess://py-evm"
        chain_class = cast("type[_Chain]", type("LedgerInProcessChain", (_Chain,), {"chain_id": chain_id}))
        genesis_state = {
            _bytes(a, "account", 20): {"balance": balance, "nonce": 0, "code": b"", "storage": {}} for a in accounts
        }
        genesis_params = {
            "coinbase": ZERO_ADDRESS,
            "difficulty": 0,
            "extra_data": b"",
            "gas_limit": gas_limit,
            "mix_hash": POST_MERGE_MIX_HASH,
            "nonce": POST_MERGE_NONCE,
            "timestamp": genesis_timestamp if genesis_timestamp is not None else int(time.time()),
            # Zero base fee, like the embedded anvil (--block-base-fee-per-gas 0) and a gas-free
            # consortium chain: fees cached by a sender stay valid across evm_revert.
            "base_fee_per_gas": 0,
        }
        self._chain = cast(
            MiningChain, chain_class.from_genesis(AtomicDB(), cast(Any, genesis_params), cast(Any, genesis_state))
        )
        genesis = self._chain.get_canonical_block_by_number(BlockNumber(0))
        self._blocks: list[_Block] = [_Block(genesis.header, len(rlp.encode(genesis)))]
        self._txs: dict[bytes, _Mined] = {}
        self._snapshots: dict[int, _Snapshot] = {}
        self._next_snapshot = 1
        self._time_offset = 0
        self._next_timestamp: int | None = None
        self._lock = threading.RLock()
        self._closed = False
        self._methods: dict[str, Callable[[list[Any]], Any]] = {
            "eth_chainId": lambda p: _hex(self.chain_id),
            "net_version": lambda p: str(self.chain_id),
            "web3_clientVersion": lambda p: "ledger-inprocess/py-evm",
            "eth_accounts": lambda p: [],
            "eth_blockNumber": lambda p: _hex(self._head.block_number),
            "eth_gasPrice": lambda p: _hex(self._pending_header().base_fee_per_gas or 0),
            "eth_maxPriorityFeePerGas": lambda p: "0x0",
            "eth_getBlockByNumber": self._get_block_by_number,
            "eth_getBlockByHash": self._get_block_by_hash,
            "eth_getTransactionCount": self._get_transaction_count,
            "eth_getBalance": self._get_balance,
            "eth_getCode": self._get_code,
            "eth_getStorageAt": self._get_storage_at,
            "eth_call": self._eth_call,
            "eth_estimateGas": self._estimate_gas,
            "eth_sendRawTransaction": self._send_raw_transaction,
            "eth_getTransactionReceipt": self._get_transaction_receipt,
            "eth_getTransactionByHash": self._get_transaction_by_hash,
            "eth_getLogs": self._get_logs,
            "evm_snapshot": self._snapshot,
            "evm_revert": self._revert,
            "evm_mine": self._mine,
            "evm_increaseTime": self._increase_time,
            "evm_setNextBlockTimestamp": self._set_next_block_timestamp,
        }

    # ─────────────────────────────────────────── JsonRpcClient interface

    def __enter__(self) -> InProcessRpc:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Later calls fail with :class:`RpcRemoteError` (as a closed connection would)."""
        with self._lock:
            self._closed = True

    def call(self, method: str, params: Params = None, *, timeout: float | None = None, exact: bool = True) -> Any:
        """Calls one method and returns its ``result``; raises :class:`RpcRemoteError` for a JSON-RPC error.
        (``timeout`` and ``exact`` are :class:`JsonRpcClient`'s; nothing is parsed or waited for here.)"""
        handler = self._methods.get(method)
        if handler is None:
            raise RpcRemoteError(
                f"{method}: method not found (code {_METHOD_NOT_FOUND})", method=method, code=_METHOD_NOT_FOUND
            )
        if params is None:
            args: list[Any] = []
        elif isinstance(params, Mapping):
            raise RpcRemoteError(f"{method}: named params are not supported", method=method, code=_INVALID_PARAMS)
        else:
            args = list(params)
        with self._lock:
            if self._closed:
                raise RpcRemoteError(f"{method}: the in-process chain is closed", method=method)
            try:
                result = handler(args)
            except RpcRemoteError as exc:
                if exc.method is None:
                    exc.method = method
                    exc.args = (f"{method}: {exc.args[0]} (code {exc.code})",)
                raise
            except (IndexError, KeyError, TypeError) as exc:
                raise RpcRemoteError(f"{method}: invalid params: {exc!r}", method=method, code=_INVALID_PARAMS) from exc
        logger.debug("inprocess %s -> %.200r", method, result)
        return result

    def batch(
        self,
        calls: Sequence[tuple[str, Params]],
        *,
        timeout: float | None = None,
        return_exceptions: bool = False,
        exact: bool = True,
    ) -> list[Any]:
        """Runs every call in order (as a node runs a batch); then raises the first error unless
        ``return_exceptions``, in which case the exception takes its entry's place."""
        results: list[Any] = []
        first_error: RpcRemoteError | None = None
        for method, params in calls:
            try:
                results.append(self.call(method, params))
            except RpcRemoteError as exc:
                first_error = first_error or exc
                results.append(exc)
        if first_error is not None and not return_exceptions:
            raise first_error
        return results

    # ─────────────────────────────────────────── blocks and time

    @property
    def _head(self) -> BlockHeaderAPI:
        return self._blocks[-1].header

    def _pending_timestamp(self) -> int:
        if self._next_timestamp is not None:
            return max(self._next_timestamp, self._head.timestamp + 1)
        return max(self._head.timestamp + 1, int(time.time()) + self._time_offset)

    def _pending_header(self) -> BlockHeaderAPI:
        head = self._head
        # Keep the gas limit: py-evm would otherwise walk it towards its own target.
        header: BlockHeaderAPI = self._chain.create_header_from_parent(
            head, timestamp=self._pending_timestamp(), gas_limit=head.gas_limit
        )
        return header

    def _header_at(self, tag: Any) -> BlockHeaderAPI:
        """The header whose state a state query reads; ``pending`` is the head (nothing is ever pending)."""
        if isinstance(tag, Mapping):
            if "blockHash" in tag:
                block = self._block_by_hash(_bytes(tag["blockHash"], "blockHash", 32))
                if block is None:
                    raise RpcRemoteError(f"block {tag['blockHash']} not found", code=_SERVER_ERROR)
                return block.header
            tag = tag.get("blockNumber", "latest")
        if tag is None or tag in ("latest", "pending", "safe", "finalized"):
            return self._head
        if tag == "earliest":
            return self._blocks[0].header
        number = _quantity(tag, "block number")
        if not 0 <= number < len(self._blocks):
            raise RpcRemoteError(
                f"header not found: block {number} (head is {self._head.block_number})", code=_SERVER_ERROR
            )
        return self._blocks[number].header

    def _block_by_hash(self, block_hash: bytes) -> _Block | None:
        for block in reversed(self._blocks):
            if block.header.hash == block_hash:
                return block
        return None

    def _block_json(self, block: _Block, full: bool) -> dict[str, Any]:
        h = block.header
        txs: list[Any] = (
            [copy.deepcopy(self._txs[t].transaction) for t in block.tx_hashes]
            if full
            else [_data(t) for t in block.tx_hashes]
        )
        result: dict[str, Any] = {
            "number": _hex(h.block_number),
            "hash": _data(h.hash),
            "parentHash": _data(h.parent_hash),
            "nonce": _data(h.nonce),
            "sha3Uncles": _data(h.uncles_hash),
            "logsBloom": _data(h.bloom.to_bytes(256, "big")),
            "transactionsRoot": _data(h.transaction_root),
            "stateRoot": _data(h.state_root),
            "receiptsRoot": _data(h.receipt_root),
            "miner": _address(h.coinbase),
            "difficulty": _hex(h.difficulty),
            "totalDifficulty": "0x0",
            "extraData": _data(h.extra_data),
            "size": _hex(block.size),
            "gasLimit": _hex(h.gas_limit),
            "gasUsed": _hex(h.gas_used),
            "timestamp": _hex(h.timestamp),
            "mixHash": _data(h.mix_hash),
            "baseFeePerGas": _hex(h.base_fee_per_gas or 0),
            "transactions": txs,
            "uncles": [],
        }
        for attr, key in (
            ("withdrawals_root", "withdrawalsRoot"),
            ("blob_gas_used", "blobGasUsed"),
            ("excess_blob_gas", "excessBlobGas"),
            ("parent_beacon_block_root", "parentBeaconBlockRoot"),
            ("requests_hash", "requestsHash"),
        ):
            value = getattr(h, attr, None)
            if value is not None:
                result[key] = _hex(value) if isinstance(value, int) else _data(value)
        if "withdrawalsRoot" in result:
            result["withdrawals"] = []
        return result

    def _get_block_by_number(self, p: list[Any]) -> dict[str, Any] | None:
        tag, full = p[0], bool(p[1]) if len(p) > 1 else False
        if tag in ("latest", "pending", "safe", "finalized"):
            return self._block_json(self._blocks[-1], full)
        if tag == "earliest":
            return self._block_json(self._blocks[0], full)
        number = _quantity(tag, "block number")
        return self._block_json(self._blocks[number], full) if 0 <= number < len(self._blocks) else None

    def _get_block_by_hash(self, p: list[Any]) -> dict[str, Any] | None:
        block = self._block_by_hash(_bytes(p[0], "block hash", 32))
        return None if block is None else self._block_json(block, bool(p[1]) if len(p) > 1 else False)

    # ─────────────────────────────────────────── state

    def _state(self, tag: Any) -> Any:
        return self._chain.get_vm(self._header_at(tag)).state

    def _get_transaction_count(self, p: list[Any]) -> str:
        return _hex(self._state(p[1] if len(p) > 1 else "latest").get_nonce(_bytes(p[0], "address", 20)))

    def _get_balance(self, p: list[Any]) -> str:
        return _hex(self._state(p[1] if len(p) > 1 else "latest").get_balance(_bytes(p[0], "address", 20)))

    def _get_code(self, p: list[Any]) -> str:
        return _data(self._state(p[1] if len(p) > 1 else "latest").get_code(_bytes(p[0], "address", 20)))

    def _get_storage_at(self, p: list[Any]) -> str:
        state = self._state(p[2] if len(p) > 2 else "latest")
        value = state.get_storage(_bytes(p[0], "address", 20), _quantity(p[1], "slot"))
        return _data(value.to_bytes(32, "big"))

    # ─────────────────────────────────────────── execution without a transaction

    def _execute(self, tx: Mapping[str, Any], tag: Any) -> tuple[ComputationAPI, int]:
        """Runs ``tx`` on the state at ``tag`` and throws the changes away; returns the computation
        and the gas limit it ran with. ``pending`` runs in a new block on top of the head."""
        if not isinstance(tx, Mapping):
            raise RpcRemoteError(f"invalid transaction object {tx!r:.80}", code=_INVALID_PARAMS)
        header = self._pending_header() if tag == "pending" else self._header_at(tag)
        vm = self._chain.get_vm(header)
        state = vm.state
        sender = _bytes(tx["from"], "from", 20) if tx.get("from") else ZERO_ADDRESS
        to = _bytes(tx["to"], "to", 20) if tx.get("to") else b""
        data = _bytes(tx.get("data") or tx.get("input") or "0x", "data")
        gas = _quantity(tx["gas"], "gas") if tx.get("gas") is not None else header.gas_limit
        value = _quantity(tx["value"], "value") if tx.get("value") is not None else 0
        builder: Any = vm.get_transaction_builder()
        unsigned = builder.new_unsigned_dynamic_fee_transaction(
            chain_id=self.chain_id,
            nonce=state.get_nonce(Address(sender)),
            # Calls and estimates are free, as on geth and anvil when no fee is given.
            max_priority_fee_per_gas=0,
            max_fee_per_gas=header.base_fee_per_gas or 0,
            gas=gas,
            to=to,
            value=value,
            data=data,
            access_list=(),
        )
        snapshot = state.snapshot()
        try:
            spoofed = cast(SignedTransactionAPI, SpoofTransaction(unsigned, from_=sender))
            computation = state.apply_transaction(spoofed)
        except ValidationError as exc:
            raise RpcRemoteError(str(exc), code=_SERVER_ERROR) from None
        finally:
            state.revert(snapshot)
        return computation, gas

    @staticmethod
    def _raise_failure(computation: ComputationAPI) -> None:
        error = computation.error
        if isinstance(error, Revert):
            output = bytes(computation.output)
            raise RpcRemoteError(_revert_message(output), code=_EXECUTION_REVERTED, data=_data(output))
        raise RpcRemoteError(f"execution failed: {type(error).__name__}: {error}", code=_SERVER_ERROR)

    def _eth_call(self, p: list[Any]) -> str:
        computation, _ = self._execute(p[0], p[1] if len(p) > 1 else "latest")
        if computation.is_error:
            self._raise_failure(computation)
        return _data(computation.output)

    def _estimate_gas(self, p: list[Any]) -> str:
        """One run at the cap, then the gas spent before refunds, grown by 64/63 for each level of
        nested calls (each call passes on at most 63/64 of what is left), and at least the
        EIP-7623 calldata floor. An upper bound of the least sufficient limit, from a single run."""
        tx = p[0]
        computation, gas = self._execute(tx, p[1] if len(p) > 1 else "pending")
        if computation.is_error:
            self._raise_failure(computation)
        spent = gas - computation.get_gas_remaining()
        estimate = math.ceil(spent * (64 / 63) ** _call_depth(computation))
        data = _bytes(tx.get("data") or tx.get("input") or "0x", "data")
        return _hex(min(max(estimate, _floor_gas(data)), gas))

    # ─────────────────────────────────────────── transactions

    def _send_raw_transaction(self, p: list[Any]) -> str:
        raw = _bytes(p[0], "raw transaction")
        header = self._pending_header()
        vm = self._chain.get_vm(header)
        try:
            tx: SignedTransactionAPI = vm.get_transaction_builder().decode(raw)
            tx.validate()
        except (ValidationError, ValueError, TypeError) as exc:
            raise RpcRemoteError(f"invalid transaction: {exc}", code=_INVALID_PARAMS) from None
        if tx.hash in self._txs:
            raise RpcRemoteError("already known", code=_SERVER_ERROR)
        tx_chain_id = getattr(tx, "chain_id", None)
        if tx_chain_id is not None and tx_chain_id != self.chain_id:
            raise RpcRemoteError(f"invalid chain id {tx_chain_id}, expected {self.chain_id}", code=_SERVER_ERROR)
        expected = vm.state.get_nonce(tx.sender)
        if tx.nonce < expected:
            raise RpcRemoteError(f"nonce too low: next nonce {expected}, tx nonce {tx.nonce}", code=_SERVER_ERROR)
        if tx.nonce > expected:
            # anvil would hold it in its pool until the gap closes; nothing here ever mines a gap.
            raise RpcRemoteError(f"nonce too high: next nonce {expected}, tx nonce {tx.nonce}", code=_SERVER_ERROR)
        self._mine_block(header, [tx])
        return _data(tx.hash)

    def _mine_block(self, header: BlockHeaderAPI, txs: Sequence[SignedTransactionAPI]) -> _Block:
        self._chain.header = header
        try:
            result, receipts, computations = self._chain.mine_all(
                list(txs), mix_hash=keccak(header.block_number.to_bytes(32, "big"))
            )
        except ValidationError as exc:
            raise RpcRemoteError(str(exc), code=_SERVER_ERROR) from None
        mined = result.imported_block
        block = _Block(mined.header, len(rlp.encode(mined)))
        self._blocks.append(block)
        self._next_timestamp = None
        h = mined.header
        previous_cumulative = 0
        for index, (tx, receipt) in enumerate(zip(mined.transactions, receipts, strict=True)):
            tx_json = self._tx_json(tx, h, index)
            gas_used = receipt.gas_used - previous_cumulative
            previous_cumulative = receipt.gas_used
            logs: list[dict[str, Any]] = []
            for log in receipt.logs:
                logs.append(
                    {
                        "address": _address(log.address),
                        "topics": [_data(t.to_bytes(32, "big")) for t in log.topics],
                        "data": _data(log.data),
                        "blockNumber": _hex(h.block_number),
                        "blockHash": _data(h.hash),
                        "transactionHash": _data(tx.hash),
                        "transactionIndex": _hex(index),
                        "logIndex": _hex(len(block.logs) + len(logs)),
                        "removed": False,
                    }
                )
            block.logs.extend(logs)
            contract_address = None
            if not tx.to:
                from eth._utils.address import generate_contract_address

                contract_address = _address(generate_contract_address(tx.sender, tx.nonce))
            receipt_json = {
                "transactionHash": _data(tx.hash),
                "transactionIndex": _hex(index),
                "blockHash": _data(h.hash),
                "blockNumber": _hex(h.block_number),
                "from": _address(tx.sender),
                "to": _address(tx.to) if tx.to else None,
                "cumulativeGasUsed": _hex(receipt.gas_used),
                "gasUsed": _hex(gas_used),
                "effectiveGasPrice": tx_json["gasPrice"],
                "contractAddress": contract_address,
                "logs": logs,
                "logsBloom": _data(receipt.bloom.to_bytes(256, "big")),
                "status": "0x1" if receipt.state_root == b"\x01" else "0x0",
                "type": tx_json["type"],
            }
            self._txs[tx.hash] = _Mined(h.block_number, tx_json, receipt_json)
            block.tx_hashes.append(tx.hash)
            if computations[index].is_error:
                logger.debug("tx %s reverted: %r", _data(tx.hash), computations[index].error)
        return block

    def _tx_json(self, signed: SignedTransactionAPI, header: BlockHeaderAPI, index: int) -> dict[str, Any]:
        tx: Any = signed  # the fields differ by transaction type
        type_id = tx.type_id if tx.type_id is not None else 0
        base_fee = header.base_fee_per_gas or 0
        result: dict[str, Any] = {
            "hash": _data(tx.hash),
            "type": _hex(type_id),
            "nonce": _hex(tx.nonce),
            "blockHash": _data(header.hash),
            "blockNumber": _hex(header.block_number),
            "transactionIndex": _hex(index),
            "from": _address(tx.sender),
            "to": _address(tx.to) if tx.to else None,
            "value": _hex(tx.value),
            "gas": _hex(tx.gas),
            "input": _data(tx.data),
            "r": _hex(tx.r),
            "s": _hex(tx.s),
        }
        if type_id >= 2:
            tip = min(tx.max_priority_fee_per_gas, tx.max_fee_per_gas - base_fee)
            result.update(
                maxFeePerGas=_hex(tx.max_fee_per_gas),
                maxPriorityFeePerGas=_hex(tx.max_priority_fee_per_gas),
                gasPrice=_hex(base_fee + tip),
            )
        else:
            result["gasPrice"] = _hex(tx.gas_price)
        if type_id >= 1:
            result.update(chainId=_hex(tx.chain_id), accessList=[], v=_hex(tx.y_parity), yParity=_hex(tx.y_parity))
        else:
            result["v"] = _hex(tx.v)
        return result

    def _mined(self, tx_hash: Any) -> _Mined | None:
        return self._txs.get(_bytes(tx_hash, "transaction hash", 32))

    def _get_transaction_receipt(self, p: list[Any]) -> dict[str, Any] | None:
        mined = self._mined(p[0])
        return None if mined is None else copy.deepcopy(mined.receipt)

    def _get_transaction_by_hash(self, p: list[Any]) -> dict[str, Any] | None:
        mined = self._mined(p[0])
        return None if mined is None else copy.deepcopy(mined.transaction)

    def _get_logs(self, p: list[Any]) -> list[dict[str, Any]]:
        f = p[0] if p else {}
        if f.get("blockHash"):
            block = self._block_by_hash(_bytes(f["blockHash"], "blockHash", 32))
            if block is None:
                raise RpcRemoteError(f"block {f['blockHash']} not found", code=_SERVER_ERROR)
            blocks = [block]
        else:
            first = self._header_at(f.get("fromBlock", "latest")).block_number
            last = self._header_at(f.get("toBlock", "latest")).block_number
            blocks = self._blocks[first : last + 1]
        addresses = f.get("address")
        if isinstance(addresses, str):
            addresses = [addresses]
        wanted_addresses = {a.lower() for a in addresses} if addresses else None
        topics: list[set[str] | None] = []
        for t in f.get("topics") or []:
            if t is None:
                topics.append(None)
            else:
                topics.append({x.lower() for x in ([t] if isinstance(t, str) else t)})
        out = []
        for block in blocks:
            for log in block.logs:
                if wanted_addresses is not None and log["address"] not in wanted_addresses:
                    continue
                if len(topics) > len(log["topics"]):
                    continue
                if any(w is not None and log["topics"][i] not in w for i, w in enumerate(topics)):
                    continue
                out.append(copy.deepcopy(log))
        return out

    # ─────────────────────────────────────────── anvil test methods

    def _snapshot(self, p: list[Any]) -> str:
        snapshot_id = self._next_snapshot
        self._next_snapshot += 1
        self._snapshots[snapshot_id] = _Snapshot(self._head.block_number, self._time_offset, self._next_timestamp)
        return _hex(snapshot_id)

    def _revert(self, p: list[Any]) -> bool:
        """Back to the snapshot's head; that snapshot and every later one are used up (as on anvil)."""
        snapshot_id = _quantity(p[0], "snapshot id")
        snapshot = self._snapshots.get(snapshot_id)
        if snapshot is None:
            return False
        for sid in [s for s in self._snapshots if s >= snapshot_id]:
            del self._snapshots[sid]
        for block in self._blocks[snapshot.block_number + 1 :]:
            for tx_hash in block.tx_hashes:
                del self._txs[tx_hash]
        del self._blocks[snapshot.block_number + 1 :]
        self._time_offset = snapshot.time_offset
        self._next_timestamp = snapshot.next_timestamp
        return True

    def _mine(self, p: list[Any]) -> str:
        if p and p[0] is not None and not isinstance(p[0], Mapping):
            self._next_timestamp = _quantity(p[0], "timestamp")
        self._mine_block(self._pending_header(), [])
        return "0x0"

    def _increase_time(self, p: list[Any]) -> str:
        self._time_offset += _quantity(p[0], "seconds")
        return _hex(self._time_offset)

    def _set_next_block_timestamp(self, p: list[Any]) -> None:
        timestamp = _quantity(p[0], "timestamp")
        if timestamp <= self._head.timestamp:
            raise RpcRemoteError(
                f"timestamp {timestamp} is not after the latest block's {self._head.timestamp}", code=_SERVER_ERROR
            )
        self._next_timestamp = timestamp
        return None
