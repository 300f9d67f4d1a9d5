"""The demo scenario on anvil (plus the operations it leaves out, so that every event kind of the five
contracts occurs), every log fetched with one ``eth_getLogs``, decoded and projected: the store agrees
with the contracts' own views, record by record, at the head and at earlier blocks.

One chain for the module; each test projects it into a fresh store on each backend.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from ledger.chain import EmbeddedNode
from ledger.chain.rpc import JsonRpcClient
from ledger.client import Contracts, LedgerClient, dev_account, make_sender
from ledger.contracts.deploy import load_manifest
from ledger.contracts.system import SYSTEM_CONTRACTS
from ledger.contracts.types import Category, Grade, Kind, LicenseTerms, OrderTarget, Registration, Right, Role
from ledger.decode import BlockHeader, LedgerEvent, decode_logs
from ledger.demo import ACTORS, run_demo
from ledger.settings import LedgerSettings
from ledger.store import RecordNotFound, StateView, Store
from ledger.toolchain import compile_contracts
from tests.conftest import free_port
from tests.contracts.conftest import h

ZERO_HASH = b"\x00" * 32
CITY = 450100


@dataclass
class Chain:
    rpc: JsonRpcClient
    client: LedgerClient
    headers: list[BlockHeader]
    events: list[LedgerEvent]

    @property
    def head(self) -> int:
        return self.headers[-1].number


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    data_dir = tmp_path_factory.mktemp("e2e")
    settings = LedgerSettings(data_dir=data_dir, node_port=free_port(), block_time=0, state_interval=60)
    build = compile_contracts()
    with EmbeddedNode(settings) as node:
        rpc = node.client(timeout=30)
        run_demo(settings, rpc=rpc, build=build, log=lambda _line: None)
        deployment = load_manifest(settings.manifest_path)
        contracts = Contracts.from_build(deployment, build)
        client = LedgerClient(rpc, contracts, make_sender(settings, rpc, dev_account(0)))
        what_the_demo_leaves_out(client)
        head = int(rpc.call("eth_blockNumber"), 16)
        raw = rpc.call(
            "eth_getLogs",
            [{"fromBlock": hex(deployment.deployment_block), "toBlock": hex(head),
              "address": [contracts.address[n] for n in SYSTEM_CONTRACTS]}],
        )  # fmt: skip
        events = decode_logs(raw, {contracts.address[n]: (n, contracts.codecs[n]) for n in SYSTEM_CONTRACTS})
        blocks = rpc.batch(
            [("eth_getBlockByNumber", [hex(n), False]) for n in range(deployment.deployment_block, head + 1)]
        )
        headers = [BlockHeader.from_rpc(b) for b in blocks]
        yield Chain(rpc, client, headers, events)


def what_the_demo_leaves_out(authority: LedgerClient) -> None:
    """Rejection and re-application, changes, cancellation, unfreezing, licence transfer and cascading
    revocation, role and status changes, a closed rectification order, a redemption, a nonce."""
    actor = {a.key: authority.as_(dev_account(a.index)) for a in ACTORS}
    registrar, bank, supervisor = actor["registrar"], actor["bank"], actor["supervisor"]
    holder, merchant, other = (authority.as_(dev_account(i)) for i in (12, 13, 14))
    authority.admit(holder.address, Role.DATA_HOLDER, CITY, "Qinzhou Port Authority")
    authority.admit(merchant.address, Role.DATA_MERCHANT, CITY, "Beihai Data Brokers")
    authority.admit(other.address, Role.DATA_HOLDER, CITY, "Wuzhou Water Works")
    merchant.file_declaration(h("e2e merchant declaration"))

    def registration(label: str) -> Registration:
        return Registration(
            content_hash=h(f"e2e content {label}"), metadata_hash=h("e2e metadata"), metadata_uri="ipfs://e2e",
            name=f"Port throughput {label}", category=Category.ENTERPRISE, grade=Grade.GENERAL, kind=Kind.DATASET,
            region=450000,
        )  # fmt: skip

    asset = holder.apply_registration(registration("a"))
    registrar.review_registration(asset, False, h("incomplete"))
    assert holder.apply_registration(registration("a")) == asset
    registrar.review_registration(asset, True, h("complete"))
    holder.change_registration(asset, h("e2e metadata v2"), "ipfs://e2e/v2")
    now = int(authority.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)
    terms = LicenseTerms(
        right=Right.PROCESSING, purpose=1101, start=now, end=now + 365 * 86400, regions=(450000,),
        sublicensable=True, transferable=True, terms_hash=h("e2e terms"),
    )  # fmt: skip
    parent = holder.grant_license(asset, merchant.address, terms)
    merchant.sublicense(parent, other.address, LicenseTerms(**{**_fields(terms), "sublicensable": False}))
    merchant.transfer_license(parent, other.address)
    holder.revoke_license(parent, h("breach"))  # revokes the sublicence too
    authority.freeze(asset, h("court order"))
    authority.unfreeze(asset, h("order lifted"))
    holder.transfer_right(asset, Right.OPERATION, other.address)
    holder.set_revenue_shares(asset, [(other.address, 500)])
    holder.set_revenue_shares(asset, [])
    authority.set_roles(other.address, Role.DATA_HOLDER | Role.SERVICE_PROVIDER)
    authority.suspend(other.address, h("audit"))
    authority.reinstate(other.address, h("audit passed"))
    order = supervisor.open_order(OrderTarget.PARTICIPANT, participant=other.address, document_hash=h("order"))
    supervisor.close_order(order, h("rectified"))
    supervisor.record_credit_event(other.address, 7, -15, h("late filing"))
    bank.issue(bank.address, 500)
    bank.redeem(200)
    holder.invalidate_nonce(42)
    cancelled = holder.apply_registration(registration("b"))
    holder.cancel_registration(cancelled, h("withdrawn"))
    recognise_foreign_certificate(authority, registrar, holder.address)


def recognise_foreign_certificate(authority: LedgerClient, registrar: LedgerClient, holder: str) -> None:
    """An agreement with a made-up other province (chain 9999) whose registrar is ``registrar``'s key, a
    certificate of it imported and suspended, the agreement ended."""
    from ledger.recognition import Certificate, CertificateDomain, CertificateFile, sign_certificate

    registry = authority.contracts.address["AssetRegistry"]
    authority.set_agreement(9_999, registry, [registrar.address], 1)
    cert = CertificateFile(
        CertificateDomain(9_999, registry),
        Certificate(3, "0x" + h("e2e foreign content").hex(), 1, 0, 0, holder, holder, holder, 1, 5, 1_700_000_000),
    )
    cert = sign_certificate(cert, registrar.account)
    result = registrar.import_certificate(9_999, cert.certificate.as_abi(), cert.signature_bytes())
    registrar.suspend_recognised(int(result.event("CertificateImported")["localAssetId"]), h("e2e re-check"))
    authority.revoke_agreement(9_999)


def _fields(terms: LicenseTerms) -> dict[str, Any]:
    return {f: getattr(terms, f) for f in LicenseTerms.__slots__}


def index(store: Store, chain: Chain, upto: int | None = None, blocks_per_batch: int = 25) -> None:
    headers = [h for h in chain.headers if upto is None or h.number <= upto]
    by_block: dict[int, list[LedgerEvent]] = {}
    for e in chain.events:
        by_block.setdefault(e.block_number, []).append(e)
    for i in range(0, len(headers), blocks_per_batch):
        part = headers[i : i + blocks_per_batch]
        store.apply(part, [e for h in part for e in by_block.get(h.number, [])], part[-1])


# ─────────────────────────────────────────────────────────── the two sides, in one shape


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


def contract_state(client: LedgerClient, block: int, accounts: set[str], trade_ids: set[str]) -> dict[str, Any]:
    """Everything the contracts' views say at ``block``, keyed by record."""

    def view(contract: str, fn: str, *args: Any) -> Any:
        return client.view(contract, fn, *args, block=block)

    state: dict[str, Any] = {}
    for account in sorted(accounts):
        p = view("ParticipantRegistry", "getParticipant", account)
        if p["status"] != 0:
            state[f"participant {account}"] = (
                p["roles"], p["status"], p["region"], p["declarations"], p["admittedAt"], p["updatedAt"]
            )  # fmt: skip
        score, events = view("Supervision", "creditOf", account).values()
        state[f"credit {account}"] = (score, events)
        state[f"balance {account}"] = view("SettlementToken", "balanceOf", account)
    for asset_id in range(1, view("AssetRegistry", "assetCount") + 1):
        a = view("AssetRegistry", "getAsset", asset_id)
        state[f"asset {asset_id}"] = (
            _hex(a["contentHash"]), a["category"], a["grade"], a["kind"], a["status"], a["region"], a["disputed"],
            a["frozen"], a["anonymised"], a["holdingHolder"], a["processingHolder"], a["operationHolder"],
            a["certificateSerial"], a["registeredAt"], a["openObjections"],
        )  # fmt: skip
        shares = view("TradeSettlement", "revenueShares", asset_id)
        state[f"shares {asset_id}"] = [(s["recipient"], s["bps"]) for s in shares]
    for licence_id in range(1, view("AssetRegistry", "licenseCount") + 1):
        lic = view("AssetRegistry", "getLicense", licence_id)
        state[f"licence {licence_id}"] = (
            lic["assetId"], lic["licensee"], lic["right"], lic["purpose"], lic["start"], lic["end"], lic["exclusive"],
            lic["sublicensable"], lic["transferable"], lic["crossBorder"], lic["revoked"], lic["depth"],
            lic["parentId"],
        )  # fmt: skip
    for objection_id in range(1, view("AssetRegistry", "objectionCount") + 1):
        o = view("AssetRegistry", "getObjection", objection_id)
        state[f"objection {objection_id}"] = (
            o["assetId"], o["objector"], o["status"], o["lodgedAt"], _hex(o["evidenceHash"])
        )  # fmt: skip
    for order_id in range(1, view("Supervision", "orderCount") + 1):
        o = view("Supervision", "getOrder", order_id)
        state[f"order {order_id}"] = (
            o["target"], o["status"], o["participant"], o["assetId"], o["issuedBy"], o["openedAt"], o["closedAt"],
            _hex(o["documentHash"]), _hex(o["closingHash"]),
        )  # fmt: skip
    for kind in range(4):
        band = view("TradeSettlement", "priceBand", kind)
        state[f"band {kind}"] = (band["min"], band["max"])
    for trade_id in sorted(trade_ids):
        state[f"settled {trade_id}"] = view("TradeSettlement", "isSettled", bytes.fromhex(trade_id[2:]))
    return state


