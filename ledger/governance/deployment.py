"""Deploying the governance with the ledger, recording it in the manifest, and verifying it.

``ledger deploy`` creates OpenZeppelin's AccessManager first (the participant registry names it the authority, the
only account that ever holds the authority role), then the ledger's contracts, Safe's singleton, proxy factory and
MultiSendCallOnly, and the :class:`GovernanceGuard`; then it creates the three officers' Safes and configures the
manager in one transaction, at the end of which the deployer holds no role (see :func:`manager_setup_calls`).

The Safes' addresses are known before anything is deployed (:func:`predict_safe_addresses`: Safe's proxy factory
creates them with CREATE2 from their set-up call), so the participant registry, deployed before them, is told them in
its constructor: it refuses a settlement bank's or an exchange's role to their owners, and the Safes' guard refuses
the holder of such a role as a new owner.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from eth_abi.abi import encode as abi_encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.chain.rpc import JsonRpcClient
from ledger.client.sender import Call, TxSender
from ledger.contracts.codec import ContractCodec
from ledger.contracts.system import GOVERNANCE_SAFES, MODULES, SYSTEM_CONTRACTS, contract_abi
from ledger.governance.config import GovernanceConfig, SafeConfig
from ledger.governance.roles import EMERGENCY_FUNCTIONS, MANAGER_CANCELLABLE, ManagerRole
from ledger.governance.safe import multi_send_data
from ledger.toolchain import Build

__all__ = [
    "GovernanceRecord",
    "SafeRecord",
    "deploy_governance",
    "governed_selectors",
    "manager_setup_calls",
    "predict_safe_addresses",
    "safe_initializer",
]

#: The Safe's configuration name of each of the deployment's Safes, and the manager role it is granted.
SAFE_ROLES: Final[dict[str, ManagerRole]] = {
    "CouncilSafe": ManagerRole.COUNCIL,
    "GuardianSafe": ManagerRole.GUARDIAN,
    "EmergencySafe": ManagerRole.EMERGENCY,
}
_ZERO: Final[str] = "0x0000000000000000000000000000000000000000"


@dataclass(frozen=True, slots=True)
class SafeRecord:
    """One of the officers' Safes as deployed: its owners and threshold then (the council may change them since)."""

    name: str
    address: str
    owners: tuple[str, ...]
    threshold: int
    tx_hash: str
    block: int
    code_hash: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "address": self.address, "owners": list(self.owners), "threshold": self.threshold,
            "tx_hash": self.tx_hash, "block": self.block, "code_hash": self.code_hash,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SafeRecord:
        return cls(**{**data, "owners": tuple(data["owners"])})


