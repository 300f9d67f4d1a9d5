"""The Besu QBFT production kit: what a province's consortium hands to each member that runs Besu.

``ledger network init --engine besu-qbft DIR`` writes::

    genesis.json                 QBFT genesis: Shanghai and Cancun active from block 0 (the contracts use
                                 PUSH0 and MCOPY), zero base fee, the validators in RLP extraData
    permissions_config.toml      node allowlist (every member's enode) and account allowlist
    static-nodes.json            every node's enode URL
    nodes/<name>/key             the node key (hex; Besu --node-private-key-file). In QBFT the node key is
                                 also the validator's sealing key: its address is in extraData.
    nodes/<name>/config.toml     the node's Besu configuration (data path, ports, RPC APIs, permissioning)
    kit.json                     chain id, province, validators, enodes (for the ledger's own checks)
    README.md                    "Run on Besu", step by step

Account permissioning: Besu's on-chain (contract) account permissioning is deprecated since 24.12, so
the kit uses the local **account allowlist** file (``accounts-allowlist`` in permissions_config.toml),
mirroring the ParticipantRegistry's rule (``transactionAllowed``: active participants transact, only
the authority deploys). Regenerate it from the registry when participants change, on every node.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import rlp

from ledger.network.definition import (
    DEFAULT_BALANCE_WEI,
    NetworkDefinitionError,
    address_of,
    enode_id,
)

__all__ = [
    "PROVINCES",
    "RESERVED_CHAIN_IDS",
    "besu_qbft_genesis",
    "check_chain_id",
    "genesis_evm_rules",
    "province_chain_id",
    "qbft_extra_data",
    "write_besu_kit",
]

#: Province-level region codes (first two digits of the six-digit administrative division code).
PROVINCES: Final[dict[int, str]] = {
    11: "Beijing", 12: "Tianjin", 13: "Hebei", 14: "Shanxi", 15: "Inner Mongolia", 21: "Liaoning", 22: "Jilin",
    23: "Heilongjiang", 31: "Shanghai", 32: "Jiangsu", 33: "Zhejiang", 34: "Anhui", 35: "Fujian", 36: "Jiangxi",
    37: "Shandong", 41: "Henan", 42: "Hubei", 43: "Hunan", 44: "Guangdong", 45: "Guangxi", 46: "Hainan",
    50: "Chongqing", 51: "Sichuan", 52: "Guizhou", 53: "Yunnan", 54: "Tibet", 61: "Shaanxi", 62: "Gansu",
    63: "Qinghai", 64: "Ningxia", 65: "Xinjiang",
}  # fmt: skip
#: Chain ids a consortium chain must never take: public networks and the development chains.
RESERVED_CHAIN_IDS: Final[dict[int, str]] = {
    1: "Ethereum mainnet", 10: "Optimism", 56: "BNB Chain", 137: "Polygon", 1337: "development (Besu/Ganache)",
    8453: "Base", 17000: "Holesky", 31337: "development (anvil/Hardhat)", 42161: "Arbitrum One",
    11155111: "Sepolia", 560048: "Hoodi",
}  # fmt: skip
QBFT_MIX_HASH: Final[str] = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365"  # Besu's QBFT value


def province_chain_id(region: int) -> int:
    """The recognised chain id of a province's ledger: its two-digit code followed by 01 (450000 -> 4501)."""
    code = region // 10_000 if region >= 10_000 else region
    if code not in PROVINCES:
        raise NetworkDefinitionError(f"{region} is not a province-level region code")
    return code * 100 + 1


def check_chain_id(chain_id: int, province: int | None) -> None:
    """Refuses a chain id that a public network, a development chain or another recognised province uses."""
    if chain_id in RESERVED_CHAIN_IDS:
        raise NetworkDefinitionError(f"chain id {chain_id} is {RESERVED_CHAIN_IDS[chain_id]}'s; choose another")
    own = province_chain_id(province) if province is not None else None
    for code, name in PROVINCES.items():
        theirs = code * 100 + 1
        if chain_id == theirs and theirs != own:
            raise NetworkDefinitionError(
                f"chain id {chain_id} is {name}'s ledger (region {code}0000)"
                + (f"; this province's is {own}" if own is not None else "; give --province")
            )


