"""CSAF 2.0 VEX (`csaf_vex`): the parts VEX needs, read and written; the whole document
is checked elsewhere (a full validator is not this module's job).

A product id stands for a product and a version: a leaf of the product tree's branches
gives the product from its `purl` (without version) or its `product_name` branch, and the
version from its `product_version` or `product_version_range` branch; a
`full_product_names` entry gives a product without version; a relationship's new id
stands for its `product_reference` as a part (`component`) of the product it relates to.
Each product id of each `product_status` list becomes one `VexStatement`, with the
justification of the flags, the impact of the `impact` threats and the action of the
remediations that name it (directly or through a product group). CSAF has one time per
document (`tracking.current_release_date`) and one author (`publisher.name`)."""

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
    join_purl,
    latest,
    load_json,
    need_author,
    parse_time,
    parts_of,
    split_purl,
    statement,
    time_text,
)
from prodsec.supplychain.vex.justification import FROM_CSAF_STATUS, TO_CSAF_STATUS
from prodsec.supplychain.vex.model import Justification, VexStatement

Product = tuple[str, str, str]  # product, version, component


def _products(r: Reader, tree: dict[str, Any]) -> dict[str, Product]:
    out: dict[str, Product] = {}

    def leaf(p: dict[str, Any], where: str, name: str, version: str) -> None:
        pid = r.text(p, "product_id", where, required=True)
        helper = r.object(p, "product_identification_helper", where)
        purl, in_purl = split_purl(r.text(helper, "purl", f"{where}.product_identification_helper"))
        out[pid] = (purl or name or r.text(p, "name", where), version or in_purl, "")

    def walk(b: dict[str, Any], where: str, name: str, version: str, depth: int) -> None:
        if depth > 30:
            raise fail(r.source, where, "branches nested deeper than 30")
        category = r.text(b, "category", where)
        if category == "product_name":
            name = r.text(b, "name", where)
        elif category in ("product_version", "product_version_range"):
            version = r.text(b, "name", where)
        if product := r.object(b, "product", where):
            leaf(product, f"{where}.product", name, version)
        for w, child in r.objects(b, "branches", where):
            walk(child, w, name, version, depth + 1)

    for where, b in r.objects(tree, "branches", "$.product_tree"):
        walk(b, where, "", "", 0)
    for where, p in r.objects(tree, "full_product_names", "$.product_tree"):
        leaf(p, where, "", "")
    for where, rel in r.objects(tree, "relationships", "$.product_tree"):
        whole = out.get(r.text(rel, "relates_to_product_reference", where, required=True))
        part = out.get(r.text(rel, "product_reference", where, required=True))
        if whole is None or part is None:
            raise fail(r.source, where, "refers to a product id the product tree lacks")
        new = r.object(rel, "full_product_name", where)
        pid = r.text(new, "product_id", f"{where}.full_product_name", required=True)
        out[pid] = (
            whole[0],
            whole[1],
            join_purl(*part[:2]) if part[0].startswith("pkg:") else part[0],
        )
    return out


def _by_product(
    r: Reader, v: dict[str, Any], key: str, where: str, groups: dict[str, list[str]]
) -> list[tuple[str, dict[str, Any]]]:
    """(product id, entry) for each entry of `v[key]` and each product it names."""
    out = []
    for w, entry in r.objects(v, key, where):
        ids = r.texts(entry, "product_ids", w)
        for g in r.texts(entry, "group_ids", w):
            ids += groups.get(g, [])
        out += [(pid, entry) for pid in ids]
    return out


