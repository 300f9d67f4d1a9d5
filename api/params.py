"""Validated query and path parameters (bad input is a 422 naming the parameter, never a 500)."""

from __future__ import annotations

import re
from enum import IntEnum, IntFlag
from typing import Annotated, Any, Final

from eth_utils.address import is_checksum_address, to_checksum_address
from fastapi import HTTPException, Path, Query
from pydantic import AfterValidator, WithJsonSchema

from ledger.contracts.types import (
    AccountingCategory,
    AssetStatus,
    Category,
    DisclosureKind,
    Grade,
    Kind,
    OrderStatus,
    ParticipantStatus,
    Right,
    Role,
    ValuationStatus,
)

__all__ = [
    "ADDRESS_SCHEMA",
    "TIME_SCHEMA",
    "AccountingCategoryQ",
    "AddressPath",
    "AddressQ",
    "AssetIdPath",
    "AssetIdQ",
    "AssetStatusQ",
    "CategoryQ",
    "DisclosureKindQ",
    "GradeQ",
    "KindQ",
    "OrderStatusQ",
    "ParticipantStatusQ",
    "RightQ",
    "RoleQ",
    "TimeQ",
    "ValuationStatusQ",
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

#: An address parameter's schema: one case throughout, or mixed case that is its EIP-55 checksum (format
#: ``eip55-address``: a pattern cannot say it; schema-driven clients can be taught it, see the tests).
ADDRESS_SCHEMA: Final[dict[str, Any]] = {
    "anyOf": [
        {"type": "string", "pattern": r"^0x([0-9a-f]{40}|[0-9A-F]{40})$"},
        {
            "type": "string",
            "pattern": _ADDRESS_PATTERN,
            "format": "eip55-address",
            "description": "Mixed case: the address's EIP-55 checksum.",
        },
    ]
}

AddressQ = Annotated[
    str | None,
    Query(pattern=_ADDRESS_PATTERN, description=_ADDRESS_DOC, examples=[ADDRESS_EXAMPLE]),
    AfterValidator(_checksummed),
    WithJsonSchema(ADDRESS_SCHEMA),
]
AddressPath = Annotated[
    str,
    Path(pattern=_ADDRESS_PATTERN, description=_ADDRESS_DOC, examples=[ADDRESS_EXAMPLE]),
    AfterValidator(_checksummed_required),
    WithJsonSchema(ADDRESS_SCHEMA),
]
AssetIdPath = Annotated[int, Path(ge=0, le=BIGINT_MAX, description="Asset id.", examples=[1])]
AssetIdQ = Annotated[int | None, Query(ge=0, le=BIGINT_MAX, description="Asset id.", examples=[1])]

_TIME_DOC = (
    "Unix seconds (e.g. `1795860000`) or an RFC 3339 date-time with its zone (e.g. `2026-11-28T10:00:00Z`,"
    " `2026-11-28T18:00:00+08:00`; fractions of a second are dropped)."
)
TIME_LENGTH: Final = 64

#: A time parameter's schema: what :func:`parse_time` accepts and nothing it refuses.
TIME_SCHEMA: Final[dict[str, Any]] = {
    "anyOf": [
        {"type": "integer", "minimum": 0, "maximum": BIGINT_MAX, "description": "Unix seconds."},
        {"type": "string", "format": "date-time", "maxLength": TIME_LENGTH, "description": "RFC 3339 date-time."},
    ]
}

TimeQ = Annotated[
    str | None,
    Query(min_length=1, max_length=TIME_LENGTH, description=_TIME_DOC, examples=["2026-11-28T00:00:00Z"]),
    WithJsonSchema(TIME_SCHEMA),
]


def parse_time(value: str | None, name: str) -> int | None:
    """Unix seconds from ``value`` (digits, or an RFC 3339 date-time with its zone); 422 naming ``name``
    otherwise."""
    if value is None or value == "":
        return None
    if value.isascii() and value.isdigit():
        seconds = int(value)
        if seconds > BIGINT_MAX:
            raise _bad_value(name, f"time {value} out of range")
        return seconds
    return iso_seconds(value, name, "unix seconds or a date-time with its zone")


def _bad_value(name: str, why: str) -> HTTPException:
    return HTTPException(422, [{"loc": ["query", name], "msg": why, "type": "value_error"}])


# RFC 3339's date-time, the OpenAPI format `date-time`: exactly what the schema of a time parameter promises
# (any year from 0000, below Python's datetime's year 1; a leap second :60; fractions of a second).
_RFC3339: Final = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$"
)
_DAYS: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (any year, H. Hinnant's algorithm)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    return era * 146_097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719_468


def _rfc3339_seconds(value: str) -> int | None:
    """Unix seconds of an RFC 3339 date-time (fraction dropped), None if ``value`` is not one."""
    found = _RFC3339.match(value)
    if found is None:
        return None
    year, month, day, hour, minute = (int(found.group(i)) for i in range(1, 6))
    second = int(found.group(6))
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not (1 <= month <= 12 and 1 <= day <= _DAYS[month - 1] + (1 if leap else 0)):
        return None
    if hour > 23 or minute > 59 or second > 60:
        return None
    offset = 0
    if found.group(7) is None:
        zone_hours, zone_minutes = int(found.group(9)), int(found.group(10))
        if zone_hours > 23 or zone_minutes > 59:
            return None
        offset = (zone_hours * 3600 + zone_minutes * 60) * (1 if found.group(8) == "+" else -1)
    # A leap second (:60) is the first second of the next minute, as the clock shows it a moment later.
    return _days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset


def iso_seconds(value: str, name: str, expected: str) -> int:
    """Unix seconds of the RFC 3339 date-time ``value`` (its zone required, fractions dropped); 422 naming
    ``name`` otherwise (``expected`` says what the parameter takes)."""
    seconds = _rfc3339_seconds(value)
    if seconds is None:
        raise _bad_value(name, f"expected {expected} (RFC 3339, e.g. 2026-11-28T10:00:00Z), got {value[:80]!r}")
    return seconds


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
        min_length=1,
        max_length=32,
        description=f"{what}: a name or code — {names}.",
        examples=[(example or "").lower()],
    )


