"""The exchanges' disclosure calendar (信息披露, art. 25).

A disclosure covers whole calendar months in China Standard Time (UTC+8), the zone the exchanges publish in: the
contract refuses any other period. The authority sets, per kind, how often exchanges must disclose (every 1, 3,
6 or 12 months, calendar-aligned: quarters begin in January, April, July and October; halves in January and
July) and the days of grace after each period. This module turns those requirements and an exchange's filings
into its calendar: every required period since the later of the requirement and the exchange's admission, its
due date, and the filing that met it (in time or late), or none (open, or missed once the due date passed).

A requirement applies to the periods that begin at or after it was set, until the next requirement of the same
kind replaces it; a period is met by the first disclosure of its kind whose months contain it, filed once the
period began (a fee schedule announced for a year does not meet the monthly schedules of the months after the
first; a correction filed later does not move the date a period was met).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from typing import Final

__all__ = [
    "CST",
    "PERIOD_LENGTHS",
    "Filing",
    "PeriodStatus",
    "RequiredPeriod",
    "Requirement",
    "calendar_of",
    "month_start",
    "period",
    "period_label",
]

CST: Final = timezone(timedelta(hours=8), "CST")
DAY: Final = 86_400
#: The period lengths a requirement may set, in months.
PERIOD_LENGTHS: Final = (1, 3, 6, 12)


def month_start(year: int, month: int) -> int:
    """Unix time of the first second of ``year``-``month`` in China Standard Time (``month`` may run past 12)."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return int(datetime(year, month, 1, tzinfo=CST).timestamp())


def _month_of(t: int) -> tuple[int, int]:
    d = datetime.fromtimestamp(t, CST)
    return d.year, d.month


_PERIOD = re.compile(r"^(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4])|[Hh]([12])))?$")


def period(text: str) -> tuple[int, int]:
    """The bounds ``(start, end)`` of a period written ``2026-11`` (a month), ``2026-Q4`` (a quarter), ``2026-H2``
    (a half), ``2026`` (a year) or ``2026-11..2027-01`` (from the first's start to the second's end), in China
    Standard Time; raises :class:`ValueError` for anything else."""
    if ".." in text:
        left, _, right = text.partition("..")
        start, end = period(left)[0], period(right)[1]
        if end <= start:
            raise ValueError(f"{text!r}: the period ends before it begins")
        return start, end
    m = _PERIOD.match(text.strip())
    if m is None:
        raise ValueError(f"{text!r} is not a period: write 2026-11, 2026-Q4, 2026-H2, 2026 or 2026-11..2027-01")
    year = int(m[1])
    if m[2] is not None:
        month = int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r}: no month {month}")
        first, length = month, 1
    elif m[3] is not None:
        first, length = 3 * int(m[3]) - 2, 3
    elif m[4] is not None:
        first, length = 6 * int(m[4]) - 5, 6
    else:
        first, length = 1, 12
    return month_start(year, first), month_start(year, first + length)


def period_label(start: int, end: int) -> str:
    """``2026-11``, ``2026-Q4``, ``2026-H2``, ``2026``, or ``2026-11..2027-01`` for other runs of months."""
    (y, m), (y2, m2) = _month_of(start), _month_of(end)
    months = (y2 - y) * 12 + m2 - m
    if months == 1:
        return f"{y}-{m:02d}"
    if months == 3 and m % 3 == 1:
        return f"{y}-Q{m // 3 + 1}"
    if months == 6 and m in (1, 7):
        return f"{y}-H{1 if m == 1 else 2}"
    if months == 12 and m == 1:
        return f"{y}"
    last_y, last_m = (y2, m2 - 1) if m2 > 1 else (y2 - 1, 12)
    return f"{y}-{m:02d}..{last_y}-{last_m:02d}"


@dataclass(frozen=True, slots=True)
class Requirement:
    """A requirement as the authority set it (``DisclosureRequirementSet``): ``months`` 0 lifts it."""

    kind: int
    months: int
    grace_days: int
    since: int


@dataclass(frozen=True, slots=True)
class Filing:
    """A disclosure as filed (``DisclosureFiled``)."""

    disclosure_id: int
    kind: int
    period_start: int
    period_end: int
    filed_at: int


class PeriodStatus(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"
    OPEN = "open"  # not due yet, not disclosed yet


@dataclass(frozen=True, slots=True)
class RequiredPeriod:
    kind: int
    period_start: int
    period_end: int
    due_at: int
    status: PeriodStatus
    disclosure_id: int | None
    filed_at: int | None

    @property
    def label(self) -> str:
        return period_label(self.period_start, self.period_end)


def _aligned_periods(months: int, start: int, stop: int) -> Iterable[tuple[int, int]]:
    """The calendar-aligned periods of ``months`` months that begin in [start, stop)."""
    y, m = _month_of(start)
    index = y * 12 + m - 1  # months since January of year 0; aligned periods begin at multiples of ``months``
    if month_start(0, index + 1) < start:  # ``start`` is inside its month: the next one is the first to begin
        index += 1
    index += -index % months
    while (begin := month_start(0, index + 1)) < stop:
        yield begin, month_start(0, index + months + 1)
        index += months


def calendar_of(
    requirements: Sequence[Requirement], filings: Sequence[Filing], *, since: int, now: int,
) -> list[RequiredPeriod]:  # fmt: skip
    """The required periods of one exchange admitted at ``since``: those that begin at or after both the
    requirement of their kind and ``since``, and end by ``now`` (the period in course is not listed), in order of
    kind and period. ``requirements`` in the order they were set."""
    out: list[RequiredPeriod] = []
    by_kind: dict[int, list[Requirement]] = {}
    for r in sorted(requirements, key=lambda r: r.since):
        by_kind.setdefault(r.kind, []).append(r)
    for kind, versions in sorted(by_kind.items()):
        mine = sorted((f for f in filings if f.kind == kind), key=lambda f: (f.filed_at, f.disclosure_id))
        for i, req in enumerate(versions):
            if req.months == 0:
                continue
            until = versions[i + 1].since if i + 1 < len(versions) else now + 1
            for start, end in _aligned_periods(req.months, max(req.since, since), until):
                if end > now:
                    break
                due = end + req.grace_days * DAY
                met = next((f for f in mine if f.period_start <= start and end <= f.period_end and f.filed_at >= start),
                           None)  # fmt: skip
                if met is not None:
                    status = PeriodStatus.ON_TIME if met.filed_at <= due else PeriodStatus.LATE
                else:
                    status = PeriodStatus.MISSED if now >= due else PeriodStatus.OPEN
                out.append(RequiredPeriod(kind, start, end, due, status, met.disclosure_id if met else None,
                                          met.filed_at if met else None))  # fmt: skip
    return out

