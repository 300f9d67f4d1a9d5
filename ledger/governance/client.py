"""The governance of a deployment, read and driven: the officers' Safes, the access manager's operations, and the
stages of a proposal (:mod:`ledger.governance.proposal`) from its signatures to the Safe transaction that carries
them. Any account may submit a stage that has its signatures; it only pays for the transaction."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Final, Literal

from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.client.ledger import LedgerClient, TxResult
from ledger.client.sender import Call, TxSender, decode_revert, revert_data
from ledger.contracts.codec import ContractCodec
from ledger.contracts.revert import ContractRevert
from ledger.contracts.system import GOVERNANCE_SAFES
from ledger.errors import NonRetryableError, RpcRemoteError
from ledger.governance.proposal import Action, Proposal, ProposalError, Route, Stage, StageKind
from ledger.governance.roles import ManagerRole
from ledger.governance.safe import pack_signatures, recover_signer, safe_revert, safe_tx_hash, sign_safe_tx

__all__ = [
    "DuplicateApproval",
    "Governance",
    "GovernanceError",
    "NotAnOfficer",
    "Operation",
    "OperationStatus",
    "SafeState",
    "SignatureMismatch",
    "StageNotSubmittable",
    "WrongStage",
    "decode_call",
]

logger = logging.getLogger(__name__)

_METHOD_NOT_FOUND = -32601  # JSON-RPC: a node without evm_increaseTime (geth, Besu) answers this

OperationStatus = Literal["pending", "ready", "executed", "cancelled", "expired"]

#: How much gas a Safe transaction adds around the calls it carries, when the caller fixes the gas of those calls.
SAFE_OVERHEAD: Final[int] = 300_000
#: OpenZeppelin's AccessManager forgets a scheduled operation this long after it became ready (``expiration()``).
EXPIRATION: Final[int] = 7 * 86400
#: topic0 of the Safe's ``ExecutionSuccess(bytes32 indexed txHash, uint256 payment)``.
_EXECUTION_SUCCESS: Final[str] = "0x" + keccak(text="ExecutionSuccess(bytes32,uint256)").hex()


class GovernanceError(NonRetryableError):
    """A governance step cannot be taken as asked: too few signatures, a signer who is not an officer of the Safe,
    a call no role of the governance may make, a proposal in another state."""


class NotAnOfficer(GovernanceError):
    """The signer of an approval is not an owner of the stage's Safe."""

    def __init__(self, message: str, *, signer: str, safe: str, officers: Sequence[str]) -> None:
        super().__init__(message)
        self.signer, self.safe, self.officers = signer, safe, tuple(officers)


class SignatureMismatch(GovernanceError):
    """A signature that is not the named signer's over the current stage's Safe transaction (it was made over
    another hash, e.g. another proposal's or an earlier stage's, or with another key), or is not a signature."""

    def __init__(self, message: str, *, signer: str | None, recovered: str | None, safe_tx_hash: bytes) -> None:
        super().__init__(message)
        self.signer, self.recovered, self.safe_tx_hash = signer, recovered, safe_tx_hash


class DuplicateApproval(GovernanceError):
    """The officer already signed the current stage."""

    def __init__(self, message: str, *, signer: str) -> None:
        super().__init__(message)
        self.signer = signer


class WrongStage(GovernanceError):
    """The proposal is not at a stage for what was asked: its last stage was sent (it is executed or cancelled,
    nothing is left to sign or send), or a cancellation was asked of a proposal that is not scheduled."""


class StageNotSubmittable(GovernanceError):
    """The current stage cannot be sent yet: fewer valid signatures than its Safe's threshold, or its nonce was
    taken by another transaction of the Safe (it is renewed, and signed again, at the next approval)."""

    def __init__(self, message: str, *, signatures: int, threshold: int, nonce: int, safe_nonce: int) -> None:
        super().__init__(message)
        self.signatures, self.threshold, self.nonce, self.safe_nonce = signatures, threshold, nonce, safe_nonce


@dataclass(frozen=True, slots=True)
class SafeState:
    """One of the officers' Safes as it is now."""

    name: str
    address: str
    owners: tuple[str, ...]
    threshold: int
    nonce: int


@dataclass(frozen=True, slots=True)
class Operation:
    """An operation the council scheduled at the manager, from the manager's events."""

    operation_id: bytes
    nonce: int
    caller: str
    target: str
    data: bytes
    ready_at: int
    scheduled_block: int
    scheduled_tx: str
    status: OperationStatus
    closed_block: int | None
    closed_tx: str | None
    contract: str
    function: str
    args: dict[str, Any]


