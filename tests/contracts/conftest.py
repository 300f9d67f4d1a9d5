"""A deployed ledger with one participant per role, on anvil (and on in-process py-evm).

The authority is the ledger's governance, as deployed: ``world.authority`` acts through it with the dev officers'
keys (:class:`ledger.governance.CouncilClient`: 2 of the 3 council officers sign, the clock moves past the council's
delay; freezes and suspensions by one emergency officer, at once). Session-scoped per backend; every test runs
inside an ``evm_snapshot`` that is reverted after it, so tests see a fresh world and stay independent.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from ledger.chain import EmbeddedNode
from ledger.chain.rpc import JsonRpcClient
from ledger.client import Contracts, LedgerClient, TxResult, dev_account, make_sender
from ledger.contracts.credit_code import credit_code_hash
from ledger.contracts.deploy import deploy_system
from ledger.contracts.types import (
    Category,
    Delivery,
    Grade,
    Kind,
    LicenseTerms,
    Listing,
    Mandate,
    Offer,
    Registration,
    Right,
    Role,
    SalesConsent,
    Trade,
)
from ledger.governance import CouncilClient, GovernanceConfig
from ledger.settings import LedgerSettings
from ledger.toolchain import Build, compile_contracts
from tests.chain.inprocess import InProcessRpc
from tests.conftest import free_port
from tests.credit_codes import code_for

REGION = 450000  # Guangxi
OTHER_REGION = 440000  # Guangdong
CITY = 450100  # Nanning

_counter = itertools.count(1)

#: The hash of the reserve attestation the world's bank names when it issues tokens.
RESERVE = keccak(text="reserve attestation 2026-Q1")
#: The world's bank's issuance limit, set by the council with the admissions.
BANK_LIMIT = 10**15


def h(label: str) -> bytes:
    """A 32-byte document hash for ``label``."""
    return keccak(text=label)


def unique_hash(prefix: str = "content") -> bytes:
    return keccak(text=f"{prefix}-{next(_counter)}")


@dataclass
class World:
    """Clients of a deployed system, one per role; ``chain_time()`` is the latest block's timestamp."""

    rpc: JsonRpcClient | InProcessRpc
    contracts: Contracts
    authority: CouncilClient
    registrar: LedgerClient
    foreign_registrar: LedgerClient
    exchange: LedgerClient
    bank: LedgerClient
    holder: LedgerClient
    holder2: LedgerClient
    merchant: LedgerClient
    provider: LedgerClient
    supervisor: LedgerClient
    suspended: LedgerClient
    outsider: LedgerClient

    def chain_time(self) -> int:
        block = self.rpc.call("eth_getBlockByNumber", ["latest", False])
        return int(block["timestamp"], 16)

    def client_of(self, address: str) -> LedgerClient:
        """The client acting as ``address`` (any client made with ``as_`` or :meth:`admit`)."""
        for c in [*self.all_clients(), *self.authority._siblings.values()]:
            if c.address.lower() == address.lower():
                return c
        raise KeyError(f"no client for {address}")

    def consent(
        self, trades: Trade | list[Trade], *, min_net: int | list[int] = 0, exchange: LedgerClient | None = None,
        nonce: int | None = None, deadline: int | None = None, signer: LedgerClient | None = None,
    ) -> SalesConsent:
        """The seller's (or ``signer``'s) signed consent to ``exchange`` (default the world's) settling ``trades``."""
        batch = trades if isinstance(trades, list) else [trades]
        nets = min_net if isinstance(min_net, list) else [min_net] * len(batch)
        seller = signer or self.client_of(batch[0].seller)
        return seller.sign_sales_consent(
            list(zip(batch, nets, strict=True)), (exchange or self.exchange).address,
            nonce=next(_counter) if nonce is None else nonce,
            deadline=self.chain_time() + 3600 if deadline is None else deadline,
        )  # fmt: skip

    def settle(
        self, trade: Trade, *, min_net: int = 0, exchange: LedgerClient | None = None, gas: int | None = None
    ) -> TxResult:
        """Settles ``trade`` on the exchange with its seller's signed consent (netting at least ``min_net``)."""
        ex = exchange or self.exchange
        return ex.settle(trade, min_net, self.consent(trade, min_net=min_net, exchange=ex), gas=gas)

    def settle_batch(
        self, trades: list[Trade], *, atomic: bool = True, exchange: LedgerClient | None = None,
        gas: int | None = None,
    ) -> TxResult:
        """Settles ``trades`` with one consent per seller (covering its trades in batch order), minimum net 0."""
        ex = exchange or self.exchange
        sellers: list[str] = []
        for t in trades:
            if t.seller not in sellers:
                sellers.append(t.seller)
        consents = [self.consent([t for t in trades if t.seller == s], exchange=ex) for s in sellers]
        return ex.settle_batch(
            trades, [0] * len(trades), consents, [sellers.index(t.seller) for t in trades], atomic=atomic, gas=gas
        )

    def mandate(
        self, asset_id: int, seller: LedgerClient, terms: LicenseTerms | None = None, *, min_net: int = 0,
        days: int = 3650, right: Right = Right.PROCESSING, delivery: Delivery = Delivery.LICENSE,
        parent_license_id: int = 0, exchange: LedgerClient | None = None, expiry: int | None = None,
    ) -> Mandate:
        """A mandate of ``seller`` to the exchange: licences cut from ``terms`` (start and end zeroed) or a right."""
        template = LicenseTerms(right=right, purpose=0, start=0, end=0) if terms is None else LicenseTerms(
            right=terms.right, purpose=terms.purpose, start=0, end=0, regions=terms.regions, countries=terms.countries,
            exclusive=terms.exclusive, sublicensable=terms.sublicensable, transferable=terms.transferable,
            terms_hash=terms.terms_hash,
        )  # fmt: skip
        return Mandate(
            seller=seller.address, exchange=(exchange or self.exchange).address, asset_id=asset_id, delivery=delivery,
            right=right, min_net=min_net, expiry=self.chain_time() + 30 * 86400 if expiry is None else expiry,
            max_duration=days * 86400, parent_license_id=parent_license_id, terms=template, salt=next(_counter),
        )  # fmt: skip

    def listing(
        self, asset_id: int, seller: LedgerClient | None = None, terms: LicenseTerms | None = None, *,
        min_price: int = 1_000, max_price: int = 10_000, min_net: int = 0, days: int = 365,
        right: Right = Right.PROCESSING, delivery: Delivery = Delivery.LICENSE, parent_license_id: int = 0,
        version: int = 1, listing_id: bytes | None = None, start: int | None = None, end: int | None = None,
        document: str = "listing document",
    ) -> Listing:
        """A listing of ``seller``'s (default the holder's) product: licences cut from ``terms`` (start and end
        zeroed) at most ``days`` long, or a right; for sale from now (or ``start``) for 30 days (or to ``end``)."""
        now = self.chain_time()
        licence = delivery == Delivery.LICENSE
        template = LicenseTerms(right=right, purpose=0, start=0, end=0) if terms is None else LicenseTerms(
            right=terms.right, purpose=terms.purpose, start=0, end=0, regions=terms.regions, countries=terms.countries,
            exclusive=terms.exclusive, sublicensable=terms.sublicensable, transferable=terms.transferable,
            terms_hash=terms.terms_hash,
        )  # fmt: skip
        offer = Offer(
            listing_id=listing_id or unique_hash("listing"), min_price=min_price, max_price=max_price,
            min_net=min_net, start=now if start is None else start, end=now + 30 * 86400 if end is None else end,
            max_duration=days * 86400 if licence else 0,
        )  # fmt: skip
        return Listing(
            seller=(seller or self.holder).address, asset_id=asset_id, delivery=delivery, right=right, offer=offer,
            document_hash=h(document), version=version, parent_license_id=parent_license_id,
            terms=template if licence else LicenseTerms(right, 0, 0, 0),
        )  # fmt: skip

    def list_product(self, listing: Listing, *, exchange: LedgerClient | None = None) -> bytes:
        """Lists ``listing`` on the exchange (default the world's) with its seller's signature; its key."""
        ex = exchange or self.exchange
        return ex.list_product(listing, self.client_of(listing.seller).sign_listing(listing, ex.address))

    def refused_block(self, before: int) -> int:
        """The block holding the transaction a refused call sent after block ``before``: the next block, or, for
        the authority, the last block of its governance path (the council's Safe scheduling the call, a block that
        moves the clock past the delay, then the executing transaction: the one refused). Asserts that the blocks
        in between hold nothing but the council's scheduling."""
        last = int(self.rpc.call("eth_blockNumber"), 16)
        council = self.contracts.address["CouncilSafe"].lower()
        for n in range(before + 1, last):
            txs = self.rpc.call("eth_getBlockByNumber", [hex(n), True])["transactions"]
            assert all((t.get("to") or "").lower() == council for t in txs), (
                f"block {n}, before the refused transaction, holds a transaction other than the council's scheduling"
            )
        return last

    def all_clients(self) -> list[LedgerClient]:
        return [
            self.authority, self.registrar, self.foreign_registrar, self.exchange, self.bank, self.holder,
            self.holder2, self.merchant, self.provider, self.supervisor, self.suspended, self.outsider,
        ]  # fmt: skip

    def reset_nonces(self) -> None:
        """Forget every cached nonce, also of clients made in a test with ``as_`` or :meth:`admit`."""
        for c in [*self.all_clients(), *self.authority._siblings.values()]:
            c.sender._nonce = None

    def admit(
        self, index: int, roles: Role, region: int = CITY, name: str = "Newcomer Co.", *, declare: bool = False
    ) -> LedgerClient:
        """Admits dev account ``index`` (12-49 are free; anvil and py-evm fund them) and returns its client."""
        account = dev_account(index)
        self.authority.admit(account.address, roles, region, name, code_for(account.address))
        client = self.authority.as_(account)
        if declare:
            client.file_declaration(h(f"declaration {index}"))
        return client

    def fund(self, buyer: LedgerClient, amount: int, *, approve: bool = True) -> None:
        """Issues ``amount`` to ``buyer`` and, unless told not to, lets the exchange spend it."""
        self.bank.issue(buyer.address, amount, RESERVE)
        if approve:
            buyer.approve(self.exchange.address, amount)

    # ── shortcuts used across the suite

    def registration(
        self, category: Category = Category.ENTERPRISE, grade: Grade = Grade.GENERAL, **kw: object
    ) -> Registration:
        fields: dict[str, object] = dict(
            content_hash=unique_hash(),
            metadata_hash=h("metadata"),
            metadata_uri="ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
            name="Nanning bus ridership 2025",
            category=category,
            grade=grade,
            kind=Kind.DATASET,
            region=REGION,
        )
        fields.update(kw)
        return Registration(**fields)  # type: ignore[arg-type]

    def registered_asset(self, owner: LedgerClient | None = None, **kw: object) -> int:
        """An asset applied for by ``owner`` (default holder) and approved by the registrar."""
        owner = owner or self.holder
        asset_id = owner.apply_registration(self.registration(**kw))
        self.registrar.review_registration(asset_id, True, h("review"))
        if kw.get("category") == Category.PERSONAL and self.provider.address != owner.address:
            self.provider.attest_anonymisation(asset_id, h("anonymisation report"))
        return asset_id

    def terms(
        self, right: Right = Right.PROCESSING, purpose: int = 1101, days: int = 365, **kw: object
    ) -> LicenseTerms:
        now = self.chain_time()
        fields: dict[str, object] = dict(
            right=right, purpose=purpose, start=now, end=now + days * 86400, regions=(REGION,), terms_hash=h("terms")
        )
        fields.update(kw)
        return LicenseTerms(**fields)  # type: ignore[arg-type]


