"""A CSAF 2.0 document as frozen pydantic models, member for member as the OASIS schema
defines it: read from JSON data (`from_data`) and written back (`to_data`) without loss,
since only the members a document sets are written. Closed choices are `StrEnum`s; the
CVSS objects stay as FIRST's JSON (`dict`), which `cvss.py` reads."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from prodsec.errors import DataError, Issue
from prodsec.supplychain.csaf.document import json_path


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Category(StrEnum):
    """The profiles' document categories (CSAF Base takes any other text)."""

    BASE = "csaf_base"
    SECURITY_INCIDENT_RESPONSE = "csaf_security_incident_response"
    INFORMATIONAL_ADVISORY = "csaf_informational_advisory"
    SECURITY_ADVISORY = "csaf_security_advisory"
    VEX = "csaf_vex"


class TlpLabel(StrEnum):
    """TLP v1 labels as CSAF 2.0 names them; `WHITE` is what TLP 2.0 calls CLEAR."""

    WHITE = "WHITE"
    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"


class Status(StrEnum):
    DRAFT = "draft"
    FINAL = "final"
    INTERIM = "interim"


class RemediationCategory(StrEnum):
    MITIGATION = "mitigation"
    NO_FIX_PLANNED = "no_fix_planned"
    NONE_AVAILABLE = "none_available"
    VENDOR_FIX = "vendor_fix"
    WORKAROUND = "workaround"


class ThreatCategory(StrEnum):
    EXPLOIT_STATUS = "exploit_status"
    IMPACT = "impact"
    TARGET_SET = "target_set"


class Acknowledgment(_Model):
    names: tuple[str, ...] | None = None
    organization: str | None = None
    summary: str | None = None
    urls: tuple[str, ...] | None = None


class Note(_Model):
    category: str
    text: str
    audience: str | None = None
    title: str | None = None


class Reference(_Model):
    summary: str
    url: str
    category: str | None = None


class FileHash(_Model):
    algorithm: str
    value: str


class Hashes(_Model):
    file_hashes: tuple[FileHash, ...]
    filename: str


class GenericUri(_Model):
    namespace: str
    uri: str


class IdentificationHelper(_Model):
    cpe: str | None = None
    hashes: tuple[Hashes, ...] | None = None
    model_numbers: tuple[str, ...] | None = None
    purl: str | None = None
    sbom_urls: tuple[str, ...] | None = None
    serial_numbers: tuple[str, ...] | None = None
    skus: tuple[str, ...] | None = None
    x_generic_uris: tuple[GenericUri, ...] | None = None


class FullProductName(_Model):
    name: str
    product_id: str
    product_identification_helper: IdentificationHelper | None = None


class Branch(_Model):
    category: str
    name: str
    branches: tuple[Branch, ...] | None = None
    product: FullProductName | None = None


class ProductGroup(_Model):
    group_id: str
    product_ids: tuple[str, ...]
    summary: str | None = None


class Relationship(_Model):
    category: str
    full_product_name: FullProductName
    product_reference: str
    relates_to_product_reference: str


class ProductTree(_Model):
    branches: tuple[Branch, ...] | None = None
    full_product_names: tuple[FullProductName, ...] | None = None
    product_groups: tuple[ProductGroup, ...] | None = None
    relationships: tuple[Relationship, ...] | None = None


class Publisher(_Model):
    category: str
    name: str
    namespace: str
    contact_details: str | None = None
    issuing_authority: str | None = None


class Tlp(_Model):
    label: TlpLabel
    url: str | None = None


class Distribution(_Model):
    text: str | None = None
    tlp: Tlp | None = None


class Engine(_Model):
    name: str
    version: str | None = None


class Generator(_Model):
    engine: Engine
    date: str | None = None


class Revision(_Model):
    date: str
    number: str
    summary: str
    legacy_version: str | None = None


class Tracking(_Model):
    current_release_date: str
    id: str
    initial_release_date: str
    revision_history: tuple[Revision, ...]
    status: Status
    version: str
    aliases: tuple[str, ...] | None = None
    generator: Generator | None = None


class AggregateSeverity(_Model):
    text: str
    namespace: str | None = None


class Document(_Model):
    category: str
    csaf_version: str
    publisher: Publisher
    title: str
    tracking: Tracking
    acknowledgments: tuple[Acknowledgment, ...] | None = None
    aggregate_severity: AggregateSeverity | None = None
    distribution: Distribution | None = None
    lang: str | None = None
    notes: tuple[Note, ...] | None = None
    references: tuple[Reference, ...] | None = None
    source_lang: str | None = None


class Cwe(_Model):
    id: str
    name: str


class Flag(_Model):
    label: str
    date: str | None = None
    group_ids: tuple[str, ...] | None = None
    product_ids: tuple[str, ...] | None = None


class VulnerabilityId(_Model):
    system_name: str
    text: str


class Involvement(_Model):
    party: str
    status: str
    date: str | None = None
    summary: str | None = None


class ProductStatus(_Model):
    first_affected: tuple[str, ...] | None = None
    first_fixed: tuple[str, ...] | None = None
    fixed: tuple[str, ...] | None = None
    known_affected: tuple[str, ...] | None = None
    known_not_affected: tuple[str, ...] | None = None
    last_affected: tuple[str, ...] | None = None
    recommended: tuple[str, ...] | None = None
    under_investigation: tuple[str, ...] | None = None


class RestartRequired(_Model):
    category: str
    details: str | None = None


class Remediation(_Model):
    category: RemediationCategory
    details: str
    date: str | None = None
    entitlements: tuple[str, ...] | None = None
    group_ids: tuple[str, ...] | None = None
    product_ids: tuple[str, ...] | None = None
    restart_required: RestartRequired | None = None
    url: str | None = None


class Score(_Model):
    products: tuple[str, ...]
    cvss_v2: dict[str, Any] | None = None
    cvss_v3: dict[str, Any] | None = None


class Threat(_Model):
    category: ThreatCategory
    details: str
    date: str | None = None
    group_ids: tuple[str, ...] | None = None
    product_ids: tuple[str, ...] | None = None


class Vulnerability(_Model):
    acknowledgments: tuple[Acknowledgment, ...] | None = None
    cve: str | None = None
    cwe: Cwe | None = None
    discovery_date: str | None = None
    flags: tuple[Flag, ...] | None = None
    ids: tuple[VulnerabilityId, ...] | None = None
    involvements: tuple[Involvement, ...] | None = None
    notes: tuple[Note, ...] | None = None
    product_status: ProductStatus | None = None
    references: tuple[Reference, ...] | None = None
    release_date: str | None = None
    remediations: tuple[Remediation, ...] | None = None
    scores: tuple[Score, ...] | None = None
    threats: tuple[Threat, ...] | None = None
    title: str | None = None


class CsafDocument(_Model):
    document: Document
    product_tree: ProductTree | None = None
    vulnerabilities: tuple[Vulnerability, ...] | None = None


def from_data(data: Any, source: str) -> CsafDocument:
    """The model of a document's JSON data; what does not fit is a `DataError` with each
    problem at its JSON path."""
    try:
        return CsafDocument.model_validate(data)
    except ValidationError as exc:
        issues = [Issue(source, 0, json_path(tuple(e["loc"])), e["msg"]) for e in exc.errors()]
        raise DataError(issues) from None


def to_data(doc: CsafDocument) -> dict[str, Any]:
    """The document as JSON data: the members it sets, in the model's order."""
    return doc.model_dump(mode="json", exclude_unset=True)
