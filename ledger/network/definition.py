"""A network definition: what ``ledger network init`` writes and every other command reads.

Layout of a network folder::

    network.json              engine, chain id, block period, gas limit, EVM target, nodes (ports, enode, validator)
    genesis.json              the engine's genesis (validators in extraData, funded accounts)
    static-nodes.json         every node's enode URL (what each node dials)
    nodes/<name>/keystore/    the validator's signing key (encrypted keystore; geth --unlock reads it)
    nodes/<name>/password     the keystore's password (mode 600; production: a secret store)
    nodes/<name>/nodekey      the node's p2p identity (hex secp256k1 key; its public key is the enode id)
    nodes/<name>/config.toml  per-node engine configuration (static and trusted peers)
    nodes/<name>/data/        the chain database (created by ``start``)

Besu kits (``--engine besu-qbft``) are written by :mod:`ledger.network.besu` in their own layout.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import coincurve
from eth_account import Account
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.errors import NonRetryableError

__all__ = [
    "DEFAULT_BALANCE_WEI",
    "ENGINE_EVM_VERSION",
    "FORMAT",
    "Engine",
    "NetworkDefinition",
    "NetworkDefinitionError",
    "NodeDefinition",
    "address_of",
    "clique_extra_data",
    "clique_genesis",
    "enode_id",
    "load_definition",
    "write_clique_network",
]

Engine = Literal["clique", "qbft", "besu-qbft"]

FORMAT: Final[int] = 1
DEFAULT_BALANCE_WEI: Final[int] = 10**30
#: The newest solc ``evmVersion`` each engine executes. geth v1.13's Clique refuses Shanghai (no PUSH0);
#: GoQuorum runs an Istanbul-era EVM with Berlin/London at most; Besu runs Cancun and later.
ENGINE_EVM_VERSION: Final[dict[str, str]] = {"clique": "london", "qbft": "london", "besu-qbft": "cancun"}


class NetworkDefinitionError(NonRetryableError):
    """A network folder is missing, malformed, or asked for something inconsistent."""


def address_of(private_key: bytes) -> str:
    public = coincurve.PublicKey.from_secret(private_key).format(compressed=False)[1:]
    return to_checksum_address(keccak(public)[-20:])


def enode_id(node_key: bytes) -> str:
    """The enode id (128 hex digits: the uncompressed public key without its 0x04 prefix)."""
    return coincurve.PublicKey.from_secret(node_key).format(compressed=False)[1:].hex()


@dataclass(frozen=True, slots=True)
class NodeDefinition:
    name: str
    address: str  # the node's signing account (a validator's sealing key)
    validator: bool
    enode: str
    p2p_port: int
    rpc_port: int
    authrpc_port: int
    host: str = "127.0.0.1"

    @property
    def rpc_url(self) -> str:
        return f"http://{self.host}:{self.rpc_port}"


@dataclass(frozen=True, slots=True)
class NetworkDefinition:
    directory: Path
    engine: Engine
    chain_id: int
    block_period_s: int
    gas_limit: int
    evm_version: str
    nodes: tuple[NodeDefinition, ...]
    funded: tuple[str, ...] = field(default=())

    @property
    def validators(self) -> tuple[NodeDefinition, ...]:
        return tuple(n for n in self.nodes if n.validator)

    @property
    def rpc_urls(self) -> list[str]:
        return [n.rpc_url for n in self.nodes]

    @property
    def finality_confirmations(self) -> int:
        """Blocks (its own included) after which a block cannot be replaced in practice: Clique's
        signer limit (a signer seals at most one of any floor(N/2)+1 consecutive blocks) makes a
        competing branch longer than that impossible without a colluding majority; QBFT is final
        when sealed."""
        if self.engine == "clique":
            return len(self.validators) // 2 + 1
        return 1

    def node(self, name: str) -> NodeDefinition:
        for n in self.nodes:
            if n.name == name:
                return n
        raise NetworkDefinitionError(f"no node {name!r} in {self.directory} (nodes: {', '.join(self.names())})")

    def names(self) -> list[str]:
        return [n.name for n in self.nodes]

    def node_dir(self, name: str) -> Path:
        return self.directory / "nodes" / name

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "engine": self.engine,
            "chain_id": self.chain_id,
            "block_period_s": self.block_period_s,
            "gas_limit": self.gas_limit,
            "evm_version": self.evm_version,
            "finality_confirmations": self.finality_confirmations,
            "funded": list(self.funded),
            "nodes": [asdict(n) for n in self.nodes],
        }

    def env(self) -> dict[str, str]:
        """The LEDGER_* settings that point the Python layer at this network (every node, in order)."""
        return {
            "LEDGER_RPC_URL": ",".join(self.rpc_urls),
            "LEDGER_CHAIN_ID": str(self.chain_id),
            "LEDGER_EVM_VERSION": self.evm_version,
            "LEDGER_FINALITY_CONFIRMATIONS": str(self.finality_confirmations),
        }


def load_definition(directory: Path) -> NetworkDefinition:
    path = directory / "network.json"
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        raise NetworkDefinitionError(f"{directory} holds no network (no network.json): `ledger network init`") from None
    except (OSError, ValueError) as exc:
        raise NetworkDefinitionError(f"{path} is not readable JSON: {exc}") from exc
    if raw.get("format") != FORMAT:
        raise NetworkDefinitionError(f"{path}: format {raw.get('format')!r}, expected {FORMAT}")
    try:
        return NetworkDefinition(
            directory=directory,
            engine=raw["engine"],
            chain_id=int(raw["chain_id"]),
            block_period_s=int(raw["block_period_s"]),
            gas_limit=int(raw["gas_limit"]),
            evm_version=str(raw["evm_version"]),
            nodes=tuple(NodeDefinition(**n) for n in raw["nodes"]),
            funded=tuple(raw.get("funded", ())),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise NetworkDefinitionError(f"{path} is malformed: {exc}") from exc


# ───────────────────────────────────────────────────────────── Clique genesis


def clique_extra_data(signers: Sequence[str]) -> str:
    """32 vanity bytes, the signers' addresses in ascending order, 65 bytes of (absent) seal."""
    ordered = sorted(bytes.fromhex(a.removeprefix("0x")) for a in signers)
    return "0x" + (b"\0" * 32 + b"".join(ordered) + b"\0" * 65).hex()


