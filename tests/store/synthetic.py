"""A synthetic, self-consistent stream of the ledger contracts' events, for benchmarks and store tests.

:class:`SyntheticLedger` plays a deterministic (seeded) market: participants are admitted, suspended and
reinstated, and file declarations; assets are applied for (rejected applications are filed again under a
new id), reviewed, changed, objected to (objections with standing open at once, others pending until a
registrar accepts them), frozen, cancelled and recognised from another province (imported, superseded,
suspended, reinstated); licences are granted (shared and exclusive), sublicensed, transferred and revoked,
and public data is licensed as an authorised operation the authority approved; tokens are issued, approved
and moved; trades settle on exchange (with signed consents or within standing mandates, some refused in
non-atomic batches; the same trade id on two exchanges) and off exchange (both parties' nonces used), with
fees and revenue shares per right, held for suspended recipients until they claim them (or, once revoked, until
the authority releases them to another account); supervisors open and close rectification orders and record
credit events; appraisers file valuation reports on which holders recognise assets in their accounts; exchanges
disclose. Every event has the argument shapes the decoder
produces for the real ABI, and the stream respects what the contracts enforce as far as the projection can
tell (records exist before they change, balances and allowances never go negative, held shares are claimed or
released whole).

:func:`encode_logs` turns the events back into raw ``eth_getLogs`` entries with the real ABIs, so
that a benchmark can measure decoding and storing together.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from eth_abi.abi import encode as abi_encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.contracts.codec import ContractCodec, abi_type
from ledger.decode import BlockHeader, LedgerEvent
from ledger.disclosure import CST, month_start

__all__ = ["SyntheticLedger", "encode_logs"]

ZERO: Final = "0x0000000000000000000000000000000000000000"
ZERO_HASH: Final = "0x" + "00" * 32
_REGIONS: Final = (450000, 450100, 450200, 440000)
_COUNTRIES: Final = ("0x434e", "0x5347", "0x4d59")  # CN, SG, MY
_DAY: Final = 86_400
_ORIGIN_CHAIN: Final = 44_000
_BANK_LIMIT: Final = 10**30  # the bank's issuance limit, set once at genesis
_RESERVE: Final = "0x" + "5e" * 32  # the reserve attestation every issuance names (not drawn: the stream stays put)

# roles (ledger.contracts.types.Role)
_AUTHORITY, _REGISTRAR, _EXCHANGE, _BANK, _MERCHANT, _PROVIDER, _HOLDER, _SUPERVISOR = (1 << i for i in range(8))
# statuses: assets (1 pending, 2 registered, 3 rejected, 4 cancelled), objections (1 open, 2 upheld, 3 dismissed,
# 4 pending), participants (1 active, 2 suspended, 3 revoked)
_OPEN, _PENDING = 1, 4
_REVOKED: Final = 3


@dataclass
class _Asset:
    asset_id: int
    holders: list[str]  # holding, processing, operation
    content: str
    status: int = 1
    category: int = 1
    frozen: bool = False
    suspended: bool = False
    open_objections: int = 0
    shares: dict[int, list[tuple[str, int]]] = field(default_factory=dict)  # right -> (recipient, bps)
    next_exclusive: int = 0  # exclusive licences follow one another in time


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
    revoked: bool = False


@dataclass
class _Recognised:
    local: int
    origin_asset: int
    certificate: dict[str, Any]
    linked: bool = False
    status: int = 1  # active, 2 suspended, 3 cancelled


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
        self._log_index = 0
        self._tx = ""
        self._block_events: list[LedgerEvent] = []
        self.settlement = self._address("settlement")
        self.authority = self._address("authority")
        self.registrars = [self._address(f"registrar/{i}") for i in range(2)]
        self.exchanges = [self._address(f"exchange/{i}") for i in range(3)]
        self.bank = self._address("bank")
        self.supervisor = self._address("supervisor")
        self.origin_registry = self._address("origin-registry")
        self.traders = [self._address(f"trader/{i}") for i in range(max(4, participants))]
        self.providers = self.traders[:3]
        self.balances: dict[str, int] = {}
        self.outstanding = 0  # the bank's outstanding issuance
        self.allowances: dict[tuple[str, str], int] = {}
        self.held: dict[str, int] = {}
        self.assets: list[_Asset] = []
        self.licences: list[_Licence] = []
        self.objections: list[tuple[int, int]] = []  # (objection id, asset id), open ones
        self.pending: list[tuple[int, int, str]] = []  # (objection id, asset id, objector)
        self.orders: list[int] = []  # open ones
        self.participants: dict[str, int] = {}  # account -> status
        self.credit: dict[str, int] = {}
        self.mandates: list[tuple[str, str, str]] = []  # (mandate id, seller, exchange) in force
        self.operations: list[tuple[int, str, int, int, int]] = []  # approved (asset, operator, right, purpose, end)
        self.recognised: list[_Recognised] = []
        self.agreement_version = 0
        self.agreement = False
        self.trade_ids: list[tuple[str, str]] = []  # (trade id, exchange) settled on exchange, recent ones
        self.settled_on_exchange: set[tuple[str, str]] = set()  # every (trade id, exchange): settled once only
        self.trade_count = 0
        self.objection_count = 0
        self.order_count = 0
        self.certificates = 0
        self.nonce = 0
        self.valuation_count = 0
        self.valuations: dict[int, tuple[int, str, int]] = {}  # filed: id -> (asset id, appraiser, valid until)
        self.recognitions: dict[int, tuple[str, int]] = {}  # asset id -> (holder, carrying amount)
        self.derecognised: dict[int, tuple[str, int]] = {}  # asset id -> (holder, amount) it derecognised last
        self.disclosure_count = 0
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

    def _active(self, account: str) -> bool:
        return self.participants.get(account) == 1

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
            id=len(self.participants) + 1,
            creditCodeHash="0x" + keccak(text=f"synthetic-credit-code/{account}").hex(),
        )
        self.participants[account] = 1

    def _genesis(self) -> None:
        self._genesis_done = True
        self._new_tx()
        self._admit(self.authority, _AUTHORITY, 450000, "Guangxi Big Data Development Bureau")
        for i, r in enumerate(self.registrars):
            self._admit(r, _REGISTRAR, _REGIONS[i], f"Registration Centre {i}")
        for i, x in enumerate(self.exchanges):
            self._admit(x, _EXCHANGE, 450000, f"Data Exchange {i}")
        self._admit(self.bank, _BANK, 450000, "Settlement Bank")
        self._emit("SettlementToken", "IssuanceLimitSet", bank=self.bank, limit=_BANK_LIMIT, outstanding=0,
                   by=self.authority)  # fmt: skip
        self._admit(self.supervisor, _SUPERVISOR, 450000, "Supervision Office")
        for i, t in enumerate(self.traders):
            roles = (_PROVIDER | _MERCHANT) if i < 3 else self.rng.choice((_HOLDER, _MERCHANT, _HOLDER | _MERCHANT))
            self._admit(t, roles, self.rng.choice(_REGIONS), f"Trader {i} Co., Ltd.")
            if roles & (_MERCHANT | _PROVIDER):
                self._emit("ParticipantRegistry", "DeclarationFiled", account=t, documentHash=self._hash(), count=1)
        for kind in range(4):
            self._emit("TradeSettlement", "PriceBandSet", kind=kind, min=100, max=10**12, by=self.authority)
        self._emit("Disclosure", "DisclosureRequirementSet", kind=0, months=1, graceDays=15, since=self.timestamp,
                   by=self.authority)  # fmt: skip
        for provider in self.providers:  # the appraisers (资产评估机构), for ten years
            self._emit("Valuation", "AppraiserAccredited", appraiser=provider, expiresAt=self.timestamp + 3650 * _DAY,
                       documentHash=self._hash(), by=self.authority)  # fmt: skip

    # ─────────────────────────────────────────────────────────── actions

    def _action(self) -> None:
        roll = self.rng.random()
        if roll < 0.10 or len(self.assets) < 8:
            self._register()
        elif roll < 0.52:
            self._trade()
        elif roll < 0.61:
            self._grant()
        elif roll < 0.65:
            self._issue(self.rng.choice(self.traders), 10**6)
        elif roll < 0.69:
            self._revoke()
        elif roll < 0.72:
            self._transfer_licence()
        elif roll < 0.755:
            self._objection()
        elif roll < 0.78:
            self._freeze()
        elif roll < 0.795:
            self._change()
        elif roll < 0.82:
            self._shares()
        elif roll < 0.85:
            self._supervise()
        elif roll < 0.87:
            self._participant_change()
        elif roll < 0.89:
            self._transfer_right()
        elif roll < 0.90:
            self.nonce += 1
            self._emit("TradeSettlement", "NonceUsed", account=self.rng.choice(self.traders), nonce=self.nonce)
        elif roll < 0.91:
            self._cancel()
        elif roll < 0.925:
            self._mandate()
        elif roll < 0.94:
            self._public_operation()
        elif roll < 0.95:
            self._claim()
        elif roll < 0.96:
            self._recognition()
        elif roll < 0.965:
            self._refusal()
        elif roll < 0.975:
            self._valuation()
        elif roll < 0.978:
            self._disclosure()
        else:
            self._token_transfer()

    def _applied(self, asset_id: int, owner: str, processing: str, registration: dict[str, Any]) -> None:
        self._emit(
            "AssetRegistry",
            "RegistrationApplied",
            assetId=asset_id,
            contentHash=registration["contentHash"],
            applicant=owner,
            processingHolder=processing,
            operationHolder=owner,
            registration=registration,
        )

    def _register(self) -> None:
        owner = self.rng.choice(self.traders[3:])
        category = self.rng.choice((0, 1, 1, 2))
        processing = self.rng.choice((owner, owner, self.rng.choice(self.traders)))
        content = self._hash()
        registration = {
            "contentHash": content,
            "metadataHash": self._hash(),
            "metadataURI": f"ipfs://bafy{len(self.assets) + 1:046d}",
            "name": f"Dataset {len(self.assets) + 1}: Nanning bus ridership",
            "category": category,
            "grade": self.rng.choice((0, 0, 1, 2)),
            "kind": self.rng.randrange(4),
            "region": 450000,
            "processingHolder": ZERO if processing == owner else processing,
            "operationHolder": ZERO,
        }
        registrar = self.registrars[0]
        if self.rng.random() < 0.1:  # rejected: final; a new application gets an id of its own
            rejected = _Asset(len(self.assets) + 1, [owner, processing, owner], content, category=category)
            self.assets.append(rejected)
            self._applied(rejected.asset_id, owner, processing, registration)
            self._emit(
                "AssetRegistry", "RegistrationRejected", assetId=rejected.asset_id, registrar=registrar,
                reviewHash=self._hash(),
            )  # fmt: skip
            rejected.status = 3
            self._new_tx()
            registration = dict(registration, metadataHash=self._hash())
        asset = _Asset(len(self.assets) + 1, [owner, processing, owner], content, category=category)
        self.assets.append(asset)
        self._applied(asset.asset_id, owner, processing, registration)
        self.certificates += 1
        self._emit(
            "AssetRegistry",
            "AssetRegistered",
            assetId=asset.asset_id,
            registrar=registrar,
            certificateSerial=self.certificates,
            reviewHash=self._hash(),
        )
        asset.status = 2
        if category == 2:
            self._emit(
                "AssetControls",
                "AnonymisationAttested",
                assetId=asset.asset_id,
                provider=self.rng.choice(self.providers),
                reportHash=self._hash(),
            )

    def _tradable(self) -> _Asset | None:
        for _ in range(8):
            a = self.rng.choice(self.assets)
            if a.status == 2 and not a.frozen and not a.suspended and a.open_objections == 0:
                return a
        return None

    def _terms(self, right: int, purpose: int, start: int, end: int, *, exclusive: bool = False) -> dict[str, Any]:
        countries = [self.rng.choice(_COUNTRIES)] if self.rng.random() < 0.1 else []
        regions = [450000, 450100, 810000][: self.rng.choice((1, 1, 2, 2, 3))]
        return {
            "right": right,
            "purpose": purpose,
            "start": start,
            "end": end,
            "exclusive": exclusive,
            "sublicensable": self.rng.random() < 0.3,
            "transferable": self.rng.random() < 0.5,
            "regions": regions,
            "countries": countries,
            "termsHash": self._hash(),
        }

    def _license_granted(
        self, asset: _Asset, licensee: str, licensor: str, parent: _Licence | None, *, right: int | None = None,
        purpose: int | None = None,
    ) -> _Licence:  # fmt: skip
        right = parent.right if parent else right if right is not None else self.rng.choice((1, 2))
        purpose = parent.purpose if parent else purpose if purpose is not None else self.rng.choice((1101, 1102, 2201))
        start = parent.start if parent else self.timestamp
        end = parent.end if parent else self.timestamp + 365 * _DAY
        exclusive = parent is None and purpose == 3301
        if exclusive:  # one after another, a day each
            start = max(self.timestamp, asset.next_exclusive)
            end = start + _DAY
            asset.next_exclusive = end
        licence = _Licence(len(self.licences) + 1, asset.asset_id, licensee, right, purpose, max(start, self.timestamp),
                           end, parent.depth + 1 if parent else 0)  # fmt: skip
        self._emit(
            "AssetRegistry",
            "LicenseGranted",
            licenseId=licence.licence_id,
            assetId=asset.asset_id,
            licensee=licensee,
            licensor=licensor,
            parentId=parent.licence_id if parent else 0,
            depth=licence.depth,
            terms=self._terms(right, purpose, start, end, exclusive=exclusive),
        )
        self.licences.append(licence)
        return licence

    def _grant(self) -> None:
        asset = self._tradable()
        if asset is None or asset.category == 0:  # public data: only as an authorised operation or on exchange
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
            purpose = 3301 if self.rng.random() < 0.1 else None
            self._license_granted(asset, licensee, licensor, None, right=1, purpose=purpose)

    def _issue(self, account: str, amount: int) -> None:
        self._emit("SettlementToken", "Transfer", **{"from": ZERO, "to": account, "value": amount})
        self.outstanding += amount
        self._emit("SettlementToken", "Issued", bank=self.bank, to=account, amount=amount, reserveHash=_RESERVE,
                   outstanding=self.outstanding)  # fmt: skip
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
        if buyer == seller or not (self._active(buyer) and self._active(seller)):
            return
        on_exchange = asset.category == 0 or self.rng.random() < 0.8
        exchange = self.rng.choice(self.exchanges) if on_exchange else ZERO
        price = self.rng.randrange(1_000, 100_000)
        fee = price // 100 if on_exchange and self.rng.random() < 0.7 else 0
        if self.balances.get(buyer, 0) < price:
            self._issue(buyer, 10**6)
            self._new_tx()
        if on_exchange and self.allowances.get((buyer, exchange), 0) < price:
            self._emit("SettlementToken", "Approval", owner=buyer, spender=exchange, value=10**6)
            self.allowances[(buyer, exchange)] = 10**6
            self._new_tx()
        self.trade_count += 1
        trade_id = "0x" + keccak(text=f"synthetic-trade/{self.trade_count}").hex()
        if on_exchange and self.trade_ids and self.rng.random() < 0.03:
            # An id another exchange already used: trades settle once per exchange, not once overall.
            used, by = self.rng.choice(self.trade_ids)
            if by != exchange and (used, exchange) not in self.settled_on_exchange:
                trade_id = used
        mandate = ZERO_HASH
        if on_exchange:
            self.allowances[(buyer, exchange)] -= price
            self.trade_ids = [*self.trade_ids[-99:], (trade_id, exchange)]
            self.settled_on_exchange.add((trade_id, exchange))
            mine = [m for m, s, x in self.mandates if s == seller and x == exchange]
            if mine and self.rng.random() < 0.5:
                mandate = self.rng.choice(mine)
        else:  # both parties signed one nonce: it is used for each
            self.nonce += 1
            self._emit("TradeSettlement", "NonceUsed", account=seller, nonce=self.nonce)
            self._emit("TradeSettlement", "NonceUsed", account=buyer, nonce=self.nonce)
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
            right = 1
            licence_id = self._license_granted(asset, buyer, seller, None, right=right).licence_id
        net = price - fee
        paid = [(r, net * bps // 10_000, not self._active(r)) for r, bps in asset.shares.get(right, [])]
        seller_amount = net - sum(a for _, a, _ in paid)
        self._move(buyer, seller, seller_amount)
        if fee:
            self._move(buyer, exchange, fee)
        for recipient, amount, held in paid:
            self._move(buyer, self.settlement if held else recipient, amount)
            if held:
                self.held[recipient] = self.held.get(recipient, 0) + amount
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
            mandateId=mandate,
            shares=[{"recipient": r, "amount": a, "held": h} for r, a, h in paid],
        )

    def _revoke(self) -> None:
        live = [lic for lic in self.licences[-200:] if not lic.revoked]
        if live:
            licence = self.rng.choice(live)
            licence.revoked = True  # its sublicences are invalid through it: no events of their own
            self._emit(
                "AssetRegistry", "LicenseRevoked", licenseId=licence.licence_id, by=self.authority,
                reasonHash=self._hash(),
            )  # fmt: skip

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
        roll = self.rng.random()
        if self.objections and roll < 0.3:
            objection_id, asset_id = self.objections.pop(self.rng.randrange(len(self.objections)))
            asset = self.assets[asset_id - 1]
            asset.open_objections -= 1
            self._resolved(objection_id, asset)
            return
        if self.pending and roll < 0.6:
            objection_id, asset_id, objector = self.pending.pop(self.rng.randrange(len(self.pending)))
            asset = self.assets[asset_id - 1]
            if self.rng.random() < 0.5:  # resolved while pending: it never counted
                self._resolved(objection_id, asset)
                return
            asset.open_objections += 1
            self.objections.append((objection_id, asset_id))
            self._emit(
                "AssetControls", "ObjectionAccepted", objectionId=objection_id, assetId=asset_id,
                registrar=self.registrars[0], decisionHash=self._hash(), openObjections=asset.open_objections,
            )  # fmt: skip
            return
        asset = self.rng.choice(self.assets)
        if asset.status not in (1, 2):
            return
        objector = self.rng.choice([*self.traders, self.supervisor])
        standing = objector == self.supervisor or objector in asset.holders
        if not standing:
            mine = [p for p in self.pending if p[2] == objector]
            if len(mine) >= 3 or any(p[1] == asset.asset_id for p in mine):
                return
        self.objection_count += 1
        if standing:
            asset.open_objections += 1
            self.objections.append((self.objection_count, asset.asset_id))
        else:
            self.pending.append((self.objection_count, asset.asset_id, objector))
        self._emit(
            "AssetControls",
            "ObjectionLodged",
            objectionId=self.objection_count,
            assetId=asset.asset_id,
            objector=objector,
            evidenceHash=self._hash(),
            status=_OPEN if standing else _PENDING,
            openObjections=asset.open_objections,
        )

    def _resolved(self, objection_id: int, asset: _Asset) -> None:
        self._emit(
            "AssetControls",
            "ObjectionResolved",
            objectionId=objection_id,
            assetId=asset.asset_id,
            registrar=self.registrars[0],
            upheld=self.rng.random() < 0.3,
            decisionHash=self._hash(),
            openObjections=asset.open_objections,
        )

    def _freeze(self) -> None:
        asset = self.rng.choice(self.assets)
        if asset.status not in (1, 2):
            return
        name = "AssetUnfrozen" if asset.frozen else "AssetFrozen"
        asset.frozen = not asset.frozen
        self._emit("AssetControls", name, assetId=asset.asset_id, by=self.authority, reasonHash=self._hash())

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
        right = self.rng.choice((1, 1, 2))
        recipients = [r for r in self.rng.sample(self.traders, self.rng.randint(0, 3)) if self._active(r)]
        bps = [self.rng.randint(1, 2000) for _ in recipients]
        asset.shares[right] = list(zip(recipients, bps, strict=True))
        self._emit(
            "TradeSettlement", "RevenueSharesSet", assetId=asset.asset_id, right=right, recipients=recipients, bps=bps,
            by=asset.holders[right],
        )  # fmt: skip

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

    def _valuation(self) -> None:
        """Art. 19: a report filed (by an appraiser holding no right in the asset), withdrawn or rejected; an asset
        recognised by its holder on a valid report (ending a former holder's recognition), remeasured, derecognised."""
        roll = self.rng.random()
        if roll < 0.4 or not self.valuations:
            asset = self.rng.choice(self.assets)
            appraisers = [p for p in self.providers if p not in asset.holders]
            if asset.status != 2 or not appraisers:
                return
            self.valuation_count += 1
            appraiser, valid_until = self.rng.choice(appraisers), self.timestamp + 300 * _DAY
            self.valuations[self.valuation_count] = (asset.asset_id, appraiser, valid_until)
            self._emit(
                "Valuation", "ValuationFiled", valuationId=self.valuation_count, assetId=asset.asset_id,
                appraiser=appraiser, method=self.rng.randint(0, 3), value=self.rng.randint(10**5, 10**10),
                currency="0x434e59", baseDate=self.timestamp - _DAY, validUntil=valid_until,
                contentHash=asset.content, reportHash=self._hash(),
            )  # fmt: skip
        elif roll < 0.55:
            valuation_id = self.rng.choice(sorted(self.valuations))
            _, appraiser, _ = self.valuations.pop(valuation_id)
            if self.rng.random() < 0.5:
                self._emit("Valuation", "ValuationWithdrawn", valuationId=valuation_id, appraiser=appraiser,
                           reasonHash=self._hash())  # fmt: skip
            else:
                self._emit("Valuation", "ValuationRejected", valuationId=valuation_id, by=self.supervisor,
                           reasonHash=self._hash())  # fmt: skip
        elif roll < 0.8:
            valuation_id = self.rng.choice(sorted(self.valuations))
            asset_id, _, valid_until = self.valuations[valuation_id]
            asset = next(a for a in self.assets if a.asset_id == asset_id)
            holder, former = asset.holders[0], self.recognitions.get(asset_id)
            if asset.status != 2 or valid_until <= self.timestamp or (former is not None and former[0] == holder):
                return
            if former is not None:  # the holding right moved: the new holder's books replace the former's
                self.derecognised.pop(asset_id, None)
                self._emit("Valuation", "AssetDerecognised", assetId=asset_id, holder=former[0], reason=1,
                           carryingAmount=former[1], documentHash=self._hash())  # fmt: skip
            amount = self.rng.randint(10**5, 10**9)
            ended = self.derecognised.pop(asset_id, None)
            if ended is not None and ended[0] == holder:  # derecognising does not reset the carrying amount
                amount = min(amount, ended[1])
            if amount == 0:
                return
            self.recognitions[asset_id] = (holder, amount)
            self._emit(
                "Valuation", "AssetRecognised", assetId=asset_id, holder=holder, valuationId=valuation_id,
                category=self.rng.randint(0, 2), carryingAmount=amount, periodStart=self.timestamp - 30 * _DAY,
                periodEnd=self.timestamp + 60 * _DAY, auditorHash=self._hash(),
            )  # fmt: skip
        elif self.recognitions:
            asset_id = self.rng.choice(sorted(self.recognitions))
            holder, amount = self.recognitions[asset_id]
            if self.rng.random() < 0.7 and amount > 1:
                lower = self.rng.randint(0, amount - 1)
                self.recognitions[asset_id] = (holder, lower)
                self._emit("Valuation", "RecognitionRemeasured", assetId=asset_id, holder=holder,
                           kind=self.rng.randint(0, 1), previousAmount=amount, carryingAmount=lower,
                           documentHash=self._hash())  # fmt: skip
            else:
                self.derecognised[asset_id] = self.recognitions.pop(asset_id)
                self._emit("Valuation", "AssetDerecognised", assetId=asset_id, holder=holder, reason=0,
                           carryingAmount=amount, documentHash=self._hash())  # fmt: skip

    def _disclosure(self) -> None:
        """Art. 25: an exchange discloses last month's trade statistics, or another kind for the month in course."""
        today = datetime.fromtimestamp(self.timestamp, CST)
        kind = self.rng.randint(0, 3)
        first = today.month - 1 if kind == 0 else today.month
        self.disclosure_count += 1
        self._emit("Disclosure", "DisclosureFiled", disclosureId=self.disclosure_count,
                   exchange=self.rng.choice(self.exchanges), kind=kind, periodStart=month_start(today.year, first),
                   periodEnd=month_start(today.year, first + 1), documentHash=self._hash())  # fmt: skip

    def _participant_change(self) -> None:
        who = self.rng.choice(self.traders[3:])
        if self.participants[who] == _REVOKED:  # final
            return
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
        if asset is None or asset.category == 0:
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
                tradeId=ZERO_HASH,
            )
            asset.holders[right] = to

    def _token_transfer(self) -> None:
        holders = [a for a, b in self.balances.items() if b > 0 and a != self.settlement]
        if holders:
            sender = self.rng.choice(holders)
            self._move(sender, self.rng.choice(self.traders), self.rng.randint(1, self.balances[sender]))

    def _claim(self) -> None:
        """A recipient active again claims the shares held for it; or, rarely, the authority revokes a suspended one
        (at most a tenth of the traders) and releases the shares held for it to another participant."""
        waiting = [r for r, amount in self.held.items() if amount and self._active(r)]
        if waiting:
            recipient = self.rng.choice(waiting)
            amount = self.held.pop(recipient)
            self._move(self.settlement, recipient, amount)
            self._emit("TradeSettlement", "HeldSharesClaimed", recipient=recipient, amount=amount)
            return
        suspended = [r for r, amount in self.held.items() if amount and self.participants.get(r) == 2]
        revoked = sum(1 for status in self.participants.values() if status == _REVOKED)
        if not suspended or revoked >= len(self.traders) // 10:
            return
        recipient = self.rng.choice(suspended)
        to = self.rng.choice([t for t in self.traders if self._active(t)])
        self.participants[recipient] = _REVOKED
        self._emit("ParticipantRegistry", "ParticipantStatusChanged", account=recipient, status=_REVOKED,
                   reasonHash=self._hash(), by=self.authority)  # fmt: skip
        self._new_tx()
        amount = self.held.pop(recipient)
        self._move(self.settlement, to, amount)
        self._emit("TradeSettlement", "HeldSharesReleased", recipient=recipient, to=to, amount=amount,
                   by=self.authority, decisionHash=self._hash())  # fmt: skip

    def _mandate(self) -> None:
        if self.mandates and self.rng.random() < 0.3:
            mandate_id, seller, _ = self.mandates.pop(self.rng.randrange(len(self.mandates)))
            self._emit("MandateRegistry", "MandateRevoked", mandateId=mandate_id, seller=seller)
            return
        asset = self._tradable()
        if asset is None:
            return
        seller, exchange = asset.holders[1], self.rng.choice(self.exchanges)
        mandate_id = self._hash()
        terms = self._terms(1, 1101, 0, 0)
        mandate = {
            "seller": seller, "exchange": exchange, "assetId": asset.asset_id, "delivery": 1, "right": 1,
            "parentLicenseId": 0, "terms": terms, "maxDuration": 365 * _DAY, "minNet": 500,
            "expiry": self.timestamp + 90 * _DAY, "salt": self.rng.getrandbits(256),
        }  # fmt: skip
        self.mandates.append((mandate_id, seller, exchange))
        self._emit("MandateRegistry", "MandateGranted", mandateId=mandate_id, seller=seller, exchange=exchange,
                   mandate=mandate)  # fmt: skip

    def _public_operation(self) -> None:
        """The authority approves an authorised-operation licence of public data; it is used by the holder's grant
        or withdrawn, or waits."""
        roll = self.rng.random()
        if self.operations and roll < 0.6:
            asset_id, operator, right, purpose, end = self.operations.pop(self.rng.randrange(len(self.operations)))
            asset = self.assets[asset_id - 1]
            usable = asset.status == 2 and not asset.frozen and not asset.suspended and asset.open_objections == 0
            used = usable and roll < 0.45 and operator != asset.holders[right]
            licence_id = len(self.licences) + 1 if used else 0
            self._emit("AssetControls", "PublicOperationUsed", assetId=asset_id, operator=operator, right=right,
                       purpose=purpose, licenseId=licence_id)  # fmt: skip
            if used:
                self._license_granted(asset, operator, asset.holders[right], None, right=right, purpose=purpose)
            return
        public = [a for a in self.assets[-50:] if a.category == 0 and a.status == 2]
        if not public:
            return
        asset = self.rng.choice(public)
        operator, right, purpose = self.rng.choice(self.traders), 2, self.rng.choice((2001, 2002))
        end = self.timestamp + 400 * _DAY
        self.operations = [o for o in self.operations if o[:4] != (asset.asset_id, operator, right, purpose)]
        self.operations.append((asset.asset_id, operator, right, purpose, end))
        self._emit("AssetControls", "PublicOperationAuthorised", assetId=asset.asset_id, operator=operator,
                   right=right, purpose=purpose, latestEnd=end, decisionHash=self._hash(),
                   by=self.authority)  # fmt: skip

    def _refusal(self) -> None:
        """A trade of a non-atomic batch refused (its error's encoding as the reason)."""
        exchange = self.rng.choice(self.exchanges)
        self.trade_count += 1
        trade_id = "0x" + keccak(text=f"synthetic-trade/{self.trade_count}").hex()
        contract = self.rng.choice(("TradeSettlement", "MandateRegistry"))
        selector = keccak(text="SettlementBelowMinimum(bytes32,uint256,uint256)")[:4].hex()
        reason = "0x" + selector + trade_id[2:] + "00" * 64
        self._emit(contract, "TradeRefused", tradeId=trade_id, exchange=exchange, index=self.rng.randrange(100),
                   reason=reason)  # fmt: skip

    def _certificate(self, origin_asset: int, asset: _Asset, status: int, issued_block: int) -> dict[str, Any]:
        """A certificate stating the origin's state at ``issued_block`` (an origin block number)."""
        return {
            "assetId": origin_asset, "contentHash": asset.content, "category": asset.category, "grade": 0, "kind": 0,
            "holdingHolder": asset.holders[0], "processingHolder": asset.holders[1],
            "operationHolder": asset.holders[2], "certificateSerial": origin_asset, "registeredBlock": 7,
            "registeredAt": 1_700_000_000, "status": status, "issuedBlock": issued_block,
            "expiresAt": self.timestamp + 30 * _DAY,
        }  # fmt: skip

    def _imported(self, r: _Recognised, superseded: bool) -> None:
        self._emit(
            "Recognition", "CertificateImported", localAssetId=r.local, originChainId=_ORIGIN_CHAIN,
            originAssetId=r.origin_asset, originRegistry=self.origin_registry, certificate=r.certificate,
            certificateDigest=self._hash(), signers=[self.registrars[1]], linked=r.linked, registrar=self.registrars[0],
            superseded=superseded,
        )  # fmt: skip

    def _recognition(self) -> None:
        """Another province's registrations: an agreement, certificates imported (a new local asset, or linked to
        one registered here), superseded (the holders follow; or the origin cancelled it), suspended, reinstated."""
        if not self.agreement:
            self.agreement = True
            self.agreement_version += 1
            self._emit("Recognition", "AgreementSet", originChainId=_ORIGIN_CHAIN, originRegistry=self.origin_registry,
                       registrars=[self.registrars[1]], threshold=1, version=self.agreement_version,
                       by=self.authority)  # fmt: skip
            return
        roll = self.rng.random()
        live = [r for r in self.recognised if r.status != 3]
        if roll < 0.05:
            self.agreement = False
            self.agreement_version += 1
            self._emit("Recognition", "AgreementRevoked", originChainId=_ORIGIN_CHAIN,
                       version=self.agreement_version, by=self.authority)  # fmt: skip
        elif roll < 0.45 or not live:
            self._import()
        elif roll < 0.7:
            r = self.rng.choice(live)
            self._supersede(r)
        else:
            r = self.rng.choice(live)
            asset = self.assets[r.local - 1]
            suspend = r.status == 1
            r.status = 2 if suspend else 1
            if not r.linked:
                asset.suspended = suspend
            self._emit("Recognition", "RecognitionSuspended" if suspend else "RecognitionReinstated",
                       localAssetId=r.local, by=self.registrars[0], reasonHash=self._hash())  # fmt: skip

    def _import(self) -> None:
        origin_asset = len(self.recognised) + 1
        mine = [a for a in self.assets[-30:] if a.status == 2 and all(r.local != a.asset_id for r in self.recognised)]
        if mine and self.rng.random() < 0.2:  # the same data registered here by the same holder: linked
            asset = self.rng.choice(mine)
            r = _Recognised(asset.asset_id, origin_asset, self._certificate(origin_asset, asset, 2, self.block),
                            linked=True)  # fmt: skip
        else:
            owner = self.rng.choice(self.traders[3:])
            asset = _Asset(len(self.assets) + 1, [owner, owner, owner], self._hash())
            self.assets.append(asset)
            certificate = self._certificate(origin_asset, asset, 2, self.block)
            registration = {
                "contentHash": asset.content, "metadataHash": self._hash(), "metadataURI": "", "name": "",
                "category": asset.category, "grade": 0, "kind": 0, "region": _REGIONS[0], "processingHolder": owner,
                "operationHolder": owner,
            }  # fmt: skip
            self._applied(asset.asset_id, owner, owner, registration)
            self.certificates += 1
            self._emit("AssetRegistry", "AssetRegistered", assetId=asset.asset_id, registrar=self.registrars[0],
                       certificateSerial=self.certificates, reviewHash=registration["metadataHash"])  # fmt: skip
            asset.status = 2
            r = _Recognised(asset.asset_id, origin_asset, certificate)
        self.recognised.append(r)
        self._imported(r, superseded=False)

    def _supersede(self, r: _Recognised) -> None:
        asset = self.assets[r.local - 1]
        issued = int(r.certificate["issuedBlock"]) + 1 + self.rng.randrange(100)
        cancelled = not r.linked and asset.status == 2 and self.rng.random() < 0.2
        if not r.linked and not cancelled and asset.status == 2:  # the recognised asset follows its holders
            to = self.rng.choice(self.traders)
            if to != asset.holders[1]:
                self._emit("AssetRegistry", "RightTransferred", assetId=asset.asset_id, right=1,
                           **{"from": asset.holders[1], "to": to}, tradeId=ZERO_HASH)  # fmt: skip
                asset.holders[1] = to
        if cancelled:
            asset.status = 4
            self._emit("AssetRegistry", "RegistrationCancelled", assetId=asset.asset_id, by=self.registrars[0],
                       reasonHash=self._hash())  # fmt: skip
            r.status = 3
        r.certificate = self._certificate(r.origin_asset, asset, 4 if cancelled else 2, issued)
        self._imported(r, superseded=True)


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
