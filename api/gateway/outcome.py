"""Responses of the gateway (pure): a confirmed transaction, a contract refusal, a gateway error."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from api.gateway.errors import GatewayError
from ledger.client.sender import decode_revert
from ledger.contracts.codec import DecodedLog, ErrorTable
from ledger.contracts.errors import ERRORS_BY_NAME, MandateBatchItemFailed, SettlementBatchItemFailed
from ledger.contracts.revert import ContractRevert, UnknownRevert

__all__ = [
    "REFUSAL_STATUS",
    "Reply",
    "describe_reason",
    "error_reply",
    "plain",
    "refusal_reply",
    "refusal_status",
    "success_body",
]

#: HTTP status of a contract refusal, by its ``refusal`` class.
REFUSAL_STATUS: Final[Mapping[str, int]] = {"permission": 403, "not_found": 404, "conflict": 409, "invalid": 422}

_JS_SAFE: Final[int] = 2**53 - 1
_MAX_NESTING: Final[int] = 3


@dataclass(frozen=True, slots=True)
class Reply:
    """What the HTTP layer sends: status, JSON body, extra headers."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def plain(value: Any) -> Any:
    """JSON-safe values: bytes as 0x hex, integers beyond 2^53 as decimal strings, tuples as lists."""
    if isinstance(value, bool) or value is None or isinstance(value, str | float):
        return value
    if isinstance(value, int):
        return value if -_JS_SAFE <= value <= _JS_SAFE else str(value)
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return str(value)


def refusal_status(exc: ContractRevert) -> int:
    return REFUSAL_STATUS.get(exc.refusal, 422)


def _decode_nested(errors: ErrorTable, data: bytes) -> ContractRevert | None:
    """The error encoded in a bytes value (a batch item's reason), or None if the bytes are no error."""
    nested = decode_revert(errors, data)
    return None if isinstance(nested, UnknownRevert) and not nested.reason else nested


def _describe(exc: ContractRevert, errors: ErrorTable, depth: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {"name": exc.name, "refusal": exc.refusal}
    if isinstance(exc, UnknownRevert):
        out["name"] = "UnknownRevert"
        out["values"] = {"data": "0x" + exc.data.hex(), "reason": exc.reason}
        return out
    values: dict[str, Any] = {}
    for key, value in exc.values.items():
        nested = (
            _decode_nested(errors, value)
            if isinstance(value, bytes) and len(value) >= 4 and len(value) != 32 and depth < _MAX_NESTING
            else None
        )
        values[key] = _describe(nested, errors, depth + 1) if nested is not None else plain(value)
    out["values"] = values
    return out


def describe_reason(errors: ErrorTable, reason: bytes) -> dict[str, Any]:
    """A refused batch item's error (a TradeRefused event's ``reason``): name, refusal class and values."""
    return _describe(decode_revert(errors, reason), errors)


def refusal_reply(
    exc: ContractRevert, errors: ErrorTable, *, tx_hash: str | None = None, block_number: int | None = None
) -> Reply:
    """A contract's custom error as a 4xx: 403 permission, 404 not found, 409 conflict, 422 invalid terms.

    A failed item of an atomic batch (``SettlementBatchItemFailed``, ``MandateBatchItemFailed``) answers with
    the status of the item's own error and names the item (``item``: index, trade id, error).
    """
    described = _describe(exc, errors)
    status = refusal_status(exc)
    error: dict[str, Any] = {
        "code": "contract_refusal",
        "message": f"{exc.operation or 'the transaction'} refused: {exc.name}",
        **described,
        "operation": exc.operation,
        "tx_hash": tx_hash,
        "block_number": block_number,
    }
    if isinstance(exc, SettlementBatchItemFailed | MandateBatchItemFailed):
        inner = described["values"].get("reason")
        item: dict[str, Any] = {"index": int(exc.index), "trade_id": "0x" + bytes(exc.tradeId).hex()}
        if isinstance(inner, dict):
            item["error"] = inner
            cls = ERRORS_BY_NAME.get(str(inner.get("name")))
            if cls is not None:
                status = REFUSAL_STATUS.get(cls.refusal, status)
            error["message"] += f": item {item['index']} ({inner.get('name')})"
        error["item"] = item
    return Reply(status, {"error": error})


def error_reply(exc: GatewayError) -> Reply:
    headers: dict[str, str] = {}
    if exc.retry_after is not None:
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
    return Reply(exc.status, {"error": {"code": exc.code, "message": exc.message, **plain(exc.details)}}, headers)


def success_body(
    operation: str,
    tx_hash: str,
    block_number: int,
    block_hash: str,
    gas_used: int,
    sender: str,
    events: tuple[DecodedLog, ...],
    contract_of: Mapping[str, str],
    result: Mapping[str, Any],
) -> dict[str, Any]:
    return {
        "outcome": "success",
        "operation": operation,
        "tx_hash": tx_hash,
        "block_number": block_number,
        "block_hash": block_hash,
        "gas_used": gas_used,
        "sender": sender,
        "events": [
            {
                "contract": contract_of.get(e.address.lower(), e.address),
                "event": e.event,
                "log_index": e.log_index,
                "args": plain(e.args),
            }
            for e in events
        ],
        "result": plain(dict(result)),
    }
