"""Findings: which advisories hit which components of an SBOM, on a given day.

`scan(components, index, on=..., vex=...)` finds the records that affect each component:
through the index's compiled table of the component's package (`index.PackageTable`: one
binary search per version), whichever index it is (in memory, or the database's, which
builds each package's table once from its stored rows). What a finding shows of
an advisory (aliases, KEV dates, severities, ranges in words) is worked out once per
advisory and kept with a `MemoryIndex`. `match` is the matching alone, without
findings. Components whose purl names no OSV ecosystem are matched on their CPEs
(`cpe.py`). The scan sees the index as it was on `on`: records published after it are
left out; a withdrawn record matches nothing (`osv.affects`), whenever it was withdrawn;
KEV entries count from their date added and VEX statements from their timestamp. The
latest VEX statement per (vulnerability, component) is attached to each finding; the
finding stays in the list whatever it says.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from prodsec.errors import BadInputError
from prodsec.supplychain.sbom.interface import Component
from prodsec.supplychain.sbom.purl import canonical_purl
from prodsec.supplychain.vex.model import Justification, VexStatement, VexStatus
from prodsec.supplychain.vuln.cpe import Cpe, CpeRule, parse_cpe, rule_matches
from prodsec.supplychain.vuln.index import MemoryIndex, PackageTable
from prodsec.supplychain.vuln.kev import KevEntry
from prodsec.supplychain.vuln.osv import (
    Affected,
    EventKind,
    OsvRecord,
    RangeType,
    Verdict,
    affects,
    normalise_name,
    parsed_key,
)
from prodsec.supplychain.vuln.packages import Package, package_of
from prodsec.supplychain.vuln.severity import Severity, score
from prodsec.supplychain.vuln.versions import scheme_of


class AdvisoryIndex(Protocol):
    """What the matcher needs of an index of advisories (in memory: `index.MemoryIndex`;
    in the database: `store.vulns.SqlAdvisoryIndex`)."""

    def table(self, ecosystem: str, name: str) -> PackageTable:
        """The compiled table of every record with an entry for the package (ecosystem
        without release suffix, name as `osv.normalise_name` gives it)."""
        ...

    def cpe_candidates(self, cpe: Cpe) -> Sequence[CpeRule]:
        """The rules naming the CPE's part, vendor and product."""
        ...

    def record(self, advisory: str) -> OsvRecord | None:
        """A record by its id."""
        ...

    def aliases(self, advisory: str) -> tuple[str, ...]:
        """Every id joined to this one by an alias, both ways (CVE <-> GHSA <-> GO)."""
        ...

    def kev(self, cve: str) -> KevEntry | None:
        """The KEV entry of a CVE id."""
        ...

    def empty(self) -> bool:
        """Whether the index holds no advisory at all (so that finding nothing proves
        nothing)."""
        ...


@dataclass(frozen=True, slots=True)
class FindingComponent:
    name: str
    version: str
    purl: str
    cpe: str
    ref: str


@dataclass(frozen=True, slots=True)
class FindingVex:
    """The VEX statement that applies to a finding, in short."""

    status: VexStatus
    justification: Justification | None
    statement: str
    action: str
    timestamp: datetime | None


@dataclass(frozen=True, slots=True)
class Finding:
    component: FindingComponent
    advisory: str
    aliases: tuple[str, ...]
    summary: str
    affected_range: str
    fixed: tuple[str, ...]
    severity: tuple[Severity, ...]
    known_exploited: bool
    kev_date: date | None
    published: str
    modified: str
    withdrawn: str
    vex: FindingVex | None
    matched_on: str  # "purl" or "cpe"


def _visible(record: OsvRecord, on: date | str) -> bool:
    first = (record.published or record.modified)[:10]
    day = on if isinstance(on, str) else on.isoformat()
    return not (first and first > day) and not record.withdrawn


def _listed_only(record: OsvRecord, package: Package) -> Verdict:
    for entry in record.affected:
        if package.version in entry.versions and _same(entry, package):
            return Verdict(True, f"{package.name} {package.version} is listed")
    return Verdict(False, f"{package.version} cannot be ordered and is not listed")


def _same(entry: Affected, package: Package) -> bool:
    base = entry.ecosystem.partition(":")[0]
    return base == package.ecosystem and (
        normalise_name(package.ecosystem, entry.name) == package.name
    )


