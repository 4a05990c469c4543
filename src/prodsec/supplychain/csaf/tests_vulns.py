"""The mandatory tests of CSAF 2.0 section 6.1 about vulnerabilities: product status
without contradiction, CVSS objects valid, computed right and consistent with their
vector, CWEs that exist, each CVE once, remediations and flags that name products, and
the statements the VEX profile requires."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from functools import cache
from typing import Any

from prodsec.supplychain.csaf import cvss
from prodsec.supplychain.csaf.document import Failure, json_path
from prodsec.supplychain.csaf.schema import cvss_failures, data_file
from prodsec.supplychain.csaf.walk import (
    Path,
    member,
    objects,
    repeats,
    strings,
    vulnerabilities,
)

_GROUPS = {
    "affected": ("first_affected", "known_affected", "last_affected"),
    "not affected": ("known_not_affected",),
    "fixed": ("first_fixed", "fixed"),
    "under investigation": ("under_investigation",),
}


def check_6_1_6(doc: Any) -> list[Failure]:
    """Contradicting product status."""
    out = []
    for p, vuln in vulnerabilities(doc):
        owner: dict[str, str] = {}
        for group, keys in _GROUPS.items():
            for key in keys:
                for q, pid in strings(
                    member(vuln, "product_status", key), (*p, "product_status", key)
                ):
                    other = owner.setdefault(pid, group)
                    if other != group:
                        message = f"{pid!r} is both {other} and {group}"
                        out.append(Failure("6.1.6", json_path(q), message))
    return out


def _cvss(doc: Any) -> Iterator[tuple[Path, Path, str, dict[str, Any]]]:
    """(score path, object path, CVSS version, object) of every CVSS object."""
    for p, vuln in vulnerabilities(doc):
        for q, score in objects(vuln.get("scores"), (*p, "scores")):
            for key in ("cvss_v2", "cvss_v3"):
                value = score.get(key)
                if isinstance(value, dict):
                    version = "2.0" if key == "cvss_v2" else str(value.get("version", ""))
                    yield q, (*q, key), version, value


def check_6_1_7(doc: Any) -> list[Failure]:
    """More than one score of the same CVSS version for one product."""
    out = []
    for p, vuln in vulnerabilities(doc):
        seen: set[tuple[str, str]] = set()
        for q, score in objects(vuln.get("scores"), (*p, "scores")):
            versions = [
                "2.0" if key == "cvss_v2" else str(member(score, key, "version"))
                for key in ("cvss_v2", "cvss_v3")
                if isinstance(score.get(key), dict)
            ]
            for r, pid in strings(score.get("products"), (*q, "products")):
                for version in versions:
                    if (pid, version) in seen:
                        message = f"{pid!r} has more than one CVSS {version} score"
                        out.append(Failure("6.1.7", json_path(r), message))
                    seen.add((pid, version))
    return out


_CVSS_SCHEMAS = {"2.0": "cvss-v2.0.json", "3.0": "cvss-v3.0.json", "3.1": "cvss-v3.1.json"}


def check_6_1_8(doc: Any) -> list[Failure]:
    """A CVSS object invalid against FIRST's schema of its version."""
    out = []
    for _, p, version, value in _cvss(doc):
        if version not in _CVSS_SCHEMAS:
            out.append(Failure("6.1.8", json_path((*p, "version")), f"unknown version {version!r}"))
        else:
            out.extend(cvss_failures(value, _CVSS_SCHEMAS[version], json_path(p)))
    return out


def _parsed(doc: Any) -> Iterator[tuple[Path, str, dict[str, Any], dict[str, str]]]:
    """(object path, version, object, metrics) of each CVSS object whose vector parses."""
    for _, p, version, value in _cvss(doc):
        vector = value.get("vectorString")
        if version in _CVSS_SCHEMAS and isinstance(vector, str):
            metrics = cvss.parse_vector(vector, version)
            if metrics is not None:
                yield p, version, value, metrics


def _disagree(
    test: str, p: Path, value: dict[str, Any], expected: dict[str, Any], verb: str
) -> list[Failure]:
    return [
        Failure(test, json_path((*p, prop)), f"{value[prop]!r}, but the vector {verb} {want!r}")
        for prop, want in expected.items()
        if prop in value and value[prop] != want
    ]


