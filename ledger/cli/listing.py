"""``ledger listing ...``: exchange listings of data products (挂牌, art. 16-17).

The seller signs a listing file for one exchange (EIP-712, every term and the version included); the exchange
lists it with that signature, amends it (the same ``listing_id``, a higher ``version``, a new signature), delists
it, and settles trades under it; the seller withdraws it for good::

    ledger listing sign listing.json --exchange 2 --out signed.json --as 4   # the seller signs
    ledger listing list signed.json --as 2                                   # the exchange lists: its key
    ledger listing settle trade.json --listing 0x<key> --as 2               # a trade under the listing
    ledger listing show 0x<key>                                              # its state on chain
    ledger listing delist 0x<key> --reason "notice 7" --as 2                # the exchange ends it
    ledger listing withdraw 0x<key> --as 4                                   # the seller, for good

A listing is named by its key (found in the ProductListed events) or by a listing file (the file format is in
:mod:`ledger.cli._files`). Relative times in a listing file (``now``, ``+30d``) are resolved when read: list the
file ``sign --out`` wrote, which holds the values signed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Final

import typer
from eth_abi.abi import encode as abi_encode
from eth_account.messages import encode_typed_data
from eth_utils.crypto import keccak

from ledger.cli._files import listing_from_event, listing_from_json, listing_to_json, read_json, trade_from_json
from ledger.cli._params import ADDRESS_HELP, HASH_HELP, parse_hash, resolve_address
from ledger.cli._session import AsOption, JsonOption, Session, emit, write_result
from ledger.cli.format import format_amount, format_time, term
from ledger.cli.trade import settled_lines
from ledger.client import TxResult
from ledger.client.ledger import listing_typed_data
from ledger.contracts.types import ZERO_HASH, Delivery, LicenseTerms, Listing, Right, Trade, compact_signature

__all__ = ["app", "listing_covers", "load_listing"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Exchange listings (挂牌) of data products: sign, list, delist, withdraw, settle, show.",
)

#: The version the contract keeps once the seller withdrew a listing.
WITHDRAWN_VERSION: Final = 2**32 - 1

ListingArg = Annotated[
    str,
    typer.Argument(
        help="The listing: its key (0x + 64 hex digits, as `ledger listing list` printed it) or a listing file.",
        show_default=False,
    ),
]
ExchangeOption = Annotated[
    str | None,
    typer.Option(help=f"A listing file's exchange, when the file names none: {ADDRESS_HELP}.", show_default=False),
]
ReasonOption = Annotated[
    str | None, typer.Option("--reason", help=f"The notice or reason (kept off chain), {HASH_HELP}.")
]


def listing_key(exchange: str, listing_id: bytes) -> bytes:
    """An exchange's listing's key, as ``Listings.listingKey``: keccak256(abi.encode(exchange, listing_id))."""
    return keccak(abi_encode(["address", "bytes32"], [exchange, listing_id]))


def _is_key(value: str) -> bool:
    return value.startswith(("0x", "0X")) and len(value) == 66 and not Path(value).exists()


def _template(t: LicenseTerms) -> tuple[object, ...]:
    countries = tuple(c.decode("ascii") if isinstance(c, bytes) else str(c) for c in t.countries)
    return (Right(t.right), t.purpose, t.exclusive, t.sublicensable, t.transferable, tuple(t.regions), countries,
            t.terms_hash)  # fmt: skip


def listing_covers(listing: Listing, trade: Trade) -> bool:
    """Whether ``trade`` is what ``listing`` sells (seller, asset, delivery, right, parent licence, licence
    template); the contract also checks the price range, the period and the licence's length."""
    if (listing.seller, listing.asset_id, listing.delivery, listing.right, listing.parent_license_id) != (
        trade.seller, trade.asset_id, trade.delivery, trade.right, trade.parent_license_id,
    ):  # fmt: skip
        return False
    return trade.delivery == Delivery.RIGHT or _template(listing.terms) == _template(trade.terms)


