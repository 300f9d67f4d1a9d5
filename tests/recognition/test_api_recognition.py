"""Read endpoints for recognition: agreements, recognised records with their last verification,
saved cross-check reports."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api import create_app
from ledger.audit import audit_replay
from ledger.chain.rpc import JsonRpcClient
from ledger.contracts.types import Right
from ledger.recognition import issue_certificate
from ledger.recognition.crosscheck import compare_registry, find_recognised, local_holders_by_content
from ledger.recognition.layout import RegistryLayout
from ledger.recognition.remote import RemoteRegistry
from ledger.recognition.reports import save_report
from ledger.settings import LedgerSettings
from ledger.store import open_store
from ledger.toolchain import Build
from tests.recognition.conftest import Provinces


def test_agreements_records_and_reports_are_served(provinces: Provinces, build: Build, tmp_path: Path) -> None:
    a, b = provinces.a, provinces.b
    b.world.authority.set_agreement(a.chain_id, a.registry, [r.address for r in a.registrars()], 2)
    locals_ = []
    origin_ids = []
    for _ in range(2):
        asset = a.world.registered_asset()
        origin_ids.append(asset)
        cert = issue_certificate(a.world.registrar, asset, signers=[a.registrar3.account], build=build)
        result = b.world.registrar.import_certificate(a.chain_id, cert.certificate.as_abi(), cert.signature_bytes())
        locals_.append(int(result.event("CertificateImported")["localAssetId"]))
    a.world.holder.transfer_right(origin_ids[1], Right.HOLDING, a.world.holder2.address)

    url = f"sqlite:///{tmp_path / 'b.db'}"
    audit_replay(deployment=b.world.contracts.deployment, build=build, rpc=b.world.rpc, live=None, replay_url=url,
                 check_index=False)
    layout = RegistryLayout.from_storage_layout(build.contract("AssetRegistry").storage_layout)
    remote = RemoteRegistry(JsonRpcClient(a.url), a.registry, layout)
    report = compare_registry(remote, find_recognised(b.world.registrar, a.chain_id),
                              lambda hs: local_holders_by_content(b.world.registrar, hs),
                              origin_chain_id=a.chain_id, local_chain_id=b.chain_id)
    store = open_store(url)
    try:
        report_id = save_report(store.engine, report)
        with TestClient(create_app(LedgerSettings(data_dir=tmp_path), store=store)) as client:
            agreements = client.get("/api/v1/recognition/agreements").json()["data"]
            assert [x["origin_chain_id"] for x in agreements] == [a.chain_id]
            assert client.get(f"/api/v1/recognition/agreements/{a.chain_id}").json()["data"]["threshold"] == 2
            assert client.get("/api/v1/recognition/agreements/1").status_code == 404
            records = client.get("/api/v1/recognition/records", params={"origin_chain_id": a.chain_id}).json()
            assert [r["local_asset_id"] for r in records["data"]] == locals_
            first = records["data"][0]
            assert first["origin_asset_id"] == origin_ids[0] and first["status_name"] == "active"
            assert first["last_verification"]["verdict"] == "match"
            assert first["last_verification"]["report_id"] == report_id
            one = client.get(f"/api/v1/recognition/records/{locals_[1]}").json()["data"]
            assert one["last_verification"]["verdict"] == "stale"
            assert one["certificate_number"].startswith(f"DRL-{a.chain_id}-")
            reports = client.get("/api/v1/recognition/crosschecks").json()["data"]
            assert reports[0]["report_id"] == report_id and reports[0]["counts"]["stale"] == 1
            detail = client.get(f"/api/v1/recognition/crosschecks/{report_id}").json()["data"]
            assert {r["verdict"] for r in detail["results"]} == {"match", "stale"}
            assert client.get("/api/v1/recognition/crosschecks/999").status_code == 404
    finally:
        store.close()
