"""The access manager's roles and which of the ledger's functions each may call (pure)."""

from __future__ import annotations

from enum import IntEnum
from typing import Final

__all__ = [
    "EMERGENCY_FUNCTIONS",
    "MANAGER_CANCELLABLE",
    "PUBLIC_ROLE",
    "REVERSALS",
    "ManagerRole",
]


class ManagerRole(IntEnum):
    """Roles of the ledger's AccessManager (OpenZeppelin's role ids: 0 is its admin role)."""

    ADMIN = 0
    #: The council of authority officers (its Safe, M of N): every authority power and every change of the
    #: governance, each after the council's execution delay.
    COUNCIL = 1
    #: The guardian (its Safe): cancels what the council scheduled, during the delay (the council role's guardian).
    GUARDIAN = 2
    #: The emergency officers (their Safe, a smaller quorum): freeze an asset, suspend a participant, pause
    #: contracts, at once.
    EMERGENCY = 3


#: OpenZeppelin's public role (every account); never granted.
PUBLIC_ROLE: Final[int] = 2**64 - 1

#: The authority powers the emergency officers exercise at once. Each takes a reason hash (the contracts refuse a
#: zero one), and the council reverses it with the function named in :data:`REVERSALS`, after its delay.
EMERGENCY_FUNCTIONS: Final[dict[str, tuple[str, ...]]] = {
    "AssetControls": ("freeze", "pause"),
    "ParticipantRegistry": ("suspend",),
}

#: What the council does to undo an emergency action.
REVERSALS: Final[dict[tuple[str, str], tuple[str, str]]] = {
    ("AssetControls", "freeze"): ("AssetControls", "unfreeze"),
    ("AssetControls", "pause"): ("AssetControls", "unpause"),
    ("ParticipantRegistry", "suspend"): ("ParticipantRegistry", "reinstate"),
}

#: The manager's own functions that only its admin role (the council) or a role's admin may call. Who may call them
#: is fixed by the manager and does not depend on a target function role; they are mapped to the council's role
#: all the same, so that the council role's guardian may cancel them while they wait out the delay (OpenZeppelin's
#: ``cancel`` asks the guardian of the target function's role). ``revokeRole`` is left out on purpose: the guardian
#: cannot stop the council from revoking a role, so a guardian that cancels everything can itself be removed.
MANAGER_CANCELLABLE: Final[tuple[str, ...]] = (
    "labelRole",
    "grantRole",
    "setRoleAdmin",
    "setRoleGuardian",
    "setGrantDelay",
    "setTargetAdminDelay",
    "updateAuthority",
    "setTargetClosed",
    "setTargetFunctionRole",
)
