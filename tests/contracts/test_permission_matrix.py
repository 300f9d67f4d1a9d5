"""Who may call what: every state-changing function of the system's contracts, against every caller.

For each function the matrix names the callers that may call it and sets up a state in which the
call succeeds for them (proved once per permitted caller). Every other participant of the world
(each role, the suspended participant, the never-admitted outsider) is refused with the specific
custom error, and the views that the call would change read the same before and after.

Functions that no participant may call (the hooks between the contracts, the batch entry points) are
proved through the path that legitimately reaches them (an exchange settling a trade, the authority
freezing an asset, a registrar importing a certificate...). Every refused call is sent with an explicit
gas limit, so that it is mined and reverts on-chain (not merely refused by gas estimation), and the
views are compared after the block that holds it. The registry's module refuses every direct call.

Role-free ERC-20 functions (``approve``, ``transfer``, ``transferFrom``) are open to every active
participant and to nobody else: a suspended participant "can do nothing until reinstated"
(``IParticipantRegistry.suspend``) and every action is attributable to an admitted participant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from eth_abi.abi import encode as abi_encode
from eth_account.messages import encode_typed_data

from ledger.client import LedgerClient, dev_account
from ledger.client.ledger import TxResult, key_change_typed_data
from ledger.client.sender import Call
from ledger.contracts.credit_code import credit_code_hash
from ledger.contracts.revert import ContractRevert
from ledger.contracts.types import (
    AccountingCategory,
    Category,
    Delivery,
    DisclosureKind,
    Kind,
    Listing,
    Mandate,
    OpeningEntry,
    OrderTarget,
    ParticipantStatus,
    Paused,
    QualityProblem,
    QualitySeverity,
    Right,
    Role,
    Trade,
    ValuationMethod,
    compact_signature,
)
from ledger.disclosure import CST, month_start
from ledger.toolchain import Build
from tests.contracts.conftest import CITY, OTHER_REGION, REGION, RESERVE, World, h
from tests.credit_codes import code_for

SYSTEM = (
    "ParticipantRegistry", "AssetRegistry", "AssetControls", "SettlementToken", "TradeSettlement", "MandateRegistry",
    "Supervision", "Recognition", "Valuation", "Disclosure", "DataQuality", "Listings", "OpeningList",
)  # fmt: skip
#: Refused calls are sent with this much gas, so that they are mined and revert on-chain.
REFUSED_GAS = 3_000_000

ACTORS = (
    "authority", "registrar", "foreign_registrar", "exchange", "bank", "holder", "holder2", "merchant",
    "provider", "supervisor", "suspended", "outsider",
)  # fmt: skip
ACTIVE = frozenset(ACTORS) - {"suspended", "outsider"}

#: The roles the world admits each actor with (tests/contracts/conftest.py), stated here independently.
ROLES: dict[str, Role] = {
    "authority": Role.AUTHORITY,
    "registrar": Role.REGISTRAR,
    "foreign_registrar": Role.REGISTRAR,
    "exchange": Role.EXCHANGE,
    "bank": Role.SETTLEMENT_BANK,
    "holder": Role.DATA_HOLDER,
    "holder2": Role.DATA_HOLDER,
    "merchant": Role.DATA_MERCHANT,
    "provider": Role.SERVICE_PROVIDER,
    "supervisor": Role.SUPERVISOR,
    "suspended": Role.DATA_HOLDER | Role.DATA_MERCHANT,
}
REGIONS = {"registrar": REGION, "foreign_registrar": OTHER_REGION}

ALL = 0xFF
TRADERS = int(Role.DATA_HOLDER | Role.DATA_MERCHANT | Role.SERVICE_PROVIDER)
ASSET_OWNERS = int(Role.DATA_HOLDER | Role.DATA_MERCHANT)
SUPERVISORS = int(Role.SUPERVISOR | Role.AUTHORITY)

#: Dev-mnemonic accounts the world does not use (0-11 are the actors).
NEWCOMER = dev_account(20)
LICENSEE = dev_account(21)


# ─────────────────────────────────────────────────────────── the matrix's vocabulary


@dataclass(frozen=True)
class Expected:
    """A custom error by name, with every one of its values."""

    error: str
    values: dict[str, Any]


@dataclass
class Env:
    w: World
    build: Build
    actor: str

    @property
    def caller(self) -> LedgerClient:
        client: LedgerClient = getattr(self.w, self.actor)
        return client

    def addr(self, actor: str) -> str:
        return str(getattr(self.w, actor).address)


@dataclass
class Prepared:
    """Arguments that make the call succeed for a permitted caller, and the views it would change."""

    args: tuple[Any, ...]
    views: Callable[[], Any]
    target: str | None = None  # a freshly deployed contract instead of the system's
    data: dict[str, Any] = field(default_factory=dict)


Check = Callable[[Env, Prepared], Expected | None]


@dataclass(frozen=True)
class Entry:
    contract: str
    function: str
    permitted: frozenset[str]
    setup: Callable[[Env], Prepared]
    checks: tuple[Check, ...]
    variant: str = ""
    #: For functions no participant may call: the legitimate path that reaches them.
    via: Callable[[Env, Prepared], TxResult] | None = None
    #: Some successful calls only emit an event (e.g. changeRegistration): name it.
    event_only: str | None = None
    #: actor -> reason, for refusals the contract does not make yet (contract bugs, reported).

    @property
    def refused_others(self) -> tuple[str, ...]:
        """The callers refused this function other than the outsider (the second backend samples one of them: see
        tests/contracts/conftest.py)."""
        return tuple(a for a in ACTORS if a not in self.permitted and a != "outsider")

    @property
    def key(self) -> str:
        return f"{self.contract}.{self.function}" + (f"[{self.variant}]" if self.variant else "")

    def expected(self, env: Env, prepared: Prepared) -> Expected:
        for check in self.checks:
            found = check(env, prepared)
            if found is not None:
                return found
        raise AssertionError(f"{self.key}: no refusal expected for {env.actor}, yet it is not permitted")


# ─────────────────────────────────────────────────────────── refusal checks, in the contracts' order


def role(needed: int) -> Check:
    """``ParticipantRegistry.requireRole(caller, needed)``."""

    def check(env: Env, _: Prepared) -> Expected | None:
        account = env.addr(env.actor)
        if env.actor == "outsider":
            return Expected("ParticipantUnknown", {"account": account})
        if env.actor == "suspended":
            return Expected("ParticipantNotActive", {"account": account, "status": ParticipantStatus.SUSPENDED})
        if ROLES[env.actor] & needed == 0:
            return Expected("ParticipantUnauthorized", {"account": account, "neededRoles": needed})
        return None

    return check


def revoked(actor: str) -> Check:
    """``actor`` was revoked in the cell's setup: it can do nothing."""

    def check(env: Env, _: Prepared) -> Expected | None:
        if env.actor != actor:
            return None
        return Expected("ParticipantNotActive", {"account": env.addr(actor), "status": ParticipantStatus.REVOKED})

    return check


def registrar_of(region: int, error_name: str = "RegistryWrongRegion") -> tuple[Check, Check]:
    def wrong_region(env: Env, _: Prepared) -> Expected | None:
        return Expected(
            error_name,
            {"registrar": env.addr(env.actor), "registrarRegion": REGIONS[env.actor], "assetRegion": region},
        )

    return role(int(Role.REGISTRAR)), wrong_region


def only_caller(expected: str) -> Check:
    """``AssetRegistryBase._onlyCaller``: a hook for one system contract."""
    return error("RegistryOnlyCaller", caller=lambda env, _: env.addr(env.actor),
                 expected=lambda env, _: env.w.contracts.address[expected])  # fmt: skip


def error(name: str, **values: Callable[[Env, Prepared], Any]) -> Check:
    """A refusal whose values are computed from the caller and the prepared state."""

    def check(env: Env, p: Prepared) -> Expected | None:
        return Expected(name, {k: f(env, p) for k, f in values.items()})

    return check


