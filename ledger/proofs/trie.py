"""Merkle-Patricia trie proof verification (Ethereum's secure trie: keys are keccak-hashed).

Pure functions; a :class:`NodeCache` shared by the proofs of one block saves decoding the upper
trie nodes again (they are the same for every account and slot of that block).
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.proofs import rlp
from ledger.proofs._keccak import keccak256 as keccak
from ledger.proofs.errors import ProofError, RlpError

__all__ = ["EMPTY_TRIE_ROOT", "NodeCache", "verify_proof"]

EMPTY_TRIE_ROOT = bytes.fromhex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")

_Node = list[rlp.RlpItem]


class NodeCache:
    """Decoded proof nodes by their hex text as the node sent it: (keccak of the node, decoded node)."""

    __slots__ = ("_nodes",)

    def __init__(self) -> None:
        self._nodes: dict[str, tuple[bytes, _Node]] = {}

    def get(self, node_hex: str) -> tuple[bytes, bytes, _Node]:
        """(hash, raw bytes, decoded); raw bytes are empty when served from the cache."""
        hit = self._nodes.get(node_hex)
        if hit is not None:
            return hit[0], b"", hit[1]
        raw = bytes.fromhex(node_hex[2:] if node_hex.startswith("0x") else node_hex)
        node = rlp.decode(raw)
        if not isinstance(node, list):
            raise RlpError("a trie node must be an RLP list")
        h = keccak(raw)
        self._nodes[node_hex] = (h, node)
        return h, raw, node

    def __len__(self) -> int:
        return len(self._nodes)


def _nibbles(key: bytes) -> list[int]:
    out = []
    for b in key:
        out.append(b >> 4)
        out.append(b & 0x0F)
    return out


def _decode_path(encoded: bytes) -> tuple[list[int], bool]:
    """Hex-prefix decoding: (nibbles, is_leaf)."""
    if not encoded:
        raise ProofError("empty hex-prefix path in a short node")
    flag = encoded[0] >> 4
    if flag > 3:
        raise ProofError(f"bad hex-prefix flag {flag}")
    nibbles = _nibbles(encoded[1:])
    if flag & 1:
        nibbles.insert(0, encoded[0] & 0x0F)
    return nibbles, bool(flag & 2)


def verify_proof(
    root: bytes,
    key: bytes,
    proof: Sequence[str],
    cache: NodeCache | None = None,
    *,
    error: type[ProofError] = ProofError,
) -> bytes | None:
    """The value stored under ``keccak(key)`` in the trie with root ``root``, or None when the proof
    shows that no value is stored there. ``proof`` is the node list of ``eth_getProof`` (hex text).

    Raises ``error`` (a :class:`ProofError` subclass) naming the failing node: a node whose hash is
    not the reference its parent holds, a missing node, a path that diverges inconsistently, or
    extra nodes after the value.
    """
    cache = NodeCache() if cache is None else cache
    path = _nibbles(keccak(key))
    expected: bytes | _Node = root
    pos = 0
    i = 0
    n = len(proof)
    while True:
        if isinstance(expected, list):
            node = expected  # inline node (shorter than 32 bytes), embedded in its parent
        else:
            if expected == EMPTY_TRIE_ROOT and i == 0 and n == 0:
                return None
            if i >= n:
                raise error(f"proof ends at node {i}: the node with hash 0x{expected.hex()} is missing")
            try:
                h, _, node = cache.get(proof[i])
            except RlpError as exc:
                raise error(f"node {i} is not a well-formed trie node ({exc})") from exc
            if h != expected:
                raise error(f"node {i} hashes to 0x{h.hex()}, its parent references 0x{expected.hex()}")
            i += 1
        if len(node) == 17:
            if pos == len(path):
                value = node[16]
                return _finish(value, i, n, error)
            child = node[path[pos]]
            pos += 1
            if child == b"":
                return _absent(i, n, error)
            expected = _ref(child, i, error)
        elif len(node) == 2:
            encoded = node[0]
            if not isinstance(encoded, bytes):
                raise error(f"node {i - 1}: short node with a list as its path")
            nibbles, leaf = _decode_path(encoded)
            if path[pos : pos + len(nibbles)] != nibbles:
                return _absent(i, n, error)  # the key diverges from this path: proof of absence
            pos += len(nibbles)
            if leaf:
                if pos != len(path):
                    raise error(f"node {i - 1}: leaf ends the path {len(path) - pos} nibbles early")
                return _finish(node[1], i, n, error)
            expected = _ref(node[1], i, error)
        else:
            raise error(f"node {i - 1} has {len(node)} items; a trie node has 2 or 17")


def _ref(child: rlp.RlpItem, i: int, error: type[ProofError]) -> bytes | _Node:
    if isinstance(child, list):
        return child
    if len(child) != 32:
        raise error(f"node {i - 1}: child reference of {len(child)} bytes (expected a 32-byte hash)")
    return child


def _finish(value: rlp.RlpItem, i: int, n: int, error: type[ProofError]) -> bytes | None:
    if i != n:
        raise error(f"{n - i} proof nodes after the value's node")
    if not isinstance(value, bytes):
        raise error("the value in the trie is a list, expected bytes")
    return value or None


def _absent(i: int, n: int, error: type[ProofError]) -> bytes | None:
    if i != n:
        raise error(f"{n - i} proof nodes after the node that proves absence")
    return None
