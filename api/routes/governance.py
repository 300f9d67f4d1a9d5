"""The governance: the access manager's operations (pending, ready, executed, cancelled), its roles and their
members, its targets' settings (closed, admin delay), the officers' Safes and their transactions, and the ledger's
pause register with each contract's pauses."""

from __future__ import annotations

from typing import Annotated, Literal

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from api import mappers
from api import schemas as m
from api.deps import BlockStamp, ReadConn, Stamp
from api.pagination import HASH, BlockHashCursorQ, LimitQ, fetch_page
from api.params import AddressQ
from api.responses import ERRORS, NOT_FOUND, block_ref, etag_response, json_response
from api.views import visible
from ledger.contracts.types import PAUSE_CONTRACTS
from ledger.store import schema as s

__all__ = ["paused_contracts", "router"]

router = APIRouter(prefix="/api/v1/governance", tags=["governance"])

_SCHEDULED, _EXECUTED, _CANCELLED = 1, 2, 3
_RECENT = 20

StatusQ = Annotated[
    Literal["pending", "ready", "expired", "executed", "cancelled"] | None,
    Query(description="Only operations in this state as of the answer's block.", examples=["pending"]),
]


@router.get(
    "",
    response_model=m.Envelope[m.GovernanceOut],
    summary="The governance: the access manager's roles and members, the officers' Safes, pending operations.",
    responses=ERRORS,
)
def governance(request: Request, conn: ReadConn, stamp: Stamp) -> Response:
    roles, members, safes, ops, targets = (
        s.governance_role_settings, s.governance_roles, s.governance_safes, s.governance_operations,
        s.governance_targets,
    )
    settings = {int(r.role_id): r._mapping for r in conn.execute(sa.select(roles).where(visible(roles, stamp)))}
    by_role: dict[int, list[m.GovernanceMemberOut]] = {}
    for r in conn.execute(sa.select(members).where(visible(members, stamp), members.c.member.is_(True))
                          .order_by(members.c.role_id, members.c.account)):  # fmt: skip
        by_role.setdefault(int(r.role_id), []).append(m.GovernanceMemberOut.model_construct(
            account=r.account, since=int(r.since), execution_delay=int(r.execution_delay)))  # fmt: skip
    out_roles = []
    for role in sorted(set(settings) | set(by_role)):
        cfg = settings.get(role)
        out_roles.append(m.GovernanceRoleOut.model_construct(
            role_id=str(role), label=cfg["label"] if cfg else None,
            admin_role=str(cfg["admin_role"] if cfg else 0), guardian_role=str(cfg["guardian_role"] if cfg else 0),
            members=by_role.get(role, []),
        ))  # fmt: skip
    out_safes = [
        m.GovernanceSafeOut.model_construct(safe=r.safe, owners=list(r.owners), threshold=r.threshold, nonce=r.nonce)
        for r in conn.execute(sa.select(safes).where(visible(safes, stamp)).order_by(safes.c.safe))
    ]
    now = stamp.time
    out_targets = [
        mappers.governance_target(r._mapping, now)
        for r in conn.execute(sa.select(targets).where(visible(targets, stamp)).order_by(targets.c.target))
    ]
    scheduled = sa.and_(visible(ops, stamp), ops.c.status == _SCHEDULED)
    pending = conn.execute(sa.select(sa.func.count()).where(scheduled, ops.c.ready_at > now)).scalar_one()
    ready = conn.execute(sa.select(sa.func.count()).where(
        scheduled, ops.c.ready_at <= now, ops.c.ready_at > now - mappers.GOVERNANCE_EXPIRATION)).scalar_one()
    txs = s.governance_safe_transactions
    recent = conn.execute(
        sa.select(txs).where(txs.c.valid_from_block <= stamp.number)
        .order_by(txs.c.valid_from_block.desc(), txs.c.timestamp.desc(), txs.c.safe, txs.c.nonce.desc())
        .limit(_RECENT)
    )  # fmt: skip
    body = m.GovernanceOut.model_construct(
        roles=out_roles, safes=out_safes, targets=out_targets, pending=int(pending), ready=int(ready),
        recent=[mappers.governance_safe_transaction(r._mapping) for r in recent],
    )  # fmt: skip
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=body))


