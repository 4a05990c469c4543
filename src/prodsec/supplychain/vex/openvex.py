"""OpenVEX (0.0.1 to 0.2.0) read into `VexStatement`s and written back (0.2.0).

A statement names a vulnerability and one or more products, each with optional
subcomponents: it becomes one `VexStatement` per product and subcomponent. A product's
purl gives the product and its version (`split_purl`); a statement's time is its
`last_updated`, else its `timestamp`, else the document's."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from prodsec.supplychain.vex.interface import (
    Reader,
    check_count,
    fail,
    join_purl,
    latest,
    load_json,
    one_author,
    split_purl,
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


def _split(ident: str) -> tuple[str, str]:
    """A product id and its version: a purl's, else what follows the last `@` when it is a
    `vers:` range or holds none of `/:?#` (how `_versioned` writes it)."""
    if ident.startswith("pkg:"):
        return split_purl(ident)
    name, at, version = ident.rpartition("@")
    if at and name and (version.startswith("vers:") or not set(version) & set("/:?#")):
        return name, version
    return ident, ""


def _vulnerability(r: Reader, st: dict[str, Any], where: str) -> tuple[str, tuple[str, ...]]:
    vuln = st.get("vulnerability")
    if isinstance(vuln, str) and vuln:  # 0.0.1
        return vuln, ()
    if not isinstance(vuln, dict):
        raise fail(r.source, f"{where}.vulnerability", "missing, or not an object")
    name = r.text(vuln, "name", f"{where}.vulnerability", required=True)
    return name, tuple(sorted(r.texts(vuln, "aliases", f"{where}.vulnerability")))


def _choice(
    r: Reader, kind: type[VexStatus] | type[Justification], st: dict[str, Any], key: str, where: str
) -> Any:
    word = r.text(st, key, where, required=kind is VexStatus)
    if not word:
        return None
    try:
        return kind(word)
    except ValueError:
        known = ", ".join(k.value for k in kind)
        raise fail(r.source, f"{where}.{key}", f"{word!r} is not one of {known}") from None


def read_openvex(data: bytes, source: str) -> list[VexStatement]:
    r = Reader(source)
    doc = load_json(data, source)
    author = r.text(doc, "author", "$")
    stamp = r.text(doc, "timestamp", "$")
    out: list[VexStatement] = []
    for where, st in r.objects(doc, "statements", "$"):
        vuln, aliases = _vulnerability(r, st, where)
        status: VexStatus = _choice(r, VexStatus, st, "status", where)
        notes = r.text(st, "status_notes", where)
        impact = r.text(st, "impact_statement", where)
        common = VexStatement(
            vulnerability=vuln,
            aliases=aliases,
            status=status,
            product="",
            justification=_choice(r, Justification, st, "justification", where),
            impact=impact if status is VexStatus.NOT_AFFECTED else notes,
            action=r.text(st, "action_statement", where),
            timestamp=r.text(st, "last_updated", where) or r.text(st, "timestamp", where) or stamp,
            author=author,
        )
        targets = [("", "", "")]  # a statement naming no product speaks of every one
        if products := r.items(st, "products", where):
            targets = []
            for pwhere, product in products:
                name, version = _split(_product_id(r, product, pwhere))
                subs = (
                    r.items(product, "subcomponents", pwhere) if isinstance(product, dict) else []
                )
                parts = [_product_id(r, x, w) for w, x in subs] or [""]
                targets += [(name, version, part) for part in parts]
        for name, version, part in targets:
            out.append(replace(common, product=name, version=version, component=part))
        check_count(len(out), source)
    return out


def _statement(s: VexStatement) -> dict[str, Any]:
    product: dict[str, Any] = {"@id": _versioned(s)}
    if s.component:
        product["subcomponents"] = [{"@id": s.component}]
    products = [product] if s.product or s.component else []
    vuln: dict[str, Any] = {"name": s.vulnerability}
    if s.aliases:
        vuln["aliases"] = list(s.aliases)
    out: dict[str, Any] = {"vulnerability": vuln, "products": products, "status": s.status.value}
    if s.justification is not None:
        out["justification"] = s.justification.value
    if s.impact:
        key = "impact_statement" if s.status is VexStatus.NOT_AFFECTED else "status_notes"
        out[key] = s.impact
    if s.action:
        out["action_statement"] = s.action
    if s.timestamp:
        out["timestamp"] = s.timestamp
    return out


def _versioned(s: VexStatement) -> str:
    """OpenVEX has no version apart from a purl's: a version of anything else is written
    after an `@` (docs/supplychain.md); a statement about every product names none."""
    if s.product.startswith("pkg:"):
        return join_purl(s.product, s.version)
    return f"{s.product}@{s.version}" if s.version else s.product


def write_openvex(statements: Sequence[VexStatement], *, author: str = "") -> dict[str, Any]:
    """An OpenVEX 0.2.0 document; its `@id` is a digest of its statements, so that the
    same statements give the same document."""
    body = [_statement(s) for s in statements]
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": f"urn:uuid:{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-"
        f"{digest[20:]}",
        "author": one_author(statements, author),
        "version": 1,
        "statements": body,
    }
    if stamp := latest(statements):
        doc["timestamp"] = stamp
    return doc
