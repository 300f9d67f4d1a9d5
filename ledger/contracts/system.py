"""The contracts that make up one deployment of the ledger."""

from __future__ import annotations

from typing import Final

__all__ = ["SYSTEM_CONTRACTS"]

SYSTEM_CONTRACTS: Final[tuple[str, ...]] = (
    "ParticipantRegistry",
    "AssetRegistry",
    "SettlementToken",
    "TradeSettlement",
    "Supervision",
    "Recognition",
)
