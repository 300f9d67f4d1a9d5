"""Request and response models of the write gateway (``/api/v1/tx/...``).

Requests are strict: unknown fields are refused (422), JSON types are not coerced (an integer
field takes a JSON integer, not a string or a boolean), addresses are ``0x`` + 40 hex digits (a
mixed-case address must carry a valid EIP-55 checksum), hashes ``0x`` + 64 hex digits, integers
within their Solidity types. Enum values are given by name, as the CLI spells them.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from eth_utils.address import is_checksum_address, to_checksum_address
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ledger.contracts.credit_code import PATTERN as CREDIT_CODE_PATTERN
from ledger.contracts.credit_code import InvalidCreditCode, normalise_credit_code
from ledger.contracts.types import (
    Category,
    Delivery,
    Grade,
    Kind,
    LicenseTerms,
    Listing,
    Mandate,
    Offer,
    OrderTarget,
    Right,
    Role,
    SalesConsent,
    Trade,
)

__all__ = [
    "AcceptObjectionRequest",
    "AdmitRequest",
    "AgreementRequest",
    "AmountRequest",
    "ApprovalRequest",
    "ApproveRequest",
    "BatchSettleRequest",
    "CertificateImportRequest",
    "ConsentModel",
    "ConsentResponse",
    "ConsentTypedDataRequest",
    "CreditEventRequest",
    "DecisionRequest",
    "DerecognitionRequest",
    "DirectTradeRequest",
    "DirectTradeTermsRequest",
    "DisclosureRequest",
    "GatewayErrorBody",
    "GrantLicenceRequest",
    "GrantMandateRequest",
    "HashRequest",
    "IssueRequest",
    "LinkOpeningAssetRequest",
    "ListProductRequest",
    "ListedSettleRequest",
    "ListingModel",
    "ListingReasonRequest",
    "ListingSignatureResponse",
    "ListingTypedDataRequest",
    "MandateModel",
    "MandatedBatchRequest",
    "MandatedSettleRequest",
    "MeasurementRequest",
    "MetadataChangeRequest",
    "NonceRequest",
    "ObjectionRequest",
    "OpenOrderRequest",
    "OpeningEntryModel",
    "OpeningShownRequest",
    "PriceBandRequest",
    "ProposalFileRequest",
    "ProposalListResponse",
    "ProposalResponse",
    "ProposeRequest",
    "ProposedCall",
    "PublicOperationRequest",
    "PublishOpeningListRequest",
    "QualityAnswerRequest",
    "QualityFixRequest",
    "QualityReportRequest",
    "QualityRulingRequest",
    "RecognitionRequest",
    "RegistrationRequest",
    "ReleaseHeldSharesRequest",
    "RevenueSharesRequest",
    "ReviewRequest",
    "RolesRequest",
    "SettleRequest",
    "SignConsentRequest",
    "SignListingRequest",
    "TokenTransferRequest",
    "TransferLicenceRequest",
    "TransferRightRequest",
    "TxEvent",
    "TxResponse",
    "TypedDataResponse",
    "ValuationRequest",
    "WithdrawListingRequest",
    "WithdrawOpeningEntryRequest",
    "WithdrawPublicOperationRequest",
    "WriteRequest",
]

UINT16_MAX: Final = 2**16 - 1
UINT24_MAX: Final = 2**24 - 1
UINT40_MAX: Final = 2**40 - 1
UINT64_MAX: Final = 2**64 - 1
UINT128_MAX: Final = 2**128 - 1
UINT256_MAX: Final = 2**256 - 1
ZERO_HASH: Final = "0x" + "00" * 32

_EXAMPLE_ADDRESS: Final = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
_EXAMPLE_HASH: Final = "0x" + "ab" * 32


def _checksummed(value: str) -> str:
    if value[2:] != value[2:].lower() and value[2:] != value[2:].upper() and not is_checksum_address(value):
        raise ValueError("mixed-case address with an invalid EIP-55 checksum")
    return to_checksum_address(value)


def _credit_code(value: str) -> str:
    try:
        return normalise_credit_code(value)
    except InvalidCreditCode as exc:
        raise ValueError(str(exc)) from None


CreditCode = Annotated[
    str,
    Field(
        min_length=18,
        max_length=18,
        pattern=CREDIT_CODE_PATTERN,
        description="A unified social credit code (统一社会信用代码, GB 32100: 18 characters, the last a check"
        " character over the first 17).",
        examples=["91450100MA5KA00032"],
    ),
    AfterValidator(_credit_code),
]
Address = Annotated[
    str,
    Field(
        pattern=r"^0x[0-9a-fA-F]{40}$",
        description="An account address (0x + 40 hex digits; EIP-55 checksum checked when mixed-case).",
        examples=[_EXAMPLE_ADDRESS],
    ),
    AfterValidator(_checksummed),
]
Hash32 = Annotated[
    str,
    Field(
        pattern=r"^0x[0-9a-fA-F]{64}$",
        description="A 32-byte hash (0x + 64 hex digits), e.g. keccak256 of a document kept off chain.",
        examples=[_EXAMPLE_HASH],
    ),
]
Signature = Annotated[
    str,
    Field(
        pattern=r"^0x[0-9a-fA-F]{130}$",
        description="A 65-byte secp256k1 signature (r, s, v) over the EIP-712 digest (v 27 or 28).",
    ),
]
Uint256 = Annotated[int, Field(ge=0, le=UINT256_MAX, description="A uint256; a JSON integer.")]


def _decimal(value: Any) -> Any:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) <= 78 else value


#: A uint256 as a JSON integer or, as this API writes integers beyond 2^53, a decimal string.
BigUint = Annotated[
    int,
    BeforeValidator(_decimal),
    Field(ge=0, le=UINT256_MAX, description="A uint256: a JSON integer, or a decimal string (beyond 2^53)."),
]
Uint40 = Annotated[int, Field(ge=0, le=UINT40_MAX)]
Amount = Annotated[
    int,
    Field(
        ge=0, le=UINT256_MAX, description="Settlement token units (fen, 0.01 yuan); a JSON integer.", examples=[150000]
    ),
]
Uint64 = Annotated[int, Field(ge=0, le=UINT64_MAX)]
Uint128 = Annotated[int, Field(ge=0, le=UINT128_MAX, description="A uint128 in token units; a JSON integer.")]

RightName = Literal["holding", "processing", "operation"]
CategoryName = Literal["public", "enterprise", "personal"]
GradeName = Literal["general", "important", "core"]
KindName = Literal["dataset", "model", "service", "verification-product"]
DeliveryName = Literal["right", "license"]
TargetName = Literal["participant", "asset"]
RoleName = Literal[
    "authority", "registrar", "exchange", "settlement-bank", "data-merchant", "service-provider", "data-holder",
    "supervisor",
]  # fmt: skip


def member(enum: Any, name: str) -> Any:
    """The enum member a request names (``verification-product`` -> ``Kind.VERIFICATION_PRODUCT``)."""
    return enum[name.upper().replace("-", "_")]


def roles_mask(names: list[RoleName]) -> Role:
    mask = Role(0)
    for name in names:
        mask |= member(Role, name)
    return mask


def hash_bytes(value: str) -> bytes:
    return bytes.fromhex(value[2:])


class WriteRequest(BaseModel):
    """Fields every write accepts."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)

    from_: Address | None = Field(
        default=None,
        alias="from",
        description=(
            "The participant acting. Optional: a request always acts as its API key's participant; naming"
            " another one is refused (403 actor_mismatch)."
        ),
    )


