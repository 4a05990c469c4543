"""The database tables, as SQLAlchemy 2 declarative models.

A product's profile is stored whole (as JSON) in numbered versions; an assessment keeps
the catalog revision (the data hash) it was computed with, so an old result can be told
apart from one the current catalog would give.

The classes are named apart from the core's values of the same things: a `ProductRecord`
stores the profile the assessment's `Product` is read from, a `SavedAssessment` keeps the
view of an assessment's `Assessment`. The tables keep their names (`products`,
`assessments`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_sign_in: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Failed sign-ins since `last_sign_in`, told to the user at the next sign-in."""
    organisation: Mapped[Organisation | None] = relationship()


class ProductRecord(Base):
    __tablename__ = "products"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    manufacturer: Mapped[str] = mapped_column(String(200))
    model: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(100), index=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    """A deleted product stays as a tombstone: gone from lists, 404 to everyone."""
    deleted_by: Mapped[str | None] = mapped_column(String(320))
    versions: Mapped[list[ProductVersion]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductVersion.number"
    )
    organisation: Mapped[Organisation | None] = relationship()


class ProductVersion(Base):
    __tablename__ = "product_versions"
    __table_args__ = (UniqueConstraint("product_id", "number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    product_id: Mapped[str] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    profile: Mapped[dict[str, object]] = mapped_column(JSON)
    author: Mapped[str | None] = mapped_column(String(320))
    """Who saved it: the user's email at the time, or `cli` / `system` (None: before 0005)."""
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    product: Mapped[ProductRecord] = relationship(back_populates="versions")
    assessments: Mapped[list[SavedAssessment]] = relationship(
        back_populates="version", cascade="all, delete-orphan"
    )


class SavedAssessment(Base):
    __tablename__ = "assessments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version_id: Mapped[str] = mapped_column(
        ForeignKey("product_versions.id", ondelete="CASCADE"), index=True
    )
    on: Mapped[dt.date] = mapped_column(Date)
    markets: Mapped[list[str]] = mapped_column(JSON)
    catalog_revision: Mapped[str] = mapped_column(String(64))
    all_binding_met: Mapped[bool] = mapped_column(Boolean)
    result: Mapped[dict[str, object]] = mapped_column(JSON)
    author: Mapped[str | None] = mapped_column(String(320))
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[ProductVersion] = relationship(back_populates="assessments")


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subject: Mapped[str] = mapped_column(String(300), index=True)
    """What the comment is about: `requirement:ID@E:REF`, `product:UUID`, ..."""
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Login(Base):
    """A signed-in session (a browser cookie) or an API token. Only the SHA-256 of the
    secret is stored, so a copy of the database signs no one in."""

    __tablename__ = "logins"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    """`browser` or `api`."""
    expires: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_used: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    user: Mapped[User] = relationship()


class SignInFailure(Base):
    """A sign-in attempt for an email from a client (its address), at a Unix time: written
    before the password is checked, kept when it was wrong; the throttle counts the recent
    ones."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True, default="", server_default="")
    at: Mapped[float] = mapped_column(Float, index=True)


class AuditEntry(Base):
    """One line of the audit log: who did what to which row, when and from where. Rows
    are only ever added (no code updates or deletes one; triggers refuse it in the
    database, see migration 0005). No foreign keys: an entry outlives its user and its
    target."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    actor: Mapped[str] = mapped_column(String(320), index=True)
    """The user's email at the time, or `cli` / `system`."""
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_kind: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str] = mapped_column(String(320))
    organisation_id: Mapped[str | None] = mapped_column(String(36), index=True)
    """The organisation whose data it touched (None: none, or not an organisation's)."""
    client: Mapped[str] = mapped_column(String(100))
    """The client's address, or `cli`."""
    detail: Mapped[dict[str, object]] = mapped_column(JSON)


class LogEntryRow(Base):
    """One entry of the transparency log: the event's canonical JSON record and its leaf
    hash (hex). Only ever added (triggers of migration 0006 refuse UPDATE and DELETE)."""

    __tablename__ = "log_entries"

    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    leaf_hash: Mapped[str] = mapped_column(String(64), index=True)
    record: Mapped[str] = mapped_column(Text)


class LogSubtreeRow(Base):
    """The hash (hex) of one complete subtree of the log: `id` is the first leaf shifted
    left by 6 bits, or'ed with the level (2**level leaves), so one IN fetches a proof."""

    __tablename__ = "log_subtrees"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))


class LogHeadRow(Base):
    """A signed tree head: size, root hash (hex), milliseconds since 1970, the signing
    key's id and the signature (base64url, unpadded)."""

    __tablename__ = "log_heads"

    tree_size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[int] = mapped_column(BigInteger)
    key_id: Mapped[str] = mapped_column(String(200))
    signature: Mapped[str] = mapped_column(Text)


