"""Fast ABI paths of the view checks (pure, no I/O): call data of static arguments, and view outputs
decoded straight into the shapes the checks compare (structs as dicts keyed by component name, arrays
and tuples as lists, addresses checksummed, bytes as lowercase ``0x`` hex).

Both give exactly what :class:`~ledger.contracts.codec.ContractCodec` plus the checks' normalisation
give, for the types the contracts' views use; anything else (a type not handled here, data eth_abi's
strict decoder might refuse: bad padding, a bool that is neither 0 nor 1, an offset out of range)
raises :class:`Unsupported`, and the caller takes the codec's path, which decides. Outputs are read by
the indexer's compiled decoders (:mod:`ledger.decode._abi`), which check what eth_abi checks except the
padding of ``bytesN``/``bytes`` and the UTF-8 of strings: outputs holding those are left to the codec.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final

from eth_abi.abi import encode as abi_encode

from ledger.decode._abi import AbiDecodeError, UnsupportedType, compile_tuple

__all__ = ["Unsupported", "output_decoder", "static_encoder"]

_INT: Final = re.compile(r"(u?)int(\d*)$")


class Unsupported(Exception):
    """Not for the fast path: use the codec."""


def _types(params: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    for p in params:
        yield p["type"].split("[")[0]
        yield from _types(p.get("components", ()))


def output_decoder(outputs: Sequence[Mapping[str, Any]]) -> Callable[[bytes], Any]:
    """A decoder of a function's return data: the single output's value, else a list of the outputs."""
    if any(t == "string" or (t.startswith("bytes") and t != "bytes32") for t in _types(outputs)):
        raise Unsupported("string or bytes")  # the compiled decoders do not check their padding or UTF-8
    try:
        read = compile_tuple(outputs, as_dict=False).read
    except UnsupportedType as exc:
        raise Unsupported(str(exc)) from exc
    single = len(outputs) == 1

    def decode(data: bytes) -> Any:
        try:
            values = read(data, 0)
        except AbiDecodeError as exc:
            raise Unsupported(str(exc)) from exc
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
