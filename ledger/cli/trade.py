"""``ledger trade ...``: settlement (交易结算) on an exchange with each seller's consent, off-exchange signed
trades, held revenue shares (claimed, or released by the authority once their recipient is revoked), price bands.

On an exchange, nothing is sold without its seller's consent on-chain (the file formats are in
:mod:`ledger.cli._files`)::

    ledger trade consent trade.json --exchange 2 --min-net 34000 --out consent.json --as 4   # the seller signs
    ledger trade settle --consent consent.json --as 2                                          # the exchange settles

or within a standing mandate the seller gave the exchange (``ledger mandate grant``)::

    ledger trade settle trades.json --mandate 0x<mandate id> --as 2

A list of trades settles as one batch: all or none (``--atomic``, the default), or every valid trade with
each refused one reported (``--non-atomic``).

Off exchange, ``direct-sign`` wraps the trade with a nonce and deadline into an envelope
(``{"trade": ..., "nonce": n, "deadline": t, "signatures": {"seller": ..., "buyer": ...}}``)
and adds the signer's EIP-712 signature; once both parties signed, either runs ``direct-settle``.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from ledger.cli._files import (
    ConsentFile,
    check_keys,
    consented_part,
    json_field,
    json_int,
    read_json,
    trade_from_json,
    trade_to_json,
)
from ledger.cli._params import (
    ADDRESS_HELP,
    AMOUNT_HELP,
    HASH_HELP,
    TIME_HELP,
    parse_amount,
    parse_choice,
    parse_hash,
    parse_time,
    resolve_address,
)
from ledger.cli._session import AsOption, JsonOption, Session, describe_revert, emit, fail, progress, write_result
from ledger.cli.format import format_amount, format_time, term
from ledger.cli.mandate import load_mandate, mandate_covers
from ledger.client import LedgerClient, TxResult
from ledger.client.sender import decode_revert
from ledger.contracts.revert import UnknownRevert
from ledger.contracts.types import ZERO_HASH, Delivery, Kind, Mandate, Right, Trade

__all__ = ["app", "refused_rows", "settled_lines"]

app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Trades: sellers' consents, settlement on an exchange (single or batch), off-exchange signed trades, "
    "held revenue shares, price bands.",
)

FileArg = Annotated[
    str, typer.Argument(help="JSON file ('-' for stdin); `ledger trade example` prints one.", show_default=False)
]
_ZERO = "0x" + "00" * 20


def settled_lines(result: TxResult) -> tuple[list[dict[str, Any]], list[str]]:
    """What each TradeSettled in a transaction did (its revenue shares, paid or held, included)."""
    rows: list[dict[str, Any]] = []
    lines: list[str] = []
    for ev in result.find("TradeSettled"):
        delivery = Delivery.LICENSE if ev["licenseId"] else Delivery.RIGHT
        right = Right(ev["right"])
        shares = [{"recipient": x["recipient"], "amount": x["amount"], "held": bool(x["held"])} for x in ev["shares"]]
        mandate_id = bytes(ev["mandateId"])
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
            "mandate_id": mandate_id if mandate_id != ZERO_HASH else None,
            "revenue_shares": shares,
        }
        rows.append(row)
        what = f"licence #{ev['licenseId']} of {term(right)}" if delivery == Delivery.LICENSE else term(right)
        if int(ev["exchange"], 16) == 0:
            venue = "off exchange (场外)"
        elif mandate_id != ZERO_HASH:
            venue = f"on exchange, mandate 0x{mandate_id.hex()[:16]}… (挂牌委托)"
        else:
            venue = "on exchange, signed consent (卖方授权)"
        lines.append(
            f"settled (交易结算) {venue} trade 0x{ev['tradeId'].hex()[:16]}…: asset #{ev['assetId']}, {what} "
            f"to {ev['buyer']}; price {format_amount(ev['price'])}, fee {format_amount(ev['fee'])}, "
            f"seller {format_amount(ev['sellerAmount'])}"
        )
        lines.extend(
            f"    revenue share (收益分配) {format_amount(x['amount'])} to {x['recipient']}"
            + (" HELD (recipient not active: claimable once reinstated)" if x["held"] else "")
            for x in shares
        )
    return rows, lines


def refused_rows(s: Session, result: TxResult) -> tuple[list[dict[str, Any]], list[str]]:
    """The trades a non-atomic batch refused (its TradeRefused events), each with its own error decoded."""
    rows: list[dict[str, Any]] = []
    lines: list[str] = []
    for ev in result.find("TradeRefused"):
        error = decode_revert(s.contracts.errors, bytes(ev["reason"]))
        name = "UnknownRevert" if isinstance(error, UnknownRevert) else error.name
        values: dict[str, Any] = {} if isinstance(error, UnknownRevert) else dict(error.values)
        rows.append({
            "index": int(ev["index"]), "trade_id": ev["tradeId"],
            "error": {"name": name, "values": values, "refusal": error.refusal},
        })  # fmt: skip
        trade_id = bytes(ev["tradeId"]).hex()[:16]
        lines.append(f"refused trade {int(ev['index'])} (0x{trade_id}…): {describe_revert(error)}")
    return rows, lines


# ──────────────────────────────────────────────────────────── sellers' consents


def _min_nets(values: list[str], count: int) -> list[int]:
    nets = [parse_amount(v, "--min-net", allow_zero=True) for v in values]
    if len(nets) == 1:
        return nets * count
    if len(nets) != count:
        raise typer.BadParameter(
            f"give one --min-net for every sale, or one for all: {len(nets)} given for {count} sales",
            param_hint="--min-net",
        )
    return nets


@app.command()
def consent(
    file: FileArg,
    exchange: Annotated[
        str,
        typer.Option(
            "--exchange", help=f"The exchange that may settle these sales: {ADDRESS_HELP}.", show_default=False
        ),
    ],
    min_net: Annotated[
        list[str],
        typer.Option(
            "--min-net",
            help=f"The least you must net on a sale after the exchange fee and revenue shares, {AMOUNT_HELP}. "
            "Once for every sale, or once per sale in the file's order.",
            show_default=False,
        ),
    ],
    nonce: Annotated[
        int | None,
        typer.Option(
            help="Your signing nonce (unused; `ledger trade invalidate-nonce` withdraws the consent). Default: random.",
            min=0,
        ),
    ] = None,
    deadline: Annotated[str, typer.Option(help=f"Last time the sales may settle: {TIME_HELP}.")] = "+1d",
    out: Annotated[Path | None, typer.Option(help="Write the consent here. Default: stdout.")] = None,
    actor: AsOption = None,
) -> None:
    """Sign, as the seller, your consent (EIP-712) to an exchange settling your sales in FILE.

    The consent names each sale's trade id, asset, delivery and licence terms and the least you must net;
    the buyer, price and fee are the exchange's, bounded by that least net amount. One consent covers
    every sale in FILE (one trade or a list); give the file it writes to the exchange, which runs
    `ledger trade settle --consent FILE`.
    """
    with Session() as s:
        data = read_json(file)
        items = data if isinstance(data, list) else [data]
        if not items:
            raise typer.BadParameter("the list of trades is empty", param_hint="FILE")
        trades = [trade_from_json(s, item, f"trade[{i}]" if isinstance(data, list) else "trade")
                  for i, item in enumerate(items)]  # fmt: skip
        nets = _min_nets(min_net, len(trades))
        venue = resolve_address(s.settings, exchange, "--exchange")
        signer = s.account(actor)
        for i, t in enumerate(trades):
            if t.seller != signer.address:
                raise typer.BadParameter(
                    f"trade[{i}]'s seller is {t.seller}; you sign as {signer.address}: only its seller consents",
                    param_hint="--as",
                )
        client = s.client_for(signer)
        chosen = nonce if nonce is not None else secrets.randbits(64)
        if client.nonce_used(client.address, chosen):
            raise fail(f"nonce {chosen} of {client.address} is already used or invalidated: choose another")
        until = parse_time(deadline, s.chain_time, "--deadline")
        sales = tuple(zip(trades, nets, strict=True))
        signed = client.sign_sales_consent(sales, venue, nonce=chosen, deadline=until)
        record = ConsentFile(client.chain_id, s.contracts.address["TradeSettlement"], venue, signed, sales)
        text = json.dumps(record.to_json(), indent=2)
        if out is not None:
            out.write_text(text + "\n")
        else:
            typer.echo(text)
        progress(
            f"consent (卖方授权) to {venue} for {len(sales)} sale(s) signed by {client.address}, nonce {chosen}, "
            f"valid until {format_time(until)}" + (f"; written to {out}" if out is not None else "")
        )


def _load_consent(s: Session, path: str, data: Any, exchange: str) -> ConsentFile:
    record = ConsentFile.from_json(s, data, path)
    settlement = s.contracts.address["TradeSettlement"]
    if (record.chain_id, record.settlement) != (s.deployment.chain_id, settlement):
        raise typer.BadParameter(
            f"{path} was signed for chain {record.chain_id}, settlement {record.settlement}; this deployment is "
            f"chain {s.deployment.chain_id}, settlement {settlement}",
            param_hint="--consent",
        )
    if record.exchange != exchange:
        raise typer.BadParameter(
            f"{path} lets {record.exchange} settle these sales; you settle as {exchange}", param_hint="--consent"
        )
    return record


@dataclass
class _Plan:
    """How a list of trades settles: with sellers' consents (``consents``, ``consent_of``, ``min_nets``) or
    within mandates (``mandates``, one per trade)."""

    trades: list[Trade]
    consents: list[ConsentFile] = field(default_factory=list)
    consent_of: list[int] = field(default_factory=list)
    min_nets: list[int] = field(default_factory=list)
    mandates: list[Mandate] = field(default_factory=list)


def _plan(trades: list[Trade], consents: list[ConsentFile], consent_names: list[str],
          mandates: list[tuple[Mandate, bytes]]) -> _Plan:  # fmt: skip
    sales = {(c.seller, t.trade_id): (k, t, m) for k, c in enumerate(consents) for t, m in c.sales}
    plan = _Plan(trades)
    for i, t in enumerate(trades):
        found = sales.get((t.seller, t.trade_id))
        if found is not None:
            k, signed, net = found
            if consented_part(signed) != consented_part(t):
                raise typer.BadParameter(
                    f"trade[{i}] (0x{t.trade_id.hex()[:16]}…) differs from the sale {consent_names[k]} consents to "
                    "(asset, delivery, right, parent licence or licence terms)",
                    param_hint="FILE",
                )
            plan.consent_of.append(k)
            plan.min_nets.append(net)
            continue
        within = [m for m, _ in mandates if mandate_covers(m, t)]
        if not within:
            raise typer.BadParameter(
                f"trade[{i}] (seller {t.seller}, trade id 0x{t.trade_id.hex()[:16]}…) has no consent of its seller "
                "and lies within no mandate given: give --consent FILE (`ledger trade consent`) or --mandate",
                param_hint="--consent/--mandate",
            )
        plan.mandates.append(within[0])
    if plan.consent_of and plan.mandates:
        raise typer.BadParameter(
            "a batch settles either with sellers' consents or within mandates, not both: split the file",
            param_hint="--consent/--mandate",
        )
    for k, c in enumerate(consents):
        ordered = [t.trade_id for t, j in zip(trades, plan.consent_of, strict=False) if j == k]
        signed_ids = [t.trade_id for t, _ in c.sales]
        if ordered != signed_ids:
            raise typer.BadParameter(
                f"{consent_names[k]} covers {len(signed_ids)} sale(s); a batch must settle exactly those, in the "
                f"order signed ({len(ordered)} of them here)",
                param_hint="--consent",
            )
    return plan


@app.command()
def settle(
    file: Annotated[
        str | None,
        typer.Argument(
            help="Trades to settle (JSON, '-' for stdin). Default: the sales of the --consent files.",
            show_default=False,
        ),
    ] = None,
    consent: Annotated[
        list[str] | None,
        typer.Option("--consent", help="A seller's signed consent (`ledger trade consent`); repeat for several."),
    ] = None,
    mandate: Annotated[
        list[str] | None,
        typer.Option(
            "--mandate",
            help="A mandate a seller gave you: its id (0x...) or a file of `ledger mandate "
            "show --json`; repeat for several.",
        ),
    ] = None,
    atomic: Annotated[
        bool,
        typer.Option(
            "--atomic/--non-atomic",
            help="A batch settles all or none, or every valid trade with each refused one reported.",
        ),
    ] = True,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Settle trades on the exchange (the signer) with each seller's consent or within its mandate.

    One trade settles alone; a list (or several consents) as one batch. The buyer must have approved the
    exchange (`ledger token approve`) for the price. With --non-atomic, refused trades are listed with their
    errors and the others settle (exit status 0 once the batch is mined).
    """
    if not consent and not mandate:
        raise typer.BadParameter(
            "every on-exchange sale needs its seller's consent: give --consent FILE (the seller runs `ledger "
            "trade consent`) or --mandate ID (`ledger mandate grant`)",
            param_hint="--consent/--mandate",
        )
    consent_data = [(path, read_json(path, "--consent")) for path in consent or []]
    with Session() as s:
        client = s.client(actor)
        consents = [_load_consent(s, path, data, client.address) for path, data in consent_data]
        mandates = [load_mandate(s, value) for value in mandate or []]
        if file is not None:
            data = read_json(file)
            batch = isinstance(data, list)
            items = data if batch else [data]
            if not items:
                raise typer.BadParameter("the list of trades is empty", param_hint="FILE")
            trades = [trade_from_json(s, item, f"trade[{i}]") for i, item in enumerate(items)]
        elif mandates and not consents:
            raise typer.BadParameter("give the trades FILE to settle within a mandate", param_hint="FILE")
        else:
            trades = [t for c in consents for t, _ in c.sales]
            batch = len(trades) > 1
        plan = _plan(trades, consents, consent or [], mandates)
        single = not batch and atomic
        if plan.consent_of:
            if single:
                result = client.settle(trades[0], plan.min_nets[0], consents[plan.consent_of[0]].consent)
            else:
                progress(f"settling a batch of {len(trades)} trades ({'atomic' if atomic else 'trade by trade'})")
                result = client.settle_batch(trades, plan.min_nets, [c.consent for c in consents], plan.consent_of,
                                             atomic=atomic)  # fmt: skip
        elif single:
            result = client.settle_mandated(trades[0], plan.mandates[0])
        else:
            progress(f"settling a batch of {len(trades)} trades within mandates "
                     f"({'atomic' if atomic else 'trade by trade'})")  # fmt: skip
            result = client.settle_mandated_batch(trades, plan.mandates, atomic=atomic)
        rows, lines = settled_lines(result)
        refused, refused_lines = refused_rows(s, result)
        write_result(result, {"trades": rows, "refused": refused}, [*lines, *refused_lines], as_json)


