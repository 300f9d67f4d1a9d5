"""ledger.proofs without a chain: RLP against pyrlp, and trie proofs against py-trie's HexaryTrie."""

from __future__ import annotations

import pytest
import rlp as pyrlp
from eth_utils.crypto import keccak
from hypothesis import given, settings
from hypothesis import strategies as st
from trie import HexaryTrie

from ledger.proofs import EMPTY_TRIE_ROOT, NodeCache, ProofError, RlpError, rlp, verify_proof

items = st.recursive(st.binary(max_size=70), lambda children: st.lists(children, max_size=5), max_leaves=20)


@given(items)
def test_rlp_encodes_like_pyrlp_and_round_trips(item: rlp.RlpItem) -> None:
    encoded = rlp.encode(item)
    assert encoded == pyrlp.encode(item)
    assert rlp.decode(encoded) == item


@given(st.binary(min_size=1, max_size=40))
def test_rlp_rejects_truncation(data: bytes) -> None:
    encoded = rlp.encode([data, data])
    with pytest.raises(RlpError):
        rlp.decode(encoded[:-1])


def _secure_trie(entries: dict[bytes, bytes]) -> HexaryTrie:
    t = HexaryTrie({})
    for k, v in entries.items():
        t[keccak(k)] = v
    return t


def _proof(t: HexaryTrie, key: bytes) -> list[str]:
    return ["0x" + rlp.encode(node).hex() for node in t.get_proof(keccak(key))]


entries = st.dictionaries(st.binary(min_size=1, max_size=32), st.binary(min_size=1, max_size=40), min_size=1,
                          max_size=60)


@settings(max_examples=60, deadline=None)
@given(entries, st.data())
def test_honest_proofs_verify_presence_and_absence(kv: dict[bytes, bytes], data: st.DataObject) -> None:
    t = _secure_trie(kv)
    cache = NodeCache()
    for k, v in kv.items():
        assert verify_proof(t.root_hash, k, _proof(t, k), cache) == v
    absent = data.draw(st.binary(min_size=33, max_size=40))  # longer than any stored key
    assert verify_proof(t.root_hash, absent, _proof(t, absent), cache) is None


@settings(max_examples=60, deadline=None)
@given(entries, st.data())
def test_a_flipped_byte_anywhere_in_a_proof_is_rejected(kv: dict[bytes, bytes], data: st.DataObject) -> None:
    t = _secure_trie(kv)
    key = data.draw(st.sampled_from(sorted(kv)))
    proof = _proof(t, key)
    i = data.draw(st.integers(0, len(proof) - 1))
    raw = bytearray(bytes.fromhex(proof[i][2:]))
    j = data.draw(st.integers(0, len(raw) - 1))
    raw[j] ^= data.draw(st.integers(1, 255))
    tampered = [*proof[:i], "0x" + raw.hex(), *proof[i + 1 :]]
    try:
        got = verify_proof(t.root_hash, key, tampered)
    except ProofError:
        return
    # An inline (< 32 bytes) child embedded in node i is part of node i's bytes, so flipping it
    # changes node i's hash: no tampering can pass unnoticed.
    raise AssertionError(f"tampered proof verified, value {got!r}")


@settings(max_examples=40, deadline=None)
@given(entries, st.data())
def test_a_removed_node_or_a_wrong_root_is_rejected(kv: dict[bytes, bytes], data: st.DataObject) -> None:
    t = _secure_trie(kv)
    key = data.draw(st.sampled_from(sorted(kv)))
    proof = _proof(t, key)
    i = data.draw(st.integers(0, len(proof) - 1))
    with pytest.raises(ProofError):
        verify_proof(t.root_hash, key, proof[:i] + proof[i + 1 :])
    with pytest.raises(ProofError):
        verify_proof(keccak(t.root_hash), key, proof)


def test_empty_trie_proves_absence() -> None:
    assert verify_proof(EMPTY_TRIE_ROOT, b"anything", []) is None


def test_extra_nodes_after_the_value_are_rejected() -> None:
    t = _secure_trie({b"a": b"1", b"b": b"2", b"c": b"3"})
    proof = _proof(t, b"a")
    with pytest.raises(ProofError, match="after"):
        verify_proof(t.root_hash, b"a", [*proof, proof[-1]])
