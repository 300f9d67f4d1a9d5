"""Deploys the whole system and writes (or verifies) the deployment manifest.

The manifest records the chain id, every contract's address, the deployment block, the
runtime code hash read back from the chain, the compiler version and a hash of each ABI, and the
governance the deployment starts with (the access manager, the officers' Safes with their owners and
thresholds, the council's delay: ``governance``). Run against a chain where the manifest's contracts
exist, :func:`ensure_deployed` verifies them instead of deploying again.

Provinces must use distinct chain ids (signatures, consents and certificates are bound to the chain id):
deploying and verifying refuse a chain whose id is that of a province the ledger recognises (the settings'
``recognised_chain_ids``, and the Recognition contract's agreements), and a deployment found on a chain
that reports another id than the one it was made on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import rlp
from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.chain.chain_ids import require_distinct_chain_id
from ledger.chain.retry import retrying
from ledger.chain.rpc import JsonRpcClient
from ledger.client.sender import Call, TxSender
from ledger.contracts.credit_code import credit_code_hash
from ledger.contracts.system import DEPLOYED_CONTRACTS, EVENT_CONTRACTS, GOVERNANCE_SAFES, contract_abi
from ledger.errors import ChainIdConflict, NonRetryableError
from ledger.governance.config import GovernanceConfig
from ledger.governance.deployment import GovernanceRecord, deploy_governance, predict_safe_addresses
from ledger.governance.roles import ManagerRole
from ledger.settings import LedgerSettings
from ledger.toolchain import Build

__all__ = [
    "ContractTooLarge",
    "DeployedContract",
    "Deployment",
    "DeploymentMismatch",
    "abi_hash",
    "check_code_size",
    "create_address",
    "deploy_system",
    "ensure_deployed",
    "event_contracts",
    "load_manifest",
    "require_no_self_agreement",
    "verify_deployment",
    "write_manifest",
]

logger = logging.getLogger(__name__)

MANIFEST_VERSION = 2
#: The authority's identity by default: ``LEDGER_AUTHORITY_NAME``, ``_REGION`` and ``_CREDIT_CODE``'s defaults (the
#: code is made up: it passes the check).
AUTHORITY_NAME: Final[str] = LedgerSettings.model_fields["authority_name"].default
AUTHORITY_REGION: Final[int] = LedgerSettings.model_fields["authority_region"].default
AUTHORITY_CREDIT_CODE: Final[str] = LedgerSettings.model_fields["authority_credit_code"].default
_GET_AGREEMENT = keccak(text="getAgreement(uint64)")[:4]
_HAS_ROLE = keccak(text="hasRole(uint64,address)")[:4]
_GET_PARTICIPANT = keccak(text="getParticipant(address)")[:4]
_ID_OF_CREDIT_CODE = keccak(text="idOfCreditCode(bytes32)")[:4]
_GET_GUARD_SLOT = "0x4a204f620c8c5ccdca3fd54d003badd85ba500436a431f0cbda4f558c93c34c8"  # Safe's guard storage slot
_MODULE_GUARD_SLOT = "0xb104e0b93118902c651344349b610029d694cfdec91c589c91ebafbcd0289947"  # its module guard's
_OFFICER_SAFES = keccak(text="officerSafes()")[:4]
_AGREEMENT = "(uint64,address,uint8,uint32,address[])"


class DeploymentMismatch(NonRetryableError):
    """The chain does not hold what the deployment manifest says (other chain, other code, no code)."""


class ContractTooLarge(NonRetryableError):
    """A contract's runtime code at the build's EVM target exceeds EIP-170's 24,576 bytes: no chain with
    the standard size limit accepts it (a genesis override of the limit is not a production answer)."""

    def __init__(self, message: str, oversized: dict[str, int], evm_version: str) -> None:
        super().__init__(message)
        self.oversized = oversized
        self.evm_version = evm_version


def check_code_size(build: Build) -> None:
    """Raises :class:`ContractTooLarge` naming every contract the deployment creates (the ledger's and its
    governance's) above the limit at this target."""
    from ledger.toolchain import MAX_DEPLOYED_CODE_SIZE

    big = {c.name: c.deployed_size for c in build.oversized() if c.name in DEPLOYED_CONTRACTS}
    if big:
        listed = ", ".join(f"{name} {size:,} bytes" for name, size in sorted(big.items()))
        raise ContractTooLarge(
            f"at EVM target {build.evm_version}, {listed} exceed{'s' if len(big) == 1 else ''} the"
            f" {MAX_DEPLOYED_CODE_SIZE:,}-byte contract size limit (EIP-170): it cannot be deployed on a chain"
            " with these rules until the contract is split",
            big,
            build.evm_version,
        )


@dataclass(frozen=True, slots=True)
class DeployedContract:
    name: str
    address: str
    code_hash: str
    abi_hash: str
    tx_hash: str
    block: int


@dataclass(frozen=True, slots=True)
class Deployment:
    chain_id: int
    deployment_block: int
    deployment_block_hash: str
    deployer: str
    compiler_version: str
    build_key: str
    created_at: str
    contracts: dict[str, DeployedContract]
    #: The governance as deployed; None only for a deployment rebuilt from an audit bundle's contract list.
    governance: GovernanceRecord | None = None
    evm_version: str = "cancun"

    def address(self, name: str) -> str:
        """The address of a contract of the deployment, or of one of the officers' Safes (``CouncilSafe``...)."""
        if self.governance is not None and name in self.governance.safes:
            return self.governance.safes[name].address
        return self.contracts[name].address

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["governance"] = None if self.governance is None else self.governance.to_json()
        data["version"] = MANIFEST_VERSION
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Deployment:
        if data.get("version") != MANIFEST_VERSION:
            raise DeploymentMismatch(
                f"manifest version {data.get('version')!r}, expected {MANIFEST_VERSION} (a deployment made before "
                "the ledger's governance: deploy afresh, `ledger deploy --fresh`)"
            )
        contracts = {k: DeployedContract(**v) for k, v in data["contracts"].items()}
        if not data.get("governance"):
            raise DeploymentMismatch("the manifest records no governance: deploy afresh, `ledger deploy --fresh`")
        governance = GovernanceRecord.from_json(data["governance"])
        fields = {k: v for k, v in data.items() if k not in ("contracts", "governance", "version")}
        return cls(contracts=contracts, governance=governance, **fields)


def event_contracts(deployment: Deployment) -> dict[str, str]:
    """Name -> address of the deployment's contracts whose events are indexed and replayed (``EVENT_CONTRACTS``;
    those of them a deployment rebuilt from an audit bundle lists)."""
    out: dict[str, str] = {}
    for name in EVENT_CONTRACTS:
        try:
            out[name] = deployment.address(name)
        except KeyError:
            continue
    return out


def abi_hash(abi: Sequence[Mapping[str, Any]]) -> str:
    return "0x" + hashlib.sha256(json.dumps(list(abi), sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def load_manifest(path: Path) -> Deployment:
    try:
        return Deployment.from_json(json.loads(path.read_text()))
    except FileNotFoundError as exc:
        raise DeploymentMismatch(f"no deployment manifest at {path}: run `ledger deploy` first") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise DeploymentMismatch(f"deployment manifest {path} is malformed: {exc}") from exc


def write_manifest(deployment: Deployment, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(deployment.to_json(), indent=2) + "\n")
    os.replace(tmp, path)


def create_address(deployer: str, nonce: int) -> str:
    """The address of the contract that ``deployer``'s transaction with ``nonce`` creates (CREATE)."""
    raw = keccak(rlp.encode([bytes.fromhex(deployer.removeprefix("0x")), nonce]))[12:]
    return to_checksum_address(raw)


def _code_hash(rpc: JsonRpcClient, address: str, block: str = "latest") -> str:
    code = rpc.call("eth_getCode", [address, block])
    return "0x" + keccak(hexstr=code).hex() if code not in ("0x", "0x0", None) else ""


def deploy_system(
    rpc: JsonRpcClient,
    sender: TxSender,
    build: Build,
    *,
    governance: GovernanceConfig,
    recognised_chain_ids: Collection[int] = (),
    authority_region: int = AUTHORITY_REGION,
    authority_name: str = AUTHORITY_NAME,
    authority_credit_code: str = AUTHORITY_CREDIT_CODE,
    token_name: str = "Data Market Settlement Yuan",
    token_symbol: str = "DMCNY",
) -> Deployment:
    """Deploys the system's contracts and its governance, and wires them together.

    The authority is the access manager (see :mod:`ledger.governance.deployment`), whose roles the officers' Safes
    of ``governance`` hold; ``sender`` only pays for the deployment and holds nothing afterwards. The authority is
    participant 1, the organisation of unified social credit code ``authority_credit_code``.

    Refuses before sending anything: with :class:`ContractTooLarge` when a contract does not fit the size limit
    at the build's EVM target, and with :class:`ChainIdConflict` on a chain whose id is one of
    ``recognised_chain_ids`` (the provinces this deployment will recognise)."""
    check_code_size(build)
    rpc = retrying(rpc)  # its reads; the sender's own client sends (make it retrying too: ``ledger deploy`` does)
    require_distinct_chain_id(int(rpc.call("eth_chainId"), 16), recognised_chain_ids, where="deployment")

    me = sender.address
    # The contracts name each other in immutables (no wiring transactions, no storage read on the hot paths):
    # each address is known before deployment from the deployer's nonce (CREATE), and checked after.
    start_nonce = int(rpc.call("eth_getTransactionCount", [me, "pending"]), 16)
    order = DEPLOYED_CONTRACTS
    at = {name: create_address(me, start_nonce + i) for i, name in enumerate(order)}
    participants, registry, controls = at["ParticipantRegistry"], at["AssetRegistry"], at["AssetControls"]
    settlement, recognition, mandates = at["TradeSettlement"], at["Recognition"], at["MandateRegistry"]
    wiring = [participants, controls, recognition, settlement]
    # The officers' Safes come last (created by the proxy factory), but their addresses are known now too.
    safes = predict_safe_addresses(build, at, governance)
    constructors: dict[str, tuple[list[str], list[Any]]] = {
        "AccessManager": (["address"], [me]),  # its first admin, until the deployer renounces it below
        "ParticipantRegistry": (["address", "uint24", "string", "bytes32", "address[3]", "address"],
                                [at["AccessManager"], authority_region, authority_name,
                                 credit_code_hash(authority_credit_code),
                                 [safes[name] for name in GOVERNANCE_SAFES], registry]),
        "AssetRegistryModule": (["address", "address", "address", "address"], wiring),
        "AssetRegistry": (["address", "address", "address", "address", "address"],
                          [*wiring, at["AssetRegistryModule"]]),
        "AssetControls": (["address", "address"], [participants, registry]),
        "SettlementToken": (["address", "address", "address", "string", "string"],
                            [participants, settlement, registry, token_name, token_symbol]),
        "TradeSettlement": (["address", "address", "address", "address", "address"],
                            [participants, registry, at["SettlementToken"], mandates, at["Listings"]]),
        "MandateRegistry": (["address", "address", "address"], [participants, settlement, registry]),
        "Supervision": (["address", "address"], [participants, registry]),
        "Recognition": (["address", "address"], [participants, registry]),
        "Valuation": (["address", "address"], [participants, registry]),
        "Disclosure": (["address", "address"], [participants, registry]),
        "DataQuality": (["address", "address"], [participants, registry]),
        "Listings": (["address", "address", "address"], [participants, registry, settlement]),
        "OpeningList": (["address", "address", "address"], [participants, registry, at["Listings"]]),
        "SafeL2": ([], []),
        "SafeProxyFactory": ([], []),
        "MultiSendCallOnly": ([], []),
        "GovernanceGuard": (["address", "address"], [at["AccessManager"], participants]),
    }  # fmt: skip
    # All in one batch, in nonce order (no constructor calls another contract, so each one's gas is estimated
    # before any is mined): a network with blocks every second deploys in a few blocks, not one per contract.
    def creation(name: str) -> Call:
        code = bytes.fromhex(build.contract(name).bytecode.removeprefix("0x"))
        return Call(to=None, data=code + abi_encode(*constructors[name]), operation=f"deploy {name}")

    creations = [creation(name) for name in order]
    deployed: dict[str, tuple[str, str, int]] = {}
    for name, receipt in zip(order, sender.transact_many(creations), strict=True):
        assert receipt.contract_address is not None
        logger.info("deployed %s at %s (block %d, gas %d)", name, receipt.contract_address, receipt.block_number,
                    receipt.gas_used)  # fmt: skip
        deployed[name] = (receipt.contract_address, receipt.tx_hash, receipt.block_number)
        if deployed[name][0].lower() != at[name].lower():
            raise DeploymentMismatch(
                f"{name} was deployed at {deployed[name][0]}, not at {at[name]} as the contracts deployed before it "
                "were told: another transaction of the deployer interleaved; deploy again from a quiet account"
            )

    record = deploy_governance(rpc, sender, build, {name: d[0] for name, d in deployed.items()}, governance)
    first_block = deployed[DEPLOYED_CONTRACTS[0]][2]
    block = rpc.call("eth_getBlockByNumber", [hex(first_block), False])
    contracts = {
        name: DeployedContract(
            name=name,
            address=address,
            code_hash=_code_hash(rpc, address),
            abi_hash=abi_hash(contract_abi(build, name)),
            tx_hash=tx_hash,
            block=blk,
        )
        for name, (address, tx_hash, blk) in deployed.items()
    }
    return Deployment(
        chain_id=sender.chain_id,
        deployment_block=first_block,
        deployment_block_hash=block["hash"],
        deployer=me,
        compiler_version=build.contract("AssetRegistry").compiler_version,
        build_key=build.key,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        contracts=contracts,
        governance=record,
        evm_version=build.evm_version,
    )


def verify_deployment(
    rpc: JsonRpcClient,
    deployment: Deployment,
    build: Build | None = None,
    *,
    recognised_chain_ids: Collection[int] = (),
) -> Deployment:
    """Raises :class:`DeploymentMismatch` unless the chain holds exactly the manifest's contracts.

    Each contract is found by its deployment transaction (whose receipt must name its address)
    and checked by runtime code hash. Returns the deployment, with block numbers and hashes
    updated if the chain mined those transactions again in other blocks (the embedded node
    replaying its journal after it lost blocks); the caller rewrites the manifest then.

    Raises :class:`ChainIdConflict` when the chain's id is one of ``recognised_chain_ids`` or the origin
    chain id of an agreement of the deployment's Recognition contract (see :func:`require_no_self_agreement`).
    """
    chain_id = int(rpc.call("eth_chainId"), 16)
    if chain_id != deployment.chain_id:
        raise DeploymentMismatch(f"manifest is for chain {deployment.chain_id}, node is chain {chain_id}")
    require_distinct_chain_id(chain_id, recognised_chain_ids, where=f"the deployment of chain {chain_id}")
    updated: dict[str, DeployedContract] = {}
    for name in DEPLOYED_CONTRACTS:
        c = deployment.contracts.get(name)
        if c is None:
            raise DeploymentMismatch(f"manifest lacks {name}")
        receipt = rpc.call("eth_getTransactionReceipt", [c.tx_hash])
        if receipt is None:
            raise DeploymentMismatch(f"{name}: deployment transaction {c.tx_hash} is not on this chain")
        if (receipt.get("contractAddress") or "").lower() != c.address.lower():
            raise DeploymentMismatch(
                f"{name}: deployment transaction {c.tx_hash} created {receipt.get('contractAddress')}, "
                f"manifest says {c.address}"
            )
        got = _code_hash(rpc, c.address)
        if got != c.code_hash:
            raise DeploymentMismatch(
                f"{name} at {c.address}: code hash {got or 'none (no code)'}, manifest {c.code_hash}"
            )
        if build is not None and build.evm_version != deployment.evm_version:
            raise DeploymentMismatch(
                f"the deployment was compiled for EVM target {deployment.evm_version}, the build now is for"
                f" {build.evm_version}: set LEDGER_EVM_VERSION={deployment.evm_version}"
            )
        if build is not None and abi_hash(contract_abi(build, name)) != c.abi_hash:
            raise DeploymentMismatch(
                f"{name}: the sources compiled now have another ABI than the deployed contract; "
                "deploy afresh (`ledger deploy --fresh`) or check out the deployed sources"
            )
        updated[name] = replace(c, block=int(receipt["blockNumber"], 16))
    require_no_self_agreement(rpc, deployment.address("Recognition"), chain_id)
    _verify_governance(rpc, deployment)
    first = updated[DEPLOYED_CONTRACTS[0]].block
    block = rpc.call("eth_getBlockByNumber", [hex(first), False])
    if first == deployment.deployment_block and block["hash"] == deployment.deployment_block_hash:
        return deployment
    logger.warning(
        "the deployment transactions now stand in other blocks (first %d, %s; manifest %d, %s): "
        "the chain was mined again since deployment",
        first, block["hash"], deployment.deployment_block, deployment.deployment_block_hash,
    )
    return replace(deployment, deployment_block=first, deployment_block_hash=block["hash"], contracts=updated)


def _verify_governance(rpc: JsonRpcClient, deployment: Deployment) -> None:
    """The governance holds what the deployment made: the manager is the registry's authority, the deployer kept no
    role, each officers' Safe is a Safe proxy of the deployment's singleton guarded by its guard, and holds its
    role. Its owners and thresholds are not checked: the council may have changed them since."""
    g = deployment.governance
    if g is None:
        raise DeploymentMismatch("the deployment records no governance")
    manager = deployment.address("AccessManager")
    if g.manager.lower() != manager.lower():
        raise DeploymentMismatch(f"the manifest's governance names manager {g.manager}, its contracts {manager}")

    def view(to: str, data: bytes) -> bytes:
        return bytes.fromhex(str(rpc.call("eth_call", [{"to": to, "data": "0x" + data.hex()}, "latest"]))[2:])

    def has_role(role: ManagerRole, account: str) -> bool:
        (member, _) = abi_decode(["bool", "uint32"], view(manager, _HAS_ROLE + abi_encode(["uint64", "address"],
                                                                                          [int(role), account])))
        return bool(member)

    participant = view(deployment.address("ParticipantRegistry"), _GET_PARTICIPANT + abi_encode(["address"], [manager]))
    roles, status = abi_decode(["uint16", "uint8"], participant[:64])
    if not roles & 1 or status != 1:
        raise DeploymentMismatch(f"the access manager {manager} is not the ledger's active authority")
    (officer_safes,) = abi_decode(["address[3]"], view(deployment.address("ParticipantRegistry"), _OFFICER_SAFES))
    if [a.lower() for a in officer_safes] != [g.safe(n).address.lower() for n in GOVERNANCE_SAFES]:
        raise DeploymentMismatch(f"the participant registry keeps officers' Safes {list(officer_safes)}, not the "
                                 "governance's")  # fmt: skip
    for role in ManagerRole:
        if has_role(role, deployment.deployer):
            raise DeploymentMismatch(f"the deployer {deployment.deployer} still holds the manager's {role.name} role")
    singleton = deployment.address("SafeL2").lower()
    wanted = {"CouncilSafe": ManagerRole.COUNCIL, "GuardianSafe": ManagerRole.GUARDIAN,
              "EmergencySafe": ManagerRole.EMERGENCY}  # fmt: skip
    for name in GOVERNANCE_SAFES:
        safe = g.safe(name)
        got = _code_hash(rpc, safe.address)
        if got != safe.code_hash:
            raise DeploymentMismatch(f"{name} at {safe.address}: code hash {got or 'none (no code)'}, "
                                     f"manifest {safe.code_hash}")  # fmt: skip
        implementation = "0x" + str(rpc.call("eth_getStorageAt", [safe.address, "0x0", "latest"]))[-40:]
        guard = "0x" + str(rpc.call("eth_getStorageAt", [safe.address, _GET_GUARD_SLOT, "latest"]))[-40:]
        module_guard = "0x" + str(rpc.call("eth_getStorageAt", [safe.address, _MODULE_GUARD_SLOT, "latest"]))[-40:]
        if implementation.lower() != singleton or {guard.lower(), module_guard.lower()} != {g.guard.lower()}:
            raise DeploymentMismatch(f"{name} at {safe.address} is not a Safe of the deployment's singleton and guard")
        if not has_role(wanted[name], safe.address):
            raise DeploymentMismatch(f"{name} at {safe.address} does not hold the manager's {wanted[name].name} role")


def authority_identity(settings: LedgerSettings) -> dict[str, Any]:
    """The authority's name, region and credit code from ``settings`` (``LEDGER_AUTHORITY_*``), as
    :func:`deploy_system` takes them."""
    return {
        "authority_name": settings.authority_name,
        "authority_region": settings.authority_region,
        "authority_credit_code": settings.authority_credit_code,
    }


def ensure_deployed(
    rpc: JsonRpcClient,
    sender: TxSender,
    build: Build,
    manifest: Path,
    *,
    recognised_chain_ids: Collection[int] = (),
    authority_credit_code: str = AUTHORITY_CREDIT_CODE,
    **kwargs: Any,
) -> Deployment:
    """Verifies the deployment in ``manifest`` if its contracts are on this chain, else deploys and writes it.

    A verified deployment must have registered its authority under ``authority_credit_code``: the authority's
    identity is fixed at deployment, and a setting naming another would be ignored in silence.

    A manifest's deployment found on a chain that reports another chain id than the manifest's (its state was
    moved to another chain id) is refused with :class:`DeploymentMismatch`, not deployed over."""
    rpc = retrying(rpc)
    if manifest.exists():
        deployment = load_manifest(manifest)
        chain_id = int(rpc.call("eth_chainId"), 16)
        if deployment.chain_id == chain_id and _code_hash(rpc, deployment.address(DEPLOYED_CONTRACTS[0])):
            verified = verify_deployment(rpc, deployment, build, recognised_chain_ids=recognised_chain_ids)
            _check_authority_code(rpc, verified, authority_credit_code)
            if verified != deployment:
                write_manifest(verified, manifest)
            logger.info("deployment in %s verified on chain %d", manifest, chain_id)
            return verified
        if deployment.chain_id != chain_id and _deployed_here(rpc, deployment):
            raise DeploymentMismatch(
                f"the deployment of chain {deployment.chain_id} in {manifest} is on this node, which reports chain "
                f"id {chain_id}: its state was moved to another chain id, where the signatures and certificates "
                f"made for chain {deployment.chain_id} no longer verify (and chain id {chain_id} may be another "
                f"province's); run the node with chain id {deployment.chain_id}"
            )
        logger.info("manifest %s does not match this chain; deploying afresh", manifest)
    deployment = deploy_system(
        rpc, sender, build, recognised_chain_ids=recognised_chain_ids, authority_credit_code=authority_credit_code,
        **kwargs,
    )  # fmt: skip
    write_manifest(deployment, manifest)
    return deployment


def _check_authority_code(rpc: JsonRpcClient, deployment: Deployment, code: str) -> None:
    """Refuses a deployment whose authority (participant 1) was registered under another credit code than ``code``:
    the authority's identity is fixed at deployment, and a setting that names another would be silently ignored."""
    registry = deployment.address("ParticipantRegistry")
    data = _ID_OF_CREDIT_CODE + credit_code_hash(code)
    answer = str(rpc.call("eth_call", [{"to": registry, "data": "0x" + data.hex()}, "latest"]))
    if int(answer, 16) != 1:
        raise DeploymentMismatch(
            f"the deployment's authority (participant 1) was registered under another credit code than {code}"
            " (LEDGER_AUTHORITY_CREDIT_CODE): the authority's identity is fixed at deployment; set the code it was"
            " deployed with, or deploy afresh (ledger deploy --fresh)"
        )


def require_no_self_agreement(rpc: JsonRpcClient, recognition: str, chain_id: int) -> None:
    """Raises :class:`ChainIdConflict` if the Recognition contract at ``recognition`` holds an agreement whose
    origin chain id is ``chain_id``, the id of the chain it runs on.

    The contract refuses such an agreement (RecognitionSelfAgreement), so one on record was made while the chain
    had another id: the ledger's state now runs on the chain id of a province it recognises (or recognised), and
    that province's certificates, consents and signatures would be indistinguishable from this one's."""
    if not 0 < chain_id < 2**64:
        return  # no agreement can name it
    call = {"to": recognition, "data": "0x" + (_GET_AGREEMENT + abi_encode(["uint64"], [chain_id])).hex()}
    raw = rpc.call("eth_call", [call, "latest"])
    ((origin, registry, threshold, version, _),) = abi_decode([_AGREEMENT], bytes.fromhex(str(raw)[2:]))
    if origin == chain_id:
        raise ChainIdConflict(
            f"the Recognition contract at {recognition} on chain {chain_id} has an agreement (version {version}, "
            f"threshold {threshold}, registry {registry}) with origin chain {chain_id}, this chain's own id: the "
            f"ledger's state runs on the chain id of a province it recognises; provinces must use distinct chain "
            f"ids, since signatures, consents and certificates are bound to the chain id"
        )


def _deployed_here(rpc: JsonRpcClient, deployment: Deployment) -> bool:
    """Whether the manifest's first contract is on this chain, created by its recorded transaction."""
    first = deployment.contracts.get(DEPLOYED_CONTRACTS[0])
    if first is None:
        return False
    receipt = rpc.call("eth_getTransactionReceipt", [first.tx_hash])
    if receipt is None or (receipt.get("contractAddress") or "").lower() != first.address.lower():
        return False
    return _code_hash(rpc, first.address) == first.code_hash
