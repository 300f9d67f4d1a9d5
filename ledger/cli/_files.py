"""The JSON files the trade commands read and write: trades, sales consents and mandates.

Every reader raises :class:`typer.BadParameter` (a usage error: exit status 2) naming the field at fault.

A trade (``ledger trade example`` prints one)::

    {"trade_id": "exchange order 2025-000123", "asset_id": 3, "seller": "4", "buyer": "0x...",
     "price": "50000.00", "fee": "500", "delivery": "license", "right": "processing",
     "parent_license_id": 0, "terms": {"right": "processing", "purpose": 1101, "start": "now", "days": 365,
     "regions": [450000], "countries": [], "exclusive": false, "sublicensable": false,
     "transferable": false, "terms_hash": "licence contract v1"}}

A sales consent (``ledger trade consent`` writes one): the seller's EIP-712 signature over some of its
sales by one exchange, each with the least the seller must net::

    {"format": "data-rights-ledger/sales-consent@1", "chain_id": 31337, "settlement": "0x...",
     "exchange": "0x...", "seller": "0x...", "nonce": 42, "deadline": 1767225600,
     "sales": [{"trade": {...resolved trade...}, "min_net": "34000.00"}],
     "digest": "0x...", "signature": "0x..."}

A mandate (``ledger mandate grant --json`` / ``ledger mandate show --json`` print one): the terms of a
standing mandate, whose id is their hash.

A listing (``ledger listing sign`` signs one; ``--out`` writes it back resolved, with ``exchange``,
``listing_key``, ``digest`` and ``signature``): what an exchange lists with its seller's signature. ``terms``
is the licence template (no start, end or days); the period (``start``, ``end``: a time each) and the
longest licence sold (``max_days``, or ``max_duration`` in seconds) are the listing's::

    {"seller": "4", "asset_id": 3, "delivery": "license", "right": "processing", "parent_license_id": 0,
     "terms": {"purpose": 1101, "regions": [450000], "terms_hash": "licence contract v1"},
     "listing_id": "listing 2035-001", "min_price": "1000", "max_price": "2000", "min_net": "500",
     "start": "2035-01-01", "end": "2035-03-01", "max_days": 60, "version": 1,
     "document_hash": "listing document 2035-001"}
"""

from __future__ import annotations

import dataclasses
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import typer
from eth_account.messages import encode_typed_data
from eth_utils.address import is_hex_address, to_checksum_address
from eth_utils.crypto import keccak

from ledger.cli._params import parse_amount, parse_choice, parse_hash, parse_time, resolve_address
from ledger.cli._session import Session
from ledger.cli.format import choice_name, format_amount
from ledger.client.ledger import sales_consent_typed_data
from ledger.contracts.types import (
    ZERO_HASH,
    Delivery,
    LicenseTerms,
    Listing,
    Mandate,
    Offer,
    Right,
    SalesConsent,
    Trade,
)

__all__ = [
    "CONSENT_FORMAT",
    "ConsentFile",
    "amount_text",
    "check_keys",
    "consented_part",
    "json_field",
    "json_int",
    "listing_from_event",
    "listing_from_json",
    "listing_to_json",
    "mandate_from_json",
    "mandate_to_json",
    "read_json",
    "terms_from_json",
    "terms_to_json",
    "trade_from_json",
    "trade_to_json",
]

CONSENT_FORMAT: Final[str] = "data-rights-ledger/sales-consent@1"
_NO_TERMS: Final = LicenseTerms(right=Right.PROCESSING, purpose=0, start=0, end=0)  # Trade's and Mandate's default

_TERMS_FIELDS = frozenset({"right", "purpose", "start", "end", "days", "regions", "countries", "exclusive",
                           "sublicensable", "transferable", "terms_hash"})  # fmt: skip
_TRADE_FIELDS = frozenset({"trade_id", "asset_id", "seller", "buyer", "price", "fee", "delivery", "right",
                           "parent_license_id", "terms"})  # fmt: skip
_CONSENT_FIELDS = frozenset({"format", "chain_id", "settlement", "exchange", "seller", "nonce", "deadline", "sales",
                             "digest", "signature"})  # fmt: skip
_MANDATE_FIELDS = frozenset({"seller", "exchange", "asset_id", "delivery", "right", "parent_license_id", "terms",
                             "max_duration", "min_net", "expiry", "salt"})  # fmt: skip
