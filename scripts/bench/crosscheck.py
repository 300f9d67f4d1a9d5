#!/usr/bin/env python3
"""Proof-verified cross-checks between two provinces' embedded chains on loopback.

Set-up (not timed): province A (chain 4501) registers ``--assets`` assets (applications and
reviews sent as real transactions, a tenth with the processing right held apart); province B
(chain 4401) records a 2-of-2 agreement with A's registrars and imports A's certificates. Then a
seeded set of differences: 1 % of A's assets are never imported (missing), 0.5 % are registered
in B by another holder first (conflicts), and after the imports 1 % change hands in A (stale).

Measured:

* ``proof_checks_per_s``: single-asset cross-checks (``check_assets``: the asset's storage slots
  read with ``eth_getProof``, the header verified against the pinned block hash, account and
  storage proofs verified in Python, compared with B's recognised record), ``--checks`` assets
  in groups of ``--group`` whose slots share one ``eth_getProof`` call (anvil rebuilds the
  storage trie per call, so one call per asset costs ~0.1 s: that rate is also reported, from
  ``--unbatched`` assets, as ``proof_checks_per_s_unbatched``);
* ``registry_10k_seconds``: the whole-registry comparison (``compare_registry``: pin, every asset of
  A proven, B's recognised records from its event log, B's registrations looked up by content
  hash for conflicts), for ``--assets`` assets (10,000 by default).

Usage: ``python scripts/bench/crosscheck.py [--json] [--assets N] [--checks K] [--group G]``
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts" / "bench"))

from _common import h, send_signed, setup_logging, wait_receipts  # noqa: E402

from ledger.chain import EmbeddedNode  # noqa: E402
from ledger.chain.rpc import JsonRpcClient  # noqa: E402
from ledger.client import Call, Contracts, LedgerClient, dev_account, make_sender  # noqa: E402
from ledger.contracts.credit_code import credit_code_hash  # noqa: E402
from ledger.contracts.deploy import deploy_system  # noqa: E402
from ledger.contracts.types import AssetStatus, Category, Grade, Kind, Registration, Right, Role  # noqa: E402
from ledger.governance import CouncilClient, GovernanceConfig  # noqa: E402
from ledger.recognition import Certificate, CertificateDomain, CertificateFile, sign_certificate  # noqa: E402
from ledger.recognition.crosscheck import (  # noqa: E402
    check_assets,
    compare_registry,
    find_recognised,
    local_holders_by_content,
)
from ledger.recognition.layout import RegistryLayout  # noqa: E402
from ledger.recognition.remote import RemoteRegistry  # noqa: E402
from ledger.settings import LedgerSettings  # noqa: E402
from ledger.toolchain import Build, compile_contracts  # noqa: E402
from tests.credit_codes import code_for  # noqa: E402

logger = logging.getLogger("bench")

REGION = 450000
CITY = 450100
CHUNK = 2000  # transactions mined per evm_mine in set-up


class Province:
    def __init__(self, name: str, chain_id: int, build: Build, base: Path, stack: contextlib.ExitStack) -> None:
        settings = LedgerSettings(data_dir=base / name, node_port=_free_port(), block_time=0, chain_id=chain_id,
                                  block_gas_limit=1_000_000_000, state_interval=86_400)
        node = EmbeddedNode(settings, extra_args=["--quiet"])
        stack.enter_context(node)
        self.chain_id = chain_id
        self.url = settings.effective_rpc_url
        self.rpc = node.client(timeout=300)
        sender = make_sender(settings, self.rpc, dev_account(0))
        deployment = deploy_system(self.rpc, sender, build, governance=GovernanceConfig.dev())
        self.contracts = Contracts.from_build(deployment, build)
        sender.errors = self.contracts.errors
        self.authority = CouncilClient(self.rpc, self.contracts, sender)  # the dev officers, through the governance
        self.registrar = self.authority.as_(dev_account(1))
        self.registrar2 = self.authority.as_(dev_account(2))
        self.holder = self.authority.as_(dev_account(5))
        self.holder2 = self.authority.as_(dev_account(6))
        self.authority.execute_many([
            self.authority.prepare("ParticipantRegistry", "admit", c.address, int(role), region, name,
                                   credit_code_hash(code_for(c.address)))
            for c, role, region, name in (
                (self.registrar, Role.REGISTRAR, REGION, "Registration Centre"),
                (self.registrar2, Role.REGISTRAR, REGION, "Second Registration Centre"),
                (self.holder, Role.DATA_HOLDER, CITY, "Holder One"),
                (self.holder2, Role.DATA_HOLDER, CITY, "Holder Two"),
            )
        ])  # fmt: skip

    @property
    def registry(self) -> str:
        return self.contracts.address["AssetRegistry"]

    def bulk(self, work: Sequence[tuple[LedgerClient, Sequence[Call]]]) -> list[dict[str, Any]]:
        """Sends pre-signed transactions with mining paused, mines them CHUNK at a time."""
        self.rpc.call("anvil_setAutomine", [False])
        receipts: list[dict[str, Any]] = []
        try:
            flat = [(c, call) for c, calls in work for call in calls]
            for i in range(0, len(flat), CHUNK):
                part = flat[i : i + CHUNK]
                hashes = send_signed(self.rpc, [(c.sender, [call]) for c, call in part])
                self.rpc.call("evm_mine")
                receipts.extend(wait_receipts(self.rpc, hashes, timeout=300))
        finally:
            self.rpc.call("anvil_setAutomine", [True])
        return receipts


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _registration(i: int, content: bytes, processing: str | None = None) -> Registration:
    return Registration(
        content_hash=content, metadata_hash=h(f"metadata {i}"), metadata_uri=f"ipfs://bench-crosscheck/{i}",
        name=f"Bench dataset {i}", category=Category.ENTERPRISE, grade=Grade.GENERAL, kind=Kind.DATASET,
        region=REGION, **({"processing_holder": processing} if processing else {}),
    )  # fmt: skip


def content_of(i: int) -> bytes:
    return h(f"bench-crosscheck/{i}")


def seed(a: Province, b: Province, n: int) -> dict[str, Any]:
    """A's registrations, B's agreement and imports, and the seeded differences; returns what was seeded."""
    t0 = time.perf_counter()
    ids = list(range(1, n + 1))
    apply = [a.holder.prepare("AssetRegistry", "applyRegistration",
                              _registration(i, content_of(i), a.holder2.address if i % 10 == 0 else None).as_abi(),
                              gas=400_000) for i in ids]  # fmt: skip
    a.bulk([(a.holder, apply)])
    review = [a.registrar.prepare("AssetRegistry", "reviewRegistration", i, True, h("review"), gas=150_000)
              for i in ids]
    receipts = a.bulk([(a.registrar, review)])
    registered_block = {i: int(r["blockNumber"], 16) for i, r in zip(ids, receipts, strict=True)}
    logger.info("A: %d assets registered in %.1fs", n, time.perf_counter() - t0)

    missing = ids[1::100]
    conflicts = ids[3::200]
    stale = ids[5::100]
    skip = set(missing) | set(conflicts)
    b.authority.set_agreement(a.chain_id, a.registry, [a.registrar.address, a.registrar2.address], 2)
    if conflicts:
        b_apply = [b.holder2.prepare("AssetRegistry", "applyRegistration", _registration(i, content_of(i)).as_abi(),
                                     gas=400_000) for i in conflicts]  # fmt: skip
        b_receipts = b.bulk([(b.holder2, b_apply)])
        b_ids = [int(r["logs"][0]["topics"][1], 16) for r in b_receipts]
        b.bulk([(b.registrar, [b.registrar.prepare("AssetRegistry", "reviewRegistration", x, True, h("review"),
                                                   gas=150_000) for x in b_ids])])  # fmt: skip

    t1 = time.perf_counter()
    domain = CertificateDomain(a.chain_id, a.registry)
    imports: list[Call] = []
    # Read back what the certificates must carry (serial, registration time) in one batch of views; each states
    # A's state at its head and may be imported for a year.
    head = a.rpc.call("eth_getBlockByNumber", ["latest", False])
    issued_block, expires_at = int(head["number"], 16), int(head["timestamp"], 16) + 365 * 86_400
    codec = a.contracts.codecs["AssetRegistry"]
    views = a.rpc.batch([("eth_call", [{"to": a.registry, "data": "0x" + codec.encode_call("getAsset", i).hex()},
                                       hex(issued_block)]) for i in ids])  # fmt: skip
    for i, raw in zip(ids, views, strict=True):
        if i in skip:
            continue
        v = codec.decode_output("getAsset", bytes.fromhex(raw[2:]))
        # Status, issue block and expiry positionally: the library's name of the issue block is being settled.
        cert = CertificateFile(domain, Certificate(
            i, "0x" + content_of(i).hex(), int(v["category"]), int(v["grade"]), int(v["kind"]), v["holdingHolder"],
            v["processingHolder"], v["operationHolder"], int(v["certificateSerial"]), registered_block[i],
            int(v["registeredAt"]), int(AssetStatus.REGISTERED), issued_block, expires_at,
        ))  # fmt: skip
        cert = sign_certificate(sign_certificate(cert, a.registrar.account), a.registrar2.account)
        imports.append(b.registrar.prepare("Recognition", "importCertificate", a.chain_id, cert.certificate.as_abi(),
                                           cert.signature_bytes(), gas=600_000))  # fmt: skip
    b.bulk([(b.registrar, imports)])
    logger.info("B: %d certificates imported in %.1fs", len(imports), time.perf_counter() - t1)
    a.bulk([(a.holder, [a.holder.prepare("AssetRegistry", "transferRight", i, int(Right.OPERATION),
                                         a.holder2.address, gas=200_000) for i in stale])])  # fmt: skip
    return {"missing": len(missing), "conflicts": len(conflicts), "stale": len(stale), "imported": len(imports),
            "setup_seconds": round(time.perf_counter() - t0, 1)}


@contextlib.contextmanager
def provinces(build: Build) -> Iterator[tuple[Province, Province]]:
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory(prefix="ledger-bench-cc-") as tmp:
        base = Path(tmp)
        yield Province("A", 4501, build, base, stack), Province("B", 4401, build, base, stack)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    build = compile_contracts()
    layout = RegistryLayout.from_storage_layout(build.contract("AssetRegistry").storage_layout)
    with provinces(build) as (a, b):
        seeded = seed(a, b, args.assets)
        by_origin = {r.origin_asset_id: r for r in find_recognised(b.registrar, a.chain_id)}
        remote_rpc = JsonRpcClient(a.url, timeout=300)

        # Single-asset checks, grouped.
        head = a.rpc.call("eth_getBlockByNumber", ["latest", False])["hash"]
        remote = RemoteRegistry(remote_rpc, a.registry, layout)
        ids = list(range(1, min(args.checks, args.assets) + 1))
        t0 = time.perf_counter()
        remote.pin(block_hash=head)
        verdicts: dict[str, int] = {}
        for i in range(0, len(ids), args.group):
            for c in check_assets(remote, ids[i : i + args.group], by_origin):
                key = c.verdict.split(" ")[0]
                verdicts[key] = verdicts.get(key, 0) + 1
        checks_s = time.perf_counter() - t0
        proofs_single = remote.proofs_verified
        split_single = {k: round(v, 3) for k, v in remote.seconds.items()}

        # The same, one asset per eth_getProof call (what a naive client gets from anvil).
        unbatched = list(range(1, min(args.unbatched, args.assets) + 1))
        remote1 = RemoteRegistry(remote_rpc, a.registry, layout)
        t1 = time.perf_counter()
        remote1.pin(block_hash=head)
        for i in unbatched:
            check_assets(remote1, [i], by_origin)
        unbatched_s = time.perf_counter() - t1

        # Whole registry.
        t2 = time.perf_counter()
        whole = RemoteRegistry(remote_rpc, a.registry, layout)
        whole.pin(block_hash=head)
        recognised = find_recognised(b.registrar, a.chain_id)
        report = compare_registry(whole, recognised, lambda hs: local_holders_by_content(b.registrar, hs),
                                  origin_chain_id=a.chain_id, local_chain_id=b.chain_id)
        registry_s = time.perf_counter() - t2
        split_registry = {k: round(v, 3) for k, v in whole.seconds.items()}
    return {
        "proof_checks_per_s": round(len(ids) / checks_s, 1),
        "registry_10k_seconds": round(registry_s, 3),
        "assets": args.assets,
        "checks": len(ids),
        "group": args.group,
        "check_verdicts": verdicts,
        "storage_proofs_verified_in_checks": proofs_single,
        "checks_seconds": round(checks_s, 3),
        "checks_seconds_split": split_single,
        "proof_checks_per_s_unbatched": round(len(unbatched) / unbatched_s, 2) if unbatched else None,
        "unbatched_checks": len(unbatched),
        "registry_counts": report.counts(),
        "registry_storage_proofs_verified": report.proofs_verified,
        "registry_seconds_split": split_registry,
        "seeded": seeded,
        "goals": {"proof_checks_per_s": 500, "registry_10k_seconds": 30},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--assets", type=int, default=10_000, help="assets registered in province A")
    parser.add_argument("--checks", type=int, default=2_000, help="single-asset cross-checks to time")
    parser.add_argument("--group", type=int, default=1000, help="assets whose slots share an eth_getProof call")
    parser.add_argument("--unbatched", type=int, default=20, help="checks timed with one asset per call")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    report = measure(args)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for k, v in report.items():
            print(f"{k:40} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
