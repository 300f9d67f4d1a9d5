"""The write gateway: participants without a Python client submit operations over HTTP.

Each API key is bound to one participant and the encrypted keystore holding its signing key
(:mod:`ledger.gateway.keys`; only a hash of the key is stored). :class:`Gateway` signs each
operation as that participant, sends it at most once per ``Idempotency-Key``
(:mod:`ledger.gateway.idempotency`), and turns the outcome into an HTTP reply: the transaction and
its events, or the contract's custom error as 403/404/409/422 (:mod:`ledger.gateway.outcome`).
The routes are in :mod:`ledger.api.routes.gateway`.
"""

from ledger.gateway.errors import (
    ActorMismatch,
    ApiKeyError,
    ApiKeyExpired,
    ApiKeyRevoked,
    ApiKeyScopeError,
    GatewayError,
    GatewayUnavailable,
    IdempotencyInProgress,
    IdempotencyKeyReused,
    InvalidApiKey,
    MissingApiKey,
    NonceUsed,
    RateLimited,
)
from ledger.gateway.gateway import Gateway, Operation
from ledger.gateway.idempotency import IdempotencyStore
from ledger.gateway.keys import ApiKey, ApiKeyStore, NewApiKey
from ledger.gateway.outcome import Reply
from ledger.gateway.ratelimit import RateLimiter

__all__ = [
    "ActorMismatch",
    "ApiKey",
    "ApiKeyError",
    "ApiKeyExpired",
    "ApiKeyRevoked",
    "ApiKeyScopeError",
    "ApiKeyStore",
    "Gateway",
    "GatewayError",
    "GatewayUnavailable",
    "IdempotencyInProgress",
    "IdempotencyKeyReused",
    "IdempotencyStore",
    "InvalidApiKey",
    "MissingApiKey",
    "NewApiKey",
    "NonceUsed",
    "Operation",
    "RateLimited",
    "RateLimiter",
    "Reply",
]
