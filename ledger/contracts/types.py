"""Python mirrors of the contracts' enums and input structs.

Each input dataclass has ``as_abi()`` returning the tuple the ABI expects (component order).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, IntFlag

__all__ = [
    "AccountingCategory",
    "AssetStatus",
    "Category",
    "Delivery",
    "Derecognition",
    "DisclosureKind",
    "Grade",
    "Kind",
    "LicenseTerms",
    "Listing",
    "Mandate",
    "Measurement",
    "ObjectionStatus",
    "Offer",
    "OpeningEntry",
    "OpeningEvidence",
    "OpeningStatus",
    "OrderStatus",
    "OrderTarget",
    "ParticipantStatus",
    "Paused",
    "QualityProblem",
    "QualitySeverity",
    "QualityStatus",
    "Registration",
    "Right",
    "Role",
    "SalesConsent",
    "Trade",
    "ValuationMethod",
    "ValuationStatus",
    "compact_signature",
]

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
ZERO_HASH = b"\x00" * 32


class Role(IntFlag):
    """Participant roles (``contracts/libraries/Roles.sol``)."""

    AUTHORITY = 1 << 0
    REGISTRAR = 1 << 1
    EXCHANGE = 1 << 2
    SETTLEMENT_BANK = 1 << 3
    DATA_MERCHANT = 1 << 4
    SERVICE_PROVIDER = 1 << 5
    DATA_HOLDER = 1 << 6
    SUPERVISOR = 1 << 7


ALL_ROLES = Role((1 << 8) - 1)
TRADER_ROLES = Role.DATA_HOLDER | Role.DATA_MERCHANT | Role.SERVICE_PROVIDER
ASSET_OWNER_ROLES = Role.DATA_HOLDER | Role.DATA_MERCHANT
NEEDS_DECLARATION = Role.DATA_MERCHANT | Role.SERVICE_PROVIDER


class Paused(IntFlag):
    """The ledger's contracts as bits of its pause register (``contracts/libraries/Pausing.sol``)."""

    PARTICIPANT_REGISTRY = 1 << 0
    ASSET_REGISTRY = 1 << 1
    ASSET_CONTROLS = 1 << 2
    SETTLEMENT_TOKEN = 1 << 3
    TRADE_SETTLEMENT = 1 << 4
    MANDATE_REGISTRY = 1 << 5
    SUPERVISION = 1 << 6
    RECOGNITION = 1 << 7
    VALUATION = 1 << 8
    DISCLOSURE = 1 << 9
    DATA_QUALITY = 1 << 10
    LISTINGS = 1 << 11
    OPENING_LIST = 1 << 12

    @property
    def contract_names(self) -> list[str]:
        """The contracts' names (as in the manifest), in bit order."""
        return [PAUSE_CONTRACTS[bit] for bit in PAUSE_CONTRACTS if self & bit]

    @classmethod
    def of(cls, names: str | list[str] | tuple[str, ...]) -> Paused:
        """The bits of contracts named ``AssetRegistry,TradeSettlement`` (or a list of names; ``all`` for every one);
        raises :class:`ValueError` naming an unknown one."""
        items = [n.strip() for n in names.split(",")] if isinstance(names, str) else [n.strip() for n in names]
        bits = cls(0)
        by_name = {name.lower(): bit for bit, name in PAUSE_CONTRACTS.items()}
        for item in items:
            if item.lower() == "all":
                bits |= ALL_PAUSABLE
            elif item.lower() in by_name:
                bits |= by_name[item.lower()]
            else:
                known = ", ".join(PAUSE_CONTRACTS.values())
                raise ValueError(f"{item!r} is not a pausable contract (one of {known}, all)")
        if not bits:
            raise ValueError("name at least one contract to pause or unpause")
        return bits


