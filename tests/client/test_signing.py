"""The fast signer produces exactly what eth-account produces."""

from __future__ import annotations

from eth_utils.address import to_checksum_address
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.client import dev_account
from ledger.client._signing import FastSigner

addresses = st.one_of(st.none(), st.binary(min_size=20, max_size=20).map(to_checksum_address))


@settings(max_examples=60, deadline=None)
@given(
    nonce=st.integers(0, 2**64 - 1),
    gas=st.integers(21_000, 30_000_000),
    fee=st.integers(0, 10**12),
    tip=st.integers(0, 10**9),
    value=st.integers(0, 10**24),
    data=st.binary(max_size=300),
    to=addresses,
    chain_id=st.sampled_from([1, 31337, 450000]),
)
def test_fast_signer_matches_eth_account_byte_for_byte(
    nonce: int, gas: int, fee: int, tip: int, value: int, data: bytes, to: str | None, chain_id: int
) -> None:
    account = dev_account(3)
    tx = {"type": 2, "chainId": chain_id, "nonce": nonce, "gas": gas, "maxFeePerGas": fee + tip,
          "maxPriorityFeePerGas": tip, "value": value, "data": data}  # fmt: skip
    if to is not None:
        tx["to"] = to
    expected = account.sign_transaction(tx)
    got = FastSigner(bytes(account.key))(tx)
    assert got.raw_transaction == bytes(expected.raw_transaction)
    assert got.hash == bytes(expected.hash)


@settings(max_examples=60, deadline=None)
@given(
    nonce=st.integers(0, 2**64 - 1),
    gas=st.integers(21_000, 30_000_000),
    price=st.integers(0, 10**12),
    value=st.integers(0, 10**24),
    data=st.binary(max_size=300),
    to=addresses,
    chain_id=st.sampled_from([1, 1337, 4501, 31337, 450000]),
)
def test_fast_signer_matches_eth_account_for_legacy_transactions(
    nonce: int, gas: int, price: int, value: int, data: bytes, to: str | None, chain_id: int
) -> None:
    """Chains without EIP-1559 (GoQuorum) take legacy EIP-155 transactions with a gas price."""
    account = dev_account(4)
    tx = {"chainId": chain_id, "nonce": nonce, "gas": gas, "gasPrice": price, "value": value, "data": data}
    if to is not None:
        tx["to"] = to
    expected = account.sign_transaction(tx)
    got = FastSigner(bytes(account.key))({**tx, "type": 0})
    assert got.raw_transaction == bytes(expected.raw_transaction)
    assert got.hash == bytes(expected.hash)