@router.get(
    "/operations",
    response_model=m.Page[m.GovernanceOperationOut],
    summary="Operations scheduled at the access manager, oldest first: when each may execute, and its state.",
    responses=ERRORS,
)
def list_operations(
    conn: ReadConn,
    stamp: Stamp,
    status: StatusQ = None,
    target: AddressQ = None,
    caller: AddressQ = None,
    cursor: BlockHashCursorQ = None,
    limit: LimitQ = 100,
) -> Response:
    t = s.governance_operations
    now = stamp.time
    query = sa.select(t).where(visible(t, stamp))
    if target is not None:
        query = query.where(t.c.target == target)
    if caller is not None:
        query = query.where(t.c.caller == caller)
    if status == "executed":
        query = query.where(t.c.status == _EXECUTED)
    elif status == "cancelled":
        query = query.where(t.c.status == _CANCELLED)
    elif status == "pending":
        query = query.where(t.c.status == _SCHEDULED, t.c.ready_at > now)
    elif status == "ready":
        query = query.where(t.c.status == _SCHEDULED, t.c.ready_at <= now,
                            t.c.ready_at > now - mappers.GOVERNANCE_EXPIRATION)  # fmt: skip
    elif status == "expired":
        query = query.where(t.c.status == _SCHEDULED, t.c.ready_at <= now - mappers.GOVERNANCE_EXPIRATION)
    rows, next_cursor = fetch_page(conn, query, [t.c.scheduled_block, t.c.operation_id], [int, HASH], cursor,
                                   limit)  # fmt: skip
    data = [mappers.governance_operation(r._mapping, now) for r in rows]
    return json_response(m.Page.model_construct(block=block_ref(stamp), data=data, next_cursor=next_cursor))


@router.get(
    "/operations/{operation_id}",
    response_model=m.Envelope[m.GovernanceOperationOut],
    summary="One operation of the access manager (its latest scheduling).",
    responses=NOT_FOUND,
)
def get_operation(
    request: Request,
    conn: ReadConn,
    stamp: Stamp,
    operation_id: Annotated[
        str, Path(pattern=r"^0x[0-9a-fA-F]{64}$", description="The operation id.", examples=[m.HASH_EXAMPLE])
    ],
) -> Response:
    t = s.governance_operations
    row = conn.execute(sa.select(t).where(visible(t, stamp), t.c.operation_id == operation_id.lower())).first()
    if row is None:
        raise HTTPException(404, f"no operation {operation_id} was scheduled at the access manager")
    body = mappers.governance_operation(row._mapping, stamp.time)
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=body))


def paused_contracts(conn: sa.Connection, stamp: BlockStamp) -> list[str]:
    """The contracts paused at ``stamp``, in the order of their bits."""
    t = s.contract_pauses
    paused = set(conn.execute(sa.select(t.c.contract).where(visible(t, stamp), t.c.paused.is_(True))).scalars())
    return [name for name in PAUSE_CONTRACTS.values() if name in paused]


@router.get(
    "/pauses",
    response_model=m.Envelope[m.PausesOut],
    summary="The pause register: each contract paused or not, who paused or unpaused it, why and when.",
    responses=ERRORS,
)
def pauses(request: Request, conn: ReadConn, stamp: Stamp) -> Response:
    t, b = s.contract_pauses, s.blocks
    history: dict[str, list[m.ContractPauseChangeOut]] = {}
    changes = conn.execute(
        sa.select(t, b.c.timestamp).select_from(t.outerjoin(b, b.c.number == t.c.valid_from_block))
        .where(t.c.valid_from_block <= stamp.number).order_by(t.c.contract, t.c.valid_from_block)
    )  # fmt: skip
    for r in changes:
        history.setdefault(r.contract, []).append(m.ContractPauseChangeOut.model_construct(
            paused=bool(r.paused), reason_hash=r.reason_hash, changed_by=r.changed_by, block=int(r.changed_block),
            timestamp=int(r.timestamp or 0)))  # fmt: skip
    contracts = []
    for bit, name in PAUSE_CONTRACTS.items():
        changed = history.get(name, [])
        last = changed[-1] if changed else None
        contracts.append(m.ContractPauseOut.model_construct(
            contract=name, bit=int(bit), paused=bool(last and last.paused),
            reason_hash=last.reason_hash if last else None, changed_by=last.changed_by if last else None,
            changed_block=last.block if last else None, history=changed,
        ))  # fmt: skip
    paused = [c for c in contracts if c.paused]
    body = m.PausesOut.model_construct(pause_register=sum(c.bit for c in paused),
                                       paused_contracts=[c.contract for c in paused], contracts=contracts)  # fmt: skip
    return etag_response(request, m.Envelope.model_construct(block=block_ref(stamp), data=body))
