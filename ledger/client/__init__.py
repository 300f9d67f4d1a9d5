"""Signing, sending and typed operations against a deployed ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eth_account.signers.local import LocalAccount

from ledger.chain.failover import connect_rpc
from ledger.chain.rpc import JsonRpcClient
from ledger.client.accounts import create_keystore, dev_account, dev_accounts, load_keystore
from ledger.client.journal import Journal
from ledger.client.ledger import Contracts, LedgerClient, TxResult
from ledger.client.sender import Call, Receipt, TxSender, TxTimeout
from ledger.contracts.codec import ErrorTable
from ledger.settings import LedgerSettings
from ledger.toolchain import Build, compile_contracts

if TYPE_CHECKING:
    from ledger.contracts.deploy import Deployment

__all__ = [
    "Call",
    "Contracts",
    "Journal",
    "LedgerClient",
    "Receipt",
    "TxResult",
    "TxSender",
    "TxTimeout",
    "connect",
    "create_keystore",
    "dev_account",
    "dev_accounts",
    "load_keystore",
    "make_sender",
]


def make_sender(
    settings: LedgerSettings, rpc: JsonRpcClient, account: LocalAccount, errors: ErrorTable | None = None
) -> TxSender:
    """A nonce-managed sender for ``account`` journalling into the data directory. It acknowledges a transaction
    once final: at least ``finality_confirmations`` deep (Clique: a block that deep can no longer be replaced)."""
    chain_id = int(rpc.call("eth_chainId"), 16)
    errors = errors or ErrorTable(())
    confirmations = max(settings.confirmations, settings.finality_confirmations or 1)
    return TxSender(
        rpc, account, chain_id, errors, journal=Journal(settings.data_dir / "journal.jsonl"),
        timeout=settings.tx_timeout, confirmations=confirmations, stall_timeout=settings.stall_timeout,
    )


def connect(
    settings: LedgerSettings,
    account: LocalAccount,
    *,
    deployment: Deployment | None = None,
    build: Build | None = None,
    rpc: JsonRpcClient | None = None,
) -> LedgerClient:
    """A client acting as ``account`` on the deployment in the settings' manifest."""
    from ledger.contracts.deploy import DeploymentMismatch, load_manifest  # deploy imports this package

    rpc = rpc or connect_rpc(settings)
    deployment = deployment or load_manifest(settings.manifest_path)
    chain_id = int(rpc.call("eth_chainId"), 16)
    if chain_id != deployment.chain_id:
        raise DeploymentMismatch(
            f"the deployment in {settings.manifest_path} is of chain {deployment.chain_id}, the node at "
            f"{settings.effective_rpc_url} is chain {chain_id}: signatures for one do not verify on the other"
        )
    build = build or compile_contracts(settings)
    contracts = Contracts.from_build(deployment, build)
    sender = make_sender(settings, rpc, account, contracts.errors)
    return LedgerClient(rpc, contracts, sender)
