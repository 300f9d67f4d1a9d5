"""``ledger crosscheck``: check another province's registrations by verified storage proofs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from ledger.chain.failover import connect_rpc
from ledger.cli._session import JsonOption, Session, emit, fail, progress
from ledger.recognition.crosscheck import check_assets, compare_registry, find_recognised, local_holders_by_content
from ledger.recognition.layout import RegistryLayout
from ledger.recognition.remote import RemoteRegistry
from ledger.recognition.reports import save_checks, save_report
from ledger.settings import LedgerSettings
from ledger.store import open_store

__all__ = ["crosscheck"]


def crosscheck(
    asset_id: Annotated[int | None, typer.Argument(help="The asset's id in the other province.", min=1)] = None,
    remote: Annotated[
        str, typer.Option("--remote", help="The other province's JSON-RPC URL.", show_default=False)
    ] = "",
    block_hash: Annotated[
        str | None, typer.Option("--block-hash", help="Pin this block of the other chain (the trust anchor).")
    ] = None,
    block: Annotated[int | None, typer.Option("--block", help="Read at this block number (header not pinned).")] = None,
    registry: Annotated[
        str | None, typer.Option(help="Its AssetRegistry (default: from this province's agreement with it).")
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Compare the whole registry with the recognised records.")
    ] = False,
    save: Annotated[
        bool, typer.Option("--save", help="Keep the result in the store (LEDGER_DATABASE_URL) for the query API.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Read another province's registration(s) with eth_getProof, verified against a block header whose
    hash you pin (--block-hash), and compare with what this province recognised. Exit 1 when a proof
    does not verify (the error names the step)."""
    if not remote:
        raise typer.BadParameter("--remote is required", param_hint="--remote")
    if (asset_id is None) == (not all_):
        raise typer.BadParameter("give an ASSET_ID or --all", param_hint="ASSET_ID/--all")
    if block_hash is not None and block is not None:
        raise typer.BadParameter("give at most one of --block-hash and --block", param_hint="--block-hash/--block")
    rpc = connect_rpc(LedgerSettings(), timeout=120, urls=remote.split(","))
    origin_chain = int(rpc.call("eth_chainId"), 16)
    with Session() as s:
        # Without a ledger of our own (no manifest), a single asset can still be proven with --registry.
        standalone = registry is not None and not all_ and not save and not s.settings.manifest_path.exists()
        reader = None if standalone else s.reader()
        if registry is None:
            assert reader is not None
            agreed = reader.get_agreement(origin_chain)
            if int(agreed["version"]) == 0:
                raise fail(f"no agreement with chain {origin_chain} here: give --registry", code=2)
            registry = str(agreed["originRegistry"])
        layout = RegistryLayout.from_storage_layout(s.build.contract("AssetRegistry").storage_layout)
        r = RemoteRegistry(rpc, registry, layout)
        pinned = r.pin(block_hash=block_hash, block="latest" if block is None else block)
        progress(f"chain {origin_chain} block {pinned.number} {pinned.hash}: header verified")
        recognised = [] if reader is None else find_recognised(reader, origin_chain)
        if all_:
            assert reader is not None
            report = compare_registry(r, recognised, lambda hs: local_holders_by_content(reader, hs),
                                      origin_chain_id=origin_chain, local_chain_id=reader.chain_id)
            if save:
                _save(s, lambda engine: save_report(engine, report))
            emit(report.to_json(), report.to_text, as_json)
            return
        assert asset_id is not None
        check = check_assets(r, [asset_id], {x.origin_asset_id: x for x in recognised})[0]
        if save:
            _save(s, lambda engine: save_checks(engine, origin_chain, r.registry, pinned, [check]))
    data: dict[str, Any] = {"origin_chain_id": origin_chain, "registry": r.registry, "block": pinned.number,
                            "block_hash": pinned.hash, "pinned_by_user": pinned.pinned_by_user, **check.to_json()}
    o = check.origin
    emit(data, [
        f"chain {origin_chain} asset #{asset_id} at block {pinned.number} "
        f"({'pinned' if pinned.pinned_by_user else 'not pinned'}): proofs verified",
        f"  status {o.to_json()['status_name']}, content {o.content_hash}",
        f"  holders: holding {o.holding_holder}, processing {o.processing_holder}, operation {o.operation_holder}",
        f"verdict: {check.verdict}" + (f" — {'; '.join(check.reasons)}" if check.reasons else ""),
    ], as_json)  # fmt: skip


def _save(s: Session, write: Callable[[Any], int]) -> None:
    store = open_store(s.settings.effective_database_url)
    try:
        progress(f"saved as cross-check report #{write(store.engine)}")
    finally:
        store.close()
