"""A product's supply chain (private): SBOMs per product version, VEX documents per
product, the stored components, the findings of a version and the product's change log.

Uploads are the request body (the file itself, any content type); the SBOM's format is
found from its content. A bad SBOM or VEX is a 400 with the reader's located problems,
and nothing is stored."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from typing_extensions import TypedDict

from prodsec.assess.supply import FindingPublic, finding_view
from prodsec.store import supply
from prodsec.store.audit import Actor
from prodsec.store.changelog import LogFilter, LoggedChangePublic
from prodsec.store.db import Database
from prodsec.store.models import SbomComponentRow, SbomDocument, VexDocumentRow
from prodsec.store.repo import Visibility
from prodsec.supplychain.vuln.findings import AdvisoryIndex
from prodsec.web.api.watches import CauseQuery, SinceQuery, log_page
from prodsec.web.auth import ActorDep, VisibilityDep, signed_in
from prodsec.web.deps import DbDep, Limit, Offset, Page, page

router = APIRouter(prefix="/api/v1", tags=["supply chain"], dependencies=[Depends(signed_in)])

FILE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
Role = Annotated[str, Query(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9-]*$")]
FileName = Annotated[str, Query(min_length=1, max_length=200)]


def advisories(request: Request) -> AdvisoryIndex:
    """The advisory index the app scans against: `app.state.advisories` when it is set
    (tests), else the database's."""
    found: AdvisoryIndex | None = getattr(request.app.state, "advisories", None)
    return found if found is not None else supply.advisory_index(request.app.state.db)


AdvisoriesDep = Annotated[AdvisoryIndex, Depends(advisories)]


class SbomDocumentPublic(TypedDict):
    id: str
    role: str
    name: str
    format: str
    spec_version: str
    size: int
    sha256: str
    components: int
    author: str


class SbomDocumentsPublic(TypedDict):
    items: list[SbomDocumentPublic]


class VexDocumentPublic(TypedDict):
    id: str
    name: str
    size: int
    sha256: str
    author: str


class StoredComponentPublic(TypedDict):
    role: str
    ref: str
    name: str
    version: str
    type: str
    purl: str
    cpes: list[str]
    supplier: str
    top_level: bool
    depends_on: list[str]


class FindingsPublic(TypedDict):
    """The findings of a product version's stored SBOMs on a day, with the product's VEX
    statements applied, and the supply-chain verdicts they give."""

    product: str
    version: int
    on: str
    findings: list[FindingPublic]
    verdicts: dict[str, bool]


def sbom_document_view(d: SbomDocument) -> SbomDocumentPublic:
    return {
        "id": d.id,
        "role": d.role,
        "name": d.name,
        "format": d.format,
        "spec_version": d.spec_version,
        "size": d.size,
        "sha256": d.sha256,
        "components": len(d.components),
        "author": d.author,
    }


def vex_document_view(d: VexDocumentRow) -> VexDocumentPublic:
    return {"id": d.id, "name": d.name, "size": d.size, "sha256": d.sha256, "author": d.author}


def stored_component_view(role: str, c: SbomComponentRow) -> StoredComponentPublic:
    return {
        "role": role,
        "ref": c.ref,
        "name": c.name,
        "version": c.version,
        "type": c.type,
        "purl": c.purl,
        "cpes": list(c.cpes),
        "supplier": c.supplier,
        "top_level": c.top_level,
        "depends_on": list(c.depends_on),
    }


@router.post(
    "/products/{ident}/versions/{number}/sboms",
    summary="Add an SBOM to a product version",
    status_code=201,
    openapi_extra=FILE_BODY,
)
async def add_sbom(
    ident: str,
    number: int,
    request: Request,
    db: DbDep,
    visibility: VisibilityDep,
    actor: ActorDep,
    index: AdvisoriesDep,
    role: Role = "firmware",
    name: FileName = "sbom.json",
) -> SbomDocumentPublic:
    """The body is the SBOM (CycloneDX JSON or XML, SPDX 2 JSON or tag-value, SPDX 3
    JSON-LD); one per role and version."""
    data = await request.body()
    return await run_in_threadpool(
        _add_sbom, db, visibility, actor, index, ident, number, data, name, role
    )


def _add_sbom(
    db: Database,
    visibility: Visibility,
    actor: Actor,
    index: AdvisoryIndex,
    ident: str,
    number: int,
    data: bytes,
    name: str,
    role: str,
) -> SbomDocumentPublic:
    with db.session() as s:
        found = supply.add_sbom(s, visibility, ident, number, data, name, role, actor, index)
        return sbom_document_view(found)


@router.get("/products/{ident}/versions/{number}/sboms", summary="A product version's SBOMs")
def sboms(ident: str, number: int, db: DbDep, visibility: VisibilityDep) -> SbomDocumentsPublic:
    with db.session() as s:
        version = supply.get_version(s, visibility, ident, number)
        return {"items": [sbom_document_view(d) for d in supply.sboms_of(s, version)]}


@router.post(
    "/products/{ident}/vex",
    summary="Add a VEX document to a product",
    status_code=201,
    openapi_extra=FILE_BODY,
)
async def add_vex(
    ident: str,
    request: Request,
    db: DbDep,
    visibility: VisibilityDep,
    actor: ActorDep,
    index: AdvisoriesDep,
    name: FileName = "vex.json",
) -> VexDocumentPublic:
    """The body is the VEX document; its statements name the components they are about."""
    data = await request.body()
    return await run_in_threadpool(_add_vex, db, visibility, actor, index, ident, data, name)


def _add_vex(
    db: Database,
    visibility: Visibility,
    actor: Actor,
    index: AdvisoryIndex,
    ident: str,
    data: bytes,
    name: str,
) -> VexDocumentPublic:
    with db.session() as s:
        return vex_document_view(supply.add_vex(s, visibility, ident, data, name, actor, index))


@router.get(
    "/products/{ident}/versions/{number}/components", summary="A product version's components"
)
def components(
    ident: str,
    number: int,
    db: DbDep,
    visibility: VisibilityDep,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[StoredComponentPublic]:
    with db.session() as s:
        version = supply.get_version(s, visibility, ident, number)
        rows, total = supply.components_page(s, version, offset, limit)
        return page([stored_component_view(r, c) for r, c in rows], total, offset, limit)


@router.get("/products/{ident}/versions/{number}/findings", summary="A product version's findings")
def findings(
    ident: str,
    number: int,
    db: DbDep,
    visibility: VisibilityDep,
    index: AdvisoriesDep,
    on: dt.date | None = None,
) -> FindingsPublic:
    """Every advisory that hits a component of the version's SBOMs on `on` (default
    today), with the VEX status the product's statements give it."""
    day = on or dt.date.today()
    with db.session() as s:
        version = supply.get_version(s, visibility, ident, number)
        found, verdicts = supply.findings_of(s, version, index, day)
        return {
            "product": ident,
            "version": number,
            "on": day.isoformat(),
            "findings": [finding_view(role, f) for role, f in found],
            "verdicts": verdicts,
        }


@router.get("/products/{ident}/changes", summary="A product's change log")
def changes(
    ident: str,
    db: DbDep,
    visibility: VisibilityDep,
    cause: CauseQuery = None,
    since: SinceQuery = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[LoggedChangePublic]:
    """The organisation's change log (`GET /api/v1/verdict-changes`) kept to this
    product: its changes of verdict, newest first, whatever brought them. Its items used
    to be the supply-chain changes alone, with `advisory`, `before`, `after` and
    `requirements`; `cause` and `details` say the same now."""
    return log_page(db, visibility, LogFilter(ident, cause, since), offset, limit)