def decode_call(contracts: Any, target: str, data: bytes) -> tuple[str, str, dict[str, Any]]:
    """``(contract, function, args)`` of ``data`` sent to ``target`` in a deployment (empty names if unknown);
    a call of a Safe's ``execTransactionFromModule`` names the Safe's own function it runs in ``args["call"]``."""
    name = contracts.by_address.get(target.lower(), "")
    codec: ContractCodec | None = contracts.codecs.get(name)
    if codec is None or len(data) < 4:
        return name, "", {}
    for fn in codec.functions.values():
        if fn.selector == data[:4]:
            values = abi_decode(list(fn.input_types), data[4:])
            item = next(i for i in codec.abi if i.get("type") == "function" and i.get("name") == fn.name)
            pairs = enumerate(zip(item["inputs"], values, strict=True))
            args = {p["name"] or f"arg{i}": _plain(v) for i, (p, v) in pairs}
            if fn.name == "execTransactionFromModule" and isinstance(values[2], bytes):
                inner = decode_call(contracts, str(values[0]), values[2])
                args["call"] = {"contract": inner[0], "function": inner[1], "args": inner[2]}
            return name, fn.name, args
    return name, "", {}


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return to_checksum_address(value)
    return value


class Governance:
    """The governance of the deployment ``client`` acts on; ``client`` submits Safe transactions (any account)."""

    def __init__(self, client: LedgerClient) -> None:
        self.client = client
        self.contracts = client.contracts
        self.manager = client.contracts.address["AccessManager"]
        self.codec = client.contracts.codecs["AccessManager"]

    # ─────────────────────────────────────────── reading

    def safe(self, name: str) -> SafeState:
        if name not in GOVERNANCE_SAFES:
            raise GovernanceError(f"{name!r} is not one of the governance's Safes ({', '.join(GOVERNANCE_SAFES)})")
        c = self.client
        owners, threshold, nonce = c.views([(name, "getOwners", ()), (name, "getThreshold", ()), (name, "nonce", ())])
        return SafeState(
            name=name, address=c.contracts.address[name], owners=tuple(owners),  # checksummed by the codec
            threshold=int(threshold), nonce=int(nonce),
        )  # fmt: skip

    def council_delay(self) -> int:
        """The council's execution delay now (seconds)."""
        _, current, _, _ = self.client.view(
            "AccessManager", "getAccess", int(ManagerRole.COUNCIL), self.contracts.address["CouncilSafe"]
        )
        return int(current)

    def can_call(self, safe: str, target: str, data: bytes) -> tuple[bool, int]:
        """Whether ``safe`` may have the manager call ``target`` with ``data``: (at once, delay)."""
        immediate, delay = self.client.view(
            "AccessManager", "canCall", self.contracts.address[safe], target, data[:4]
        )
        return bool(immediate), int(delay)

    def route_of(self, target: str, data: bytes) -> Route:
        """``emergency`` when the emergency officers may make the call at once, ``council`` when the council may
        schedule it; a call neither may make raises :class:`GovernanceError`."""
        if target.lower() == self.manager.lower():
            return "council"  # the manager's own functions: its admin (the council), always with the delay
        immediate, _ = self.can_call("EmergencySafe", target, data)
        if immediate:
            return "emergency"
        _, delay = self.can_call("CouncilSafe", target, data)
        if delay > 0:
            return "council"
        contract, function, _ = decode_call(self.contracts, target, data)
        raise GovernanceError(
            f"no role of the governance may have the manager call {contract or target}.{function or data[:4].hex()}"
        )

    def chain_time(self) -> int:
        return int(self.client.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)

    def operation_id(self, target: str, data: bytes, caller: str | None = None) -> bytes:
        """The manager's id of the council's (or ``caller``'s) operation calling ``target`` with ``data``."""
        who = caller or self.contracts.address["CouncilSafe"]
        return keccak(abi_encode(["address", "address", "bytes"], [who, target, data]))

    def schedule_of(self, operation_id: bytes) -> int:
        """When the scheduled operation becomes executable, 0 if it is not scheduled (or executed, cancelled,
        expired)."""
        return int(self.client.view("AccessManager", "getSchedule", operation_id))

    # ─────────────────────────────────────────── proposals

    def action(self, target: str, data: bytes) -> Action:
        contract, function, args = decode_call(self.contracts, target, data)
        return Action(target=to_checksum_address(target), data=data, contract=contract, function=function, args=args)

    def simulate(self, actions: Sequence[Action]) -> None:
        """Runs each call now as the manager would (``eth_call`` from the manager): raises the contract's typed
        error of a call that would be refused as things stand. The manager's own functions are not simulated (they
        check that the manager is executing them)."""
        for a in actions:
            if a.target.lower() == self.manager.lower():
                continue
            tx = {"from": self.manager, "to": a.target, "data": "0x" + a.data.hex()}
            try:
                self.client.rpc.call("eth_call", [tx, "latest"])
            except RpcRemoteError as exc:
                data = revert_data(exc)
                if data is None:
                    raise
                raise decode_revert(self.client.sender.errors, data, f"{a.contract}.{a.function}") from None

    def propose(self, calls: Sequence[tuple[str, bytes]], description: str = "", *, check: bool = True) -> Proposal:
        """A proposal of ``calls`` (target, data), at its first stage, unsigned. With ``check``, each call is first
        run as the manager would run it now, and a refusal raises the contract's error."""
        if not calls:
            raise GovernanceError("a proposal needs at least one call")
        actions = tuple(self.action(t, d) for t, d in calls)
        routes = {self.route_of(a.target, a.data) for a in actions}
        if len(routes) != 1:
            raise GovernanceError(
                "a proposal takes either emergency actions (freeze, suspend: at once) or the council's (after the "
                "delay), not both: propose them apart"
            )
        route: Route = routes.pop()
        if check:
            self.simulate(actions)
        operations = tuple(self.operation_id(a.target, a.data) for a in actions) if route == "council" else ()
        proposal = Proposal(
            chain_id=self.client.chain_id, manager=self.manager, route=route, description=description,
            actions=actions, operations=operations, stages=(), created_at=self.chain_time(),
        )  # fmt: skip
        kind: StageKind = "schedule" if route == "council" else "execute"
        return proposal.with_stage(self._stage(proposal, kind))

    def _manager_calls(self, proposal: Proposal, kind: StageKind) -> list[bytes]:
        m = self.codec
        council = self.contracts.address["CouncilSafe"]
        if kind == "schedule":
            return [m.encode_call("schedule", a.target, a.data, 0) for a in proposal.actions]
        if kind == "execute":
            return [m.encode_call("execute", a.target, a.data) for a in proposal.actions]
        return [m.encode_call("cancel", council, a.target, a.data) for a in proposal.actions]

    def _stage(self, proposal: Proposal, kind: StageKind) -> Stage:
        council = "CouncilSafe" if proposal.route == "council" else "EmergencySafe"
        safe = "GuardianSafe" if kind == "cancel" else council
        calls = self._manager_calls(proposal, kind)
        data = calls[0] if len(calls) == 1 else self.codec.encode_call("multicall", calls)
        state = self.safe(safe)
        return Stage(kind=kind, safe=safe, safe_address=state.address, manager=self.manager, data=data,
                     nonce=state.nonce)  # fmt: skip

    def check_deployment(self, proposal: Proposal) -> None:
        """Refuses (:class:`ProposalError`) a proposal of another chain or deployment."""
        self._check(proposal)

    def _check(self, proposal: Proposal) -> None:
        if proposal.chain_id != self.client.chain_id or proposal.manager.lower() != self.manager.lower():
            raise ProposalError(
                f"the proposal is for the manager {proposal.manager} on chain {proposal.chain_id}, not this "
                f"deployment's {self.manager} on chain {self.client.chain_id}"
            )

    def renew(self, proposal: Proposal) -> Proposal:
        """The proposal caught up with the chain (:meth:`catch_up`: stages sent from another copy of it), then with
        its current stage at its Safe's current nonce (signatures dropped) if another transaction of that Safe took
        the stage's nonce; unchanged otherwise."""
        proposal = self.catch_up(proposal)
        stage = proposal.stage
        if stage.submitted:
            return proposal
        nonce = self.safe(stage.safe).nonce
        if nonce == stage.nonce:
            return proposal
        logger.warning("%s's nonce moved from %d to %d: the %s stage is renewed and must be signed again",
                       stage.safe, stage.nonce, nonce, stage.kind)  # fmt: skip
        return proposal.with_stage(replace(stage, nonce=nonce, signatures={}))

    def catch_up(self, proposal: Proposal) -> Proposal:
        """The proposal after every stage that was sent from another copy of it (another officer's file, the
        gateway's store): while its Safe's nonce is past the current stage's, the stage's Safe transaction is looked
        for at each nonce it may have been sent at (the stage's own up to the Safe's current one: a copy may have
        renewed it first), by the ``ExecutionSuccess`` event that carries its hash; a stage found is taken as sent
        (:meth:`advance`). A nonce taken by another transaction leaves the stage as it is (:meth:`renew` renews it)."""
        while not proposal.stage.submitted:
            stage = proposal.stage
            current = self.safe(stage.safe).nonce
            if current <= stage.nonce:
                return proposal
            digests = {
                "0x" + safe_tx_hash(replace(stage, nonce=n).safe_tx(), proposal.chain_id).hex(): n
                for n in range(stage.nonce, current)
            }
            logs = self.client.rpc.call("eth_getLogs", [{
                "address": stage.safe_address, "topics": [_EXECUTION_SUCCESS, list(digests)],
                "fromBlock": hex(self.contracts.deployment.deployment_block), "toBlock": "latest",
            }])  # fmt: skip
            if not logs:
                return proposal
            log = logs[0]
            nonce = digests[str(log["topics"][1]).lower()]
            receipt = self.client.rpc.call("eth_getTransactionReceipt", [log["transactionHash"]])
            result = TxResult(TxSender.receipt_of(receipt), self.contracts)
            logger.info("governance %s stage of this proposal was sent from another copy of it: %s (block %d)",
                        stage.kind, result.tx_hash, result.receipt.block_number)  # fmt: skip
            proposal = self.advance(proposal.with_stage(replace(stage, nonce=nonce)), result)
            if not proposal.stage.submitted:  # the next stage: sent, if it was, after this one
                proposal = proposal.with_stage(replace(proposal.stage, nonce=nonce + 1))
        return proposal

    def sign(self, proposal: Proposal, account: LocalAccount) -> Proposal:
        """``account``'s signature added to the current stage (renewed first if its nonce was taken); signing
        again replaces the officer's signature."""
        self._check(proposal)
        proposal = self.renew(proposal)  # caught up first: the copy may have been sent to its end elsewhere
        if proposal.stage.submitted:
            raise WrongStage(f"the proposal is {proposal.state}: there is nothing left to sign")
        stage = proposal.stage
        signer = to_checksum_address(account.address)
        self._officer(stage, signer)
        signature = sign_safe_tx(account, stage.safe_tx(), proposal.chain_id)
        return proposal.with_stage(replace(stage, signatures={**stage.signatures, signer: signature}))

    def approve(self, proposal: Proposal, signature: bytes, signer: str | None = None) -> tuple[Proposal, str]:
        """An officer's ``signature`` of the current stage's Safe transaction, made elsewhere (their wallet),
        added to it; returns the proposal and the signer recovered from the signature. The stage is renewed first
        if its nonce was taken (the returned proposal carries the renewal even when the signature is refused: a
        signature of the stage before its renewal is :class:`SignatureMismatch`).

        Refuses a signature that does not recover to ``signer`` (when named) over the stage's ``SafeTx`` hash
        (:class:`SignatureMismatch`), a signer who is not an owner of the stage's Safe (:class:`NotAnOfficer`), and
        a second signature of the same officer (:class:`DuplicateApproval`)."""
        self._check(proposal)
        proposal = self.renew(proposal)  # caught up first: the copy may have been sent to its end elsewhere
        if proposal.stage.submitted:
            raise WrongStage(f"the proposal is {proposal.state}: there is nothing left to sign")
        stage = proposal.stage
        tx = stage.safe_tx()
        digest = safe_tx_hash(tx, proposal.chain_id)
        if len(signature) == 65 and signature[64] in (0, 1):
            signature = signature[:64] + bytes([signature[64] + 27])  # wallets that write v as 0/1
        recovered: str | None = None
        if len(signature) == 65 and signature[64] in (27, 28):  # what a Safe takes as an owner's ECDSA signature
            with contextlib.suppress(Exception):  # eth_keys' BadSignature: an (r, s) that is no signature
                recovered = recover_signer(tx, proposal.chain_id, signature)
        named = None if signer is None else to_checksum_address(signer)
        if recovered is None or (named is not None and recovered != named):
            who = f"{named}'s signature" if named is not None else "a signature"
            raise SignatureMismatch(
                f"this is not {who} over the {stage.kind} stage's Safe transaction 0x{digest.hex()} (the "
                f"{stage.safe}'s nonce {stage.nonce}): it was made over another hash or with another key"
                + (f" (it recovers to {recovered})" if recovered is not None else ""),
                signer=named, recovered=recovered, safe_tx_hash=digest,
            )  # fmt: skip
        self._officer(stage, recovered)
        if recovered in stage.signatures:
            raise DuplicateApproval(
                f"{recovered} already signed the {stage.kind} stage (Safe transaction 0x{digest.hex()})",
                signer=recovered,
            )
        return proposal.with_stage(replace(stage, signatures={**stage.signatures, recovered: signature})), recovered

    def _officer(self, stage: Stage, signer: str) -> None:
        owners = self.safe(stage.safe).owners
        if signer not in owners:
            raise NotAnOfficer(
                f"{signer} is not an officer of the {stage.safe} ({', '.join(owners)})",
                signer=signer, safe=stage.safe, officers=owners,
            )

    def valid_signers(self, proposal: Proposal) -> list[str]:
        """The current stage's signers whose signatures recover to them and who are officers of its Safe now."""
        stage = proposal.stage
        owners = set(self.safe(stage.safe).owners)
        tx = stage.safe_tx()
        return [s for s, sig in stage.signatures.items()
                if s in owners and recover_signer(tx, proposal.chain_id, sig) == s]  # fmt: skip

    def submission(self, proposal: Proposal, *, gas: int | None = None) -> Call:
        """The call (the Safe's ``execTransaction``) that sends the current stage, which anyone may send. Refuses
        when the stage has fewer valid signatures than its Safe's threshold or its nonce was taken
        (:class:`StageNotSubmittable`), or was sent already (:class:`WrongStage`). ``gas`` fixes the gas of the
        carried calls (the transaction is then sent, and mined, even if it reverts)."""
        self._check(proposal)
        stage = proposal.stage
        if stage.submitted:
            raise WrongStage(f"the proposal is {proposal.state}: its last stage was sent in {stage.tx_hash}")
        state = self.safe(stage.safe)
        if state.nonce != stage.nonce and (caught := self.catch_up(proposal)) != proposal:
            sent = caught.stages[len(proposal.stages) - 1]
            raise WrongStage(f"the {stage.kind} stage was sent already, from another copy of the proposal, in "
                             f"{sent.tx_hash} (block {sent.block}): the proposal is {caught.state}")  # fmt: skip
        if state.nonce != stage.nonce:
            raise StageNotSubmittable(
                f"the {stage.kind} stage was signed for nonce {stage.nonce} of the {stage.safe}, which is now at "
                f"{state.nonce}: sign it again (`ledger governance approve` renews it)",
                signatures=0, threshold=state.threshold, nonce=stage.nonce, safe_nonce=state.nonce,
            )  # fmt: skip
        valid = self.valid_signers(proposal)
        if len(valid) < state.threshold:
            raise StageNotSubmittable(
                f"the {stage.kind} stage has {len(valid)} valid signature(s) of the {stage.safe}'s officers; "
                f"it needs {state.threshold}",
                signatures=len(valid), threshold=state.threshold, nonce=stage.nonce, safe_nonce=state.nonce,
            )  # fmt: skip
        signatures = pack_signatures({s: stage.signatures[s] for s in valid[: state.threshold]})
        safe_codec = self.contracts.codecs[stage.safe]
        tx = stage.safe_tx()
        return Call(
            stage.safe_address, safe_codec.encode_call("execTransaction", *tx.exec_args(signatures)),
            None if gas is None else gas + SAFE_OVERHEAD,
            operation=f"governance {stage.kind} ({', '.join(f'{a.contract}.{a.function}' for a in proposal.actions)})",
        )  # fmt: skip

    def advance(self, proposal: Proposal, result: TxResult) -> Proposal:
        """The proposal after ``result``, the mined transaction of :meth:`submission`: its current stage sent, and
        after a schedule the execute stage (with the operations' earliest execution time)."""
        stage = proposal.stage
        done = replace(stage, tx_hash=result.tx_hash, block=result.receipt.block_number)
        proposal = proposal.with_stage(done)
        digest = safe_tx_hash(stage.safe_tx(), proposal.chain_id)
        logger.info("governance %s stage sent: %s (block %d, Safe tx 0x%s)", stage.kind, result.tx_hash,
                    result.receipt.block_number, digest.hex())  # fmt: skip
        if stage.kind == "schedule":
            ready = [int(e["schedule"]) for e in result.find("OperationScheduled")]
            proposal = replace(proposal, ready_at=max(ready) if ready else None)
            proposal = proposal.with_stage(self._stage(proposal, "execute"))
        return proposal

    def submit(self, proposal: Proposal, *, gas: int | None = None) -> tuple[Proposal, TxResult]:
        """Sends the current stage's Safe transaction (:meth:`submission`); returns the proposal with its next
        stage (if any) and the transaction."""
        call = self.submission(proposal, gas=gas)
        try:
            result = TxResult(self.client.sender.transact(call), self.contracts)
        except ContractRevert as exc:
            raise safe_revert(exc) from None
        return self.advance(proposal, result), result

    def begin_cancel(self, proposal: Proposal) -> Proposal:
        """The proposal with a ``cancel`` stage for the guardian's Safe (its operations must still be pending)."""
        self._check(proposal)
        if proposal.route != "council" or proposal.state != "scheduled":
            raise WrongStage(f"only a scheduled council proposal can be cancelled; this one is {proposal.state}")
        if proposal.stage.kind == "cancel":
            return proposal
        return proposal.with_stage(self._stage(proposal, "cancel"))

    def wait_until(self, timestamp: int, *, dev_clock: bool) -> None:
        """Returns once the chain's latest block is at ``timestamp`` or later: on a development chain
        (``dev_clock``) by moving its clock on (``evm_increaseTime``, then a block, again if blocks had run ahead of
        the clock), so that later moves of the clock by others still count; else by waiting for blocks."""
        now = self.chain_time()
        if dev_clock and now < timestamp:
            rpc = self.client.rpc
            try:
                rpc.call("evm_increaseTime", [timestamp - now])
            except RpcRemoteError as exc:
                if exc.code != _METHOD_NOT_FOUND:
                    raise
                logger.info("the node cannot move its clock (%s): waiting for its blocks to reach %d", exc, timestamp)
                dev_clock = False
        if dev_clock:
            journal = self.client.sender.journal
            if now < timestamp and journal is not None:
                journal.record_clock(timestamp - now)  # so that a replay of the journal moves the clock again
            for attempt in range(8):
                if now >= timestamp:
                    return
                if attempt:
                    rpc.call("evm_increaseTime", [timestamp - now])
                rpc.call("evm_mine", [])
                before, now = now, self.chain_time()
                if now <= before + 1:  # a node whose blocks keep a fixed interval ignores the increase: set it
                    rpc.call("evm_mine", [timestamp])
                    now = self.chain_time()
        while now < timestamp:
            time.sleep(min(5.0, max(0.5, timestamp - time.time())))
            now = self.chain_time()

    # ─────────────────────────────────────────── operations, from the manager's events

    def operations(self, from_block: int | None = None) -> list[Operation]:
        """Every operation scheduled at the manager since ``from_block`` (default: the deployment), oldest first,
        with its status now."""
        start = self.contracts.deployment.deployment_block if from_block is None else from_block
        events = {name: self.codec.events[name] for name in ("OperationScheduled", "OperationExecuted",
                                                             "OperationCanceled")}  # fmt: skip
        logs = self.client.rpc.call("eth_getLogs", [{
            "address": self.manager, "fromBlock": hex(start), "toBlock": "latest",
            "topics": [["0x" + e.topic0.hex() for e in events.values()]],
        }])  # fmt: skip
        decoded = self.contracts.decode_logs(logs)
        now = self.chain_time()
        found: dict[tuple[bytes, int], dict[str, Any]] = {}
        order: list[tuple[bytes, int]] = []
        for log in decoded:
            key = (bytes(log.args["operationId"]), int(log.args["nonce"]))
            if log.event == "OperationScheduled":
                found[key] = {"log": log, "closed": None}
                order.append(key)
            elif key in found:
                found[key]["closed"] = log
        out = []
        for key in order:
            log = found[key]["log"]
            closed = found[key]["closed"]
            ready = int(log.args["schedule"])
            status: OperationStatus
            if closed is not None:
                status = "executed" if closed.event == "OperationExecuted" else "cancelled"
            elif ready + EXPIRATION <= now:
                status = "expired"
            else:
                status = "ready" if ready <= now else "pending"
            target, data = to_checksum_address(log.args["target"]), bytes(log.args["data"])
            contract, function, args = decode_call(self.contracts, target, data)
            out.append(Operation(
                operation_id=key[0], nonce=key[1], caller=to_checksum_address(log.args["caller"]), target=target,
                data=data, ready_at=ready, scheduled_block=log.block_number, scheduled_tx=log.transaction_hash,
                status=status, closed_block=closed.block_number if closed else None,
                closed_tx=closed.transaction_hash if closed else None, contract=contract, function=function,
                args=args,
            ))  # fmt: skip
        return out
