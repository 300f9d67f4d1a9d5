"""Cross-checks between another province's registry (read by verified proofs) and the recognised
registrations of this one.

Verdicts per origin asset:

- ``match``: recognised here, and the origin still holds it registered with the certificate's
  content hash, category, grade, kind and holders;
- ``stale``: recognised here, but changed in the origin since (cancelled, rights transferred,
  unknown there);
- ``conflict``: registered in the origin, not recognised here, and its content hash is registered
  here by a different holding-right holder;
- ``missing``: registered in the origin and not recognised here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from eth_utils.address import to_checksum_address

from ledger.contracts.types import AssetStatus
from ledger.recognition.remote import PinnedBlock, ProvenAsset, RemoteRegistry

__all__ = [
    "AssetCheck",
    "CrosscheckReport",
    "LocalRecognised",
    "check_assets",
    "compare_registry",
    "find_recognised",
    "local_holders_by_content",
]

logger = logging.getLogger(__name__)

ZERO = "0x0000000000000000000000000000000000000000"


@dataclass(frozen=True, slots=True)
class LocalRecognised:
    """A recognised registration here, as its CertificateImported events (the latest certificate in force) and its
    suspensions and reinstatements tell. ``status``: active, suspended, or cancelled (a newer certificate said
    the origin cancelled it)."""

    local_asset_id: int
    origin_chain_id: int
    origin_asset_id: int
    origin_registry: str
    content_hash: str
    category: int
    grade: int
    kind: int
    holders: tuple[str, str, str]
    certificate_serial: int
    digest: str
    linked: bool
    imported_block: int
    suspended: bool = False
    origin_status: int = int(AssetStatus.REGISTERED)
    issued_block: int = 0  # the certificate's issue mark: the origin block it states (rules: issuedBlock)
    expires_at: int = 0
    superseded: bool = False

    @property
    def status(self) -> str:
        if self.origin_status == AssetStatus.CANCELLED:
            return "cancelled"
        return "suspended" if self.suspended else "active"

    def to_json(self) -> dict[str, Any]:
        return {
            "local_asset_id": self.local_asset_id, "origin_chain_id": self.origin_chain_id,
            "origin_asset_id": self.origin_asset_id, "origin_registry": self.origin_registry,
            "content_hash": self.content_hash, "holders": list(self.holders),
            "certificate_serial": self.certificate_serial, "digest": self.digest, "linked": self.linked,
            "imported_block": self.imported_block, "suspended": self.suspended, "status": self.status,
            "origin_status": AssetStatus(self.origin_status).name.lower(), "issued_block": self.issued_block,
            "expires_at": self.expires_at, "superseded": self.superseded,
        }  # fmt: skip


def find_recognised(client: Any, origin_chain_id: int | None = None) -> list[LocalRecognised]:
    """This province's recognised registrations (of ``origin_chain_id``, or all), from its Recognition events."""
    contracts = client.contracts
    events = contracts.codecs["Recognition"].events
    imported = events["CertificateImported"].topic0
    suspended, reinstated = events["RecognitionSuspended"].topic0, events["RecognitionReinstated"].topic0
    logs = client.rpc.call("eth_getLogs", [{
        "address": contracts.address["Recognition"], "fromBlock": hex(contracts.deployment.deployment_block),
        "toBlock": "latest", "topics": [["0x" + t.hex() for t in (imported, suspended, reinstated)]],
    }])  # fmt: skip
    records: dict[int, LocalRecognised] = {}
    for log in logs:  # in chain order: a newer certificate keeps the suspension, a reinstatement lifts it
        topic = bytes.fromhex(log["topics"][0][2:])
        local = int(log["topics"][1], 16)
        if topic == imported:
            r = _decode_imported(log)
            before = records.get(local)
            records[local] = r if before is None else replace(r, suspended=before.suspended)
        elif local in records:
            records[local] = replace(records[local], suspended=topic == suspended)
    found = list(records.values())
    return [r for r in found if origin_chain_id is None or r.origin_chain_id == origin_chain_id]


def _decode_imported(log: Mapping[str, Any]) -> LocalRecognised:
    """A CertificateImported log by word offsets: every field before the signers is static, so this
    is exact and much faster than a general ABI decoder (the whole-registry check reads thousands)."""
    data = log["data"][2:]
    # originRegistry, the certificate (14 static words), digest, signers' offset, linked, registrar, superseded
    w = [data[i : i + 64] for i in range(0, 64 * 20, 64)]

    def address(word: str) -> str:
        return to_checksum_address("0x" + word[24:])

    return LocalRecognised(
        local_asset_id=int(log["topics"][1], 16), origin_chain_id=int(log["topics"][2], 16),
        origin_asset_id=int(log["topics"][3], 16), origin_registry=address(w[0]), content_hash="0x" + w[2],
        category=int(w[3], 16), grade=int(w[4], 16), kind=int(w[5], 16),
        holders=(address(w[6]), address(w[7]), address(w[8])), certificate_serial=int(w[9], 16),
        origin_status=int(w[12], 16), issued_block=int(w[13], 16), expires_at=int(w[14], 16),
        digest="0x" + w[15], linked=int(w[17], 16) != 0, superseded=int(w[19], 16) != 0,
        imported_block=int(log["blockNumber"], 16),
    )  # fmt: skip