#: Each bit of the pause register and the contract it stands for.
PAUSE_CONTRACTS: dict[Paused, str] = {
    Paused.PARTICIPANT_REGISTRY: "ParticipantRegistry",
    Paused.ASSET_REGISTRY: "AssetRegistry",
    Paused.ASSET_CONTROLS: "AssetControls",
    Paused.SETTLEMENT_TOKEN: "SettlementToken",
    Paused.TRADE_SETTLEMENT: "TradeSettlement",
    Paused.MANDATE_REGISTRY: "MandateRegistry",
    Paused.SUPERVISION: "Supervision",
    Paused.RECOGNITION: "Recognition",
    Paused.VALUATION: "Valuation",
    Paused.DISCLOSURE: "Disclosure",
    Paused.DATA_QUALITY: "DataQuality",
    Paused.LISTINGS: "Listings",
    Paused.OPENING_LIST: "OpeningList",
}
ALL_PAUSABLE = Paused((1 << 13) - 1)


class ParticipantStatus(IntEnum):
    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2
    REVOKED = 3


class Category(IntEnum):
    PUBLIC = 0
    ENTERPRISE = 1
    PERSONAL = 2


class Grade(IntEnum):
    GENERAL = 0
    IMPORTANT = 1
    CORE = 2


class Kind(IntEnum):
    DATASET = 0
    MODEL = 1
    SERVICE = 2
    VERIFICATION_PRODUCT = 3


class AssetStatus(IntEnum):
    NONE = 0
    PENDING = 1
    REGISTERED = 2
    REJECTED = 3
    CANCELLED = 4


class Right(IntEnum):
    HOLDING = 0
    PROCESSING = 1
    OPERATION = 2


class ObjectionStatus(IntEnum):
    """``IAssetControls.ObjectionStatus``: PENDING waits for a registrar to accept it (it blocks nothing yet)."""

    NONE = 0
    OPEN = 1
    UPHELD = 2
    DISMISSED = 3
    PENDING = 4


class Delivery(IntEnum):
    RIGHT = 0
    LICENSE = 1


class OrderTarget(IntEnum):
    PARTICIPANT = 0
    ASSET = 1


class OrderStatus(IntEnum):
    NONE = 0
    OPEN = 1
    CLOSED = 2


class ValuationMethod(IntEnum):
    """A valuation report's approach (``IValuation.Method``)."""

    COST = 0
    INCOME = 1
    MARKET = 2
    COMBINED = 3


class ValuationStatus(IntEnum):
    NONE = 0
    FILED = 1
    WITHDRAWN = 2
    REJECTED = 3


class AccountingCategory(IntEnum):
    """Where a holder's balance sheet carries a recognised data asset (``IValuation.AccountingCategory``)."""

    INTANGIBLE_ASSET = 0
    INVENTORY = 1
    DEVELOPMENT_COST = 2


class Measurement(IntEnum):
    """A later measurement of a recognised asset, which lowers its carrying amount."""

    IMPAIRMENT = 0
    AMORTISATION = 1


class Derecognition(IntEnum):
    """Why a recognition ended."""

    DISPOSAL = 0
    HOLDING_TRANSFERRED = 1
    OTHER = 2


class QualityProblem(IntEnum):
    """The quality dimension a report says the data fails (``IDataQuality.Problem``)."""

    ACCURACY = 0
    COMPLETENESS = 1
    TIMELINESS = 2
    CONSISTENCY = 3
    COMPLIANCE = 4


class QualitySeverity(IntEnum):
    LOW = 0
    MEDIUM = 1
    HIGH = 2
    CRITICAL = 3


class QualityStatus(IntEnum):
    NONE = 0
    FILED = 1
    ACKNOWLEDGED = 2
    DISPUTED = 3
    OVERDUE = 4
    FIXED = 5
    UPHELD = 6
    DISMISSED = 7
    WITHDRAWN = 8


class DisclosureKind(IntEnum):
    """What an exchange's disclosure reports (``IDisclosure.Kind``)."""

    TRADE_STATISTICS = 0
    RULE_CHANGE = 1
    INCIDENT = 2
    FEE_SCHEDULE = 3


