"""OSV advisories (schema 1.7): records read with limits, and whether one affects a
package version.

Range semantics, as the schema's evaluation section describes them:
- `SEMVER` ranges use SemVer 2.0 order, `ECOSYSTEM` ranges the package ecosystem's own
  order (`versions.py`); an ecosystem without a known order counts by `versions` only.
- A version is in a range when the latest `introduced` at or below it (`"0"` is below
  everything) is not followed, at or below the version, by a `fixed`, nor, below the
  version, by a `last_affected`; and it is below every `limit` (`"*"` is no limit).
- `GIT` ranges name commits, which a version string cannot be placed against without the
  repository's history: they count only through the record's enumerated `versions`.
  Unlike a reader that stops at the first `GIT` range, the other ranges of the same entry
  are still evaluated.
- A listed version matches by exact text. A withdrawn record affects nothing. A component
  without a version is reported as affected by every advisory for its package, since
  nothing shows it is not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, assert_never

from prodsec.catalog.limits import OSV_FILE, json_too_deep
from prodsec.catalog.yamlsrc import parse_text
from prodsec.errors import BadInputError, DataError, Issue, LimitExceededError
from prodsec.supplychain.vuln.versions import SEMVER, Scheme, key_in, scheme_of


class RangeType(StrEnum):
    SEMVER = "SEMVER"
    ECOSYSTEM = "ECOSYSTEM"
    GIT = "GIT"


class EventKind(StrEnum):
    INTRODUCED = "introduced"
    FIXED = "fixed"
    LAST_AFFECTED = "last_affected"
    LIMIT = "limit"


@dataclass(frozen=True, slots=True)
class Event:
    kind: EventKind
    value: str


@dataclass(frozen=True, slots=True)
class Range:
    type: RangeType
    events: tuple[Event, ...]
    repo: str = ""

    def describe(self) -> str:
        return f"{self.type} range " + ", ".join(f"{e.kind} {e.value}" for e in self.events)


@dataclass(frozen=True, slots=True)
class Affected:
    """One `affected` entry: a package (ecosystem, name, purl; all may be empty), its
    ranges and its enumerated versions."""

    ecosystem: str
    name: str
    purl: str
    ranges: tuple[Range, ...]
    versions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OsvRecord:
    id: str
    modified: str
    published: str
    withdrawn: str
    aliases: tuple[str, ...]
    summary: str
    affected: tuple[Affected, ...]
    severity: tuple[tuple[str, str], ...] = ()
    cpes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OsvLimits:
    """What one record may hold before it is refused as too large."""

    bytes: int = OSV_FILE.max_bytes
    affected: int = 5_000
    ranges: int = 200
    events: int = 2_000
    versions: int = 100_000


_SHORT_LIST = 100  # severity entries, CPE names


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a record affects a package version, and why in one sentence."""

    affected: bool
    reason: str


# --- reading -----------------------------------------------------------------------------


