"""The replayed state against the contracts' own state: one view call per record, at the same block.

Every asset, licence (and its children), participant, objection, rectification order, credit record,
revenue-share configuration, price band, balance (of every account seen in the events), allowance,
settled trade and invalidated nonce, plus the contracts' counters and the token's supply. Calls go
out in JSON-RPC batches with the block number as tag. A node that no longer holds the state of that
block (anvil after a restart without ``node_preserve_history``) makes the check *not verifiable*,
never a difference.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

import sqlalchemy as sa
from eth_abi.exceptions import DecodingError

from ledger.audit import viewbatch
from ledger.audit._abi import Unsupported, output_decoder, static_encoder
from ledger.audit.replay import Replay
from ledger.audit.report import CheckStatus, Difference
from ledger.chain.rpc import JsonRpcClient
from ledger.contracts.codec import ContractCodec
from ledger.errors import RpcRemoteError
from ledger.store import StateView, Store
from ledger.store.schema import STATE_TABLES

__all__ = ["ChainVerifier", "PendingChecks", "ViewCheck", "build_checks", "iter_checks"]

logger = logging.getLogger(__name__)

SOURCE: Final = "chain"
ZERO_HASH: Final = "0x" + "00" * 32
ZERO_ADDRESS: Final = "0x0000000000000000000000000000000000000000"
_REVERT_CODE: Final = 3  # JSON-RPC code of an execution revert (with data)
_BATCH: Final = 400
_HELPER_ATTEMPTS: Final = 3  # failed helper batches, none ever answered: the node cannot run it
_LOCATE_AT_MOST: Final = 25  # differences whose first block is searched for (a bisection each)
_KINDS: Final = range(4)  # IAssetRegistry.Kind


@dataclass(frozen=True, slots=True)
class ViewCheck:
    """A view call and the value the replayed state says it must return."""

    record: str
    key: tuple[Any, ...]
    contract: str
    function: str
    args: tuple[Any, ...]
    expected: Any

    @property
    def label(self) -> str:
        return ", ".join(str(k) for k in self.key) if self.key else "-"


def _hash(value: Any) -> str:
    return ZERO_HASH if value is None else str(value).lower()


def _normal(value: Any) -> Any:
    """View output in the store's shapes: bytes as lowercase ``0x`` hex, tuples as lists."""
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    return value


# ─────────────────────────────────────────────────────────── expected values per record


def _participant(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "roles": r["roles"], "status": r["status"], "region": r["region"], "declarations": r["declarations"],
        "admittedAt": r["admitted_at"], "updatedAt": r["updated_at"],
    }  # fmt: skip


def _asset(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": r["asset_id"], "contentHash": _hash(r["content_hash"]), "category": r["category"], "grade": r["grade"],
        "kind": r["kind"], "status": r["status"], "region": r["region"], "disputed": bool(r["disputed"]),
        "frozen": bool(r["frozen"]), "anonymised": bool(r["anonymised"]), "holdingHolder": r["holding_holder"],
        "processingHolder": r["processing_holder"], "operationHolder": r["operation_holder"],
        "certificateSerial": r["certificate_serial"], "registeredAt": r["registered_at"],
        "openObjections": r["open_objections"],
    }  # fmt: skip


def _licence(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": r["licence_id"], "assetId": r["asset_id"], "licensee": r["licensee"], "right": r["right"],
        "purpose": r["purpose"], "start": r["starts_at"], "end": r["ends_at"], "exclusive": bool(r["exclusive"]),
        "sublicensable": bool(r["sublicensable"]), "transferable": bool(r["transferable"]),
        "crossBorder": bool(r["cross_border"]), "revoked": bool(r["revoked"]), "depth": r["depth"],
        "parentId": r["parent_id"],
    }  # fmt: skip


def _objection(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "assetId": r["asset_id"], "objector": r["objector"], "status": r["status"], "lodgedAt": r["lodged_at"],
        "evidenceHash": _hash(r["evidence_hash"]),
    }  # fmt: skip


