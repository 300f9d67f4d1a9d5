"""The write gateway: participants without a Python client submit operations over HTTP.

Each API key is bound to one participant and the encrypted keystore holding its signing key
(:mod:`api.gateway.keys`; only a hash of the key is stored). :class:`Gateway` signs each
operation as that participant, sends it at most once per ``Idempotency-Key``
(:mod:`api.gateway.idempotency`), and turns the outcome into an HTTP reply: the transaction and
its events, or the contract's custom error as 403/404/409/422 (:mod:`api.gateway.outcome`).
The routes are in :mod:`api.routes.gateway`.
"""

from api.gateway.errors import (
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
from api.gateway.gateway import Gateway, Operation
from api.gateway.idempotency import IdempotencyStore
from api.gateway.keys import ApiKey, ApiKeyStore, NewApiKey
from api.gateway.outcome import Reply
from api.gateway.ratelimit import RateLimiter

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