class _Reader:
    """Collects every problem of one record, each located by its JSON path."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.issues: list[Issue] = []

    def fail(self, path: str, message: str) -> None:
        self.issues.append(Issue(self.source, 0, path, message))

    def text(self, data: Mapping[str, Any], key: str, path: str, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "required")
            return ""
        if isinstance(value, datetime | date):
            return value.isoformat()
        if not isinstance(value, str):
            self.fail(f"{path}.{key}", f"expected a string, got {type(value).__name__}")
            return ""
        return value

    def items(self, data: Mapping[str, Any], key: str, path: str, limit: int) -> Sequence[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.fail(f"{path}.{key}", f"expected a list, got {type(value).__name__}")
            return []
        if len(value) > limit:
            raise LimitExceededError(
                f"{self.source}: {path}.{key}: {len(value)} entries, more than {limit}",
                limit=f"{key}: {limit}",
            )
        return value

    def mapping(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, got {type(value).__name__}")
            return {}
        return value


def _event(reader: _Reader, raw: Any, path: str) -> Event | None:
    data = reader.mapping(raw, path)
    if not data:
        return None
    if len(data) != 1 or next(iter(data)) not in set(EventKind):
        reader.fail(path, f"expected one of {', '.join(EventKind)}, got {', '.join(data)}")
        return None
    kind = next(iter(data))
    value = reader.text(data, kind, path, required=True)
    return Event(EventKind(kind), value) if value else None


def _range(reader: _Reader, raw: Any, path: str, limits: OsvLimits) -> Range | None:
    data = reader.mapping(raw, path)
    kind = reader.text(data, "type", path, required=True)
    if kind and kind not in set(RangeType):
        reader.fail(f"{path}.type", f"expected one of {', '.join(RangeType)}, got {kind!r}")
        return None
    raw_events = reader.items(data, "events", path, limits.events)
    if not raw_events:
        reader.fail(f"{path}.events", "required")
    events = [
        e
        for i, raw_event in enumerate(raw_events)
        if (e := _event(reader, raw_event, f"{path}.events[{i}]")) is not None
    ]
    if events and not any(e.kind == EventKind.INTRODUCED for e in events):
        reader.fail(f"{path}.events", "no introduced event")
        return None
    if not kind or len(events) != len(raw_events) or not events:
        return None
    return Range(RangeType(kind), tuple(events), reader.text(data, "repo", path))


def _affected(reader: _Reader, raw: Any, path: str, limits: OsvLimits) -> Affected:
    data = reader.mapping(raw, path)
    package = reader.mapping(data.get("package", {}), f"{path}.package")
    ranges = [
        r
        for i, raw_range in enumerate(reader.items(data, "ranges", path, limits.ranges))
        if (r := _range(reader, raw_range, f"{path}.ranges[{i}]", limits)) is not None
    ]
    versions = []
    for i, v in enumerate(reader.items(data, "versions", path, limits.versions)):
        if isinstance(v, str):
            versions.append(v)
        else:
            reader.fail(f"{path}.versions[{i}]", f"expected a string, got {type(v).__name__}")
    return Affected(
        reader.text(package, "ecosystem", f"{path}.package"),
        reader.text(package, "name", f"{path}.package"),
        reader.text(package, "purl", f"{path}.package"),
        tuple(ranges),
        tuple(versions),
    )


def parse_record(data: Any, source: str = "(record)", limits: OsvLimits = OsvLimits()) -> OsvRecord:
    """An OSV record from its decoded JSON (or YAML); DataError lists every problem."""
    reader = _Reader(source)
    root = reader.mapping(data, "$")
    affected = tuple(
        _affected(reader, raw, f"$.affected[{i}]", limits)
        for i, raw in enumerate(reader.items(root, "affected", "$", limits.affected))
    )
    aliases = [a for a in reader.items(root, "aliases", "$", limits.affected) if isinstance(a, str)]
    record = OsvRecord(
        id=reader.text(root, "id", "$", required=True),
        modified=reader.text(root, "modified", "$", required=True),
        published=reader.text(root, "published", "$"),
        withdrawn=reader.text(root, "withdrawn", "$"),
        aliases=tuple(aliases),
        summary=reader.text(root, "summary", "$"),
        affected=affected,
        severity=_severity(reader, root),
        cpes=_cpes(reader, root),
    )
    if reader.issues:
        raise DataError(reader.issues)
    return record


def _severity(reader: _Reader, root: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Each `severity` entry as (type, vector): `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, or an
    ecosystem's own rating (`Ubuntu`) kept as written."""
    found: list[tuple[str, str]] = []
    for i, raw in enumerate(reader.items(root, "severity", "$", _SHORT_LIST)):
        entry = reader.mapping(raw, f"$.severity[{i}]")
        kind = reader.text(entry, "type", f"$.severity[{i}]", required=True)
        score = reader.text(entry, "score", f"$.severity[{i}]", required=True)
        if kind and score:
            found.append((kind, score))
    return tuple(found)


def _cpes(reader: _Reader, root: Mapping[str, Any]) -> tuple[str, ...]:
    """CPE 2.3 names a record carries in `database_specific.cpes` (a list of strings); the
    OSV schema gives CPEs no place of their own, so this is where prodsec looks."""
    extra = root.get("database_specific")
    if not isinstance(extra, dict):
        return ()
    names = reader.items(extra, "cpes", "$.database_specific", _SHORT_LIST)
    return tuple(n for n in names if isinstance(n, str))


def read_record(path: Path, limits: OsvLimits = OsvLimits()) -> OsvRecord:
    """A record from a `.json`, `.yaml` or `.yml` file, refused past `limits.bytes`."""
    size = path.stat().st_size
    if size > limits.bytes:
        raise LimitExceededError(
            f"{path.name}: {size} bytes, more than {limits.bytes}", limit=f"bytes: {limits.bytes}"
        )
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        # the catalog's own reader: anchors and aliases refused, nesting and size bounded
        shape = replace(OSV_FILE, max_bytes=limits.bytes)
        return parse_record(parse_text(text, path, shape).data, path.name, limits)
    if json_too_deep(text, OSV_FILE.max_depth):
        depth = OSV_FILE.max_depth
        raise DataError([Issue(path.name, 0, "$", f"nested deeper than {depth} levels")])
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise DataError([Issue(path.name, 0, "$", f"not readable: {exc}")]) from exc
    return parse_record(data, path.name, limits)


# --- matching ----------------------------------------------------------------------------


@lru_cache(maxsize=65_536)
def normalise_name(ecosystem: str, name: str) -> str:
    """PyPI names compare as PEP 503 normalises them; other names as written."""
    if ecosystem.split(":", 1)[0] == "PyPI":
        return re.sub(r"[-_.]+", "-", name).lower()
    return name


