"""Shared set-up of the benchmark scripts.

:func:`bench_chain` starts an embedded anvil on a free port in a temporary data dir,
deploys the system, admits participants (registrar, bank, exchanges, sellers with
registered assets, revenue-share recipients, buyers, token senders), funds them (ether
for gas with ``anvil_setBalance``, settlement tokens issued by the bank, buyers'
allowances to every exchange) and yields a :class:`BenchChain`.

Set-up deploys with automine and sends its bulk steps (hundreds of transactions each)
with mining paused, then mines them with ``evm_mine``: anvil's automine stalls when flooded.
A node started with a whole-second block time is switched back to interval mining by
:meth:`BenchChain.interval_mining`; a fractional one (which anvil's RPC cannot restore) stays
in interval mining throughout and the set-up waits for its blocks.

Bench accounts other than the authority are derived from fixed labels
(``keccak("ledger-bench/<label>/<i>")``): deterministic, and cheaper than BIP-32 derivation.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak
from sqlalchemy.engine import make_url

from ledger.chain import EmbeddedNode
from ledger.chain.rpc import JsonRpcClient
from ledger.client import Call, Contracts, LedgerClient, TxResult, dev_account, make_sender
from ledger.client.sender import TxSender
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
    compact_signature,
)
from ledger.governance import CouncilClient, GovernanceConfig
from ledger.settings import LedgerSettings
from ledger.store import normalize_database_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The project's root too: the benchmarks share the tests' generators (tests.store.synthetic, tests.indexer...).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import services

from ledger.contracts.credit_code import credit_code_hash
from tests.credit_codes import code_for

__all__ = [
    "CITY",
    "FEE",
    "POSTGRES_HELP",
    "PRICE",
    "REGION",
    "SHARE_BPS",
    "BenchChain",
    "bench_account",
    "bench_accounts",
    "bench_chain",
    "free_port",
    "h",
    "populate",
    "postgres_base",
    "postgres_schema",
    "registration",
    "send_signed",
    "services",
    "setup_logging",
    "wait_receipts",
]

logger = logging.getLogger("bench")

REGION = 450000  # Guangxi
CITY = 450100  # Nanning
PURPOSE = 1101
PRICE = 10_000  # 100.00 yuan
FEE = 200  # exchange fee
SHARE_BPS = 500  # each of the two revenue shares: 5 % of the price net of the fee
BUYER_FUNDS = 10**13  # per buyer: enough for ~10^9 trades
ALLOWANCE = 10**13  # a finite approval (an infinite one saves the allowance write)
GAS_ETHER = 10**24  # wei given to every bench account for gas
# A typical registration: metadata URI of 60 characters, name of 31.
METADATA_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy5"
ASSET_NAME = "Nanning city bus ridership 2025"

# Gas limits declared for set-up transactions (no eth_estimateGas round trips).
_SETUP_GAS = {
    "fileDeclaration": 100_000,
    "applyRegistration": 300_000,
    "reviewRegistration": 150_000,
    "setRevenueShares": 300_000,
    "issue": 150_000,
    "approve": 100_000,
    "setPriceBand": 100_000,
}


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(message)s",
    )


def h(label: str) -> bytes:
    """A 32-byte document hash for ``label``."""
    return keccak(text=label)


#: The reserve attestation the bench's bank names when it issues, and its issuance limit (set with the admissions).
RESERVE = h("bench reserve attestation")
BANK_LIMIT = 10**24


def free_port(host: str = "127.0.0.1") -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


POSTGRES_HELP = (
    "PostgreSQL server to measure on (default LEDGER_TEST_POSTGRES_URL; when neither is given, a server of"
    " this run's own is started with scripts/services.py and stopped at the end)"
)


@contextlib.contextmanager
def postgres_base(given: str | None, kept: Path | None = None) -> Iterator[str]:
    """The PostgreSQL server to measure on: ``given`` (``--postgres``), else ``LEDGER_TEST_POSTGRES_URL``,
    else one started for this run (Debian's server, installed when missing; stopped at the end). ``kept``:
    where a started server's cluster stays for the next run (``--reuse``)."""
    url = given or os.environ.get("LEDGER_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    with services.postgres_server(kept=kept) as started:
        yield started


@contextlib.contextmanager
def postgres_schema(base: str, prefix: str) -> Iterator[str]:
    """The URL of a fresh schema ``<prefix>_<random>`` on the server at ``base``, dropped afterwards."""
    admin = sa.create_engine(normalize_database_url(base), isolation_level="AUTOCOMMIT")
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(normalize_database_url(base)).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def bench_account(label: str, index: int) -> LocalAccount:
    account: LocalAccount = Account.from_key(keccak(text=f"ledger-bench/{label}/{index}"))
    return account


def wait_receipts(
    rpc: JsonRpcClient,
    hashes: Sequence[str],
    *,
    timeout: float = 120.0,
    poll: float = 0.02,
    chunk: int = 2000,
    kick_after: float | None = 1.0,
) -> list[dict[str, Any]]:
    """Polls ``eth_getTransactionReceipt`` (batched) until every hash has one; raises on a revert.

    With mining paused, or when anvil leaves transactions of a flood in its pool, an
    ``evm_mine`` after ``kick_after`` seconds without a new receipt takes them in (set-up only;
    None on a network, which mines by itself and has no ``evm_mine``).
    """
    deadline = time.monotonic() + timeout
    found: dict[str, dict[str, Any]] = {}
    pending = list(hashes)
    progress_at = time.monotonic()
    while pending:
        still: list[str] = []
        for i in range(0, len(pending), chunk):
            part = pending[i : i + chunk]
            answers = rpc.batch([("eth_getTransactionReceipt", [x]) for x in part])
            for x, r in zip(part, answers, strict=True):
                if r is None:
                    still.append(x)
                else:
                    found[x] = r
        if len(still) < len(pending):
            progress_at = time.monotonic()
        pending = still
        if pending:
            now = time.monotonic()
            if now > deadline:
                raise TimeoutError(f"{len(pending)} transaction(s) without receipt after {timeout}s, e.g. {pending[0]}")
            if kick_after is not None and now - progress_at > kick_after:
                logger.warning("%d transaction(s) stuck in the pool; mining a block", len(pending))
                rpc.call("evm_mine")
                progress_at = now
            time.sleep(poll)
    receipts = [found[x] for x in hashes]
    failed = [r["transactionHash"] for r in receipts if int(r["status"], 16) != 1]
    if failed:
        raise RuntimeError(f"{len(failed)} set-up transaction(s) reverted, e.g. {failed[0]}")
    return receipts


def send_signed(rpc: JsonRpcClient, work: Sequence[tuple[TxSender, Sequence[Call]]], *, chunk: int = 1000) -> list[str]:
    """Signs each sender's calls (explicit gas) and submits them all in JSON-RPC batches.

    For set-up only: it skips the journal, which the measured paths go through.
    """
    raws: list[str] = []
    hashes: list[str] = []
    for sender, calls in work:
        for tx_hash, _, raw, _ in sender.sign(calls):
            raws.append(raw)
            hashes.append(tx_hash)
    for i in range(0, len(raws), chunk):
        answers = rpc.batch([("eth_sendRawTransaction", [r]) for r in raws[i : i + chunk]], return_exceptions=True)
        for a in answers:
            if isinstance(a, Exception):
                raise a
    return hashes


class NodeProcess(Protocol):
    """The node process whose CPU a benchmark reports: the embedded anvil, or a network's node the bench sends to."""

    @property
    def pid(self) -> int | None: ...


@dataclass
class BenchChain:
    """A deployed, populated ledger on an embedded anvil (or a network: :func:`populate`), and clients acting on it."""

    settings: LedgerSettings
    node: NodeProcess
    rpc: JsonRpcClient
    contracts: Contracts
    authority: CouncilClient
    registrar: LedgerClient
    bank: LedgerClient
    exchanges: list[LedgerClient]
    sellers: list[LedgerClient]
    #: asset id -> the seller (holder of all three rights) that registered it
    assets: dict[int, LedgerClient]
    recipients: list[str]
    buyers: list[LocalAccount]
    #: asset id -> the revenue shares (bps) of sales of its processing right
    share_bps: dict[int, list[int]]
    senders: list[LocalAccount]
    _trade_seq: int = field(default=0)
    _nonces: dict[str, int] = field(default_factory=dict)
    _nonce_lock: threading.Lock = field(default_factory=threading.Lock)

    # ── chain

    def chain_time(self) -> int:
        block = self.rpc.call("eth_getBlockByNumber", ["latest", False])
        return int(block["timestamp"], 16)

    def block_number(self) -> int:
        return int(self.rpc.call("eth_blockNumber"), 16)

    def interval_mining(self) -> None:
        """Ends the set-up's automine: from now on a block every ``settings.block_time`` seconds."""
        bt = self.settings.block_time
        if bt > 0 and float(bt).is_integer():
            self.rpc.call("evm_setIntervalMining", [int(bt)])
        # A fractional block time never left interval mining (anvil's RPC takes whole seconds only).

    def client(self, account: LocalAccount) -> LedgerClient:
        return self.authority.as_(account)

    def bulk(self, work: Sequence[tuple[LedgerClient, Sequence[Call]]]) -> list[dict[str, Any]]:
        """Sends many calls (explicit gas) with mining paused, mines them, waits for every receipt (set-up only;
        anvil's automine stalls when flooded). The senders' cached nonces are dropped afterwards."""
        self.rpc.call("anvil_setAutomine", [False])
        try:
            hashes = send_signed(self.rpc, [(c.sender, calls) for c, calls in work])
            self.rpc.call("evm_mine")
            return wait_receipts(self.rpc, hashes, timeout=600)
        finally:
            self.rpc.call("anvil_setAutomine", [True])
            for c, _ in work:
                c.sender._nonce = None

    # ── typical objects

    def registration(self, label: str, category: Category = Category.ENTERPRISE) -> Registration:
        return registration(label, category)

    def terms(self, now: int | None = None, purpose: int = PURPOSE) -> LicenseTerms:
        """A typical licence: processing right, one region, non-exclusive, one year."""
        start = self.chain_time() if now is None else now
        return LicenseTerms(
            right=Right.PROCESSING, purpose=purpose, start=start, end=start + 365 * 86400, regions=(REGION,),
            terms_hash=h("standard terms v1"),
        )  # fmt: skip

    def consent(
        self, trades: Sequence[Trade], exchange: LedgerClient | str, *, deadline: int | None = None
    ) -> SalesConsent:
        """One seller's signed consent to ``exchange`` settling ``trades`` (all of that seller), each netting its
        exact net: a fresh nonce of the seller, sequential so that its nonces share words as a real client's
        would."""
        seller = self.client_for(trades[0].seller)
        with self._nonce_lock:  # the throughput bench signs from several threads
            nonce = self._nonces.get(seller.address, 0)
            self._nonces[seller.address] = nonce + 1
        address = exchange if isinstance(exchange, str) else exchange.address
        return seller.sign_sales_consent(
            [(t, self.seller_net(t)) for t in trades], address, nonce=nonce,
            deadline=deadline if deadline is not None else 2**40,
        )  # fmt: skip

    def client_for(self, address: str) -> LedgerClient:
        client = self.authority._siblings.get(address)
        if client is None:
            raise KeyError(f"no client for {address}")
        return client

    def seller_net(self, trade: Trade) -> int:
        """What the seller nets: the price less the fee and the revenue shares of the delivered right."""
        net = trade.price - trade.fee
        shares = self.share_bps.get(trade.asset_id, [])
        return net - sum(net * bps // 10_000 for bps in shares)

    def mandate(self, asset_id: int, exchange: LedgerClient, terms: LicenseTerms, *, days: int = 3650) -> Mandate:
        """A standing mandate of the asset's seller to ``exchange``: licences cut from ``terms`` (any period up to
        ``days``), netting at least the seller's net at PRICE and FEE."""
        template = replace(terms, start=0, end=0)
        seller = self.assets[asset_id].address
        probe = Trade(trade_id=h("probe"), asset_id=asset_id, seller=seller, buyer=seller, price=PRICE, fee=FEE)
        return Mandate(
            seller=seller, exchange=exchange.address, asset_id=asset_id, delivery=Delivery.LICENSE, right=terms.right,
            min_net=self.seller_net(probe), expiry=2**40 - 1, max_duration=days * 86400, terms=template,
        )  # fmt: skip

    def listing(self, asset_id: int, terms: LicenseTerms, *, tag: str = "listing", days: int = 3650) -> Listing:
        """A listing of the asset by its seller: licences cut from ``terms`` (up to ``days``) at PRICE, netting at
        least the seller's net at PRICE and FEE, for sale for a year from the chain's time."""
        seller = self.assets[asset_id].address
        probe = Trade(trade_id=h("probe"), asset_id=asset_id, seller=seller, buyer=seller, price=PRICE, fee=FEE)
        now = self.chain_time()
        offer = Offer(
            listing_id=h(f"listing/{tag}/{asset_id}"), min_price=PRICE, max_price=PRICE,
            min_net=self.seller_net(probe), start=now, end=now + 365 * 86400, max_duration=days * 86400,
        )  # fmt: skip
        return Listing(seller=seller, asset_id=asset_id, delivery=Delivery.LICENSE, right=terms.right, offer=offer,
                       document_hash=h(f"listing/{tag}"), terms=replace(terms, start=0, end=0))  # fmt: skip

    def list_product(self, exchange: LedgerClient, listing: Listing) -> TxResult:
        """Lists ``listing`` on ``exchange`` with its seller's signature."""
        signature = self.assets[listing.asset_id].sign_listing(listing, exchange.address)
        return exchange.execute(exchange.prepare("Listings", "list", listing.as_abi(), *compact_signature(signature)))

    def settle(self, exchange: LedgerClient, trade: Trade) -> TxResult:
        return exchange.settle(trade, self.seller_net(trade), self.consent([trade], exchange))

    def batch_consents(
        self, exchange: LedgerClient, trades: Sequence[Trade]
    ) -> tuple[list[int], list[SalesConsent], list[int]]:
        """The batch's least net amounts, one consent per seller (covering its trades in batch order), and the
        consent of each trade."""
        by_seller: dict[str, list[Trade]] = {}
        for t in trades:
            by_seller.setdefault(t.seller, []).append(t)
        sellers = list(by_seller)
        consents = [self.consent(by_seller[s], exchange) for s in sellers]
        return [self.seller_net(t) for t in trades], consents, [sellers.index(t.seller) for t in trades]

    def prepare_settle_batch(
        self, exchange: LedgerClient, trades: Sequence[Trade], *, atomic: bool = True, gas: int | None = None
    ) -> Call:
        """``exchange``'s ``settleBatch`` of ``trades`` with their sellers' consents (one a seller), for pipelining."""
        nets, consents, consent_of = self.batch_consents(exchange, trades)
        return exchange.prepare(
            "TradeSettlement", "settleBatch", [t.as_abi() for t in trades], nets, [c.as_abi() for c in consents],
            consent_of, atomic, gas=gas,
        )  # fmt: skip

    def settle_batch(self, exchange: LedgerClient, trades: Sequence[Trade], *, atomic: bool = True) -> TxResult:
        nets, consents, consent_of = self.batch_consents(exchange, trades)
        return exchange.settle_batch(trades, nets, consents, consent_of, atomic=atomic)

    def trade(self, asset_id: int, buyer: str, terms: LicenseTerms, *, fee: int = FEE, tag: str = "t") -> Trade:
        """A licence-delivery trade of ``asset_id`` from its seller to ``buyer``, with a unique id."""
        self._trade_seq += 1
        seller = self.assets[asset_id].address
        return Trade(
            trade_id=h(f"trade/{tag}/{self._trade_seq}"), asset_id=asset_id, seller=seller, buyer=buyer,
            price=PRICE, fee=fee, terms=terms,
        )  # fmt: skip


def _admit_calls(authority: LedgerClient, admissions: Sequence[tuple[str, Role, int, str]]) -> list[Call]:
    return [
        authority.prepare(
            "ParticipantRegistry", "admit", addr, int(role), region, name, credit_code_hash(code_for(addr))
        )
        for addr, role, region, name in admissions
    ]


@contextlib.contextmanager
def bench_chain(
    *,
    block_time: float = 0,
    block_gas_limit: int = 1_000_000_000,
    exchanges: int = 1,
    sellers: int = 1,
    assets_per_seller: int = 1,
    recipients: int = 2,
    buyers: int = 10,
    senders: int = 0,
    quiet: bool = True,
    extra_node_args: Sequence[str] = (),
    keep_dir: Path | None = None,
) -> Iterator[BenchChain]:
    """A populated ledger on a fresh embedded anvil; stopped and its directory removed on exit.

    ``block_time`` 0 leaves automine on. With a whole-second ``block_time`` call
    :meth:`BenchChain.interval_mining` before measuring; a fractional one stays in interval
    mining throughout (anvil cannot switch back to it by RPC). Every seller's assets have revenue shares to all
    ``recipients``; every buyer holds tokens and has approved every exchange; every
    ``senders`` account holds tokens for plain transfers.
    """
    with contextlib.ExitStack() as stack:
        if keep_dir is None:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ledger-bench-")))
        else:
            data_dir = keep_dir
        settings = LedgerSettings(
            data_dir=data_dir,
            node_port=free_port(),
            block_time=block_time,
            block_gas_limit=block_gas_limit,
            state_interval=86_400,  # no periodic state dumps during measurements
        )
        node = EmbeddedNode(settings, extra_args=(["--quiet"] if quiet else []) + list(extra_node_args))
        stack.enter_context(node)
        rpc = node.client(timeout=120)
        stack.callback(rpc.close)
        manual = block_time == 0 or float(block_time).is_integer()
        if manual:
            rpc.call("anvil_setAutomine", [True])  # deploy; interval_mining() switches back
        t0 = time.monotonic()
        chain = _populate(settings, node, rpc, manual, exchanges, sellers, assets_per_seller, recipients, buyers,
                          senders)  # fmt: skip
        if manual:
            rpc.call("anvil_setAutomine", [True])
        logger.info("set-up done in %.1fs (block %d)", time.monotonic() - t0, chain.block_number())
        journal = chain.authority.sender.journal
        if journal is not None:
            stack.callback(journal.close)
        yield chain


def bench_accounts(exchanges: int, sellers: int, recipients: int, buyers: int, senders: int) -> list[LocalAccount]:
    """Every account a populated chain uses besides the authority (dev account 0): what a network's genesis funds."""
    groups = (("registrar", 1), ("bank", 1), ("exchange", exchanges), ("seller", sellers), ("recipient", recipients),
              ("buyer", buyers), ("sender", senders))  # fmt: skip
    return [bench_account(label, i) for label, n in groups for i in range(n)]


def populate(
    settings: LedgerSettings,
    node: NodeProcess,
    rpc: JsonRpcClient,
    *,
    exchanges: int = 1,
    sellers: int = 1,
    assets_per_seller: int = 1,
    recipients: int = 2,
    buyers: int = 10,
    senders: int = 0,
) -> BenchChain:
    """:func:`bench_chain`'s deployment and population on a chain that mines by itself with standard methods only
    (a network): the authority is dev account 0 and every :func:`bench_accounts` account already holds ether (its
    genesis funds them); nothing is mined or funded through ``anvil_*``/``evm_*``."""
    return _populate(settings, node, rpc, False, exchanges, sellers, assets_per_seller, recipients, buyers, senders,
                     anvil=False)  # fmt: skip


def _populate(
    settings: LedgerSettings,
    node: NodeProcess,
    rpc: JsonRpcClient,
    manual: bool,
    n_exchanges: int,
    n_sellers: int,
    assets_per_seller: int,
    n_recipients: int,
    n_buyers: int,
    n_senders: int,
    *,
    anvil: bool = True,
) -> BenchChain:
    from ledger.toolchain import compile_contracts

    build = compile_contracts(settings)
    sender = make_sender(settings, rpc, dev_account(0))
    # On a network the clock cannot be moved past the council's delay: the set-up waits for it, so it is short.
    governance = GovernanceConfig.dev() if anvil else GovernanceConfig.dev(delay=3)
    deployment = deploy_system(rpc, sender, build, governance=governance)
    contracts = Contracts.from_build(deployment, build)
    sender.errors = contracts.errors
    # The authority: the dev officers, through the governance (dev account 0 relays their Safe transactions).
    authority = CouncilClient(rpc, contracts, sender)

    def bulk(work: Sequence[tuple[TxSender, Sequence[Call]]]) -> list[dict[str, Any]]:
        hashes = send_signed(rpc, work)
        if manual:
            rpc.call("evm_mine")
        return wait_receipts(rpc, hashes, kick_after=1.0 if anvil else None)

    if manual:
        rpc.call("anvil_setAutomine", [False])  # bulk steps: send everything, then evm_mine

    registrar = bench_account("registrar", 0)
    bank = bench_account("bank", 0)
    exchange_accts = [bench_account("exchange", i) for i in range(n_exchanges)]
    seller_accts = [bench_account("seller", i) for i in range(n_sellers)]
    recipient_accts = [bench_account("recipient", i) for i in range(n_recipients)]
    buyer_accts = [bench_account("buyer", i) for i in range(n_buyers)]
    sender_accts = [bench_account("sender", i) for i in range(n_senders)]
    everyone = [registrar, bank, *exchange_accts, *seller_accts, *recipient_accts, *buyer_accts, *sender_accts]
    if anvil:
        rpc.batch([("anvil_setBalance", [a.address, hex(GAS_ETHER)]) for a in everyone])

    admissions: list[tuple[str, Role, int, str]] = [
        (registrar.address, Role.REGISTRAR, REGION, "Guangxi Data Property Registration Centre"),
        (bank.address, Role.SETTLEMENT_BANK, REGION, "Guangxi Settlement Bank"),
    ]
    admissions += [
        (a.address, Role.EXCHANGE, REGION, f"Beibu Gulf Data Exchange desk {i}") for i, a in enumerate(exchange_accts)
    ]
    admissions += [(a.address, Role.DATA_HOLDER, CITY, f"Nanning data holder {i}") for i, a in enumerate(seller_accts)]
    admissions += [
        (a.address, Role.DATA_HOLDER, CITY, f"Revenue share recipient {i}") for i, a in enumerate(recipient_accts)
    ]
    admissions += [(a.address, Role.DATA_HOLDER, CITY, f"Buyer {i}") for i, a in enumerate(buyer_accts)]
    admissions += [(a.address, Role.DATA_HOLDER, CITY, f"Token sender {i}") for i, a in enumerate(sender_accts)]
    if manual:
        rpc.call("anvil_setAutomine", [True])  # the council's Safe transactions are mined one by one
    limit = authority.prepare("SettlementToken", "setIssuanceLimit", bank.address, BANK_LIMIT)
    authority.execute_many([*_admit_calls(authority, admissions), limit])  # one proposal: scheduled, then executed
    if manual:
        rpc.call("anvil_setAutomine", [False])

    reg_c = authority.as_(registrar)
    bank_c = authority.as_(bank)
    sellers = [authority.as_(a) for a in seller_accts]
    exchanges = [authority.as_(a) for a in exchange_accts]

    # Assets: applied for, approved, revenue shares to every recipient.
    work = []
    for si, seller in enumerate(sellers):
        calls = [
            seller.prepare("AssetRegistry", "applyRegistration",
                           registration(f"s{si}a{ai}").as_abi(), gas=_SETUP_GAS["applyRegistration"])
            for ai in range(assets_per_seller)
        ]  # fmt: skip
        work.append((seller.sender, calls))
    receipts = bulk(work)
    assets: dict[int, LedgerClient] = {}
    owners = [s for s in sellers for _ in range(assets_per_seller)]
    for receipt, owner in zip(receipts, owners, strict=True):
        applied = [e for e in contracts.decode_logs(receipt["logs"]) if e.event == "RegistrationApplied"]
        assets[int(applied[0].args["assetId"])] = owner
    review = [
        reg_c.prepare("AssetRegistry", "reviewRegistration", a, True, h("review"), gas=_SETUP_GAS["reviewRegistration"])
        for a in assets
    ]
    shares = [
        (owner.sender, [owner.prepare("TradeSettlement", "setRevenueShares", a, int(Right.PROCESSING),
                                      [r.address for r in recipient_accts], [SHARE_BPS] * n_recipients,
                                      gas=_SETUP_GAS["setRevenueShares"])])
        for a, owner in assets.items()
        if n_recipients
    ]  # fmt: skip
    issue = [
        bank_c.prepare("SettlementToken", "issue", a.address, BUYER_FUNDS, RESERVE, gas=_SETUP_GAS["issue"])
        for a in [*buyer_accts, *sender_accts]
    ]
    bulk([(reg_c.sender, review), (bank_c.sender, issue), *shares])
    approvals = [
        (authority.as_(b).sender, [
            authority.prepare("SettlementToken", "approve", ex.address, ALLOWANCE, gas=_SETUP_GAS["approve"])
            for ex in exchange_accts
        ])
        for b in buyer_accts
    ]  # fmt: skip
    bulk([w for w in approvals if w[1]])
    return BenchChain(
        settings=settings,
        node=node,
        rpc=rpc,
        contracts=contracts,
        authority=authority,
        registrar=reg_c,
        bank=bank_c,
        exchanges=exchanges,
        sellers=sellers,
        assets=assets,
        recipients=[a.address for a in recipient_accts],
        buyers=buyer_accts,
        senders=sender_accts,
        share_bps={a: [SHARE_BPS] * n_recipients for a in assets},
    )


def registration(label: str, category: Category = Category.ENTERPRISE) -> Registration:
    """A typical application: one holder of all three rights, 60-character URI, 31-character name."""
    return Registration(
        content_hash=h(f"content/{label}"),
        metadata_hash=h(f"metadata/{label}"),
        metadata_uri=METADATA_URI,
        name=ASSET_NAME,
        category=category,
        grade=Grade.GENERAL,
        kind=Kind.DATASET,
        region=REGION,
    )