def _accounts() -> dict[str, LocalAccount]:
    names = [
        "authority", "registrar", "foreign_registrar", "exchange", "bank", "holder", "holder2", "merchant",
        "provider", "supervisor", "suspended", "outsider",
    ]  # fmt: skip
    return {name: dev_account(i) for i, name in enumerate(names)}


def build_world(rpc: JsonRpcClient | InProcessRpc, build: Build, settings: LedgerSettings) -> World:
    accounts = _accounts()
    # Dev account 0 deploys and then relays the officers' Safe transactions; it holds no role of its own.
    sender = make_sender(settings, rpc, accounts["authority"])
    deployment = deploy_system(rpc, sender, build, governance=GovernanceConfig.from_settings(settings))
    contracts = Contracts.from_build(deployment, build)
    sender.errors = contracts.errors
    authority = CouncilClient(rpc, contracts, sender)
    clients: dict[str, LedgerClient] = {
        name: authority.as_(acct) for name, acct in accounts.items() if name != "authority"
    }
    clients["authority"] = authority
    admissions = [
        ("registrar", Role.REGISTRAR, REGION, "Guangxi Data Property Registration Centre"),
        ("foreign_registrar", Role.REGISTRAR, OTHER_REGION, "Guangdong Data Property Registration Centre"),
        ("exchange", Role.EXCHANGE, REGION, "Beibu Gulf Data Exchange"),
        ("bank", Role.SETTLEMENT_BANK, REGION, "Guangxi Settlement Bank"),
        ("holder", Role.DATA_HOLDER, CITY, "Nanning Transport Bureau"),
        ("holder2", Role.DATA_HOLDER, CITY, "Liuzhou Logistics Co."),
        ("merchant", Role.DATA_MERCHANT, CITY, "Zhuang Data Merchants Ltd."),
        ("provider", Role.SERVICE_PROVIDER, CITY, "Lijiang Anonymisation Services"),
        ("supervisor", Role.SUPERVISOR, REGION, "Guangxi Cyberspace Supervision Office"),
        ("suspended", Role.DATA_HOLDER | Role.DATA_MERCHANT, CITY, "Suspended Trading Co."),
    ]
    authority.execute_many([
        *(authority.prepare("ParticipantRegistry", "admit", accounts[n].address, int(r), reg, label,
                            credit_code_hash(code_for(accounts[n].address)))
          for n, r, reg, label in admissions),
        authority.prepare("SettlementToken", "setIssuanceLimit", accounts["bank"].address, BANK_LIMIT),
    ])  # fmt: skip
    clients["merchant"].file_declaration(h("merchant declaration"))
    clients["provider"].file_declaration(h("provider declaration"))
    clients["suspended"].file_declaration(h("suspended declaration"))
    authority.suspend(accounts["suspended"].address, h("suspension order"))
    return World(rpc=rpc, contracts=contracts, **clients)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def build() -> Build:
    return compile_contracts()


