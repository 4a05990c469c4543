"""The mandatory profile tests of CSAF 2.0 section 6.1.27: what the informational
advisory, the security incident response, the security advisory and the VEX profile
each require. A test is skipped for a document of another category."""

from __future__ import annotations

from typing import Any

from prodsec.supplychain.csaf.document import Failure, json_path
from prodsec.supplychain.csaf.tests_vulns import covered, group_members
from prodsec.supplychain.csaf.walk import member, objects, strings, vulnerabilities

_INFORMING = ("csaf_informational_advisory", "csaf_security_incident_response")
_ADVISING = ("csaf_security_advisory", "csaf_vex")


def _category(doc: Any) -> Any:
    return member(doc, "document", "category")


def check_6_1_27_1(doc: Any) -> list[Failure]:
    """Document notes: one of category description, details, general or summary."""
    if _category(doc) not in _INFORMING:
        return []
    kinds = {"description", "details", "general", "summary"}
    notes = objects(member(doc, "document", "notes"), ())
    if any(n.get("category") in kinds for _, n in notes):
        return []
    message = "no note of category description, details, general or summary"
    return [Failure("6.1.27.1", "$.document.notes", message)]


def check_6_1_27_2(doc: Any) -> list[Failure]:
    """Document references: one external."""
    if _category(doc) not in _INFORMING:
        return []
    refs = objects(member(doc, "document", "references"), ())
    if any(r.get("category") == "external" for _, r in refs):
        return []
    return [Failure("6.1.27.2", "$.document.references", "no reference of category external")]


def check_6_1_27_3(doc: Any) -> list[Failure]:
    """An informational advisory has no vulnerabilities."""
    informational = _category(doc) == "csaf_informational_advisory"
    if informational and isinstance(doc, dict) and "vulnerabilities" in doc:
        message = "an informational advisory lists no vulnerabilities"
        return [Failure("6.1.27.3", "$.vulnerabilities", message)]
    return []


def check_6_1_27_4(doc: Any) -> list[Failure]:
    """A security advisory or VEX document has a product tree."""
    if _category(doc) in _ADVISING and isinstance(doc, dict) and "product_tree" not in doc:
        return [Failure("6.1.27.4", "$.product_tree", f"missing in a {_category(doc)} document")]
    return []


def _each_needs(doc: Any, categories: tuple[str, ...], key: str, test: str) -> list[Failure]:
    if _category(doc) not in categories:
        return []
    return [
        Failure(test, json_path((*p, key)), f"missing in a {_category(doc)} document")
        for p, vuln in vulnerabilities(doc)
        if key not in vuln
    ]


def check_6_1_27_5(doc: Any) -> list[Failure]:
    """Each vulnerability of a security advisory or VEX document has notes."""
    return _each_needs(doc, _ADVISING, "notes", "6.1.27.5")


def check_6_1_27_6(doc: Any) -> list[Failure]:
    """Each vulnerability of a security advisory has a product status."""
    return _each_needs(doc, ("csaf_security_advisory",), "product_status", "6.1.27.6")


_VEX_STATUSES = ("fixed", "known_affected", "known_not_affected", "under_investigation")


def check_6_1_27_7(doc: Any) -> list[Failure]:
    """Each vulnerability of a VEX document states a VEX status."""
    if _category(doc) != "csaf_vex":
        return []
    return [
        Failure(
            "6.1.27.7", json_path((*p, "product_status")), "none of " + ", ".join(_VEX_STATUSES)
        )
        for p, vuln in vulnerabilities(doc)
        if not any(isinstance(member(vuln, "product_status", k), list) for k in _VEX_STATUSES)
    ]


def check_6_1_27_8(doc: Any) -> list[Failure]:
    """Each vulnerability of a VEX document has a cve or ids."""
    if _category(doc) != "csaf_vex":
        return []
    return [
        Failure("6.1.27.8", json_path(p), "neither cve nor ids")
        for p, vuln in vulnerabilities(doc)
        if "cve" not in vuln and "ids" not in vuln
    ]


def _statements(doc: Any, status: str, sources: tuple[str, ...], test: str) -> list[Failure]:
    """Each product of `status` named by an item of one of `sources` (threats only when
    of category impact)."""
    groups = group_members(doc)
    out = []
    for p, vuln in vulnerabilities(doc):
        named: set[str] = set()
        for key in sources:
            for _, item in objects(vuln.get(key), ()):
                if key != "threats" or item.get("category") == "impact":
                    named |= covered(item, groups)
        for q, pid in strings(
            member(vuln, "product_status", status), (*p, "product_status", status)
        ):
            if pid not in named:
                message = f"{pid!r} has no statement in " + " or ".join(sources)
                out.append(Failure(test, json_path(q), message))
    return out


def check_6_1_27_9(doc: Any) -> list[Failure]:
    """Each known-not-affected product of a VEX document has an impact statement."""
    if _category(doc) != "csaf_vex":
        return []
    return _statements(doc, "known_not_affected", ("flags", "threats"), "6.1.27.9")


def check_6_1_27_10(doc: Any) -> list[Failure]:
    """Each known-affected product of a VEX document has an action statement."""
    if _category(doc) != "csaf_vex":
        return []
    return _statements(doc, "known_affected", ("remediations",), "6.1.27.10")


def check_6_1_27_11(doc: Any) -> list[Failure]:
    """A security advisory or VEX document has vulnerabilities."""
    if _category(doc) in _ADVISING and isinstance(doc, dict) and "vulnerabilities" not in doc:
        message = f"missing in a {_category(doc)} document"
        return [Failure("6.1.27.11", "$.vulnerabilities", message)]
    return []
