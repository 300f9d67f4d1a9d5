"""A multi-node consortium network: definitions (keys, genesis, peers), the local runner, the Besu kit."""

from ledger.network.definition import (
    ENGINE_EVM_VERSION,
    NetworkDefinition,
    NetworkDefinitionError,
    NodeDefinition,
    load_definition,
    write_clique_network,
)
from ledger.network.runner import LocalNetwork, NodeStatus, find_engine

__all__ = [
    "ENGINE_EVM_VERSION",
    "LocalNetwork",
    "NetworkDefinition",
    "NetworkDefinitionError",
    "NodeDefinition",
    "NodeStatus",
    "find_engine",
    "load_definition",
    "write_clique_network",
]
