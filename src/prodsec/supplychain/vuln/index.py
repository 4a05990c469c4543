"""The advisory index: each record's affected packages keyed by (ecosystem, normalised
name) with the coarse bounds of each range, so that the candidates for a version come
from a comparison of text and only they are checked exactly (`osv.affects`).

`range_keys(record)` gives the rows; the database stores the same rows
(`store/vulns.py`), and `MemoryIndex` holds them in dictionaries (tests, benchmarks, a
snapshot loaded from the database). The bounds of a range are the coarse key of its
lowest `introduced` (`""` for `"0"`) and of its highest `fixed`, `last_affected` or
`limit`, or `"~"` (above every key) when it has more `introduced` than closing events or
any bound is not a version of the scheme. A range so keyed may be wider than the range,
never narrower, since the coarse key never decreases as versions increase. Listed
versions give one row from the lowest to the highest listed key; `GIT` ranges none.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from prodsec.errors import BadInputError
from prodsec.supplychain.vuln.cpe import ANY, NA, Cpe, CpeRule, parse_cpe, version_key
from prodsec.supplychain.vuln.kev import KevEntry
from prodsec.supplychain.vuln.osv import (
    UNREADABLE,
    Affected,
    EventKind,
    KeyedEvents,
    OsvRecord,
    Range,
    RangeType,
    in_keyed,
    keyed_events,
    normalise_name,
    parsed_key,
    range_scheme,
)
from prodsec.supplychain.vuln.versions import SEMVER, Scheme, scheme_of

LOWEST = ""
HIGHEST = "~"


@dataclass(frozen=True, slots=True)
class RangeKey:
    ecosystem: str
    name: str
    low: str
    high: str


def _coarse(scheme: Scheme, version: str) -> str | None:
    value = scheme.coarse(version)
    if value is None:
        return None
    epoch, a, b, c = value
    return f"{min(epoch, 99):02d}:{a:08d}.{b:08d}.{c:08d}"


def _bounds(rng: Range, scheme: Scheme | None) -> tuple[str, str]:
    if scheme is None:
        return LOWEST, HIGHEST
    lows: list[str] = []
    highs: list[str] = []
    top_open: Any = None  # the exact key of the highest introduced event
    top_close: Any = None  # and of the highest fixed or last_affected one
    opened = closed = 0
    limited = False
    for event in rng.events:
        if event.kind == EventKind.INTRODUCED and event.value == "0":
            opened += 1
            lows.append(LOWEST)
            continue
        if event.kind == EventKind.LIMIT and event.value == "*":
            continue
        key, exact = _coarse(scheme, event.value), scheme.key(event.value)
        if key is None or exact is None:
            return LOWEST, HIGHEST
        if event.kind == EventKind.INTRODUCED:
            opened += 1
            lows.append(key)
            top_open = exact if top_open is None or top_open < exact else top_open
            continue
        highs.append(key)
        if event.kind == EventKind.LIMIT:
            limited = True
        else:
            closed += 1
            top_close = exact if top_close is None or top_close < exact else top_close
    low = min(lows) if lows else LOWEST
    if not highs:
        return low, HIGHEST
    # an introduced event above every closing one leaves the range open upwards
    above = top_open is not None and (top_close is None or not top_open < top_close)
    if not limited and (opened > closed or above):
        return low, HIGHEST
    return low, max(highs)


def _entry_keys(entry: Affected) -> Iterable[tuple[str, str]]:
    base = entry.ecosystem.partition(":")[0]
    own = scheme_of(base)
    for rng in entry.ranges:
        match rng.type:
            case RangeType.GIT:
                continue
            case RangeType.SEMVER:
                yield _bounds(rng, SEMVER if own is SEMVER else None)
            case RangeType.ECOSYSTEM:
                yield _bounds(rng, own)
    if entry.versions:
        keys = [_coarse(own, v) for v in entry.versions] if own else [None]
        if any(k is None for k in keys):
            yield LOWEST, HIGHEST
        else:
            known = [k for k in keys if k is not None]
            yield min(known), max(known)


def range_keys(record: OsvRecord) -> list[RangeKey]:
    """The index rows of one record (module docstring); none for a withdrawn record."""
    if record.withdrawn:
        return []
    rows: dict[RangeKey, None] = {}
    for entry in record.affected:
        if not entry.ecosystem or not entry.name:
            continue
        base = entry.ecosystem.partition(":")[0]
        name = normalise_name(base, entry.name)
        for low, high in _entry_keys(entry):
            rows[RangeKey(base, name, low, high)] = None
        if not entry.ranges and not entry.versions:
            rows[RangeKey(base, name, LOWEST, HIGHEST)] = None
    return list(rows)


# --- the CPEs a record carries (`database_specific.cpes`) as CPE rules -----------------


def _intervals(rng: Range) -> Iterable[tuple[str, str, str]]:
    """(start including, end including, end excluding) of each affected stretch of a
    range, its events taken in the generic order of `cpe.version_key`; `limit` is not a
    bound a CPE version can be held to, so it is left out."""
    order = sorted(
        (e for e in rng.events if e.kind != EventKind.LIMIT),
        key=lambda e: (e.value != "0", version_key(e.value)),
    )
    start: str | None = None
    for event in order:
        if event.kind == EventKind.INTRODUCED:
            if start is None:
                start = "" if event.value == "0" else event.value
        elif start is not None:
            closed = event.kind == EventKind.LAST_AFFECTED
            yield start, event.value if closed else "", "" if closed else event.value
            start = None
    if start is not None:
        yield start, "", ""


def cpe_rules(record: OsvRecord) -> list[CpeRule]:
    """The CPE rules of a record's `database_specific.cpes`: a CPE naming its version is
    matched on that version; one that leaves it `*` or `-` takes the record's SEMVER and
    ECOSYSTEM ranges (each affected stretch a rule, bounds in the generic CPE order) and
    its listed versions (a rule each), or matches every version when the record has
    neither (GIT ranges cannot be read as CPE versions). None for a withdrawn record;
    names that are not CPE 2.3 are left out."""
    if record.withdrawn or not record.cpes:
        return []
    stretches = [
        stretch
        for entry in record.affected
        for rng in entry.ranges
        if rng.type != RangeType.GIT
        for stretch in _intervals(rng)
    ]
    listed = [v for entry in record.affected for v in entry.versions]
    rules: dict[CpeRule, None] = {}
    for text in record.cpes:
        try:
            cpe = parse_cpe(text)
        except BadInputError:
            continue
        if cpe.version not in (ANY, NA):
            rules[CpeRule(record.id, cpe)] = None
            continue
        for start, end_in, end_ex in stretches:
            rules[CpeRule(record.id, cpe, start, "", end_in, end_ex)] = None
        for version in listed:
            rules[CpeRule(record.id, replace(cpe, version=version.lower()))] = None
        if not stretches and not listed:
            rules[CpeRule(record.id, replace(cpe, version=ANY))] = None
    return list(rules)


def reachable(joined: Mapping[str, Iterable[str]], advisory: str) -> tuple[str, ...]:
    """The ids reachable through aliases (a record that names an alias, and the aliases
    of the records that name this id), sorted, without `advisory` itself."""
    seen = {advisory}
    todo = [advisory]
    while todo:
        for other in joined.get(todo.pop(), ()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    seen.discard(advisory)
    return tuple(sorted(seen))


@dataclass(frozen=True, slots=True)
class _Places:
    """One scheme's part of a package table: the distinct versions the ranges name, as
    keys in order (`bounds`), and for each of the `2 * len(bounds) + 1` places of a
    version among them (below the first, at it, between it and the next, ..., above the
    last) the records whose ranges hold it, by id."""

    scheme: Scheme
    bounds: list[Any]
    places: list[tuple[OsvRecord, ...]]

    def holding(self, key: Any) -> tuple[OsvRecord, ...]:
        at = bisect_left(self.bounds, key)
        exact = at < len(self.bounds) and self.bounds[at] == key
        return self.places[2 * at + 1 if exact else 2 * at]


def _places(scheme: Scheme, ranges: list[tuple[OsvRecord, KeyedEvents]]) -> _Places:
    """Each range judged once per place where its answer may change: its events' keys
    become their ranks among all the bounds (a place is a rank), and `osv.in_keyed`, the
    same rule the record-by-record check uses, judges a rank standing for each place."""
    ordered = sorted(k for _, events in ranges for _, k in events if k is not None)
    bounds: list[Any] = []
    for key in ordered:
        if not bounds or bounds[-1] != key:
            bounds.append(key)
    size = 2 * len(bounds) + 1
    starts: list[list[OsvRecord]] = [[] for _ in range(size + 1)]
    ends: list[list[OsvRecord]] = [[] for _ in range(size + 1)]
    for record, events in ranges:
        ranked = tuple(
            (kind, None if key is None else 2 * bisect_left(bounds, key) + 1)
            for kind, key in events
        )
        own = sorted({rank for _, rank in ranked if rank is not None})
        probes = [0, *(p for rank in own for p in (rank, rank + 1))]
        for i, probe in enumerate(probes):
            if in_keyed(ranked, probe):
                starts[probe].append(record)
                ends[probes[i + 1] if i + 1 < len(probes) else size].append(record)
    active: dict[str, tuple[OsvRecord, int]] = {}
    current: tuple[OsvRecord, ...] = ()
    places: list[tuple[OsvRecord, ...]] = []
    for place in range(size):
        for record in ends[place]:
            held, count = active.pop(record.id)
            if count > 1:
                active[record.id] = (held, count - 1)
        for record in starts[place]:
            count = active.get(record.id, (record, 0))[1]
            active[record.id] = (record, count + 1)
        if starts[place] or ends[place]:
            current = tuple(active[i][0] for i in sorted(active))
        places.append(current)
    return _Places(scheme, bounds, places)


class PackageTable:
    """The records of one package compiled for matching: a version's hits come from one
    binary search per version scheme the ranges use and a look-up of the listed
    versions, instead of every candidate's ranges walked again for every version."""

    def __init__(self, ecosystem: str, name: str, records: Iterable[OsvRecord]) -> None:
        base = ecosystem.partition(":")[0]
        kept: list[OsvRecord] = []
        listed: dict[str, dict[str, OsvRecord]] = {}
        ranges: dict[str, tuple[Scheme, list[tuple[OsvRecord, KeyedEvents]]]] = {}
        for record in sorted(records, key=lambda r: r.id):
            entries = [
                e
                for e in record.affected
                if e.ecosystem.partition(":")[0] == base and normalise_name(base, e.name) == name
            ]
            if record.withdrawn or not entries:
                continue
            kept.append(record)
            for entry in entries:
                for version in entry.versions:
                    listed.setdefault(version, {})[record.id] = record
                for rng in entry.ranges:
                    scheme = range_scheme(rng, entry.ecosystem)
                    if scheme is None:
                        continue
                    events = keyed_events(rng, scheme)
                    _, held = ranges.setdefault(scheme.name, (scheme, []))
                    if all(key is not UNREADABLE for _, key in events):
                        held.append((record, events))
        self.records = tuple(kept)
        self.orders = tuple(_places(scheme, held) for scheme, held in ranges.values())
        # a listed version's answer whole: its records and those of the ranges holding it
        self.listed = {v: self._placed(v, tuple(found.values())) for v, found in listed.items()}

    def hits(self, version: str) -> tuple[OsvRecord, ...] | None:
        """The records that affect `version`, by id, as `osv.affects` would judge them;
        None when the version is none in a scheme the ranges use (`osv.affects` then
        decides, record by record, as far as it can)."""
        if not version:
            return self.records
        if version in self.listed:
            return self.listed[version]
        return self._placed(version, ())

    def _placed(self, version: str, found: tuple[OsvRecord, ...]) -> tuple[OsvRecord, ...] | None:
        for order in self.orders:
            key = parsed_key(order.scheme, version)
            if key is None:
                return None
            held = order.holding(key)
            if not found:
                found = held
            elif held:
                found = _union(found, held)
        return found