def _ranges(record: OsvRecord, package: Package) -> tuple[str, tuple[str, ...]]:
    """The affected ranges in words and the fixed versions, of the package's entries."""
    words: list[str] = []
    fixed: list[str] = []
    for entry in record.affected:
        if not _same(entry, package):
            continue
        for rng in entry.ranges:
            if rng.type == RangeType.GIT:
                continue
            words.append(", ".join(f"{e.kind} {e.value}" for e in rng.events))
            fixed.extend(e.value for e in rng.events if e.kind == EventKind.FIXED)
        if not entry.ranges and entry.versions:
            words.append(f"{len(entry.versions)} listed versions")
    return "; ".join(dict.fromkeys(words)), _ordered(package.ecosystem, fixed)


def _ordered(ecosystem: str, versions: list[str]) -> tuple[str, ...]:
    unique = list(dict.fromkeys(versions))
    scheme = scheme_of(ecosystem)
    if scheme is None:
        return tuple(unique)
    keyed = [(parsed_key(scheme, v), v) for v in unique]
    if any(k is None for k, _ in keyed):
        return tuple(unique)
    return tuple(v for _, v in sorted(keyed))


def _verdict(record: OsvRecord, package: Package) -> Verdict:
    try:
        return affects(record, package.ecosystem, package.name, package.version)
    except BadInputError:
        return _listed_only(record, package)


class _Vex:
    """The statements, latest first per vulnerability id, as of the scan's day."""

    def __init__(self, statements: Iterable[VexStatement], on: date) -> None:
        self.by_id: dict[str, list[tuple[int, VexStatement]]] = {}
        for order, s in enumerate(statements):
            if s.timestamp is None or s.timestamp.date() <= on:
                self.by_id.setdefault(s.vulnerability, []).append((order, s))

    def latest(self, ids: Iterable[str], component: FindingComponent) -> FindingVex | None:
        if not self.by_id:
            return None
        targets = {component.ref, component.purl, canonical_purl(component.purl) or ""}
        bare = {t.split("@", 1)[0] for t in targets if t.startswith("pkg:")}
        best: tuple[float, int, VexStatement] | None = None
        for vid in ids:
            for order, s in self.by_id.get(vid, ()):
                named = s.component or s.product
                named_canon = canonical_purl(named) or named
                if named not in targets and named_canon not in targets and named_canon not in bare:
                    continue
                when = s.timestamp.timestamp() if s.timestamp else float("-inf")
                if best is None or (when, order) > (best[0], best[1]):
                    best = (when, order, s)
        if best is None:
            return None
        s = best[2]
        return FindingVex(s.status, s.justification, s.impact, s.action, s.timestamp)


class _Facts:
    """What the matcher works out once per advisory (aliases, the dates its ids joined
    the KEV catalog, severities) and once per (advisory, package) (the ranges in words,
    the fixed versions), however many components and scans it hits. A `MemoryIndex`
    keeps them until its records change; another index's last one scan."""

    def __init__(self, index: AdvisoryIndex) -> None:
        self.index = index
        self.records: dict[str, tuple[tuple[str, ...], tuple[date, ...], tuple[Severity, ...]]]
        self.records = {}
        self.words: dict[tuple[str, str, str], tuple[str, tuple[str, ...]]] = {}

    @staticmethod
    def of_index(index: AdvisoryIndex) -> _Facts:
        if not isinstance(index, MemoryIndex):
            return _Facts(index)
        kept = index.derived.get("findings")
        if not isinstance(kept, _Facts):
            kept = index.derived["findings"] = _Facts(index)
        return kept

    def of(
        self, record: OsvRecord
    ) -> tuple[tuple[str, ...], tuple[date, ...], tuple[Severity, ...]]:
        """The advisory's aliases, its KEV dates in order and its severities."""
        known = self.records.get(record.id)
        if known is not None:
            return known
        joined = set(record.aliases) | set(self.index.aliases(record.id))
        aliases = tuple(sorted(joined - {record.id}))
        dates = sorted(
            entry.date_added
            for cve in (record.id, *aliases)
            if cve.startswith("CVE-") and (entry := self.index.kev(cve)) is not None
        )
        severity = tuple(score(kind, vector) for kind, vector in record.severity)
        self.records[record.id] = known = (aliases, tuple(dates), severity)
        return known

    def ranges(self, record: OsvRecord, package: Package) -> tuple[str, tuple[str, ...]]:
        key = (record.id, package.ecosystem, package.name)
        words = self.words.get(key)
        if words is None:
            words = self.words[key] = _ranges(record, package)
        return words


