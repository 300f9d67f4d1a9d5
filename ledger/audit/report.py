"""The audit's findings: differences, what was checked, and their rendering (pure, no I/O)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["CheckStatus", "Difference", "ReplayReport"]


@dataclass(frozen=True, slots=True)
class Difference:
    """One record (or one field of it) on which the replay and another source disagree.

    ``source`` is ``"chain"`` (the contracts' views) or ``"index"`` (the live index); ``expected`` is
    the replay's value, ``actual`` the other source's (None: the record is missing there).
    ``first_block`` is the first block at which the difference shows, when it could be found.
    """

    source: str
    record: str
    key: str
    field: str | None
    expected: Any
    actual: Any
    first_block: int | None = None
    note: str = ""

    def line(self) -> str:
        what = f"{self.record} {self.key}" + (f" .{self.field}" if self.field else "")
        where = f"from block {self.first_block}" if self.first_block is not None else "first block unknown"
        text = f"[{self.source}] {what}: replay {_short(self.expected)}, {self.source} {_short(self.actual)} ({where})"
        return f"{text}; {self.note}" if self.note else text


def _short(value: Any) -> str:
    text = "missing" if value is None else repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


@dataclass(slots=True)
class CheckStatus:
    """How one comparison went: ``status`` is ``ok``, ``differences``, ``skipped`` or ``not_verifiable``."""

    status: str
    checked: int = 0
    detail: str = ""


@dataclass
class ReplayReport:
    """The result of ``ledger audit replay``."""

    block: int
    block_hash: str
    block_time: int
    source: str
    events: int
    events_by_name: dict[str, int]
    records: dict[str, int]
    running_hash: str
    state_checksum: str
    chain: CheckStatus
    index: CheckStatus
    differences: list[Difference] = field(default_factory=list)
    index_running_hash: str | None = None
    index_state_checksum: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    @property
    def first_block(self) -> int | None:
        blocks = [d.first_block for d in self.differences if d.first_block is not None]
        return min(blocks) if blocks else None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        data["first_difference_block"] = self.first_block
        data["block_time_iso"] = _iso(self.block_time)
        return data

    def lines(self) -> list[str]:
        out = [
            f"audit replay (审计重放) as of block {self.block} ({self.block_hash}, {_iso(self.block_time)})",
            f"  events replayed: {self.events} (from the {self.source})",
            f"  running hash h_{self.block}: {self.running_hash}",
            f"  state checksum: {self.state_checksum}",
            "  records:",
        ]
        width = max((len(k) for k in self.records), default=10)
        out += [f"    {name:<{width}}  {count:>9}" for name, count in self.records.items()]
        out.append("  events by type:")
        width = max((len(k) for k in self.events_by_name), default=10)
        out += [f"    {name:<{width}}  {count:>9}" for name, count in sorted(self.events_by_name.items())]
        out.append(f"  contracts' views: {self.chain.status} ({self.chain.checked} checks){_detail(self.chain)}")
        out.append(f"  live index: {self.index.status} ({self.index.checked} records){_detail(self.index)}")
        if self.index_running_hash is not None:
            out.append(f"    index running hash h_{self.block}: {self.index_running_hash}")
        if self.index_state_checksum is not None:
            out.append(f"    index state checksum: {self.index_state_checksum}")
        out += [f"  note: {n}" for n in self.notes]
        if self.seconds:
            out.append("  seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in self.seconds.items()))
        if self.differences:
            first = self.first_block
            out.append(
                f"DIFFERENCES: {len(self.differences)}"
                + (f" (the first appears in block {first})" if first is not None else "")
            )
            out += [f"  {d.line()}" for d in self.differences]
        else:
            out.append("no differences")
        return out


def _detail(check: CheckStatus) -> str:
    return f": {check.detail}" if check.detail else ""


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")
