"""Chain activity for the indexer and audit tests: every event type the contracts emit, and bulk trades.

:func:`every_event_round` plays one round of the market touching every event of the system's contracts
(``EIP712DomainChanged`` aside: nothing emits it after deployment) and the state behind them: pending,
accepted, dismissed and standing objections; shared and exclusive licences (pruned, revoked, swapped),
sublicences and territories outside the mainland; public data licensed as an authorised operation;
signed-consent, mandated, off-exchange and non-atomic batch settlement with refusals (licences sold); revenue
shares held for a suspended recipient and claimed, and held for a revoked one and released by the authority;
recognised registrations imported, linked, superseded, cancelled, suspended and reinstated; products listed,
amended, sold under a listing, withdrawn and delisted; a public-data opening list published, its entries linked,
opened by a licence and by a listing, and withdrawn; contracts paused (one of them twice) and unpaused. It leaves
some of that state standing (a pending and an open objection, an unused approval, held shares, a mandate and a
listing in force, a suspended recognition) so that the
audit's checks of it compare something. :func:`bulk_trades` settles licence trades in batches for volume.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount

from ledger.chain import EmbeddedNode
from ledger.chain.rpc import JsonRpcClient
from ledger.client import LedgerClient
from ledger.contracts.types import (
    AccountingCategory,
    AssetStatus,
    Category,
    Delivery,
    Derecognition,
    DisclosureKind,
    Grade,
    Kind,
    LicenseTerms,
    Mandate,
    Measurement,
    OpeningEntry,
    OrderTarget,
    Paused,
    QualityProblem,
    QualitySeverity,
    Registration,
    Right,
    Role,
    Trade,
    ValuationMethod,
)
from ledger.disclosure import CST, month_start
from ledger.settings import LedgerSettings
from ledger.toolchain import Build
from tests.conftest import free_port
from tests.contracts.conftest import REGION, RESERVE, World, build_world, h, unique_hash
from tests.credit_codes import code_for

_ids = itertools.count(1)
DAY = 86_400

# Every event of the system's ABIs that the market can emit.
EVENT_TYPES = frozenset({
    "DeclarationFiled", "ParticipantAdmitted", "ParticipantRolesChanged", "ParticipantStatusChanged",
    "ParticipantKeyChanged",
    "AssetRegistered", "LicenseGranted", "LicenseRevoked", "LicenseTransferred", "RegistrationApplied",
    "RegistrationCancelled", "RegistrationChanged", "RegistrationRejected", "RightTransferred",
    "AnonymisationAttested", "AssetFrozen", "AssetUnfrozen", "ObjectionAccepted", "ObjectionLodged",
    "ObjectionResolved", "PublicOperationAuthorised", "PublicOperationUsed", "ContractsPaused", "ContractsUnpaused",
    "Approval", "Issued", "Redeemed", "Transfer", "IssuanceLimitSet",
    "HeldSharesClaimed", "HeldSharesReleased", "NonceUsed", "PriceBandSet", "RevenueSharesSet", "TradeRefused",
    "TradeSettled",
    "MandateGranted", "MandateRevoked",
    "CreditEventRecorded", "RectificationClosed", "RectificationOrdered",
    "AgreementSet", "AgreementRevoked", "CertificateImported", "RecognitionSuspended", "RecognitionReinstated",
    "AppraiserAccredited", "AppraiserRevoked", "ValuationFiled", "ValuationWithdrawn", "ValuationRejected",
    "AssetRecognised", "RecognitionRemeasured", "RecognitionCarriedOver", "AssetDerecognised",
    "DisclosureRequirementSet", "DisclosureFiled",
    "ResponseWindowSet", "QualityReportFiled", "QualityReportAnswered", "QualityReportOverdue", "QualityReportFixed",
    "QualityReportRuled", "QualityReportWithdrawn",
    "ProductListed", "ProductDelisted",
    "OpeningListPublished", "OpeningEntryPublished", "OpeningEntryRegistered", "OpeningEntryOpened",
    "OpeningEntryWithdrawn",
    # the governance: the access manager's and the officers' Safes'
    "RoleGranted", "RoleRevoked", "RoleLabel", "RoleGuardianChanged", "TargetFunctionRoleUpdated",
    "OperationScheduled", "OperationExecuted", "SafeSetup", "EnabledModule", "ChangedGuard", "ChangedModuleGuard",
    "SafeMultiSigTransaction", "ExecutionSuccess",
})  # fmt: skip

#: A made-up other province whose registrar is the world's registrar key (tests/recognition has real ones).
ORIGIN_CHAIN = 9_999


def trade_id(label: str) -> bytes:
    return h(f"{label}-{next(_ids)}")


def seller_net(price: int, fee: int, bps: list[int]) -> int:
    """What the seller nets: the price less the fee and each revenue share (rounded down)."""
    net = price - fee
    return net - sum(net * b // 10_000 for b in bps)


def consent_settle(w: World, trade: Trade, bps: list[int]) -> Any:
    """``w.exchange`` settles ``trade`` with its seller's signed consent (exactly its net)."""
    seller = _client(w, trade.seller)
    net = seller_net(trade.price, trade.fee, bps)
    consent = seller.sign_sales_consent([(trade, net)], w.exchange.address, nonce=next(_ids), deadline=2**40)
    return w.exchange.settle(trade, net, consent)