def qbft_extra_data(validators: Sequence[str]) -> str:
    """RLP([32-byte vanity, [validators], vote (none: empty list), round 0, seals (empty list)]), as Besu's
    ``rlp encode --type=QBFT_EXTRA_DATA`` and GoQuorum's QBFT genesis write it."""
    addresses = [bytes.fromhex(v.removeprefix("0x")) for v in validators]
    if any(len(a) != 20 for a in addresses):
        raise NetworkDefinitionError("validators must be 20-byte addresses")
    encoded: bytes = rlp.encode([b"\0" * 32, addresses, [], b"", []])
    return "0x" + encoded.hex()


def besu_qbft_genesis(
    chain_id: int, validators: Sequence[str], funded: Sequence[str], *, block_period_s: int, gas_limit: int
) -> dict[str, Any]:
    """Besu QBFT genesis: every fork through Cancun active from genesis, free gas (zeroBaseFee)."""
    config: dict[str, Any] = {"chainId": chain_id}
    for fork in ("homestead", "eip150", "eip155", "eip158", "byzantium", "constantinople", "petersburg",
                 "istanbul", "muirGlacier", "berlin", "london", "arrowGlacier", "grayGlacier"):  # fmt: skip
        config[f"{fork}Block"] = 0
    config["shanghaiTime"] = 0
    config["cancunTime"] = 0
    config["zeroBaseFee"] = True
    config["qbft"] = {"blockperiodseconds": block_period_s, "epochlength": 30000, "requesttimeoutseconds": 4}
    return {
        "config": config,
        "nonce": "0x0",
        "timestamp": "0x0",
        "extraData": qbft_extra_data(validators),
        "gasLimit": hex(gas_limit),
        "difficulty": "0x1",
        "mixHash": QBFT_MIX_HASH,
        "coinbase": "0x" + "00" * 20,
        "alloc": {a.removeprefix("0x").lower(): {"balance": hex(DEFAULT_BALANCE_WEI)} for a in funded},
    }


_TIMED_FORKS: Final[tuple[tuple[str, str], ...]] = (("pragueTime", "prague"), ("cancunTime", "cancun"),
                                                    ("shanghaiTime", "shanghai"))  # fmt: skip


def genesis_evm_rules(genesis: dict[str, Any]) -> str:
    """The newest EVM rules a genesis activates at block 0 (the hardfork to test the contracts under)."""
    config = genesis["config"]
    for key, name in _TIMED_FORKS:
        if config.get(key) == 0:
            return name
    return "london" if config.get("londonBlock") == 0 else "berlin" if config.get("berlinBlock") == 0 else "istanbul"


def _toml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


_README: Final[str] = """# Besu QBFT kit: chain {chain_id}{province_line}

Generated by `ledger network init --engine besu-qbft`. Hand `nodes/<name>/` (its `key` is secret) with
`genesis.json`, `static-nodes.json` and `permissions_config.toml` to the member that runs that node.
See the project's README, "Run on Besu", for the whole procedure.

Validators (QBFT: the node key's address seals): {validators}

1. Install Hyperledger Besu (24.x or newer) and Java 21 on each member's host.
2. Replace `127.0.0.1` in `static-nodes.json`, `permissions_config.toml` and each `config.toml` with the members'
   addresses (p2p port {p2p}); open that port between members only.
3. On each host: `besu --config-file=nodes/<name>/config.toml` (data in `nodes/<name>/data`).
4. Check: `qbft_getValidatorsByBlockNumber` with `["latest"]` on http://127.0.0.1:8545 lists the validators;
   blocks come every {period} s.
5. Point the ledger at every member's RPC: `LEDGER_RPC_URL=http://member-a:8545,http://member-b:8545,...`,
   `LEDGER_CHAIN_ID={chain_id}`, EVM target cancun (the default), then `ledger deploy --as authority`.
6. Accounts: the allowlist in `permissions_config.toml` lets only listed accounts send transactions. Keep it equal
   to the ParticipantRegistry's active participants (its `transactionAllowed` rule) on every node.
"""


