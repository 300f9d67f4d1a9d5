"""Recognition on-chain: agreements, M-of-N imports, duplicates, conflicts, replay across chains and registries."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ledger.contracts import errors as E
from ledger.contracts.types import AssetStatus, Right
from ledger.recognition import CertificateDomain, CertificateFile, issue_certificate, sign_certificate
from tests.contracts.conftest import h
from tests.recognition.conftest import Province, Provinces


def agree(b: Province, a: Province, threshold: int = 2) -> None:
    b.world.authority.set_agreement(a.chain_id, a.registry, [r.address for r in a.registrars()], threshold)


def certificate(a: Province, signers: int = 2, **registration: object) -> CertificateFile:
    asset_id = a.world.registered_asset(**registration)
    regs = a.registrars()
    return issue_certificate(regs[0], asset_id, signers=[r.account for r in regs[1:signers]])


def import_(b: Province, cert: CertificateFile) -> int:
    registrar = b.world.registrar
    result = registrar.import_certificate(cert.domain.chain_id, cert.certificate.as_abi(), cert.signature_bytes())
    return int(result.event("CertificateImported")["localAssetId"])


def test_digest_matches_the_contract(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    cert = certificate(a)
    on_chain = b.world.registrar.view(
        "Recognition", "certificateDigest", a.chain_id, a.registry, cert.certificate.as_abi()
    )
    assert bytes(on_chain) == cert.digest()


def test_import_with_m_of_n_registers_a_recognised_asset_usable_for_licences(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a, threshold=2)
    cert = certificate(a, signers=2)
    result = b.world.registrar.import_certificate(a.chain_id, cert.certificate.as_abi(), cert.signature_bytes())
    ev = result.event("CertificateImported")
    local = int(ev["localAssetId"])
    assert sorted(ev["signers"]) == sorted(r.address for r in a.registrars()[:2])
    assert ev["certificateDigest"] == cert.digest() and not ev["linked"]
    asset = b.world.registrar.get_asset(local)
    assert asset["status"] == AssetStatus.REGISTERED
    assert "0x" + asset["contentHash"].hex() == cert.certificate.content_hash
    assert asset["holdingHolder"] == cert.certificate.holding_holder
    rec = b.world.registrar.get_recognised(local)
    assert (rec["originChainId"], rec["originAssetId"], rec["originRegistry"]) == (
        a.chain_id, cert.certificate.asset_id, a.registry,
    )
    assert b.world.registrar.local_asset_of(a.chain_id, a.registry, cert.certificate.asset_id) == local
    other_registry = a.world.contracts.address["TradeSettlement"]  # deployments are deterministic: same addresses
    assert b.world.registrar.local_asset_of(a.chain_id, other_registry, cert.certificate.asset_id) == 0
    # Licensed in B under B's rules, by the holder (the same key is admitted in B).
    licence = b.world.holder.grant_license(local, b.world.merchant.address, b.world.terms())
    assert b.world.holder.get_license(licence)["assetId"] == local
    assert result.find("RegistrationApplied") and result.find("AssetRegistered")


def test_same_certificate_cannot_be_imported_twice(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a)
    cert = certificate(a)
    local = import_(b, cert)
    with pytest.raises(E.RecognitionStaleCertificate) as exc:
        import_(b, cert)
    assert (exc.value.localAssetId, exc.value.originAssetId) == (local, cert.certificate.asset_id)
    assert exc.value.importedIssuedBlock == exc.value.issuedBlock == cert.certificate.issued_block


def test_below_threshold_is_rejected_and_duplicate_signers_count_once(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a, threshold=2)
    cert = certificate(a, signers=1)
    with pytest.raises(E.RecognitionBelowThreshold) as exc:
        import_(b, cert)
    assert (exc.value.validSignatures, exc.value.threshold) == (1, 2)
    doubled = cert.signature_bytes() * 3
    with pytest.raises(E.RecognitionBelowThreshold) as exc:
        b.world.registrar.import_certificate(a.chain_id, cert.certificate.as_abi(), doubled)
    assert exc.value.validSignatures == 1


def test_signatures_of_non_agreed_registrars_do_not_count(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a, threshold=2)
    cert = certificate(a, signers=1)
    outsider_signed = sign_certificate(cert, a.world.holder.account)
    with pytest.raises(E.RecognitionBelowThreshold):
        import_(b, outsider_signed)


def test_signatures_for_another_chain_are_rejected(provinces: Provinces) -> None:
    """C's registrars are the same keys as A's; a certificate signed under C's domain must not pass as A's."""
    a, b, c = provinces.a, provinces.b, provinces.c
    agree(b, a, threshold=2)
    cert_c = certificate(c, signers=3)
    with pytest.raises(E.RecognitionBelowThreshold) as exc:
        b.world.registrar.import_certificate(a.chain_id, cert_c.certificate.as_abi(), cert_c.signature_bytes())
    assert exc.value.validSignatures == 0


def test_signatures_for_another_registry_are_rejected(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a, threshold=1)
    cert = certificate(a, signers=0)
    # Deployments are deterministic, so every province's registry has the same address: sign for
    # another contract of A instead.
    other_registry = a.world.contracts.address["TradeSettlement"]
    other = CertificateFile(CertificateDomain(a.chain_id, other_registry), cert.certificate)
    for r in a.registrars():
        other = sign_certificate(other, r.account)
    with pytest.raises(E.RecognitionBelowThreshold):
        import_(b, other)


def test_content_hash_registered_by_another_holder_is_a_conflict_naming_both(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a)
    cert = certificate(a)
    content = bytes.fromhex(cert.certificate.content_hash[2:])
    local = b.world.registered_asset(b.world.holder2, content_hash=content)
    with pytest.raises(E.RecognitionContentConflict) as exc:
        import_(b, cert)
    assert exc.value.localAssetId == local
    assert exc.value.localHolder == b.world.holder2.address
    assert exc.value.certificateHolder == cert.certificate.holding_holder


def test_same_holder_local_registration_is_linked(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a)
    cert = certificate(a)
    local = b.world.registered_asset(b.world.holder, content_hash=bytes.fromhex(cert.certificate.content_hash[2:]))
    assert import_(b, cert) == local
    assert b.world.registrar.get_recognised(local)["linked"]


def test_a_tampered_certificate_does_not_recover_the_signers(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a)
    cert = certificate(a)
    forged = replace(cert, certificate=replace(cert.certificate, holding_holder=b.world.merchant.address))
    with pytest.raises(E.RecognitionBelowThreshold):
        import_(b, forged)


def test_no_agreement_and_revoked_agreement_refuse_imports(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    cert = certificate(a)
    with pytest.raises(E.RecognitionNoAgreement):
        import_(b, cert)
    agree(b, a)
    b.world.authority.revoke_agreement(a.chain_id)
    with pytest.raises(E.RecognitionNoAgreement):
        import_(b, cert)


def test_agreement_rules(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    regs = [r.address for r in a.registrars()]
    with pytest.raises(E.ParticipantUnauthorized):
        b.world.registrar.set_agreement(a.chain_id, a.registry, regs, 2)
    with pytest.raises(E.RecognitionInvalidThreshold):
        b.world.authority.set_agreement(a.chain_id, a.registry, regs, 4)
    with pytest.raises(E.RecognitionInvalidThreshold):
        b.world.authority.set_agreement(a.chain_id, a.registry, regs, 0)
    with pytest.raises(E.RecognitionDuplicateRegistrar):
        b.world.authority.set_agreement(a.chain_id, a.registry, [regs[0], regs[0]], 1)
    with pytest.raises(E.RecognitionSelfAgreement):
        b.world.authority.set_agreement(b.chain_id, b.registry, regs, 1)
    first = b.world.authority.set_agreement(a.chain_id, a.registry, regs, 2).event("AgreementSet")
    second = b.world.authority.set_agreement(a.chain_id, a.registry, regs[:2], 1).event("AgreementSet")
    assert (first["version"], second["version"]) == (1, 2)
    got = b.world.authority.get_agreement(a.chain_id)
    assert (got["threshold"], list(got["registrars"])) == (1, regs[:2])


def test_only_registrars_import_and_only_recognition_registers(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a)
    cert = certificate(a)
    with pytest.raises(E.ParticipantUnauthorized):
        b.world.holder.import_certificate(a.chain_id, cert.certificate.as_abi(), cert.signature_bytes())
    reg = b.world.registration()
    with pytest.raises(E.RegistryOnlyCaller) as exc:
        b.world.authority._tx("AssetRegistry", "registerRecognised", reg.as_abi(), b.world.holder.address,
                              b.world.registrar.address)  # fmt: skip
    assert exc.value.expected == b.world.contracts.address["Recognition"]


def test_suspension_blocks_the_recognised_asset_until_lifted(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a)
    local = import_(b, certificate(a))
    result = b.world.registrar.suspend_recognised(local, h("re-check: cancelled in A"))
    assert result.event("RecognitionSuspended") == {
        "localAssetId": local, "by": b.world.registrar.address, "reasonHash": h("re-check: cancelled in A"),
    }  # fmt: skip
    asset = b.world.registrar.get_asset(local)
    assert asset["suspended"] and not asset["frozen"]  # a suspension, not the authority's freeze
    assert b.world.registrar.get_recognised(local)["status"] == 2
    with pytest.raises(E.RegistryAssetSuspended):
        b.world.holder.grant_license(local, b.world.merchant.address, b.world.terms())
    with pytest.raises(E.RecognitionInvalidStatus):
        b.world.registrar.suspend_recognised(local, h("again"))
    with pytest.raises(E.RecognitionUnknownRecord):
        b.world.registrar.suspend_recognised(local + 100, h("none"))
    # Only a registrar of the asset's region, or the authority, lifts it; then the asset trades again.
    with pytest.raises(E.RecognitionWrongRegion):
        b.world.foreign_registrar.reinstate_recognised(local, h("lift"))
    lifted = b.world.authority.reinstate_recognised(local, h("re-check passed"))
    assert lifted.event("RecognitionReinstated")["by"] == b.world.authority.address
    assert not b.world.registrar.get_asset(local)["suspended"]
    assert b.world.registrar.get_recognised(local)["status"] == 1
    b.world.holder.grant_license(local, b.world.merchant.address, b.world.terms())
    with pytest.raises(E.RecognitionInvalidStatus):
        b.world.registrar.reinstate_recognised(local, h("not suspended"))


def test_split_holders_carry_over(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a)
    cert = certificate(a, processing_holder=a.world.holder2.address)
    local = import_(b, cert)
    assert b.world.registrar.holder_of(local, Right.PROCESSING) == a.world.holder2.address
    assert b.world.registrar.holder_of(local, Right.OPERATION) == a.world.holder.address


def test_two_origins_side_by_side_and_a_conflict_between_them(provinces: Provinces) -> None:
    """B recognises A and C; the same data registered in A and in C by different holders: the second
    import is refused, naming the holder of the first."""
    a, b, c = provinces.a, provinces.b, provinces.c
    agree(b, a)
    agree(b, c)
    from_a = import_(b, certificate(a))
    from_c = import_(b, certificate(c))
    assert b.world.registrar.get_recognised(from_a)["originChainId"] == a.chain_id
    assert b.world.registrar.get_recognised(from_c)["originChainId"] == c.chain_id
    in_a = a.world.registered_asset(content_hash=h("shared dataset"))
    first = import_(b, issue_certificate(a.world.registrar, in_a, signers=[a.registrar3.account]))
    regs = c.registrars()
    in_c = c.world.registered_asset(c.world.holder2, content_hash=h("shared dataset"))
    cert_c = issue_certificate(regs[0], in_c, signers=[regs[1].account])
    with pytest.raises(E.RecognitionContentConflict) as exc:
        import_(b, cert_c)
    assert (exc.value.localAssetId, exc.value.localHolder, exc.value.certificateHolder) == (
        first, a.world.holder.address, c.world.holder2.address,
    )
    assert b.world.registrar.recognised_count() == 3


# ─────────────────────────────────────────── certificates that expire and supersede one another


def test_an_expired_certificate_is_refused(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a)
    asset = a.world.registered_asset()
    regs = a.registrars()
    cert = issue_certificate(regs[0], asset, signers=[regs[1].account], valid_for=60)
    b.world.rpc.call("evm_increaseTime", [3600])
    b.world.rpc.call("evm_mine")
    with pytest.raises(E.RecognitionCertificateExpired) as exc:
        import_(b, cert)
    assert (exc.value.originAssetId, exc.value.expiresAt) == (asset, cert.certificate.expires_at)
    assert b.world.registrar.recognised_count() == 0


def test_a_newer_certificate_moves_the_recognised_rights_and_an_older_one_is_refused(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a)
    asset = a.world.registered_asset()
    regs = a.registrars()
    first = issue_certificate(regs[0], asset, signers=[regs[1].account])
    local = import_(b, first)
    # In A the holding right changes hands; A's registrars issue a newer certificate.
    a.world.holder.transfer_right(asset, Right.HOLDING, a.world.holder2.address)
    newer = issue_certificate(regs[0], asset, signers=[regs[1].account])
    assert newer.certificate.issued_block > first.certificate.issued_block
    result = b.world.registrar.import_certificate(a.chain_id, newer.certificate.as_abi(), newer.signature_bytes())
    assert result.event("CertificateImported")["superseded"]
    assert result.event("RightTransferred") == {
        "assetId": local, "right": Right.HOLDING, "from": a.world.holder.address, "to": a.world.holder2.address,
        "tradeId": b"\x00" * 32,
    }  # fmt: skip
    assert b.world.registrar.holder_of(local, Right.HOLDING) == a.world.holder2.address
    assert b.world.registrar.get_recognised(local)["issuedBlock"] == newer.certificate.issued_block
    # The stale one cannot be imported over the newer one.
    with pytest.raises(E.RecognitionStaleCertificate) as exc:
        import_(b, first)
    assert (exc.value.importedIssuedBlock, exc.value.issuedBlock) == (newer.certificate.issued_block,
                                                                 first.certificate.issued_block)  # fmt: skip
    assert b.world.registrar.holder_of(local, Right.HOLDING) == a.world.holder2.address


def test_a_cancellation_certificate_cancels_the_recognised_asset(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a)
    asset = a.world.registered_asset()
    regs = a.registrars()
    local = import_(b, issue_certificate(regs[0], asset, signers=[regs[1].account]))
    licence = b.world.holder.grant_license(local, b.world.merchant.address, b.world.terms())
    a.world.registrar.cancel_registration(asset, h("cancelled in A"))
    cancelled = issue_certificate(regs[0], asset, signers=[regs[1].account])
    assert cancelled.certificate.status == AssetStatus.CANCELLED
    result = b.world.registrar.import_certificate(
        a.chain_id, cancelled.certificate.as_abi(), cancelled.signature_bytes()
    )
    assert result.event("RegistrationCancelled")["assetId"] == local
    assert b.world.registrar.get_asset(local)["status"] == AssetStatus.CANCELLED
    assert b.world.registrar.get_recognised(local)["status"] == 3
    assert not b.world.registrar.is_license_valid(licence, b.world.chain_time())
    # A cancellation certificate of an asset never imported is not a registration to recognise.
    other = a.world.registered_asset()
    a.world.registrar.cancel_registration(other, h("cancelled"))
    with pytest.raises(E.RecognitionInvalidCertificate):
        import_(b, issue_certificate(regs[0], other, signers=[regs[1].account]))


def test_linking_keeps_the_origins_classification_and_needs_a_registered_local_record(provinces: Provinces) -> None:
    """A core-grade certificate cannot link to a general-grade local registration; nor can it link to (and so
    revive) a local record that was cancelled."""
    a, b = provinces.a, provinces.b
    agree(b, a)
    content = h("classified dataset")
    general_here = b.world.registered_asset(content_hash=content)
    core_there = a.world.registered_asset(content_hash=content, grade=2)
    regs = a.registrars()
    cert = issue_certificate(regs[0], core_there, signers=[regs[1].account])
    with pytest.raises(E.RecognitionClassificationMismatch) as exc:
        import_(b, cert)
    assert (exc.value.localAssetId, exc.value.localGrade, exc.value.grade) == (general_here, 0, 2)
    assert b.world.registrar.recognised_count() == 0
    # Same data, same grade: linked.
    content2 = h("linked dataset")
    here = b.world.registered_asset(content_hash=content2)
    there = a.world.registered_asset(content_hash=content2)
    linked = b.world.registrar.import_certificate(
        a.chain_id, *(lambda c: (c.certificate.as_abi(), c.signature_bytes()))(
            issue_certificate(regs[0], there, signers=[regs[1].account]))
    ).event("CertificateImported")  # fmt: skip
    assert linked["linked"] and linked["localAssetId"] == here


def test_pending_local_applications_do_not_block_a_recognition(provinces: Provinces) -> None:
    """A squatter's pending application for the content hash in B holds nothing: the import registers the asset,
    and the squatter's application can no longer be approved."""
    a, b = provinces.a, provinces.b
    agree(b, a)
    content = h("squatted dataset")
    squatted = b.world.holder2.apply_registration(b.world.registration(content_hash=content))
    there = a.world.registered_asset(content_hash=content)
    regs = a.registrars()
    local = import_(b, issue_certificate(regs[0], there, signers=[regs[1].account]))
    assert local != squatted and b.world.registrar.get_asset(local)["holdingHolder"] == a.world.holder.address
    with pytest.raises(E.RegistryContentHashRegistered):
        b.world.registrar.review_registration(squatted, True, h("approve the squatter"))


def test_only_registrars_of_the_assets_region_or_the_authority_suspend(provinces: Provinces) -> None:
    a, b = provinces.a, provinces.b
    agree(b, a)
    local = import_(b, certificate(a))
    with pytest.raises(E.RecognitionWrongRegion) as exc:
        b.world.foreign_registrar.suspend_recognised(local, h("not mine"))
    assert exc.value.registrar == b.world.foreign_registrar.address
    with pytest.raises(E.ParticipantUnauthorized):
        b.world.supervisor.suspend_recognised(local, h("not a registrar"))
    b.world.authority.suspend_recognised(local, h("the authority"))
    assert b.world.registrar.get_recognised(local)["status"] == 2