# ─────────────────────────────────────────── participants


class AdmitRequest(WriteRequest):
    account: Address = Field(description="The account to admit.")
    roles: list[RoleName] = Field(min_length=1, max_length=8, description="Roles to grant.", examples=[["data-holder"]])
    region: int = Field(ge=0, le=UINT24_MAX, description="Administrative division code.", examples=[450100])
    name: str = Field(min_length=1, max_length=200, description="The participant's registered name.")
    credit_code: CreditCode = Field(
        description="The organisation's unified social credit code: the ledger keeps its hash, one organisation per"
        " code (a second admission of it is refused with ParticipantCreditCodeTaken)."
    )


class RolesRequest(WriteRequest):
    roles: list[RoleName] = Field(min_length=1, max_length=8, description="The participant's new roles.")


class HashRequest(WriteRequest):
    """A write that carries one document hash (reason, evidence, report...)."""

    document_hash: Hash32 = Field(description="Hash of the document that justifies the action (kept off chain).")


# ─────────────────────────────────────────── registration


class RegistrationRequest(WriteRequest):
    content_hash: Hash32 = Field(description="Hash of the data resource's content.")
    metadata_hash: Hash32 = Field(description="Hash of the metadata document.")
    metadata_uri: str = Field(max_length=512, description="Where the metadata document can be fetched.")
    name: str = Field(min_length=1, max_length=200, description="Name of the data resource.")
    category: CategoryName = Field(description="Data category: public, enterprise or personal information.")
    grade: GradeName = Field(description="Classification grade: general, important or core data.")
    kind: KindName = Field(description="What the asset is: a dataset, a model, a service or a verification product.")
    region: int = Field(ge=0, le=UINT24_MAX, description="Administrative division code.", examples=[450000])
    processing_holder: Address | None = Field(
        default=None, description="Holder of the processing right (default: the applicant)."
    )
    operation_holder: Address | None = Field(
        default=None, description="Holder of the operation right (default: the applicant)."
    )


class ReviewRequest(WriteRequest):
    approve: bool = Field(description="True registers the asset, false rejects the application.")
    review_hash: Hash32 = Field(description="Hash of the review report.")


class MetadataChangeRequest(WriteRequest):
    metadata_hash: Hash32
    metadata_uri: str = Field(max_length=512, description="Where the new metadata document can be fetched.")


class TransferRightRequest(WriteRequest):
    right: RightName = Field(description="The right to transfer.")
    to: Address = Field(description="The new holder.")


class DecisionRequest(WriteRequest):
    upheld: bool = Field(description="True upholds the objection, false dismisses it.")
    decision_hash: Hash32 = Field(description="Hash of the decision.")


class ObjectionRequest(WriteRequest):
    """An objection (异议): open at once when its objector has standing (holds a right in the asset, names its own
    valid licence of it, or is a supervisor or the authority), else pending until a registrar accepts it."""

    document_hash: Hash32 = Field(description="Hash of the evidence (kept off chain).")
    standing_licence_id: Uint64 = Field(
        default=0, description="The objector's own valid licence of the asset, when that is its standing (0: none)."
    )


class AcceptObjectionRequest(WriteRequest):
    decision_hash: Hash32 = Field(description="Hash of the registrar's decision to accept the pending objection.")


class PublicOperationRequest(WriteRequest):
    """The authority's approval of one zero-price authorised-operation licence of public data (公共数据授权运营)."""

    operator: Address = Field(description="The authorised operator, the licence's licensee.")
    right: Literal["processing", "operation"] = Field(default="operation", description="The right licensed.")
    purpose: int = Field(ge=0, le=UINT16_MAX, description="Purpose code of the licence.")
    latest_end: Uint40 = Field(description="Unix seconds: the licence must end no later than this.")
    decision_hash: Hash32 = Field(description="Hash of the authority's decision.")


class WithdrawPublicOperationRequest(WriteRequest):
    operator: Address = Field(description="The operator whose unused approval is withdrawn.")
    right: Literal["processing", "operation"] = Field(default="operation", description="The right of the approval.")
    purpose: int = Field(ge=0, le=UINT16_MAX, description="Purpose code of the approval.")


# ─────────────────────────────────────────── licences