def _finding(
    record: OsvRecord,
    component: FindingComponent,
    facts: _Facts,
    on: date,
    vex: _Vex,
    words: tuple[str, tuple[str, ...]],
    matched_on: str,
) -> Finding:
    aliases, kev_dates, severity = facts.of(record)
    kev_date = kev_dates[0] if kev_dates and kev_dates[0] <= on else None
    return Finding(
        component=component,
        advisory=record.id,
        aliases=aliases,
        summary=record.summary,
        affected_range=words[0],
        fixed=words[1],
        severity=severity,
        known_exploited=kev_date is not None,
        kev_date=kev_date,
        published=record.published,
        modified=record.modified,
        withdrawn=record.withdrawn,
        vex=vex.latest((record.id, *aliases), component) if vex.by_id else None,
        matched_on=matched_on,
    )


class _Matcher:
    """The records that affect a package version on the scan's day, whatever the index:
    from the package's compiled table (`index.PackageTable`, one binary search per
    version), or, for a version the table cannot place, the table's records checked one
    by one (`osv.affects`)."""

    def __init__(self, index: AdvisoryIndex, on: date) -> None:
        self.index = index
        self.on = on.isoformat()
        self.shown: dict[int, tuple[tuple[OsvRecord, ...], list[OsvRecord]]] = {}

    def records(self, package: Package) -> list[OsvRecord]:
        table = self.index.table(package.ecosystem, package.name)
        held = table.hits(package.version)
        if held is not None:
            return self._visible(held)
        return [
            record
            for record in table.records
            if _visible(record, self.on) and _verdict(record, package).affected
        ]

    def _visible(self, held: tuple[OsvRecord, ...]) -> list[OsvRecord]:
        """The records of `held` the scan's day sees, worked out once per set of hits."""
        known = self.shown.get(id(held))
        if known is None or known[0] is not held:
            known = self.shown[id(held)] = (held, [r for r in held if _visible(r, self.on)])
        return known[1]


def _by_cpe(
    component: Component, index: AdvisoryIndex, on: date
) -> list[tuple[OsvRecord, tuple[str, tuple[str, ...]]]]:
    hits: dict[str, tuple[OsvRecord, list[str], list[str]]] = {}
    for text in component.cpes:
        try:
            target = parse_cpe(text)
        except BadInputError:
            continue
        for rule in index.cpe_candidates(target):
            record = index.record(rule.advisory)
            if record is None or not _visible(record, on) or not rule_matches(rule, target):
                continue
            _, words, fixed = hits.setdefault(record.id, (record, [], []))
            words.append(rule.describe())
            if rule.end_excluding:
                fixed.append(rule.end_excluding)
    return [
        (record, ("; ".join(dict.fromkeys(words)), tuple(dict.fromkeys(fixed))))
        for record, words, fixed in hits.values()
    ]


def _package(component: Component) -> Package | None:
    package = package_of(component.purl) if component.purl else None
    if package is not None and not package.version and component.version:
        return Package(package.ecosystem, package.name, component.version)
    return package


def match(
    components: Iterable[Component], index: AdvisoryIndex, *, on: date
) -> list[tuple[Component, list[OsvRecord]]]:
    """The matching alone: each component that advisories affect on `on`, with those
    advisories by id; the records `scan` makes findings of."""
    matcher = _Matcher(index, on)
    found: list[tuple[Component, list[OsvRecord]]] = []
    for component in components:
        package = _package(component)
        if package is not None:
            records = matcher.records(package)
        elif component.cpes:
            records = sorted((r for r, _ in _by_cpe(component, index, on)), key=lambda r: r.id)
        else:
            continue
        if records:
            found.append((component, records))
    return found


def scan(
    components: Iterable[Component],
    index: AdvisoryIndex,
    *,
    on: date,
    vex: Iterable[VexStatement] = (),
) -> list[Finding]:
    """Every (component, advisory) pair where the advisory affects the component on `on`,
    in the components' order and then by advisory id."""
    statements = _Vex(vex, on)
    facts = _Facts.of_index(index)
    matcher = _Matcher(index, on)
    found: list[Finding] = []
    for component in components:
        package = _package(component)
        hits: list[tuple[OsvRecord, tuple[str, tuple[str, ...]], str]]
        if package is not None:
            hits = [(r, facts.ranges(r, package), "purl") for r in matcher.records(package)]
        elif component.cpes:
            by_cpe = _by_cpe(component, index, on)
            hits = [(r, words, "cpe") for r, words in sorted(by_cpe, key=lambda h: h[0].id)]
        else:
            continue
        if not hits:
            continue
        shown = FindingComponent(
            component.name,
            component.version,
            component.purl,
            component.cpes[0] if component.cpes else "",
            component.ref,
        )
        found += [_finding(r, shown, facts, on, statements, words, how) for r, words, how in hits]
    return found
