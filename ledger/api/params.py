"""Validated query and path parameters (bad input is a 422 naming the parameter, never a 500)."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum, IntFlag
from typing import Annotated, Any, Final

from eth_utils.address import is_checksum_address, to_checksum_address
from fastapi import HTTPException, Path, Query
from pydantic import AfterValidator

from ledger.contracts.types import (
    AssetStatus,
    Category,
    Grade,
    Kind,
    OrderStatus,
    ParticipantStatus,
    Right,
    Role,
)

__all__ = [
    "AddressPath",
    "AddressQ",
    "AssetIdPath",
    "AssetIdQ",
    "AssetStatusQ",
    "CategoryQ",
    "GradeQ",
    "KindQ",
    "OrderStatusQ",
    "ParticipantStatusQ",
    "RightQ",
    "RoleQ",
    "TimeQ",
    "enum_code",
    "iso_seconds",
    "parse_time",
]

BIGINT_MAX: Final = (1 << 63) - 1
INT32_MAX: Final = (1 << 31) - 1
_ADDRESS_PATTERN: Final = r"^0x[0-9a-fA-F]{40}$"
ADDRESS_EXAMPLE: Final = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


def _checksummed(value: str | None) -> str | None:
    if value is None:
        return None
    body = value[2:]
    if body != body.lower() and body != body.upper() and not is_checksum_address(value):
        raise ValueError("mixed-case address with a wrong checksum (EIP-55)")
    return to_checksum_address(value)


def _checksummed_required(value: str) -> str:
    return to_checksum_address(value) if _checksummed(value) is not None else value


_ADDRESS_DOC = "An account address (0x + 40 hex digits; mixed case must be a valid EIP-55 checksum)."

AddressQ = Annotated[
    str | None,
    Query(pattern=_ADDRESS_PATTERN, description=_ADDRESS_DOC, examples=[ADDRESS_EXAMPLE]),
    AfterValidator(_checksummed),
]
AddressPath = Annotated[
    str,
    Path(pattern=_ADDRESS_PATTERN, description=_ADDRESS_DOC, examples=[ADDRESS_EXAMPLE]),
    AfterValidator(_checksummed_required),
]
AssetIdPath = Annotated[int, Path(ge=0, le=BIGINT_MAX, description="Asset id.", examples=[1])]
AssetIdQ = Annotated[int | None, Query(ge=0, le=BIGINT_MAX, description="Asset id.", examples=[1])]

_TIME_DOC = "Unix seconds (e.g. `1795860000`) or an ISO-8601 time with zone (e.g. `2026-11-28T10:00:00Z`)."
TimeQ = Annotated[str | None, Query(max_length=40, description=_TIME_DOC, examples=["2026-11-28T00:00:00Z"])]


def parse_time(value: str | None, name: str) -> int | None:
    """Unix seconds from ``value`` (digits or ISO-8601 with zone); 422 naming ``name`` otherwise."""
    if value is None or value == "":
        return None
    if value.isascii() and value.isdigit():
        seconds = int(value)
        if seconds > BIGINT_MAX:
            raise _bad_value(name, f"time {value} out of range")
        return seconds
    return iso_seconds(value, name, "unix seconds or an ISO-8601 time")


def _bad_value(name: str, why: str) -> HTTPException:
    return HTTPException(422, [{"loc": ["query", name], "msg": why, "type": "value_error"}])


def iso_seconds(value: str, name: str, expected: str) -> int:
    """Unix seconds of the ISO-8601 time with zone ``value``; 422 naming ``name`` otherwise
    (``expected`` says what the parameter takes)."""
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise _bad_value(name, f"expected {expected}, got {value[:80]!r}") from None
    if when.tzinfo is None:
        raise _bad_value(name, f"time {value[:80]!r} has no zone (add Z or +HH:MM)")
    try:
        return int(when.timestamp())
    except (OverflowError, ValueError, OSError):
        raise _bad_value(name, f"time {value[:80]!r} out of range") from None


def enum_code(value: str | None, enum: type[IntEnum] | type[IntFlag], name: str, *, flags: bool = False) -> int | None:
    """A code from ``value``: its number, or a member name (case-insensitive); 422 otherwise."""
    if value is None or value == "":
        return None
    if value.isascii() and value.isdigit() and len(value) <= 4:
        code = int(value)
        if flags or code in {int(e) for e in enum}:
            return code
    else:
        member = enum.__members__.get(value.upper())
        if member is not None:
            return int(member)
    choices = ", ".join(f"{(e.name or '').lower()} ({int(e)})" for e in enum)
    raise HTTPException(
        422, [{"loc": ["query", name], "msg": f"expected one of {choices}, got {value[:40]!r}", "type": "enum"}]
    )


def _enum_query(enum: type[IntEnum] | type[IntFlag], what: str) -> Any:
    names = ", ".join(f"`{e.name.lower()}` ({int(e)})" for e in enum if e.name is not None)
    example = next(iter(enum)).name
    return Query(
        max_length=32,
        description=f"{what}: a name or code — {names}.",
        examples=[(example or "").lower()],
    )


CategoryQ = Annotated[str | None, _enum_query(Category, "Category")]
GradeQ = Annotated[str | None, _enum_query(Grade, "Grade")]
KindQ = Annotated[str | None, _enum_query(Kind, "Kind")]
AssetStatusQ = Annotated[str | None, _enum_query(AssetStatus, "Asset status")]
ParticipantStatusQ = Annotated[str | None, _enum_query(ParticipantStatus, "Participant status")]
RoleQ = Annotated[str | None, _enum_query(Role, "Participants holding this role")]
OrderStatusQ = Annotated[str | None, _enum_query(OrderStatus, "Order status")]
RightQ = Annotated[str | None, _enum_query(Right, "Right")]