class SigningKeyRow(Base):
    """A scheme owner's Ed25519 key (`prodsec.store.keys`). The private key is stored
    only sealed (AES-256-GCM under a key derived from PRODSEC_KEY_SECRET, bound to the
    key id and scheme); the public key and the dates are plain. Rows are never deleted:
    a retired key still verifies the labels it signed."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    """The RFC 7638 thumbprint of the public key."""
    scheme: Mapped[str] = mapped_column(String(100), index=True)
    public_key: Mapped[str] = mapped_column(String(64))
    """Base64url of the 32 bytes."""
    sealed_private_key: Mapped[str] = mapped_column(Text)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    activated: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    retired: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    expires: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RegistryRole(Base):
    """A role an organisation holds in a scheme (`scheme-owner`, `lab`, `manufacturer`),
    granted by an administrator; a lab's grant names the levels it is accredited for and
    its dates."""

    __tablename__ = "registry_roles"
    __table_args__ = (UniqueConstraint("organisation_id", "scheme", "role"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(20))
    levels: Mapped[list[str]] = mapped_column(JSON)
    """The levels a lab is accredited for (empty: every level; other roles: empty)."""
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    granted_by: Mapped[str] = mapped_column(String(320))
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    organisation: Mapped[Organisation] = relationship()


class Application(Base):
    """A manufacturer's application for a scheme level for one product version, with
    prodsec's own assessment (and its catalog revision), the route, the lab's report and
    the scheme owner's decision."""

    __tablename__ = "registry_applications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    version_id: Mapped[str] = mapped_column(ForeignKey("product_versions.id"), index=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(100), index=True)
    edition: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(40))
    route: Mapped[str] = mapped_column(String(20))
    basis: Mapped[str] = mapped_column(String(100))
    stage: Mapped[str] = mapped_column(String(20), index=True)
    lab_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    catalog_revision: Mapped[str] = mapped_column(String(64))
    assessment: Mapped[dict[str, object]] = mapped_column(JSON)
    lab_report: Mapped[dict[str, object] | None] = mapped_column(JSON)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    """Why the assessment admitted it, or the scheme owner's reasons for a refusal."""
    open_requirements: Mapped[list[str]] = mapped_column(JSON)
    """The level's requirements prodsec could not judge: the lab's verdicts settle them."""
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[ProductVersion] = relationship()
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="application", order_by="Evidence.created"
    )


class Evidence(Base):
    """An evidence file of an application, stored whole with its SHA-256."""

    __tablename__ = "registry_evidence"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("registry_applications.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    application: Mapped[Application] = relationship(back_populates="evidence")


class RegistryLabel(Base):
    """An issued label: its registration id, term and stored status (`expired` is read
    from the term, never stored), the signed record and the last change's reason."""

    __tablename__ = "registry_labels"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    registration: Mapped[str] = mapped_column(String(100), unique=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("registry_applications.id"))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(100), index=True)
    level: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    support_end: Mapped[dt.date | None] = mapped_column(Date)
    signed: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    log_index: Mapped[int] = mapped_column(Integer)
    """The transparency log's index of the label's last event."""
    application: Mapped[Application] = relationship()


# --- findings: SBOMs and VEX per product version, the package index, verdict changes ---