def _order(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "target": r["target"], "status": r["status"], "participant": r["participant"], "assetId": r["asset_id"],
        "issuedBy": r["issued_by"], "openedAt": r["opened_at"], "closedAt": r["closed_at"] or 0,
        "documentHash": _hash(r["document_hash"]), "closingHash": _hash(r["closing_hash"]),
    }  # fmt: skip


def _shares(r: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if r is None:
        return []
    return [{"recipient": s["recipient"], "bps": int(s["bps"])} for s in r["shares"]]


# (table, contract, view, key columns -> call args, row -> expected)
_RECORD_VIEWS: Final[dict[str, tuple[str, str, Callable[[Mapping[str, Any]], Any]]]] = {
    "participants": ("ParticipantRegistry", "getParticipant", _participant),
    "assets": ("AssetRegistry", "getAsset", _asset),
    "licences": ("AssetRegistry", "getLicense", _licence),
    "objections": ("AssetRegistry", "getObjection", _objection),
    "rectification_orders": ("Supervision", "getOrder", _order),
    "credit_scores": ("Supervision", "creditOf", lambda r: {"score": r["score"], "events": r["events"]}),
    "revenue_shares": ("TradeSettlement", "revenueShares", _shares),
    "price_bands": ("TradeSettlement", "priceBand", lambda r: {"min": r["min_price"], "max": r["max_price"]}),
}


def _rows_by_key(view: StateView, table: str, *, keys_only: bool = False) -> dict[tuple[Any, ...], dict[str, Any]]:
    key = STATE_TABLES[table].key
    return {tuple(r[k] for k in key): r for r in view.rows(table, key if keys_only else None)}


class _TableRows(dict[str, dict[tuple[Any, ...], dict[str, Any]]]):
    """Each state table's visible rows by key, read on first use."""

    _KEYS_ONLY: Final = frozenset({"trades", "invalidated_nonces"})  # checked by key alone

    def __init__(self, view: StateView) -> None:
        super().__init__()
        self.view = view

    def __missing__(self, name: str) -> dict[tuple[Any, ...], dict[str, Any]]:
        rows = self[name] = _rows_by_key(self.view, name, keys_only=name in self._KEYS_ONLY)
        return rows


def build_checks(replay: Replay, at_block: int | None = None) -> list[ViewCheck]:
    """Every view check of the replayed state at ``at_block`` (default: the replay's target)."""
    return list(iter_checks(replay, at_block))


def iter_checks(replay: Replay, at_block: int | None = None) -> Iterator[ViewCheck]:
    """:func:`build_checks` one at a time, each table read when its checks come up (so that the first
    checks can be on their way while the rest are built)."""
    block = replay.target.number if at_block is None else at_block
    rows = _TableRows(replay.store.as_of(block))
    for table, (contract, fn, expect) in _RECORD_VIEWS.items():
        if table in ("revenue_shares", "price_bands"):
            continue
        for key, r in rows[table].items():
            yield ViewCheck(table, key, contract, fn, key, expect(r))
    # Revenue shares of every asset (none set: an empty list), price bands of every kind ((0, 0) unset).
    for (asset_id,) in rows["assets"]:
        shares = _shares(rows["revenue_shares"].get((asset_id,)))
        yield ViewCheck("revenue_shares", (asset_id,), "TradeSettlement", "revenueShares", (asset_id,), shares)
    for kind in _KINDS:
        band = rows["price_bands"].get((kind,))
        expected = {"min": band["min_price"], "max": band["max_price"]} if band else {"min": 0, "max": 0}
        yield ViewCheck("price_bands", (kind,), "TradeSettlement", "priceBand", (kind,), expected)
    # Recognition: agreements, and recognised registrations (their local serial from the asset's row).
    for (chain_id,), r in rows["agreements"].items():
        yield ViewCheck("agreements", (chain_id,), "Recognition", "getAgreement", (chain_id,), {
            "originChainId": chain_id, "originRegistry": r["origin_registry"], "threshold": r["threshold"],
            "version": r["version"], "registrars": list(r["registrars"]),
        })  # fmt: skip
    for (local,), r in rows["recognised_records"].items():
        asset = rows["assets"].get((local,))
        yield ViewCheck("recognised_records", (local,), "Recognition", "getRecognised", (local,), {
            "originChainId": r["origin_chain_id"], "originRegistry": r["origin_registry"],
            "originAssetId": r["origin_asset_id"], "localAssetId": local, "contentHash": _hash(r["content_hash"]),
            "certificateSerial": asset["certificate_serial"] if asset else None,
            "certificateDigest": _hash(r["certificate_digest"]), "status": r["status"], "linked": bool(r["linked"]),
        })  # fmt: skip
    # Children of every licence, in grant order (ids grow).
    children: dict[int, list[int]] = {lid: [] for (lid,) in rows["licences"]}
    for (lid,), r in sorted(rows["licences"].items()):
        if r["parent_id"]:
            children.setdefault(int(r["parent_id"]), []).append(lid)
    for lid, kids in children.items():
        yield ViewCheck("licence_children", (lid,), "AssetRegistry", "childrenOf", (lid,), kids)
    # Balances of every account the events name.
    balances = {k[0]: int(r["balance"]) for k, r in rows["balances"].items()}
    for account in sorted(replay.tracker.accounts | set(balances)):
        yield ViewCheck("balances", (account,), "SettlementToken", "balanceOf", (account,), balances.get(account, 0))
    if at_block is None or at_block == replay.target.number:
        for (owner, spender), allowed in sorted(replay.tracker.allowances.items()):
            yield ViewCheck("allowances", (owner, spender), "SettlementToken", "allowance", (owner, spender), allowed)
    for (trade_id,) in rows["trades"]:
        yield ViewCheck("trades", (trade_id,), "TradeSettlement", "isSettled", (bytes.fromhex(trade_id[2:]),), True)
    for (account, nonce), _ in rows["invalidated_nonces"].items():
        yield ViewCheck("invalidated_nonces", (account, nonce), "TradeSettlement", "nonceUsed", (account, int(nonce)),
                        True)  # fmt: skip
    for (contract, setting), r in rows["contract_settings"].items():
        if setting == "settlement" and contract in ("AssetRegistry", "SettlementToken"):
            yield ViewCheck("contract_settings", (contract, setting), contract, "settlement", (), r["value"])
    counters = (
        ("AssetRegistry", "assetCount", "assets"), ("AssetRegistry", "licenseCount", "licences"),
        ("AssetRegistry", "objectionCount", "objections"), ("Supervision", "orderCount", "rectification_orders"),
    )  # fmt: skip
    for contract, fn, table in counters:
        yield ViewCheck("counters", (fn,), contract, fn, (), len(rows[table]))
    yield ViewCheck("counters", ("totalSupply",), "SettlementToken", "totalSupply", (), sum(balances.values()))


class ChainVerifier:
    """Runs :class:`ViewCheck` s against a node at a block, in batches. ``deployed_at`` (contract name ->
    block of its deployment) leaves out the views of contracts not deployed yet at the block checked."""

    def __init__(
        self,
        rpc: JsonRpcClient,
        codecs: Mapping[str, ContractCodec],
        addresses: Mapping[str, str],
        deployed_at: Mapping[str, int] | None = None,
        *,
        batch_views: bool = True,
    ) -> None:
        self.rpc = rpc
        self.codecs = codecs
        self.addresses = addresses
        self.deployed_at = dict(deployed_at or {})
        # Views run many to an eth_call through the ViewBatch helper (see ledger.audit.viewbatch) until
        # the node shows it cannot (no state overrides): then one eth_call each.
        self.batch_views = batch_views
        self._helper_worked = False
        self._helper_failures = 0
        self._encoders: dict[tuple[str, str], tuple[bytes, Callable[[Sequence[Any]], bytes] | None]] = {}
        self._decoders: dict[tuple[str, str], Callable[[bytes], Any] | None] = {}

    def _encode(self, check: ViewCheck) -> bytes:
        ident = (check.contract, check.function)
        found = self._encoders.get(ident)
        if found is None:
            fn = self.codecs[check.contract].functions[check.function]
            try:
                encoder: Callable[[Sequence[Any]], bytes] | None = static_encoder(fn.input_types)
            except Unsupported:
                encoder = None
            found = self._encoders[ident] = (fn.selector, encoder)
        selector, encoder = found
        if encoder is not None:
            try:
                return selector + encoder(check.args)
            except Unsupported:
                pass
        return self.codecs[check.contract].encode_call(check.function, *check.args)

    def _decode(self, check: ViewCheck, raw: bytes) -> Any:
        """The view's output as the checks compare it: the fast decoder's, else (types it does not
        handle, or data it leaves to eth_abi's strict decoder) the codec's, normalised."""
        ident = (check.contract, check.function)
        if ident not in self._decoders:
            try:
                self._decoders[ident] = output_decoder(self.codecs[check.contract].functions[check.function].outputs)
            except Unsupported:
                self._decoders[ident] = None
        decoder = self._decoders[ident]
        if decoder is not None:
            try:
                return decoder(raw)
            except Unsupported:
                pass
        return _normal(self.codecs[check.contract].decode_output(check.function, raw))

    def _request(self, check: ViewCheck, block: int) -> tuple[str, list[Any]]:
        data = "0x" + self._encode(check).hex()
        return "eth_call", [{"to": self.addresses[check.contract], "data": data}, hex(block)]

    def has_state(self, block: int) -> bool:
        """Whether the node can run calls against the state of ``block`` (anvil forgets old states on restart)."""
        probe = ViewCheck("probe", (), "AssetRegistry", "assetCount", (), None)
        try:
            self.rpc.call(*self._request(probe, block))
        except RpcRemoteError as exc:
            if exc.code == _REVERT_CODE:
                return True
            logger.info("no state for block %d on the node: %s", block, exc, extra={"block": block})
            return False
        return True

    def call(self, checks: Sequence[ViewCheck], block: int) -> list[Any]:
        """The normalised outputs of ``checks`` at ``block`` (an :class:`RpcRemoteError` where a call failed)."""
        out: list[Any] = []
        for i in range(0, len(checks), _BATCH):
            out.extend(self._call_batch(checks[i : i + _BATCH], block))
        return out

    def _call_batch(self, part: Sequence[ViewCheck], block: int) -> list[Any]:
        if self.batch_views:
            try:
                out = self._call_through_helper(part, block)
                self._helper_worked = True
                return out
            except (RpcRemoteError, ValueError) as exc:  # no state overrides, out of gas, a strange answer
                self._helper_failures += 1
                if not self._helper_worked and self._helper_failures >= _HELPER_ATTEMPTS:
                    self.batch_views = False
                logger.info("views through the ViewBatch helper failed (%s); calling them one by one", exc)
        return self._call_one_by_one(part, block)

    def _call_through_helper(self, part: Sequence[ViewCheck], block: int) -> list[Any]:
        targets = [self.addresses[c.contract] for c in part]
        method, params = viewbatch.request(targets, [self._encode(c) for c in part], block)
        answer = self.rpc.call(method, params, exact=False)  # a hex string, checked below
        if not isinstance(answer, str) or answer[:2] != "0x":
            raise ValueError(f"ViewBatch answer is not hex: {answer!r:.80}")
        results = viewbatch.decode_results(bytes.fromhex(answer[2:]), len(part))
        return [
            self._outcome(check, data) if ok else RpcRemoteError(
                f"eth_call: execution reverted (data 0x{data.hex()[:200]})", method="eth_call", code=_REVERT_CODE,
                data="0x" + data.hex(),
            )
            for check, (ok, data) in zip(part, results, strict=True)
        ]  # fmt: skip

    def _call_one_by_one(self, part: Sequence[ViewCheck], block: int) -> list[Any]:
        answers = self.rpc.batch([self._request(c, block) for c in part], return_exceptions=True, exact=False)
        return [
            answer if isinstance(answer, Exception) else self._outcome(check, answer)
            for check, answer in zip(part, answers, strict=True)
        ]

    def _outcome(self, check: ViewCheck, data: Any) -> Any:
        """A view's return data (bytes, or the node's answer: 0x hex) decoded, or the exception that
        decoding raised (empty data: no code at that block yet; an answer that is not hex)."""
        try:
            raw = bytes.fromhex(data[2:]) if isinstance(data, str) else data
            if not isinstance(raw, bytes):
                raise TypeError(f"eth_call answered {data!r:.80}, not hex data")
            return self._decode(check, raw)
        except (DecodingError, ValueError, TypeError) as exc:
            return exc

    def run(self, replay: Replay, block: int | None = None) -> tuple[CheckStatus, list[Difference]]:
        """All checks of the replayed state at ``block`` (default the target); differences located."""
        return self.start(replay, block).result()

    def start(self, replay: Replay, block: int | None = None, *, threads: int = 2) -> PendingChecks:
        """Builds the checks of the replayed state at ``block`` (here, reading the replayed store) and
        sends their batches from ``threads`` background threads: while one waits for the node, another
        encodes or decodes, and the caller may go on with other work (the index comparison) meanwhile."""
        at = replay.target.number if block is None else block
        if not self.has_state(at):
            return PendingChecks(self, replay, at, None, [])
        pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="audit-views")
        checks: list[ViewCheck] = []
        futures: list[Future[list[Any]]] = []
        try:
            for check in iter_checks(replay, at):  # each batch goes out as soon as it is built
                if self.deployed_at.get(check.contract, 0) <= at:
                    checks.append(check)
                    if len(checks) % _BATCH == 0:
                        futures.append(pool.submit(self._call_batch, checks[-_BATCH:], at))
            if len(checks) % _BATCH:
                futures.append(pool.submit(self._call_batch, checks[len(futures) * _BATCH :], at))
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        finally:
            pool.shutdown(wait=False)  # the threads end with the last batch
        return PendingChecks(self, replay, at, checks, futures)

    # ─────────────────────────────────────────────────────────── locating

    def locate(self, replay: Replay, found: list[tuple[ViewCheck, Difference]], at: int) -> list[Difference]:
        """Sets ``first_block`` of the differences of versioned records (a bisection over the blocks
        where the node still has state; facts show from the block that wrote them)."""
        out: list[Difference] = []
        searched: dict[tuple[str, tuple[Any, ...]], int | None] = {}
        for check, d in found:
            ident = (check.record, check.key)
            if ident not in searched:
                searched[ident] = self._first_block(replay, check, at) if len(searched) < _LOCATE_AT_MOST else None
            first = searched[ident]
            out.append(Difference(d.source, d.record, d.key, d.field, d.expected, d.actual, first, d.note))
        return out

    def _first_block(self, replay: Replay, check: ViewCheck, at: int) -> int | None:
        table = check.record
        if table in ("trades", "invalidated_nonces"):
            return _created(replay.store, table, check.key)
        if table not in (*_RECORD_VIEWS, "balances", "licence_children"):
            return None  # allowances and counters: no history to search
        probe = _Prober(self, replay, table, check.key)
        lo = _created(replay.store, {"licence_children": "licences"}.get(table, table), check.key)
        if lo is None or lo >= at:
            return at
        if not self.has_state(lo):
            return None
        if probe.differs(lo):
            return lo
        hi = at
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if probe.differs(mid):
                hi = mid
            else:
                lo = mid
        return hi


