#!/usr/bin/env python3
"""Whole-transaction gas (receipt ``gasUsed``) of every ledger operation, against the budgets.

Runs on a fresh embedded anvil (automine, block gas limit 1e9) and prints a table, or a flat
JSON object with ``--json`` (one key per operation; ``budgets`` and ``over_budget`` beside).

Typical shapes measured:

* ``register_asset``: applyRegistration with one holder of all three rights, a 60-character
  metadata URI and a 31-character name, after the first asset of the chain;
* ``grant_license``: processing right, one region, non-exclusive, one year, for an
  (asset, right, purpose) that already has a licence; ``grant_license_first_for_purpose``
  is the first one (it creates the exclusivity record);
* ``settle_trade``: licence delivery, exchange fee and two revenue shares, with a finite
  allowance; seller, exchange and recipients already hold tokens (steady state).
  ``settle_trade_cold``: the same where seller, exchange and both recipients receive their
  first tokens (the licence's exclusivity record exists in both cases);
* ``settle_batch_100_per_trade``: settleBatch of 100 such trades (100 distinct buyers,
  spread over 10 assets of 5 sellers), gas / 100; ``..._one_asset``: all on one asset.

Gas is deterministic, so it is enforced, not only printed: ``gas-snapshot.json`` beside this script holds the
gas of every operation, and ``tests/bench/test_gas_snapshot.py`` fails when an operation exceeds its budget or
differs from the snapshot in either direction (as Foundry's ``forge snapshot --check``). ``--snapshot`` rewrites
the snapshot (commit it with the change that moved the gas); ``--check`` compares without writing.

Two runs give the same numbers because the measured chain has a fixed clock (:data:`GENESIS`,
:data:`MEASURE_FROM`; every block one second after the one before) and fixed keys: the gas of a transaction
depends on the bytes of its calldata (a zero byte costs 4 gas, another 16), and the licence terms, deadlines and
signatures in it are made from the chain's time; so are some of a grant's branches (whether the terms start
before the block does).

Usage: ``python scripts/bench/gas.py [--json] [--batch-size N] [--snapshot | --check] [-v]``
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from _common import RESERVE, BenchChain, bench_account, bench_chain, h, setup_logging
from eth_account.signers.local import LocalAccount

from ledger.client import LedgerClient, TxResult
from ledger.contracts.credit_code import credit_code_hash
from ledger.contracts.types import (
    AccountingCategory,
    Category,
    Delivery,
    DisclosureKind,
    Kind,
    LicenseTerms,
    Measurement,
    OrderTarget,
    QualityProblem,
    QualitySeverity,
    Right,
    Role,
    Trade,
    ValuationMethod,
)
from ledger.disclosure import period
from tests.credit_codes import code_for

logger = logging.getLogger("bench.gas")

BUDGETS: dict[str, int] = {
    "register_asset": 100_000,
    "grant_license": 110_000,
    "settle_trade": 230_000,
    "settle_batch_100_per_trade": 155_000,
    "revoke_license_1000_children": 200_000,
    "grant_license_after_1000_exclusives": 130_000,
    "file_valuation": 90_000,
    "recognise_asset": 90_000,
    "file_disclosure": 60_000,
    "file_quality_report": 80_000,
    "list_product": 100_000,
    "settle_listed_trade": 230_000,
}
REQUIRED_KEYS = (
    "register_asset",
    "grant_license",
    "grant_license_first_for_purpose",
    "settle_trade",
    "settle_trade_cold",
    "settle_batch_100_per_trade",
)
MAX_UINT = 2**256 - 1
DEFAULT_BATCH_SIZE = 100
#: The committed gas of every operation (at the default batch size): see the module's docstring.
SNAPSHOT = Path(__file__).resolve().with_name("gas-snapshot.json")
UPDATE_COMMAND = ".venv/bin/python scripts/bench/gas.py --snapshot"
#: The measured chain's clock. The node starts at GENESIS (2026-01-01 00:00 UTC); the measurements start at
#: MEASURE_FROM (noon that day, so that no licence of the run ends across a day boundary that another does not:
#: a grant writes the asset's licensedUntilDay at most once a day), and from there every block is one second
#: after the one before, whatever the wall clock says (anvil_setBlockTimestampInterval).
GENESIS = 1_767_225_600
MEASURE_FROM = GENESIS + 43_200
#: Where the clock is set after the admissions (the council's delays move it by however long they took).
AFTER_ADMISSIONS = MEASURE_FROM + 1_200
#: Where the bounded-gas measurements set the clock: an hour past MEASURE_FROM, well after the blocks before.
BOUNDED_FROM = MEASURE_FROM + 3_600


class GasTable:
    def __init__(self) -> None:
        self.gas: dict[str, int] = {}
        self.notes: dict[str, str] = {}

    def record(self, key: str, result: TxResult | int, note: str = "") -> TxResult | int:
        gas = result.receipt.gas_used if isinstance(result, TxResult) else result
        self.gas[key] = gas
        if note:
            self.notes[key] = note
        logger.info("%-40s %10d %s", key, gas, note)
        return result


def tx(client: LedgerClient, contract: str, function: str, *args: Any) -> TxResult:
    return client.execute(client.prepare(contract, function, *args))


def measure(chain: BenchChain, batch_size: int) -> GasTable:
    t = GasTable()
    auth = chain.authority
    reg = chain.registrar
    bank = chain.bank
    exchange = chain.exchanges[0]
    assets = list(chain.assets)
    seller_of = chain.assets
    buyers = list(chain.buyers)
    steady_asset = assets[0]
    seller = seller_of[steady_asset]

    def take_buyer() -> str:
        return buyers.pop().address

    def take_buyer_account() -> LocalAccount:
        return buyers.pop()

    # ── participants
    holder2 = bench_account("holder2", 0)
    merchant = bench_account("merchant", 0)
    provider = bench_account("provider", 0)
    supervisor = bench_account("supervisor", 0)
    cold_exchange = bench_account("cold-exchange", 0)
    cold_seller = bench_account("cold-seller", 0)
    cold_recipients = [bench_account("cold-recipient", i) for i in range(2)]
    # A participant that changes key (planned), then loses the new one (recovered by the council).
    keys = [bench_account("keys", i) for i in range(3)]
    others = [holder2, merchant, provider, supervisor, cold_exchange, cold_seller, *cold_recipients, *keys]
    chain.rpc.batch([("anvil_setBalance", [a.address, hex(10**24)]) for a in others])
    # The authority is the governance: the council's Safe (2 of 3 officers) schedules, then executes after the delay.
    admitted = auth.admit(
        holder2.address, Role.DATA_HOLDER, 450100, "Liuzhou Logistics Company Ltd.", code_for(holder2.address)
    )
    scheduled = auth.last_results[0]
    t.record("governance_schedule", scheduled, "the council's Safe schedules one operation (an admission); 2 "
             "signatures")  # fmt: skip
    t.record("governance_execute", admitted, "the council's Safe has the manager execute it, after the delay; 2 "
             "signatures")  # fmt: skip
    t.record("admit", admitted, "new participant, 30-char name; executed by the council (= governance_execute)")
    auth.execute_many([
        auth.prepare("ParticipantRegistry", "admit", account.address, int(role), region, name,
                     credit_code_hash(code_for(account.address)))
        for account, role, region, name in [
            (merchant, Role.DATA_MERCHANT, 450100, "Zhuang Data Merchants Ltd."),
            (provider, Role.SERVICE_PROVIDER, 450100, "Lijiang Anonymisation Services"),
            (supervisor, Role.SUPERVISOR, 450000, "Guangxi Cyberspace Supervision"),
            (cold_exchange, Role.EXCHANGE, 450000, "Cold Exchange"),
            (cold_seller, Role.DATA_HOLDER, 450100, "Cold Seller"),
            *((r, Role.DATA_HOLDER, 450100, f"Cold Recipient {i}") for i, r in enumerate(cold_recipients)),
            (keys[0], Role.DATA_HOLDER, 450100, "Key Changing Co."),
        ]
    ])  # fmt: skip
    c_holder2 = chain.client(holder2)
    c_merchant = chain.client(merchant)
    c_provider = chain.client(provider)
    c_supervisor = chain.client(supervisor)
    c_cold_seller = chain.client(cold_seller)
    t.record("set_roles", auth.set_roles(holder2.address, Role.DATA_HOLDER | Role.DATA_MERCHANT))
    t.record("file_declaration", c_merchant.file_declaration(h("merchant declaration")), "first declaration")
    c_holder2.file_declaration(h("holder2 declaration"))  # now a merchant too
    c_provider.file_declaration(h("provider declaration"))
    t.record("suspend", auth.suspend(supervisor.address, h("suspension")), "the emergency officers' Safe, 1 "
             "signature, at once")  # fmt: skip
    t.record("reinstate", auth.reinstate(supervisor.address, h("reinstatement")), "executed by the council")
    # The council's delays moved the clock by however long the governance took: from here on it starts again at a
    # fixed time, so that the calldata (licence periods) and signatures of what follows do not depend on it.
    assert chain.chain_time() < AFTER_ADMISSIONS
    chain.rpc.call("evm_mine", [AFTER_ADMISSIONS])

    # ── registration
    applied = tx(c_holder2, "AssetRegistry", "applyRegistration", chain.registration("gas/a1").as_abi())
    t.record("register_asset", applied, "one holder of all rights, 60-char URI, 31-char name")
    a1 = int(applied.event("RegistrationApplied")["assetId"])
    t.record("review_registration", reg.review_registration(a1, True, h("review")), "approve, issues certificate")
    a_rej = c_holder2.apply_registration(chain.registration("gas/rejected"))
    t.record("review_registration_reject", reg.review_registration(a_rej, False, h("rejection")))
    t.record(
        "change_registration", c_holder2.change_registration(a1, h("metadata v2"), chain.registration("x").metadata_uri)
    )
    a_cancel = c_holder2.apply_registration(chain.registration("gas/cancel"))
    t.record("cancel_registration", c_holder2.cancel_registration(a_cancel, h("withdrawn")), "pending, by applicant")
    a_personal = c_holder2.apply_registration(chain.registration("gas/personal", Category.PERSONAL))
    t.record("attest_anonymisation", c_provider.attest_anonymisation(a_personal, h("anonymisation report")))

    # ── licences
    now = chain.chain_time()
    terms = chain.terms(now)
    first = tx(c_holder2, "AssetRegistry", "grantLicense", a1, merchant.address, terms.as_abi())
    t.record("grant_license_first_for_purpose", first, "creates the (asset,right,purpose) exclusivity record")
    later = tx(c_holder2, "AssetRegistry", "grantLicense", a1, seller.address, terms.as_abi())
    t.record("grant_license", later, "one region, non-exclusive, purpose already licensed")
    sub_terms = replace(terms, sublicensable=True, transferable=True)
    parent = tx(c_holder2, "AssetRegistry", "grantLicense", a1, merchant.address, sub_terms.as_abi())
    parent_id = int(parent.event("LicenseGranted")["licenseId"])
    child = tx(c_merchant, "AssetRegistry", "sublicense", parent_id, seller.address, terms.as_abi())
    t.record("sublicense", child, "first under its parent")
    child_id = int(child.event("LicenseGranted")["licenseId"])
    t.record("sublicense_later", tx(c_merchant, "AssetRegistry", "sublicense", parent_id, cold_seller.address,
                                    terms.as_abi()))  # fmt: skip
    t.record("transfer_license", c_merchant.transfer_license(parent_id, c_provider.address))
    t.record("revoke_license", c_holder2.revoke_license(child_id, h("revocation")), "a leaf, by the right holder")
    t.record(
        "revoke_license_cascade",
        c_holder2.revoke_license(parent_id, h("revocation")),
        "a parent with one live child left",
    )

    # ── rights, objections, freezing
    a2 = c_holder2.apply_registration(chain.registration("gas/a2"))
    reg.review_registration(a2, True, h("review"))
    t.record(
        "transfer_right",
        c_holder2.transfer_right(a2, Right.OPERATION, merchant.address),
        "first split of the three rights",
    )
    t.record("transfer_right_again", c_merchant.transfer_right(a2, Right.OPERATION, cold_seller.address))
    lodged = tx(c_merchant, "AssetControls", "lodgeObjection", a2, h("evidence"), 0)
    t.record("lodge_objection", lodged, "with standing (a right holder): open at once")
    objection = int(lodged.event("ObjectionLodged")["objectionId"])
    t.record("resolve_objection", reg.resolve_objection(objection, False, h("dismissed")), "last open objection")
    pending = tx(c_provider, "AssetControls", "lodgeObjection", a2, h("evidence 2"), 0)
    t.record("lodge_objection_pending", pending, "without standing: pending until accepted")
    pending_id = int(pending.event("ObjectionLodged")["objectionId"])
    t.record("accept_objection", reg.accept_objection(pending_id, h("accepted")))
    reg.resolve_objection(pending_id, False, h("dismissed"))
    t.record("freeze", auth.freeze(a2, h("freeze order")), "the emergency officers' Safe, 1 signature, at once")
    t.record("unfreeze", auth.unfreeze(a2, h("freeze lifted")), "executed by the council")

    # ── token
    t.record("issue", bank.issue(holder2.address, 10**9, RESERVE), "first tokens of the receiver, bank's first issue")
    t.record("issue_steady", bank.issue(bank.address, 10**9, RESERVE), "the bank has issued before")
    t.record("redeem", bank.redeem(10**6))
    t.record("approve", c_holder2.approve(exchange.address, 10**12), "first approval")
    t.record("token_transfer", c_holder2.transfer(merchant.address, 1_000), "receiver had no tokens")
    t.record("token_transfer_steady", c_holder2.transfer(merchant.address, 1_000), "receiver holds tokens")

    # ── settlement configuration
    a3 = c_holder2.apply_registration(chain.registration("gas/a3"))
    reg.review_registration(a3, True, h("review"))
    t.record("set_revenue_shares", c_holder2.set_revenue_shares(a3, Right.PROCESSING, [(chain.recipients[0], 500),
                                                                                         (chain.recipients[1], 500)]),
             "two recipients, first time")  # fmt: skip
    t.record("set_price_band", auth.set_price_band(Kind.DATASET, 100, 10**9), "executed by the council")

    # ── single settlements
    warm_trades = [chain.trade(a, take_buyer(), terms, tag="warm") for a in assets]
    for trade in warm_trades:  # every seller, the exchange and the recipients now hold tokens
        chain.settle(exchange, trade)
    steady = [chain.settle(exchange, chain.trade(steady_asset, take_buyer(), terms, tag="steady")) for _ in range(3)]
    t.record("settle_trade", steady[-1], "seller's signed consent, licence delivery, fee, 2 revenue shares, "
             "payees hold tokens")  # fmt: skip
    # The same trade referencing the seller's listing on the exchange (art. 16-17), in the same state of the asset's
    # licences as settle_trade's (a licence's registry bookkeeping depends on the licences before it).
    listing = chain.listing(steady_asset, terms)
    t.record("list_product", chain.list_product(exchange, listing),
             "a licence product at a list price, the seller's signature; first listing of its id")  # fmt: skip
    t.record("settle_listed_trade", exchange.settle_listed(
        chain.trade(steady_asset, take_buyer(), terms, tag="listed"), listing.offer),
        "as settle_trade, referencing the seller's listing instead of a signed consent")  # fmt: skip
    # First licence of a purpose (a fresh exclusivity record), payees warm.
    t.record(
        "settle_trade_first_for_purpose",
        chain.settle(exchange, chain.trade(steady_asset, take_buyer(), chain.terms(now, purpose=2202), tag="p")),
    )
    # Infinite approval: OpenZeppelin skips the allowance write.
    inf_buyer = bench_account("inf-buyer", 0)
    chain.rpc.call("anvil_setBalance", [inf_buyer.address, hex(10**24)])
    auth.admit(inf_buyer.address, Role.DATA_HOLDER, 450100, "Infinite Approver", code_for(inf_buyer.address))
    bank.issue(inf_buyer.address, 10**9, RESERVE)
    chain.client(inf_buyer).approve(exchange.address, MAX_UINT)
    t.record(
        "settle_trade_infinite_allowance",
        chain.settle(exchange, chain.trade(steady_asset, inf_buyer.address, terms, tag="inf")),
    )
    no_fee = chain.settle(exchange, chain.trade(steady_asset, take_buyer(), terms, fee=0, tag="nofee"))
    t.record("settle_trade_no_fee", no_fee)

    # Cold: seller, exchange and both recipients get their first tokens; exclusivity record pre-made.
    a_cold = c_cold_seller.apply_registration(chain.registration("gas/cold"))
    reg.review_registration(a_cold, True, h("review"))
    c_cold_seller.set_revenue_shares(a_cold, Right.PROCESSING, [(r.address, 500) for r in cold_recipients])
    c_cold_seller.grant_license(a_cold, merchant.address, terms)
    chain.assets[a_cold] = c_cold_seller
    chain.share_bps[a_cold] = [500, 500]
    cold_buyer = take_buyer_account()
    chain.client(cold_buyer).approve(cold_exchange.address, 10**12)
    c_cold_exchange = chain.client(cold_exchange)
    t.record(
        "settle_trade_cold",
        chain.settle(c_cold_exchange, chain.trade(a_cold, cold_buyer.address, terms, tag="cold")),
        "first tokens for seller, exchange and both recipients",
    )

    # Right delivery (the operation right changes hands), steady payees.
    right_trade = Trade(h("trade/right"), steady_asset, seller.address, take_buyer(), 10_000, fee=200,
                        delivery=Delivery.RIGHT, right=Right.OPERATION)  # fmt: skip
    t.record("settle_trade_right_delivery", chain.settle(exchange, right_trade), "first split of the rights")

    # Off-exchange, both parties sign (EIP-712); the buyer sends it.
    direct_buyer = chain.client(take_buyer_account())
    d_trade = Trade(h("trade/direct"), steady_asset, seller.address, direct_buyer.address, 10_000, terms=terms)
    deadline = now + 3600
    n7, n8, n9 = (1 << 20) + 7, (1 << 20) + 8, (1 << 20) + 9  # a word of nonces neither party used yet
    sigs = (seller.sign_direct_trade(d_trade, n7, deadline), direct_buyer.sign_direct_trade(d_trade, n7, deadline))
    t.record("settle_direct", direct_buyer.settle_direct(d_trade, n7, deadline, *sigs),
             "no fee, 2 revenue shares; first nonce word of both parties")  # fmt: skip
    d_trade2 = replace(d_trade, trade_id=h("trade/direct2"))
    sigs2 = (seller.sign_direct_trade(d_trade2, n9, deadline), direct_buyer.sign_direct_trade(d_trade2, n9, deadline))
    t.record("settle_direct_steady", direct_buyer.settle_direct(d_trade2, n9, deadline, *sigs2),
             "both nonce words already in use")  # fmt: skip
    t.record("invalidate_nonce", seller.invalidate_nonce(n8))

    # ── batches
    spread_assets = list(assets)
    batch = [chain.trade(spread_assets[i % len(spread_assets)], take_buyer(), terms, tag="batch")
             for i in range(batch_size)]  # fmt: skip
    res = chain.settle_batch(exchange, batch)
    t.record("settle_batch_tx", res, f"{batch_size} trades over {len(spread_assets)} assets")
    t.record(
        "settle_batch_100_per_trade",
        res.receipt.gas_used // batch_size,
        f"gas / {batch_size}; distinct buyers, {len(spread_assets)} assets, {len(chain.sellers)} sellers",
    )
    one = [chain.trade(steady_asset, take_buyer(), terms, tag="batch1") for _ in range(batch_size)]
    res1 = chain.settle_batch(exchange, one)
    t.record(
        "settle_batch_100_per_trade_one_asset",
        res1.receipt.gas_used // batch_size,
        f"gas / {batch_size}; distinct buyers, one asset",
    )
    # The same batch within standing mandates (one per asset, each sent once with the batch).
    mandates = {a: chain.mandate(a, exchange, terms) for a in spread_assets}
    for a, m in mandates.items():
        chain.assets[a].grant_mandate(m)
    mbatch = [chain.trade(spread_assets[i % len(spread_assets)], take_buyer(), terms, tag="mbatch")
              for i in range(batch_size)]  # fmt: skip
    mres = exchange.settle_mandated_batch(mbatch, [mandates[tr.asset_id] for tr in mbatch])
    t.record(
        "settle_batch_100_per_trade_mandated",
        mres.receipt.gas_used // batch_size,
        f"gas / {batch_size}; as settle_batch_100_per_trade, within the sellers' standing mandates",
    )
    t.record("settle_trade_mandated", exchange.settle_mandated(
        chain.trade(steady_asset, take_buyer(), terms, tag="msingle"), mandates[steady_asset]),
        "as settle_trade, within the seller's standing mandate")  # fmt: skip

    # ── supervision
    opened = tx(c_supervisor, "Supervision", "openOrder", int(OrderTarget.ASSET), "0x" + "00" * 20, a1, h("order"))
    t.record("open_order", opened)
    order_id = int(opened.event("RectificationOrdered")["orderId"])
    t.record("close_order", c_supervisor.close_order(order_id, h("closed")))
    t.record("record_credit_event", c_supervisor.record_credit_event(holder2.address, 101, -5, h("late filing")),
             "first event of the participant")  # fmt: skip

    # ── valuation and accounting recognition (art. 19)
    t.record("accredit_appraiser", auth.accredit_appraiser(provider.address, now + 400 * 86_400, h("accreditation")),
             "executed by the council")  # fmt: skip
    a4 = c_holder2.apply_registration(chain.registration("gas/a4"))
    reg.review_registration(a4, True, h("review"))
    def file(report: str) -> TxResult:
        return tx(c_provider, "Valuation", "fileValuation", a4, int(ValuationMethod.INCOME), 125_000_000, b"CNY",
                  now - 86_400, now + 300 * 86_400, chain.registration("gas/a4").content_hash, h(report))

    t.record("file_valuation_first", file("first report"), "the contract's first report: its counter starts")
    filed = file("valuation report")
    t.record("file_valuation", filed, "an accredited appraiser's report on an asset valued before")
    valuation = int(filed.event("ValuationFiled")["valuationId"])
    recognised = tx(c_holder2, "Valuation", "recogniseAsset", a4, int(AccountingCategory.INTANGIBLE_ASSET),
                    90_000_000, now - 86_400, now + 90 * 86_400, valuation, h("auditor's opinion"))
    t.record("recognise_asset", recognised, "the holding right's holder, on a valid report; the asset's first")
    t.record("remeasure", c_holder2.remeasure(a4, Measurement.AMORTISATION, 85_000_000, h("amortisation")))

    # ── data quality (art. 9): reports of the valued asset's content by the merchant
    content = chain.registration("gas/a4").content_hash

    def report(label: str) -> TxResult:
        return tx(c_merchant, "DataQuality", "fileReport", a4, content, int(QualityProblem.ACCURACY),
                  int(QualitySeverity.HIGH), h(label))

    t.record("file_quality_report_first", report("first evidence"),
             "the contract's first report: its counter starts")  # fmt: skip
    filed_report = report("evidence")
    t.record("file_quality_report", filed_report, "any participant's report of an asset's content")
    t.record("answer_quality_report", c_holder2.answer_quality_report(
        int(filed_report.event("QualityReportFiled")["reportId"]), True, h("acknowledged")), "by the holder")

    # ── information disclosure (art. 25): December 2025 (China Standard Time) ended before the chain began
    t.record("set_disclosure_requirement", auth.set_disclosure_requirement(DisclosureKind.TRADE_STATISTICS, 1, 15),
             "executed by the council")  # fmt: skip
    december = period("2025-12")
    t.record("file_disclosure_first", tx(exchange, "Disclosure", "fileDisclosure", 0, *december, h("statistics")),
             "the contract's first disclosure: its counter starts")  # fmt: skip
    t.record("file_disclosure", tx(exchange, "Disclosure", "fileDisclosure", 0, *december, h("corrected")),
             "an exchange's monthly trade statistics")  # fmt: skip

    # ── bounded gas (last: these move the clock) — revoking a licence with many sublicences; granting after
    # many exclusive licences of the same right and purpose
    terms = chain.terms()
    t.record("revoke_license_1000_children", _revoke_with_children(chain, c_holder2, c_merchant, a1, terms, 1000),
             "a sublicensable licence with 1,000 live sublicences, by the right holder")  # fmt: skip
    shared, exclusive = _grant_after_exclusives(chain, c_holder2, merchant.address, a1, 1000)
    t.record("grant_license_after_1000_exclusives", exclusive,
             "an exclusive licence, after 1,000 exclusive licences of the same right and purpose ended")  # fmt: skip
    t.record("grant_license_shared_after_1000_exclusives", shared, "a shared licence, same place")
    t.record("rotate_key", chain.client(keys[0]).rotate_key(keys[1]), "planned: the old key sends, the new key's "
             "EIP-712 consent checked; the identity's first change")  # fmt: skip
    # Last, so that their governance rounds move no clock the measurements above depend on.
    t.record("set_issuance_limit", auth.set_issuance_limit(bank.address, 10**25), "executed by the council")
    t.record("recover_key", auth.replace_key(keys[1].address, keys[2].address, h("key recovery")),
             "executed by the council, after its delay")  # fmt: skip
    return t


def _revoke_with_children(
    chain: BenchChain, holder: LedgerClient, licensee: LedgerClient, asset: int, terms: LicenseTerms, n: int
) -> TxResult:
    """Grants ``licensee`` a sublicensable licence, lets it grant ``n`` sublicences (to fresh participants), then
    revokes the licence: the cost of the revocation."""
    parent_terms = replace(terms, purpose=3001, sublicensable=True)
    parent = holder.grant_license(asset, licensee.address, parent_terms)
    children = [bench_account("sublicensee", i) for i in range(n)]
    chain.rpc.batch([("anvil_setBalance", [a.address, hex(10**24)]) for a in children])
    auth = chain.authority
    auth.execute_many([auth.prepare("ParticipantRegistry", "admit", a.address, int(Role.DATA_HOLDER), 450100,
                                    f"Sublicensee {i}", credit_code_hash(code_for(a.address)))
                       for i, a in enumerate(children)])  # fmt: skip
    child_terms = replace(parent_terms, sublicensable=False)
    chain.bulk([(licensee, [licensee.prepare("AssetRegistry", "sublicense", parent, a.address, child_terms.as_abi(),
                                             gas=400_000) for a in children])])  # fmt: skip
    assert len(holder.children_of(parent)) == n
    return holder.revoke_license(parent, h("revocation of a licence with many sublicences"))


def _grant_after_exclusives(
    chain: BenchChain, holder: LedgerClient, licensee: str, asset: int, n: int
) -> tuple[TxResult, TxResult]:
    """``n`` exclusive licences of one right and purpose, granted eight at a time (the most that may be in force),
    each batch ended by moving the clock past it; then a shared and an exclusive grant: their costs.

    Each round, and the measured grants, start at a fixed time (from :data:`BOUNDED_FROM`, a block mined at it):
    the calldata of the measured grants holds their period, whatever blocks the set-up mined on the way."""
    per_round, span, round_length = 8, 100, 1_000  # a round's licences all end 810 s after its start
    base_terms = LicenseTerms(right=Right.OPERATION, purpose=4001, start=0, end=0, regions=(450000,),
                              exclusive=True, terms_hash=h("exclusive terms"))  # fmt: skip
    granted = 0
    now = BOUNDED_FROM
    while granted < n:
        chain.rpc.call("evm_mine", [now])
        k = min(per_round, n - granted)
        calls = [holder.prepare("AssetRegistry", "grantLicense", asset, licensee,
                                replace(base_terms, start=now + 10 + i * span, end=now + 10 + (i + 1) * span).as_abi(),
                                gas=400_000) for i in range(k)]  # fmt: skip
        chain.bulk([(holder, calls)])
        granted += k
        now += round_length
    chain.rpc.call("evm_mine", [now])
    shared = holder.execute(holder.prepare("AssetRegistry", "grantLicense", asset, licensee, replace(
        base_terms, exclusive=False, start=now, end=now + 365 * 86400).as_abi()))  # fmt: skip
    exclusive = holder.execute(holder.prepare("AssetRegistry", "grantLicense", asset, licensee, replace(
        base_terms, purpose=4001, start=now + 400 * 86400, end=now + 500 * 86400).as_abi()))  # fmt: skip
    return shared, exclusive


def buyers_needed(batch_size: int) -> int:
    return 3 * batch_size + 40


def run(batch_size: int = DEFAULT_BATCH_SIZE) -> dict[str, Any]:
    with bench_chain(block_time=0, exchanges=1, sellers=5, assets_per_seller=2, recipients=2,
                     buyers=buyers_needed(batch_size),
                     extra_node_args=["--timestamp", str(GENESIS)]) as chain:  # fmt: skip
        # From here on the clock is the chain's own: one second a block from MEASURE_FROM.
        chain.rpc.call("anvil_setBlockTimestampInterval", [1])
        chain.rpc.call("evm_mine", [MEASURE_FROM])
        table = measure(chain, batch_size)
    out: dict[str, Any] = dict(table.gas)
    out["budgets"] = dict(BUDGETS)
    out["over_budget"] = [k for k, b in BUDGETS.items() if table.gas[k] > b]
    out["notes"] = table.notes
    out["batch_size"] = batch_size
    return out


def operations(out: Mapping[str, Any]) -> dict[str, int]:
    """The gas of every operation in a report of :func:`run`, in the order measured."""
    return {k: v for k, v in out.items() if isinstance(v, int) and k != "batch_size"}


def load_snapshot(path: Path = SNAPSHOT) -> dict[str, int]:
    data = json.loads(path.read_text())
    if not isinstance(data, dict) or not all(isinstance(v, int) for v in data.values()):
        raise ValueError(f"{path}: expected an object of operation -> gas")
    return data


def write_snapshot(out: Mapping[str, Any], path: Path = SNAPSHOT) -> None:
    path.write_text(json.dumps(operations(out), indent=2) + "\n")


def over_budget(out: Mapping[str, Any]) -> list[str]:
    """One line per budgeted operation above its budget (or not measured at all)."""
    gas = operations(out)
    return [
        f"{key}: {gas[key]:,} gas, budget {budget:,}" if key in gas else f"{key}: budgeted but not measured"
        for key, budget in BUDGETS.items()
        if key not in gas or gas[key] > budget
    ]


def snapshot_differences(out: Mapping[str, Any], snapshot: Mapping[str, int]) -> list[str]:
    """One line per operation whose gas differs from the snapshot, is not in it, or is in it but was not measured.

    Any difference counts, a saving as much as a growth (as with ``forge snapshot --check``): the snapshot is
    updated in the change that moves the gas, so that its review shows every operation that became cheaper or
    dearer, and by how much."""
    gas = operations(out)
    lines = []
    for key, value in gas.items():
        if key not in snapshot:
            lines.append(f"{key}: {value:,} gas, not in the snapshot")
        elif value != snapshot[key]:
            delta = value - snapshot[key]
            lines.append(f"{key}: {value:,} gas, snapshot {snapshot[key]:,} ({delta:+,}, {delta / snapshot[key]:+.2%})")
    lines += [f"{key}: in the snapshot ({snapshot[key]:,} gas) but not measured" for key in snapshot if key not in gas]
    return lines


def print_table(out: dict[str, Any], write: Callable[[str], Any] = sys.stdout.write) -> None:
    budgets: dict[str, int] = out["budgets"]
    notes: dict[str, str] = out["notes"]
    write(f"{'operation':<40} {'gas':>10} {'budget':>10}  {'':4} notes\n")
    write("-" * 110 + "\n")
    for key, value in out.items():
        if not isinstance(value, int) or key == "batch_size":
            continue
        budget = budgets.get(key)
        shown = f"{budget:>10,}" if budget is not None else " " * 10
        verdict = "" if budget is None else ("ok" if value <= budget else "OVER")
        write(f"{key:<40} {value:>10,} {shown}  {verdict:4} {notes.get(key, '')}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                        help=f"trades in the measured settleBatch ({DEFAULT_BATCH_SIZE})")  # fmt: skip
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--snapshot", action="store_true", help=f"write the gas of every operation to {SNAPSHOT.name}")
    what.add_argument("--check", action="store_true",
                      help=f"exit 1 when an operation exceeds its budget or differs from {SNAPSHOT.name}")  # fmt: skip
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress on stderr")
    args = parser.parse_args(argv)
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    if (args.snapshot or args.check) and args.batch_size != DEFAULT_BATCH_SIZE:
        parser.error(f"the snapshot is taken at the default --batch-size ({DEFAULT_BATCH_SIZE})")
    setup_logging(args.verbose)
    out = run(args.batch_size)
    if args.json:
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
    else:
        print_table(out)
    failures = over_budget(out)
    if args.snapshot:
        write_snapshot(out)
        sys.stderr.write(f"gas: wrote {len(operations(out))} operations to {SNAPSHOT}\n")
    elif args.check:
        differences = snapshot_differences(out, load_snapshot())
        failures += differences
        if differences:
            failures.append(f"if the change of gas is intended, update the snapshot with it: {UPDATE_COMMAND}")
    if failures and (args.snapshot or args.check):
        sys.stderr.write("gas: " + "\ngas: ".join(failures) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