@dataclass(frozen=True, slots=True)
class GovernanceRecord:
    """The governance a deployment started with (the manifest's ``governance``)."""

    manager: str
    guard: str
    delay: int
    safes: dict[str, SafeRecord]
    setup_tx: str
    setup_block: int

    def safe(self, name: str) -> SafeRecord:
        return self.safes[name]

    def to_json(self) -> dict[str, Any]:
        return {
            "manager": self.manager, "guard": self.guard, "delay": self.delay,
            "roles": {r.name.lower(): int(r) for r in ManagerRole},
            "safes": {name: s.to_json() for name, s in self.safes.items()},
            "setup_tx": self.setup_tx, "setup_block": self.setup_block,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GovernanceRecord:
        return cls(
            manager=data["manager"], guard=data["guard"], delay=int(data["delay"]),
            safes={name: SafeRecord.from_json(s) for name, s in data["safes"].items()},
            setup_tx=data["setup_tx"], setup_block=int(data["setup_block"]),
        )  # fmt: skip


def governed_selectors(build: Build, name: str) -> tuple[list[bytes], list[bytes]]:
    """The state-changing functions of system contract ``name`` as (council's, emergency officers') selectors."""
    codec = ContractCodec(contract_abi(build, name))
    emergency = set(EMERGENCY_FUNCTIONS.get(name, ()))
    council: list[bytes] = []
    urgent: list[bytes] = []
    for fn in sorted(codec.functions.values(), key=lambda f: f.name):
        if fn.mutability in ("view", "pure"):
            continue
        (urgent if fn.name in emergency else council).append(fn.selector)
    return council, urgent


def manager_setup_calls(
    build: Build, deployer: str, addresses: Mapping[str, str], safes: Mapping[str, str], delay: int
) -> list[bytes]:
    """The calls the deployer, the manager's first admin, makes to configure it (one ``multicall``):

    * labels the council, guardian and emergency roles and makes the guardian role the council role's guardian;
    * assigns every state-changing function of the ledger's contracts to the council role, except freezing an
      asset and suspending a participant, which go to the emergency role; the Safes' ``execTransactionFromModule``
      (how the council changes a Safe's owners and threshold) and the manager's own admin functions (for the
      guardian's cancellation, see :data:`MANAGER_CANCELLABLE`) to the council role too;
    * grants the council role, and the manager's admin role, to the council's Safe with the execution ``delay``
      (the timelock), the guardian role to the guardian's Safe and the emergency role to the emergency Safe, without;
    * renounces the deployer's admin role: from then on only the council, through the manager, changes anything.
    """
    m = ContractCodec(contract_abi(build, "AccessManager"))
    safe_codec = ContractCodec(contract_abi(build, "SafeL2"))
    calls = [
        m.encode_call("labelRole", int(ManagerRole.COUNCIL), "COUNCIL"),
        m.encode_call("labelRole", int(ManagerRole.GUARDIAN), "GUARDIAN"),
        m.encode_call("labelRole", int(ManagerRole.EMERGENCY), "EMERGENCY"),
        m.encode_call("setRoleGuardian", int(ManagerRole.COUNCIL), int(ManagerRole.GUARDIAN)),
    ]
    for name in SYSTEM_CONTRACTS:
        if name in MODULES.values():
            continue  # refuses every direct call; reached through its contract's address
        council, urgent = governed_selectors(build, name)
        calls.append(m.encode_call("setTargetFunctionRole", addresses[name], council, int(ManagerRole.COUNCIL)))
        if urgent:
            calls.append(m.encode_call("setTargetFunctionRole", addresses[name], urgent, int(ManagerRole.EMERGENCY)))
    module_exec = safe_codec.functions["execTransactionFromModule"].selector
    for name in GOVERNANCE_SAFES:
        calls.append(m.encode_call("setTargetFunctionRole", safes[name], [module_exec], int(ManagerRole.COUNCIL)))
    own = [m.functions[f].selector for f in MANAGER_CANCELLABLE]
    calls.append(m.encode_call("setTargetFunctionRole", addresses["AccessManager"], own, int(ManagerRole.COUNCIL)))
    calls += [
        m.encode_call("grantRole", int(ManagerRole.COUNCIL), safes["CouncilSafe"], delay),
        m.encode_call("grantRole", int(ManagerRole.GUARDIAN), safes["GuardianSafe"], 0),
        m.encode_call("grantRole", int(ManagerRole.EMERGENCY), safes["EmergencySafe"], 0),
        m.encode_call("grantRole", int(ManagerRole.ADMIN), safes["CouncilSafe"], delay),
        m.encode_call("renounceRole", int(ManagerRole.ADMIN), deployer),
    ]
    return calls


def safe_initializer(build: Build, safe: SafeConfig, manager: str, guard: str, multisend: str) -> bytes:
    """``setup`` of a new Safe: its owners and threshold, no fallback handler, no payment, and, run by delegatecall
    into MultiSendCallOnly during setup, three calls of the Safe to itself: enable the manager as its module, set the
    guard as its transaction guard and as its module guard (the zero address stands for the Safe itself in
    MultiSend)."""
    safe_codec = ContractCodec(contract_abi(build, "SafeL2"))
    multi = ContractCodec(contract_abi(build, "MultiSendCallOnly"))
    inner = multi_send_data([
        (_ZERO, safe_codec.encode_call("enableModule", manager)),
        (_ZERO, safe_codec.encode_call("setGuard", guard)),
        (_ZERO, safe_codec.encode_call("setModuleGuard", guard)),
    ])  # fmt: skip
    return safe_codec.encode_call(
        "setup", list(safe.owners), safe.threshold, multisend, multi.encode_call("multiSend", inner), _ZERO, _ZERO,
        0, _ZERO,
    )  # fmt: skip


def _safe_configs(config: GovernanceConfig) -> dict[str, SafeConfig]:
    return {"CouncilSafe": config.council, "GuardianSafe": config.guardian, "EmergencySafe": config.emergency}


def predict_safe_addresses(build: Build, addresses: Mapping[str, str], config: GovernanceConfig) -> dict[str, str]:
    """Where :func:`deploy_governance` will create each of the officers' Safes, from the addresses the deployment's
    contracts will have (``addresses``: the manager, the guard, Safe's singleton, proxy factory and MultiSendCallOnly):
    the proxy factory's CREATE2 address of ``createProxyWithNonce(singleton, initializer, salt)``, the salt being the
    Safe's index in :data:`GOVERNANCE_SAFES`."""
    configs = _safe_configs(config)
    factory = bytes.fromhex(addresses["SafeProxyFactory"].removeprefix("0x"))
    singleton = addresses["SafeL2"]
    creation = bytes.fromhex(build.contract("SafeProxy").bytecode.removeprefix("0x"))
    init_code_hash = keccak(creation + abi_encode(["address"], [singleton]))
    out: dict[str, str] = {}
    for salt_nonce, name in enumerate(GOVERNANCE_SAFES):
        initializer = safe_initializer(
            build, configs[name], addresses["AccessManager"], addresses["GovernanceGuard"],
            addresses["MultiSendCallOnly"],
        )  # fmt: skip
        salt = keccak(keccak(initializer) + salt_nonce.to_bytes(32, "big"))
        out[name] = to_checksum_address(keccak(b"\xff" + factory + salt + init_code_hash)[12:])
    return out


def _code_hash(rpc: JsonRpcClient, address: str) -> str:
    code = rpc.call("eth_getCode", [address, "latest"])
    return "0x" + keccak(hexstr=code).hex() if code not in ("0x", "0x0", None) else ""


def deploy_governance(
    rpc: JsonRpcClient,
    sender: TxSender,
    build: Build,
    addresses: Mapping[str, str],
    config: GovernanceConfig,
) -> GovernanceRecord:
    """Creates the officers' Safes and configures the manager (see :func:`manager_setup_calls`). ``addresses``
    holds every contract of the deployment already created (the manager, the ledger's, the Safe infrastructure)."""
    factory = ContractCodec(contract_abi(build, "SafeProxyFactory"))
    manager, guard = addresses["AccessManager"], addresses["GovernanceGuard"]
    configs = _safe_configs(config)
    predicted = predict_safe_addresses(build, addresses, config)
    calls = []
    for salt, name in enumerate(GOVERNANCE_SAFES):
        initializer = safe_initializer(build, configs[name], manager, guard, addresses["MultiSendCallOnly"])
        data = factory.encode_call("createProxyWithNonceL2", addresses["SafeL2"], initializer, salt)
        calls.append(Call(addresses["SafeProxyFactory"], data, operation=f"create {name}"))
    receipts = sender.transact_many(calls)
    safes: dict[str, SafeRecord] = {}
    for name, receipt in zip(GOVERNANCE_SAFES, receipts, strict=True):
        proxy = _created_proxy(factory, receipt.logs)
        if proxy.lower() != predicted[name].lower():
            raise LookupError(f"{name} was created at {proxy}, not at {predicted[name]} as the participant registry "
                              "was told")  # fmt: skip
        safes[name] = SafeRecord(
            name=name, address=proxy, owners=configs[name].owners, threshold=configs[name].threshold,
            tx_hash=receipt.tx_hash, block=receipt.block_number, code_hash=_code_hash(rpc, proxy),
        )  # fmt: skip
    m = ContractCodec(contract_abi(build, "AccessManager"))
    safe_addresses = {n: s.address for n, s in safes.items()}
    setup = manager_setup_calls(build, sender.address, addresses, safe_addresses, config.delay)
    receipt = sender.transact(Call(manager, m.encode_call("multicall", setup), operation="configure AccessManager"))
    return GovernanceRecord(
        manager=manager, guard=guard, delay=config.delay, safes=safes, setup_tx=receipt.tx_hash,
        setup_block=receipt.block_number,
    )  # fmt: skip


def _created_proxy(factory: ContractCodec, logs: Sequence[Mapping[str, Any]]) -> str:
    for log in logs:
        topics = [bytes.fromhex(t[2:]) for t in log["topics"]]
        decoded = factory.decode_log(topics, bytes.fromhex(log["data"][2:]))
        if decoded is not None and decoded[0] == "ProxyCreation":
            return to_checksum_address(decoded[1]["proxy"])
    raise LookupError("the proxy factory's transaction created no Safe (no ProxyCreation event)")
