"""Provinces must use distinct chain ids: the check every deployment and startup path makes."""

from __future__ import annotations

from collections.abc import Iterable

from ledger.errors import ChainIdConflict

__all__ = ["require_distinct_chain_id"]


def require_distinct_chain_id(chain_id: int, recognised: Iterable[int], *, where: str) -> None:
    """Raises :class:`ChainIdConflict` if ``chain_id``, this ledger's own, is the chain id of a province it
    recognises (``LEDGER_RECOGNISED_CHAIN_IDS``). ``where`` names what would run on it, for the message."""
    if chain_id in set(recognised):
        raise ChainIdConflict(
            f"{where}: chain id {chain_id} is the chain id of a province this ledger recognises "
            f"(LEDGER_RECOGNISED_CHAIN_IDS); provinces must use distinct chain ids, since signatures, consents and "
            f"certificates are bound to the chain id: give this province's chain its own (LEDGER_CHAIN_ID for "
            f"the embedded node)"
        )
