"""Audit bundles: the event history and the state at one block, exported so that anyone can check
them offline (and against a node when they have one).

Layout of a bundle directory::

    manifest.json        chain id, the block (number, hash, time), the deployment's contracts with
                         runtime code and ABI hashes, compiler version, counts, the events' hash-chain
                         head, the state checksum, SHA-256 of every file, and a digest of all that
    events.jsonl         one event per line in log order, each with its running hash ("chain")
    blocks.jsonl         the headers of the blocks with events, and of the bundle's block
    state/<table>.json   the rows of every state table visible at the block, in key order
    abi/<contract>.json  the contracts' ABIs (their hashes are the manifest's ``abi_hash``)

:func:`verify_bundle` recomputes the file digests, the events' hash chain, the headers' links, the
state (by projecting the bundle's events into a fresh store) and the manifest's digest, and names
the first item that does not hold.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from eth_utils.crypto import keccak

from ledger.audit._canonical import GENESIS, HashChain, canonical_json, event_encoding, loads_exact
from ledger.audit.errors import BundleError
from ledger.audit.replay import count_records, replay_into
from ledger.audit.sources import Batch, ChainSource, IndexSource
from ledger.chain.rpc import JsonRpcClient
from ledger.contracts.deploy import DeployedContract, Deployment, abi_hash
from ledger.contracts.system import contract_abi
from ledger.decode import BlockHeader, LedgerEvent
from ledger.errors import LedgerError, RpcRemoteError
from ledger.store import StateView, Store, open_store
from ledger.store.schema import STATE_TABLES, StateTable
from ledger.toolchain import Build

__all__ = ["BUNDLE_FORMAT", "BundleCheck", "export_bundle", "verify_bundle"]

BUNDLE_FORMAT: Final = "ledger-audit-bundle/1"
MANIFEST: Final = "manifest.json"
EVENTS: Final = "events.jsonl"
BLOCKS: Final = "blocks.jsonl"
STATE_DIR: Final = "state"
ABI_DIR: Final = "abi"
_BATCH_EVENTS: Final = 20_000


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _bundle_digest(manifest: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json({k: v for k, v in manifest.items() if k != "bundle_digest"})).hexdigest()


def _header_json(h: BlockHeader) -> dict[str, Any]:
    return {"number": h.number, "hash": h.hash, "parent_hash": h.parent_hash, "timestamp": h.timestamp}


def _state_rows(store: Store, st: StateTable, at_block: int) -> list[dict[str, Any]]:
    """Rows of ``st`` visible at ``at_block`` without ``valid_to_block``, in key order (typed values)."""
    t = st.table
    columns = [c for c in t.columns if c.name != "valid_to_block"]
    query = sa.select(*columns).where(StateView.visible(t, at_block))
    with store.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    rows.sort(key=lambda r: tuple(r[k] for k in _row_key(st)))
    return rows


def _row_key(st: StateTable) -> tuple[str, ...]:
    """What names a row visible at one block: the record's key, and for facts written per block
    (freezes: log index within a block) the block too."""
    return tuple(c.name for c in st.table.primary_key.columns)


def _write_state(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    with path.open("wb") as f:
        f.write(b"[\n")
        for i, row in enumerate(rows):
            f.write(canonical_json(dict(row)))
            f.write(b",\n" if i < len(rows) - 1 else b"\n")
        f.write(b"]\n")


# ─────────────────────────────────────────────────────────── export


def export_bundle(
    store: Store, directory: Path, deployment: Deployment, build: Build, target: BlockHeader
) -> dict[str, Any]:
    """Writes the bundle of ``store``'s events and state as of ``target`` into ``directory`` (created;
    it must be empty). Returns the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise BundleError(f"{directory} is not empty")
    (directory / STATE_DIR).mkdir()
    (directory / ABI_DIR).mkdir()
    for name in sorted(deployment.contracts):
        abi = contract_abi(build, name)
        if abi_hash(abi) != deployment.contracts[name].abi_hash:
            raise BundleError(f"{name}: the build's ABI is not the deployed contract's (deployed from other sources)")
        (directory / ABI_DIR / f"{name}.json").write_text(json.dumps(abi, indent=1, sort_keys=True) + "\n")
    chain = HashChain()
    headers: dict[int, BlockHeader] = {target.number: target}
    count = 0
    source = IndexSource(store)
    with (directory / EVENTS).open("wb") as f:
        for batch in source.batches(target):
            for h in batch.headers:
                headers[h.number] = h
            for ev in batch.events:
                value = chain.add(ev)
                f.write(canonical_json({
                    "block_number": ev.block_number, "log_index": ev.log_index, "block_hash": ev.block_hash,
                    "tx_hash": ev.tx_hash, "contract": ev.contract, "name": ev.name, "args": ev.args, "chain": value,
                }) + b"\n")  # fmt: skip
                count += 1
    with (directory / BLOCKS).open("wb") as f:
        for n in sorted(headers):
            f.write(canonical_json(_header_json(headers[n])) + b"\n")
    for name in sorted(STATE_TABLES):
        _write_state(directory / STATE_DIR / f"{name}.json", _state_rows(store, STATE_TABLES[name], target.number))
    files = {p.relative_to(directory).as_posix(): _sha256(p) for p in sorted(directory.rglob("*")) if p.is_file()}
    manifest: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "chain_id": deployment.chain_id,
        "block": _header_json(target),
        "deployment": {
            "block": deployment.deployment_block,
            "block_hash": deployment.deployment_block_hash,
            "deployer": deployment.deployer,
        },
        "contracts": {
            name: {"address": c.address, "code_hash": c.code_hash, "abi_hash": c.abi_hash, "tx_hash": c.tx_hash}
            for name, c in sorted(deployment.contracts.items())
        },
        "compiler_version": deployment.compiler_version or build.compiler_version,
        "build_key": deployment.build_key,
        "events": count,
        "events_chain_head": chain.head,
        "records": count_records(store, target.number),
        "state_checksum": store.state_checksum(target.number),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": files,
    }
    manifest["bundle_digest"] = _bundle_digest(manifest)
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


