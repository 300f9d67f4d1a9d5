"""Why an audit could not run (a difference found is a result, not an error)."""

from __future__ import annotations

from ledger.errors import NonRetryableError

__all__ = ["AuditError", "BundleError", "TargetBlockError"]


class AuditError(NonRetryableError):
    """Base of the audit's own failures."""


class TargetBlockError(AuditError):
    """The block or time asked for (``--at``) is not on the chain, before the deployment or beyond the head."""


class BundleError(AuditError):
    """An export bundle cannot be read at all (no manifest, not a directory, unknown format version)."""
