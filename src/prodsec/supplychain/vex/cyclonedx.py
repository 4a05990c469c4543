"""CycloneDX VEX (1.4-1.7): read from JSON, or from XML through defusedxml (the SBOM
reader's safe path), and written as JSON 1.6.

Each vulnerability gives one `VexStatement` per `affects` entry and per version or range
listed there (a vulnerability without `affects` speaks of every product: product empty).
The referenced component gives the product: a nested component is a part (`component`) of
its top-level parent; a component's purl names it where there is one, else its bom-ref.
The status is `analysis.state`, else the status of the listed version. A statement's time
is `analysis.lastUpdated`, else the vulnerability's `updated`, else the document's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from prodsec.supplychain.sbom.cyclonedx_xml import refusal
from prodsec.supplychain.vex.interface import (
    Reader,
    VexDocument,
    VexFormat,
    check_count,
    check_size,
    digest_urn,
    fail,
    latest,
    load_json,
    need_author,
    parse_time,
    parts_of,
    split_product,
    statement,
    time_text,
)
from prodsec.supplychain.vex.justification import (
    FROM_CYCLONEDX,
    FROM_CYCLONEDX_STATE,
    FROM_CYCLONEDX_VERSION,
    TO_CYCLONEDX,
    TO_CYCLONEDX_STATE,
    TO_CYCLONEDX_VERSION,
)
from prodsec.supplychain.vex.model import VexStatement

_NAMESPACE = "http://cyclonedx.org/schema/bom/"
SPEC_VERSION = "1.6"


def _parts(r: Reader, doc: dict[str, Any]) -> dict[str, tuple[str, str, str]]:
    """bom-ref -> (product, version, component) for every component of the document."""
    out: dict[str, tuple[str, str, str]] = {}

    def ident(c: dict[str, Any], where: str) -> str:
        return r.text(c, "purl", where) or r.text(c, "bom-ref", where)

    def walk(c: dict[str, Any], where: str, parent: str, depth: int) -> None:
        if depth > 64:
            raise fail(r.source, where, "components nested deeper than 64")
        ref = r.text(c, "bom-ref", where)
        if parent:
            if ref:
                out[ref] = (*split_product(parent), ident(c, where))
        else:
            product, version = split_product(ident(c, where))
            if ref:
                out[ref] = (product, version, "")
        for w, child in r.objects(c, "components", where):
            walk(child, w, parent or ident(c, where), depth + 1)

    meta = r.object(doc, "metadata", "$")
    if top := r.object(meta, "component", "$.metadata"):
        walk(top, "$.metadata.component", "", 0)
    for where, c in r.objects(doc, "components", "$"):
        walk(c, where, "", 0)
    return out


def _author(r: Reader, meta: dict[str, Any]) -> str:
    for where, a in r.objects(meta, "authors", "$.metadata"):
        if name := r.text(a, "name", where):
            return name
    for key in ("supplier", "manufacturer", "manufacture"):
        if name := r.text(r.object(meta, key, "$.metadata"), "name", f"$.metadata.{key}"):
            return name
    return ""


def document_of(doc: dict[str, Any], source: str, *, offered: bool = False) -> VexDocument:
    """The statements of a decoded CycloneDX document (JSON, or XML made into the same
    shape). A document `offered` now (not one stored before) must have `vulnerabilities`:
    without them it is an SBOM sent where VEX belongs."""
    r = Reader(source)
    if doc.get("bomFormat") != "CycloneDX":
        raise fail(source, "$.bomFormat", "not a CycloneDX document")
    if offered and "vulnerabilities" not in doc:
        raise fail(source, "$.vulnerabilities", "missing: an SBOM without VEX statements")
    meta = r.object(doc, "metadata", "$")
    stamp = parse_time(r.text(meta, "timestamp", "$.metadata"), source, "$.metadata.timestamp")
    parts = _parts(r, doc)
    out: list[VexStatement] = []
    for where, v in r.objects(doc, "vulnerabilities", "$"):
        analysis = r.object(v, "analysis", where)
        state = r.text(analysis, "state", f"{where}.analysis")
        if state and state not in FROM_CYCLONEDX_STATE:
            raise fail(source, f"{where}.analysis.state", f"{state!r} is no analysis state")
        word = r.text(analysis, "justification", f"{where}.analysis")
        if word and word not in FROM_CYCLONEDX:
            raise fail(source, f"{where}.analysis.justification", f"{word!r} is no justification")
        when = r.text(analysis, "lastUpdated", f"{where}.analysis") or r.text(v, "updated", where)
        rest = {
            "justification": FROM_CYCLONEDX.get(word),
            "impact": r.text(analysis, "detail", f"{where}.analysis"),
            "action": r.text(v, "recommendation", where),
            "timestamp": parse_time(when, source, where) if when else stamp,
        }
        vuln = r.text(v, "id", where, required=True)
        for awhere, target in r.objects(v, "affects", where) or [(where, {})]:
            ref = r.text(target, "ref", awhere, required=bool(target))
            product, version, component = parts.get(ref, (*split_product(ref), ""))
            versions = r.objects(target, "versions", awhere)
            for vwhere, entry in versions or [(awhere, {})]:
                listed = r.text(entry, "version", vwhere) or r.text(entry, "range", vwhere)
                status = FROM_CYCLONEDX_STATE.get(state) or FROM_CYCLONEDX_VERSION.get(
                    r.text(entry, "status", vwhere) or "affected"
                )
                if status is None:
                    raise fail(source, f"{vwhere}.status", "no VEX status here")
                out.append(statement(vuln, status, product, listed or version, component, **rest))
        check_count(len(out), source)
    return VexDocument(VexFormat.CYCLONEDX, tuple(out), _author(r, meta))


def read_cyclonedx_document(data: bytes, source: str, *, offered: bool = False) -> VexDocument:
    """CycloneDX VEX in JSON or XML (found from the first byte); `offered` as `document_of`
    says."""
    check_size(data, source)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return document_of(_xml_document(data, source), source, offered=offered)
    return document_of(load_json(data, source), source, offered=offered)


def read_cyclonedx(data: bytes, source: str) -> list[VexStatement]:
    return list(read_cyclonedx_document(data, source).statements)


# --- XML: the elements VEX needs, made into the JSON shape ---

_LISTS = {
    "vulnerabilities",
    "affects",
    "versions",
    "references",
    "components",
    "authors",
    "responses",
}
_ITEM = {
    "vulnerabilities": "vulnerability",
    "affects": "target",
    "versions": "version",
    "references": "reference",
    "components": "component",
    "authors": "author",
    "responses": "response",
}


def _as_json(el: Element, ns: str, depth: int) -> Any:
    if depth > 64:
        raise ValueError("nested deeper than 64")
    out: dict[str, Any] = dict(el.attrib)
    children = list(el)
    if not children:
        return out or (el.text or "").strip()
    for child in children:
        tag = child.tag.removeprefix(ns)
        if tag in _LISTS:
            item = ns + _ITEM[tag]
            out[tag] = [_as_json(c, ns, depth + 1) for c in child if c.tag == item]
        else:
            out[tag] = _as_json(child, ns, depth + 1)
    return out


def _xml_document(data: bytes, source: str) -> dict[str, Any]:
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise fail(source, "/", refusal(exc)) from None
    except ParseError as exc:
        raise fail(source, "/", f"not well-formed XML: {exc}") from None
    ns, _, local = root.tag.rpartition("}")
    if local != "bom" or not ns.startswith("{" + _NAMESPACE):
        raise fail(source, "/", f"the root element is '{root.tag}', not a CycloneDX bom")
    try:
        doc = _as_json(root, ns + "}", 0)
    except ValueError as exc:
        raise fail(source, "/bom", str(exc)) from None
    return {"bomFormat": "CycloneDX", **(doc if isinstance(doc, dict) else {})}


# --- writing ---


def _vulnerability(s: VexStatement, ref: str, version: str) -> dict[str, Any]:
    analysis: dict[str, Any] = {"state": TO_CYCLONEDX_STATE[s.status]}
    if s.justification is not None:
        analysis["justification"] = TO_CYCLONEDX[s.justification]
    if s.impact:
        analysis["detail"] = s.impact
    out: dict[str, Any] = {"id": s.vulnerability, "analysis": analysis}
    if s.action:
        out["recommendation"] = s.action
    if s.timestamp:
        out["updated"] = time_text(s.timestamp)
    if ref:
        target: dict[str, Any] = {"ref": ref}
        if version:
            key = "range" if version.startswith("vers:") else "version"
            target["versions"] = [{key: version, "status": TO_CYCLONEDX_VERSION[s.status]}]
        out["affects"] = [target]
    return out


def write_cyclonedx(statements: Sequence[VexStatement], *, author: str) -> dict[str, Any]:
    """A CycloneDX 1.6 JSON VEX: each product a component (its purl, if it is one), each
    part of a product a component nested in it, and one vulnerability per statement."""
    products: dict[str, dict[str, Any]] = {}
    parts: dict[tuple[str, str], str] = {}
    vulns = []
    for s in statements:
        product, version, component = parts_of(s)
        product = product or component  # a component with no product stands for itself
        ref = product
        if product:
            box = products.setdefault(product, _component(product, product, "application"))
            if component and product != component:
                if (product, component) not in parts:
                    number = len(box.setdefault("components", []))
                    parts[product, component] = f"{product}#{number}"
                    box["components"].append(
                        _component(component, parts[product, component], "library")
                    )
                ref = parts[product, component]
        vulns.append(_vulnerability(s, ref, version))
    meta: dict[str, Any] = {"authors": [{"name": need_author(author)}]}
    if stamp := latest(statements):
        meta = {"timestamp": time_text(stamp), **meta}
    return {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": digest_urn(vulns),
        "version": 1,
        "metadata": meta,
        "components": list(products.values()),
        "vulnerabilities": vulns,
    }


def _component(ident: str, ref: str, kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {"type": kind, "bom-ref": ref, "name": ident}
    if ident.startswith("pkg:"):
        out["purl"] = ident
    return out
