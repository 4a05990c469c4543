"""A CSAF 2.0 advisory authored from one product version's findings (and VEX statements),
in the security_advisory or the csaf_vex profile.

- Product tree: vendor > product name > product version, each component of a finding as
  a full product name (its purl, or CPE, as identification helper) and a relationship
  `default_component_of` naming the component inside the product; the statuses speak of
  those relationship products.
- One vulnerability per CVE (or per advisory id without a CVE), with the other ids under
  `ids`; the status of each product from the latest VEX statement (none: affected);
  `not_affected` with its justification as a flag, and its impact statement as a threat.
- Remediations for each affected product: `vendor_fix` naming the fixed versions, else
  `workaround` with the VEX action, else `none_available`.
- A CVSS v3 score from the highest-scoring v3.0/v3.1 vector; an `exploit_status` threat
  when the CVE is in CISA's KEV catalog.
- Tracking: the given id, version and status; one revision; generator prodsec.

The result is checked with our validator before it is returned: what the request gets
wrong (a version 2 with no earlier revisions, a namespace that is no URL, version 0 in a
final document) is a `BadInputError` listing each failed test, and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, assert_never

from prodsec import __version__
from prodsec.errors import BadInputError, Issue
from prodsec.supplychain.csaf import cvss
from prodsec.supplychain.csaf.validate import validate
from prodsec.supplychain.vex.model import VexStatement, VexStatus
from prodsec.supplychain.vuln.findings import Finding, FindingComponent, FindingVex


class ProfileType(StrEnum):
    SECURITY_ADVISORY = "security_advisory"
    CSAF_VEX = "csaf_vex"


class Tlp(StrEnum):
    """TLP 2.0 labels; CSAF 2.0 still writes CLEAR as TLP 1's WHITE."""

    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"

    def csaf(self) -> str:
        return "WHITE" if self is Tlp.CLEAR else self.value


@dataclass(frozen=True, slots=True)
class AdvisoryRequest:
    """What the author needs besides the findings: the product, the publisher's namespace
    (a URL), the document's id, version, status, TLP label and release time."""

    vendor: str
    product: str
    product_version: str
    namespace: str
    id: str
    version: str
    profile_type: ProfileType
    tlp: Tlp
    released: datetime
    status: str = "final"
    title: str = ""


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-").lower() or "x"


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _latest(finding: Finding, statements: Iterable[VexStatement]) -> FindingVex | None:
    """The finding's own VEX, or a later statement from `statements` about the same
    vulnerability (any of its ids) and component (purl or SBOM ref)."""
    ids = {finding.advisory, *finding.aliases}
    names = {finding.component.purl, finding.component.ref} - {""}
    best = finding.vex
    for s in statements:
        if s.vulnerability in ids and (s.component or s.product) in names:
            newer = (
                best is None
                or best.timestamp is None
                or (s.timestamp is not None and s.timestamp >= best.timestamp)
            )
            if newer:
                best = FindingVex(s.status, s.justification, s.impact, s.action, s.timestamp)
    return best