class TermsModel(BaseModel):
    """Licence terms. Times are unix seconds; ``end`` is exclusive."""

    model_config = ConfigDict(extra="forbid", strict=True)

    right: RightName = Field(default="processing", description="The right licensed.")
    purpose: int = Field(ge=0, le=UINT16_MAX, description="Purpose code.")
    start: int = Field(ge=0, le=UINT40_MAX, description="Unix seconds the licence starts.")
    end: int = Field(ge=0, le=UINT40_MAX, description="Unix seconds the licence ends (exclusive).")
    regions: list[Annotated[int, Field(ge=0, le=UINT24_MAX)]] = Field(
        default_factory=list, max_length=64, description="Administrative division codes the licence covers."
    )
    countries: list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]] = Field(
        default_factory=list, max_length=64, description="ISO 3166 alpha-2 codes (cross-border licences)."
    )
    exclusive: bool = Field(default=False, description="No other licence of this right may overlap it.")
    sublicensable: bool = Field(default=False, description="The licensee may grant sublicences within it.")
    transferable: bool = Field(default=False, description="The licensee may transfer the licence.")
    terms_hash: Hash32 = ZERO_HASH

    def to_terms(self) -> LicenseTerms:
        return LicenseTerms(
            right=member(Right, self.right), purpose=self.purpose, start=self.start, end=self.end,
            regions=tuple(self.regions), countries=tuple(self.countries), exclusive=self.exclusive,
            sublicensable=self.sublicensable, transferable=self.transferable, terms_hash=hash_bytes(self.terms_hash),
        )  # fmt: skip


class GrantLicenceRequest(WriteRequest):
    licensee: Address
    terms: TermsModel


class TransferLicenceRequest(WriteRequest):
    to: Address


# ─────────────────────────────────────────── token


class AmountRequest(WriteRequest):
    amount: Amount


class TokenTransferRequest(WriteRequest):
    to: Address
    amount: Amount


class IssueRequest(TokenTransferRequest):
    reserve_hash: Hash32 = Field(
        description="Hash of the reserve attestation backing the issuance (kept off chain); must not be zero."
    )


class ApproveRequest(WriteRequest):
    spender: Address
    amount: Amount


# ─────────────────────────────────────────── settlement


class TradeModel(BaseModel):
    """A matched trade."""

    model_config = ConfigDict(extra="forbid", strict=True)

    trade_id: Hash32 = Field(description="The exchange's unique trade id.")
    asset_id: Uint64 = Field(description="The asset traded.")
    seller: Address
    buyer: Address
    price: Amount
    fee: Amount = 0
    delivery: DeliveryName = Field(default="license", description="Deliver a licence or transfer the right.")
    right: RightName = Field(default="processing", description="The right transferred or licensed.")
    parent_license_id: Uint64 = Field(default=0, description="Sell a sublicence of this licence (0: none).")
    terms: TermsModel | None = Field(default=None, description="Licence terms (delivery 'license').")

    def to_trade(self) -> Trade:
        base = Trade(
            trade_id=hash_bytes(self.trade_id), asset_id=self.asset_id, seller=self.seller, buyer=self.buyer,
            price=self.price, fee=self.fee, delivery=member(Delivery, self.delivery), right=member(Right, self.right),
            parent_license_id=self.parent_license_id,
        )  # fmt: skip
        if self.terms is None:
            return base
        return Trade(
            base.trade_id, base.asset_id, base.seller, base.buyer, base.price, base.fee, base.delivery, base.right,
            base.parent_license_id, self.terms.to_terms(),
        )  # fmt: skip


class ConsentModel(BaseModel):
    """A seller's signed consent to some of its sales by one exchange (EIP-712 ``SalesConsent``; see
    ``/consents/typed-data``): each sale names its trade id, asset, delivery, licence terms and the least the seller
    must net. Signed by the seller, with ``/consents`` when the gateway holds its key."""

    model_config = ConfigDict(extra="forbid", strict=True)

    seller: Address = Field(description="The signer, seller of every sale the consent covers.")
    nonce: BigUint = Field(description="The seller's nonce (unordered; invalidating it withdraws the consent).")
    deadline: BigUint = Field(description="Unix seconds: the last moment its sales may settle.")
    signature: Signature

    def to_consent(self) -> SalesConsent:
        return SalesConsent(self.seller, self.nonce, self.deadline, hash_bytes(self.signature))


class SettleRequest(WriteRequest):
    """One trade and its seller's consent to exactly this sale."""

    trade: TradeModel
    min_net: Amount = Field(description="The least the seller nets, as it signed (token units).")
    consent: ConsentModel


class BatchTrade(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    trade: TradeModel
    min_net: Amount = Field(description="The least the seller nets on this sale, as it signed.")
    consent: int = Field(ge=0, le=199, description="Index in ``consents`` of the consent covering this sale.")


class BatchSettleRequest(WriteRequest):
    """Trades and their sellers' consents. A consent covers exactly the batch's trades that name it, in the batch's
    order (one signature may cover all its seller's sales)."""

    trades: list[BatchTrade] = Field(min_length=1, max_length=200, description="The trades, in settlement order.")
    consents: list[ConsentModel] = Field(min_length=1, max_length=200, description="The sellers' consents.")
    atomic: bool = Field(
        default=True,
        description="True: all or none (a refused trade refuses the batch, naming it). False: every valid trade "
        "settles and each refused one is listed in ``result.refused`` with its error.",
    )


class TemplateModel(BaseModel):
    """Licence terms but for their period: what every licence sold under a mandate must match."""

    model_config = ConfigDict(extra="forbid", strict=True)

    purpose: int = Field(ge=0, le=UINT16_MAX, description="Purpose code.")
    regions: list[Annotated[int, Field(ge=0, le=UINT24_MAX)]] = Field(default_factory=list, max_length=64)
    countries: list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]] = Field(default_factory=list, max_length=64)
    exclusive: bool = False
    sublicensable: bool = False
    transferable: bool = False
    terms_hash: Hash32 = ZERO_HASH


