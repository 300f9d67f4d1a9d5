"""Governance proposals as files (pure, no I/O beyond reading and writing the file).

A proposal names the calls the authority is to make (each a call of the access manager's to one of the ledger's
contracts, or to the manager or a Safe for a change of the governance itself) and carries, stage by stage, the Safe
transactions that get them done and the officers' signatures of each:

* the council's route: ``schedule`` (the council's Safe asks the manager to schedule every call; from then on
  anyone sees each pending operation and its earliest execution time), then, after the delay, ``execute`` (the
  council's Safe has the manager execute them). The guardian may add a ``cancel`` stage (the guardian's Safe has
  the manager cancel them) while they wait;
* the emergency route (freezing an asset, suspending a participant): one ``execute`` stage of the emergency
  officers' Safe, which takes effect at once.

Each stage is one Safe transaction at the Safe's nonce when the stage began; officers sign it on their own machines
(``ledger governance approve``) and anyone submits it once it has the Safe's threshold of signatures. A stage
overtaken by another transaction of the same Safe (its nonce moved on) is renewed at the current nonce, and its
signatures are made again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, Literal

from eth_utils.address import to_checksum_address

from ledger.errors import NonRetryableError
from ledger.governance.safe import SafeTx

__all__ = ["PROPOSAL_FORMAT", "Action", "Proposal", "ProposalError", "Route", "Stage", "StageKind"]

PROPOSAL_FORMAT: Final[str] = "data-rights-ledger/governance-proposal@1"

Route = Literal["council", "emergency"]
StageKind = Literal["schedule", "execute", "cancel"]


class ProposalError(NonRetryableError):
    """A proposal file is malformed, of another chain or deployment, or not in a state for what was asked."""


def _hex(data: bytes) -> str:
    return "0x" + data.hex()


def _bytes(text: str, what: str) -> bytes:
    try:
        return bytes.fromhex(str(text).removeprefix("0x"))
    except ValueError:
        raise ProposalError(f"{what} is not hex: {text!r}") from None


@dataclass(frozen=True, slots=True)
class Action:
    """One call the manager is to make: ``data`` to ``target`` (``contract``.``function`` with ``args``, decoded
    for people; the target and data are what counts)."""

    target: str
    data: bytes
    contract: str = ""
    function: str = ""
    args: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"contract": self.contract, "function": self.function, "args": self.args,
                "target": self.target, "data": _hex(self.data)}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Action:
        return cls(
            target=to_checksum_address(data["target"]), data=_bytes(data["data"], "an action's data"),
            contract=str(data.get("contract", "")), function=str(data.get("function", "")),
            args=dict(data.get("args") or {}),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Stage:
    """One Safe transaction of a proposal: ``safe`` (its name in the deployment) calls the manager with ``data``."""

    kind: StageKind
    safe: str
    safe_address: str
    manager: str
    data: bytes
    nonce: int
    signatures: dict[str, bytes] = field(default_factory=dict)
    tx_hash: str | None = None
    block: int | None = None

    @property
    def submitted(self) -> bool:
        return self.tx_hash is not None

    def safe_tx(self) -> SafeTx:
        return SafeTx(safe=self.safe_address, to=self.manager, data=self.data, nonce=self.nonce)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "safe": self.safe, "safe_address": self.safe_address, "manager": self.manager,
            "data": _hex(self.data), "nonce": self.nonce,
            "signatures": {signer: _hex(sig) for signer, sig in sorted(self.signatures.items())},
            "tx_hash": self.tx_hash, "block": self.block,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Stage:
        kind = data["kind"]
        if kind not in ("schedule", "execute", "cancel"):
            raise ProposalError(f"unknown stage kind {kind!r}")
        return cls(
            kind=kind, safe=str(data["safe"]), safe_address=to_checksum_address(data["safe_address"]),
            manager=to_checksum_address(data["manager"]), data=_bytes(data["data"], "a stage's data"),
            nonce=int(data["nonce"]),
            signatures={to_checksum_address(k): _bytes(v, "a signature") for k, v in data["signatures"].items()},
            tx_hash=data.get("tx_hash"), block=data.get("block"),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Proposal:
    """A governance proposal: its actions, route, the manager's operation ids and its stages so far."""

    chain_id: int
    manager: str
    route: Route
    description: str
    actions: tuple[Action, ...]
    operations: tuple[bytes, ...]
    stages: tuple[Stage, ...]
    created_at: int
    ready_at: int | None = None

    @property
    def stage(self) -> Stage:
        """The current (last) stage."""
        return self.stages[-1]

    @property
    def state(self) -> str:
        """``signing`` (the current stage awaits signatures or submission), ``scheduled`` (waiting out the delay
        while the execution is signed), ``executed`` or ``cancelled``."""
        last = self.stage
        if last.kind == "cancel" and last.submitted:
            return "cancelled"
        if last.kind == "execute" and last.submitted:
            return "executed"
        if any(s.kind == "schedule" and s.submitted for s in self.stages):
            return "scheduled"
        return "signing"

    def with_stage(self, stage: Stage) -> Proposal:
        """The proposal with ``stage`` replacing the current one (same kind) or appended."""
        if self.stages and self.stage.kind == stage.kind and not self.stage.submitted:
            return replace(self, stages=(*self.stages[:-1], stage))
        return replace(self, stages=(*self.stages, stage))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": PROPOSAL_FORMAT, "chain_id": self.chain_id, "manager": self.manager, "route": self.route,
            "description": self.description, "created_at": self.created_at, "state": self.state,
            "ready_at": self.ready_at, "actions": [a.to_json() for a in self.actions],
            "operations": [_hex(o) for o in self.operations], "stages": [s.to_json() for s in self.stages],
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Proposal:
        if data.get("format") != PROPOSAL_FORMAT:
            raise ProposalError(f"not a governance proposal: format {data.get('format')!r}, expected {PROPOSAL_FORMAT}")
        route = data["route"]
        if route not in ("council", "emergency"):
            raise ProposalError(f"unknown route {route!r}")
        try:
            return cls(
                chain_id=int(data["chain_id"]), manager=to_checksum_address(data["manager"]), route=route,
                description=str(data.get("description", "")),
                actions=tuple(Action.from_json(a) for a in data["actions"]),
                operations=tuple(_bytes(o, "an operation id") for o in data["operations"]),
                stages=tuple(Stage.from_json(s) for s in data["stages"]),
                created_at=int(data["created_at"]), ready_at=data.get("ready_at"),
            )  # fmt: skip
        except (KeyError, TypeError, ValueError) as exc:
            raise ProposalError(f"malformed governance proposal: {exc}") from exc

    @classmethod
    def load(cls, path: Path) -> Proposal:
        try:
            return cls.from_json(json.loads(path.read_text()))
        except FileNotFoundError:
            raise ProposalError(f"no proposal file {path}") from None
        except ValueError as exc:
            raise ProposalError(f"{path} is not JSON: {exc}") from None

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=2) + "\n")
        os.replace(tmp, path)
