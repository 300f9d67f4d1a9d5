"""Storage layouts: solc's ``storageLayout`` in a comparable form, and the upgrade-safety check (pure, no I/O).

A contract that upgrades in place keeps its storage: the new code must read every existing variable where the old
code wrote it. :func:`normalise` turns solc's output (type ids carry AST ids, ``t_struct(AssetRecord)16606_storage``,
which change with any edit) into a tree of :class:`StorageItem` and :class:`StorageType` that names types the way
the source does and describes structs' members (with their own slots and offsets), mappings' keys and values,
arrays' elements and lengths, and enums' members. :func:`compare_layouts` applies OpenZeppelin's upgrade rules
(``@openzeppelin/upgrades-core``) to an old and a new layout and reports every difference as a :class:`Finding`:

* an existing variable keeps its slot, offset and type; a variable moved or whose type changed is an error (a type
  change counts as one even when it might be harmless: only ``address`` and contract types are taken as the same);
* a renamed variable (same slot, offset and type) is an error unless allowed explicitly (``allow_renames``), or the
  new name marks it as a placeholder (``__deprecated...``, ``__gap...``): then a warning;
* new variables go after the last one; one that takes storage the old layout used is an error (unless the space
  was a ``__gap...`` reserved for it);
* a variable removed is an error, unless the new layout keeps a placeholder or a gap in its place;
* a struct may gain members at its end only: its members keep slot, offset and type like variables do; and it may
  grow past its slots only where nothing follows it (in a mapping's value, or in the last variable): a struct stored
  inline before other variables, or as an array's element, must keep its size;
* an enum may gain members at its end only (and must stay one byte); a mapping's key type never changes.

Immutables and constants live in the code, not in storage: solc's layout does not list them, and changing them
never breaks the layout (it changes the code, which an upgrade replaces anyway).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

__all__ = [
    "Finding",
    "Severity",
    "StorageItem",
    "StorageType",
    "compare_layouts",
    "incompatibilities",
    "layout_from_json",
    "layout_to_json",
    "normalise",
]

Severity = Literal["error", "warning", "info"]

_SLOT: Final[int] = 32
_ENUM_ID = re.compile(r"^t_enum\((?P<name>[^)]*)\)(?P<ast>\d+)$")
_ARRAY_LENGTH = re.compile(r"\)(?P<length>dyn|\d+)_storage(?:_ptr)?$")
_GAP_PREFIX: Final[str] = "__gap"
_PLACEHOLDER_PREFIXES: Final[tuple[str, ...]] = ("__gap", "__deprecated", "_deprecated")


@dataclass(frozen=True, slots=True)
class StorageType:
    """A storage type, named as in the source (``uint256``, ``struct AssetRegistryBase.AssetRecord``,
    ``mapping(uint256 => bytes32)``); ``size`` is solc's ``numberOfBytes``.

    ``kind`` is ``value`` (integers, ``bool``, ``address``, contracts, fixed bytes, user-defined value types),
    ``enum``, ``struct``, ``mapping``, ``array``, ``bytes`` (``bytes`` and ``string``), or ``recursive`` (a struct
    reached again inside itself, through a mapping or a dynamic array: described where it was first met)."""

    kind: Literal["value", "enum", "struct", "mapping", "array", "bytes", "recursive"]
    label: str
    size: int
    members: tuple[StorageItem, ...] = ()
    enum_members: tuple[str, ...] | None = None
    key: StorageType | None = None
    value: StorageType | None = None
    base: StorageType | None = None
    length: int | None = None


@dataclass(frozen=True, slots=True)
class StorageItem:
    """A state variable, or a member of a struct (slot relative to the struct's first slot)."""

    label: str
    slot: int
    offset: int
    type: StorageType

    @property
    def start(self) -> int:
        """First byte, counted from the layout's (or the struct's) slot 0."""
        return self.slot * _SLOT + self.offset

    @property
    def end(self) -> int:
        """One past the last byte."""
        return self.start + self.type.size


@dataclass(frozen=True, slots=True)
class Finding:
    """One difference between two layouts. ``location`` is a path: ``_counters``, ``_assets[*].owner``."""

    severity: Severity
    code: str
    location: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"severity": self.severity, "code": self.code, "location": self.location, "message": self.message}


# --------------------------------------------------------------------------- normalise