@dataclass(frozen=True, slots=True)
class Registration:
    """An application for registration (``IAssetRegistry.Registration``)."""

    content_hash: bytes
    metadata_hash: bytes
    metadata_uri: str
    name: str
    category: Category
    grade: Grade
    kind: Kind
    region: int
    processing_holder: str = ZERO_ADDRESS
    operation_holder: str = ZERO_ADDRESS

    def as_abi(self) -> tuple[object, ...]:
        return (
            self.content_hash,
            self.metadata_hash,
            self.metadata_uri,
            self.name,
            int(self.category),
            int(self.grade),
            int(self.kind),
            self.region,
            self.processing_holder,
            self.operation_holder,
        )


@dataclass(frozen=True, slots=True)
class LicenseTerms:
    """Licence terms (``IAssetRegistry.LicenseTerms``). Times are unix seconds; ``end`` is exclusive."""

    right: Right
    purpose: int
    start: int
    end: int
    regions: tuple[int, ...] = ()
    countries: tuple[str, ...] = ()
    exclusive: bool = False
    sublicensable: bool = False
    transferable: bool = False
    terms_hash: bytes = ZERO_HASH

    def as_abi(self) -> tuple[object, ...]:
        return (
            int(self.right),
            self.purpose,
            self.start,
            self.end,
            self.exclusive,
            self.sublicensable,
            self.transferable,
            list(self.regions),
            [c.encode("ascii") if isinstance(c, str) else c for c in self.countries],
            self.terms_hash,
        )

    def as_typed_data(self) -> dict[str, object]:
        return {
            "right": int(self.right),
            "purpose": self.purpose,
            "start": self.start,
            "end": self.end,
            "exclusive": self.exclusive,
            "sublicensable": self.sublicensable,
            "transferable": self.transferable,
            "regions": list(self.regions),
            "countries": [c.encode("ascii") if isinstance(c, str) else c for c in self.countries],
            "termsHash": self.terms_hash,
        }


_NO_TERMS = LicenseTerms(right=Right.PROCESSING, purpose=0, start=0, end=0)


@dataclass(frozen=True, slots=True)
class Trade:
    """A matched trade (``ITradeSettlement.Trade``)."""

    trade_id: bytes
    asset_id: int
    seller: str
    buyer: str
    price: int
    fee: int = 0
    delivery: Delivery = Delivery.LICENSE
    right: Right = Right.PROCESSING
    parent_license_id: int = 0
    terms: LicenseTerms = field(default=_NO_TERMS)

    def as_abi(self) -> tuple[object, ...]:
        return (
            self.trade_id,
            self.asset_id,
            self.seller,
            self.buyer,
            self.price,
            self.fee,
            int(self.delivery),
            int(self.right),
            self.parent_license_id,
            self.terms.as_abi(),
        )


@dataclass(frozen=True, slots=True)
class SalesConsent:
    """A seller's signed consent to one or more of its sales by one exchange (``ITradeSettlement.SalesConsent``):
    each sale names the exchange's trade id (so it settles at most once) and the least the seller must net after
    the exchange fee and revenue shares.

    ``nonce``: any nonce of the seller's; ``invalidate_nonce`` withdraws every unsettled consent signed with it.
    ``signature``: the 65-byte EIP-712 signature, sent in its 64-byte EIP-2098 form (r, vs).
    """

    seller: str
    nonce: int
    deadline: int
    signature: bytes

    def as_abi(self) -> tuple[object, ...]:
        r, vs = compact_signature(self.signature)
        return (self.seller, self.nonce, self.deadline, r, vs)


