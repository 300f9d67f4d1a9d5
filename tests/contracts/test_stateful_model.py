"""Random operation sequences by honest and hostile participants, against the contracts and a model of the rules.

A :class:`LedgerMachine` draws operations on every contract of the system: admissions, role changes, suspensions
and revocations; registrations (fresh and reused content hashes), reviews, changes and cancellations; right
transfers; objections with and without standing, accepted and resolved; freezes, anonymisation attestations and
public-data operation approvals; licences and sublicences with random terms, revocations (also of sold licences,
which their licensors may not revoke), surrenders and transfers; token issues, redemptions, transfers, approvals
among all actors and spending of them; settlement with the sellers' signed consents (good ones, and consents
signed by another key, for another exchange, expired, withdrawn, for other terms, or below the net the seller
asked for), batches (atomic and trade by trade), off-exchange trades, mandates (granted, revoked and used within
and outside their limits, and licences starting after their expiry), exchange listings (listed with the seller's
signature, or one signed by another key, for another exchange or other terms, malformed, stale, by a seller that holds
nothing, out of the public-data band, of an asset that cannot be delivered; amended, delisted, withdrawn, and traded
within and outside their price range, period, longest licence and terms), the public-data opening list (lists
published, or refused as empty, out of range, unhashed, overdue already or naming a department that is not an active
data holder; assets linked by their departments, or not public, not registered, held by another, linked by another;
entries shown open by a licence or an exchange's listing in force of their asset, or by another's; entries
withdrawn), held revenue shares, their claims and the
authority's release of a revoked recipient's; revenue shares and all four price bands; rectification orders and
credit events; recognition agreements, certificate imports (new, linked, superseding, stale, expired, under
threshold, forged) and suspension; key changes (planned, both keys signing; recovered by the council; to another's
key, a key used before, with an impostor's consent) and what a replaced key then tries; and hostile calls of the
contracts' internal hooks. Callers are usually the ones allowed to act and often anyone else: any admitted
account, suspended ones, outsiders, replaced keys.

The model names participants by their identities (the accounts they were admitted with); the chain is given the
keys that sign for them now (:meth:`LedgerMachine.chain_args`), except in what a key signed (consents, mandates),
which names the keys that signed it: a consent or mandate of a replaced key lapses, as on the chain.

Each operation runs on the model (``tests/contracts/model.py``) and on the chain. When the model refuses,
the chain must refuse with the same custom error and values and mine nothing (the refusal comes from gas
estimation); when the model accepts, the chain must mine it, and the ids it returns and the trades a batch
refuses must be the model's. After every step every view of every contract is compared with the model
(:data:`COMPARED_VIEWS`; :func:`test_every_view_is_compared_or_explained` fails for a view that is neither
compared nor listed with a reason), and invariants are checked on the chain's own events and views, apart
from the model: no right or licence changes hands without its holder's own call, a settlement with the
seller's signed consent, mandate (a mandated licence starting by the mandate's expiry) or listing in force (within
its price range, period and longest licence), or a recognition sync
(the only way the rights of an asset recognised from another province change hands here); public data changes
hands only on an exchange within its band or as an authorised operation; a licence is sold exactly when a
settlement delivered it, and a sold licence is revoked only by the authority or surrendered by its licensee;
a licence above a sold sublicence that has not ended is ended only by the authority (asked of the chain as its
licensee and licensors would send it);
shares are held only for inactive recipients and paid out only to the recipient's own claim or, for a revoked
recipient, by the authority's release on a recorded decision; no registrar decides an objection it lodged; the
token supply is what was issued less what was redeemed and sits with the participants and (held shares) the
settlement contract; every live licence can be revoked for bounded gas.

Every block's timestamp is set (``evm_setNextBlockTimestamp``), so the model knows every time exactly.

Runs on anvil. The set-up is the same in every example: the first example makes it and takes a snapshot, and
every example starts from that snapshot (:class:`Prepared`). Allowances and pending objections are asked of
every account pair every :data:`FULL_SWEEP_EVERY` steps and only of the pairs that can have changed between.

Running it:

* By default (profile ``ci``) 50 examples of up to 50 steps, derandomized: the same examples every run, on a
  chain of the machine's own whose clock starts on a fixed day (:func:`machine_chain`; the model's at noon, see
  ``__init__``), in about two minutes on the two shared cores
  (up to four and a half minutes of wall time when the machine is busy with other work). 50, not 40: with the
  council's delay moving the model's clock, the derandomized 40 no longer included a settled sublicence (a
  coverage floor).
* ``LEDGER_HYPOTHESIS_EXAMPLES=N`` runs N examples of the chosen profile instead; ``--hypothesis-seed=N``
  explores other examples than the derandomized ones. ``LEDGER_HYPOTHESIS_PROFILE=soak`` runs 2,000 examples
  of up to 60 steps (hours). ``LEDGER_MACHINE_TRACE=1`` (with ``-s``) prints every operation and its outcome.
* The test ends by checking that the run hit a minimum of distinct successful operations and distinct
  refusals (:data:`REQUIRED_SUCCESSES`, :data:`REQUIRED_REFUSALS`) and sent every driven write, so that a run
  in which everything is refused cannot pass. A run with a seed of its own is exploring: what it did not cover
  is reported as a warning, not a failure (a few hundred steps leave some rare successes to luck). Fewer
  examples than the profile's may fall short of the minimums.
"""

from __future__ import annotations

import copy
import os
import random
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import Any, ClassVar, TypeVar

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from hypothesis import HealthCheck, event, note, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import providers as hypothesis_providers
from hypothesis.internal.constants_ast import Constants
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from ledger.audit import viewbatch
from ledger.chain import EmbeddedNode
from ledger.client import Call, LedgerClient, TxResult, dev_account
from ledger.client.ledger import key_change_typed_data
from ledger.contracts.credit_code import credit_code_hash
from ledger.contracts.deploy import AUTHORITY_CREDIT_CODE
from ledger.contracts.revert import ContractRevert
from ledger.contracts.system import SYSTEM_CONTRACTS, contract_abi
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
    Listing,
    Mandate,
    Measurement,
    ObjectionStatus,
    Offer,
    OpeningEntry,
    OpeningEvidence,
    OpeningStatus,
    OrderTarget,
    ParticipantStatus,
    QualityProblem,
    QualitySeverity,
    Registration,
    Right,
    Role,
    SalesConsent,
    Trade,
    ValuationMethod,
    ValuationStatus,
    compact_signature,
)
from ledger.disclosure import CST, month_start
from ledger.governance import CouncilClient
from ledger.governance.config import DEV_DELAY
from ledger.recognition import Certificate, CertificateDomain, CertificateFile, sign_certificate
from ledger.settings import LedgerSettings
from ledger.toolchain import Build
from tests.conftest import free_port
from tests.contracts.conftest import BANK_LIMIT, CITY, OTHER_REGION, REGION, RESERVE, World, build_world, h
from tests.contracts.model import (
    ALL,
    ASSET_OWNERS,
    DAY,
    NO_RECOGNITION,
    RECOGNISED_NONE,
    TRADER,
    UINT256_MAX,
    WITHDRAWN,
    ZERO,
    ZERO_HASH,
    ItemRefused,
    Ledger,
    Participant,
    Refused,
    TradeRefusal,
    listing_key,
    listing_sale_digest,
    mandate_id,
    trade_key,
    typed_digest,
)
from tests.credit_codes import code_for

settings.register_profile(
    "ci",
    max_examples=50,
    stateful_step_count=50,
    # The same examples every run: the coverage floors at the end must not depend on luck (soak explores).
    derandomize=True,
    # No example database either: examples saved by earlier runs in this checkout would be replayed first, and
    # a run here would differ from CI's on a fresh clone.
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=True,
    report_multiple_bugs=False,
)
settings.register_profile(
    "soak",
    max_examples=2_000,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=True,
    report_multiple_bugs=False,
)
T = TypeVar("T")
PROFILE = os.environ.get("LEDGER_HYPOTHESIS_PROFILE", "ci")
#: Set to print every operation and its outcome (debugging a failure, or seeing what a profile exercises).
TRACE = bool(os.environ.get("LEDGER_MACHINE_TRACE"))

#: Gas sent with a batch once gas estimation found it would not revert: a batch settled trade by trade never
#: reverts, so estimation finds the least gas at which its trades run out of gas one by one, and report it.
BATCH_GAS = 12_000_000
#: Every this many steps of an example (and at its set-up) the views are asked of every pair of accounts
#: (allowances) and of every account and asset (pending objections); the steps between ask only the pairs that
#: could have changed: those the model or the chain's Approval events know, and the objectors. The sweeps catch a
#: value that changed without an event; the cheaper steps keep a run within its time.
FULL_SWEEP_EVERY = 5
#: The most gas revoking any licence may cost (the README's budget for revoking a licence with 1,000 children).
REVOKE_GAS_BOUND = 200_000

# ─────────────────────────────────────────────────────────── the cast

#: The world's participants as conftest admits them (roles, status, region, declarations filed), stated here
#: independently; their admission times are read from the chain.
ROSTER: dict[str, Participant] = {
    "authority": Participant(int(Role.AUTHORITY), ParticipantStatus.ACTIVE, REGION),
    "registrar": Participant(int(Role.REGISTRAR), ParticipantStatus.ACTIVE, REGION),
    "foreign_registrar": Participant(int(Role.REGISTRAR), ParticipantStatus.ACTIVE, OTHER_REGION),
    "exchange": Participant(int(Role.EXCHANGE), ParticipantStatus.ACTIVE, REGION),
    "bank": Participant(int(Role.SETTLEMENT_BANK), ParticipantStatus.ACTIVE, REGION),
    "holder": Participant(int(Role.DATA_HOLDER), ParticipantStatus.ACTIVE, CITY),
    "holder2": Participant(int(Role.DATA_HOLDER), ParticipantStatus.ACTIVE, CITY),
    "merchant": Participant(int(Role.DATA_MERCHANT), ParticipantStatus.ACTIVE, CITY, 1),
    "provider": Participant(int(Role.SERVICE_PROVIDER), ParticipantStatus.ACTIVE, CITY, 1),
    "supervisor": Participant(int(Role.SUPERVISOR), ParticipantStatus.ACTIVE, REGION),
    "suspended": Participant(int(Role.DATA_HOLDER | Role.DATA_MERCHANT), ParticipantStatus.SUSPENDED, CITY, 1),
}
#: Admitted by the machine's first step: a second exchange (trade ids are per exchange; consents name one), a
#: registrar that may also hold data (so that a registrar can have a stake in what it reviews), and two source
#: departments that take revenue shares of the set-up assets and are then suspended and revoked (their shares are
#: held for them: the suspended one claims them once reinstated, the authority releases the revoked one's).
CAST: dict[str, tuple[LocalAccount, Role, int]] = {
    "exchange2": (dev_account(26), Role.EXCHANGE, REGION),
    "registrar2": (dev_account(27), Role.REGISTRAR | Role.DATA_HOLDER, REGION),
    "source": (dev_account(28), Role.DATA_HOLDER, CITY),
    "source2": (dev_account(29), Role.DATA_HOLDER, CITY),
}
#: Accounts the machine may admit later with random roles (dev accounts, funded by anvil, unknown to the world).
NEWCOMERS = {f"newcomer{i}": dev_account(21 + i) for i in range(1, 5)}
ACTORS = [*ROSTER, "outsider", *CAST, *NEWCOMERS]
TRADING = ["holder", "holder2", "merchant", "provider"]
#: The bank's issuance limit from the set-up on: what the set-up issues (400,000 to each trader) and 100,000 more.
SETUP_LIMIT = 400_000 * len(TRADING) + 100_000
OWNERS = ["holder", "holder2", "merchant", "registrar2"]
EXCHANGES = ["exchange", "exchange2"]
#: Whose keys the machine changes (the authority's is the access manager's: its own recovery is refused).
KEYED = [*TRADING, *EXCHANGES, "bank", "registrar", "registrar2", "source", "suspended"]
REGISTRARS = ["registrar", "registrar2", "foreign_registrar"]

NEWCOMER_ROLES = [
    Role.DATA_HOLDER, Role.DATA_MERCHANT, Role.SERVICE_PROVIDER, Role.DATA_HOLDER | Role.DATA_MERCHANT,
    Role.REGISTRAR, Role.EXCHANGE, Role.SETTLEMENT_BANK, Role.SUPERVISOR, Role.AUTHORITY,
    Role.REGISTRAR | Role.SERVICE_PROVIDER,
]  # fmt: skip

#: Another province: its chain id and registry (the EIP-712 domain of its certificates) and its registrars'
#: keys (not participants here); a key that is none of them; and a province with no agreement.
ORIGIN_CHAIN = 4401
ORIGIN_REGISTRY: str = to_checksum_address(keccak(b"origin registry")[12:])
OTHER_REGISTRY: str = to_checksum_address(keccak(b"another registry")[12:])
UNAGREED_CHAIN = 5301
ORIGIN_KEYS = [dev_account(40), dev_account(41), dev_account(42)]
FORGER = dev_account(43)

PURPOSES = [1101, 1102]
#: Licence territories: domestic, Taiwan, Hong Kong and Macau (cross-border), an invalid code, none.
TERRITORIES: list[tuple[int, ...]] = [
    (REGION,), (REGION, CITY), (CITY,), (OTHER_REGION,), (REGION,), (810000,), (710000,), (100000,), (REGION, 820000),
    (),
]  # fmt: skip
PRICES = [10_000, 2_000, 60_000, 500, 150_000]
HOSTILE_ONE_IN = 5
COUNTERPART_HOSTILE_ONE_IN = 12

#: The operations the machine draws, each as often as its weight.
WEIGHTS: dict[str, int] = {
    "settle": 8, "apply_registration": 8, "admit": 3, "set_roles": 2, "change_status": 3, "file_declaration": 2,
    "review": 7, "change_registration": 2, "cancel": 3, "transfer_right": 4,
    "lodge_objection": 3, "decide_objection": 5, "freeze_or_unfreeze": 3, "attest_anonymisation": 2,
    "public_operation": 3,
    "sublicense": 5, "revoke_license": 4, "transfer_license": 2,
    "issue": 2, "approve": 3, "transfer_tokens": 3, "transfer_from": 2, "redeem": 2, "set_issuance_limit": 1,
    "settle_batch": 5, "settle_direct": 3, "invalidate_nonce": 2, "claim_held_shares": 3, "release_held_shares": 3,
    "set_revenue_shares": 3, "set_price_band": 2,
    "grant_mandate": 4, "settle_mandated": 5, "revoke_mandate": 2,
    "open_order": 2, "close_order": 2, "record_credit": 3,
    "import_certificate": 4, "suspend_recognised": 3, "set_agreement": 2,
    "hook": 3, "time_passes": 4, "grant_license": 8, "change_key": 2, "retired_key_acts": 2,
    "accredit_appraiser": 2, "file_valuation": 2, "close_valuation": 1, "recognise_asset": 2,
    "change_recognition": 3, "set_disclosure_requirement": 1, "file_disclosure": 2,
    "set_response_window": 1, "file_quality_report": 1, "act_on_quality_report": 2,
    "list_product": 4, "settle_listed": 4, "end_listing": 2,
    "publish_opening_list": 2, "link_opening_asset": 2, "mark_opening": 3, "withdraw_opening_entry": 1,
}  # fmt: skip
ACTIONS = [name for name, weight in WEIGHTS.items() for _ in range(weight)]
#: Operations on licences (until there is one, the machine grants one instead).
NEEDS_LICENCE = frozenset(["sublicense", "revoke_license", "transfer_license"])
#: Operations that need an asset to be meaningful (until there is one, the machine applies for one instead).
NEEDS_ASSET = frozenset([
    "change_registration", "cancel", "transfer_right", "lodge_objection", "decide_objection", "freeze_or_unfreeze",
    "attest_anonymisation", "public_operation", "grant_license", "sublicense", "revoke_license", "transfer_license",
    "settle", "settle_batch", "settle_direct", "set_revenue_shares", "grant_mandate", "settle_mandated",
    "file_valuation", "recognise_asset", "change_recognition", "file_quality_report", "list_product",
    "settle_listed",
])  # fmt: skip

# ─────────────────────────────────────────────────────────── the views compared

#: Every view and pure function of the system's contracts that the machine compares after every step.
COMPARED_VIEWS: dict[str, frozenset[str]] = {
    "ParticipantRegistry": frozenset(
        ["accountOf", "getParticipant", "hashKeyChange", "idOfCreditCode", "identityOf", "isActive", "officerSafes",
         "participantCount", "requireEach", "requireIdentity", "requireRole", "requireTraders", "signerIdentity",
         "transactionAllowed"]
    ),
    "AssetRegistry": frozenset(
        [
            "applicantOf",
            "assetCount",
            "assetIdOf",
            "childrenOf",
            "controls",
            "exclusivityOf",
            "getAsset",
            "getLicense",
            "holderOf",
            "isLicenseValid",
            "licenseCount",
            "module",
            "participants",
            "pausedContracts",
            "recognition",
            "settlement",
            "statusOf",
            "subjectOf",
            "territoryOf",
            "tradableHolder",
        ]
    ),
    "AssetRegistryModule": frozenset(
        [
            "applicantOf",
            "assetCount",
            "assetIdOf",
            "childrenOf",
            "controls",
            "exclusivityOf",
            "getAsset",
            "getLicense",
            "holderOf",
            "isLicenseValid",
            "licenseCount",
            "module",
            "participants",
            "recognition",
            "settlement",
            "statusOf",
            "subjectOf",
            "territoryOf",
        ]
    ),
    "AssetControls": frozenset(
        ["getObjection", "objectionCount", "openObjections", "pendingOf", "publicOperation", "registry"]
    ),
    "SettlementToken": frozenset(
        ["allowance", "balanceOf", "decimals", "issuanceOf", "name", "settlement", "symbol", "totalSupply"]
    ),
    "TradeSettlement": frozenset(
        [
            "eip712Domain",
            "hashDirectTrade",
            "hashSalesConsent",
            "heldShares",
            "isDirectSettled",
            "isSettled",
            "listings",
            "mandates",
            "nonceUsed",
            "priceBand",
            "revenueShares",
            "settledAt",
            "tradeKey",
        ]
    ),
    "MandateRegistry": frozenset(["mandateId", "sellerOf", "settlement"]),
    "Supervision": frozenset(["creditOf", "getOrder", "orderCount"]),
    "Recognition": frozenset(["certificateDigest", "getAgreement", "getRecognised", "localAssetOf", "recognisedCount"]),
    "Valuation": frozenset(["accreditationOf", "getValuation", "recognitionOf", "valuationCount"]),
    "Disclosure": frozenset(["disclosureCount", "requirementOf"]),
    "DataQuality": frozenset(["defaultsOf", "getReport", "reportCount", "responseWindow"]),
    "Listings": frozenset(["eip712Domain", "hashListing", "listed", "listingKey", "saleDigest", "settlement"]),
    "OpeningList": frozenset(["entryCount", "getEntry"]),
}
#: Views deliberately not compared, each with the reason it is implied by others. (Empty: every view is
#: compared. The registry module's views are compared too: called directly, each must refuse.)
UNCOMPARED_VIEWS: dict[str, dict[str, str]] = {}

#: Every state-changing function, by contract, that the machine sends (successfully or refused).
DRIVEN_WRITES: dict[str, frozenset[str]] = {
    "ParticipantRegistry": frozenset(
        ["admit", "fileDeclaration", "reinstate", "replaceKey", "revoke", "rotateKey", "setRoles", "suspend"]
    ),
    "AssetRegistry": frozenset(
        [
            "applyRegistration",
            "cancelRegistration",
            "changeRegistration",
            "deliverLicense",
            "deliverRight",
            "grantLicense",
            "registerRecognised",
            "reviewRegistration",
            "revokeLicense",
            "setControl",
            "setRecognitionSuspended",
            "sublicense",
            "syncRecognised",
            "transferLicense",
            "transferRight",
        ]
    ),
    "AssetRegistryModule": frozenset(["reviewRegistration"]),
    "AssetControls": frozenset(
        [
            "acceptObjection",
            "attestAnonymisation",
            "authorisePublicOperation",
            "freeze",
            "lodgeObjection",
            "resolveObjection",
            "unfreeze",
            "usePublicOperation",
            "withdrawPublicOperation",
        ]
    ),
    "SettlementToken": frozenset(
        ["approve", "issue", "redeem", "setIssuanceLimit", "settlementPay", "transfer", "transferFrom"]
    ),
    "TradeSettlement": frozenset(
        [
            "claimHeldShares",
            "invalidateNonce",
            "releaseHeldShares",
            "setPriceBand",
            "setRevenueShares",
            "settle",
            "settleBatch",
            "settleCheckedFor",
            "settleConsented",
            "settleDirect",
        ]
    ),
    "MandateRegistry": frozenset(["grantMandate", "revokeMandate", "settle", "settleBatch"]),
    "Supervision": frozenset(["closeOrder", "openOrder", "recordCreditEvent"]),
    "Recognition": frozenset(["importCertificate", "reinstate", "revokeAgreement", "setAgreement", "suspend"]),
    "Valuation": frozenset(
        ["accreditAppraiser", "carryOver", "derecognise", "fileValuation", "recogniseAsset", "rejectValuation",
         "remeasure", "revokeAppraiser", "withdrawValuation"]
    ),
    "Disclosure": frozenset(["fileDisclosure", "setRequirement"]),
    "DataQuality": frozenset(
        ["answer", "fileReport", "markOverdue", "resolveByFix", "rule", "setResponseWindow", "withdrawReport"]
    ),
    "Listings": frozenset(["delist", "list", "settle", "withdraw"]),
    "OpeningList": frozenset(["linkAsset", "markListed", "markOpened", "publish", "withdrawEntry"]),
}
#: Write functions of the module reached only through the registry (where DRIVEN_WRITES has them).
UNDRIVEN_WRITES: dict[str, dict[str, str]] = {
    "AssetRegistryModule": {
        name: "runs only by delegatecall from AssetRegistry, driven there; a direct call refuses like "
        "reviewRegistration's (RegistryOnlyDelegated)"
        for name in ("cancelRegistration", "changeRegistration", "registerRecognised", "revokeLicense", "setControl",
                     "setPaused", "setRecognitionSuspended", "syncRecognised", "transferLicense")
    },
    "AssetRegistry": {
        "setPaused": "the pause register's hook (AssetControls only); pauses are not drawn by the model: "
        "tests/contracts/test_pause.py covers every entry point, and the model checks the register stays zero",
    },
    "AssetControls": {
        name: "pauses are not drawn by the model (a paused ledger refuses every step the model draws): "
        "tests/contracts/test_pause.py covers them"
        for name in ("pause", "unpause")
    },
}  # fmt: skip

# ─────────────────────────────────────────────────────────── coverage across the run

#: Operations that must have succeeded at least once in a ci run, and refusals that must have been seen (the run is
#: the same everywhere: the machine has a chain of its own with a pinned clock, :func:`machine_chain`).
REQUIRED_SUCCESSES = frozenset([
    "admit", "applyRegistration", "reviewRegistration:approve", "reviewRegistration:reject", "cancelRegistration",
    "transferRight", "lodgeObjection:open", "lodgeObjection:pending", "grantLicense", "sublicense", "revokeLicense",
    "issue", "approve", "transfer", "settle:licence", "settle:right", "settleBatch:atomic", "settleBatch:partial",
    "grantMandate", "settleMandated", "setRevenueShares", "openOrder", "recordCreditEvent",
    "time", "settle:held share", "releaseHeldShares", "revokeLicense:sold", "importCertificate:new",
    "settle:sublicence", "invariant:sold sublicence keeps its parent", "rotateKey", "replaceKey",
    "accreditAppraiser", "fileValuation", "recogniseAsset", "remeasure",
    "list", "list:amend", "delist", "withdraw", "settleListed:licence", "settleListed:right",
    "publishOpeningList", "linkOpeningAsset", "markOpened:licence", "markOpened:listing", "withdrawOpeningEntry",
])  # fmt: skip
REQUIRED_REFUSALS = frozenset([
    "ParticipantUnauthorized", "ParticipantNotActive", "ParticipantUnknown", "RegistryNotRightHolder",
    "RegistryInvalidStatus", "LicenseInvalidPeriod", "SettlementBadSignature", "SettlementTradeAlreadySettled",
    "RegistryOnlyCaller", "RecognitionBelowThreshold", "RegistryRecognisedRight", "SettlementNotRevoked", "LicenseSold",
    "ParticipantKeyReplaced", "ParticipantKeyTaken", "ListingNotListed",
])  # fmt: skip
MIN_DISTINCT_SUCCESSES = 45
MIN_DISTINCT_REFUSALS = 60
#: Errors whose addresses are compared exactly (:meth:`LedgerMachine.assert_same_refusal`): they are about keys.
KEY_ERRORS = frozenset([
    "ParticipantKeyReplaced", "ParticipantKeyTaken", "ParticipantBadKeySignature", "SettlementBadSignature",
    "SettlementNonceUsed", "MandateNotSeller", "ListingBadSignature", "ListingNotSeller",
])  # fmt: skip


@dataclass
class Coverage:
    successes: Counter[str] = field(default_factory=Counter)
    refusals: Counter[str] = field(default_factory=Counter)
    views: set[tuple[str, str]] = field(default_factory=set)
    writes: Counter[tuple[str, str]] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)
    steps: int = 0
    examples: int = 0

    def success(self, what: str) -> None:
        self.successes[what] += 1
        event(f"ok {what}")

    def refusal(self, name: str) -> None:
        self.refusals[name] += 1
        event(f"refused {name}")

    def report(self) -> str:
        lines = [
            f"{self.examples} examples, {self.steps} steps; {len(self.successes)} distinct successes, "
            f"{len(self.refusals)} distinct refusals, {len(self.views)} views compared",
            "successes: " + ", ".join(f"{k} {v}" for k, v in sorted(self.successes.items())),
            "refusals: " + ", ".join(f"{k} {v}" for k, v in sorted(self.refusals.items())),
            "actions: " + ", ".join(f"{k} {v}" for k, v in sorted(self.actions.items())),
            "least sent: " + ", ".join(f"{c}.{f} {v}" for (c, f), v in sorted(self.writes.items(), key=by_count)[:12]),
        ]
        return "\n".join(lines)


def by_count(item: tuple[tuple[str, str], int]) -> int:
    return item[1]


COVERAGE = Coverage()
#: Call data of the views, by (contract, function, arguments): encoding is most of the cost of a step's views,
#: and most views are asked with the same arguments step after step (the addresses are the same in every example).
CALLDATA: dict[tuple[str, str, Any], bytes] = {}


# ─────────────────────────────────────────────────────────── the other province


@dataclass
class OriginAsset:
    """An asset of the other province's registry, whose certificates the machine issues and signs."""

    asset_id: int
    content_hash: bytes
    category: Category
    grade: Grade
    kind: Kind
    holders: tuple[str, str, str]
    serial: int
    registered_block: int
    registered_at: int
    cancelled: bool = False
    certificates: list[Certificate] = field(default_factory=list)


@dataclass(frozen=True)
class SignedSale:
    """A sale some key signed a consent for (the machine keeps every one it signs, for the consent invariant)."""

    signer: str  # the identity of the participant whose key signed
    exchange: str
    trade: Trade
    min_net: int
    nonce: int
    deadline: int
    key: str  # the key that signed (its nonce space)


@dataclass(frozen=True)
class Raw:
    """An argument the chain is given as it is, not translated to current keys (:meth:`LedgerMachine.chain_args`)."""

    value: Any


@dataclass
class Step:
    """What the current operation is, for the invariants: its kind, sender, and what it was given."""

    kind: str
    sender: str
    trades: list[Trade] = field(default_factory=list)


class Unchanged:
    """Sentinel: a view's expected value did not change since it last matched."""


@dataclass
class Prepared:
    """The chain and the machine at the end of the set-up, which is the same in every example: made by the first
    example, and every later one starts from it. Reverting to a snapshot consumes it, so it is taken again after
    each revert."""

    snapshot: str
    state: dict[str, Any]


