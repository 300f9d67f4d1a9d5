"""Minimal RLP: decode to nested lists of bytes, encode bytes / ints / lists. Pure, no I/O."""

from __future__ import annotations

from typing import TypeAlias

from ledger.proofs.errors import RlpError

__all__ = ["RlpItem", "decode", "encode", "encode_int"]

RlpItem: TypeAlias = "bytes | list[RlpItem]"


def decode(data: bytes) -> RlpItem:
    """Decodes one RLP item that spans all of ``data``; raises :class:`RlpError` otherwise."""
    item, end = _decode(data, 0)
    if end != len(data):
        raise RlpError(f"{len(data) - end} trailing bytes after the RLP item")
    return item


def _decode(data: bytes, pos: int) -> tuple[RlpItem, int]:
    n = len(data)
    if pos >= n:
        raise RlpError("truncated RLP: no item where one was expected")
    b = data[pos]
    if b < 0x80:
        return data[pos : pos + 1], pos + 1
    if b < 0xB8:
        length = b - 0x80
        start = pos + 1
        end = start + length
        if end > n:
            raise RlpError("truncated RLP string")
        if length == 1 and data[start] < 0x80:
            raise RlpError("non-canonical RLP: single byte below 0x80 encoded as a string")
        return data[start:end], end
    if b < 0xC0:
        ll = b - 0xB7
        length = _length(data, pos + 1, ll)
        start = pos + 1 + ll
        end = start + length
        if end > n:
            raise RlpError("truncated RLP long string")
        return data[start:end], end
    if b < 0xF8:
        start = pos + 1
        end = start + (b - 0xC0)
    else:
        ll = b - 0xF7
        start = pos + 1 + ll
        end = start + _length(data, pos + 1, ll)
    if end > n:
        raise RlpError("truncated RLP list")
    items: list[RlpItem] = []
    p = start
    while p < end:
        item, p = _decode(data, p)
        items.append(item)
    if p != end:
        raise RlpError("RLP list items overrun the list's length")
    return items, end


def _length(data: bytes, pos: int, ll: int) -> int:
    if pos + ll > len(data):
        raise RlpError("truncated RLP length")
    raw = data[pos : pos + ll]
    if raw[0] == 0:
        raise RlpError("non-canonical RLP: length with leading zero")
    value = int.from_bytes(raw, "big")
    if value < 56:
        raise RlpError("non-canonical RLP: long form for a short length")
    return value


def encode_int(value: int) -> bytes:
    """An integer as RLP wants it before encoding: big-endian, no leading zeros (zero is empty)."""
    if value < 0:
        raise ValueError("RLP integers are unsigned")
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def encode(item: RlpItem) -> bytes:
    if isinstance(item, (bytes, bytearray)):
        if len(item) == 1 and item[0] < 0x80:
            return bytes(item)
        return _prefix(len(item), 0x80) + bytes(item)
    payload = b"".join(encode(x) for x in item)
    return _prefix(len(payload), 0xC0) + payload


def _prefix(length: int, offset: int) -> bytes:
    if length < 56:
        return bytes([offset + length])
    raw = encode_int(length)
    return bytes([offset + 55 + len(raw)]) + raw
