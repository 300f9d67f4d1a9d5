"""Governance proposals through the gateway: officers collaborate on a proposal kept in the store instead of passing
its file around (``/api/v1/tx/governance/proposals``; the routes are in :mod:`api.routes.gateway`).

What a proposal is and how it moves from stage to stage is :mod:`ledger.governance`'s (``Governance.propose``,
``approve``, ``submission``, ``advance``, ``begin_cancel``); here it is stored (table ``governance_proposals``, the
proposal file as ``ledger governance`` writes it), its errors are turned into HTTP replies, and its stages are sent
through the gateway's submission (signed by the API key's participant, which only relays and pays, at most once per
Idempotency-Key).

Officers are the owners of the officers' Safes and need not be participants: an approval is authenticated by its
signature alone (the EIP-712 ``SafeTx`` signature is recovered and must be an owner's of the stage's Safe, as the Safe
itself will check); the API key only gates who may post it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import sqlalchemy as sa

from api.gateway._db import writing
from api.gateway.errors import GatewayError, GatewayUnavailable
from api.gateway.gateway import Gateway, Operation
from api.gateway.keys import ApiKey
from api.gateway.outcome import Reply, error_reply, plain, refusal_reply
from ledger.client import Call, LedgerClient, TxResult
from ledger.contracts.revert import ContractRevert
from ledger.errors import LedgerError, RetryableError
from ledger.governance import (
    ArgReader,
    CallError,
    DuplicateApproval,
    Governance,
    GovernanceError,
    NotAnOfficer,
    Proposal,
    ProposalError,
    SignatureMismatch,
    StageNotSubmittable,
    WrongStage,
    encode_call,
)
from ledger.governance.safe import safe_tx_hash, safe_tx_typed_data
from ledger.store.schema import governance_proposals as t

__all__ = ["ProposalDesk", "ProposalStore", "StoredProposal", "UnknownProposal"]

logger = logging.getLogger(__name__)

_RETRIES: Final[int] = 5


class UnknownProposal(GatewayError):
    status = 404
    code = "unknown_proposal"


class _InvalidCall(GatewayError):
    status = 422
    code = "invalid_call"


class _InvalidProposal(GatewayError):
    status = 422
    code = "invalid_proposal"


class _NotAnOfficer(GatewayError):
    status = 403
    code = "not_an_officer"


class _SignatureMismatch(GatewayError):
    status = 422
    code = "signature_mismatch"


class _DuplicateApproval(GatewayError):
    status = 409
    code = "duplicate_approval"


class _WrongStage(GatewayError):
    status = 409
    code = "wrong_stage"


class _SignaturesMissing(GatewayError):
    status = 409
    code = "signatures_missing"


class _NotReady(GatewayError):
    status = 409
    code = "not_ready"


class _Conflict(GatewayError):
    status = 409
    code = "proposal_busy"


def _http_error(exc: GovernanceError) -> GatewayError:
    """The gateway error a governance refusal answers with."""
    if isinstance(exc, NotAnOfficer):
        return _NotAnOfficer(str(exc), signer=exc.signer, safe=exc.safe, officers=list(exc.officers))
    if isinstance(exc, SignatureMismatch):
        return _SignatureMismatch(str(exc), signer=exc.signer, recovered=exc.recovered,
                                  safe_tx_hash="0x" + exc.safe_tx_hash.hex())  # fmt: skip
    if isinstance(exc, DuplicateApproval):
        return _DuplicateApproval(str(exc), signer=exc.signer)
    if isinstance(exc, WrongStage):
        return _WrongStage(str(exc))
    if isinstance(exc, StageNotSubmittable):
        return _SignaturesMissing(str(exc), signatures=exc.signatures, threshold=exc.threshold, nonce=exc.nonce,
                                  safe_nonce=exc.safe_nonce)  # fmt: skip
    return _InvalidCall(str(exc))  # a call no role may make, routes mixed, an unknown function or bad arguments


@dataclass(frozen=True, slots=True)
class StoredProposal:
    proposal_id: int
    proposal: Proposal
    created_by: str
    created_at: int
    updated_at: int
    version: int


def _row(row: Any) -> StoredProposal:
    return StoredProposal(
        proposal_id=int(row.proposal_id), proposal=Proposal.from_json(dict(row.document)),
        created_by=str(row.created_by), created_at=int(row.created_at), updated_at=int(row.updated_at),
        version=int(row.version),
    )  # fmt: skip


def _columns(proposal: Proposal) -> dict[str, Any]:
    return {
        "chain_id": proposal.chain_id, "manager": proposal.manager, "route": proposal.route, "state": proposal.state,
        "stage": proposal.stage.kind, "safe_tx_hash": "0x" + safe_tx_hash(proposal.stage.safe_tx(),
                                                                            proposal.chain_id).hex(),
        "description": proposal.description, "document": proposal.to_json(),
    }  # fmt: skip


class ProposalStore:
    """The stored proposals of one database. Changes are optimistic: a write names the version it changes."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def create(self, proposal: Proposal, created_by: str) -> StoredProposal:
        now = int(time.time())
        with writing(self.engine) as conn:
            result = conn.execute(t.insert().values(
                **_columns(proposal), created_by=created_by, created_at=now, updated_at=now, version=1,
            ))  # fmt: skip
            inserted = result.inserted_primary_key
            assert inserted is not None  # an INSERT of one row
            proposal_id = int(inserted[0])
        return StoredProposal(proposal_id, proposal, created_by, now, now, 1)

    def get(self, proposal_id: int) -> StoredProposal:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.proposal_id == proposal_id)).first()
        if row is None:
            raise UnknownProposal(f"no governance proposal {proposal_id}", proposal_id=proposal_id)
        return _row(row)

    def find(self, state: str | None = None, limit: int = 100) -> list[StoredProposal]:
        """The latest proposals first (in ``state`` if given)."""
        query = sa.select(t).order_by(t.c.proposal_id.desc()).limit(limit)
        if state is not None:
            query = query.where(t.c.state == state)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query)]

    def replace(self, stored: StoredProposal, proposal: Proposal) -> StoredProposal | None:
        """Writes ``proposal`` over ``stored`` unless another request changed it since (then None)."""
        now = int(time.time())
        with writing(self.engine) as conn:
            changed = conn.execute(
                t.update()
                .where(t.c.proposal_id == stored.proposal_id, t.c.version == stored.version)
                .values(**_columns(proposal), updated_at=now, version=stored.version + 1)
            ).rowcount  # fmt: skip
        if changed != 1:
            return None
        return StoredProposal(stored.proposal_id, proposal, stored.created_by, stored.created_at, now,
                              stored.version + 1)  # fmt: skip

    def change(self, proposal_id: int, step: Callable[[Proposal], Proposal]) -> StoredProposal:
        """Applies ``step`` to the stored proposal and writes the result, again on the latest version when another
        request wrote in between. ``step`` may raise to write nothing."""
        for _ in range(_RETRIES):
            stored = self.get(proposal_id)
            changed = step(stored.proposal)
            if changed == stored.proposal:
                return stored
            written = self.replace(stored, changed)
            if written is not None:
                return written
        raise _Conflict(f"proposal {proposal_id} is being changed by other requests: retry", retry_after=1.0)