def _client(w: World, address: str) -> LedgerClient:
    return next(c for c in w.all_clients() if c.address == address)


def every_event_round(w: World) -> None:
    """One round of the market that emits every event type (run it again for more of the same)."""
    registration_round(w)
    asset, personal = w.registered_asset(), w.registered_asset(category=Category.PERSONAL)
    objection_round(w, asset, personal)
    w.authority.freeze(personal, h("inquiry"))
    w.authority.unfreeze(personal, h("inquiry closed"))
    licence_round(w, asset)
    public_operation_round(w)

    w.authority.set_roles(w.holder2.address, Role.DATA_HOLDER)
    w.merchant.file_declaration(unique_hash("declaration"))
    w.bank.issue(w.merchant.address, 1_000_000, RESERVE)
    w.bank.issue(w.bank.address, 5_000, RESERVE)
    w.bank.redeem(1_000)
    w.merchant.approve(w.exchange.address, 1_000_000)
    w.merchant.transfer(w.provider.address, 100)
    w.authority.set_price_band(Kind.DATASET, 1, 10**12)

    trade_round(w, asset, personal)
    w.holder.transfer_right(asset, Right.PROCESSING, w.holder2.address)

    order = w.supervisor.open_order(OrderTarget.ASSET, asset_id=asset, document_hash=h("order"))
    w.supervisor.close_order(order, h("rectified"))
    w.supervisor.open_order(OrderTarget.PARTICIPANT, participant=w.merchant.address, document_hash=h("order 2"))
    w.supervisor.record_credit_event(w.merchant.address, 3, -5, h("late filing"))

    valuation_round(w)
    disclosure_round(w)
    quality_round(w)
    listing_round(w)
    opening_round(w)
    key_change_round(w)
    recognition_round(w)
    pause_round(w)


def _fresh_key(w: World) -> LocalAccount:
    """A new key, with ether for its gas."""
    key: LocalAccount = Account.create()
    w.rpc.call("anvil_setBalance", [key.address, hex(10**20)])
    return key


def key_change_round(w: World) -> None:
    """Two new organisations change key: one hands over to a new key (both sign), the other's key, stolen, is
    suspended at once by the emergency officers and replaced by the council, which reinstates it. The new keys use
    what their organisations hold (tokens, an allowance, a declaration); their records stay under their
    identities."""
    planned, recovered = _fresh_key(w), _fresh_key(w)
    for key, name in ((planned, "Guigang Harbour Data Co."), (recovered, "Yulin Pharma Data Co.")):
        w.authority.admit(key.address, Role.DATA_HOLDER, REGION, name, code_for(key.address))
    old = w.authority.as_(planned)
    w.bank.issue(old.address, 10_000, RESERVE)
    old.approve(w.exchange.address, 5_000)
    new = w.authority.as_(_fresh_key(w))
    old.rotate_key(new.account)
    new.transfer(w.merchant.address, 1_000)
    new.file_declaration(unique_hash("declaration"))
    w.authority.suspend(recovered.address, h("key stolen"))
    replacement = _fresh_key(w)
    w.authority.replace_key(recovered.address, replacement.address, h("council: key recovery"))
    w.authority.reinstate(replacement.address, h("key replaced"))
    w.authority.as_(replacement).file_declaration(unique_hash("declaration"))


