"""Errors of the write gateway, each with the HTTP status it answers with.

Contract refusals are not here: they stay the contracts' typed errors
(:mod:`ledger.contracts.errors`) and :func:`api.gateway.outcome.refusal_status` maps their
``refusal`` to a status.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ledger.errors import NonRetryableError, RetryableError

__all__ = [
    "ActorMismatch",
    "ApiKeyError",
    "ApiKeyExpired",
    "ApiKeyRevoked",
    "ApiKeyScopeError",
    "GatewayError",
    "GatewayUnavailable",
    "IdempotencyInProgress",
    "IdempotencyKeyReused",
    "InvalidApiKey",
    "MissingApiKey",
    "NonceUsed",
    "RateLimited",
]


class GatewayError(NonRetryableError):
    """A request the gateway answers with ``status`` and an error body naming ``code``."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(self, message: str, *, retry_after: float | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
        self.details = details


class ApiKeyError(GatewayError):
    """The request's API key is missing, unknown or revoked."""

    status = 401
    code = "unauthorized"


class MissingApiKey(ApiKeyError):
    code = "missing_api_key"


class InvalidApiKey(ApiKeyError):
    code = "invalid_api_key"


class ApiKeyRevoked(ApiKeyError):
    status = 403
    code = "api_key_revoked"


class ApiKeyExpired(ApiKeyError):
    """The key's expiry has passed (``ledger apikey update --expires-in`` extends it)."""

    status = 403
    code = "api_key_expired"


class ApiKeyScopeError(GatewayError):
    """The key's scopes do not include the operation called (read-only keys send no transactions)."""

    status = 403
    code = "api_key_scope"


class ActorMismatch(GatewayError):
    """The body names a participant other than the API key's as the one acting."""

    status = 403
    code = "actor_mismatch"


class RateLimited(GatewayError):
    status = 429
    code = "rate_limited"


class IdempotencyKeyReused(GatewayError):
    """An Idempotency-Key already used for a different request (another body or endpoint)."""

    status = 422
    code = "idempotency_key_reused"


class IdempotencyInProgress(GatewayError):
    """A request with the same Idempotency-Key is still being processed."""

    status = 409
    code = "idempotency_in_progress"


class NonceUsed(GatewayError):
    """A signature was asked for with a nonce the signer already used or invalidated."""

    status = 409
    code = "nonce_used"


class GatewayUnavailable(GatewayError, RetryableError):
    """The node cannot be reached, or the gateway is not configured to sign (no deployment, no password)."""

    status = 503
    code = "unavailable"
