"""Findings: which advisories hit which components of an SBOM, on a given day.

`scan(components, index, on=..., vex=...)` asks an `AdvisoryIndex` for the candidate
records of each component (by ecosystem, name and the coarse key of its version, so that
the index narrows the ranges by a query) and checks each candidate exactly with
`osv.affects`. Components whose purl names no OSV ecosystem are matched on their CPEs
(`cpe.py`). The scan sees the index as it was on `on`: records published after it are
left out; a withdrawn record matches nothing (`osv.affects`), whenever it was
withdrawn; KEV entries count from their date added and VEX statements from their
timestamp. The latest VEX statement per (vulnerability,
component) is attached to each finding; the finding stays in the list whatever it says.
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
from prodsec.supplychain.vuln.kev import KevEntry
from prodsec.supplychain.vuln.osv import (
    Affected,
    EventKind,
    OsvRecord,
    RangeType,
    Verdict,
    affects,
    normalise_name,
)
from prodsec.supplychain.vuln.packages import Package, package_of
from prodsec.supplychain.vuln.severity import Severity, score
from prodsec.supplychain.vuln.versions import coarse, scheme_of


class AdvisoryIndex(Protocol):
    """What the matcher needs of an index of advisories (in memory: `index.MemoryIndex`;
    in the database: `store.vulns.SqlAdvisoryIndex`)."""

    def candidates(self, ecosystem: str, name: str, coarse: str | None) -> Sequence[OsvRecord]:
        """Records with an entry for the package (ecosystem without release suffix, name
        as `osv.normalise_name` gives it) whose ranges may hold a version of this coarse
        key (every record for the package when `coarse` is None)."""
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


def _visible(record: OsvRecord, on: date) -> bool:
    first = (record.published or record.modified)[:10]
    return not (first and first > on.isoformat()) and not record.withdrawn


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
    keyed = [(scheme.key(v), v) for v in unique]
    if any(k is None for k, _ in keyed):
        return tuple(unique)
    return tuple(v for _, v in sorted(keyed))


def _coarse(package: Package) -> str | None:
    if not package.version or scheme_of(package.ecosystem) is None:
        return None
    try:
        return coarse(package.ecosystem, package.version)
    except BadInputError:
        return None


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


def _finding(
    record: OsvRecord,
    component: FindingComponent,
    index: AdvisoryIndex,
    vex: _Vex,
    on: date,
    words: tuple[str, tuple[str, ...]],
    matched_on: str,
) -> Finding:
    aliases = tuple(sorted(set(record.aliases) | set(index.aliases(record.id)) - {record.id}))
    kev_date: date | None = None
    for cve in (record.id, *aliases):
        entry = index.kev(cve) if cve.startswith("CVE-") else None
        if entry is not None and entry.date_added <= on:
            kev_date = entry.date_added if kev_date is None else min(kev_date, entry.date_added)
    withdrawn = record.withdrawn
    return Finding(
        component=component,
        advisory=record.id,
        aliases=aliases,
        summary=record.summary,
        affected_range=words[0],
        fixed=words[1],
        severity=tuple(score(kind, vector) for kind, vector in record.severity),
        known_exploited=kev_date is not None,
        kev_date=kev_date,
        published=record.published,
        modified=record.modified,
        withdrawn=withdrawn,
        vex=vex.latest((record.id, *aliases), component),
        matched_on=matched_on,
    )


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
    found: list[Finding] = []
    for component in components:
        package = package_of(component.purl) if component.purl else None
        shown = FindingComponent(
            component.name,
            component.version,
            component.purl,
            component.cpes[0] if component.cpes else "",
            component.ref,
        )
        if package is not None and not package.version and component.version:
            package = Package(package.ecosystem, package.name, component.version)
        hits: list[tuple[OsvRecord, tuple[str, tuple[str, ...]], str]] = []
        if package is not None:
            for record in index.candidates(package.ecosystem, package.name, _coarse(package)):
                if _visible(record, on) and _verdict(record, package).affected:
                    hits.append((record, _ranges(record, package), "purl"))
        else:
            hits.extend((r, words, "cpe") for r, words in _by_cpe(component, index, on))
        for record, words, how in sorted(hits, key=lambda h: h[0].id):
            found.append(_finding(record, shown, index, statements, on, words, how))
    return found
