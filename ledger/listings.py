"""Exchange listings (art. 16-17): what the Listings contract keeps of a listing, computed from its record.

The contract keeps, per listing, the first 28 bytes of its *sale digest* and its version: the sale digest is
``keccak256(abi.encode(exchange, seller, assetId, delivery, right, parentLicenseId, T, O))`` where ``T`` is the
EIP-712 hash of the licence template (the terms with start and end zero) and ``O`` that of the offer
(``IListings.saleDigest``). The audit recomputes it from the indexed listing; the read API derives a listing's
standing (on sale, upcoming, suspended, expired, delisted, withdrawn) from it and the asset.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak

from ledger.contracts.types import AssetStatus

__all__ = [
    "LISTING_DELISTED",
    "LISTING_LISTED",
    "LISTING_WITHDRAWN",
    "WITHDRAWN_VERSION",
    "listed_state",
    "sale_digest",
    "standing",
]

#: ``listings.status`` in the index.
LISTING_LISTED, LISTING_DELISTED, LISTING_WITHDRAWN = 0, 1, 2
#: The version the contract keeps once the seller withdrew a listing: no version may be listed again.
WITHDRAWN_VERSION: Final = 2**32 - 1

_TERMS_TYPEHASH: Final = keccak(
    text="LicenseTerms(uint8 right,uint16 purpose,uint40 start,uint40 end,bool exclusive,bool sublicensable,"
    "bool transferable,uint24[] regions,bytes2[] countries,bytes32 termsHash)"
)
_OFFER_TYPEHASH: Final = keccak(
    text="Offer(bytes32 listingId,uint40 maxDuration,uint128 minPrice,uint128 maxPrice,uint256 minNet,uint40 start,"
    "uint40 end)"
)


def _b32(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else bytes.fromhex(value.removeprefix("0x"))


def _template_hash(terms: Mapping[str, Any]) -> bytes:
    regions = b"".join(int(r).to_bytes(32, "big") for r in terms["regions"])
    countries = b"".join(c.encode("ascii").ljust(32, b"\0") if isinstance(c, str) else bytes(c).ljust(32, b"\0")
                         for c in terms["countries"])  # fmt: skip
    return keccak(abi_encode(
        ["bytes32", "uint8", "uint16", "uint40", "uint40", "bool", "bool", "bool", "bytes32", "bytes32", "bytes32"],
        [_TERMS_TYPEHASH, terms["right"], terms["purpose"], 0, 0, terms["exclusive"], terms["sublicensable"],
         terms["transferable"], keccak(regions), keccak(countries), _b32(terms["terms_hash"])],
    ))  # fmt: skip


def sale_digest(listing: Mapping[str, Any]) -> bytes:
    """The sale digest of an indexed listing (a ``listings`` row: exchange, seller_key, asset_id, delivery, right,
    parent_licence_id, terms, listing_id, max_duration, min_price, max_price, min_net, starts_at, ends_at)."""
    offer = keccak(abi_encode(
        ["bytes32", "bytes32", "uint40", "uint128", "uint128", "uint256", "uint40", "uint40"],
        [_OFFER_TYPEHASH, _b32(listing["listing_id"]), int(listing["max_duration"]), int(listing["min_price"]),
         int(listing["max_price"]), int(listing["min_net"]), int(listing["starts_at"]), int(listing["ends_at"])],
    ))  # fmt: skip
    return keccak(abi_encode(
        ["address", "address", "uint256", "uint8", "uint8", "uint64", "bytes32", "bytes32"],
        [listing["exchange"], listing["seller_key"], int(listing["asset_id"]), int(listing["delivery"]),
         int(listing["right"]), int(listing["parent_licence_id"]), _template_hash(listing["terms"]), offer],
    ))  # fmt: skip


def listed_state(listing: Mapping[str, Any] | None) -> tuple[bytes, int]:
    """What ``Listings.listed(key)`` returns for an indexed listing (None: never listed): the first 28 bytes of its
    sale digest while listed, else zero; its version (``WITHDRAWN_VERSION`` once withdrawn)."""
    if listing is None:
        return bytes(28), 0
    if listing["status"] == LISTING_WITHDRAWN:
        return bytes(28), WITHDRAWN_VERSION
    digest = sale_digest(listing)[:28] if listing["status"] == LISTING_LISTED else bytes(28)
    return digest, int(listing["version"])


def standing(listing: Mapping[str, Any], asset: Mapping[str, Any] | None, now: int) -> str:
    """Where a listing stands at time ``now``: ``withdrawn`` or ``delisted`` (ended), ``expired`` (its period is
    over), ``upcoming`` (not begun), ``suspended`` (its asset, as recorded then, cannot be delivered: not registered,
    frozen, disputed or suspended; no trade may reference it), else ``on_sale``."""
    if listing["status"] == LISTING_WITHDRAWN:
        return "withdrawn"
    if listing["status"] == LISTING_DELISTED:
        return "delisted"
    if now > int(listing["ends_at"]):
        return "expired"
    if now < int(listing["starts_at"]):
        return "upcoming"
    if asset is None or asset.get("status") != AssetStatus.REGISTERED or any(
            asset.get(flag) for flag in ("frozen", "disputed", "suspended")):  # fmt: skip
        return "suspended"
    return "on_sale"