#: What ``mandate show --json`` adds to a mandate's terms; accepted (and checked where it matters) when read back.
_MANDATE_EXTRA = frozenset({"mandate_id", "status", "granted_block", "granted_tx", "revoked_block", "revoked_tx"})
_LISTING_FIELDS = frozenset({"seller", "asset_id", "delivery", "right", "parent_license_id", "terms", "listing_id",
                             "min_price", "max_price", "min_net", "start", "end", "max_days", "max_duration",
                             "version", "document_hash"})  # fmt: skip
#: What ``listing sign --out`` adds to a listing; accepted (and checked where it matters) when read back.
_LISTING_EXTRA = frozenset({"exchange", "listing_key", "digest", "signature"})


def read_json(path: str, param: str = "FILE") -> Any:
    """A JSON file ('-' for stdin)."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
        return json.loads(text)
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc.strerror}", param_hint=param) from None
    except ValueError as exc:
        raise typer.BadParameter(f"{path} is not JSON: {exc}", param_hint=param) from None


def json_field(data: dict[str, Any], key: str, where: str, default: Any = ...) -> Any:
    if key in data:
        return data[key]
    if default is ...:
        raise typer.BadParameter(f"{where}: missing {key!r}", param_hint="FILE")
    return default


def json_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise typer.BadParameter(f"{where}: {value!r} is not a non-negative integer", param_hint="FILE")
    return int(value)


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise typer.BadParameter(f"{where}: {value!r} is not true or false", param_hint="FILE")
    return value


def _address(value: Any, where: str) -> str:
    if not isinstance(value, str) or not is_hex_address(value):
        raise typer.BadParameter(f"{where}: {value!r} is not an address", param_hint="FILE")
    return to_checksum_address(value)


def check_keys(data: Any, allowed: frozenset[str], where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise typer.BadParameter(f"{where}: expected a JSON object", param_hint="FILE")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise typer.BadParameter(f"{where}: unknown field(s) {', '.join(unknown)}", param_hint="FILE")
    return data


def amount_text(units: int) -> str:
    """Token units as the files write amounts: yuan with two decimals, no separators (``"50000.00"``)."""
    return format_amount(units).removeprefix("¥").replace(",", "")


# ──────────────────────────────────────────────────────────── trades


def terms_from_json(s: Session, data: Any, default_right: Right, where: str) -> LicenseTerms:
    t = check_keys(data, _TERMS_FIELDS, where)
    start = parse_time(json_field(t, "start", where, "now"), s.chain_time, f"{where}.start")
    if "end" in t:
        end = parse_time(t["end"], s.chain_time, f"{where}.end")
    else:
        end = start + json_int(json_field(t, "days", where, 365), f"{where}.days") * 86400
    regions = json_field(t, "regions", where, [])
    countries = json_field(t, "countries", where, [])
    if not isinstance(regions, list) or not isinstance(countries, list):
        raise typer.BadParameter(f"{where}: regions and countries must be lists", param_hint="FILE")
    terms_hash = json_field(t, "terms_hash", where, None)
    return LicenseTerms(
        right=parse_choice(Right, str(json_field(t, "right", where, choice_name(default_right))), f"{where}.right"),
        purpose=json_int(json_field(t, "purpose", where, 0), f"{where}.purpose"),
        start=start,
        end=end,
        regions=tuple(json_int(r, f"{where}.regions") for r in regions),
        countries=tuple(str(c).upper() for c in countries),
        exclusive=_bool(json_field(t, "exclusive", where, False), f"{where}.exclusive"),
        sublicensable=_bool(json_field(t, "sublicensable", where, False), f"{where}.sublicensable"),
        transferable=_bool(json_field(t, "transferable", where, False), f"{where}.transferable"),
        terms_hash=parse_hash(str(terms_hash), f"{where}.terms_hash") if terms_hash is not None else ZERO_HASH,
    )


def terms_to_json(t: LicenseTerms) -> dict[str, Any]:
    return {
        "right": choice_name(t.right),
        "purpose": t.purpose,
        "start": t.start,
        "end": t.end,
        "regions": list(t.regions),
        "countries": [c.decode("ascii") if isinstance(c, bytes) else c for c in t.countries],
        "exclusive": t.exclusive,
        "sublicensable": t.sublicensable,
        "transferable": t.transferable,
        "terms_hash": "0x" + t.terms_hash.hex(),
    }


def trade_from_json(s: Session, data: Any, where: str = "trade") -> Trade:
    """A :class:`Trade` from its JSON form (module docstring); bad input raises a usage error."""
    d = check_keys(data, _TRADE_FIELDS, where)
    delivery = parse_choice(Delivery, str(json_field(d, "delivery", where, "license")), f"{where}.delivery")
    right = parse_choice(Right, str(json_field(d, "right", where, "processing")), f"{where}.right")
    terms_data = json_field(d, "terms", where, ... if delivery == Delivery.LICENSE else None)
    trade = Trade(
        trade_id=parse_hash(str(json_field(d, "trade_id", where)), f"{where}.trade_id"),
        asset_id=json_int(json_field(d, "asset_id", where), f"{where}.asset_id"),
        seller=resolve_address(s.settings, str(json_field(d, "seller", where)), f"{where}.seller"),
        buyer=resolve_address(s.settings, str(json_field(d, "buyer", where)), f"{where}.buyer"),
        price=parse_amount(json_field(d, "price", where), f"{where}.price"),
        fee=parse_amount(json_field(d, "fee", where, 0), f"{where}.fee", allow_zero=True),
        delivery=delivery,
        right=right,
        parent_license_id=json_int(json_field(d, "parent_license_id", where, 0), f"{where}.parent_license_id"),
    )
    if terms_data is None:
        return trade
    terms = terms_from_json(s, terms_data, right, f"{where}.terms")
    return dataclasses.replace(trade, terms=terms)


def trade_to_json(trade: Trade) -> dict[str, Any]:
    """The fully resolved JSON form: the exact values a seller or both parties sign."""
    return {
        "trade_id": "0x" + trade.trade_id.hex(),
        "asset_id": trade.asset_id,
        "seller": trade.seller,
        "buyer": trade.buyer,
        "price": amount_text(trade.price),
        "fee": amount_text(trade.fee),
        "delivery": choice_name(trade.delivery),
        "right": choice_name(trade.right),
        "parent_license_id": trade.parent_license_id,
        "terms": terms_to_json(trade.terms),
    }


def consented_part(trade: Trade) -> tuple[object, ...]:
    """What a seller's consent signs of a trade: its id, asset, delivery, right, parent licence and terms."""
    return (trade.trade_id, trade.asset_id, trade.delivery, trade.right, trade.parent_license_id, trade.terms)


