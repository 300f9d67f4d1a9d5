"""The demo scenario on anvil (plus the operations it leaves out, so that every event kind of the system's
contracts occurs, and at the end two contracts paused and one of them unpaused), every log fetched with one
``eth_getLogs``, decoded and projected: the store's queries agree with the contracts' own views, record by record,
at the head and at earlier blocks. The pauses are also read through the API, now and before them, and audited.

One chain for the module; each test projects it into a fresh store on each backend.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import create_app
from ledger.audit import audit_replay
from ledger.chain import EmbeddedNode
from ledger.chain.rpc import JsonRpcClient
from ledger.client import Contracts, LedgerClient, dev_account, make_sender
from ledger.contracts.deploy import load_manifest
from ledger.contracts.system import SYSTEM_CONTRACTS
from ledger.contracts.types import (
    PAUSE_CONTRACTS,
    AccountingCategory,
    Category,
    Delivery,
    Derecognition,
    DisclosureKind,
    Grade,
    Kind,
    LicenseTerms,
    Listing,
    Mandate,
    Measurement,
    Offer,
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
from ledger.decode import BlockHeader, LedgerEvent, decode_logs
from ledger.demo import ACTORS, current_key, run_demo
from ledger.disclosure import CST, month_start
from ledger.governance import CouncilClient
from ledger.indexer import open_indexer
from ledger.listings import listed_state
from ledger.settings import LedgerSettings
from ledger.store import RecordNotFound, StateView, Store
from ledger.store.projection import trade_key
from ledger.toolchain import Build, compile_contracts
from tests.conftest import free_port
from tests.contracts.conftest import RESERVE, h
from tests.credit_codes import code_for
from tests.indexer.scenario import recognition_steps, seller_net

ZERO_HASH = b"\x00" * 32
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
CITY = 450100


@dataclass
class Chain:
    rpc: JsonRpcClient
    client: LedgerClient
    headers: list[BlockHeader]
    events: list[LedgerEvent]
    settings: LedgerSettings
    build: Build
    before_pauses: int  # the last block before the closing pauses

    @property
    def head(self) -> int:
        return self.headers[-1].number


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    data_dir = tmp_path_factory.mktemp("e2e")
    settings = LedgerSettings(data_dir=data_dir, node_port=free_port(), block_time=0, state_interval=60)
    build = compile_contracts()
    with EmbeddedNode(settings) as node:
        rpc = node.client(timeout=30)
        run_demo(settings, rpc=rpc, build=build, log=lambda _line: None)
        deployment = load_manifest(settings.manifest_path)
        contracts = Contracts.from_build(deployment, build)
        client = CouncilClient(rpc, contracts, make_sender(settings, rpc, dev_account(0), contracts.errors))
        what_the_demo_leaves_out(client)
        before_pauses = int(rpc.call("eth_blockNumber"), 16)
        # The emergency officers pause the registry and the settlement; the council unpauses the registry.
        client.pause(Paused.ASSET_REGISTRY | Paused.TRADE_SETTLEMENT, h("incident 2027-001"))
        client.unpause(Paused.ASSET_REGISTRY, h("registry checked"))
        head = int(rpc.call("eth_blockNumber"), 16)
        raw = rpc.call(
            "eth_getLogs",
            [{"fromBlock": hex(deployment.deployment_block), "toBlock": hex(head),
              "address": [contracts.address[n] for n in SYSTEM_CONTRACTS]}],
        )  # fmt: skip
        events = decode_logs(raw, {contracts.address[n]: (n, contracts.codecs[n]) for n in SYSTEM_CONTRACTS})
        blocks = rpc.batch(
            [("eth_getBlockByNumber", [hex(n), False]) for n in range(deployment.deployment_block, head + 1)]
        )
        headers = [BlockHeader.from_rpc(b) for b in blocks]
        yield Chain(rpc, client, headers, events, settings, build, before_pauses)


def what_the_demo_leaves_out(authority: LedgerClient) -> None:
    """Rejection, change and cancellation; exclusive licences (one revoked); licence transfer and revocation (its
    sublicence left unflagged); unfreezing; role and status changes; revenue shares of another right, held for a
    suspended recipient and claimed; a refused trade of a non-atomic batch; a revoked mandate; a closed
    rectification order; a raised issuance limit and a redemption; an invalidated nonce; recognised registrations;
    a licence sold; a share held for a revoked recipient and released by the authority; valuation reports withdrawn
    and rejected, a recognition carried over and derecognised, an appraiser revoked; disclosure requirements (one
    lifted) and an exchange's disclosures (one corrected); quality reports answered, ruled on, fixed, withdrawn
    and overdue; a listing delisted and one withdrawn; opening-list entries opened by a listing and withdrawn; a
    planned key change and a recovery."""
    actor = {a.key: authority.as_(current_key(authority, a)[1]) for a in ACTORS}  # the demo changed some keys
    registrar, bank, supervisor, exchange = actor["registrar"], actor["bank"], actor["supervisor"], actor["exchange"]
    holder, merchant, other = (authority.as_(dev_account(i)) for i in (12, 13, 14))
    authority.admit(holder.address, Role.DATA_HOLDER, CITY, "Qinzhou Port Authority", code_for(holder.address))
    authority.admit(merchant.address, Role.DATA_MERCHANT, CITY, "Beihai Data Brokers", code_for(merchant.address))
    authority.admit(other.address, Role.DATA_HOLDER, CITY, "Wuzhou Water Works", code_for(other.address))
    merchant.file_declaration(h("e2e merchant declaration"))

    def registration(label: str) -> Registration:
        return Registration(
            content_hash=h(f"e2e content {label}"), metadata_hash=h("e2e metadata"), metadata_uri="ipfs://e2e",
            name=f"Port throughput {label}", category=Category.ENTERPRISE, grade=Grade.GENERAL, kind=Kind.DATASET,
            region=450000,
        )  # fmt: skip

    rejected = holder.apply_registration(registration("a"))
    registrar.review_registration(rejected, False, h("incomplete"))
    asset = holder.apply_registration(registration("a"))  # filed again: a new application
    assert asset != rejected
    registrar.review_registration(asset, True, h("complete"))
    holder.change_registration(asset, h("e2e metadata v2"), "ipfs://e2e/v2")
    now = int(authority.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)
    terms = LicenseTerms(
        right=Right.PROCESSING, purpose=1101, start=now, end=now + 365 * 86400, regions=(450000, 810000),
        sublicensable=True, transferable=True, terms_hash=h("e2e terms"),
    )  # fmt: skip
    parent = holder.grant_license(asset, merchant.address, terms)
    merchant.sublicense(parent, other.address, LicenseTerms(**{**_fields(terms), "sublicensable": False}))
    merchant.transfer_license(parent, other.address)
    holder.revoke_license(parent, h("breach"))  # its sublicence is invalid from now on, without an event
    exclusive = [
        holder.grant_license(asset, merchant.address, LicenseTerms(**{
            **_fields(terms), "purpose": 1201, "exclusive": True, "start": now + k * 86400,
            "end": now + (k + 1) * 86400, "regions": (450000,),
        }))
        for k in range(3)
    ]  # fmt: skip
    holder.revoke_license(exclusive[0], h("first exclusive revoked"))
    authority.freeze(asset, h("court order"))
    authority.unfreeze(asset, h("order lifted"))

    holder.set_revenue_shares(asset, Right.OPERATION, [(other.address, 500)])
    authority.suspend(other.address, h("audit"))
    authority.set_issuance_limit(bank.address, 10**12)  # the demo's limit is used up: the council raises it
    bank.issue(merchant.address, 100_000, RESERVE)
    merchant.approve(exchange.address, 100_000)
    right_sale = Trade(h("e2e right sale"), asset, holder.address, merchant.address, 10_000, fee=100,
                       delivery=Delivery.RIGHT, right=Right.OPERATION)  # fmt: skip
    net = seller_net(10_000, 100, [500])
    refused = Trade(h("e2e refused"), asset, holder.address, merchant.address, 10_000, fee=100,
                    delivery=Delivery.RIGHT, right=Right.OPERATION)  # fmt: skip
    consent = holder.sign_sales_consent([(right_sale, net), (refused, net)], exchange.address, nonce=7,
                                        deadline=2**40)  # fmt: skip
    # The second sale of the same right is refused (the seller no longer holds it); the batch goes on.
    exchange.settle_batch([right_sale, refused], [net, net], [consent], [0, 0], atomic=False)
    authority.reinstate(other.address, h("audit passed"))
    other.claim_held_shares()  # its share was held while it was suspended
    gone = authority.as_(dev_account(15))
    authority.admit(gone.address, Role.DATA_HOLDER, CITY, "Hezhou Tin Mining Co.", code_for(gone.address))
    holder.set_revenue_shares(asset, Right.PROCESSING, [(gone.address, 300)])
    authority.revoke(gone.address, h("dissolved"))
    sale = Trade(h("e2e licence sale"), asset, holder.address, merchant.address, 5_000, fee=50,
                 terms=LicenseTerms(**{**_fields(terms), "purpose": 1301, "sublicensable": False}))  # fmt: skip
    licence_net = seller_net(5_000, 50, [300])
    exchange.settle(sale, licence_net, holder.sign_sales_consent([(sale, licence_net)], exchange.address, nonce=8,
                                                                 deadline=2**40))  # fmt: skip
    authority.release_held_shares(gone.address, holder.address, h("released to the holder"))  # it was revoked
    holder.set_revenue_shares(asset, Right.PROCESSING, [])
    authority.set_roles(other.address, Role.DATA_HOLDER | Role.SERVICE_PROVIDER)

    mandate = Mandate(seller=holder.address, exchange=exchange.address, asset_id=asset, delivery=Delivery.RIGHT,
                      right=Right.PROCESSING, min_net=1, expiry=now + 86400 * 30)  # fmt: skip
    holder.revoke_mandate(holder.grant_mandate(mandate))
    order = supervisor.open_order(OrderTarget.PARTICIPANT, participant=other.address, document_hash=h("order"))
    supervisor.close_order(order, h("rectified"))
    supervisor.record_credit_event(other.address, 7, -15, h("late filing"))
    bank.issue(bank.address, 500, RESERVE)
    bank.redeem(200)
    holder.invalidate_nonce(42)
    cancelled = holder.apply_registration(registration("b"))
    holder.cancel_registration(cancelled, h("withdrawn"))
    recognition_steps(authority, registrar, holder, other.address)
    # Valuation: the demo's appraiser files three reports on the holder's asset (one withdrawn, one rejected); the
    # holder recognises it, sells the holding right to the merchant, which carries the recognition over and
    # derecognises it; the appraiser's accreditation is revoked.
    provider = actor["provider"]
    content = holder.get_asset(asset)["contentHash"]
    reports = [
        provider.file_valuation(asset, ValuationMethod.COST, 10**7 + k, base_date=now - 86_400,
                                valid_until=now + 200 * 86_400, content_hash=content, report_hash=h(f"e2e report {k}"))
        for k in range(3)
    ]  # fmt: skip
    provider.withdraw_valuation(reports[0], h("withdrawn"))
    supervisor.reject_valuation(reports[1], h("rejected"))
    holder.recognise_asset(asset, AccountingCategory.INVENTORY, 5 * 10**6, period_start=now - 86_400,
                           period_end=now + 86_400, valuation_id=reports[2], auditor_hash=h("e2e audit"))  # fmt: skip
    holder.remeasure(asset, Measurement.IMPAIRMENT, 4 * 10**6, h("impairment test"))
    holder.transfer_right(asset, Right.HOLDING, merchant.address)
    merchant.carry_over(asset, h("carried over"))
    merchant.derecognise(asset, Derecognition.DISPOSAL, h("sold on"))
    authority.revoke_appraiser(provider.address, h("accreditation revoked"))
    # Disclosure (the demo required quarterly statistics): monthly statistics and fee schedules required, the latter
    # lifted; the exchange discloses last month's statistics and corrects them.
    authority.set_disclosure_requirement(DisclosureKind.TRADE_STATISTICS, 1, 15)
    authority.set_disclosure_requirement(DisclosureKind.FEE_SCHEDULE, 1, 10)
    authority.set_disclosure_requirement(DisclosureKind.FEE_SCHEDULE, 0, 0)
    today = datetime.fromtimestamp(now, CST)
    last_month = (month_start(today.year, today.month - 1), month_start(today.year, today.month))
    exchange.file_disclosure(DisclosureKind.TRADE_STATISTICS, *last_month, h("e2e statistics"))
    exchange.file_disclosure(DisclosureKind.TRADE_STATISTICS, *last_month, h("e2e corrected statistics"))
    # Data quality: the council sets a 10-day window; the merchant and the other holder report problems of a fresh
    # asset of the holder: one disputed and upheld, one fixed by a corrected registration, one withdrawn, one left
    # unanswered and marked overdue.
    authority.set_response_window(10 * 86_400)

    def registered(label: str) -> int:
        asset_id = holder.apply_registration(registration(label))
        registrar.review_registration(asset_id, True, h("review"))
        return asset_id

    reported = registered("quality")
    content = holder.get_asset(reported)["contentHash"]

    def report(by: LedgerClient) -> int:
        return by.file_quality_report(reported, content, QualityProblem.TIMELINESS, QualitySeverity.MEDIUM,
                                      h(f"e2e evidence {by.address}"))  # fmt: skip

    ruled, fixed, withdrawn, unanswered = (report(m) for m in (merchant, merchant, merchant, other))
    holder.answer_quality_report(ruled, False, h("e2e disputed"))
    supervisor.rule_on_quality_report(ruled, True, h("e2e upheld"))
    holder.resolve_quality_report(fixed, registered("quality fix"), h("e2e corrected"))
    merchant.withdraw_quality_report(withdrawn, h("e2e withdrawn"))
    authority.rpc.call("evm_increaseTime", [11 * 86_400])
    authority.rpc.call("evm_mine", [])
    other.mark_quality_report_overdue(unanswered)
    # Listings: the exchange lists a fresh asset of the holder's, then delists it; a right of it is listed and
    # withdrawn by the holder.
    listed = registered("listing")
    offer = Offer(listing_id=h("e2e listing"), min_price=1_000, max_price=2_000, min_net=0, start=now,
                  end=now + 30 * 86_400, max_duration=90 * 86_400)  # fmt: skip
    licences = Listing(seller=holder.address, asset_id=listed, delivery=Delivery.LICENSE, right=Right.PROCESSING,
                       offer=offer, document_hash=h("e2e listing document"),
                       terms=LicenseTerms(Right.PROCESSING, 1101, 0, 0, regions=(450000,)))  # fmt: skip
    exchange.list_product(licences, holder.sign_listing(licences, exchange.address))
    exchange.delist_product(offer.listing_id, h("e2e delisted"))
    right = Listing(seller=holder.address, asset_id=listed, delivery=Delivery.RIGHT, right=Right.OPERATION,
                    offer=replace(offer, listing_id=h("e2e right listing"), max_duration=0),
                    document_hash=h("e2e right listing document"))  # fmt: skip
    exchange.list_product(right, holder.sign_listing(right, exchange.address))
    holder.withdraw_listing(exchange.address, right, h("e2e withdrawn listing"))
    # The opening list: the council publishes two entries of the holder's; it links a public dataset to the first,
    # which a listing of it shows open; the second is withdrawn.
    target = now + 200 * 86_400
    opened, withdrawn_entry = authority.publish_opening_list(2030, h("e2e opening list"), [
        OpeningEntry(holder.address, h("e2e open data"), target), OpeningEntry(holder.address, h("e2e other"), target),
    ])  # fmt: skip
    public = holder.apply_registration(replace(registration("open data"), category=Category.PUBLIC))
    registrar.review_registration(public, True, h("review"))
    holder.link_opening_asset(opened, public)
    open_offer = replace(offer, listing_id=h("e2e public listing"), min_price=10_000 * 100, max_price=10_000 * 100)
    public_listing = replace(licences, asset_id=public, offer=open_offer)
    exchange.list_product(public_listing, holder.sign_listing(public_listing, exchange.address))
    holder.mark_listed(opened, exchange.address, public_listing)
    authority.withdraw_opening_entry(withdrawn_entry, h("e2e entry withdrawn"))
    # Key changes: the other holder hands over to a new key (both sign), the merchant's key is recovered by the
    # council; the new keys use what their organisations hold.
    renewed = authority.as_(dev_account(16))
    other.rotate_key(renewed.account)
    renewed.transfer(holder.address, 1)
    authority.replace_key(merchant.address, dev_account(17).address, h("key lost"))
    authority.as_(dev_account(17)).approve(exchange.address, 1)


def _fields(terms: LicenseTerms) -> dict[str, Any]:
    return {f: getattr(terms, f) for f in LicenseTerms.__slots__}


def index(store: Store, chain: Chain, upto: int | None = None, blocks_per_batch: int = 25) -> None:
    headers = [h for h in chain.headers if upto is None or h.number <= upto]
    by_block: dict[int, list[LedgerEvent]] = {}
    for e in chain.events:
        by_block.setdefault(e.block_number, []).append(e)
    for i in range(0, len(headers), blocks_per_batch):
        part = headers[i : i + blocks_per_batch]
        store.apply(part, [e for h in part for e in by_block.get(h.number, [])], part[-1])


# ─────────────────────────────────────────────────────────── the two sides, in one shape


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


def contract_state(client: LedgerClient, block: int, subjects: Subjects) -> dict[str, Any]:
    """Everything the contracts' views say at ``block``, keyed by record."""

    def view(contract: str, fn: str, *args: Any) -> Any:
        return client.view(contract, fn, *args, block=block)

    state: dict[str, Any] = {}
    for account in sorted(subjects.accounts):
        p = view("ParticipantRegistry", "getParticipant", account)
        if p["status"] != 0:
            state[f"participant {account}"] = (
                p["roles"], p["status"], p["region"], p["declarations"], p["admittedAt"], p["updatedAt"]
            )  # fmt: skip
        score, events = view("Supervision", "creditOf", account).values()
        state[f"credit {account}"] = (score, events)
        state[f"balance {account}"] = view("SettlementToken", "balanceOf", account)
        state[f"issuance {account}"] = tuple(view("SettlementToken", "issuanceOf", account))
        state[f"held {account}"] = view("TradeSettlement", "heldShares", account)
        for nonce in subjects.nonces:
            state[f"nonce {account} {nonce}"] = view("TradeSettlement", "nonceUsed", account, nonce)
    for asset_id in range(1, view("AssetRegistry", "assetCount") + 1):
        a = view("AssetRegistry", "getAsset", asset_id)
        state[f"asset {asset_id}"] = (
            _hex(a["contentHash"]), a["category"], a["grade"], a["kind"], a["status"], a["region"], a["disputed"],
            a["frozen"], a["anonymised"], a["holdingHolder"], a["processingHolder"], a["operationHolder"],
            a["certificateSerial"], a["registeredAt"], a["openObjections"], a["suspended"], a["applicant"],
            a["licensedUntil"],
        )  # fmt: skip
        state[f"content {asset_id}"] = view("AssetRegistry", "assetIdOf", a["contentHash"])
        for right in Right:
            shares = view("TradeSettlement", "revenueShares", asset_id, int(right))
            state[f"shares {asset_id} {right}"] = [(s["recipient"], s["bps"]) for s in shares]
    for licence_id in range(1, view("AssetRegistry", "licenseCount") + 1):
        lic = view("AssetRegistry", "getLicense", licence_id)
        state[f"licence {licence_id}"] = (
            lic["assetId"], lic["licensee"], lic["right"], lic["purpose"], lic["start"], lic["end"], lic["exclusive"],
            lic["sublicensable"], lic["transferable"], lic["crossBorder"], lic["revoked"], lic["depth"],
            lic["parentId"], lic["sold"],
        )  # fmt: skip
        key = (lic["assetId"], lic["right"], lic["purpose"], lic["parentId"])
        start, end, live, exclusives = view("AssetRegistry", "exclusivityOf", *key)
        state[f"exclusivity {key}"] = (start, end, live, [list(e) for e in exclusives])
    for objection_id in range(1, view("AssetControls", "objectionCount") + 1):
        o = view("AssetControls", "getObjection", objection_id)
        state[f"objection {objection_id}"] = (
            o["assetId"], o["objector"], o["status"], o["lodgedAt"], _hex(o["evidenceHash"])
        )  # fmt: skip
        state[f"pending {o['objector']} {o['assetId']}"] = tuple(view("AssetControls", "pendingOf", o["objector"],
                                                                       o["assetId"]))  # fmt: skip
    for order_id in range(1, view("Supervision", "orderCount") + 1):
        o = view("Supervision", "getOrder", order_id)
        state[f"order {order_id}"] = (
            o["target"], o["status"], o["participant"], o["assetId"], o["issuedBy"], o["openedAt"], o["closedAt"],
            _hex(o["documentHash"]), _hex(o["closingHash"]),
        )  # fmt: skip
    for account in sorted(subjects.accounts):
        a = view("Valuation", "accreditationOf", account)
        state[f"accreditation {account}"] = (a["accreditedAt"], a["expiresAt"], a["revoked"], _hex(a["documentHash"]))
    for valuation_id in range(1, view("Valuation", "valuationCount") + 1):
        v = view("Valuation", "getValuation", valuation_id)
        state[f"valuation {valuation_id}"] = (v["appraiser"], v["assetId"], v["validUntil"], v["status"], v["method"])
    for asset_id in range(1, view("AssetRegistry", "assetCount") + 1):
        r = view("Valuation", "recognitionOf", asset_id)
        state[f"recognition {asset_id}"] = (r["holder"], r["carryingAmount"], r["category"], r["derecognised"])
    for kind in DisclosureKind:
        r = view("Disclosure", "requirementOf", int(kind))
        state[f"disclosure requirement {kind.name}"] = (r["months"], r["graceDays"], r["since"])
    state["disclosures"] = view("Disclosure", "disclosureCount")
    state["quality window"] = view("DataQuality", "responseWindow")
    for report_id in range(1, view("DataQuality", "reportCount") + 1):
        q = view("DataQuality", "getReport", report_id)
        state[f"quality report {report_id}"] = (q["reporter"], q["assetId"], q["deadline"], q["status"])
    for account in sorted(subjects.accounts):
        state[f"quality defaults {account}"] = view("DataQuality", "defaultsOf", account)
    for key in sorted(subjects.listings):
        digest, version = view("Listings", "listed", bytes.fromhex(key[2:]))
        state[f"listing {key}"] = (_hex(digest), version)
    for entry_id in range(1, view("OpeningList", "entryCount") + 1):
        e = view("OpeningList", "getEntry", entry_id)
        state[f"opening entry {entry_id}"] = (e["department"], e["status"], e["assetId"], e["targetDate"])
    for kind in range(4):
        band = view("TradeSettlement", "priceBand", kind)
        state[f"band {kind}"] = (band["min"], band["max"])
    for key in sorted(subjects.trade_keys):
        state[f"settled {key}"] = view("TradeSettlement", "settledAt", bytes.fromhex(key[2:])) != 0
    for mandate in sorted(subjects.mandates):
        state[f"mandate {mandate}"] = view("MandateRegistry", "sellerOf", bytes.fromhex(mandate[2:]))
    for op in sorted(subjects.operations):
        state[f"operation {op}"] = view("AssetControls", "publicOperation", *op)
    state["paused"] = view("AssetRegistry", "pausedContracts")
    return state