# ─────────────────────────────────────────────────────────── verify


@dataclass
class BundleCheck:
    """The outcome of :func:`verify_bundle`: ``problems`` in the order found, the first one first."""

    directory: str
    block: int | None = None
    events: int = 0
    records: dict[str, int] = field(default_factory=dict)
    online: str = "not checked (no --rpc-url)"
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> str | None:
        return self.problems[0] if self.problems else None

    def to_json(self) -> dict[str, Any]:
        return {
            "directory": self.directory, "ok": self.ok, "block": self.block, "events": self.events,
            "records": self.records, "online": self.online, "first_problem": self.first_problem,
            "problems": self.problems, "checked": self.checked,
        }  # fmt: skip

    def lines(self) -> list[str]:
        out = [f"bundle {self.directory} as of block {self.block}: {self.events} events"]
        out += [f"  ok: {c}" for c in self.checked]
        out.append(f"  against a node: {self.online}")
        if self.problems:
            out.append(f"FAILED: first bad item: {self.problems[0]}")
            out += [f"  also: {p}" for p in self.problems[1:20]]
            if len(self.problems) > 20:
                out.append(f"  ... and {len(self.problems) - 20} more")
        else:
            out.append("bundle verified")
        return out


def _read_lines(path: Path, what: str, problems: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        problems.append(f"{what}: missing")
        return
    with path.open("rb") as f:
        for number, line in enumerate(f, start=1):
            try:
                value = loads_exact(line)
            except ValueError as exc:
                problems.append(f"{what} line {number}: not JSON ({exc})")
                continue
            if not isinstance(value, dict):
                problems.append(f"{what} line {number}: not an object")
                continue
            yield number, value


def _load_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not directory.is_dir():
        raise BundleError(f"{directory} is not a directory")
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise BundleError(f"{path}: no manifest (not an audit bundle?)") from None
    except ValueError as exc:
        raise BundleError(f"{path}: not JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        raise BundleError(f"{path}: format {manifest.get('format') if isinstance(manifest, dict) else None!r}, "
                          f"expected {BUNDLE_FORMAT!r}")  # fmt: skip
    return manifest


def _event_of(obj: Mapping[str, Any]) -> LedgerEvent:
    return LedgerEvent(
        int(obj["block_number"]), str(obj["block_hash"]), str(obj["tx_hash"]), int(obj["log_index"]),
        str(obj["contract"]), str(obj["name"]), dict(obj["args"]),
    )  # fmt: skip


def _check_events(directory: Path, problems: list[str]) -> tuple[list[LedgerEvent], str]:
    """The bundle's events, each checked against its running hash and the log order."""
    events: list[LedgerEvent] = []
    previous = GENESIS
    last: tuple[int, int] = (-1, -1)
    broken = False
    for number, obj in _read_lines(directory / EVENTS, EVENTS, problems):
        try:
            ev = _event_of(obj)
            stored = str(obj["chain"])
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{EVENTS} line {number}: malformed event ({exc!r})")
            broken = True
            continue
        where = f"{EVENTS} line {number} (block {ev.block_number}, log {ev.log_index}, {ev.name})"
        value = "0x" + hashlib.sha256(bytes.fromhex(previous[2:]) + event_encoding(ev)).hexdigest()
        if value != stored and not broken:
            problems.append(
                f"{where}: its hash chain value does not follow from the line before: this event was changed, "
                "or one was removed or inserted just before it"
            )
            broken = True
        if (ev.block_number, ev.log_index) <= last:
            problems.append(f"{where}: out of log order (after block {last[0]} log {last[1]})")
        last = (ev.block_number, ev.log_index)
        previous = stored
        events.append(ev)
    return events, previous


def _check_blocks(
    directory: Path, manifest: Mapping[str, Any], events: Sequence[LedgerEvent], problems: list[str]
) -> dict[int, BlockHeader]:
    headers: dict[int, BlockHeader] = {}
    for number, obj in _read_lines(directory / BLOCKS, BLOCKS, problems):
        try:
            h = BlockHeader(int(obj["number"]), str(obj["hash"]), str(obj["parent_hash"]), int(obj["timestamp"]))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{BLOCKS} line {number}: malformed header ({exc!r})")
            continue
        previous = headers.get(h.number - 1)
        if previous is not None and previous.hash != h.parent_hash:
            problems.append(f"{BLOCKS} line {number}: block {h.number} does not follow block {h.number - 1}")
        headers[h.number] = h
    seen: set[int] = set()
    for ev in events:
        if ev.block_number in seen:
            continue
        seen.add(ev.block_number)
        header = headers.get(ev.block_number)
        where = f"{EVENTS}: block {ev.block_number} (log {ev.log_index}, {ev.name})"
        if header is None:
            problems.append(f"{where} has no header in {BLOCKS}")
        elif header.hash != ev.block_hash:
            problems.append(f"{where} names block hash {ev.block_hash}, {BLOCKS} has {header.hash}")
    block = manifest.get("block", {})
    wanted = block.get("number") if isinstance(block, dict) else None
    target = headers.get(wanted) if isinstance(wanted, int) else None
    if target is None:
        problems.append(f"{MANIFEST} block.number {wanted!r}: no such header in {BLOCKS}")
    else:
        for key, value in (("hash", target.hash), ("parent_hash", target.parent_hash), ("timestamp", target.timestamp)):
            if block.get(key) != value:
                problems.append(
                    f"{MANIFEST} block.{key}: {block.get(key)!r}, but {BLOCKS} has {value!r} for block {wanted}"
                )
        beyond = [ev for ev in events if ev.block_number > target.number]
        if beyond:
            first = beyond[0]
            problems.append(
                f"{EVENTS}: block {first.block_number} log {first.log_index} lies beyond the bundle's block "
                f"{target.number}"
            )
    return headers


def _check_state(
    directory: Path, events: Sequence[LedgerEvent], headers: Mapping[int, BlockHeader], target: BlockHeader,
    check: BundleCheck, manifest: Mapping[str, Any],
) -> None:  # fmt: skip
    problems = check.problems
    with tempfile.TemporaryDirectory(prefix="ledger-bundle-") as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'replay.db'}")
        try:
            batches: list[Batch] = []
            start = 0
            while start < len(events):
                end = min(len(events), start + _BATCH_EVENTS)
                while end < len(events) and events[end].block_number == events[end - 1].block_number:
                    end += 1
                chunk = list(events[start:end])
                blocks = sorted({e.block_number for e in chunk})
                batches.append(Batch([headers[n] for n in blocks if n in headers], chunk))
                start = end
            try:
                replay_into(store, batches, target)
            except LedgerError as exc:
                problems.append(f"{EVENTS}: the events do not project into a state ({exc})")
                return
            for name in sorted(STATE_TABLES):
                st = STATE_TABLES[name]
                _compare_state_file(directory, st, _state_rows(store, st, target.number), problems)
            check.records = count_records(store, target.number)
            checksum = store.state_checksum(target.number)
        finally:
            store.close()
    if manifest.get("state_checksum") != checksum:
        problems.append(f"{MANIFEST} state_checksum: {manifest.get('state_checksum')!r}, the events give {checksum}")
    if manifest.get("records") != check.records:
        problems.append(f"{MANIFEST} records: {manifest.get('records')!r}, the events give {check.records}")


