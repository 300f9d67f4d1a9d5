"""The adversarial suite's vocabulary: send an attack as a real transaction, prove it was mined and reverted
with the expected custom error, and that nothing it aimed at changed.

Every attack is sent with an explicit gas limit, so it is not stopped by gas estimation before it is signed:
it is mined, reverts on-chain, and the views read after its block are compared with those read before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest

from ledger.client import LedgerClient, TxResult
from ledger.client.sender import decode_revert
from ledger.contracts.revert import ContractRevert, UnknownRevert
from ledger.contracts.types import Right
from ledger.errors import RpcRemoteError
from tests.contracts.conftest import World

#: Attacks are sent with this much gas, so that they are mined and revert on-chain.
ATTACK_GAS = 3_000_000
ZERO = "0x0000000000000000000000000000000000000000"

E = TypeVar("E", bound=ContractRevert)


def send(client: LedgerClient, contract: str, function: str, *args: Any, gas: int = ATTACK_GAS) -> TxResult:
    """``client`` calls ``contract.function(*args)`` (ABI-shaped arguments) in a transaction with ``gas``."""
    return client.execute(client.prepare(contract, function, *args, gas=gas))


def block_number(w: World) -> int:
    return int(w.rpc.call("eth_blockNumber"), 16)


@dataclass
class Watch:
    """The views an attack aims at: every actor's balance and held shares, the ledger's counters, and the
    records named here. Read before and after the attack, they must be equal."""

    assets: Iterable[int] = ()
    licences: Iterable[int] = ()
    #: (account, nonce): whether the nonce is used
    nonces: Iterable[tuple[str, int]] = ()
    #: (exchange, trade id): whether it settled
    trades: Iterable[tuple[str, bytes]] = ()
    mandates: Iterable[bytes] = ()
    objections: Iterable[int] = ()
    #: objectors whose pending objections are counted
    objectors: Iterable[str] = ()
    recognised: Iterable[int] = ()
    #: any other view
    extra: Iterable[Callable[[], Any]] = field(default_factory=tuple)

    def read(self, w: World) -> dict[str, Any]:
        c = w.authority
        actors = [a.address for a in w.all_clients()] + [a.address for a in c._siblings.values()]
        state: dict[str, Any] = {
            "counts": (c.asset_count(), c.license_count(), c.objection_count(), c.recognised_count()),
            "balances": {a: (c.balance_of(a), c.held_shares(a)) for a in sorted(set(actors))},
            "supply": c.view("SettlementToken", "totalSupply"),
        }
        state["assets"] = {a: (c.get_asset(a), _holders(c, a)) for a in self.assets}
        state["licences"] = {lic: c.get_license(lic) for lic in self.licences}
        state["nonces"] = {n: c.nonce_used(*n) for n in self.nonces}
        state["trades"] = {t: c.is_settled(*t) for t in self.trades}
        state["mandates"] = {m: c.mandate_seller(m) for m in self.mandates}
        state["objections"] = {o: c.get_objection(o) for o in self.objections}
        state["objectors"] = {o: c.pending_objections(o) for o in self.objectors}
        state["recognised"] = {r: c.get_recognised(r) for r in self.recognised}
        state["extra"] = [f() for f in self.extra]
        return state


def _holders(c: LedgerClient, asset: int) -> tuple[str, ...]:
    return tuple(c.holder_of(asset, r) for r in Right)


def refused(w: World, error: type[E], attack: Callable[[], Any], watch: Watch | None = None, **values: Any) -> E:
    """Runs ``attack`` (which sends one transaction with an explicit gas limit) and proves that it was mined in a
    block of its own and reverted with ``error`` carrying ``values``, and that the views of ``watch`` are the
    same after that block as before it. Returns the error for further checks."""
    watch = watch or Watch()
    before, block = watch.read(w), block_number(w)
    with pytest.raises(ContractRevert) as info:
        attack()
    got = info.value
    if isinstance(got, UnknownRevert):
        got = _replayed(w, block + 1)
    assert type(got) is error, f"expected {error.__name__}, got {got!r}"
    assert block_number(w) == block + 1, "the attack was refused before it was mined (gas estimation?)"
    mined = w.rpc.call("eth_getBlockByNumber", [hex(block + 1), False])
    assert len(mined["transactions"]) == 1
    receipt = w.rpc.call("eth_getTransactionReceipt", [mined["transactions"][0]])
    assert int(receipt["status"], 16) == 0 and receipt["logs"] == [], "the attack's transaction did not revert"
    for name, value in values.items():
        assert getattr(got, name) == value, f"{error.__name__}.{name}: expected {value!r}, got {getattr(got, name)!r}"
    assert watch.read(w) == before, "a refused attack changed the state"
    return got


def _replayed(w: World, block: int) -> ContractRevert:
    """The error of the transaction mined in ``block``, replayed on the state after it (which it did not change).

    The sender replays a reverted transaction on the state before its block, where a refusal that depends on the
    block's time (an expiry) may not happen yet; after the block, it does."""
    (tx_hash,) = w.rpc.call("eth_getBlockByNumber", [hex(block), False])["transactions"]
    tx = w.rpc.call("eth_getTransactionByHash", [tx_hash])
    call = {"from": tx["from"], "to": tx["to"], "data": tx["input"], "gas": tx["gas"]}
    try:
        w.rpc.call("eth_call", [call, "latest"])
    except RpcRemoteError as exc:
        data = exc.data.get("data") if isinstance(exc.data, dict) else exc.data
        if isinstance(data, str) and data.startswith("0x"):
            return decode_revert(w.contracts.errors, bytes.fromhex(data[2:]))
    raise AssertionError(f"transaction {tx_hash} of block {block} does not revert when replayed")


def nested(w: World, reason: bytes) -> tuple[str, dict[str, Any]]:
    """The custom error inside a batch item's ``reason`` bytes, by name and values."""
    decoded = w.contracts.errors.decode(reason)
    assert decoded is not None, f"no custom error of the ledger in 0x{reason.hex()}"
    return decoded
