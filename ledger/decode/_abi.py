"""Specialised ABI decoders compiled once per event (pure, no I/O).

``eth_abi`` builds and walks a generic decoder tree for every value; for the indexer's hot path each
event's parameter list is compiled here into a few closures that read 32-byte words straight from the
data, producing JSON-able values directly (see :class:`~ledger.decode.records.LedgerEvent`). Every read
is bounds-checked, so data shorter than its types say raises :class:`AbiDecodeError` instead of being
padded silently. Unsupported types (fixed-point) raise :class:`UnsupportedType` at compile time; the
caller then falls back to ``eth_abi``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ledger.contracts.codec import checksum

__all__ = ["AbiDecodeError", "CompiledType", "UnsupportedType", "compile_tuple", "compile_type"]

Reader = Callable[[bytes, int], Any]  # (data, position of the value's encoding) -> value

_ARRAY = re.compile(r"^(.*)\[(\d*)\]$")
_WORD: Final[int] = 32
_MAX_LENGTH: Final[int] = 1 << 32  # no honest log holds more elements or bytes than this
_ZERO12: Final[bytes] = bytes(12)


class AbiDecodeError(ValueError):
    """The data is shorter than its types say, or holds an impossible offset or length."""


class UnsupportedType(ValueError):
    """A type this module does not compile (the caller decodes with ``eth_abi`` instead)."""


@dataclass(frozen=True, slots=True)
class CompiledType:
    """A decoder for one ABI type: ``read(data, pos)``; static types occupy ``head_size`` bytes inline.

    Readers of static types do not check bounds: the sequence holding them checks its whole head once.
    Readers of dynamic types check their length word and contents.
    """

    dynamic: bool
    head_size: int
    read: Reader


def _need(data: bytes, end: int) -> None:
    if end > len(data):
        raise AbiDecodeError(f"data ends at byte {len(data)}, value needs byte {end}")


def _uint(bits: int) -> Reader:
    limit = 1 << bits

    def read(data: bytes, pos: int) -> int:
        value = int.from_bytes(data[pos : pos + _WORD], "big")
        if value >= limit:
            raise AbiDecodeError(f"uint{bits} out of range: {value:#x}")
        return value

    return read


def _int(bits: int) -> Reader:
    low, high = -(1 << (bits - 1)), 1 << (bits - 1)

    def read(data: bytes, pos: int) -> int:
        value = int.from_bytes(data[pos : pos + _WORD], "big", signed=True)
        if not low <= value < high:
            raise AbiDecodeError(f"int{bits} out of range: {value}")
        return value

    return read


_MAX_WORD_CACHE: Final[int] = 65_536
_address_words: dict[bytes, str] = {}  # an address's 32-byte word -> the address (the same few accounts recur)


def _address(data: bytes, pos: int) -> str:
    word = data[pos : pos + _WORD]
    cached = _address_words.get(word)
    if cached is None:
        if word[:12] != _ZERO12:
            raise AbiDecodeError(f"address with dirty high bytes: 0x{word.hex()}")
        cached = checksum(word[12:])
        if len(_address_words) >= _MAX_WORD_CACHE:
            _address_words.clear()
        _address_words[word] = cached
    return cached


_MAX_TOPIC_CACHE: Final[int] = 65_536
_address_topics: dict[str, str] = {}  # an indexed address's topic as the node sent it -> the address


def _address_topic(topic: str, index: int) -> str:
    """An indexed address argument from its topic (memoised: checked and decoded once per topic text)."""
    cached = _address_topics.get(topic)
    if cached is None:
        raw = bytes.fromhex(topic[2:])
        if len(raw) != _WORD:
            raise AbiDecodeError(f"topic {index} is {len(raw)} bytes, expected 32")
        cached = _address(raw, 0)
        if len(_address_topics) >= _MAX_TOPIC_CACHE:
            _address_topics.clear()
        _address_topics[topic] = cached
    return cached


def _bool(data: bytes, pos: int) -> bool:
    value = int.from_bytes(data[pos : pos + _WORD], "big")
    if value > 1:
        raise AbiDecodeError(f"bool out of range: {value:#x}")
    return value == 1


def _fixed_bytes(size: int) -> Reader:
    def read(data: bytes, pos: int) -> str:
        return "0x" + data[pos : pos + size].hex()

    return read


def _length(data: bytes, pos: int) -> int:
    end = pos + _WORD
    _need(data, end)
    length = int.from_bytes(data[pos:end], "big")
    if length > _MAX_LENGTH:
        raise AbiDecodeError(f"impossible length {length} at byte {pos}")
    return length


def _bytes(data: bytes, pos: int) -> str:
    length = _length(data, pos)
    start = pos + _WORD
    _need(data, start + length)
    return "0x" + data[start : start + length].hex()


def _string(data: bytes, pos: int) -> str:
    length = _length(data, pos)
    start = pos + _WORD
    _need(data, start + length)
    # Invalid UTF-8 becomes U+FFFD rather than stopping the indexer on a participant-chosen string.
    return data[start : start + length].decode("utf-8", errors="replace")


def _sequence(items: Sequence[CompiledType]) -> Reader:
    """Head/tail decoding of a tuple (or fixed-length array) starting at ``pos``."""
    layout: list[tuple[int, bool, Reader]] = []
    offset = 0
    for item in items:
        layout.append((offset, item.dynamic, item.read))
        offset += item.head_size
    head_size = offset
    all_static = not any(item.dynamic for item in items)

    if all_static:

        def read_static(data: bytes, pos: int) -> list[Any]:
            _need(data, pos + head_size)
            return [read(data, pos + off) for off, _, read in layout]

        return read_static

    def read_dynamic(data: bytes, pos: int) -> list[Any]:
        _need(data, pos + head_size)
        out: list[Any] = []
        for off, dynamic, read in layout:
            if dynamic:
                at = pos + off
                target = int.from_bytes(data[at : at + _WORD], "big")
                if target > len(data):
                    raise AbiDecodeError(f"offset {target} beyond the data ({len(data)} bytes)")
                out.append(read(data, pos + target))
            else:
                out.append(read(data, pos + off))
        return out

    return read_dynamic


def _dynamic_array(element: CompiledType) -> Reader:
    def read(data: bytes, pos: int) -> list[Any]:
        length = _length(data, pos)
        start = pos + _WORD
        if not element.dynamic:
            _need(data, start + length * element.head_size)
            step, reader = element.head_size, element.read
            return [reader(data, start + i * step) for i in range(length)]
        _need(data, start + length * _WORD)
        out: list[Any] = []
        for i in range(length):
            at = start + i * _WORD
            target = int.from_bytes(data[at : at + _WORD], "big")
            if target > len(data):
                raise AbiDecodeError(f"offset {target} beyond the data ({len(data)} bytes)")
            out.append(element.read(data, start + target))
        return out

    return read


def _elementary(t: str) -> CompiledType:
    if t == "address":
        return CompiledType(False, _WORD, _address)
    if t == "bool":
        return CompiledType(False, _WORD, _bool)
    if t == "string":
        return CompiledType(True, _WORD, _string)
    if t == "bytes":
        return CompiledType(True, _WORD, _bytes)
    if t.startswith("uint"):
        bits = int(t[4:] or 256)
        return CompiledType(False, _WORD, _uint(bits))
    if t.startswith("int"):
        bits = int(t[3:] or 256)
        return CompiledType(False, _WORD, _int(bits))
    if t.startswith("bytes"):
        size = int(t[5:])
        if not 1 <= size <= 32:
            raise UnsupportedType(t)
        return CompiledType(False, _WORD, _fixed_bytes(size))
    raise UnsupportedType(t)


def compile_type(param: Mapping[str, Any]) -> CompiledType:
    """A decoder for one ABI parameter (``type``, and ``components`` for tuples)."""
    t: str = param["type"]
    array = _ARRAY.match(t)
    if array is not None:
        element = compile_type(dict(param, type=array.group(1)))
        if array.group(2) == "":
            return CompiledType(True, _WORD, _dynamic_array(element))
        count = int(array.group(2))
        reader = _sequence([element] * count)
        if element.dynamic:
            return CompiledType(True, _WORD, reader)
        return CompiledType(False, element.head_size * count, reader)
    if t == "tuple":
        return compile_tuple(param["components"], as_dict=True)
    return _elementary(t)


def compile_tuple(params: Sequence[Mapping[str, Any]], *, as_dict: bool) -> CompiledType:
    """A decoder for a parameter list: a dict by component name (``as_dict``) or a list in order."""
    items = [compile_type(p) for p in params]
    names = [p["name"] for p in params]
    reader = _sequence(items)
    dynamic = any(item.dynamic for item in items)
    head = _WORD if dynamic else sum(item.head_size for item in items)
    if not as_dict:
        return CompiledType(dynamic, head, reader)

    def read(data: bytes, pos: int) -> dict[str, Any]:
        return dict(zip(names, reader(data, pos), strict=True))

    return CompiledType(dynamic, head, read)


def compile_event(
    params: Sequence[Mapping[str, Any]],
) -> Callable[[Sequence[str], bytes], dict[str, Any]]:
    """A decoder of one event's ``(topics as 0x hex, data)`` into its arguments in declared order.

    ``params`` are the event's ABI inputs (with ``indexed`` flags). An indexed string, bytes, struct or
    array argument is only its keccak hash in the topic: it comes out as that hash in hex.
    """
    data_params = [p for p in params if not p.get("indexed")]
    items = [compile_type(p) for p in data_params]
    head_size = sum(item.head_size for item in items)
    # (name, topic index or -1, head offset, dynamic, reader)
    plan: list[tuple[str, int, int, bool, Reader | None]] = []
    topic, offset = 1, 0
    data_index = 0
    for param in params:
        if param.get("indexed"):
            t: str = param["type"]
            hashed = t in ("string", "bytes") or t.startswith("tuple") or t.endswith("]")
            plan.append((param["name"], topic, 0, False, None if hashed else compile_type(param).read))
            topic += 1
        else:
            item = items[data_index]
            data_index += 1
            plan.append((param["name"], -1, offset, item.dynamic, item.read))
            offset += item.head_size

    def decode(topics: Sequence[str], data: bytes) -> dict[str, Any]:
        size = len(data)
        if size < head_size:
            raise AbiDecodeError(f"data ends at byte {size}, the head needs {head_size}")
        args: dict[str, Any] = {}
        for name, index, off, dynamic, read in plan:
            if index > 0:
                if read is _address:  # the same few accounts recur: their topics decoded once
                    args[name] = _address_topic(topics[index], index)
                    continue
                raw = bytes.fromhex(topics[index][2:])
                if len(raw) != _WORD:
                    raise AbiDecodeError(f"topic {index} is {len(raw)} bytes, expected 32")
                args[name] = "0x" + raw.hex() if read is None else read(raw, 0)
            elif dynamic:
                target = int.from_bytes(data[off : off + _WORD], "big")
                if target > size:
                    raise AbiDecodeError(f"offset {target} beyond the data ({size} bytes)")
                args[name] = read(data, target)  # type: ignore[misc]
            else:
                args[name] = read(data, off)  # type: ignore[misc]
        return args

    return decode