def check_6_1_9(doc: Any) -> list[Failure]:
    """CVSS scores and severities not as the vector computes them."""
    out = []
    for p, version, value, metrics in _parsed(doc):
        computed = cvss.compute(metrics, version).properties()
        out.extend(_disagree("6.1.9", p, value, computed, "computes to"))
    return out


def check_6_1_10(doc: Any) -> list[Failure]:
    """CVSS properties that contradict the vector."""
    out = []
    for p, version, value, metrics in _parsed(doc):
        stated = cvss.properties(metrics, version)
        table = cvss.V2_METRICS if version == "2.0" else cvss.V3_METRICS
        expected = {prop: stated.get(prop, "NOT_DEFINED") for prop, _ in table.values()}
        out.extend(_disagree("6.1.10", p, value, expected, "says"))
    return out


@cache
def cwe_names() -> dict[str, str]:
    """CWE id (`CWE-79`) -> name, from the packaged CWE list."""
    data = json.loads(data_file("cwe-4.14-names.json"))
    return {f"CWE-{k}": v for k, v in data["names"].items()}


def check_6_1_11(doc: Any) -> list[Failure]:
    """A CWE that does not exist, or with a name not its own."""
    out = []
    for p, vuln in vulnerabilities(doc):
        cwe = vuln.get("cwe")
        if not isinstance(cwe, dict) or not isinstance(cwe.get("id"), str):
            continue
        name = cwe_names().get(cwe["id"])
        if name is None:
            out.append(
                Failure("6.1.11", json_path((*p, "cwe", "id")), f"{cwe['id']} does not exist")
            )
        elif cwe.get("name") != name:
            message = f"{cwe['id']} is named {name!r}, not {cwe.get('name')!r}"
            out.append(Failure("6.1.11", json_path((*p, "cwe", "name")), message))
    return out


def check_6_1_23(doc: Any) -> list[Failure]:
    """The same CVE in more than one vulnerability."""
    cves = (((*p, "cve"), v.get("cve")) for p, v in vulnerabilities(doc))
    return [Failure("6.1.23", json_path(p), f"{cve} is used again") for p, cve in repeats(cves)]


def _without_products(doc: Any, key: str, test: str) -> list[Failure]:
    return [
        Failure(test, json_path(q), "names neither product_ids nor group_ids")
        for p, vuln in vulnerabilities(doc)
        for q, item in objects(vuln.get(key), (*p, key))
        if "product_ids" not in item and "group_ids" not in item
    ]


def check_6_1_29(doc: Any) -> list[Failure]:
    """A remediation without a product reference."""
    return _without_products(doc, "remediations", "6.1.29")


def check_6_1_32(doc: Any) -> list[Failure]:
    """A flag without a product reference."""
    return _without_products(doc, "flags", "6.1.32")


def group_members(doc: Any) -> dict[str, set[str]]:
    """Product group id -> the product ids it holds."""
    groups = objects(member(doc, "product_tree", "product_groups"), ())
    return {
        g["group_id"]: {pid for _, pid in strings(g.get("product_ids"), ())}
        for _, g in groups
        if isinstance(g.get("group_id"), str)
    }


def covered(item: dict[str, Any], groups: dict[str, set[str]]) -> set[str]:
    """The products an item (a flag, threat or remediation) names, through groups too."""
    out = {pid for _, pid in strings(item.get("product_ids"), ())}
    for _, gid in strings(item.get("group_ids"), ()):
        out |= groups.get(gid, set())
    return out


def check_6_1_33(doc: Any) -> list[Failure]:
    """A product in more than one flag (each flag carries a VEX justification code)."""
    groups = group_members(doc)
    out = []
    for p, vuln in vulnerabilities(doc):
        counts: Counter[str] = Counter()
        for _, flag in objects(vuln.get("flags"), ()):
            counts.update(covered(flag, groups))
        for pid, n in sorted(counts.items()):
            if n > 1:
                message = f"{pid!r} is in {n} flags with VEX justification codes"
                out.append(Failure("6.1.33", json_path((*p, "flags")), message))
    return out