def load_listing(
    s: Session, value: str, exchange: str | None = None, *, param: str = "LISTING"
) -> tuple[str | None, Listing, bytes | None]:
    """A listing's exchange, its current version and its key: from its key (the latest ProductListed event of it) or
    from a listing file (its exchange: ``exchange``, else the file's; None when neither names one, and then no key)."""
    if _is_key(value):
        key = parse_hash(value, param)
        listed = s.find_events("Listings", "ProductListed", key)
        if not listed:
            raise typer.BadParameter(f"no listing {value} was ever listed here", param_hint=param)
        return str(listed[-1].args["exchange"]), listing_from_event(listed[-1].args["listing"]), key
    listing, extra = listing_from_json(s, read_json(value, param), value)
    where = resolve_address(s.settings, exchange, "--exchange") if exchange is not None else extra.get("exchange")
    if where is None:
        return None, listing, None
    key = listing_key(where, listing.offer.listing_id)
    named = extra.get("listing_key")
    if named is not None and exchange is None and parse_hash(str(named), f"{value}.listing_key") != key:
        raise typer.BadParameter(f"{value} names listing {named} but its exchange and id make 0x{key.hex()}",
                                 param_hint=param)  # fmt: skip
    return where, listing, key


def _lines(listing: Listing) -> list[str]:
    o = listing.offer
    if listing.delivery == Delivery.LICENSE:
        t = listing.terms
        territory = ", ".join([*(str(r) for r in t.regions), *(str(c) for c in t.countries)]) or "-"
        sells = (
            f"licences of {term(listing.right)}, at most {o.max_duration // 86400} day(s) each: purpose "
            f"{t.purpose}, territory {territory}"
            + "".join(f", {f}" for f in ("exclusive", "sublicensable", "transferable") if getattr(t, f))
        )
    else:
        sells = f"transfer of {term(listing.right)}"
    price = (format_amount(o.min_price) if o.min_price == o.max_price
             else f"{format_amount(o.min_price)} to {format_amount(o.max_price)}")  # fmt: skip
    return [
        f"  seller    {listing.seller}",
        f"  asset     #{listing.asset_id}" + (f", sublicences of licence #{listing.parent_license_id}"
                                               if listing.parent_license_id else ""),
        f"  sells     {sells}",
        f"  price     {price}; the seller nets at least {format_amount(o.min_net)} a sale",
        f"  period    {format_time(o.start)} to {format_time(o.end)}",
        f"  version   {listing.version}, listing id 0x{o.listing_id.hex()}",
    ]  # fmt: skip


def _parse_signature(value: str, param: str) -> bytes:
    try:
        signature = bytes.fromhex(value.removeprefix("0x"))
        compact_signature(signature)
    except ValueError as exc:
        raise typer.BadParameter(f"not a 65-byte signature (r, s, v) in hex: {exc}", param_hint=param) from None
    return signature


def _ended(result: TxResult) -> dict[str, Any]:
    ended = result.event("ProductDelisted")
    return {"listing_key": bytes(ended["key"]), "version": int(ended["version"]), "by": ended["by"],
            "withdrawn": bool(ended["withdrawn"]), "reason_hash": bytes(ended["reasonHash"])}  # fmt: skip