@app.command("invalidate-nonce")
def invalidate_nonce(
    nonce: Annotated[int, typer.Argument(help="Your signing nonce.", min=0, show_default=False)],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Withdraw every unsettled consent and off-exchange signature you made with a nonce."""
    with Session() as s:
        client = s.client(actor)
        result = client.invalidate_nonce(nonce)
        write_result(result, {"account": client.address, "nonce": nonce},
                     [f"nonce {nonce} of {client.address} invalidated: nothing signed with it can settle"],
                     as_json)  # fmt: skip


# ──────────────────────────────────────────────────────────── held revenue shares


@app.command()
def held(
    account: Annotated[str, typer.Argument(help=f"The share recipient: {ADDRESS_HELP}.", show_default=False)],
    as_json: JsonOption = False,
) -> None:
    """Revenue shares held for a recipient while it was not active (claimable once it is active)."""
    with Session() as s:
        address = resolve_address(s.settings, account, "ACCOUNT")
        amount = s.reader().held_shares(address)
        emit({"account": address, "held": amount},
             f"{address}: {format_amount(amount)} of revenue shares held (收益暂存)", as_json)  # fmt: skip


@app.command()
def claim(actor: AsOption = None, as_json: JsonOption = False) -> None:
    """Claim the revenue shares held for you while you were not active."""
    with Session() as s:
        client = s.client(actor)
        result = client.claim_held_shares()
        amount = int(result.event("HeldSharesClaimed")["amount"])
        write_result(result, {"account": client.address, "amount": amount},
                     [f"claimed {format_amount(amount)} of held revenue shares for {client.address}"],
                     as_json)  # fmt: skip


@app.command("release-held")
def release_held(
    recipient: Annotated[str, typer.Argument(help=f"The revoked share recipient: {ADDRESS_HELP}.", show_default=False)],
    to: Annotated[str, typer.Option(help=f"Who is paid the shares held for it: {ADDRESS_HELP}.", show_default=False)],
    decision: Annotated[
        str, typer.Option("--decision", help=f"The decision to release them: {HASH_HELP}.", show_default=False)
    ],
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Release the revenue shares held for a revoked recipient to another participant (the authority, on a
    recorded decision): a revoked recipient can never claim them itself."""
    decision_hash = parse_hash(decision, "--decision")
    with Session() as s:
        address = resolve_address(s.settings, recipient, "RECIPIENT")
        payee = resolve_address(s.settings, to, "--to")
        result = s.client(actor).release_held_shares(address, payee, decision_hash)
        amount = int(result.event("HeldSharesReleased")["amount"])
        write_result(result, {"recipient": address, "to": payee, "amount": amount},
                     [f"released {format_amount(amount)} of revenue shares held for {address} (revoked) to {payee}"],
                     as_json)  # fmt: skip


def _envelope(s: Session, data: Any, nonce: int | None, deadline: str | None) -> dict[str, Any]:
    if isinstance(data, dict) and "trade" in data:
        env = check_keys(data, frozenset({"trade", "nonce", "deadline", "signatures"}), "envelope")
        if nonce is not None or deadline is not None:
            raise typer.BadParameter(
                "the file is already a signed envelope: its nonce and deadline are fixed",
                param_hint="--nonce/--deadline",
            )
        trade = trade_from_json(s, env["trade"], "envelope.trade")
        return {
            "trade": trade_to_json(trade),
            "nonce": json_int(json_field(env, "nonce", "envelope"), "envelope.nonce"),
            "deadline": json_int(json_field(env, "deadline", "envelope"), "envelope.deadline"),
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
        env = _envelope(s, read_json(file), nonce, deadline)
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
        env = _envelope(s, read_json(file), None, None)
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
    --start`; "days" or "end". The seller signs it with `ledger trade consent`; a list of trades
    settles as one batch.
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