def valuation_round(w: World) -> None:
    """Art. 19: the provider, accredited, values a fresh asset of the holder twice (one report withdrawn, one
    rejected, one kept); the holder recognises it on the kept one and amortises it, sells the holding right, and the
    buyer carries the recognition over and then derecognises it; the accreditation is revoked at the end."""
    now = w.chain_time()
    w.authority.accredit_appraiser(w.provider.address, now + 400 * DAY, unique_hash("accreditation"))
    asset = w.registered_asset()
    content = w.holder.get_asset(asset)["contentHash"]

    def report(value: int) -> int:
        return w.provider.file_valuation(asset, ValuationMethod.INCOME, value, base_date=now - DAY,
                                         valid_until=now + 300 * DAY, content_hash=content,
                                         report_hash=unique_hash("report"))  # fmt: skip

    w.provider.withdraw_valuation(report(10**9), h("model error"))
    w.supervisor.reject_valuation(report(5 * 10**9), h("inflated"))
    kept = report(2 * 10**8)
    w.holder.recognise_asset(asset, AccountingCategory.INTANGIBLE_ASSET, 150_000_000, period_start=now - DAY,
                             period_end=now + 90 * DAY, valuation_id=kept, auditor_hash=h("audit"))  # fmt: skip
    w.holder.remeasure(asset, Measurement.AMORTISATION, 140_000_000, h("amortisation"))
    w.holder.transfer_right(asset, Right.HOLDING, w.holder2.address)
    w.holder2.carry_over(asset, h("carry-over audit"))
    w.holder2.derecognise(asset, Derecognition.DISPOSAL, h("disposal"))
    w.authority.revoke_appraiser(w.provider.address, h("accreditation revoked"))


def quality_report(w: World, asset: int, reporter: LedgerClient) -> int:
    return reporter.file_quality_report(asset, w.holder.get_asset(asset)["contentHash"], QualityProblem.ACCURACY,
                                        QualitySeverity.HIGH, unique_hash("evidence"))  # fmt: skip


def quality_round(w: World) -> None:
    """Art. 9: the council sets a 20-day window; the merchant reports a problem of the holder's asset, disputed
    then ruled on; another acknowledged and fixed by a corrected registration; a third withdrawn; a fourth left
    unanswered and marked overdue (a default of the holder)."""
    w.authority.set_response_window(20 * DAY)
    asset = w.registered_asset()
    disputed = quality_report(w, asset, w.merchant)
    w.holder.answer_quality_report(disputed, False, unique_hash("answer"))
    w.supervisor.rule_on_quality_report(disputed, False, unique_hash("ruling"))
    fixed = quality_report(w, asset, w.provider)
    w.holder.answer_quality_report(fixed, True, unique_hash("answer"))
    w.holder.resolve_quality_report(fixed, w.registered_asset(), unique_hash("corrected dataset"))
    w.merchant.withdraw_quality_report(quality_report(w, asset, w.merchant), unique_hash("withdrawn"))
    unanswered = quality_report(w, asset, w.merchant)
    w.rpc.call("evm_increaseTime", [21 * DAY])
    w.rpc.call("evm_mine", [])
    w.merchant.mark_quality_report_overdue(unanswered)