def store_state(view: StateView, subjects: Subjects) -> dict[str, Any]:
    """The same shape from the store's projection as of the view's block."""
    state: dict[str, Any] = {}
    for account in sorted(subjects.accounts):
        try:
            p = view.get_participant(account)
        except RecordNotFound:
            pass
        else:
            state[f"participant {account}"] = (
                p["roles"], p["status"], p["region"], p["declarations"], p["admitted_at"], p["updated_at"]
            )  # fmt: skip
        state[f"credit {account}"] = view.credit_of(account)
        state[f"balance {account}"] = view.balance_of(account)
        state[f"issuance {account}"] = view.issuance_of(account)
        state[f"held {account}"] = view.held_shares(account)
        used = set(view.find_used_nonces(account))
        for nonce in subjects.nonces:
            state[f"nonce {account} {nonce}"] = nonce in used
    for a in view.rows("assets"):
        state[f"asset {a['asset_id']}"] = (
            a["content_hash"], a["category"], a["grade"], a["kind"], a["status"], a["region"], a["disputed"],
            a["frozen"], a["anonymised"], a["holding_holder"], a["processing_holder"], a["operation_holder"],
            a["certificate_serial"], a["registered_at"], a["open_objections"], a["suspended"], a["applicant"],
            a["licensed_until"],
        )  # fmt: skip
        state[f"content {a['asset_id']}"] = view.asset_id_of(a["content_hash"])
        for right in Right:
            state[f"shares {a['asset_id']} {right}"] = view.revenue_shares(a["asset_id"], int(right))
    for lic in view.rows("licences"):
        state[f"licence {lic['licence_id']}"] = (
            lic["asset_id"], lic["licensee"], lic["right"], lic["purpose"], lic["starts_at"], lic["ends_at"],
            lic["exclusive"], lic["sublicensable"], lic["transferable"], lic["cross_border"], lic["revoked"],
            lic["depth"], lic["parent_id"], lic["sold"],
        )  # fmt: skip
        key = (lic["asset_id"], lic["right"], lic["purpose"], lic["parent_id"])
        e = view.exclusivity(*key)
        state[f"exclusivity {key}"] = (e["shared_start"], e["shared_end"], e["live_shared"], e["exclusives"])
    for o in view.rows("objections"):
        state[f"objection {o['objection_id']}"] = (
            o["asset_id"], o["objector"], o["status"], o["lodged_at"], o["evidence_hash"]
        )  # fmt: skip
        state[f"pending {o['objector']} {o['asset_id']}"] = view.pending_of(o["objector"], o["asset_id"])
    for o in view.rows("rectification_orders"):
        state[f"order {o['order_id']}"] = (
            o["target"], o["status"], o["participant"], o["asset_id"], o["issued_by"], o["opened_at"], o["closed_at"],
            o["document_hash"], o["closing_hash"] or _hex(ZERO_HASH),
        )  # fmt: skip
    for account in sorted(subjects.accounts):
        a = view.accreditation_of(account)
        state[f"accreditation {account}"] = (a["accredited_at"], a["expires_at"], a["revoked"], a["document_hash"])
    for v in view.rows("valuations"):
        state[f"valuation {v['valuation_id']}"] = (v["appraiser"], v["asset_id"], v["valid_until"], v["status"],
                                                   v["method"])  # fmt: skip
    for a in view.rows("assets"):
        r = view.recognition_of(a["asset_id"])
        state[f"recognition {a['asset_id']}"] = (
            (r["holder"], int(r["carrying_amount"]), r["category"], r["status"] != 1) if r
            else (ZERO_ADDRESS, 0, 0, False)
        )
    requirements = {r["kind"]: r for r in view.rows("disclosure_requirements")}
    for kind in DisclosureKind:
        r = requirements.get(int(kind))
        state[f"disclosure requirement {kind.name}"] = (r["months"], r["grace_days"], r["since"]) if r else (0, 0, 0)
    state["disclosures"] = len(view.rows("disclosures"))
    window = {r["name"]: r["value"] for r in view.rows("quality_settings")}.get("response_window", 15 * 86_400)
    state["quality window"] = window
    for q in view.rows("quality_reports"):
        state[f"quality report {q['report_id']}"] = (q["reporter"], q["asset_id"], q["deadline"], q["status"])
    for account in sorted(subjects.accounts):
        state[f"quality defaults {account}"] = view.quality_defaults_of(account)
    for e in view.rows("opening_entries"):
        state[f"opening entry {e['entry_id']}"] = (e["department"], e["status"], e["asset_id"] or 0, e["target_date"])
    listings = {r["listing_key"]: r for r in view.rows("listings")}
    for key in sorted(subjects.listings):
        digest, version = listed_state(listings.get(key))
        state[f"listing {key}"] = ("0x" + digest.hex(), version)
    for kind in range(4):
        state[f"band {kind}"] = view.price_band(kind)
    for key in sorted(subjects.trade_keys):
        state[f"settled {key}"] = view.is_settled(key)
    for mandate in sorted(subjects.mandates):
        try:
            m = view.get_mandate(mandate)
        except RecordNotFound:
            state[f"mandate {mandate}"] = ZERO_ADDRESS
        else:
            state[f"mandate {mandate}"] = m["seller"] if m["status"] == 1 else ZERO_ADDRESS
    for op in sorted(subjects.operations):
        state[f"operation {op}"] = view.public_operation(*op)
    state["paused"] = view.paused_contracts()
    return state


