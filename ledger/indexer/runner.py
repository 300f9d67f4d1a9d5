"""Wiring: an :class:`~ledger.indexer.indexer.Indexer` for the deployment of a :class:`LedgerSettings`."""

from __future__ import annotations

import threading

from ledger.chain.retry import Retrier, RetryingClient
from ledger.chain.rpc import JsonRpcClient
from ledger.contracts.deploy import DeploymentMismatch, event_contracts, load_manifest, verify_deployment
from ledger.contracts.system import SYSTEM_CONTRACTS, contract_abi
from ledger.decode import EventDecoder
from ledger.errors import MalformedAnswerError
from ledger.indexer.fetcher import ChainReader
from ledger.indexer.indexer import Indexer, IndexerConfig
from ledger.indexer.progress import Progress
from ledger.indexer.writer import IndexStore
from ledger.settings import LedgerSettings
from ledger.toolchain import Build, compile_contracts

__all__ = ["open_indexer"]


def open_indexer(
    settings: LedgerSettings,
    store: IndexStore,
    rpc: JsonRpcClient,
    *,
    build: Build | None = None,
    config: IndexerConfig | None = None,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
) -> Indexer:
    """An indexer of the deployment in ``settings.manifest_path``, after checking that the node holds it
    (chain id, deployment block hash, code and ABI hashes; :class:`DeploymentMismatch` otherwise)."""
    deployment = load_manifest(settings.manifest_path)
    build = build or compile_contracts(settings)
    config = config or IndexerConfig.from_settings(settings)
    stop = stop or threading.Event()

    retrier = Retrier(config.retry, stop)

    def verify() -> None:
        with RetryingClient(rpc, retrier) as retrying:
            try:
                verify_deployment(retrying, deployment, build, recognised_chain_ids=settings.recognised_chain_ids)
            except (KeyError, TypeError, ValueError) as exc:  # a block or receipt of the wrong shape
                raise MalformedAnswerError(f"checking the deployment: malformed answer ({exc!r})") from exc

    retrier.call("checking the deployment", verify)
    missing = [name for name in SYSTEM_CONTRACTS if name not in deployment.contracts]
    if missing:
        raise DeploymentMismatch(f"manifest lacks {', '.join(missing)}")
    addresses = event_contracts(deployment)  # the ledger's contracts and its governance's
    decoder = EventDecoder.for_contracts(addresses, {name: contract_abi(build, name) for name in addresses})
    return Indexer(
        ChainReader(rpc, addresses.values()),
        store,
        decoder,
        start_block=deployment.deployment_block,
        chain_id=deployment.chain_id,
        config=config,
        stop=stop,
        progress=progress,
    )
