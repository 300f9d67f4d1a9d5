"""The ledger's governance: no single key changes the rules.

The authority participant is OpenZeppelin's ``AccessManager``; its roles are held by Safe smart accounts of the
authority's officers: the council (M of N, every authority power after a delay), the guardian (cancels what the
council scheduled, during the delay) and the emergency officers (freeze an asset or suspend a participant at once,
which the council reverses). :mod:`~ledger.governance.safe` builds and signs Safe transactions,
:mod:`~ledger.governance.calls` encodes the calls a proposal names, :mod:`~ledger.governance.proposal` keeps a
proposal and its signatures in a file, :mod:`~ledger.governance.client` drives it through its stages (the officers'
signatures made here or brought from their wallets) and reads the manager's operations,
:mod:`~ledger.governance.deployment` deploys and records the governance, :mod:`~ledger.governance.council` acts as
the authority with every officer's key at hand (development chain, tests, demo).
"""

from __future__ import annotations

from ledger.governance.calls import ArgReader, CallError, encode_call
from ledger.governance.client import (
    DuplicateApproval,
    Governance,
    GovernanceError,
    NotAnOfficer,
    Operation,
    SafeState,
    SignatureMismatch,
    StageNotSubmittable,
    WrongStage,
)
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
    "ArgReader",
    "CallError",
    "CouncilClient",
    "DuplicateApproval",
    "Governance",
    "GovernanceConfig",
    "GovernanceConfigError",
    "GovernanceError",
    "ManagerRole",
    "NotAnOfficer",
    "Operation",
    "Proposal",
    "ProposalError",
    "SafeConfig",
    "SafeRevert",
    "SafeState",
    "SafeTx",
    "SignatureMismatch",
    "Stage",
    "StageNotSubmittable",
    "WrongStage",
    "dev_officers",
    "encode_call",
    "safe_tx_hash",
    "sign_safe_tx",
]