def caller(env: Env, _: Prepared) -> str:
    return env.addr(env.actor)


def data(key: str) -> Callable[[Env, Prepared], Any]:
    return lambda _, p: p.data[key]


def const(value: Any) -> Callable[[Env, Prepared], Any]:
    return lambda _, __: value


# ─────────────────────────────────────────────────────────── shared state builders


def block_number(w: World) -> int:
    return int(w.rpc.call("eth_blockNumber"), 16)


def fund(w: World, actor: str, amount: int) -> None:
    """Gives ``actor`` a token balance (a suspended actor is reinstated for the issue, then suspended again)."""
    if actor == "outsider":
        return  # never admitted: it cannot hold tokens
    if actor == "suspended":
        w.authority.reinstate(w.suspended.address, h("reinstate to fund"))
        w.bank.issue(w.suspended.address, amount, RESERVE)
        w.authority.suspend(w.suspended.address, h("suspend again"))
        return
    w.bank.issue(getattr(w, actor).address, amount, RESERVE)


def admit_licensee(w: World) -> str:
    w.authority.admit(LICENSEE.address, Role.DATA_HOLDER, CITY, "Hechi Licensee Co.", code_for(LICENSEE.address))
    return str(LICENSEE.address)


def licence_trade(w: World, asset: int, label: str, *, price: int = 10_000, fee: int = 100) -> Trade:
    return Trade(h(label), asset, w.holder.address, w.holder2.address, price, fee=fee, terms=w.terms())


def buyer_ready(w: World, amount: int = 100_000) -> None:
    w.bank.issue(w.holder2.address, amount, RESERVE)
    w.holder2.approve(w.exchange.address, amount)


def deploy(env: Env, name: str, types: list[str], args: list[Any]) -> str:
    code = bytes.fromhex(env.build.contract(name).bytecode.removeprefix("0x")) + abi_encode(types, args)
    receipt = env.w.authority.sender.transact(Call(to=None, data=code, operation=f"deploy {name}"))
    assert receipt.contract_address is not None
    return receipt.contract_address


def view_at(w: World, address: str, contract: str, function: str, *args: Any) -> Any:
    codec = w.contracts.codecs[contract]
    raw = w.authority.sender.call(Call(address, codec.encode_call(function, *args)))
    return codec.decode_output(function, raw)


def balances(w: World, *actors: str) -> tuple[int, ...]:
    return tuple(w.holder.balance_of(getattr(w, a).address) for a in actors)


# ─────────────────────────────────────────────────────────── ParticipantRegistry


def _admit(env: Env) -> Prepared:
    w = env.w
    return Prepared(
        (NEWCOMER.address, int(Role.DATA_HOLDER), REGION, "Qinzhou Port Data Co.",
         credit_code_hash(code_for(NEWCOMER.address))),
        lambda: w.holder.get_participant(NEWCOMER.address),
    )


def _on_holder(*extra: Any) -> Callable[[Env], Prepared]:
    def setup(env: Env) -> Prepared:
        w = env.w
        return Prepared((w.holder.address, *extra), lambda: w.holder.get_participant(w.holder.address))

    return setup


def _reinstate(env: Env) -> Prepared:
    w = env.w
    return Prepared((w.suspended.address, h("reinstatement")), lambda: w.holder.get_participant(w.suspended.address))


#: The key participants change to (new to the ledger).
NEW_KEY = dev_account(46)


def _rotate_key(env: Env) -> Prepared:
    """The caller hands over to NEW_KEY, which signs its consent."""
    w, me = env.w, env.caller.address
    message = encode_typed_data(full_message=key_change_typed_data(
        me, me, NEW_KEY.address, env.caller.chain_id, w.contracts.address["ParticipantRegistry"]
    ))  # fmt: skip
    return Prepared((NEW_KEY.address, bytes(NEW_KEY.sign_message(message).signature)),
                    lambda: w.holder.get_participant(me))  # fmt: skip


def _not_the_authority(env: Env, _: Prepared) -> Expected | None:
    """The authority is the governance's access manager: its key is the contract, never changed."""
    if env.actor != "authority":
        return None
    return Expected("ParticipantAuthorityReserved", {"account": env.addr(env.actor)})


def _file_declaration(env: Env) -> Prepared:
    w, me = env.w, env.caller.address
    return Prepared((h("declaration and commitment"),), lambda: w.holder.get_participant(me))


# ─────────────────────────────────────────────────────────── AssetRegistry


def _apply(env: Env) -> Prepared:
    w = env.w
    reg = w.registration()
    return Prepared(
        (reg.as_abi(),),
        lambda: (w.holder.asset_count(), w.holder.view("AssetRegistry", "assetIdOf", reg.content_hash)),
    )


def _asset_views(w: World, asset: int) -> Callable[[], Any]:
    return lambda: w.holder.get_asset(asset)


def _pending(env: Env) -> Prepared:
    w = env.w
    asset = w.holder.apply_registration(w.registration())
    return Prepared((asset, True, h("review record")), _asset_views(w, asset), data={"asset": asset})


def _registered(*extra: Any, category: Category = Category.ENTERPRISE) -> Callable[[Env], Prepared]:
    def setup(env: Env) -> Prepared:
        w = env.w
        asset = w.registered_asset(category=category)
        return Prepared((asset, *extra), _asset_views(w, asset), data={"asset": asset})

    return setup