def local_holders_by_content(client: Any, content_hashes: Sequence[str]) -> dict[str, tuple[int, str]]:
    """For each content hash registered here: (local asset id, holding-right holder). Batched view calls."""
    codec = client.contracts.codecs["AssetRegistry"]
    registry = client.contracts.address["AssetRegistry"]
    out: dict[str, tuple[int, str]] = {}
    hashes = list(dict.fromkeys(content_hashes))
    for i in range(0, len(hashes), 1000):
        chunk = hashes[i : i + 1000]
        calls: list[tuple[str, Any]] = [
            ("eth_call", [{"to": registry, "data": "0x" + codec.encode_call("assetIdOf", bytes.fromhex(h[2:])).hex()},
                          "latest"])
            for h in chunk
        ]
        ids = [int(codec.decode_output("assetIdOf", bytes.fromhex(r[2:]))) for r in client.rpc.batch(calls)]
        present = [(h, a) for h, a in zip(chunk, ids, strict=True) if a]
        holder_calls: list[tuple[str, Any]] = [
            ("eth_call", [{"to": registry, "data": "0x" + codec.encode_call("holderOf", a, 0).hex()}, "latest"])
            for _, a in present
        ]
        holders = client.rpc.batch(holder_calls) if holder_calls else []
        for (h, a), raw in zip(present, holders, strict=True):
            out[h] = (a, to_checksum_address(codec.decode_output("holderOf", bytes.fromhex(raw[2:]))))
    return out


@dataclass(frozen=True, slots=True)
class AssetCheck:
    """One origin asset, proven, against its recognised registration here (if any)."""

    origin: ProvenAsset
    local: LocalRecognised | None
    verdict: str
    reasons: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "origin_asset_id": self.origin.asset_id, "verdict": self.verdict, "reasons": list(self.reasons),
            "origin": self.origin.to_json(), "local": self.local.to_json() if self.local else None,
        }  # fmt: skip


def differences(origin: ProvenAsset, local: LocalRecognised) -> list[str]:
    """Why a recognised registration no longer agrees with its origin (empty: it agrees)."""
    if not origin.exists:
        return ["unknown in the origin registry"]
    reasons = []
    if origin.status != int(AssetStatus.REGISTERED):
        reasons.append(f"status in origin is {AssetStatus(origin.status).name.lower()}")
    if origin.content_hash != local.content_hash:
        reasons.append("content hash differs")
    for name, was, now in zip(("holding", "processing", "operation"), local.holders, origin.holders(), strict=True):
        if was != now:
            reasons.append(f"{name} right moved from {was} to {now}")
    if (origin.category, origin.grade, origin.kind) != (local.category, local.grade, local.kind):
        reasons.append("category, grade or kind differs")
    if origin.certificate_serial != local.certificate_serial:
        reasons.append(f"certificate serial {local.certificate_serial} is {origin.certificate_serial} in the origin")
    return reasons


def hints_of(records: Iterable[LocalRecognised]) -> dict[int, tuple[str, bool]]:
    """What the recognised records lead us to expect in the origin: content hash, rights held apart."""
    return {r.origin_asset_id: (r.content_hash, len(set(r.holders)) > 1) for r in records}


def check_assets(remote: RemoteRegistry, asset_ids: Sequence[int],
                 local: Mapping[int, LocalRecognised] | None = None) -> list[AssetCheck]:
    """Proof-verified records of ``asset_ids`` in the origin, each against its recognised registration
    here (``local`` by origin asset id); verdict ``not-recognised`` when there is none."""
    local = local or {}
    proven = remote.assets(asset_ids, hints_of(local[i] for i in asset_ids if i in local))
    out = []
    for i in asset_ids:
        o, rec = proven[i], local.get(i)
        if rec is None:
            verdict = "registered" if o.registered else ("unknown" if not o.exists else "not-registered")
            out.append(AssetCheck(o, None, f"not-recognised ({verdict} in origin)"))
            continue
        reasons = differences(o, rec)
        out.append(AssetCheck(o, rec, "stale" if reasons else "match", tuple(reasons)))
    return out


