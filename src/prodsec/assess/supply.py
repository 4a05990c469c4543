"""The supply chain as evidence: a product's SBOMs, the advisories that hit their
components and the manufacturer's VEX statements, turned into derived claims on the hub
blocks the CRA's Annex I maps to.

The engine is not touched: `with_findings` returns a new `Profile` whose `claims` for the
blocks the evidence decides are derived from it (met or not, evidence lines naming the SBOM
file, the component, the advisory and the VEX statement, a note saying "derived from
..."). The adapters call it right after the profile is loaded; the trace then shows the
evidence like any other claim.

The package keys here are what the inverted index from packages to product versions is
keyed on (`store/supply.py`): an OSV ecosystem and name (`PyPI:requests`) from a purl, and
`cpe:part:vendor:product` from a CPE, so an advisory finds the versions it may touch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from typing_extensions import TypedDict

from prodsec.assess.profile import BlockClaim, Profile
from prodsec.assess.verdicts import Assessment
from prodsec.catalog import limits
from prodsec.errors import BadInputError
from prodsec.supplychain.sbom import Component, Sbom, read_sbom_file
from prodsec.supplychain.vex.model import VexStatement, VexStatus
from prodsec.supplychain.vuln.cpe import parse_cpe
from prodsec.supplychain.vuln.findings import AdvisoryIndex, Finding, scan
from prodsec.supplychain.vuln.osv import OsvRecord, normalise_name
from prodsec.supplychain.vuln.packages import package_of


def cpe_key(text: str) -> str | None:
    """`cpe:part:vendor:product` of a CPE 2.3 name; None when it does not parse."""
    try:
        cpe = parse_cpe(text)
    except BadInputError:
        return None
    return f"cpe:{cpe.part.value}:{cpe.vendor}:{cpe.product}"


def package_key(ecosystem: str, name: str) -> str:
    """The index key of an OSV package (the ecosystem without its release: `Debian:12`
    is `Debian`; the name as `osv.normalise_name` gives it)."""
    base = ecosystem.partition(":")[0]
    return f"{base}:{normalise_name(base, name)}"


def component_keys(component: Component) -> Iterator[str]:
    """Every index key a component answers to: its purl's and its CPEs'."""
    package = package_of(component.purl) if component.purl else None
    if package is not None:
        yield package_key(package.ecosystem, package.name)
    for cpe in component.cpes:
        if key := cpe_key(cpe):
            yield key


def advisory_keys(record: OsvRecord) -> set[str]:
    """Every index key an advisory may touch: its affected packages and its CPEs."""
    keys = {package_key(a.ecosystem, a.name) for a in record.affected}
    keys.update(k for text in record.cpes if (k := cpe_key(text)))
    return keys


def top_level(sbom: Sbom) -> set[str]:
    """The references of the components the SBOM's subject depends on directly; without
    a subject (or none listed for it), the components nothing else depends on."""
    graph = dict(sbom.dependencies)
    if sbom.subject is not None and graph.get(sbom.subject):
        return set(graph[sbom.subject])
    below = {d for deps in graph.values() for d in deps}
    return {c.ref for c in sbom.components if c.ref not in below and c.ref != sbom.subject}


# --- findings as evidence -----------------------------------------------------------

NO_EXPLOITABLE = "no-known-exploitable-vulnerabilities"
SBOM = "sbom"
SBOM_FORMAT = "sbom-machine-readable"
REMEDIATION = "vulnerability-remediation"
DERIVED = (NO_EXPLOITABLE, SBOM, SBOM_FORMAT, REMEDIATION)
"""The hub blocks the evidence decides: CRA Annex I Part I (2)(a), Part II (1) (with the
format it asks for) and Part II (2), "without delay"."""

CRITICAL = 9.0
"""A CVSS base score at or above this is critical (the CVSS v3 and v4 rating bands)."""
MAX_OPEN_DAYS = 30
"""How many days a finding may stay open, from the advisory's publication, before its
remediation counts as delayed, when the profile does not say (`max_open_days`)."""
COVERED = (VexStatus.NOT_AFFECTED, VexStatus.FIXED)


@dataclass(frozen=True, slots=True)
class SbomEvidence:
    """One SBOM the evidence is drawn from: its file name (as the evidence lines show
    it), its role and what was read."""

    name: str
    role: str
    sbom: Sbom


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the supply-chain claims are derived from."""

    sboms: tuple[SbomEvidence, ...]
    findings: tuple[tuple[str, Finding], ...]
    """(SBOM file name, finding), every finding of every SBOM."""
    vex_files: tuple[str, ...] = ()
    max_open_days: int = MAX_OPEN_DAYS
    advisories: bool = True
    """Whether the index held any advisory: with none, finding nothing proves nothing, so
    the claims on known vulnerabilities and their remediation are not derived."""


def is_open(finding: Finding) -> bool:
    """Not covered by a VEX statement saying not_affected or fixed."""
    return finding.vex is None or finding.vex.status not in COVERED


def top_score(finding: Finding) -> float | None:
    scores = [s.score for s in finding.severity if s.score is not None]
    return max(scores) if scores else None