@app.command()
def sign(
    file: Annotated[str, typer.Argument(help="The listing file (JSON, '-' for stdin).", show_default=False)],
    exchange: Annotated[str, typer.Option(help=f"The listing exchange: {ADDRESS_HELP}.", show_default=False)],
    out: Annotated[Path | None, typer.Option(help="Also write the signed listing here, for the exchange.")] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Sign, as the seller, your consent (EIP-712) to an exchange listing your product on the terms in FILE.

    Prints the signature. The signature covers every term, the exchange and the version; give the file --out
    writes (the listing with every value resolved and the signature) to the exchange, which runs `ledger listing
    list FILE`.
    """
    data = read_json(file)
    with Session() as s:
        account = s.account(actor)
        listing, _ = listing_from_json(s, data, file, seller=account.address)
        if listing.seller != account.address:
            raise typer.BadParameter(
                f"the listing's seller is {listing.seller}; you sign as {account.address}: only its seller signs it",
                param_hint="--as",
            )
        where = resolve_address(s.settings, exchange, "--exchange")
        client = s.client_for(account)
        typed = listing_typed_data(listing, where, client.chain_id, s.contracts.address["Listings"])
        message = encode_typed_data(full_message=typed)
        digest = keccak(b"\x19" + message.version + message.header + message.body)
        signature = client.sign_listing(listing, where)
        key = listing_key(where, listing.offer.listing_id)
        record = {**listing_to_json(listing), "exchange": where, "listing_key": "0x" + key.hex(),
                  "digest": "0x" + digest.hex(), "signature": "0x" + signature.hex()}  # fmt: skip
        if out is not None:
            out.write_text(json.dumps(record, indent=2) + "\n")
        emit(record, [
            "0x" + signature.hex(),
            f"listing (挂牌) 0x{key.hex()} signed for exchange {where}"
            + (f"; written to {out}" if out is not None else ""),
            *_lines(listing),
        ], as_json)  # fmt: skip


@app.command("list")
def list_(
    file: Annotated[
        str, typer.Argument(help="The listing file (`ledger listing sign --out` writes one).", show_default=False)
    ],
    signature: Annotated[
        str | None,
        typer.Option(help="The seller's signature (0x + 130 hex digits). Default: the file's.", show_default=False),
    ] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """List a product (the exchange, the signer) with its seller's signature, or amend your listing of its id (a
    higher version). Prints the listing's key, which trades under it cite."""
    data = read_json(file)
    with Session() as s:
        listing, extra = listing_from_json(s, data, file)
        text = signature if signature is not None else extra.get("signature")
        if text is None:
            raise typer.BadParameter(
                "a listing needs its seller's signature: give --signature (the seller runs `ledger listing sign`)",
                param_hint="--signature",
            )
        signed = _parse_signature(str(text), "--signature")
        client = s.client(actor)
        result = client.execute(client.prepare("Listings", "list", listing.as_abi(), *compact_signature(signed)))
        event = result.event("ProductListed")
        key = bytes(event["key"])
        record = {"listing_key": key, "exchange": event["exchange"], "seller": event["seller"],
                  "asset_id": int(event["assetId"]), "version": listing.version}  # fmt: skip
        verb = "listed" if listing.version == 1 else f"amended (version {listing.version})"
        write_result(result, record, [f"0x{key.hex()}", f"listing (挂牌) {verb} by {event['exchange']}",
                                      *_lines(listing)], as_json)  # fmt: skip


@app.command()
def delist(
    listing: ListingArg, reason: ReasonOption = None, actor: AsOption = None, as_json: JsonOption = False
) -> None:
    """End your listing (the exchange, the signer): no trade settles under it until you list it again with a higher
    version and the seller's signature."""
    with Session() as s:
        _, found, _ = load_listing(s, listing)
        reason_hash = parse_hash(reason, "--reason") if reason is not None else ZERO_HASH
        result = s.client(actor).delist_product(found.offer.listing_id, reason_hash)
        record = _ended(result)
        write_result(result, record, [f"listing 0x{record['listing_key'].hex()} delisted (摘牌) at version "
                                      f"{record['version']}"], as_json)  # fmt: skip


