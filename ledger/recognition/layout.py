"""Where AssetRegistry keeps an asset's fields, from the compiler's storage layout. Pure.

Per asset: ``_assets[id]`` (holder, region, category, grade, kind, status, flags, licensed-until day:
one slot), ``_contentHashes[id]`` (the content hash), ``_meta[id]`` (certificate serial, registration
time) and, once the rights are held apart, ``_splitHolders[id][right]``. The layout is
AssetRegistryBase's, shared by AssetRegistry and its module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ledger.proofs._keccak import keccak256 as keccak

__all__ = ["RegistryLayout"]

_SPLIT_FLAG = 1 << 3


def _word(value: int) -> bytes:
    return value.to_bytes(32, "big")


@dataclass(frozen=True, slots=True)
class _Field:
    offset: int  # bytes from the low-order end of the slot
    size: int

    def read(self, word: int) -> int:
        return (word >> (8 * self.offset)) & ((1 << (8 * self.size)) - 1)


@dataclass(frozen=True, slots=True)
class RegistryLayout:
    counters_slot: int
    records_slot: int
    content_hashes_slot: int
    meta_slot: int
    split_holders_slot: int
    assets_count: _Field
    record: dict[str, _Field]
    meta: dict[str, _Field]

    @classmethod
    def from_storage_layout(cls, layout: Mapping[str, Any]) -> RegistryLayout:
        """From solc's ``storageLayout`` output for AssetRegistry."""
        by_label = {v["label"]: v for v in layout["storage"]}
        types = layout["types"]

        def members(label: str) -> dict[str, _Field]:
            t = types[by_label[label]["type"]]
            if t["encoding"] == "mapping":
                t = types[t["value"]]
            return {
                m["label"]: _Field(int(m["offset"]), int(types[m["type"]]["numberOfBytes"]))
                for m in t["members"]
                if int(m["slot"]) == 0
            }

        return cls(
            counters_slot=int(by_label["_counters"]["slot"]),
            records_slot=int(by_label["_assets"]["slot"]),
            content_hashes_slot=int(by_label["_contentHashes"]["slot"]),
            meta_slot=int(by_label["_meta"]["slot"]),
            split_holders_slot=int(by_label["_splitHolders"]["slot"]),
            assets_count=members("_counters")["assets"],
            record=members("_assets"),
            meta=members("_meta"),
        )

    # ── slots

    def content_hash_slot(self, asset_id: int) -> int:
        return int.from_bytes(keccak(_word(asset_id) + _word(self.content_hashes_slot)), "big")

    def record_slot(self, asset_id: int) -> int:
        return int.from_bytes(keccak(_word(asset_id) + _word(self.records_slot)), "big")

    def meta_slot_of(self, asset_id: int) -> int:
        return int.from_bytes(keccak(_word(asset_id) + _word(self.meta_slot)), "big")

    def split_slot(self, asset_id: int, right: int) -> int:
        inner = keccak(_word(asset_id) + _word(self.split_holders_slot))
        return int.from_bytes(keccak(_word(right) + inner), "big")

    # ── values

    def asset_count(self, counters_word: int) -> int:
        return self.assets_count.read(counters_word)

    def decode_record(self, word: int) -> dict[str, int]:
        return {name: f.read(word) for name, f in self.record.items()}

    def decode_meta(self, word: int) -> dict[str, int]:
        return {name: f.read(word) for name, f in self.meta.items()}

    @staticmethod
    def is_split(record: Mapping[str, int]) -> bool:
        return bool(record["flags"] & _SPLIT_FLAG)
