"""Response models of the read API (separate from the store's rows: the routes map one to the other).

Conventions: addresses checksummed ``0x`` strings, hashes lower-case ``0x`` hex, uint256 amounts
decimal strings (they exceed JSON's safe integers), times unix seconds, and every enum code comes
with its name (``category`` and ``category_name``).
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ledger.contracts.types import Role

__all__ = [
    "AggregateRow",
    "AppraiserOut",
    "AssetDetail",
    "AssetHistory",
    "AssetSummary",
    "BlockRef",
    "ContractPauseChangeOut",
    "ContractPauseOut",
    "CreditEventOut",
    "DeclarationOut",
    "DisclosureCalendarOut",
    "DisclosureOut",
    "DisclosureRequirementOut",
    "Envelope",
    "ErrorBody",
    "EventOut",
    "FreezeOut",
    "GovernanceMemberOut",
    "GovernanceOperationOut",
    "GovernanceOut",
    "GovernanceRoleOut",
    "GovernanceSafeOut",
    "GovernanceSafeTransactionOut",
    "GovernanceTargetOut",
    "HeldShareReleaseOut",
    "HeldSharesOut",
    "IssuanceOut",
    "LicenceNode",
    "LicenceOut",
    "ListingDetail",
    "ListingOut",
    "ListingVersionOut",
    "MandateDetail",
    "MandateOut",
    "ObjectionOut",
    "OpeningEntryOut",
    "OpeningListOut",
    "OpeningProgress",
    "OpeningProgressRow",
    "OrderOut",
    "Page",
    "PagedEnvelope",
    "ParticipantDetail",
    "ParticipantOut",
    "PausesOut",
    "PaymentOut",
    "PublicOperationOut",
    "QualityDefaultOut",
    "QualityReportOut",
    "RecognisedTotalOut",
    "RecognitionDetailOut",
    "RecognitionEventOut",
    "RecognitionOut",
    "RefusalError",
    "RequiredPeriodOut",
    "RevenueRow",
    "RightSpan",
    "SearchHit",
    "Status",
    "TraceLicenceOut",
    "TraceOut",
    "TraceTradeOut",
    "TraceVersionOut",
    "TradeDetail",
    "TradeOut",
    "TradeRefusalOut",
    "ValuationOut",
    "enum_name",
    "role_names",
]

T = TypeVar("T")

ADDRESS_EXAMPLE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
HASH_EXAMPLE = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"


def enum_name(enum: type[Enum], code: int | None) -> str | None:
    """The lower-case name of ``code`` in ``enum`` (None for an unknown code or None)."""
    if code is None:
        return None
    try:
        return enum(code).name.lower()
    except ValueError:
        return None


def role_names(roles: int) -> list[str]:
    return [r.name.lower() for r in Role if r.name is not None and roles & r.value]


def _address(description: str) -> Any:
    return Field(description=description, examples=[ADDRESS_EXAMPLE])


def _hash(description: str) -> Any:
    return Field(description=description, examples=[HASH_EXAMPLE])


def _amount(description: str) -> Any:
    return Field(description=description + " (uint256, decimal string).", examples=["1250000"])


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


# ─────────────────────────────────────────────────────────── envelope


class BlockRef(_Out):
    number: int = Field(description="Number of the indexed block the answer reflects.", examples=[120])
    hash: str = _hash("Hash of that block.")
    timestamp: int | None = Field(
        description=(
            "Its timestamp (unix seconds); null for the block just below the first indexed one, which names the"
            " state before anything was recorded (`?at=` before the ledger's first block)."
        ),
        examples=[1795860000],
    )


class Envelope(_Out, Generic[T]):
    block: BlockRef = Field(description="The block whose state the answer reflects.")
    data: T = Field(description="The answer.")


class Page(_Out, Generic[T]):
    block: BlockRef = Field(description="The block whose state the answer reflects.")
    data: list[T] = Field(description="This page's items, in the list's stable order.")
    next_cursor: str | None = Field(
        description=(
            "Cursor of the next page (pass as `?cursor=`): the key of this page's last row; null on the last page."
        ),
        examples=["100"],
    )


class PagedEnvelope(_Out, Generic[T]):
    block: BlockRef = Field(description="The block whose state the answer reflects.")
    data: T = Field(description="The answer; its paged part holds this page only.")
    next_cursor: str | None = Field(
        description="Opaque cursor of the paged part's next page (pass as `?cursor=`); null on the last page.",
        examples=["WzEwMF0"],
    )


class ErrorBody(BaseModel):
    detail: Any = Field(
        description="What went wrong: a message (404, 503), or a list of {loc, msg, type} naming each bad field (422).",
        examples=["no asset 42", [{"loc": ["query", "limit"], "msg": "Input should be less than or equal to 1000"}]],
    )


# ─────────────────────────────────────────────────────────── participants


class ParticipantOut(_Out):
    account: str = _address(
        "The participant's identity: the account it was admitted with, under which every record names it for its"
        " whole life, whatever key it signs with."
    )
    name: str = Field(description="Registered name.", examples=["Nanning Data Exchange"])
    roles: int = Field(description="Role bit set (see role_names).", examples=[4])
    role_names: list[str] = Field(description="Names of the roles held.", examples=[["exchange"]])
    region: int = Field(description="Administrative region code.", examples=[450100])
    status: int = Field(description="Status code.", examples=[1])
    status_name: str | None = Field(description="none, active, suspended or revoked.", examples=["active"])
    declarations: int = Field(description="Number of compliance declarations filed.", examples=[1])
    status_reason_hash: str | None = _hash("Document hash of the last status change's reason, if any.")
    admitted_by: str = _address("Authority that admitted the participant.")
    admitted_block: int = Field(description="Block of admission.", examples=[3])
    admitted_at: int = Field(description="Time of admission (unix seconds).", examples=[1795860000])
    updated_block: int = Field(description="Block of the last change.", examples=[9])
    updated_at: int = Field(description="Time of the last change (unix seconds).", examples=[1795860010])
    participant_id: int = Field(
        description="The organisation's participant id: 1 for the authority, then in order of admission; kept for the"
        " organisation's whole life.",
        examples=[3],
    )
    credit_code_hash: str = _hash(
        "keccak-256 of the organisation's unified social credit code (统一社会信用代码), one organisation per code."
    )
    signing_key: str = _address(
        "The key that signs for it now: its account until its first key change (planned by the participant, or a"
        " recovery by the council)."
    )


class KeyOut(_Out):
    address: str = _address("The key.")
    added_block: int = Field(description="Block from which it signed for the participant.", examples=[3])
    added_at: int = Field(description="Time from which it signed (unix seconds).", examples=[1795860000])
    added_by: str = _address(
        "Who made it the participant's key: the authority that admitted it (its first key), the key it replaced"
        " (a planned change), or the authority (a recovery)."
    )
    reason_hash: str | None = _hash(
        "The council's decision, for a recovery; zero for a planned change (both keys signed); None for the first key."
    )
    replaced_block: int | None = Field(description="Block from which it was refused (None: it signs now).",
                                       examples=[None])  # fmt: skip
    replaced_at: int | None = Field(description="Time from which it was refused (unix seconds).", examples=[None])


class DeclarationOut(_Out):
    seq: int = Field(description="Sequence number of the declaration for this participant.", examples=[0])
    document_hash: str = _hash("Hash of the declaration document.")
    block_number: int = Field(description="Block in which it was filed.", examples=[5])
    timestamp: int = Field(description="Time it was filed (unix seconds).", examples=[1795860000])
    tx_hash: str = _hash("Transaction that filed it.")


class CreditEventOut(_Out):
    seq: int = Field(description="Sequence number of the credit event for this participant.", examples=[0])
    code: int = Field(description="Credit event code.", examples=[2])
    delta: int = Field(description="Change of the score.", examples=[-10])
    score: int = Field(description="Score after the event.", examples=[90])
    document_hash: str = _hash("Hash of the supporting document.")
    recorded_by: str = _address("Supervisor that recorded it.")
    block_number: int = Field(description="Block of the event.", examples=[30])
    timestamp: int = Field(description="Time of the event (unix seconds).", examples=[1795860300])
    tx_hash: str = _hash("Transaction that recorded it.")


class HeldCounts(_Out):
    holding: int = Field(description="Assets whose holding right the participant holds.", examples=[3])
    processing: int = Field(description="Assets whose processing right the participant holds.", examples=[2])
    operation: int = Field(description="Assets whose operation right the participant holds.", examples=[2])


class RevenueTotals(_Out):
    total: str = _amount("Everything paid to the participant by settlements (seller, fee and revenue shares)")
    seller: str = _amount("Received as seller")
    fee: str = _amount("Received as exchange fees")
    revenue_share: str = _amount("Received as revenue shares (paid out at settlement)")
    held: str = _amount("Revenue shares held for it at settlement while it was not active (see held_shares)")
    payments: int = Field(description="Number of payments received (held ones included).", examples=[4])


class HeldShareReleaseOut(_Out):
    to: str = _address("Who was paid the released shares.")
    amount: str = _amount("Released: everything held for the recipient then")
    by: str = _address("The authority that released them.")
    decision_hash: str = _hash("Hash of the decision the release rests on.")
    block_number: int = Field(description="Block of the release.", examples=[40])
    timestamp: int = Field(description="Time of the release (unix seconds).", examples=[1795860400])
    tx_hash: str = _hash("Transaction that released them (HeldSharesReleased).")


class HeldSharesOut(_Out):
    account: str = _address("The share recipient.")
    amount: str = _amount(
        "Held now: claimable once it is active again (claimHeldShares), or released by the authority to another"
        " account once it is revoked (releaseHeldShares)"
    )
    total_held: str = _amount("Held for it in all")
    total_claimed: str = _amount("Claimed in all")
    total_released: str = _amount("Released by the authority in all (the recipient being revoked)")
    releases: list[HeldShareReleaseOut] = Field(description="The authority's releases, oldest first.")


class IssuanceOut(_Out):
    limit: str = _amount("The most the bank may have outstanding, set by the council (0: it issues nothing)")
    outstanding: str = _amount("Issued less redeemed: what its reserves back")
    available: str = _amount("What it may still issue: the limit less what is outstanding (0 when above it)")
    issued_total: str = _amount("Issued in all")
    redeemed_total: str = _amount("Redeemed in all")
    reserve_hash: str | None = _hash("The reserve attestation its latest issuance named (None before any).")
    limit_set_by: str | None = _address("The authority that last set the limit (None if never set).")
    updated_block: int = Field(description="Block of the last change.", examples=[9])


class ParticipantDetail(ParticipantOut):
    keys: list[KeyOut] = Field(description="Every key it signed with, oldest first; the last signs now.")
    declaration_list: list[DeclarationOut] = Field(description="Compliance declarations, oldest first.")
    credit_score: int = Field(description="Current credit score (0 before any credit event).", examples=[100])
    credit_events: list[CreditEventOut] = Field(description="Credit events, oldest first.")
    assets_held: HeldCounts = Field(description="How many assets the participant holds each right of.")
    revenue_received: RevenueTotals = Field(description="Settlement payments received.")
    held_shares: HeldSharesOut = Field(description="Revenue shares held for it while it was not active.")
    balance: str = _amount("Settlement token balance")
    issuance: IssuanceOut | None = Field(
        default=None,
        description="A settlement bank's issuance: its limit, outstanding issuance and latest reserve attestation "
        "(None for an account that never had a limit set nor issued).",
    )


# ─────────────────────────────────────────────────────────── assets


class AssetSummary(_Out):
    asset_id: int = Field(description="Asset id.", examples=[1])
    name: str = Field(description="Asset name.", examples=["Guangxi logistics flows 2026"])
    content_hash: str = _hash("Hash of the data content.")
    category: int = Field(description="Category code.", examples=[1])
    category_name: str | None = Field(description="public, enterprise or personal.", examples=["enterprise"])
    grade: int = Field(description="Grade code.", examples=[0])
    grade_name: str | None = Field(description="general, important or core.", examples=["general"])
    kind: int = Field(description="Kind code.", examples=[0])
    kind_name: str | None = Field(description="dataset, model, service or verification_product.", examples=["dataset"])
    region: int = Field(description="Administrative region code.", examples=[450100])
    status: int = Field(description="Status code.", examples=[2])
    status_name: str | None = Field(
        description="none, pending, registered, rejected or cancelled.", examples=["registered"]
    )
    applicant: str = _address("Participant that applied for registration.")
    holding_holder: str = _address("Holder of the holding right (持有权).")
    processing_holder: str = _address("Holder of the processing right (加工使用权).")
    operation_holder: str = _address("Holder of the operation right (经营权).")
    disputed: bool = Field(description="An accepted objection is open.", examples=[False])
    frozen: bool = Field(description="Frozen by the authority.", examples=[False])
    anonymised: bool = Field(description="An anonymisation report was attested.", examples=[False])
    suspended: bool = Field(
        description="Its recognition (a registration of another province) is suspended: no licence, trade or transfer.",
        examples=[False],
    )
    licensed_until: int = Field(
        description="End, rounded up to a whole UTC day, of the latest-ending licence ever granted directly over"
        " it (unix seconds; 0: never licensed): until then its holder cannot cancel it alone.",
        examples=[0],
    )
    open_objections: int = Field(description="Accepted objections still open.", examples=[0])
    certificate_serial: int = Field(description="Registration certificate number (0 until registered).", examples=[1])
    registrar: str | None = _address("Registrar that reviewed the application.")
    registered_block: int | None = Field(description="Block of registration.", examples=[12])
    registered_at: int = Field(description="Time of registration (unix seconds; 0 until registered).", examples=[0])
    applied_block: int = Field(description="Block of the application.", examples=[10])
    applied_at: int = Field(description="Time of the application (unix seconds).", examples=[1795860000])
    metadata_uri: str = Field(description="Where the metadata document lives.", examples=["ipfs://bafy..."])
    metadata_hash: str = _hash("Hash of the metadata document.")
    updated_block: int = Field(description="Block of this version of the record.", examples=[12])


class LicenceOut(_Out):
    licence_id: int = Field(description="Licence id.", examples=[1])
    asset_id: int = Field(description="Licensed asset.", examples=[1])
    parent_id: int = Field(description="Parent licence of a sublicence (0: granted by a right holder).", examples=[0])
    depth: int = Field(description="0 for a licence, 1+ for sublicences.", examples=[0])
    licensor: str = _address("Who granted it.")
    licensee: str = _address("Who holds it.")
    right: int = Field(description="Right licensed (code).", examples=[1])
    right_name: str | None = Field(description="holding, processing or operation.", examples=["processing"])
    purpose: int = Field(description="Purpose code.", examples=[1])
    starts_at: int = Field(
        description="Start of validity (unix seconds): the terms' start, or the grant's time if later.",
        examples=[1795860000],
    )
    ends_at: int = Field(description="End of validity, exclusive (unix seconds).", examples=[1827396000])
    exclusive: bool = Field(description="Exclusive licence.", examples=[False])
    sublicensable: bool = Field(description="May be sublicensed.", examples=[True])
    transferable: bool = Field(description="May be transferred.", examples=[False])
    cross_border: bool = Field(description="Valid in countries besides regions.", examples=[False])
    regions: list[int] = Field(description="Region codes of the territory.", examples=[[450000]])
    countries: list[str] = Field(description="Country codes of the territory.", examples=[["CN"]])
    terms_hash: str = _hash("Hash of the licence terms document.")
    revoked: bool = Field(description="Revoked itself (or surrendered by its licensee).", examples=[False])
    revoked_by: str | None = _address("Who revoked it (the licensee: surrendered).")
    revoke_reason_hash: str | None = _hash("Hash of the revocation's reason.")
    revoked_block: int | None = Field(description="Block of revocation.", examples=[None])
    sold: bool = Field(
        description="Delivered by a settlement: a buyer paid for it, so its licensor cannot revoke it (the authority"
        " and its licensee still can).",
        examples=[False],
    )
    sold_until: int | None = Field(
        description="The latest end (unix seconds) of the sublicences sold under it, at any depth: until then"
        " neither its licensee nor its licensor can end it, only the authority (null: none sold).",
        examples=[None],
    )
    revoked_ancestor_id: int | None = Field(
        description="The nearest revoked licence above this sublicence: it makes this one invalid too (null: none).",
        examples=[None],
    )
    valid: bool = Field(
        description="Valid at the answer's block time: started, not ended, neither it nor a licence above it"
        " revoked or out of its period, and the asset still registered.",
        examples=[True],
    )
    granted_block: int = Field(description="Block of the grant.", examples=[14])
    granted_at: int = Field(description="Time of the grant (unix seconds).", examples=[1795860040])


class LicenceNode(LicenceOut):
    children: list[LicenceNode] = Field(description="Sublicences granted under this licence.")


class TradeOut(_Out):
    trade_key: str = _hash(
        "The trade's key, unique: keccak256(exchange, trade id) on an exchange, keccak256(0, seller, buyer, trade"
        " id) off it (TradeSettlement.tradeKey). Its URL: /api/v1/trades/{trade_key}."
    )
    trade_id: str = _hash("Trade id, unique per exchange (off exchange: per seller and buyer).")
    asset_id: int = Field(description="Asset traded.", examples=[1])
    exchange: str = _address("Exchange that matched it (zero address: off exchange).")
    on_exchange: bool = Field(description="Matched on an exchange.", examples=[True])
    seller: str = _address("Seller.")
    buyer: str = _address("Buyer.")
    price: str = _amount("Price paid by the buyer")
    fee: str = _amount("Exchange fee")
    seller_amount: str = _amount("Paid to the seller")
    right: int = Field(description="Right traded (code).", examples=[1])
    right_name: str | None = Field(description="holding, processing or operation.", examples=["processing"])
    licence_id: int = Field(description="Licence delivered (0: a right was transferred).", examples=[2])
    consent: str = Field(
        description="How the seller consented: signed (its EIP-712 sales consent), mandate (a standing mandate to"
        " the exchange), listing (its signed listing of the product on the exchange) or off_exchange (both parties"
        " signed the trade).",
        examples=["signed"],
    )
    mandate_id: str | None = _hash(
        "The seller's mandate (consent 'mandate') or the exchange's listing key (consent 'listing') the sale used."
    )
    timestamp: int = Field(description="Settlement time (unix seconds).", examples=[1795860100])
    block_number: int = Field(description="Settlement block.", examples=[20])
    tx_hash: str = _hash("Settlement transaction.")
    log_index: int = Field(description="Log index of the TradeSettled event.", examples=[3])


class ObjectionOut(_Out):
    objection_id: int = Field(description="Objection id.", examples=[1])
    asset_id: int = Field(description="Asset objected to.", examples=[1])
    objector: str = _address("Who lodged it.")
    status: int = Field(description="Status code.", examples=[1])
    status_name: str | None = Field(
        description="pending (lodged without standing: blocks nothing until a registrar accepts it), open (the"
        " asset is disputed), upheld or dismissed.",
        examples=["open"],
    )
    evidence_hash: str = _hash("Hash of the evidence.")
    lodged_block: int = Field(description="Block lodged.", examples=[22])
    lodged_at: int = Field(description="Time lodged (unix seconds).", examples=[1795860200])
    accepted_by: str | None = _address("Registrar that accepted it (a pending objection); null otherwise.")
    accept_decision_hash: str | None = _hash("Hash of the acceptance decision.")
    accepted_block: int | None = Field(description="Block accepted.", examples=[None])
    accepted_at: int | None = Field(description="Time accepted (unix seconds).", examples=[None])
    resolved_by: str | None = _address("Registrar that resolved it.")
    decision_hash: str | None = _hash("Hash of the decision.")
    resolved_block: int | None = Field(description="Block resolved.", examples=[None])
    resolved_at: int | None = Field(description="Time resolved (unix seconds).", examples=[None])


class FreezeOut(_Out):
    frozen: bool = Field(description="True: frozen; false: unfrozen.", examples=[True])
    by: str = _address("Supervisor that acted.")
    reason_hash: str = _hash("Hash of the reason document.")
    block_number: int = Field(description="Block of the action.", examples=[25])
    log_index: int = Field(description="Log index of the action.", examples=[0])
    timestamp: int = Field(description="Time of the action (unix seconds).", examples=[1795860250])
    tx_hash: str = _hash("Transaction.")


class OrderOut(_Out):
    order_id: int = Field(description="Rectification order id.", examples=[1])
    target: int = Field(description="Target code.", examples=[1])
    target_name: str | None = Field(description="participant or asset.", examples=["asset"])
    participant: str = _address("Participant ordered to rectify.")
    asset_id: int = Field(description="Asset concerned (0 for participant orders).", examples=[1])
    issued_by: str = _address("Supervisor that issued it.")
    status: int = Field(description="Status code.", examples=[1])
    status_name: str | None = Field(description="none, open or closed.", examples=["open"])
    document_hash: str = _hash("Hash of the order document.")
    opened_block: int = Field(description="Block issued.", examples=[26])
    opened_at: int = Field(description="Time issued (unix seconds).", examples=[1795860260])
    closed_by: str | None = _address("Who closed it.")
    closing_hash: str | None = _hash("Hash of the closing document.")
    closed_block: int | None = Field(description="Block closed.", examples=[None])
    closed_at: int = Field(description="Time closed (unix seconds; 0 while open).", examples=[0])


class AppraiserOut(_Out):
    appraiser: str = _address("The appraiser (its identity).")
    in_force: bool = Field(description="Accredited, not revoked, not expired at the answer's block.", examples=[True])
    accredited_at: int = Field(description="Time accredited or last renewed (unix seconds).", examples=[1795860260])
    accredited_block: int = Field(description="Block accredited or last renewed.", examples=[26])
    expires_at: int = Field(description="First second the accreditation no longer holds.", examples=[1830000000])
    document_hash: str = _hash("Hash of the accreditation certificate.")
    accredited_by: str = _address("The authority.")
    revoked: bool = Field(description="Revoked before it expired.", examples=[False])
    revoked_at: int | None = Field(description="Time revoked (unix seconds).", examples=[None])
    revoked_by: str | None = _address("Who revoked it.")
    revocation_hash: str | None = _hash("Hash of the revocation decision.")


class ValuationOut(_Out):
    valuation_id: int = Field(description="Valuation report id.", examples=[1])
    asset_id: int = Field(description="The asset valued.", examples=[1])
    appraiser: str = _address("The accredited appraiser that filed it.")
    method: int = Field(description="Valuation approach code.", examples=[1])
    method_name: str | None = Field(description="cost, income, market or combined.", examples=["income"])
    value: str = _amount("Appraised value in the currency's smallest unit (fen for CNY)")
    currency: str = Field(description="ISO 4217 code.", examples=["CNY"])
    base_date: int = Field(description="Valuation base date (评估基准日, unix seconds).", examples=[1795000000])
    valid_until: int = Field(description="First second the report no longer supports a recognition.",
                             examples=[1820000000])  # fmt: skip
    content_hash: str = _hash("The asset's content hash the report values.")
    report_hash: str = _hash("Hash of the valuation report.")
    status: int = Field(description="Status code.", examples=[1])
    status_name: str | None = Field(description="filed, withdrawn or rejected.", examples=["filed"])
    usable: bool = Field(description="Filed and still valid at the answer's block: it can support a recognition.",
                         examples=[True])  # fmt: skip
    filed_block: int = Field(description="Block filed.", examples=[30])
    filed_at: int = Field(description="Time filed (unix seconds).", examples=[1795860300])
    closed_by: str | None = _address("Who withdrew (its appraiser) or rejected (a supervisor) it.")
    closing_hash: str | None = _hash("Hash of the withdrawal's or rejection's reason.")
    closed_block: int | None = Field(description="Block withdrawn or rejected.", examples=[None])
    closed_at: int | None = Field(description="Time withdrawn or rejected (unix seconds).", examples=[None])


class RecognitionOut(_Out):
    asset_id: int = Field(description="The asset recognised.", examples=[1])
    holder: str = _address("Whose accounts carry it (the holding right's holder when recognised).")
    status: int = Field(description="1 recognised, 2 derecognised.", examples=[1])
    status_name: str = Field(description="recognised or derecognised.", examples=["recognised"])
    category: int = Field(description="Balance-sheet category code.", examples=[0])
    category_name: str | None = Field(description="intangible_asset, inventory or development_cost.",
                                      examples=["intangible_asset"])  # fmt: skip
    carrying_amount: str = _amount("Carrying amount in fen")
    valuation_id: int = Field(description="The valuation report it relies on.", examples=[1])
    period_start: int = Field(description="Reporting period's first second.", examples=[1793000000])
    period_end: int = Field(description="First second after the reporting period.", examples=[1800000000])
    auditor_hash: str = _hash("Hash of the auditor's opinion.")
    recognised_block: int = Field(description="Block recognised (or carried over's recognition).", examples=[31])
    recognised_at: int = Field(description="Time recognised (unix seconds).", examples=[1795860400])
    updated_at: int = Field(description="Time of the last measurement, carry-over or derecognition.",
                            examples=[1795860400])  # fmt: skip


class RecognitionEventOut(_Out):
    asset_id: int = Field(description="The asset.", examples=[1])
    block: int = Field(description="Block of the change.", examples=[31])
    log_index: int = Field(description="Log index of the change in its block.", examples=[0])
    kind: str = Field(description="recognised, remeasured, carried_over or derecognised.", examples=["recognised"])
    holder: str = _address("Whose accounts (the new holder's, for a carry-over).")
    counterpart: str | None = _address("The former holder, for a carry-over.")
    category_name: str | None = Field(description="Balance-sheet category, when recognised.",
                                      examples=["intangible_asset"])  # fmt: skip
    measurement_name: str | None = Field(description="impairment or amortisation, when remeasured.",
                                         examples=[None])  # fmt: skip
    reason_name: str | None = Field(description="Why it was derecognised.", examples=[None])
    previous_amount: str | None = _amount("Carrying amount before a measurement")
    carrying_amount: str = _amount("Carrying amount after the change (at derecognition: the amount it ended at)")
    valuation_id: int | None = Field(description="The valuation report, when recognised.", examples=[1])
    document_hash: str = _hash("Hash of the change's document (auditor's opinion, measurement, derecognition).")
    timestamp: int = Field(description="Time (unix seconds).", examples=[1795860400])
    tx_hash: str = _hash("Transaction.")


class RecognitionDetailOut(_Out):
    recognition: RecognitionOut = Field(description="The asset's recognition as it stands.")
    holder_holds_the_asset: bool = Field(
        description="Whether its holder still holds the holding right: false after a transfer, until the new holder "
        "carries it over or the former holder derecognises it.", examples=[True],
    )  # fmt: skip
    history: list[RecognitionEventOut] = Field(description="Every change of the asset's recognition, oldest first.")


class RecognisedTotalOut(_Out):
    holder: str = _address("The holder.")
    category: int = Field(description="Balance-sheet category code.", examples=[0])
    category_name: str | None = Field(description="intangible_asset, inventory or development_cost.",
                                      examples=["intangible_asset"])  # fmt: skip
    assets: int = Field(description="Assets recognised in that category.", examples=[3])
    carrying_amount: str = _amount("Their carrying amounts summed, in fen")


class QualityReportOut(_Out):
    report_id: int = Field(description="Quality report id.", examples=[1])
    asset_id: int = Field(description="The asset reported.", examples=[1])
    content_hash: str = _hash("The content the report names (the asset's).")
    reporter: str = _address("Who reported it (its identity).")
    problem: int = Field(description="Problem code.", examples=[0])
    problem_name: str | None = Field(description="accuracy, completeness, timeliness, consistency or compliance.",
                                     examples=["accuracy"])  # fmt: skip
    severity: int = Field(description="Severity code.", examples=[2])
    severity_name: str | None = Field(description="low, medium, high or critical.", examples=["high"])
    evidence_hash: str = _hash("Hash of the evidence.")
    deadline: int = Field(description="Last second the holder may answer (unix seconds).", examples=[1795000000])
    status: int = Field(description="Status code.", examples=[1])
    status_name: str | None = Field(description="filed, acknowledged, disputed, overdue, fixed, upheld, dismissed or "
                                    "withdrawn.", examples=["filed"])  # fmt: skip
    past_deadline: bool = Field(description="Filed, unanswered and past its deadline at the answer's block: overdue, "
                                "whether or not marked yet.", examples=[False])  # fmt: skip
    filed_block: int = Field(description="Block filed.", examples=[50])
    filed_at: int = Field(description="Time filed.", examples=[1793000000])
    holder: str | None = _address("The holder that answered, defaulted or fixed it.")
    answer_hash: str | None = _hash("Hash of the holder's answer.")
    answered_at: int | None = Field(description="Time answered.", examples=[None])
    fixed_asset_id: int | None = Field(description="The corrected dataset's asset.", examples=[None])
    fix_hash: str | None = _hash("Hash of the fix's document.")
    ruled_by: str | None = _address("The supervisor that ruled.")
    ruling_hash: str | None = _hash("Hash of the ruling.")
    withdrawal_hash: str | None = _hash("Hash of the reporter's reason for withdrawing.")


class QualityDefaultOut(_Out):
    holder: str = _address("The holder (its identity).")
    defaults: int = Field(description="Reports it left unanswered past their deadline (marked overdue).",
                          examples=[1])  # fmt: skip


class TraceVersionOut(_Out):
    kind: Literal["application", "registration", "change"] = Field(
        description="The application, its registration, or a change registration (new metadata).",
        examples=["registration"])  # fmt: skip
    metadata_hash: str = _hash("The metadata of this version.")
    by: str | None = _address("The applicant, the registrar, or who changed it.")
    block: int = Field(description="Block of this version.", examples=[12])
    at: int = Field(description="Its time (unix seconds).", examples=[1790000000])


class TraceLicenceOut(_Out):
    licence_id: int = Field(description="Licence id.", examples=[1])
    licensor: str = _address("Licensor.")
    licensee: str = _address("Licensee.")
    parent_id: int = Field(description="Parent licence (0: granted by the right holder).", examples=[0])
    revoked: bool = Field(description="Revoked.", examples=[False])


class TraceTradeOut(_Out):
    trade_key: str = _hash("The trade's key.")
    exchange: str = _address("Settling exchange (zero off exchange).")
    seller: str = _address("Seller.")
    buyer: str = _address("Buyer.")
    price: str = _amount("Price in fen")
    timestamp: int = Field(description="Time settled.", examples=[1790000000])


class TraceOut(_Out):
    content_hash: str = _hash("The content traced.")
    asset_id: int = Field(description="The asset registered with it.", examples=[1])
    name: str = Field(description="The asset's name.", examples=["Logistics routes"])
    status_name: str | None = Field(description="The asset's status.", examples=["registered"])
    applicant: str = _address("Who applied to register it.")
    registrar: str | None = _address("The registrar that registered it.")
    holding_holder: str = _address("Who holds the holding right now: who answers for the data.")
    versions: list[TraceVersionOut] = Field(description="Its registration and change registrations, oldest first.")
    licences: list[TraceLicenceOut] = Field(description="Every licence granted over it (each delivered this content).")
    trades: list[TraceTradeOut] = Field(description="Every trade that sold it or a licence of it.")
    quality_reports: list[QualityReportOut] = Field(description="Every quality report naming this content.")


class DisclosureOut(_Out):
    disclosure_id: int = Field(description="Disclosure id.", examples=[1])
    exchange: str = _address("The exchange that filed it (its identity).")
    kind: int = Field(description="What is disclosed (code).", examples=[0])
    kind_name: str | None = Field(description="trade_statistics, rule_change, incident or fee_schedule.",
                                  examples=["trade_statistics"])  # fmt: skip
    period: str = Field(description="The months it covers, China Standard Time: 2026-11, 2026-Q4, 2026-H2, 2026, or "
                        "2026-11..2027-01.", examples=["2026-Q3"])  # fmt: skip
    period_start: int = Field(description="First second of the period (unix seconds).", examples=[1782835200])
    period_end: int = Field(description="First second after the period.", examples=[1790784000])
    document_hash: str = _hash("Hash of the published document.")
    corrects: int | None = Field(description="The earlier disclosure of the same exchange, kind and period this one "
                                 "corrects (the latest before it).", examples=[None])  # fmt: skip
    filed_block: int = Field(description="Block filed.", examples=[120])
    filed_at: int = Field(description="Time filed (unix seconds).", examples=[1791000000])
    tx_hash: str = _hash("The filing transaction.")


class DisclosureRequirementOut(_Out):
    kind: int = Field(description="What is disclosed (code).", examples=[0])
    kind_name: str | None = Field(description="trade_statistics, rule_change, incident or fee_schedule.",
                                  examples=["trade_statistics"])  # fmt: skip
    months: int = Field(description="Calendar months per required period (1, 3, 6, 12; 0: not required).",
                        examples=[3])  # fmt: skip
    grace_days: int = Field(description="Days after a period by which its disclosure is due.", examples=[30])
    since: int = Field(description="When the authority set it: it covers the periods that begin from then until it "
                       "is replaced (unix seconds).", examples=[1790000000])  # fmt: skip
    set_by: str | None = _address("The authority (none when never set).")
    set_block: int | None = Field(description="Block it was set in.", examples=[40])


class RequiredPeriodOut(_Out):
    kind: int = Field(description="What is disclosed (code).", examples=[0])
    kind_name: str | None = Field(description="trade_statistics, rule_change, incident or fee_schedule.",
                                  examples=["trade_statistics"])  # fmt: skip
    period: str = Field(description="The required period (China Standard Time).", examples=["2026-Q3"])
    period_start: int = Field(description="First second of the period.", examples=[1782835200])
    period_end: int = Field(description="First second after the period.", examples=[1790784000])
    due_at: int = Field(description="When its disclosure is due: the period's end plus the days of grace.",
                        examples=[1793376000])  # fmt: skip
    status: Literal["on_time", "late", "missed", "open"] = Field(
        description="on_time or late: met by a disclosure filed by the due date or after it; missed: due and not "
        "disclosed; open: not due yet, not disclosed yet.", examples=["on_time"],
    )  # fmt: skip
    disclosure_id: int | None = Field(description="The first disclosure whose months contain the period.",
                                      examples=[3])  # fmt: skip
    filed_at: int | None = Field(description="When that disclosure was filed.", examples=[1791000000])


class DisclosureCalendarOut(_Out):
    exchange: str = _address("The exchange (its identity).")
    name: str = Field(description="The exchange's registered name.", examples=["Beibu Gulf Big Data Exchange"])
    admitted_at: int = Field(description="When it was admitted: nothing is owed for periods that began before.",
                             examples=[1780000000])  # fmt: skip
    on_time: int = Field(description="Required periods met in time.", examples=[3])
    late: int = Field(description="Required periods met after their due date.", examples=[1])
    missed: int = Field(description="Required periods due and not disclosed.", examples=[0])
    open: int = Field(description="Required periods ended but not due yet, not disclosed yet.", examples=[1])
    periods: list[RequiredPeriodOut] | None = Field(
        description="Every required period, by kind then period (in the calendar of one exchange; not in the "
        "summary of all).",
    )  # fmt: skip


class RevenueShareOut(_Out):
    right: int = Field(description="The right whose sales (and licences) pay the share (code).", examples=[1])
    right_name: str | None = Field(description="holding, processing or operation.", examples=["processing"])
    recipient: str = _address("Share recipient.")
    bps: int = Field(description="Share in basis points of the price net of the exchange fee.", examples=[500])


class PublicOperationOut(_Out):
    asset_id: int = Field(description="The public-data asset.", examples=[1])
    operator: str = _address("The authorised operator.")
    right: int = Field(description="Right licensed (code).", examples=[2])
    right_name: str | None = Field(description="processing or operation.", examples=["operation"])
    purpose: int = Field(description="Purpose code.", examples=[2001])
    latest_end: int = Field(description="The licence must end by then (unix seconds; 0 once closed).", examples=[0])
    status: int = Field(description="Status code.", examples=[2])
    status_name: str | None = Field(description="authorised (unused), used or withdrawn.", examples=["used"])
    decision_hash: str = _hash("Hash of the authority's decision.")
    authorised_by: str = _address("The authority.")
    authorised_block: int = Field(description="Block of the approval.", examples=[15])
    authorised_at: int = Field(description="Time of the approval (unix seconds).", examples=[1795860050])
    licence_id: int | None = Field(description="The licence that used it.", examples=[1])
    closed_block: int | None = Field(description="Block it was used or withdrawn.", examples=[16])


class MandateOut(_Out):
    mandate_id: str = _hash("The mandate's id (the hash of its terms).")
    seller: str = _address("The seller that granted it.")
    exchange: str = _address("The exchange mandated to sell.")
    asset_id: int = Field(description="The asset.", examples=[3])
    delivery: int = Field(description="Delivery code.", examples=[1])
    delivery_name: str | None = Field(description="right or license.", examples=["license"])
    right: int = Field(description="Right sold or licensed (code).", examples=[1])
    right_name: str | None = Field(description="holding, processing or operation.", examples=["processing"])
    parent_licence_id: int = Field(description="Sublicences of this licence of the seller's (0: none).", examples=[0])
    template: dict[str, Any] = Field(
        description="Licence delivery: the terms every licence sold must match but for its period (purpose, regions,"
        " countries, exclusive, sublicensable, transferable, terms_hash)."
    )
    max_duration: int = Field(description="Longest licence sold (seconds).", examples=[7776000])
    min_net: str = _amount("The least the seller nets on each sale")
    expiry: int = Field(description="Last moment a sale may settle under it (unix seconds).", examples=[1798452000])
    salt: str = Field(description="Tells apart otherwise equal mandates (uint256, decimal string).", examples=["7"])
    status: int = Field(description="1 in force, 2 revoked (an expired mandate keeps 1).", examples=[1])
    status_name: str = Field(
        description="in_force, revoked or expired (past its expiry at the answer's block time).", examples=["in_force"]
    )
    granted_block: int = Field(description="Block granted.", examples=[40])
    granted_at: int = Field(description="Time granted (unix seconds).", examples=[1795860400])
    revoked_block: int | None = Field(description="Block revoked.", examples=[None])
    revoked_at: int | None = Field(description="Time revoked (unix seconds).", examples=[None])


class AssetDetail(AssetSummary):
    licences: list[LicenceNode] = Field(description="Licences (depth 0) with their sublicences as a tree.")
    trades: list[TradeOut] = Field(description="The asset's most recent trades (up to 100), newest first.")
    trade_count: int = Field(description="Number of trades of the asset.", examples=[2])
    objections: list[ObjectionOut] = Field(description="Objections, oldest first.")
    freezes: list[FreezeOut] = Field(description="Freezes and unfreezes, oldest first.")
    orders: list[OrderOut] = Field(description="Rectification orders about the asset.")
    revenue_shares: list[RevenueShareOut] = Field(description="Revenue shares set on the asset, per right.")
    public_operations: list[PublicOperationOut] = Field(
        description="The authority's approvals of authorised operation of this public data (公共数据授权运营)."
    )
    mandates: list[MandateOut] = Field(description="Standing mandates its sellers gave exchanges, oldest first.")


class RightSpan(_Out):
    right: int = Field(description="Right code.", examples=[0])
    right_name: str | None = Field(description="holding, processing or operation.", examples=["holding"])
    holder: str = _address("Holder during the span.")
    from_block: int = Field(description="First block of the span.", examples=[10])
    from_timestamp: int | None = Field(description="Time of that block (unix seconds).", examples=[1795860000])
    to_block: int | None = Field(
        description="Block where the next holder took over; null: still held.", examples=[None]
    )
    to_timestamp: int | None = Field(description="Time of that block (unix seconds).", examples=[None])


class EventOut(_Out):
    block_number: int = Field(description="Block of the event.", examples=[10])
    log_index: int = Field(description="Position of the log in the block.", examples=[0])
    timestamp: int | None = Field(description="Block time (unix seconds).", examples=[1795860000])
    tx_hash: str = _hash("Transaction that emitted it.")
    contract: str = Field(description="Emitting contract.", examples=["AssetRegistry"])
    name: str = Field(description="Event name.", examples=["RegistrationApplied"])
    actor: str | None = _address("The acting account named by the event (registrar, supervisor, seller, ...).")
    args: dict[str, Any] = Field(description="Decoded event arguments.", examples=[{"assetId": 1}])


class AssetHistory(_Out):
    asset_id: int = Field(description="Asset id.", examples=[1])
    rights_timeline: list[RightSpan] = Field(description="Who held which right when, oldest first per right.")
    events: list[EventOut] = Field(description="This page of the asset's events, oldest first.")


class PaymentOut(_Out):
    kind: str = Field(description="seller, fee or revenue_share.", examples=["revenue_share"])
    payee: str = _address("Who was paid.")
    amount: str = _amount("Amount")
    held: bool = Field(
        description="A revenue share held for an inactive recipient (claimable once it is active again).",
        examples=[False],
    )


class TradeDetail(TradeOut):
    payments: list[PaymentOut] = Field(description="What the buyer's payment was split into.")


class RefusalError(_Out):
    name: str = Field(
        description="The contract's custom error (UnknownRevert if not one).", examples=["MandateExpired"]
    )
    refusal: str = Field(description="permission, not_found, conflict, invalid or unknown.", examples=["invalid"])
    values: dict[str, Any] = Field(description="The error's values (a nested error decoded too).")


class TradeRefusalOut(_Out):
    tx_hash: str = _hash("The batch's transaction.")
    log_index: int = Field(description="Log index of the TradeRefused event.", examples=[4])
    block_number: int = Field(description="Block of the batch.", examples=[50])
    timestamp: int = Field(description="Its time (unix seconds).", examples=[1795860500])
    trade_id: str = _hash("The refused trade's id.")
    exchange: str = _address("The settling exchange.")
    source: str = Field(
        description="TradeSettlement (signed consents) or MandateRegistry (mandates).", examples=["TradeSettlement"]
    )
    item_index: int = Field(description="The trade's index in its batch.", examples=[1])
    reason: str = Field(description="The refusal, ABI-encoded (0x hex).", examples=["0x..."])
    error: RefusalError = Field(description="The refusal decoded.")


class ListingOut(_Out):
    listing_key: str = _hash("The listing's key, keccak256(exchange, listing_id): the consent its trades cite.")
    exchange: str = _address("The listing exchange.")
    listing_id: str = _hash("The exchange's id of the listing.")
    seller: str = _address("The seller (its identity).")
    seller_key: str = _address("The key with which the seller signed the listing.")
    asset_id: int = Field(description="The asset offered.", examples=[3])
    delivery: int = Field(description="Delivery code.", examples=[1])
    delivery_name: str | None = Field(description="right or license.", examples=["license"])
    right: int = Field(description="Right sold or licensed (code).", examples=[1])
    right_name: str | None = Field(description="holding, processing or operation.", examples=["processing"])
    parent_licence_id: int = Field(description="Sublicences of this licence of the seller's (0: none).", examples=[0])
    template: dict[str, Any] = Field(
        description="Licence delivery: the terms every licence sold must match but for its period (purpose, regions,"
        " countries, exclusive, sublicensable, transferable, terms_hash)."
    )
    max_duration: int = Field(description="Longest licence sold (seconds; 0 for a right).", examples=[31536000])
    min_price: str = _amount("The least price of a trade")
    max_price: str = _amount("The greatest price of a trade (equal to min_price: a list price)")
    min_net: str = _amount("The least the seller nets on each sale")
    starts_at: int = Field(description="The listing period's first second (unix seconds).", examples=[1795860400])
    ends_at: int = Field(description="The listing period's last second (unix seconds).", examples=[1798452000])
    version: int = Field(description="Its current version (1 when first listed; higher with each amendment).",
                         examples=[2])  # fmt: skip
    document_hash: str = _hash("The hash of the current version's listing document (挂牌文件).")
    status: int = Field(description="0 listed, 1 delisted by the exchange, 2 withdrawn by the seller.", examples=[0])
    status_name: str = Field(description="listed, delisted or withdrawn.", examples=["listed"])
    standing: str = Field(
        description="At the answer's block time: on_sale; upcoming (its period has not begun); suspended (the asset"
        " cannot be delivered now: not registered, frozen, disputed or suspended; no trade may reference it);"
        " expired; delisted; withdrawn.",
        examples=["on_sale"],
    )
    seller_holds: bool | None = Field(
        description="Whether the seller still holds the right it listed (a right or a licence of the holder's own;"
        " null for sublicences): once it does not, no trade under the listing can settle.",
        examples=[True],
    )
    listed_block: int = Field(description="Block first listed.", examples=[40])
    listed_at: int = Field(description="Time first listed (unix seconds).", examples=[1795860400])
    amended_at: int = Field(description="Time its current version was listed (unix seconds).", examples=[1795860400])
    ended_by: str | None = _address("Who delisted or withdrew it (null while listed).")
    end_hash: str | None = _hash("The hash of the delisting notice or the withdrawal (null while listed).")
    ended_at: int | None = Field(description="Time delisted or withdrawn (unix seconds).", examples=[None])
    sales: int = Field(description="Trades settled under it.", examples=[3])
    last_sale_at: int | None = Field(description="Time of its latest sale (unix seconds).", examples=[1795870400])


class ListingVersionOut(_Out):
    version: int = Field(description="The version.", examples=[1])
    block: int = Field(description="Block it was listed in.", examples=[40])
    listed_at: int = Field(description="Time it was listed (unix seconds).", examples=[1795860400])
    min_price: str = _amount("Its least price")
    max_price: str = _amount("Its greatest price")
    min_net: str = _amount("Its least net for the seller")
    starts_at: int = Field(description="Its period's first second.", examples=[1795860400])
    ends_at: int = Field(description="Its period's last second.", examples=[1798452000])
    max_duration: int = Field(description="Its longest licence (seconds).", examples=[31536000])
    document_hash: str = _hash("Its listing document's hash.")


class ListingDetail(ListingOut):
    versions: list[ListingVersionOut] = Field(description="Every version listed, oldest first (amendments).")
    trades: list[TradeOut] = Field(description="Trades settled under it (up to 100, newest first).")
    trade_count: int = Field(description="Number of trades settled under it.", examples=[2])


class OpeningEntryOut(_Out):
    entry_id: int = Field(description="The entry's id.", examples=[1])
    year: int = Field(description="The year of the list it belongs to.", examples=[2027])
    department: str = _address("The public-data department that must open the data.")
    description_hash: str = _hash("The hash of the data's description in the published list.")
    target_date: int = Field(description="The date by which it must be open (unix seconds).", examples=[1798452000])
    status: int = Field(description="1 planned, 2 registered, 3 opened, 4 withdrawn.", examples=[2])
    status_name: str = Field(description="planned, registered, opened or withdrawn.", examples=["registered"])
    overdue: bool = Field(description="Planned or registered past its target date (at the answer's block time).",
                          examples=[False])  # fmt: skip
    opened_late: bool = Field(description="Opened after its target date.", examples=[False])
    asset_id: int | None = Field(description="The public-data asset registered for it (from 'registered').",
                                 examples=[5])  # fmt: skip
    registered_at: int | None = Field(description="When the asset was linked (unix seconds).", examples=[None])
    opened_at: int | None = Field(description="When it was shown open (unix seconds).", examples=[None])
    evidence: str | None = Field(description="licence or listing: what showed it open.", examples=["licence"])
    evidence_ref: str | None = _hash("The licence's id (as 32 bytes) or the listing's key that showed it open.")
    opened_by: str | None = _address("Who showed it open.")
    withdrawal_hash: str | None = _hash("The hash of the authority's reason, when withdrawn.")
    withdrawn_at: int | None = Field(description="When it was withdrawn (unix seconds).", examples=[None])
    published_block: int = Field(description="Block the list with it was published in.", examples=[30])
    published_at: int = Field(description="Time it was published (unix seconds).", examples=[1795860400])


class OpeningListOut(_Out):
    year: int = Field(description="The list's year.", examples=[2027])
    list_hash: str = _hash("The hash of the published list document.")
    first_entry_id: int = Field(description="Its first entry (the others follow in order).", examples=[1])
    entries: int = Field(description="Number of its entries.", examples=[3])
    published_by: str = _address("The authority.")
    published_at: int = Field(description="Time published (unix seconds).", examples=[1795860400])
    tx_hash: str = _hash("The publishing transaction.")


class OpeningProgressRow(_Out):
    department: str = _address("The department.")
    entries: int = Field(description="Entries of the year naming it (withdrawn ones included).", examples=[3])
    planned: int = Field(description="Still planned (no asset registered).", examples=[1])
    registered: int = Field(description="Registered, not yet open.", examples=[1])
    opened: int = Field(description="Opened.", examples=[1])
    opened_late: int = Field(description="Opened after their target date (counted in 'opened').", examples=[0])
    overdue: int = Field(description="Planned or registered past their target date (counted there too).",
                         examples=[0])  # fmt: skip
    withdrawn: int = Field(description="Withdrawn by the authority.", examples=[0])


class OpeningProgress(_Out):
    year: int = Field(description="The year.", examples=[2027])
    lists: list[OpeningListOut] = Field(description="The lists published for the year (a list may come in parts).")
    total: OpeningProgressRow = Field(description="All departments together (department: the zero address).")
    departments: list[OpeningProgressRow] = Field(description="Each department's progress, by address.")


class MandateDetail(MandateOut):
    trades: list[TradeOut] = Field(description="Trades settled under it (up to 100, newest first).")
    trade_count: int = Field(description="Number of trades settled under it.", examples=[2])


# ─────────────────────────────────────────────────────────── aggregates, revenue, search, status


class AggregateRow(_Out):
    key: str = Field(
        description="Day (YYYY-MM-DD, UTC), category name, exchange address or right name.", examples=["2026-11-28"]
    )
    count: int = Field(description="Number of trades.", examples=[12])
    volume: str = _amount("Sum of prices")
    fees: str = _amount("Sum of the exchange fees")
    revenue_shares: str = _amount("Sum of the revenue shares paid out at settlement")
    held_shares: str = _amount("Sum of the revenue shares held for recipients that were not active")


class RevenueRow(_Out):
    participant: str = _address("Payee.")
    asset_id: int = Field(description="Asset whose settlements paid it.", examples=[1])
    amount: str = _amount("Total received")
    seller: str = _amount("Received as seller")
    fee: str = _amount("Received as exchange fees")
    revenue_share: str = _amount("Received as revenue shares (paid out at settlement)")
    held: str = _amount("Revenue shares held for it while it was not active")
    payments: int = Field(description="Number of payments (held ones included).", examples=[3])


class SearchHit(_Out):
    type: str = Field(description="asset, participant, certificate or transaction.", examples=["asset"])
    id: str = Field(description="Asset id, account, or transaction hash.", examples=["1"])
    label: str = Field(description="Human-readable label.", examples=["Guangxi logistics flows 2026"])
    asset_id: int | None = Field(default=None, description="The asset concerned, if any.", examples=[1])


class Counts(_Out):
    participants: int = Field(description="Participants.", examples=[12])
    assets: int = Field(description="Assets (every status).", examples=[8])
    licences: int = Field(description="Licences and sublicences.", examples=[5])
    trades: int = Field(description="Settled trades.", examples=[6])
    objections: int = Field(description="Objections.", examples=[1])
    freezes: int = Field(description="Freeze and unfreeze actions.", examples=[2])
    orders: int = Field(description="Rectification orders.", examples=[1])
    mandates: int = Field(description="Mandates ever granted.", examples=[1])
    trade_refusals: int = Field(description="Trades refused in batches settled trade by trade.", examples=[0])


class Status(_Out):
    chain_id: int | None = Field(
        description="Chain id the indexer follows (null until it recorded one).", examples=[31337]
    )
    indexed_block: int = Field(
        description="Last block whose events are all in the store (also with `?at=`: the envelope's block names the "
        "block the answer reflects).",
        examples=[120],
    )
    chain_head: int | None = Field(description="Newest chain head the indexer recorded.", examples=[121])
    lag_blocks: int = Field(description="chain_head - indexed_block (0 when unknown).", examples=[1])
    lag_seconds: float = Field(description="Age of the indexed block while newer blocks exist.", examples=[0.8])
    counts: Counts = Field(description="Record counts at the answer's block.")
    trade_volume: str = _amount("Sum of every trade's price, up to the answer's block")
    paused_contracts: list[str] = Field(
        description="The contracts paused at the answer's block (their names in the deployment's manifest, in the "
        "order of their bits in the pause register), empty when none is: each refuses every participant's change "
        "until the council unpauses it. Who paused them and why: `/api/v1/governance/pauses`.",
        examples=[["AssetRegistry", "TradeSettlement"]],
    )


# ─────────────────────────────────────────────────────────── governance


class GovernanceOperationOut(_Out):
    operation_id: str = _hash("The access manager's operation id: keccak256 of (caller, target, call data).")
    nonce: int = Field(description="How many times it was scheduled (this scheduling's number).", examples=[1])
    status: str = Field(
        description="pending (waiting out the delay), ready (executable), expired (a week after ready, not executed), "
        "executed or cancelled, as of the answer's block.",
        examples=["pending"],
    )
    caller: str = _address("Who scheduled it: the council's Safe.")
    target: str = _address("The contract the manager is to call.")
    selector: str = Field(description="The called function's selector.", examples=["0xcaa903b6"])
    data: str = Field(description="The call data (0x hex).", examples=["0xcaa903b6"])
    ready_at: int = Field(description="Earliest execution time (unix seconds).", examples=[1796551944])
    scheduled_block: int = Field(description="Block scheduled.", examples=[19])
    scheduled_at: int = Field(description="Time scheduled (unix seconds).", examples=[1796551884])
    scheduled_tx: str = _hash("Transaction that scheduled it.")
    closed_block: int | None = Field(description="Block executed or cancelled.", examples=[21])
    closed_at: int | None = Field(description="Time executed or cancelled.", examples=[1796551945])
    closed_tx: str | None = _hash("Transaction that executed or cancelled it.")


class GovernanceMemberOut(_Out):
    account: str = _address("The member (an officers' Safe).")
    since: int = Field(description="Member since (unix seconds).", examples=[1796551800])
    execution_delay: int = Field(
        description="Seconds between scheduling a call of this role and executing it (0: at once).", examples=[60]
    )


class GovernanceRoleOut(_Out):
    role_id: str = Field(description="The manager's role id (decimal string): 0 admin, 1 council, 2 guardian, "
                         "3 emergency.", examples=["1"])  # fmt: skip
    label: str | None = Field(description="The role's label.", examples=["COUNCIL"])
    admin_role: str = Field(description="The role that grants and revokes it.", examples=["0"])
    guardian_role: str = Field(description="The role that may cancel its scheduled operations.", examples=["2"])
    members: list[GovernanceMemberOut] = Field(description="Its current members, by account.")


class GovernanceSafeOut(_Out):
    safe: str = Field(description="The Safe's name in the deployment.", examples=["CouncilSafe"])
    owners: list[str] = Field(description="Its officers, in the Safe's order.", examples=[[ADDRESS_EXAMPLE]])
    threshold: int = Field(description="How many officers must sign.", examples=[2])
    nonce: int = Field(description="How many Safe transactions it executed.", examples=[4])


class GovernanceSafeTransactionOut(_Out):
    safe: str = Field(description="The Safe's name.", examples=["CouncilSafe"])
    nonce: int = Field(description="The Safe transaction's nonce.", examples=[0])
    safe_tx_hash: str = _hash("The EIP-712 hash the officers signed.")
    target: str = _address("What the Safe called (the access manager).")
    selector: str = Field(description="The manager's function: schedule, execute, cancel or multicall.",
                          examples=["0xf801a698"])  # fmt: skip
    signers: list[str] = Field(description="The officers whose signatures carried it.", examples=[[ADDRESS_EXAMPLE]])
    success: bool = Field(description="Whether the Safe's call succeeded.", examples=[True])
    sender: str = _address("Who sent the transaction (it only paid for it).")
    tx_hash: str = _hash("The transaction.")
    block: int = Field(description="Its block.", examples=[19])
    timestamp: int = Field(description="Its time (unix seconds).", examples=[1796551884])


class GovernanceTargetOut(_Out):
    target: str = _address("The contract whose settings at the manager changed (a ledger's contract, the manager "
                           "itself, a Safe).")  # fmt: skip
    closed: bool = Field(description="Whether the manager refuses every restricted call to it (setTargetClosed).",
                         examples=[False])  # fmt: skip
    admin_delay: int = Field(description="Seconds the admin delay in force at the answer's block time adds to a "
                             "change of its settings (0: none).", examples=[0])  # fmt: skip
    next_admin_delay: int | None = Field(description="An admin delay set but not in force yet (the manager's "
                                         "setback), else null.", examples=[3600])  # fmt: skip
    next_admin_delay_since: int | None = Field(description="When it takes effect (unix seconds), else null.",
                                               examples=[1797000000])  # fmt: skip
    updated_block: int = Field(description="Block of its last change.", examples=[31])


class GovernanceOut(_Out):
    roles: list[GovernanceRoleOut] = Field(description="The manager's roles with their current members.")
    safes: list[GovernanceSafeOut] = Field(description="The officers' Safes.")
    targets: list[GovernanceTargetOut] = Field(
        description="The settings of every target closed or given an admin delay at the manager, by address (a target "
        "not listed is open, with no admin delay)."
    )
    pending: int = Field(description="Operations waiting out the council's delay.", examples=[1])
    ready: int = Field(description="Operations executable now.", examples=[0])
    recent: list[GovernanceSafeTransactionOut] = Field(
        description="The officers' last Safe transactions, newest first."
    )


class ContractPauseChangeOut(_Out):
    paused: bool = Field(description="Whether this change paused the contract (false: unpaused it).", examples=[True])
    reason_hash: str = _hash("Hash of the reason the authority gave (its document, kept off the chain).")
    changed_by: str = _address("Who changed it: the authority (its access manager, through the emergency officers "
                               "to pause, the council to unpause).")  # fmt: skip
    block: int = Field(description="Block of the change.", examples=[42])
    timestamp: int = Field(description="Time of the change (unix seconds).", examples=[1796551884])


class ContractPauseOut(_Out):
    contract: str = Field(description="The contract's name in the deployment's manifest.", examples=["AssetRegistry"])
    bit: int = Field(description="Its bit in the pause register (`Pausing.sol`).", examples=[2])
    paused: bool = Field(description="Whether it is paused at the answer's block.", examples=[True])
    reason_hash: str | None = _hash("The reason of its latest pause or unpause (null: never paused).")
    changed_by: str | None = _address("Who made its latest pause or unpause (null: never paused).")
    changed_block: int | None = Field(description="Block of its latest pause or unpause (null: never paused).",
                                      examples=[42])  # fmt: skip
    history: list[ContractPauseChangeOut] = Field(
        description="Every pause and unpause of it up to the answer's block, oldest first (a pause of contracts "
        "some of which were paused already changes only the others)."
    )


class PausesOut(_Out):
    pause_register: int = Field(
        description="The pause register as the asset registry's `pausedContracts()` returns it: the bits of the "
        "paused contracts.",
        examples=[18],
    )
    paused_contracts: list[str] = Field(description="The paused contracts' names, in bit order; empty when none.",
                                        examples=[["AssetRegistry", "TradeSettlement"]])  # fmt: skip
    contracts: list[ContractPauseOut] = Field(description="Every pausable contract, in bit order.")