# ─────────────────────────────────────────────────────────── the machine


class LedgerMachine(RuleBasedStateMachine):
    world: ClassVar[World]
    prepared: ClassVar[Prepared | None] = None
    #: The machine's attributes that every example shares (clients, addresses), not restored from :attr:`prepared`.
    SHARED: ClassVar[frozenset[str]] = frozenset(
        ["rpc", "snapshot", "clients", "address", "name_of", "contracts", "codecs", "chain_id", "accounts"]
    )

    def __init__(self) -> None:
        super().__init__()
        inherited = set(vars(self))
        w = self.world
        self.rpc = w.rpc
        self.snapshot = "" if LedgerMachine.prepared else w.rpc.call("evm_snapshot")
        w.reset_nonces()
        self.clients: dict[str, LedgerClient] = {name: getattr(w, name) for name in [*ROSTER, "outsider"]}
        self.clients.update({name: w.authority.as_(acct) for name, (acct, _, _) in CAST.items()})
        self.clients.update({name: w.authority.as_(acct) for name, acct in NEWCOMERS.items()})
        self.address = {name: c.address for name, c in self.clients.items()}
        self.name_of = {a: n for n, a in self.address.items()}
        self.contracts: dict[str, str] = {k: str(v) for k, v in w.contracts.address.items()}
        self.codecs = w.contracts.codecs
        self.chain_id = int(w.rpc.call("eth_chainId"), 16)
        self.accounts = [*self.address.values(), self.contracts["TradeSettlement"]]
        participants = {}
        # Participant ids in order of admission: the authority at deployment, then the roster as conftest admits it.
        for participant_id, (name, p) in enumerate(ROSTER.items(), start=1):
            on_chain = w.authority.get_participant(self.address[name])
            participants[self.address[name]] = replace(
                p, admitted_at=on_chain["admittedAt"], updated_at=on_chain["updatedAt"], id=participant_id
            )
        self.model = Ledger(participants, self.chain_id, {k: str(v) for k, v in self.contracts.items()})
        for name in ROSTER:
            account = self.address[name]
            self.model.accounts[participants[account].id] = account
            self.model.credit_codes[self.credit_code(name)] = participants[account].id
        self.model.issuance[self.address["bank"]] = (BANK_LIMIT, 0)  # the council set it with the admissions
        latest = w.rpc.call("eth_getBlockByNumber", ["latest", False])
        self.head = int(latest["number"], 16)
        # Noon of the day after the world's latest block: the registry keeps a licence's end in whole days
        # (licensed-until), so some outcomes depend on the time of day, and a derandomized run must not depend on
        # the hour it runs at.
        self.model.now = (int(latest["timestamp"], 16) // DAY + 1) * DAY + DAY // 2
        self.counter = 0
        self.draws = 0
        # everything ever used, for the views
        self.content_hashes: list[bytes] = [keccak(text="never used")]
        self.trade_ids: list[bytes] = []
        #: Trade ids settled, by exchange (a reused id is usually one of these: the exchange cannot settle it again).
        self.settled_ids: dict[str, list[bytes]] = {}
        self.keys_seen: set[bytes] = set()
        self.direct_seen: set[tuple[str, str, bytes]] = set()
        self.nonces_seen: set[tuple[str, int]] = set()
        self.exclusivity_keys: set[tuple[int, int, int, int]] = set()
        self.operation_keys: set[tuple[int, str, int, int]] = set()
        self.mandate_pool: list[Mandate] = []
        #: Every listing signed (or forged), with the exchange identity it was sent by (its listings' keys are it).
        self.listing_pool: list[tuple[str, Listing]] = []
        #: The keys replaced so far (whose participant, and a client of the replaced key).
        self.retired: list[tuple[str, LedgerClient]] = []
        self.consents: list[tuple[list[tuple[Trade, int]], SalesConsent, str]] = []
        self.signed_sales: list[SignedSale] = []
        self.direct_signed: set[tuple[str, bytes, int, str, str, int]] = set()
        self.hashed_sales: list[tuple[list[tuple[Trade, int]], str, int, int]] = []
        self.hashed_direct: list[tuple[Trade, int, int]] = []
        self.origin_assets: list[OriginAsset] = []
        self.origin_block = 1_000
        self.certificates_seen: list[tuple[int, str, Certificate]] = []
        # model-free tracking for the invariants
        self.issued = 0
        self.redeemed = 0
        self.chain_holders: dict[int, tuple[str, str, str]] = {}
        self.chain_licensees: dict[int, str] = {}
        self.chain_sold: dict[int, bool] = {}
        self.chain_held: dict[str, int] = {}
        self.chain_categories: dict[int, tuple[int, int]] = {}
        self.chain_bands: dict[int, tuple[int, int]] = {}
        self.chain_nonces_used: set[tuple[str, int]] = set()
        self.granted_mandates: dict[bytes, dict[str, Any]] = {}
        self.revoked_mandates: set[bytes] = set()
        #: The listings the chain's events list (key -> exchange, seller, the listing), and those that ended since.
        self.chain_listings: dict[bytes, tuple[str, str, dict[str, Any]]] = {}
        self.ended_listings: set[bytes] = set()
        self.step: Step | None = None
        self.step_events: list[tuple[str, dict[str, Any]]] = []
        self.step_block_time = 0
        self.steps_checked = 0
        #: The model's refusal of the last operation (None when it succeeded), for the coverage labels.
        self.last_refusal: Refused | None = None
        #: (owner, spender) pairs of every Approval event the chain emitted.
        self.approved_pairs: set[tuple[str, str]] = set()
        self.view_cache: dict[Any, tuple[bytes, bool, Any]] = {}
        #: What the set-up makes and the steps change (restored from :attr:`prepared` instead of set up again).
        self.state_keys = [k for k in vars(self) if k not in inherited | self.SHARED]
        COVERAGE.examples += 1

    def teardown(self) -> None:
        prepared = LedgerMachine.prepared
        if prepared is None:
            self.rpc.call("evm_revert", [self.snapshot])
        else:
            assert self.rpc.call("evm_revert", [prepared.snapshot]), "the set-up's snapshot is gone"
            prepared.snapshot = self.rpc.call("evm_snapshot")
        self.world.reset_nonces()

    # ─────────────────────────────────────────────────────────── plumbing

    def fresh(self, label: str) -> bytes:
        self.counter += 1
        return keccak(text=f"{label}-{self.counter}")

    def named(self, address: str) -> str:
        return self.name_of.get(address, address)

    def identity(self, address: str) -> str:
        """The identity of the participant ``address`` names, if it is a key of one (else ``address``)."""
        return self.model.keys.get(address, address)

    def known(self, names: Sequence[str]) -> list[str]:
        return [n for n in names if n in self.clients]

    def attempt(
        self,
        label: str,
        kind: str,
        caller: str,
        model_op: Callable[[Ledger], Any],
        contract: str,
        function: str,
        *args: Any,
        batch: bool = False,
        trades: Sequence[Trade] = (),
    ) -> tuple[Any, TxResult | None]:
        """Runs one operation on a copy of the model and on the chain; they must agree. Returns the model's
        result and the chain's transaction (None when refused).

        The authority acts through the governance: the emergency officers' Safe at once (one block at the step's
        time), or the council's Safe, which schedules the call in a block at the step's time and executes it in
        the next block, the council's delay later: the model applies the operation at that later time."""
        client = self.clients[caller]
        args = tuple(self.chain_args(args))
        call = client.prepare(contract, function, *args)
        council = isinstance(client, CouncilClient)
        delayed = council and client.governance.route_of(str(call.to), call.data) == "council"
        at = self.model.now + (DEV_DELAY if delayed else 0)
        candidate = self.model.copy()
        candidate.now = at
        refusal: Refused | None = None
        result: Any = None
        try:
            result = model_op(candidate)
        except Refused as exc:
            refusal = exc
        self.last_refusal = refusal
        COVERAGE.writes[(contract, function)] += 1
        self.rpc.call("evm_setNextBlockTimestamp", [self.model.now])
        self.governance_blocks = 0
        try:
            if batch and not council:  # the governance's calls are checked on its own path, as the manager's
                client.sender.estimate(call)  # a refusal raises here: nothing is mined
                call = client.prepare(contract, function, *args, gas=BATCH_GAS)  # (args as the chain is given them)
            tx = self.governed(client, call, at) if isinstance(client, CouncilClient) else client.execute(call)
        except ContractRevert as exc:
            name, values = self.decode_error(exc.data, label)
            assert refusal is not None, f"{label}: the chain refused with {name}{values}, the model accepted"
            self.assert_same_refusal(label, refusal, name, values)
            head = int(self.rpc.call("eth_blockNumber"), 16)
            # Nothing of the refused call is mined; the authority's governance may have scheduled and cancelled it.
            assert head == self.head + self.governance_blocks, f"{label}: refused, yet block {head} was mined"
            self.head = head
            self.model.now += self.governance_blocks
            COVERAGE.refusal(name)
            note(f"refused {label}: {name}")
            if TRACE:
                print(f"  refused {label}: {name}", file=sys.stderr)
            if isinstance(refusal, ItemRefused):
                COVERAGE.refusal(f"item:{refusal.inner.name}")
            return None, None
        assert refusal is None, f"{label}: the chain accepted (tx {tx.tx_hash}), the model expected {refusal}"
        block = self.rpc.call("eth_getBlockByNumber", [hex(tx.receipt.block_number), False])
        blocks = 2 if delayed else 1  # the council's scheduling, then its execution
        assert tx.receipt.block_number == self.head + blocks, f"{label}: mined in block {tx.receipt.block_number}"
        assert int(block["timestamp"], 16) == at, f"{label}: block time is not the one set"
        self.head = tx.receipt.block_number
        self.step_block_time = at
        candidate.now = at + 1
        self.model = candidate
        self.step = Step(kind, self.address[caller], list(trades))
        self.step_events += [(e.event, e.args) for e in tx.events]
        note(f"ok {label}")
        if TRACE:
            print(f"  ok {label}", file=sys.stderr)
        return result, tx

    def chain_args(self, x: Any) -> Any:
        """``x`` as the chain is given it: the participants the model names by their identities, by the keys that
        sign for them now; a :class:`Raw` argument as it is (a signed consent, a granted mandate, a certificate name
        the keys that signed them, or the addresses a hostile caller put in)."""
        if isinstance(x, Raw):
            return x.value
        if isinstance(x, (tuple, list)):
            return type(x)(self.chain_args(v) for v in x)
        return self.model.on_chain(x)

    def governed(self, council: CouncilClient, call: Call, at: int) -> TxResult:
        """``call`` made by the authority through its governance, executed at time ``at`` (refused by the
        execution's gas estimation at that time, nothing of it mined). The council's scheduling is mined first;
        when the execution is refused, the guardian cancels the operation (so that the same call may be
        scheduled again): :attr:`governance_blocks` counts the blocks the governance mined before it."""
        g = council.governance
        self.governance_blocks = 0
        proposal = g.propose([(str(call.to), call.data)], call.operation, check=False)
        while True:  # the stages: the emergency officers' execution; the council's scheduling, then execution
            safe = g.safe(proposal.stage.safe)
            for officer in [council.officers[o] for o in safe.owners if o in council.officers][: safe.threshold]:
                proposal = g.sign(proposal, officer)
            if proposal.stage.kind == "execute":
                self.rpc.call("evm_setNextBlockTimestamp", [at])
            try:
                proposal, tx = g.submit(proposal)
            except ContractRevert:
                if proposal.state == "scheduled":
                    self.rpc.call("evm_setNextBlockTimestamp", [self.model.now + 1])
                    cancelling = g.begin_cancel(proposal)
                    guardian = g.safe("GuardianSafe")
                    officer = next(council.officers[o] for o in guardian.owners if o in council.officers)
                    g.submit(g.sign(cancelling, officer))
                    self.governance_blocks += 1
                raise
            if proposal.state == "executed":
                return tx
            self.governance_blocks += 1

    def decode_error(self, data: bytes, label: str) -> tuple[str, dict[str, Any]]:
        decoded = self.world.contracts.errors.decode(data)
        assert decoded is not None, f"{label}: revert data matches no custom error of the ledger: 0x{data.hex()}"
        return decoded

    def assert_same_refusal(self, label: str, refusal: Refused, name: str, values: dict[str, Any]) -> None:
        """The chain refused as the model did: the same error with the same values. An address in them is compared
        as the participant it names (the model names participants by their identities, the chain's errors often
        by the key that signed), except in the errors about keys, where the key is the point."""
        exact = name in KEY_ERRORS

        def named(v: Any) -> Any:
            return v if exact or not isinstance(v, str) else self.model.keys.get(v, v)

        expected = {k: named(v) for k, v in refusal.values.items() if not isinstance(v, Refused)}
        got = {k: named(v) for k, v in values.items() if k in expected or not isinstance(refusal, ItemRefused)}
        assert (name, got) == (refusal.name, expected), (
            f"{label}: the chain refused with {name}{values}, the model expected {refusal}"
        )
        if isinstance(refusal, ItemRefused):
            inner = self.decode_error(values["reason"], label)
            self.assert_same_refusal(f"{label} item {refusal.values['index']}", refusal.inner, *inner)

    def ok(self, what: str) -> None:
        COVERAGE.success(what)

    def refused_with(self, name: str) -> bool:
        """Whether the model refused the last operation with ``name``."""
        return self.last_refusal is not None and self.last_refusal.name == name

    # ─────────────────────────────────────────────────────────── draws

    def uniform(self, data: st.DataObject, n: int, label: str) -> int:
        """A number below ``n``, each as likely as the others. Hypothesis draws the ends of a range, and values it
        drew before in the same example, far more often than the rest; a drawn seed mixed with the draw's number
        evens that out (the choices stay reproducible and the steps still shrink)."""
        seed = data.draw(st.integers(0, 2**32 - 1), label=label)
        self.draws += 1
        return random.Random(f"{seed}/{self.draws}").randrange(n)

    def one_in(self, data: st.DataObject, n: int, label: str) -> bool:
        """True one time in ``n``."""
        return self.uniform(data, n, label) == 0

    def choose(self, data: st.DataObject, options: Sequence[T], label: str = "choice") -> T:
        return options[self.uniform(data, len(options), label)]

    def coin(self, data: st.DataObject, label: str) -> bool:
        return self.uniform(data, 2, label) == 1

    def who(self, data: st.DataObject, preferred: Sequence[str], hostile_one_in: int = HOSTILE_ONE_IN) -> str:
        """Usually one of ``preferred`` (the callers meant to succeed), often anyone at all."""
        preferred = self.known(preferred)
        if preferred and not self.one_in(data, hostile_one_in, "hostile?"):
            return self.choose(data, preferred, label="caller")
        return self.choose(data, ACTORS, label="hostile caller")

    def pick(self, data: st.DataObject, ids: Sequence[int], label: str, prefer: Sequence[int] = ()) -> int:
        """Usually one of ``prefer``, else any of ``ids``, now and then one that does not exist."""
        everything, preferred = sorted(ids), sorted(prefer)
        if not everything or self.one_in(data, 16, f"unknown {label}?"):
            return len(everything) + 1
        pool = preferred if preferred and not self.one_in(data, 6, f"any {label}?") else everything
        return self.choose(data, pool, label=label)

    def tradable(self) -> list[int]:
        m = self.model
        return [
            i for i, a in m.assets.items()
            if a.status == AssetStatus.REGISTERED and not (a.frozen or a.disputed or a.suspended)
            and (a.category != Category.PERSONAL or a.anonymised)
        ]  # fmt: skip

    def recognised(self) -> list[int]:
        """Assets registered here by recognition of the other province's certificates (not linked)."""
        return [i for i, r in sorted(self.model.records.items()) if not r.linked]

    def live_licences(self, sublicensable: bool = False) -> list[int]:
        """Valid licences over assets that can be traded; ``sublicensable``: those a sublicence can be granted
        under (not of public data, which is licensed only on an exchange or as an authorised operation)."""
        m = self.model
        tradable = set(self.tradable())
        return [
            i for i, lic in m.licences.items()
            if m.is_valid(i, m.now) and lic.asset_id in tradable
            and (not sublicensable or (lic.sublicensable and m.assets[lic.asset_id].category != Category.PUBLIC))
        ]  # fmt: skip

    def registrars_of(self, asset_id: int) -> list[str]:
        """The registrars of the asset's region (any registrar when there is none)."""
        a = self.model.assets.get(asset_id)
        region = a.region if a else REGION
        return [n for n in REGISTRARS if self.model.participant(self.address[n]).region == region] or REGISTRARS

    def holder_name(self, asset_id: int, right: Right) -> list[str]:
        a = self.model.assets.get(asset_id)
        return [self.named(a.holders[right])] if a else []

    def other_than(self, data: st.DataObject, address: str, pool: Sequence[str] = TRADING) -> str:
        """A counterpart: usually one of ``pool`` other than ``address``, now and then anyone."""
        return self.who(data, [n for n in pool if self.address[n] != address], COUNTERPART_HOSTILE_ONE_IN)

    def draw_terms(
        self, data: st.DataObject, right: Right | None = None, parent: int | None = None, *, sane: bool = False
    ) -> LicenseTerms:
        """Random terms; under a parent licence, usually within it. ``sane``: terms a grant can deliver (a
        licensable right, a period from now or later, a domestic territory)."""
        m = self.model
        p = m.licences.get(parent) if parent else None
        if sane and p is None:
            start = m.now + self.choose(data, [0, 0, DAY], label="start")
            return LicenseTerms(
                right=right or self.choose(data, [Right.PROCESSING, Right.OPERATION], label="right"),
                purpose=self.choose(data, PURPOSES, label="purpose"), start=start,
                end=start + self.choose(data, [2 * DAY, 10 * DAY, 30 * DAY], label="length"),
                regions=self.choose(data, [(REGION,), (REGION, CITY), (CITY,)], label="regions"),
                exclusive=self.one_in(data, 4, "exclusive"), sublicensable=self.coin(data, "sublicensable"),
                transferable=self.coin(data, "transferable"), terms_hash=h("terms"),
            )  # fmt: skip
        if right is None:
            licensable = [Right.PROCESSING, Right.OPERATION]
            right = Right.HOLDING if self.one_in(data, 20, "holding?") else self.choose(data, licensable, "right")
        if p is not None and not self.one_in(data, 5, "beyond the parent?"):
            start = max(p.start, m.now) + self.choose(data, [0, 0, 1, DAY], label="start after parent")
            end = p.end - self.choose(data, [0, 0, 1, DAY], label="end before parent")
            if end <= start:  # a short parent: its own period
                start, end = max(p.start, m.now), p.end
            kept = tuple(r for r in p.territory[0] if self.coin(data, "keep region"))
            abroad = tuple(c.decode() for c in p.territory[1] if self.coin(data, "keep country"))
            if not kept and not abroad:
                kept = p.territory[0][:1]
            return LicenseTerms(
                right=p.right, purpose=p.purpose, start=start, end=end, regions=kept, countries=abroad,
                exclusive=p.exclusive and self.coin(data, "exclusive"),
                sublicensable=self.coin(data, "sublicensable"),
                transferable=self.coin(data, "transferable"), terms_hash=h("terms"),
            )  # fmt: skip
        start = m.now + self.choose(data, [0, 0, 0, -DAY, 1, DAY // 2, DAY, 3 * DAY, -1], label="start")
        length = self.choose(data, [2 * DAY, 5 * DAY, 2 * DAY, 30 * DAY, 10 * DAY, 1, DAY * 2], label="length")
        if self.one_in(data, 16, "empty period?"):
            length = self.choose(data, [0, -1], "empty length")
        regions: tuple[int, ...] = self.choose(data, TERRITORIES, "regions")
        countries: tuple[str, ...] = ()
        if not regions or self.one_in(data, 8, "abroad?"):
            countries = self.choose(data, [("VN",), ("VN", "TH"), ("vn",), ()], label="countries")
        return LicenseTerms(
            right=right,
            purpose=self.choose(data, PURPOSES, label="purpose"),
            start=start, end=start + length, regions=regions, countries=countries,
            exclusive=self.one_in(data, 3, "exclusive"),
            sublicensable=self.coin(data, "sublicensable"),
            transferable=self.coin(data, "transferable"),
            terms_hash=h("terms"),
        )  # fmt: skip

    def draw_trade(self, data: st.DataObject, exchange: str, *, honest: bool = False) -> Trade:
        """A trade on ``exchange`` (or off-exchange), often refused for one reason or another. ``honest``: the
        holder sells an asset that can be traded to a trading participant, licence terms that can be delivered, a
        fresh trade id (it may still be refused: a price outside a band, funds, exclusivity...)."""
        m = self.model
        tradable = self.tradable()
        shared = sorted({i for (i, _), shares in m.shares.items() if shares and i in tradable})
        if shared and self.coin(data, "an asset with revenue shares?"):
            asset = self.choose(data, shared, label="asset with shares")
        elif honest and tradable:
            asset = self.choose(data, tradable, label="tradable asset")
        else:
            asset = self.pick(data, list(m.assets), "asset", tradable)
        resale = 0  # an honest trade may sell a sublicence under a trader's sublicensable licence
        if honest:
            resellable = [
                i for i in self.live_licences()
                if m.licences[i].sublicensable and m.licences[i].asset_id in tradable
                and self.named(m.licences[i].licensee) in TRADING
            ]  # fmt: skip
            if resellable and self.one_in(data, 3, "a sublicence resold?"):
                resale = self.choose(data, resellable, label="licence resold under")
                asset = m.licences[resale].asset_id
        price = self.choose(data, PRICES, label="price")
        fee = self.choose(data, [0, 100, 0, 200], label="fee")
        if not honest and self.one_in(data, 24, "fee above price?"):
            fee = price + 1
        counterpart_hostile_one_in = 10**9 if honest else COUNTERPART_HOSTILE_ONE_IN
        settled_here = self.settled_ids.get(self.address[exchange], [])
        if honest:
            trade_id = self.fresh("trade")
        elif settled_here and self.one_in(data, 5, "a trade id settled here?"):
            trade_id = self.choose(data, settled_here, label="settled trade id")
        elif self.trade_ids and self.one_in(data, 12, "reuse a trade id?"):
            trade_id = self.choose(data, self.trade_ids, label="reused trade id")
        else:
            trade_id = ZERO_HASH if self.one_in(data, 40, "zero trade id?") else self.fresh("trade")
        self.trade_ids.append(trade_id)
        parent = 0
        if resale:
            delivery, right, parent = Delivery.LICENSE, Right.PROCESSING, resale
            seller = self.named(m.licences[parent].licensee)
            terms = self.draw_terms(data, parent=parent)
        elif self.one_in(data, 3, "right delivery?"):
            if not honest and self.recognised() and self.one_in(data, 4, "a recognised asset's right?"):
                asset = self.choose(data, self.recognised(), label="recognised asset")
            right = self.choose(data, [Right.OPERATION, Right.PROCESSING, Right.HOLDING], label="right")
            seller = self.who(data, self.holder_name(asset, right), counterpart_hostile_one_in)
            terms = LicenseTerms(right=Right.PROCESSING, purpose=0, start=0, end=0)
            delivery = Delivery.RIGHT
        else:
            delivery, right = Delivery.LICENSE, Right.PROCESSING
            # (on an exchange, sublicences of public data are sold too)
            live = self.live_licences()
            parents = [i for i in live if m.licences[i].asset_id == asset and m.licences[i].sublicensable]
            if parents and self.one_in(data, 3, "sublicence?"):
                parent = self.choose(data, parents, label="parent")
                seller = self.who(data, [self.named(m.licences[parent].licensee)], counterpart_hostile_one_in)
                terms = self.draw_terms(data, parent=parent)
            else:
                terms = self.draw_terms(data, sane=honest)
                seller = self.who(data, self.holder_name(asset, terms.right), counterpart_hostile_one_in)
        buyer = self.who(
            data, [n for n in TRADING if self.address[n] != self.address[seller]], counterpart_hostile_one_in
        )
        self.keys_seen.add(trade_key(self.address[exchange], ZERO, ZERO, trade_id))
        return Trade(
            trade_id=trade_id, asset_id=asset, seller=self.address[seller], buyer=self.address[buyer], price=price,
            fee=fee, delivery=delivery, right=right, parent_license_id=parent, terms=terms,
        )  # fmt: skip

    def draw_min_net(self, data: st.DataObject, t: Trade, *, honest: bool = False) -> int:
        net = self.model.seller_net(t)
        options = [0, net, net // 2] if honest else [0, 0, 0, net, net, net // 2, net, net + 1]
        return self.choose(data, options, label="min net")

    def sign_consent(
        self, data: st.DataObject, sales: list[tuple[Trade, int]], exchange: str, *, honest: bool = False
    ) -> SalesConsent:
        """The seller's consent to ``sales`` by ``exchange``; now and then (unless ``honest``) a hostile one."""
        m = self.model
        seller = self.named(sales[0][0].seller)
        variant = "good" if honest or not self.one_in(data, 4, "hostile consent?") else self.choose(
            data, ["other signer", "seller field", "other exchange", "expired", "deadline now", "used nonce",
                   "changed terms"], "consent",
        )  # fmt: skip
        signer = seller if seller in self.clients else "holder"
        exchange_signed = exchange
        nonce = self.counter = self.counter + 1
        deadline = m.now + self.choose(data, [3600, DAY, 40 * DAY], label="deadline")
        signed = sales
        if variant == "other signer":
            signer = self.other_than(data, sales[0][0].seller, [*TRADING, "exchange"])
        elif variant == "other exchange":
            exchange_signed = next(e for e in EXCHANGES if e != exchange) if exchange in EXCHANGES else "exchange"
        elif variant == "expired":
            deadline = m.now - 1
        elif variant == "deadline now":
            deadline = m.now
        elif variant == "used nonce" and self.nonces_seen:
            nonce = self.choose(data, (sorted(n for _, n in self.nonces_seen)), label="used nonce")
        elif variant == "changed terms":
            t, min_net = sales[0]
            signed = [(replace(t, terms=replace(t.terms, end=t.terms.end + DAY), asset_id=t.asset_id), min_net),
                      *sales[1:]]  # fmt: skip
        # Signed as the chain will be given the sales now: by the keys that sign for seller, buyer and exchange.
        consent = self.clients[signer].sign_sales_consent(
            m.on_chain(signed), m.key_of(self.address[exchange_signed]), nonce=nonce, deadline=deadline
        )
        self.nonces_seen.add((self.clients[signer].address, nonce))
        for t, min_net in signed:
            key = self.clients[signer].address
            self.signed_sales.append(
                SignedSale(self.address[signer], self.address[exchange_signed], t, min_net, nonce, deadline, key)
            )
        self.hashed_sales.append((signed, self.address[exchange_signed], nonce, deadline))
        if variant == "seller field":
            consent = replace(consent, seller=self.address[self.other_than(data, consent.seller)])
        elif variant == "other signer":
            consent = replace(consent, seller=sales[0][0].seller)  # another key claims to be the seller
        return consent

    # ─────────────────────────────────────────────────────────── setup

    def setup_op(self, *args: Any, **kw: Any) -> tuple[Any, TxResult | None]:
        """One operation of the set-up, which must succeed (the set-up is checked as one step)."""
        result, tx = self.attempt(*args, **kw)
        assert tx is not None, f"set-up step {args[0]} refused"
        return result, tx

    @initialize(data=st.data())
    def set_up(self, data: st.DataObject) -> None:
        """The second exchange and the registrar with data of its own; buyers funded and their allowances given;
        a price band; the agreement with the other province; two registered assets, which share the proceeds of
        their licensable rights with a source department each, one then suspended and the other revoked (their
        shares are held for them); the provider accredited as an appraiser, and its valuation reports of both assets:
        holder2 recognises the second on its report (so that remeasuring, carrying over and derecognising are drawn
        from the first step on), the first's is left for the holder to recognise; a standing mandate; two listings
        (licences of the second asset, the first asset's operation right); and an asset recognised from the other
        province.

        The set-up draws nothing and is the same in every example: the first example makes it, the others start
        from its snapshot and state (:class:`Prepared`), and check the views."""
        if LedgerMachine.prepared is not None:
            self.__dict__.update(copy.deepcopy(LedgerMachine.prepared.state))
            self.steps_checked = 0  # a sweep
            self.after_step()
            return
        for name, (acct, roles, region) in CAST.items():
            self.setup_op(
                f"admit {name}", "admit", "authority",
                lambda m, a=acct.address, r=roles, g=region, n=name:
                    m.admit(self.address["authority"], a, int(r), g, "Cast", self.credit_code(n)),
                "ParticipantRegistry", "admit", acct.address, int(roles), region, "Cast", self.credit_code(name),
            )  # fmt: skip
        # The bank's limit: what it issues below, and 100,000 more (so that issuing in the run meets it).
        self.setup_op(
            "issuance limit", "setIssuanceLimit", "authority",
            lambda m: m.set_issuance_limit(self.address["authority"], self.address["bank"], SETUP_LIMIT),
            "SettlementToken", "setIssuanceLimit", self.address["bank"], SETUP_LIMIT,
        )  # fmt: skip
        for name in TRADING:
            self.setup_op(
                f"issue to {name}", "issue", "bank",
                lambda m, n=name: m.issue(self.address["bank"], self.address[n], 400_000, RESERVE),
                "SettlementToken", "issue", self.address[name], 400_000, RESERVE,
            )  # fmt: skip
            for ex in EXCHANGES:
                self.setup_op(
                    f"{name} approves {ex}", "approve", name,
                    lambda m, n=name, e=ex: m.approve(self.address[n], self.address[e], 300_000),
                    "SettlementToken", "approve", self.address[ex], 300_000,
                )  # fmt: skip
        self.setup_op(
            "band", "setPriceBand", "authority",
            lambda m: m.set_price_band(self.address["authority"], Kind.DATASET, 1_000, 100_000),
            "TradeSettlement", "setPriceBand", int(Kind.DATASET), 1_000, 100_000,
        )  # fmt: skip
        registrars: list[str] = [str(k.address) for k in ORIGIN_KEYS]
        self.setup_op(
            "agreement", "setAgreement", "authority",
            lambda m: m.set_agreement(self.address["authority"], ORIGIN_CHAIN, ORIGIN_REGISTRY, registrars, 2),
            "Recognition", "setAgreement", ORIGIN_CHAIN, ORIGIN_REGISTRY, registrars, 2,
        )  # fmt: skip
        for owner, category in (("holder", Category.PUBLIC), ("holder2", Category.ENTERPRISE)):
            r = self.registration(category=category)
            asset_id, _ = self.setup_op(
                f"{owner} applies", "applyRegistration", owner,
                lambda m, o=owner, reg=r: m.apply_registration(self.address[o], reg),
                "AssetRegistry", "applyRegistration", r.as_abi(),
            )  # fmt: skip
            self.setup_op(
                f"review {asset_id}", "reviewRegistration", "registrar",
                lambda m, i=asset_id: m.review_registration(self.address["registrar"], i, True, h("review")),
                "AssetRegistry", "reviewRegistration", asset_id, True, h("review"),
            )  # fmt: skip
        for asset_id, owner, source in ((1, "holder", "source"), (2, "holder2", "source2")):
            shares = [self.address["provider"], self.address[source]]
            for right in (Right.PROCESSING, Right.OPERATION):
                self.setup_op(
                    f"shares of {asset_id} {right.name}", "setRevenueShares", owner,
                    lambda m, i=asset_id, o=owner, r=right, to=shares: m.set_revenue_shares(
                        self.address[o], i, r, to, [500, 1_000]
                    ),
                    "TradeSettlement", "setRevenueShares", asset_id, int(right), shares, [500, 1_000],
                )  # fmt: skip
        expires = self.model.now + 3 * 365 * DAY
        self.setup_op(
            "accredit the provider", "accreditAppraiser", "authority",
            lambda m: m.accredit_appraiser(self.address["authority"], self.address["provider"], expires,
                                           h("accreditation")),
            "Valuation", "accreditAppraiser", self.address["provider"], expires, h("accreditation"),
        )  # fmt: skip
        base = self.model.now - DAY
        for asset_id in (2, 1):  # valuations 1 and 2
            content = self.model.assets[asset_id].content_hash
            self.setup_op(
                f"value asset {asset_id}", "fileValuation", "provider",
                lambda m, i=asset_id, c=content: m.file_valuation(
                    self.address["provider"], i, int(ValuationMethod.INCOME), 10**8, b"CNY", base, base + 300 * DAY, c,
                    h("report"),
                ),
                "Valuation", "fileValuation", asset_id, int(ValuationMethod.INCOME), 10**8, b"CNY", base,
                base + 300 * DAY, content, h("report"),
            )  # fmt: skip
        self.setup_op(
            "recognise asset 2", "recogniseAsset", "holder2",
            lambda m: m.recognise_asset(self.address["holder2"], 2, int(AccountingCategory.INTANGIBLE_ASSET),
                                        9 * 10**7, base, base + 365 * DAY, 1, h("audit")),
            "Valuation", "recogniseAsset", 2, int(AccountingCategory.INTANGIBLE_ASSET), 9 * 10**7, base,
            base + 365 * DAY, 1, h("audit"),
        )  # fmt: skip
        quality = self.model.assets[1].content_hash
        self.setup_op(
            "report a problem of asset 1", "fileReport", "merchant",
            lambda m: m.file_quality_report(self.address["merchant"], 1, quality, h("evidence")),
            "DataQuality", "fileReport", 1, quality, int(QualityProblem.ACCURACY), int(QualitySeverity.HIGH),
            h("evidence"),
        )  # fmt: skip
        # Marked overdue before the holder's deadline: refused (the run draws this call seldom; its refusal is checked
        # here, the same in every run).
        _, tx = self.attempt(
            "mark report 1 overdue by merchant", "markOverdue", "merchant",
            lambda m: m.mark_quality_report_overdue(self.address["merchant"], 1), "DataQuality", "markOverdue", 1,
        )  # fmt: skip
        assert tx is None and self.refused_with("QualityDeadlineNotPassed"), "report 1 marked overdue in time"
        for action, source in (("suspend", "source"), ("revoke", "source2")):
            self.setup_op(
                f"{action} {source}", action, "authority",
                lambda m, a=action, to=source: getattr(m, a)(self.address["authority"], self.address[to], h(a)),
                "ParticipantRegistry", action, self.address[source], h(action),
            )  # fmt: skip
        self.set_up_mandate()
        # Checked here too: the rules take a step's sender from its last operation (a mandate is its seller's own).
        self.after_step()
        self.set_up_listings()
        self.set_up_opening_list()
        self.set_up_recognised()
        self.hook(data, every=True)  # once a run: every hook refuses every caller
        self.after_step()
        state = {k: copy.deepcopy(vars(self)[k]) for k in self.state_keys}
        LedgerMachine.prepared = Prepared(self.rpc.call("evm_snapshot"), state)

    def set_up_mandate(self) -> None:
        """A standing mandate of the first asset's holder to the exchange: licences of its processing right."""
        m = self.model
        mandate = Mandate(  # (no key has changed yet: the identities are the keys)
            seller=self.address["holder"], exchange=self.address["exchange"], asset_id=1, delivery=Delivery.LICENSE,
            right=Right.PROCESSING, min_net=0, expiry=m.now + 30 * DAY, max_duration=10 * DAY,
            terms=LicenseTerms(right=Right.PROCESSING, purpose=PURPOSES[0], start=0, end=0, regions=(REGION,),
                               terms_hash=h("terms")),
            salt=0,
        )  # fmt: skip
        self.mandate_pool.append(mandate)
        self.setup_op(
            "mandate", "grantMandate", "holder", lambda m: m.grant_mandate(self.address["holder"], mandate),
            "MandateRegistry", "grantMandate", Raw(mandate.as_abi()),
        )  # fmt: skip

    def set_up_listings(self) -> None:
        """The exchange lists licences of holder2's asset (the second: enterprise data) for a year; the second
        exchange lists the operation right of the holder's (the first: public data, within its band)."""
        m = self.model
        template = LicenseTerms(right=Right.PROCESSING, purpose=PURPOSES[0], start=0, end=0, regions=(REGION,),
                                terms_hash=h("terms"))  # fmt: skip
        licences = Listing(  # (no key has changed yet: the identities are the keys)
            seller=self.address["holder2"], asset_id=2, delivery=Delivery.LICENSE, right=Right.PROCESSING,
            offer=Offer(listing_id=self.fresh("listing"), min_price=1_000, max_price=60_000, min_net=0, start=m.now,
                        end=m.now + 365 * DAY, max_duration=10 * DAY),
            document_hash=h("listing document"), terms=template,
        )  # fmt: skip
        right = Listing(
            seller=self.address["holder"], asset_id=1, delivery=Delivery.RIGHT, right=Right.OPERATION,
            offer=Offer(listing_id=self.fresh("listing"), min_price=2_000, max_price=60_000, min_net=0, start=m.now,
                        end=m.now + 365 * DAY),
            document_hash=h("listing document"),
        )  # fmt: skip
        for exchange, seller, listing in (("exchange", "holder2", licences), ("exchange2", "holder", right)):
            r, vs = compact_signature(self.clients[seller].sign_listing(listing, self.address[exchange]))
            self.listing_pool.append((self.address[exchange], listing))
            self.setup_op(
                f"{exchange} lists {seller}'s product", "list", exchange,
                lambda m, e=exchange, li=listing, r=r, vs=vs: m.list_product(self.address[e], li, r, vs),
                "Listings", "list", Raw(listing.as_abi()), r, vs,
            )  # fmt: skip
            self.after_step()  # (a step each: the rules take a listing's exchange from its step's sender)

    def set_up_opening_list(self) -> None:
        """The authority publishes next year's opening list: two entries of the holder's, one of holder2's; the
        holder links its public-data asset (the first, listed by the second exchange) to the first."""
        m = self.model
        target = m.now + DEV_DELAY + 180 * DAY
        entries = [(self.address[d], h(f"opening data {i}"), target + i * DAY)
                   for i, d in enumerate(("holder", "holder", "holder2"))]  # fmt: skip
        self.setup_op(
            "publish the opening list", "publishOpeningList", "authority",
            lambda m: m.publish_opening_list(self.address["authority"], 2027, h("opening list 2027"), entries),
            "OpeningList", "publish", 2027, h("opening list 2027"), [OpeningEntry(*e).as_abi() for e in entries],
        )  # fmt: skip
        self.after_step()
        self.setup_op(
            "the holder links asset 1", "linkOpeningAsset", "holder",
            lambda m: m.link_opening_asset(self.address["holder"], 1, 1), "OpeningList", "linkAsset", 1, 1,
        )  # fmt: skip
        self.after_step()  # (a step each: the rules take a link's department from its step's sender)

    def set_up_recognised(self) -> None:
        """An asset of the other province, held there by holder2, recognised here (its rights change hands there)."""
        m = self.model
        holder = self.address["holder2"]
        o = OriginAsset(
            asset_id=1, content_hash=self.fresh("origin content"), category=Category.ENTERPRISE, grade=Grade.GENERAL,
            kind=Kind.DATASET, holders=(holder, holder, holder), serial=1, registered_block=10,
            registered_at=m.now - DAY,
        )  # fmt: skip
        self.origin_block += 1
        c = Certificate(
            asset_id=o.asset_id, content_hash="0x" + o.content_hash.hex(), category=int(o.category),
            grade=int(o.grade), kind=int(o.kind), holding_holder=holder, processing_holder=holder,
            operation_holder=holder, certificate_serial=o.serial, registered_block=o.registered_block,
            registered_at=o.registered_at, status=int(AssetStatus.REGISTERED), issued_block=self.origin_block,
            expires_at=m.now + 365 * DAY,
        )  # fmt: skip
        o.certificates.append(c)
        self.origin_assets.append(o)
        self.content_hashes.append(o.content_hash)
        self.certificates_seen.append((ORIGIN_CHAIN, ORIGIN_REGISTRY, c))
        cert = CertificateFile(CertificateDomain(ORIGIN_CHAIN, ORIGIN_REGISTRY), c)
        signatures = [*sign_certificate(cert, ORIGIN_KEYS[0]).signature_bytes(),
                      *sign_certificate(cert, ORIGIN_KEYS[1]).signature_bytes()]  # fmt: skip
        self.setup_op(
            "recognition", "importCertificate", "registrar",
            lambda m: m.import_certificate(self.address["registrar"], ORIGIN_CHAIN, c, signatures),
            "Recognition", "importCertificate", ORIGIN_CHAIN, Raw(c.as_abi()), signatures,
        )  # fmt: skip

    def registration(self, **kw: Any) -> Registration:
        content = self.fresh("content")
        self.content_hashes.append(content)
        fields: dict[str, Any] = dict(
            content_hash=content, metadata_hash=h("metadata"), metadata_uri="ipfs://bafy", name="Bus ridership",
            category=Category.ENTERPRISE, grade=Grade.GENERAL, kind=Kind.DATASET, region=REGION,
        )  # fmt: skip
        fields.update(kw)
        return Registration(**fields)

    # ─────────────────────────────────────────────────────────── participants

    def admit(self, data: st.DataObject) -> None:
        caller = self.who(data, ["authority"])
        name = self.choose(data, [*NEWCOMERS, "outsider", "holder"], label="admit whom")
        roles = int(self.choose(data, NEWCOMER_ROLES, label="roles"))
        if self.one_in(data, 12, "bad roles?"):
            roles = self.choose(data, [0, 1 << 8], label="bad roles")
        region = self.choose(data, [CITY, REGION, OTHER_REGION, 810000, 100000], label="region")
        label = self.choose(data, ["Newcomer Co.", "Newcomer Co.", "Newcomer Co.", "", "x" * 129], label="name")
        # Its own credit code, now and then another organisation's (a second identity for it: refused) or none.
        whose = name if not self.one_in(data, 6, "another's code?") else self.choose(data, ACTORS, label="whose code")
        code = ZERO_HASH if self.one_in(data, 20, "no code?") else self.credit_code(whose)
        _, tx = self.attempt(
            f"admit {name} as {roles:#x} in {region} with {whose}'s code by {caller}", "admit", caller,
            lambda m: m.admit(self.address[caller], self.address[name], roles, region, label, code),
            "ParticipantRegistry", "admit", self.address[name], roles, region, label, code,
        )  # fmt: skip
        if tx:
            self.ok("admit")

    def credit_code(self, name: str) -> bytes:
        """The hash of the credit code the world gives actor ``name`` (the authority's: the deployment's default)."""
        if name == "authority":
            return credit_code_hash(AUTHORITY_CREDIT_CODE)
        return credit_code_hash(code_for(self.address[name]))

    def whose(self, data: st.DataObject, label: str) -> str:
        """Whose roles or status to change: usually a minor actor, now and then anyone (changing the registrar's or
        a holder's every few steps would leave most examples without the actors the other operations need)."""
        if self.one_in(data, 4, f"{label}: anyone?"):
            return self.choose(data, ACTORS, label=label)
        return self.choose(data, [*NEWCOMERS, "outsider", "suspended", "source"], label=label)

    def set_roles(self, data: st.DataObject) -> None:
        caller = self.who(data, ["authority"])
        name = self.whose(data, "whose roles")
        roles = int(self.choose(data, NEWCOMER_ROLES, label="roles"))
        _, tx = self.attempt(
            f"roles of {name} = {roles:#x} by {caller}", "setRoles", caller,
            lambda m: m.set_roles(self.address[caller], self.address[name], roles),
            "ParticipantRegistry", "setRoles", self.address[name], roles,
        )  # fmt: skip
        if tx:
            self.ok("setRoles")

    def change_status(self, data: st.DataObject) -> None:
        caller = self.who(data, ["authority"])
        name = self.whose(data, "whom")
        action = self.choose(data, ["suspend", "reinstate", "reinstate", "revoke"], label="status action")
        reason = ZERO_HASH if self.one_in(data, 16, "no reason?") else h("order")
        op: Callable[[Ledger], None] = {
            "suspend": lambda m: m.suspend(self.address[caller], self.address[name], reason),
            "reinstate": lambda m: m.reinstate(self.address[caller], self.address[name], reason),
            "revoke": lambda m: m.revoke(self.address[caller], self.address[name], reason),
        }[action]
        _, tx = self.attempt(
            f"{action} {name} by {caller}",
            action,
            caller,
            op,
            "ParticipantRegistry",
            action,
            self.address[name],
            reason,
        )
        if tx:
            self.ok(action)

    def file_declaration(self, data: st.DataObject) -> None:
        caller = self.who(data, [*NEWCOMERS, "provider", "merchant"])
        document = ZERO_HASH if self.one_in(data, 12, "zero document?") else h(f"declaration {caller}")
        _, tx = self.attempt(
            f"{caller} files a declaration", "fileDeclaration", caller,
            lambda m: m.file_declaration(self.address[caller], document),
            "ParticipantRegistry", "fileDeclaration", document,
        )  # fmt: skip
        if tx:
            self.ok("fileDeclaration")

    # ─────────────────────────────────────────────────────────── keys

    def new_key(self) -> LocalAccount:
        """A key no participant ever had, with ether for its gas (nothing mined)."""
        self.counter += 1
        account: LocalAccount = Account.from_key(keccak(text=f"model key {self.counter}"))
        self.rpc.call("anvil_setBalance", [account.address, hex(10**21)])
        return account

    def change_key(self, data: st.DataObject) -> None:
        """A participant's key changes: planned (its key sends, the new key signs its consent; at once) or
        recovered by the council (after its delay). Now and then one that must be refused: another's key, a key
        used before, an impostor's consent, no reason, the authority's own key, a revoked participant."""
        m = self.model
        name = self.choose(data, KEYED, label="whose key")
        identity = self.address[name]
        new = self.new_key()
        new_key = new.address
        if self.one_in(data, 8, "a taken key?"):
            taken = self.choose(data, sorted({*m.keys, *(self.address[n] for n in TRADING)}), label="taken key")
            new_key, new = taken, next((c.account for c in self.clients.values() if c.address == taken), new)
        if self.coin(data, "recovery?"):
            caller = self.who(data, ["authority"])
            account = identity if not self.one_in(data, 12, "the authority's own?") else self.address["authority"]
            reason = ZERO_HASH if self.one_in(data, 16, "no reason?") else h("key recovery")
            _, tx = self.attempt(
                f"{caller} replaces the key of {self.named(account)} with {self.named(new_key)}", "replaceKey", caller,
                lambda m: m.replace_key(self.address[caller], account, new_key, reason),
                "ParticipantRegistry", "replaceKey", account, Raw(new_key), reason,
            )  # fmt: skip
        else:
            client = self.clients[name]
            signer = new if not self.one_in(data, 10, "an impostor's consent?") else self.clients["outsider"].account
            message = encode_typed_data(full_message=key_change_typed_data(
                identity, client.address, new_key, self.chain_id, self.contracts["ParticipantRegistry"]
            ))  # fmt: skip
            signature = bytes(signer.sign_message(message).signature)
            _, tx = self.attempt(
                f"{name} rotates its key to {self.named(new_key)}", "rotateKey", name,
                lambda m: m.rotate_key(identity, new_key, signer.address),
                "ParticipantRegistry", "rotateKey", Raw(new_key), Raw(signature),
            )  # fmt: skip
        if tx is None:
            return
        changed = tx.event("ParticipantKeyChanged")
        assert (changed["identity"], changed["newKey"]) == (identity, new_key), changed
        self.retired.append((name, self.clients[name]))
        self.clients[name] = self.world.authority.as_(new)
        self.name_of[new_key] = name
        self.ok("rotateKey" if changed["reasonHash"] == ZERO_HASH else "replaceKey")

    def retired_key_acts(self, data: st.DataObject) -> None:
        """A replaced key (stolen, say) tries to act for its participant: refused, whatever it tries."""
        if not self.retired:
            self.change_key(data)
            return
        name, old = self.choose(data, self.retired, label="replaced key")
        key, identity = old.address, self.address[name]
        replaced = Refused("ParticipantKeyReplaced", account=key, identity=identity)
        act = self.choose(data, ["declaration", "registration", "transfer", "rotation"], label="tries")
        call: tuple[Any, ...] = {
            "declaration": (replaced, "ParticipantRegistry", "fileDeclaration", h("declaration")),
            "registration": (replaced, "AssetRegistry", "applyRegistration", self.registration().as_abi()),
            "transfer": (Refused("TokenParticipantNotActive", account=key), "SettlementToken", "transfer",
                         self.address["merchant"], 1),
            "rotation": (replaced, "ParticipantRegistry", "rotateKey", self.new_key().address, Raw(b"\0" * 65)),
        }[act]  # fmt: skip
        pseudo = f"{name}'s replaced key {key}"
        self.clients[pseudo] = old
        try:
            self.attempt(f"{pseudo} tries a {act}", act, pseudo, partial(refuse, call[0]), *call[1:])
        finally:
            del self.clients[pseudo]

    # ─────────────────────────────────────────────────────────── registration

    def apply_registration(self, data: st.DataObject) -> None:
        m = self.model
        caller = self.who(data, OWNERS)
        kw: dict[str, Any] = {
            "category": self.choose(
                data, [Category.ENTERPRISE, Category.PUBLIC, Category.PERSONAL, Category.ENTERPRISE], "category"
            ),
            "grade": self.choose(data, [Grade.GENERAL, Grade.GENERAL, Grade.IMPORTANT, Grade.CORE], "grade"),
            "kind": self.choose(data, list(Kind), label="kind"),
            "region": self.choose(data, [REGION, REGION, CITY, OTHER_REGION, 100000, 1_000_000], "asset region"),
        }
        if self.one_in(data, 4, "reuse a content hash?"):
            known = [a.content_hash for a in m.assets.values()] + [o.content_hash for o in self.origin_assets]
            if known:
                kw["content_hash"] = self.choose(data, known, label="reused content")
        if self.one_in(data, 5, "split rights?"):
            kw["processing_holder"] = self.address[self.other_than(data, self.address[caller])]
            if self.coin(data, "operation too?"):
                kw["operation_holder"] = self.address[self.other_than(data, self.address[caller])]
        if self.one_in(data, 30, "bad fields?"):
            bad = self.choose(data, ["hash", "uri", "name", "long"], label="bad field")
            field_name, value = {"hash": ("metadata_hash", ZERO_HASH), "uri": ("metadata_uri", ""),
                                 "name": ("name", ""), "long": ("name", "n" * 129)}[bad]  # fmt: skip
            kw[field_name] = value
        r = self.registration(**kw)
        asset_id, tx = self.attempt(
            f"{caller} applies ({r.category.name}, {r.grade.name}, {r.region})", "applyRegistration", caller,
            lambda m: m.apply_registration(self.address[caller], r),
            "AssetRegistry", "applyRegistration", r.as_abi(),
        )  # fmt: skip
        if tx:
            assert int(tx.event("RegistrationApplied")["assetId"]) == asset_id
            self.ok("applyRegistration")

    def review(self, data: st.DataObject) -> None:
        m = self.model
        pending = [i for i, a in m.assets.items() if a.status == AssetStatus.PENDING]
        asset_id = self.pick(data, list(m.assets), "asset", pending)
        caller = self.who(data, self.registrars_of(asset_id))
        approve = self.coin(data, "approve")
        review = ZERO_HASH if self.one_in(data, 20, "zero review?") else h("review")
        _, tx = self.attempt(
            f"review {asset_id} approve={approve} by {caller}", "reviewRegistration", caller,
            lambda m: m.review_registration(self.address[caller], asset_id, approve, review),
            "AssetRegistry", "reviewRegistration", asset_id, approve, review,
        )  # fmt: skip
        if tx:
            self.ok(f"reviewRegistration:{'approve' if approve else 'reject'}")

    def change_registration(self, data: st.DataObject) -> None:
        asset_id = self.pick(data, list(self.model.assets), "asset")
        caller = self.who(data, self.holder_name(asset_id, Right.HOLDING))
        uri = "" if self.one_in(data, 10, "empty uri?") else "ipfs://changed"
        _, tx = self.attempt(
            f"change {asset_id} by {caller}", "changeRegistration", caller,
            lambda m: m.change_registration(self.address[caller], asset_id, h("metadata 2"), uri),
            "AssetRegistry", "changeRegistration", asset_id, h("metadata 2"), uri,
        )  # fmt: skip
        if tx:
            self.ok("changeRegistration")

    def cancel(self, data: st.DataObject) -> None:
        asset_id = self.pick(data, list(self.model.assets), "asset")
        caller = self.who(data, [*self.holder_name(asset_id, Right.HOLDING), "registrar"])
        reason = ZERO_HASH if self.one_in(data, 16, "no reason?") else h("cancel")
        _, tx = self.attempt(
            f"cancel {asset_id} by {caller}", "cancelRegistration", caller,
            lambda m: m.cancel_registration(self.address[caller], asset_id, reason),
            "AssetRegistry", "cancelRegistration", asset_id, reason,
        )  # fmt: skip
        if tx:
            self.ok("cancelRegistration")

    def transfer_right(self, data: st.DataObject) -> None:
        m = self.model
        tradable = self.tradable()
        recognised = [i for i in self.recognised() if i in tradable and m.assets[i].category != Category.PUBLIC]
        if recognised and self.one_in(data, 4, "a recognised asset?"):
            asset_id = self.choose(data, recognised, label="recognised asset")
        else:  # usually one whose rights change hands here (public data's on an exchange, recognised at its origin)
            usual = [i for i in tradable if m.assets[i].category != Category.PUBLIC and not m.assets[i].recognised]
            asset_id = self.pick(data, list(m.assets), "asset", usual)
        right = self.choose(data, list(Right), label="right")
        caller = self.who(data, self.holder_name(asset_id, right))
        to = ZERO if self.one_in(data, 30, "to zero?") else self.address[self.other_than(data, self.address[caller])]
        _, tx = self.attempt(
            f"transfer {right.name} of {asset_id} {caller} -> {self.named(to)}", "transferRight", caller,
            lambda m: m.transfer_right(self.address[caller], asset_id, right, to),
            "AssetRegistry", "transferRight", asset_id, int(right), to,
        )  # fmt: skip
        if tx:
            self.ok("transferRight")

    # ─────────────────────────────────────────────────────────── objections, freezes, attestations

    def lodge_objection(self, data: st.DataObject) -> None:
        m = self.model
        asset_id = self.pick(data, list(m.assets), "asset")
        caller = self.who(
            data,
            ["merchant", "provider", "holder2", "supervisor", "registrar", "registrar2",
             *self.holder_name(asset_id, Right.PROCESSING)],
        )  # fmt: skip
        standing = 0
        own = [i for i, lic in m.licences.items() if lic.licensee == self.address[caller]]
        if self.one_in(data, 4, "name a licence?"):
            standing = self.choose(data, (own or [len(m.licences) + 1]), label="standing licence")
        evidence = ZERO_HASH if self.one_in(data, 20, "no evidence?") else self.fresh("evidence")
        objection_id, tx = self.attempt(
            f"{caller} objects to {asset_id} (licence {standing})", "lodgeObjection", caller,
            lambda m: m.lodge_objection(self.address[caller], asset_id, evidence, standing),
            "AssetControls", "lodgeObjection", asset_id, evidence, standing,
        )  # fmt: skip
        if tx:
            assert int(tx.event("ObjectionLodged")["objectionId"]) == objection_id
            status = self.model.objections[objection_id].status
            self.ok(f"lodgeObjection:{'open' if status == ObjectionStatus.OPEN else 'pending'}")

    def decide_objection(self, data: st.DataObject) -> None:
        m = self.model
        live = [i for i, o in m.objections.items() if o.status in (ObjectionStatus.OPEN, ObjectionStatus.PENDING)]
        objection_id = self.pick(data, list(m.objections), "objection", live)
        o = m.objections.get(objection_id)
        caller = self.who(data, self.registrars_of(o.asset_id) if o else REGISTRARS)
        decision = ZERO_HASH if self.one_in(data, 20, "no decision?") else h("decision")
        if self.coin(data, "accept?"):
            _, tx = self.attempt(
                f"accept objection {objection_id} by {caller}", "acceptObjection", caller,
                lambda m: m.accept_objection(self.address[caller], objection_id, decision),
                "AssetControls", "acceptObjection", objection_id, decision,
            )  # fmt: skip
            what = "acceptObjection"
        else:
            upheld = self.coin(data, "upheld")
            _, tx = self.attempt(
                f"resolve objection {objection_id} upheld={upheld} by {caller}", "resolveObjection", caller,
                lambda m: m.resolve_objection(self.address[caller], objection_id, upheld, decision),
                "AssetControls", "resolveObjection", objection_id, upheld, decision,
            )  # fmt: skip
            what = "resolveObjection"
        if tx:
            self.ok(what)
        elif o and o.objector == self.address[caller] and self.refused_with("ControlsRegistrarConflict"):
            COVERAGE.refusal("ControlsRegistrarConflict:own objection")

    def freeze_or_unfreeze(self, data: st.DataObject) -> None:
        frozen_ids = [i for i, a in self.model.assets.items() if a.frozen]
        # (usually a frozen one, while there is one: a freeze is lifted only in a later step of its example)
        prefer = frozen_ids if frozen_ids and not self.one_in(data, 4, "any asset?") else []
        asset_id = self.pick(data, list(self.model.assets), "asset", prefer)
        caller = self.who(data, ["authority"])
        frozen = self.model.assets[asset_id].frozen if asset_id in self.model.assets else False
        action = "unfreeze" if frozen != self.one_in(data, 8, "wrong way?") else "freeze"
        reason = ZERO_HASH if self.one_in(data, 20, "no reason?") else h("freeze")
        op: Callable[[Ledger], None] = (
            (lambda m: m.freeze(self.address[caller], asset_id, reason)) if action == "freeze"
            else (lambda m: m.unfreeze(self.address[caller], asset_id, reason))
        )  # fmt: skip
        _, tx = self.attempt(
            f"{action} {asset_id} by {caller}", action, caller, op, "AssetControls", action, asset_id, reason
        )
        if tx:
            self.ok(action)

    def attest_anonymisation(self, data: st.DataObject) -> None:
        m = self.model
        personal = [i for i, a in m.assets.items() if a.category == Category.PERSONAL]
        asset_id = self.pick(data, list(m.assets), "asset", personal)
        caller = self.who(data, ["provider", "provider", *self.holder_name(asset_id, Right.HOLDING)])
        _, tx = self.attempt(
            f"{caller} attests {asset_id}", "attestAnonymisation", caller,
            lambda m: m.attest_anonymisation(self.address[caller], asset_id, h("report")),
            "AssetControls", "attestAnonymisation", asset_id, h("report"),
        )  # fmt: skip
        if tx:
            self.ok("attestAnonymisation")

    def public_operation(self, data: st.DataObject) -> None:
        m = self.model
        public = [i for i, a in m.assets.items() if a.category == Category.PUBLIC]
        asset_id = self.pick(data, list(m.assets), "asset", public)
        caller = self.who(data, ["authority"])
        operator = self.address[self.who(data, TRADING)]
        right = self.choose(data, [Right.PROCESSING, Right.OPERATION], label="right")
        purpose = self.choose(data, PURPOSES, label="purpose")
        self.operation_keys.add((asset_id, operator, int(right), purpose))
        if self.one_in(data, 4, "withdraw?"):
            _, tx = self.attempt(
                f"withdraw operation on {asset_id} for {self.named(operator)} by {caller}", "withdraw", caller,
                lambda m: m.withdraw_public_operation(self.address[caller], asset_id, operator, right, purpose),
                "AssetControls", "withdrawPublicOperation", asset_id, operator, int(right), purpose,
            )  # fmt: skip
            if tx:
                self.ok("withdrawPublicOperation")
            return
        latest_end = m.now + self.choose(data, [30 * DAY, 5 * DAY, 0, -1], label="latest end")
        decision = ZERO_HASH if self.one_in(data, 20, "no decision?") else h("authorised operation")
        _, tx = self.attempt(
            f"authorise operation on {asset_id} for {self.named(operator)} by {caller}", "authorise", caller,
            lambda m: m.authorise_public_operation(
                self.address[caller], asset_id, operator, right, purpose, latest_end, decision
            ),
            "AssetControls", "authorisePublicOperation", asset_id, operator, int(right), purpose, latest_end,
            decision,
        )  # fmt: skip
        if tx:
            self.ok("authorisePublicOperation")

    # ─────────────────────────────────────────────────────────── licences

    def grant_license(self, data: st.DataObject, sublicensable: bool = False) -> None:
        """A licence grant (``sublicensable``: one that sublicences can be granted under, drawn instead of a
        sublicence while there is none)."""
        m = self.model
        authorised = {k[0] for k, end in m.operations.items() if end > m.now}
        usual = [i for i in self.tradable() if m.assets[i].category != Category.PUBLIC or i in authorised]
        asset_id = self.pick(data, list(m.assets), "asset", usual)
        a = m.assets.get(asset_id)
        public = a is not None and a.category == Category.PUBLIC
        operations = [k for k, end in m.operations.items() if k[0] == asset_id and end > m.now]
        if public and operations and not self.one_in(data, 4, "unauthorised?"):
            _, operator, right_int, purpose = self.choose(data, operations, label="operation")
            end = m.operations[(asset_id, operator, right_int, purpose)]
            terms = LicenseTerms(
                right=Right(right_int), purpose=purpose, start=m.now, end=end - self.choose(data, ([0, DAY])),
                regions=(REGION,), terms_hash=h("operation terms"),
            )  # fmt: skip
            licensee = self.named(operator)
        elif sublicensable:
            terms = replace(self.draw_terms(data, sane=True), start=m.now, sublicensable=True)
            licensee = ""
        else:
            terms = self.draw_terms(data)
            licensee = ""
        caller = self.who(data, self.holder_name(asset_id, terms.right))
        licensee = licensee or self.other_than(data, self.address[caller])
        self.exclusivity_keys.add((asset_id, int(terms.right), terms.purpose, 0))
        licence_id, tx = self.attempt(
            f"grant on {asset_id} {caller} -> {licensee}: {show_terms(terms, m.now)}", "grantLicense", caller,
            lambda m: m.grant_license(self.address[caller], asset_id, self.address[licensee], terms),
            "AssetRegistry", "grantLicense", asset_id, self.address[licensee], terms.as_abi(),
        )  # fmt: skip
        if tx:
            assert int(tx.event("LicenseGranted")["licenseId"]) == licence_id
            self.ok("grantLicense:public operation" if public else "grantLicense")

    def sublicense(self, data: st.DataObject) -> None:
        m = self.model
        parent_id = self.pick(data, list(m.licences), "parent", self.live_licences(sublicensable=True))
        parent = m.licences.get(parent_id)
        caller = self.who(data, [self.named(parent.licensee)] if parent else TRADING)
        terms = self.draw_terms(data, parent=parent_id if parent else None)
        licensee = self.other_than(data, self.address[caller])
        if parent:
            self.exclusivity_keys.add((parent.asset_id, int(terms.right), terms.purpose, parent_id))
        licence_id, tx = self.attempt(
            f"sublicense {parent_id} {caller} -> {licensee}: {show_terms(terms, m.now)}", "sublicense", caller,
            lambda m: m.sublicense(self.address[caller], parent_id, self.address[licensee], terms),
            "AssetRegistry", "sublicense", parent_id, self.address[licensee], terms.as_abi(),
        )  # fmt: skip
        if tx:
            assert int(tx.event("LicenseGranted")["licenseId"]) == licence_id
            self.ok("sublicense")

    def revoke_license(self, data: st.DataObject) -> None:
        m = self.model
        unrevoked = [i for i, lic in m.licences.items() if not lic.revoked]
        sold = [i for i in unrevoked if m.licences[i].sold]
        # a licence above a sold sublicence that has not ended: only the authority may end it
        above_sold = [i for i in unrevoked if m.licences[i].sold_until > m.now]
        give_up = bool(above_sold) and self.coin(data, "above a sold sublicence?")
        if give_up:
            licence_id = self.choose(data, above_sold, label="licence above a sold one")
        elif sold and self.coin(data, "a sold licence?"):
            licence_id = self.choose(data, sold, label="sold licence")
        else:
            licence_id = self.pick(data, list(m.licences), "licence", unrevoked)
        lic = m.licences.get(licence_id)
        preferred = ["authority"]  # (above a sold sublicence: more often its licensee or licensor, refused)
        if lic is not None:
            # the licensors twice: a sold licence is not theirs to revoke
            licensors = [*self.holder_name(lic.asset_id, lic.right)]
            if lic.parent_id:
                licensors.append(self.named(m.licences[lic.parent_id].licensee))
            preferred += [*licensors, *licensors, self.named(lic.licensee)] * (2 if give_up else 1)
        caller = self.who(data, preferred)
        reason = ZERO_HASH if self.one_in(data, 20, "no reason?") else h("revocation")
        _, tx = self.attempt(
            f"revoke licence {licence_id} by {caller}", "revokeLicense", caller,
            lambda m: m.revoke_license(self.address[caller], licence_id, reason),
            "AssetRegistry", "revokeLicense", licence_id, reason,
        )  # fmt: skip
        if tx:
            surrender = lic is not None and self.address[caller] == lic.licensee
            what = "revokeLicense:surrender" if surrender else "revokeLicense"
            self.ok(what)
            if lic is not None and lic.sold:
                self.ok(f"{what}:sold")

    def transfer_license(self, data: st.DataObject) -> None:
        m = self.model
        transferable = [i for i in self.live_licences() if m.licences[i].transferable]
        licence_id = self.pick(data, list(m.licences), "licence", transferable)
        lic = m.licences.get(licence_id)
        caller = self.who(data, [self.named(lic.licensee)] if lic else TRADING)
        to = self.other_than(data, self.address[caller])
        _, tx = self.attempt(
            f"transfer licence {licence_id} {caller} -> {to}", "transferLicense", caller,
            lambda m: m.transfer_license(self.address[caller], licence_id, self.address[to]),
            "AssetRegistry", "transferLicense", licence_id, self.address[to],
        )  # fmt: skip
        if tx:
            self.ok("transferLicense")

    # ─────────────────────────────────────────────────────────── token

    def issue(self, data: st.DataObject) -> None:
        caller = self.who(data, ["bank"])
        to = self.who(data, [*TRADING, "exchange"])
        amount = self.choose(data, [1_000, 50_000, 0], label="amount")
        reserve = self.choose(data, [RESERVE, RESERVE, ZERO_HASH], label="reserve")
        _, tx = self.attempt(
            f"issue {amount} to {to} by {caller}", "issue", caller,
            lambda m: m.issue(self.address[caller], self.address[to], amount, reserve),
            "SettlementToken", "issue", self.address[to], amount, reserve,
        )  # fmt: skip
        if tx:
            self.ok("issue")

    def set_issuance_limit(self, data: st.DataObject) -> None:
        caller = self.who(data, ["authority"])
        bank = self.who(data, ["bank", "bank", "holder"])
        outstanding = self.model.issuance.get(self.address[bank], (0, 0))[1]
        limit = self.choose(data, [0, outstanding, outstanding + 60_000, 10**12], label="limit")
        _, tx = self.attempt(
            f"issuance limit of {bank} {limit} by {caller}", "setIssuanceLimit", caller,
            lambda m: m.set_issuance_limit(self.address[caller], self.address[bank], limit),
            "SettlementToken", "setIssuanceLimit", self.address[bank], limit,
        )  # fmt: skip
        if tx:
            self.ok("setIssuanceLimit")

    def redeem(self, data: st.DataObject) -> None:
        caller = self.who(data, ["bank"])
        amount = self.choose(data, [100, 10_000, 10**9], label="amount")
        _, tx = self.attempt(
            f"redeem {amount} by {caller}", "redeem", caller,
            lambda m: m.redeem(self.address[caller], amount), "SettlementToken", "redeem", amount,
        )  # fmt: skip
        if tx:
            self.ok("redeem")

    def transfer_tokens(self, data: st.DataObject) -> None:
        caller = self.who(data, [*TRADING, "exchange"])
        to = self.who(data, [*TRADING, "bank"])
        amount = self.choose(data, [100, 30_000, 30_000, 10**9], label="amount")
        _, tx = self.attempt(
            f"transfer {amount} {caller} -> {to}", "transfer", caller,
            lambda m: m.transfer(self.address[caller], self.address[to], amount),
            "SettlementToken", "transfer", self.address[to], amount,
        )  # fmt: skip
        if tx:
            self.ok("transfer")

    def approve(self, data: st.DataObject) -> None:
        caller = self.who(data, TRADING)
        spender = self.who(data, [*EXCHANGES, *TRADING])
        amount = self.choose(data, [0, 20_000, 300_000, UINT256_MAX], label="amount")
        _, tx = self.attempt(
            f"{caller} approves {spender} for {amount}", "approve", caller,
            lambda m: m.approve(self.address[caller], self.address[spender], amount),
            "SettlementToken", "approve", self.address[spender], amount,
        )  # fmt: skip
        if tx:
            self.ok("approve")

    def transfer_from(self, data: st.DataObject) -> None:
        allowed = [(o, s) for (o, s), v in self.model.allowances.items() if v]
        caller, owner = self.who(data, TRADING), self.who(data, TRADING)
        if allowed and not self.one_in(data, 4, "unapproved?"):
            owner_address, spender_address = self.choose(data, (sorted(allowed)), label="allowance")
            owner, caller = self.named(owner_address), self.named(spender_address)
        to = self.who(data, TRADING)
        amount = self.choose(data, [100, 30_000], label="amount")
        _, tx = self.attempt(
            f"{caller} moves {amount} {owner} -> {to}", "transferFrom", caller,
            lambda m: m.transfer_from(self.address[caller], self.address[owner], self.address[to], amount),
            "SettlementToken", "transferFrom", self.address[owner], self.address[to], amount,
        )  # fmt: skip
        if tx:
            self.ok("transferFrom")

    # ─────────────────────────────────────────────────────────── settlement

    def settle(self, data: st.DataObject) -> None:
        m = self.model
        honest = self.one_in(data, 3, "an honest trade?")
        exchange = self.choose(data, EXCHANGES, label="exchange") if honest else self.who(data, EXCHANGES)
        if not honest and self.consents and self.one_in(data, 5, "a consent signed earlier?"):
            sales, consent, signed_for = self.choose(data, self.consents, label="stored consent")
            trade, min_net = sales[0]
            if signed_for in self.address and not self.one_in(data, 4, "at another exchange?"):
                exchange = self.named(signed_for)
        else:
            trade = self.draw_trade(data, exchange, honest=honest)
            min_net = self.draw_min_net(data, trade, honest=honest)
            consent = self.sign_consent(data, [(trade, min_net)], exchange, honest=honest)
            self.consents.append(([(trade, min_net)], consent, self.address[exchange]))
        licence_id, tx = self.attempt(
            f"settle {show_trade(trade, self.named, m.now)} min net {min_net} by {exchange}", "settle", exchange,
            lambda m: m.settle(self.address[exchange], trade, min_net, consent),
            "TradeSettlement", "settle", trade.as_abi(), min_net, Raw(consent.as_abi()), trades=[trade],
        )  # fmt: skip
        if tx:
            settled = tx.find("TradeSettled")
            assert len(settled) == 1 and int(settled[0]["licenseId"]) == licence_id
            self.ok(f"settle:{'right' if trade.delivery == Delivery.RIGHT else 'licence'}")
            if trade.parent_license_id:
                self.ok("settle:sublicence")
            if any(s["held"] for s in settled[0]["shares"]):
                self.ok("settle:held share")

    def settle_batch(self, data: st.DataObject) -> None:
        honest = self.one_in(data, 3, "honest trades?")
        exchange = self.choose(data, EXCHANGES, label="exchange") if honest else self.who(data, EXCHANGES)
        size = self.choose(data, [1, 2, 2, 3] if honest else [1, 2, 3, 2, 4], label="batch size")
        trades = [self.draw_trade(data, exchange, honest=honest) for _ in range(size)]
        min_nets = [self.draw_min_net(data, t, honest=honest) for t in trades]
        sellers = list(dict.fromkeys(t.seller for t in trades))
        consents = [
            self.sign_consent(
                data, [(t, n) for t, n in zip(trades, min_nets, strict=True) if t.seller == s], exchange, honest=honest
            )
            for s in sellers
        ]
        consent_of = [sellers.index(t.seller) for t in trades]
        if not honest and len(consents) > 1 and self.one_in(data, 12, "consents swapped?"):
            consent_of = [(j + 1) % len(consents) for j in consent_of]
        if not honest and self.one_in(data, 30, "bad lengths?"):
            consent_of = [*consent_of[:-1], len(consents)] if self.coin(data, "index?") else consent_of[:-1]
        atomic = self.coin(data, "atomic")
        refused, tx = self.attempt(
            f"settle batch atomic={atomic} {[show_trade(t, self.named, self.model.now) for t in trades]} "
            f"min nets {min_nets} by {exchange}", "settleBatch", exchange,
            lambda m: m.settle_batch(self.address[exchange], trades, min_nets, consents, consent_of, atomic),
            "TradeSettlement", "settleBatch", [t.as_abi() for t in trades], min_nets,
            [Raw(c.as_abi()) for c in consents], consent_of, atomic, batch=True, trades=trades,
        )  # fmt: skip
        if tx:
            self.compare_batch("settleBatch", tx, trades, refused, "TradeSettlement", atomic)

    def compare_batch(
        self, label: str, tx: TxResult, trades: list[Trade], refused: list[TradeRefusal], contract: str, atomic: bool
    ) -> None:
        """The trades a batch settled and refused are the model's; each refusal with the model's error."""
        got = [
            (e.args["index"], e.args["tradeId"], e.args["reason"])
            for e in tx.events
            if e.event == "TradeRefused" and self.world.contracts.by_address[e.address.lower()] == contract
        ]
        assert [(r.index, r.trade_id) for r in refused] == [(i, t) for i, t, _ in got], (
            f"{label}: refused items {[(i, t.hex()[:8]) for i, t, _ in got]}, the model {refused}"
        )
        for r, (_, _, reason) in zip(refused, got, strict=True):
            self.assert_same_refusal(f"{label} item {r.index}", r.reason, *self.decode_error(reason, label))
            COVERAGE.refusal(f"item:{r.reason.name}")
        settled = tx.find("TradeSettled")
        assert len(settled) == len(trades) - len(refused), f"{label}: {len(settled)} settled"
        if atomic:
            self.ok(f"{label}:atomic")
        elif refused and len(refused) < len(trades):
            self.ok(f"{label}:partial")
        else:
            self.ok(f"{label}:{'all refused' if refused else 'trade by trade'}")

    def settle_direct(self, data: st.DataObject) -> None:
        trade = self.draw_trade(data, "exchange")
        if not self.one_in(data, 6, "with a fee?"):
            trade = replace(trade, fee=0)
        caller = self.who(data, [self.named(trade.seller), self.named(trade.buyer)])
        nonce = self.counter = self.counter + 1
        if self.nonces_seen and self.one_in(data, 8, "used nonce?"):
            nonce = self.choose(data, (sorted(n for _, n in self.nonces_seen)), label="used nonce")
        self.nonces_seen |= {(self.model.key_of(trade.seller), nonce), (self.model.key_of(trade.buyer), nonce)}
        deadline = self.model.now + (-1 if self.one_in(data, 8, "expired?") else DAY)
        seller = self.clients.get(self.named(trade.seller), self.clients["holder"])
        buyer = self.clients.get(self.named(trade.buyer), self.clients["holder"])
        if self.one_in(data, 10, "forged signature?"):
            seller = self.clients[self.other_than(data, trade.seller)]
        keyed = self.model.on_chain(trade)
        sigs = (seller.sign_direct_trade(keyed, nonce, deadline), buyer.sign_direct_trade(keyed, nonce, deadline))
        signed = (trade.trade_id, trade.asset_id, trade.seller, trade.buyer, trade.price)
        self.direct_signed |= {(self.identity(seller.address), *signed), (self.identity(buyer.address), *signed)}
        self.hashed_direct.append((trade, nonce, deadline))
        self.direct_seen.add((trade.seller, trade.buyer, trade.trade_id))
        self.keys_seen.add(trade_key(ZERO, trade.seller, trade.buyer, trade.trade_id))
        licence_id, tx = self.attempt(
            f"settle direct {show_trade(trade, self.named, self.model.now)} nonce {nonce} by {caller}",
            "settleDirect", caller,
            lambda m: m.settle_direct(self.address[caller], trade, nonce, deadline, *sigs),
            "TradeSettlement", "settleDirect", trade.as_abi(), nonce, deadline, *sigs, trades=[trade],
        )  # fmt: skip
        if tx:
            assert int(tx.event("TradeSettled")["licenseId"]) == licence_id
            self.ok("settleDirect")

    def invalidate_nonce(self, data: st.DataObject) -> None:
        caller = self.who(data, TRADING)
        key = self.clients[caller].address
        used = sorted(n for a, n in self.nonces_seen if a == key)
        if used and not self.one_in(data, 4, "fresh nonce?"):
            nonce = self.choose(data, used, label="nonce")
        else:
            nonce = self.counter = self.counter + 1
        self.nonces_seen.add((key, nonce))
        _, tx = self.attempt(
            f"{caller} invalidates nonce {nonce}", "invalidateNonce", caller,
            lambda m: m.invalidate_nonce(self.address[caller], nonce), "TradeSettlement", "invalidateNonce", nonce,
        )  # fmt: skip
        if tx:
            self.ok("invalidateNonce")

    def claim_held_shares(self, data: st.DataObject) -> None:
        """A recipient claims the shares held for it. While every recipient with held shares is suspended, the
        authority now and then reinstates one instead (this step)."""
        m = self.model
        held = sorted(a for a, v in m.held.items() if v)
        suspended = [a for a in held if m.participant(a).status == ParticipantStatus.SUSPENDED]
        claimable = [a for a in held if m.is_active(a)]
        if suspended and not claimable and self.coin(data, "reinstate a recipient first?"):
            recipient = self.choose(data, suspended, label="recipient to reinstate")
            _, tx = self.attempt(
                f"reinstate {self.named(recipient)} (shares held)", "reinstate", "authority",
                lambda m: m.reinstate(self.address["authority"], recipient, h("reinstatement")),
                "ParticipantRegistry", "reinstate", recipient, h("reinstatement"),
            )  # fmt: skip
            if tx:
                self.ok("reinstate")
            return
        caller = self.who(data, [self.named(a) for a in held] or TRADING)
        amount, tx = self.attempt(
            f"{caller} claims held shares", "claimHeldShares", caller,
            lambda m: m.claim_held_shares(self.address[caller]), "TradeSettlement", "claimHeldShares",
        )  # fmt: skip
        if tx:
            assert int(tx.event("HeldSharesClaimed")["amount"]) == amount
            self.ok("claimHeldShares")

    def release_held_shares(self, data: st.DataObject) -> None:
        """The authority releases the shares held for a revoked recipient to whom its decision names. While no
        recipient with held shares is revoked, the authority now and then revokes one instead (this step)."""
        m = self.model
        held = sorted(a for a, v in m.held.items() if v)
        revoked = [a for a in held if m.participant(a).status == ParticipantStatus.REVOKED]
        if held and not revoked and self.coin(data, "revoke a recipient first?"):
            recipient = self.choose(data, held, label="recipient to revoke")
            _, tx = self.attempt(
                f"revoke {self.named(recipient)} (shares held)", "revoke", "authority",
                lambda m: m.revoke(self.address["authority"], recipient, h("revocation")),
                "ParticipantRegistry", "revoke", recipient, h("revocation"),
            )  # fmt: skip
            if tx:
                self.ok("revoke")
            return
        caller = self.who(data, ["authority"])
        pool = revoked or held
        if pool and not self.one_in(data, 6, "anyone's?"):
            recipient = self.choose(data, pool, label="recipient")
        else:
            recipient = self.address[self.choose(data, ACTORS, label="any recipient")]
        to = self.address[self.who(data, ["merchant", "provider", "holder2"])]
        decision = ZERO_HASH if self.one_in(data, 12, "no decision?") else h("release decision")
        amount, tx = self.attempt(
            f"release shares held for {self.named(recipient)} to {self.named(to)} by {caller}", "releaseHeldShares",
            caller, lambda m: m.release_held_shares(self.address[caller], recipient, to, decision),
            "TradeSettlement", "releaseHeldShares", recipient, to, decision,
        )  # fmt: skip
        if tx:
            assert int(tx.event("HeldSharesReleased")["amount"]) == amount
            self.ok("releaseHeldShares")

    def set_revenue_shares(self, data: st.DataObject) -> None:
        asset_id = self.pick(data, list(self.model.assets), "asset")
        right = self.choose(data, list(Right), label="right")
        caller = self.who(data, self.holder_name(asset_id, right))
        pool = ["merchant", "provider", "holder2", "supervisor", "merchant", "provider", "suspended", "newcomer1",
                "source", "source2"]  # fmt: skip
        recipients = [self.choose(data, pool, "recipient") for _ in range(self.uniform(data, 4, "how many"))]
        bps = [self.choose(data, [500, 2_500, 1_000, 9_000, 0], label="bps") for _ in recipients]
        addresses = [self.address[r] for r in recipients]
        _, tx = self.attempt(
            f"shares of {asset_id} {right.name} by {caller}: {list(zip(recipients, bps, strict=True))}",
            "setRevenueShares", caller,
            lambda m: m.set_revenue_shares(self.address[caller], asset_id, right, addresses, bps),
            "TradeSettlement", "setRevenueShares", asset_id, int(right), addresses, bps,
        )  # fmt: skip
        if tx:
            self.ok("setRevenueShares")

    def set_price_band(self, data: st.DataObject) -> None:
        caller = self.who(data, ["authority"])
        kind = self.choose(data, list(Kind), label="kind")
        low, high = self.choose(data, [(0, 100_000), (1_000, 20_000), (5_000, 1_000), (0, 0), (500, 500)], "band")
        _, tx = self.attempt(
            f"band {kind.name} {low}..{high} by {caller}", "setPriceBand", caller,
            lambda m: m.set_price_band(self.address[caller], kind, low, high),
            "TradeSettlement", "setPriceBand", int(kind), low, high,
        )  # fmt: skip
        if tx:
            self.ok("setPriceBand")

    # ─────────────────────────────────────────────────────────── mandates

    def grant_mandate(self, data: st.DataObject) -> None:
        m = self.model
        asset_id = self.pick(data, list(m.assets), "asset", self.tradable())
        exchange = self.who(data, EXCHANGES)
        if self.mandate_pool and self.one_in(data, 8, "again?"):
            mandate = self.choose(data, self.mandate_pool, label="same mandate")
        else:
            delivery = Delivery.LICENSE if not self.one_in(data, 3, "right?") else Delivery.RIGHT
            if self.one_in(data, 4, "any template?"):
                terms = self.draw_terms(data)
            else:  # one that sales can deliver (random terms are mostly refused, and so would every sale be)
                terms = LicenseTerms(
                    right=self.choose(data, [Right.PROCESSING, Right.OPERATION], label="right"),
                    purpose=self.choose(data, PURPOSES, label="purpose"), start=0, end=0,
                    regions=self.choose(data, [(REGION,), (REGION, CITY)], label="regions"),
                    exclusive=self.one_in(data, 4, "exclusive"), sublicensable=self.coin(data, "sublicensable"),
                    transferable=self.coin(data, "transferable"), terms_hash=h("terms"),
                )  # fmt: skip
            right = terms.right if delivery == Delivery.LICENSE else self.choose(data, (list(Right)))
            if self.one_in(data, 16, "template of another right?"):
                right = Right.OPERATION if right != Right.OPERATION else Right.PROCESSING
            seller = self.holder_name(asset_id, right) or TRADING
            mandate = m.on_chain(Mandate(  # a mandate names the keys that sign now (it is one key's word)
                seller=self.address[self.choose(data, seller, label="seller")],
                exchange=self.address[exchange], asset_id=asset_id, delivery=delivery, right=right,
                min_net=self.choose(data, [0, 0, 5_000, 100_000], label="mandate min net"),
                expiry=m.now + (self.choose(data, [0, -1], "past expiry") if self.one_in(data, 10, "expired?")
                                else self.choose(data, [30 * DAY, 2 * DAY, 1], "expiry")),
                max_duration=self.choose(data, [10 * DAY, 2 * DAY, 60 * DAY], label="max duration"),
                terms=replace(terms, start=0, end=0), salt=self.counter,
            ))  # fmt: skip
            self.mandate_pool.append(mandate)
        caller = self.who(data, [self.named(mandate.seller)])
        mid, tx = self.attempt(
            f"{caller} grants mandate {mandate_id(mandate).hex()[:8]} ({mandate.delivery.name} of {mandate.asset_id} "
            f"to {self.named(mandate.exchange)})", "grantMandate", caller,
            lambda m: m.grant_mandate(self.address[caller], mandate),
            "MandateRegistry", "grantMandate", Raw(mandate.as_abi()),
        )  # fmt: skip
        if tx:
            assert bytes(tx.event("MandateGranted")["mandateId"]) == mid
            self.ok("grantMandate")

    def revoke_mandate(self, data: st.DataObject) -> None:
        if not self.mandate_pool:
            return
        mandate = self.pick_mandate(data)
        caller = self.who(data, [self.named(mandate.seller)])
        mid = mandate_id(mandate)
        _, tx = self.attempt(
            f"{caller} revokes mandate {mid.hex()[:8]}", "revokeMandate", caller,
            lambda m: m.revoke_mandate(self.address[caller], mid), "MandateRegistry", "revokeMandate", mid,
        )  # fmt: skip
        if tx:
            self.ok("revokeMandate")

    def pick_mandate(self, data: st.DataObject) -> Mandate:
        """Usually a mandate in force, else any the machine made (revoked, never granted, expired)."""
        in_force = [md for md in self.mandate_pool if mandate_id(md) in self.model.mandates]
        if in_force and not self.one_in(data, 5, "any mandate?"):
            return self.choose(data, in_force, "mandate in force")
        return self.choose(data, self.mandate_pool, "mandate")

    def prices_for(self, asset_id: int) -> list[int]:
        """The prices a sale of ``asset_id`` is drawn from: for public data, those within its kind's band (all of
        them when none is)."""
        a = self.model.assets.get(asset_id)
        if a is None or a.category != Category.PUBLIC:
            return PRICES
        low, high = self.model.bands.get(int(a.kind), (0, 0))
        return [p for p in PRICES if low <= p <= high] or PRICES

    def trade_under(self, data: st.DataObject, mandate: Mandate) -> Trade:
        """A trade within ``mandate`` (usually), or outside it in one respect."""
        m = self.model
        length = self.choose(data, [DAY, mandate.max_duration, DAY, mandate.max_duration + 1], label="length")
        start = m.now + self.choose(data, [0, 0, DAY, -DAY // 2], label="start")
        if self.one_in(data, 5, "start after the expiry?"):
            start = mandate.expiry + 1
        terms = replace(mandate.terms, start=start, end=start + length)
        trade_id = self.fresh("mandated trade")
        self.trade_ids.append(trade_id)
        seller = self.identity(mandate.seller)  # the model names participants by their identities
        self.keys_seen.add(trade_key(self.identity(mandate.exchange), ZERO, ZERO, trade_id))
        t = Trade(
            trade_id=trade_id, asset_id=mandate.asset_id, seller=seller,
            buyer=self.address[self.other_than(data, seller)],
            price=self.choose(data, self.prices_for(mandate.asset_id), label="price"),
            fee=self.choose(data, ([0, 100])),
            delivery=mandate.delivery, right=mandate.right, parent_license_id=mandate.parent_license_id, terms=terms,
        )  # fmt: skip
        if self.one_in(data, 8, "outside the mandate?"):
            what = self.choose(data, ["asset", "right", "terms", "seller"], label="outside in")
            if what == "asset":
                t = replace(t, asset_id=t.asset_id + 1)
            elif what == "right":
                t = replace(t, right=Right((int(t.right) + 1) % 3))
            elif what == "terms":
                t = replace(t, terms=replace(t.terms, exclusive=not t.terms.exclusive))
            else:
                t = replace(t, seller=self.address[self.other_than(data, t.seller)])
        return t

    def settle_mandated(self, data: st.DataObject) -> None:
        if not self.mandate_pool:
            return
        mandate = self.pick_mandate(data)
        exchange = self.who(data, [self.named(mandate.exchange)])
        if self.coin(data, "batch?"):
            more = [self.pick_mandate(data) for _ in range(self.uniform(data, 3, "more"))]
            mandates = [mandate, *more]
            trades = [self.trade_under(data, md) for md in mandates]
            atomic = self.coin(data, "atomic")
            distinct = list(dict.fromkeys(mandates))
            mandate_of = [distinct.index(md) for md in mandates]
            if self.one_in(data, 30, "bad index?"):
                mandate_of[-1] = len(distinct)
            refused, tx = self.attempt(
                f"mandated batch atomic={atomic} {[show_trade(t, self.named, self.model.now) for t in trades]} "
                f"by {exchange}", "settleMandatedBatch", exchange,
                lambda m: m.settle_mandated_batch(self.address[exchange], trades, distinct, mandate_of, atomic),
                "MandateRegistry", "settleBatch", [t.as_abi() for t in trades], [Raw(md.as_abi()) for md in distinct],
                mandate_of, atomic, batch=True, trades=trades,
            )  # fmt: skip
            if tx:
                self.compare_batch("settleMandatedBatch", tx, trades, refused, "MandateRegistry", atomic)
            return
        trade = self.trade_under(data, mandate)
        licence_id, tx = self.attempt(
            f"mandated {show_trade(trade, self.named, self.model.now)} by {exchange}", "settleMandated", exchange,
            lambda m: m.settle_mandated(self.address[exchange], trade, mandate),
            "MandateRegistry", "settle", trade.as_abi(), Raw(mandate.as_abi()), trades=[trade],
        )  # fmt: skip
        if tx:
            assert int(tx.event("TradeSettled")["licenseId"]) == licence_id
            self.ok("settleMandated")

    # ─────────────────────────────────────────────────────────── listings (art. 16-17)

    def listings_in_force(self) -> list[tuple[str, Listing]]:
        """(exchange, listing) of the listings whose current version sells now (as the machine signed them)."""
        m = self.model
        return [
            (ex, li) for ex, li in dict.fromkeys(self.listing_pool)
            if m.listed(listing_key(ex, li.offer.listing_id)) == (listing_sale_digest(ex, li)[:28], li.version)
        ]  # fmt: skip

    def price_range(self, data: st.DataObject, asset_id: int) -> tuple[int, int]:
        """A listing's price range: for public data, usually within its kind's band (when there is one)."""
        a = self.model.assets.get(asset_id)
        band = self.model.bands.get(int(a.kind), (0, 0)) if a and a.category == Category.PUBLIC else (0, 0)
        if band[1]:
            low, high = band
            return self.choose(data, [(low, high), (high, high), (max(low, 1), max(low, high // 2))], "band range")
        ranges = [(1_000, 60_000), (2_000, 2_000), (500, 150_000), (10_000, 20_000)]
        return self.choose(data, ranges, label="price range")

    def draw_listing(self, data: st.DataObject, *, asset_pool: Sequence[int] = ()) -> Listing:
        """A new listing, usually one its seller may list: the holder of a right of an asset that can be delivered
        offers licences cut from a deliverable template, or the right itself; or a trader offers sublicences within
        its sublicensable licence. ``asset_pool``: the assets to prefer."""
        m = self.model
        parents = [i for i in self.live_licences() if m.licences[i].sublicensable
                   and self.named(m.licences[i].licensee) in TRADING]  # fmt: skip
        parent = max_duration = 0
        terms = LicenseTerms(right=Right.PROCESSING, purpose=0, start=0, end=0)  # (what a right's trades carry)
        if parents and not asset_pool and self.one_in(data, 4, "sublicences?"):
            parent = self.choose(data, parents, label="listed under")
            p = m.licences[parent]
            asset_id, delivery, right, seller = p.asset_id, Delivery.LICENSE, p.right, self.named(p.licensee)
            regions, countries = p.territory
            terms = LicenseTerms(
                right=right, purpose=p.purpose, start=0, end=0, regions=regions,
                countries=tuple(c.decode() for c in countries), exclusive=p.exclusive and self.coin(data, "exclusive"),
                sublicensable=self.coin(data, "sublicensable"), transferable=self.coin(data, "transferable"),
                terms_hash=h("terms"),
            )  # fmt: skip
            max_duration = min(p.end - m.now, self.choose(data, [10 * DAY, 2 * DAY], label="max duration"))
        else:
            asset_id = self.pick(data, list(m.assets), "asset", asset_pool or self.tradable())
            delivery = Delivery.RIGHT if self.one_in(data, 3, "a right?") else Delivery.LICENSE
            right = self.choose(data, [Right.PROCESSING, Right.OPERATION], label="right")
            if delivery == Delivery.RIGHT and self.one_in(data, 4, "the holding right?"):
                right = Right.HOLDING
            seller = self.choose(data, self.holder_name(asset_id, right) or TRADING, label="seller")
            if delivery == Delivery.LICENSE:
                terms = LicenseTerms(
                    right=right, purpose=self.choose(data, PURPOSES, label="purpose"), start=0, end=0,
                    regions=self.choose(data, [(REGION,), (REGION, CITY)], label="regions"),
                    exclusive=self.one_in(data, 4, "exclusive"), sublicensable=self.coin(data, "sublicensable"),
                    transferable=self.coin(data, "transferable"), terms_hash=h("terms"),
                )  # fmt: skip
                max_duration = self.choose(data, [10 * DAY, 2 * DAY, 60 * DAY], label="max duration")
        low, high = self.price_range(data, asset_id)
        start = m.now + self.choose(data, [0, 0, -DAY, DAY], label="listing start")
        return Listing(
            seller=m.key_of(self.address[seller]), asset_id=asset_id, delivery=delivery, right=right,
            offer=Offer(
                listing_id=self.fresh("listing"), min_price=low, max_price=high,
                min_net=self.choose(data, [0, 0, 0, 1_000, 10**6], label="listing min net"), start=start,
                end=start + self.choose(data, [30 * DAY, 90 * DAY, 3 * DAY], label="listing length"),
                max_duration=max_duration,
            ),
            document_hash=h("listing document"), parent_license_id=parent, terms=terms,
        )  # fmt: skip

    def list_product(self, data: st.DataObject) -> None:
        """An exchange lists a product with its seller's signature, or amends its listing (a higher version, the
        seller signing the new terms); now and then one the contract must refuse."""
        m = self.model
        exchange = self.who(data, EXCHANGES)
        ex = self.address[exchange]  # an exchange's listings are kept under its identity
        mine = [li for e, li in dict.fromkeys(self.listing_pool) if e == ex]
        variant = "good" if self.coin(data, "honest listing?") else self.choose(
            data, ["other signer", "other exchange", "changed term", "malformed", "stale", "not holder", "band", "band",
                   "undeliverable"], label="listing variant",
        )  # fmt: skip
        undeliverable = [i for i, a in m.assets.items() if a.status == AssetStatus.REGISTERED
                         and i not in self.tradable()]  # fmt: skip
        public = [i for i, a in m.assets.items() if a.category == Category.PUBLIC]
        amended = bool(mine) and self.one_in(data, 3, "amend?")
        if amended:
            base = self.choose(data, mine, label="listing amended")
            current = m.listed(listing_key(ex, base.offer.listing_id))[1]
            low, high = self.price_range(data, base.asset_id)
            listing = replace(
                base, seller=m.key_of(m.named(base.seller)),
                version=min(max(current, base.version) + self.choose(data, [1, 1, 2], label="versions"), WITHDRAWN),
                offer=replace(base.offer, min_price=low, max_price=high, end=max(base.offer.end, m.now + 30 * DAY)),
            )  # fmt: skip
        elif variant == "band" and public:
            listing = self.draw_listing(data, asset_pool=public)
        elif variant == "undeliverable" and undeliverable:
            listing = self.draw_listing(data, asset_pool=undeliverable)
        else:
            listing = self.draw_listing(data)
        o = listing.offer
        if variant == "stale":
            listing = replace(listing, version=m.listed(listing_key(ex, o.listing_id))[1])
        elif variant == "band":
            a = m.assets.get(listing.asset_id)
            low, high = m.bands.get(int(a.kind), (0, 0)) if a else (0, 0)
            listing = replace(listing, offer=replace(o, min_price=max(low, 1) - 1, max_price=max(high + 1, 2)))
        elif variant == "malformed":
            flaw = self.choose(data, ["id", "document", "no price", "reversed", "over", "empty", "dated terms",
                                      "right", "duration"], label="listing flaw")  # fmt: skip
            listing = {
                "id": replace(listing, offer=replace(o, listing_id=ZERO_HASH)),
                "document": replace(listing, document_hash=ZERO_HASH),
                "no price": replace(listing, offer=replace(o, min_price=0, max_price=0)),
                "reversed": replace(listing, offer=replace(o, min_price=o.max_price + 1)),
                "over": replace(listing, offer=replace(o, start=m.now - 2 * DAY, end=m.now - self.choose(
                    data, [0, 1], label="ended"))),
                "empty": replace(listing, offer=replace(o, end=o.start)),
                "dated terms": replace(listing, terms=replace(listing.terms, start=m.now, end=m.now + DAY)),
                "right": replace(listing, right=Right.OPERATION if listing.right != Right.OPERATION
                                 else Right.PROCESSING),
                "duration": replace(listing, offer=replace(o, max_duration=0 if o.max_duration else DAY)),
            }[flaw]  # fmt: skip
        elif variant == "not holder":
            stranger = self.other_than(data, listing.seller)
            listing = replace(listing, seller=m.key_of(self.address[stranger]))
        seller = self.named(m.named(listing.seller))
        signer = seller if seller in self.clients else "holder"
        signed_for = ex
        if variant == "other signer":
            signer = self.other_than(data, listing.seller, [*TRADING, "exchange"])
        elif variant == "other exchange":
            signed_for = self.address[next(e for e in EXCHANGES if e != exchange) if exchange in EXCHANGES
                                      else "exchange"]  # fmt: skip
        signature = self.clients[signer].sign_listing(listing, signed_for)
        if variant == "changed term":
            what = self.choose(data, ["price", "end", "document", "version", "template"], label="changed term")
            listing = {
                "price": replace(listing, offer=replace(o, max_price=o.max_price + 1_000)),
                "end": replace(listing, offer=replace(o, end=o.end + DAY)),
                "document": replace(listing, document_hash=h("another document")),
                "version": replace(listing, version=listing.version + 1),
                "template": replace(listing, terms=replace(listing.terms, exclusive=not listing.terms.exclusive)),
            }[what]  # fmt: skip
        self.listing_pool.append((ex, listing))
        r, vs = compact_signature(signature)
        key, tx = self.attempt(
            f"{exchange} lists {show_listing(listing, self.named, m.now)} ({variant}, signed by {signer})", "list",
            exchange, lambda m: m.list_product(self.address[exchange], listing, r, vs),
            "Listings", "list", Raw(listing.as_abi()), r, vs,
        )  # fmt: skip
        if tx:
            assert bytes(tx.event("ProductListed")["key"]) == key
            self.ok("list:amend" if listing.version > 1 else "list")
            if listing.parent_license_id:
                self.ok("list:sublicences")
            if listing.asset_id in public:
                self.ok("list:public")

    def end_listing(self, data: st.DataObject) -> None:
        """The exchange delists a listing, or its seller withdraws it for good (now and then another tries)."""
        in_force = self.listings_in_force()
        if in_force and not self.one_in(data, 5, "any listing?"):
            ex, listing = self.choose(data, in_force, label="listing in force")
        elif self.listing_pool:
            ex, listing = self.choose(data, list(dict.fromkeys(self.listing_pool)), label="listing")
        else:
            return
        listing_id = listing.offer.listing_id
        reason = ZERO_HASH if self.one_in(data, 12, "no reason?") else self.fresh("delisting")
        if self.coin(data, "withdraw?"):
            caller = self.who(data, [self.named(self.model.named(listing.seller))])
            _, tx = self.attempt(
                f"{caller} withdraws {show_listing(listing, self.named, self.model.now)} from {self.named(ex)}",
                "withdraw", caller, lambda m: m.withdraw_listing(self.address[caller], ex, listing, reason),
                "Listings", "withdraw", Raw(ex), Raw(listing.as_abi()), reason,
            )  # fmt: skip
            if tx:
                self.ok("withdraw")
            return
        caller = self.who(data, [self.named(ex)])
        _, tx = self.attempt(
            f"{caller} delists {listing_id.hex()[:8]} (listed by {self.named(ex)})", "delist", caller,
            lambda m: m.delist_product(self.address[caller], listing_id, reason),
            "Listings", "delist", listing_id, reason,
        )  # fmt: skip
        if tx:
            self.ok("delist")

    def trade_under_listing(self, data: st.DataObject, listing: Listing) -> tuple[Trade, Offer]:
        """A trade of what ``listing`` sells, and the offer passed with it: usually within the listing, now and then
        outside its price range, period, longest licence or terms."""
        m = self.model
        o = listing.offer
        price = self.choose(data, [o.min_price, o.max_price, (o.min_price + o.max_price) // 2], label="price")
        if self.one_in(data, 8, "price outside the range?"):
            price = self.choose(data, [max(o.min_price - 1, 0), o.max_price + 1], label="price outside")
        terms = listing.terms
        if listing.delivery == Delivery.LICENSE:
            start = m.now + self.choose(data, [0, 0, DAY, -DAY // 2], label="start")
            if self.one_in(data, 8, "start after the period?"):
                start = o.end + 1
            length = self.choose(data, [DAY, o.max_duration, DAY, o.max_duration + 1], label="length")
            terms = replace(listing.terms, start=start, end=start + length)
        trade_id = self.fresh("listed trade")
        self.trade_ids.append(trade_id)
        seller = m.named(listing.seller)  # the model names participants by their identities
        t = Trade(
            trade_id=trade_id, asset_id=listing.asset_id, seller=seller,
            buyer=self.address[self.other_than(data, seller)], price=price,
            fee=self.choose(data, [0, 100, 0, 1_000], label="fee"), delivery=listing.delivery, right=listing.right,
            parent_license_id=listing.parent_license_id, terms=terms,
        )  # fmt: skip
        if self.one_in(data, 8, "outside the listing?"):
            what = self.choose(data, ["asset", "terms", "seller", "offer"], label="outside in")
            if what == "asset":
                t = replace(t, asset_id=t.asset_id + 1)
            elif what == "terms":
                t = replace(t, terms=replace(t.terms, purpose=t.terms.purpose + 1))
            elif what == "seller":
                t = replace(t, seller=self.address[self.other_than(data, t.seller)])
            else:
                o = replace(o, max_price=o.max_price * 2 + 1)
        return t, o

    def settle_listed(self, data: st.DataObject) -> None:
        """An exchange settles a trade under its listing (usually one in force)."""
        in_force = self.listings_in_force()
        if in_force and not self.one_in(data, 6, "any listing?"):
            ex, listing = self.choose(data, in_force, label="listing in force")
        elif self.listing_pool:
            ex, listing = self.choose(data, list(dict.fromkeys(self.listing_pool)), label="listing")
        else:
            return
        exchange = self.who(data, [self.named(ex)])
        trade, offer = self.trade_under_listing(data, listing)
        self.keys_seen.add(trade_key(self.address[exchange], ZERO, ZERO, trade.trade_id))
        licence_id, tx = self.attempt(
            f"listed {show_trade(trade, self.named, self.model.now)} under {offer.listing_id.hex()[:8]} by {exchange}",
            "settleListed", exchange, lambda m: m.settle_listed(self.address[exchange], trade, offer),
            "Listings", "settle", trade.as_abi(), offer.as_abi(), trades=[trade],
        )  # fmt: skip
        if tx:
            settled = tx.event("TradeSettled")
            assert int(settled["licenseId"]) == licence_id
            assert bytes(settled["mandateId"]) == listing_key(self.address[exchange], offer.listing_id), settled
            self.ok(f"settleListed:{'right' if trade.delivery == Delivery.RIGHT else 'licence'}")
            if trade.parent_license_id:
                self.ok("settleListed:sublicence")

    # ─────────────────────────────────────────────────────────── opening list (art. 10)

    def opening_entries(self, *statuses: OpeningStatus) -> list[int]:
        return [i for i, e in self.model.opening_entries.items() if e.status in statuses]

    def publish_opening_list(self, data: st.DataObject) -> None:
        """The authority publishes a year's list (usually of data holders that hold public data); now and then one
        the contract must refuse."""
        m = self.model
        caller = self.who(data, ["authority"])
        variant = "good" if self.coin(data, "good list?") else self.choose(
            data, ["empty", "year", "list hash", "description", "past", "department"], label="list variant"
        )  # fmt: skip
        year = self.choose(data, [2026, 2027, 2028], label="year")
        list_hash = self.fresh("opening list")
        departments = [self.choose(data, ["holder", "holder", "holder2", "registrar2"], label="department")
                       for _ in range(self.choose(data, [1, 1, 2, 3], label="entries"))]  # fmt: skip
        entries = [
            (self.address[d], self.fresh("opening data"),
             m.now + DEV_DELAY + self.choose(data, [DAY, 90 * DAY, 365 * DAY], label="target"))
            for d in departments
        ]  # fmt: skip
        flawed = self.uniform(data, len(entries), "flawed entry")
        department, description, target = entries[flawed]
        if variant == "empty":
            entries = []
        elif variant == "year":
            year = self.choose(data, [1999, 2200, 0, 65535], label="year out of range")
        elif variant == "list hash":
            list_hash = ZERO_HASH
        elif variant == "description":
            entries[flawed] = (department, ZERO_HASH, target)
        elif variant == "past":
            late = self.choose(data, [0, -DAY, DEV_DELAY, -1], label="target passed")
            entries[flawed] = (department, description, m.now + late)
        elif variant == "department":
            other = self.choose(data, ["exchange", "merchant", "outsider", "suspended", "source2", "authority",
                                       *NEWCOMERS], label="not a department")  # fmt: skip
            entries[flawed] = (self.address[other], description, target)
        shown = ", ".join(f"{self.named(d)} {t - m.now:+}s" for d, _, t in entries)
        ids, tx = self.attempt(
            f"{caller} publishes the {year} list ({variant}): [{shown}]", "publishOpeningList", caller,
            lambda m: m.publish_opening_list(self.address[caller], year, list_hash, entries),
            "OpeningList", "publish", year, list_hash, [OpeningEntry(*e).as_abi() for e in entries],
        )  # fmt: skip
        if tx:
            published = tx.event("OpeningListPublished")
            assert (int(published["firstEntryId"]), int(published["count"])) == (ids[0], len(ids)), published
            assert [int(e["entryId"]) for e in tx.find("OpeningEntryPublished")] == ids
            self.ok("publishOpeningList")

    def link_opening_asset(self, data: st.DataObject) -> None:
        """A department links a public-data asset to its planned entry (usually its own registered one)."""
        m = self.model
        entry_id = self.pick(data, list(m.opening_entries), "entry", self.opening_entries(OpeningStatus.PLANNED))
        e = m.opening_entry(entry_id)
        caller = self.who(data, [self.named(e.department)] if e.department != ZERO else [])
        linkable = [
            i for i, a in m.assets.items()
            if a.status == AssetStatus.REGISTERED and a.category == Category.PUBLIC
            and a.holders[Right.HOLDING] == e.department
        ]  # fmt: skip
        asset_id = self.pick(data, list(m.assets), "asset", linkable)
        _, tx = self.attempt(
            f"{caller} links asset {asset_id} to opening entry {entry_id}", "linkOpeningAsset", caller,
            lambda m: m.link_opening_asset(self.address[caller], entry_id, asset_id),
            "OpeningList", "linkAsset", entry_id, asset_id,
        )  # fmt: skip
        if tx:
            self.ok("linkOpeningAsset")

    def mark_opening(self, data: st.DataObject) -> None:
        """Anyone shows a registered entry open: by a licence of its asset, or by an exchange's listing of it in
        force (usually; now and then another asset's, a listing ended, or of another exchange)."""
        m = self.model
        entry_id = self.pick(data, list(m.opening_entries), "entry", self.opening_entries(OpeningStatus.REGISTERED))
        e = m.opening_entry(entry_id)
        caller = self.who(data, [*TRADING, "exchange", "registrar"])
        if self.coin(data, "by a listing?"):
            of_asset = [(ex, li) for ex, li in self.listings_in_force() if li.asset_id == e.asset_id]
            if of_asset and not self.one_in(data, 4, "any listing?"):
                ex, listing = self.choose(data, of_asset, label="listing of the asset")
            else:
                ex, listing = self.choose(data, list(dict.fromkeys(self.listing_pool)), label="listing")
            if self.one_in(data, 8, "another exchange?"):
                ex = self.address[self.choose(data, [*EXCHANGES, "merchant"], label="named exchange")]
            key, tx = self.attempt(
                f"{caller} shows opening entry {entry_id} open by {show_listing(listing, self.named, m.now)} of "
                f"{self.named(ex)}", "markListed", caller,
                lambda m: m.mark_listed(self.address[caller], entry_id, ex, listing),
                "OpeningList", "markListed", entry_id, Raw(ex), Raw(listing.as_abi()),
            )  # fmt: skip
            evidence, ref = OpeningEvidence.LISTING, key
        else:
            licences = [i for i, lic in m.licences.items() if lic.asset_id == e.asset_id]
            licence_id = self.pick(data, list(m.licences), "licence", licences)
            _, tx = self.attempt(
                f"{caller} shows opening entry {entry_id} open by licence {licence_id}", "markOpened", caller,
                lambda m: m.mark_opened(self.address[caller], entry_id, licence_id),
                "OpeningList", "markOpened", entry_id, licence_id,
            )  # fmt: skip
            evidence, ref = OpeningEvidence.LICENCE, licence_id.to_bytes(32, "big")
        if tx:
            opened = tx.event("OpeningEntryOpened")
            assert (int(opened["entryId"]), int(opened["assetId"]), opened["evidence"], bytes(opened["ref"])) == (
                entry_id, e.asset_id, evidence, ref
            ), opened  # fmt: skip
            self.ok(f"markOpened:{'listing' if evidence == OpeningEvidence.LISTING else 'licence'}")

    def withdraw_opening_entry(self, data: st.DataObject) -> None:
        """The authority withdraws an entry not opened (now and then one opened or withdrawn, or with no reason)."""
        m = self.model
        standing = self.opening_entries(OpeningStatus.PLANNED, OpeningStatus.REGISTERED)
        entry_id = self.pick(data, list(m.opening_entries), "entry", standing)
        caller = self.who(data, ["authority"])
        reason = ZERO_HASH if self.one_in(data, 8, "no reason?") else self.fresh("opening withdrawn")
        _, tx = self.attempt(
            f"{caller} withdraws opening entry {entry_id}", "withdrawOpeningEntry", caller,
            lambda m: m.withdraw_opening_entry(self.address[caller], entry_id, reason),
            "OpeningList", "withdrawEntry", entry_id, reason,
        )  # fmt: skip
        if tx:
            self.ok("withdrawOpeningEntry")

    # ─────────────────────────────────────────────────────────── supervision

    def open_order(self, data: st.DataObject) -> None:
        caller = self.who(data, ["supervisor", "authority"])
        target = self.choose(data, list(OrderTarget), label="target")
        participant, asset_id = ZERO, 0
        if target == OrderTarget.PARTICIPANT:
            participant = self.address[self.choose(data, ACTORS, label="participant")]
            if self.one_in(data, 12, "with an asset?"):
                asset_id = 1
        else:
            asset_id = self.pick(data, list(self.model.assets), "asset")
            if self.one_in(data, 12, "with a participant?"):
                participant = self.address["holder"]
        document = ZERO_HASH if self.one_in(data, 20, "no document?") else self.fresh("order")
        order_id, tx = self.attempt(
            f"order on {target.name} {self.named(participant)} {asset_id} by {caller}", "openOrder", caller,
            lambda m: m.open_order(self.address[caller], target, participant, asset_id, document),
            "Supervision", "openOrder", int(target), participant, asset_id, document,
        )  # fmt: skip
        if tx:
            assert int(tx.event("RectificationOrdered")["orderId"]) == order_id
            self.ok("openOrder")

    def close_order(self, data: st.DataObject) -> None:
        m = self.model
        order_id = self.pick(data, list(m.orders), "order", [i for i, o in m.orders.items() if o.status == 1])
        caller = self.who(data, ["supervisor", "authority"])
        closing = ZERO_HASH if self.one_in(data, 20, "no closing document?") else self.fresh("closing")
        _, tx = self.attempt(
            f"close order {order_id} by {caller}", "closeOrder", caller,
            lambda m: m.close_order(self.address[caller], order_id, closing),
            "Supervision", "closeOrder", order_id, closing,
        )  # fmt: skip
        if tx:
            self.ok("closeOrder")

    def record_credit(self, data: st.DataObject) -> None:
        caller = self.who(data, ["supervisor", "authority"])
        participant = self.address[self.choose(data, ACTORS, label="participant")]
        code = self.choose(data, [101, 202, 0], label="code")
        delta = self.choose(data, [-10, 5, -(2**31), 2**31 - 1], label="delta")
        _, tx = self.attempt(
            f"credit {code} {delta} for {self.named(participant)} by {caller}", "recordCreditEvent", caller,
            lambda m: m.record_credit_event(self.address[caller], participant, code, delta, h("credit")),
            "Supervision", "recordCreditEvent", participant, code, delta, h("credit"),
        )  # fmt: skip
        if tx:
            self.ok("recordCreditEvent")

    # ─────────────────────────────────────────────────────────── valuation (art. 19)

    def appraisers(self) -> list[str]:
        """The actors whose accreditation is in force."""
        m = self.model
        return [n for n in ACTORS if m.accreditation(self.address[n]).in_force(m.now)]

    def carried(self, asset_id: int) -> bool:
        """Whether the holder of ``asset_id``'s holding right carries it on its balance sheet now (recognised it)."""
        m = self.model
        r = m.recognitions.get(asset_id)
        return r is not None and not r.derecognised and r.holder == m.assets[asset_id].holders[Right.HOLDING]

    def usable_valuations(self) -> list[tuple[int, int]]:
        """(asset, valuation) of the filed reports still valid, of assets their holders do not carry already."""
        m = self.model
        return [(v.asset_id, i) for i, v in sorted(m.valuations.items())
                if v.status == ValuationStatus.FILED and v.valid_until > m.now
                and not self.carried(v.asset_id)]  # fmt: skip

    def accredit_appraiser(self, data: st.DataObject) -> None:
        m = self.model
        caller = self.who(data, ["authority"])
        name = "provider" if not self.one_in(data, 5, "another appraiser?") else self.choose(data, ACTORS, "appraiser")
        appraiser = self.address[name]
        document = ZERO_HASH if self.one_in(data, 20, "no document?") else self.fresh("accreditation")
        if m.accreditation(appraiser).in_force(m.now) and self.one_in(data, 4, "revoke?"):
            _, tx = self.attempt(
                f"revoke appraiser {name} by {caller}", "revokeAppraiser", caller,
                lambda m: m.revoke_appraiser(self.address[caller], appraiser, document),
                "Valuation", "revokeAppraiser", appraiser, document,
            )  # fmt: skip
            if tx:
                self.ok("revokeAppraiser")
            return
        expires = m.now + self.choose(data, [400 * DAY, 400 * DAY, 50 * DAY, 0], label="accreditation term")
        _, tx = self.attempt(
            f"accredit {name} until {expires} by {caller}", "accreditAppraiser", caller,
            lambda m: m.accredit_appraiser(self.address[caller], appraiser, expires, document),
            "Valuation", "accreditAppraiser", appraiser, expires, document,
        )  # fmt: skip
        if tx:
            self.ok("accreditAppraiser")

    def file_valuation(self, data: st.DataObject) -> None:
        m = self.model
        caller = self.who(data, self.appraisers() or ["provider"])
        impartial = [i for i, a in m.assets.items()
                     if a.status == AssetStatus.REGISTERED and self.address[caller] not in a.holders]  # fmt: skip
        if not impartial and not self.one_in(data, 6, "value an unregistered asset?"):  # register one first
            pending = any(a.status == AssetStatus.PENDING for a in m.assets.values())
            COVERAGE.actions["review" if pending else "apply_registration"] += 1
            (self.review if pending else self.apply_registration)(data)
            return
        # (usually of an asset its holder does not carry yet: one it may recognise)
        asset_id = self.pick(data, list(m.assets), "asset", [i for i in impartial if not self.carried(i)] or impartial)
        asset = m.assets.get(asset_id)
        # A sound report, now and then with one flaw the contract must refuse.
        flaw = self.choose(data, ["", "", "", "", "", "content", "value", "currency", "future", "too long",
                                  "expired", "report"], label="report flaw")  # fmt: skip
        content = asset.content_hash if asset and flaw != "content" else self.fresh("content")
        method = self.choose(data, list(ValuationMethod), label="method")
        value = 0 if flaw == "value" else self.choose(data, [10**8, 5 * 10**9, 1], label="value")
        currency = b"cny" if flaw == "currency" else self.choose(data, [b"CNY", b"CNY", b"USD"], label="currency")
        base = m.now - (-DAY if flaw == "future" else self.choose(data, [DAY, 30 * DAY, 200 * DAY], label="base"))
        validity = {"too long": 367 * DAY, "expired": 0}.get(flaw) or self.choose(data, [300 * DAY, 366 * DAY],
                                                                                 label="validity")  # fmt: skip
        until = min(base + validity, m.now) if flaw == "expired" else base + validity
        report = ZERO_HASH if flaw == "report" else self.fresh("report")
        valuation_id, tx = self.attempt(
            f"value {asset_id} at {value} {currency.decode()} ({base}..{until}) by {caller}", "fileValuation", caller,
            lambda m: m.file_valuation(self.address[caller], asset_id, int(method), value, currency, base, until,
                                       content, report),
            "Valuation", "fileValuation", asset_id, int(method), value, currency, base, until, content, report,
        )  # fmt: skip
        if tx:
            assert int(tx.event("ValuationFiled")["valuationId"]) == valuation_id
            self.ok("fileValuation")

    def close_valuation(self, data: st.DataObject) -> None:
        m = self.model
        filed = [i for i, v in m.valuations.items() if v.status == ValuationStatus.FILED]
        valuation_id = self.pick(data, list(m.valuations), "valuation", filed)
        reason = ZERO_HASH if self.one_in(data, 20, "no reason?") else self.fresh("reason")
        if self.coin(data, "withdraw?"):
            v = m.valuations.get(valuation_id)
            caller = self.who(data, [self.named(v.appraiser)] if v else [])
            _, tx = self.attempt(
                f"withdraw valuation {valuation_id} by {caller}", "withdrawValuation", caller,
                lambda m: m.withdraw_valuation(self.address[caller], valuation_id, reason),
                "Valuation", "withdrawValuation", valuation_id, reason,
            )  # fmt: skip
            if tx:
                self.ok("withdrawValuation")
            return
        caller = self.who(data, ["supervisor", "authority"])
        _, tx = self.attempt(
            f"reject valuation {valuation_id} by {caller}", "rejectValuation", caller,
            lambda m: m.reject_valuation(self.address[caller], valuation_id, reason),
            "Valuation", "rejectValuation", valuation_id, reason,
        )  # fmt: skip
        if tx:
            self.ok("rejectValuation")

    def recognise_asset(self, data: st.DataObject) -> None:
        m = self.model
        usable = self.usable_valuations()
        if usable and not self.one_in(data, 6, "any valuation?"):
            asset_id, valuation_id = self.choose(data, usable, label="valuation")
        else:
            asset_id = self.pick(data, list(m.assets), "asset")
            valuation_id = self.pick(data, list(m.valuations), "valuation")
        caller = self.who(data, self.holder_name(asset_id, Right.HOLDING))
        category = self.choose(data, list(AccountingCategory), label="category")
        flaw = self.choose(data, ["", "", "", "", "amount", "future", "empty period", "audit"], label="flaw")
        amount = 0 if flaw == "amount" else self.choose(data, [9 * 10**7, 10**9], label="carrying amount")
        start = m.now - (-DAY if flaw == "future" else self.choose(data, [30 * DAY, DAY], label="period start"))
        end = start + (0 if flaw == "empty period" else self.choose(data, [90 * DAY, 365 * DAY], label="length"))
        auditor = ZERO_HASH if flaw == "audit" else self.fresh("audit")
        _, tx = self.attempt(
            f"recognise {asset_id} at {amount} on valuation {valuation_id} by {caller}", "recogniseAsset", caller,
            lambda m: m.recognise_asset(self.address[caller], asset_id, int(category), amount, start, end,
                                        valuation_id, auditor),
            "Valuation", "recogniseAsset", asset_id, int(category), amount, start, end, valuation_id, auditor,
        )  # fmt: skip
        if tx:
            self.ok("recogniseAsset")

    def change_recognition(self, data: st.DataObject) -> None:
        m = self.model
        asset_id = self.pick(data, list(m.assets), "asset", list(m.recognitions))
        r = m.recognitions.get(asset_id)
        recorded = [self.named(r.holder)] if r else []
        document = ZERO_HASH if self.one_in(data, 20, "no document?") else self.fresh("measurement")
        action = self.choose(data, ["remeasure", "remeasure", "carryOver", "derecognise"], label="recognition")
        if action == "remeasure":
            caller = self.who(data, recorded)
            kind = self.choose(data, list(Measurement), label="measurement")
            now_at = r.amount if r else 10**8
            amount = self.choose(data, [now_at // 2, now_at // 2, 0, now_at, now_at + 1], label="new amount")
            _, tx = self.attempt(
                f"remeasure {asset_id} {kind.name} to {amount} by {caller}", "remeasure", caller,
                lambda m: m.remeasure(self.address[caller], asset_id, int(kind), amount, document),
                "Valuation", "remeasure", asset_id, int(kind), amount, document,
            )  # fmt: skip
        elif action == "carryOver":
            caller = self.who(data, self.holder_name(asset_id, Right.HOLDING))
            _, tx = self.attempt(
                f"carry {asset_id} over by {caller}", "carryOver", caller,
                lambda m: m.carry_over(self.address[caller], asset_id, document),
                "Valuation", "carryOver", asset_id, document,
            )  # fmt: skip
        else:
            caller = self.who(data, recorded)
            reason = self.choose(data, list(Derecognition), label="derecognition")
            _, tx = self.attempt(
                f"derecognise {asset_id} ({reason.name}) by {caller}", "derecognise", caller,
                lambda m: m.derecognise(self.address[caller], asset_id, int(reason), document),
                "Valuation", "derecognise", asset_id, int(reason), document,
            )  # fmt: skip
        if tx:
            self.ok(action)

    # ─────────────────────────────────────────────────────────── data quality

    def set_response_window(self, data: st.DataObject) -> None:
        caller = self.who(data, ["authority"])
        window = self.choose(data, [20 * DAY, 3 * DAY, DAY, DAY - 1, 366 * DAY], label="response window")
        _, tx = self.attempt(
            f"response window {window} by {caller}", "setResponseWindow", caller,
            lambda m: m.set_response_window(self.address[caller], window),
            "DataQuality", "setResponseWindow", window,
        )  # fmt: skip
        if tx:
            self.ok("setResponseWindow")

    def file_quality_report(self, data: st.DataObject) -> None:
        m = self.model
        registered = [i for i, a in m.assets.items() if a.status == AssetStatus.REGISTERED]
        asset_id = self.pick(data, list(m.assets), "asset", registered)
        caller = self.who(data, ["merchant", "provider", "holder2", "supervisor"])
        asset = m.assets.get(asset_id)
        content = asset.content_hash if asset and not self.one_in(data, 12, "another content?") else self.fresh("c")
        problem = self.choose(data, list(QualityProblem), label="problem")
        severity = self.choose(data, list(QualitySeverity), label="severity")
        evidence = ZERO_HASH if self.one_in(data, 20, "no evidence?") else self.fresh("evidence")
        _, tx = self.attempt(
            f"report {problem.name} of asset {asset_id} by {caller}", "fileReport", caller,
            lambda m: m.file_quality_report(self.address[caller], asset_id, content, evidence),
            "DataQuality", "fileReport", asset_id, content, int(problem), int(severity), evidence,
        )  # fmt: skip
        if tx:
            self.ok("fileReport")

    def act_on_quality_report(self, data: st.DataObject) -> None:
        m = self.model
        report_id = self.pick(data, list(m.quality_reports), "quality report")
        r = m.quality_reports.get(report_id)
        holder = self.holder_name(r.asset_id, Right.HOLDING) if r else []
        document = ZERO_HASH if self.one_in(data, 20, "no document?") else self.fresh("quality")
        action = self.choose(data, ["answer", "answer", "markOverdue", "resolveByFix", "rule", "withdrawReport"],
                             label="quality action")  # fmt: skip
        if action == "answer":
            caller = self.who(data, holder)
            acknowledged = self.choose(data, [True, False], label="acknowledged")
            _, tx = self.attempt(
                f"answer report {report_id} ({acknowledged}) by {caller}", "answer", caller,
                lambda m: m.answer_quality_report(self.address[caller], report_id, acknowledged, document),
                "DataQuality", "answer", report_id, acknowledged, document,
            )  # fmt: skip
        elif action == "markOverdue":
            caller = self.who(data, ["merchant", "supervisor"])
            _, tx = self.attempt(
                f"mark report {report_id} overdue by {caller}", "markOverdue", caller,
                lambda m: m.mark_quality_report_overdue(self.address[caller], report_id),
                "DataQuality", "markOverdue", report_id,
            )  # fmt: skip
        elif action == "resolveByFix":
            caller = self.who(data, holder)
            mine = [i for i, a in m.assets.items() if a.holders[Right.HOLDING] == self.address.get(caller)
                    and a.status == AssetStatus.REGISTERED and (r is None or i != r.asset_id)]  # fmt: skip
            fixed = self.pick(data, list(m.assets), "fix", mine)
            _, tx = self.attempt(
                f"fix report {report_id} with asset {fixed} by {caller}", "resolveByFix", caller,
                lambda m: m.resolve_quality_report(self.address[caller], report_id, fixed, document),
                "DataQuality", "resolveByFix", report_id, fixed, document,
            )  # fmt: skip
        elif action == "rule":
            caller = self.who(data, ["supervisor", "authority"])
            upheld = self.choose(data, [True, False], label="upheld")
            _, tx = self.attempt(
                f"rule on report {report_id} ({upheld}) by {caller}", "rule", caller,
                lambda m: m.rule_on_quality_report(self.address[caller], report_id, upheld, document),
                "DataQuality", "rule", report_id, upheld, document,
            )  # fmt: skip
        else:
            caller = self.who(data, [self.named(r.reporter)] if r else [])
            _, tx = self.attempt(
                f"withdraw report {report_id} by {caller}", "withdrawReport", caller,
                lambda m: m.withdraw_quality_report(self.address[caller], report_id, document),
                "DataQuality", "withdrawReport", report_id, document,
            )  # fmt: skip
        if tx:
            self.ok(action)

    # ─────────────────────────────────────────────────────────── disclosure

    def set_disclosure_requirement(self, data: st.DataObject) -> None:
        caller = self.who(data, ["authority"])
        kind = self.choose(data, list(DisclosureKind), label="disclosure kind")
        months, grace = self.choose(data, [(1, 15), (3, 30), (12, 120), (0, 0), (2, 30), (1, 0), (6, 367)],
                                    label="requirement")  # fmt: skip
        _, tx = self.attempt(
            f"require {kind.name} every {months} months, {grace} days' grace, by {caller}", "setRequirement", caller,
            lambda m: m.set_disclosure_requirement(self.address[caller], int(kind), months, grace),
            "Disclosure", "setRequirement", int(kind), months, grace,
        )  # fmt: skip
        if tx:
            self.ok("setRequirement")

    def file_disclosure(self, data: st.DataObject) -> None:
        m = self.model
        caller = self.who(data, ["exchange"])
        kind = self.choose(data, list(DisclosureKind), label="disclosure kind")
        today = datetime.fromtimestamp(m.now, CST)
        y, mo = today.year, today.month
        start, end = self.choose(data, [
            (month_start(y, mo - 1), month_start(y, mo)),  # last month
            (month_start(y, mo - 3), month_start(y, mo)),
            (month_start(y, mo), month_start(y, mo + 1)),  # this month: not for statistics
            (month_start(y, mo + 1), month_start(y, mo + 2)),  # not begun
            (month_start(y, mo - 13), month_start(y, mo)),  # thirteen months
            (month_start(y, mo - 1) + 3_600, month_start(y, mo)),  # not a month's first second
            (month_start(y, mo), month_start(y, mo)),  # empty
        ], label="disclosure period")  # fmt: skip
        document = ZERO_HASH if self.one_in(data, 20, "no document?") else self.fresh("disclosure")
        _, tx = self.attempt(
            f"disclose {kind.name} for [{start}, {end}) by {caller}", "fileDisclosure", caller,
            lambda m: m.file_disclosure(self.address[caller], int(kind), start, end, document),
            "Disclosure", "fileDisclosure", int(kind), start, end, document,
        )  # fmt: skip
        if tx:
            self.ok("fileDisclosure")

    # ─────────────────────────────────────────────────────────── recognition

    def set_agreement(self, data: st.DataObject) -> None:
        caller = self.who(data, ["authority"])
        chain = self.choose(data, [ORIGIN_CHAIN, ORIGIN_CHAIN, UNAGREED_CHAIN, self.chain_id], label="chain")
        if self.one_in(data, 4, "revoke?"):
            _, tx = self.attempt(
                f"revoke agreement {chain} by {caller}", "revokeAgreement", caller,
                lambda m: m.revoke_agreement(self.address[caller], chain), "Recognition", "revokeAgreement", chain,
            )  # fmt: skip
            if tx:
                self.ok("revokeAgreement")
            return
        keys: list[str] = [str(k.address) for k in ORIGIN_KEYS]
        choices: list[list[str]] = [keys, keys, keys[:2], [keys[0], keys[0]], [keys[0], ZERO], [*keys, FORGER.address]]
        registrars = self.choose(data, choices, label="registrars")
        threshold = self.choose(data, [2, 2, 1, 0, 4], label="threshold")
        registry = ORIGIN_REGISTRY if not self.one_in(data, 16, "zero registry?") else ZERO
        _, tx = self.attempt(
            f"agreement {chain} {len(registrars)} registrars threshold {threshold} by {caller}", "setAgreement",
            caller, lambda m: m.set_agreement(self.address[caller], chain, registry, registrars, threshold),
            "Recognition", "setAgreement", chain, registry, registrars, threshold,
        )  # fmt: skip
        if tx:
            self.ok("setAgreement")

    def issue_certificate(
        self, data: st.DataObject, o: OriginAsset, *, cancelled: bool = False, stale: bool = False
    ) -> Certificate:
        """A newer certificate of ``o`` (``stale``: one issued before). Its content hash, category, grade and kind
        are always the origin asset's: the contracts refuse a superseding certificate that changes them (see the
        test at the end)."""
        m = self.model
        if stale and o.certificates:
            return self.choose(data, o.certificates, label="stale certificate")
        self.origin_block += self.choose(data, [1, 10], label="origin blocks")
        expires = m.now + self.choose(data, [DAY, 365 * DAY, 365 * DAY, 0, -1], label="expires in")
        c = Certificate(
            asset_id=o.asset_id, content_hash="0x" + o.content_hash.hex(), category=int(o.category),
            grade=int(o.grade), kind=int(o.kind), holding_holder=o.holders[0], processing_holder=o.holders[1],
            operation_holder=o.holders[2], certificate_serial=o.serial, registered_block=o.registered_block,
            registered_at=o.registered_at,
            status=int(AssetStatus.CANCELLED if cancelled else AssetStatus.REGISTERED),
            issued_block=self.origin_block, expires_at=expires,
        )  # fmt: skip
        o.certificates.append(c)
        return c

    def import_certificate(self, data: st.DataObject) -> None:
        m = self.model
        caller = self.who(data, ["registrar", "foreign_registrar", "registrar2"])
        chain = ORIGIN_CHAIN if not self.one_in(data, 16, "unagreed province?") else UNAGREED_CHAIN
        variant = "new"
        if self.origin_assets and self.one_in(data, 3, "known origin asset?"):
            o = self.choose(data, self.origin_assets, label="origin asset")
            variant = self.choose(data, ["holders", "cancelled", "stale", "same"], label="supersede how")
            if variant == "holders":
                new = [self.address[self.choose(data, TRADING, label="new holder")] for _ in range(3)]
                o.holders = (new[0], new[1], new[2])
            c = self.issue_certificate(data, o, cancelled=variant == "cancelled", stale=variant == "stale")
        else:
            registered = [a for a in m.assets.values() if a.status == AssetStatus.REGISTERED]
            holder = self.address[self.choose(data, TRADING, label="origin holder")]
            o = OriginAsset(
                asset_id=len(self.origin_assets) + 1, content_hash=self.fresh("origin content"),
                category=self.choose(data, ([Category.ENTERPRISE, Category.PUBLIC, Category.PERSONAL])),
                grade=self.choose(data, ([Grade.GENERAL, Grade.GENERAL, Grade.CORE])),
                kind=self.choose(data, (list(Kind))), holders=(holder, holder, holder), serial=self.counter,
                registered_block=10, registered_at=m.now - DAY,
            )  # fmt: skip
            if registered and self.one_in(data, 3, "a content hash registered here?"):
                local = self.choose(data, registered, label="local asset")
                o.content_hash = local.content_hash
                variant = "link"
                if not self.one_in(data, 3, "conflicting?"):
                    o.holders = (local.holders[0], local.holders[1], local.holders[2])
                    o.category, o.grade = local.category, local.grade
            self.origin_assets.append(o)
            self.content_hashes.append(o.content_hash)
            c = self.issue_certificate(data, o)
        signer_choices: list[list[int | str]] = [
            [0, 1], [1, 2], [0, 1, 2], [2, 0], [0], [0, 0], [0, "forger"], [0, "domain"],
        ]  # fmt: skip
        signers = self.choose(data, signer_choices, label="signers")
        cert = CertificateFile(CertificateDomain(ORIGIN_CHAIN, ORIGIN_REGISTRY), c)
        wrong = CertificateFile(CertificateDomain(ORIGIN_CHAIN, OTHER_REGISTRY), c)
        signatures: list[bytes] = []
        for s in signers:
            if s == "forger":
                signatures += sign_certificate(cert, FORGER).signature_bytes()
            elif s == "domain":
                signatures += sign_certificate(wrong, ORIGIN_KEYS[1]).signature_bytes()
            else:
                assert isinstance(s, int)
                signatures += sign_certificate(cert, ORIGIN_KEYS[s]).signature_bytes()
        self.certificates_seen.append((chain, ORIGIN_REGISTRY, c))
        local_id, tx = self.attempt(
            f"{caller} imports origin asset {c.asset_id} ({variant}, issued {c.issued_block}, signers {signers})",
            "importCertificate", caller,
            lambda m: m.import_certificate(self.address[caller], chain, c, signatures),
            "Recognition", "importCertificate", chain, Raw(c.as_abi()), signatures,
        )  # fmt: skip
        if tx:
            ev = tx.event("CertificateImported")
            assert int(ev["localAssetId"]) == local_id
            self.ok("importCertificate:" + ("supersede" if ev["superseded"] else "link" if ev["linked"] else "new"))
            if c.status == AssetStatus.CANCELLED:
                self.ok("importCertificate:cancel")

    def suspend_recognised(self, data: st.DataObject) -> None:
        m = self.model
        local = self.pick(data, list(m.assets), "asset", list(m.records))
        caller = self.who(data, [*REGISTRARS, "authority"])
        action = self.choose(data, ["suspend", "reinstate"], label="action")
        reason = ZERO_HASH if self.one_in(data, 20, "no reason?") else h("recognition")
        op: Callable[[Ledger], None] = (
            (lambda m: m.suspend_recognised(self.address[caller], local, reason)) if action == "suspend"
            else (lambda m: m.reinstate_recognised(self.address[caller], local, reason))
        )  # fmt: skip
        _, tx = self.attempt(
            f"{action} recognition of {local} by {caller}", f"{action}Recognised", caller, op,
            "Recognition", action, local, reason,
        )  # fmt: skip
        if tx:
            self.ok(f"{action}Recognised")

    # ─────────────────────────────────────────────────────────── hostile calls of the internal hooks

    def hook(self, data: st.DataObject, every: bool = False) -> None:
        """Someone calls one of the hooks the contracts call each other by (``every``: each hook once, by an outsider
        and without drawing: the first example alone makes this sweep, and Hypothesis requires every example to draw
        the same way from the same choices)."""
        caller = "outsider" if every else self.who(data, [])
        me = self.address[caller]
        c = self.contracts
        t = Trade(trade_id=self.fresh("hook"), asset_id=1, seller=self.address["holder"], buyer=me, price=1)
        terms = LicenseTerms(right=Right.PROCESSING, purpose=1101, start=0, end=2**39, regions=(REGION,))
        r = self.registration()
        hooks: dict[str, tuple[str, str, tuple[Any, ...], Refused]] = {
            "setControl": ("AssetRegistry", "setControl", (1, 1, True),
                           Refused("RegistryOnlyCaller", caller=me, expected=c["AssetControls"])),
            "deliverRight": ("AssetRegistry", "deliverRight", (t.trade_id, 1, 0, t.seller, me),
                             Refused("RegistryOnlyCaller", caller=me, expected=c["TradeSettlement"])),
            "deliverLicense": ("AssetRegistry", "deliverLicense", (1, 0, t.seller, me, terms.as_abi()),
                               Refused("RegistryOnlyCaller", caller=me, expected=c["TradeSettlement"])),
            "registerRecognised": ("AssetRegistry", "registerRecognised", (r.as_abi(), me, me),
                                   Refused("RegistryOnlyCaller", caller=me, expected=c["Recognition"])),
            "setRecognitionSuspended": ("AssetRegistry", "setRecognitionSuspended", (1, True),
                                        Refused("RegistryOnlyCaller", caller=me, expected=c["Recognition"])),
            "syncRecognised": ("AssetRegistry", "syncRecognised", (1, me, me, me, False, me, h("sync")),
                               Refused("RegistryOnlyCaller", caller=me, expected=c["Recognition"])),
            "usePublicOperation": ("AssetControls", "usePublicOperation", (1, me, 1, 1101, 2**39, 1),
                                   Refused("ControlsOnlyRegistry", caller=me)),
            "settlementPay": ("SettlementToken", "settlementPay", (t.seller, ZERO, [me], [1]),
                              Refused("TokenOnlySettlement", caller=me)),
            "settleCheckedFor": ("TradeSettlement", "settleCheckedFor", (t.as_abi(), me, 0),
                                 Refused("SettlementOnlySelf", caller=me)),
            "settleConsented": ("TradeSettlement", "settleConsented", (t.as_abi(), me, 0, ZERO_HASH),
                                Refused("SettlementOnlyConsents", caller=me)),
            "module": ("AssetRegistryModule", "reviewRegistration", (1, True, h("review")),
                       Refused("RegistryOnlyDelegated")),
        }  # fmt: skip
        for name in sorted(hooks) if every else [self.choose(data, sorted(hooks), label="hook")]:
            contract, function, args, refusal = hooks[name]
            self.attempt(
                f"{caller} calls {contract}.{function}", "hook", caller, partial(refuse, refusal), contract, function,
                *args,
            )  # fmt: skip

    # ─────────────────────────────────────────────────────────── the one rule

    def time_passes(self, data: st.DataObject) -> None:
        self.model.now += self.choose(data, [DAY, 3 * DAY, 1, 3_600, 40 * DAY], label="time passes")
        self.ok("time")

    @rule(data=st.data())
    def act(self, data: st.DataObject) -> None:
        """One operation, drawn by weight (one rule rather than many: Hypothesis would switch whole rules off in
        some examples and repeat others, and the weights keep the market-building operations frequent)."""
        # A seed, spread over the actions with the step's number: Hypothesis draws the ends of a range, and values
        # it drew before in the same example, far more often than the rest, which would favour the first and last
        # actions and repeat one action for a whole example.
        action = self.choose(data, ACTIONS, "action")
        event(f"action {action}")
        if action in NEEDS_ASSET and not self.model.assets:
            action = "apply_registration"
        if action in NEEDS_LICENCE and not self.model.licences:
            action = "grant_license"
        # An operation on something that does not exist yet makes it instead (now and then it is refused as is).
        standing = self.opening_entries(OpeningStatus.PLANNED, OpeningStatus.REGISTERED)
        fallback = {
            "settle_mandated": ("grant_mandate", not self.model.mandates),
            "settle_listed": ("list_product", not self.listings_in_force()),
            "end_listing": ("list_product", not self.listings_in_force()),
            "link_opening_asset": ("publish_opening_list", not self.opening_entries(OpeningStatus.PLANNED)),
            "mark_opening": ("link_opening_asset", not self.opening_entries(OpeningStatus.REGISTERED)),
            "withdraw_opening_entry": ("publish_opening_list", not standing),
            "sublicense": ("grant_license", not self.live_licences(sublicensable=True)),
            "revoke_mandate": ("grant_mandate", not self.mandate_pool),
            "decide_objection": ("lodge_objection", not self.model.objections),
            "close_order": ("open_order", not self.model.orders),
            "file_valuation": ("accredit_appraiser", not self.appraisers()),
            "close_valuation": ("file_valuation", not self.model.valuations),
            "recognise_asset": ("file_valuation", not self.usable_valuations()),
            "change_recognition": ("recognise_asset", not self.model.recognitions),
            "act_on_quality_report": ("file_quality_report", not self.model.quality_reports),
            "suspend_recognised": ("import_certificate", not self.model.records),
            "review": ("apply_registration", all(a.status != AssetStatus.PENDING for a in self.model.assets.values())),
        }
        if action in fallback and fallback[action][1] and not self.one_in(data, 8, "on nothing?"):
            if action == "sublicense":
                COVERAGE.actions["grant_license"] += 1
                self.grant_license(data, sublicensable=True)
                return
            action = fallback[action][0]
        COVERAGE.actions[action] += 1
        getattr(self, action)(data)

    # ─────────────────────────────────────────────────────────── after every step

    @invariant()
    def chain_matches_model_and_rules_hold(self) -> None:
        self.after_step()

    def after_step(self) -> None:
        COVERAGE.steps += 1
        views = self.compare_views()
        self.check_rules(views)
        self.steps_checked += 1
        self.step = None
        self.step_events = []

    # ─────────────────────────────────────────────────────────── views

    def expected_views(self) -> list[tuple[str, str, tuple[Any, ...], Any]]:
        """Every view of every contract, with the arguments worth asking, and what the model says it answers."""
        m = self.model
        a = self.address
        c = self.contracts
        accounts = self.accounts
        sweep = self.steps_checked % FULL_SWEEP_EVERY == 0
        checks: list[tuple[str, str, tuple[Any, ...], Any]] = []

        def add(contract: str, function: str, args: tuple[Any, ...], expected: Any) -> None:
            checks.append((contract, function, args, expected))

        def expect(op: Callable[[], Any]) -> Any:
            try:
                return op()
            except Refused as refusal:
                return refusal

        # participants (by their identities, and by every key they signed with)
        actors = list(self.address.values())
        for account in [*actors, *sorted(m.keys)]:
            p = m.participant(account)
            add("ParticipantRegistry", "getParticipant", (account,), p.view())
            add("ParticipantRegistry", "idOfCreditCode", (self.credit_code(self.name_of[account]),),
                m.id_of_credit_code(self.credit_code(self.name_of[account])))  # fmt: skip
            add("ParticipantRegistry", "isActive", (account,), m.is_active(account))
            add("ParticipantRegistry", "identityOf", (account,), m.identity_of(account))
            add("ParticipantRegistry", "signerIdentity", (account,), m.signer_identity(account))
            add("ParticipantRegistry", "hashKeyChange", (account, account, a["outsider"]),
                typed_digest(key_change_typed_data(account, account, a["outsider"], self.chain_id,
                                                   c["ParticipantRegistry"])))  # fmt: skip
            for target in (ZERO, c["AssetRegistry"]):
                add("ParticipantRegistry", "transactionAllowed", (account, target, 0, 0, 0, b""),
                    m.transaction_allowed(account, target))  # fmt: skip
            for roles in (TRADER, ALL, int(Role.REGISTRAR | Role.AUTHORITY), ASSET_OWNERS):
                add("ParticipantRegistry", "requireRole", (account, roles),
                    expect(partial(participant_view, m, account, roles)))  # fmt: skip
                add("ParticipantRegistry", "requireIdentity", (account, roles),
                    expect(partial(identity_view, m, account, roles)))  # fmt: skip
        for x, y in ((a["holder"], a["merchant"]), (a["provider"], a["holder2"]), (a["suspended"], a["holder"])):
            add("ParticipantRegistry", "requireTraders", (x, y),
                expect(partial(traders, m, x, y)))  # fmt: skip
        mixed = [(a["holder"], TRADER), (a["exchange"], int(Role.EXCHANGE)), *((acc, 0) for acc in actors)]
        add("ParticipantRegistry", "requireEach", ([acc_int(x, r) for x, r in mixed],),
            expect(lambda: m.require_each(mixed, strict=True)))  # fmt: skip
        keyed = [*actors, *sorted(m.keys)]
        add("ParticipantRegistry", "requireEach", ([acc_int(acc, 0) for acc in keyed],),
            m.require_each([(acc, 0) for acc in keyed], strict=True))  # fmt: skip

        # registry
        next_asset = len(m.assets) + 1
        objectors = sorted({o.objector for o in m.objections.values()})
        add("AssetRegistry", "assetCount", (), len(m.assets))
        add("AssetRegistry", "licenseCount", (), len(m.licences))
        add("AssetRegistry", "pausedContracts", (), 0)  # the model never pauses: nothing else may set the register
        for name, wired in (("settlement", "TradeSettlement"), ("recognition", "Recognition"),
                            ("controls", "AssetControls"), ("participants", "ParticipantRegistry"),
                            ("module", "AssetRegistryModule")):  # fmt: skip
            add("AssetRegistry", name, (), c[wired])
        for content in self.content_hashes:
            add("AssetRegistry", "assetIdOf", (content,), m.registered_ids.get(content, 0))
        for asset_id in [*m.assets, next_asset]:
            asset = m.assets.get(asset_id)
            unknown = Refused("RegistryUnknownAsset", assetId=asset_id)
            add("AssetRegistry", "getAsset", (asset_id,),
                asset.view(m.open_objections.get(asset_id, 0)) if asset else unknown)  # fmt: skip
            add("AssetRegistry", "statusOf", (asset_id,), int(asset.status) if asset else 0)
            add("AssetRegistry", "applicantOf", (asset_id,), asset.applicant if asset else unknown)
            add("AssetRegistry", "subjectOf", (asset_id,), self.subject(asset) if asset else unknown)
            add("Valuation", "recognitionOf", (asset_id,), m.recognitions.get(asset_id, NO_RECOGNITION).view())
            for right in Right:
                add("AssetRegistry", "holderOf", (asset_id, int(right)), asset.holders[right] if asset else unknown)
                add("AssetRegistry", "tradableHolder", (asset_id, int(right)),
                    expect(partial(m.tradable_holder, asset_id, right)))  # fmt: skip
                shares = m.shares.get((asset_id, int(right)), [])
                add("TradeSettlement", "revenueShares", (asset_id, int(right)),
                    [{"recipient": r, "bps": b} for r, b in shares])  # fmt: skip
            add("AssetControls", "openObjections", (asset_id,), m.open_objections.get(asset_id, 0))
            for account in actors if sweep else objectors:
                add("AssetControls", "pendingOf", (account, asset_id),
                    (m.pending.get(account, 0), m.pending_on.get((asset_id, account), 0)))  # fmt: skip
            add("Recognition", "getRecognised", (asset_id,), self.recognised_view(asset_id))
        for licence_id in [*m.licences, len(m.licences) + 1]:
            lic = m.licences.get(licence_id)
            add("AssetRegistry", "getLicense", (licence_id,),
                lic.view() if lic else Refused("LicenseUnknown", licenseId=licence_id))  # fmt: skip
            add("AssetRegistry", "childrenOf", (licence_id,), lic.children if lic else [])
            regions, countries = lic.territory if lic else ((), ())
            add("AssetRegistry", "territoryOf", (licence_id,), (list(regions), list(countries)))
            times = {m.now, m.now + DAY, m.now + 3 * DAY, m.now + 30 * DAY}
            if lic:
                times |= {lic.start - 1, lic.start, lic.end - 1, lic.end}
            for t in sorted(times):
                add("AssetRegistry", "isLicenseValid", (licence_id, t), m.is_valid(licence_id, t))
            if lic:
                self.exclusivity_keys.add((lic.asset_id, int(lic.right), lic.purpose, lic.parent_id))
        for key in sorted(self.exclusivity_keys | {(1, 1, 1101, 0), (next_asset, 2, 1102, 0)}):
            s = m.exclusivity.get(key)
            add("AssetRegistry", "exclusivityOf", key, s.view() if s else (0, 0, 0, []))

        # controls
        add("AssetControls", "objectionCount", (), len(m.objections))
        add("AssetControls", "registry", (), c["AssetRegistry"])
        for objection_id in [0, *m.objections, len(m.objections) + 1]:
            add("AssetControls", "getObjection", (objection_id,), m.objection(objection_id).view())
        for asset_id, operator, right_int, purpose in sorted(self.operation_keys | {(1, a["holder"], 1, 1101)}):
            add("AssetControls", "publicOperation", (asset_id, operator, right_int, purpose),
                m.operations.get((asset_id, operator, right_int, purpose), 0))  # fmt: skip

        # token
        add("SettlementToken", "name", (), "Data Market Settlement Yuan")
        add("SettlementToken", "symbol", (), "DMCNY")
        add("SettlementToken", "decimals", (), 2)
        add("SettlementToken", "settlement", (), c["TradeSettlement"])
        add("ParticipantRegistry", "officerSafes", (), [c["CouncilSafe"], c["GuardianSafe"], c["EmergencySafe"]])
        add("ParticipantRegistry", "participantCount", (), len(m.accounts))
        for participant_id in range(len(m.accounts) + 2):  # 0 and the next id name no account
            add("ParticipantRegistry", "accountOf", (participant_id,), m.account_of(participant_id))
        add("SettlementToken", "totalSupply", (), m.supply)
        for account in accounts:
            add("SettlementToken", "balanceOf", (account,), m.balances.get(account, 0))
            add("SettlementToken", "issuanceOf", (account,), m.issuance.get(account, (0, 0)))
            add("TradeSettlement", "heldShares", (account,), m.held.get(account, 0))
            add("Supervision", "creditOf", (account,),
                dict(zip(("score", "events"), m.credit.get(account, (0, 0)), strict=True)))  # fmt: skip
            for spender in actors if sweep else []:
                add("SettlementToken", "allowance", (account, spender), m.allowances.get((account, spender), 0))
        if not sweep:
            for owner, spender in sorted(set(m.allowances) | self.approved_pairs):
                add("SettlementToken", "allowance", (owner, spender), m.allowances.get((owner, spender), 0))

        # settlement
        add("TradeSettlement", "mandates", (), c["MandateRegistry"])
        add("TradeSettlement", "eip712Domain", (),
            (b"\x0f", "DataRightsLedger", "1", self.chain_id, c["TradeSettlement"], ZERO_HASH, []))  # fmt: skip
        for kind in Kind:
            low, high = m.bands.get(int(kind), (0, 0))
            add("TradeSettlement", "priceBand", (int(kind),), {"min": low, "max": high})
        for trade_id in dict.fromkeys(self.trade_ids):
            for exchange in (a["exchange"], a["exchange2"], ZERO):
                scoped = trade_key(exchange, ZERO, ZERO, trade_id)
                add("TradeSettlement", "isSettled", (exchange, trade_id), exchange != ZERO and scoped in m.settled)
        for seller, buyer, trade_id in sorted(self.direct_seen):
            direct = trade_key(ZERO, seller, buyer, trade_id)
            add("TradeSettlement", "isDirectSettled", (seller, buyer, trade_id), direct in m.settled)
            add("TradeSettlement", "tradeKey", (ZERO, seller, buyer, trade_id), direct)
        for settled_key in sorted(self.keys_seen | set(m.settled)):
            add("TradeSettlement", "settledAt", (settled_key,), m.settled.get(settled_key, 0))
        if self.trade_ids:
            add("TradeSettlement", "tradeKey", (a["exchange"], a["holder"], a["merchant"], self.trade_ids[-1]),
                trade_key(a["exchange"], ZERO, ZERO, self.trade_ids[-1]))  # fmt: skip
        for account, nonce in sorted(self.nonces_seen | {(a["holder"], 0)}):
            add("TradeSettlement", "nonceUsed", (account, nonce), (account, nonce) in m.nonces)
        for sales, exchange, nonce, deadline in self.hashed_sales[-6:]:
            keyed = [m.on_chain(t).as_abi() for t, _ in sales]  # as the chain is given them now
            add("TradeSettlement", "hashSalesConsent",
                (keyed, [n for _, n in sales], m.key_of(exchange), nonce, deadline),
                m.sales_digest(sales, exchange, nonce, deadline))  # fmt: skip
            add("TradeSettlement", "hashSalesConsent", (keyed, [], m.key_of(exchange), nonce, deadline),
                Refused("SettlementLengthMismatch", trades=len(sales), consents=0))  # fmt: skip
        for trade, nonce, deadline in self.hashed_direct[-4:]:
            add("TradeSettlement", "hashDirectTrade", (m.on_chain(trade).as_abi(), nonce, deadline),
                m.direct_digest(trade, nonce, deadline))  # fmt: skip

        # mandates
        add("MandateRegistry", "settlement", (), c["TradeSettlement"])
        for mandate in self.mandate_pool:
            mid = mandate_id(mandate)
            add("MandateRegistry", "mandateId", (mandate.as_abi(),), mid)
            add("MandateRegistry", "sellerOf", (mid,), m.mandates.get(mid, ZERO))
        add("MandateRegistry", "sellerOf", (ZERO_HASH,), ZERO)

        # listings
        add("Listings", "settlement", (), c["TradeSettlement"])
        add("Listings", "eip712Domain", (),
            (b"\x0f", "DataRightsLedger", "1", self.chain_id, c["Listings"], ZERO_HASH, []))  # fmt: skip
        add("TradeSettlement", "listings", (), c["Listings"])
        signed = list(dict.fromkeys(self.listing_pool))
        keys = [listing_key(ex, li.offer.listing_id) for ex, li in signed]
        for key in dict.fromkeys([*keys, *m.listings, ZERO_HASH]):
            add("Listings", "listed", (key,), m.listed(key))
        for ex, li in signed[-4:]:
            add("Listings", "listingKey", (ex, li.offer.listing_id), listing_key(ex, li.offer.listing_id))
            add("Listings", "saleDigest", (ex, li.as_abi()), listing_sale_digest(ex, li))
            add("Listings", "hashListing", (ex, li.as_abi()), m.listing_digest(ex, li))

        # opening list
        add("OpeningList", "entryCount", (), len(m.opening_entries))
        for entry_id in [0, *m.opening_entries, len(m.opening_entries) + 1]:
            add("OpeningList", "getEntry", (entry_id,), m.opening_entry(entry_id).view())

        # supervision
        add("Supervision", "orderCount", (), len(m.orders))
        for order_id in [*m.orders, len(m.orders) + 1]:
            o = m.orders.get(order_id)
            add("Supervision", "getOrder", (order_id,),
                o.view() if o else Refused("SupervisionUnknownOrder", orderId=order_id))  # fmt: skip

        # valuation
        add("Valuation", "valuationCount", (), len(m.valuations))
        for valuation_id in [*m.valuations, len(m.valuations) + 1]:
            v = m.valuations.get(valuation_id)
            add("Valuation", "getValuation", (valuation_id,),
                v.view() if v else Refused("ValuationUnknown", valuationId=valuation_id))  # fmt: skip
        for account in accounts if sweep else [a["provider"], a["holder"]]:
            add("Valuation", "accreditationOf", (account,), m.accreditation(account).view())

        # data quality
        add("DataQuality", "reportCount", (), len(m.quality_reports))
        add("DataQuality", "responseWindow", (), m.response_window)
        for report_id in [*m.quality_reports, len(m.quality_reports) + 1]:
            q = m.quality_reports.get(report_id)
            add("DataQuality", "getReport", (report_id,),
                q.view() if q else Refused("QualityUnknownReport", reportId=report_id))  # fmt: skip
        for account in accounts if sweep else [a["holder"], a["holder2"]]:
            add("DataQuality", "defaultsOf", (account,), m.quality_defaults.get(m.identity_of(account), 0))

        # disclosure
        add("Disclosure", "disclosureCount", (), m.disclosure_count)
        for kind in DisclosureKind:
            months, grace, since = m.disclosure_requirements.get(int(kind), (0, 0, 0))
            add("Disclosure", "requirementOf", (int(kind),), {"months": months, "graceDays": grace, "since": since})

        # recognition
        add("Recognition", "recognisedCount", (), m.recognised_count)
        for chain in (ORIGIN_CHAIN, UNAGREED_CHAIN, self.chain_id):
            add("Recognition", "getAgreement", (chain,), m.agreement(chain).view())
        for origin in self.origin_assets:
            for registry in (ORIGIN_REGISTRY, OTHER_REGISTRY):
                add("Recognition", "localAssetOf", (ORIGIN_CHAIN, registry, origin.asset_id),
                    m.imported.get((ORIGIN_CHAIN, registry, origin.asset_id), 0))  # fmt: skip
        for chain, registry, cert in self.certificates_seen[-4:]:
            add("Recognition", "certificateDigest", (chain, registry, cert.as_abi()),
                m.certificate_digest(chain, registry, cert))  # fmt: skip

        # the registry's module refuses every call that does not come through the registry (of the functions it
        # has: the registry answers some itself, such as the pause register)
        module_args: dict[str, tuple[Any, ...]] = {}
        module_functions = self.codecs["AssetRegistryModule"].functions
        for contract, function, args, _ in checks:
            if contract == "AssetRegistry" and function in module_functions:
                module_args.setdefault(function, args)
        for function, args in module_args.items():
            add("AssetRegistryModule", function, args, Refused("RegistryOnlyDelegated"))
        return checks

    @staticmethod
    def subject(asset: Any) -> dict[str, Any]:
        """The asset as ``subjectOf`` returns it."""
        return {
            "status": int(asset.status), "category": int(asset.category), "disputed": asset.disputed,
            "frozen": asset.frozen, "contentHash": asset.content_hash, "holdingHolder": asset.holders[Right.HOLDING],
            "processingHolder": asset.holders[Right.PROCESSING], "operationHolder": asset.holders[Right.OPERATION],
        }  # fmt: skip

    def recognised_view(self, local: int) -> Any:
        m = self.model
        r = m.records.get(local)
        if r is None or r.status == RECOGNISED_NONE:
            return Refused("RecognitionUnknownRecord", localAssetId=local)
        asset = m.assets[local]
        return {
            "originChainId": r.origin_chain_id, "originRegistry": r.origin_registry,
            "originAssetId": r.origin_asset_id, "localAssetId": local, "contentHash": asset.content_hash,
            "certificateSerial": asset.certificate_serial, "certificateDigest": r.digest, "status": r.status,
            "linked": r.linked, "issuedBlock": r.issued_block,
        }  # fmt: skip

    def compare_views(self) -> dict[tuple[str, str, Any], Any]:
        """Runs every view on the chain (many to an eth_call through the audit's ViewBatch helper) and compares
        each answer with the model's. Returns the chain's answers by (contract, function, args)."""
        checks = self.expected_views()
        encoded: list[bytes] = []
        for contract, function, args, _ in checks:
            COVERAGE.views.add((contract, function))
            key = (contract, function, hashable(args))
            data = CALLDATA.get(key)
            if data is None:
                data = CALLDATA[key] = self.codecs[contract].encode_call(function, *args)
            encoded.append(data)
        targets = [self.contracts[contract] for contract, _, _, _ in checks]
        answers: list[tuple[bool, bytes]] = []
        chunk = 800
        requests = [
            viewbatch.request(targets[i : i + chunk], encoded[i : i + chunk], self.head)
            for i in range(0, len(checks), chunk)
        ]
        for index, answer in enumerate(self.rpc.batch(requests)):
            count = min(chunk, len(checks) - index * chunk)
            answers += viewbatch.decode_results(bytes.fromhex(answer[2:]), count)
        mismatches = []
        got_by_key: dict[tuple[str, str, Any], Any] = {}
        for (contract, function, args, expected), raw_call, (ok, raw) in zip(checks, encoded, answers, strict=True):
            cached = self.view_cache.get((contract, raw_call))
            if cached is not None and cached[0] == raw and cached[1] == ok:
                got = cached[2]
            else:
                if ok:
                    got = self.codecs[contract].decode_output(function, raw)
                else:
                    got = self.decode_error(raw, f"{contract}.{function}")
                self.view_cache[(contract, raw_call)] = (raw, ok, got)
            got_by_key[(contract, function, hashable(args))] = got
            if isinstance(expected, Refused):
                same = not ok and got == (expected.name, expected.values)
            else:
                same = ok and got == expected
            if not same:
                shown = tuple(self.named(x) if isinstance(x, str) else x for x in args)
                what = f"reverts {got}" if not ok else repr(got)
                mismatches.append(f"{contract}.{function}{shown}: chain {what} != model {expected!r}")
        assert not mismatches, "the chain and the model disagree:\n  " + "\n  ".join(mismatches[:40])
        return got_by_key

    # ─────────────────────────────────────────────────────────── invariants, from the chain alone

    def check_rules(self, views: dict[tuple[str, str, Any], Any]) -> None:
        """Rules checked on the chain's own events and views, apart from the model."""
        step, events = self.step, self.step_events
        block_time = self.step_block_time
        sender = step.sender if step else ZERO
        settled = [args for name, args in events if name == "TradeSettled"]
        granted = {int(args["licenseId"]): args for name, args in events if name == "LicenseGranted"}
        operations_used = {
            int(args["licenseId"]) for name, args in events if name == "PublicOperationUsed" and args["licenseId"]
        }
        synced = {int(args["localAssetId"]) for name, args in events if name == "CertificateImported"
                  and args["superseded"] and not args["linked"]}  # fmt: skip

        def in_band(asset_id: int, price: int) -> bool:
            _, kind = self.chain_categories[asset_id]
            low, high = self.chain_bands.get(kind, (0, 0))
            return high != 0 and low <= price <= high

        def public(asset_id: int) -> bool:
            return asset_id in self.chain_categories and self.chain_categories[asset_id][0] == Category.PUBLIC

        def participant(account: str) -> dict[str, Any]:
            got = views.get(("ParticipantRegistry", "getParticipant", (account,)))
            assert isinstance(got, dict), f"no participant view of {account}"
            return got

        def roles_of(account: str) -> int:
            return int(participant(account)["roles"])

        def status_of(account: str) -> int:
            return int(participant(account)["status"])

        # 1. every settlement carries its seller's consent (signature, mandate) or both parties' signatures
        for ev in settled:
            self.check_consent(ev, sender, block_time, granted)
            if public(int(ev["assetId"])):
                assert ev["exchange"] != ZERO, f"public data {ev['assetId']} settled off-exchange: {ev}"
                assert in_band(int(ev["assetId"]), int(ev["price"])), f"public data sold outside its band: {ev}"
                self.ok("invariant:public settled in band")

        # 2. every right that moved: the holder's own call, a settlement it consented to, or a recognition sync (the
        # only way the rights of an asset recognised from another province, and not linked, change hands here)
        recognised = {
            args[0]
            for (contract, function, args), got in views.items()
            if function == "getRecognised" and isinstance(got, dict) and not got["linked"]
        }
        moved: dict[tuple[int, int], list[tuple[str, str]]] = {}
        for name, args in events:
            if name != "RightTransferred":
                continue
            asset_id, right, source, to = int(args["assetId"]), int(args["right"]), args["from"], args["to"]
            moved.setdefault((asset_id, right), []).append((source, to))
            if asset_id in recognised:
                assert step is not None and step.kind == "importCertificate", (
                    f"right {right} of recognised asset {asset_id} changed hands here: {args}"
                )
            if args["tradeId"] != ZERO_HASH:
                matching = [ev for ev in settled if ev["tradeId"] == args["tradeId"] and int(ev["assetId"]) == asset_id
                            and ev["seller"] == source and ev["buyer"] == to and int(ev["right"]) == right]  # fmt: skip
                assert matching, f"right {right} of {asset_id} moved {source} -> {to} by no settlement: {args}"
            elif step is not None and step.kind == "transferRight":
                assert source == sender, f"right {right} of {asset_id} moved by {sender}, not its holder {source}"
                assert not public(asset_id), f"public data {asset_id} transferred off-exchange"
            else:
                assert step is not None and step.kind == "importCertificate" and asset_id in synced, (
                    f"right {right} of {asset_id} moved {source} -> {to} without consent ({step})"
                )
                self.ok("invariant:recognition sync")
        for asset_id, before in self.chain_holders.items():
            now = views.get(("AssetRegistry", "getAsset", (asset_id,)))
            if not isinstance(now, dict):
                continue
            after = (now["holdingHolder"], now["processingHolder"], now["operationHolder"])
            for right in Right:
                expected = before[right]
                for source, to in moved.get((asset_id, int(right)), []):
                    assert source == expected, f"right {right.name} of {asset_id} moved from {source}, not {expected}"
                    expected = to
                assert after[right] == expected, (
                    f"right {right.name} of {asset_id} is held by {after[right]}, was {before[right]}, no event says so"
                )

        # 3. every licence granted: by its licensor's own call, a settlement it consented to; public data only so
        for licence_id, args in granted.items():
            asset_id = int(args["assetId"])
            sale = [ev for ev in settled if int(ev["licenseId"]) == licence_id]
            if sale:
                assert sale[0]["seller"] == args["licensor"] and sale[0]["buyer"] == args["licensee"], (
                    f"licence {licence_id} granted by {args['licensor']} in a sale by {sale[0]['seller']}"
                )
            else:
                assert step is not None and step.kind in ("grantLicense", "sublicense"), f"licence {licence_id} {step}"
                assert args["licensor"] == sender, f"licence {licence_id} granted by {sender} as {args['licensor']}"
                if public(asset_id):
                    assert licence_id in operations_used and int(args["parentId"]) == 0, (
                        f"public data {asset_id} licensed off-exchange without an authorised operation: {args}"
                    )
                    self.ok("invariant:public authorised operation")
        for name, args in events:
            if name == "LicenseTransferred":
                assert step is not None and step.kind == "transferLicense" and args["from"] == sender
                lic = views.get(("AssetRegistry", "getLicense", (int(args["licenseId"]),)))
                assert isinstance(lic, dict) and not public(int(lic["assetId"])), f"public licence moved: {args}"
        for licence_id, before_licensee in self.chain_licensees.items():
            lic = views.get(("AssetRegistry", "getLicense", (licence_id,)))
            assert isinstance(lic, dict)
            transfers = [args for name, args in events if name == "LicenseTransferred"
                         and int(args["licenseId"]) == licence_id]  # fmt: skip
            expected = transfers[-1]["to"] if transfers else before_licensee
            assert lic["licensee"] == expected, f"licence {licence_id} held by {lic['licensee']}, expected {expected}"

        # 4. a recognised asset is what its latest accepted certificate says: content, category and grade
        for name, args in events:
            if name != "CertificateImported":
                continue
            cert, local = args["certificate"], int(args["localAssetId"])
            asset = views.get(("AssetRegistry", "getAsset", (local,)))
            assert isinstance(asset, dict), f"certificate imported for no local asset: {args}"
            if cert["status"] == AssetStatus.CANCELLED:
                assert args["linked"] or asset["status"] == AssetStatus.CANCELLED, f"origin cancelled, not here: {args}"
                continue
            assert (asset["contentHash"], asset["category"], asset["grade"]) == (
                cert["contentHash"],
                cert["category"],
                cert["grade"],
            ), f"recognised asset {local} is not what its certificate says: {asset} vs {cert}"
            if not args["linked"]:
                holders = (asset["holdingHolder"], asset["processingHolder"], asset["operationHolder"])
                assert holders == (cert["holdingHolder"], cert["processingHolder"], cert["operationHolder"]), (
                    f"recognised asset {local} held by {holders}, its certificate says otherwise: {cert}"
                )

        # 5. tokens: supply = issued - redeemed, all of it with the participants and (held) the settlement contract
        for name, args in events:
            if name == "Issued":
                self.issued += int(args["amount"])
            elif name == "Redeemed":
                self.redeemed += int(args["amount"])
        supply = views[("SettlementToken", "totalSupply", ())]
        assert supply == self.issued - self.redeemed, f"supply {supply}, issued {self.issued} - {self.redeemed}"
        balances = sum(views[("SettlementToken", "balanceOf", (acc,))] for acc in self.accounts)
        assert balances == supply, f"balances add up to {balances}, the supply is {supply}"
        outstanding = sum(views[("SettlementToken", "issuanceOf", (acc,))][1] for acc in self.accounts)
        assert outstanding == supply, f"the banks' outstanding issuance is {outstanding}, the supply is {supply}"
        held = sum(views[("TradeSettlement", "heldShares", (acc,))] for acc in self.address.values())
        settlement_balance = views[("SettlementToken", "balanceOf", (self.contracts["TradeSettlement"],))]
        assert settlement_balance == held, f"the settlement contract holds {settlement_balance}, shares held {held}"

        # 6. a licence is sold when, and only when, a settlement delivered it, stays so, and its licensor never
        # revokes it: only the authority (for cause) or its licensee (surrender)
        for licence_id in granted:
            lic = views.get(("AssetRegistry", "getLicense", (licence_id,)))
            delivered = any(int(ev["licenseId"]) == licence_id for ev in settled)
            assert isinstance(lic, dict) and lic["sold"] == delivered, f"licence {licence_id}: {lic}, sold={delivered}"
        for licence_id, was_sold in self.chain_sold.items():
            lic = views.get(("AssetRegistry", "getLicense", (licence_id,)))
            assert isinstance(lic, dict) and lic["sold"] == was_sold, f"licence {licence_id} sold was {was_sold}"
        for name, args in events:
            if name != "LicenseRevoked" or not self.chain_sold.get(int(args["licenseId"])):
                continue
            by, licence_id = args["by"], int(args["licenseId"])
            assert by == sender, f"licence {licence_id} revoked by {by} in a call of {sender}"
            if by == self.chain_licensees[licence_id]:
                self.ok("invariant:sold licence surrendered")
            else:
                assert roles_of(by) & Role.AUTHORITY, f"sold licence {licence_id} revoked by {by}, not the authority"
                self.ok("invariant:sold licence revoked by the authority")

        # 7. shares held: added only for inactive recipients of a settlement's shares; paid out only to the recipient
        # itself (claim) or, for a revoked recipient, by the authority to whom its decision names (release)
        expected_held = dict(self.chain_held)
        for ev in settled:
            for share in ev["shares"]:
                if share["held"]:
                    recipient = share["recipient"]
                    assert status_of(recipient) != ParticipantStatus.ACTIVE, f"share held for active {recipient}: {ev}"
                    expected_held[recipient] = expected_held.get(recipient, 0) + int(share["amount"])
        for name, args in events:
            if name == "HeldSharesClaimed":
                recipient, amount = args["recipient"], int(args["amount"])
                assert recipient == sender, f"shares held for {recipient} claimed by {sender}"
                assert amount == expected_held.get(recipient, 0), f"claimed {amount} of {expected_held}: {args}"
                expected_held[recipient] = 0
            elif name == "HeldSharesReleased":
                recipient, amount = args["recipient"], int(args["amount"])
                assert args["by"] == sender and roles_of(sender) & Role.AUTHORITY, f"released by {sender}: {args}"
                assert status_of(recipient) == ParticipantStatus.REVOKED, f"released shares of unrevoked: {args}"
                assert status_of(args["to"]) == ParticipantStatus.ACTIVE, f"released to an inactive account: {args}"
                assert args["decisionHash"] != ZERO_HASH, f"released on no decision: {args}"
                assert amount == expected_held.get(recipient, 0), f"released {amount} of {expected_held}: {args}"
                expected_held[recipient] = 0
                self.ok("invariant:held shares released")
        for account in self.address.values():
            held_now = views[("TradeSettlement", "heldShares", (account,))]
            assert held_now == expected_held.get(account, 0), (
                f"{self.named(account)} has {held_now} held, the events say {expected_held.get(account, 0)}"
            )

        # 8. an objection is accepted or resolved by an impartial registrar, never by its own objector
        for name, args in events:
            if name not in ("ObjectionAccepted", "ObjectionResolved"):
                continue
            o = views.get(("AssetControls", "getObjection", (int(args["objectionId"]),)))
            assert isinstance(o, dict) and args["registrar"] == sender, f"objection decided by {sender}: {args}"
            assert o["objector"] != sender, f"objection {args['objectionId']} decided by its objector {sender}"
            assert roles_of(sender) & Role.REGISTRAR, f"objection decided by {sender}, not a registrar: {args}"
            self.ok("invariant:objection decided by another")

        # 9. the live licences can be revoked within the gas bound (asked again when licences changed)
        if any(name in ("LicenseGranted", "LicenseRevoked") for name, _ in events):
            self.check_revocation_gas()

        # 10. a licence above a sold sublicence that has not ended cannot be given up by its licensee or taken back
        # by its licensor (asked of the chain, as those callers would send it)
        if any(name == "TradeSettled" and int(args["licenseId"]) for name, args in events):
            self.check_sold_sublicences_hold()

        # 11. an opening-list entry is linked by its department to a registered public-data asset the department
        # holds, and shown open only by a licence of that asset or a listing of it in force
        for name, args in events:
            if name not in ("OpeningEntryRegistered", "OpeningEntryOpened"):
                continue
            entry = views[("OpeningList", "getEntry", (int(args["entryId"]),))]
            asset_id = int(args["assetId"])
            assert int(entry["assetId"]) == asset_id, f"entry {entry} opened or linked with another asset: {args}"
            if name == "OpeningEntryRegistered":
                asset = views[("AssetRegistry", "getAsset", (asset_id,))]
                assert self.identity(sender) == entry["department"] == args["department"], f"linked by {sender}"
                assert asset["category"] == Category.PUBLIC and asset["status"] == AssetStatus.REGISTERED, asset
                assert asset["holdingHolder"] == entry["department"], f"asset of another linked: {asset}"
                self.ok("invariant:opening asset linked by its department")
            elif args["evidence"] == OpeningEvidence.LICENCE:
                licence = views[("AssetRegistry", "getLicense", (int.from_bytes(args["ref"], "big"),))]
                assert int(licence["assetId"]) == asset_id, f"opened by a licence of another asset: {args}"
                self.ok("invariant:opened by a licence of the asset")
            else:
                key = bytes(args["ref"])
                assert key in self.chain_listings and key not in self.ended_listings, f"no listing in force: {args}"
                assert int(self.chain_listings[key][2]["assetId"]) == asset_id, f"a listing of another: {args}"
                self.ok("invariant:opened by a listing of the asset")

        # remember, for the next step
        for name, args in events:
            if name == "NonceUsed":
                self.chain_nonces_used.add((args["account"], int(args["nonce"])))
            elif name == "MandateGranted":
                # (a mandate is the word of the key that granted it: the event names that key)
                assert self.identity(args["seller"]) == sender, (
                    f"mandate {args['mandateId'].hex()} granted by {sender} for another"
                )
                self.granted_mandates[bytes(args["mandateId"])] = args["mandate"]
                self.revoked_mandates.discard(bytes(args["mandateId"]))  # revoked before, granted again
            elif name == "MandateRevoked":
                self.revoked_mandates.add(bytes(args["mandateId"]))
            elif name == "ProductListed":
                assert self.identity(args["exchange"]) == sender, f"listing {args['key'].hex()} sent by {sender}"
                self.chain_listings[bytes(args["key"])] = (args["exchange"], args["seller"], args["listing"])
                self.ended_listings.discard(bytes(args["key"]))  # delisted before, listed again (a newer version)
            elif name == "ProductDelisted":
                self.ended_listings.add(bytes(args["key"]))
            elif name == "Approval":
                self.approved_pairs.add((args["owner"], args["spender"]))
            elif name == "TradeSettled" and args["exchange"] != ZERO:
                self.settled_ids.setdefault(args["exchange"], []).append(bytes(args["tradeId"]))
        self.chain_holders = {}
        self.chain_categories = {}
        self.chain_licensees = {}
        self.chain_sold = {}
        self.chain_held = {
            args[0]: got for (contract, function, args), got in views.items() if function == "heldShares" and got
        }
        for (contract, function, args), got in views.items():
            if contract != "AssetRegistry" or not isinstance(got, dict):
                continue
            if function == "getAsset":
                self.chain_holders[args[0]] = (got["holdingHolder"], got["processingHolder"], got["operationHolder"])
                self.chain_categories[args[0]] = (got["category"], got["kind"])
            elif function == "getLicense":
                self.chain_licensees[args[0]] = got["licensee"]
                self.chain_sold[args[0]] = got["sold"]
        self.chain_bands = {
            args[0]: (got["min"], got["max"])
            for (contract, function, args), got in views.items() if function == "priceBand"
        }  # fmt: skip

    def check_consent(
        self, ev: dict[str, Any], sender: str, block_time: int, granted: dict[int, dict[str, Any]]
    ) -> None:
        """A settled trade had its seller's consent: both parties' signatures off-exchange; on an exchange, the
        seller's mandate to that exchange or the seller's own signature over this sale (same exchange, trade id,
        asset and terms, deadline not passed, nonce not withdrawn, and the seller netted at least what it asked)."""
        seller, buyer, exchange = ev["seller"], ev["buyer"], ev["exchange"]
        sender = self.identity(sender)  # events name identities; the sender is a key
        licence = granted.get(int(ev["licenseId"]))
        if exchange == ZERO:
            assert sender in (seller, buyer), f"direct trade sent by {sender}: {ev}"
            signed = (bytes(ev["tradeId"]), int(ev["assetId"]), seller, buyer, int(ev["price"]))
            assert (seller, *signed) in self.direct_signed, f"direct trade the seller did not sign: {ev}"
            assert (buyer, *signed) in self.direct_signed, f"direct trade the buyer did not sign: {ev}"
            self.ok("invariant:direct consent")
            return
        assert sender == exchange, f"trade of exchange {exchange} sent by {sender}: {ev}"
        mid = bytes(ev["mandateId"])
        if mid in self.chain_listings:
            listed_by, listed_seller, listing = self.chain_listings[mid]
            assert mid not in self.ended_listings, f"trade under a listing delisted or withdrawn: {ev}"
            assert (listed_seller, listed_by) == (seller, exchange), f"listing of another: {ev}"
            assert int(listing["assetId"]) == int(ev["assetId"]), f"listing of another asset: {ev}"
            offer = listing["offer"]
            assert offer["minPrice"] <= int(ev["price"]) <= offer["maxPrice"], f"outside the price range: {ev}"
            assert offer["start"] <= block_time <= offer["end"], f"outside the listing period: {ev}"
            assert int(ev["sellerAmount"]) >= int(offer["minNet"]), f"below the listing's least net amount: {ev}"
            if licence is not None:
                terms = licence["terms"]
                start = max(terms["start"], block_time)
                assert terms["end"] - start <= int(offer["maxDuration"]) and start <= offer["end"], ev
            self.ok("invariant:listing consent")
            return
        if mid != ZERO_HASH:
            mandate = self.granted_mandates.get(mid)
            assert mandate is not None and mid not in self.revoked_mandates, f"trade under no mandate in force: {ev}"
            assert (self.identity(mandate["seller"]), self.identity(mandate["exchange"])) == (seller, exchange), (
                f"mandate of another: {ev}"
            )
            assert int(mandate["assetId"]) == int(ev["assetId"]), f"mandate for another asset: {ev}"
            assert int(ev["sellerAmount"]) >= int(mandate["minNet"]), f"below the mandate's minimum: {ev}"
            assert block_time <= int(mandate["expiry"]), f"expired mandate: {ev}"
            if licence is not None:
                terms = licence["terms"]
                start = max(terms["start"], block_time)
                assert terms["end"] - start <= int(mandate["maxDuration"]), ev
                assert start <= int(mandate["expiry"]), f"mandated licence starts after the mandate's expiry: {ev}"
            self.ok("invariant:mandate consent")
            return
        candidates = [
            s for s in self.signed_sales
            if s.signer == seller and s.exchange == exchange and s.trade.trade_id == ev["tradeId"]
            and s.trade.asset_id == int(ev["assetId"]) and s.min_net <= int(ev["sellerAmount"])
            and s.deadline >= block_time and (s.key, s.nonce) not in self.chain_nonces_used
            and (
                s.trade.delivery == Delivery.RIGHT and licence is None and int(s.trade.right) == int(ev["right"])
                if licence is None
                else s.trade.delivery == Delivery.LICENSE and terms_of(licence["terms"]) == s.trade.terms
                and int(licence["parentId"]) == s.trade.parent_license_id
            )
        ]  # fmt: skip
        assert candidates, f"trade settled without its seller's signed consent: {ev}"
        self.ok("invariant:signed consent")

    def check_sold_sublicences_hold(self) -> None:
        m = self.model
        for licence_id, lic in m.licences.items():
            if lic.revoked or lic.sold_until <= m.now + 3_600:  # (an hour's margin for the call's block time)
                continue
            callers = [lic.licensee, *(a for a in self.address.values() if m._licensor(a, lic))]
            for caller in dict.fromkeys(callers):
                p = m.participants.get(caller)
                if p is None or p.status != ParticipantStatus.ACTIVE or p.roles & ALL == 0 or p.roles & Role.AUTHORITY:
                    continue
                client = self.clients[self.named(caller)]
                with pytest.raises(ContractRevert) as refused:
                    client.sender.estimate(client.prepare("AssetRegistry", "revokeLicense", licence_id, h("give up")))
                # (a licensor of a licence that was itself sold is refused that first)
                expected = "LicenseSold" if lic.sold and caller != lic.licensee else "LicenseSublicenceSold"
                assert refused.value.name == expected, (licence_id, caller, refused.value)
                self.ok("invariant:sold sublicence keeps its parent")

    def check_revocation_gas(self) -> None:
        """Revoking the live licence with the most descendants, and the deepest one, costs at most the bound."""
        m = self.model
        live = [i for i, lic in m.licences.items() if not lic.revoked]
        if not live:
            return

        def descendants(i: int) -> int:
            return sum(1 + descendants(c) for c in m.licences[i].children)

        widest = max(live, key=descendants)
        deepest = max(live, key=lambda i: m.licences[i].depth)
        for licence_id in dict.fromkeys([widest, deepest]):
            revoker = next((n for n in ACTORS if m.may_revoke(self.address[n], licence_id)), None)
            if revoker is None:
                continue
            call = self.clients[revoker].prepare("AssetRegistry", "revokeLicense", licence_id, h("gas probe"))
            gas = int(self.rpc.call("eth_estimateGas", [
                {"from": self.address[revoker], "to": call.to, "data": "0x" + call.data.hex()}, "latest"
            ]), 16)  # fmt: skip
            assert gas <= REVOKE_GAS_BOUND, f"revoking licence {licence_id} costs {gas} gas"
            if descendants(licence_id):
                self.ok("invariant:revoke a tree")


# ─────────────────────────────────────────────────────────── helpers


def refuse(refusal: Refused, m: Ledger) -> None:
    """The model's side of a call every caller is refused."""
    raise refusal


def participant_view(m: Ledger, account: str, roles: int) -> dict[str, Any]:
    """``requireRole``: the participant ``account`` signs for now, if it has one of ``roles`` (and, when asked, a
    declaration)."""
    return m.participant(m.signer(account, roles)).view()


def identity_view(m: Ledger, account: str, roles: int) -> tuple[str, dict[str, Any]]:
    """``requireIdentity``: the identity and record of the participant ``account`` signs for now."""
    identity = m.signer(account, roles)
    return identity, m.participant(identity).view()


def traders(m: Ledger, x: str, y: str) -> tuple[str, str]:
    """``requireTraders``: both trading participants, by their identities."""
    return m.signer(x, TRADER), m.signer(y, TRADER)


def acc_int(account: str, roles: int) -> int:
    """``requireEach``'s encoding of one check: the account with the roles above it."""
    return int(account, 16) | roles << 160


def hashable(args: tuple[Any, ...]) -> Any:
    try:
        hash(args)
    except TypeError:
        return repr(args)
    return args


def terms_of(d: dict[str, Any]) -> LicenseTerms:
    """Licence terms as a LicenseGranted event carries them."""
    return LicenseTerms(
        right=Right(d["right"]), purpose=d["purpose"], start=d["start"], end=d["end"], regions=tuple(d["regions"]),
        countries=tuple(bytes(c).decode("ascii", "replace") for c in d["countries"]), exclusive=d["exclusive"],
        sublicensable=d["sublicensable"], transferable=d["transferable"], terms_hash=bytes(d["termsHash"]),
    )  # fmt: skip


def show_terms(t: LicenseTerms, now: int) -> str:
    where = "+".join([*map(str, t.regions), *t.countries])
    flags = [f for f, on in (("excl", t.exclusive), ("sub", t.sublicensable), ("transf", t.transferable)) if on]
    return f"{t.right.name} p{t.purpose} {t.start - now:+}..{t.end - now:+}s in {where} {'/'.join(flags)}"


def show_listing(li: Listing, named: Callable[[str], str], now: int) -> str:
    o = li.offer
    what = f"right {li.right.name}" if li.delivery == Delivery.RIGHT else f"licences [{show_terms(li.terms, 0)}]" + (
        f" under {li.parent_license_id}" if li.parent_license_id else ""
    )  # fmt: skip
    return (
        f"listing {o.listing_id.hex()[:8]} v{li.version} of asset {li.asset_id} by {named(li.seller)}: {what} at "
        f"{o.min_price}..{o.max_price} net {o.min_net} {o.start - now:+}..{o.end - now:+}s max {o.max_duration}s"
    )


def show_trade(t: Trade, named: Callable[[str], str], now: int) -> str:
    what = f"right {t.right.name}" if t.delivery == Delivery.RIGHT else f"licence [{show_terms(t.terms, now)}]" + (
        f" under {t.parent_license_id}" if t.parent_license_id else ""
    )  # fmt: skip
    return (
        f"trade {t.trade_id.hex()[:8]} asset {t.asset_id} {named(t.seller)} -> {named(t.buyer)} "
        f"price {t.price} fee {t.fee} {what}"
    )


# ─────────────────────────────────────────────────────────── tests


#: The machine's chain starts at 2026-01-05 00:00:00 UTC (a Monday), whatever the day it runs.
MACHINE_GENESIS = 1_767_571_200


@pytest.fixture(scope="module")
def machine_chain(build: Build, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A world of the machine's own, on a fresh anvil whose clock starts at :data:`MACHINE_GENESIS`: a
    derandomized run then draws the same examples against the same chain wherever and whenever it runs. (On the
    session's shared world the set-up depended on the tests the worker ran before, and on the day: CI once missed a
    required success that every local run hit.)"""
    settings = LedgerSettings(
        data_dir=tmp_path_factory.mktemp("machine-world"), node_port=free_port(), block_time=0, state_interval=3600
    )
    with EmbeddedNode(settings, extra_args=["--timestamp", str(MACHINE_GENESIS)]) as node:
        world = build_world(node.client(timeout=30), build, settings)
        head = world.rpc.call("eth_getBlockByNumber", ["latest", False])
        assert int(head["timestamp"], 16) - MACHINE_GENESIS < DAY // 2, "the machine's clock is not the pinned one"
        yield world


@pytest.fixture
def machine_world(machine_chain: World) -> Iterator[World]:
    """The machine's world, restored after each test (each example also runs in its own snapshot)."""
    snapshot = machine_chain.rpc.call("evm_snapshot")
    try:
        yield machine_chain
    finally:
        machine_chain.rpc.call("evm_revert", [snapshot])
        machine_chain.reset_nonces()


def machine_settings(seed: int | None) -> settings:
    """The profile's settings; ``LEDGER_HYPOTHESIS_EXAMPLES`` overrides its number of examples, and a seed given
    with ``--hypothesis-seed`` takes effect (a derandomized profile would ignore it)."""
    chosen = settings.get_profile(PROFILE)
    examples = os.environ.get("LEDGER_HYPOTHESIS_EXAMPLES")
    if examples:
        chosen = settings(chosen, max_examples=int(examples))
    if seed is not None:
        chosen = settings(chosen, derandomize=False, database=None)
    return chosen


@contextmanager
def only_hypothesis_constants() -> Iterator[None]:
    """Hypothesis also draws, now and then, constants it finds in the project's modules loaded in the process:
    those of every test module the worker imported before. A derandomized run then depends on the tests that ran
    before it in its process (CI's full run drew other examples than a run of this file alone, and missed a
    required success). Within this block it draws from its own constants only (its cache of the constants allowed
    for each kind of draw is emptied on the way in and out, since it holds those of the loaded modules)."""
    cache = hypothesis_providers.CONSTANTS_CACHE
    found = hypothesis_providers._get_local_constants
    cache.cache.clear()
    hypothesis_providers._get_local_constants = Constants  # (a function of no arguments: an empty set of each kind)
    try:
        yield
    finally:
        hypothesis_providers._get_local_constants = found
        cache.cache.clear()


def test_random_operation_sequences_keep_chain_and_model_in_agreement(
    machine_world: World, request: pytest.FixtureRequest
) -> None:
    LedgerMachine.world = machine_world
    LedgerMachine.prepared = None
    seed = request.config.getoption("hypothesis_seed", None)
    try:
        with only_hypothesis_constants():
            run_state_machine_as_test(LedgerMachine, settings=machine_settings(seed))
    finally:
        LedgerMachine.prepared = None  # its snapshot goes with the world's, reverted by the fixture
        print(COVERAGE.report(), file=sys.stderr)
    missing_views = {(c, f) for c, fs in COMPARED_VIEWS.items() for f in fs} - COVERAGE.views
    assert not missing_views, f"views listed as compared that no step compared: {sorted(missing_views)}"
    shortfalls = coverage_shortfalls()
    if seed is None:
        assert not shortfalls, "\n".join([*shortfalls, COVERAGE.report()])
    for shortfall in shortfalls:  # a run exploring with a seed of its own: what it did not cover is no failure
        warnings.warn(f"the run with seed {seed} {shortfall}", stacklevel=1)


def coverage_shortfalls() -> list[str]:
    """What the run did not exercise of what a run must: every driven write sent, the required successes and
    refusals seen (a refusal of a batch's item counts), enough distinct ones."""
    shortfalls = []
    missing_writes = {(c, f) for c, fs in DRIVEN_WRITES.items() for f in fs} - set(COVERAGE.writes)
    if missing_writes:
        shortfalls.append(f"sent no call of {sorted(missing_writes)}")
    if never := REQUIRED_SUCCESSES - set(COVERAGE.successes):
        shortfalls.append(f"never succeeded in {sorted(never)}")
    if never := REQUIRED_REFUSALS - {name.removeprefix("item:") for name in COVERAGE.refusals}:
        shortfalls.append(f"was never refused with {sorted(never)}")
    if len(COVERAGE.successes) < MIN_DISTINCT_SUCCESSES:
        shortfalls.append(f"saw {len(COVERAGE.successes)} distinct successes, fewer than {MIN_DISTINCT_SUCCESSES}")
    if len(COVERAGE.refusals) < MIN_DISTINCT_REFUSALS:
        shortfalls.append(f"saw {len(COVERAGE.refusals)} distinct refusals, fewer than {MIN_DISTINCT_REFUSALS}")
    return shortfalls


def test_every_view_is_compared_or_explained(build: Build) -> None:
    """A view added to a contract fails this test until the machine compares it or says why it need not."""
    for name in SYSTEM_CONTRACTS:
        abi = contract_abi(build, name)
        functions = [item for item in abi if item.get("type") == "function"]
        views = {f["name"] for f in functions if f["stateMutability"] in ("view", "pure")}
        writes = {f["name"] for f in functions if f["stateMutability"] not in ("view", "pure")}
        compared, explained = COMPARED_VIEWS.get(name, frozenset()), set(UNCOMPARED_VIEWS.get(name, {}))
        assert not compared & explained, f"{name}: both compared and explained: {sorted(compared & explained)}"
        assert views == compared | explained, (
            f"{name}: views neither compared nor explained: {sorted(views - compared - explained)}; "
            f"listed but gone: {sorted((compared | explained) - views)}"
        )
        driven, undriven = DRIVEN_WRITES.get(name, frozenset()), set(UNDRIVEN_WRITES.get(name, {}))
        assert writes == driven | undriven, (
            f"{name}: writes the machine never sends: {sorted(writes - driven - undriven)}; "
            f"listed but gone: {sorted((driven | undriven) - writes)}"
        )


# ─────────────────────────────────────────────────────────── what the machine found


def test_superseding_certificate_keeps_the_origins_classification_and_content(machine_world: World) -> None:
    w = machine_world
    registrars: list[str] = [str(k.address) for k in ORIGIN_KEYS[:2]]
    w.authority.set_agreement(ORIGIN_CHAIN, ORIGIN_REGISTRY, registrars, 2)
    now = w.chain_time()

    def certificate(grade: Grade, issued_block: int, content: bytes) -> CertificateFile:
        c = Certificate(
            asset_id=7, content_hash="0x" + content.hex(), category=int(Category.ENTERPRISE), grade=int(grade),
            kind=int(Kind.DATASET), holding_holder=w.holder.address, processing_holder=w.holder.address,
            operation_holder=w.holder.address, certificate_serial=1, registered_block=1, registered_at=now - DAY,
            status=int(AssetStatus.REGISTERED), issued_block=issued_block, expires_at=now + DAY,
        )  # fmt: skip
        f = CertificateFile(CertificateDomain(ORIGIN_CHAIN, ORIGIN_REGISTRY), c)
        for key in ORIGIN_KEYS[:2]:
            f = sign_certificate(f, key)
        return f

    general = certificate(Grade.GENERAL, 10, keccak(text="origin data"))
    imported = w.registrar.import_certificate(ORIGIN_CHAIN, general.certificate.as_abi(), general.signature_bytes())
    local = int(imported.event("CertificateImported")["localAssetId"])
    # The origin reclassifies its asset as core data (and states another content hash): a newer certificate.
    core = certificate(Grade.CORE, 20, keccak(text="other data"))
    # Refused: the local record cannot silently disagree with the origin (cross-border licences of core data
    # would pass as general); the recognised record is unchanged.
    before = w.holder.get_recognised(local)
    with pytest.raises(ContractRevert) as info:
        w.registrar.import_certificate(ORIGIN_CHAIN, core.certificate.as_abi(), core.signature_bytes())
    assert w.contracts.errors.decode(info.value.data)[0] == "RecognitionClassificationMismatch"
    same_class = certificate(Grade.GENERAL, 20, keccak(text="other data"))  # only the data changed
    with pytest.raises(ContractRevert) as info:
        w.registrar.import_certificate(ORIGIN_CHAIN, same_class.certificate.as_abi(), same_class.signature_bytes())
    assert w.contracts.errors.decode(info.value.data)[0] == "RecognitionContentConflict"
    assert w.holder.get_recognised(local) == before
    assert w.holder.get_asset(local)["grade"] == Grade.GENERAL