class MandateTerms(BaseModel):
    """A standing mandate's terms but for its seller; its id is the hash of the terms with the seller."""

    model_config = ConfigDict(extra="forbid", strict=True)

    exchange: Address = Field(description="The exchange mandated to sell.")
    asset_id: Uint64 = Field(description="The asset.")
    delivery: DeliveryName = Field(default="license", description="Licences cut from ``template``, or the right.")
    right: RightName = Field(default="processing", description="The right licensed or transferred.")
    parent_license_id: Uint64 = Field(default=0, description="Sell sublicences of this licence of the seller's.")
    template: TemplateModel | None = Field(default=None, description="Delivery 'license': the licence template.")
    max_duration: Uint40 = Field(default=0, description="Delivery 'license': the longest licence sold, in seconds.")
    min_net: Amount = Field(description="The least the seller nets on each sale.")
    expiry: Uint40 = Field(description="Unix seconds: the last moment a sale may settle under it.")
    salt: Uint256 = Field(default=0, description="Tells apart mandates with otherwise equal terms.")

    def to_mandate(self, seller: str) -> Mandate:
        right = member(Right, self.right)
        t = self.template
        terms = (
            LicenseTerms(
                right=right, purpose=t.purpose, start=0, end=0, regions=tuple(t.regions),
                countries=tuple(t.countries), exclusive=t.exclusive, sublicensable=t.sublicensable,
                transferable=t.transferable, terms_hash=hash_bytes(t.terms_hash),
            )
            if t is not None
            else LicenseTerms(right=Right.PROCESSING, purpose=0, start=0, end=0)
        )  # fmt: skip
        return Mandate(
            seller=seller, exchange=self.exchange, asset_id=self.asset_id, delivery=member(Delivery, self.delivery),
            right=right, min_net=self.min_net, expiry=self.expiry, max_duration=self.max_duration,
            parent_license_id=self.parent_license_id, terms=terms, salt=self.salt,
        )  # fmt: skip


class GrantMandateRequest(WriteRequest, MandateTerms):
    """A standing mandate (挂牌委托) the key's participant (the seller) gives an exchange: ``result.mandate_id``."""


class MandateModel(MandateTerms):
    """A mandate as granted (the ``MandateGranted`` event's terms, e.g. from ``GET /api/v1/mandates/{id}``)."""

    seller: Address = Field(description="The seller who granted it.")

    def mandate(self) -> Mandate:
        return self.to_mandate(self.seller)


class MandatedSettleRequest(WriteRequest):
    trade: TradeModel
    mandate: MandateModel | Hash32 = Field(
        description="The seller's mandate to the key's participant (the exchange): its terms, or its id when the"
        " index holds it (GET /api/v1/mandates/{id})."
    )


