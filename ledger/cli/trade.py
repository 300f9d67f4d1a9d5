"""``ledger trade ...``: settlement (交易结算) on an exchange, off-exchange signed trades, price bands.

A trade file is JSON, one trade object or a list of them (a list settles as one batch)::

    {
      "trade_id": "exchange order 2025-000123",   # hash: 0x+64 hex, @FILE, or text (hashed)
      "asset_id": 3,
      "seller": "4", "buyer": "0x...",             # address, keystore name or dev index
      "price": "50000.00", "fee": "500",           # yuan, up to 2 decimals; fee defaults to 0
      "delivery": "license",                       # "license" (default) or "right"
      "right": "processing",                       # the right transferred (delivery "right")
      "parent_license_id": 0,                      # for a sublicence: the seller's licence
      "terms": {                                   # licence terms (delivery "license")
        "right": "processing", "purpose": 1101,
        "start": "now", "days": 365,               # or "end": time; times as for --start
        "regions": [450000], "countries": [],
        "exclusive": false, "sublicensable": false, "transferable": false,
        "terms_hash": "licence contract v1"
      }
    }

Off exchange, ``direct-sign`` wraps the trade with a nonce and deadline into an envelope
(``{"trade": ..., "nonce": n, "deadline": t, "signatures": {"seller": ..., "buyer": ...}}``)
and adds the signer's EIP-712 signature; once both parties signed, either runs ``direct-settle``.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ledger.cli._params import (
    AMOUNT_HELP,
    TIME_HELP,
    parse_amount,
    parse_choice,
    parse_hash,
    parse_time,
    resolve_address,
)
from ledger.cli._session import AsOption, JsonOption, Session, emit, progress, write_result
from ledger.cli.format import choice_name, format_amount, term
from ledger.client import LedgerClient, TxResult
from ledger.contracts.types import ZERO_HASH, Delivery, Kind, LicenseTerms, Right, Trade

__all__ = ["app", "trade_from_json", "trade_to_json"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Trades: settle on an exchange (single or batch), sign and settle off exchange, price bands.",
)

FileArg = Annotated[
    str, typer.Argument(help="JSON file ('-' for stdin); `ledger trade example` prints one.", show_default=False)
]
_TERMS_FIELDS = frozenset({"right", "purpose", "start", "end", "days", "regions", "countries", "exclusive",
                           "sublicensable", "transferable", "terms_hash"})  # fmt: skip
_TRADE_FIELDS = frozenset({"trade_id", "asset_id", "seller", "buyer", "price", "fee", "delivery", "right",
                           "parent_license_id", "terms"})  # fmt: skip


def _read_json(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
        return json.loads(text)
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc.strerror}", param_hint="FILE") from None
    except ValueError as exc:
        raise typer.BadParameter(f"{path} is not JSON: {exc}", param_hint="FILE") from None


def _field(data: dict[str, Any], key: str, where: str, default: Any = ...) -> Any:
    if key in data:
        return data[key]
    if default is ...:
        raise typer.BadParameter(f"{where}: missing {key!r}", param_hint="FILE")
    return default


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise typer.BadParameter(f"{where}: {value!r} is not a non-negative integer", param_hint="FILE")
    return int(value)


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise typer.BadParameter(f"{where}: {value!r} is not true or false", param_hint="FILE")
    return value


def _check_keys(data: Any, allowed: frozenset[str], where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise typer.BadParameter(f"{where}: expected a JSON object", param_hint="FILE")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise typer.BadParameter(f"{where}: unknown field(s) {', '.join(unknown)}", param_hint="FILE")
    return data


def _terms_from_json(s: Session, data: Any, default_right: Right, where: str) -> LicenseTerms:
    t = _check_keys(data, _TERMS_FIELDS, where)
    start = parse_time(_field(t, "start", where, "now"), s.chain_time, f"{where}.start")
    if "end" in t:
        end = parse_time(t["end"], s.chain_time, f"{where}.end")
    else:
        end = start + _int(_field(t, "days", where, 365), f"{where}.days") * 86400
    regions = _field(t, "regions", where, [])
    countries = _field(t, "countries", where, [])
    if not isinstance(regions, list) or not isinstance(countries, list):
        raise typer.BadParameter(f"{where}: regions and countries must be lists", param_hint="FILE")
    terms_hash = _field(t, "terms_hash", where, None)
    return LicenseTerms(
        right=parse_choice(Right, str(_field(t, "right", where, choice_name(default_right))), f"{where}.right"),
        purpose=_int(_field(t, "purpose", where, 0), f"{where}.purpose"),
        start=start,
        end=end,
        regions=tuple(_int(r, f"{where}.regions") for r in regions),
        countries=tuple(str(c).upper() for c in countries),
        exclusive=_bool(_field(t, "exclusive", where, False), f"{where}.exclusive"),
        sublicensable=_bool(_field(t, "sublicensable", where, False), f"{where}.sublicensable"),
        transferable=_bool(_field(t, "transferable", where, False), f"{where}.transferable"),
        terms_hash=parse_hash(str(terms_hash), f"{where}.terms_hash") if terms_hash is not None else ZERO_HASH,
    )


def trade_from_json(s: Session, data: Any, where: str = "trade") -> Trade:
    """A :class:`Trade` from its JSON form (module docstring); bad input raises a usage error."""
    d = _check_keys(data, _TRADE_FIELDS, where)
    delivery = parse_choice(Delivery, str(_field(d, "delivery", where, "license")), f"{where}.delivery")
    right = parse_choice(Right, str(_field(d, "right", where, "processing")), f"{where}.right")
    terms_data = _field(d, "terms", where, ... if delivery == Delivery.LICENSE else None)
    trade = Trade(
        trade_id=parse_hash(str(_field(d, "trade_id", where)), f"{where}.trade_id"),
        asset_id=_int(_field(d, "asset_id", where), f"{where}.asset_id"),
        seller=resolve_address(s.settings, str(_field(d, "seller", where)), f"{where}.seller"),
        buyer=resolve_address(s.settings, str(_field(d, "buyer", where)), f"{where}.buyer"),
        price=parse_amount(_field(d, "price", where), f"{where}.price"),
        fee=parse_amount(_field(d, "fee", where, 0), f"{where}.fee", allow_zero=True),
        delivery=delivery,
        right=right,
        parent_license_id=_int(_field(d, "parent_license_id", where, 0), f"{where}.parent_license_id"),
    )
    if terms_data is None:
        return trade
    terms = _terms_from_json(s, terms_data, right, f"{where}.terms")
    return dataclasses.replace(trade, terms=terms)


def trade_to_json(trade: Trade) -> dict[str, Any]:
    """The fully resolved JSON form: exact values both parties sign."""
    t = trade.terms
    return {
        "trade_id": "0x" + trade.trade_id.hex(),
        "asset_id": trade.asset_id,
        "seller": trade.seller,
        "buyer": trade.buyer,
        "price": format_amount(trade.price).removeprefix("¥").replace(",", ""),
        "fee": format_amount(trade.fee).removeprefix("¥").replace(",", ""),
        "delivery": choice_name(trade.delivery),
        "right": choice_name(trade.right),
        "parent_license_id": trade.parent_license_id,
        "terms": {
            "right": choice_name(t.right),
            "purpose": t.purpose,
            "start": t.start,
            "end": t.end,
            "regions": list(t.regions),
            "countries": list(t.countries),
            "exclusive": t.exclusive,
            "sublicensable": t.sublicensable,
            "transferable": t.transferable,
            "terms_hash": "0x" + t.terms_hash.hex(),
        },
    }


def settled_lines(result: TxResult) -> tuple[list[dict[str, Any]], list[str]]:
    """What each TradeSettled (and its revenue shares) in a transaction did."""
    rows: list[dict[str, Any]] = []
    lines: list[str] = []
    shares = result.find("RevenueSharePaid")
    for ev in result.find("TradeSettled"):
        delivery = Delivery.LICENSE if ev["licenseId"] else Delivery.RIGHT
        right = Right(ev["right"])
        paid = [x for x in shares if x["tradeId"] == ev["tradeId"]]
        row = {
            "trade_id": ev["tradeId"],
            "asset_id": ev["assetId"],
            "exchange": ev["exchange"],
            "seller": ev["seller"],
            "buyer": ev["buyer"],
            "price": ev["price"],
            "fee": ev["fee"],
            "seller_amount": ev["sellerAmount"],
            "delivery": delivery,
            "right": right,
            "license_id": ev["licenseId"],
            "revenue_shares": [{"recipient": x["recipient"], "amount": x["amount"]} for x in paid],
        }
        rows.append(row)
        what = f"licence #{ev['licenseId']} of {term(right)}" if delivery == Delivery.LICENSE else term(right)
        venue = "on exchange" if int(ev["exchange"], 16) else "off exchange (场外)"
        lines.append(
            f"settled (交易结算) {venue} trade 0x{ev['tradeId'].hex()[:16]}…: asset #{ev['assetId']}, {what} "
            f"to {ev['buyer']}; price {format_amount(ev['price'])}, fee {format_amount(ev['fee'])}, "
            f"seller {format_amount(ev['sellerAmount'])}"
        )
        lines.extend(f"    revenue share (收益分配) {format_amount(x['amount'])} to {x['recipient']}" for x in paid)
    return rows, lines


@app.command()
def settle(file: FileArg, actor: AsOption = None, as_json: JsonOption = False) -> None:
    """Settle trades on the exchange (the signer): one object settles alone, a list as one atomic batch.

    The buyer must have approved the exchange (`ledger token approve`) for the price.
    """
    with Session() as s:
        data = _read_json(file)
        if isinstance(data, list):
            if not data:
                raise typer.BadParameter("the list of trades is empty", param_hint="FILE")
            trades = [trade_from_json(s, item, f"trade[{i}]") for i, item in enumerate(data)]
            progress(f"settling a batch of {len(trades)} trades")
            result = s.client(actor).settle_batch(trades)
        else:
            trade = trade_from_json(s, data)
            result = s.client(actor).settle(trade)
        rows, lines = settled_lines(result)
        write_result(result, {"trades": rows}, lines, as_json)


def _envelope(s: Session, data: Any, nonce: int | None, deadline: str | None) -> dict[str, Any]:
    if isinstance(data, dict) and "trade" in data:
        env = _check_keys(data, frozenset({"trade", "nonce", "deadline", "signatures"}), "envelope")
        if nonce is not None or deadline is not None:
            raise typer.BadParameter(
                "the file is already a signed envelope: its nonce and deadline are fixed",
                param_hint="--nonce/--deadline",
            )
        trade = trade_from_json(s, env["trade"], "envelope.trade")
        return {
            "trade": trade_to_json(trade),
            "nonce": _int(_field(env, "nonce", "envelope"), "envelope.nonce"),
            "deadline": _int(_field(env, "deadline", "envelope"), "envelope.deadline"),
            "signatures": dict(env.get("signatures") or {}),
        }
    trade = trade_from_json(s, data)
    return {
        "trade": trade_to_json(trade),
        "nonce": nonce if nonce is not None else secrets.randbits(64),
        "deadline": parse_time(deadline or "+1h", s.chain_time, "--deadline"),
        "signatures": {},
    }


@app.command("direct-sign")
def direct_sign(
    file: FileArg,
    nonce: Annotated[
        int | None, typer.Option(help="Signing nonce, unused by both parties. Default: random.", min=0)
    ] = None,
    deadline: Annotated[str | None, typer.Option(help=f"Settle by: {TIME_HELP}. Default: +1h.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the envelope here (may be FILE). Default: stdout.")] = None,
    actor: AsOption = None,
) -> None:
    """Sign an off-exchange trade (EIP-712) as its seller or buyer; outputs the signed envelope.

    Give the other party the envelope to sign too; then either runs `ledger trade direct-settle`.
    Off-exchange trades carry no fee and can never be of public data.
    """
    with Session() as s:
        env = _envelope(s, _read_json(file), nonce, deadline)
        trade = trade_from_json(s, env["trade"], "envelope.trade")
        client = s.client(actor)
        parties = [p for p, a in (("seller", trade.seller), ("buyer", trade.buyer)) if a == client.address]
        if not parties:
            raise typer.BadParameter(f"{client.address} is neither the seller nor the buyer", param_hint="--as")
        signature = client.sign_direct_trade(trade, env["nonce"], env["deadline"])
        for party in parties:
            env["signatures"][party] = "0x" + signature.hex()
        text = json.dumps(env, indent=2)
        if out is not None:
            out.write_text(text + "\n")
            progress(f"signed as {' and '.join(parties)}; envelope written to {out}")
        else:
            typer.echo(text)
        missing = [p for p in ("seller", "buyer") if p not in env["signatures"]]
        progress(
            f"still to sign: {', '.join(missing)}"
            if missing
            else "both parties signed: `ledger trade direct-settle` it as the seller or the buyer"
        )


@app.command("direct-settle")
def direct_settle(
    file: Annotated[str, typer.Argument(help="Envelope signed by both parties ('-' for stdin).", show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Settle an off-exchange trade signed by both parties (the seller or the buyer sends it)."""
    with Session() as s:
        env = _envelope(s, _read_json(file), None, None)
        trade = trade_from_json(s, env["trade"], "envelope.trade")
        sigs = env["signatures"]
        missing = [p for p in ("seller", "buyer") if not sigs.get(p)]
        if missing:
            raise typer.BadParameter(f"the envelope lacks the {' and '.join(missing)}'s signature", param_hint="FILE")
        try:
            seller_sig, buyer_sig = (bytes.fromhex(str(sigs[p]).removeprefix("0x")) for p in ("seller", "buyer"))
        except ValueError:
            raise typer.BadParameter("a signature is not hex", param_hint="FILE") from None
        client: LedgerClient = s.client(actor)
        result = client.settle_direct(trade, env["nonce"], env["deadline"], seller_sig, buyer_sig)
        rows, lines = settled_lines(result)
        write_result(result, {"trades": rows}, lines, as_json)


