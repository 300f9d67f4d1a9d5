"""Pure verification of Merkle-Patricia proofs and block headers (no I/O).

>>> state_root = verify_header(header, pinned_block_hash)              # doctest: +SKIP
>>> account = verify_account_proof(state_root, eth_get_proof_answer)    # doctest: +SKIP
"""

from __future__ import annotations

from ledger.proofs.errors import AccountProofError, HeaderMismatch, ProofError, RlpError, StorageProofError
from ledger.proofs.state import ProvenAccount, RawProof, header_rlp, verify_account_proof, verify_header
from ledger.proofs.trie import EMPTY_TRIE_ROOT, NodeCache, verify_proof

__all__ = [
    "EMPTY_TRIE_ROOT",
    "AccountProofError",
    "HeaderMismatch",
    "NodeCache",
    "ProofError",
    "ProvenAccount",
    "RawProof",
    "RlpError",
    "StorageProofError",
    "header_rlp",
    "verify_account_proof",
    "verify_header",
    "verify_proof",
]