def listing_round(w: World) -> None:
    """Art. 16-17: the exchange lists a licence product of the holder's, amends its price range, and the merchant
    buys a licence under it (the listing stays in force); a second listing, of a right, is withdrawn by its seller,
    a third delisted by the exchange."""
    asset = w.registered_asset()
    listing = w.listing(asset, terms=w.terms(), min_price=1_000, max_price=10_000)
    w.list_product(listing)
    amended = replace(listing, version=2, offer=replace(listing.offer, min_price=2_000, max_price=8_000))
    w.list_product(amended)
    trade = Trade(trade_id("listed"), asset, w.holder.address, w.merchant.address, 5_000, fee=50, terms=w.terms())
    w.exchange.settle_listed(trade, amended.offer)
    right = w.listing(asset, delivery=Delivery.RIGHT, right=Right.OPERATION)
    w.list_product(right)
    w.holder.withdraw_listing(w.exchange.address, right, unique_hash("withdrawal"))
    other = w.listing(asset, terms=w.terms(purpose=2202))
    w.list_product(other)
    w.exchange.delist_product(other.offer.listing_id, unique_hash("delisting notice"))


def opening_round(w: World) -> None:
    """Art. 10: the council publishes a list of four entries of the holder's; the holder links a public asset to the
    first, opened by an authorised-operation licence of it, and another to the second, opened by a listing of it;
    the third is withdrawn; the fourth stays planned."""
    target = w.chain_time() + 200 * DAY
    entries = [OpeningEntry(w.holder.address, unique_hash("data to open"), target + i * DAY) for i in range(4)]
    first, second, third, _ = w.authority.publish_opening_list(2027, unique_hash("opening list 2027"), entries)
    licensed, listed = (w.registered_asset(category=Category.PUBLIC) for _ in range(2))
    w.holder.link_opening_asset(first, licensed)
    w.holder.link_opening_asset(second, listed)
    terms = w.terms(purpose=3101)
    w.authority.authorise_public_operation(licensed, w.merchant.address, terms.right, terms.purpose, terms.end,
                                           unique_hash("operation approval"))  # fmt: skip
    w.merchant.mark_opened(first, w.holder.grant_license(licensed, w.merchant.address, terms))
    listing = w.listing(listed, terms=w.terms())
    w.list_product(listing)
    w.holder.mark_listed(second, w.exchange.address, listing)
    w.authority.withdraw_opening_entry(third, unique_hash("merged into the first"))


def disclosure_round(w: World) -> None:
    """Art. 25: the council requires quarterly trade statistics and monthly fee schedules, then lifts the latter;
    the exchange discloses last month's statistics, corrects them, and reports an incident."""
    w.authority.set_disclosure_requirement(DisclosureKind.TRADE_STATISTICS, 3, 30)
    w.authority.set_disclosure_requirement(DisclosureKind.FEE_SCHEDULE, 1, 10)
    w.authority.set_disclosure_requirement(DisclosureKind.FEE_SCHEDULE, 0, 0)
    today = datetime.fromtimestamp(w.chain_time(), CST)
    last_month = (month_start(today.year, today.month - 1), month_start(today.year, today.month))
    w.exchange.file_disclosure(DisclosureKind.TRADE_STATISTICS, *last_month, unique_hash("statistics"))
    w.exchange.file_disclosure(DisclosureKind.TRADE_STATISTICS, *last_month, unique_hash("corrected statistics"))
    w.exchange.file_disclosure(DisclosureKind.INCIDENT, *last_month, unique_hash("incident report"))


def pause_round(w: World) -> None:
    """The emergency officers pause the registry and the controls, then the controls again (already paused: only
    supervision changes) with supervision; the council unpauses all three. Nothing stays paused."""
    w.authority.pause(Paused.ASSET_REGISTRY | Paused.ASSET_CONTROLS, h("incident"))
    w.authority.pause(Paused.ASSET_CONTROLS | Paused.SUPERVISION, h("incident widens"))
    w.authority.unpause(Paused.ASSET_REGISTRY | Paused.ASSET_CONTROLS | Paused.SUPERVISION, h("incident closed"))


