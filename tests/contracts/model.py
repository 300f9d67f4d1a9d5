"""A pure-Python model of the ledger's rules, for the stateful test (``test_stateful_model.py``).

The model holds what the contracts hold (participants, assets with their three rights, objections,
licences with their exclusivity spans, settled trades, token balances and allowances, revenue shares,
price bands, used nonces) and applies each operation with the checks the interfaces document, in the
order the contracts make them, so that a refusal names the same custom error with the same values.

Every operation either returns normally, having changed the model, or raises :class:`Refused`; the
caller runs operations on a copy (:meth:`Ledger.copy`) and keeps it only on success, so a refused
operation leaves the model as it was, as a reverted transaction leaves the chain.

Times: the model's ``now`` is the timestamp the next transaction is expected to run at. Values it
cannot know exactly (block timestamps inside an error) are :data:`ANY`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from ledger.contracts.types import (
    AssetStatus,
    Category,
    Delivery,
    Grade,
    LicenseTerms,
    ObjectionStatus,
    ParticipantStatus,
    Right,
    Role,
    Trade,
)

ZERO = "0x0000000000000000000000000000000000000000"

ALL = 0xFF
DECLARED = 1 << 15
TRADERS = int(Role.DATA_HOLDER | Role.DATA_MERCHANT | Role.SERVICE_PROVIDER)
TRADER = TRADERS | DECLARED
ASSET_OWNERS = int(Role.DATA_HOLDER | Role.DATA_MERCHANT)
NEEDS_DECLARATION = int(Role.DATA_MERCHANT | Role.SERVICE_PROVIDER)
MAX_DEPTH = 3
MAX_SHARES = 8


class _Any:
    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "ANY"


#: An error value the model cannot predict (a block timestamp).
ANY: Any = _Any()


class Refused(Exception):
    """The operation must revert with custom error ``name`` carrying ``values``."""

    def __init__(self, name: str, **values: Any) -> None:
        super().__init__(f"{name}({', '.join(f'{k}={v!r}' for k, v in values.items())})")
        self.name = name
        self.values = values


@dataclass
class Participant:
    roles: int
    status: ParticipantStatus
    region: int
    declarations: int = 0


@dataclass
class Asset:
    id: int
    content_hash: bytes
    category: Category
    grade: Grade
    kind: int
    status: AssetStatus
    region: int
    holders: list[str]  # indexed by Right
    disputed: bool = False
    frozen: bool = False
    anonymised: bool = False
    certificate_serial: int = 0
    registered_at: int = 0
    open_objections: int = 0

    def view(self) -> dict[str, Any]:
        """The asset as ``getAsset`` returns it."""
        return {
            "id": self.id,
            "contentHash": self.content_hash,
            "category": int(self.category),
            "grade": int(self.grade),
            "kind": int(self.kind),
            "status": int(self.status),
            "region": self.region,
            "disputed": self.disputed,
            "frozen": self.frozen,
            "anonymised": self.anonymised,
            "holdingHolder": self.holders[Right.HOLDING],
            "processingHolder": self.holders[Right.PROCESSING],
            "operationHolder": self.holders[Right.OPERATION],
            "certificateSerial": self.certificate_serial,
            "registeredAt": self.registered_at,
            "openObjections": self.open_objections,
        }


@dataclass
class Licence:
    id: int
    asset_id: int
    licensee: str
    right: Right
    purpose: int
    start: int
    end: int
    exclusive: bool
    sublicensable: bool
    transferable: bool
    cross_border: bool
    depth: int
    parent_id: int
    regions: tuple[int, ...] = ()
    countries: tuple[str, ...] = ()
    revoked: bool = False
    children: list[int] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        """The licence as ``getLicense`` returns it."""
        return {
            "id": self.id,
            "assetId": self.asset_id,
            "licensee": self.licensee,
            "right": int(self.right),
            "purpose": self.purpose,
            "start": self.start,
            "end": self.end,
            "exclusive": self.exclusive,
            "sublicensable": self.sublicensable,
            "transferable": self.transferable,
            "crossBorder": self.cross_border,
            "revoked": self.revoked,
            "depth": self.depth,
            "parentId": self.parent_id,
        }


@dataclass
class Objection:
    asset_id: int
    objector: str
    status: ObjectionStatus
    lodged_at: int


@dataclass
class SharedSpan:
    """Per (asset, right, purpose, parent): earliest start to latest end of the shared licences granted
    since none was last live (it clears only when no shared licence under the key is live)."""

    start: int = 0
    end: int = 0
    live: int = 0


@dataclass
class Ledger:
    participants: dict[str, Participant]
    now: int = 0
    assets: dict[int, Asset] = field(default_factory=dict)
    by_hash: dict[bytes, int] = field(default_factory=dict)
    certificates: int = 0
    objections: dict[int, Objection] = field(default_factory=dict)
    licences: dict[int, Licence] = field(default_factory=dict)
    spans: dict[tuple[int, int, int, int], SharedSpan] = field(default_factory=dict)
    balances: dict[str, int] = field(default_factory=dict)
    allowances: dict[tuple[str, str], int] = field(default_factory=dict)
    supply: int = 0
    settled: set[bytes] = field(default_factory=set)
    shares: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    bands: dict[int, tuple[int, int]] = field(default_factory=dict)
    nonces: set[tuple[str, int]] = field(default_factory=set)
    #: Fields to stamp with the block timestamp once the transaction is mined: (object, attribute).
    stamps: list[tuple[object, str]] = field(default_factory=list)

    def copy(self) -> Ledger:
        fresh = copy.deepcopy(self)
        fresh.stamps = []
        return fresh

    def stamp(self, timestamp: int) -> None:
        for obj, attribute in self.stamps:
            setattr(obj, attribute, timestamp)
        self.stamps = []

    # ─────────────────────────────────────────────────────────── participants

    def require_role(self, account: str, any_of: int) -> Participant:
        p = self.participants.get(account)
        if p is None:
            raise Refused("ParticipantUnknown", account=account)
        if p.status != ParticipantStatus.ACTIVE:
            raise Refused("ParticipantNotActive", account=account, status=int(p.status))
        roles = any_of & ~DECLARED
        if p.roles & roles == 0:
            raise Refused("ParticipantUnauthorized", account=account, neededRoles=roles)
        if any_of & DECLARED and p.roles & NEEDS_DECLARATION and p.declarations == 0:
            raise Refused("ParticipantDeclarationMissing", account=account)
        return p

    def is_active(self, account: str) -> bool:
        p = self.participants.get(account)
        return p is not None and p.status == ParticipantStatus.ACTIVE

    def _known(self, account: str) -> Participant:
        p = self.participants.get(account)
        if p is None:
            raise Refused("ParticipantUnknown", account=account)
        return p

    @staticmethod
    def _check_roles(roles: int) -> None:
        if roles == 0 or roles & ~ALL:
            raise Refused("ParticipantInvalidRoles", roles=roles)

    def admit(self, caller: str, account: str, roles: int, region: int) -> None:
        self.require_role(caller, int(Role.AUTHORITY))
        if account in self.participants:
            raise Refused("ParticipantAlreadyAdmitted", account=account)
        self._check_roles(roles)
        if not 100000 <= region <= 999999:
            raise Refused("ParticipantInvalidRegion", region=region)
        self.participants[account] = Participant(roles, ParticipantStatus.ACTIVE, region)

    def set_roles(self, caller: str, account: str, roles: int) -> None:
        self.require_role(caller, int(Role.AUTHORITY))
        p = self._known(account)
        self._check_roles(roles)
        if account == caller and roles & Role.AUTHORITY == 0:
            raise Refused("ParticipantSelfAction", account=account)
        p.roles = roles

    def _change_status(self, caller: str, account: str, old: ParticipantStatus, new: ParticipantStatus) -> None:
        self.require_role(caller, int(Role.AUTHORITY))
        if account == caller:
            raise Refused("ParticipantSelfAction", account=account)
        p = self._known(account)
        if p.status != old:
            raise Refused("ParticipantInvalidStatus", account=account, status=int(p.status))
        p.status = new

    def suspend(self, caller: str, account: str) -> None:
        self._change_status(caller, account, ParticipantStatus.ACTIVE, ParticipantStatus.SUSPENDED)

    def reinstate(self, caller: str, account: str) -> None:
        self._change_status(caller, account, ParticipantStatus.SUSPENDED, ParticipantStatus.ACTIVE)

    def revoke(self, caller: str, account: str) -> None:
        self.require_role(caller, int(Role.AUTHORITY))  # the contract checks the caller first
        current = self._known(account).status
        if current == ParticipantStatus.REVOKED:
            raise Refused("ParticipantInvalidStatus", account=account, status=int(current))
        self._change_status(caller, account, current, ParticipantStatus.REVOKED)

    def file_declaration(self, caller: str) -> None:
        p = self._known(caller)
        if p.status != ParticipantStatus.ACTIVE:
            raise Refused("ParticipantNotActive", account=caller, status=int(p.status))
        p.declarations += 1

    # ─────────────────────────────────────────────────────────── registration

    def _asset(self, asset_id: int) -> Asset:
        a = self.assets.get(asset_id)
        if a is None:
            raise Refused("RegistryUnknownAsset", assetId=asset_id)
        return a

    def _registrar_of(self, caller: str, a: Asset) -> None:
        p = self.require_role(caller, int(Role.REGISTRAR))
        if p.region != a.region:
            raise Refused("RegistryWrongRegion", registrar=caller, registrarRegion=p.region, assetRegion=a.region)

    def _require_transferable(self, a: Asset) -> None:
        if a.status != AssetStatus.REGISTERED:
            raise Refused("RegistryInvalidStatus", assetId=a.id, status=int(a.status))
        if a.frozen:
            raise Refused("RegistryAssetFrozen", assetId=a.id)
        if a.disputed:
            raise Refused("RegistryAssetDisputed", assetId=a.id, openObjections=a.open_objections)
        if a.category == Category.PERSONAL and not a.anonymised:
            raise Refused("RegistryNotAnonymised", assetId=a.id)

    @staticmethod
    def _require_live(a: Asset) -> None:
        if a.status not in (AssetStatus.PENDING, AssetStatus.REGISTERED):
            raise Refused("RegistryInvalidStatus", assetId=a.id, status=int(a.status))

    def apply_registration(
        self,
        caller: str,
        content_hash: bytes,
        category: Category,
        grade: Grade,
        kind: int,
        region: int,
        processing_holder: str = ZERO,
        operation_holder: str = ZERO,
    ) -> int:
        self.require_role(caller, ASSET_OWNERS)
        processing = caller if processing_holder == ZERO else processing_holder
        operation = caller if operation_holder == ZERO else operation_holder
        if processing != caller:
            self.require_role(processing, TRADER)
        if operation not in (caller, processing):
            self.require_role(operation, TRADER)
        existing = self.by_hash.get(content_hash)
        if existing is None:
            asset_id = len(self.assets) + 1
            self.by_hash[content_hash] = asset_id
            a = Asset(asset_id, content_hash, category, grade, kind, AssetStatus.PENDING, region, [caller] * 3)
            self.assets[asset_id] = a
        else:
            a = self.assets[existing]
            if a.status != AssetStatus.REJECTED:
                raise Refused("RegistryContentHashRegistered", contentHash=content_hash, assetId=existing)
            # Filed again under the same id: objections and a freeze carry over, the rest is new.
            a.category, a.grade, a.kind, a.region = category, grade, kind, region
            a.status = AssetStatus.PENDING
            a.anonymised = False
        a.holders = [caller, processing, operation]
        return a.id

    def review_registration(self, caller: str, asset_id: int, approve: bool) -> None:
        a = self._asset(asset_id)
        self._registrar_of(caller, a)
        if a.status != AssetStatus.PENDING:
            raise Refused("RegistryInvalidStatus", assetId=asset_id, status=int(a.status))
        if not approve:
            a.status = AssetStatus.REJECTED
            return
        self.certificates += 1
        a.status = AssetStatus.REGISTERED
        a.certificate_serial = self.certificates
        self.stamps.append((a, "registered_at"))

    def cancel_registration(self, caller: str, asset_id: int) -> None:
        a = self._asset(asset_id)
        if a.holders[Right.HOLDING] == caller:
            self.require_role(caller, ALL)
            if a.frozen:
                raise Refused("RegistryAssetFrozen", assetId=asset_id)
        else:
            self._registrar_of(caller, a)
        self._require_live(a)
        a.status = AssetStatus.CANCELLED

    def change_registration(self, caller: str, asset_id: int) -> None:
        self.require_role(caller, ALL)
        a = self._asset(asset_id)
        if a.holders[Right.HOLDING] != caller:
            raise Refused("RegistryNotRightHolder", assetId=asset_id, right=int(Right.HOLDING), account=caller)
        if a.status != AssetStatus.REGISTERED:
            raise Refused("RegistryInvalidStatus", assetId=asset_id, status=int(a.status))
        if a.frozen:
            raise Refused("RegistryAssetFrozen", assetId=asset_id)

    def transfer_right(self, caller: str, asset_id: int, right: Right, to: str) -> None:
        self.require_role(caller, TRADER)
        self.require_role(to, TRADER)
        a = self._asset(asset_id)
        self._require_transferable(a)
        self._move_right(a, right, caller, to)

    def _move_right(self, a: Asset, right: Right, source: str, to: str) -> None:
        if a.holders[right] != source:
            raise Refused("RegistryNotRightHolder", assetId=a.id, right=int(right), account=source)
        if to == source:
            raise Refused("RegistrySameHolder", assetId=a.id, right=int(right), holder=to)
        a.holders[right] = to

    def lodge_objection(self, caller: str, asset_id: int) -> int:
        self.require_role(caller, ALL)
        a = self._asset(asset_id)
        self._require_live(a)
        objection_id = len(self.objections) + 1
        o = Objection(asset_id, caller, ObjectionStatus.OPEN, 0)
        self.objections[objection_id] = o
        self.stamps.append((o, "lodged_at"))
        a.open_objections += 1
        a.disputed = True
        return objection_id

    def resolve_objection(self, caller: str, objection_id: int, upheld: bool) -> None:
        o = self.objections.get(objection_id)
        if o is None or o.status != ObjectionStatus.OPEN:
            raise Refused("RegistryObjectionNotOpen", objectionId=objection_id)
        a = self._asset(o.asset_id)
        self._registrar_of(caller, a)
        o.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        a.open_objections -= 1
        if a.open_objections == 0:
            a.disputed = False

    def _authority_on(self, caller: str, asset_id: int) -> Asset:
        self.require_role(caller, int(Role.AUTHORITY))
        a = self._asset(asset_id)
        self._require_live(a)
        return a

    def freeze(self, caller: str, asset_id: int) -> None:
        a = self._authority_on(caller, asset_id)
        if a.frozen:
            raise Refused("RegistryFreezeState", assetId=asset_id, frozen=True)
        a.frozen = True

    def unfreeze(self, caller: str, asset_id: int) -> None:
        a = self._authority_on(caller, asset_id)
        if not a.frozen:
            raise Refused("RegistryFreezeState", assetId=asset_id, frozen=False)
        a.frozen = False

    def attest_anonymisation(self, caller: str, asset_id: int) -> None:
        self.require_role(caller, int(Role.SERVICE_PROVIDER) | DECLARED)
        a = self._asset(asset_id)
        if a.category != Category.PERSONAL:
            raise Refused("RegistryNotPersonalData", assetId=asset_id, category=int(a.category))
        self._require_live(a)
        a.anonymised = True

    # ─────────────────────────────────────────────────────────── licences

    def _licence(self, licence_id: int) -> Licence:
        lic = self.licences.get(licence_id)
        if lic is None:
            raise Refused("LicenseUnknown", licenseId=licence_id)
        return lic

    def is_valid(self, licence_id: int, timestamp: int) -> bool:
        lic = self.licences.get(licence_id)
        if lic is None or lic.revoked:
            return False
        if not lic.start <= timestamp < lic.end:
            return False
        if lic.parent_id:
            return self.is_valid(lic.parent_id, timestamp)
        return self.assets[lic.asset_id].status == AssetStatus.REGISTERED

    def grant_license(self, caller: str, asset_id: int, licensee: str, t: LicenseTerms) -> int:
        self.require_role(caller, TRADER)
        self.require_role(licensee, TRADER)
        return self._grant(asset_id, 0, caller, licensee, t)

    def sublicense(self, caller: str, parent_id: int, licensee: str, t: LicenseTerms) -> int:
        self.require_role(caller, TRADER)
        self.require_role(licensee, TRADER)
        return self._grant(self._licence(parent_id).asset_id, parent_id, caller, licensee, t)

    def _grant(self, asset_id: int, parent_id: int, licensor: str, licensee: str, t: LicenseTerms) -> int:
        if t.right == Right.HOLDING:
            raise Refused("LicenseRightNotLicensable", right=int(t.right))
        if licensee == licensor:
            raise Refused("LicenseSelfGrant", account=licensee)
        if t.end <= t.start or t.end <= self.now:
            raise Refused("LicenseInvalidPeriod", start=t.start, end=t.end)
        if not t.regions and not t.countries:
            raise Refused("LicenseEmptyTerritory")
        cross_border = bool(t.countries)
        # _checkGrantor
        a = self._asset(asset_id)
        self._require_transferable(a)
        if cross_border and a.grade != Grade.GENERAL:
            raise Refused("LicenseCrossBorderForbidden", assetId=asset_id, grade=int(a.grade))
        depth = 0
        if parent_id:
            p = self._licence(parent_id)
            if p.licensee != licensor:
                raise Refused("LicenseNotAuthorized", licenseId=parent_id, account=licensor)
            if not p.sublicensable:
                raise Refused("LicenseNotSublicensable", parentId=parent_id)
            if p.depth + 1 > MAX_DEPTH:
                raise Refused("LicenseTooDeep", parentId=parent_id, maxDepth=MAX_DEPTH)
            if not self.is_valid(parent_id, self.now):
                raise Refused("LicenseNotValid", licenseId=parent_id)
            within = (
                t.right == p.right
                and t.purpose == p.purpose
                and t.start >= p.start
                and t.end <= p.end
                and (not cross_border or p.cross_border)
                and (not t.exclusive or p.exclusive)
                and set(t.regions) <= set(p.regions)
                and set(t.countries) <= set(p.countries)
            )
            if not within:
                raise Refused("LicenseExceedsParent", parentId=parent_id)
            depth = p.depth + 1
        elif a.holders[t.right] != licensor:
            raise Refused("RegistryNotRightHolder", assetId=asset_id, right=int(t.right), account=licensor)
        self._claim(asset_id, t, parent_id)
        licence_id = len(self.licences) + 1
        self.licences[licence_id] = Licence(
            licence_id,
            asset_id,
            licensee,
            Right(t.right),
            t.purpose,
            t.start,
            t.end,
            t.exclusive,
            t.sublicensable,
            t.transferable,
            cross_border,
            depth,
            parent_id,
            tuple(t.regions),
            tuple(t.countries),
        )
        if parent_id:
            self.licences[parent_id].children.append(licence_id)
        return licence_id

    def _claim(self, asset_id: int, t: LicenseTerms, parent_id: int) -> None:
        """No overlap with a live exclusive licence of the same key; an exclusive one also stays out of the span."""
        key = (asset_id, int(t.right), t.purpose, parent_id)
        clash = any(
            lic.exclusive and not lic.revoked and t.start < lic.end and lic.start < t.end
            for lic in self.licences.values()
            if (lic.asset_id, int(lic.right), lic.purpose, lic.parent_id) == key
        )
        span = self.spans.setdefault(key, SharedSpan())
        if t.exclusive and span.live and t.start < span.end and span.start < t.end:
            clash = True
        if clash:
            raise Refused(
                "LicenseExclusivityConflict",
                assetId=asset_id,
                right=int(t.right),
                purpose=t.purpose,
                start=t.start,
                end=t.end,
            )
        if not t.exclusive:
            span.start = t.start if span.live == 0 else min(span.start, t.start)
            span.end = max(span.end, t.end)
            span.live += 1

    def _release(self, lic: Licence) -> None:
        if lic.exclusive:
            return
        span = self.spans[(lic.asset_id, int(lic.right), lic.purpose, lic.parent_id)]
        span.live -= 1
        if span.live == 0:
            span.start = span.end = 0

    def revoke_license(self, caller: str, licence_id: int) -> None:
        lic = self._licence(licence_id)
        if lic.revoked:
            raise Refused("LicenseNotValid", licenseId=licence_id)
        p = self.require_role(caller, ALL)
        allowed = (
            p.roles & Role.AUTHORITY != 0
            or self.assets[lic.asset_id].holders[lic.right] == caller
            or (lic.parent_id != 0 and self.licences[lic.parent_id].licensee == caller)
        )
        if not allowed:
            raise Refused("LicenseNotAuthorized", licenseId=licence_id, account=caller)
        self._revoke(lic)

    def _revoke(self, lic: Licence) -> None:
        lic.revoked = True
        self._release(lic)
        for child in lic.children:
            if not self.licences[child].revoked:
                self._revoke(self.licences[child])

    def transfer_license(self, caller: str, licence_id: int, to: str) -> None:
        lic = self._licence(licence_id)
        if lic.licensee != caller:
            raise Refused("LicenseNotAuthorized", licenseId=licence_id, account=caller)
        if not lic.transferable:
            raise Refused("LicenseNotTransferable", licenseId=licence_id)
        if not self.is_valid(licence_id, self.now):
            raise Refused("LicenseNotValid", licenseId=licence_id)
        if to == caller:
            raise Refused("LicenseSelfGrant", account=to)
        self.require_role(caller, TRADER)
        self.require_role(to, TRADER)
        self._require_transferable(self.assets[lic.asset_id])
        lic.licensee = to

    # ─────────────────────────────────────────────────────────── token

    def _move(self, source: str, to: str, amount: int) -> None:
        """OpenZeppelin ``ERC20._update`` without the participant checks."""
        balance = self.balances.get(source, 0)
        if balance < amount:
            raise Refused("ERC20InsufficientBalance", sender=source, balance=balance, needed=amount)
        self.balances[source] = balance - amount
        self.balances[to] = self.balances.get(to, 0) + amount

    def issue(self, caller: str, to: str, amount: int) -> None:
        self.require_role(caller, int(Role.SETTLEMENT_BANK))
        if not self.is_active(to):
            raise Refused("TokenParticipantNotActive", account=to)
        self.balances[to] = self.balances.get(to, 0) + amount
        self.supply += amount

    def transfer(self, caller: str, to: str, amount: int) -> None:
        for account in (caller, to):
            if not self.is_active(account):
                raise Refused("TokenParticipantNotActive", account=account)
        self._move(caller, to, amount)

    def approve(self, caller: str, spender: str, amount: int) -> None:
        self.allowances[(caller, spender)] = amount

    # ─────────────────────────────────────────────────────────── settlement

    def set_revenue_shares(self, caller: str, asset_id: int, shares: list[tuple[str, int]]) -> None:
        self.require_role(caller, ALL)
        if self._asset(asset_id).holders[Right.HOLDING] != caller:
            raise Refused("SettlementNotHoldingHolder", assetId=asset_id, account=caller)
        total = sum(b for _, b in shares)
        if len(shares) > MAX_SHARES or total > 10_000:
            raise Refused("SettlementInvalidRevenueShares", count=len(shares), totalBps=total)
        for i, (recipient, bps) in enumerate(shares):
            if bps == 0 or recipient in (r for r, _ in shares[:i]):  # a zero share, or a recipient named twice
                raise Refused("SettlementInvalidRevenueShares", count=len(shares), totalBps=total)
            self.require_role(recipient, ALL)
        self.shares[asset_id] = list(shares)

    def set_price_band(self, caller: str, kind: int, low: int, high: int) -> None:
        self.require_role(caller, int(Role.AUTHORITY))
        if high == 0 or low > high:
            raise Refused("SettlementInvalidBand", min=low, max=high)
        self.bands[kind] = (low, high)

    def invalidate_nonce(self, caller: str, nonce: int) -> None:
        self.require_role(caller, ALL)
        self._use_nonce(caller, nonce)

    def _use_nonce(self, account: str, nonce: int) -> None:
        if (account, nonce) in self.nonces:
            raise Refused("SettlementNonceUsed", account=account, nonce=nonce)
        self.nonces.add((account, nonce))

    def settle(self, caller: str, trade: Trade) -> int:
        return self._settle(trade, caller, caller, check_exchange=True)

    def settle_batch(self, caller: str, trades: list[Trade]) -> None:
        self.require_role(caller, int(Role.EXCHANGE))
        if not trades:
            raise Refused("SettlementEmptyBatch")
        for i, trade in enumerate(trades):
            try:
                self._settle(trade, caller, caller, check_exchange=False)
            except Refused as inner:
                raise BatchItemRefused(i, trade.trade_id, inner) from None

    def settle_direct(self, caller: str, trade: Trade, nonce: int, deadline: int) -> int:
        if caller not in (trade.seller, trade.buyer):
            raise Refused("SettlementNotParty", caller=caller)
        if self.now > deadline:
            raise Refused("SettlementExpired", deadline=deadline, timestamp=ANY)
        if trade.fee != 0:
            raise Refused("SettlementFeeOffExchange", fee=trade.fee)
        self._use_nonce(trade.seller, nonce)
        self._use_nonce(trade.buyer, nonce)
        return self._settle(trade, ZERO, ZERO, check_exchange=False)

    def _settle(self, t: Trade, exchange: str, spender: str, *, check_exchange: bool) -> int:
        if t.trade_id == b"\x00" * 32:
            raise Refused("SettlementZeroTradeId")
        if t.trade_id in self.settled:
            raise Refused("SettlementTradeAlreadySettled", tradeId=t.trade_id)
        if t.price == 0 or t.fee > t.price:
            raise Refused("SettlementInvalidAmounts", price=t.price, fee=t.fee)
        if t.seller == t.buyer:
            raise Refused("SettlementSelfTrade", account=t.buyer)
        self.settled.add(t.trade_id)
        payees = self._split(t, exchange)
        self.require_role(t.seller, TRADER)
        self.require_role(t.buyer, TRADER)
        if check_exchange:
            self.require_role(exchange, int(Role.EXCHANGE))
        for recipient, _ in payees[(2 if t.fee else 1) :]:
            self.require_role(recipient, ALL)
        licence_id = 0
        if t.delivery == Delivery.RIGHT:
            a = self._asset(t.asset_id)
            self._require_transferable(a)
            self._move_right(a, t.right, t.seller, t.buyer)
        else:
            if t.parent_license_id and self._licence(t.parent_license_id).asset_id != t.asset_id:
                raise Refused("LicenseExceedsParent", parentId=t.parent_license_id)
            licence_id = self._grant(t.asset_id, t.parent_license_id, t.seller, t.buyer, t.terms)
        a = self.assets[t.asset_id]
        if a.category == Category.PUBLIC:
            if exchange == ZERO:
                raise Refused("SettlementPublicDataOffExchange", assetId=t.asset_id)
            low, high = self.bands.get(int(a.kind), (0, 0))
            if high == 0:
                raise Refused("SettlementNoPriceBand", kind=int(a.kind))
            if not low <= t.price <= high:
                raise Refused("SettlementPriceOutOfBand", price=t.price, min=low, max=high)
        if spender != ZERO:
            allowance = self.allowances.get((t.buyer, spender), 0)
            if allowance < t.price:
                raise Refused("ERC20InsufficientAllowance", spender=spender, allowance=allowance, needed=t.price)
            self.allowances[(t.buyer, spender)] = allowance - t.price
        for recipient, amount in payees:
            self._move(t.buyer, recipient, amount)
        return licence_id

    def _split(self, t: Trade, exchange: str) -> list[tuple[str, int]]:
        """Payees in order: seller, exchange (when it takes a fee), revenue-share recipients."""
        net = t.price - t.fee
        shares = [(r, net * bps // 10_000) for r, bps in self.shares.get(t.asset_id, [])]
        head = [(t.seller, net - sum(a for _, a in shares))]
        if t.fee:
            head.append((exchange, t.fee))
        return head + shares


class BatchItemRefused(Refused):
    """``SettlementBatchItemFailed(index, tradeId, reason)``, ``reason`` being the item's own refusal."""

    def __init__(self, index: int, trade_id: bytes, inner: Refused) -> None:
        super().__init__("SettlementBatchItemFailed", index=index, tradeId=trade_id, reason=ANY)
        self.inner = inner
