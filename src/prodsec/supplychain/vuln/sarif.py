"""Findings as SARIF 2.1.0: one run of the tool `prodsec`, one rule per advisory, one
result per (component, advisory), located in the SBOM file by the component's reference
(a logical location) and the file itself (a physical location).

The level follows the open finding's worst case: `error` for a known exploited
vulnerability or a rating of high or critical, `warning` otherwise; a finding a VEX
statement closes (not affected, fixed) is `note`, with the statement in its properties.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prodsec.supplychain.vuln.views import FindingPublic

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"


def _level(f: FindingPublic) -> str:
    if not f["open"]:
        return "note"
    if f["known_exploited"] or f["rating"] in ("high", "critical"):
        return "error"
    return "warning"


def _message(f: FindingPublic) -> str:
    c = f["component"]
    said = f"{c['name']} {c['version']}".strip()
    fix = f"; fixed in {', '.join(f['fixed'])}" if f["fixed"] else ""
    kev = "; known exploited" if f["known_exploited"] else ""
    summary = f": {f['summary']}" if f["summary"] else ""
    return f"{said} is affected by {f['advisory']}{summary}{fix}{kev}"


def _rule(f: FindingPublic) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": f["advisory"],
        "shortDescription": {"text": f["summary"] or f["advisory"]},
        "properties": {"aliases": f["aliases"]},
    }
    if f["score"] is not None:
        rule["properties"]["security-severity"] = f"{f['score']:.1f}"
    return rule


def sarif_log(findings: Sequence[FindingPublic], sbom: str, version: str) -> dict[str, Any]:
    """The SARIF log of one scan of the SBOM file `sbom` (a path relative to where the
    scan ran, or a name)."""
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for f in findings:
        rules.setdefault(f["advisory"], _rule(f))
        component = f["component"]
        results.append(
            {
                "ruleId": f["advisory"],
                "level": _level(f),
                "message": {"text": _message(f)},
                "locations": [
                    {
                        "physicalLocation": {"artifactLocation": {"uri": sbom}},
                        "logicalLocations": [
                            {
                                "name": component["name"],
                                "fullyQualifiedName": component["purl"]
                                or component["cpe"]
                                or component["ref"],
                                "kind": "module",
                            }
                        ],
                    }
                ],
                "properties": {
                    "affected_range": f["affected_range"],
                    "fixed": f["fixed"],
                    "known_exploited": f["known_exploited"],
                    "kev_date": f["kev_date"],
                    "vex": f["vex"],
                },
            }
        )
    return {
        "$schema": SCHEMA,
        "version": VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "prodsec",
                        "version": version,
                        "rules": [rules[k] for k in sorted(rules)],
                    }
                },
                "results": results,
            }
        ],
    }