def registration_round(w: World) -> None:
    """A rejected application, a changed and a cancelled registration, a competing application left pending."""
    rejected = w.holder.apply_registration(w.registration())
    w.registrar.review_registration(rejected, False, h("incomplete"))
    changed = w.registered_asset()
    w.holder.change_registration(changed, h("metadata v2"), "ipfs://metadata-v2")
    registration = w.registration()
    competing = w.holder2.apply_registration(registration)  # pending for the same content hash
    cancelled = w.holder.apply_registration(registration)
    w.registrar.review_registration(cancelled, True, h("review"))
    w.holder.cancel_registration(cancelled, h("withdrawn"))  # frees the content hash again
    w.supervisor.lodge_objection(competing, h("standing objection"))  # open at once, left open


def objection_round(w: World, asset: int, personal: int) -> None:
    """Pending objections accepted then dismissed, resolved while pending, and one left pending."""
    pending = w.merchant.lodge_objection(asset, h("evidence"))
    w.registrar.accept_objection(pending, h("accepted"))
    w.registrar.resolve_objection(pending, False, h("dismissed"))
    early = w.merchant.lodge_objection(personal, h("weak evidence"))
    w.registrar.resolve_objection(early, True, h("upheld before acceptance"))
    w.provider.lodge_objection(personal, h("left pending"))
    standing = w.holder.lodge_objection(personal, h("holder's own objection"))  # a right holder: open at once
    w.registrar.resolve_objection(standing, True, h("upheld"))


def licence_round(w: World, asset: int) -> None:
    """Shared licences with sublicences (a territory outside the mainland), a revocation, a licence transfer,
    and exclusive licences kept, pruned once ended and removed by revocation."""
    terms = w.terms(sublicensable=True, countries=("CN",))
    licence = w.holder.grant_license(asset, w.merchant.address, terms)
    w.merchant.sublicense(licence, w.provider.address, replace(terms, sublicensable=False, end=terms.end - DAY))
    w.holder.revoke_license(licence, h("breach"))  # the sublicence is invalid through its parent, no event
    outside = w.terms(sublicensable=True, regions=(REGION, 810000))  # Hong Kong: cross-border without a country
    hk = w.holder.grant_license(asset, w.merchant.address, outside)
    w.merchant.sublicense(hk, w.provider.address, replace(outside, sublicensable=True, regions=(810000,)))
    transferable = w.holder.grant_license(asset, w.merchant.address, w.terms(transferable=True))
    w.merchant.transfer_license(transferable, w.provider.address)
    shared = w.holder.grant_license(asset, w.provider.address, w.terms(purpose=1301, days=30))
    w.holder.revoke_license(shared, h("the only shared licence"))  # the span clears

    now = w.chain_time()
    exclusive = [
        w.holder.grant_license(asset, w.merchant.address,
                               w.terms(purpose=1201, start=now + k * DAY, end=now + (k + 1) * DAY, exclusive=True))
        for k in (0, 2, 4)
    ]  # fmt: skip
    w.holder.revoke_license(exclusive[1], h("second exclusive revoked"))  # the last one takes its place
    w.rpc.call("evm_increaseTime", [DAY + 60])
    w.rpc.call("evm_mine")
    later = w.chain_time()
    pruning = w.terms(purpose=1201, start=later + 10 * DAY, end=later + 11 * DAY, exclusive=True)
    w.holder.grant_license(asset, w.provider.address, pruning)  # drops the first exclusive licence: it ended


def public_operation_round(w: World) -> None:
    """Public data licensed off exchange as an authorised operation: approved and used, approved and withdrawn,
    and approved and left unused."""
    public = w.registered_asset(category=Category.PUBLIC)
    latest = w.chain_time() + 400 * DAY
    w.authority.authorise_public_operation(public, w.merchant.address, Right.OPERATION, 2001, latest, h("approved"))
    w.holder.grant_license(public, w.merchant.address, w.terms(Right.OPERATION, 2001))
    w.authority.authorise_public_operation(public, w.provider.address, Right.OPERATION, 2002, latest, h("approved"))
    w.authority.withdraw_public_operation(public, w.provider.address, Right.OPERATION, 2002)
    w.authority.authorise_public_operation(public, w.provider.address, Right.PROCESSING, 2003, latest, h("unused"))


