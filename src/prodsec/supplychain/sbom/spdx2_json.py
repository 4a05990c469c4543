"""SPDX 2.2 and 2.3 JSON, decoded into typed structs by msgspec. Packages become
components (files and snippets do not); DEPENDS_ON, DEPENDENCY_OF (and its kinds),
STATIC_LINK, DYNAMIC_LINK and CONTAINS make the dependency graph; DESCRIBES names the
subject. The tag-value reader shares `package` and `graph`."""

from __future__ import annotations

import msgspec

from prodsec.catalog.limits import MAX_SBOM_COMPONENTS
from prodsec.errors import LimitExceededError
from prodsec.supplychain.sbom.interface import (
    Component,
    ComponentRef,
    ComponentType,
    Hash,
    Sbom,
    SbomFormat,
    SbomReader,
    check_size,
    decode_json,
    fail,
)

NO_VALUE = frozenset({"", "NOASSERTION", "NONE"})


class _Checksum(msgspec.Struct):
    algorithm: str
    checksumValue: str  # noqa: N815 (the format's names, here and below)


class _ExternalRef(msgspec.Struct):
    referenceType: str  # noqa: N815
    referenceLocator: str  # noqa: N815
    referenceCategory: str = ""  # noqa: N815


class _Package(msgspec.Struct):
    SPDXID: str
    name: str
    versionInfo: str = ""  # noqa: N815
    supplier: str = ""
    checksums: list[_Checksum] = []
    licenseConcluded: str = ""  # noqa: N815
    licenseDeclared: str = ""  # noqa: N815
    externalRefs: list[_ExternalRef] = []  # noqa: N815
    primaryPackagePurpose: str = ""  # noqa: N815


class _Relationship(msgspec.Struct):
    spdxElementId: str  # noqa: N815
    relationshipType: str  # noqa: N815
    relatedSpdxElement: str  # noqa: N815


class _Document(msgspec.Struct):
    spdxVersion: str  # noqa: N815
    SPDXID: str = "SPDXRef-DOCUMENT"
    packages: list[_Package] = []
    relationships: list[_Relationship] = []
    documentDescribes: list[str] = []  # noqa: N815


_DECODER = msgspec.json.Decoder(_Document)

# a relationship `A TYPE B` read as: (A depends on B) True, (B depends on A) False
_DEPENDS = {"DEPENDS_ON": True, "STATIC_LINK": True, "DYNAMIC_LINK": True, "CONTAINS": True}
_DEPENDED = {"DEPENDENCY_OF": False, "CONTAINED_BY": False}


def supplier_name(text: str) -> str:
    """`Organization: ACME (mail)` -> `ACME (mail)`; NOASSERTION -> empty."""
    if text in NO_VALUE:
        return ""
    _, sep, rest = text.partition(":")
    return rest.strip() if sep else text.strip()


def package(
    ref: str, name: str, version: str, supplier: str, purpose: str,
    hashes: tuple[Hash, ...], licences: tuple[str, ...], refs: list[tuple[str, str]],
) -> Component:  # fmt: skip
    """A component from a package's fields; `refs` are its (referenceType, locator)."""
    purls = [loc for kind, loc in refs if kind == "purl"]
    return Component(
        ref=ComponentRef(ref),
        name=name,
        version="" if version in NO_VALUE else version,
        type=ComponentType.of(purpose) if purpose else ComponentType.LIBRARY,
        purl=purls[0] if purls else "",
        cpes=tuple(loc for kind, loc in refs if kind in ("cpe23Type", "cpe22Type")),
        supplier=supplier_name(supplier),
        hashes=hashes,
        licences=tuple(x for x in licences if x not in NO_VALUE),
    )


def graph(
    relationships: list[tuple[str, str, str]], document: str
) -> tuple[ComponentRef | None, tuple[tuple[ComponentRef, tuple[ComponentRef, ...]], ...]]:
    """The subject (what the document DESCRIBES first) and each element's dependencies."""
    subject: ComponentRef | None = None
    edges: dict[str, list[ComponentRef]] = {}
    for left, kind, right in relationships:
        if kind == "DESCRIBES" and left == document and subject is None:
            subject = ComponentRef(right)
        elif kind == "DESCRIBED_BY" and right == document and subject is None:
            subject = ComponentRef(left)
        elif kind in _DEPENDS:
            edges.setdefault(left, []).append(ComponentRef(right))
        elif kind in _DEPENDED or kind.endswith("_DEPENDENCY_OF"):
            edges.setdefault(right, []).append(ComponentRef(left))
    return subject, tuple((ComponentRef(k), tuple(v)) for k, v in edges.items())


class Spdx2JsonReader(SbomReader):
    format = SbomFormat.SPDX2_JSON

    def read(self, data: bytes, source: str) -> Sbom:
        check_size(data, source)
        doc = decode_json(_DECODER, data, source)
        if not doc.spdxVersion.startswith("SPDX-2."):
            raise fail(source, "$.spdxVersion", f"'{doc.spdxVersion}' is not SPDX 2")
        if len(doc.packages) > MAX_SBOM_COMPONENTS:
            raise LimitExceededError(
                f"{source}: more than {MAX_SBOM_COMPONENTS} components", limit="items"
            )
        components = tuple(
            package(
                p.SPDXID, p.name, p.versionInfo, p.supplier, p.primaryPackagePurpose,
                tuple(Hash(c.algorithm, c.checksumValue) for c in p.checksums),
                (p.licenseConcluded, p.licenseDeclared) if p.licenseConcluded
                != p.licenseDeclared else (p.licenseDeclared,),
                [(r.referenceType, r.referenceLocator) for r in p.externalRefs],
            )
            for p in doc.packages
        )  # fmt: skip
        triples = [
            (r.spdxElementId, r.relationshipType, r.relatedSpdxElement) for r in doc.relationships
        ] + [(doc.SPDXID, "DESCRIBES", d) for d in doc.documentDescribes]
        subject, edges = graph(triples, doc.SPDXID)
        version = doc.spdxVersion.removeprefix("SPDX-")
        return Sbom(self.format, version, components, subject, edges, source)
