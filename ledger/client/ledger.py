"""The typed ledger client: one method per contract operation, acting as one participant.

>>> client = LedgerClient.connect(settings, account)       # doctest: +SKIP
>>> asset_id = client.apply_registration(registration)     # doctest: +SKIP

Every write signs locally, is journalled, waits for its receipt and raises the contract's
typed error (``ledger.contracts.errors``) when refused. ``prepare_*``/``send`` let callers
pipeline many transactions without waiting for each.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address

from ledger.chain.rpc import JsonRpcClient
from ledger.client.sender import Call, Receipt, TxSender
from ledger.contracts.codec import ContractCodec, DecodedLog, ErrorTable
from ledger.contracts.credit_code import credit_code_hash
from ledger.contracts.system import GOVERNANCE_CONTRACTS, SYSTEM_CONTRACTS, contract_abi
from ledger.contracts.types import (
    AccountingCategory,
    Derecognition,
    DisclosureKind,
    Kind,
    LicenseTerms,
    Listing,
    Mandate,
    Measurement,
    Offer,
    OpeningEntry,
    OrderTarget,
    Paused,
    QualityProblem,
    QualitySeverity,
    Registration,
    Right,
    Role,
    SalesConsent,
    Trade,
    ValuationMethod,
    compact_signature,
)
from ledger.toolchain import Build

if TYPE_CHECKING:  # deploy imports this package: no import cycle at run time
    from ledger.contracts.deploy import Deployment

__all__ = [
    "Contracts",
    "LedgerClient",
    "TxResult",
    "direct_trade_typed_data",
    "listing_typed_data",
    "sales_consent_typed_data",
]

logger = logging.getLogger(__name__)

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
ZERO_HASH = bytes(32)


class TxResult:
    """A confirmed transaction and the ledger events it emitted (decoded on first use)."""

    __slots__ = ("_contracts", "_events", "receipt")

    def __init__(self, receipt: Receipt, contracts: Contracts) -> None:
        self.receipt = receipt
        self._contracts = contracts
        self._events: tuple[DecodedLog, ...] | None = None

    @property
    def tx_hash(self) -> str:
        return self.receipt.tx_hash

    @property
    def events(self) -> tuple[DecodedLog, ...]:
        if self._events is None:
            self._events = self._contracts.decode_logs(self.receipt.logs)
        return self._events

    def event(self, name: str) -> dict[str, Any]:
        for e in self.events:
            if e.event == name:
                return e.args
        raise LookupError(f"transaction {self.tx_hash} emitted no {name} event")

    def find(self, name: str) -> list[dict[str, Any]]:
        return [e.args for e in self.events if e.event == name]


class Contracts:
    """Addresses and codecs of one deployment, shared by every client acting on it: the ledger's contracts
    (``SYSTEM_CONTRACTS``) and its governance (``GOVERNANCE_CONTRACTS``: the access manager, the officers' Safes,
    their guard), whose events and errors are decoded alike."""

    def __init__(self, deployment: Deployment, abis: dict[str, list[dict[str, Any]]]) -> None:
        self.deployment = deployment
        names = (*SYSTEM_CONTRACTS, *GOVERNANCE_CONTRACTS)
        self.codecs = {name: ContractCodec(abis[name]) for name in names}
        self.address = {name: to_checksum_address(deployment.address(name)) for name in names}
        self.by_address = {addr.lower(): name for name, addr in self.address.items()}
        self.errors = ErrorTable(self.codecs.values())

    @classmethod
    def from_build(cls, deployment: Deployment, build: Build) -> Contracts:
        return cls(deployment, {n: contract_abi(build, n) for n in (*SYSTEM_CONTRACTS, *GOVERNANCE_CONTRACTS)})

    def decode_logs(self, logs: Sequence[dict[str, Any]]) -> tuple[DecodedLog, ...]:
        out = []
        for log in logs:
            name = self.by_address.get(log["address"].lower())
            if name is None:
                continue
            topics = [bytes.fromhex(t[2:]) for t in log["topics"]]
            decoded = self.codecs[name].decode_log(topics, bytes.fromhex(log["data"][2:]))
            if decoded is None:
                continue
            out.append(
                DecodedLog(
                    address=log["address"],
                    event=decoded[0],
                    args=decoded[1],
                    block_number=int(log["blockNumber"], 16),
                    block_hash=log["blockHash"],
                    transaction_hash=log["transactionHash"],
                    log_index=int(log["logIndex"], 16),
                )
            )
        return tuple(out)


_EIP712_DOMAIN: list[dict[str, str]] = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
_LICENSE_TERMS: list[dict[str, str]] = [
    {"name": "right", "type": "uint8"},
    {"name": "purpose", "type": "uint16"},
    {"name": "start", "type": "uint40"},
    {"name": "end", "type": "uint40"},
    {"name": "exclusive", "type": "bool"},
    {"name": "sublicensable", "type": "bool"},
    {"name": "transferable", "type": "bool"},
    {"name": "regions", "type": "uint24[]"},
    {"name": "countries", "type": "bytes2[]"},
    {"name": "termsHash", "type": "bytes32"},
]


def _settlement_domain(chain_id: int, settlement: str) -> dict[str, Any]:
    return {"name": "DataRightsLedger", "version": "1", "chainId": chain_id, "verifyingContract": settlement}


def direct_trade_typed_data(trade: Trade, nonce: int, deadline: int, chain_id: int, settlement: str) -> dict[str, Any]:
    """The EIP-712 message both parties sign for an off-exchange trade."""
    return {
        "types": {
            "EIP712Domain": _EIP712_DOMAIN,
            "DirectTrade": [
                {"name": "tradeId", "type": "bytes32"},
                {"name": "assetId", "type": "uint256"},
                {"name": "seller", "type": "address"},
                {"name": "buyer", "type": "address"},
                {"name": "price", "type": "uint256"},
                {"name": "delivery", "type": "uint8"},
                {"name": "right", "type": "uint8"},
                {"name": "parentLicenseId", "type": "uint64"},
                {"name": "terms", "type": "LicenseTerms"},
                {"name": "nonce", "type": "uint256"},
                {"name": "deadline", "type": "uint256"},
            ],
            "LicenseTerms": _LICENSE_TERMS,
        },
        "primaryType": "DirectTrade",
        "domain": _settlement_domain(chain_id, settlement),
        "message": {
            "tradeId": trade.trade_id,
            "assetId": trade.asset_id,
            "seller": trade.seller,
            "buyer": trade.buyer,
            "price": trade.price,
            "delivery": int(trade.delivery),
            "right": int(trade.right),
            "parentLicenseId": trade.parent_license_id,
            "terms": trade.terms.as_typed_data(),
            "nonce": nonce,
            "deadline": deadline,
        },
    }


def key_change_typed_data(identity: str, old_key: str, new_key: str, chain_id: int, registry: str) -> dict[str, Any]:
    """The EIP-712 message a participant's new key signs to consent to a planned key change (``rotateKey``)."""
    return {
        "types": {
            "EIP712Domain": _EIP712_DOMAIN,
            "KeyChange": [
                {"name": "identity", "type": "address"},
                {"name": "oldKey", "type": "address"},
                {"name": "newKey", "type": "address"},
            ],
        },
        "primaryType": "KeyChange",
        "domain": {
            "name": "DataRightsLedger Participants", "version": "1", "chainId": chain_id, "verifyingContract": registry,
        },
        "message": {"identity": identity, "oldKey": old_key, "newKey": new_key},
    }