# ──────────────────────────────────────────────────────────── sales consents


@dataclass(frozen=True, slots=True)
class ConsentFile:
    """A seller's signed consent to some of its sales by one exchange, with the deployment it was signed for."""

    chain_id: int
    settlement: str
    exchange: str
    consent: SalesConsent
    sales: tuple[tuple[Trade, int], ...]

    @property
    def seller(self) -> str:
        return self.consent.seller

    def typed_data(self) -> dict[str, Any]:
        c = self.consent
        return sales_consent_typed_data(self.sales, self.exchange, c.nonce, c.deadline, self.chain_id, self.settlement)

    def digest(self) -> bytes:
        message = encode_typed_data(full_message=self.typed_data())
        return keccak(b"\x19" + message.version + message.header + message.body)

    def to_json(self) -> dict[str, Any]:
        c = self.consent
        return {
            "format": CONSENT_FORMAT,
            "chain_id": self.chain_id,
            "settlement": self.settlement,
            "exchange": self.exchange,
            "seller": c.seller,
            "nonce": c.nonce,
            "deadline": c.deadline,
            "sales": [{"trade": trade_to_json(t), "min_net": amount_text(m)} for t, m in self.sales],
            "digest": "0x" + self.digest().hex(),
            "signature": "0x" + c.signature.hex(),
        }

    @classmethod
    def from_json(cls, s: Session, data: Any, where: str) -> ConsentFile:
        d = check_keys(data, _CONSENT_FIELDS, where)
        if d.get("format") != CONSENT_FORMAT:
            raise typer.BadParameter(
                f"{where}: not a sales consent (format {d.get('format')!r}, expected {CONSENT_FORMAT!r})",
                param_hint="--consent",
            )
        seller = _address(json_field(d, "seller", where), f"{where}.seller")
        sales_data = json_field(d, "sales", where)
        if not isinstance(sales_data, list) or not sales_data:
            raise typer.BadParameter(f"{where}.sales: expected a non-empty list", param_hint="--consent")
        sales: list[tuple[Trade, int]] = []
        for i, sale in enumerate(sales_data):
            item = check_keys(sale, frozenset({"trade", "min_net"}), f"{where}.sales[{i}]")
            trade = trade_from_json(s, json_field(item, "trade", f"{where}.sales[{i}]"), f"{where}.sales[{i}].trade")
            if trade.seller != seller:
                raise typer.BadParameter(
                    f"{where}.sales[{i}]: the trade's seller {trade.seller} is not the consent's seller {seller}",
                    param_hint="--consent",
                )
            min_net = parse_amount(json_field(item, "min_net", f"{where}.sales[{i}]"), f"{where}.sales[{i}].min_net",
                                   allow_zero=True)  # fmt: skip
            sales.append((trade, min_net))
        signature_text = str(json_field(d, "signature", where))
        try:
            signature = bytes.fromhex(signature_text.removeprefix("0x"))
        except ValueError:
            signature = b""
        if len(signature) != 65:
            raise typer.BadParameter(f"{where}.signature: expected 65 bytes of hex", param_hint="--consent")
        consent = SalesConsent(
            seller=seller,
            nonce=json_int(json_field(d, "nonce", where), f"{where}.nonce"),
            deadline=json_int(json_field(d, "deadline", where), f"{where}.deadline"),
            signature=signature,
        )
        return cls(
            chain_id=json_int(json_field(d, "chain_id", where), f"{where}.chain_id"),
            settlement=_address(json_field(d, "settlement", where), f"{where}.settlement"),
            exchange=_address(json_field(d, "exchange", where), f"{where}.exchange"),
            consent=consent,
            sales=tuple(sales),
        )