def _transfer_right(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    return Prepared((asset, int(Right.OPERATION), w.holder2.address), _asset_views(w, asset), data={"asset": asset})


def _grant(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    licensee = admit_licensee(w)
    return Prepared(
        (asset, licensee, w.terms().as_abi()),
        lambda: (w.holder.license_count(), w.holder.get_asset(asset)),
        data={"asset": asset},
    )


def _sublicense(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    terms = w.terms(sublicensable=True)
    parent = w.holder.grant_license(asset, w.holder2.address, terms)
    licensee = admit_licensee(w)
    return Prepared(
        (parent, licensee, terms.as_abi()),
        lambda: (w.holder.license_count(), w.holder.children_of(parent)),
        data={"parent": parent},
    )


def _licence_views(w: World, licence: int) -> Callable[[], Any]:
    return lambda: (w.holder.get_license(licence), w.holder.is_license_valid(licence, w.chain_time()))


def _revoke(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    licence = w.holder.grant_license(asset, w.holder2.address, w.terms())
    return Prepared((licence, h("revocation")), _licence_views(w, licence), data={"licence": licence})


def _revoke_sublicence(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    terms = w.terms(sublicensable=True)
    parent = w.holder.grant_license(asset, w.holder2.address, terms)
    sub = w.holder2.sublicense(parent, admit_licensee(w), terms)
    return Prepared((sub, h("revocation")), _licence_views(w, sub), data={"licence": sub})


def _transfer_licence(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    licence = w.holder.grant_license(asset, w.holder2.address, w.terms(transferable=True))
    return Prepared((licence, admit_licensee(w)), _licence_views(w, licence), data={"licence": licence})


#: A made-up origin province whose registrar is the world's registrar key (see tests/recognition).
_ORIGIN_CHAIN = 9_999


def _foreign_certificate(env: Env, *, asset_id: int = 7, holder: str | None = None, issued: int = 10) -> Any:
    from ledger.recognition import Certificate, CertificateDomain, CertificateFile, sign_certificate

    w = env.w
    holder = holder or w.holder.address
    cert = CertificateFile(
        CertificateDomain(_ORIGIN_CHAIN, w.contracts.address["AssetRegistry"]),
        Certificate(asset_id, "0x" + h(f"foreign {env.actor} {asset_id}").hex(), 1, 0, 0, holder, holder, holder, 3,
                    10, 1_700_000_000, 2, issued, w.chain_time() + 86_400),
    )  # fmt: skip
    if not w.holder.get_agreement(_ORIGIN_CHAIN)["threshold"]:
        w.authority.set_agreement(_ORIGIN_CHAIN, cert.domain.registry, [w.registrar.address], 1)
    return sign_certificate(cert, w.registrar.account)


def _register_recognised(env: Env) -> Prepared:
    w = env.w
    cert = _foreign_certificate(env)
    reg = w.registration(content_hash=bytes.fromhex(cert.certificate.content_hash[2:]))
    return Prepared((reg.as_abi(), w.holder.address, w.registrar.address), lambda: w.holder.asset_count(),
                    data={"cert": cert})  # fmt: skip


def _import_via_registrar(env: Env, p: Prepared) -> TxResult:
    cert = p.data["cert"]
    return env.w.registrar.import_certificate(_ORIGIN_CHAIN, cert.certificate.as_abi(), cert.signature_bytes())


def _imported(env: Env) -> int:
    w = env.w
    cert = _foreign_certificate(env)
    result = w.registrar.import_certificate(_ORIGIN_CHAIN, cert.certificate.as_abi(), cert.signature_bytes())
    return int(result.event("CertificateImported")["localAssetId"])


def _recognition_suspended(env: Env) -> Prepared:
    w = env.w
    local = _imported(env)
    return Prepared((local, True), _asset_views(w, local), data={"asset": local})


def _sync_recognised(env: Env) -> Prepared:
    w = env.w
    local = _imported(env)
    newer = _foreign_certificate(env, holder=w.holder2.address, issued=11)
    h_ = w.holder2.address
    return Prepared((local, h_, h_, h_, False, w.registrar.address, h("newer certificate")), _asset_views(w, local),
                    data={"asset": local, "cert": newer})  # fmt: skip


def _set_control(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    return Prepared((asset, 1, True), _asset_views(w, asset), data={"asset": asset})


def _pause(env: Env) -> Prepared:
    w = env.w
    return Prepared((int(Paused.SUPERVISION), h("incident")), lambda: w.holder.paused_contracts())


def _unpause(env: Env) -> Prepared:
    w = env.w
    w.authority.pause(Paused.SUPERVISION | Paused.RECOGNITION, h("incident"))
    return Prepared((int(Paused.SUPERVISION), h("incident closed")), lambda: w.holder.paused_contracts())


def _set_paused(env: Env) -> Prepared:
    w = env.w
    return Prepared((int(Paused.SUPERVISION),), lambda: w.holder.paused_contracts())


def _deliver_right(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    buyer_ready(w)
    trade = Trade(h("right trade"), asset, w.holder.address, w.holder2.address, 10_000, fee=100,
                  delivery=Delivery.RIGHT, right=Right.OPERATION)  # fmt: skip
    return Prepared(
        (trade.trade_id, asset, int(Right.OPERATION), w.holder.address, w.holder2.address),
        _asset_views(w, asset),
        data={"trade": trade},
    )


def _deliver_licence(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    buyer_ready(w)
    trade = licence_trade(w, asset, "licence trade")
    return Prepared(
        (asset, 0, w.holder.address, w.holder2.address, trade.terms.as_abi()),
        lambda: w.holder.license_count(),
        data={"trade": trade},
    )


def _settle_via_exchange(env: Env, p: Prepared) -> TxResult:
    return env.w.settle(p.data["trade"])


# ─────────────────────────────────────────────────────────── AssetControls


def _lodge(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    return Prepared(
        (asset, h("evidence"), 0),
        lambda: (w.holder.get_asset(asset), w.holder.objection_count()),
        data={"asset": asset},
    )


def _accept(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    objection = w.holder2.lodge_objection(asset, h("evidence"))
    return Prepared(
        (objection, h("accepted")),
        lambda: (w.holder.get_asset(asset), w.holder.get_objection(objection)),
        data={"asset": asset},
    )


def _resolve(env: Env) -> Prepared:
    p = _accept(env)
    p.args = (p.args[0], True, h("decision"))
    return p


def _unfreeze(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    w.authority.freeze(asset, h("freeze order"))
    return Prepared((asset, h("lift order")), _asset_views(w, asset), data={"asset": asset})


def _attest(env: Env) -> Prepared:
    w = env.w
    asset = w.holder.apply_registration(w.registration(category=Category.PERSONAL))
    return Prepared((asset, h("anonymisation report")), _asset_views(w, asset), data={"asset": asset})


def _public_operation_views(w: World, asset: int) -> Callable[[], Any]:
    return lambda: w.holder.public_operation(asset, w.holder2.address, Right.OPERATION, 2001)


def _authorise_operation(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset(category=Category.PUBLIC)
    end = w.chain_time() + 400 * 86_400  # room for a one-year licence granted a few blocks later
    return Prepared((asset, w.holder2.address, int(Right.OPERATION), 2001, end, h("decision")),
                    _public_operation_views(w, asset), data={"asset": asset})  # fmt: skip


def _withdraw_operation(env: Env) -> Prepared:
    p = _authorise_operation(env)
    env.w.authority.authorise_public_operation(*p.args[:2], Right.OPERATION, 2001, p.args[4], h("decision"))
    p.args = p.args[:4]
    return p


def _use_operation(env: Env) -> Prepared:
    p = _authorise_operation(env)
    w = env.w
    w.authority.authorise_public_operation(*p.args[:2], Right.OPERATION, 2001, p.args[4], h("decision"))
    terms = w.terms(right=Right.OPERATION, purpose=2001)
    p.args = (p.args[0], w.holder2.address, int(Right.OPERATION), 2001, terms.end, 1)
    p.data["terms"] = terms
    return p


# ─────────────────────────────────────────────────────────── SettlementToken


def _approve(env: Env) -> Prepared:
    w, me = env.w, env.caller.address
    return Prepared((w.exchange.address, 5_000), lambda: w.holder.allowance(me, w.exchange.address))


def _transfer(env: Env) -> Prepared:
    w = env.w
    fund(w, env.actor, 5_000)
    to = "holder" if env.actor == "merchant" else "merchant"
    return Prepared((getattr(w, to).address, 1_000), lambda: balances(w, env.actor, to))


def _transfer_from(env: Env) -> Prepared:
    w = env.w
    fund(w, "holder", 5_000)
    if w.holder.get_participant(env.caller.address)["status"] == ParticipantStatus.ACTIVE:
        w.holder.approve(env.caller.address, 5_000)  # an inactive spender cannot even be approved
    return Prepared(
        (w.holder.address, w.merchant.address, 1_000),
        lambda: (balances(w, "holder", "merchant"), w.holder.allowance(w.holder.address, env.caller.address)),
    )


def _issue(env: Env) -> Prepared:
    w = env.w
    return Prepared(
        (w.holder.address, 5_000, RESERVE),
        lambda: (
            w.holder.balance_of(w.holder.address), w.holder.view("SettlementToken", "totalSupply"),
            w.holder.issuance_of(w.bank.address),
        ),
    )  # fmt: skip


def _issuance_limit(env: Env) -> Prepared:
    w = env.w
    return Prepared((w.bank.address, 7_000), lambda: w.holder.issuance_of(w.bank.address))


def _redeem(env: Env) -> Prepared:
    w = env.w
    fund(w, "bank", 5_000)
    if env.actor != "bank":
        fund(w, env.actor, 5_000)  # the refusal is about the role, not the balance
    return Prepared((1_000,), lambda: (balances(w, env.actor, "bank"), w.holder.view("SettlementToken", "totalSupply")))


def _settlement_pay(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    buyer_ready(w)
    trade = licence_trade(w, asset, "paid trade", fee=0)
    return Prepared(
        (w.holder2.address, w.exchange.address, [w.holder.address], [trade.price]),
        lambda: (balances(w, "holder", "holder2"), w.holder.allowance(w.holder2.address, w.exchange.address)),
        data={"trade": trade},
    )


# ─────────────────────────────────────────────────────────── TradeSettlement and MandateRegistry


def _trade_views(w: World, trade: Trade) -> Callable[[], Any]:
    return lambda: (
        w.holder.is_settled(w.exchange.address, trade.trade_id),
        balances(w, "holder", "holder2", "exchange"),
        w.holder.license_count(),
    )


def _settle(env: Env) -> Prepared:
    """The seller consents to the caller (the would-be exchange) selling: the refusal is the caller's role."""
    w = env.w
    asset = w.registered_asset()
    buyer_ready(w)
    trade = licence_trade(w, asset, "exchange trade")
    consent = w.consent(trade, exchange=env.caller)
    return Prepared((trade.as_abi(), 0, consent.as_abi()), _trade_views(w, trade), data={"trade": trade})


def _settle_batch(env: Env) -> Prepared:
    p = _settle(env)
    p.args = ([p.data["trade"].as_abi()], [0], [p.args[2]], [0], True)
    return p


def _settle_checked_for(env: Env) -> Prepared:
    p = _settle(env)
    p.args = (p.data["trade"].as_abi(), env.w.exchange.address, 0)
    return p


def _mandated(env: Env) -> tuple[Prepared, Mandate]:
    w = env.w
    asset = w.registered_asset()
    buyer_ready(w)
    trade = licence_trade(w, asset, "mandated trade")
    mandate = w.mandate(asset, w.holder, trade.terms)
    w.holder.grant_mandate(mandate)
    return Prepared((trade.as_abi(), mandate.as_abi()), _trade_views(w, trade), data={"trade": trade}), mandate


def _settle_consented(env: Env) -> Prepared:
    p, mandate = _mandated(env)
    p.args = (p.data["trade"].as_abi(), env.w.exchange.address, 0, env.w.holder.mandate_id(mandate))
    p.data["mandate"] = mandate
    return p


def _settle_mandated(env: Env) -> Prepared:
    p, mandate = _mandated(env)
    p.data["id"] = env.w.holder.mandate_id(mandate)
    return p


def _settle_mandated_batch(env: Env) -> Prepared:
    p, mandate = _mandated(env)
    p.args = ([p.data["trade"].as_abi()], [mandate.as_abi()], [0], True)
    return p


def _grant_mandate(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    mandate = w.mandate(asset, w.holder, w.terms())
    mandate_id = w.holder.mandate_id(mandate)
    return Prepared((mandate.as_abi(),), lambda: w.holder.mandate_seller(mandate_id), data={"id": mandate_id})


def _revoke_mandate(env: Env) -> Prepared:
    p = _grant_mandate(env)
    env.w.holder.execute(env.w.holder.prepare("MandateRegistry", "grantMandate", *p.args))
    p.args = (p.data["id"],)
    return p


# ─────────────────────────────────────────────────────────── Listings


def _listing_views(w: World, listing: Listing, exchange: str) -> Callable[[], Any]:
    key = w.holder.listing_key(exchange, listing.offer.listing_id)
    return lambda: (w.holder.listing_state(key), w.holder.license_count(), balances(w, "holder", "holder2"))


def _list_product(env: Env) -> Prepared:
    """The seller signs a listing by the caller (the would-be exchange): the refusal is the caller's role."""
    w = env.w
    listing = w.listing(w.registered_asset(), terms=w.terms())
    r, vs = compact_signature(w.holder.sign_listing(listing, env.caller.address))
    return Prepared((listing.as_abi(), r, vs), _listing_views(w, listing, env.caller.address))


def _listed(env: Env) -> tuple[Prepared, Listing]:
    w = env.w
    listing = w.listing(w.registered_asset(), terms=w.terms())
    w.list_product(listing)
    p = Prepared((), _listing_views(w, listing, w.exchange.address), data={"id": listing.offer.listing_id})
    return p, listing


def _delist_product(env: Env) -> Prepared:
    p, listing = _listed(env)
    p.args = (listing.offer.listing_id, h("delisting notice"))
    return p


def _withdraw_listing(env: Env) -> Prepared:
    p, listing = _listed(env)
    p.args = (env.w.exchange.address, listing.as_abi(), h("withdrawal"))
    return p


def _settle_listed(env: Env) -> Prepared:
    p, listing = _listed(env)
    w = env.w
    buyer_ready(w)
    trade = licence_trade(w, listing.asset_id, "listed trade")
    p.args = (trade.as_abi(), listing.offer.as_abi())
    return p


# ─────────────────────────────────────────────────────────── OpeningList


def _opening_entry(w: World) -> int:
    [entry] = w.authority.publish_opening_list(
        2027, h("opening list"), [OpeningEntry(w.holder.address, h("data to open"), w.chain_time() + 90 * _DAY)])
    return entry


def _publish_opening_list(env: Env) -> Prepared:
    w = env.w
    entry = OpeningEntry(w.holder.address, h("data to open"), w.chain_time() + 90 * _DAY)
    return Prepared((2027, h("opening list"), [entry.as_abi()]), lambda: w.holder.opening_entry_count())


def _link_opening_asset(env: Env) -> Prepared:
    w = env.w
    entry = _opening_entry(w)
    asset = w.registered_asset(category=Category.PUBLIC)
    return Prepared((entry, asset), lambda: w.holder.opening_entry(entry), data={"id": entry})


def _registered_entry(w: World) -> tuple[int, int]:
    entry = _opening_entry(w)
    asset = w.registered_asset(category=Category.PUBLIC)
    w.holder.link_opening_asset(entry, asset)
    return entry, asset


def _mark_opened(env: Env) -> Prepared:
    w = env.w
    entry, asset = _registered_entry(w)
    terms = w.terms()
    w.authority.authorise_public_operation(asset, w.merchant.address, terms.right, terms.purpose, terms.end,
                                           h("operation approval"))  # fmt: skip
    licence = w.holder.grant_license(asset, w.merchant.address, terms)
    return Prepared((entry, licence), lambda: w.holder.opening_entry(entry))


def _mark_listed(env: Env) -> Prepared:
    w = env.w
    entry, asset = _registered_entry(w)
    w.authority.set_price_band(Kind.DATASET, 1, 10**12)
    listing = w.listing(asset, terms=w.terms())
    w.list_product(listing)
    return Prepared((entry, w.exchange.address, listing.as_abi()), lambda: w.holder.opening_entry(entry))


def _withdraw_opening_entry(env: Env) -> Prepared:
    w = env.w
    entry = _opening_entry(w)
    return Prepared((entry, h("withdrawn")), lambda: w.holder.opening_entry(entry))


def _settle_direct(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    w.bank.issue(w.holder2.address, 100_000, RESERVE)
    trade = licence_trade(w, asset, "direct trade", fee=0)
    deadline = w.chain_time() + 3600
    sigs = (w.holder.sign_direct_trade(trade, 1, deadline), w.holder2.sign_direct_trade(trade, 1, deadline))
    return Prepared(
        (trade.as_abi(), 1, deadline, *sigs),
        lambda: (_trade_views(w, trade)(), w.holder.nonce_used(w.holder.address, 1)),
    )


def _invalidate_nonce(env: Env) -> Prepared:
    w, me = env.w, env.caller.address
    return Prepared((7,), lambda: w.holder.nonce_used(me, 7))


def _hold_a_share_for_the_merchant(w: World) -> None:
    """The merchant, a share recipient, is suspended during a sale: its share is held for it."""
    asset = w.registered_asset()
    w.holder.set_revenue_shares(asset, Right.PROCESSING, [(w.merchant.address, 1_000)])
    w.authority.suspend(w.merchant.address, h("inspection"))
    buyer_ready(w)
    w.settle(licence_trade(w, asset, "held share"))


def _claim_held(env: Env) -> Prepared:
    """The merchant's share was held while it was suspended; it is reinstated."""
    w = env.w
    _hold_a_share_for_the_merchant(w)
    w.authority.reinstate(w.merchant.address, h("inspection passed"))
    return Prepared((), lambda: (w.holder.held_shares(w.merchant.address), balances(w, "merchant")))


def _release_held(env: Env) -> Prepared:
    """The merchant, a share recipient, was suspended during a sale and then revoked: the authority releases
    what is held for it on a recorded decision (to the holder of the right sold)."""
    w = env.w
    _hold_a_share_for_the_merchant(w)
    w.authority.revoke(w.merchant.address, h("licence withdrawn"))
    return Prepared((w.merchant.address, w.holder.address, h("decision 12")),
                    lambda: (w.holder.held_shares(w.merchant.address), balances(w, "holder")))  # fmt: skip


def _revenue_shares(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    return Prepared((asset, int(Right.PROCESSING), [w.merchant.address], [1_000]),
                    lambda: w.holder.revenue_shares(asset, Right.PROCESSING), data={"asset": asset})  # fmt: skip


def _price_band(env: Env) -> Prepared:
    w = env.w
    return Prepared((int(Kind.MODEL), 100, 1_000), lambda: w.holder.price_band(Kind.MODEL))


# ─────────────────────────────────────────────────────────── Supervision


def _open_order(env: Env) -> Prepared:
    w = env.w
    return Prepared((int(OrderTarget.PARTICIPANT), w.holder.address, 0, h("order")), lambda: w.holder.order_count())


def _close_order(env: Env) -> Prepared:
    w = env.w
    order = w.supervisor.open_order(OrderTarget.PARTICIPANT, participant=w.holder.address, document_hash=h("order"))
    return Prepared((order, h("closing")), lambda: w.holder.get_order(order))


def _credit_event(env: Env) -> Prepared:
    w = env.w
    return Prepared((w.holder.address, 101, -5, h("violation")), lambda: w.holder.credit_of(w.holder.address))


# ─────────────────────────────────────────────────────────── Valuation

_DAY = 86_400


def _accredited(w: World) -> None:
    w.authority.accredit_appraiser(w.provider.address, w.chain_time() + 400 * _DAY, h("accreditation"))


def _valued_asset(w: World) -> tuple[int, int]:
    """The holder's asset and the accredited provider's valuation of it."""
    _accredited(w)
    asset = w.registered_asset()
    now = w.chain_time()
    valuation = w.provider.file_valuation(
        asset, ValuationMethod.COST, 10**8, base_date=now - _DAY, valid_until=now + 300 * _DAY,
        content_hash=w.holder.get_asset(asset)["contentHash"], report_hash=h("report"),
    )  # fmt: skip
    return asset, valuation


def _recognised_asset(w: World) -> int:
    asset, valuation = _valued_asset(w)
    now = w.chain_time()
    w.holder.recognise_asset(asset, AccountingCategory.INTANGIBLE_ASSET, 10**8, period_start=now - _DAY,
                             period_end=now + 90 * _DAY, valuation_id=valuation, auditor_hash=h("audit"))  # fmt: skip
    return asset


def _accredit_appraiser(env: Env) -> Prepared:
    w = env.w
    return Prepared((w.provider.address, w.chain_time() + 400 * _DAY, h("accreditation")),
                    lambda: w.holder.accreditation_of(w.provider.address))  # fmt: skip


def _revoke_appraiser(env: Env) -> Prepared:
    w = env.w
    _accredited(w)
    return Prepared((w.provider.address, h("revocation")), lambda: w.holder.accreditation_of(w.provider.address))


def _file_valuation(env: Env) -> Prepared:
    w = env.w
    _accredited(w)
    asset = w.registered_asset()
    now = w.chain_time()
    return Prepared((asset, int(ValuationMethod.MARKET), 10**8, b"CNY", now - _DAY, now + 300 * _DAY,
                     w.holder.get_asset(asset)["contentHash"], h("report")),
                    lambda: w.holder.valuation_count())  # fmt: skip


def _withdraw_valuation(env: Env) -> Prepared:
    w = env.w
    _, valuation = _valued_asset(w)
    return Prepared((valuation, h("withdrawn")), lambda: w.holder.get_valuation(valuation), data={"id": valuation})


def _reject_valuation(env: Env) -> Prepared:
    w = env.w
    _, valuation = _valued_asset(w)
    return Prepared((valuation, h("rejected")), lambda: w.holder.get_valuation(valuation))


def _recognise_asset(env: Env) -> Prepared:
    w = env.w
    asset, valuation = _valued_asset(w)
    now = w.chain_time()
    return Prepared((asset, int(AccountingCategory.INVENTORY), 10**8, now - _DAY, now + 90 * _DAY, valuation,
                     h("audit")), lambda: w.holder.recognition_of(asset), data={"asset": asset})  # fmt: skip


def _remeasure(env: Env) -> Prepared:
    w = env.w
    asset = _recognised_asset(w)
    return Prepared((asset, 0, 10**7, h("impairment")), lambda: w.holder.recognition_of(asset), data={"asset": asset})


def _carry_over(env: Env) -> Prepared:
    w = env.w
    asset = _recognised_asset(w)
    w.holder.transfer_right(asset, Right.HOLDING, w.holder2.address)
    return Prepared((asset, h("audit")), lambda: w.holder.recognition_of(asset), data={"asset": asset})


def _derecognise(env: Env) -> Prepared:
    w = env.w
    asset = _recognised_asset(w)
    return Prepared((asset, 0, h("disposal")), lambda: w.holder.recognition_of(asset), data={"asset": asset})


def _former_holder(env: Env, p: Prepared) -> Expected | None:
    """The holder whose recognition the new holder would carry over: it holds the holding right no longer."""
    if env.actor != "holder":
        return None
    return Expected("ValuationNotRecognised", {"assetId": p.data["asset"], "account": env.addr("holder")})


# ─────────────────────────────────────────────────────────── Recognition


def _set_agreement(env: Env) -> Prepared:
    w = env.w
    chain = _ORIGIN_CHAIN + 1
    return Prepared((chain, w.contracts.address["AssetRegistry"], [w.registrar.address], 1),
                    lambda: w.holder.get_agreement(chain))  # fmt: skip


def _revoke_agreement(env: Env) -> Prepared:
    w = env.w
    w.authority.set_agreement(_ORIGIN_CHAIN, w.contracts.address["AssetRegistry"], [w.registrar.address], 1)
    return Prepared((_ORIGIN_CHAIN,), lambda: w.holder.get_agreement(_ORIGIN_CHAIN))


def _import_certificate(env: Env) -> Prepared:
    w = env.w
    cert = _foreign_certificate(env)
    return Prepared((_ORIGIN_CHAIN, cert.certificate.as_abi(), cert.signature_bytes()),
                    lambda: w.holder.recognised_count())  # fmt: skip


def _suspend_recognised(env: Env) -> Prepared:
    w = env.w
    local = _imported(env)
    return Prepared((local, h("re-check")), lambda: w.holder.get_recognised(local), data={"asset": local})


def _reinstate_recognised(env: Env) -> Prepared:
    p = _suspend_recognised(env)
    env.w.registrar.suspend_recognised(p.data["asset"], h("re-check"))
    p.args = (p.data["asset"], h("re-check passed"))
    return p


def _recognition_region(env: Env, _: Prepared) -> Expected | None:
    return Expected("RecognitionWrongRegion", {"registrar": env.addr(env.actor),
                                               "registrarRegion": REGIONS[env.actor], "assetRegion": REGION})


# ─────────────────────────────────────────────────────────── the matrix


REGISTRARS_AND_AUTHORITY = int(Role.REGISTRAR | Role.AUTHORITY)
# ─────────────────────────────────────────────────────────── Disclosure


def _set_disclosure_requirement(env: Env) -> Prepared:
    w = env.w
    return Prepared((int(DisclosureKind.TRADE_STATISTICS), 3, 30),
                    lambda: w.holder.disclosure_requirement(DisclosureKind.TRADE_STATISTICS))  # fmt: skip


def _file_disclosure(env: Env) -> Prepared:
    w = env.w
    today = datetime.fromtimestamp(w.chain_time(), CST)
    last_month = (month_start(today.year, today.month - 1), month_start(today.year, today.month))
    return Prepared((int(DisclosureKind.TRADE_STATISTICS), *last_month, h("statistics")),
                    lambda: w.holder.disclosure_count())  # fmt: skip


# ─────────────────────────────────────────────────────────── DataQuality


def _quality_report(w: World) -> tuple[int, int]:
    """The holder's asset and the merchant's report of it."""
    asset = w.registered_asset()
    report = w.merchant.file_quality_report(asset, w.holder.get_asset(asset)["contentHash"], QualityProblem.ACCURACY,
                                            QualitySeverity.HIGH, h("evidence"))  # fmt: skip
    return asset, report


def _set_response_window(env: Env) -> Prepared:
    w = env.w
    return Prepared((30 * _DAY,), lambda: w.holder.response_window())


def _file_quality_report(env: Env) -> Prepared:
    w = env.w
    asset = w.registered_asset()
    return Prepared((asset, w.holder.get_asset(asset)["contentHash"], int(QualityProblem.TIMELINESS),
                     int(QualitySeverity.LOW), h("evidence")), lambda: w.holder.quality_report_count())  # fmt: skip


def _answer_quality_report(env: Env) -> Prepared:
    w = env.w
    _, report = _quality_report(w)
    return Prepared((report, True, h("acknowledged")), lambda: w.holder.get_quality_report(report),
                    data={"id": report})  # fmt: skip


def _mark_overdue(env: Env) -> Prepared:
    w = env.w
    _, report = _quality_report(w)
    w.rpc.call("evm_increaseTime", [16 * _DAY])
    w.rpc.call("evm_mine", [])
    return Prepared((report,), lambda: (w.holder.get_quality_report(report), w.holder.quality_defaults_of(
        w.holder.address)))  # fmt: skip


def _resolve_quality_report(env: Env) -> Prepared:
    w = env.w
    _, report = _quality_report(w)
    corrected = w.registered_asset()
    return Prepared((report, corrected, h("corrected")), lambda: w.holder.get_quality_report(report),
                    data={"id": report})  # fmt: skip


def _rule_on_quality_report(env: Env) -> Prepared:
    w = env.w
    _, report = _quality_report(w)
    return Prepared((report, False, h("ruling")), lambda: w.holder.get_quality_report(report))


def _withdraw_quality_report(env: Env) -> Prepared:
    w = env.w
    _, report = _quality_report(w)
    return Prepared((report, h("withdrawn")), lambda: w.holder.get_quality_report(report), data={"id": report})



MATRIX: tuple[Entry, ...] = (
    # ParticipantRegistry
    Entry("ParticipantRegistry", "admit", frozenset({"authority"}), _admit, (role(int(Role.AUTHORITY)),)),
    Entry("ParticipantRegistry", "setRoles", frozenset({"authority"}),
          _on_holder(int(Role.DATA_HOLDER | Role.DATA_MERCHANT)), (role(int(Role.AUTHORITY)),)),
    Entry("ParticipantRegistry", "suspend", frozenset({"authority"}), _on_holder(h("suspension")),
          (role(int(Role.AUTHORITY)),)),
    Entry("ParticipantRegistry", "reinstate", frozenset({"authority"}), _reinstate, (role(int(Role.AUTHORITY)),)),
    Entry("ParticipantRegistry", "revoke", frozenset({"authority"}), _on_holder(h("revocation")),
          (role(int(Role.AUTHORITY)),)),
    Entry("ParticipantRegistry", "fileDeclaration", ACTIVE, _file_declaration, (role(ALL),)),
    Entry("ParticipantRegistry", "rotateKey", ACTIVE - {"authority"}, _rotate_key, (role(ALL), _not_the_authority)),
    Entry("ParticipantRegistry", "replaceKey", frozenset({"authority"}), _on_holder(NEW_KEY.address, h("recovery")),
          (role(int(Role.AUTHORITY)),)),
    # AssetRegistry: registration
    Entry("AssetRegistry", "applyRegistration", frozenset({"holder", "holder2", "merchant"}), _apply,
          (role(ASSET_OWNERS),)),
    Entry("AssetRegistry", "reviewRegistration", frozenset({"registrar"}), _pending, registrar_of(REGION)),
    Entry("AssetRegistry", "changeRegistration", frozenset({"holder"}),
          _registered(h("new metadata"), "ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"),
          (role(ALL), error("RegistryNotRightHolder", assetId=data("asset"), right=const(Right.HOLDING),
                            account=caller)),
          event_only="RegistrationChanged"),
    Entry("AssetRegistry", "cancelRegistration", frozenset({"holder", "registrar"}), _registered(h("reason")),
          registrar_of(REGION)),
    Entry("AssetRegistry", "transferRight", frozenset({"holder"}), _transfer_right,
          (role(TRADERS), error("RegistryNotRightHolder", assetId=data("asset"), right=const(Right.OPERATION),
                                account=caller))),
    # AssetRegistry: licences
    Entry("AssetRegistry", "grantLicense", frozenset({"holder"}), _grant,
          (role(TRADERS), error("RegistryNotRightHolder", assetId=data("asset"), right=const(Right.PROCESSING),
                                account=caller))),
    Entry("AssetRegistry", "sublicense", frozenset({"holder2"}), _sublicense,
          (role(TRADERS), error("LicenseNotAuthorized", licenseId=data("parent"), account=caller))),
    Entry("AssetRegistry", "revokeLicense", frozenset({"authority", "holder", "holder2"}), _revoke,
          (role(ALL), error("LicenseNotAuthorized", licenseId=data("licence"), account=caller))),
    Entry("AssetRegistry", "revokeLicense", frozenset({"authority", "holder", "holder2"}), _revoke_sublicence,
          (role(ALL), error("LicenseNotAuthorized", licenseId=data("licence"), account=caller)),
          variant="sublicence"),
    Entry("AssetRegistry", "transferLicense", frozenset({"holder2"}), _transfer_licence,
          (error("LicenseNotAuthorized", licenseId=data("licence"), account=caller),)),
    # AssetRegistry: hooks of the other contracts
    Entry("AssetRegistry", "deliverRight", frozenset(), _deliver_right, (only_caller("TradeSettlement"),),
          via=_settle_via_exchange),
    Entry("AssetRegistry", "deliverLicense", frozenset(), _deliver_licence, (only_caller("TradeSettlement"),),
          via=_settle_via_exchange),
    Entry("AssetRegistry", "setControl", frozenset(), _set_control, (only_caller("AssetControls"),),
          via=lambda env, p: env.w.authority.freeze(p.data["asset"], h("freeze"))),
    Entry("AssetRegistry", "setPaused", frozenset(), _set_paused, (only_caller("AssetControls"),),
          via=lambda env, p: env.w.authority.pause(Paused.SUPERVISION, h("incident"))),
    Entry("AssetRegistry", "registerRecognised", frozenset(), _register_recognised, (only_caller("Recognition"),),
          via=_import_via_registrar),
    Entry("AssetRegistry", "setRecognitionSuspended", frozenset(), _recognition_suspended,
          (only_caller("Recognition"),),
          via=lambda env, p: env.w.registrar.suspend_recognised(p.data["asset"], h("re-check"))),
    Entry("AssetRegistry", "syncRecognised", frozenset(), _sync_recognised, (only_caller("Recognition"),),
          via=lambda env, p: _import_via_registrar(env, p)),
    # AssetControls
    Entry("AssetControls", "lodgeObjection", ACTIVE, _lodge, (role(ALL),)),
    Entry("AssetControls", "acceptObjection", frozenset({"registrar"}), _accept,
          registrar_of(REGION, "ControlsWrongRegion")),
    Entry("AssetControls", "resolveObjection", frozenset({"registrar"}), _resolve,
          registrar_of(REGION, "ControlsWrongRegion")),
    Entry("AssetControls", "freeze", frozenset({"authority"}), _registered(h("freeze order")),
          (role(int(Role.AUTHORITY)),)),
    Entry("AssetControls", "unfreeze", frozenset({"authority"}), _unfreeze, (role(int(Role.AUTHORITY)),)),
    Entry("AssetControls", "pause", frozenset({"authority"}), _pause, (role(int(Role.AUTHORITY)),)),
    Entry("AssetControls", "unpause", frozenset({"authority"}), _unpause, (role(int(Role.AUTHORITY)),)),
    Entry("AssetControls", "attestAnonymisation", frozenset({"provider"}), _attest,
          (role(int(Role.SERVICE_PROVIDER)),)),
    Entry("AssetControls", "authorisePublicOperation", frozenset({"authority"}), _authorise_operation,
          (role(int(Role.AUTHORITY)),)),
    Entry("AssetControls", "withdrawPublicOperation", frozenset({"authority"}), _withdraw_operation,
          (role(int(Role.AUTHORITY)),)),
    Entry("AssetControls", "usePublicOperation", frozenset(), _use_operation,
          (error("ControlsOnlyRegistry", caller=caller),),
          via=lambda env, p: env.w.holder.execute(env.w.holder.prepare(
              "AssetRegistry", "grantLicense", p.data["asset"], env.w.holder2.address, p.data["terms"].as_abi()))),
    # SettlementToken
    Entry("SettlementToken", "approve", ACTIVE, _approve,
          (error("TokenParticipantNotActive", account=caller),)),
    Entry("SettlementToken", "transfer", ACTIVE, _transfer, (error("TokenParticipantNotActive", account=caller),)),
    Entry("SettlementToken", "transferFrom", ACTIVE, _transfer_from,
          (error("TokenParticipantNotActive", account=caller),)),
    Entry("SettlementToken", "issue", frozenset({"bank"}), _issue, (role(int(Role.SETTLEMENT_BANK)),)),
    Entry("SettlementToken", "redeem", frozenset({"bank"}), _redeem, (role(int(Role.SETTLEMENT_BANK)),)),
    Entry("SettlementToken", "setIssuanceLimit", frozenset({"authority"}), _issuance_limit,
          (role(int(Role.AUTHORITY)),)),
    Entry("SettlementToken", "settlementPay", frozenset(), _settlement_pay,
          (error("TokenOnlySettlement", caller=caller),), via=_settle_via_exchange),
    # TradeSettlement
    Entry("TradeSettlement", "settle", frozenset({"exchange"}), _settle, (role(int(Role.EXCHANGE)),)),
    Entry("TradeSettlement", "settleBatch", frozenset({"exchange"}), _settle_batch, (role(int(Role.EXCHANGE)),)),
    Entry("TradeSettlement", "settleCheckedFor", frozenset(), _settle_checked_for,
          (error("SettlementOnlySelf", caller=caller),),
          via=lambda env, p: env.w.settle_batch([p.data["trade"]])),
    Entry("TradeSettlement", "settleConsented", frozenset(), _settle_consented,
          (error("SettlementOnlyConsents", caller=caller),),
          via=lambda env, p: env.w.exchange.settle_mandated(p.data["trade"], p.data["mandate"])),
    Entry("TradeSettlement", "settleDirect", frozenset({"holder", "holder2"}), _settle_direct,
          (error("SettlementNotParty", caller=caller),)),
    Entry("TradeSettlement", "invalidateNonce", ACTIVE, _invalidate_nonce, (role(ALL),)),
    Entry("TradeSettlement", "claimHeldShares", frozenset({"merchant"}), _claim_held,
          (role(ALL), error("SettlementNothingHeld", account=caller))),
    Entry("TradeSettlement", "releaseHeldShares", frozenset({"authority"}), _release_held,
          (revoked("merchant"), role(int(Role.AUTHORITY)))),
    Entry("TradeSettlement", "setRevenueShares", frozenset({"holder"}), _revenue_shares,
          (role(ALL), error("SettlementNotRightHolder", assetId=data("asset"), right=const(Right.PROCESSING),
                            account=caller))),
    Entry("TradeSettlement", "setPriceBand", frozenset({"authority"}), _price_band, (role(int(Role.AUTHORITY)),)),
    # MandateRegistry
    Entry("MandateRegistry", "grantMandate", frozenset({"holder"}), _grant_mandate,
          (error("MandateInvalid", mandateId=data("id")),)),
    Entry("MandateRegistry", "revokeMandate", frozenset({"holder"}), _revoke_mandate,
          (error("MandateNotSeller", mandateId=data("id"), caller=caller),)),
    Entry("MandateRegistry", "settle", frozenset({"exchange"}), _settle_mandated,
          (error("MandateMismatch", mandateId=data("id")),)),
    Entry("MandateRegistry", "settleBatch", frozenset({"exchange"}), _settle_mandated_batch,
          (role(int(Role.EXCHANGE)),)),
    # Listings
    Entry("Listings", "list", frozenset({"exchange"}), _list_product, (role(int(Role.EXCHANGE)),)),
    Entry("Listings", "delist", frozenset({"exchange"}), _delist_product, (role(int(Role.EXCHANGE)),)),
    Entry("Listings", "withdraw", frozenset({"holder"}), _withdraw_listing,
          (error("ListingNotSeller", listingId=data("id"), caller=caller),)),
    Entry("Listings", "settle", frozenset({"exchange"}), _settle_listed,
          (error("ListingNotListed", listingId=data("id")),)),
    # OpeningList
    Entry("OpeningList", "publish", frozenset({"authority"}), _publish_opening_list, (role(int(Role.AUTHORITY)),)),
    Entry("OpeningList", "linkAsset", frozenset({"holder"}), _link_opening_asset,
          (role(ALL), error("OpeningNotDepartment", entryId=data("id"), caller=caller))),
    Entry("OpeningList", "markOpened", ACTIVE, _mark_opened, (role(ALL),)),
    Entry("OpeningList", "markListed", ACTIVE, _mark_listed, (role(ALL),)),
    Entry("OpeningList", "withdrawEntry", frozenset({"authority"}), _withdraw_opening_entry,
          (role(int(Role.AUTHORITY)),)),
    # Supervision
    Entry("Supervision", "openOrder", frozenset({"supervisor", "authority"}), _open_order, (role(SUPERVISORS),)),
    Entry("Supervision", "closeOrder", frozenset({"supervisor", "authority"}), _close_order, (role(SUPERVISORS),)),
    Entry("Supervision", "recordCreditEvent", frozenset({"supervisor", "authority"}), _credit_event,
          (role(SUPERVISORS),)),
    # Recognition
    Entry("Recognition", "setAgreement", frozenset({"authority"}), _set_agreement, (role(int(Role.AUTHORITY)),)),
    Entry("Recognition", "revokeAgreement", frozenset({"authority"}), _revoke_agreement,
          (role(int(Role.AUTHORITY)),)),
    Entry("Recognition", "importCertificate", frozenset({"registrar", "foreign_registrar"}), _import_certificate,
          (role(int(Role.REGISTRAR)),)),
    Entry("Recognition", "suspend", frozenset({"registrar", "authority"}), _suspend_recognised,
          (role(REGISTRARS_AND_AUTHORITY), _recognition_region)),
    Entry("Recognition", "reinstate", frozenset({"registrar", "authority"}), _reinstate_recognised,
          (role(REGISTRARS_AND_AUTHORITY), _recognition_region)),
    # Valuation
    Entry("Valuation", "accreditAppraiser", frozenset({"authority"}), _accredit_appraiser,
          (role(int(Role.AUTHORITY)),)),
    Entry("Valuation", "revokeAppraiser", frozenset({"authority"}), _revoke_appraiser, (role(int(Role.AUTHORITY)),)),
    Entry("Valuation", "fileValuation", frozenset({"provider"}), _file_valuation,
          (role(int(Role.SERVICE_PROVIDER)),)),
    Entry("Valuation", "withdrawValuation", frozenset({"provider"}), _withdraw_valuation,
          (role(ALL), error("ValuationNotAppraiser", valuationId=data("id"), account=caller))),
    Entry("Valuation", "rejectValuation", frozenset({"supervisor", "authority"}), _reject_valuation,
          (role(SUPERVISORS),)),
    Entry("Valuation", "recogniseAsset", frozenset({"holder"}), _recognise_asset,
          (role(ALL), error("ValuationNotHolder", assetId=data("asset"), account=caller))),
    Entry("Valuation", "remeasure", frozenset({"holder"}), _remeasure,
          (role(ALL), error("ValuationNotRecognised", assetId=data("asset"), account=caller))),
    Entry("Valuation", "carryOver", frozenset({"holder2"}), _carry_over,
          (role(ALL), _former_holder, error("ValuationNotHolder", assetId=data("asset"), account=caller))),
    Entry("Valuation", "derecognise", frozenset({"holder"}), _derecognise,
          (role(ALL), error("ValuationNotRecognised", assetId=data("asset"), account=caller))),
    # Disclosure
    Entry("Disclosure", "setRequirement", frozenset({"authority"}), _set_disclosure_requirement,
          (role(int(Role.AUTHORITY)),)),
    Entry("Disclosure", "fileDisclosure", frozenset({"exchange"}), _file_disclosure, (role(int(Role.EXCHANGE)),)),
    # DataQuality
    Entry("DataQuality", "setResponseWindow", frozenset({"authority"}), _set_response_window,
          (role(int(Role.AUTHORITY)),)),
    Entry("DataQuality", "fileReport", ACTIVE, _file_quality_report, (role(ALL),)),
    Entry("DataQuality", "answer", frozenset({"holder"}), _answer_quality_report,
          (role(ALL), error("QualityNotHolder", reportId=data("id"), account=caller))),
    Entry("DataQuality", "markOverdue", ACTIVE, _mark_overdue, (role(ALL),)),
    Entry("DataQuality", "resolveByFix", frozenset({"holder"}), _resolve_quality_report,
          (role(ALL), error("QualityNotHolder", reportId=data("id"), account=caller))),
    Entry("DataQuality", "rule", frozenset({"supervisor", "authority"}), _rule_on_quality_report,
          (role(SUPERVISORS),)),
    Entry("DataQuality", "withdrawReport", frozenset({"merchant"}), _withdraw_quality_report,
          (role(ALL), error("QualityNotReporter", reportId=data("id"), account=caller))),
)  # fmt: skip


def _refusals() -> list[Any]:
    cases: list[Any] = []
    for entry in MATRIX:
        for actor in ACTORS:
            if actor in entry.permitted:
                continue
            cases.append(pytest.param(entry, actor, id=f"{entry.key}-by-{actor}"))
    return cases


def _permissions() -> list[Any]:
    cases: list[Any] = []
    for entry in MATRIX:
        actors = sorted(entry.permitted) if entry.permitted else ["via"]
        cases.extend(pytest.param(entry, actor, id=f"{entry.key}-by-{actor}") for actor in actors)
    return cases


REFUSALS = _refusals()
PERMISSIONS = _permissions()


# ─────────────────────────────────────────────────────────── running one cell


def _call(env: Env, entry: Entry, p: Prepared, gas: int | None = None) -> TxResult:
    client = env.caller
    if p.target is None:
        return client.execute(client.prepare(entry.contract, entry.function, *p.args, gas=gas))
    data = env.w.contracts.codecs[entry.contract].encode_call(entry.function, *p.args)
    return client.execute(Call(p.target, data, gas, operation=f"{entry.contract}.{entry.function}"))


def _decoded(env: Env, exc: ContractRevert) -> Expected:
    decoded = env.w.contracts.errors.decode(exc.data)
    assert decoded is not None, f"revert data matches no custom error of the ledger: {exc}"
    return Expected(*decoded)


def test_every_state_changing_function_has_a_matrix_entry(world: World) -> None:
    abi_functions = {
        f"{name}.{fn.name}"
        for name in SYSTEM
        for fn in world.contracts.codecs[name].functions.values()
        if fn.mutability not in ("view", "pure")
    }
    covered = {f"{e.contract}.{e.function}" for e in MATRIX}
    assert abi_functions - covered == set(), "state-changing functions without a permission-matrix entry"
    assert covered - abi_functions == set(), "matrix entries for functions the ABIs no longer have"


def test_matrix_is_well_formed(world: World) -> None:
    assert set(ROLES) | {"outsider"} == set(ACTORS)
    for entry in MATRIX:
        assert entry.permitted <= ACTIVE, f"{entry.key}: only active participants may be permitted"
        assert not (entry.permitted and entry.via), f"{entry.key}: a hook has no permitted participant"
        assert entry.permitted or entry.via, f"{entry.key}: no way to prove the call can succeed"


@pytest.mark.parametrize(("entry", "actor"), PERMISSIONS)
def test_permitted_caller_succeeds(world: World, build: Build, entry: Entry, actor: str) -> None:
    env = Env(world, build, "exchange" if actor == "via" else actor)
    p = entry.setup(env)
    before = p.views()
    result = entry.via(env, p) if entry.via is not None else _call(env, entry, p)
    assert result.receipt.status == 1
    if entry.event_only:
        assert result.find(entry.event_only), f"{entry.key} emitted no {entry.event_only}"
        assert p.views() == before
    else:
        assert p.views() != before, f"{entry.key} by {actor} succeeded but changed none of its views"


@pytest.mark.parametrize(("entry", "actor"), REFUSALS)
def test_refused_caller_gets_its_error_and_changes_nothing(
    world: World, build: Build, entry: Entry, actor: str
) -> None:
    env = Env(world, build, actor)
    p = entry.setup(env)
    expected = entry.expected(env, p)
    before, block = p.views(), block_number(world)
    with pytest.raises(ContractRevert) as info:
        _call(env, entry, p, gas=REFUSED_GAS)
    assert _decoded(env, info.value) == expected
    # The refused transaction was mined (and reverted): the state after its block is the state before. The
    # authority's is the executing transaction of its governance, after the council's scheduling.
    refused_at = world.refused_block(block)
    assert refused_at == block + 1 or (actor == "authority" and refused_at > block)
    assert p.views() == before


def test_the_registry_module_refuses_every_direct_call(world: World) -> None:
    """The module runs only on the registry's storage, through the registry's fallback."""
    w = world
    module = w.contracts.address["AssetRegistryModule"]
    codec = w.contracts.codecs["AssetRegistryModule"]
    functions = [f for f in codec.functions.values() if f.mutability not in ("view", "pure")]
    assert len(functions) >= 9
    for fn in functions:
        args = tuple(_zero(t) for t in fn.input_types)
        call = Call(module, codec.encode_call(fn.name, *args), 3_000_000, operation=f"module.{fn.name}")
        with pytest.raises(ContractRevert) as info:
            w.authority.execute(call)
        assert w.contracts.errors.decode(info.value.data) == ("RegistryOnlyDelegated", {}), fn.name


def _zero(abi_type: str) -> Any:
    if abi_type.endswith("]"):
        return []
    if abi_type.startswith("("):
        return tuple(_zero(t) for t in _split_tuple(abi_type[1:-1]))
    if abi_type == "address":
        return "0x" + "00" * 20
    if abi_type == "bool":
        return False
    if abi_type == "string":
        return ""
    if abi_type.startswith("bytes"):
        return b"" if abi_type == "bytes" else b"\x00" * int(abi_type[5:])
    return 0


def _split_tuple(inner: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    return parts