def _jsonable(row: Mapping[str, Any]) -> dict[str, Any]:
    value: dict[str, Any] = loads_exact(canonical_json(dict(row)))
    return value


def _compare_state_file(directory: Path, st: StateTable, expected: Sequence[Mapping[str, Any]],
                        problems: list[str]) -> None:  # fmt: skip
    what = f"{STATE_DIR}/{st.name}.json"
    path = directory / what
    try:
        rows = loads_exact(path.read_bytes())
    except FileNotFoundError:
        problems.append(f"{what}: missing")
        return
    except ValueError as exc:
        problems.append(f"{what}: not JSON ({exc})")
        return
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        problems.append(f"{what}: not a list of rows")
        return

    names = _row_key(st)

    def key_of(r: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(r.get(k) for k in names)

    theirs = {key_of(r): r for r in rows}
    ours = {key_of(r): _jsonable(r) for r in expected}
    for number, r in enumerate(rows, start=1):
        key = key_of(r)
        where = f"{what} row {number} ({', '.join(f'{k}={v}' for k, v in zip(names, key, strict=True))})"
        mine = ours.get(key)
        if mine is None:
            problems.append(f"{where}: not in the state the events give")
            continue
        changed = [c for c in sorted(set(mine) | set(r)) if mine.get(c) != r.get(c)]
        for c in changed:
            problems.append(f"{where}: {c} is {r.get(c)!r} in the bundle, {mine.get(c)!r} from the events")
    for key in ours:
        if key not in theirs:
            problems.append(f"{what}: row {', '.join(f'{k}={v}' for k, v in zip(names, key, strict=True))} is missing "
                            "(the events give it)")  # fmt: skip


def _check_abis(
    directory: Path, manifest: Mapping[str, Any], problems: list[str]
) -> dict[str, list[dict[str, Any]]] | None:
    """The bundle's ABIs, each checked against the manifest's ABI hash (None if any is missing or bad)."""
    abis: dict[str, list[dict[str, Any]]] = {}
    contracts = manifest.get("contracts")
    if not isinstance(contracts, dict):
        problems.append(f"{MANIFEST} contracts: missing")
        return None
    for name, c in sorted(contracts.items()):
        what = f"{ABI_DIR}/{name}.json"
        try:
            abi = json.loads((directory / what).read_text())
        except FileNotFoundError:
            problems.append(f"{what}: missing")
            continue
        except ValueError as exc:
            problems.append(f"{what}: not JSON ({exc})")
            continue
        if abi_hash(abi) != c.get("abi_hash"):
            problems.append(f"{what}: ABI hash {abi_hash(abi)}, the manifest says {c.get('abi_hash')}")
            continue
        abis[name] = abi
    return abis if len(abis) == len(contracts) else None


def _check_files(directory: Path, manifest: Mapping[str, Any], problems: list[str]) -> None:
    listed = manifest.get("files")
    if not isinstance(listed, dict):
        problems.append(f"{MANIFEST} files: missing")
        return
    present = {p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()} - {MANIFEST}
    for name in sorted(listed):
        path = directory / name
        if not path.is_file():
            problems.append(f"{name}: listed in the manifest, missing")
        elif _sha256(path) != listed[name]:
            problems.append(f"{name}: SHA-256 {_sha256(path)}, the manifest says {listed[name]}")
    for name in sorted(present - set(listed)):
        problems.append(f"{name}: not listed in the manifest")


def verify_bundle(directory: Path, *, rpc: JsonRpcClient | None = None) -> BundleCheck:
    """Checks a bundle offline, and against the node behind ``rpc`` when given (block hash, code hashes,
    and the events themselves, read again from the chain)."""
    manifest = _load_manifest(directory)
    check = BundleCheck(str(directory))
    problems = check.problems
    events, head = _check_events(directory, problems)
    check.events = len(events)
    check.checked.append(f"{EVENTS}: {len(events)} events, hash chain")
    headers = _check_blocks(directory, manifest, events, problems)
    block = manifest.get("block", {})
    number = block.get("number") if isinstance(block, dict) else None
    check.block = number if isinstance(number, int) else None
    target = headers.get(number) if isinstance(number, int) else None
    check.checked.append(f"{BLOCKS}: headers of {len(headers)} blocks")
    if target is not None and not any("malformed" in p for p in problems):
        _check_state(directory, events, headers, target, check, manifest)
        check.checked.append(f"{STATE_DIR}/: every row against the projection of the events")
    if manifest.get("events") != len(events):
        problems.append(f"{MANIFEST} events: {manifest.get('events')!r}, {EVENTS} has {len(events)}")
    if manifest.get("events_chain_head") != head:
        problems.append(f"{MANIFEST} events_chain_head: {manifest.get('events_chain_head')!r}, {EVENTS} ends at {head}")
    abis = _check_abis(directory, manifest, problems)
    check.checked.append(f"{ABI_DIR}/: ABI hashes")
    _check_files(directory, manifest, problems)
    check.checked.append("file digests")
    if manifest.get("bundle_digest") != _bundle_digest(manifest):
        problems.append(f"{MANIFEST} bundle_digest: {manifest.get('bundle_digest')!r} does not match the manifest's "
                        f"contents ({_bundle_digest(manifest)}): a field of the manifest was changed")  # fmt: skip
    check.checked.append("manifest digest")
    if rpc is not None:
        _check_online(rpc, manifest, events, target, abis, check)
    return check


def _deployment_of(manifest: Mapping[str, Any]) -> Deployment:
    contracts = {
        name: DeployedContract(name, c["address"], c["code_hash"], c["abi_hash"], c.get("tx_hash", ""),
                               int(manifest["deployment"]["block"]))
        for name, c in manifest["contracts"].items()
    }  # fmt: skip
    d = manifest["deployment"]
    return Deployment(
        chain_id=int(manifest["chain_id"]), deployment_block=int(d["block"]), deployment_block_hash=d["block_hash"],
        deployer=d.get("deployer", ""), compiler_version=manifest.get("compiler_version", ""),
        build_key=manifest.get("build_key", ""), created_at="", contracts=contracts,
    )  # fmt: skip


def _check_online(
    rpc: JsonRpcClient, manifest: Mapping[str, Any], events: Sequence[LedgerEvent], target: BlockHeader | None,
    abis: Mapping[str, list[dict[str, Any]]] | None, check: BundleCheck,
) -> None:  # fmt: skip
    problems = check.problems
    found: list[str] = []
    chain_id = int(rpc.call("eth_chainId"), 16)
    if chain_id != manifest.get("chain_id"):
        problems.append(f"node: chain id {chain_id}, the bundle is of chain {manifest.get('chain_id')}")
        check.online = "failed"
        return
    block = manifest["block"]
    on_chain = rpc.call("eth_getBlockByNumber", [hex(int(block["number"])), False])
    if on_chain is None or on_chain.get("hash") != block["hash"]:
        got = None if on_chain is None else on_chain.get("hash")
        problems.append(f"node: block {block['number']} is {got}, the bundle says {block['hash']}")
        check.online = "failed"
        return
    found.append(f"block {block['number']} hash")
    note = ""
    for name, c in sorted(manifest["contracts"].items()):
        try:
            code = rpc.call("eth_getCode", [c["address"], hex(int(block["number"]))])
        except RpcRemoteError:  # no state of that block on the node: code does not change after deployment
            code = rpc.call("eth_getCode", [c["address"], "latest"])
            note = " (code read at the latest block: the node has no state of the bundle's block)"
        got = "" if code in (None, "0x", "0x0") else "0x" + keccak(hexstr=code).hex()
        if got != c["code_hash"]:
            problems.append(f"node: {name} at {c['address']} has code hash {got}, the bundle says {c['code_hash']}")
    found.append("contracts' code hashes" + note)
    if abis is not None and target is not None:
        source = ChainSource(rpc, _deployment_of(manifest), abis)
        chain_events = [e for batch in source.batches(target) for e in batch.events]
        for i, (ours, theirs) in enumerate(zip(events, chain_events, strict=False)):
            if event_encoding(ours) != event_encoding(theirs):
                problems.append(f"node: event {i + 1} (block {ours.block_number}, log {ours.log_index}, {ours.name}) "
                                f"differs from the chain's (block {theirs.block_number}, log {theirs.log_index}, "
                                f"{theirs.name})")  # fmt: skip
                break
        else:
            if len(events) != len(chain_events):
                problems.append(f"node: the chain has {len(chain_events)} events up to block {target.number}, "
                                f"the bundle {len(events)}")  # fmt: skip
        found.append(f"{len(chain_events)} events read again from the chain")
    check.online = "failed" if any(p.startswith("node:") for p in problems) else "ok: " + ", ".join(found)
