"""Reads another province's registry through ``eth_getProof``, verified against a pinned block.

Nothing the remote node says is taken on trust beyond the block hash: the header is checked to
hash to it, the registry account against the header's state root, every storage slot against the
account's storage root (:mod:`ledger.proofs`). Slots of many assets go into one ``eth_getProof``
call (nodes such as anvil rebuild the storage trie per call, so one call per slot would be slow),
and one :class:`~ledger.proofs.NodeCache` serves every proof of the block.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from eth_utils.address import to_checksum_address

from ledger.chain.rpc import JsonRpcClient
from ledger.contracts.types import AssetStatus
from ledger.proofs import NodeCache, ProofError, verify_account_proof, verify_header
from ledger.proofs.state import RawProof
from ledger.recognition.layout import RegistryLayout

__all__ = ["PinnedBlock", "ProvenAsset", "RemoteRegistry"]

logger = logging.getLogger(__name__)

#: Storage keys per eth_getProof call: anvil rebuilds the account's storage trie for each call
#: (~0.1-0.2 s with 10,000 assets), so calls carry many keys; answers stay a few MB.
KEYS_PER_CALL = 1000


@dataclass(frozen=True, slots=True)
class PinnedBlock:
    number: int
    hash: str
    state_root: bytes
    timestamp: int
    pinned_by_user: bool


@dataclass(frozen=True, slots=True)
class ProvenAsset:
    """An asset of the remote registry as its storage proves it at the pinned block."""

    asset_id: int
    content_hash: str
    status: int
    category: int
    grade: int
    kind: int
    region: int
    flags: int
    holding_holder: str
    processing_holder: str
    operation_holder: str
    certificate_serial: int
    registered_at: int

    @property
    def exists(self) -> bool:
        return self.status != int(AssetStatus.NONE)

    @property
    def registered(self) -> bool:
        return self.status == int(AssetStatus.REGISTERED)

    def holders(self) -> tuple[str, str, str]:
        return (self.holding_holder, self.processing_holder, self.operation_holder)

    def to_json(self) -> dict[str, Any]:
        return {
            "asset_id": self.asset_id, "content_hash": self.content_hash, "status": self.status,
            "status_name": _status_name(self.status),
            "category": self.category, "grade": self.grade, "kind": self.kind, "region": self.region,
            "holding_holder": self.holding_holder, "processing_holder": self.processing_holder,
            "operation_holder": self.operation_holder, "certificate_serial": self.certificate_serial,
            "registered_at": self.registered_at,
        }  # fmt: skip


def _status_name(status: int) -> str:
    return AssetStatus(status).name.lower() if status < len(AssetStatus) else str(status)


def _address(word: int) -> str:
    return to_checksum_address(word.to_bytes(20, "big"))


class RemoteRegistry:
    """The AssetRegistry at ``registry`` on the chain behind ``rpc``, read by verified proofs."""

    def __init__(self, rpc: JsonRpcClient, registry: str, layout: RegistryLayout) -> None:
        self.rpc = rpc
        self.registry = to_checksum_address(registry)
        self.layout = layout
        self.block: PinnedBlock | None = None
        self.cache = NodeCache()
        self.proofs_verified = 0
        #: Wall time waiting for the node's answers, and verifying them (the bench reports both).
        self.seconds = {"waiting": 0.0, "verifying": 0.0}

    def pin(self, *, block_hash: str | None = None, block: int | str = "latest") -> PinnedBlock:
        """Pins the block to read at: ``block_hash`` if given (trust anchor), else the header of
        ``block`` (then the header only proves itself consistent)."""
        if block_hash is not None:
            header = self.rpc.call("eth_getBlockByHash", [block_hash, False])
            if header is None:
                raise ProofError(f"the remote node knows no block {block_hash}")
            pinned, by_user = block_hash, True
        else:
            tag = hex(block) if isinstance(block, int) else block
            header = self.rpc.call("eth_getBlockByNumber", [tag, False])
            if header is None:
                raise ProofError(f"the remote node has no block {block}")
            pinned, by_user = header["hash"], False
        state_root = verify_header(header, pinned)
        self.block = PinnedBlock(int(header["number"], 16), pinned.lower(), state_root, int(header["timestamp"], 16),
                                 by_user)
        self.cache = NodeCache()
        return self.block

    def _pinned(self) -> PinnedBlock:
        if self.block is None:
            return self.pin()
        return self.block

    def read_slots(self, slots: Sequence[int]) -> dict[int, int]:
        """The proven values of ``slots`` of the registry at the pinned block."""
        block = self._pinned()
        out: dict[int, int] = {}
        unique = list(dict.fromkeys(slots))
        chunks = [unique[i : i + KEYS_PER_CALL] for i in range(0, len(unique), KEYS_PER_CALL)]
        params = [
            [self.registry, ["0x" + s.to_bytes(32, "big").hex() for s in chunk], hex(block.number)] for chunk in chunks
        ]
        # Fetch ahead on two threads while this one verifies: the node's work and ours overlap.
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [pool.submit(self.rpc.call, "eth_getProof", p) for p in params]
            for chunk, future in zip(chunks, futures, strict=True):
                t0 = time.perf_counter()
                answer = self._raw(future.result())
                t1 = time.perf_counter()
                proven = verify_account_proof(block.state_root, answer, self.cache, address=self.registry, slots=chunk)
                self.seconds["waiting"] += t1 - t0
                self.seconds["verifying"] += time.perf_counter() - t1
                out.update(proven.storage)
                self.proofs_verified += len(chunk)
        return out

    @staticmethod
    def _raw(answer: Any) -> RawProof:
        if not isinstance(answer, dict):
            raise ProofError(f"eth_getProof answered {answer!r:.100}")
        raw: RawProof = answer  # type: ignore[assignment]
        return raw

    def asset_count(self) -> int:
        slot = self.layout.counters_slot
        return self.layout.asset_count(self.read_slots([slot])[slot])

    def assets(
        self, asset_ids: Iterable[int], hints: Mapping[int, tuple[str, bool]] | None = None
    ) -> dict[int, ProvenAsset]:
        """The proven records of ``asset_ids`` (an unknown id proves as status ``NONE``).

        ``hints`` (asset id -> (expected content hash, rights held apart)), e.g. from the recognised
        records, let the split holders' slots be asked for in the first round; a wrong hint costs a second
        round, never a wrong answer (every value read is proven)."""
        ids = list(asset_ids)
        hints = hints or {}
        lay = self.layout
        ch_slots = {i: lay.content_hash_slot(i) for i in ids}
        meta_slots = {i: lay.meta_slot_of(i) for i in ids}
        rec_slots = {i: lay.record_slot(i) for i in ids}
        first = [s for i in ids for s in (ch_slots[i], rec_slots[i], meta_slots[i])]
        for i in ids:
            hint = hints.get(i)
            if hint is not None and hint[1]:
                first += [lay.split_slot(i, 1), lay.split_slot(i, 2)]
        words = self.read_slots(first)
        content = {i: words[ch_slots[i]].to_bytes(32, "big") for i in ids}
        known = [i for i in ids if any(content[i])]
        records = {i: lay.decode_record(words[rec_slots[i]]) for i in known}
        split = [i for i in known if lay.is_split(records[i])]
        split_slots = {(i, r): lay.split_slot(i, r) for i in split for r in (1, 2)}
        more = [s for s in split_slots.values() if s not in words]
        if more:
            words.update(self.read_slots(more))
        out: dict[int, ProvenAsset] = {}
        for i in ids:
            if i not in records:
                out[i] = ProvenAsset(i, "0x" + "00" * 32, 0, 0, 0, 0, 0, 0, *(_address(0),) * 3, 0, 0)
                continue
            r = records[i]
            m = lay.decode_meta(words[meta_slots[i]])
            holder = _address(r["holder"])
            processing = _address(words[split_slots[(i, 1)]]) if i in split else holder
            operation = _address(words[split_slots[(i, 2)]]) if i in split else holder
            out[i] = ProvenAsset(
                asset_id=i, content_hash="0x" + content[i].hex(), status=r["status"], category=r["category"],
                grade=r["grade"], kind=r["kind"], region=r["region"], flags=r["flags"], holding_holder=holder,
                processing_holder=processing, operation_holder=operation,
                certificate_serial=m["certificateSerial"], registered_at=m["registeredAt"],
            )  # fmt: skip
        return out
