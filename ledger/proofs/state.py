"""Block headers and ``eth_getProof`` answers verified against a pinned block hash. Pure, no I/O.

The chain of trust: the block hash (pinned by the user) → the header's RLP hashes to it → the
header's state root → the account proof → the account's storage root → each storage proof.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from eth_utils.crypto import keccak

from ledger.proofs import rlp
from ledger.proofs.errors import AccountProofError, HeaderMismatch, StorageProofError
from ledger.proofs.trie import EMPTY_TRIE_ROOT, NodeCache, verify_proof

__all__ = [
    "EMPTY_CODE_HASH",
    "HEADER_FIELDS",
    "ProvenAccount",
    "RawProof",
    "header_rlp",
    "verify_account_proof",
    "verify_header",
]

EMPTY_CODE_HASH = keccak(b"")

#: Header fields in RLP order: (JSON name, kind). Fields from London on are optional and are
#: included when the node returns them (each fork appends; a later one implies the earlier ones).
HEADER_FIELDS: tuple[tuple[str, str], ...] = (
    ("parentHash", "bytes"), ("sha3Uncles", "bytes"), ("miner", "bytes"), ("stateRoot", "bytes"),
    ("transactionsRoot", "bytes"), ("receiptsRoot", "bytes"), ("logsBloom", "bytes"), ("difficulty", "int"),
    ("number", "int"), ("gasLimit", "int"), ("gasUsed", "int"), ("timestamp", "int"), ("extraData", "bytes"),
    ("mixHash", "bytes"), ("nonce", "bytes"), ("baseFeePerGas", "int"), ("withdrawalsRoot", "bytes"),
    ("blobGasUsed", "int"), ("excessBlobGas", "int"), ("parentBeaconBlockRoot", "bytes"), ("requestsHash", "bytes"),
)  # fmt: skip
_REQUIRED = 15


class StorageProofItem(TypedDict):
    key: str
    value: str
    proof: list[str]


class RawProof(TypedDict):
    """``eth_getProof``'s answer."""

    address: str
    accountProof: list[str]
    balance: str
    codeHash: str
    nonce: str
    storageHash: str
    storageProof: list[StorageProofItem]


def _hex(value: str) -> bytes:
    return bytes.fromhex(value[2:] if value.startswith("0x") else value)


def header_rlp(header: Mapping[str, Any]) -> bytes:
    """The RLP of a header as returned by ``eth_getBlockBy*`` (hash fields and numbers as hex)."""
    items: list[rlp.RlpItem] = []
    for i, (name, kind) in enumerate(HEADER_FIELDS):
        value = header.get(name)
        if value is None:
            if i < _REQUIRED:
                raise HeaderMismatch(f"the header lacks {name}")
            break
        items.append(rlp.encode_int(int(value, 16)) if kind == "int" else _hex(value))
    return rlp.encode(items)


def verify_header(header: Mapping[str, Any], block_hash: str | bytes) -> bytes:
    """Checks that the header's RLP hashes to ``block_hash``; returns its state root."""
    pinned = _hex(block_hash) if isinstance(block_hash, str) else block_hash
    got = keccak(header_rlp(header))
    if got != pinned:
        raise HeaderMismatch(f"header of block {header.get('number')} hashes to 0x{got.hex()}, pinned 0x{pinned.hex()}")
    return _hex(header["stateRoot"])


@dataclass(frozen=True, slots=True)
class ProvenAccount:
    address: str
    nonce: int
    balance: int
    storage_root: bytes
    code_hash: bytes
    storage: dict[int, int]


def verify_account_proof(
    state_root: bytes,
    answer: RawProof,
    cache: NodeCache | None = None,
    *,
    address: str | None = None,
    slots: Sequence[int] | None = None,
) -> ProvenAccount:
    """Verifies an ``eth_getProof`` answer against ``state_root``: the account (of ``address``, which
    must be the one asked for) and every storage slot (``slots`` must be exactly the ones asked
    for). Returns the proven values; storage slots absent from the trie are zero."""
    cache = NodeCache() if cache is None else cache
    claimed = answer["address"]
    if address is not None and claimed.lower() != address.lower():
        raise AccountProofError(f"the node answered for account {claimed}, asked for {address}")
    account_rlp = verify_proof(state_root, _hex(claimed), answer["accountProof"], cache, error=AccountProofError)
    nonce, balance = int(answer["nonce"], 16), int(answer["balance"], 16)
    storage_root, code_hash = _hex(answer["storageHash"]), _hex(answer["codeHash"])
    if account_rlp is None:
        if (nonce, balance, storage_root, code_hash) not in ((0, 0, EMPTY_TRIE_ROOT, EMPTY_CODE_HASH),
                                                            (0, 0, EMPTY_TRIE_ROOT, b"\x00" * 32)):
            raise AccountProofError(f"the proof shows no account {claimed}, the node claims one")
        storage_root = EMPTY_TRIE_ROOT
    else:
        fields = rlp.decode(account_rlp)
        if not isinstance(fields, list) or len(fields) != 4 or not all(isinstance(f, bytes) for f in fields):
            raise AccountProofError(f"account {claimed}: the proven leaf is not [nonce, balance, storage, code]")
        f0, f1, f2, f3 = (f for f in fields if isinstance(f, bytes))
        proven = (int.from_bytes(f0, "big"), int.from_bytes(f1, "big"), f2, f3)
        if proven != (nonce, balance, storage_root, code_hash):
            raise AccountProofError(f"account {claimed}: the node's claimed fields differ from the proven account")
    items = answer["storageProof"]
    if slots is not None:
        asked = [int(s) for s in slots]
        got = [int(item["key"], 16) for item in items]
        if got != asked:
            raise StorageProofError(f"the node answered for slots {[hex(g) for g in got]}, asked for "
                                    f"{[hex(a) for a in asked]}")
    storage: dict[int, int] = {}
    for item in items:
        slot = int(item["key"], 16)
        raw = verify_proof(storage_root, slot.to_bytes(32, "big"), item["proof"], cache, error=StorageProofError)
        value = 0
        if raw is not None:
            decoded = rlp.decode(raw)
            if not isinstance(decoded, bytes):
                raise StorageProofError(f"slot {hex(slot)}: the proven value is not an RLP string")
            value = int.from_bytes(decoded, "big")
        if value != int(item["value"], 16):
            raise StorageProofError(f"slot {hex(slot)}: the node claims {item['value']}, the proof shows {hex(value)}")
        storage[slot] = value
    return ProvenAccount(claimed, nonce, balance, storage_root, code_hash, storage)
