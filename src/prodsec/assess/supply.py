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
`cpe:vendor:product` from a CPE, so an advisory finds the versions it may touch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import unquote

from prodsec.supplychain.sbom import Component, Sbom

PURL_ECOSYSTEMS = {
    "pypi": "PyPI",
    "npm": "npm",
    "golang": "Go",
    "cargo": "crates.io",
    "maven": "Maven",
    "nuget": "NuGet",
    "gem": "RubyGems",
    "composer": "Packagist",
    "hex": "Hex",
    "pub": "Pub",
    "deb": "Debian",
    "apk": "Alpine",
    "rpm": "Red Hat",
    "github": "GitHub",
}
"""The OSV ecosystem a purl type names (`github` is no OSV ecosystem: it keys the index
only)."""

_PEP503 = re.compile(r"[-_.]+")


def package_name(ecosystem: str, name: str) -> str:
    """A package's name as the index compares it: PyPI names PEP 503-normalised, every
    name without case."""
    if ecosystem == "PyPI":
        return _PEP503.sub("-", name).lower()
    return name.lower()


def package_key(ecosystem: str, name: str) -> str:
    """The index key of an OSV package (the ecosystem without its release: `Debian:12`
    is `Debian`)."""
    base = ecosystem.split(":", 1)[0]
    return f"{base}:{package_name(base, name)}"


def cpe_key(cpe: str) -> str | None:
    """`cpe:vendor:product` of a CPE 2.3 name (or a CPE 2.2 URI), any part; None when it
    names no vendor and product."""
    if cpe.startswith("cpe:2.3:"):
        fields = cpe[8:].split(":")
    elif cpe.startswith("cpe:/"):
        fields = cpe[5:].split(":")
    else:
        return None
    if len(fields) < 3 or fields[1] in ("", "*", "-") or fields[2] in ("", "*", "-"):
        return None
    return f"cpe:{fields[1].lower()}:{fields[2].lower()}"


def purl_key(purl: str) -> str | None:
    """The index key of a purl (`pkg:pypi/Flask@2.0` is `PyPI:flask`), None for none."""
    if not purl.startswith("pkg:"):
        return None
    head = purl[4:].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[0]
    kind, sep, path = head.partition("/")
    if not sep or not path:
        return None
    kind = kind.lower()
    ecosystem = PURL_ECOSYSTEMS.get(kind, kind)
    parts = [p for p in path.split("/") if p]
    if kind == "maven" and len(parts) >= 2:
        name = ":".join(parts[-2:])
    elif kind in ("npm", "golang", "composer", "github"):
        name = "/".join(parts)
    else:
        name = parts[-1]
    return package_key(ecosystem, unquote(name))


def component_keys(component: Component) -> Iterator[str]:
    """Every index key a component answers to: its purl's and its CPEs'."""
    if component.purl and (key := purl_key(component.purl)):
        yield key
    for cpe in component.cpes:
        if key := cpe_key(cpe):
            yield key


def sbom_keys(sboms: Iterable[Sbom]) -> set[str]:
    return {k for sbom in sboms for c in sbom.components for k in component_keys(c)}


def top_level(sbom: Sbom) -> set[str]:
    """The references of the components the SBOM's subject depends on directly; without
    a subject (or none listed for it), the components nothing else depends on."""
    graph = dict(sbom.dependencies)
    if sbom.subject is not None and graph.get(sbom.subject):
        return set(graph[sbom.subject])
    below = {d for deps in graph.values() for d in deps}
    return {c.ref for c in sbom.components if c.ref not in below and c.ref != sbom.subject}