def normalise(
    raw: Mapping[str, Any], enum_members: Mapping[int, Sequence[str]] | None = None
) -> tuple[StorageItem, ...]:
    """The state variables of solc's ``storageLayout`` output (``{"storage": [...], "types": {...}}``), in slot order.

    ``enum_members`` maps an enum's AST id to its members (solc's layout gives an enum's size only); without it,
    enums are compared by name and size."""
    types: Mapping[str, Any] = raw.get("types") or {}
    enums = enum_members or {}

    def describe(type_id: str, seen: tuple[str, ...]) -> StorageType:
        try:
            info = types[type_id]
        except KeyError:
            raise ValueError(f"storage layout names type {type_id!r} but does not describe it") from None
        label = str(info["label"])
        size = int(info["numberOfBytes"])
        encoding = info["encoding"]
        if type_id in seen:
            return StorageType("recursive", label, size)
        inner = (*seen, type_id)
        if encoding == "mapping":
            return StorageType("mapping", label, size, key=describe(info["key"], inner),
                               value=describe(info["value"], inner))  # fmt: skip
        if encoding == "dynamic_array":
            return StorageType("array", label, size, base=describe(info["base"], inner))
        if encoding == "bytes":
            return StorageType("bytes", label, size)
        if "members" in info:
            return StorageType("struct", label, size, members=tuple(item(m, inner) for m in info["members"]))
        if type_id.startswith("t_array("):
            match = _ARRAY_LENGTH.search(type_id)
            length = int(match.group("length")) if match and match.group("length") != "dyn" else None
            return StorageType("array", label, size, base=describe(info["base"], inner), length=length)
        enum = _ENUM_ID.match(type_id)
        if enum is not None:
            members = enums.get(int(enum.group("ast")))
            return StorageType("enum", label, size, enum_members=None if members is None else tuple(members))
        return StorageType("value", label, size)

    def item(entry: Mapping[str, Any], seen: tuple[str, ...]) -> StorageItem:
        return StorageItem(str(entry["label"]), int(entry["slot"]), int(entry["offset"]), describe(entry["type"], seen))

    items = [item(entry, ()) for entry in raw.get("storage") or []]
    return tuple(sorted(items, key=lambda i: i.start))


# --------------------------------------------------------------------------- JSON


def _type_to_json(t: StorageType) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": t.kind, "label": t.label, "bytes": t.size}
    if t.kind == "struct":
        out["members"] = [_item_to_json(m) for m in t.members]
    if t.enum_members is not None:
        out["enum_members"] = list(t.enum_members)
    if t.key is not None:
        out["key"] = _type_to_json(t.key)
    if t.value is not None:
        out["value"] = _type_to_json(t.value)
    if t.base is not None:
        out["base"] = _type_to_json(t.base)
        out["length"] = t.length
    return out


def _item_to_json(i: StorageItem) -> dict[str, Any]:
    return {"label": i.label, "slot": i.slot, "offset": i.offset, "type": _type_to_json(i.type)}


def _type_from_json(data: Mapping[str, Any]) -> StorageType:
    def sub(name: str) -> StorageType | None:
        return _type_from_json(data[name]) if data.get(name) is not None else None

    members = data.get("enum_members")
    return StorageType(
        kind=data["kind"],
        label=str(data["label"]),
        size=int(data["bytes"]),
        members=tuple(_item_from_json(m) for m in data.get("members") or []),
        enum_members=None if members is None else tuple(str(m) for m in members),
        key=sub("key"),
        value=sub("value"),
        base=sub("base"),
        length=None if data.get("length") is None else int(data["length"]),
    )


def _item_from_json(data: Mapping[str, Any]) -> StorageItem:
    return StorageItem(str(data["label"]), int(data["slot"]), int(data["offset"]), _type_from_json(data["type"]))


def layout_to_json(layout: Sequence[StorageItem]) -> list[dict[str, Any]]:
    """Plain JSON (the release baselines under ``contracts/layouts/``)."""
    return [_item_to_json(i) for i in layout]


def layout_from_json(data: Sequence[Mapping[str, Any]]) -> tuple[StorageItem, ...]:
    """Inverse of :func:`layout_to_json`. Raises ``KeyError``/``ValueError``/``TypeError`` on a malformed entry."""
    return tuple(sorted((_item_from_json(d) for d in data), key=lambda i: i.start))


# --------------------------------------------------------------------------- compare


def _where(item: StorageItem) -> str:
    return f"slot {item.slot}" + (f" offset {item.offset}" if item.offset else "")


def _is_gap(label: str) -> bool:
    return label.startswith(_GAP_PREFIX)


def _is_placeholder(label: str) -> bool:
    return label.startswith(_PLACEHOLDER_PREFIXES)


