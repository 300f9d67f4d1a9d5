"""Exception hierarchy of the ledger package.

Every exception raised on purpose by the package derives from :class:`LedgerError`
and is either :class:`RetryableError` (trying again later may succeed: timeouts,
connection problems, overloaded nodes) or :class:`NonRetryableError` (retrying the
same thing gives the same failure).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ChainIdConflict",
    "CompilationError",
    "LedgerError",
    "MalformedAnswerError",
    "NodeError",
    "NonRetryableError",
    "RetriesExhaustedError",
    "RetryableError",
    "RpcError",
    "RpcRemoteError",
    "RpcTransportError",
]


class LedgerError(Exception):
    """Root of all errors raised by the ledger package."""


class RetryableError(LedgerError):
    """A failure that may go away if the same operation is tried again later."""


class NonRetryableError(LedgerError):
    """A failure that will repeat if the same operation is tried again."""


class CompilationError(NonRetryableError):
    """solc rejected the sources, or the toolchain could not run it.

    ``errors`` holds solc's error objects (standard-json ``errors`` entries of
    severity ``error``), empty if the compiler itself could not be run.
    """

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors: list[dict[str, Any]] = list(errors or [])


class ChainIdConflict(NonRetryableError):
    """This province's ledger would run on the chain id of another province it recognises.

    Provinces must use distinct chain ids: EIP-712 signatures (sales consents, off-exchange trades, registration
    certificates) are bound to a chain id and a contract address, and deployments from the same deployer nonce
    land at the same addresses, so on a shared chain id one province's signatures would count in the other's.
    """


class NodeError(NonRetryableError):
    """The embedded node could not be found, started or stopped (port taken, binary
    missing, already running, exited early...)."""


class RpcError(LedgerError):
    """Base of JSON-RPC failures (use the retryable/non-retryable subclasses)."""

    def __init__(self, message: str, *, method: str | None = None) -> None:
        super().__init__(message)
        self.method = method


class RpcTransportError(RpcError, RetryableError):
    """The node could not be reached or did not answer properly: timeout,
    refused connection, HTTP 429 or 5xx."""

    def __init__(self, message: str, *, method: str | None = None, status: int | None = None) -> None:
        super().__init__(message, method=method)
        self.status = status


class MalformedAnswerError(RpcTransportError):
    """The node answered, but not with what JSON-RPC promises: a body that is not JSON (or was cut
    short), an answer object without ``result``, a batch answer missing an entry, a log or block
    without the fields every node sends. Retryable: asking again may give a well-formed answer."""


class RetriesExhaustedError(NonRetryableError):
    """A retryable failure (timeout, 429, 5xx, dropped connection, malformed answer) kept happening after every
    retry of the policy (see :mod:`ledger.chain.retry`)."""


class RpcRemoteError(RpcError, NonRetryableError):
    """The node answered with a JSON-RPC error object, or an HTTP 4xx other than 429."""

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        code: int | None = None,
        data: Any = None,
    ) -> None:
        super().__init__(message, method=method)
        self.code = code
        self.data = data