def store_state(view: StateView, accounts: set[str], trade_ids: set[str]) -> dict[str, Any]:
    """The same shape from the store's projection as of the view's block."""
    state: dict[str, Any] = {}
    for account in sorted(accounts):
        try:
            p = view.get_participant(account)
        except RecordNotFound:
            pass
        else:
            state[f"participant {account}"] = (
                p["roles"], p["status"], p["region"], p["declarations"], p["admitted_at"], p["updated_at"]
            )  # fmt: skip
        state[f"credit {account}"] = view.credit_of(account)
        state[f"balance {account}"] = view.balance_of(account)
    for a in view.rows("assets"):
        state[f"asset {a['asset_id']}"] = (
            a["content_hash"], a["category"], a["grade"], a["kind"], a["status"], a["region"], a["disputed"],
            a["frozen"], a["anonymised"], a["holding_holder"], a["processing_holder"], a["operation_holder"],
            a["certificate_serial"], a["registered_at"], a["open_objections"],
        )  # fmt: skip
        state[f"shares {a['asset_id']}"] = view.revenue_shares(a["asset_id"])
    for lic in view.rows("licences"):
        state[f"licence {lic['licence_id']}"] = (
            lic["asset_id"], lic["licensee"], lic["right"], lic["purpose"], lic["starts_at"], lic["ends_at"],
            lic["exclusive"], lic["sublicensable"], lic["transferable"], lic["cross_border"], lic["revoked"],
            lic["depth"], lic["parent_id"],
        )  # fmt: skip
    for o in view.rows("objections"):
        state[f"objection {o['objection_id']}"] = (
            o["asset_id"], o["objector"], o["status"], o["lodged_at"], o["evidence_hash"]
        )  # fmt: skip
    for o in view.rows("rectification_orders"):
        state[f"order {o['order_id']}"] = (
            o["target"], o["status"], o["participant"], o["asset_id"], o["issued_by"], o["opened_at"], o["closed_at"],
            o["document_hash"], o["closing_hash"] or _hex(ZERO_HASH),
        )  # fmt: skip
    for kind in range(4):
        state[f"band {kind}"] = view.price_band(kind)
    for trade_id in sorted(trade_ids):
        state[f"settled {trade_id}"] = view.is_settled(trade_id)
    return state