@pytest.fixture(scope="session")
def anvil_world(build: Build, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    data_dir: Path = tmp_path_factory.mktemp("anvil-world")
    settings = LedgerSettings(data_dir=data_dir, node_port=free_port(), block_time=0, state_interval=60)
    with EmbeddedNode(settings) as node:
        rpc = node.client(timeout=30)
        yield build_world(rpc, build, settings)


@pytest.fixture(scope="session")
def evm_world(build: Build, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The same world on an in-process py-evm chain (no node process; the settings only place the journal)."""
    settings = LedgerSettings(data_dir=tmp_path_factory.mktemp("evm-world"))
    with InProcessRpc(chain_id=settings.chain_id, gas_limit=settings.block_gas_limit) as rpc:
        yield build_world(rpc, build, settings)


BACKENDS = ["anvil", "evm"]

#: On the second backend (py-evm, ~3x slower per call than anvil) the permission matrix's refusals run as a sample:
#: each function is refused to the outsider and to one other caller in turn, so every caller is still refused on it
#: somewhere. Every refusal runs on anvil. ``LEDGER_TEST_MATRIX=full`` runs every refusal on both backends.
_REFUSAL_TEST = "test_refused_caller_gets_its_error_and_changes_nothing"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("LEDGER_TEST_MATRIX") == "full":
        return
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    turns: dict[str, int] = {}
    for item in items:
        callspec = getattr(item, "callspec", None)
        if getattr(item, "originalname", "") != _REFUSAL_TEST or callspec is None:
            kept.append(item)
            continue
        actor = callspec.params["actor"]
        key = callspec.params["entry"].key
        if callspec.params.get("session_world") != "evm" or actor == "outsider":
            kept.append(item)
            continue
        # The n-th entry's sampled caller is the n-th (mod the count) of its other refused callers.
        turn = turns.setdefault(key, len(turns))
        others = callspec.params["entry"].refused_others
        (kept if others and others[turn % len(others)] == actor else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session", params=BACKENDS)
def session_world(request: pytest.FixtureRequest) -> World:
    world: World = request.getfixturevalue(f"{request.param}_world")
    return world


@pytest.fixture
def world(session_world: World) -> Iterator[World]:
    snapshot = session_world.rpc.call("evm_snapshot")
    try:
        yield session_world
    finally:
        session_world.rpc.call("evm_revert", [snapshot])
        session_world.reset_nonces()