def _address_like(t: StorageType) -> bool:
    return t.kind == "value" and (t.label in ("address", "address payable") or t.label.startswith("contract "))


@dataclass(frozen=True, slots=True)
class _Room:
    """How many bytes a type may take from its start without reaching ``follower`` (the next item's storage)."""

    limit: int
    follower: str


@dataclass
class _Comparer:
    allow_renames: Mapping[str, str]
    findings: list[Finding] = field(default_factory=list)

    def add(self, severity: Severity, code: str, location: str, message: str) -> None:
        self.findings.append(Finding(severity, code, location, message))

    def items(self, old: Sequence[StorageItem], new: Sequence[StorageItem], prefix: str, room: _Room | None) -> None:
        """Variables (``prefix`` empty) or a struct's members (``prefix`` the struct's path and a dot)."""
        what = "member" if prefix else "variable"
        old = sorted(old, key=lambda i: i.start)
        new_at = {(n.slot, n.offset): n for n in new}
        new_by_label = {n.label: n for n in new}
        matched: set[int] = set()
        for index, o in enumerate(old):
            path = f"{prefix}{o.label}"
            follower = old[index + 1] if index + 1 < len(old) else None
            inner = (
                _Room(follower.start - o.start, f"`{prefix}{follower.label}` ({_where(follower)})")
                if follower is not None
                else None if room is None else _Room(room.limit - o.start, room.follower)
            )
            if _is_gap(o.label):
                continue  # reserved space: new items may take it (checked below), the gap shrinking by as much
            n = new_at.get((o.slot, o.offset))
            if n is not None and n.label == o.label:
                matched.add(id(n))
                self.type(o.type, n.type, path, inner)
                continue
            elsewhere = new_by_label.get(o.label)
            if elsewhere is not None and elsewhere is not n:
                matched.add(id(elsewhere))
                self.add("error", "moved", path, f"{what} `{path}` moved from {_where(o)} to {_where(elsewhere)}: "
                         "the new code would read other data there")  # fmt: skip
                continue
            if n is None:
                self.add("error", "removed", path, f"{what} `{path}` ({o.type.label}, {_where(o)}) was removed: "
                         "keep it, or keep a placeholder of the same type in its place (`__deprecated_"
                         f"{o.label.lstrip('_')}`) so that nothing else is stored there")  # fmt: skip
                continue
            matched.add(id(n))
            if _is_gap(n.label):
                if inner is not None and n.end - o.start > inner.limit:
                    self.add("error", "gap-too-large", path, f"gap `{prefix}{n.label}` in place of removed "
                             f"`{path}` reaches into {inner.follower}")  # fmt: skip
                else:
                    self.add("warning", "removed-with-gap", path, f"{what} `{path}` was removed; gap "
                             f"`{prefix}{n.label}` keeps its storage")  # fmt: skip
                continue
            trial = _Comparer(self.allow_renames)
            trial.type(o.type, n.type, path, inner)
            if any(f.severity == "error" for f in trial.findings):
                self.add("error", "replaced", path, f"{what} `{path}` ({o.type.label}) was replaced by "
                         f"`{prefix}{n.label}` ({n.type.label}) at {_where(o)}")  # fmt: skip
                continue
            self.findings.extend(trial.findings)
            if self.allow_renames.get(path) == n.label or _is_placeholder(n.label):
                self.add("warning", "renamed", path, f"{what} `{path}` renamed to `{prefix}{n.label}` (allowed)")
            else:
                self.add("error", "renamed", path, f"{what} `{path}` renamed to `{prefix}{n.label}`: the storage "
                         f"stays but its meaning may not; allow it explicitly ({path}={n.label}) if it is the same "
                         "data")  # fmt: skip
        old_end = max((o.end for o in old), default=0)
        gaps = [o for o in old if _is_gap(o.label)]
        last = max(old, key=lambda o: o.end, default=None)
        for n in sorted(new, key=lambda i: i.start):
            if id(n) in matched:
                continue
            path = f"{prefix}{n.label}"
            if n.start >= old_end:
                self.add("info", "appended", path, f"new {what} `{path}` ({n.type.label}) at {_where(n)}")
            elif any(g.start <= n.start and n.end <= g.end for g in gaps):
                if _is_gap(n.label):
                    continue  # the gap itself, shrunk or as it was
                self.add("info", "appended", path, f"new {what} `{path}` ({n.type.label}) at {_where(n)}, in "
                         "space reserved by a gap")  # fmt: skip
            else:
                used = [o for o in old if o.start < n.end and n.start < o.end and not _is_gap(o.label)]
                taken = ", ".join(f"`{prefix}{o.label}`" for o in used) or "space between existing ones"
                after = f"`{prefix}{last.label}` ({_where(last)})" if last is not None else "the start"
                self.add("error", "inserted", path, f"new {what} `{path}` ({n.type.label}) inserted at {_where(n)}, "
                         f"storage the previous release used for {taken}: new {what}s go after {after}")  # fmt: skip

    def type(self, old: StorageType, new: StorageType, path: str, room: _Room | None) -> None:
        if old.kind != new.kind or old.kind in ("value", "bytes", "recursive"):
            if old.label != new.label and not (_address_like(old) and _address_like(new)):
                self.add("error", "type-changed", path, f"`{path}` changed type from {old.label} to {new.label}")
            elif old.size != new.size:
                self.add("error", "type-changed", path, f"`{path}` ({old.label}) changed size from {old.size} "
                         f"to {new.size} bytes")  # fmt: skip
            return
        if old.kind == "enum":
            self.enum(old, new, path)
        elif old.kind == "mapping":
            assert old.key is not None and new.key is not None and old.value is not None and new.value is not None
            if old.key.label != new.key.label and not (_address_like(old.key) and _address_like(new.key)):
                self.add("error", "key-changed", path, f"`{path}`: mapping key type changed from {old.key.label} "
                         f"to {new.key.label}: every entry would be looked up under another slot")  # fmt: skip
            elif old.key.kind == "enum" and new.key.kind == "enum":
                self.enum(old.key, new.key, f"{path}[key]")
            self.type(old.value, new.value, f"{path}[*]", None)
        elif old.kind == "array":
            assert old.base is not None and new.base is not None
            if old.length != new.length:
                def size(t: StorageType) -> str:
                    return "dynamic" if t.length is None else f"length {t.length}"

                self.add("error", "type-changed", path,
                         f"`{path}` changed from {old.label} ({size(old)}) to {new.label} ({size(new)})")  # fmt: skip
                return
            self.type(old.base, new.base, f"{path}[*]", _Room(old.base.size, "the next element"))
        elif old.kind == "struct":
            self.items(old.members, new.members, f"{path}.", room)
            if new.size > old.size and room is not None and new.size > room.limit:
                self.add("error", "struct-grown", path, f"`{path}` ({new.label}) grows from {old.size // _SLOT} to "
                         f"{new.size // _SLOT} slots, into {room.follower}: a struct stored inline (or in an array) "
                         "may gain members only within its slots")  # fmt: skip

    def enum(self, old: StorageType, new: StorageType, path: str) -> None:
        if old.size != new.size:
            self.add("error", "enum-changed", path, f"`{path}` ({new.label}) changed size from {old.size} to "
                     f"{new.size} bytes (more than 256 members)")  # fmt: skip
            return
        if old.enum_members is None or new.enum_members is None:
            if old.label != new.label:
                self.add("error", "type-changed", path, f"`{path}` changed type from {old.label} to {new.label}")
            return
        for index, member in enumerate(old.enum_members):
            now = new.enum_members[index] if index < len(new.enum_members) else None
            if now != member:
                change = "removed" if member not in new.enum_members else "moved"
                self.add("error", "enum-changed", path, f"`{path}` ({new.label}): member {member} (value {index}) "
                         f"was {change}" + (f", value {index} is now {now}" if now is not None else "")
                         + ": enums may only gain members at their end")  # fmt: skip
                return
        if len(new.enum_members) > len(old.enum_members):
            added = ", ".join(new.enum_members[len(old.enum_members) :])
            self.add("info", "enum-appended", path, f"`{path}` ({new.label}) gains members {added}")


def compare_layouts(
    old: Sequence[StorageItem], new: Sequence[StorageItem], *, allow_renames: Mapping[str, str] | None = None
) -> list[Finding]:
    """Every difference from ``old`` (the deployed release) to ``new``: errors (the upgrade would corrupt
    state), warnings (allowed renames, removals with a placeholder or gap) and infos (appended variables, struct
    and enum members). ``allow_renames`` maps a path (``_x``, ``_assets[*].owner``) to its new name."""
    comparer = _Comparer(allow_renames or {})
    comparer.items(old, new, "", None)
    return comparer.findings


def incompatibilities(findings: Sequence[Finding]) -> list[Finding]:
    """The errors among ``findings``: an upgrade is layout-compatible when this is empty."""
    return [f for f in findings if f.severity == "error"]