# ──────────────────────────────────────────────────────────── mandates


def mandate_to_json(m: Mandate) -> dict[str, Any]:
    """A mandate's terms; ``terms`` is the licence template (its start and end are not part of it)."""
    return {
        "seller": m.seller,
        "exchange": m.exchange,
        "asset_id": m.asset_id,
        "delivery": choice_name(m.delivery),
        "right": choice_name(m.right),
        "parent_license_id": m.parent_license_id,
        "terms": terms_to_json(m.terms),
        "max_duration": m.max_duration,
        "min_net": amount_text(m.min_net),
        "expiry": m.expiry,
        "salt": str(m.salt),
    }


def mandate_from_json(s: Session, data: Any, where: str) -> tuple[Mandate, bytes | None]:
    """The mandate's terms, and the id the file names (if it names one)."""
    d = check_keys(data, _MANDATE_FIELDS | _MANDATE_EXTRA, where)
    delivery = parse_choice(Delivery, str(json_field(d, "delivery", where)), f"{where}.delivery")
    right = parse_choice(Right, str(json_field(d, "right", where)), f"{where}.right")
    terms_data = json_field(d, "terms", where, None)
    terms = (
        terms_from_json(s, {"start": 0, "end": 0, **terms_data}, right, f"{where}.terms")
        if terms_data is not None
        else _NO_TERMS
    )
    mandate = Mandate(
        seller=_address(json_field(d, "seller", where), f"{where}.seller"),
        exchange=_address(json_field(d, "exchange", where), f"{where}.exchange"),
        asset_id=json_int(json_field(d, "asset_id", where), f"{where}.asset_id"),
        delivery=delivery,
        right=right,
        min_net=parse_amount(json_field(d, "min_net", where), f"{where}.min_net", allow_zero=True),
        expiry=json_int(json_field(d, "expiry", where), f"{where}.expiry"),
        max_duration=json_int(json_field(d, "max_duration", where, 0), f"{where}.max_duration"),
        parent_license_id=json_int(json_field(d, "parent_license_id", where, 0), f"{where}.parent_license_id"),
        terms=terms,
        salt=json_int(json_field(d, "salt", where, 0), f"{where}.salt"),
    )
    named = d.get("mandate_id")
    return mandate, parse_hash(str(named), f"{where}.mandate_id") if named is not None else None


# ──────────────────────────────────────────────────────────── listings


def listing_to_json(listing: Listing) -> dict[str, Any]:
    """A listing, every value resolved: the exact values its seller signs."""
    o = listing.offer
    return {
        "seller": listing.seller,
        "asset_id": listing.asset_id,
        "delivery": choice_name(listing.delivery),
        "right": choice_name(listing.right),
        "parent_license_id": listing.parent_license_id,
        "terms": terms_to_json(listing.terms),
        "listing_id": "0x" + o.listing_id.hex(),
        "min_price": amount_text(o.min_price),
        "max_price": amount_text(o.max_price),
        "min_net": amount_text(o.min_net),
        "start": o.start,
        "end": o.end,
        "max_duration": o.max_duration,
        "version": listing.version,
        "document_hash": "0x" + listing.document_hash.hex(),
    }