def assert_same(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    assert ours.keys() == theirs.keys(), f"records only in store: {ours.keys() - theirs.keys()}, only on chain: " + str(
        theirs.keys() - ours.keys()
    )
    differing = {k: (ours[k], theirs[k]) for k in ours if ours[k] != theirs[k]}
    assert not differing, f"store vs contract: {differing}"


@dataclass(frozen=True)
class Subjects:
    """What the events name that the contracts keep by key: accounts, trade keys, nonces, mandates, approvals,
    listings."""

    accounts: set[str]
    trade_keys: set[str]
    nonces: set[int]
    mandates: set[str]
    operations: set[tuple[int, str, int, int]]
    listings: set[str]


def _subjects(chain: Chain, store: Store) -> Subjects:
    accounts = {p["account"] for p in store.as_of().rows("participants")}
    accounts |= set(store.as_of().find_balances())
    events = chain.events
    return Subjects(
        accounts=accounts,
        trade_keys={
            trade_key(e.args["exchange"], e.args["seller"], e.args["buyer"], e.args["tradeId"])
            for e in events if e.name == "TradeSettled"
        },
        nonces={int(e.args["nonce"]) for e in events if e.name == "NonceUsed"},
        mandates={str(e.args["mandateId"]) for e in events if e.name == "MandateGranted"},
        operations={
            (int(e.args["assetId"]), e.args["operator"], int(e.args["right"]), int(e.args["purpose"]))
            for e in events if e.name == "PublicOperationAuthorised"
        },
        listings={str(e.args["key"]) for e in events if e.name == "ProductListed"},
    )  # fmt: skip


# ─────────────────────────────────────────────────────────── tests


def test_the_projected_state_equals_the_contracts_views(store: Store, chain: Chain) -> None:
    index(store, chain)
    subjects = _subjects(chain, store)
    assert len(subjects.trade_keys) >= 5 and len(subjects.accounts) >= 10
    assert subjects.nonces and subjects.mandates and subjects.operations and len(subjects.listings) >= 3
    ours = store_state(store.as_of(), subjects)
    assert_same(ours, contract_state(chain.client, chain.head, subjects))
    # every event kind of the ledger's contracts occurred and is in the events table (the governance's, the
    # manager's and the Safes', are indexed and checked over the demo: tests/indexer, tests/audit, tests/api)
    stored = store.as_of().find_events()
    every_kind = {name for n in SYSTEM_CONTRACTS for name in chain.client.contracts.codecs[n].events}
    every_kind.remove("EIP712DomainChanged")  # OpenZeppelin's EIP-712 base declares it; the domain never changes
    assert {e["name"] for e in stored} == every_kind
    assert len(stored) == len(chain.events)


def test_the_pauses_are_indexed_answered_by_the_api_now_and_before_and_audited(
    store: Store, chain: Chain, tmp_path: Path
) -> None:
    """The settlement paused and the registry paused then unpaused: the indexer's store has both contracts' pause
    records with their history; the API's status and pauses name the settlement alone now and nothing before
    the pauses; the audit replay finds no difference (the register against pausedContracts and the counter slot)."""
    open_indexer(chain.settings, store, chain.rpc, build=chain.build).run()
    authority = chain.client.address
    assert chain.client.paused_contracts() == Paused.TRADE_SETTLEMENT
    assert store.as_of().paused_contracts() == int(Paused.TRADE_SETTLEMENT)
    assert store.as_of(chain.before_pauses).paused_contracts() == 0

    with TestClient(create_app(LedgerSettings(data_dir=tmp_path), store=store)) as api:
        status = api.get("/api/v1/status").json()
        assert status["data"]["paused_contracts"] == ["TradeSettlement"]
        assert status["block"]["number"] == chain.head == status["data"]["indexed_block"]
        then = api.get("/api/v1/status", params={"at": chain.before_pauses}).json()
        assert then["data"]["paused_contracts"] == [] and then["block"]["number"] <= chain.before_pauses
        assert then["data"]["indexed_block"] == chain.head
        assert then["data"]["counts"] == status["data"]["counts"]  # the pauses change no other record

        pauses = api.get("/api/v1/governance/pauses").json()["data"]
        assert pauses["pause_register"] == int(Paused.TRADE_SETTLEMENT)
        assert pauses["paused_contracts"] == ["TradeSettlement"]
        by_name = {c["contract"]: c for c in pauses["contracts"]}
        assert list(by_name) == list(PAUSE_CONTRACTS.values())  # every pausable contract, in bit order
        registry, settlement = by_name["AssetRegistry"], by_name["TradeSettlement"]
        incident, checked = "0x" + h("incident 2027-001").hex(), "0x" + h("registry checked").hex()
        assert [(c["paused"], c["reason_hash"], c["changed_by"]) for c in registry["history"]] == [
            (True, incident, authority), (False, checked, authority)
        ]
        assert registry["paused"] is False and registry["changed_block"] == registry["history"][-1]["block"]
        # the demo's incident (paused, resumed), then this pause
        assert settlement["paused"] is True and [c["paused"] for c in settlement["history"]] == [True, False, True]
        assert settlement["history"][-1]["block"] == registry["history"][0]["block"] > chain.before_pauses
        assert settlement["history"][1]["block"] <= chain.before_pauses
        assert all(not c["history"] and c["reason_hash"] is None for n, c in by_name.items()
                   if n not in ("AssetRegistry", "TradeSettlement"))  # fmt: skip

        before = api.get("/api/v1/governance/pauses", params={"at": chain.before_pauses}).json()["data"]
        assert (before["pause_register"], before["paused_contracts"]) == (0, [])
        assert all(not c["paused"] for c in before["contracts"])
        assert [c["contract"] for c in before["contracts"] if c["history"]] == ["TradeSettlement"]  # the demo's
        # Between the two changes (the pause's block): both paused.
        mid = registry["history"][0]["block"]
        during = api.get("/api/v1/governance/pauses", params={"at": mid}).json()["data"]
        assert during["paused_contracts"] == ["AssetRegistry", "TradeSettlement"]

    report = audit_replay(deployment=chain.client.contracts.deployment, build=chain.build, rpc=chain.rpc, live=store)
    assert report.differences == [], [d.line() for d in report.differences]
    assert report.chain.status == "ok" and report.index.status == "ok"
    assert (report.events_by_name["ContractsPaused"], report.events_by_name["ContractsUnpaused"]) == (2, 2)


@pytest.mark.parametrize("fraction", [0.25, 0.5, 0.8])
def test_the_state_at_an_earlier_block_equals_the_contracts_views_at_that_block(
    store: Store, chain: Chain, fraction: float
) -> None:
    index(store, chain)
    first = chain.headers[0].number
    block = first + int((chain.head - first) * fraction)
    subjects = _subjects(chain, store)
    ours = store_state(store.as_of(block), subjects)
    theirs = contract_state(chain.client, block, subjects)
    assert_same(ours, theirs)
    # the point in time differs from the head (the check is not vacuous)
    assert ours != store_state(store.as_of(), subjects)


def test_a_store_indexed_only_up_to_a_block_equals_the_full_store_read_at_that_block(
    store: Store, chain: Chain
) -> None:
    middle = chain.headers[len(chain.headers) // 2].number
    index(store, chain, upto=middle, blocks_per_batch=7)
    partial = store.state_checksum()
    store.rollback(chain.headers[0].number - 1)
    index(store, chain, blocks_per_batch=1000)
    assert store.state_checksum(at_block=middle) == partial