def write_besu_kit(
    directory: Path,
    *,
    validators: int,
    chain_id: int,
    block_period_s: int = 2,
    gas_limit: int = 400_000_000,
    funded: Sequence[str] = (),
    province: int | None = None,
    light_kdf: bool = False,
    rpc_port: int = 8545,
    p2p_port: int = 30303,
) -> dict[str, Any]:
    """Writes the kit (see the module docstring) and returns what ``kit.json`` holds."""
    del light_kdf  # Besu node keys are plain hex files (protect them with the file system / an HSM)
    check_chain_id(chain_id, province)
    if (directory / "kit.json").exists() or (directory / "network.json").exists():
        raise NetworkDefinitionError(f"{directory} already holds a network; choose an empty folder")
    nodes: list[dict[str, Any]] = []
    for i in range(validators):
        key = secrets.token_bytes(32)
        name = f"node{i}"
        enode = f"enode://{enode_id(key)}@127.0.0.1:{p2p_port + i}"
        nodes.append({"name": name, "address": address_of(key), "enode": enode, "p2p_port": p2p_port + i,
                      "rpc_port": rpc_port + i})  # fmt: skip
        _write_private(directory / "nodes" / name / "key", "0x" + key.hex())
    enodes = [n["enode"] for n in nodes]
    validator_addresses = [n["address"] for n in nodes]
    accounts = list(dict.fromkeys([*funded]))
    genesis = besu_qbft_genesis(
        chain_id, validator_addresses, accounts, block_period_s=block_period_s, gas_limit=gas_limit
    )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "genesis.json").write_text(json.dumps(genesis, indent=2) + "\n")
    (directory / "static-nodes.json").write_text(json.dumps(enodes, indent=2) + "\n")
    (directory / "permissions_config.toml").write_text(
        f"nodes-allowlist={_toml_list(enodes)}\naccounts-allowlist={_toml_list([a.lower() for a in accounts])}\n"
    )
    for n in nodes:
        node_dir = directory / "nodes" / n["name"]
        (node_dir / "config.toml").write_text(
            "\n".join([
                'data-path="data"',
                'genesis-file="../../genesis.json"',
                'node-private-key-file="key"',
                'static-nodes-file="../../static-nodes.json"',
                f'p2p-port={n["p2p_port"]}',
                "discovery-enabled=false",
                "rpc-http-enabled=true",
                'rpc-http-host="127.0.0.1"',
                f'rpc-http-port={n["rpc_port"]}',
                'rpc-http-api=["ETH","NET","WEB3","QBFT","TXPOOL"]',
                'host-allowlist=["localhost","127.0.0.1"]',
                "min-gas-price=0",
                "revert-reason-enabled=true",
                'sync-mode="FULL"',
                'data-storage-format="FOREST"',
                "permissions-nodes-config-file-enabled=true",
                "permissions-accounts-config-file-enabled=true",
                'permissions-nodes-config-file="../../permissions_config.toml"',
                'permissions-accounts-config-file="../../permissions_config.toml"',
                "",
            ])
        )  # fmt: skip
    kit = {
        "format": 1,
        "engine": "besu-qbft",
        "chain_id": chain_id,
        "province": province,
        "block_period_s": block_period_s,
        "gas_limit": gas_limit,
        "evm_version": "cancun",
        "validators": validator_addresses,
        "nodes": nodes,
        "funded": accounts,
        "account_permissioning": "accounts-allowlist file (mirrors ParticipantRegistry.transactionAllowed)",
    }
    (directory / "kit.json").write_text(json.dumps(kit, indent=2) + "\n")
    (directory / "README.md").write_text(
        _README.format(
            chain_id=chain_id,
            province_line=f" (province {province})" if province else "",
            validators=", ".join(validator_addresses),
            p2p=p2p_port,
            period=block_period_s,
        )
    )
    return kit
