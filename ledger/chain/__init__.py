"""Chain access: the embedded anvil node and a raw JSON-RPC client."""

from ledger.chain.chain_ids import require_distinct_chain_id
from ledger.chain.node import DEV_MNEMONIC, HARDFORK, EmbeddedNode, find_anvil, node_dir
from ledger.chain.rpc import JsonRpcClient

__all__ = [
    "DEV_MNEMONIC",
    "HARDFORK",
    "EmbeddedNode",
    "JsonRpcClient",
    "find_anvil",
    "node_dir",
    "require_distinct_chain_id",
]
