"""The mandatory tests of CSAF 2.0 section 6.1 about the product tree: ids defined once,
referenced ids defined, no circular relationships, valid purls, one hash per algorithm,
no version ranges in `product_version` branches."""

from __future__ import annotations

from collections import Counter
from typing import Any

from prodsec.supplychain.csaf.document import Failure, json_path
from prodsec.supplychain.csaf.walk import (
    branches,
    full_product_names,
    member,
    objects,
    product_references,
    repeats,
    strings,
    vulnerabilities,
)


def _defined(doc: Any) -> Counter[str]:
    return Counter(
        fpn["product_id"]
        for _, fpn in full_product_names(doc)
        if isinstance(fpn.get("product_id"), str)
    )


def check_6_1_1(doc: Any) -> list[Failure]:
    """Missing definition of product id."""
    defined = _defined(doc)
    return [
        Failure("6.1.1", json_path(p), f"product id {pid!r} is not defined in the product tree")
        for p, pid in product_references(doc)
        if pid not in defined
    ]


def check_6_1_2(doc: Any) -> list[Failure]:
    """Multiple definition of product id."""
    ids = (((*p, "product_id"), fpn.get("product_id")) for p, fpn in full_product_names(doc))
    return [Failure("6.1.2", json_path(p), f"{pid!r} defined again") for p, pid in repeats(ids)]


def check_6_1_3(doc: Any) -> list[Failure]:
    """Circular definition of product id through relationships."""
    rels = list(
        objects(member(doc, "product_tree", "relationships"), ("product_tree", "relationships"))
    )
    parts: dict[str, set[str]] = {}
    for _, rel in rels:
        new = member(rel, "full_product_name", "product_id")
        if isinstance(new, str):
            refs = {rel.get("product_reference"), rel.get("relates_to_product_reference")}
            parts.setdefault(new, set()).update(r for r in refs if isinstance(r, str))

    def reaches(start: str, goal: str) -> bool:
        stack, seen = [start], set()
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                stack.extend(parts.get(node, ()))
        return False

    out = []
    for p, rel in rels:
        new = member(rel, "full_product_name", "product_id")
        if isinstance(new, str) and any(reaches(r, new) for r in parts.get(new, ())):
            where = json_path((*p, "full_product_name", "product_id"))
            out.append(Failure("6.1.3", where, f"{new!r} is defined through itself"))
    return out


def _groups(doc: Any) -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
    return list(
        objects(member(doc, "product_tree", "product_groups"), ("product_tree", "product_groups"))
    )


def check_6_1_4(doc: Any) -> list[Failure]:
    """Missing definition of product group id."""
    defined = {g.get("group_id") for _, g in _groups(doc)}
    out = []
    for p, vuln in vulnerabilities(doc):
        for key in ("remediations", "threats", "flags"):
            for q, item in objects(vuln.get(key), (*p, key)):
                for r, gid in strings(item.get("group_ids"), (*q, "group_ids")):
                    if gid not in defined:
                        message = f"product group id {gid!r} is not defined in the product tree"
                        out.append(Failure("6.1.4", json_path(r), message))
    return out


def check_6_1_5(doc: Any) -> list[Failure]:
    """Multiple definition of product group id."""
    ids = (((*p, "group_id"), g.get("group_id")) for p, g in _groups(doc))
    return [Failure("6.1.5", json_path(p), f"{gid!r} defined again") for p, gid in repeats(ids)]


def check_6_1_13(doc: Any) -> list[Failure]:
    """Invalid package URL."""
    from packageurl import PackageURL

    out = []
    for p, fpn in full_product_names(doc):
        purl = member(fpn, "product_identification_helper", "purl")
        if isinstance(purl, str):
            try:
                PackageURL.from_string(purl)
            except ValueError as exc:
                where = json_path((*p, "product_identification_helper", "purl"))
                out.append(Failure("6.1.13", where, f"not a valid purl: {exc}"))
    return out


def check_6_1_25(doc: Any) -> list[Failure]:
    """The same hash algorithm used twice for one file."""
    out = []
    for p, fpn in full_product_names(doc):
        helper = fpn.get("product_identification_helper")
        for q, entry in objects(
            member(helper, "hashes"), (*p, "product_identification_helper", "hashes")
        ):
            algorithms = Counter(
                h.get("algorithm") for _, h in objects(entry.get("file_hashes"), ())
            )
            for algorithm, n in sorted(algorithms.items(), key=str):
                if isinstance(algorithm, str) and n > 1:
                    message = f"algorithm {algorithm!r} used {n} times"
                    out.append(Failure("6.1.25", json_path((*q, "file_hashes")), message))
    return out


_RANGE_WORDS = frozenset({"after", "all", "before", "earlier", "later", "prior", "versions"})


def check_6_1_31(doc: Any) -> list[Failure]:
    """A version range in a `product_version` branch. The standard deems it enough to look
    for `<`, `>` and the words after, all, before, earlier, later, prior and versions; we
    take the words as whole words separated by white space, so that a version named
    `after-eight` (one of OASIS's valid cases) passes."""
    out = []
    root = member(doc, "product_tree", "branches")
    for p, branch in branches(root, ("product_tree", "branches")):
        name = branch.get("name")
        if branch.get("category") != "product_version" or not isinstance(name, str):
            continue
        lowered = name.lower()
        if "<" in lowered or ">" in lowered or _RANGE_WORDS & set(lowered.split()):
            message = f"{name!r} is a version range; use the category product_version_range"
            out.append(Failure("6.1.31", json_path((*p, "name")), message))
    return out
