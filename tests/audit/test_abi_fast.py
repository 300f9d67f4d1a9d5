"""The view checks' fast ABI paths give exactly what the codec (plus the checks' normalisation) gives."""

from __future__ import annotations

import random
from typing import Any

import pytest
from eth_abi.abi import encode as abi_encode

from ledger.audit._abi import Unsupported, output_decoder, static_encoder
from ledger.audit.compare_chain import _normal
from ledger.contracts.codec import ContractCodec
from ledger.contracts.system import SYSTEM_CONTRACTS, contract_abi
from ledger.toolchain import compile_contracts


def _value(param: dict[str, Any], rnd: random.Random) -> Any:
    t: str = param["type"]
    if t.endswith("]"):  # T[] or T[n]
        at = t.rindex("[")
        inner = dict(param, type=t[:at])
        size = t[at + 1 : -1]
        return [_value(inner, rnd) for _ in range(int(size) if size else rnd.randrange(4))]
    if t == "tuple":
        return tuple(_value(c, rnd) for c in param["components"])
    if t == "address":
        return "0x" + bytes(rnd.randrange(256) for _ in range(20)).hex()
    if t == "bool":
        return rnd.random() < 0.5
    if t.startswith("uint"):
        return rnd.randrange(1 << int(t[4:] or 256))
    if t.startswith("int"):
        bits = int(t[3:] or 256)
        return rnd.randrange(-(1 << (bits - 1)), 1 << (bits - 1))
    if t.startswith("bytes") and t != "bytes":
        return bytes(rnd.randrange(256) for _ in range(int(t[5:])))
    if t == "string":
        return "".join(rnd.choice("abcé€") for _ in range(rnd.randrange(40)))
    return bytes(rnd.randrange(256) for _ in range(rnd.randrange(70)))


def _functions() -> list[tuple[str, ContractCodec, str]]:
    build = compile_contracts()
    out = []
    for name in SYSTEM_CONTRACTS:
        codec = ContractCodec(contract_abi(build, name))
        out.extend((name, codec, fn) for fn in sorted(codec.functions))
    return out


@pytest.mark.parametrize("seed", range(3))
def test_fast_paths_match_the_codec(seed: int) -> None:
    rnd = random.Random(seed)
    decoded = encoded = 0
    for _contract, codec, name in _functions():
        fn = codec.functions[name]
        try:
            decode = output_decoder(fn.outputs)
        except Unsupported:
            decode = None
        if decode is not None and fn.outputs:
            values = [_value(dict(p), rnd) for p in fn.outputs]
            data = abi_encode(list(fn.output_types), values)
            try:
                fast = decode(data)
            except Unsupported:
                pass
            else:
                assert fast == _normal(codec.decode_output(name, data)), name
                decoded += 1
        try:
            encode = static_encoder(fn.input_types)
        except Unsupported:
            continue
        args = [_value({"type": t}, rnd) for t in fn.input_types]
        assert fn.selector + encode(args) == codec.encode_call(name, *args), name
        encoded += 1
    assert decoded > 20 and encoded > 20


def test_data_the_strict_decoder_refuses_is_left_to_it() -> None:
    decode_bool = output_decoder([{"name": "", "type": "bool"}])
    with pytest.raises(Unsupported):
        decode_bool((2).to_bytes(32, "big"))
    decode_address = output_decoder([{"name": "", "type": "address"}])
    with pytest.raises(Unsupported):
        decode_address(b"\x01" + bytes(31))
    decode_small = output_decoder([{"name": "", "type": "uint8"}])
    with pytest.raises(Unsupported):
        decode_small((256).to_bytes(32, "big"))
    with pytest.raises(Unsupported):
        decode_small(b"")  # "0x": no code at the block
    assert decode_bool((1).to_bytes(32, "big")) is True
    for lenient in ("string", "bytes", "bytes1", "bytes4[]"):  # padding and UTF-8 unchecked by the fast reader
        with pytest.raises(Unsupported):
            output_decoder([{"name": "", "type": lenient}])