def _same_package(entry: Affected, ecosystem: str, name: str) -> bool:
    """`Debian` matches `Debian:12`; `Debian:12` only `Debian:12`."""
    if entry.ecosystem != ecosystem and entry.ecosystem.split(":", 1)[0] != ecosystem:
        return False
    return normalise_name(ecosystem, entry.name) == normalise_name(ecosystem, name)


@lru_cache(maxsize=262_144)
def parsed_key(scheme: Scheme, value: str) -> Any:
    """The key of a version in a scheme, None when it is none; kept, since the same
    events and versions are compared again and again."""
    try:
        return key_in(scheme, value)
    except BadInputError:
        return None


UNREADABLE = object()
"""Stands for an event whose version cannot be read in the scheme (`keyed_events`)."""

KeyedEvents = tuple[tuple[EventKind, Any], ...]


def keyed_events(rng: Range, scheme: Scheme) -> KeyedEvents:
    """The range's events in order with their version keys: `None` for `introduced: "0"`
    (below everything), `UNREADABLE` for a version that is none in the scheme; a `limit`
    of `"*"` is left out."""
    keyed: list[tuple[EventKind, Any]] = []
    for event in rng.events:
        if event.kind == EventKind.INTRODUCED and event.value == "0":
            keyed.append((event.kind, None))
        elif not (event.kind == EventKind.LIMIT and event.value == "*"):
            key = parsed_key(scheme, event.value)
            keyed.append((event.kind, UNREADABLE if key is None else key))
    return tuple(keyed)


def in_keyed(events: KeyedEvents, version: Any) -> bool | None:
    """Whether the version key lies in the range of `keyed_events`; None when an event's
    version cannot be read (unless a `limit` before it already leaves the version out).
    Any keys that compare as the versions do will serve, ranks among them included."""
    introduced: list[Any] = []  # None stands for "0", below everything
    closers: list[tuple[EventKind, Any]] = []
    for kind, key in events:
        if key is UNREADABLE:
            return None
        if kind == EventKind.INTRODUCED:
            introduced.append(key)
        elif kind == EventKind.LIMIT:
            if not version < key:
                return False
        else:
            closers.append((kind, key))
    at_or_below = [k for k in introduced if k is None or k <= version]
    if not at_or_below:
        return False
    latest = None if all(k is None for k in at_or_below) else _latest(at_or_below)
    for kind, key in closers:
        after = latest is None or latest < key
        if kind == EventKind.FIXED and after and key <= version:
            return False
        if kind == EventKind.LAST_AFFECTED and (latest is None or latest <= key) and key < version:
            return False
    return True


def in_range(rng: Range, scheme: Scheme, version: Any) -> bool | None:
    """Whether the version key lies in the range; None when an event's version cannot be
    read in the scheme."""
    return in_keyed(keyed_events(rng, scheme), version)


def _latest(keys: list[Any]) -> Any:
    best = None
    for k in keys:
        if k is not None and (best is None or best < k):
            best = k
    return best


def affects(record: OsvRecord, ecosystem: str, name: str, version: str) -> Verdict:
    """Whether `record` affects `version` of package `name` in `ecosystem` (OSV spelling).
    BadInputError when the version cannot be read in an order the record needs."""
    if record.withdrawn:
        return Verdict(False, f"{record.id} was withdrawn on {record.withdrawn}")
    entries = [e for e in record.affected if _same_package(e, ecosystem, name)]
    if not entries:
        return Verdict(False, f"{record.id} names no package {name} in {ecosystem}")
    if not version:
        return Verdict(True, f"{name} has no version, so every advisory for it counts")
    notes: list[str] = []
    for entry in entries:
        if version in entry.versions:
            return Verdict(True, f"{name} {version} is listed among the affected versions")
        for rng in entry.ranges:
            scheme = range_scheme(rng, entry.ecosystem)
            if scheme is None:
                notes.append(_skipped(rng, entry.ecosystem))
                continue
            key = parsed_key(scheme, version)
            answer = in_range(rng, scheme, key if key is not None else key_in(scheme, version))
            if answer:
                return Verdict(True, f"{name} {version} is in the {rng.describe()}")
            if answer is None:
                notes.append(f"the {rng.describe()} holds a version that is not {scheme.name}")
    reason = f"{name} {version} is in no range and not listed"
    return Verdict(False, "; ".join([reason, *dict.fromkeys(notes)]))


def range_scheme(rng: Range, ecosystem: str) -> Scheme | None:
    match rng.type:
        case RangeType.SEMVER:
            return SEMVER
        case RangeType.ECOSYSTEM:
            return scheme_of(ecosystem)
        case RangeType.GIT:
            return None
        case _ as unreachable:
            assert_never(unreachable)


def _skipped(rng: Range, ecosystem: str) -> str:
    if rng.type == RangeType.GIT:
        return "GIT ranges count through the listed versions only"
    return (
        f"no version order is known for {ecosystem}; its ranges count through the versions listed"
    )