def trade_round(w: World, asset: int, personal: int) -> None:
    """Settlement with signed consents, within a mandate, off exchange and in non-atomic batches (each with a
    refused trade); revenue shares held for a suspended recipient, claimed, and held again; a share held for a
    revoked recipient, released by the authority to another participant."""
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.holder2.address, 500)])
    w.holder.set_revenue_shares(asset, Right.OPERATION, [(w.holder2.address, 100), (w.supervisor.address, 200)])
    w.holder.set_revenue_shares(asset, Right.OPERATION, [])
    bps = [500]
    w.authority.suspend(w.holder2.address, h("audit"))
    consent_settle(w, Trade(trade_id("licence"), asset, w.holder.address, w.merchant.address, 20_000, fee=100,
                            terms=w.terms()), bps)  # fmt: skip  # holder2's share held
    w.authority.reinstate(w.holder2.address, h("audit passed"))
    w.holder2.claim_held_shares()
    consent_settle(w, Trade(trade_id("right"), personal, w.holder.address, w.merchant.address, 30_000, fee=100,
                            delivery=Delivery.RIGHT, right=Right.OPERATION), [])  # fmt: skip

    # A non-atomic batch: the second trade repeats the first's id and is refused (settled once per exchange).
    again = trade_id("batch")
    batch = [Trade(again, asset, w.holder.address, w.merchant.address, 1_000, fee=10, terms=w.terms()),
             Trade(again, asset, w.holder.address, w.merchant.address, 1_000, fee=10, terms=w.terms())]  # fmt: skip
    net = seller_net(1_000, 10, bps)
    consent = w.holder.sign_sales_consent([(t, net) for t in batch], w.exchange.address, nonce=next(_ids),
                                          deadline=2**40)  # fmt: skip
    w.exchange.settle_batch(batch, [net, net], [consent], [0, 0], atomic=False)

    # Off exchange: both parties sign; the nonce is used for both.
    now = w.chain_time()
    direct = Trade(trade_id("direct"), asset, w.holder.address, w.merchant.address, 5_000, terms=w.terms())
    nonce = next(_ids) + 10_000
    w.merchant.settle_direct(direct, nonce, now + 3600, w.holder.sign_direct_trade(direct, nonce, now + 3600),
                             w.merchant.sign_direct_trade(direct, nonce, now + 3600))  # fmt: skip
    w.holder.invalidate_nonce(next(_ids) + 20_000)

    # Standing mandates: one used (and a batch with a refused trade: too long for the mandate), then revoked;
    # one left in force.
    template = replace(w.terms(), start=0, end=0)
    mandates = [
        Mandate(seller=w.holder.address, exchange=w.exchange.address, asset_id=asset, delivery=Delivery.LICENSE,
                right=Right.PROCESSING, min_net=seller_net(2_000, 20, bps), expiry=now + 30 * DAY,
                max_duration=400 * DAY, terms=template, salt=next(_ids))
        for _ in range(2)
    ]  # fmt: skip
    for m in mandates:
        w.holder.grant_mandate(m)
    w.exchange.settle_mandated(
        Trade(trade_id("mandated"), asset, w.holder.address, w.merchant.address, 2_000, fee=20, terms=w.terms()),
        mandates[0],
    )
    too_long = replace(w.terms(), end=w.chain_time() + 500 * DAY)
    w.exchange.settle_mandated_batch(
        [Trade(trade_id("mandated"), asset, w.holder.address, w.merchant.address, 2_000, fee=20, terms=w.terms()),
         Trade(trade_id("mandated"), asset, w.holder.address, w.merchant.address, 2_000, fee=20, terms=too_long)],
        [mandates[0], mandates[0]], atomic=False,
    )  # fmt: skip
    w.holder.revoke_mandate(w.holder.mandate_id(mandates[0]))

    w.authority.suspend(w.holder2.address, h("audit again"))
    consent_settle(w, Trade(trade_id("held"), asset, w.holder.address, w.merchant.address, 4_000, fee=40,
                            terms=w.terms()), bps)  # fmt: skip  # held, and left held
    w.authority.reinstate(w.holder2.address, h("audit passed again"))

    # A recipient revoked: the share held for it can only be released, by the authority, to another participant.
    gone = Account.create().address
    w.authority.admit(gone, Role.DATA_HOLDER, REGION, "Dissolved Data Co.", code_for(gone))
    w.holder.set_revenue_shares(asset, Right.OPERATION, [(gone, 1_000)])
    w.authority.revoke(gone, h("dissolved"))
    consent_settle(w, Trade(trade_id("released"), asset, w.holder.address, w.merchant.address, 3_000, fee=30,
                            terms=w.terms(Right.OPERATION, 1401)), [1_000])  # fmt: skip
    w.authority.release_held_shares(gone, w.provider.address, h("released to the provider"))
    w.holder.set_revenue_shares(asset, Right.OPERATION, [])

    # A sublicence sold two links below a licence: both licences above it keep its end (soldUntil).
    top = w.holder.grant_license(asset, w.merchant.address, w.terms(Right.OPERATION, 1501, sublicensable=True))
    middle = w.merchant.sublicense(top, w.holder2.address, w.terms(Right.OPERATION, 1501, days=300, sublicensable=True))
    sold = w.terms(Right.OPERATION, 1501, days=30)
    consent_settle(w, Trade(trade_id("sublicence"), asset, w.holder2.address, w.merchant.address, 1_500, fee=15,
                            right=Right.OPERATION, parent_license_id=middle, terms=sold), [])  # fmt: skip


