"""Recognition events in the store: agreements and recognised records projected, and the auditors'
replay agrees with the Recognition contract's views."""

from __future__ import annotations

from pathlib import Path

from ledger.audit import audit_replay
from ledger.recognition import issue_certificate
from ledger.store import open_store
from ledger.toolchain import Build
from tests.contracts.conftest import h
from tests.recognition.conftest import Provinces


def test_replay_projects_agreements_and_recognised_records_and_matches_the_views(
    provinces: Provinces, build: Build, tmp_path: Path
) -> None:
    a, b, c = provinces.a, provinces.b, provinces.c
    b.world.authority.set_agreement(a.chain_id, a.registry, [r.address for r in a.registrars()], 2)
    b.world.authority.set_agreement(c.chain_id, c.registry, [c.world.registrar.address], 1)
    b.world.authority.revoke_agreement(c.chain_id)
    locals_ = []
    for _ in range(3):
        cert = issue_certificate(a.world.registrar, a.world.registered_asset(),
                                 signers=[a.registrar3.account], build=build)
        result = b.world.registrar.import_certificate(a.chain_id, cert.certificate.as_abi(), cert.signature_bytes())
        locals_.append(int(result.event("CertificateImported")["localAssetId"]))
    suspended = b.world.registrar.suspend_recognised(locals_[0], h("re-check")).receipt.block_number

    replay_url = f"sqlite:///{tmp_path / 'replay.db'}"
    report = audit_replay(deployment=b.world.contracts.deployment, build=build, rpc=b.world.rpc, live=None,
                          replay_url=replay_url, check_index=False)
    assert report.ok, report.differences[:5]
    assert report.records["recognised_records"] == 3 and report.records["agreements"] == 2

    store = open_store(replay_url)
    try:
        view = store.as_of()
        agreements = {r["origin_chain_id"]: r for r in view.rows("agreements")}
        assert agreements[a.chain_id]["active"] and agreements[a.chain_id]["threshold"] == 2
        assert not agreements[c.chain_id]["active"] and agreements[c.chain_id]["version"] == 2
        records = {r["local_asset_id"]: r for r in view.rows("recognised_records")}
        assert set(records) == set(locals_)
        assert records[locals_[0]]["status"] == 2 and records[locals_[1]]["status"] == 1
        assert records[locals_[1]]["origin_chain_id"] == a.chain_id and len(records[locals_[1]]["signers"]) == 2
        assets = {r["asset_id"]: r for r in view.rows("assets")}
        assert assets[locals_[0]]["suspended"] and not assets[locals_[0]]["frozen"]
        assert assets[locals_[1]]["status"] == 2

        # A reorg below the suspension and the last import rolls both back, like any versioned state.
        store.rollback(suspended - 2)
        after = {r["local_asset_id"]: r for r in store.as_of().rows("recognised_records")}
        assert set(after) == set(locals_[:2]) and after[locals_[0]]["status"] == 1
    finally:
        store.close()