class _Tree:
    """The product tree being built: one product version and its components."""

    def __init__(self, req: AdvisoryRequest) -> None:
        self.req = req
        full = " ".join(t for t in (req.vendor, req.product, req.product_version) if t)
        self.product_id = _slug(f"{req.product}-{req.product_version}")
        self.product = {"name": full, "product_id": self.product_id}
        self.components: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.relationships: list[dict[str, Any]] = []

    def component(self, c: FindingComponent) -> str:
        """The id of the product 'component c inside the product version'."""
        key = (c.name, c.version, c.purl)
        if key not in self.components:
            cid = _slug(f"{c.name}-{c.version}")
            taken = {v["product_id"] for v in self.components.values()}
            n = 1
            while cid in taken:
                n += 1
                cid = _slug(f"{c.name}-{c.version}-{n}")
            entry: dict[str, Any] = {"name": f"{c.name} {c.version}".strip(), "product_id": cid}
            helper = _helper(c)
            if helper:
                entry["product_identification_helper"] = helper
            self.components[key] = entry
            self.relationships.append(
                {
                    "category": "default_component_of",
                    "full_product_name": {
                        "name": f"{entry['name']} in {self.product['name']}",
                        "product_id": f"{self.product_id}:{cid}",
                    },
                    "product_reference": cid,
                    "relates_to_product_reference": self.product_id,
                }
            )
        return f"{self.product_id}:{self.components[key]['product_id']}"

    def data(self) -> dict[str, Any]:
        req = self.req
        leaf: dict[str, Any] = (
            {"category": "product_version", "name": req.product_version, "product": self.product}
            if req.product_version
            else {}
        )
        name: dict[str, Any] = {"category": "product_name", "name": req.product}
        if leaf:
            name["branches"] = [leaf]
        else:
            name["product"] = self.product
        return {
            "branches": [{"category": "vendor", "name": req.vendor, "branches": [name]}],
            "full_product_names": list(self.components.values()),
            "relationships": self.relationships,
        }


def _helper(c: FindingComponent) -> dict[str, str]:
    from packageurl import PackageURL

    if c.purl:
        try:
            PackageURL.from_string(c.purl)
            return {"purl": c.purl}
        except ValueError:
            pass
    if c.cpe.startswith(("cpe:2.3:", "cpe:/")):
        return {"cpe": c.cpe}
    return {}


_ID_SYSTEMS = (("GHSA-", "GitHub Security Advisory"), ("GO-", "Go Vulnerability Database"))


def _ids(group: list[Finding]) -> tuple[str | None, list[dict[str, str]]]:
    every = list(dict.fromkeys(i for f in group for i in (f.advisory, *f.aliases)))
    cve = next((i for i in every if re.fullmatch(r"CVE-\d{4}-\d{4,}", i)), None)
    others = [
        {"system_name": next((s for p, s in _ID_SYSTEMS if i.startswith(p)), "OSV"), "text": i}
        for i in every
        if i != cve
    ]
    return cve, others


def _key(f: Finding) -> str:
    cve, _ = _ids([f])
    return cve or f.advisory


def _vulnerability(group: list[tuple[Finding, str, FindingVex | None]]) -> dict[str, Any]:
    findings = [f for f, _, _ in group]
    cve, ids = _ids(findings)
    status: dict[str, list[str]] = {}
    flags: dict[str, list[str]] = {}
    impacts: list[dict[str, Any]] = []
    remediations: list[dict[str, Any]] = []
    for f, pid, vex in group:
        kind = vex.status if vex else VexStatus.AFFECTED
        match kind:
            case VexStatus.AFFECTED:
                status.setdefault("known_affected", []).append(pid)
                remediations.append(_remediation(f, pid, vex))
            case VexStatus.NOT_AFFECTED:
                status.setdefault("known_not_affected", []).append(pid)
                if vex and vex.justification:
                    flags.setdefault(vex.justification.value, []).append(pid)
                if vex is None or vex.statement or not vex.justification:
                    details = (vex.statement if vex else "") or "Not affected (no reason given)."
                    impacts.append({"category": "impact", "details": details, "product_ids": [pid]})
            case VexStatus.FIXED:
                status.setdefault("fixed", []).append(pid)
            case VexStatus.UNDER_INVESTIGATION:
                status.setdefault("under_investigation", []).append(pid)
            case _:
                assert_never(kind)
    summary = next((f.summary for f in findings if f.summary), "")
    out: dict[str, Any] = {}
    if cve:
        out["cve"] = cve
    if flags:
        out["flags"] = [{"label": k, "product_ids": v} for k, v in flags.items()]
    if ids:
        out["ids"] = ids
    out["notes"] = [
        {
            "category": "description",
            "text": summary or f"No summary given by {findings[0].advisory}.",
            "title": "Description",
        }
    ]
    out["product_status"] = status
    if remediations:
        out["remediations"] = remediations
    affected = status.get("known_affected", [])
    score = _score(findings)
    if score and affected:
        out["scores"] = [{"cvss_v3": score, "products": affected}]
    threats = list(impacts)
    kev = [f for f in findings if f.known_exploited]
    if kev and affected:
        day = kev[0].kev_date.isoformat() if kev[0].kev_date else "a date not given"
        details = f"Known to be exploited: listed in CISA's KEV catalog since {day}."
        threats.append({"category": "exploit_status", "details": details, "product_ids": affected})
    if threats:
        out["threats"] = threats
    if summary:
        out["title"] = summary[:200]
    return out


