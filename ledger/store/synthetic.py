"""A synthetic, self-consistent stream of the ledger contracts' events, for benchmarks and store tests.

:class:`SyntheticLedger` plays a deterministic (seeded) market: participants are admitted and file
declarations, assets are applied for, reviewed, changed, objected to, frozen and cancelled,
licences are granted, sublicensed, transferred and revoked (with the cascade), tokens are issued
and approved, trades settle on and off exchange with fees and revenue shares, and supervisors
open and close rectification orders and record credit events. Every event has the argument
shapes the decoder produces for the real ABI, and the stream respects what the contracts
enforce as far as the projection can tell (records exist before they change, balances never go
negative, a licence's children are revoked with it).

:func:`encode_logs` turns the events back into raw ``eth_getLogs`` entries with the real ABIs, so
that a benchmark can measure decoding and storing together.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from eth_abi.abi import encode as abi_encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.contracts.codec import ContractCodec, abi_type
from ledger.decode import BlockHeader, LedgerEvent

__all__ = ["SyntheticLedger", "encode_logs"]

ZERO: Final = "0x0000000000000000000000000000000000000000"
_REGIONS: Final = (450000, 450100, 450200, 440000)
_COUNTRIES: Final = ("0x434e", "0x5347", "0x4d59")  # CN, SG, MY

# roles (ledger.contracts.types.Role)
_AUTHORITY, _REGISTRAR, _EXCHANGE, _BANK, _MERCHANT, _PROVIDER, _HOLDER, _SUPERVISOR = (1 << i for i in range(8))


@dataclass
class _Asset:
    asset_id: int
    holders: list[str]  # holding, processing, operation
    status: int = 1
    category: int = 1
    frozen: bool = False
    open_objections: int = 0
    anonymised: bool = False
    shares: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class _Licence:
    licence_id: int
    asset_id: int
    licensee: str
    right: int
    purpose: int
    start: int
    end: int
    depth: int
    children: list[int] = field(default_factory=list)
    revoked: bool = False


class SyntheticLedger:
    """A seeded market producing blocks of ledger events; call :meth:`blocks` for the stream."""

    def __init__(
        self,
        *,
        seed: int = 1,
        participants: int = 120,
        events_per_block: int = 60,
        first_block: int = 1,
        first_timestamp: int = 1_750_000_000,
    ) -> None:
        self.rng = random.Random(seed)
        self.events_per_block = events_per_block
        self.block = first_block - 1
        self.timestamp = first_timestamp
        self.parent = "0x" + "00" * 32
        self._pending: list[tuple[str, str, dict[str, Any]]] = []
        self._log_index = 0
        self._tx = ""
        self._block_events: list[LedgerEvent] = []
        self.settlement = self._address("settlement")
        self.authority = self._address("authority")
        self.registrars = [self._address(f"registrar/{i}") for i in range(2)]
        self.exchanges = [self._address(f"exchange/{i}") for i in range(3)]
        self.bank = self._address("bank")
        self.supervisor = self._address("supervisor")
        self.traders = [self._address(f"trader/{i}") for i in range(max(4, participants))]
        self.providers = self.traders[:3]
        self.balances: dict[str, int] = {}
        self.assets: list[_Asset] = []
        self.licences: list[_Licence] = []
        self.objections: list[tuple[int, int]] = []  # (objection id, asset id), open ones
        self.orders: list[int] = []  # open ones
        self.participants: dict[str, int] = {}  # account -> status
        self.credit: dict[str, int] = {}
        self.trade_count = 0
        self.objection_count = 0
        self.order_count = 0
        self.certificates = 0
        self.nonce = 0
        self._genesis_done = False

    # ─────────────────────────────────────────────────────────── plumbing

    def _address(self, label: str) -> str:
        return to_checksum_address(keccak(text=f"synthetic/{label}")[-20:])

    def _hash(self) -> str:
        return f"0x{self.rng.getrandbits(256):064x}"

    def _emit(self, contract: str, name: str, /, **args: Any) -> None:
        self._block_events.append(LedgerEvent(self.block, "", self._tx, self._log_index, contract, name, args))
        self._log_index += 1

    def _new_tx(self) -> None:
        self._tx = self._hash()

    def blocks(self, total_events: int) -> Iterator[tuple[BlockHeader, list[LedgerEvent]]]:
        """Blocks with their events until at least ``total_events`` events were produced."""
        produced = 0
        while produced < total_events:
            header, evs = self._next_block()
            produced += len(evs)
            yield header, evs

    def batch(self, total_events: int) -> tuple[list[BlockHeader], list[LedgerEvent]]:
        """All headers and events of :meth:`blocks` at once."""
        headers: list[BlockHeader] = []
        evs: list[LedgerEvent] = []
        for header, block_events in self.blocks(total_events):
            headers.append(header)
            evs.extend(block_events)
        return headers, evs

    def _next_block(self) -> tuple[BlockHeader, list[LedgerEvent]]:
        self.block += 1
        self.timestamp += self.rng.choice((1, 1, 2, 12))
        self._log_index = 0
        self._block_events = []
        if not self._genesis_done:
            self._genesis()
        while len(self._block_events) < self.events_per_block:
            self._new_tx()
            self._action()
        block_hash = "0x" + keccak(text=f"synthetic-block/{self.block}/{self.parent}").hex()
        header = BlockHeader(self.block, block_hash, self.parent, self.timestamp)
        self.parent = block_hash
        evs = [
            LedgerEvent(e.block_number, block_hash, e.tx_hash, e.log_index, e.contract, e.name, e.args)
            for e in self._block_events
        ]
        return header, evs

    # ─────────────────────────────────────────────────────────── set-up

    def _admit(self, account: str, roles: int, region: int, name: str) -> None:
        self._emit(
            "ParticipantRegistry",
            "ParticipantAdmitted",
            account=account,
            roles=roles,
            region=region,
            name=name,
            by=self.authority,
        )
        self.participants[account] = 1

    def _genesis(self) -> None:
        self._genesis_done = True
        self._new_tx()
        self._admit(self.authority, _AUTHORITY, 450000, "Guangxi Big Data Development Bureau")
        self._emit("AssetRegistry", "SettlementSet", settlement=self.settlement, by=self.authority)
        self._emit("SettlementToken", "SettlementSet", settlement=self.settlement, by=self.authority)
        for i, r in enumerate(self.registrars):
            self._admit(r, _REGISTRAR, _REGIONS[i], f"Registration Centre {i}")
        for i, x in enumerate(self.exchanges):
            self._admit(x, _EXCHANGE, 450000, f"Data Exchange {i}")
        self._admit(self.bank, _BANK, 450000, "Settlement Bank")
        self._admit(self.supervisor, _SUPERVISOR, 450000, "Supervision Office")
        for i, t in enumerate(self.traders):
            roles = (_PROVIDER | _MERCHANT) if i < 3 else self.rng.choice((_HOLDER, _MERCHANT, _HOLDER | _MERCHANT))
            self._admit(t, roles, self.rng.choice(_REGIONS), f"Trader {i} Co., Ltd.")
            if roles & (_MERCHANT | _PROVIDER):
                self._emit("ParticipantRegistry", "DeclarationFiled", account=t, documentHash=self._hash(), count=1)
        for kind in range(4):
            self._emit("TradeSettlement", "PriceBandSet", kind=kind, min=100, max=10**12, by=self.authority)

    # ─────────────────────────────────────────────────────────── actions

    def _action(self) -> None:
        roll = self.rng.random()
        if roll < 0.10 or len(self.assets) < 8:
            self._register()
        elif roll < 0.55:
            self._trade()
        elif roll < 0.65:
            self._grant()
        elif roll < 0.70:
            self._issue(self.rng.choice(self.traders), 10**6)
        elif roll < 0.74:
            self._revoke()
        elif roll < 0.77:
            self._transfer_licence()
        elif roll < 0.80:
            self._objection()
        elif roll < 0.83:
            self._freeze()
        elif roll < 0.85:
            self._change()
        elif roll < 0.88:
            self._shares()
        elif roll < 0.91:
            self._supervise()
        elif roll < 0.93:
            self._participant_change()
        elif roll < 0.95:
            self._transfer_right()
        elif roll < 0.96:
            self.nonce += 1
            self._emit("TradeSettlement", "NonceInvalidated", account=self.rng.choice(self.traders), nonce=self.nonce)
        elif roll < 0.97:
            self._cancel()
        else:
            self._token_transfer()

    def _register(self) -> None:
        owner = self.rng.choice(self.traders[3:])
        asset_id = len(self.assets) + 1
        category = self.rng.choice((0, 1, 1, 2))
        processing = self.rng.choice((owner, owner, self.rng.choice(self.traders)))
        content = self._hash()
        registration = {
            "contentHash": content,
            "metadataHash": self._hash(),
            "metadataURI": f"ipfs://bafy{asset_id:046d}",
            "name": f"Dataset {asset_id}: Nanning bus ridership",
            "category": category,
            "grade": self.rng.choice((0, 0, 1, 2)),
            "kind": self.rng.randrange(4),
            "region": 450000,
            "processingHolder": ZERO if processing == owner else processing,
            "operationHolder": ZERO,
        }
        self._emit(
            "AssetRegistry",
            "RegistrationApplied",
            assetId=asset_id,
            contentHash=content,
            applicant=owner,
            processingHolder=processing,
            operationHolder=owner,
            registration=registration,
        )
        asset = _Asset(asset_id, [owner, processing, owner], category=category)
        self.assets.append(asset)
        registrar = self.registrars[0]
        if self.rng.random() < 0.1:
            self._emit(
                "AssetRegistry", "RegistrationRejected", assetId=asset_id, registrar=registrar, reviewHash=self._hash()
            )
            registration = dict(registration, metadataHash=self._hash())
            self._emit(
                "AssetRegistry",
                "RegistrationApplied",
                assetId=asset_id,
                contentHash=content,
                applicant=owner,
                processingHolder=processing,
                operationHolder=owner,
                registration=registration,
            )
        self.certificates += 1
        self._emit(
            "AssetRegistry",
            "AssetRegistered",
            assetId=asset_id,
            registrar=registrar,
            certificateSerial=self.certificates,
            reviewHash=self._hash(),
        )
        asset.status = 2
        if category == 2:
            self._emit(
                "AssetRegistry",
                "AnonymisationAttested",
                assetId=asset_id,
                provider=self.rng.choice(self.providers),
                reportHash=self._hash(),
            )
            asset.anonymised = True

    def _tradable(self) -> _Asset | None:
        for _ in range(8):
            a = self.rng.choice(self.assets)
            if a.status == 2 and not a.frozen and a.open_objections == 0:
                return a
        return None

    def _terms(self, right: int, purpose: int, start: int, end: int) -> dict[str, Any]:
        countries = [self.rng.choice(_COUNTRIES)] if self.rng.random() < 0.1 else []
        return {
            "right": right,
            "purpose": purpose,
            "start": start,
            "end": end,
            "exclusive": False,
            "sublicensable": self.rng.random() < 0.3,
            "transferable": self.rng.random() < 0.5,
            "regions": [450000, 450100][: self.rng.randint(1, 2)],
            "countries": countries,
            "termsHash": self._hash(),
        }

    def _license_granted(self, asset: _Asset, licensee: str, licensor: str, parent: _Licence | None) -> int:
        right = parent.right if parent else self.rng.choice((1, 2))
        purpose = parent.purpose if parent else self.rng.choice((1101, 1102, 2201))
        start = parent.start if parent else self.timestamp
        end = parent.end if parent else self.timestamp + 365 * 86400
        licence_id = len(self.licences) + 1
        depth = parent.depth + 1 if parent else 0
        self._emit(
            "AssetRegistry",
            "LicenseGranted",
            licenseId=licence_id,
            assetId=asset.asset_id,
            licensee=licensee,
            licensor=licensor,
            parentId=parent.licence_id if parent else 0,
            depth=depth,
            terms=self._terms(right, purpose, start, end),
        )
        licence = _Licence(licence_id, asset.asset_id, licensee, right, purpose, start, end, depth)
        self.licences.append(licence)
        if parent:
            parent.children.append(licence_id)
        return licence_id

    def _grant(self) -> None:
        asset = self._tradable()
        if asset is None:
            return
        parents = [
            lic for lic in self.licences[-50:] if not lic.revoked and lic.depth < 3 and lic.asset_id == asset.asset_id
        ]
        licensee = self.rng.choice(self.traders)
        if parents and self.rng.random() < 0.4:
            parent = self.rng.choice(parents)
            if licensee != parent.licensee:
                self._license_granted(asset, licensee, parent.licensee, parent)
            return
        licensor = asset.holders[1]
        if licensee != licensor:
            self._license_granted(asset, licensee, licensor, None)

    def _issue(self, account: str, amount: int) -> None:
        self._emit("SettlementToken", "Transfer", **{"from": ZERO, "to": account, "value": amount})
        self._emit("SettlementToken", "Issued", bank=self.bank, to=account, amount=amount)
        self.balances[account] = self.balances.get(account, 0) + amount

    def _move(self, sender: str, recipient: str, amount: int) -> None:
        self._emit("SettlementToken", "Transfer", **{"from": sender, "to": recipient, "value": amount})
        self.balances[sender] -= amount
        self.balances[recipient] = self.balances.get(recipient, 0) + amount

    def _trade(self) -> None:
        asset = self._tradable()
        if asset is None:
            return
        buyer = self.rng.choice(self.traders)
        deliver_right = self.rng.random() < 0.1
        seller = asset.holders[self.rng.choice((1, 2))] if deliver_right else asset.holders[1]
        if buyer == seller:
            return
        on_exchange = asset.category == 0 or self.rng.random() < 0.8
        exchange = self.rng.choice(self.exchanges) if on_exchange else ZERO
        price = self.rng.randrange(1_000, 100_000)
        fee = price // 100 if on_exchange and self.rng.random() < 0.7 else 0
        if self.balances.get(buyer, 0) < price:
            self._issue(buyer, 10**6)
            self._new_tx()
        if on_exchange:
            self._emit("SettlementToken", "Approval", owner=buyer, spender=exchange, value=10**6)
        self.trade_count += 1
        trade_id = "0x" + keccak(text=f"synthetic-trade/{self.trade_count}").hex()
        net = price - fee
        paid = []
        for recipient, bps in asset.shares:
            amount = net * bps // 10_000
            paid.append((recipient, amount))
            self._emit("TradeSettlement", "RevenueSharePaid", tradeId=trade_id, recipient=recipient, amount=amount)
        licence_id = 0
        if deliver_right:
            right = asset.holders.index(seller)
            self._emit(
                "AssetRegistry",
                "RightTransferred",
                assetId=asset.asset_id,
                right=right,
                **{"from": seller, "to": buyer},
                tradeId=trade_id,
            )
            asset.holders[right] = buyer
        else:
            licence_id = self._license_granted(asset, buyer, seller, None)
            right = self.licences[-1].right
        seller_amount = net - sum(a for _, a in paid)
        self._move(buyer, seller, seller_amount)
        if fee:
            self._move(buyer, exchange, fee)
        for recipient, amount in paid:
            self._move(buyer, recipient, amount)
        self._emit(
            "TradeSettlement",
            "TradeSettled",
            tradeId=trade_id,
            assetId=asset.asset_id,
            exchange=exchange,
            seller=seller,
            buyer=buyer,
            price=price,
            fee=fee,
            sellerAmount=seller_amount,
            right=right,
            licenseId=licence_id,
        )

    def _revoke_cascade(self, licence: _Licence, by: str, cause: int, reason: str) -> None:
        licence.revoked = True
        self._emit(
            "AssetRegistry", "LicenseRevoked", licenseId=licence.licence_id, by=by, causeId=cause, reasonHash=reason
        )
        for child_id in licence.children:
            child = self.licences[child_id - 1]
            if not child.revoked:
                self._revoke_cascade(child, by, licence.licence_id, reason)

    def _revoke(self) -> None:
        live = [lic for lic in self.licences[-200:] if not lic.revoked]
        if live:
            self._revoke_cascade(self.rng.choice(live), self.authority, 0, self._hash())

    def _transfer_licence(self) -> None:
        live = [lic for lic in self.licences[-200:] if not lic.revoked]
        if not live:
            return
        lic = self.rng.choice(live)
        to = self.rng.choice(self.traders)
        if to != lic.licensee:
            self._emit(
                "AssetRegistry", "LicenseTransferred", licenseId=lic.licence_id, **{"from": lic.licensee, "to": to}
            )
            lic.licensee = to

    def _objection(self) -> None:
        if self.objections and self.rng.random() < 0.5:
            objection_id, asset_id = self.objections.pop(self.rng.randrange(len(self.objections)))
            asset = self.assets[asset_id - 1]
            asset.open_objections -= 1
            self._emit(
                "AssetRegistry",
                "ObjectionResolved",
                objectionId=objection_id,
                assetId=asset_id,
                registrar=self.registrars[0],
                upheld=self.rng.random() < 0.3,
                decisionHash=self._hash(),
                openObjections=asset.open_objections,
            )
            return
        asset = self.rng.choice(self.assets)
        if asset.status not in (1, 2):
            return
        self.objection_count += 1
        asset.open_objections += 1
        self.objections.append((self.objection_count, asset.asset_id))
        self._emit(
            "AssetRegistry",
            "ObjectionLodged",
            objectionId=self.objection_count,
            assetId=asset.asset_id,
            objector=self.rng.choice(self.traders),
            evidenceHash=self._hash(),
        )

    def _freeze(self) -> None:
        asset = self.rng.choice(self.assets)
        if asset.status not in (1, 2):
            return
        name = "AssetUnfrozen" if asset.frozen else "AssetFrozen"
        asset.frozen = not asset.frozen
        self._emit("AssetRegistry", name, assetId=asset.asset_id, by=self.authority, reasonHash=self._hash())

    def _change(self) -> None:
        asset = self._tradable()
        if asset is not None:
            self._emit(
                "AssetRegistry",
                "RegistrationChanged",
                assetId=asset.asset_id,
                by=asset.holders[0],
                metadataHash=self._hash(),
                metadataURI=f"ipfs://changed/{self.block}",
            )

    def _cancel(self) -> None:
        asset = self.rng.choice(self.assets)
        if asset.status in (1, 2) and not asset.frozen:
            asset.status = 4
            self._emit(
                "AssetRegistry",
                "RegistrationCancelled",
                assetId=asset.asset_id,
                by=asset.holders[0],
                reasonHash=self._hash(),
            )

    def _shares(self) -> None:
        asset = self.rng.choice(self.assets)
        recipients = self.rng.sample(self.traders, self.rng.randint(0, 3))
        bps = [self.rng.randint(1, 2000) for _ in recipients]
        asset.shares = list(zip(recipients, bps, strict=True))
        self._emit("TradeSettlement", "RevenueSharesSet", assetId=asset.asset_id, recipients=recipients, bps=bps)

    def _supervise(self) -> None:
        roll = self.rng.random()
        if roll < 0.3 and self.orders:
            order_id = self.orders.pop(0)
            self._emit(
                "Supervision",
                "RectificationClosed",
                orderId=order_id,
                closedBy=self.supervisor,
                closingHash=self._hash(),
            )
        elif roll < 0.6:
            self.order_count += 1
            self.orders.append(self.order_count)
            on_asset = self.rng.random() < 0.5
            self._emit(
                "Supervision",
                "RectificationOrdered",
                orderId=self.order_count,
                target=int(on_asset),
                participant=ZERO if on_asset else self.rng.choice(self.traders),
                assetId=self.rng.choice(self.assets).asset_id if on_asset else 0,
                issuedBy=self.supervisor,
                documentHash=self._hash(),
            )
        else:
            who = self.rng.choice(self.traders)
            delta = self.rng.randint(-50, 20)
            self.credit[who] = self.credit.get(who, 0) + delta
            self._emit(
                "Supervision",
                "CreditEventRecorded",
                participant=who,
                code=self.rng.randint(1, 30),
                delta=delta,
                score=self.credit[who],
                documentHash=self._hash(),
                by=self.supervisor,
            )

    def _participant_change(self) -> None:
        who = self.rng.choice(self.traders[3:])
        if self.rng.random() < 0.5:
            status = 2 if self.participants[who] == 1 else 1
            self.participants[who] = status
            self._emit(
                "ParticipantRegistry",
                "ParticipantStatusChanged",
                account=who,
                status=status,
                reasonHash=self._hash(),
                by=self.authority,
            )
        else:
            self._emit(
                "ParticipantRegistry",
                "ParticipantRolesChanged",
                account=who,
                roles=self.rng.choice((_HOLDER, _HOLDER | _MERCHANT)),
                by=self.authority,
            )

    def _transfer_right(self) -> None:
        asset = self._tradable()
        if asset is None:
            return
        right = self.rng.randrange(3)
        to = self.rng.choice(self.traders)
        if to != asset.holders[right]:
            self._emit(
                "AssetRegistry",
                "RightTransferred",
                assetId=asset.asset_id,
                right=right,
                **{"from": asset.holders[right], "to": to},
                tradeId="0x" + "00" * 32,
            )
            asset.holders[right] = to

    def _token_transfer(self) -> None:
        holders = [a for a, b in self.balances.items() if b > 0]
        if holders:
            sender = self.rng.choice(holders)
            self._move(sender, self.rng.choice(self.traders), self.rng.randint(1, self.balances[sender]))


# ─────────────────────────────────────────────────────────── raw logs


def _abi_value(param: Mapping[str, Any], value: Any) -> Any:
    t: str = param["type"]
    if t.endswith("]"):
        inner = dict(param, type=t[: t.rindex("[")])
        return [_abi_value(inner, v) for v in value]
    if t == "tuple":
        return tuple(_abi_value(c, value[c["name"]]) for c in param["components"])
    if t.startswith("bytes"):
        return bytes.fromhex(value[2:])
    return value


def encode_logs(
    events: Sequence[LedgerEvent], codecs: Mapping[str, ContractCodec], addresses: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The ``eth_getLogs`` entries that would carry ``events`` (contract name -> codec, -> address)."""
    out: list[dict[str, Any]] = []
    for ev in events:
        abi_event = codecs[ev.contract].events[ev.name]
        topics = ["0x" + abi_event.topic0.hex()]
        for p in abi_event.indexed:
            topics.append("0x" + abi_encode([abi_type(p)], [_abi_value(p, ev.args[p["name"]])]).hex())
        data = abi_encode(list(abi_event.data_types), [_abi_value(p, ev.args[p["name"]]) for p in abi_event.data])
        out.append(
            {
                "address": addresses[ev.contract],
                "topics": topics,
                "data": "0x" + data.hex(),
                "blockNumber": hex(ev.block_number),
                "blockHash": ev.block_hash,
                "transactionHash": ev.tx_hash,
                "transactionIndex": "0x0",
                "logIndex": hex(ev.log_index),
                "removed": False,
            }
        )
    return out
