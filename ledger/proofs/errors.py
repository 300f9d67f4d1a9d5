"""Typed failures of proof verification; each names the step that failed."""

from __future__ import annotations

from ledger.errors import NonRetryableError

__all__ = [
    "AccountProofError",
    "HeaderMismatch",
    "ProofError",
    "RlpError",
    "StorageProofError",
]


class ProofError(NonRetryableError):
    """A Merkle-Patricia proof or a block header does not verify. ``step`` names the failing step."""

    step = "proof"

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(f"{self.step}: {message}")
        self.detail = detail


class RlpError(ProofError):
    """Bytes that should be RLP are not (a truncated or corrupted node or header)."""

    step = "rlp"


class HeaderMismatch(ProofError):
    """The block header's RLP does not hash to the pinned block hash."""

    step = "header"


class AccountProofError(ProofError):
    """The account proof does not lead from the header's state root to the account the node claims."""

    step = "account-proof"


class StorageProofError(ProofError):
    """A storage proof does not lead from the account's storage root to the value the node claims."""

    step = "storage-proof"