@app.command()
def withdraw(
    listing: ListingArg,
    exchange: ExchangeOption = None,
    reason: ReasonOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Withdraw your consent to a listing for good (the seller, the signer): it is no longer sold, and no version of
    it may be listed again."""
    with Session() as s:
        where, found, _ = load_listing(s, listing, exchange)
        if where is None:
            raise typer.BadParameter("give --exchange: the listing file names no exchange", param_hint="--exchange")
        reason_hash = parse_hash(reason, "--reason") if reason is not None else ZERO_HASH
        result = s.client(actor).withdraw_listing(where, found, reason_hash)
        record = _ended(result)
        write_result(result, record, [f"listing 0x{record['listing_key'].hex()} withdrawn for good by its seller"],
                     as_json)  # fmt: skip


@app.command()
def settle(
    file: Annotated[
        str,
        typer.Argument(help="The trade (JSON, '-' for stdin; `ledger trade example` prints one).", show_default=False),
    ],
    listing: Annotated[
        str,
        typer.Option("--listing", help="The listing it is sold under: its key or a listing file.", show_default=False),
    ],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Settle a trade under your listing (the exchange, the signer): it must be what the listing sells, within its
    price range and period, netting the seller at least its least net amount. The buyer pays through its allowance
    to the exchange."""
    data = read_json(file)
    if isinstance(data, list):
        raise typer.BadParameter("a listing settles one trade at a time: give one trade", param_hint="FILE")
    with Session() as s:
        trade = trade_from_json(s, data)
        _, found, _ = load_listing(s, listing, param="--listing")
        if not listing_covers(found, trade):
            raise typer.BadParameter(
                f"the trade is not what listing 0x{found.offer.listing_id.hex()} sells (its seller, asset, delivery, "
                "right, parent licence and licence terms but for their period must be the listing's)",
                param_hint="--listing",
            )
        result = s.client(actor).settle_listed(trade, found.offer)
        rows, _ = settled_lines(result)
        lines: list[str] = []
        for row in rows:
            row["listing_key"] = row.pop("mandate_id")
            what = f"licence #{row['license_id']} of {term(row['right'])}" if row["license_id"] else term(row["right"])
            lines.append(
                f"settled (交易结算) under listing {'0x' + row['listing_key'].hex()} (挂牌): trade "
                f"0x{row['trade_id'].hex()[:16]}…, asset #{row['asset_id']}, {what} to {row['buyer']}; price "
                f"{format_amount(row['price'])}, fee {format_amount(row['fee'])}, seller "
                f"{format_amount(row['seller_amount'])}"
            )
            lines.extend(
                f"    revenue share (收益分配) {format_amount(x['amount'])} to {x['recipient']}"
                + (" HELD (recipient not active)" if x["held"] else "")
                for x in row["revenue_shares"]
            )
        write_result(result, {"trades": rows}, lines, as_json)


@app.command()
def show(listing: ListingArg, exchange: ExchangeOption = None, as_json: JsonOption = False) -> None:
    """Show a listing's state on chain (the digest of what its current version sells, its version; listed,
    delisted or withdrawn) and, when it was listed here, its terms."""
    with Session() as s:
        if _is_key(listing):
            key = parse_hash(listing, "LISTING")
            found = s.find_events("Listings", "ProductListed", key)
            where = str(found[-1].args["exchange"]) if found else None
            terms = listing_from_event(found[-1].args["listing"]) if found else None
        else:
            where, terms, named = load_listing(s, listing, exchange)
            if named is None:
                raise typer.BadParameter("give --exchange: the listing file names no exchange", param_hint="--exchange")
            key = named
        digest, version = s.reader().listing_state(key)
        status = ("withdrawn" if version == WITHDRAWN_VERSION else "never listed" if version == 0
                  else "listed" if any(digest) else "delisted")  # fmt: skip
        record = {"listing_key": key, "digest": digest, "version": version, "status": status, "exchange": where,
                  "listing": listing_to_json(terms) if terms is not None else None}  # fmt: skip
        lines = [f"listing (挂牌) 0x{key.hex()}: {status}" + (f" at version {version}" if status != "withdrawn"
                                                             and version else ""),
                 f"  digest    0x{digest.hex()}"]  # fmt: skip
        if where is not None:
            lines.append(f"  exchange  {where}")
        if terms is not None:
            lines.extend(_lines(terms))
        emit(record, lines, as_json)