def listing_typed_data(listing: Listing, exchange: str, chain_id: int, listings: str) -> dict[str, Any]:
    """The EIP-712 message a seller signs to consent to ``exchange``'s listing of its product: every term of the
    listing, the exchange and the version included (``IListings.hashListing``)."""
    return {
        "types": {
            "EIP712Domain": _EIP712_DOMAIN,
            "Listing": [
                {"name": "exchange", "type": "address"},
                {"name": "seller", "type": "address"},
                {"name": "assetId", "type": "uint256"},
                {"name": "delivery", "type": "uint8"},
                {"name": "right", "type": "uint8"},
                {"name": "parentLicenseId", "type": "uint64"},
                {"name": "terms", "type": "LicenseTerms"},
                {"name": "offer", "type": "Offer"},
                {"name": "version", "type": "uint32"},
                {"name": "documentHash", "type": "bytes32"},
            ],
            "LicenseTerms": _LICENSE_TERMS,
            "Offer": [
                {"name": "listingId", "type": "bytes32"},
                {"name": "maxDuration", "type": "uint40"},
                {"name": "minPrice", "type": "uint128"},
                {"name": "maxPrice", "type": "uint128"},
                {"name": "minNet", "type": "uint256"},
                {"name": "start", "type": "uint40"},
                {"name": "end", "type": "uint40"},
            ],
        },
        "primaryType": "Listing",
        "domain": _settlement_domain(chain_id, listings),
        "message": {
            "exchange": exchange,
            "seller": listing.seller,
            "assetId": listing.asset_id,
            "delivery": int(listing.delivery),
            "right": int(listing.right),
            "parentLicenseId": listing.parent_license_id,
            "terms": listing.terms.as_typed_data(),
            "offer": listing.offer.as_typed_data(),
            "version": listing.version,
            "documentHash": listing.document_hash,
        },
    }


def _sale(trade: Trade, min_net: int) -> dict[str, Any]:
    return {
        "tradeId": trade.trade_id,
        "assetId": trade.asset_id,
        "delivery": int(trade.delivery),
        "right": int(trade.right),
        "parentLicenseId": trade.parent_license_id,
        "terms": trade.terms.as_typed_data(),
        "minNet": min_net,
    }


def sales_consent_typed_data(
    sales: Sequence[tuple[Trade, int]], exchange: str, nonce: int, deadline: int, chain_id: int, settlement: str
) -> dict[str, Any]:
    """The EIP-712 message a seller signs to consent to ``exchange``'s sales: each (trade, least net amount) by its
    trade id (it settles once), asset, delivery and terms, and the least the seller must net; not the buyers,
    prices or fees, which the exchange matches and the least net amounts bound."""
    return {
        "types": {
            "EIP712Domain": _EIP712_DOMAIN,
            "SalesConsent": [
                {"name": "exchange", "type": "address"},
                {"name": "sales", "type": "Sale[]"},
                {"name": "nonce", "type": "uint256"},
                {"name": "deadline", "type": "uint256"},
            ],
            "Sale": [
                {"name": "tradeId", "type": "bytes32"},
                {"name": "assetId", "type": "uint256"},
                {"name": "delivery", "type": "uint8"},
                {"name": "right", "type": "uint8"},
                {"name": "parentLicenseId", "type": "uint64"},
                {"name": "terms", "type": "LicenseTerms"},
                {"name": "minNet", "type": "uint256"},
            ],
            "LicenseTerms": _LICENSE_TERMS,
        },
        "primaryType": "SalesConsent",
        "domain": _settlement_domain(chain_id, settlement),
        "message": {
            "exchange": exchange,
            "sales": [_sale(t, m) for t, m in sales],
            "nonce": nonce,
            "deadline": deadline,
        },
    }


