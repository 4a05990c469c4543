"""The public JSON of findings (`prodsec vulns scan -f json`, and the API later)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from prodsec.supplychain.vex.model import VexStatus
from prodsec.supplychain.vuln.findings import Finding
from prodsec.supplychain.vuln.severity import highest


class SeverityPublic(TypedDict):
    type: str
    vector: str
    score: float | None
    rating: str


class ComponentPublic(TypedDict):
    name: str
    version: str
    purl: str
    cpe: str
    ref: str


class VexPublic(TypedDict):
    status: str
    justification: str | None
    statement: str
    action: str
    timestamp: str | None


class FindingPublic(TypedDict):
    component: ComponentPublic
    advisory: str
    aliases: list[str]
    summary: str
    affected_range: str
    fixed: list[str]
    severity: list[SeverityPublic]
    score: float | None
    rating: str
    known_exploited: bool
    kev_date: str | None
    published: str
    modified: str
    vex: VexPublic | None
    open: bool
    matched_on: str


class ScanPublic(TypedDict):
    source: str
    on: str
    components: int
    findings: list[FindingPublic]
    open: int


CLOSED = frozenset({VexStatus.NOT_AFFECTED, VexStatus.FIXED})


def is_open(finding: Finding) -> bool:
    """Open unless a VEX statement says not affected or fixed."""
    return finding.vex is None or finding.vex.status not in CLOSED


def finding_public(f: Finding) -> FindingPublic:
    top = highest(f.severity)
    c = f.component
    vex: VexPublic | None = None
    if f.vex is not None:
        vex = {
            "status": f.vex.status.value,
            "justification": f.vex.justification.value if f.vex.justification else None,
            "statement": f.vex.statement,
            "action": f.vex.action,
            "timestamp": f.vex.timestamp.isoformat() if f.vex.timestamp else None,
        }
    return {
        "component": {
            "name": c.name,
            "version": c.version,
            "purl": c.purl,
            "cpe": c.cpe,
            "ref": c.ref,
        },
        "advisory": f.advisory,
        "aliases": list(f.aliases),
        "summary": f.summary,
        "affected_range": f.affected_range,
        "fixed": list(f.fixed),
        "severity": [
            {"type": s.type, "vector": s.vector, "score": s.score, "rating": s.rating}
            for s in f.severity
        ],
        "score": top.score if top else None,
        "rating": top.rating if top else "",
        "known_exploited": f.known_exploited,
        "kev_date": f.kev_date.isoformat() if f.kev_date else None,
        "published": f.published,
        "modified": f.modified,
        "vex": vex,
        "open": is_open(f),
        "matched_on": f.matched_on,
    }


def scan_public(source: str, on: str, components: int, found: Sequence[Finding]) -> ScanPublic:
    shown = [finding_public(f) for f in found]
    return {
        "source": source,
        "on": on,
        "components": components,
        "findings": shown,
        "open": sum(1 for f in shown if f["open"]),
    }