def import_certificate(registrar: LedgerClient, origin_registry: str, holder: str, **fields: Any) -> dict[str, Any]:
    """Imports a certificate of the made-up origin province (:data:`ORIGIN_CHAIN`) signed by ``registrar``'s own
    key (agreed as the origin's registrar); returns the CertificateImported event with the certificate's fields."""
    latest = registrar.rpc.call("eth_getBlockByNumber", ["latest", False])
    now, block = int(latest["timestamp"], 16), int(latest["number"], 16)
    c: dict[str, Any] = {
        "assetId": next(_ids), "contentHash": unique_hash("foreign"), "category": 1, "grade": 0, "kind": 0,
        "holdingHolder": holder, "processingHolder": holder, "operationHolder": holder, "certificateSerial": 1,
        "registeredBlock": 5, "registeredAt": 1_700_000_000, "status": int(AssetStatus.REGISTERED),
        "issuedBlock": block, "expiresAt": now + 30 * DAY,
    }  # fmt: skip
    c.update(fields)
    cert = tuple(c[k] for k in (
        "assetId", "contentHash", "category", "grade", "kind", "holdingHolder", "processingHolder",
        "operationHolder", "certificateSerial", "registeredBlock", "registeredAt", "status", "issuedBlock", "expiresAt",
    ))  # fmt: skip
    digest = bytes(registrar.view("Recognition", "certificateDigest", ORIGIN_CHAIN, origin_registry, cert))
    signature = Account.unsafe_sign_hash(digest, registrar.account.key).signature
    result = registrar.import_certificate(ORIGIN_CHAIN, cert, [bytes(signature)])
    return dict(result.event("CertificateImported"), certificate=c)


def recognition_round(w: World) -> None:
    """An agreement; certificates imported (one linked to a local registration), superseded (holders follow;
    one cancelled), suspended and reinstated; the agreement ended."""
    recognition_steps(w.authority, w.registrar, w.holder, w.holder2.address)


