"""The registry's workflow under /api/v1/registry: roles (granted by an administrator),
applications with evidence files, the lab's review, issuance or refusal by the scheme
owner, and the changes of an issued label. Every route needs a bearer token; the store
checks the caller's role in the scheme (403 otherwise)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from prodsec.registry.rules import Change, Role
from prodsec.store import labels as store_labels
from prodsec.store import registry as store
from prodsec.store.labels import LabelPublic, Wiring, label_view
from prodsec.store.registry import ApplicationPublic, EvidencePublic, RolePublic
from prodsec.web.auth import ActorDep, SignedIn, signed_in
from prodsec.web.deps import CatalogDep, DbDep, Limit, Offset, Page, page

router = APIRouter(prefix="/api/v1/registry", tags=["registry"], dependencies=[Depends(signed_in)])

T = TypeVar("T")
Name = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str, Field(min_length=1, max_length=store.MAX_REASON)]


def wiring_of(request: Request) -> Wiring:
    """The key store and transparency log the app was built with (`create_app`)."""
    wiring: Wiring = request.app.state.registry
    return wiring


WiringDep = Annotated[Wiring, Depends(wiring_of)]


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class RoleGrant(BaseModel):
    organisation: Name
    scheme: Name
    role: Role
    levels: list[Annotated[str, Field(max_length=40)]] = Field(default=[], max_length=20)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class ApplicationCreate(BaseModel):
    product: Annotated[str, Field(min_length=1, max_length=36)]
    scheme: Name
    level: Annotated[str, Field(min_length=1, max_length=40)]
    lab: Name | None = None


class LabReview(BaseModel):
    report: Annotated[str, Field(min_length=1, max_length=20_000)]
    verdicts: dict[Annotated[str, Field(max_length=100)], str] = Field(default={}, max_length=500)
    passed: bool


class Refusal(BaseModel):
    reasons: list[Reason] = Field(min_length=1, max_length=50)


class LabelChange(BaseModel):
    reason: Reason


@router.post("/roles", summary="Grant a registry role", status_code=201)
def grant_role(
    body: RoleGrant, catalog: CatalogDep, db: DbDep, user: SignedIn, actor: ActorDep
) -> RolePublic:
    """An administrator grants an organisation a role in a scheme (a lab: with the levels
    it is accredited for and its dates)."""
    with db.session() as s:
        row = store.grant(
            s, catalog, user, actor, body.organisation, body.scheme, body.role,
            body.levels, body.valid_from, body.valid_until,
        )  # fmt: skip
        return store.role_view(row)


@router.get("/roles", summary="Registry roles")
def list_roles(db: DbDep, offset: Offset = 0, limit: Limit = 50) -> Page[RolePublic]:
    with db.session() as s:
        return _page([store.role_view(r) for r in store.roles(s)], offset, limit)


def _page(items: list[T], offset: int, limit: int) -> Page[T]:
    return page(items[offset : offset + limit], len(items), offset, limit)


@router.post("/applications", summary="Apply for a scheme level", status_code=201)
def apply(
    body: ApplicationCreate, catalog: CatalogDep, db: DbDep, user: SignedIn, actor: ActorDep
) -> ApplicationPublic:
    """A manufacturer applies for a scheme level for its product's latest version;
    prodsec's assessment is attached. 400 with the failing requirements when the product
    does not qualify."""
    with db.session() as s:
        found = store.apply(
            s, catalog, user, actor, body.product, body.scheme, body.level, body.lab, today()
        )
        return store.application_view(s, found)


@router.get("/applications", summary="My registry work list")
def applications(
    db: DbDep, user: SignedIn, offset: Offset = 0, limit: Limit = 50
) -> Page[ApplicationPublic]:
    """The applications the caller's organisation takes part in."""
    with db.session() as s:
        found = [store.application_view(s, a) for a in store.applications(s, user)]
        return _page(found, offset, limit)


@router.get("/applications/{ident}", summary="One application")
def application(ident: str, db: DbDep, user: SignedIn) -> ApplicationPublic:
    with db.session() as s:
        return store.application_view(s, store.application(s, user, ident))


EVIDENCE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            kind: {"schema": {"type": "string", "format": "binary"}}
            for kind in store.EVIDENCE_TYPES
        },
    }
}


@router.post(
    "/applications/{ident}/evidence",
    summary="Add an evidence file",
    status_code=201,
    openapi_extra=EVIDENCE_BODY,
)
async def add_evidence(
    ident: str,
    request: Request,
    db: DbDep,
    user: SignedIn,
    actor: ActorDep,
    name: Annotated[str, Query(min_length=1, max_length=200)],
) -> EvidencePublic:
    """The body is the file; its Content-Type says its type (PDF, PNG, JPEG, plain text,
    JSON), at most 256 KiB."""
    content = await request.body()
    media_type = request.headers.get("content-type", "").split(";")[0].strip()
    with db.session() as s:
        found = store.add_evidence(s, user, actor, ident, name, media_type, content, today())
        return store.evidence_view(found)


@router.post("/applications/{ident}/review", summary="The lab's review")
def review(
    ident: str, body: LabReview, db: DbDep, user: SignedIn, actor: ActorDep
) -> ApplicationPublic:
    """The chosen lab's report and its verdict per requirement (met, not-met,
    not-applicable); every requirement prodsec left open needs one."""
    with db.session() as s:
        found = store.review(
            s, user, actor, ident, body.report, body.verdicts, body.passed, today()
        )
        return store.application_view(s, found)


@router.post("/applications/{ident}/issue", summary="Issue the label", status_code=201)
def issue(ident: str, wiring: WiringDep, db: DbDep, user: SignedIn, actor: ActorDep) -> LabelPublic:
    """The scheme owner issues the label: registration id, term, signed record, log
    entry, in one transaction; 503 when the server has no PRODSEC_KEY_SECRET."""
    on = today()
    with db.session() as s:
        services = wiring.services(s, actor)
        return label_view(store_labels.issue(s, services, user, actor, ident, on), on)


@router.post("/applications/{ident}/refuse", summary="Refuse an application")
def refuse(
    ident: str, body: Refusal, db: DbDep, user: SignedIn, actor: ActorDep
) -> ApplicationPublic:
    with db.session() as s:
        found = store.refuse(s, user, actor, ident, body.reasons, today())
        return store.application_view(s, found)


@router.get("/labels", summary="Labels of my organisation or my schemes")
def labels(db: DbDep, user: SignedIn, offset: Offset = 0, limit: Limit = 50) -> Page[LabelPublic]:
    on = today()
    with db.session() as s:
        return _page([label_view(lb, on) for lb in store_labels.labels(s, user)], offset, limit)


@router.get("/labels/{registration:path}", summary="One label")
def label(registration: str, db: DbDep) -> LabelPublic:
    with db.session() as s:
        return label_view(store_labels.get_label(s, registration), today())


@router.post("/label-changes/{change}/{registration:path}", summary="Change a label's status")
def change_label(
    change: Change,
    registration: str,
    body: LabelChange,
    wiring: WiringDep,
    db: DbDep,
    user: SignedIn,
    actor: ActorDep,
) -> LabelPublic:
    """Renew, suspend, reinstate, withdraw or revoke a label, with a reason (its scheme's
    owner only); 409 when its status does not allow it."""
    on = today()
    with db.session() as s:
        services = wiring.services(s, actor)
        found = store_labels.change(s, services, user, actor, registration, change, body.reason, on)
        return label_view(found, on)
