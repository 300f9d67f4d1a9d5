"""Certificate files: issue, co-sign, verify offline and against the issuing chain."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from ledger.chain.rpc import JsonRpcClient
from ledger.contracts.types import Right
from ledger.recognition import (
    CertificateFormatError,
    CertificateMismatch,
    CertificateSignatureError,
    ChainReader,
    issue_certificate,
    read_certificate,
    sign_certificate,
    verify_against_chain,
    verify_offline,
    write_certificate,
)
from ledger.toolchain import Build
from tests.recognition.conftest import Provinces


def test_issue_write_read_sign_and_verify(provinces: Provinces, build: Build, tmp_path: Path) -> None:
    a = provinces.a
    asset_id = a.world.registered_asset()
    cert = issue_certificate(a.world.registrar, asset_id, build=build)
    path = tmp_path / "cert.json"
    write_certificate(cert, path)
    data = json.loads(path.read_text())
    assert data["domain"] == {"name": "DataRightsLedger Certificate", "version": "1", "chainId": a.chain_id,
                              "verifyingContract": a.registry}
    assert data["certificate_number"] == f"DRL-{a.chain_id}-{cert.certificate.certificate_serial:08d}"
    back = read_certificate(path)
    assert back == cert
    cosigned = sign_certificate(back, a.registrar3.account)
    assert verify_offline(cosigned).signers == (a.world.registrar.address, a.registrar3.address)
    reader = ChainReader(JsonRpcClient(a.url), build, a.registry)
    verified = verify_against_chain(cosigned, reader)
    assert verified.on_chain and set(verified.registrars) == {a.world.registrar.address, a.registrar3.address}
    assert cosigned.certificate.registered_block > 0


def test_offline_verification_rejects_forgeries(provinces: Provinces, build: Build) -> None:
    a = provinces.a
    cert = issue_certificate(a.world.registrar, a.world.registered_asset(), build=build)
    forged = replace(cert, certificate=replace(cert.certificate, grade=2))
    with pytest.raises(CertificateSignatureError, match="recovers to"):
        verify_offline(forged)
    with pytest.raises(CertificateFormatError):
        verify_offline(replace(cert, domain=replace(cert.domain, name="Other")))
    with pytest.raises(CertificateSignatureError, match="no signature"):
        verify_offline(replace(cert, signatures=()))
    bad = cert.to_json()
    bad["certificate"]["contentHash"] = "0x1234"
    with pytest.raises(CertificateFormatError, match="contentHash"):
        type(cert).from_json(bad)


def test_on_chain_verification_catches_wrong_chain_changed_record_and_non_registrars(
    provinces: Provinces, build: Build
) -> None:
    a, b = provinces.a, provinces.b
    asset_id = a.world.registered_asset()
    cert = issue_certificate(a.world.registrar, asset_id, build=build)
    with pytest.raises(CertificateMismatch, match="only registrars sign"):
        issue_certificate(a.world.holder, asset_id, build=build)
    with pytest.raises(CertificateMismatch, match="chain"):
        verify_against_chain(cert, ChainReader(JsonRpcClient(b.url), build, a.registry))
    by_holder = sign_certificate(cert, a.world.holder.account)
    with pytest.raises(CertificateMismatch, match="not an active registrar"):
        verify_against_chain(by_holder, ChainReader(JsonRpcClient(a.url), build, a.registry))
    a.world.holder.transfer_right(asset_id, Right.HOLDING, a.world.holder2.address)
    with pytest.raises(CertificateMismatch, match="holding_holder"):
        verify_against_chain(cert, ChainReader(JsonRpcClient(a.url), build, a.registry))
