"""Acting as the authority through the governance with every officer's key at hand: the development chain's dev
officers, the tests, the demo. Never on a real chain, where each officer signs on their own machine (``ledger
governance propose|approve|execute``)."""

from __future__ import annotations

from collections.abc import Sequence

from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address

from ledger.chain.rpc import JsonRpcClient
from ledger.client.accounts import dev_account
from ledger.client.ledger import Contracts, LedgerClient, TxResult
from ledger.client.sender import Call, TxSender
from ledger.governance.client import Governance, GovernanceError
from ledger.governance.config import DEV_COUNCIL, DEV_GUARDIANS
from ledger.governance.proposal import Proposal

__all__ = ["CouncilClient", "dev_officers"]


def dev_officers() -> list[LocalAccount]:
    """The dev mnemonic's officer accounts: the council's and emergency officers', then the guardian's."""
    return [dev_account(i) for i in (*DEV_COUNCIL, *DEV_GUARDIANS)]


class CouncilClient(LedgerClient):
    """The ledger's authority, acting through its governance with the officers' keys it holds.

    Every write becomes a proposal signed at once by as many officers as its Safe needs: the emergency officers'
    actions (freeze, suspend) take effect in one Safe transaction; the council's are scheduled, the clock moves past
    the delay (``evm_increaseTime`` on a development chain, else it waits), and they are executed. A write raises the
    contract's typed error as a participant's would: before anything is sent when the call would be refused as
    things stand, or from the executing transaction when the caller fixed its gas (it is then mined, and reverts).
    ``address`` is the authority's, the access manager; ``sender`` only pays for the Safe transactions.
    """

    def __init__(
        self,
        rpc: JsonRpcClient,
        contracts: Contracts,
        sender: TxSender,
        officers: Sequence[LocalAccount] | None = None,
        *,
        dev_clock: bool = True,
    ) -> None:
        super().__init__(rpc, contracts, sender)
        self._siblings = {}  # clients made with as_() are plain participants' clients
        self.governance = Governance(self)
        keys = dev_officers() if officers is None else officers
        self.officers = {to_checksum_address(a.address): a for a in keys}
        self.dev_clock = dev_clock
        self.last_proposal: Proposal | None = None
        self.last_results: list[TxResult] = []

    @property
    def address(self) -> str:
        return self.contracts.address["AccessManager"]

    def execute(self, call: Call) -> TxResult:
        return self.execute_many([call])[0]

    def execute_many(self, calls: Sequence[Call]) -> list[TxResult]:
        """All ``calls`` in one proposal (scheduled and executed together); each gets the executing transaction."""
        gases = [c.gas for c in calls if c.gas is not None]
        fixed = max(gases) * len(calls) if gases else None
        description = ", ".join(c.operation for c in calls)
        proposal = self.governance.propose([(str(c.to), c.data) for c in calls], description, check=fixed is None)
        self.last_results = []
        proposal, result = self._complete(proposal, fixed)
        if proposal.route == "council":
            assert proposal.ready_at is not None
            self.governance.wait_until(proposal.ready_at, dev_clock=self.dev_clock)
            proposal, result = self._complete(proposal, fixed)
        self.last_proposal = proposal
        return [result for _ in calls]

    def _complete(self, proposal: Proposal, gas: int | None) -> tuple[Proposal, TxResult]:
        """Signs the current stage with enough of the officers held here, and submits it."""
        safe = self.governance.safe(proposal.stage.safe)
        signers = [self.officers[o] for o in map(to_checksum_address, safe.owners) if o in self.officers]
        signers = signers[: safe.threshold]
        if len(signers) < safe.threshold:
            raise GovernanceError(
                f"{len(signers)} of the {safe.name}'s officers' keys are at hand; it needs {safe.threshold}"
            )
        for account in signers:
            proposal = self.governance.sign(proposal, account)
        try:
            proposal, result = self.governance.submit(proposal, gas=gas)
        finally:
            self.last_proposal = proposal
        self.last_results.append(result)
        return proposal, result
