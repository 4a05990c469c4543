"""The public JSON of SBOMs: one SBOM with its components, a validation report and a
diff. The CLI's `-f json` (and later the API) call these builders."""

from __future__ import annotations

from typing import TypedDict

from prodsec.errors import Issue
from prodsec.supplychain.sbom.diff import SbomDiff
from prodsec.supplychain.sbom.interface import Component, Sbom


class ComponentPublic(TypedDict):
    ref: str
    name: str
    version: str
    type: str
    group: str
    purl: str
    cpes: list[str]
    supplier: str
    hashes: dict[str, str]
    licences: list[str]


class SbomPublic(TypedDict):
    source: str
    format: str
    spec_version: str
    subject: str | None
    component_count: int
    components: list[ComponentPublic]
    dependencies: dict[str, list[str]]


class ValidationPublic(TypedDict):
    source: str
    format: str | None
    valid: bool
    component_count: int
    problems: list[str]


class VersionChangePublic(TypedDict):
    key: str
    name: str
    before: str
    after: str


class SbomDiffPublic(TypedDict):
    before: str
    after: str
    added: list[ComponentPublic]
    removed: list[ComponentPublic]
    upgraded: list[VersionChangePublic]
    unchanged: int


def component_view(c: Component) -> ComponentPublic:
    return {
        "ref": c.ref,
        "name": c.name,
        "version": c.version,
        "type": c.type.value,
        "group": c.group,
        "purl": c.purl,
        "cpes": list(c.cpes),
        "supplier": c.supplier,
        "hashes": {h.algorithm: h.value for h in c.hashes},
        "licences": list(c.licences),
    }


def sbom_view(sbom: Sbom) -> SbomPublic:
    return {
        "source": sbom.source,
        "format": sbom.format.value,
        "spec_version": sbom.spec_version,
        "subject": sbom.subject,
        "component_count": len(sbom.components),
        "components": [component_view(c) for c in sbom.components],
        "dependencies": {ref: list(on) for ref, on in sbom.dependencies},
    }


def validation_view(source: str, sbom: Sbom | None, issues: list[Issue]) -> ValidationPublic:
    return {
        "source": source,
        "format": sbom.format.value if sbom is not None else None,
        "valid": not issues,
        "component_count": len(sbom.components) if sbom is not None else 0,
        "problems": [str(i) for i in issues],
    }


def diff_view(before: Sbom, after: Sbom, diff: SbomDiff) -> SbomDiffPublic:
    return {
        "before": before.source,
        "after": after.source,
        "added": [component_view(c) for c in diff.added],
        "removed": [component_view(c) for c in diff.removed],
        "upgraded": [
            {
                "key": ch.after.key,
                "name": ch.after.name,
                "before": ch.before.version,
                "after": ch.after.version,
            }
            for ch in diff.upgraded
        ],
        "unchanged": diff.unchanged,
    }
