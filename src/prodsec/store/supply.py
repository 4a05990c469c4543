"""SBOMs and VEX documents stored per product version, the inverted index from packages to
product versions, and the verdict changes continuous re-assessment records.

An SBOM is read (any format `supplychain.sbom` reads) before anything is written: a bad
one raises BadInputError with the reader's located problems and stores nothing. The file
is kept whole with its SHA-256; its components are stored in document order with their
direct dependencies and whether the document's subject depends on them directly; every
package key of its components (`assess.supply.component_keys`) joins the index. Each
change is audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prodsec.assess.profile import Profile
from prodsec.assess.supply import (
    SbomEvidence,
    component_keys,
    gather,
    read_vex,
    state_finding,
    state_verdicts,
    top_level,
    with_evidence,
)
from prodsec.errors import BadInputError, ConflictError, DataError, LimitExceededError
from prodsec.store.audit import SYSTEM, Action, Actor, Target, record
from prodsec.store.db import Database
from prodsec.store.models import (
    PackageUse,
    ProductRecord,
    ProductVersion,
    SbomComponentRow,
    SbomDocument,
    VexDocumentRow,
)
from prodsec.store.reassess import component_of, max_days, refresh
from prodsec.store.repo import NotStoredError, Visibility, get_product
from prodsec.supplychain.sbom import Sbom, SbomError, read_sbom
from prodsec.supplychain.sbom.diff import diff_sboms
from prodsec.supplychain.sbom.views import SbomDiffPublic, diff_view
from prodsec.supplychain.vuln.findings import AdvisoryIndex, Finding, scan

STORED_FILE_BYTES = 16 * 1024 * 1024
"""The largest SBOM or VEX file stored (16 MiB): larger ones are refused before reading."""

ROLE = re.compile(r"[a-z][a-z0-9-]{0,39}")


def get_version(
    session: Session, visibility: Visibility, product_id: str, number: int
) -> ProductVersion:
    product = get_product(session, visibility, product_id)
    found = next((v for v in product.versions if v.number == number), None)
    if found is None:
        raise NotStoredError("product version", f"{product_id} version {number}")
    return found


def _checked_file(data: bytes, name: str, what: str) -> str:
    """The SHA-256 of a file to store; refuse one that is empty or too large."""
    if not data:
        raise BadInputError(f"{name}: an empty {what}", field="file")
    if len(data) > STORED_FILE_BYTES:
        raise LimitExceededError(
            f"{name}: {len(data)} bytes, more than a stored {what} may have ({STORED_FILE_BYTES})",
            limit="bytes",
        )
    return hashlib.sha256(data).hexdigest()


def read_for_storage(data: bytes, name: str) -> Sbom:
    """The SBOM read from `data`; its located problems as a BadInputError (the user's
    upload: HTTP 400, exit 2)."""
    try:
        return read_sbom(data, name)
    except SbomError as exc:
        raise BadInputError(issues=exc.issues) from None


def add_sbom(
    session: Session,
    visibility: Visibility,
    product_id: str,
    number: int,
    data: bytes,
    name: str,
    role: str,
    by: Actor = SYSTEM,
    index: AdvisoryIndex | None = None,
) -> SbomDocument:
    """Store an SBOM as the `role` SBOM of a product version (one per role: a second is
    a ConflictError), its components and their package keys; with an advisory index, the
    version's supply-chain state is judged again (`store/reassess.py`)."""
    if not ROLE.fullmatch(role):
        raise BadInputError(
            f"'{role}' is no role: lower-case letters, digits and '-', such as firmware",
            field="role",
        )
    version = get_version(session, visibility, product_id, number)
    digest = _checked_file(data, name, "SBOM")
    sbom = read_for_storage(data, name)
    held = session.scalar(
        select(SbomDocument.id).where(
            SbomDocument.version_id == version.id, SbomDocument.role == role
        )
    )
    if held is not None:
        raise ConflictError(f"version {number} of product '{product_id}' has a {role} SBOM already")
    graph = dict(sbom.dependencies)
    top = top_level(sbom)
    document = SbomDocument(
        version_id=version.id,
        role=role,
        name=name[:200],
        format=sbom.format.value,
        spec_version=sbom.spec_version[:20],
        size=len(data),
        sha256=digest,
        content=data,
        subject=sbom.subject,
        author=by.name,
        components=[
            SbomComponentRow(
                position=i,
                ref=c.ref,
                name=c.name,
                version=c.version,
                type=c.type.value,
                purl=c.purl,
                cpes=list(c.cpes),
                supplier=c.supplier,
                depends_on=list(graph.get(c.ref, ())),
                top_level=c.ref in top,
            )
            for i, c in enumerate(sbom.components)
        ],
    )
    session.add(document)
    session.flush()
    session.add_all(
        PackageUse(key=key, version_id=version.id, component_id=row.id)
        for row, component in zip(document.components, sbom.components, strict=True)
        for key in dict.fromkeys(component_keys(component))
    )
    session.flush()
    _audit(session, by, version.product, document.id, "sbom", {"version": number, "role": role})
    if index is not None:
        refresh(session, version, index, dt.date.today(), f"SBOM {name}")
    return document