def assert_same(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    assert ours.keys() == theirs.keys(), f"records only in store: {ours.keys() - theirs.keys()}, only on chain: " + str(
        theirs.keys() - ours.keys()
    )
    differing = {k: (ours[k], theirs[k]) for k in ours if ours[k] != theirs[k]}
    assert not differing, f"store vs contract: {differing}"


def _subjects(chain: Chain, store: Store) -> tuple[set[str], set[str]]:
    accounts = {p["account"] for p in store.as_of().rows("participants")}
    accounts |= set(store.as_of().find_balances())
    trade_ids = {str(e.args["tradeId"]) for e in chain.events if e.name == "TradeSettled"}
    return accounts, trade_ids


# ─────────────────────────────────────────────────────────── tests


def test_the_projected_state_equals_the_contracts_views(store: Store, chain: Chain) -> None:
    index(store, chain)
    accounts, trade_ids = _subjects(chain, store)
    assert len(trade_ids) >= 5 and len(accounts) >= 10
    ours = store_state(store.as_of(), accounts, trade_ids)
    assert_same(ours, contract_state(chain.client, chain.head, accounts, trade_ids))
    # every event kind of the five contracts occurred and is in the events table
    stored = store.as_of().find_events()
    every_kind = {name for codec in chain.client.contracts.codecs.values() for name in codec.events}
    every_kind.remove("EIP712DomainChanged")  # OpenZeppelin's EIP-712 base declares it; the domain never changes
    assert {e["name"] for e in stored} == every_kind
    assert len(stored) == len(chain.events)


@pytest.mark.parametrize("fraction", [0.25, 0.5, 0.8])
def test_the_state_at_an_earlier_block_equals_the_contracts_views_at_that_block(
    store: Store, chain: Chain, fraction: float
) -> None:
    index(store, chain)
    first = chain.headers[0].number
    block = first + int((chain.head - first) * fraction)
    accounts, trade_ids = _subjects(chain, store)
    ours = store_state(store.as_of(block), accounts, trade_ids)
    theirs = contract_state(chain.client, block, accounts, trade_ids)
    assert_same(ours, theirs)
    # the point in time differs from the head (the check is not vacuous)
    assert ours != store_state(store.as_of(), accounts, trade_ids)


def test_a_store_indexed_only_up_to_a_block_equals_the_full_store_read_at_that_block(
    store: Store, chain: Chain
) -> None:
    middle = chain.headers[len(chain.headers) // 2].number
    index(store, chain, upto=middle, blocks_per_batch=7)
    partial = store.state_checksum()
    store.rollback(chain.headers[0].number - 1)
    index(store, chain, blocks_per_batch=1000)
    assert store.state_checksum(at_block=middle) == partial
