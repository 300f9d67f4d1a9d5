"""Adversarial suite, recognition of other provinces' registrations (issue 11, rules 15 and 16): a hostile but
admitted participant launders a grade through a link, suspends or lifts what is not its region's, imports a
stale or expired certificate over a newer one, re-keys an origin asset to import it twice, revives a local
record that was cancelled, or takes back a right sold here with a certificate from the origin. Each attack
is mined and reverts with its own custom error, nothing changed; next to it, the legitimate path works.

One chain plays both sides: the origin province is an agreement with a chain id and registry of this
world's choosing, whose registrars (two dev keys) sign certificates against that origin's EIP-712 domain.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from eth_typing import Hash32

import ledger.contracts.errors as E
from ledger.client import LedgerClient
from ledger.contracts.types import AssetStatus, Category, Delivery, Grade, Kind, Right, Trade
from tests.contracts.attack import Watch, refused, send
from tests.contracts.conftest import OTHER_REGION, REGION, World, h, unique_hash

ORIGIN_CHAIN = 4501
ORIGIN_REGISTRY = "0x4501450145014501450145014501450145014501"
SECOND_REGISTRY = "0x4502450245024502450245024502450245024502"


@dataclass(frozen=True)
class Cert:
    """A registration certificate of the origin province (``IRecognition.Certificate``)."""

    asset_id: int
    content_hash: bytes
    holder: str
    category: Category = Category.ENTERPRISE
    grade: Grade = Grade.GENERAL
    processing: str | None = None
    status: AssetStatus = AssetStatus.REGISTERED
    issued_block: int = 100
    expires_at: int = 2**40

    def as_abi(self) -> tuple[Any, ...]:
        return (
            self.asset_id, self.content_hash, int(self.category), int(self.grade), int(Kind.DATASET), self.holder,
            self.processing or self.holder, self.holder, 7, 50, 1_700_000_000, int(self.status), self.issued_block,
            self.expires_at,
        )  # fmt: skip


def signed(w: World, cert: Cert, chain: int = ORIGIN_CHAIN, registry: str = ORIGIN_REGISTRY) -> list[bytes]:
    """The certificate signed by the origin's two registrars (dev keys of the registrar and foreign registrar)
    under the domain of ``chain`` and ``registry``."""
    digest = bytes(w.holder.view("Recognition", "certificateDigest", chain, registry, cert.as_abi()))
    return [bytes(c.account.unsafe_sign_hash(Hash32(digest)).signature) for c in (w.registrar, w.foreign_registrar)]


def agree(w: World, chain: int = ORIGIN_CHAIN, registry: str = ORIGIN_REGISTRY) -> None:
    w.authority.set_agreement(chain, registry, [w.registrar.address, w.foreign_registrar.address], 2)


def importing(w: World, cert: Cert, *, by: LedgerClient | None = None, chain: int = ORIGIN_CHAIN,
              signatures: list[bytes] | None = None) -> partial[Any]:  # fmt: skip
    by = by or w.registrar
    sigs = signed(w, cert, chain) if signatures is None else signatures
    return partial(send, by, "Recognition", "importCertificate", chain, cert.as_abi(), sigs)


def imported(w: World, cert: Cert, chain: int = ORIGIN_CHAIN) -> int:
    return int(importing(w, cert, chain=chain)().event("CertificateImported")["localAssetId"])


def origin_asset(w: World, holder: LedgerClient | None = None, **kw: Any) -> Cert:
    return Cert(asset_id=int.from_bytes(unique_hash("origin id")[:4], "big"), content_hash=unique_hash("origin"),
                holder=(holder or w.holder).address, **kw)  # fmt: skip


# ─────────────────────────────────────────── rule 15: recognition


def test_r15_a_recognised_record_keeps_the_origins_grade_and_category(world: World) -> None:
    """A core-grade certificate linked to a general-grade local registration would make core data licensable
    abroad here; a public-data certificate linked to an enterprise record would leave the guided band."""
    w = world
    agree(w)
    general = w.registered_asset()
    content = w.holder.get_asset(general)["contentHash"]
    core = replace(origin_asset(w), content_hash=content, grade=Grade.CORE)
    refused(w, E.RecognitionClassificationMismatch, importing(w, core), Watch(assets=[general]), localAssetId=general,
            localCategory=Category.ENTERPRISE, localGrade=Grade.GENERAL, category=Category.ENTERPRISE,
            grade=Grade.CORE)  # fmt: skip
    public = replace(core, grade=Grade.GENERAL, category=Category.PUBLIC)
    refused(w, E.RecognitionClassificationMismatch, importing(w, public), Watch(assets=[general]),
            localAssetId=general, category=Category.PUBLIC)  # fmt: skip
    # Not linked, the recognised asset carries the origin's grade: core data does not cross the border here.
    local = imported(w, origin_asset(w, grade=Grade.CORE))
    assert w.holder.get_asset(local)["grade"] == Grade.CORE
    refused(w, E.LicenseCrossBorderForbidden,
            partial(send, w.holder, "AssetRegistry", "grantLicense", local, w.holder2.address,
                    w.terms(regions=(810000,)).as_abi()),
            Watch(assets=[local]), assetId=local, grade=Grade.CORE)  # fmt: skip
    # Same classification, same holder: linked.
    assert imported(w, replace(core, grade=Grade.GENERAL)) == general


def test_r15_only_the_assets_region_suspends_and_lifts_and_a_suspension_holds(world: World) -> None:
    w = world
    agree(w)
    local = imported(w, origin_asset(w))
    view = Watch(assets=[local], recognised=[local])
    refused(w, E.RecognitionWrongRegion,
            partial(send, w.foreign_registrar, "Recognition", "suspend", local, h("not mine")), view,
            registrar=w.foreign_registrar.address, registrarRegion=OTHER_REGION, assetRegion=REGION)  # fmt: skip
    for who in (w.supervisor, w.holder2, w.exchange):
        refused(w, E.ParticipantUnauthorized, partial(send, who, "Recognition", "suspend", local, h("suspend")),
                view, account=who.address)  # fmt: skip
    w.registrar.suspend_recognised(local, h("re-check failed"))
    # Suspended: the holder can neither license, sell, nor cancel its way out of it.
    refused(w, E.RegistryAssetSuspended,
            partial(send, w.holder, "AssetRegistry", "grantLicense", local, w.holder2.address, w.terms().as_abi()),
            view, assetId=local)  # fmt: skip
    refused(w, E.RegistryAssetSuspended,
            partial(send, w.holder, "AssetRegistry", "cancelRegistration", local, h("escape")), view,
            assetId=local)  # fmt: skip
    for who in (w.foreign_registrar, w.holder):
        refused(w, E.RecognitionWrongRegion if who is w.foreign_registrar else E.ParticipantUnauthorized,
                partial(send, who, "Recognition", "reinstate", local, h("lift")), view)  # fmt: skip
    w.authority.reinstate_recognised(local, h("re-check passed"))
    w.holder.grant_license(local, w.holder2.address, w.terms())


def test_r15_an_expired_or_stale_certificate_cannot_overwrite_a_newer_one(world: World) -> None:
    w = world
    agree(w)
    first = origin_asset(w, issued_block=100)
    local = imported(w, first)
    # At the origin the holding right moved to holder2 (block 200); the newer certificate brings that here.
    newer = replace(first, holder=w.holder2.address, issued_block=200)
    imported(w, newer)
    assert w.holder.holder_of(local, Right.HOLDING) == w.holder2.address
    view = Watch(assets=[local], recognised=[local])
    for stale in (first, replace(first, issued_block=150), newer):
        refused(w, E.RecognitionStaleCertificate, importing(w, stale), view, originChainId=ORIGIN_CHAIN,
                originAssetId=first.asset_id, localAssetId=local, importedIssuedBlock=200,
                issuedBlock=stale.issued_block)  # fmt: skip
    expired = replace(first, holder=w.holder.address, issued_block=300, expires_at=w.chain_time() - 1)
    refused(w, E.RecognitionCertificateExpired, importing(w, expired), view, originAssetId=first.asset_id,
            expiresAt=expired.expires_at)  # fmt: skip
    # A certificate signed for another chain or another registry is no certificate of the origin.
    fresh = replace(first, holder=w.holder.address, issued_block=300)
    for chain, registry in ((ORIGIN_CHAIN + 1, ORIGIN_REGISTRY), (ORIGIN_CHAIN, SECOND_REGISTRY)):
        refused(w, E.RecognitionBelowThreshold,
                importing(w, fresh, signatures=signed(w, fresh, chain, registry)), view, validSignatures=0,
                threshold=2)  # fmt: skip
    imported(w, fresh)
    assert w.holder.holder_of(local, Right.HOLDING) == w.holder.address


def test_r15_an_origin_asset_is_imported_once_however_it_is_re_keyed(world: World) -> None:
    """The records are keyed by origin chain, registry and asset: re-pointing the agreement at another registry
    address, or presenting the same data from a second origin, does not import it a second time."""
    w = world
    agree(w)
    cert = origin_asset(w)
    local = imported(w, cert)
    w.authority.set_agreement(ORIGIN_CHAIN, SECOND_REGISTRY, [w.registrar.address, w.foreign_registrar.address], 2)
    rekeyed = partial(send, w.registrar, "Recognition", "importCertificate", ORIGIN_CHAIN, cert.as_abi(),
                      signed(w, cert, ORIGIN_CHAIN, SECOND_REGISTRY))  # fmt: skip
    view = Watch(assets=[local], recognised=[local])
    refused(w, E.RecognitionAlreadyImported, rekeyed, view, originChainId=ORIGIN_CHAIN,
            originAssetId=cert.asset_id, localAssetId=local)  # fmt: skip
    agree(w, 5301)
    refused(w, E.RecognitionAlreadyImported, importing(w, cert, chain=5301), view, localAssetId=local)
    # Other data under the same origin asset id, from the second origin: its own record.
    other = imported(w, replace(cert, content_hash=unique_hash("other data")), chain=5301)
    assert other != local
    assert w.holder.local_asset_of(5301, ORIGIN_REGISTRY, cert.asset_id) == other


def test_r15_an_import_revives_no_cancelled_pending_or_rejected_local_record(world: World) -> None:
    w = world
    agree(w)
    cancelled = w.registered_asset()
    w.holder.cancel_registration(cancelled, h("withdrawn"))
    rejected = w.holder.apply_registration(w.registration())
    w.registrar.review_registration(rejected, False, h("rejected"))
    pending = w.holder2.apply_registration(w.registration())
    locals_ = {}
    for record in (cancelled, rejected, pending):
        before = w.holder.get_asset(record)
        cert = replace(origin_asset(w), content_hash=before["contentHash"])
        local = imported(w, cert)
        assert local not in (cancelled, rejected, pending)
        assert not w.holder.get_recognised(local)["linked"]
        assert w.holder.get_asset(record) == before
        locals_[record] = (local, before["contentHash"])
    refused(w, E.RegistryContentHashRegistered,
            partial(send, w.registrar, "AssetRegistry", "reviewRegistration", pending, True, h("approve")),
            Watch(assets=[pending]), assetId=locals_[pending][0], contentHash=locals_[pending][1])  # fmt: skip
    # A cancellation certificate of an origin asset never imported is not a registration to recognise.
    never = replace(origin_asset(w), status=AssetStatus.CANCELLED)
    refused(w, E.RecognitionInvalidCertificate, importing(w, never), originAssetId=never.asset_id)


def test_r15_a_right_sold_here_is_not_taken_back_by_a_certificate_from_the_origin(world: World) -> None:
    """Beyond the list. A recognised asset follows its origin's holders: each newer certificate sets them here.
    Were its rights sold here, the seller would take the buyer's money, ask the origin's registrars for a fresh
    certificate (stating the origin's unchanged state) and have it imported: the right would return to it. So
    the rights of a recognised asset change hands at its origin only (a newer certificate brings the change);
    here it is licensed and its licences are sold."""
    w = world
    agree(w)
    cert = origin_asset(w, issued_block=100)
    local = imported(w, cert)
    w.fund(w.holder2, 20_000)
    view = Watch(assets=[local])
    for right in Right:
        refused(w, E.RegistryRecognisedRight,
                partial(send, w.holder, "AssetRegistry", "transferRight", local, int(right), w.holder2.address), view,
                assetId=local, right=right)  # fmt: skip
    sale = Trade(unique_hash("sale"), local, w.holder.address, w.holder2.address, 10_000, delivery=Delivery.RIGHT,
                 right=Right.OPERATION)  # fmt: skip
    refused(w, E.RegistryRecognisedRight,
            partial(w.exchange.settle, sale, 0, w.consent(sale), gas=3_000_000),
            Watch(assets=[local], trades=[(w.exchange.address, sale.trade_id)]), assetId=local,
            right=Right.OPERATION)  # fmt: skip
    # Its licences are sold here; its rights move with the origin's certificates.
    licence = Trade(unique_hash("licence"), local, w.holder.address, w.holder2.address, 10_000, terms=w.terms())
    w.settle(licence)
    imported(w, replace(cert, holder=w.holder2.address, issued_block=200))
    assert w.holder.holder_of(local, Right.HOLDING) == w.holder2.address
    # A registration made here and linked to the origin's stands on its own: its rights trade here.
    linked = w.registered_asset()
    imported(w, replace(origin_asset(w), content_hash=w.holder.get_asset(linked)["contentHash"]))
    w.holder.transfer_right(linked, Right.OPERATION, w.holder2.address)


# ─────────────────────────────────────────── rule 16: chain ids


def test_r16_an_agreement_never_names_this_chain(world: World) -> None:
    """An agreement with this chain's own id would make certificates signed here count as the other province's
    (same chain id, and deployments at deterministic addresses): refused."""
    w = world
    own = w.holder.chain_id
    refused(w, E.RecognitionSelfAgreement,
            partial(send, w.authority, "Recognition", "setAgreement", own, ORIGIN_REGISTRY, [w.registrar.address], 1),
            Watch(extra=[partial(w.holder.get_agreement, own)]), chainId=own)  # fmt: skip
    agree(w)
    assert w.holder.get_agreement(ORIGIN_CHAIN)["threshold"] == 2
