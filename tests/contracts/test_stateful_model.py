"""Random operation sequences against the contracts and a pure-Python model of the rules.

A :class:`LedgerMachine` draws operations (admissions, suspensions, registrations and reviews,
right transfers, objections, freezes, anonymisation, licences and sublicences with random
exclusivity, purposes and periods, revocations, token issues and transfers, trades on and off an
exchange, singly and in batches, time passing) with callers that are usually, not always, the ones
allowed to act. Each operation runs on the model (``tests/contracts/model.py``) and on the chain.
When the model refuses, the chain must revert with the same custom error and values and mine
nothing; when the model accepts, the chain must too. After every step every view is compared:
participants, assets, licences (with ``isLicenseValid`` now and in the days ahead), sublicence
trees, objections, balances, allowances, settled trades, revenue shares, price bands and nonces.

Runs on anvil, one snapshot per example. Profiles: ``ci`` (default, about 25 examples of 30 steps)
and ``soak`` (500 examples of 50 steps, about ten minutes), chosen with
``LEDGER_HYPOTHESIS_PROFILE=soak``. (``--hypothesis-profile`` is read before this module registers the
profiles, so it would need the registration moved into a conftest.)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, ClassVar

import pytest
from eth_utils.crypto import keccak
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from ledger.client import LedgerClient, dev_account
from ledger.contracts.revert import ContractRevert
from ledger.contracts.types import (
    AssetStatus,
    Category,
    Delivery,
    Grade,
    Kind,
    LicenseTerms,
    ObjectionStatus,
    ParticipantStatus,
    Registration,
    Right,
    Role,
    Trade,
)
from tests.contracts.conftest import CITY, OTHER_REGION, REGION, World, h
from tests.contracts.model import ZERO, BatchItemRefused, Ledger, Participant, Refused

settings.register_profile(
    "ci",
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
    report_multiple_bugs=False,
)
settings.register_profile(
    "soak",
    max_examples=500,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
    report_multiple_bugs=False,
)
PROFILE = os.environ.get("LEDGER_HYPOTHESIS_PROFILE", "ci")

DAY = 86_400

#: The world's participants as conftest admits them: roles, status, region, declarations filed.
ROSTER: dict[str, Participant] = {
    "authority": Participant(int(Role.AUTHORITY), ParticipantStatus.ACTIVE, REGION),
    "registrar": Participant(int(Role.REGISTRAR), ParticipantStatus.ACTIVE, REGION),
    "foreign_registrar": Participant(int(Role.REGISTRAR), ParticipantStatus.ACTIVE, OTHER_REGION),
    "exchange": Participant(int(Role.EXCHANGE), ParticipantStatus.ACTIVE, REGION),
    "bank": Participant(int(Role.SETTLEMENT_BANK), ParticipantStatus.ACTIVE, REGION),
    "holder": Participant(int(Role.DATA_HOLDER), ParticipantStatus.ACTIVE, CITY),
    "holder2": Participant(int(Role.DATA_HOLDER), ParticipantStatus.ACTIVE, CITY),
    "merchant": Participant(int(Role.DATA_MERCHANT), ParticipantStatus.ACTIVE, CITY, 1),
    "provider": Participant(int(Role.SERVICE_PROVIDER), ParticipantStatus.ACTIVE, CITY, 1),
    "supervisor": Participant(int(Role.SUPERVISOR), ParticipantStatus.ACTIVE, REGION),
    "suspended": Participant(int(Role.DATA_HOLDER | Role.DATA_MERCHANT), ParticipantStatus.SUSPENDED, CITY, 1),
}
#: Accounts the machine may admit (dev-mnemonic accounts 22-25, funded by anvil, unknown to the world).
NEWCOMERS = {f"newcomer{i}": dev_account(21 + i) for i in range(1, 5)}
ACTORS = [*ROSTER, "outsider", *NEWCOMERS]
TRADING = ["holder2", "merchant", "holder", "provider"]

NEWCOMER_ROLES = [
    Role.DATA_HOLDER,
    Role.DATA_MERCHANT,
    Role.SERVICE_PROVIDER,
    Role.DATA_HOLDER | Role.DATA_MERCHANT,
    Role.REGISTRAR,
    Role.EXCHANGE,
    Role.SETTLEMENT_BANK,
]
PURPOSES = [1101, 1102]
TERRITORIES = [(REGION, CITY), (REGION,), (CITY,), (REGION, CITY), (OTHER_REGION,)]
ABROAD = [("VN",), ("VN", "TH"), ("TH",)]


class Fields(dict[str, Any]):
    """Expected values of some fields of a struct (the others, such as timestamps, are not compared)."""


class LedgerMachine(RuleBasedStateMachine):
    world: ClassVar[World]

    def __init__(self) -> None:
        super().__init__()
        w = self.world
        self.snapshot = w.rpc.call("evm_snapshot")
        w.reset_nonces()
        self.clients: dict[str, LedgerClient] = {name: getattr(w, name) for name in [*ROSTER, "outsider"]}
        self.clients.update({name: w.authority.as_(acct) for name, acct in NEWCOMERS.items()})
        self.address = {name: c.address for name, c in self.clients.items()}
        self.name_of = {a: n for n, a in self.address.items()}
        self.model = Ledger({self.address[n]: Participant(**vars(p)) for n, p in ROSTER.items()})
        self.t0 = self.latest_time()
        self.model.now = self.t0
        self.counter = 0
        self.hashes: list[bytes] = []
        self.trade_ids: list[bytes] = []
        self.nonces_seen: set[tuple[str, int]] = set()

    def teardown(self) -> None:
        self.world.rpc.call("evm_revert", [self.snapshot])
        self.world.reset_nonces()

    # ─────────────────────────────────────────────────────────── plumbing

    def latest_time(self) -> int:
        return int(self.world.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)

    def block_number(self) -> int:
        return int(self.world.rpc.call("eth_blockNumber"), 16)

    def fresh(self, label: str) -> bytes:
        self.counter += 1
        return keccak(text=f"{label}-{self.counter}")

    def day(self, offset: int) -> int:
        """Midday of the day ``offset`` days from today: never within a few hours of the chain's clock."""
        today = (self.model.now - self.t0) // DAY
        return self.t0 + DAY // 2 + (today + offset) * DAY

    def attempt(self, label: str, model_op: Callable[[Ledger], Any], chain_op: Callable[[], Any]) -> Any:
        """Runs one operation on a copy of the model and on the chain; they must agree."""
        candidate = self.model.copy()
        refusal: Refused | None = None
        result: Any = None
        try:
            result = model_op(candidate)
        except Refused as exc:
            refusal = exc
        before = self.block_number()
        try:
            outcome = chain_op()
        except ContractRevert as exc:
            name, values = self.decode(exc.data)
            assert refusal is not None, f"{label}: the chain refused with {name}{values}, the model accepted"
            self.assert_same_refusal(label, refusal, name, values)
            assert self.block_number() == before, f"{label}: refused, yet a block was mined"
            return None
        assert refusal is None, f"{label}: the chain accepted, the model expected {refusal}"
        candidate.stamp(self.latest_time())
        self.model = candidate
        if result is not None and outcome is not None:
            assert outcome == result, f"{label}: the chain returned {outcome}, the model {result}"
        return result

    def decode(self, data: bytes) -> tuple[str, dict[str, Any]]:
        decoded = self.world.contracts.errors.decode(data)
        assert decoded is not None, f"revert data matches no custom error of the ledger: 0x{data.hex()}"
        return decoded

    def assert_same_refusal(self, label: str, refusal: Refused, name: str, values: dict[str, Any]) -> None:
        assert (name, values) == (refusal.name, refusal.values), (
            f"{label}: the chain refused with {name}{values}, the model expected {refusal}"
        )
        if isinstance(refusal, BatchItemRefused):
            self.assert_same_refusal(
                f"{label} item {refusal.values['index']}", refusal.inner, *self.decode(values["reason"])
            )

    # ─────────────────────────────────────────────────────────── draws

    @staticmethod
    def rarely(data: st.DataObject, label: str) -> bool:
        """True about one time in sixteen."""
        return data.draw(st.integers(0, 15), label=label) == 15

    def who(self, data: st.DataObject, preferred: list[str] | None = None) -> str:
        """Usually one of ``preferred`` (the callers meant to succeed), sometimes anyone."""
        if preferred and not self.rarely(data, "anyone?"):
            return data.draw(st.sampled_from(preferred), label="caller")
        return data.draw(st.sampled_from(ACTORS), label="caller")

    def pick(self, data: st.DataObject, ids: Iterable[int], label: str, prefer: Iterable[int] = ()) -> int:
        """Usually one of ``prefer`` (the ids the operation should succeed on), else any of ``ids``, or
        now and then an id that does not exist."""
        everything, preferred = sorted(ids), sorted(prefer)
        if not everything or self.rarely(data, f"unknown {label}?"):
            return len(everything) + 1
        pool = preferred if preferred and not self.rarely(data, f"any {label}?") else everything
        return data.draw(st.sampled_from(pool), label=label)

    def tradable(self) -> list[int]:
        """Assets that may be licensed, transferred and traded."""
        m = self.model
        return [
            i
            for i, a in m.assets.items()
            if a.status == AssetStatus.REGISTERED
            and not a.frozen
            and not a.disputed
            and (a.category != Category.PERSONAL or a.anonymised)
        ]

    def live_licences(self) -> list[int]:
        m = self.model
        tradable = self.tradable()
        return [i for i, lic in m.licences.items() if m.is_valid(i, m.now) and lic.asset_id in tradable]

    def named(self, address: str) -> str:
        return self.name_of.get(address, address)

    def holder_names(self, asset_id: int, right: Right) -> list[str]:
        a = self.model.assets.get(asset_id)
        return [self.named(a.holders[right])] if a else []

    def day_of(self, timestamp: int) -> int:
        """The offset from today of the day whose midday is ``timestamp`` (inverse of :meth:`day`)."""
        return (timestamp - self.t0 - DAY // 2) // DAY - (self.model.now - self.t0) // DAY

    def terms(
        self,
        data: st.DataObject,
        right: Right | None = None,
        purpose: int | None = None,
        within: tuple[int, int] | None = None,
    ) -> LicenseTerms:
        """Random terms; with ``within`` (a parent's period), usually inside it."""
        if within is not None and data.draw(st.booleans(), label="within parent?"):
            first_day, last_day = self.day_of(within[0]), self.day_of(within[1])
            first = data.draw(st.integers(first_day, max(first_day, last_day - 1)), label="start day")
            last = data.draw(st.integers(first + 1, max(first + 1, last_day)), label="end day")
        else:
            first = data.draw(st.sampled_from([0, -1, 1, 2, -2]), label="start day")
            last = first + data.draw(st.sampled_from([2, 1, 3, 4, 2, 1, 3, 4, 2, 1, 3, 4, 0, -1]), label="days")
        if right is None:
            right = (
                Right.HOLDING
                if self.rarely(data, "holding?")
                else data.draw(st.sampled_from([Right.PROCESSING, Right.OPERATION]), label="right")
            )
        return LicenseTerms(
            right=right,
            purpose=purpose if purpose is not None else data.draw(st.sampled_from(PURPOSES), label="purpose"),
            start=self.day(first),
            end=self.day(last),
            regions=data.draw(st.sampled_from(TERRITORIES), label="regions"),
            countries=data.draw(st.sampled_from(ABROAD), label="countries")
            if self.rarely(data, "cross-border?")
            else (),
            exclusive=data.draw(st.booleans(), label="exclusive"),
            sublicensable=data.draw(st.booleans(), label="sublicensable"),
            transferable=data.draw(st.booleans(), label="transferable"),
            terms_hash=h("terms"),
        )

    def show_terms(self, t: LicenseTerms) -> str:
        where = "+".join([*map(str, t.regions), *t.countries])
        flags = [
            f
            for f, on in (
                ("exclusive", t.exclusive),
                ("sublicensable", t.sublicensable),
                ("transferable", t.transferable),
                ("cross-border", bool(t.countries)),
            )
            if on
        ]
        return f"{t.right.name} purpose {t.purpose} days {self.day_of(t.start)}..{self.day_of(t.end)} in {where}" + (
            f" {'/'.join(flags)}" if flags else ""
        )

    def show_trade(self, t: Trade) -> str:
        what = (
            f"right {t.right.name}"
            if t.delivery == Delivery.RIGHT
            else (
                f"licence [{self.show_terms(t.terms)}]"
                + (f" under {t.parent_license_id}" if t.parent_license_id else "")
            )
        )
        return (
            f"trade {t.trade_id.hex()[:8]} asset {t.asset_id} {self.named(t.seller)} -> {self.named(t.buyer)} "
            f"price {t.price} fee {t.fee} {what}"
        )

    def other_trader(self, data: st.DataObject, than: str) -> str:
        """A trader other than ``than`` (usually), by name."""
        return self.who(data, [t for t in TRADING if self.address[t] != than])

    def trade(self, data: st.DataObject, *, fee: bool = True) -> Trade:
        m = self.model
        asset = self.pick(data, m.assets, "asset", self.tradable())
        reuse = self.trade_ids and data.draw(st.integers(0, 7), label="reuse trade id?") == 7
        trade_id = data.draw(st.sampled_from(self.trade_ids)) if reuse else self.fresh("trade")
        self.trade_ids.append(trade_id)
        price = data.draw(st.sampled_from([10_000, 500, 60_000]), label="price")
        fee_amount = (
            (price + 1 if self.rarely(data, "fee above price?") else data.draw(st.sampled_from([0, 100]), label="fee"))
            if fee
            else 0
        )
        licences = [i for i in self.live_licences() if m.licences[i].asset_id == asset and m.licences[i].sublicensable]
        licences = licences or [i for i, lic in m.licences.items() if lic.asset_id == asset]
        if data.draw(st.integers(0, 2), label="delivery") == 2:
            right = data.draw(st.sampled_from([Right.OPERATION, Right.PROCESSING, Right.HOLDING]), label="right")
            seller = self.address[self.who(data, self.holder_names(asset, right))]
            buyer = self.address[self.other_trader(data, seller)]
            return Trade(trade_id, asset, seller, buyer, price, fee_amount, Delivery.RIGHT, right)
        if licences and data.draw(st.integers(0, 2), label="sublicence?") == 2:
            parent = m.licences[data.draw(st.sampled_from(licences), label="parent")]
            seller = self.address[self.who(data, [self.named(parent.licensee)])]
            buyer = self.address[self.other_trader(data, seller)]
            terms = self.terms(data, parent.right, parent.purpose, (parent.start, parent.end))
            return Trade(
                trade_id, asset, seller, buyer, price, fee_amount, Delivery.LICENSE, parent.right, parent.id, terms
            )
        terms = self.terms(data)
        seller = self.address[self.who(data, self.holder_names(asset, terms.right))]
        buyer = self.address[self.other_trader(data, seller)]
        return Trade(trade_id, asset, seller, buyer, price, fee_amount, Delivery.LICENSE, terms.right, 0, terms)

    # ─────────────────────────────────────────────────────────── a market to start from

    @initialize(category=st.sampled_from(list(Category)), kind=st.sampled_from([Kind.DATASET, Kind.MODEL]))
    def open_market(self, category: Category, kind: Kind) -> None:
        """One registered asset (anonymised when personal), funded buyers who approved the exchange, a price band."""
        c, a = self.clients, self.address
        content = self.fresh("content")
        self.hashes.append(content)
        reg = Registration(
            content, h("metadata"), "ipfs://meta", "Opening asset", category, Grade.GENERAL, kind, REGION
        )
        asset = self.attempt(
            "apply",
            lambda m: m.apply_registration(a["holder"], content, category, Grade.GENERAL, kind, REGION),
            lambda: c["holder"].apply_registration(reg),
        )
        self.attempt(
            "review",
            lambda m: m.review_registration(a["registrar"], asset, True),
            lambda: c["registrar"].review_registration(asset, True, h("review")),
        )
        if category == Category.PERSONAL:
            self.attempt(
                "attest",
                lambda m: m.attest_anonymisation(a["provider"], asset),
                lambda: c["provider"].attest_anonymisation(asset, h("report")),
            )
        for buyer in ("holder2", "merchant"):
            self.attempt(
                f"issue to {buyer}",
                partial(Ledger.issue, caller=a["bank"], to=a[buyer], amount=200_000),
                partial(c["bank"].issue, a[buyer], 200_000),
            )
            self.attempt(
                f"{buyer} approves",
                partial(Ledger.approve, caller=a[buyer], spender=a["exchange"], amount=150_000),
                partial(c[buyer].approve, a["exchange"], 150_000),
            )
        self.attempt(
            "band",
            lambda m: m.set_price_band(a["authority"], int(kind), 1_000, 50_000),
            lambda: c["authority"].set_price_band(kind, 1_000, 50_000),
        )

    # ─────────────────────────────────────────────────────────── participants

    def admit(self, data: st.DataObject) -> None:
        caller = self.who(data, ["authority"])
        waiting = [n for n in NEWCOMERS if self.address[n] not in self.model.participants]
        newcomer = self.who(data, waiting) if waiting else data.draw(st.sampled_from(list(NEWCOMERS)), label="newcomer")
        roles = int(data.draw(st.sampled_from(NEWCOMER_ROLES), label="roles"))
        region = data.draw(st.sampled_from([REGION, OTHER_REGION, CITY]), label="region")
        account = self.address[newcomer]
        self.attempt(
            f"admit {newcomer} by {caller}",
            lambda m: m.admit(self.address[caller], account, roles, region),
            lambda: self.clients[caller].admit(account, Role(roles), region, f"Newcomer {newcomer}"),
        )

    def change_status(self, data: st.DataObject) -> None:
        caller = self.who(data, ["authority"])
        target = data.draw(st.sampled_from(ACTORS), label="target")
        action = data.draw(st.sampled_from(["suspend", "suspend", "reinstate", "reinstate", "revoke"]), label="action")
        account = self.address[target]
        self.attempt(
            f"{action} {target} by {caller}",
            lambda m: getattr(m, action)(self.address[caller], account),
            lambda: getattr(self.clients[caller], action)(account, h(f"{action} decision")),
        )

    def set_roles(self, data: st.DataObject) -> None:
        caller = self.who(data, ["authority"])
        target = data.draw(st.sampled_from(ACTORS), label="target")
        roles = int(data.draw(st.sampled_from([*NEWCOMER_ROLES, Role.AUTHORITY]), label="roles"))
        account = self.address[target]
        self.attempt(
            f"set roles of {target} by {caller}",
            lambda m: m.set_roles(self.address[caller], account, roles),
            lambda: self.clients[caller].set_roles(account, Role(roles)),
        )

    def file_declaration(self, data: st.DataObject) -> None:
        caller = self.who(data)
        self.attempt(
            f"declaration by {caller}",
            lambda m: m.file_declaration(self.address[caller]),
            lambda: self.clients[caller].file_declaration(h(f"declaration of {caller}")),
        )

    # ─────────────────────────────────────────────────────────── registration

    def apply_registration(self, data: st.DataObject) -> None:
        caller = self.who(data, ["holder", "holder2", "merchant"])
        if self.hashes and data.draw(st.integers(0, 3), label="same content?") == 3:
            content = data.draw(st.sampled_from(self.hashes), label="content")
        else:
            content = self.fresh("content")
            self.hashes.append(content)
        category = data.draw(st.sampled_from(list(Category)), label="category")
        grade = data.draw(st.sampled_from([Grade.GENERAL, Grade.GENERAL, Grade.IMPORTANT, Grade.CORE]), label="grade")
        kind = data.draw(st.sampled_from([Kind.DATASET, Kind.MODEL]), label="kind")
        region = data.draw(st.sampled_from([REGION, REGION, OTHER_REGION]), label="region")
        split = data.draw(st.sampled_from([None, None, None, "merchant", "provider", "holder2"]), label="split to")
        processing = self.address[split] if split else ZERO
        reg = Registration(
            content,
            h("metadata"),
            "ipfs://meta",
            "An asset",
            category,
            grade,
            kind,
            region,
            processing_holder=processing,
        )
        self.attempt(
            f"apply by {caller}",
            lambda m: m.apply_registration(self.address[caller], content, category, grade, kind, region, processing),
            lambda: self.clients[caller].apply_registration(reg),
        )

    def review(self, data: st.DataObject) -> None:
        caller = self.who(data, ["registrar", "registrar", "foreign_registrar"])
        asset = self.pick(
            data,
            self.model.assets,
            "asset",
            [i for i, a in self.model.assets.items() if a.status == AssetStatus.PENDING],
        )
        approve = data.draw(st.integers(0, 3), label="approve?") < 3
        self.attempt(
            f"review {asset} by {caller}",
            lambda m: m.review_registration(self.address[caller], asset, approve),
            lambda: self.clients[caller].review_registration(asset, approve, h("review")),
        )

    def cancel(self, data: st.DataObject) -> None:
        asset = self.pick(data, self.model.assets, "asset")
        caller = self.who(data, [*self.holder_names(asset, Right.HOLDING), "registrar"])
        self.attempt(
            f"cancel {asset} by {caller}",
            lambda m: m.cancel_registration(self.address[caller], asset),
            lambda: self.clients[caller].cancel_registration(asset, h("cancel")),
        )

    def change_registration(self, data: st.DataObject) -> None:
        asset = self.pick(data, self.model.assets, "asset")
        caller = self.who(data, self.holder_names(asset, Right.HOLDING))
        self.attempt(
            f"change {asset} by {caller}",
            lambda m: m.change_registration(self.address[caller], asset),
            lambda: self.clients[caller].change_registration(asset, h("metadata v2"), "ipfs://v2"),
        )

    @precondition(lambda self: self.model.assets)
    @rule(data=st.data())
    def transfer_right(self, data: st.DataObject) -> None:
        asset = self.pick(data, self.model.assets, "asset", self.tradable())
        right = data.draw(st.sampled_from([Right.OPERATION, Right.PROCESSING, Right.HOLDING]), label="right")
        caller = self.who(data, self.holder_names(asset, right))
        to = self.other_trader(data, self.address[caller])
        self.attempt(
            f"transfer {right.name} of {asset} {caller} -> {to}",
            lambda m: m.transfer_right(self.address[caller], asset, right, self.address[to]),
            lambda: self.clients[caller].transfer_right(asset, right, self.address[to]),
        )

    @precondition(lambda self: self.model.assets)
    @rule(data=st.data())
    def lodge_objection(self, data: st.DataObject) -> None:
        caller = self.who(data)
        asset = self.pick(data, self.model.assets, "asset")
        self.attempt(
            f"object to {asset} by {caller}",
            lambda m: m.lodge_objection(self.address[caller], asset),
            lambda: self.clients[caller].lodge_objection(asset, h("evidence")),
        )

    @precondition(lambda self: self.model.objections)
    @rule(data=st.data())
    def resolve_objection(self, data: st.DataObject) -> None:
        caller = self.who(data, ["registrar", "registrar", "foreign_registrar"])
        objection = self.pick(
            data,
            self.model.objections,
            "objection",
            [i for i, o in self.model.objections.items() if o.status == ObjectionStatus.OPEN],
        )
        upheld = data.draw(st.booleans(), label="upheld")
        self.attempt(
            f"resolve objection {objection} by {caller}",
            lambda m: m.resolve_objection(self.address[caller], objection, upheld),
            lambda: self.clients[caller].resolve_objection(objection, upheld, h("decision")),
        )

    def freeze_or_unfreeze(self, data: st.DataObject) -> None:
        caller = self.who(data, ["authority"])
        asset = self.pick(data, self.model.assets, "asset")
        action = data.draw(st.sampled_from(["freeze", "unfreeze"]), label="action")
        self.attempt(
            f"{action} {asset} by {caller}",
            lambda m: getattr(m, action)(self.address[caller], asset),
            lambda: getattr(self.clients[caller], action)(asset, h(action)),
        )

    def attest_anonymisation(self, data: st.DataObject) -> None:
        caller = self.who(data, ["provider"])
        asset = self.pick(
            data,
            self.model.assets,
            "asset",
            [i for i, a in self.model.assets.items() if a.category == Category.PERSONAL],
        )
        self.attempt(
            f"attest {asset} by {caller}",
            lambda m: m.attest_anonymisation(self.address[caller], asset),
            lambda: self.clients[caller].attest_anonymisation(asset, h("report")),
        )

    # ─────────────────────────────────────────────────────────── licences

    @precondition(lambda self: self.model.assets)
    @rule(data=st.data())
    def grant_license(self, data: st.DataObject) -> None:
        asset = self.pick(data, self.model.assets, "asset", self.tradable())
        terms = self.terms(data)
        caller = self.who(data, self.holder_names(asset, terms.right))
        licensee = self.other_trader(data, self.address[caller])
        self.attempt(
            f"grant {asset} {caller} -> {licensee}: {self.show_terms(terms)}",
            lambda m: m.grant_license(self.address[caller], asset, self.address[licensee], terms),
            lambda: self.clients[caller].grant_license(asset, self.address[licensee], terms),
        )

    @precondition(lambda self: self.model.licences)
    @rule(data=st.data())
    def sublicense(self, data: st.DataObject) -> None:
        parent_id = self.pick(
            data,
            self.model.licences,
            "parent",
            [i for i in self.live_licences() if self.model.licences[i].sublicensable],
        )
        parent = self.model.licences.get(parent_id)
        if parent is not None:
            caller = self.who(data, [self.named(parent.licensee)])
            terms = self.terms(data, parent.right, parent.purpose, (parent.start, parent.end))
        else:
            caller, terms = self.who(data, TRADING), self.terms(data)
        licensee = self.other_trader(data, self.address[caller])
        self.attempt(
            f"sublicense {parent_id} {caller} -> {licensee}: {self.show_terms(terms)}",
            lambda m: m.sublicense(self.address[caller], parent_id, self.address[licensee], terms),
            lambda: self.clients[caller].sublicense(parent_id, self.address[licensee], terms),
        )

    @precondition(lambda self: self.model.licences)
    @rule(data=st.data())
    def revoke_license(self, data: st.DataObject) -> None:
        licence_id = self.pick(
            data, self.model.licences, "licence", [i for i, lic in self.model.licences.items() if not lic.revoked]
        )
        lic = self.model.licences.get(licence_id)
        preferred = ["authority"]
        if lic is not None:
            preferred += self.holder_names(lic.asset_id, lic.right)
            if lic.parent_id:
                preferred.append(self.named(self.model.licences[lic.parent_id].licensee))
        caller = self.who(data, preferred)
        self.attempt(
            f"revoke licence {licence_id} by {caller}",
            lambda m: m.revoke_license(self.address[caller], licence_id),
            lambda: self.clients[caller].revoke_license(licence_id, h("revocation")),
        )

    @precondition(lambda self: self.model.licences)
    @rule(data=st.data())
    def transfer_license(self, data: st.DataObject) -> None:
        licence_id = self.pick(
            data,
            self.model.licences,
            "licence",
            [i for i in self.live_licences() if self.model.licences[i].transferable],
        )
        lic = self.model.licences.get(licence_id)
        caller = self.who(data, [self.named(lic.licensee)] if lic else None)
        to = self.other_trader(data, self.address[caller])
        self.attempt(
            f"transfer licence {licence_id} {caller} -> {to}",
            lambda m: m.transfer_license(self.address[caller], licence_id, self.address[to]),
            lambda: self.clients[caller].transfer_license(licence_id, self.address[to]),
        )

    # ─────────────────────────────────────────────────────────── token

    def issue(self, data: st.DataObject) -> None:
        caller = self.who(data, ["bank"])
        to = self.who(data, TRADING)
        amount = data.draw(st.sampled_from([1_000, 50_000]), label="amount")
        self.attempt(
            f"issue {amount} to {to} by {caller}",
            lambda m: m.issue(self.address[caller], self.address[to], amount),
            lambda: self.clients[caller].issue(self.address[to], amount),
        )

    def transfer_tokens(self, data: st.DataObject) -> None:
        caller = self.who(data, TRADING)
        to = self.other_trader(data, self.address[caller])
        amount = data.draw(st.sampled_from([100, 30_000]), label="amount")
        self.attempt(
            f"transfer {amount} {caller} -> {to}",
            lambda m: m.transfer(self.address[caller], self.address[to], amount),
            lambda: self.clients[caller].transfer(self.address[to], amount),
        )

    def approve_exchange(self, data: st.DataObject) -> None:
        # Active owners only: an inactive owner's approval is a known contract bug (see the permission matrix).
        active = [n for n in ACTORS if self.model.is_active(self.address[n])]
        caller = data.draw(st.sampled_from(active), label="owner")
        amount = data.draw(st.sampled_from([0, 20_000, 150_000]), label="amount")
        exchange = self.address["exchange"]
        self.attempt(
            f"{caller} approves {amount}",
            lambda m: m.approve(self.address[caller], exchange, amount),
            lambda: self.clients[caller].approve(exchange, amount),
        )

    # ─────────────────────────────────────────────────────────── settlement

    @precondition(lambda self: self.model.assets)
    @rule(data=st.data())
    def settle(self, data: st.DataObject) -> None:
        caller = self.who(data, ["exchange"])
        trade = self.trade(data)
        self.attempt(
            f"settle {self.show_trade(trade)} by {caller}",
            lambda m: m.settle(self.address[caller], trade),
            lambda: self._licence_of(self.clients[caller].settle(trade)),
        )

    @precondition(lambda self: self.model.assets)
    @rule(data=st.data())
    def settle_batch(self, data: st.DataObject) -> None:
        caller = self.who(data, ["exchange"])
        trades = [self.trade(data) for _ in range(data.draw(st.sampled_from([1, 2, 1, 3]), label="batch size"))]
        self.attempt(
            f"settle batch {[self.show_trade(t) for t in trades]} by {caller}",
            lambda m: m.settle_batch(self.address[caller], trades),
            lambda: self.clients[caller].settle_batch(trades),
        )

    @precondition(lambda self: self.model.assets)
    @rule(data=st.data())
    def settle_direct(self, data: st.DataObject) -> None:
        trade = self.trade(data, fee=data.draw(st.integers(0, 5), label="fee?") == 5)
        party = data.draw(st.sampled_from([trade.seller, trade.buyer]), label="party")
        caller = self.who(data, [self.named(party)])
        nonce = self.nonce(data)
        self.nonces_seen |= {(trade.seller, nonce), (trade.buyer, nonce)}
        expired = data.draw(st.integers(0, 7), label="expired?") == 7
        deadline = self.model.now - 600 if expired else self.model.now + DAY // 4
        seller, buyer = self.clients[self.named(trade.seller)], self.clients[self.named(trade.buyer)]
        sigs = (seller.sign_direct_trade(trade, nonce, deadline), buyer.sign_direct_trade(trade, nonce, deadline))
        self.attempt(
            f"settle direct {self.show_trade(trade)} nonce {nonce} by {caller}",
            lambda m: m.settle_direct(self.address[caller], trade, nonce, deadline),
            lambda: self._licence_of(self.clients[caller].settle_direct(trade, nonce, deadline, *sigs)),
        )

    def invalidate_nonce(self, data: st.DataObject) -> None:
        caller = self.who(data, TRADING)
        nonce = self.nonce(data)
        self.nonces_seen.add((self.address[caller], nonce))
        self.attempt(
            f"{caller} invalidates nonce {nonce}",
            lambda m: m.invalidate_nonce(self.address[caller], nonce),
            lambda: self.clients[caller].invalidate_nonce(nonce),
        )

    def set_revenue_shares(self, data: st.DataObject) -> None:
        asset = self.pick(data, self.model.assets, "asset")
        caller = self.who(data, self.holder_names(asset, Right.HOLDING))
        recipients = data.draw(
            st.lists(st.sampled_from(["merchant", "provider", "suspended", "supervisor"]), max_size=2),
            label="recipients",
        )
        shares = [
            (self.address[r], data.draw(st.sampled_from([0, 500, 2_500, 9_000]), label="bps")) for r in recipients
        ]
        self.attempt(
            f"shares of {asset} by {caller}: {shares}",
            lambda m: m.set_revenue_shares(self.address[caller], asset, shares),
            lambda: self.clients[caller].set_revenue_shares(asset, shares),
        )

    def set_price_band(self, data: st.DataObject) -> None:
        caller = self.who(data, ["authority"])
        kind = data.draw(st.sampled_from([Kind.DATASET, Kind.MODEL]), label="kind")
        low, high = data.draw(st.sampled_from([(0, 100_000), (1_000, 20_000), (5_000, 1_000), (0, 0)]), label="band")
        self.attempt(
            f"band {kind.name} {low}..{high} by {caller}",
            lambda m: m.set_price_band(self.address[caller], int(kind), low, high),
            lambda: self.clients[caller].set_price_band(kind, low, high),
        )

    # Grouped, so that the operations that build up a market (registrations, licences, trades) are drawn more often.

    @rule(
        data=st.data(),
        action=st.sampled_from(["file_declaration", "change_status", "admit", "set_roles", "invalidate_nonce"]),
    )
    def administer_participants(self, data: st.DataObject, action: str) -> None:
        getattr(self, action)(data)

    @precondition(lambda self: self.model.assets)
    @rule(
        data=st.data(),
        action=st.sampled_from(["attest_anonymisation", "freeze_or_unfreeze", "change_registration", "cancel"]),
    )
    def administer_asset(self, data: st.DataObject, action: str) -> None:
        getattr(self, action)(data)

    @rule(data=st.data(), action=st.sampled_from(["review", "apply_registration", "review"]))
    def register(self, data: st.DataObject, action: str) -> None:
        getattr(self, action)(data)

    @rule(data=st.data(), action=st.sampled_from(["issue", "approve_exchange", "transfer_tokens"]))
    def move_money(self, data: st.DataObject, action: str) -> None:
        getattr(self, action)(data)

    @precondition(lambda self: self.model.assets)
    @rule(data=st.data(), action=st.sampled_from(["set_revenue_shares", "set_price_band"]))
    def configure_settlement(self, data: st.DataObject, action: str) -> None:
        getattr(self, action)(data)

    @rule(days=st.integers(1, 3))
    def time_passes(self, days: int) -> None:
        self.world.rpc.call("evm_increaseTime", [days * DAY])
        self.world.rpc.call("evm_mine")

    def nonce(self, data: st.DataObject) -> int:
        """A nonce nobody used yet, or now and then one somebody used or invalidated."""
        if self.nonces_seen and self.rarely(data, "used nonce?"):
            return data.draw(st.sampled_from(sorted({n for _, n in self.nonces_seen})), label="nonce")
        self.counter += 1
        return self.counter

    @staticmethod
    def _licence_of(result: Any) -> int:
        settled = result.find("TradeSettled")
        assert len(settled) == 1
        return int(settled[0]["licenseId"])

    # ─────────────────────────────────────────────────────────── the chain equals the model

    @invariant()
    def chain_matches_model(self) -> None:
        m = self.model
        m.now = self.latest_time()
        accounts = list(self.address.values())
        later = [m.now, m.now + DAY, m.now + 3 * DAY]
        checks: list[tuple[str, str, tuple[Any, ...], Any]] = [
            ("AssetRegistry", "assetCount", (), len(m.assets)),
            ("AssetRegistry", "licenseCount", (), len(m.licences)),
            ("AssetRegistry", "objectionCount", (), len(m.objections)),
            ("SettlementToken", "totalSupply", (), m.supply),
        ]
        for account in accounts:
            p = m.participants.get(account)
            expected = (
                Fields(roles=p.roles, status=int(p.status), region=p.region, declarations=p.declarations)
                if p
                else (Fields(roles=0, status=0, region=0, declarations=0))
            )
            checks.append(("ParticipantRegistry", "getParticipant", (account,), expected))
            checks.append(("SettlementToken", "balanceOf", (account,), m.balances.get(account, 0)))
            checks.append(
                (
                    "SettlementToken",
                    "allowance",
                    (account, self.address["exchange"]),
                    m.allowances.get((account, self.address["exchange"]), 0),
                )
            )
        for asset_id, a in m.assets.items():
            checks.append(("AssetRegistry", "getAsset", (asset_id,), a.view()))
            shares = [{"recipient": r, "bps": b} for r, b in m.shares.get(asset_id, [])]
            checks.append(("TradeSettlement", "revenueShares", (asset_id,), shares))
        for licence_id, lic in m.licences.items():
            checks.append(("AssetRegistry", "getLicense", (licence_id,), lic.view()))
            checks.append(("AssetRegistry", "childrenOf", (licence_id,), lic.children))
            for t in later:
                checks.append(("AssetRegistry", "isLicenseValid", (licence_id, t), m.is_valid(licence_id, t)))
        for objection_id, o in m.objections.items():
            checks.append(
                (
                    "AssetRegistry",
                    "getObjection",
                    (objection_id,),
                    Fields(assetId=o.asset_id, objector=o.objector, status=int(o.status), lodgedAt=o.lodged_at),
                )
            )
        for trade_id in dict.fromkeys(self.trade_ids):
            checks.append(("TradeSettlement", "isSettled", (trade_id,), trade_id in m.settled))
        for kind in (Kind.DATASET, Kind.MODEL):
            low, high = m.bands.get(int(kind), (0, 0))
            checks.append(("TradeSettlement", "priceBand", (int(kind),), {"min": low, "max": high}))
        for account, nonce in sorted(self.nonces_seen):
            checks.append(("TradeSettlement", "nonceUsed", (account, nonce), (account, nonce) in m.nonces))
        got = self.read_many([(c, f, args) for c, f, args, _ in checks])
        mismatches = []
        for (contract, fn, args, expected), value in zip(checks, got, strict=True):
            if isinstance(expected, Fields):
                value = {k: value[k] for k in expected}
            if value != expected:
                shown = tuple(self.named(a) if isinstance(a, str) else a for a in args)
                mismatches.append(f"{contract}.{fn}{shown}: chain {value!r} != model {expected!r}")
        assert not mismatches, "the chain and the model disagree:\n  " + "\n  ".join(mismatches)

    def read_many(self, calls: list[tuple[str, str, tuple[Any, ...]]]) -> list[Any]:
        w = self.world
        requests = [
            (
                "eth_call",
                [
                    {"to": w.contracts.address[c], "data": "0x" + w.contracts.codecs[c].encode_call(f, *a).hex()},
                    "latest",
                ],
            )
            for c, f, a in calls
        ]
        answers = w.rpc.batch(requests)
        return [
            w.contracts.codecs[c].decode_output(f, bytes.fromhex(answer[2:]))
            for (c, f, _), answer in zip(calls, answers, strict=True)
        ]


@pytest.fixture
def machine_world(anvil_world: World) -> Iterator[World]:
    """The anvil world, restored after the run (each example also runs in its own snapshot)."""
    snapshot = anvil_world.rpc.call("evm_snapshot")
    try:
        yield anvil_world
    finally:
        anvil_world.rpc.call("evm_revert", [snapshot])
        anvil_world.reset_nonces()


def test_random_operation_sequences_keep_chain_and_model_in_agreement(machine_world: World) -> None:
    LedgerMachine.world = machine_world
    run_state_machine_as_test(LedgerMachine, settings=settings.get_profile(PROFILE))
