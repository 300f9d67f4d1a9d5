"""Fast ABI paths of the view checks (pure, no I/O): call data of static arguments, and view outputs
decoded straight into the shapes the checks compare (structs as dicts keyed by component name, arrays
and tuples as lists, addresses checksummed, bytes as lowercase ``0x`` hex).

Both give exactly what :class:`~ledger.contracts.codec.ContractCodec` plus the checks' normalisation
give, for the types the contracts' views use; anything else (a type not handled here, data eth_abi's
strict decoder might refuse: bad padding, a bool that is neither 0 nor 1, an offset out of range)
raises :class:`Unsupported`, and the caller takes the codec's path, which decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from eth_abi.abi import encode as abi_encode
from eth_utils.address import to_checksum_address

__all__ = ["Unsupported", "output_decoder", "static_encoder"]

_INT: Final = re.compile(r"(u?)int(\d*)$")
_BYTES_N: Final = re.compile(r"bytes(\d+)$")
_ZERO12: Final = bytes(12)


class Unsupported(Exception):
    """Not for the fast path: use the codec."""


Reader = Callable[[bytes, int], Any]  # (data, offset of the value's head) -> value
_checksummed: dict[bytes, str] = {}


def _word(data: bytes, at: int) -> bytes:
    if at < 0 or at + 32 > len(data):
        raise Unsupported("short data")
    return data[at : at + 32]


def _int_reader(signed: bool, bits: int) -> Reader:
    limit = 1 << bits
    half = 1 << (bits - 1)

    def read(data: bytes, at: int) -> int:
        value = int.from_bytes(_word(data, at), "big", signed=signed)
        if signed:
            if not -half <= value < half:
                raise Unsupported("padding")
        elif value >= limit:
            raise Unsupported("padding")
        return value

    return read


def _address(data: bytes, at: int) -> str:
    word = _word(data, at)
    if word[:12] != _ZERO12:
        raise Unsupported("padding")
    raw = word[12:]
    found = _checksummed.get(raw)
    if found is None:
        found = _checksummed[raw] = to_checksum_address(raw)
    return found


def _bool(data: bytes, at: int) -> bool:
    value = int.from_bytes(_word(data, at), "big")
    if value > 1:
        raise Unsupported("bool")
    return value == 1


def _bytes_reader(n: int) -> Reader:
    pad = bytes(32 - n)

    def read(data: bytes, at: int) -> str:
        word = _word(data, at)
        if word[n:] != pad:
            raise Unsupported("padding")
        return "0x" + word[:n].hex()

    return read


def _dynamic(param: Mapping[str, Any]) -> bool:
    t: str = param["type"]
    if t.endswith("[]") or t in ("bytes", "string"):
        return True
    if t == "tuple":
        return any(_dynamic(c) for c in param["components"])
    if t.endswith("]"):
        raise Unsupported(t)  # fixed-size arrays: not used by the views
    return False


def _head_size(param: Mapping[str, Any]) -> int:
    if _dynamic(param) or param["type"] != "tuple":
        return 32
    return sum(_head_size(c) for c in param["components"])


def _fields_reader(params: Sequence[Mapping[str, Any]], named: bool) -> Reader:
    """A tuple's fields (a struct, or the outputs): each static field in place, each dynamic one at the
    offset its head holds (from the tuple's start)."""
    parts: list[tuple[int, bool, Reader]] = []
    offset = 0
    for p in params:
        parts.append((offset, _dynamic(p), _reader(p)))
        offset += _head_size(p)
    names = [p["name"] for p in params]

    def read(data: bytes, start: int) -> Any:
        values = []
        for head, dynamic, reader in parts:
            at = start + head
            if dynamic:
                at = start + int.from_bytes(_word(data, at), "big")
            values.append(reader(data, at))
        return dict(zip(names, values, strict=True)) if named else values

    return read


def _reader(param: Mapping[str, Any]) -> Reader:
    t: str = param["type"]
    if t.endswith("[]"):
        inner = dict(param, type=t[:-2])
        item = _reader(inner)
        dynamic = _dynamic(inner)
        size = _head_size(inner)

        def read_array(data: bytes, at: int) -> list[Any]:
            count = int.from_bytes(_word(data, at), "big")
            base = at + 32
            if base + count * size > len(data):
                raise Unsupported("short data")
            if dynamic:
                return [item(data, base + int.from_bytes(_word(data, base + 32 * i), "big")) for i in range(count)]
            return [item(data, base + size * i) for i in range(count)]

        return read_array
    if t == "tuple":
        return _fields_reader(param["components"], named=True)
    if t == "address":
        return _address
    if t == "bool":
        return _bool
    m = _INT.match(t)
    if m:
        return _int_reader(m.group(1) == "", int(m.group(2) or 256))
    m = _BYTES_N.match(t)
    if m and 1 <= int(m.group(1)) <= 32:
        return _bytes_reader(int(m.group(1)))
    raise Unsupported(t)


def output_decoder(outputs: Sequence[Mapping[str, Any]]) -> Callable[[bytes], Any]:
    """A decoder of a function's return data: the single output's value, else a list of the outputs."""
    fields = _fields_reader(outputs, named=False)
    single = len(outputs) == 1

    def decode(data: bytes) -> Any:
        values = fields(data, 0)
        return values[0] if single else values

    return decode


# ─────────────────────────────────────────────────────────── call data

_address_words: dict[str, bytes] = {}


def _encode_address(value: Any) -> bytes:
    if not isinstance(value, str):
        raise Unsupported("address")
    word = _address_words.get(value)
    if word is None:  # eth_abi validates it (checksum of mixed case) once
        word = _address_words[value] = abi_encode(["address"], [value])
    return word


def _int_encoder(signed: bool, bits: int) -> Callable[[Any], bytes]:
    lo, hi = (-(1 << (bits - 1)), 1 << (bits - 1)) if signed else (0, 1 << bits)

    def encode(value: Any) -> bytes:
        if type(value) is not int or not lo <= value < hi:
            raise Unsupported("int")
        return value.to_bytes(32, "big", signed=signed)

    return encode


def _encode_bytes32(value: Any) -> bytes:
    if not isinstance(value, bytes) or len(value) != 32:
        raise Unsupported("bytes32")
    return value


def static_encoder(input_types: Sequence[str]) -> Callable[[Sequence[Any]], bytes]:
    """An encoder of arguments of static elementary types (``uintN``, ``intN``, ``address``, ``bytes32``)."""
    encoders: list[Callable[[Any], bytes]] = []
    for t in input_types:
        m = _INT.match(t)
        if m:
            encoders.append(_int_encoder(m.group(1) == "", int(m.group(2) or 256)))
        elif t == "address":
            encoders.append(_encode_address)
        elif t == "bytes32":
            encoders.append(_encode_bytes32)
        else:
            raise Unsupported(t)

    def encode(args: Sequence[Any]) -> bytes:
        if len(args) != len(encoders):
            raise Unsupported("arity")
        return b"".join(e(a) for e, a in zip(encoders, args, strict=True))

    return encode