def recognition_steps(authority: LedgerClient, registrar: LedgerClient, holder: LedgerClient, other: str) -> None:
    """:func:`recognition_round` with the clients named: ``registrar`` signs the origin's certificates of
    ``holder``'s data; ``other`` takes a right in a newer one."""
    origin = authority.contracts.address["AssetRegistry"]
    authority.set_agreement(ORIGIN_CHAIN, origin, [registrar.address], 1)
    first = import_certificate(registrar, origin, holder.address)
    local = int(first["localAssetId"])
    later = int(first["certificate"]["issuedBlock"]) + 10  # a later origin block: supersedes
    import_certificate(registrar, origin, holder.address, **dict(first["certificate"], processingHolder=other,
                                                                  issuedBlock=later))  # fmt: skip
    registrar.suspend_recognised(local, h("re-check"))
    registrar.reinstate_recognised(local, h("re-check passed"))

    doomed = import_certificate(registrar, origin, holder.address)
    later = int(doomed["certificate"]["issuedBlock"]) + 10
    cancelled = dict(doomed["certificate"], status=int(AssetStatus.CANCELLED), issuedBlock=later)
    import_certificate(registrar, origin, holder.address, **cancelled)

    mine = Registration(content_hash=unique_hash("linked"), metadata_hash=h("metadata"), metadata_uri="ipfs://linked",
                        name="Data registered in both provinces", category=Category.ENTERPRISE, grade=Grade.GENERAL,
                        kind=Kind.DATASET, region=REGION)  # fmt: skip
    registered = holder.apply_registration(mine)
    registrar.review_registration(registered, True, h("review"))
    linked = import_certificate(registrar, origin, holder.address, contentHash=mine.content_hash)  # same holder: linked
    registrar.suspend_recognised(int(linked["localAssetId"]), h("linked re-check"))  # the local asset stays
    suspended = import_certificate(registrar, origin, holder.address)
    registrar.suspend_recognised(int(suspended["localAssetId"]), h("left suspended"))
    authority.revoke_agreement(ORIGIN_CHAIN)


def bulk_trades(w: World, trades: int, *, per_batch: int = 50) -> None:
    """``trades`` licence trades of one asset, settled ``per_batch`` per transaction with one consent of the
    seller each, sent pipelined."""
    asset = w.registered_asset()
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.holder2.address, 300)])
    w.bank.issue(w.merchant.address, 10 * trades, RESERVE)
    w.merchant.approve(w.exchange.address, 10 * trades)
    terms = w.terms()
    net = seller_net(10, 1, [300])
    calls = []
    for start in range(0, trades, per_batch):
        batch = [
            Trade(trade_id("bulk"), asset, w.holder.address, w.merchant.address, 10, fee=1, terms=terms)
            for _ in range(min(per_batch, trades - start))
        ]
        consent = w.holder.sign_sales_consent([(t, net) for t in batch], w.exchange.address, nonce=next(_ids),
                                              deadline=2**40)  # fmt: skip
        calls.append(w.exchange.prepare("TradeSettlement", "settleBatch", [t.as_abi() for t in batch],
                                        [net] * len(batch), [consent.as_abi()], [0] * len(batch), True,
                                        gas=400_000 * len(batch)))  # fmt: skip
    w.exchange.execute_many(calls)


@dataclass
class Chain:
    """An anvil node with a deployed world (block_time 0) and its settings (manifest in data_dir)."""

    node: EmbeddedNode
    settings: LedgerSettings
    rpc: JsonRpcClient
    world: World

    def head(self) -> int:
        return int(self.rpc.call("eth_blockNumber"), 16)

    def mine(self, blocks: int) -> None:
        self.rpc.call("anvil_mine", [hex(blocks)])


@contextmanager
def running_chain(data_dir: Path, build: Build) -> Iterator[Chain]:
    """A fresh anvil chain with the system deployed (manifest written) and the world's participants."""
    from ledger.contracts.deploy import write_manifest

    settings = LedgerSettings(data_dir=data_dir, node_port=free_port(), block_time=0, state_interval=60)
    with EmbeddedNode(settings) as node:
        rpc = node.client(timeout=30)
        world = build_world(rpc, build, settings)
        write_manifest(world.contracts.deployment, settings.manifest_path)
        yield Chain(node, settings, rpc, world)
        rpc.close()


__all__ = [
    "EVENT_TYPES", "ORIGIN_CHAIN", "REGION", "Chain", "LicenseTerms", "bulk_trades", "every_event_round",
    "import_certificate", "recognition_steps", "running_chain", "seller_net", "trade_id",
]  # fmt: skip