def clique_genesis(
    chain_id: int, signers: Sequence[str], funded: Sequence[str], *, block_period_s: int, gas_limit: int
) -> dict[str, Any]:
    """geth v1.13 Clique genesis with every fork up to London active from block 0 (no Shanghai:
    Clique refuses it) and a zero base fee (consortium members do not pay for gas)."""
    forks = [
        "homesteadBlock", "eip150Block", "eip155Block", "eip158Block", "byzantiumBlock", "constantinopleBlock",
        "petersburgBlock", "istanbulBlock", "berlinBlock", "londonBlock",
    ]  # fmt: skip
    config: dict[str, Any] = {"chainId": chain_id}
    config.update({f: 0 for f in forks})
    config["clique"] = {"period": block_period_s, "epoch": 30000}
    return {
        "config": config,
        "nonce": "0x0",
        "timestamp": "0x0",
        "extraData": clique_extra_data(signers),
        "gasLimit": hex(gas_limit),
        "difficulty": "0x1",
        "baseFeePerGas": "0x0",
        "mixHash": "0x" + "00" * 32,
        "coinbase": "0x" + "00" * 20,
        "alloc": {a.removeprefix("0x").lower(): {"balance": hex(DEFAULT_BALANCE_WEI)} for a in funded},
        "number": "0x0",
        "gasUsed": "0x0",
        "parentHash": "0x" + "00" * 32,
    }


# ───────────────────────────────────────────────────────────── writing


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


def _toml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def write_clique_network(
    directory: Path,
    *,
    validators: int,
    chain_id: int,
    block_period_s: int = 1,
    gas_limit: int = 400_000_000,
    base_port: int = 30400,
    funded: Sequence[str] = (),
    light_kdf: bool = False,
    host: str = "127.0.0.1",
    nodes: int | None = None,
) -> NetworkDefinition:
    """Keys, keystores, genesis, static nodes and per-node configuration of a Clique network of ``nodes``
    nodes (default: ``validators``), the first ``validators`` of which seal blocks; the others are member
    nodes that follow the chain and serve the members' clients.

    Clique with an even number of signers can deadlock after a fork (two branches of equal weight, each
    sealed by half the signers, none allowed to go on): give it an odd number (3 of 4 nodes).

    Ports: node i listens for peers on ``base_port + i``, JSON-RPC on ``base_port + 100 + i`` and
    the (unused) engine API on ``base_port + 200 + i``.
    """
    total = validators if nodes is None else nodes
    if validators < 1:
        raise NetworkDefinitionError("a network needs at least one validator")
    if total < validators:
        raise NetworkDefinitionError(f"{total} nodes cannot hold {validators} validators")
    if (directory / "network.json").exists():
        raise NetworkDefinitionError(f"{directory} already holds a network; choose an empty folder")
    if block_period_s < 1:
        raise NetworkDefinitionError("Clique's block period is a whole number of seconds, at least 1")
    members: list[NodeDefinition] = []
    for i in range(total):
        name = f"node{i}"
        node_dir = directory / "nodes" / name
        signing_key = secrets.token_bytes(32)
        node_key = secrets.token_bytes(32)
        password = secrets.token_urlsafe(24)
        address = address_of(signing_key)
        keystore = Account.encrypt(signing_key, password, iterations=2**12 if light_kdf else None)
        _write_private(node_dir / "keystore" / f"{address.lower()[2:]}.json", json.dumps(keystore))
        _write_private(node_dir / "password", password + "\n")
        _write_private(node_dir / "nodekey", node_key.hex())
        p2p = base_port + i
        enode = f"enode://{enode_id(node_key)}@{host}:{p2p}"
        members.append(
            NodeDefinition(name, address, i < validators, enode, p2p, base_port + 100 + i, base_port + 200 + i, host)
        )
    enodes = [n.enode for n in members]
    for n in members:
        peers = [e for e in enodes if e != n.enode]
        config = f"[Node.P2P]\nStaticNodes = {_toml_list(peers)}\nTrustedNodes = {_toml_list(peers)}\n"
        (directory / "nodes" / n.name / "config.toml").write_text(config)
    accounts = tuple(to_checksum_address(a) for a in funded)
    definition = NetworkDefinition(
        directory, "clique", chain_id, block_period_s, gas_limit, ENGINE_EVM_VERSION["clique"], tuple(members),
        accounts + tuple(n.address for n in members),
    )  # fmt: skip
    genesis = clique_genesis(
        chain_id, [n.address for n in definition.validators], definition.funded, block_period_s=block_period_s,
        gas_limit=gas_limit,
    )  # fmt: skip
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "genesis.json").write_text(json.dumps(genesis, indent=2) + "\n")
    (directory / "static-nodes.json").write_text(json.dumps(enodes, indent=2) + "\n")
    (directory / "network.json").write_text(json.dumps(definition.to_json(), indent=2) + "\n")
    return definition