def _remediation(f: Finding, pid: str, vex: FindingVex | None) -> dict[str, Any]:
    if f.fixed:
        later = ", ".join(f.fixed)
        details = f"Update {f.component.name} to a fixed version ({later}) in a product update."
        return {"category": "vendor_fix", "details": details, "product_ids": [pid]}
    if vex and vex.action:
        return {"category": "workaround", "details": vex.action, "product_ids": [pid]}
    details = f"No fixed version of {f.component.name} is known yet."
    return {"category": "none_available", "details": details, "product_ids": [pid]}


def _score(findings: list[Finding]) -> dict[str, Any] | None:
    scored = [
        obj
        for f in findings
        for s in f.severity
        if s.type == "CVSS_V3" and (obj := cvss.cvss_v3_object(s.vector)) is not None
    ]
    return max(scored, key=lambda o: o["baseScore"], default=None)


def make_advisory(
    req: AdvisoryRequest, findings: Iterable[Finding], vex: Iterable[VexStatement] = ()
) -> dict[str, Any]:
    """The advisory as JSON data, checked against the schema and every mandatory test."""
    statements = tuple(vex)
    tree = _Tree(req)
    groups: dict[str, list[tuple[Finding, str, FindingVex | None]]] = {}
    for f in findings:
        pid = tree.component(f.component)
        groups.setdefault(_key(f), []).append((f, pid, _latest(f, statements)))
    if not groups:
        raise BadInputError("no findings: an advisory needs at least one vulnerability")
    released = _when(req.released)
    category = "csaf_vex" if req.profile_type is ProfileType.CSAF_VEX else "csaf_security_advisory"
    title = req.title or (
        f"{req.vendor} {req.product} {req.product_version}: "
        f"{len(groups)} vulnerabilit{'y' if len(groups) == 1 else 'ies'}"
    )
    doc: dict[str, Any] = {
        "document": {
            "category": category,
            "csaf_version": "2.0",
            "distribution": {"tlp": {"label": req.tlp.csaf(), "url": "https://www.first.org/tlp/"}},
            "lang": "en",
            "notes": [
                {
                    "category": "summary",
                    "text": f"Vulnerabilities in components of {tree.product['name']}, "
                    "with each product's status and what to do.",
                    "title": "Summary",
                }
            ],
            "publisher": {"category": "vendor", "name": req.vendor, "namespace": req.namespace},
            "title": title,
            "tracking": {
                "current_release_date": released,
                "generator": {
                    "date": released,
                    "engine": {"name": "prodsec", "version": __version__},
                },
                "id": req.id,
                "initial_release_date": released,
                "revision_history": [
                    {"date": released, "number": req.version, "summary": "Initial version."}
                ],
                "status": req.status,
                "version": req.version,
            },
        },
        "product_tree": tree.data(),
        "vulnerabilities": [_vulnerability(g) for _, g in sorted(groups.items())],
    }
    failures = validate(doc, req.id).failures
    if failures:
        issues = [Issue("(advisory)", 0, f.path, f"{f.test}: {f.message}") for f in failures]
        raise BadInputError(issues=issues)
    return doc
