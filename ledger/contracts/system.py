"""The contracts that make up one deployment of the ledger."""

from __future__ import annotations

from typing import Any, Final

from ledger.toolchain import Build

__all__ = [
    "DEPLOYED_CONTRACTS",
    "EVENT_CONTRACTS",
    "GOVERNANCE_CONTRACTS",
    "GOVERNANCE_INFRASTRUCTURE",
    "GOVERNANCE_SAFES",
    "MODULES",
    "SYSTEM_CONTRACTS",
    "contract_abi",
]

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
    "Valuation",
    "Disclosure",
    "DataQuality",
    "Listings",
    "OpeningList",
)

#: The officers' Safes, by their name in the deployment (each a proxy of the SafeL2 singleton).
GOVERNANCE_SAFES: Final[tuple[str, ...]] = ("CouncilSafe", "GuardianSafe", "EmergencySafe")

#: The governance contracts whose events and errors the ledger reads: OpenZeppelin's AccessManager (the authority
#: participant), the officers' Safes, and the guard that keeps the Safes to the manager.
GOVERNANCE_CONTRACTS: Final[tuple[str, ...]] = ("AccessManager", *GOVERNANCE_SAFES, "GovernanceGuard")

#: The contracts whose events the indexer stores and the audit replays: the ledger's, and the governance's (the
#: access manager's operations and roles, the officers' Safes' transactions and owners).
EVENT_CONTRACTS: Final[tuple[str, ...]] = (*SYSTEM_CONTRACTS, "AccessManager", *GOVERNANCE_SAFES)

#: Deployed with the governance and used only to create and set up the Safes.
GOVERNANCE_INFRASTRUCTURE: Final[tuple[str, ...]] = ("SafeL2", "SafeProxyFactory", "MultiSendCallOnly")

#: Every contract created by a deployment transaction of its own (the Safes are created by the proxy factory), in
#: the order `ledger deploy` creates them: the manager first, since the participant registry names it the authority.
DEPLOYED_CONTRACTS: Final[tuple[str, ...]] = (
    "AccessManager",
    "ParticipantRegistry",
    "AssetRegistryModule",
    "AssetRegistry",
    "AssetControls",
    "SettlementToken",
    "TradeSettlement",
    "MandateRegistry",
    "Supervision",
    "Recognition",
    "Valuation",
    "Disclosure",
    "DataQuality",
    "Listings",
    "OpeningList",
    *GOVERNANCE_INFRASTRUCTURE,
    "GovernanceGuard",
)

#: A contract whose less frequent functions run in a module, on the contract's own storage, through its
#: fallback (OpenZeppelin's Proxy, delegatecall): callers see one contract whose interface is both ABIs.
MODULES: Final[dict[str, str]] = {"AssetRegistry": "AssetRegistryModule"}

#: Safe's functions kept only for compatibility with its earlier versions, overloads of the current ones.
_SAFE_LEGACY: Final[frozenset[tuple[str, str]]] = frozenset(
    {("checkSignatures", "bytes32"), ("checkNSignatures", "bytes32")}
)


def contract_abi(build: Build, name: str) -> list[dict[str, Any]]:
    """The ABI callers use for contract ``name``: its own, joined with its module's functions (see MODULES); a
    Safe of the deployment (``CouncilSafe``...) has the SafeL2 singleton's, without its legacy overloads."""
    if name in GOVERNANCE_SAFES or name == "SafeL2":
        return [
            item for item in build.contract("SafeL2").abi
            if (item.get("name"), (item.get("inputs") or [{}])[0].get("type")) not in _SAFE_LEGACY
        ]  # fmt: skip
    abi = list(build.contract(name).abi)
    module = MODULES.get(name)
    if module is not None:
        have = {(item.get("type"), item.get("name")) for item in abi}
        abi += [item for item in build.contract(module).abi
                if item.get("type") != "constructor" and (item.get("type"), item.get("name")) not in have]  # fmt: skip
    return abi