def _union(a: tuple[OsvRecord, ...], b: tuple[OsvRecord, ...]) -> tuple[OsvRecord, ...]:
    """Two runs of records by id as one (most listed versions also lie in a range)."""
    ids = {r.id for r in b}
    if all(r.id in ids for r in a):
        return b
    return tuple(sorted({r.id: r for r in (*a, *b)}.values(), key=_ident))


def _ident(record: OsvRecord) -> str:
    return record.id


class MemoryIndex:
    """An `AdvisoryIndex` in dictionaries."""

    def __init__(
        self,
        records: Iterable[OsvRecord] = (),
        kev: Iterable[KevEntry] = (),
        rules: Iterable[CpeRule] = (),
    ) -> None:
        self.records: dict[str, OsvRecord] = {}
        self.rows: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        self.joined: dict[str, set[str]] = {}
        self.kevs = {e.cve: e for e in kev}
        self.rules: dict[tuple[str, str, str], list[CpeRule]] = {}
        self.tables: dict[tuple[str, str], PackageTable] = {}
        self.derived: dict[str, Any] = {}  # what others work out from the records
        self.known_rules: set[CpeRule] = set()
        for record in records:
            self.add(record)
        for rule in rules:
            self._add_rule(rule)

    def _add_rule(self, rule: CpeRule) -> None:
        if rule not in self.known_rules:  # a record's own rules may come twice
            self.known_rules.add(rule)
            c = rule.criteria
            self.rules.setdefault((c.part.value, c.vendor, c.product), []).append(rule)

    def add(self, record: OsvRecord) -> None:
        self.tables.clear()
        self.derived.clear()
        self.records[record.id] = record
        for key in range_keys(record):
            row = (key.low, key.high, record.id)
            self.rows.setdefault((key.ecosystem, key.name), []).append(row)
        for alias in record.aliases:
            self.joined.setdefault(record.id, set()).add(alias)
            self.joined.setdefault(alias, set()).add(record.id)
        for rule in cpe_rules(record):
            self._add_rule(rule)

    def candidates(self, ecosystem: str, name: str, coarse: str | None) -> Sequence[OsvRecord]:
        rows = self.rows.get((ecosystem.partition(":")[0], name), ())
        ids = [i for low, high, i in rows if coarse is None or low <= coarse <= high]
        return [self.records[i] for i in dict.fromkeys(ids)]

    def table(self, ecosystem: str, name: str) -> PackageTable:
        """The package's compiled table, made on first use (after the last `add`)."""
        base = ecosystem.partition(":")[0]
        found = self.tables.get((base, name))
        if found is None:
            found = PackageTable(base, name, self.candidates(base, name, None))
            self.tables[(base, name)] = found
        return found

    def cpe_candidates(self, cpe: Cpe) -> Sequence[CpeRule]:
        return self.rules.get((cpe.part.value, cpe.vendor, cpe.product), [])

    def record(self, advisory: str) -> OsvRecord | None:
        return self.records.get(advisory)

    def empty(self) -> bool:
        return not self.records

    def aliases(self, advisory: str) -> tuple[str, ...]:
        return reachable(self.joined, advisory)

    def kev(self, cve: str) -> KevEntry | None:
        return self.kevs.get(cve)
