"""SPDX 3.0 JSON-LD: the `@graph` of elements read as plain JSON (no JSON-LD processing,
no context fetched). Packages (software, AI and dataset) become components; `dependsOn`
and `contains` relationships the graph; concluded and declared licences join through
their relationships; `suppliedBy` names an agent of the graph."""

from __future__ import annotations

from typing import Any

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

_ANY: msgspec.json.Decoder[Any] = msgspec.json.Decoder()
PACKAGES = frozenset({"software_Package", "ai_AIPackage", "dataset_DatasetPackage"})
_EDGES = frozenset({"dependsOn", "contains", "hasStaticLink", "hasDynamicLink"})
_LICENCES = frozenset({"hasConcludedLicense", "hasDeclaredLicense"})


def _text(element: dict[str, Any], key: str) -> str:
    value = element.get(key, "")
    return value if isinstance(value, str) else ""


def _list(element: dict[str, Any], key: str) -> list[Any]:
    value = element.get(key, [])
    return value if isinstance(value, list) else [value]


class Spdx3JsonLdReader(SbomReader):
    format = SbomFormat.SPDX3_JSON_LD

    def read(self, data: bytes, source: str) -> Sbom:
        check_size(data, source)
        doc = decode_json(_ANY, data, source)
        elements = doc.get("@graph") if isinstance(doc, dict) else None
        if not isinstance(elements, list):
            raise fail(source, "$.@graph", "an SPDX 3 document has a list '@graph'")
        by_id: dict[str, dict[str, Any]] = {}
        for i, e in enumerate(elements):
            if not isinstance(e, dict) or not isinstance(e.get("type"), str):
                raise fail(source, f"$.@graph[{i}]", "an element is an object with a 'type'")
            ident = e.get("spdxId") or e.get("@id")
            if isinstance(ident, str):
                by_id[ident] = e
        version = ""
        for e in elements:
            if e["type"] == "CreationInfo" and isinstance(e.get("specVersion"), str):
                version = e["specVersion"]
                break
        licences: dict[str, list[str]] = {}
        edges: dict[str, list[ComponentRef]] = {}
        for e in elements:
            if e["type"] not in ("Relationship", "LifecycleScopedRelationship"):
                continue
            kind, left = _text(e, "relationshipType"), _text(e, "from")
            if kind in _EDGES:
                edges.setdefault(left, []).extend(ComponentRef(t) for t in _list(e, "to"))
            elif kind in _LICENCES:
                for t in _list(e, "to"):
                    found = by_id.get(t, {})
                    expression = _text(found, "simplelicensing_licenseExpression") or t
                    licences.setdefault(left, []).append(expression)
        components = [
            self._component(e, by_id, licences) for e in elements if e["type"] in PACKAGES
        ]
        if len(components) > MAX_SBOM_COMPONENTS:
            raise LimitExceededError(f"{source}: more than {MAX_SBOM_COMPONENTS} components")
        refs = {c.ref for c in components}
        subject: ComponentRef | None = None
        for kind in ("software_Sbom", "SpdxDocument"):
            for e in elements:
                roots = [r for r in _list(e, "rootElement") if r in refs]
                if e["type"] == kind and roots and subject is None:
                    subject = ComponentRef(roots[0])
        graph = tuple((ComponentRef(k), tuple(v)) for k, v in edges.items())
        return Sbom(self.format, version, tuple(components), subject, graph, source)

    @staticmethod
    def _component(
        e: dict[str, Any], by_id: dict[str, dict[str, Any]], licences: dict[str, list[str]]
    ) -> Component:
        ref = _text(e, "spdxId")
        ids = [x for x in _list(e, "externalIdentifier") if isinstance(x, dict)]
        purl = _text(e, "software_packageUrl") or next(
            (
                _text(x, "identifier")
                for x in ids
                if x.get("externalIdentifierType") == "packageUrl"
            ),
            "",
        )
        suppliers = [_text(by_id.get(s, {}), "name") or s for s in _list(e, "suppliedBy")]
        purpose = _text(e, "software_primaryPurpose")
        return Component(
            ref=ComponentRef(ref),
            name=_text(e, "name"),
            version=_text(e, "software_packageVersion"),
            type=ComponentType.of(purpose) if purpose else ComponentType.LIBRARY,
            purl=purl,
            cpes=tuple(
                _text(x, "identifier")
                for x in ids
                if x.get("externalIdentifierType") in ("cpe23", "cpe22")
            ),
            supplier=suppliers[0] if suppliers else "",
            hashes=tuple(
                Hash(_text(h, "algorithm"), _text(h, "hashValue"))
                for h in _list(e, "verifiedUsing")
                if isinstance(h, dict) and "hashValue" in h
            ),
            licences=tuple(licences.get(ref, ())),
        )
