"""Safe walks over a CSAF document held as plain JSON data. The mandatory tests run on
documents that may also break the schema, so every step tolerates a missing member or a
value of the wrong type instead of raising."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

Path = tuple[str | int, ...]


def member(value: Any, *keys: str) -> Any:
    """`value[k1][k2]...`, or None where a step is missing or not an object."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def items(value: Any, path: Path) -> Iterator[tuple[Path, Any]]:
    """The items of a list with their paths; nothing when `value` is not a list."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield (*path, i), item


def objects(value: Any, path: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The items of a list that are objects, with their paths."""
    for p, item in items(value, path):
        if isinstance(item, dict):
            yield p, item


def strings(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    """The items of a list that are strings, with their paths."""
    for p, item in items(value, path):
        if isinstance(item, str):
            yield p, item


def branches(value: Any, path: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every branch under a `branches` list, depth first, with its path."""
    for p, branch in objects(value, path):
        yield p, branch
        yield from branches(branch.get("branches"), (*p, "branches"))


def full_product_names(doc: Any) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every full product name the product tree defines: in branches, in
    `full_product_names` and in relationships."""
    tree = member(doc, "product_tree")
    root: Path = ("product_tree",)
    for p, branch in branches(member(tree, "branches"), (*root, "branches")):
        if isinstance(branch.get("product"), dict):
            yield (*p, "product"), branch["product"]
    yield from objects(member(tree, "full_product_names"), (*root, "full_product_names"))
    for p, rel in objects(member(tree, "relationships"), (*root, "relationships")):
        if isinstance(rel.get("full_product_name"), dict):
            yield (*p, "full_product_name"), rel["full_product_name"]


def vulnerabilities(doc: Any) -> Iterator[tuple[Path, dict[str, Any]]]:
    return objects(member(doc, "vulnerabilities"), ("vulnerabilities",))


STATUSES = (
    "first_affected",
    "first_fixed",
    "fixed",
    "known_affected",
    "known_not_affected",
    "last_affected",
    "recommended",
    "under_investigation",
)


def product_references(doc: Any) -> Iterator[tuple[Path, str]]:
    """Every product id that refers to a full product name (test 6.1.1's paths)."""
    tree = member(doc, "product_tree")
    root: Path = ("product_tree",)
    for p, group in objects(member(tree, "product_groups"), (*root, "product_groups")):
        yield from strings(group.get("product_ids"), (*p, "product_ids"))
    for p, rel in objects(member(tree, "relationships"), (*root, "relationships")):
        for key in ("product_reference", "relates_to_product_reference"):
            if isinstance(rel.get(key), str):
                yield (*p, key), rel[key]
    for p, vuln in vulnerabilities(doc):
        status = vuln.get("product_status")
        for key in STATUSES:
            yield from strings(member(status, key), (*p, "product_status", key))
        for list_key, ids_key in (
            ("remediations", "product_ids"),
            ("scores", "products"),
            ("threats", "product_ids"),
            ("flags", "product_ids"),
        ):
            for q, item in objects(vuln.get(list_key), (*p, list_key)):
                yield from strings(item.get(ids_key), (*q, ids_key))


def repeats(values: Iterable[tuple[Path, Any]]) -> Iterator[tuple[Path, str]]:
    """Each string value seen before in `values`, with its path (the tests of ids and
    numbers defined more than once)."""
    seen: set[str] = set()
    for path, value in values:
        if isinstance(value, str):
            if value in seen:
                yield path, value
            seen.add(value)