class LedgerClient:
    """Acts on the ledger as one participant (``account``)."""

    def __init__(self, rpc: JsonRpcClient, contracts: Contracts, sender: TxSender) -> None:
        self.rpc = rpc
        self.contracts = contracts
        self.sender = sender
        self._siblings: dict[str, LedgerClient] = {sender.address: self}

    @property
    def address(self) -> str:
        return self.sender.address

    @property
    def account(self) -> LocalAccount:
        return self.sender.account

    @property
    def chain_id(self) -> int:
        return self.sender.chain_id

    def as_(self, account: LocalAccount) -> LedgerClient:
        """A client for ``account`` sharing this one's connection, contracts and journal."""
        address = to_checksum_address(account.address)
        sibling = self._siblings.get(address)
        if sibling is None:
            s = self.sender
            sender = TxSender(
                s.rpc, account, s.chain_id, s.errors, journal=s.journal, timeout=s.timeout,
                confirmations=s.confirmations, poll_interval=s.poll_interval, stall_timeout=s.stall_timeout,
                resend_interval=s.resend_interval,
            )
            sibling = LedgerClient(self.rpc, self.contracts, sender)
            sibling._siblings = self._siblings
            self._siblings[address] = sibling
        return sibling

    # ─────────────────────────────────────────── plumbing

    def prepare(self, contract: str, function: str, *args: Any, gas: int | None = None) -> Call:
        data = self.contracts.codecs[contract].encode_call(function, *args)
        return Call(self.contracts.address[contract], data, gas, operation=f"{contract}.{function}")

    def execute(self, call: Call) -> TxResult:
        return TxResult(self.sender.transact(call), self.contracts)

    def execute_many(self, calls: Sequence[Call]) -> list[TxResult]:
        return [TxResult(r, self.contracts) for r in self.sender.transact_many(calls)]

    def _tx(self, contract: str, function: str, *args: Any, gas: int | None = None) -> TxResult:
        return self.execute(self.prepare(contract, function, *args, gas=gas))

    def _view_call(self, contract: str, function: str, args: Sequence[Any]) -> Call:
        data = self.contracts.codecs[contract].encode_call(function, *args)
        return Call(self.contracts.address[contract], data, operation=f"{contract}.{function}")

    def view(self, contract: str, function: str, *args: Any, block: str | int = "latest") -> Any:
        tag = hex(block) if isinstance(block, int) else block
        raw = self.sender.call(self._view_call(contract, function, args), tag)
        return self.contracts.codecs[contract].decode_output(function, raw)

    def views(self, calls: Sequence[tuple[str, str, Sequence[Any]]], block: str | int = "latest") -> list[Any]:
        """Several views, ``(contract, function, args)`` each, in one JSON-RPC batch at one block: the answers
        of one state, in call order; a revert raises the contract's typed error (the first one)."""
        sent = [self._view_call(c, f, args) for c, f, args in calls]
        raws = self.sender.call_many(sent, hex(block) if isinstance(block, int) else block)
        return [self.contracts.codecs[c].decode_output(f, raw) for (c, f, _), raw in zip(calls, raws, strict=True)]

    # ─────────────────────────────────────────── participants

    def admit(self, account: str, roles: Role, region: int, name: str, credit_code: str) -> TxResult:
        """Admits the organisation with unified social credit code ``credit_code`` (checked here, kept on-chain as
        its hash) under ``account``: :class:`InvalidCreditCode` before anything is sent for a malformed code."""
        code_hash = credit_code_hash(credit_code)
        return self._tx("ParticipantRegistry", "admit", account, int(roles), region, name, code_hash)

    def set_roles(self, account: str, roles: Role) -> TxResult:
        return self._tx("ParticipantRegistry", "setRoles", account, int(roles))

    def suspend(self, account: str, reason_hash: bytes) -> TxResult:
        return self._tx("ParticipantRegistry", "suspend", account, reason_hash)

    def reinstate(self, account: str, reason_hash: bytes) -> TxResult:
        return self._tx("ParticipantRegistry", "reinstate", account, reason_hash)

    def revoke(self, account: str, reason_hash: bytes) -> TxResult:
        return self._tx("ParticipantRegistry", "revoke", account, reason_hash)

    def file_declaration(self, document_hash: bytes) -> TxResult:
        return self._tx("ParticipantRegistry", "fileDeclaration", document_hash)

    def rotate_key(self, new_key: LocalAccount) -> TxResult:
        """Planned key change: this client's key hands its participant over to ``new_key``, which signs its consent
        here. Takes effect at once; from then on this client's key is refused and ``as_(new_key)`` acts for the
        participant."""
        return self.execute(self.prepare_rotate_key(new_key))

    def prepare_rotate_key(self, new_key: LocalAccount) -> Call:
        """:meth:`rotate_key`'s call, with ``new_key``'s consent signed, unsent."""
        identity = self.identity_of(self.address)
        message = encode_typed_data(
            full_message=key_change_typed_data(
                identity, self.address, new_key.address, self.chain_id, self.contracts.address["ParticipantRegistry"]
            )
        )
        signature = bytes(new_key.sign_message(message).signature)
        return self.prepare("ParticipantRegistry", "rotateKey", new_key.address, signature)

    def replace_key(self, account: str, new_key: str, reason_hash: bytes) -> TxResult:
        """Recovery of a lost or compromised key: the authority makes ``new_key`` the key of the participant
        ``account`` names (its identity or a key of it)."""
        return self._tx("ParticipantRegistry", "replaceKey", account, new_key, reason_hash)

    def identity_of(self, account: str) -> str:
        """The identity (the account it was admitted with) of the participant ``account`` names; the zero address
        when none."""
        return str(self.view("ParticipantRegistry", "identityOf", account))

    def key_of(self, account: str) -> str:
        """The key that signs now for the participant ``account`` names (its identity or any key of it)."""
        return str(self.view("ParticipantRegistry", "accountOf", self.get_participant(account)["id"]))

    def get_participant(self, account: str) -> dict[str, Any]:
        result: dict[str, Any] = self.view("ParticipantRegistry", "getParticipant", account)
        return result

    def transaction_allowed(self, sender: str, target: str, payload: bytes = b"") -> bool:
        return bool(self.view("ParticipantRegistry", "transactionAllowed", sender, target, 0, 0, 0, payload))

    # ─────────────────────────────────────────── registration

    def apply_registration(self, registration: Registration) -> int:
        """Files an application; returns the asset id."""
        result = self._tx("AssetRegistry", "applyRegistration", registration.as_abi())
        return int(result.event("RegistrationApplied")["assetId"])

    def review_registration(self, asset_id: int, approve: bool, review_hash: bytes) -> TxResult:
        return self._tx("AssetRegistry", "reviewRegistration", asset_id, approve, review_hash)

    def change_registration(self, asset_id: int, metadata_hash: bytes, metadata_uri: str) -> TxResult:
        return self._tx("AssetRegistry", "changeRegistration", asset_id, metadata_hash, metadata_uri)

    def cancel_registration(self, asset_id: int, reason_hash: bytes) -> TxResult:
        return self._tx("AssetRegistry", "cancelRegistration", asset_id, reason_hash)

    def transfer_right(self, asset_id: int, right: Right, to: str) -> TxResult:
        return self._tx("AssetRegistry", "transferRight", asset_id, int(right), to)

    def get_asset(self, asset_id: int, block: str | int = "latest") -> dict[str, Any]:
        result: dict[str, Any] = self.view("AssetRegistry", "getAsset", asset_id, block=block)
        return result

    def asset_count(self) -> int:
        return int(self.view("AssetRegistry", "assetCount"))

    def holder_of(self, asset_id: int, right: Right) -> str:
        return str(self.view("AssetRegistry", "holderOf", asset_id, int(right)))

    def applicant_of(self, asset_id: int) -> str:
        return str(self.view("AssetRegistry", "applicantOf", asset_id))

    def asset_id_of(self, content_hash: bytes) -> int:
        """The registered asset holding ``content_hash``, 0 if none."""
        return int(self.view("AssetRegistry", "assetIdOf", content_hash))

    # ─────────────────────────────────────────── objections, freezes, attestations, authorised operation

    def lodge_objection(self, asset_id: int, evidence_hash: bytes, standing_license_id: int = 0) -> int:
        """Lodges an objection; open at once with standing (a right or, named, a valid licence of one's own;
        supervisors and the authority), else pending until a registrar accepts it. Returns its id."""
        result = self._tx("AssetControls", "lodgeObjection", asset_id, evidence_hash, standing_license_id)
        return int(result.event("ObjectionLodged")["objectionId"])

    def accept_objection(self, objection_id: int, decision_hash: bytes) -> TxResult:
        return self._tx("AssetControls", "acceptObjection", objection_id, decision_hash)

    def resolve_objection(self, objection_id: int, upheld: bool, decision_hash: bytes) -> TxResult:
        return self._tx("AssetControls", "resolveObjection", objection_id, upheld, decision_hash)

    def freeze(self, asset_id: int, reason_hash: bytes) -> TxResult:
        return self._tx("AssetControls", "freeze", asset_id, reason_hash)

    def unfreeze(self, asset_id: int, reason_hash: bytes) -> TxResult:
        return self._tx("AssetControls", "unfreeze", asset_id, reason_hash)

    def pause(self, contracts: Paused, reason_hash: bytes) -> TxResult:
        """Pauses ``contracts`` (the authority's emergency path): each refuses every participant's change."""
        return self._tx("AssetControls", "pause", int(contracts), reason_hash)

    def unpause(self, contracts: Paused, reason_hash: bytes) -> TxResult:
        """Unpauses ``contracts`` (the authority's council)."""
        return self._tx("AssetControls", "unpause", int(contracts), reason_hash)

    def attest_anonymisation(self, asset_id: int, report_hash: bytes) -> TxResult:
        return self._tx("AssetControls", "attestAnonymisation", asset_id, report_hash)

    def authorise_public_operation(
        self, asset_id: int, operator: str, right: Right, purpose: int, latest_end: int, decision_hash: bytes
    ) -> TxResult:
        """The authority approves one zero-price authorised-operation licence of public data (公共数据授权运营)."""
        return self._tx(
            "AssetControls", "authorisePublicOperation", asset_id, operator, int(right), purpose, latest_end,
            decision_hash,
        )  # fmt: skip

    def withdraw_public_operation(self, asset_id: int, operator: str, right: Right, purpose: int) -> TxResult:
        return self._tx("AssetControls", "withdrawPublicOperation", asset_id, operator, int(right), purpose)

    def public_operation(self, asset_id: int, operator: str, right: Right, purpose: int) -> int:
        """The latest end of the authority's unused approval, 0 if none."""
        return int(self.view("AssetControls", "publicOperation", asset_id, operator, int(right), purpose))

    def get_objection(self, objection_id: int) -> dict[str, Any]:
        result: dict[str, Any] = self.view("AssetControls", "getObjection", objection_id)
        return result

    def objection_count(self) -> int:
        return int(self.view("AssetControls", "objectionCount"))

    def pending_objections(self, objector: str, asset_id: int = 0) -> tuple[int, int]:
        """How many pending objections ``objector`` has, and its pending one on ``asset_id`` (0 if none)."""
        pending, objection = self.view("AssetControls", "pendingOf", objector, asset_id)
        return int(pending), int(objection)

    # ─────────────────────────────────────────── licences

    def grant_license(self, asset_id: int, licensee: str, terms: LicenseTerms) -> int:
        """Grants a licence; returns its id."""
        result = self._tx("AssetRegistry", "grantLicense", asset_id, licensee, terms.as_abi())
        return int(result.event("LicenseGranted")["licenseId"])

    def sublicense(self, parent_id: int, licensee: str, terms: LicenseTerms) -> int:
        result = self._tx("AssetRegistry", "sublicense", parent_id, licensee, terms.as_abi())
        return int(result.event("LicenseGranted")["licenseId"])

    def revoke_license(self, license_id: int, reason_hash: bytes) -> TxResult:
        return self._tx("AssetRegistry", "revokeLicense", license_id, reason_hash)

    def transfer_license(self, license_id: int, to: str) -> TxResult:
        return self._tx("AssetRegistry", "transferLicense", license_id, to)

    def get_license(self, license_id: int, block: str | int = "latest") -> dict[str, Any]:
        result: dict[str, Any] = self.view("AssetRegistry", "getLicense", license_id, block=block)
        return result

    def license_count(self) -> int:
        return int(self.view("AssetRegistry", "licenseCount"))

    def children_of(self, license_id: int) -> list[int]:
        return [int(x) for x in self.view("AssetRegistry", "childrenOf", license_id)]

    def is_license_valid(self, license_id: int, timestamp: int) -> bool:
        return bool(self.view("AssetRegistry", "isLicenseValid", license_id, timestamp))

    def exclusivity_of(self, asset_id: int, right: Right, purpose: int, parent_id: int = 0) -> dict[str, Any]:
        """The exclusivity record: shared span, live shared count, kept exclusive licences (start, end, id)."""
        start, end, live, exclusives = self.view(
            "AssetRegistry", "exclusivityOf", asset_id, int(right), purpose, parent_id
        )
        return {
            "shared_start": int(start), "shared_end": int(end), "live_shared": int(live),
            "exclusives": [tuple(int(x) for x in e) for e in exclusives],
        }  # fmt: skip

    # ─────────────────────────────────────────── token

    def issue(self, to: str, amount: int, reserve_hash: bytes) -> TxResult:
        """Issues ``amount`` to ``to`` (a settlement bank) against the reserve attestation whose hash is
        ``reserve_hash``, within the bank's issuance limit."""
        return self._tx("SettlementToken", "issue", to, amount, reserve_hash)

    def redeem(self, amount: int) -> TxResult:
        """Redeems ``amount`` of this bank's own balance, at most its outstanding issuance."""
        return self._tx("SettlementToken", "redeem", amount)

    def set_issuance_limit(self, bank: str, limit: int) -> TxResult:
        """Sets the most ``bank`` may have outstanding (the authority: the council, after its delay)."""
        return self._tx("SettlementToken", "setIssuanceLimit", bank, limit)

    def issuance_of(self, bank: str, block: str | int = "latest") -> tuple[int, int]:
        """``bank``'s issuance limit and outstanding issuance (issued less redeemed)."""
        limit, outstanding = self.view("SettlementToken", "issuanceOf", bank, block=block)
        return int(limit), int(outstanding)

    def approve(self, spender: str, amount: int) -> TxResult:
        return self._tx("SettlementToken", "approve", spender, amount)

    def transfer(self, to: str, amount: int) -> TxResult:
        return self._tx("SettlementToken", "transfer", to, amount)

    def balance_of(self, account: str, block: str | int = "latest") -> int:
        return int(self.view("SettlementToken", "balanceOf", account, block=block))

    def allowance(self, owner: str, spender: str) -> int:
        return int(self.view("SettlementToken", "allowance", owner, spender))

    # ─────────────────────────────────────────── settlement

    def sign_sales_consent(
        self, sales: Sequence[tuple[Trade, int]], exchange: str, *, nonce: int, deadline: int
    ) -> SalesConsent:
        """This participant's (the seller's) signed consent to ``exchange`` settling each sale (trade, least net
        amount): its trade id, asset, delivery and terms. The buyers, prices and fees are left to the exchange."""
        message = encode_typed_data(
            full_message=sales_consent_typed_data(
                sales, exchange, nonce, deadline, self.chain_id, self.contracts.address["TradeSettlement"]
            )
        )
        return SalesConsent(self.address, nonce, deadline, bytes(self.account.sign_message(message).signature))

    def settle(self, trade: Trade, min_net: int, consent: SalesConsent, *, gas: int | None = None) -> TxResult:
        """Settles one trade on the exchange (the caller), with the seller's signed consent to it."""
        return self._tx("TradeSettlement", "settle", trade.as_abi(), min_net, consent.as_abi(), gas=gas)

    def prepare_settle(self, trade: Trade, min_net: int, consent: SalesConsent, *, gas: int | None = None) -> Call:
        return self.prepare("TradeSettlement", "settle", trade.as_abi(), min_net, consent.as_abi(), gas=gas)

    def settle_batch(
        self, trades: Sequence[Trade], min_nets: Sequence[int], consents: Sequence[SalesConsent],
        consent_of: Sequence[int], *, atomic: bool = True, gas: int | None = None,
    ) -> TxResult:
        """Settles many trades: trade i within ``consents[consent_of[i]]``, which covers its seller's trades of the
        batch in order. ``atomic``: all or none; otherwise each valid one, refusals as TradeRefused events."""
        return self._tx(
            "TradeSettlement", "settleBatch", [t.as_abi() for t in trades], list(min_nets),
            [c.as_abi() for c in consents], list(consent_of), atomic, gas=gas,
        )  # fmt: skip

    def grant_mandate(self, mandate: Mandate) -> bytes:
        """Gives ``mandate.exchange`` a standing mandate (this participant is the seller); returns its id."""
        result = self._tx("MandateRegistry", "grantMandate", mandate.as_abi())
        return bytes(result.event("MandateGranted")["mandateId"])

    def revoke_mandate(self, mandate_id: bytes) -> TxResult:
        return self._tx("MandateRegistry", "revokeMandate", mandate_id)

    def settle_mandated(self, trade: Trade, mandate: Mandate, *, gas: int | None = None) -> TxResult:
        """Settles one trade within a mandate its seller gave the caller (an exchange)."""
        return self._tx("MandateRegistry", "settle", trade.as_abi(), mandate.as_abi(), gas=gas)

    def settle_mandated_batch(
        self, trades: Sequence[Trade], mandates: Sequence[Mandate], *, atomic: bool = True, gas: int | None = None
    ) -> TxResult:
        """Settles ``trades[i]`` within ``mandates[i]``; each distinct mandate is sent once."""
        distinct: list[Mandate] = []
        index: dict[Mandate, int] = {}
        for m in mandates:
            if m not in index:
                index[m] = len(distinct)
                distinct.append(m)
        return self._tx(
            "MandateRegistry", "settleBatch", [t.as_abi() for t in trades], [m.as_abi() for m in distinct],
            [index[m] for m in mandates], atomic, gas=gas,
        )  # fmt: skip

    def mandate_id(self, mandate: Mandate) -> bytes:
        return bytes(self.view("MandateRegistry", "mandateId", mandate.as_abi()))

    def mandate_seller(self, mandate_id: bytes) -> str:
        """The seller of a mandate in force, the zero address if none."""
        return str(self.view("MandateRegistry", "sellerOf", mandate_id))

    # ─────────────────────────────────────────── listings (art. 16-17)

    def sign_listing(self, listing: Listing, exchange: str) -> bytes:
        """This participant's (the seller's) EIP-712 signature consenting to ``exchange`` listing ``listing``."""
        message = encode_typed_data(
            full_message=listing_typed_data(listing, exchange, self.chain_id, self.contracts.address["Listings"])
        )
        return bytes(self.account.sign_message(message).signature)

    def list_product(self, listing: Listing, signature: bytes) -> bytes:
        """Lists a product, or amends this exchange's listing of its id (a higher version), with the seller's
        signature over it; returns the listing's key."""
        result = self._tx("Listings", "list", listing.as_abi(), *compact_signature(signature))
        return bytes(result.event("ProductListed")["key"])

    def delist_product(self, listing_id: bytes, reason_hash: bytes = ZERO_HASH) -> TxResult:
        """Ends this exchange's listing ``listing_id``."""
        return self._tx("Listings", "delist", listing_id, reason_hash)

    def withdraw_listing(self, exchange: str, listing: Listing, reason_hash: bytes = ZERO_HASH) -> TxResult:
        """Withdraws this seller's consent to ``exchange``'s listing (at its current version) for good."""
        return self._tx("Listings", "withdraw", exchange, listing.as_abi(), reason_hash)

    def settle_listed(self, trade: Trade, offer: Offer, *, gas: int | None = None) -> TxResult:
        """Settles one trade under this exchange's listing ``offer`` (its seller's consent)."""
        return self._tx("Listings", "settle", trade.as_abi(), offer.as_abi(), gas=gas)

    def prepare_settle_listed(self, trade: Trade, offer: Offer, *, gas: int | None = None) -> Call:
        return self.prepare("Listings", "settle", trade.as_abi(), offer.as_abi(), gas=gas)

    def listing_key(self, exchange: str, listing_id: bytes) -> bytes:
        return bytes(self.view("Listings", "listingKey", exchange, listing_id))

    def listing_state(self, key: bytes, block: str | int = "latest") -> tuple[bytes, int]:
        """A listing's current digest (28 bytes, zero when not in force) and version."""
        digest, version = self.view("Listings", "listed", key, block=block)
        return bytes(digest), int(version)

    def hash_listing(self, exchange: str, listing: Listing) -> bytes:
        return bytes(self.view("Listings", "hashListing", exchange, listing.as_abi()))

    def sale_digest(self, exchange: str, listing: Listing) -> bytes:
        """What ``exchange``'s listing sells, as the contract keeps it (the first 28 bytes in force)."""
        return bytes(self.view("Listings", "saleDigest", exchange, listing.as_abi()))

    # ─────────────────────────────────────────── the public-data opening list (art. 10)

    def publish_opening_list(self, year: int, list_hash: bytes, entries: Sequence[OpeningEntry]) -> list[int]:
        """Publishes the opening list of ``year`` (the authority); the ids of its entries, in order."""
        result = self._tx("OpeningList", "publish", year, list_hash, [e.as_abi() for e in entries])
        return [int(e["entryId"]) for e in result.find("OpeningEntryPublished")]

    def link_opening_asset(self, entry_id: int, asset_id: int) -> TxResult:
        """Links the public-data asset this department registered for its entry."""
        return self._tx("OpeningList", "linkAsset", entry_id, asset_id)

    def mark_opened(self, entry_id: int, license_id: int) -> TxResult:
        """Shows the entry's asset open by one of its licences."""
        return self._tx("OpeningList", "markOpened", entry_id, license_id)

    def mark_listed(self, entry_id: int, exchange: str, listing: Listing) -> TxResult:
        """Shows the entry's asset open by ``exchange``'s listing of it in force."""
        return self._tx("OpeningList", "markListed", entry_id, exchange, listing.as_abi())

    def withdraw_opening_entry(self, entry_id: int, reason_hash: bytes) -> TxResult:
        return self._tx("OpeningList", "withdrawEntry", entry_id, reason_hash)

    def opening_entry(self, entry_id: int, block: str | int = "latest") -> dict[str, Any]:
        result: dict[str, Any] = self.view("OpeningList", "getEntry", entry_id, block=block)
        return result

    def opening_entry_count(self) -> int:
        return int(self.view("OpeningList", "entryCount"))

    def sign_direct_trade(self, trade: Trade, nonce: int, deadline: int) -> bytes:
        """This participant's EIP-712 signature of an off-exchange trade."""
        message = encode_typed_data(
            full_message=direct_trade_typed_data(
                trade, nonce, deadline, self.chain_id, self.contracts.address["TradeSettlement"]
            )
        )
        return bytes(self.account.sign_message(message).signature)

    def settle_direct(
        self, trade: Trade, nonce: int, deadline: int, seller_signature: bytes, buyer_signature: bytes
    ) -> TxResult:
        return self._tx(
            "TradeSettlement", "settleDirect", trade.as_abi(), nonce, deadline, seller_signature, buyer_signature
        )

    def invalidate_nonce(self, nonce: int) -> TxResult:
        return self._tx("TradeSettlement", "invalidateNonce", nonce)

    def claim_held_shares(self) -> TxResult:
        """Pays this participant the revenue shares held for it while it was not active."""
        return self._tx("TradeSettlement", "claimHeldShares")

    def release_held_shares(self, recipient: str, to: str, decision_hash: bytes) -> TxResult:
        """Pays the shares held for revoked ``recipient`` to ``to``, as decision ``decision_hash`` says (authority)."""
        return self._tx("TradeSettlement", "releaseHeldShares", recipient, to, decision_hash)

    def held_shares(self, account: str) -> int:
        return int(self.view("TradeSettlement", "heldShares", account))

    def set_revenue_shares(self, asset_id: int, right: Right, shares: Sequence[tuple[str, int]]) -> TxResult:
        """Sets the revenue shares of sales of ``right`` (this participant holds it)."""
        return self._tx(
            "TradeSettlement", "setRevenueShares", asset_id, int(right), [a for a, _ in shares],
            [b for _, b in shares],
        )  # fmt: skip

    def set_price_band(self, kind: Kind, minimum: int, maximum: int) -> TxResult:
        return self._tx("TradeSettlement", "setPriceBand", int(kind), minimum, maximum)

    def is_settled(self, exchange: str, trade_id: bytes) -> bool:
        """Whether ``exchange`` has settled its trade ``trade_id``."""
        return bool(self.view("TradeSettlement", "isSettled", exchange, trade_id))

    def is_direct_settled(self, seller: str, buyer: str, trade_id: bytes) -> bool:
        return bool(self.view("TradeSettlement", "isDirectSettled", seller, buyer, trade_id))

    def trade_key(self, exchange: str, seller: str, buyer: str, trade_id: bytes) -> bytes:
        return bytes(self.view("TradeSettlement", "tradeKey", exchange, seller, buyer, trade_id))

    def revenue_shares(self, asset_id: int, right: Right) -> list[tuple[str, int]]:
        shares = self.view("TradeSettlement", "revenueShares", asset_id, int(right))
        return [(s["recipient"], int(s["bps"])) for s in shares]

    def paused_contracts(self, block: str | int = "latest") -> Paused:
        """The paused contracts (the ledger's pause register, kept by the asset registry)."""
        return Paused(int(self.view("AssetRegistry", "pausedContracts", block=block)))

    def price_band(self, kind: Kind) -> tuple[int, int]:
        band = self.view("TradeSettlement", "priceBand", int(kind))
        return int(band["min"]), int(band["max"])

    def nonce_used(self, account: str, nonce: int) -> bool:
        return bool(self.view("TradeSettlement", "nonceUsed", account, nonce))

    def hash_direct_trade(self, trade: Trade, nonce: int, deadline: int) -> bytes:
        return bytes(self.view("TradeSettlement", "hashDirectTrade", trade.as_abi(), nonce, deadline))

    def hash_sales_consent(
        self, sales: Sequence[tuple[Trade, int]], exchange: str, nonce: int, deadline: int
    ) -> bytes:
        return bytes(
            self.view(
                "TradeSettlement", "hashSalesConsent", [t.as_abi() for t, _ in sales], [m for _, m in sales],
                exchange, nonce, deadline,
            )
        )  # fmt: skip

    # ─────────────────────────────────────────── supervision

    def open_order(
        self, target: OrderTarget, *, participant: str = ZERO_ADDRESS, asset_id: int = 0, document_hash: bytes
    ) -> int:
        result = self._tx("Supervision", "openOrder", int(target), participant, asset_id, document_hash)
        return int(result.event("RectificationOrdered")["orderId"])

    def close_order(self, order_id: int, closing_hash: bytes) -> TxResult:
        return self._tx("Supervision", "closeOrder", order_id, closing_hash)

    def record_credit_event(self, participant: str, code: int, delta: int, document_hash: bytes) -> TxResult:
        return self._tx("Supervision", "recordCreditEvent", participant, code, delta, document_hash)

    def get_order(self, order_id: int) -> dict[str, Any]:
        result: dict[str, Any] = self.view("Supervision", "getOrder", order_id)
        return result

    def credit_of(self, participant: str) -> tuple[int, int]:
        c = self.view("Supervision", "creditOf", participant)
        return int(c["score"]), int(c["events"])

    def order_count(self) -> int:
        return int(self.view("Supervision", "orderCount"))

    # ─────────────────────────────────────────── valuation and accounting recognition (art. 19)

    def accredit_appraiser(self, appraiser: str, expires_at: int, document_hash: bytes) -> TxResult:
        """Accredits (or renews) ``appraiser``, a service provider, until ``expires_at``. The authority."""
        return self._tx("Valuation", "accreditAppraiser", appraiser, expires_at, document_hash)

    def revoke_appraiser(self, appraiser: str, reason_hash: bytes) -> TxResult:
        return self._tx("Valuation", "revokeAppraiser", appraiser, reason_hash)

    def file_valuation(
        self,
        asset_id: int,
        method: ValuationMethod,
        value: int,
        *,
        currency: str = "CNY",
        base_date: int,
        valid_until: int,
        content_hash: bytes,
        report_hash: bytes,
    ) -> int:
        """Files a valuation report of ``value`` (in the currency's smallest unit: fen for CNY); its id."""
        result = self._tx(
            "Valuation", "fileValuation", asset_id, int(method), value, currency.encode("ascii"), base_date,
            valid_until, content_hash, report_hash,
        )  # fmt: skip
        return int(result.event("ValuationFiled")["valuationId"])

    def withdraw_valuation(self, valuation_id: int, reason_hash: bytes) -> TxResult:
        return self._tx("Valuation", "withdrawValuation", valuation_id, reason_hash)

    def reject_valuation(self, valuation_id: int, reason_hash: bytes) -> TxResult:
        return self._tx("Valuation", "rejectValuation", valuation_id, reason_hash)

    def recognise_asset(
        self,
        asset_id: int,
        category: AccountingCategory,
        carrying_amount: int,
        *,
        period_start: int,
        period_end: int,
        valuation_id: int,
        auditor_hash: bytes,
    ) -> TxResult:
        """Recognises the asset in the caller's accounts at ``carrying_amount`` fen (入表)."""
        return self._tx(
            "Valuation", "recogniseAsset", asset_id, int(category), carrying_amount, period_start, period_end,
            valuation_id, auditor_hash,
        )  # fmt: skip

    def remeasure(self, asset_id: int, kind: Measurement, carrying_amount: int, document_hash: bytes) -> TxResult:
        return self._tx("Valuation", "remeasure", asset_id, int(kind), carrying_amount, document_hash)

    def carry_over(self, asset_id: int, auditor_hash: bytes) -> TxResult:
        return self._tx("Valuation", "carryOver", asset_id, auditor_hash)

    def derecognise(self, asset_id: int, reason: Derecognition, document_hash: bytes) -> TxResult:
        return self._tx("Valuation", "derecognise", asset_id, int(reason), document_hash)

    def accreditation_of(self, appraiser: str) -> dict[str, Any]:
        result: dict[str, Any] = self.view("Valuation", "accreditationOf", appraiser)
        return result

    def get_valuation(self, valuation_id: int) -> dict[str, Any]:
        result: dict[str, Any] = self.view("Valuation", "getValuation", valuation_id)
        return result

    def valuation_count(self) -> int:
        return int(self.view("Valuation", "valuationCount"))

    def recognition_of(self, asset_id: int) -> dict[str, Any]:
        result: dict[str, Any] = self.view("Valuation", "recognitionOf", asset_id)
        return result

    # ─────────────────────────────────────────── information disclosure (art. 25)

    def set_disclosure_requirement(self, kind: DisclosureKind, months: int, grace_days: int) -> TxResult:
        """Exchanges must disclose ``kind`` every ``months`` calendar months (1, 3, 6, 12), due ``grace_days`` after
        each period; ``months`` and ``grace_days`` 0 lift the requirement. The authority."""
        return self._tx("Disclosure", "setRequirement", int(kind), months, grace_days)

    def file_disclosure(self, kind: DisclosureKind, period_start: int, period_end: int, document_hash: bytes) -> int:
        """Files a disclosure of ``kind`` for the calendar months [period_start, period_end) (China Standard Time,
        see :func:`ledger.disclosure.period`); its id. An exchange."""
        result = self._tx("Disclosure", "fileDisclosure", int(kind), period_start, period_end, document_hash)
        return int(result.event("DisclosureFiled")["disclosureId"])

    def disclosure_requirement(self, kind: DisclosureKind) -> dict[str, Any]:
        result: dict[str, Any] = self.view("Disclosure", "requirementOf", int(kind))
        return result

    def disclosure_count(self) -> int:
        return int(self.view("Disclosure", "disclosureCount"))

    # ─────────────────────────────────────────── data quality (art. 9)

    def set_response_window(self, seconds: int) -> TxResult:
        """How long a holder has to answer a quality report (a day to a year). The authority."""
        return self._tx("DataQuality", "setResponseWindow", seconds)

    def file_quality_report(
        self, asset_id: int, content_hash: bytes, problem: QualityProblem, severity: QualitySeverity,
        evidence_hash: bytes,
    ) -> int:  # fmt: skip
        """Reports a quality problem of the asset's content; the report's id. Any active participant."""
        result = self._tx("DataQuality", "fileReport", asset_id, content_hash, int(problem), int(severity),
                          evidence_hash)  # fmt: skip
        return int(result.event("QualityReportFiled")["reportId"])

    def answer_quality_report(self, report_id: int, acknowledged: bool, document_hash: bytes) -> TxResult:
        return self._tx("DataQuality", "answer", report_id, acknowledged, document_hash)

    def mark_quality_report_overdue(self, report_id: int) -> TxResult:
        return self._tx("DataQuality", "markOverdue", report_id)

    def resolve_quality_report(self, report_id: int, fixed_asset_id: int, document_hash: bytes) -> TxResult:
        return self._tx("DataQuality", "resolveByFix", report_id, fixed_asset_id, document_hash)

    def rule_on_quality_report(self, report_id: int, upheld: bool, ruling_hash: bytes) -> TxResult:
        return self._tx("DataQuality", "rule", report_id, upheld, ruling_hash)

    def withdraw_quality_report(self, report_id: int, reason_hash: bytes) -> TxResult:
        return self._tx("DataQuality", "withdrawReport", report_id, reason_hash)

    def get_quality_report(self, report_id: int) -> dict[str, Any]:
        result: dict[str, Any] = self.view("DataQuality", "getReport", report_id)
        return result

    def quality_report_count(self) -> int:
        return int(self.view("DataQuality", "reportCount"))

    def response_window(self) -> int:
        return int(self.view("DataQuality", "responseWindow"))

    def quality_defaults_of(self, holder: str) -> int:
        return int(self.view("DataQuality", "defaultsOf", holder))

    # ─────────────────────────────────────────── recognition (other provinces' registrations)

    def set_agreement(
        self, origin_chain_id: int, origin_registry: str, registrars: Sequence[str], threshold: int
    ) -> TxResult:
        return self._tx("Recognition", "setAgreement", origin_chain_id, origin_registry, list(registrars), threshold)

    def revoke_agreement(self, origin_chain_id: int) -> TxResult:
        return self._tx("Recognition", "revokeAgreement", origin_chain_id)

    def import_certificate(
        self, origin_chain_id: int, certificate: tuple[Any, ...], signatures: Sequence[bytes]
    ) -> TxResult:
        """Imports a foreign certificate (``certificate`` in ABI order); the event names the local asset id."""
        return self._tx("Recognition", "importCertificate", origin_chain_id, certificate, list(signatures))

    def suspend_recognised(self, local_asset_id: int, reason_hash: bytes) -> TxResult:
        return self._tx("Recognition", "suspend", local_asset_id, reason_hash)

    def reinstate_recognised(self, local_asset_id: int, reason_hash: bytes) -> TxResult:
        return self._tx("Recognition", "reinstate", local_asset_id, reason_hash)

    def get_agreement(self, origin_chain_id: int, block: str | int = "latest") -> dict[str, Any]:
        result: dict[str, Any] = self.view("Recognition", "getAgreement", origin_chain_id, block=block)
        return result

    def get_recognised(self, local_asset_id: int, block: str | int = "latest") -> dict[str, Any]:
        result: dict[str, Any] = self.view("Recognition", "getRecognised", local_asset_id, block=block)
        return result

    def local_asset_of(self, origin_chain_id: int, origin_registry: str, origin_asset_id: int) -> int:
        return int(self.view("Recognition", "localAssetOf", origin_chain_id, origin_registry, origin_asset_id))

    def recognised_count(self) -> int:
        return int(self.view("Recognition", "recognisedCount"))