@dataclass
class PendingChecks:
    """View checks on their way (:meth:`ChainVerifier.start`): :meth:`result` waits for the answers and
    compares, :meth:`cancel` drops the batches not sent yet. ``checks`` is None when the node holds no
    state of the block; ``futures`` answer ``checks`` in order, a batch each."""

    verifier: ChainVerifier
    replay: Replay
    block: int
    checks: list[ViewCheck] | None
    futures: list[Future[list[Any]]]

    def result(self) -> tuple[CheckStatus, list[Difference]]:
        """The status and the differences (located), once every batch has been answered."""
        if self.checks is None:
            detail = f"not verifiable against the chain at block {self.block} (no historical state)"
            return CheckStatus("not_verifiable", 0, detail), []
        found: list[tuple[ViewCheck, Difference]] = []
        checks = iter(self.checks)
        for future in self.futures:
            for got in future.result():
                check = next(checks)
                found.extend((check, d) for d in _differences(check, got))
        located = self.verifier.locate(self.replay, found, self.block)
        return CheckStatus("differences" if located else "ok", len(self.checks)), located

    def cancel(self) -> None:
        for future in self.futures:
            future.cancel()


class _Prober:
    """Evaluates one record's check at any block: the replayed store as of the block against the view."""

    def __init__(self, verifier: ChainVerifier, replay: Replay, table: str, key: tuple[Any, ...]) -> None:
        self.verifier = verifier
        self.replay = replay
        self.table = table
        self.key = key

    def check_at(self, block: int) -> ViewCheck | None:
        return next(iter(build_checks_for(self.replay, self.table, self.key, block)), None)

    def differs(self, block: int) -> bool:
        check = self.check_at(block)
        if check is None:
            return False
        got = self.verifier.call([check], block)[0]
        return bool(_differences(check, got))


