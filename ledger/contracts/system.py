"""The contracts that make up one deployment of the ledger."""

from __future__ import annotations

from typing import Any, Final

from ledger.toolchain import Build

__all__ = ["MODULES", "SYSTEM_CONTRACTS", "contract_abi"]

SYSTEM_CONTRACTS: Final[tuple[str, ...]] = (
    "ParticipantRegistry",
    "AssetRegistry",
    "AssetRegistryModule",
    "AssetControls",
    "SettlementToken",
    "TradeSettlement",
    "MandateRegistry",
    "Supervision",
    "Recognition",
)

#: A contract whose less frequent functions run in a module, on the contract's own storage, through its
#: fallback (OpenZeppelin's Proxy, delegatecall): callers see one contract whose interface is both ABIs.
MODULES: Final[dict[str, str]] = {"AssetRegistry": "AssetRegistryModule"}


def contract_abi(build: Build, name: str) -> list[dict[str, Any]]:
    """The ABI callers use for contract ``name``: its own, joined with its module's functions (see MODULES)."""
    abi = list(build.contract(name).abi)
    module = MODULES.get(name)
    if module is not None:
        have = {(item.get("type"), item.get("name")) for item in abi}
        abi += [item for item in build.contract(module).abi
                if item.get("type") != "constructor" and (item.get("type"), item.get("name")) not in have]  # fmt: skip
    return abi
