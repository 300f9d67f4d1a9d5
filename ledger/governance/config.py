"""Who governs a deployment: the officers of each Safe, its threshold, and the council's delay."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from eth_utils.address import is_hex_address, to_checksum_address

from ledger.client.accounts import dev_account
from ledger.errors import NonRetryableError
from ledger.settings import LedgerSettings

__all__ = [
    "DEV_COUNCIL",
    "DEV_DELAY",
    "DEV_GUARDIANS",
    "PRODUCTION_DELAY",
    "GovernanceConfig",
    "GovernanceConfigError",
    "SafeConfig",
    "dev_mode",
]

#: Dev accounts of the dev mnemonic that are the council's officers on the embedded chain (2 of 3 sign), and the
#: emergency officers (1 of the same 3); the guardian's officers (1 of 2). Never used on another chain.
DEV_COUNCIL: Final[tuple[int, ...]] = (40, 41, 42)
DEV_GUARDIANS: Final[tuple[int, ...]] = (43, 44)
#: The council's delay on the embedded chain (seconds), where the demo and tests move the clock on.
DEV_DELAY: Final[int] = 60
#: The council's delay on any other chain unless configured: two days to see and, if need be, cancel a change.
PRODUCTION_DELAY: Final[int] = 2 * 86400


class GovernanceConfigError(NonRetryableError):
    """The governance settings are incomplete or inconsistent (missing officers, a threshold out of range...)."""


def dev_mode(settings: LedgerSettings) -> bool:
    """Whether anvil's public dev keys are in use: the embedded chain (or LEDGER_DEV_KEYS=on)."""
    return settings.dev_keys == "on" or (settings.dev_keys == "auto" and settings.embedded)


@dataclass(frozen=True, slots=True)
class SafeConfig:
    """The owners of one Safe and how many of them must sign."""

    owners: tuple[str, ...]
    threshold: int

    def to_json(self) -> dict[str, Any]:
        return {"owners": list(self.owners), "threshold": self.threshold}

    @classmethod
    def of(cls, what: str, owners: Sequence[str], threshold: int | None) -> SafeConfig:
        if not owners:
            raise GovernanceConfigError(f"the {what} has no officers")
        checked: list[str] = []
        for owner in owners:
            if not is_hex_address(owner) or int(owner, 16) in (0, 1):
                raise GovernanceConfigError(f"the {what}'s officer {owner!r} is not an account address")
            address = to_checksum_address(owner)
            if address in checked:
                raise GovernanceConfigError(f"the {what} names officer {address} twice")
            checked.append(address)
        m = len(checked) // 2 + 1 if threshold is None else threshold
        if not 1 <= m <= len(checked):
            raise GovernanceConfigError(f"the {what}'s threshold {m} is not between 1 and its {len(checked)} officers")
        return cls(tuple(checked), m)


@dataclass(frozen=True, slots=True)
class GovernanceConfig:
    """The governance a deployment starts with. Afterwards only the council changes it, through the manager."""

    council: SafeConfig
    guardian: SafeConfig
    emergency: SafeConfig
    delay: int

    @classmethod
    def from_settings(cls, settings: LedgerSettings) -> GovernanceConfig:
        """From the ``LEDGER_GOVERNANCE_*`` settings; on the embedded chain, unset officers are the dev officers."""
        dev = dev_mode(settings)
        officers = list(settings.governance_officers)
        guardians = list(settings.governance_guardians)
        if not officers:
            if not dev:
                raise GovernanceConfigError(
                    "LEDGER_GOVERNANCE_OFFICERS is not set: name the council's officers (a JSON list of addresses) "
                    "before deploying on this chain"
                )
            officers = [dev_account(i).address for i in DEV_COUNCIL]
        if not guardians:
            if not dev:
                raise GovernanceConfigError(
                    "LEDGER_GOVERNANCE_GUARDIANS is not set: name the guardian's officers (a JSON list of addresses), "
                    "who can cancel the council's scheduled changes"
                )
            guardians = [dev_account(i).address for i in DEV_GUARDIANS]
        council = SafeConfig.of("council", officers, settings.governance_threshold)
        guardian_threshold = settings.governance_guardian_threshold
        if guardian_threshold is None and dev and not settings.governance_guardians:
            guardian_threshold = 1
        guardian = SafeConfig.of("guardian", guardians, guardian_threshold)
        emergency = SafeConfig.of(
            "emergency officers' Safe", settings.governance_emergency_officers or officers,
            settings.governance_emergency_threshold,
        )  # fmt: skip
        delay = settings.governance_delay
        if delay is None:
            delay = DEV_DELAY if dev else PRODUCTION_DELAY
        if delay <= 0:
            raise GovernanceConfigError(f"the council's delay must be positive, got {delay} seconds")
        return cls(council, guardian, emergency, delay)

    @classmethod
    def dev(cls, delay: int = DEV_DELAY) -> GovernanceConfig:
        """The development chain's governance: dev officers 40-42 (council 2 of 3, emergency 1 of 3), 43-44
        (guardian 1 of 2). Their keys are public: never on a real chain."""
        council = [dev_account(i).address for i in DEV_COUNCIL]
        return cls(
            council=SafeConfig.of("council", council, None),
            guardian=SafeConfig.of("guardian", [dev_account(i).address for i in DEV_GUARDIANS], 1),
            emergency=SafeConfig.of("emergency officers' Safe", council, 1),
            delay=delay,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "council": self.council.to_json(),
            "guardian": self.guardian.to_json(),
            "emergency": self.emergency.to_json(),
            "delay": self.delay,
        }
