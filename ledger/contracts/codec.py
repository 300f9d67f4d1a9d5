"""ABI encoding and decoding without web3's per-call machinery (pure, no I/O).

A :class:`ContractCodec` is built once from an ABI and then encodes calls,
decodes return data, logs and revert data with :mod:`eth_abi` directly. Structs
go in as tuples (component order) and come out as dicts keyed by component name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

__all__ = [
    "AbiError", "AbiEvent", "AbiFunction", "ContractCodec", "DecodedLog", "ErrorTable", "abi_type", "checksum",
]  # fmt: skip

_MAX_CHECKSUM_CACHE: Final[int] = 65_536
_checksums: dict[bytes, str] = {}


def checksum(raw20: bytes) -> str:
    """EIP-55 checksummed address of 20 raw bytes (memoised: the same few addresses recur, and a checksum costs
    a keccak in pure Python, ~40 µs)."""
    cached = _checksums.get(raw20)
    if cached is None:
        if len(_checksums) >= _MAX_CHECKSUM_CACHE:
            _checksums.clear()
        cached = _checksums[raw20] = to_checksum_address(raw20)
    return cached


def abi_type(param: Mapping[str, Any]) -> str:
    """The canonical type string of an ABI parameter, tuples expanded: ``(uint8,bytes2[])[]``."""
    t: str = param["type"]
    if t.startswith("tuple"):
        inner = ",".join(abi_type(c) for c in param["components"])
        return f"({inner}){t[len('tuple'):]}"
    return t


def _to_python(param: Mapping[str, Any], value: Any) -> Any:
    """Turn eth_abi output into plain Python: structs become dicts, bytes stay bytes."""
    t: str = param["type"]
    if t.startswith("tuple"):
        if t.endswith("]"):
            inner = dict(param, type=t[: t.rindex("[")])
            return [_to_python(inner, v) for v in value]
        return {c["name"]: _to_python(c, v) for c, v in zip(param["components"], value, strict=True)}
    if t.endswith("]"):
        inner = dict(param, type=t[: t.rindex("[")])
        return [_to_python(inner, v) for v in value]
    if t == "address":  # eth_abi's "0x" and 40 lowercase hex digits
        return checksum(bytes.fromhex(value[2:]))
    return value


@dataclass(frozen=True, slots=True)
class AbiFunction:
    name: str
    selector: bytes
    input_types: tuple[str, ...]
    outputs: tuple[Mapping[str, Any], ...]
    output_types: tuple[str, ...]
    mutability: str

    def encode(self, args: Sequence[Any]) -> bytes:
        return self.selector + abi_encode(self.input_types, args)

    def decode_output(self, data: bytes) -> Any:
        values = abi_decode(self.output_types, data)
        out = [_to_python(p, v) for p, v in zip(self.outputs, values, strict=True)]
        return out[0] if len(out) == 1 else tuple(out)


@dataclass(frozen=True, slots=True)
class AbiEvent:
    name: str
    topic0: bytes
    signature: str
    indexed: tuple[Mapping[str, Any], ...]
    data: tuple[Mapping[str, Any], ...]
    data_types: tuple[str, ...]
    order: tuple[str, ...]

    def decode(self, topics: Sequence[bytes], data: bytes) -> dict[str, Any]:
        if len(topics) != 1 + len(self.indexed):
            raise ValueError(f"{self.name}: expected {1 + len(self.indexed)} topics, got {len(topics)}")
        args: dict[str, Any] = {}
        for param, topic in zip(self.indexed, topics[1:], strict=True):
            t = abi_type(param)
            if t in ("string", "bytes") or t.startswith("(") or t.endswith("]"):
                args[param["name"]] = bytes(topic)  # only the hash is in the topic
            else:
                args[param["name"]] = _to_python(param, abi_decode([t], bytes(topic))[0])
        values = abi_decode(self.data_types, data)
        for param, value in zip(self.data, values, strict=True):
            args[param["name"]] = _to_python(param, value)
        return {name: args[name] for name in self.order}


@dataclass(frozen=True, slots=True)
class AbiError:
    name: str
    selector: bytes
    inputs: tuple[Mapping[str, Any], ...]
    input_types: tuple[str, ...]

    def decode(self, data: bytes) -> dict[str, Any]:
        values = abi_decode(self.input_types, data[4:])
        return {p["name"]: _to_python(p, v) for p, v in zip(self.inputs, values, strict=True)}


@dataclass(frozen=True, slots=True)
class DecodedLog:
    address: str
    event: str
    args: dict[str, Any]
    block_number: int
    block_hash: str
    transaction_hash: str
    log_index: int


def _signature(item: Mapping[str, Any]) -> str:
    return f"{item['name']}({','.join(abi_type(p) for p in item['inputs'])})"


class ContractCodec:
    """Encoders and decoders for one contract's ABI."""

    def __init__(self, abi: Iterable[Mapping[str, Any]]) -> None:
        self.abi = list(abi)
        self.functions: dict[str, AbiFunction] = {}
        self.events: dict[str, AbiEvent] = {}
        self.events_by_topic: dict[bytes, AbiEvent] = {}
        self.errors: dict[bytes, AbiError] = {}
        for item in self.abi:
            kind = item.get("type")
            if kind == "function":
                sig = _signature(item)
                fn = AbiFunction(
                    name=item["name"],
                    selector=keccak(text=sig)[:4],
                    input_types=tuple(abi_type(p) for p in item["inputs"]),
                    outputs=tuple(item.get("outputs", [])),
                    output_types=tuple(abi_type(p) for p in item.get("outputs", [])),
                    mutability=item.get("stateMutability", "nonpayable"),
                )
                if fn.name in self.functions:
                    raise ValueError(f"overloaded function {fn.name} is not supported")
                self.functions[fn.name] = fn
            elif kind == "event":
                sig = _signature(item)
                inputs = item["inputs"]
                ev = AbiEvent(
                    name=item["name"],
                    topic0=keccak(text=sig),
                    signature=sig,
                    indexed=tuple(p for p in inputs if p.get("indexed")),
                    data=tuple(p for p in inputs if not p.get("indexed")),
                    data_types=tuple(abi_type(p) for p in inputs if not p.get("indexed")),
                    order=tuple(p["name"] for p in inputs),
                )
                self.events[ev.name] = ev
                self.events_by_topic[ev.topic0] = ev
            elif kind == "error":
                err = AbiError(
                    name=item["name"],
                    selector=keccak(text=_signature(item))[:4],
                    inputs=tuple(item["inputs"]),
                    input_types=tuple(abi_type(p) for p in item["inputs"]),
                )
                self.errors[err.selector] = err

    def encode_call(self, function: str, *args: Any) -> bytes:
        return self.functions[function].encode(args)

    def decode_output(self, function: str, data: bytes) -> Any:
        return self.functions[function].decode_output(data)

    def decode_log(self, topics: Sequence[bytes], data: bytes) -> tuple[str, dict[str, Any]] | None:
        """``(event name, args)``, or None when topic0 is not one of this ABI's events."""
        if not topics:
            return None
        ev = self.events_by_topic.get(bytes(topics[0]))
        if ev is None:
            return None
        return ev.name, ev.decode(topics, data)


class ErrorTable:
    """Custom errors of several contracts, by selector (errors bubble across contracts)."""

    def __init__(self, codecs: Iterable[ContractCodec]) -> None:
        self.by_selector: dict[bytes, AbiError] = {}
        for codec in codecs:
            self.by_selector.update(codec.errors)

    def decode(self, data: bytes) -> tuple[str, dict[str, Any]] | None:
        if len(data) < 4:
            return None
        err = self.by_selector.get(bytes(data[:4]))
        if err is None:
            return None
        try:
            return err.name, err.decode(data)
        except Exception:
            return None
