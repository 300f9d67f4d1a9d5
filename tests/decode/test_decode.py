"""The fast log decoder agrees with ContractCodec (eth_abi) on every event of the five contracts, for any
values; malformed logs are refused as malformed answers; unknown events are skipped."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest
from eth_abi.abi import encode as abi_encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.contracts.codec import AbiEvent, ContractCodec, abi_type
from ledger.contracts.system import SYSTEM_CONTRACTS, contract_abi
from ledger.decode import BlockHeader, EventDecoder, LedgerEvent, MalformedAnswerError, decode_logs, jsonable
from ledger.errors import RetryableError
from ledger.toolchain import compile_contracts

BUILD = compile_contracts()
CODECS = {name: ContractCodec(contract_abi(BUILD, name)) for name in SYSTEM_CONTRACTS}
ADDRESSES = {name: to_checksum_address(keccak(text=name)[:20]) for name in SYSTEM_CONTRACTS}
BY_ADDRESS = {ADDRESSES[name]: (name, CODECS[name]) for name in SYSTEM_CONTRACTS}
EVENTS = [(name, event) for name in SYSTEM_CONTRACTS for event in CODECS[name].events.values()]
_ARRAY = re.compile(r"^(.*)\[(\d*)\]$")


def values(param: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Values of an ABI parameter, in the form eth_abi encodes (tuples for structs)."""
    t: str = param["type"]
    array = _ARRAY.match(t)
    if array is not None:
        inner = values(dict(param, type=array.group(1)))
        size = array.group(2)
        return st.lists(inner, min_size=int(size or 0), max_size=int(size) if size else 4)
    if t == "tuple":
        return st.tuples(*(values(c) for c in param["components"]))
    if t == "address":
        return st.binary(min_size=20, max_size=20).map(to_checksum_address)
    if t == "bool":
        return st.booleans()
    if t == "string":
        return st.text(max_size=40)
    if t == "bytes":
        return st.binary(max_size=80)
    if t.startswith("uint"):
        return st.integers(0, 2 ** int(t[4:] or 256) - 1)
    if t.startswith("int"):
        bits = int(t[3:] or 256)
        return st.integers(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    if t.startswith("bytes"):
        return st.binary(min_size=int(t[5:]), max_size=int(t[5:]))
    raise AssertionError(f"no strategy for {t}")


def raw_log(
    contract: str, event: AbiEvent, args: Mapping[str, Any], *, block: int = 7, index: int = 3
) -> dict[str, Any]:
    topics = [event.topic0]
    for param in event.indexed:
        t = abi_type(param)
        hashed = t in ("string", "bytes") or t.startswith("(") or t.endswith("]")
        topics.append(
            keccak(abi_encode([t], [args[param["name"]]])) if hashed else abi_encode([t], [args[param["name"]]])
        )
    data = abi_encode(list(event.data_types), [args[p["name"]] for p in event.data])
    return {
        "address": ADDRESSES[contract].lower(),
        "topics": ["0x" + t.hex() for t in topics],
        "data": "0x" + data.hex(),
        "blockNumber": hex(block),
        "blockHash": "0x" + keccak(block.to_bytes(8, "big")).hex(),
        "transactionHash": "0x" + keccak(b"tx" + block.to_bytes(8, "big")).hex(),
        "transactionIndex": "0x0",
        "logIndex": hex(index),
        "removed": False,
    }


@pytest.mark.parametrize(("contract", "event"), EVENTS, ids=[f"{c}.{e.name}" for c, e in EVENTS])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_decoding_equals_eth_abi_decoding_for_any_values(
    contract: str, event: AbiEvent, data: st.DataObject
) -> None:
    params = {p["name"]: p for p in (*event.indexed, *event.data)}
    args = {name: data.draw(values(params[name]), label=name) for name in event.order}
    log = raw_log(contract, event, args)

    [decoded] = decode_logs([log], BY_ADDRESS)

    name, reference = CODECS[contract].decode_log(
        [bytes.fromhex(t[2:]) for t in log["topics"]], bytes.fromhex(log["data"][2:])
    )
    assert (decoded.contract, decoded.name) == (contract, name)
    assert decoded.args == jsonable(reference)
    assert list(decoded.args) == list(event.order)
    assert (decoded.block_number, decoded.log_index, decoded.block_hash) == (7, 3, log["blockHash"])


def _sample_log() -> dict[str, Any]:
    event = CODECS["AssetRegistry"].events["RegistrationChanged"]
    args = {
        "assetId": 5,
        "by": ADDRESSES["ParticipantRegistry"],
        "metadataHash": b"\x01" * 32,
        "metadataURI": "ipfs://x",
    }
    return raw_log("AssetRegistry", event, args)


def test_decoded_arguments_are_json_values() -> None:
    [event] = EventDecoder(BY_ADDRESS).decode([_sample_log()])
    assert event == LedgerEvent(
        7, _sample_log()["blockHash"], _sample_log()["transactionHash"], 3, "AssetRegistry", "RegistrationChanged",
        {"assetId": 5, "by": ADDRESSES["ParticipantRegistry"], "metadataHash": "0x" + "01" * 32,
         "metadataURI": "ipfs://x"},
    )  # fmt: skip


def _spoil(**changes: Any) -> dict[str, Any]:
    log = _sample_log()
    for key, value in changes.items():
        if value is None:
            del log[key]
        else:
            log[key] = value
    return log


@pytest.mark.parametrize(
    "log",
    [
        _spoil(topics=None),
        _spoil(data=None),
        _spoil(blockHash=None),
        _spoil(logIndex="seven"),
        _spoil(data="0x1234"),  # shorter than the head
        _spoil(data="1234"),
        _spoil(topics=_sample_log()["topics"][:2]),  # an indexed argument missing
        _spoil(topics=[]),
        _spoil(removed=True),
        _spoil(address="0x" + "ab" * 20),  # not one of the contracts
        _spoil(blockHash="0x1234"),
        "not a log",
    ],
    ids=[
        "no topics", "no data", "no block hash", "bad log index", "short data", "data without 0x", "topic missing",
        "empty topics", "removed", "foreign address", "short block hash", "not an object",
    ],
)  # fmt: skip
def test_a_malformed_log_is_a_retryable_malformed_answer(log: Any) -> None:
    with pytest.raises(MalformedAnswerError, match="eth_getLogs: malformed log") as info:
        EventDecoder(BY_ADDRESS).decode([_sample_log(), log])
    assert isinstance(info.value, RetryableError)


def test_a_string_offset_beyond_the_data_is_refused() -> None:
    log = _sample_log()
    data = bytearray(bytes.fromhex(log["data"][2:]))
    data[32 + 31] = 0xFF  # metadataURI's offset
    log["data"] = "0x" + data.hex()
    with pytest.raises(MalformedAnswerError, match="offset"):
        EventDecoder(BY_ADDRESS).decode([log])


def test_an_event_missing_from_the_abi_is_skipped_and_counted() -> None:
    decoder = EventDecoder(BY_ADDRESS)
    unknown = _spoil(topics=["0x" + keccak(text="Unknown(uint256)").hex(), *_sample_log()["topics"][1:]])
    events = decoder.decode([unknown, _sample_log()])
    assert [e.name for e in events] == ["RegistrationChanged"]
    assert decoder.unknown == 1


def test_block_headers_parse_and_malformed_ones_are_retryable() -> None:
    block = {"number": "0x10", "hash": "0x" + "AB" * 32, "parentHash": "0x" + "cd" * 32, "timestamp": "0x64"}
    assert BlockHeader.from_rpc(block) == BlockHeader(16, "0x" + "ab" * 32, "0x" + "cd" * 32, 100)
    for bad in (None, [], {**block, "hash": None}, {**block, "hash": "0x12"}, {**block, "timestamp": "soon"}):
        with pytest.raises(MalformedAnswerError):
            BlockHeader.from_rpc(bad)  # type: ignore[arg-type]