def read_csaf_document(data: bytes, source: str) -> VexDocument:
    r = Reader(source)
    doc = load_json(data, source)
    head = r.object(doc, "document", "$")
    if r.text(head, "category", "$.document", required=True) != "csaf_vex":
        raise fail(source, "$.document.category", "not csaf_vex")
    author = r.text(r.object(head, "publisher", "$.document"), "name", "$.document.publisher")
    where = "$.document.tracking"
    stamp = parse_time(
        r.text(r.object(head, "tracking", "$.document"), "current_release_date", where),
        source,
        f"{where}.current_release_date",
    )
    tree = r.object(doc, "product_tree", "$")
    products = _products(r, tree)
    groups = {
        r.text(g, "group_id", w): r.texts(g, "product_ids", w)
        for w, g in r.objects(tree, "product_groups", "$.product_tree")
    }
    out: list[VexStatement] = []
    for where, v in r.objects(doc, "vulnerabilities", "$"):
        ids = [r.text(i, "text", w) for w, i in r.objects(v, "ids", where)]
        vuln = r.text(v, "cve", where) or (ids[0] if ids else "")
        if not vuln:
            raise fail(source, where, "a vulnerability with neither cve nor ids")
        flags: dict[str, Justification] = {}
        for pid, flag in _by_product(r, v, "flags", where, groups):
            label = r.text(flag, "label", where)
            try:
                flags[pid] = Justification(label)
            except ValueError:
                raise fail(source, f"{where}.flags", f"{label!r} is no flag label") from None
        impact = {
            pid: r.text(t, "details", where)
            for pid, t in _by_product(r, v, "threats", where, groups)
            if t.get("category") == "impact"
        }
        action: dict[str, list[str]] = {}
        for pid, rem in _by_product(r, v, "remediations", where, groups):
            action.setdefault(pid, []).append(r.text(rem, "details", where))
        status_box = r.object(v, "product_status", where)
        for key in FROM_CSAF_STATUS:
            for pid in r.texts(status_box, key, f"{where}.product_status"):
                if pid not in products:
                    raise fail(
                        source, f"{where}.product_status.{key}", f"{pid} is not in the product tree"
                    )
                product, version, component = products[pid]
                out.append(statement(
                    vuln, FROM_CSAF_STATUS[key], product, version, component,
                    justification=flags.get(pid), impact=impact.get(pid, ""),
                    action="\n".join(action.get(pid, [])), timestamp=stamp,
                ))  # fmt: skip
        check_count(len(out), source)
    return VexDocument(VexFormat.CSAF, tuple(out), author)


def read_csaf(data: bytes, source: str) -> list[VexStatement]:
    return list(read_csaf_document(data, source).statements)


# --- writing ---


