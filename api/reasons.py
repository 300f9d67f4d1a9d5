"""Decoding of a refused trade's reason (the ABI-encoded custom error a TradeRefused event carries), without a
build: the selectors come from the generated error classes' signatures (``ledger.contracts.errors``). Pure."""

from __future__ import annotations

from functools import cache
from typing import Any, Final

from eth_abi.abi import decode as abi_decode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.contracts.errors import ERRORS_BY_NAME

__all__ = ["decode_reason"]

_JS_SAFE: Final = 2**53 - 1
_MAX_NESTING: Final = 3


def _split_types(signature: str) -> list[str]:
    """The parameter types of ``Name(t1,t2,(t3,t4)[])``, split at top-level commas."""
    inner = signature[signature.index("(") + 1 : -1]
    types: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(inner):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            types.append(inner[start:i])
            start = i + 1
    if inner:
        types.append(inner[start:])
    return types


@cache
def _table() -> dict[bytes, tuple[str, tuple[str, ...], list[str], str]]:
    table = {}
    for name, cls in ERRORS_BY_NAME.items():
        signature = cls.signature
        table[keccak(text=signature)[:4]] = (name, tuple(cls.fields), _split_types(signature), cls.refusal)
    return table


def _plain(value: Any, abi_type: str, depth: int) -> Any:
    if isinstance(value, bytes):
        if abi_type == "bytes" and depth < _MAX_NESTING and len(value) >= 4:
            nested = decode_reason(value, depth + 1)
            if nested["name"] != "UnknownRevert":
                return nested
        return "0x" + value.hex()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if -_JS_SAFE <= value <= _JS_SAFE else str(value)
    if isinstance(value, str) and abi_type == "address":
        return to_checksum_address(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v, abi_type.removesuffix("[]"), depth) for v in value]
    return value


def decode_reason(reason: bytes | str, depth: int = 0) -> dict[str, Any]:
    """``{"name", "refusal", "values"}`` of an ABI-encoded custom error (hex or bytes); an error nested in a
    ``bytes`` value is decoded too. Unknown data: name ``UnknownRevert``, refusal ``unknown``, the raw data."""
    data = bytes.fromhex(reason.removeprefix("0x")) if isinstance(reason, str) else reason
    known = _table().get(data[:4]) if len(data) >= 4 else None
    if known is not None:
        name, fields, types, refusal = known
        try:
            values = abi_decode(types, data[4:])
        except Exception:  # malformed data under a known selector
            known = None
        else:
            return {
                "name": name,
                "refusal": refusal,
                "values": {f: _plain(v, t, depth) for f, v, t in zip(fields, values, types, strict=True)},
            }
    return {"name": "UnknownRevert", "refusal": "unknown", "values": {"data": "0x" + data.hex()}}