class MandatedTrade(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    trade: TradeModel
    mandate: int = Field(ge=0, le=199, description="Index in ``mandates`` of the mandate the sale lies within.")


class MandatedBatchRequest(WriteRequest):
    trades: list[MandatedTrade] = Field(min_length=1, max_length=200, description="The trades, in order.")
    mandates: list[MandateModel | Hash32] = Field(
        min_length=1, max_length=200, description="The sellers' mandates: their terms, or their ids when indexed."
    )
    atomic: bool = Field(
        default=True, description="True: all or none. False: every valid trade settles, refusals in result.refused."
    )


# ─────────────────────────────────────────── exchange listings (art. 16-17)

UINT32_MAX: Final = 2**32 - 1


class OfferModel(BaseModel):
    """What a listing offers beyond what a trade names (``IListings.Offer``): passed with each trade under it."""

    model_config = ConfigDict(extra="forbid", strict=True)

    listing_id: Hash32 = Field(description="The exchange's id of the listing (unique per exchange; not zero).")
    max_duration: Uint40 = Field(
        default=0, description="Delivery 'license': the longest licence sold, in seconds (end minus start); 'right': 0."
    )
    min_price: Uint128 = Field(description="The least price of a trade (token units).")
    max_price: Uint128 = Field(description="The greatest price; equal to min_price for a list price.")
    min_net: Amount = Field(description="The least the seller nets on each sale, after the fee and revenue shares.")
    start: Uint40 = Field(description="The listing period's first second (unix seconds).")
    end: Uint40 = Field(description="The listing period's last second (unix seconds).")

    def to_offer(self) -> Offer:
        return Offer(
            listing_id=hash_bytes(self.listing_id), min_price=self.min_price, max_price=self.max_price,
            min_net=self.min_net, start=self.start, end=self.end, max_duration=self.max_duration,
        )  # fmt: skip


class ListingTerms(BaseModel):
    """A listing (挂牌) but for its seller: what the seller signs for one exchange (EIP-712 ``Listing``)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    asset_id: Uint64 = Field(description="The asset listed.")
    delivery: DeliveryName = Field(default="license", description="Licences cut from ``template``, or the right.")
    right: RightName = Field(default="processing", description="The right licensed or transferred.")
    parent_license_id: Uint64 = Field(default=0, description="Sell sublicences of this licence of the seller's.")
    template: TemplateModel | None = Field(default=None, description="Delivery 'license': the licence template.")
    offer: OfferModel
    version: int = Field(default=1, ge=1, le=UINT32_MAX, description="1 when first listed, higher per amendment.")
    document_hash: Hash32 = Field(description="Hash of the listing document (挂牌文件); not zero.")

    def to_listing(self, seller: str) -> Listing:
        right = member(Right, self.right)
        t = self.template
        terms = (
            LicenseTerms(
                right=right, purpose=t.purpose, start=0, end=0, regions=tuple(t.regions),
                countries=tuple(t.countries), exclusive=t.exclusive, sublicensable=t.sublicensable,
                transferable=t.transferable, terms_hash=hash_bytes(t.terms_hash),
            )
            if t is not None
            else LicenseTerms(right=right, purpose=0, start=0, end=0)
        )  # fmt: skip
        return Listing(
            seller=seller, asset_id=self.asset_id, delivery=member(Delivery, self.delivery), right=right,
            offer=self.offer.to_offer(), document_hash=hash_bytes(self.document_hash), version=self.version,
            parent_license_id=self.parent_license_id, terms=terms,
        )  # fmt: skip


class ListingModel(ListingTerms):
    """A listing as its seller signed it (``/listing-signatures`` answers one as ``listing``)."""

    seller: Address = Field(description="The key with which the seller signed the listing.")

    def listing(self) -> Listing:
        return self.to_listing(self.seller)


class SignListingRequest(WriteRequest, ListingTerms):
    """The key's participant (the seller) consents to ``exchange`` listing its product on these terms."""

    exchange: Address = Field(description="The listing exchange (its identity): the signature is for it alone.")


class ListingTypedDataRequest(WriteRequest):
    exchange: Address = Field(description="The listing exchange (its identity).")
    listing: ListingModel


class ListProductRequest(WriteRequest):
    """The key's participant (an exchange) lists a product, or amends its listing (same id, higher version)."""

    listing: ListingModel
    signature: Signature = Field(description="The seller's signature over the listing and this exchange.")


class ListingReasonRequest(WriteRequest):
    reason_hash: Hash32 = Field(default=ZERO_HASH, description="Hash of the delisting notice (may be zero).")


class WithdrawListingRequest(WriteRequest):
    """The key's participant (the listing's seller) withdraws its consent to a listing for good."""

    listing: ListingModel | Hash32 = Field(
        description="The listing at its current version: its terms (with ``exchange``), or its listing key when the"
        " index holds it (GET /api/v1/listings/{listing_key})."
    )
    exchange: Address | None = Field(
        default=None, description="The listing exchange (its identity); with a listing key, the index's."
    )
    reason_hash: Hash32 = Field(default=ZERO_HASH, description="Hash of the seller's withdrawal (may be zero).")

    @model_validator(mode="after")
    def _exchange_with_terms(self) -> WithdrawListingRequest:
        if isinstance(self.listing, ListingModel) and self.exchange is None:
            raise ValueError("a listing given by its terms needs its exchange")
        return self


class ListedSettleRequest(WriteRequest):
    """A trade under the key's participant's (the exchange's) listing: its offer, or its key when indexed."""

    trade: TradeModel
    offer: OfferModel | None = Field(default=None, description="The listing's offer (or give ``listing_key``).")
    listing_key: Hash32 | None = Field(
        default=None, description="The listing's key, resolved from the index (GET /api/v1/listings/{listing_key})."
    )

    @model_validator(mode="after")
    def _one_listing(self) -> ListedSettleRequest:
        if (self.offer is None) == (self.listing_key is None):
            raise ValueError("give the listing's offer or its listing_key (one of them)")
        return self


# ─────────────────────────────────────────── public-data opening list (art. 10)


class OpeningEntryModel(BaseModel):
    """An entry of a year's opening list as the authority publishes it (``IOpeningList.NewEntry``)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    department: Address = Field(description="The public-data department that must open the data (a data holder).")
    description_hash: Hash32 = Field(description="Hash of the data's description in the published list.")
    target_date: int = Field(ge=1, le=UINT40_MAX, description="The date by which it must be open (unix seconds, in"
                             " the future).")  # fmt: skip


class PublishOpeningListRequest(WriteRequest):
    """The authority publishes the opening list (开放重点清单) of ``year``."""

    year: int = Field(ge=2000, le=2199, description="The list's year.")
    list_hash: Hash32 = Field(description="Hash of the published list's document.")
    entries: list[OpeningEntryModel] = Field(min_length=1, max_length=500, description="Its entries, in order.")


class LinkOpeningAssetRequest(WriteRequest):
    """The entry's department links the public-data asset it registered for the entry."""

    asset_id: Uint64 = Field(description="The registered public-data asset whose holding right it holds.")


class OpeningShownRequest(WriteRequest):
    """The entry's asset shown open: by a licence of it (``licence_id``), or by an exchange's listing of it in force
    (``listing``: its terms with ``exchange``, or its key when the index holds it)."""

    licence_id: Uint64 | None = Field(default=None, description="A licence of the entry's asset.")
    listing: ListingModel | Hash32 | None = Field(
        default=None, description="A listing of the entry's asset in force: its terms at its current version (with "
        "``exchange``), or its listing key when the index holds it (GET /api/v1/listings/{listing_key}).",
    )  # fmt: skip
    exchange: Address | None = Field(
        default=None, description="The listing exchange (its identity); with a listing key, the index's."
    )

    @model_validator(mode="after")
    def _one_evidence(self) -> OpeningShownRequest:
        if (self.licence_id is None) == (self.listing is None):
            raise ValueError("give the licence_id or the listing (one of them)")
        if self.licence_id is not None and self.exchange is not None:
            raise ValueError("an exchange goes with a listing, not a licence")
        if isinstance(self.listing, ListingModel) and self.exchange is None:
            raise ValueError("a listing given by its terms needs its exchange")
        return self


class WithdrawOpeningEntryRequest(WriteRequest):
    """The authority withdraws a planned or registered entry."""

    reason_hash: Hash32 = Field(description="Hash of the withdrawal's reason (not zero).")


class Sale(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    trade: TradeModel
    min_net: Amount = Field(description="The least the seller must net on it (token units).")


class ConsentTypedDataRequest(WriteRequest):
    exchange: Address = Field(description="The exchange that may settle the sales.")
    sales: list[Sale] = Field(min_length=1, max_length=200, description="The sales, in the order they settle.")
    nonce: Uint256 = Field(description="The seller's nonce.")
    deadline: Uint256 = Field(description="Unix seconds: the last moment the sales may settle.")


class SignConsentRequest(WriteRequest):
    exchange: Address = Field(description="The exchange that may settle the sales.")
    sales: list[Sale] = Field(min_length=1, max_length=200, description="The key's participant's sales, in order.")
    nonce: Uint256 | None = Field(default=None, description="The seller's nonce; default: a fresh random one.")
    deadline: Uint256 = Field(description="Unix seconds: the last moment the sales may settle.")


class DirectTradeRequest(WriteRequest):
    trade: TradeModel
    nonce: Amount = Field(description="Each party's nonce for this trade (uint256, once per party).")
    deadline: int = Field(ge=0, le=UINT256_MAX, description="Unix seconds after which the signatures expire.")
    seller_signature: Signature
    buyer_signature: Signature


class DirectTradeTermsRequest(WriteRequest):
    trade: TradeModel
    nonce: Amount = Field(description="Each party's nonce for this trade (uint256, once per party).")
    deadline: int = Field(ge=0, le=UINT256_MAX, description="Unix seconds after which the signatures expire.")


class TypedDataResponse(BaseModel):
    typed_data: dict[str, Any] = Field(
        description=(
            "The EIP-712 message (eth_signTypedData_v4): bytes as 0x hex, integers beyond 2^53 as decimal strings."
        )
    )
    digest: str = Field(description="The EIP-712 digest to sign (0x + 64 hex digits).")


class ConsentResponse(TypedDataResponse):
    """A consent the gateway signed with the key's participant's keystore: pass ``consent`` to the exchange."""

    consent: ConsentModel = Field(description="The signed consent, as ``/trades`` and ``/trades/batch`` take it.")


class ListingSignatureResponse(TypedDataResponse):
    """A listing the gateway signed with the seller's keystore: pass ``listing`` and ``signature`` to the exchange."""

    listing: ListingModel = Field(description="The listing signed, as ``/listings`` takes it.")
    exchange: str = Field(description="The exchange the signature is for.")
    listing_key: str = Field(description="The listing's key once listed: keccak256(abi.encode(exchange, listing_id)).")
    signature: str = Field(description="The seller's 65-byte signature (r, s, v).")


class NonceRequest(WriteRequest):
    nonce: Amount = Field(description="The off-exchange nonce to invalidate.")


class ReleaseHeldSharesRequest(WriteRequest):
    """The authority's release of the revenue shares held for a revoked recipient (it can never claim them)."""

    to: Address = Field(description="The active participant paid the shares held for the recipient.")
    decision_hash: Hash32 = Field(description="Hash of the authority's decision to release them to ``to``.")


class RevenueShare(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    recipient: Address
    bps: int = Field(ge=0, le=10_000, description="Basis points of the price net of the exchange fee.")


class RevenueSharesRequest(WriteRequest):
    right: RightName = Field(description="The right whose sales (and licences) pay the shares; its holder sets them.")
    shares: list[RevenueShare] = Field(
        max_length=8,
        description="Recipients of a share of every sale of the right (replaces the previous list). A recipient that"
        " is not active when a sale settles has its share held for it, claimable once it is active again.",
    )


class PriceBandRequest(WriteRequest):
    kind: KindName = Field(description="The kind of data product the band applies to (public data).")
    min: int = Field(ge=0, le=UINT128_MAX, description="Lowest allowed price, token units.")
    max: int = Field(ge=0, le=UINT128_MAX, description="Highest allowed price, token units.")


# ─────────────────────────────────────────── supervision


class OpenOrderRequest(WriteRequest):
    target: TargetName = Field(description="Whether a participant or an asset is ordered to rectify.")
    participant: Address | None = Field(
        default=None, description="The participant ordered to rectify (target participant)."
    )
    asset_id: Uint64 = Field(default=0, description="The asset to rectify (target asset).")
    document_hash: Hash32


class CreditEventRequest(WriteRequest):
    participant: Address
    code: int = Field(ge=0, le=UINT16_MAX, description="Credit event code.")
    delta: int = Field(ge=-(2**31), le=2**31 - 1, description="Change of the credit score.")
    document_hash: Hash32


# ─────────────────────────────────────────── valuation and accounting recognition (art. 19)

MethodName = Literal["cost", "income", "market", "combined"]
AccountingCategoryName = Literal["intangible-asset", "inventory", "development-cost"]
MeasurementName = Literal["impairment", "amortisation"]
DerecognitionName = Literal["disposal", "holding-transferred", "other"]
DisclosureKindName = Literal["trade-statistics", "rule-change", "incident", "fee-schedule"]
QualityProblemName = Literal["accuracy", "completeness", "timeliness", "consistency", "compliance"]
QualitySeverityName = Literal["low", "medium", "high", "critical"]


class ValuationRequest(WriteRequest):
    """评估报告备案: ``result`` names the new report (``valuation_id``)."""

    asset_id: Uint64 = Field(description="The asset valued (its appraiser holds no right in it).")
    method: MethodName = Field(description="The valuation approach.")
    value: int = Field(gt=0, le=UINT128_MAX, description="The appraised value, in the currency's smallest unit (fen).")
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$", description="ISO 4217 code.")
    base_date: Uint40 = Field(description="The valuation base date (评估基准日), unix seconds; not in the future.")
    valid_until: Uint40 = Field(description="When the report stops supporting a recognition (unix seconds), at most"
                                " a year after the base date.")  # fmt: skip
    content_hash: Hash32 = Field(description="The asset's registered content hash (what the report values).")
    report_hash: Hash32 = Field(description="Hash of the valuation report.")


class QualityReportRequest(WriteRequest):
    """问题数据: any participant reports a problem of an asset's content; ``result`` names the report."""

    asset_id: Uint64 = Field(description="The asset reported.")
    content_hash: Hash32 = Field(description="The asset's content the report names (its registered content hash).")
    problem: QualityProblemName = Field(description="What is wrong with the data.")
    severity: QualitySeverityName = Field(description="How bad it is.")
    evidence_hash: Hash32 = Field(description="Hash of the evidence.")


class QualityAnswerRequest(HashRequest):
    """The holding right's holder acknowledges or disputes a report, by its deadline."""

    acknowledged: bool = Field(description="true: acknowledged; false: disputed.")


class QualityFixRequest(HashRequest):
    """The holder links the corrected dataset's registration."""

    fixed_asset_id: Uint64 = Field(description="The corrected dataset's registered asset (the holder's own).")


class QualityRulingRequest(HashRequest):
    """A supervisor rules on a report."""

    upheld: bool = Field(description="true: the data was at fault; false: dismissed.")


class DisclosureRequest(WriteRequest):
    """信息披露: an exchange discloses; ``result`` names the new disclosure (``disclosure_id``)."""

    kind: DisclosureKindName = Field(description="What is disclosed.")
    period: str = Field(
        pattern=r"^\d{4}(-(\d{1,2}|[Qq][1-4]|[Hh][12]))?(\.\.\d{4}(-(\d{1,2}|[Qq][1-4]|[Hh][12]))?)?$",
        description="The calendar months it covers, China Standard Time: 2026-11, 2026-Q4, 2026-H2, 2026 or "
        "2026-11..2027-01; begun, and for trade statistics ended.", examples=["2026-Q3"],
    )  # fmt: skip
    document_hash: Hash32 = Field(description="Hash of the published document.")


class RecognitionRequest(WriteRequest):
    """入表: the holding right's holder recognises the asset in its accounts."""

    category: AccountingCategoryName = Field(description="The balance-sheet category.")
    carrying_amount: int = Field(gt=0, le=UINT64_MAX, description="The carrying amount, in fen.")
    period_start: Uint40 = Field(description="The reporting period's first second (unix seconds).")
    period_end: Uint40 = Field(description="The first second after the reporting period (unix seconds).")
    valuation_id: Uint64 = Field(description="The valuation report it relies on (filed, of this asset, still valid).")
    auditor_hash: Hash32 = Field(description="Hash of the auditor's opinion.")


class MeasurementRequest(WriteRequest):
    kind: MeasurementName = Field(description="What lowers the carrying amount.")
    carrying_amount: int = Field(ge=0, le=UINT64_MAX, description="The new, lower, carrying amount, in fen.")
    document_hash: Hash32


class DerecognitionRequest(WriteRequest):
    reason: DerecognitionName = Field(description="Why the recognition ends.")
    document_hash: Hash32


# ─────────────────────────────────────────── recognition (other provinces' registrations)


class AgreementRequest(WriteRequest):
    origin_chain_id: Uint64 = Field(description="Chain id of the origin province's ledger.")
    origin_registry: Address = Field(description="The origin's AssetRegistry (the certificates' EIP-712 domain).")
    registrars: list[Address] = Field(min_length=1, max_length=32, description="The origin's registrars' addresses.")
    threshold: int = Field(ge=1, le=255, description="Signatures of distinct registrars a certificate needs (M of N).")


class CertificateImportRequest(WriteRequest):
    certificate: dict[str, Any] = Field(
        description=(
            "A signed registration certificate as `ledger certificate issue` writes it (format, domain,"
            " certificate, signatures)."
        )
    )


# ─────────────────────────────────────────── governance proposals

ProposalArg = Annotated[
    int | str | bool | list[int | str | bool],
    Field(
        description="An argument: a JSON integer (or decimal text), boolean or string; an address as 0x… or a contract"
        " of the deployment; bytes32 and bytes as 0x hex; lists as JSON lists; roles, kinds and rights by name."
    ),
]


class ProposedCall(BaseModel):
    """One call the authority is to make, as ``ledger governance propose CONTRACT FUNCTION ARGS`` takes it."""

    model_config = ConfigDict(extra="forbid", strict=True)

    contract: str = Field(min_length=1, max_length=64, description="A contract of the deployment (ledger, manager,"
                          " Safes).", examples=["TradeSettlement"])  # fmt: skip
    function: str = Field(min_length=1, max_length=64, description="One of its state-changing functions.",
                          examples=["setPriceBand"])  # fmt: skip
    args: list[ProposalArg] = Field(default_factory=list, max_length=32, description="Its arguments, in order.",
                                    examples=[["dataset", 1000000, 20000000]])  # fmt: skip


class ProposeRequest(WriteRequest):
    """A proposal of one call (``contract``, ``function``, ``args``) or several (``calls``), proposed together."""

    contract: str | None = Field(default=None, min_length=1, max_length=64, examples=["TradeSettlement"],
                                 description="A contract of the deployment (or give ``calls``).")  # fmt: skip
    function: str | None = Field(default=None, min_length=1, max_length=64, examples=["setPriceBand"],
                                 description="Its state-changing function.")  # fmt: skip
    args: list[ProposalArg] = Field(default_factory=list, max_length=32, description="Its arguments, in order.",
                                    examples=[["dataset", 1000000, 20000000]])  # fmt: skip
    calls: list[ProposedCall] | None = Field(default=None, min_length=1, max_length=32,
                                             description="Several calls proposed together (instead of contract,"
                                             " function, args).")  # fmt: skip
    description: str = Field(default="", max_length=2000, description="What the proposal is for, for the officers.",
                             examples=["2027 guided price band"])  # fmt: skip
    check: bool = Field(default=True, description="First run the calls as the manager would now, and refuse one that"
                        " would fail (422 with the contract's error).")  # fmt: skip

    @model_validator(mode="after")
    def _one_way(self) -> ProposeRequest:
        if self.calls is not None:
            if self.contract is not None or self.function is not None or self.args:
                raise ValueError("give either contract, function and args, or calls")
        elif self.contract is None or self.function is None:
            raise ValueError("name the contract and function (or give calls)")
        return self

    def to_calls(self) -> list[tuple[str, str, list[Any]]]:
        if self.calls is not None:
            return [(c.contract, c.function, list(c.args)) for c in self.calls]
        assert self.contract is not None and self.function is not None
        return [(self.contract, self.function, list(self.args))]


class ApprovalRequest(WriteRequest):
    """An officer's EIP-712 signature of the current stage's ``SafeTx`` (``stage.typed_data``; its digest is
    ``stage.safe_tx_hash``), made in the officer's wallet. The signature is the approval's authentication."""

    signer: Address = Field(description="The officer who signed: an owner of the stage's Safe.")
    signature: Signature = Field(description="The officer's 65-byte signature (r, s, v; v 27 or 28, or 0 or 1).")


class ProposalFileRequest(WriteRequest):
    proposal: dict[str, Any] = Field(description="A proposal file (format data-rights-ledger/governance-proposal@1)"
                                     " as `ledger governance propose --out` writes it.")  # fmt: skip


class ProposalAction(BaseModel):
    contract: str
    function: str
    args: dict[str, Any] = Field(description="The call's arguments by name, decoded.")
    target: str
    data: str = Field(description="The call data (0x hex).")
    operation_id: str | None = Field(description="The manager's operation id (council route).")


class ProposalStageInfo(BaseModel):
    kind: Literal["schedule", "execute", "cancel"]
    safe: str = Field(description="The Safe whose officers sign it: CouncilSafe, GuardianSafe or EmergencySafe.")
    nonce: int = Field(description="The Safe nonce the stage's transaction is for.")
    safe_tx_hash: str = Field(description="The EIP-712 digest of the stage's SafeTx: what officers sign.")
    signers: list[str] = Field(description="Officers whose signatures the stage carries.")
    tx_hash: str | None = Field(description="The transaction that sent the stage, once sent.")
    block_number: int | None


class ProposalCurrentStage(ProposalStageInfo):
    safe_address: str
    safe_nonce: int = Field(description="The Safe's nonce now (a stage whose nonce was taken is renewed).")
    typed_data: dict[str, Any] = Field(description="The SafeTx's EIP-712 typed data (eth_signTypedData_v4).")
    signatures: int = Field(description="Valid signatures of the Safe's current officers collected.")
    threshold: int = Field(description="Signatures the Safe needs.")
    officers: list[str] = Field(description="The Safe's owners.")


class ProposalResponse(BaseModel):
    """A stored governance proposal."""

    proposal_id: int
    state: Literal["signing", "scheduled", "executed", "cancelled"]
    route: Literal["council", "emergency"]
    description: str
    waiting_for: Literal["approvals", "submission", "delay", "renewal", "nothing"] = Field(
        description="What the current stage waits for: more approvals, someone to submit it, the council's delay to"
        " pass, a new approval (its nonce was taken: renewed at the next approval), or nothing (executed, cancelled)."
    )
    created_by: str = Field(description="The API key that created (or imported) it.")
    created_at: int
    updated_at: int
    chain_id: int
    manager: str
    ready_at: int | None = Field(description="Once scheduled: when the operations may be executed (unix seconds).")
    chain_time: int = Field(description="The latest block's time.")
    actions: list[ProposalAction]
    stage: ProposalCurrentStage
    stages: list[ProposalStageInfo]


class ProposalListResponse(BaseModel):
    proposals: list[ProposalResponse]


# ─────────────────────────────────────────── responses


class TxEvent(BaseModel):
    contract: str = Field(description="The emitting contract.")
    event: str = Field(description="Event name.")
    log_index: int = Field(description="Position of the log in its block.")
    args: dict[str, Any] = Field(
        description="Decoded arguments: bytes as 0x hex, integers beyond 2^53 as decimal strings."
    )


class TxResponse(BaseModel):
    """A confirmed transaction."""

    outcome: Literal["success"] = Field(description="Always 'success' (refusals are 4xx answers).")
    operation: str = Field(description="Contract and function called.", examples=["AssetRegistry.freeze"])
    tx_hash: str = Field(description="Transaction hash.")
    block_number: int = Field(description="Block the transaction was mined in.")
    block_hash: str = Field(description="Hash of that block.")
    gas_used: int = Field(description="Gas the transaction used.")
    sender: str = Field(description="The signing participant (the API key's).")
    events: list[TxEvent] = Field(description="Ledger events the transaction emitted, in log order.")
    result: dict[str, Any] = Field(
        description="What the operation created or settled: asset_id, licence_id, objection_id (with its status),"
        " order_id, mandate_id, listing_key (with its version), amount; settlements: trades (trade_id, licence_id,"
        " seller_amount, shares; mandate_id: the mandate or listing key the sale used) and, for"
        " batches, refused (index, trade_id, error) when they settle trade by trade."
    )


class GatewayError(BaseModel):
    code: str = Field(
        description=(
            "What went wrong: contract_refusal, missing_api_key, invalid_api_key, api_key_revoked, actor_mismatch,"
            " rate_limited, idempotency_key_reused, idempotency_in_progress, rejected_by_node, invalid_arguments,"
            " invalid_certificate, nonce_used, unknown_mandate, unknown_listing, transaction_pending, unavailable;"
            " governance proposals: invalid_call, invalid_proposal, unknown_proposal, not_an_officer,"
            " signature_mismatch, duplicate_approval, wrong_stage, signatures_missing, not_ready, proposal_busy."
        )
    )
    message: str = Field(description="What went wrong, in words.")
    name: str | None = Field(default=None, description="contract_refusal: the contract's custom error.")
    refusal: str | None = Field(
        default=None, description="contract_refusal: permission, not_found, conflict or invalid."
    )
    values: dict[str, Any] | None = Field(default=None, description="contract_refusal: the error's values.")
    operation: str | None = Field(default=None, description="Contract and function refused.")
    tx_hash: str | None = Field(default=None, description="The transaction, when one was sent (mined and reverted).")
    block_number: int | None = Field(default=None, description="The block the refused transaction was mined in.")
    item: dict[str, Any] | None = Field(
        default=None, description="Atomic batch settlement: the failing trade (index, trade_id, error)."
    )

    model_config = ConfigDict(extra="allow")


class GatewayErrorBody(BaseModel):
    error: GatewayError


def to_category(name: CategoryName) -> Category:
    return Category[name.upper()]


def to_grade(name: GradeName) -> Grade:
    return Grade[name.upper()]


def to_kind(name: KindName) -> Kind:
    return Kind[name.upper().replace("-", "_")]


def to_target(name: TargetName) -> OrderTarget:
    return OrderTarget[name.upper()]