def compact_signature(signature: bytes) -> tuple[bytes, bytes]:
    """A 65-byte (r, s, v) signature as EIP-2098's (r, vs): v's parity in the top bit of s."""
    if len(signature) != 65:
        raise ValueError(f"expected a 65-byte signature, got {len(signature)} bytes")
    r, s, v = signature[:32], signature[32:64], signature[64]
    if v not in (27, 28, 0, 1):
        raise ValueError(f"signature v must be 27 or 28 (or 0 or 1), got {v}")
    vs = int.from_bytes(s, "big") | ((v % 27 & 1) << 255)
    return r, vs.to_bytes(32, "big")


@dataclass(frozen=True, slots=True)
class Mandate:
    """A seller's standing mandate to one exchange (``IMandateRegistry.Mandate``); its id is the hash of these
    fields. ``terms``: for licence delivery, the template every sale must match but for start and end."""

    seller: str
    exchange: str
    asset_id: int
    delivery: Delivery
    right: Right
    min_net: int
    expiry: int
    max_duration: int = 0
    parent_license_id: int = 0
    terms: LicenseTerms = field(default=_NO_TERMS)
    salt: int = 0

    def as_abi(self) -> tuple[object, ...]:
        return (
            self.seller,
            self.exchange,
            self.asset_id,
            int(self.delivery),
            int(self.right),
            self.parent_license_id,
            self.terms.as_abi(),
            self.max_duration,
            self.min_net,
            self.expiry,
            self.salt,
        )


@dataclass(frozen=True, slots=True)
class Offer:
    """What an exchange's listing offers beyond what a trade names (``IListings.Offer``), passed with each trade
    that references it: the listing's id (the exchange's), the longest licence sold (licence delivery; zero for a
    right), the price range (a list price when ``min_price == max_price``), the least the seller nets per sale and
    the listing period (``start`` to ``end``, both inclusive, unix seconds)."""

    listing_id: bytes
    min_price: int
    max_price: int
    min_net: int
    start: int
    end: int
    max_duration: int = 0

    def as_abi(self) -> tuple[object, ...]:
        return (
            self.listing_id,
            self.max_duration,
            self.min_price,
            self.max_price,
            self.min_net,
            self.start,
            self.end,
        )

    def as_typed_data(self) -> dict[str, object]:
        return {
            "listingId": self.listing_id,
            "maxDuration": self.max_duration,
            "minPrice": self.min_price,
            "maxPrice": self.max_price,
            "minNet": self.min_net,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True, slots=True)
class Listing:
    """A product listing as its seller signs it (``IListings.Listing``). ``seller`` is the seller's signing key;
    ``terms``: for licence delivery, the template every sale must match but for start and end (which are zero);
    for a right, no terms. ``version`` is 1 when first listed, higher with each amendment."""

    seller: str
    asset_id: int
    delivery: Delivery
    right: Right
    offer: Offer
    document_hash: bytes
    version: int = 1
    parent_license_id: int = 0
    terms: LicenseTerms = field(default=_NO_TERMS)

    def as_abi(self) -> tuple[object, ...]:
        return (
            self.seller,
            self.asset_id,
            int(self.delivery),
            int(self.right),
            self.parent_license_id,
            self.terms.as_abi(),
            self.offer.as_abi(),
            self.version,
            self.document_hash,
        )


class OpeningStatus(IntEnum):
    """An opening-list entry's status (``IOpeningList.Status``); overdue is not a status: planned or registered past
    the target date."""

    NONE = 0
    PLANNED = 1
    REGISTERED = 2
    OPENED = 3
    WITHDRAWN = 4


class OpeningEvidence(IntEnum):
    """How an entry's opening was shown (``IOpeningList.Evidence``)."""

    LICENCE = 0
    LISTING = 1


@dataclass(frozen=True, slots=True)
class OpeningEntry:
    """An entry of the year's public-data opening list as the authority publishes it (``IOpeningList.NewEntry``):
    the department that must open the data, the hash of the data's description, the target date (unix seconds)."""

    department: str
    description_hash: bytes
    target_date: int

    def as_abi(self) -> tuple[object, ...]:
        return (self.department, self.description_hash, self.target_date)
