"""Schemathesis hooks (``SCHEMATHESIS_HOOKS=tests.api.schemathesis_hooks``): the string formats of the API's
schema that a pattern cannot express, so that the schema-driven client generates them as the server reads them."""

from __future__ import annotations

import schemathesis
from eth_utils.address import to_checksum_address
from hypothesis import strategies as st

# A mixed-case address is accepted when it is the address's EIP-55 checksum.
schemathesis.openapi.format(
    "eip55-address", st.binary(min_size=20, max_size=20).map(lambda raw: to_checksum_address("0x" + raw.hex()))
)
