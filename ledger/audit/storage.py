"""Contract storage as the compiler lays it out (solc's ``storageLayout`` output): the slot of a state
variable, of a mapping's entry, and where a struct member sits in its slot. Pure.

The audit reads storage directly (``eth_getStorageAt``) only for state that no view shows (see
:mod:`ledger.audit.compare_chain`); the storage-coverage test uses the same arithmetic to tamper with a
slot of every state variable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eth_utils.crypto import keccak

__all__ = ["Member", "StorageLayout", "array_data_slot", "key_word", "mapping_slot"]


def key_word(key: int | str | bytes) -> bytes:
    """A mapping key as the 32-byte word solc hashes: integers, enums and addresses (``0x`` + 40 hex digits)
    big-endian, right-aligned; a ``bytes32`` (bytes, or ``0x`` + 64 hex digits) as it is."""
    if isinstance(key, bytes):
        if len(key) != 32:
            raise ValueError(f"a bytes32 key, got {len(key)} bytes")
        return key
    if isinstance(key, str):  # 0x hex: an address (20 bytes) or a bytes32
        raw = bytes.fromhex(key[2:])
        return raw.rjust(32, b"\0") if len(raw) == 20 else key_word(raw)
    return key.to_bytes(32, "big")


def mapping_slot(base: int, *keys: int | str | bytes) -> int:
    """The slot of ``mapping[k1][k2]...`` whose declaration occupies slot ``base``."""
    slot = base
    for k in keys:
        slot = int.from_bytes(keccak(key_word(k) + slot.to_bytes(32, "big")), "big")
    return slot


def array_data_slot(slot: int) -> int:
    """Where the elements of the dynamic array whose length is at ``slot`` start."""
    return int.from_bytes(keccak(slot.to_bytes(32, "big")), "big")


@dataclass(frozen=True, slots=True)
class Member:
    """A struct member: ``slot`` words after the struct's first slot, at ``offset`` bytes from the word's
    low-order end, ``size`` bytes long."""

    slot: int
    offset: int
    size: int

    def read(self, word: int) -> int:
        return (word >> (8 * self.offset)) & ((1 << (8 * self.size)) - 1)

    def write(self, word: int, value: int) -> int:
        mask = ((1 << (8 * self.size)) - 1) << (8 * self.offset)
        return (word & ~mask) | ((value << (8 * self.offset)) & mask)


class StorageLayout:
    """One contract's layout: ``variables`` (label -> (slot, type id)) and struct members by variable."""

    def __init__(self, layout: Mapping[str, Any]) -> None:
        self.types: Mapping[str, Any] = layout.get("types") or {}
        self.variables: dict[str, tuple[int, str]] = {
            v["label"]: (int(v["slot"]), v["type"]) for v in layout.get("storage", ())
        }

    def slot(self, label: str) -> int:
        return self.variables[label][0]

    def _struct_of(self, label: str) -> Mapping[str, Any]:
        t: Mapping[str, Any] = self.types[self.variables[label][1]]
        while t["encoding"] == "mapping":
            t = self.types[t["value"]]
        if "members" not in t:
            raise KeyError(f"{label} holds no struct")
        return t

    def member(self, label: str, name: str) -> Member:
        """Member ``name`` of the struct that variable ``label`` holds (directly or as a mapping's value)."""
        for m in self._struct_of(label)["members"]:
            if m["label"] == name:
                return Member(int(m["slot"]), int(m["offset"]), int(self.types[m["type"]]["numberOfBytes"]))
        raise KeyError(f"{label} has no member {name}")

    def struct_words(self, label: str) -> int:
        return int(self._struct_of(label)["numberOfBytes"]) // 32