_EXAMPLE: dict[str, Any] = {
    "trade_id": "exchange order 2025-000123",
    "asset_id": 1,
    "seller": "4",
    "buyer": "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
    "price": "50000.00",
    "fee": "500.00",
    "delivery": "license",
    "right": "processing",
    "parent_license_id": 0,
    "terms": {
        "right": "processing",
        "purpose": 1101,
        "start": "now",
        "days": 365,
        "regions": [450000],
        "countries": [],
        "exclusive": False,
        "sublicensable": False,
        "transferable": False,
        "terms_hash": "@licence-contract.pdf",
    },
}


@app.command()
def example() -> None:
    """Print an example trade file (a licence sold on the exchange).

    Hashes (trade_id, terms_hash): 0x+64 hex, @FILE or text. Parties: address, keystore name or dev
    index. Amounts: yuan, up to 2 decimals. delivery "right" transfers `right` and takes no terms;
    parent_license_id sells a sublicence under the seller's licence. Times as for `license grant
    --start`; "days" or "end". A list of trades settles as one atomic batch.
    """
    typer.echo(json.dumps(_EXAMPLE, indent=2))


@app.command("price-band")
def price_band(
    kind: Annotated[str, typer.Argument(help="dataset, model, service or verification-product.", show_default=False)],
    minimum: Annotated[str | None, typer.Option("--min", help=f"Lowest price, {AMOUNT_HELP}.")] = None,
    maximum: Annotated[str | None, typer.Option("--max", help=f"Highest price, {AMOUNT_HELP}.")] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the guided price band (政府指导价) for public data of a kind, or set it with --min/--max (authority)."""
    which = parse_choice(Kind, kind, "KIND")
    with Session() as s:
        if minimum is not None or maximum is not None:
            if minimum is None or maximum is None:
                raise typer.BadParameter("give both --min and --max", param_hint="--min/--max")
            low = parse_amount(minimum, "--min", allow_zero=True)
            high = parse_amount(maximum, "--max")
            result = s.client(actor).set_price_band(which, low, high)
            write_result(
                result,
                {"kind": which, "min": low, "max": high},
                [f"price band (政府指导价) for public {term(which)}: {format_amount(low)} to {format_amount(high)}"],
                as_json,
            )
            return
        low, high = s.reader().price_band(which)
        text = (
            f"public {term(which)}: {format_amount(low)} to {format_amount(high)}"
            if high
            else f"public {term(which)}: no price band set (public data of this kind cannot trade)"
        )
        emit({"kind": which, "min": low, "max": high}, text, as_json)