def blocking(finding: Finding) -> bool:
    """Open, and known exploited or critical."""
    score = top_score(finding)
    return is_open(finding) and (
        finding.known_exploited or (score is not None and score >= CRITICAL)
    )


def open_since(finding: Finding) -> dt.date | None:
    first = (finding.published or finding.modified)[:10]
    try:
        return dt.date.fromisoformat(first)
    except ValueError:
        return None


def overdue(finding: Finding, on: dt.date, max_days: int) -> bool:
    since = open_since(finding)
    return is_open(finding) and since is not None and (on - since).days > max_days


def evidence_line(source: str, f: Finding, on: dt.date | None = None) -> str:
    """`firmware.cdx.json: wolfSSL 4.8.1 (ref): CVE-... (KEV since ..., CVSS 9.8): VEX ...`"""
    c = f.component
    marks = []
    if f.known_exploited:
        marks.append(f"KEV since {f.kev_date}" if f.kev_date else "KEV")
    if (score := top_score(f)) is not None:
        marks.append(f"CVSS {score:.1f}")
    if on is not None and (since := open_since(f)) is not None and is_open(f):
        marks.append(f"open {(on - since).days} days")
    said = f" ({', '.join(marks)})" if marks else ""
    if f.vex is None:
        vex = "no VEX statement"
    else:
        why = f", {f.vex.justification.value}" if f.vex.justification else ""
        vex = f"VEX {f.vex.status.value}{why}"
        if f.vex.statement:
            vex += f": {f.vex.statement}"
    line = f"{source}: {c.name} {c.version} ({c.ref}): {f.advisory}{said}: {vex}"
    return line[: limits.TEXT_LENGTH]


def _capped(lines: list[str]) -> tuple[str, ...]:
    if len(lines) <= limits.MAX_EVIDENCE:
        return tuple(lines)
    kept = lines[: limits.MAX_EVIDENCE - 1]
    return (*kept, f"... and {len(lines) - len(kept)} more")


def derived_claims(evidence: Evidence, on: dt.date) -> tuple[BlockClaim, ...]:
    """The claims the evidence decides, as of `on`; without advisories in the index, only
    those on the SBOM itself (the others keep what the profile claims)."""
    sources = ", ".join(f"{s.name} ({s.role})" for s in evidence.sboms) or "no SBOM"
    vex = ", ".join(evidence.vex_files) or "no VEX document"
    if evidence.advisories:
        basis = f"derived from {sources}; {vex}; advisories as of {on.isoformat()}"
    else:
        basis = (
            f"derived from {sources}; {vex}; the advisory index holds no advisory, so "
            f"{NO_EXPLOITABLE} and {REMEDIATION} are not derived (run `prodsec vulns sync`)"
        )
    found = evidence.findings
    blockers = [evidence_line(src, f) for src, f in found if blocking(f)]
    covered = [evidence_line(src, f) for src, f in found if not is_open(f)]
    late = [evidence_line(src, f, on) for src, f in found if overdue(f, on, evidence.max_open_days)]
    open_count = sum(1 for _, f in found if is_open(f))
    listed = [s for s in evidence.sboms if top_level(s.sbom)]
    on_the_sbom = (
        BlockClaim(
            SBOM,
            met=bool(listed),
            parameters={"depth": "top-level"} if listed else None,
            evidence=_capped(
                [
                    f"{s.name}: {s.sbom.format.value} {s.sbom.spec_version}, "
                    f"{len(s.sbom.components)} components, {len(top_level(s.sbom))} top-level"
                    for s in evidence.sboms
                ]
                or ["no SBOM"]
            ),
            note=f"{basis}; met with a parsable SBOM listing the top-level dependencies",
        ),
        BlockClaim(
            SBOM_FORMAT,
            met=bool(evidence.sboms),
            evidence=_capped([f"{s.name}: {s.sbom.format.value}" for s in evidence.sboms]),
            note=basis,
        ),
    )
    if not evidence.advisories:
        return on_the_sbom
    return (
        BlockClaim(
            NO_EXPLOITABLE,
            met=not blockers,
            evidence=_capped(blockers or covered or [f"{len(found)} findings, none blocking"]),
            note=f"{basis}; {len(blockers)} open known exploited or critical "
            f"(CVSS >= {CRITICAL}) of {len(found)} findings, {len(covered)} covered by VEX",
        ),
        *on_the_sbom,
        BlockClaim(
            REMEDIATION,
            met=not late,
            evidence=_capped(
                late
                or [f"{open_count} open findings, none older than {evidence.max_open_days} days"]
            ),
            note=f"{basis}; a finding open more than {evidence.max_open_days} days after "
            "its advisory was published counts as not acted on without delay",
        ),
    )


def with_evidence(profile: Profile, evidence: Evidence, on: dt.date) -> Profile:
    """The profile with the claims the evidence decides derived from it (the profile's own
    claims for those blocks are replaced)."""
    derived = derived_claims(evidence, on)
    decided = {c.block for c in derived}
    kept = tuple(c for c in profile.claims if c.block not in decided)
    return dataclasses.replace(profile, claims=kept + derived)


