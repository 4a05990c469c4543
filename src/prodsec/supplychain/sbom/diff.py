"""What changed between two SBOMs (two versions of one product): components added,
removed, and those whose version changed. Components are matched on `key` (the purl
without its version, else type, group and name), with purls in canonical form."""

from __future__ import annotations

from dataclasses import dataclass, replace

from prodsec.supplychain.sbom.interface import Component, Sbom
from prodsec.supplychain.sbom.purl import canonical_purl


@dataclass(frozen=True, slots=True)
class VersionChange:
    before: Component
    after: Component


@dataclass(frozen=True, slots=True)
class SbomDiff:
    added: tuple[Component, ...]
    removed: tuple[Component, ...]
    upgraded: tuple[VersionChange, ...]
    """Every change of version, either way: ordering versions is each ecosystem's own
    business, so the list says 'changed', not 'newer'."""
    unchanged: int


def _by_key(sbom: Sbom) -> dict[str, list[Component]]:
    out: dict[str, list[Component]] = {}
    for c in sbom.components:
        if c.purl:
            c = replace(c, purl=canonical_purl(c.purl) or c.purl)
        out.setdefault(c.key, []).append(c)
    return out


def diff_sboms(before: Sbom, after: Sbom) -> SbomDiff:
    old, new = _by_key(before), _by_key(after)
    added: list[Component] = []
    removed: list[Component] = []
    changed: list[VersionChange] = []
    same = 0
    for key in sorted(old.keys() | new.keys()):
        was = {c.version: c for c in old.get(key, [])}
        now = {c.version: c for c in new.get(key, [])}
        same += len(was.keys() & now.keys())
        gone = [was[v] for v in sorted(was.keys() - now.keys())]
        came = [now[v] for v in sorted(now.keys() - was.keys())]
        pairs = min(len(gone), len(came))
        changed += [VersionChange(b, a) for b, a in zip(gone[:pairs], came[:pairs], strict=True)]
        removed += gone[pairs:]
        added += came[pairs:]
    return SbomDiff(tuple(added), tuple(removed), tuple(changed), same)