class _Tree:
    """The product tree being written: one id per product and version, per part, and
    per part of a product version (a relationship)."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str, str], str] = {}
        self.names: dict[str, dict[str, Any]] = {}  # product name -> its branch
        self.parts: list[dict[str, Any]] = []
        self.relationships: list[dict[str, Any]] = []

    def _new(self) -> str:
        return f"CSAFPID-{len(self.ids) + 1:04d}"

    def product(self, product: str, version: str, fresh: bool) -> str:
        """The id of a product version; a `fresh` one beside it when the vulnerability
        at hand has another statement on it already."""
        key = (product, version, "")
        if key in self.ids and not fresh:
            return self.ids[key]
        pid = self._new()
        self.ids.setdefault(key, pid)
        if fresh:
            self.ids[(product, version, pid)] = pid
        leaf: dict[str, Any] = {"name": f"{product} {version}".strip(), "product_id": pid}
        if product.startswith("pkg:"):
            leaf["product_identification_helper"] = {"purl": join_purl(product, version)}
        branch = self.names.setdefault(product, {"category": "product_name", "name": product})
        if not version and "product" in branch:  # a second id of the same product
            self.parts.append({**leaf, "name": product})
        elif not version:
            branch["product"] = leaf
        else:
            kind = "product_version_range" if version.startswith("vers:") else "product_version"
            branch.setdefault("branches", []).append(
                {"category": kind, "name": version, "product": leaf}
            )
        return pid

    def part(self, component: str) -> str:
        key = ("", "", component)
        if key not in self.ids:
            pid = self.ids[key] = self._new()
            leaf: dict[str, Any] = {"name": component, "product_id": pid}
            if component.startswith("pkg:"):
                leaf["product_identification_helper"] = {"purl": component}
            self.parts.append(leaf)
        return self.ids[key]

    def of(self, s: VexStatement, fresh: bool) -> str:
        product, version, component = parts_of(s)
        if not product:  # a component with no product stands for itself
            product, component = component, ""
        whole = self.product(product, version, fresh and not component)
        if not component:
            return whole
        key = (product, version, component)
        if key in self.ids and not fresh:
            return self.ids[key]
        part = self.part(component)
        pid = self._new()
        self.ids[key if key not in self.ids else (*key[:2], pid)] = pid
        self.relationships.append({
            "category": "default_component_of",
            "full_product_name": {"name": f"{component} in {s.product}", "product_id": pid},
            "product_reference": part,
            "relates_to_product_reference": whole,
        })  # fmt: skip
        return pid

    def document(self) -> dict[str, Any]:
        out: dict[str, Any] = {"branches": list(self.names.values())}
        if self.parts:
            out["full_product_names"] = self.parts
        if self.relationships:
            out["relationships"] = self.relationships
        return out


def _vulnerability(vuln: str, group: list[tuple[str, VexStatement]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if vuln.startswith("CVE-"):
        out["cve"] = vuln
    else:
        out["ids"] = [{"system_name": vuln.split("-", 1)[0], "text": vuln}]
    status: dict[str, list[str]] = {}
    flags, threats, remediations = [], [], []
    for pid, s in group:
        status.setdefault(TO_CSAF_STATUS[s.status], []).append(pid)
        if s.justification is not None:
            flags.append({"label": s.justification.value, "product_ids": [pid]})
        if s.impact:
            threats.append({"category": "impact", "details": s.impact, "product_ids": [pid]})
        if s.action:
            remediations.append(
                {
                    "category": "vendor_fix" if s.status.value == "fixed" else "mitigation",
                    "details": s.action,
                    "product_ids": [pid],
                }
            )
    out["product_status"] = {k: sorted(set(v)) for k, v in status.items()}
    for key, value in (("flags", flags), ("threats", threats), ("remediations", remediations)):
        if value:
            out[key] = value
    return out


def write_csaf(
    statements: Sequence[VexStatement],
    *,
    author: str,
    namespace: str = "https://example.invalid",
    tracking_id: str = "",
) -> dict[str, Any]:
    """A csaf_vex document. `namespace` is the publisher's (a URL); `tracking_id` defaults
    to a digest of the statements. The document's date is the latest statement's."""
    tree = _Tree()
    by_vuln: dict[str, list[tuple[str, VexStatement]]] = {}
    seen: set[tuple[str, str, str]] = set()
    for s in statements:
        key = (s.vulnerability, s.product, s.component)
        by_vuln.setdefault(s.vulnerability, []).append((tree.of(s, key in seen), s))
        seen.add(key)
    vulns = [_vulnerability(v, group) for v, group in by_vuln.items()]
    stamp = time_text(latest(statements)) or "1970-01-01T00:00:00Z"
    digest = digest_urn(vulns)[-12:]
    return {
        "document": {
            "category": "csaf_vex",
            "csaf_version": "2.0",
            "notes": [
                {
                    "category": "summary",
                    "title": "VEX",
                    "text": f"{len(statements)} VEX statements.",
                }
            ],
            "publisher": {
                "category": "vendor",
                "name": need_author(author),
                "namespace": namespace,
            },
            "title": "VEX",
            "tracking": {
                "current_release_date": stamp,
                "id": tracking_id or f"VEX-{digest}",
                "initial_release_date": stamp,
                "revision_history": [{"date": stamp, "number": "1", "summary": "Written."}],
                "status": "final",
                "version": "1",
            },
        },
        "product_tree": tree.document(),
        "vulnerabilities": vulns,
    }