def gather(
    sboms: Iterable[SbomEvidence],
    vex: Iterable[tuple[str, Sequence[VexStatement]]],
    index: AdvisoryIndex,
    on: dt.date,
    max_open_days: int | None = None,
) -> Evidence:
    """Scan each SBOM against the index with every VEX statement, as of `on`."""
    listed = tuple(sboms)
    files = tuple(vex)
    statements = [s for _, found in files for s in found]
    findings = tuple(
        (s.name, f) for s in listed for f in scan(s.sbom.components, index, on=on, vex=statements)
    )
    days = MAX_OPEN_DAYS if max_open_days is None else max_open_days
    names = tuple(name for name, _ in files)
    return Evidence(listed, findings, names, days, advisories=not index.empty())


def read_vex(data: bytes, source: str) -> tuple[VexStatement, ...]:
    """The statements of a VEX document in any format `supplychain.vex` reads."""
    from prodsec.supplychain.vex import read_vex as read_any  # only when a profile names VEX

    return tuple(read_any(data, source))


def profile_evidence(profile: Profile, base: Path, index: AdvisoryIndex, on: dt.date) -> Profile:
    """The profile with the supply-chain claims derived from the SBOMs and VEX documents it
    names (paths relative to `base`, the profile's folder); unchanged when it names none."""
    chain = profile.supply_chain
    if chain is None:
        return profile
    sboms = [SbomEvidence(s.path, s.role, read_sbom_file(base / s.path)) for s in chain.sboms]
    vex = [(v, read_vex(_read(base / v), v)) for v in chain.vex]
    return with_evidence(profile, gather(sboms, vex, index, on, chain.max_open_days), on)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read: {exc.strerror}") from None


# --- the state continuous re-assessment keeps -------------------------------------------


class StateFinding(TypedDict):
    """A finding as a product version's stored state keeps it: enough to judge the
    blocks again when some of its components are scanned anew."""

    role: str
    ref: str
    advisory: str
    open: bool
    blocking: bool
    since: str


def state_finding(role: str, f: Finding) -> StateFinding:
    since = open_since(f)
    return {
        "role": role,
        "ref": f.component.ref,
        "advisory": f.advisory,
        "open": is_open(f),
        "blocking": blocking(f),
        "since": since.isoformat() if since else "",
    }


def state_verdicts(
    found: Iterable[StateFinding], sboms: int, top_level_listed: bool, on: dt.date, max_days: int
) -> dict[str, bool]:
    """The blocks' verdicts from a stored state, as `derived_claims` gives them."""
    listed = list(found)

    def late(s: StateFinding) -> bool:
        return (
            s["open"]
            and bool(s["since"])
            and (on - dt.date.fromisoformat(s["since"])).days > max_days
        )

    return {
        NO_EXPLOITABLE: not any(s["blocking"] for s in listed),
        SBOM: top_level_listed,
        SBOM_FORMAT: sboms > 0,
        REMEDIATION: not any(late(s) for s in listed),
    }


def annotated(result: Assessment) -> Assessment:
    """The assessment with a note per derived supply-chain claim: its verdict, what it was
    derived from and its evidence lines, so that every report shows them."""
    notes = [
        f"{c.block}: {'met' if c.met else 'not met'}, {c.note}: {'; '.join(c.evidence)}"
        for c in result.profile.claims
        if c.block in DERIVED and c.note.startswith("derived from")
    ]
    return dataclasses.replace(result, notes=(*result.notes, *notes)) if notes else result


class FindingPublic(TypedDict):
    """A finding as the API shows it: the SBOM (its role) and component, the advisory,
    severity, KEV, the VEX status and whether it blocks Annex I Part I (2)(a)."""

    sbom: str
    component: str
    version: str
    ref: str
    purl: str
    cpe: str
    advisory: str
    aliases: list[str]
    summary: str
    affected: str
    fixed: list[str]
    score: float | None
    known_exploited: bool
    kev_date: str | None
    published: str
    vex_status: str | None
    vex_justification: str | None
    vex_statement: str
    open: bool
    blocking: bool


def finding_view(role: str, f: Finding) -> FindingPublic:
    c = f.component
    return {
        "sbom": role,
        "component": c.name,
        "version": c.version,
        "ref": c.ref,
        "purl": c.purl,
        "cpe": c.cpe,
        "advisory": f.advisory,
        "aliases": list(f.aliases),
        "summary": f.summary,
        "affected": f.affected_range,
        "fixed": list(f.fixed),
        "score": top_score(f),
        "known_exploited": f.known_exploited,
        "kev_date": f.kev_date.isoformat() if f.kev_date else None,
        "published": f.published,
        "vex_status": f.vex.status.value if f.vex else None,
        "vex_justification": f.vex.justification.value if f.vex and f.vex.justification else None,
        "vex_statement": f.vex.statement if f.vex else "",
        "open": is_open(f),
        "blocking": blocking(f),
    }
