"""The ledger's governance: no single key changes the rules.

The authority participant is OpenZeppelin's ``AccessManager``; its roles are held by Safe smart accounts of the
authority's officers: the council (M of N, every authority power after a delay), the guardian (cancels what the
council scheduled, during the delay) and the emergency officers (freeze an asset or suspend a participant at once,
which the council reverses). :mod:`~ledger.governance.safe` builds and signs Safe transactions,
:mod:`~ledger.governance.proposal` keeps a proposal and its signatures in a file, :mod:`~ledger.governance.client`
drives it through its stages and reads the manager's operations, :mod:`~ledger.governance.deployment` deploys and
records the governance, :mod:`~ledger.governance.council` acts as the authority with every officer's key at hand
(development chain, tests, demo).
"""

from __future__ import annotations

from ledger.governance.client import Governance, GovernanceError, Operation, SafeState
from ledger.governance.config import (
    DEV_COUNCIL,
    DEV_DELAY,
    DEV_GUARDIANS,
    GovernanceConfig,
    GovernanceConfigError,
    SafeConfig,
)
from ledger.governance.council import CouncilClient, dev_officers
from ledger.governance.proposal import PROPOSAL_FORMAT, Action, Proposal, ProposalError, Stage
from ledger.governance.roles import EMERGENCY_FUNCTIONS, REVERSALS, ManagerRole
from ledger.governance.safe import SafeRevert, SafeTx, safe_tx_hash, sign_safe_tx

__all__ = [
    "DEV_COUNCIL",
    "DEV_DELAY",
    "DEV_GUARDIANS",
    "EMERGENCY_FUNCTIONS",
    "PROPOSAL_FORMAT",
    "REVERSALS",
    "Action",
    "CouncilClient",
    "Governance",
    "GovernanceConfig",
    "GovernanceConfigError",
    "GovernanceError",
    "ManagerRole",
    "Operation",
    "Proposal",
    "ProposalError",
    "SafeConfig",
    "SafeRevert",
    "SafeState",
    "SafeTx",
    "Stage",
    "dev_officers",
    "safe_tx_hash",
    "sign_safe_tx",
]
