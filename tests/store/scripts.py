"""Hand-written event sequences for store tests: :class:`Script` numbers blocks and log indexes."""

from __future__ import annotations

from typing import Any

from eth_utils.address import to_checksum_address

from ledger.decode import BlockHeader, LedgerEvent
from ledger.store.projection import Projector

ZERO = "0x0000000000000000000000000000000000000000"
ALICE = to_checksum_address("0x00000000000000000000000000000000000A11cE")
BOB = to_checksum_address("0x0000000000000000000000000000000000000B0b")
CAROL = to_checksum_address("0x00000000000000000000000000000000000CA201")
AUTHORITY = to_checksum_address("0x000000000000000000000000000000000000a0a0")
REGISTRAR = to_checksum_address("0x000000000000000000000000000000000000BEEF")
H1 = "0x" + "11" * 32
H2 = "0x" + "22" * 32
H3 = "0x" + "33" * 32


class Script:
    """Builds events in log order; ``block()`` starts the next block."""

    def __init__(self) -> None:
        self.events: list[LedgerEvent] = []
        self.number = 1
        self.index = 0

    def block(self) -> None:
        self.number += 1
        self.index = 0

    def __call__(self, contract: str, name: str, /, **args: Any) -> None:
        self.events.append(LedgerEvent(self.number, f"0x{self.number:064x}", H3, self.index, contract, name, args))
        self.index += 1

    @property
    def timestamps(self) -> dict[int, int]:
        return {n: 1_700_000_000 + 12 * n for n in range(1, self.number + 1)}

    @property
    def headers(self) -> list[BlockHeader]:
        return [BlockHeader(n, f"0x{n:064x}", f"0x{n - 1:064x}", ts) for n, ts in sorted(self.timestamps.items())]

    def project(self, current: dict[str, dict[tuple[Any, ...], dict[str, Any]]] | None = None) -> Projector:
        p = Projector(current or {}, self.timestamps)
        p.apply(self.events)
        return p


def registration(**kw: Any) -> dict[str, Any]:
    r = {
        "contentHash": H1,
        "metadataHash": H2,
        "metadataURI": "ipfs://x",
        "name": "Bus ridership",
        "category": 1,
        "grade": 0,
        "kind": 0,
        "region": 450000,
        "processingHolder": ZERO,
        "operationHolder": ZERO,
    }
    r.update(kw)
    return r


def apply_for(s: Script, asset_id: int = 1, applicant: str = ALICE) -> None:
    s(
        "AssetRegistry",
        "RegistrationApplied",
        assetId=asset_id,
        contentHash=H1,
        applicant=applicant,
        processingHolder=applicant,
        operationHolder=applicant,
        registration=registration(),
    )


def terms(**kw: Any) -> dict[str, Any]:
    t = {
        "right": 1,
        "purpose": 1101,
        "start": 1,
        "end": 2,
        "exclusive": False,
        "sublicensable": True,
        "transferable": False,
        "regions": [450000],
        "countries": [],
        "termsHash": H2,
    }
    t.update(kw)
    return t