def build_checks_for(replay: Replay, table: str, key: tuple[Any, ...], block: int) -> Iterable[ViewCheck]:
    """The check of one record as the replayed state stood at ``block``."""
    view = replay.store.as_of(block)
    if table == "balances":
        yield ViewCheck(table, key, "SettlementToken", "balanceOf", key, view.balance_of(key[0]))
        return
    if table == "licence_children":
        kids = [int(r["licence_id"]) for r in view.find_licences(parent_id=int(key[0]))]
        yield ViewCheck(table, key, "AssetRegistry", "childrenOf", key, sorted(kids))
        return
    contract, fn, expect = _RECORD_VIEWS[table]
    rows = _rows_by_key(view, table)
    r = rows.get(key)
    if table == "revenue_shares":
        yield ViewCheck(table, key, contract, fn, key, _shares(r))
    elif r is not None:
        yield ViewCheck(table, key, contract, fn, key, expect(r))


def _created(store: Store, table: str, key: tuple[Any, ...]) -> int | None:
    """The block of the record's first version in the replayed store (None: it has none)."""
    st = STATE_TABLES[table]
    t = st.table
    cond = [t.c[k] == v for k, v in zip(st.key, key, strict=True)]
    with store.engine.connect() as conn:
        value = conn.execute(sa.select(sa.func.min(t.c.valid_from_block)).where(*cond)).scalar_one_or_none()
    return None if value is None else int(value)


def _differences(check: ViewCheck, got: Any) -> list[Difference]:
    key = check.label
    if isinstance(got, Exception):
        reason = " ".join(str(got).split())[:200]
        return [Difference(SOURCE, check.record, key, None, check.expected, None, None,
                           f"{check.contract}.{check.function} failed: {reason}")]  # fmt: skip
    expected = check.expected
    if isinstance(expected, dict) and isinstance(got, dict):
        return [
            Difference(SOURCE, check.record, key, name, value, got.get(name))
            for name, value in expected.items()
            if got.get(name) != value
        ]
    if expected != got:
        return [Difference(SOURCE, check.record, key, None, expected, got)]
    return []
