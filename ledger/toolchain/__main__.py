"""``python -m ledger.toolchain [--force]``: compile the contracts and print a summary."""

from __future__ import annotations

import logging
import sys
import time

from ledger.errors import CompilationError
from ledger.settings import LedgerSettings
from ledger.toolchain.compile import MAX_DEPLOYED_CODE_SIZE, compile_contracts


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    force = "--force" in argv
    started = time.perf_counter()
    try:
        build = compile_contracts(LedgerSettings(), force=force)
    except CompilationError as exc:
        print(f"compilation failed: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    print(
        f"build {build.key[:16]}  solc {build.compiler_version}  evm {build.evm_version}"
        f"  cache {'hit' if build.cache_hit else 'miss'}"
        f"  {elapsed:.2f}s  -> {build.directory}"
    )
    width = max((len(n) for n in build.names()), default=10)
    for contract in build:
        if contract.source not in build.project_sources:
            continue
        flag = "  TOO LARGE (EIP-170)" if contract.deployed_size > MAX_DEPLOYED_CODE_SIZE else ""
        print(f"  {contract.fully_qualified_name:<{width}}  {contract.deployed_size:>6} bytes{flag}")
    libs = len(build) - sum(1 for c in build if c.source in build.project_sources)
    if libs:
        print(f"  (+{libs} library contracts)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
