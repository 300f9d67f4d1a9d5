"""Chain activity for the indexer tests: every event type the contracts emit, and bulk trades.

:func:`every_event_round` plays one round of the market touching every event of the five
contracts (``EIP712DomainChanged`` aside: nothing emits it after deployment); :func:`bulk_trades`
settles licence trades in batches (about five events per trade) for volume.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from ledger.chain import EmbeddedNode
from ledger.chain.rpc import JsonRpcClient
from ledger.contracts.types import Category, Delivery, Kind, OrderTarget, Right, Role, Trade
from ledger.settings import LedgerSettings
from ledger.toolchain import Build
from tests.conftest import free_port
from tests.contracts.conftest import REGION, World, build_world, h, unique_hash

_ids = itertools.count(1)

# Every event of the five ABIs that the market can emit.
EVENT_TYPES = frozenset({
    "DeclarationFiled", "ParticipantAdmitted", "ParticipantRolesChanged", "ParticipantStatusChanged",
    "AnonymisationAttested", "AssetFrozen", "AssetRegistered", "AssetUnfrozen", "LicenseGranted", "LicenseRevoked",
    "LicenseTransferred", "ObjectionLodged", "ObjectionResolved", "RegistrationApplied", "RegistrationCancelled",
    "RegistrationChanged", "RegistrationRejected", "RightTransferred", "SettlementSet",
    "Approval", "Issued", "Redeemed", "Transfer",
    "NonceInvalidated", "PriceBandSet", "RevenueSharePaid", "RevenueSharesSet", "TradeSettled",
    "CreditEventRecorded", "RectificationClosed", "RectificationOrdered",
    "RecognitionSet",  # the deployment wires the recognition contract into the registry
    "AgreementSet", "AgreementRevoked", "CertificateImported", "RecognitionSuspended",
})  # fmt: skip

#: A made-up other province whose registrar is the world's registrar key (tests/recognition has real ones).
_ORIGIN_CHAIN = 9_999


def trade_id(label: str) -> bytes:
    return h(f"{label}-{next(_ids)}")


def every_event_round(w: World) -> None:
    """One round of the market that emits every event type (run it again for more of the same)."""
    asset = w.registered_asset()
    personal = w.registered_asset(category=Category.PERSONAL)
    rejected = w.holder.apply_registration(w.registration())
    w.registrar.review_registration(rejected, False, h("incomplete"))
    w.holder.change_registration(asset, h("metadata v2"), "ipfs://metadata-v2")
    cancelled = w.registered_asset()
    w.holder.cancel_registration(cancelled, h("withdrawn"))

    objection = w.merchant.lodge_objection(asset, h("evidence"))
    w.registrar.resolve_objection(objection, False, h("dismissed"))
    w.authority.freeze(personal, h("inquiry"))
    w.authority.unfreeze(personal, h("inquiry closed"))

    terms = w.terms(sublicensable=True, countries=("CN",))
    licence = w.holder.grant_license(asset, w.merchant.address, terms)
    w.merchant.sublicense(licence, w.provider.address, replace(terms, sublicensable=False, end=terms.end - 86400))
    w.holder.revoke_license(licence, h("breach"))  # revokes the sublicence too (cascade)
    transferable = w.holder.grant_license(asset, w.merchant.address, w.terms(transferable=True))
    w.merchant.transfer_license(transferable, w.provider.address)

    w.authority.set_roles(w.holder2.address, Role.DATA_HOLDER)
    w.authority.suspend(w.holder2.address, h("audit"))
    w.authority.reinstate(w.holder2.address, h("audit passed"))
    w.merchant.file_declaration(unique_hash("declaration"))

    w.bank.issue(w.merchant.address, 1_000_000)
    w.bank.issue(w.bank.address, 5_000)
    w.bank.redeem(1_000)
    w.merchant.approve(w.exchange.address, 1_000_000)
    w.merchant.transfer(w.provider.address, 100)

    w.holder.set_revenue_shares(asset, [(w.holder2.address, 500)])
    w.authority.set_price_band(Kind.DATASET, 1, 10**12)
    w.exchange.settle(Trade(trade_id("licence"), asset, w.holder.address, w.merchant.address, 20_000, fee=100,
                            terms=w.terms()))  # fmt: skip
    w.exchange.settle(Trade(trade_id("right"), personal, w.holder.address, w.merchant.address, 30_000, fee=100,
                            delivery=Delivery.RIGHT, right=Right.OPERATION))  # fmt: skip
    w.holder.transfer_right(asset, Right.PROCESSING, w.holder2.address)
    w.holder.invalidate_nonce(next(_ids))

    order = w.supervisor.open_order(OrderTarget.ASSET, asset_id=asset, document_hash=h("order"))
    w.supervisor.close_order(order, h("rectified"))
    w.supervisor.record_credit_event(w.merchant.address, 3, -5, h("late filing"))

    recognition_round(w)


def recognition_round(w: World) -> None:
    """An agreement with another province, a certificate of it imported and suspended, the agreement ended."""
    from ledger.recognition import Certificate, CertificateDomain, CertificateFile, sign_certificate

    registry = w.contracts.address["AssetRegistry"]
    w.authority.set_agreement(_ORIGIN_CHAIN, registry, [w.registrar.address], 1)
    holder = w.holder.address
    cert = CertificateFile(
        CertificateDomain(_ORIGIN_CHAIN, registry),
        Certificate(next(_ids), "0x" + unique_hash("foreign").hex(), 1, 0, 0, holder, holder, holder, 1, 5,
                    1_700_000_000),
    )  # fmt: skip
    cert = sign_certificate(cert, w.registrar.account)
    result = w.registrar.import_certificate(_ORIGIN_CHAIN, cert.certificate.as_abi(), cert.signature_bytes())
    w.registrar.suspend_recognised(int(result.event("CertificateImported")["localAssetId"]), h("re-check"))
    w.authority.revoke_agreement(_ORIGIN_CHAIN)


def bulk_trades(w: World, trades: int, *, per_batch: int = 50) -> None:
    """``trades`` licence trades of one asset, settled ``per_batch`` per transaction, sent pipelined."""
    asset = w.registered_asset()
    w.holder.set_revenue_shares(asset, [(w.holder2.address, 300)])
    w.bank.issue(w.merchant.address, 10 * trades)
    w.merchant.approve(w.exchange.address, 10 * trades)
    terms = w.terms()
    calls = []
    for start in range(0, trades, per_batch):
        batch = [
            Trade(trade_id("bulk"), asset, w.holder.address, w.merchant.address, 10, fee=1, terms=terms).as_abi()
            for _ in range(min(per_batch, trades - start))
        ]
        calls.append(w.exchange.prepare("TradeSettlement", "settleBatch", batch, gas=400_000 * len(batch)))
    w.exchange.execute_many(calls)


@dataclass
class Chain:
    """An anvil node with a deployed world (block_time 0) and its settings (manifest in data_dir)."""

    node: EmbeddedNode
    settings: LedgerSettings
    rpc: JsonRpcClient
    world: World

    def head(self) -> int:
        return int(self.rpc.call("eth_blockNumber"), 16)

    def mine(self, blocks: int) -> None:
        self.rpc.call("anvil_mine", [hex(blocks)])


@contextmanager
def running_chain(data_dir: Path, build: Build) -> Iterator[Chain]:
    """A fresh anvil chain with the system deployed (manifest written) and the world's participants."""
    from ledger.contracts.deploy import write_manifest

    settings = LedgerSettings(data_dir=data_dir, node_port=free_port(), block_time=0, state_interval=60)
    with EmbeddedNode(settings) as node:
        rpc = node.client(timeout=30)
        world = build_world(rpc, build, settings)
        write_manifest(world.contracts.deployment, settings.manifest_path)
        yield Chain(node, settings, rpc, world)
        rpc.close()


__all__ = ["EVENT_TYPES", "REGION", "Chain", "bulk_trades", "every_event_round", "running_chain", "trade_id"]
