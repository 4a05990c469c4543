"""OpenVEX (0.0.1 to 0.2.0) read into `VexStatement`s and written back (0.2.0).

A statement names a vulnerability and one or more products, each with optional
subcomponents: it becomes one `VexStatement` per product and subcomponent (a product
without subcomponents is its own component). A statement's time is its `last_updated`,
else its `timestamp`, else the document's. A statement naming no product speaks of every
product: product and component empty."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prodsec.supplychain.vex.interface import (
    Reader,
    VexDocument,
    VexFormat,
    check_count,
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
from prodsec.supplychain.vex.model import Justification, VexStatement, VexStatus

CONTEXT = "https://openvex.dev/ns/v0.2.0"


def _product_id(r: Reader, product: Any, where: str) -> str:
    if isinstance(product, str):
        return product
    if not isinstance(product, dict):
        raise fail(r.source, where, "expected a string or an object")
    ident = r.text(product, "@id", where) or r.text(
        r.object(product, "identifiers", where), "purl", f"{where}.identifiers"
    )
    if not ident:
        raise fail(r.source, where, "a product without @id or identifiers.purl")
    return ident


def _vulnerability(r: Reader, st: dict[str, Any], where: str) -> str:
    vuln = st.get("vulnerability")
    if isinstance(vuln, str) and vuln:  # 0.0.1
        return vuln
    if not isinstance(vuln, dict):
        raise fail(r.source, f"{where}.vulnerability", "missing, or not an object")
    return r.text(vuln, "name", f"{where}.vulnerability", required=True)


def _choice(
    r: Reader,
    kind: type[VexStatus] | type[Justification],
    st: dict[str, Any],
    key: str,
    where: str,
) -> Any:
    word = r.text(st, key, where, required=kind is VexStatus)
    if not word:
        return None
    try:
        return kind(word)
    except ValueError:
        known = ", ".join(k.value for k in kind)
        raise fail(r.source, f"{where}.{key}", f"{word!r} is not one of {known}") from None


def _targets(r: Reader, st: dict[str, Any], where: str) -> list[tuple[str, str, str]]:
    """(product, version, component) for each product and subcomponent."""
    products = r.items(st, "products", where)
    if not products:
        return [("", "", "")]
    out = []
    for pwhere, product in products:
        name, version = split_product(_product_id(r, product, pwhere))
        subs = r.items(product, "subcomponents", pwhere) if isinstance(product, dict) else []
        parts = [_product_id(r, x, w) for w, x in subs] or [""]
        out += [(name, version, part) for part in parts]
    return out


def read_openvex_document(data: bytes, source: str) -> VexDocument:
    r = Reader(source)
    doc = load_json(data, source)
    stamp = r.text(doc, "timestamp", "$")
    out: list[VexStatement] = []
    for where, st in r.objects(doc, "statements", "$"):
        status: VexStatus = _choice(r, VexStatus, st, "status", where)
        notes = r.text(st, "status_notes", where)
        impact = r.text(st, "impact_statement", where)
        when = r.text(st, "last_updated", where) or r.text(st, "timestamp", where)
        rest = {
            "justification": _choice(r, Justification, st, "justification", where),
            "impact": impact if status is VexStatus.NOT_AFFECTED else notes,
            "action": r.text(st, "action_statement", where),
            "timestamp": parse_time(when, source, where) if when else parse_time(
                stamp, source, "$.timestamp"
            ),
        }  # fmt: skip
        vuln = _vulnerability(r, st, where)
        for product, version, part in _targets(r, st, where):
            out.append(statement(vuln, status, product, version, part, **rest))
        check_count(len(out), source)
    return VexDocument(VexFormat.OPENVEX, tuple(out), r.text(doc, "author", "$"))


def read_openvex(data: bytes, source: str) -> list[VexStatement]:
    return list(read_openvex_document(data, source).statements)


def _statement(s: VexStatement) -> dict[str, Any]:
    component = parts_of(s)[2]
    out: dict[str, Any] = {"vulnerability": {"name": s.vulnerability}, "products": []}
    if s.product or s.component:  # a component with no product is written as the product
        product: dict[str, Any] = {"@id": s.product or s.component}
        if component and s.product:
            product["subcomponents"] = [{"@id": component}]
        out["products"] = [product]
    out["status"] = s.status.value
    if s.justification is not None:
        out["justification"] = s.justification.value
    if s.impact:
        key = "impact_statement" if s.status is VexStatus.NOT_AFFECTED else "status_notes"
        out[key] = s.impact
    if s.action:
        out["action_statement"] = s.action
    if s.timestamp:
        out["timestamp"] = time_text(s.timestamp)
    return out


def write_openvex(statements: Sequence[VexStatement], *, author: str) -> dict[str, Any]:
    """An OpenVEX 0.2.0 document; its `@id` is a digest of its statements, so that the
    same statements give the same document."""
    body = [_statement(s) for s in statements]
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": digest_urn(body),
        "author": need_author(author),
        "version": 1,
        "statements": body,
    }
    if stamp := latest(statements):
        doc["timestamp"] = time_text(stamp)
    return doc
