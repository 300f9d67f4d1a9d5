"""The calls a proposal names, from their contract, function and arguments (pure, no I/O beyond the lookups given).

``ledger governance propose`` and the write gateway's ``POST /api/v1/tx/governance/proposals`` take the same
inputs: a contract of the deployment (one of the ledger's, the access manager or one of the officers' Safes), one of
its state-changing functions and its arguments in order. Arguments are JSON values or command-line text: integers as
numbers or decimal (``0x``) text, booleans, strings, ``bytes`` as ``0x`` hex, lists as JSON lists (or
comma-separated text), roles, kinds, rights and pausable contracts by name, manager roles (``...Id`` arguments) by
name. Addresses and ``bytes32`` values go through an :class:`ArgReader`, since the CLI takes keystore names, dev
indexes and text to hash where the API takes only ``0x`` values; an address may also name a contract of the
deployment.

A Safe's functions that only the Safe itself may call (``addOwnerWithThreshold``, ``changeThreshold``...) are
wrapped in the Safe's ``execTransactionFromModule``: the manager, the Safe's module, has it call itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final, TypeVar

from eth_utils.address import is_hex_address, to_checksum_address

from ledger.client.ledger import Contracts
from ledger.contracts.codec import ContractCodec
from ledger.contracts.credit_code import InvalidCreditCode, credit_code_hash
from ledger.contracts.system import GOVERNANCE_SAFES
from ledger.contracts.types import Kind, Paused, Right, Role
from ledger.governance.client import GovernanceError
from ledger.governance.roles import ManagerRole

__all__ = ["SAFE_SELF_FUNCTIONS", "ArgReader", "CallError", "encode_call", "hex_address", "hex_hash32"]

#: A Safe's functions that only the Safe itself may call: proposed for one of the officers' Safes, they are run by
#: the manager as the Safe's module (``execTransactionFromModule``), which only the council may have it do.
SAFE_SELF_FUNCTIONS: Final[tuple[str, ...]] = (
    "addOwnerWithThreshold", "removeOwner", "swapOwner", "changeThreshold", "enableModule", "disableModule",
    "setGuard", "setModuleGuard", "setFallbackHandler",
)  # fmt: skip
_SENTINEL: Final[str] = "0x0000000000000000000000000000000000000001"

E = TypeVar("E", bound=Enum)


class CallError(GovernanceError):
    """A proposed call names no state-changing function of the deployment, or its arguments do not fit it."""


def hex_address(text: str) -> str:
    """An address given as ``0x`` + 40 hex digits (checksummed); :class:`CallError` otherwise."""
    if not is_hex_address(text):
        raise CallError(f"{text!r} is not an address (0x + 40 hex digits) nor a contract of the deployment")
    return to_checksum_address(text)


def hex_hash32(text: str) -> bytes:
    """A ``bytes32`` given as ``0x`` + 64 hex digits; :class:`CallError` otherwise."""
    digits = text.removeprefix("0x").removeprefix("0X")
    if not text.lower().startswith("0x") or len(digits) != 64 or not all(c in "0123456789abcdefABCDEF" for c in digits):
        raise CallError(f"{text!r} is not 32 bytes of hex (0x + 64 hex digits)")
    return bytes.fromhex(digits)


@dataclass(frozen=True, slots=True)
class ArgReader:
    """How addresses (that are not a contract's name) and ``bytes32`` values are read from text, and the owners
    of a Safe (for ``removeOwner`` and ``swapOwner``, whose previous owner in the Safe's list is filled in)."""

    owners: Callable[[str], Sequence[str]]
    address: Callable[[str], str] = hex_address
    hash32: Callable[[str], bytes] = hex_hash32


def encode_call(
    contracts: Contracts, contract: str, function: str, args: Sequence[Any], reader: ArgReader
) -> tuple[str, bytes]:
    """``(target, data)`` of ``contract.function(*args)``; :class:`CallError` naming what does not fit."""
    codecs = contracts.codecs
    if contract not in codecs:
        raise CallError(f"{contract!r} is not a contract of the deployment ({', '.join(sorted(codecs))})")
    codec: ContractCodec = codecs[contract]
    fn = codec.functions.get(function)
    if fn is None or fn.mutability in ("view", "pure"):
        raise CallError(f"{contract} has no state-changing function {function!r}")
    item = next(i for i in codec.abi if i.get("type") == "function" and i.get("name") == function)
    inputs = item["inputs"]
    values = list(args)
    if contract in GOVERNANCE_SAFES and function in ("removeOwner", "swapOwner") and len(values) == len(inputs) - 1:
        values = [_previous_owner(contracts, reader, contract, values[0]), *values]
    if len(values) != len(inputs):
        shown = ", ".join(f"{p['type']} {p['name']}" for p in inputs)
        raise CallError(f"{contract}.{function} takes {len(inputs)} argument(s) ({shown}), got {len(values)}")
    parsed = [
        _parse(contracts, reader, fn.input_types[i], p["name"] or f"arg{i}", v)
        for i, (p, v) in enumerate(zip(inputs, values, strict=True))
    ]
    try:
        data = codec.encode_call(function, *parsed)
    except Exception as exc:  # eth_abi's encoding errors: a value its type cannot hold (a negative uint, ...)
        raise CallError(f"{contract}.{function}: the arguments do not fit its types: {exc}") from None
    target = contracts.address[contract]
    if contract in GOVERNANCE_SAFES and function in SAFE_SELF_FUNCTIONS:
        data = codec.encode_call("execTransactionFromModule", target, 0, data, 0)
    return target, data


def _previous_owner(contracts: Contracts, reader: ArgReader, safe: str, owner_value: Any) -> str:
    owner = _address(contracts, reader, str(owner_value))
    owners = [str(to_checksum_address(o)) for o in reader.owners(safe)]
    if owner not in owners:
        raise CallError(f"{owner} is not an officer of the {safe}")
    i = owners.index(owner)
    return _SENTINEL if i == 0 else owners[i - 1]


def _address(contracts: Contracts, reader: ArgReader, text: str) -> str:
    if text in contracts.address:
        return str(contracts.address[text])
    return reader.address(text)


def _parse(contracts: Contracts, reader: ArgReader, abi_type: str, name: str, value: Any) -> Any:
    """One argument of ``abi_type`` from its JSON value or command-line text."""
    if abi_type.endswith("]"):
        items = value if isinstance(value, list) else _list(str(value))
        inner = abi_type[: abi_type.rindex("[")]
        return [_parse(contracts, reader, inner, name, item) for item in items]
    if abi_type.startswith("("):
        raise CallError(f"{name}: struct arguments are not supported in a proposal")
    if isinstance(value, str):
        value = value.strip()
    elif isinstance(value, (list, dict)) or value is None:
        raise CallError(f"{name}: expected a {abi_type}, got {value!r}")
    if abi_type == "address":
        return _address(contracts, reader, str(value))
    if abi_type == "bool":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "yes", "1"):
            return True
        if str(value).lower() in ("false", "no", "0"):
            return False
        raise CallError(f"{name}: {value!r} is not true or false")
    if abi_type == "string":
        return str(value)
    if abi_type == "bytes32" and name == "creditCodeHash" and not str(value).startswith("0x"):
        try:  # ParticipantRegistry.admit: the unified social credit code, hashed as the registry keeps it
            return credit_code_hash(str(value))
        except InvalidCreditCode as exc:
            raise CallError(f"{name}: {exc}") from None
    if abi_type == "bytes32":
        return reader.hash32(str(value))
    if abi_type.startswith("bytes"):
        try:
            return bytes.fromhex(str(value).removeprefix("0x"))
        except ValueError:
            raise CallError(f"{name}: {value!r} is not 0x-hex bytes") from None
    if abi_type.startswith(("uint", "int")):
        return _integer(name, value)
    raise CallError(f"{name}: arguments of type {abi_type} are not supported")


def _integer(name: str, value: Any) -> int:
    if isinstance(value, (bool, float)):
        raise CallError(f"{name}: {value!r} is not an integer")
    if isinstance(value, int):
        return value
    text = str(value)
    if name == "roles":
        return int(_roles(text))
    if name == "contracts" and not text.isdigit():  # AssetControls.pause/unpause: contracts by name
        try:
            return int(Paused.of(text))
        except ValueError as exc:
            raise CallError(f"{name}: {exc}") from None
    if name == "kind" and not text.isdigit():
        return int(_choice(Kind, text, name))
    if name == "right" and not text.isdigit():
        return int(_choice(Right, text, name))
    if name.endswith("Id") and text.upper() in ManagerRole.__members__:
        return int(ManagerRole[text.upper()])
    try:
        return int(text.replace("_", ""), 0)
    except ValueError:
        raise CallError(f"{name}: {value!r} is not an integer") from None


def _choice_name(member: Enum) -> str:
    return (member.name or str(member.value)).lower().replace("_", "-")


def _choice(enum: type[E], text: str, name: str) -> E:
    wanted = text.strip().lower().replace("_", "-")
    for member in enum:
        if _choice_name(member) == wanted or str(member.value) == wanted:
            return member
    raise CallError(f"{name}: {text!r} is not one of: {', '.join(_choice_name(m) for m in enum)}")


def _roles(text: str) -> Role:
    if text.strip().isdigit():
        mask = int(text)
        if mask == 0 or mask >= 1 << len(Role):
            raise CallError(f"roles: {text!r} is not a role mask")
        return Role(mask)
    roles = Role(0)
    for part in text.split(","):
        if part.strip():
            roles |= _choice(Role, part, "roles")
    if not roles:
        raise CallError("roles: no roles given")
    return roles


def _list(text: str) -> list[Any]:
    if text.startswith("["):
        try:
            value = json.loads(text)
        except ValueError:
            raise CallError(f"{text!r} is not a JSON list") from None
        if isinstance(value, list):
            return value
    return [part for part in text.split(",") if part.strip()] if text else []