class SbomDocument(Base):
    """An SBOM of one product version, kept whole (bytes and SHA-256) with what was read
    from it; a version has one per `role` (firmware, app, cloud, ...)."""

    __tablename__ = "sbom_documents"
    __table_args__ = (UniqueConstraint("version_id", "role"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version_id: Mapped[str] = mapped_column(
        ForeignKey("product_versions.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(30))
    spec_version: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    subject: Mapped[str | None] = mapped_column(String(500))
    author: Mapped[str] = mapped_column(String(320))
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[ProductVersion] = relationship()
    components: Mapped[list[SbomComponentRow]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        order_by="SbomComponentRow.position",
    )


class SbomComponentRow(Base):
    """A component read from a stored SBOM, in document order, with its direct
    dependencies (references) and whether the document's subject depends on it directly."""

    __tablename__ = "sbom_components"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("sbom_documents.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    ref: Mapped[str] = mapped_column(String(500))
    name: Mapped[str] = mapped_column(String(500))
    version: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(40))
    purl: Mapped[str] = mapped_column(String(1000))
    cpes: Mapped[list[str]] = mapped_column(JSON)
    supplier: Mapped[str] = mapped_column(String(500))
    depends_on: Mapped[list[str]] = mapped_column(JSON)
    top_level: Mapped[bool] = mapped_column(Boolean)
    document: Mapped[SbomDocument] = relationship(back_populates="components")


class VexDocumentRow(Base):
    """A VEX document of a product, kept whole; its statements name the product versions
    and components they are about."""

    __tablename__ = "vex_documents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    product_id: Mapped[str] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    author: Mapped[str] = mapped_column(String(320))
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PackageUse(Base):
    """The inverted index: a package key (`PyPI:requests`, `cpe:a:wolfssl:wolfssl`) of a
    stored component of a product version, kept on SBOM upload, so an advisory finds the
    versions and components it may touch without reading any SBOM."""

    __tablename__ = "package_uses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(400), index=True)
    version_id: Mapped[str] = mapped_column(
        ForeignKey("product_versions.id", ondelete="CASCADE"), index=True
    )
    component_id: Mapped[int] = mapped_column(
        ForeignKey("sbom_components.id", ondelete="CASCADE"), index=True
    )


class SupplyState(Base):
    """The last supply-chain verdicts of a product version (block id -> met) and the
    findings they rest on (`store/supply.py`, `StateFinding`), as the last SBOM or VEX
    upload or re-assessment left them."""

    __tablename__ = "supply_states"

    version_id: Mapped[str] = mapped_column(
        ForeignKey("product_versions.id", ondelete="CASCADE"), primary_key=True
    )
    verdicts: Mapped[dict[str, bool]] = mapped_column(JSON)
    findings: Mapped[list[Any]] = mapped_column(JSON)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class VerdictChange(Base):
    """A change of a product version's verdict that an advisory brought: before and after
    per block, and the requirements whose verdict it changes."""

    __tablename__ = "verdict_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[str] = mapped_column(
        ForeignKey("product_versions.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[str | None] = mapped_column(String(36), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    advisory: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict[str, bool]] = mapped_column(JSON)
    after: Mapped[dict[str, bool]] = mapped_column(JSON)
    requirements: Mapped[list[str]] = mapped_column(JSON)
    version: Mapped[ProductVersion] = relationship()


# --- vulns: the offline advisory index (supplychain/vuln/index.py) ---

COARSE = String(40).with_variant(String(40, collation="C"), "postgresql")
"""Coarse version keys compare byte by byte (PostgreSQL's locale collations would not)."""


class AdvisoryRow(Base):
    """One advisory (OSV record, or a CVE from an NVD-style CPE file) stored as JSON."""

    __tablename__ = "vuln_records"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    modified: Mapped[str] = mapped_column(String(40))
    published: Mapped[str] = mapped_column(String(40), default="")
    withdrawn: Mapped[str] = mapped_column(String(40), default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    document: Mapped[dict[str, object]] = mapped_column(JSON)


class AdvisoryAlias(Base):
    __tablename__ = "vuln_aliases"
    __table_args__ = (UniqueConstraint("advisory", "alias"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    advisory: Mapped[str] = mapped_column(
        ForeignKey("vuln_records.id", ondelete="CASCADE"), index=True
    )
    alias: Mapped[str] = mapped_column(String(100), index=True)


class AdvisoryPackage(Base):
    """A range of an affected package: the coarse keys of its bounds (`index.range_keys`)."""

    __tablename__ = "vuln_packages"
    __table_args__ = (Index("ix_vuln_packages_lookup", "ecosystem", "name", "low"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    advisory: Mapped[str] = mapped_column(
        ForeignKey("vuln_records.id", ondelete="CASCADE"), index=True
    )
    ecosystem: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(300))
    low: Mapped[str] = mapped_column(COARSE)
    high: Mapped[str] = mapped_column(COARSE)


class AdvisoryCpeRule(Base):
    __tablename__ = "vuln_cpe_rules"
    __table_args__ = (Index("ix_vuln_cpe_rules_lookup", "part", "vendor", "product"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    advisory: Mapped[str] = mapped_column(
        ForeignKey("vuln_records.id", ondelete="CASCADE"), index=True
    )
    part: Mapped[str] = mapped_column(String(1))
    vendor: Mapped[str] = mapped_column(String(200))
    product: Mapped[str] = mapped_column(String(200))
    criteria: Mapped[str] = mapped_column(Text)
    start_including: Mapped[str] = mapped_column(String(100), default="")
    start_excluding: Mapped[str] = mapped_column(String(100), default="")
    end_including: Mapped[str] = mapped_column(String(100), default="")
    end_excluding: Mapped[str] = mapped_column(String(100), default="")


class KevRow(Base):
    """An entry of the CISA KEV catalog as last synced."""

    __tablename__ = "vuln_kev"

    cve: Mapped[str] = mapped_column(String(40), primary_key=True)
    date_added: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    ransomware: Mapped[bool] = mapped_column(Boolean, default=False)
    vendor: Mapped[str] = mapped_column(String(200), default="")
    product: Mapped[str] = mapped_column(String(200), default="")
    name: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(Text, default="")


# --- csaf: published CSAF advisories ---
class CsafAdvisoryRow(Base):
    """A CSAF 2.0 advisory an organisation publishes: the bytes as served, their hashes,
    and what the provider directory lists (supplychain/csaf/provider.py). One row per
    tracking id; a later version replaces it."""

    __tablename__ = "csaf_advisories"
    __table_args__ = (UniqueConstraint("organisation_id", "tracking_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    tracking_id: Mapped[str] = mapped_column(String(1000))
    title: Mapped[str] = mapped_column(Text)
    tlp: Mapped[str] = mapped_column(String(10))
    version: Mapped[str] = mapped_column(String(100))
    initial_release: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    current_release: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    sha512: Mapped[str] = mapped_column(String(128))
    published: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


# --- lead: reporting clocks ---
class IncidentRow(Base):
    """An actively exploited vulnerability, a severe incident or another event that sets
    reporting duties off, for one product: when the manufacturer became aware (kept in
    UTC, with the offset it was given in and the zone to show deadlines in), when a fix
    was available, and the answers the reports draw on."""

    __tablename__ = "incidents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), index=True)
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    aware_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    aware_offset: Mapped[int] = mapped_column(Integer)
    """The UTC offset, in minutes, the awareness time was given with."""
    zone: Mapped[str] = mapped_column(String(64))
    fix_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    size: Mapped[str | None] = mapped_column(String(10))
    markets: Mapped[list[str]] = mapped_column(JSON)
    facts: Mapped[dict[str, str]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(320))
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    reports: Mapped[list[IncidentReportRow]] = relationship(
        back_populates="incident",
        cascade="all, delete-orphan",
        order_by="IncidentReportRow.sent_at",
    )


class IncidentReportRow(Base):
    """One report sent for an incident's step, with what it said."""

    __tablename__ = "incident_reports"
    __table_args__ = (UniqueConstraint("incident_id", "step"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    incident_id: Mapped[str] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    content: Mapped[dict[str, object]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(320))
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    incident: Mapped[IncidentRow] = relationship(back_populates="reports")


# --- lead: proposals and review ---
class EditorRole(Base):
    """A user who may review proposals: for one instrument (`instrument`, its id), one
    jurisdiction (`jurisdiction`, its code) or everything (`all`)."""

    __tablename__ = "editor_roles"
    __table_args__ = (UniqueConstraint("user_id", "scope_kind", "scope"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scope_kind: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(100))
    granted_by: Mapped[str] = mapped_column(String(320))
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ProposalRow(Base):
    """A proposed change of one fact of the catalog, with its source, and its review."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    author_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(320))
    origin: Mapped[str] = mapped_column(String(40))
    batch: Mapped[str | None] = mapped_column(String(36), index=True)
    fact: Mapped[str] = mapped_column(String(300), index=True)
    action: Mapped[str] = mapped_column(String(10))
    field: Mapped[str] = mapped_column(String(60))
    current: Mapped[str] = mapped_column(Text)
    proposed: Mapped[str] = mapped_column(Text)
    instruments: Mapped[list[str]] = mapped_column(JSON)
    jurisdictions: Mapped[list[str]] = mapped_column(JSON)
    citation: Mapped[str] = mapped_column(String(300))
    quote: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(2000))
    rationale: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decision: Mapped[str] = mapped_column(Text, default="")
    patch: Mapped[str | None] = mapped_column(Text)
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


# --- lead: watches and verdict changes ---
class Watch(Base):
    """A user follows an instrument, a jurisdiction or a product: their organisation's
    products in its scope are re-assessed when the catalog changes."""

    __tablename__ = "watches"
    __table_args__ = (UniqueConstraint("user_id", "kind", "target"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(100))
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CatalogReassessment(Base):
    """What changed in a product's assessment when the catalog changed: the requirements
    that moved, and a summary. (A change an advisory brings is a `VerdictChange`.)"""

    __tablename__ = "catalog_reassessments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    product_id: Mapped[str] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    cause: Mapped[str] = mapped_column(String(300))
    """`catalog revision 24`, `advisory GHSA-...`."""
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    summary: Mapped[str] = mapped_column(Text)
    changes: Mapped[list[dict[str, object]]] = mapped_column(JSON)


class AppState(Base):
    """Small facts the server keeps between runs (the catalog it last re-assessed for)."""

    __tablename__ = "app_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# --- reg: the log's subjects ---


class LogSubjectRow(Base):
    """Which subject (a registration ID, a key ID) each log entry's record names, written
    in the append's transaction (migration 0015): the consumer page finds a label's
    entries by a look-up. An index only: the page still proves each entry it reads, and
    `prodsec log verify` compares the rows with the records. Append-only, as the log."""

    __tablename__ = "log_subjects"
    __table_args__ = (Index("ix_log_subjects_subject", "subject", "idx"),)

    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    subject: Mapped[str] = mapped_column(Text)