def _enum_schema(enum: type[IntEnum] | type[IntFlag], *, flags: bool = False) -> WithJsonSchema:
    """What :func:`enum_code` accepts: a member's name (lower case here; any case is read) or its code (with
    ``flags``, any combination of the bits: up to four digits)."""
    names = {"type": "string", "enum": [e.name.lower() for e in enum if e.name is not None]}
    codes: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": 9999}
    if not flags:
        codes = {"type": "integer", "enum": [int(e) for e in enum]}
    return WithJsonSchema({"anyOf": [names, codes]})


CategoryQ = Annotated[str | None, _enum_query(Category, "Category"), _enum_schema(Category)]
GradeQ = Annotated[str | None, _enum_query(Grade, "Grade"), _enum_schema(Grade)]
KindQ = Annotated[str | None, _enum_query(Kind, "Kind"), _enum_schema(Kind)]
AssetStatusQ = Annotated[str | None, _enum_query(AssetStatus, "Asset status"), _enum_schema(AssetStatus)]
ParticipantStatusQ = Annotated[
    str | None, _enum_query(ParticipantStatus, "Participant status"), _enum_schema(ParticipantStatus)
]
RoleQ = Annotated[str | None, _enum_query(Role, "Participants holding this role"), _enum_schema(Role, flags=True)]
OrderStatusQ = Annotated[str | None, _enum_query(OrderStatus, "Order status"), _enum_schema(OrderStatus)]
ValuationStatusQ = Annotated[
    str | None, _enum_query(ValuationStatus, "Valuation report status"), _enum_schema(ValuationStatus)
]
AccountingCategoryQ = Annotated[
    str | None, _enum_query(AccountingCategory, "Balance-sheet category"), _enum_schema(AccountingCategory)
]
RightQ = Annotated[str | None, _enum_query(Right, "Right"), _enum_schema(Right)]
DisclosureKindQ = Annotated[
    str | None, _enum_query(DisclosureKind, "What is disclosed"), _enum_schema(DisclosureKind)
]