class ProposalDesk:
    """The gateway's governance proposals: every method answers a :class:`Reply` (errors included)."""

    def __init__(self, gateway: Gateway, engine: sa.Engine) -> None:
        self.gateway = gateway
        self.store = ProposalStore(engine)

    def _governance(self, key: ApiKey) -> Governance:
        return Governance(self.gateway.client(key))

    def _answer(self, key: ApiKey, action: Callable[[Governance], Reply]) -> Reply:
        try:
            return action(self._governance(key))
        except GatewayError as exc:
            return error_reply(exc)
        except GovernanceError as exc:
            return error_reply(_http_error(exc))
        except ProposalError as exc:
            return error_reply(_InvalidProposal(str(exc)))
        except RetryableError as exc:
            return error_reply(GatewayUnavailable(f"the ledger node is unavailable: {exc}", retry_after=2.0))
        except sa.exc.SQLAlchemyError as exc:
            logger.warning("gateway: governance proposals: store unavailable: %s", exc)
            return error_reply(GatewayUnavailable("the gateway's database is unavailable", retry_after=2.0))

    # ─────────────────────────────────────────── reading

    def summary(self, g: Governance, stored: StoredProposal) -> dict[str, Any]:
        """A stored proposal as the API answers it: its stage, the signatures it has against its Safe's threshold,
        what it waits for, and the current stage's SafeTx hash and EIP-712 typed data for officers to sign."""
        p = stored.proposal
        stage = p.stage
        state = g.safe(stage.safe)
        now = g.chain_time()
        valid = list(stage.signatures) if stage.submitted else g.valid_signers(p)
        tx = stage.safe_tx()
        ready = p.ready_at is None or now >= p.ready_at
        waiting = "nothing"
        if not stage.submitted:
            if stage.kind == "execute" and p.route == "council" and not ready:
                waiting = "delay"
            elif stage.nonce != state.nonce:
                waiting = "renewal"
            elif len(valid) < state.threshold:
                waiting = "approvals"
            else:
                waiting = "submission"
        operations = p.operations or tuple(b"" for _ in p.actions)
        body: dict[str, Any] = plain({
            "proposal_id": stored.proposal_id, "state": p.state, "route": p.route, "description": p.description,
            "waiting_for": waiting, "created_by": stored.created_by, "created_at": stored.created_at,
            "updated_at": stored.updated_at, "chain_id": p.chain_id, "manager": p.manager,
            "ready_at": p.ready_at, "chain_time": now,
            "actions": [{"contract": a.contract, "function": a.function, "args": a.args, "target": a.target,
                         "data": a.data, "operation_id": op or None}
                        for a, op in zip(p.actions, operations, strict=True)],
            "stage": {
                "kind": stage.kind, "safe": stage.safe, "safe_address": stage.safe_address, "nonce": stage.nonce,
                "safe_nonce": state.nonce, "safe_tx_hash": safe_tx_hash(tx, p.chain_id),
                "typed_data": safe_tx_typed_data(tx, p.chain_id), "signers": valid, "signatures": len(valid),
                "threshold": state.threshold, "officers": list(state.owners), "tx_hash": stage.tx_hash,
                "block_number": stage.block,
            },
            "stages": [{"kind": s.kind, "safe": s.safe, "nonce": s.nonce,
                        "safe_tx_hash": safe_tx_hash(s.safe_tx(), p.chain_id), "signers": sorted(s.signatures),
                        "tx_hash": s.tx_hash, "block_number": s.block} for s in p.stages],
        })  # fmt: skip
        return body

    def _caught_up(self, g: Governance, stored: StoredProposal) -> StoredProposal:
        """``stored``, written again if a stage of it was sent from another copy (an officer's CLI with the exported
        file): the store follows the chain, and officers are never asked to sign a stage that was sent."""
        if stored.proposal.stage.submitted:
            return stored
        return self.store.change(stored.proposal_id, g.catch_up)

    def show(self, key: ApiKey, proposal_id: int) -> Reply:
        return self._answer(key, lambda g: Reply(200, self.summary(g, self._caught_up(g, self.store.get(proposal_id)))))

    def find(self, key: ApiKey, state: str | None, limit: int) -> Reply:
        return self._answer(key, lambda g: Reply(200, {
            "proposals": [self.summary(g, self._caught_up(g, s)) for s in self.store.find(state, limit)],
        }))  # fmt: skip

    def file(self, key: ApiKey, proposal_id: int) -> Reply:
        """The proposal file, exactly as ``ledger governance approve|execute|cancel`` take it."""
        try:
            return Reply(200, self.store.get(proposal_id).proposal.to_json())
        except GatewayError as exc:
            return error_reply(exc)
        except sa.exc.SQLAlchemyError:
            return error_reply(GatewayUnavailable("the gateway's database is unavailable", retry_after=2.0))

    # ─────────────────────────────────────────── writing (no transaction)

    def propose(
        self, key: ApiKey, calls: Sequence[tuple[str, str, Sequence[Any]]], description: str, *, check: bool = True
    ) -> Reply:
        """A new proposal of ``calls`` (contract, function, args), each first run as the manager would run it now
        (``check``): a refused call answers 422 with the contract's error, and nothing is stored."""

        def run(g: Governance) -> Reply:
            reader = ArgReader(owners=lambda safe: g.safe(safe).owners)
            encoded = []
            for i, (contract, function, args) in enumerate(calls):
                try:
                    encoded.append(encode_call(g.contracts, contract, function, args, reader))
                except CallError as exc:
                    raise _InvalidCall(f"call {i}: {exc}", call=i) from None
            try:
                proposal = g.propose(encoded, description, check=check)
            except ContractRevert as exc:  # as things stand, the manager's call would be refused
                refused = refusal_reply(exc, g.contracts.errors)
                refused.body["error"]["message"] = f"the proposal would fail: {refused.body['error']['message']}"
                return Reply(422, refused.body)
            stored = self.store.create(proposal, key.key_id)
            logger.info("gateway: governance proposal %d (%s) created by key %s", stored.proposal_id,
                        ", ".join(f"{a.contract}.{a.function}" for a in proposal.actions), key.key_id)  # fmt: skip
            return Reply(201, self.summary(g, stored))

        return self._answer(key, run)

    def import_file(self, key: ApiKey, document: Mapping[str, Any]) -> Reply:
        """A proposal file (``ledger governance propose --out``) stored under a new id, signatures and all."""

        def run(g: Governance) -> Reply:
            proposal = Proposal.from_json(dict(document))
            if not proposal.stages:
                raise ProposalError("the proposal has no stage")
            g.check_deployment(proposal)
            stored = self.store.create(proposal, key.key_id)
            return Reply(201, self.summary(g, stored))

        return self._answer(key, run)

    def approve(self, key: ApiKey, proposal_id: int, signature: bytes, signer: str) -> Reply:
        """An officer's signature of the current stage, checked and added (see :meth:`Governance.approve`)."""

        def run(g: Governance) -> Reply:
            refused: list[GovernanceError] = []

            def step(p: Proposal) -> Proposal:
                refused.clear()
                try:
                    return g.approve(p, signature, signer)[0]
                except GovernanceError as exc:  # written anyway: the stage's renewal, if it was renewed
                    refused.append(exc)
                    return g.renew(p) if not p.stage.submitted else p

            stored = self.store.change(proposal_id, step)
            if refused:
                raise refused[0]
            logger.info("gateway: proposal %d: %s stage approved by %s (posted by key %s)", proposal_id,
                        stored.proposal.stage.kind, signer, key.key_id)  # fmt: skip
            return Reply(200, self.summary(g, stored))

        return self._answer(key, run)

    def begin_cancel(self, key: ApiKey, proposal_id: int) -> Reply:
        """A cancel stage for the guardian's Safe, which its officers then approve."""
        return self._answer(key, lambda g: Reply(200, self.summary(g, self.store.change(proposal_id,
                                                                                         g.begin_cancel))))

    # ─────────────────────────────────────────── sending a stage

    def submit(self, key: ApiKey, proposal_id: int, idempotency_key: str | None, fingerprint: str) -> Reply:
        """Sends the current stage as the key's participant (a relayer) through the gateway's submission; the
        proposal moves on once it is mined."""
        try:
            stored = self.store.get(proposal_id)
        except GatewayError as exc:
            return error_reply(exc)
        except sa.exc.SQLAlchemyError:
            return error_reply(GatewayUnavailable("the gateway's database is unavailable", retry_after=2.0))
        stage = stored.proposal.stage

        def build(client: LedgerClient) -> Call:
            g = Governance(client)
            current = self.store.get(proposal_id).proposal
            now = g.chain_time()
            if (not current.stage.submitted and current.stage.kind == "execute" and current.route == "council"
                    and current.ready_at is not None and now < current.ready_at):  # fmt: skip
                raise _NotReady(
                    f"the scheduled operations may be executed from {current.ready_at} (chain time now {now})",
                    ready_at=current.ready_at, chain_time=now,
                )
            try:
                return g.submission(current)
            except GovernanceError as exc:
                raise _http_error(exc) from None

        def advanced(result: TxResult) -> Mapping[str, Any]:
            g = Governance(self.gateway.client(key))

            def step(p: Proposal) -> Proposal:
                if p.stage.submitted or p.stage.kind != stage.kind:
                    return p  # moved on already (a retry that followed the same transaction)
                return g.advance(p, result)

            try:
                moved = self.store.change(proposal_id, step).proposal
            except (LedgerError, sa.exc.SQLAlchemyError) as exc:
                logger.error("gateway: proposal %d: %s stage sent in %s, but not recorded: %s", proposal_id,
                             stage.kind, result.tx_hash, exc)  # fmt: skip
                return {"proposal_id": proposal_id, "sent": stage.kind}
            return {"proposal_id": proposal_id, "sent": stage.kind, "state": moved.state,
                    "stage": moved.stage.kind, "ready_at": moved.ready_at}  # fmt: skip

        operation = Operation(stage.safe, "execTransaction", (), result=advanced, build=build)
        return self.gateway.submit(key, operation, idempotency_key, fingerprint)