def add_vex(
    session: Session,
    visibility: Visibility,
    product_id: str,
    data: bytes,
    name: str,
    by: Actor = SYSTEM,
    index: AdvisoryIndex | None = None,
) -> VexDocumentRow:
    """Store a VEX document of a product (read first: a bad one stores nothing); with an
    advisory index, every version of the product with an SBOM is judged again."""
    product = get_product(session, visibility, product_id)
    digest = _checked_file(data, name, "VEX document")
    try:
        read_vex(data, name)
    except DataError as exc:
        raise BadInputError(issues=exc.issues) from None
    document = VexDocumentRow(
        product_id=product.id,
        name=name[:200],
        size=len(data),
        sha256=digest,
        content=data,
        author=by.name,
    )
    session.add(document)
    session.flush()
    _audit(session, by, product, document.id, "vex", {})
    if index is not None:
        held = select(SbomDocument.version_id)
        for version in product.versions:
            if session.scalar(held.where(SbomDocument.version_id == version.id).limit(1)):
                refresh(session, version, index, dt.date.today(), f"VEX {name}")
    return document


def _audit(
    session: Session,
    by: Actor,
    product: ProductRecord,
    ident: str,
    kind: str,
    detail: dict[str, object],
) -> None:
    record(
        session,
        by,
        Action.CREATED,
        Target(kind, ident),
        by.client,
        {"product": product.id, **detail},
        organisation=product.organisation_id,
    )


def sboms_of(session: Session, version: ProductVersion) -> list[SbomDocument]:
    return list(
        session.scalars(
            select(SbomDocument)
            .where(SbomDocument.version_id == version.id)
            .order_by(SbomDocument.role)
        )
    )


def vex_of(session: Session, product_id: str) -> list[VexDocumentRow]:
    return list(
        session.scalars(
            select(VexDocumentRow)
            .where(VexDocumentRow.product_id == product_id)
            .order_by(VexDocumentRow.created, VexDocumentRow.id)
        )
    )


def components_page(
    session: Session, version: ProductVersion, offset: int = 0, limit: int = 50
) -> tuple[list[tuple[str, SbomComponentRow]], int]:
    """A page of a version's components (with their SBOM's role), and how many there are."""
    joined = (
        select(SbomDocument.role, SbomComponentRow)
        .join(SbomDocument)
        .where(SbomDocument.version_id == version.id)
    )
    total = session.scalar(
        select(func.count())
        .select_from(SbomComponentRow)
        .join(SbomDocument)
        .where(SbomDocument.version_id == version.id)
    )
    rows = session.execute(
        joined.order_by(SbomDocument.role, SbomComponentRow.position).offset(offset).limit(limit)
    )
    return [(role, row) for role, row in rows], total or 0


def advisory_index(db: Database) -> AdvisoryIndex:
    """The advisory index `vulns sync` keeps in the database."""
    from prodsec.store.vulns import SqlAdvisoryIndex

    return SqlAdvisoryIndex(db)


def findings_of(
    session: Session, version: ProductVersion, index: AdvisoryIndex, on: dt.date
) -> tuple[list[tuple[str, Finding]], dict[str, bool]]:
    """The findings of every stored SBOM of a version (with its role) on `on`, the
    product's VEX statements applied, and the verdicts of the supply-chain blocks."""
    vex = [s for d in vex_of(session, version.product_id) for s in read_vex(d.content, d.name)]
    found: list[tuple[str, Finding]] = []
    documents = sboms_of(session, version)
    for document in documents:
        components = [component_of(c) for c in document.components]
        found += [(document.role, f) for f in scan(components, index, on=on, vex=vex)]
    top = any(c.top_level for d in documents for c in d.components)
    states = [state_finding(role, f) for role, f in found]
    days = max_days(version.profile)
    return found, state_verdicts(states, len(documents), top, on, days)


def stored_evidence(
    session: Session, version: ProductVersion, profile: Profile, index: AdvisoryIndex, on: dt.date
) -> Profile:
    """A stored product's profile with the supply-chain claims derived from the version's
    stored SBOMs and the product's VEX documents; unchanged when it has no SBOM."""
    documents = sboms_of(session, version)
    if not documents:
        return profile
    sboms = [SbomEvidence(d.name, d.role, read_sbom(d.content, d.name)) for d in documents]
    vex = [(d.name, read_vex(d.content, d.name)) for d in vex_of(session, version.product_id)]
    days = max_days(version.profile)
    return with_evidence(profile, gather(sboms, vex, index, on, days), on)


def sbom_diff(session: Session, version: ProductVersion) -> list[SbomDiffPublic]:
    """Per role, what changed from the newest earlier version with an SBOM of that role."""
    found: list[SbomDiffPublic] = []
    for document in sboms_of(session, version):
        earlier = session.scalars(
            select(SbomDocument)
            .join(ProductVersion)
            .where(
                ProductVersion.product_id == version.product_id,
                ProductVersion.number < version.number,
                SbomDocument.role == document.role,
            )
            .order_by(ProductVersion.number.desc())
            .limit(1)
        ).first()
        if earlier is not None:
            old = read_sbom(earlier.content, f"version {earlier.version.number} {earlier.name}")
            new = read_sbom(document.content, f"version {version.number} {document.name}")
            found.append(diff_view(old, new, diff_sboms(old, new)))
    return found
