"""Solidity toolchain: compile the contracts with the pinned solc, cached by content."""

from ledger.toolchain.compile import (
    BUNDLED_SOLC,
    COMPILER_CONFIG,
    COMPILER_CONFIG_PATH,
    MAX_DEPLOYED_CODE_SIZE,
    SOLC_SETTINGS,
    SOLC_VERSION,
    Build,
    CompiledContract,
    StorageLayouts,
    cached_build,
    compile_contracts,
    storage_layouts,
)

__all__ = [
    "BUNDLED_SOLC",
    "COMPILER_CONFIG",
    "COMPILER_CONFIG_PATH",
    "MAX_DEPLOYED_CODE_SIZE",
    "SOLC_SETTINGS",
    "SOLC_VERSION",
    "Build",
    "CompiledContract",
    "StorageLayouts",
    "cached_build",
    "compile_contracts",
    "storage_layouts",
]
