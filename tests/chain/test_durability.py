"""No acknowledged write is lost when the embedded node is killed (SIGKILL) while transactions flow."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from eth_utils.crypto import keccak

from ledger.chain import EmbeddedNode
from ledger.client import Contracts, LedgerClient, dev_account, make_sender
from ledger.client.recovery import recover
from ledger.contracts.deploy import ensure_deployed
from ledger.contracts.types import Category, Grade, Kind, Registration, Role
from ledger.governance import CouncilClient, GovernanceConfig
from ledger.settings import LedgerSettings
from ledger.toolchain import compile_contracts
from tests.conftest import free_port
from tests.credit_codes import code_for

DEV_GOVERNANCE = GovernanceConfig.dev()


def _settings(tmp_path: Path, state_interval: int) -> LedgerSettings:
    return LedgerSettings(
        data_dir=tmp_path / "data", node_port=free_port(), block_time=0.2, state_interval=state_interval, tx_timeout=20
    )


def _client(settings: LedgerSettings, node: EmbeddedNode, index: int = 0) -> LedgerClient:
    """Dev account ``index``'s client; 0: the authority, through the dev officers (dev account 0 relays)."""
    rpc = node.client(timeout=5)
    build = compile_contracts()
    sender = make_sender(settings, rpc, dev_account(0))
    deployment = ensure_deployed(rpc, sender, build, settings.manifest_path, governance=DEV_GOVERNANCE)
    contracts = Contracts.from_build(deployment, build)
    sender.errors = contracts.errors
    client = CouncilClient(rpc, contracts, sender)
    return client.as_(dev_account(index)) if index else client


def _registration(i: int, run: int) -> Registration:
    return Registration(
        content_hash=keccak(text=f"durability-{run}-{i}"),
        metadata_hash=keccak(text="meta"),
        metadata_uri="ipfs://meta",
        name=f"asset {i}",
        category=Category.ENTERPRISE,
        grade=Grade.GENERAL,
        kind=Kind.DATASET,
        region=450000,
    )


def _on_ledger(client: LedgerClient, asset_id: int, content_hash: bytes) -> bool:
    """Whether the application ``asset_id`` of ``content_hash`` is on the ledger. Not ``assetIdOf``: a pending
    application does not hold its content hash (only a registered asset does)."""
    if client.view("AssetRegistry", "statusOf", asset_id) == 0:
        return False
    return bytes(client.get_asset(asset_id)["contentHash"]) == content_hash


def run_kill_cycles(
    tmp_path: Path, cycles: int, *, state_interval: int = 1, seconds: float = 2.5
) -> tuple[int, int, int]:
    """Kills the node ``cycles`` times while registrations flow; after each restart and journal
    recovery, every acknowledged registration must be on the ledger.

    Returns (acknowledged writes, writes re-sent from the journal, acknowledged writes that the
    node had lost before the journal was replayed).
    """
    settings = _settings(tmp_path, state_interval)
    node = EmbeddedNode(settings)
    node.start()
    authority = _client(settings, node)
    holder = authority.as_(dev_account(1))
    authority.admit(holder.address, Role.DATA_HOLDER, 450100, "Durable Holder", code_for(holder.address))
    acknowledged: list[tuple[int, bytes]] = []  # (asset id, content hash) of each acknowledged application
    resent = lost = 0
    try:
        for cycle in range(cycles):
            stop = threading.Event()

            def flow(cycle: int = cycle, stop: threading.Event = stop) -> None:
                i = 0
                while not stop.is_set():
                    reg = _registration(i, cycle)
                    try:
                        asset_id = holder.apply_registration(reg)
                    except Exception:
                        return
                    acknowledged.append((asset_id, reg.content_hash))
                    i += 1

            worker = threading.Thread(target=flow, daemon=True)
            worker.start()
            time.sleep(seconds)
            node.kill()
            stop.set()
            worker.join(timeout=30)
            node.start()
            for c in (authority, holder):
                c.sender._nonce = None
            registry = holder.contracts.address["AssetRegistry"]
            if holder.rpc.call("eth_getCode", [registry, "latest"]) in ("0x", "0x0"):
                lost += len(acknowledged)  # even the deployment is gone
            else:
                lost += sum(1 for a in acknowledged if not _on_ledger(holder, *a))
            report = recover(node.client(timeout=10), authority.sender.journal)  # type: ignore[arg-type]
            assert report.conflicts == []
            resent += len(report.resent)
            missing = [a for a in acknowledged if not _on_ledger(holder, *a)]
            assert missing == [], f"cycle {cycle}: {len(missing)} acknowledged registrations lost"
    finally:
        node.stop()
    return len(acknowledged), resent, lost


def test_killing_the_node_loses_no_acknowledged_registration(tmp_path: Path) -> None:
    acknowledged, _resent, _lost = run_kill_cycles(tmp_path, cycles=2, state_interval=1)
    assert acknowledged > 10


def test_journal_restores_writes_the_node_never_saved(tmp_path: Path) -> None:
    # With a long save interval the node keeps nothing across the kill: deployment, admission and
    # every registration come back from the client's journal alone.
    acknowledged, resent, lost = run_kill_cycles(tmp_path, cycles=1, state_interval=600)
    assert acknowledged > 5
    assert lost == acknowledged
    assert resent >= acknowledged