def listing_from_json(s: Session, data: Any, where: str, seller: str | None = None) -> tuple[Listing, dict[str, Any]]:
    """The listing a file describes (module docstring), its seller ``seller`` unless the file names one; and what
    ``listing sign --out`` added to it (exchange, listing_key, digest, signature) as written."""
    d = check_keys(data, _LISTING_FIELDS | _LISTING_EXTRA, where)
    delivery = parse_choice(Delivery, str(json_field(d, "delivery", where, "license")), f"{where}.delivery")
    right = parse_choice(Right, str(json_field(d, "right", where, "processing")), f"{where}.right")
    named = json_field(d, "seller", where, seller)
    if named is None:
        raise typer.BadParameter(f"{where}: missing 'seller'", param_hint="FILE")
    terms_data = json_field(d, "terms", where, None)
    if terms_data is None:
        terms = LicenseTerms(right=right, purpose=0, start=0, end=0)
    else:
        template = check_keys(terms_data, _TERMS_FIELDS, f"{where}.terms")
        if any(template.get(k, 0) not in (0, "0") for k in ("start", "end", "days")):
            raise typer.BadParameter(
                f"{where}.terms: a listing's licence template has no period (start, end, days): the listing's "
                "start, end and max_days bound the licences it sells", param_hint="FILE",
            )  # fmt: skip
        terms = terms_from_json(s, {**template, "start": 0, "end": 0}, right, f"{where}.terms")
    if "max_days" in d and "max_duration" in d:
        raise typer.BadParameter(f"{where}: give max_days or max_duration, not both", param_hint="FILE")
    if "max_days" in d:
        max_duration = json_int(d["max_days"], f"{where}.max_days") * 86400
    else:
        max_duration = json_int(json_field(d, "max_duration", where, 0), f"{where}.max_duration")
    if delivery == Delivery.LICENSE and max_duration == 0:
        raise typer.BadParameter(f"{where}: a licence listing needs max_days (the longest licence sold)",
                                 param_hint="FILE")  # fmt: skip
    offer = Offer(
        listing_id=parse_hash(str(json_field(d, "listing_id", where)), f"{where}.listing_id"),
        min_price=parse_amount(json_field(d, "min_price", where), f"{where}.min_price", allow_zero=True),
        max_price=parse_amount(json_field(d, "max_price", where), f"{where}.max_price"),
        min_net=parse_amount(json_field(d, "min_net", where, 0), f"{where}.min_net", allow_zero=True),
        start=parse_time(json_field(d, "start", where, "now"), s.chain_time, f"{where}.start"),
        end=parse_time(json_field(d, "end", where), s.chain_time, f"{where}.end"),
        max_duration=max_duration,
    )
    listing = Listing(
        seller=resolve_address(s.settings, str(named), f"{where}.seller"),
        asset_id=json_int(json_field(d, "asset_id", where), f"{where}.asset_id"),
        delivery=delivery,
        right=right,
        offer=offer,
        document_hash=parse_hash(str(json_field(d, "document_hash", where)), f"{where}.document_hash"),
        version=json_int(json_field(d, "version", where, 1), f"{where}.version"),
        parent_license_id=json_int(json_field(d, "parent_license_id", where, 0), f"{where}.parent_license_id"),
        terms=terms,
    )
    extra = {k: d[k] for k in _LISTING_EXTRA if k in d}
    if "exchange" in extra:
        extra["exchange"] = _address(extra["exchange"], f"{where}.exchange")
    return listing, extra


def listing_from_event(listing: dict[str, Any]) -> Listing:
    """The listing of a ProductListed event (its ``listing`` argument)."""
    t, o = listing["terms"], listing["offer"]
    terms = LicenseTerms(
        right=Right(t["right"]), purpose=int(t["purpose"]), start=int(t["start"]), end=int(t["end"]),
        regions=tuple(int(r) for r in t["regions"]),
        countries=tuple(c.decode("ascii") if isinstance(c, bytes) else str(c) for c in t["countries"]),
        exclusive=bool(t["exclusive"]), sublicensable=bool(t["sublicensable"]), transferable=bool(t["transferable"]),
        terms_hash=bytes(t["termsHash"]),
    )  # fmt: skip
    offer = Offer(
        listing_id=bytes(o["listingId"]), min_price=int(o["minPrice"]), max_price=int(o["maxPrice"]),
        min_net=int(o["minNet"]), start=int(o["start"]), end=int(o["end"]), max_duration=int(o["maxDuration"]),
    )  # fmt: skip
    return Listing(
        seller=listing["seller"], asset_id=int(listing["assetId"]), delivery=Delivery(listing["delivery"]),
        right=Right(listing["right"]), offer=offer, document_hash=bytes(listing["documentHash"]),
        version=int(listing["version"]), parent_license_id=int(listing["parentLicenseId"]), terms=terms,
    )  # fmt: skip