@dataclass
class CrosscheckReport:
    origin_chain_id: int
    origin_registry: str
    block: PinnedBlock
    local_chain_id: int
    matches: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)
    stale: list[dict[str, Any]] = field(default_factory=list)
    origin_assets: int = 0
    proofs_verified: int = 0
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {"matches": len(self.matches), "conflicts": len(self.conflicts), "missing": len(self.missing),
                "stale": len(self.stale)}

    def to_json(self) -> dict[str, Any]:
        return {
            "origin": {
                "chain_id": self.origin_chain_id, "registry": self.origin_registry, "block": self.block.number,
                "block_hash": self.block.hash, "block_timestamp": self.block.timestamp,
                "pinned_by_user": self.block.pinned_by_user, "assets": self.origin_assets,
            },
            "local_chain_id": self.local_chain_id,
            "counts": self.counts(),
            "matches": self.matches, "conflicts": self.conflicts, "missing": self.missing, "stale": self.stale,
            "proofs_verified": self.proofs_verified, "seconds": round(self.seconds, 3),
        }  # fmt: skip

    def to_text(self) -> str:
        c = self.counts()
        pin = "pinned by the user" if self.block.pinned_by_user else "not pinned: header checked for consistency only"
        lines = [
            f"origin chain {self.origin_chain_id}, registry {self.origin_registry}",
            f"block {self.block.number} {self.block.hash} ({pin})",
            f"{self.origin_assets} origin assets, {self.proofs_verified} storage proofs verified "
            f"in {self.seconds:.2f}s",
            f"matches {c['matches']}  conflicts {c['conflicts']}  missing {c['missing']}  stale {c['stale']}",
        ]
        for x in self.conflicts:
            lines.append(f"CONFLICT origin asset {x['origin_asset_id']} {x['content_hash']}: origin holder "
                         f"{x['origin_holder']}, local asset {x['local_asset_id']} held by {x['local_holder']}")
        for x in self.stale:
            lines.append(f"STALE    origin asset {x['origin_asset_id']} (local {x['local_asset_id']}"
                         f"{', suspended' if x['suspended'] else ''}): {'; '.join(x['reasons'])}")
        for x in self.missing:
            lines.append(f"MISSING  origin asset {x['origin_asset_id']} {x['content_hash']}")
        return "\n".join(lines)


def compare_registry(
    remote: RemoteRegistry,
    recognised: Sequence[LocalRecognised],
    local_lookup: Callable[[Sequence[str]], Mapping[str, tuple[int, str]]],
    *,
    origin_chain_id: int,
    local_chain_id: int,
) -> CrosscheckReport:
    """The whole-registry comparison: every asset of the origin registry at the pinned block, proven,
    against ``recognised`` (this province's recognised registrations of that origin);
    ``local_lookup`` maps content hashes to (local asset id, holder) for conflict detection."""
    started = time.perf_counter()
    block = remote.block or remote.pin()
    count = remote.asset_count()
    proven = remote.assets(range(1, count + 1), hints_of(r for r in recognised if r.origin_asset_id <= count))
    by_origin = {r.origin_asset_id: r for r in recognised}
    report = CrosscheckReport(origin_chain_id, remote.registry, block, local_chain_id, origin_assets=count)
    unrecognised: list[ProvenAsset] = []
    for asset_id, o in proven.items():
        rec = by_origin.pop(asset_id, None)
        if rec is None:
            if o.registered:
                unrecognised.append(o)
            continue
        reasons = differences(o, rec)
        entry = {"origin_asset_id": asset_id, "local_asset_id": rec.local_asset_id, "content_hash": o.content_hash}
        if reasons:
            report.stale.append({**entry, "reasons": reasons, "suspended": rec.suspended})
        else:
            report.matches.append({**entry, "suspended": rec.suspended})
    for rec in by_origin.values():  # recognised here, beyond the origin's asset count
        report.stale.append({"origin_asset_id": rec.origin_asset_id, "local_asset_id": rec.local_asset_id,
                             "content_hash": rec.content_hash, "reasons": ["unknown in the origin registry"],
                             "suspended": rec.suspended})
    local = local_lookup([o.content_hash for o in unrecognised])
    for o in unrecognised:
        hit = local.get(o.content_hash)
        if hit is not None and hit[1] != o.holding_holder:
            report.conflicts.append({
                "origin_asset_id": o.asset_id, "content_hash": o.content_hash, "origin_holder": o.holding_holder,
                "local_asset_id": hit[0], "local_holder": hit[1],
            })  # fmt: skip
        else:
            report.missing.append({"origin_asset_id": o.asset_id, "content_hash": o.content_hash,
                                   "local_asset_id": hit[0] if hit else None})
    report.proofs_verified = remote.proofs_verified
    report.seconds = time.perf_counter() - started
    logger.info("crosscheck of chain %d at block %d: %s in %.2fs", origin_chain_id, block.number, report.counts(),
                report.seconds)
    return report
