"""Proposals to change the catalog, their review, comments, editors, and imports of
published crosswalks. Reading is public (a consultation is open to all); proposing and
commenting need a signed-in user, reviewing an editor's remit, granting an administrator."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from typing_extensions import TypedDict

from prodsec.catalog import Catalog, limits
from prodsec.catalog.history import ledger, ledger_path
from prodsec.catalog.load import PACKAGED
from prodsec.crosswalk.published import read_csv, read_oscal
from prodsec.errors import BadInputError
from prodsec.store import proposals as store
from prodsec.store.audit import Actor
from prodsec.store.db import Database
from prodsec.store.models import User
from prodsec.web.auth import ActorDep, SignedIn
from prodsec.web.deps import CatalogDep, DbDep, Limit, Offset, Page, page

router = APIRouter(prefix="/api/v1", tags=["proposals"])


class Source(BaseModel):
    citation: Annotated[str, Field(max_length=store.CITATION_LENGTH)]
    quote: Annotated[str, Field(max_length=store.QUOTE_LENGTH)] = ""
    url: Annotated[str, Field(max_length=limits.QUERY_VALUE_LENGTH)] = ""


class ProposalCreate(BaseModel):
    fact: Annotated[str, Field(max_length=limits.REFERENCE_LENGTH)]
    action: Literal["change", "add", "remove"] = "change"
    field: Annotated[str, Field(max_length=60)] = ""
    value: Annotated[str, Field(max_length=limits.NOTE_LENGTH)] = ""
    source: Source
    rationale: Annotated[str, Field(max_length=store.RATIONALE_LENGTH)]


class Decision(BaseModel):
    decision: Literal["accept", "reject", "request-changes"]
    reason: Annotated[str, Field(max_length=store.RATIONALE_LENGTH)] = ""


class Revision(BaseModel):
    value: Annotated[str, Field(max_length=limits.NOTE_LENGTH)] | None = None
    rationale: Annotated[str, Field(max_length=store.RATIONALE_LENGTH)] | None = None
    withdraw: bool = False


class CommentCreate(BaseModel):
    subject: Annotated[str, Field(max_length=limits.REFERENCE_LENGTH)]
    body: Annotated[str, Field(max_length=store.COMMENT_LENGTH)]


class EditorGrant(BaseModel):
    email: Annotated[str, Field(max_length=limits.EMAIL_LENGTH)]
    scope_kind: Literal["instrument", "jurisdiction", "all"]
    scope: Annotated[str, Field(max_length=limits.ID_LENGTH)] = "*"


class CommentsPublic(TypedDict):
    comments: list[store.CommentView]


class EditorPublic(BaseModel):
    email: str
    scope_kind: str
    scope: str


@router.post("/proposals", summary="Propose a change of the catalog", status_code=201)
def create_proposal(
    body: ProposalCreate,
    response: Response,
    catalog: CatalogDep,
    db: DbDep,
    user: SignedIn,
    actor: ActorDep,
) -> store.ProposalView:
    """A change of one fact (`requirement:ID@E:REF` gist, status...; `date:...` date;
    `mapping:...` relationship; `edge:ID` dates), a new mapping (`action: add`, the value
    its relationship) or a mapping removed, with its source and why."""
    given: store.ProposalIn = {
        "fact": body.fact,
        "action": body.action,
        "field": body.field,
        "value": body.value,
        "citation": body.source.citation,
        "quote": body.source.quote,
        "url": body.source.url,
        "rationale": body.rationale,
    }
    with db.session() as s:
        view = store.proposal_view(store.propose(s, catalog, user, actor, given))
    response.headers["Location"] = f"/api/v1/proposals/{view['id']}"
    return view


@router.get("/proposals", summary="Proposals")
def list_proposals(
    db: DbDep,
    status: str | None = None,
    instrument: str | None = None,
    batch: str | None = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> Page[store.ProposalView]:
    kept = list(ledger(ledger_path(PACKAGED)))
    with db.session() as s:
        rows, total = store.proposals(
            s, status=status, instrument=instrument, batch=batch, offset=offset, limit=limit
        )
        items = [store.proposal_view(r, kept) for r in rows]
    return page(items, total, offset, limit)


@router.get("/proposals/{ident}", summary="One proposal")
def one_proposal(ident: int, db: DbDep) -> store.ProposalView:
    with db.session() as s:
        return store.proposal_view(
            store.get_proposal(s, ident), list(ledger(ledger_path(PACKAGED)))
        )


class PatchPublic(TypedDict):
    proposal: int
    filename: str
    patch: str


@router.get("/proposals/{ident}/patch", summary="An accepted proposal's patch")
def proposal_patch(ident: int, db: DbDep) -> PatchPublic:
    """The unified diff against the data folder (`prodsec catalog apply-patch` applies
    it; `/proposals/{id}.patch` downloads it); 400 until the proposal is accepted."""
    with db.session() as s:
        return {
            "proposal": ident,
            "filename": f"proposal-{ident}.patch",
            "patch": patch_of(s, ident),
        }


def patch_of(session: Any, ident: int) -> str:
    row = store.get_proposal(session, ident)
    if row.patch is None:
        raise BadInputError(f"proposal {ident} has no patch: it is {row.status}")
    return row.patch


@router.post("/proposals/{ident}/decision", summary="Accept, reject or ask for changes")
def decide(
    ident: int, body: Decision, db: DbDep, user: SignedIn, actor: ActorDep
) -> store.ProposalView:
    """An editor within remit decides; accepting writes the patch, checked by the
    catalog's loader (422 with the located errors when it would break the catalog)."""
    with db.session() as s:
        return store.proposal_view(store.decide(s, user, actor, ident, body.decision, body.reason))


@router.post("/proposals/{ident}/revision", summary="Revise or withdraw a proposal")
def revise(
    ident: int, body: Revision, db: DbDep, user: SignedIn, actor: ActorDep
) -> store.ProposalView:
    with db.session() as s:
        row = store.revise(
            s, user, actor, ident, value=body.value, rationale=body.rationale,
            withdraw=body.withdraw,
        )  # fmt: skip
        return store.proposal_view(row)


@router.get("/comments", summary="Comments on a subject")
def list_comments(
    db: DbDep, subject: Annotated[str, Query(max_length=limits.REFERENCE_LENGTH)]
) -> CommentsPublic:
    with db.session() as s:
        return {"comments": store.comments(s, subject)}


@router.post("/comments", summary="Comment on a proposal, requirement or mapping", status_code=201)
def create_comment(
    body: CommentCreate, catalog: CatalogDep, db: DbDep, user: SignedIn, actor: ActorDep
) -> store.CommentView:
    """Plain text or Markdown; shown escaped (Markdown rendered without HTML). At most
    five comments per user in ten minutes."""
    with db.session() as s:
        row = store.comment(s, catalog, user, actor, body.subject, body.body)
        return next(c for c in store.comments(s, row.subject) if c["id"] == row.id)


@router.post("/editors", summary="Make a user an editor", status_code=201)
def grant_editor(
    body: EditorGrant, catalog: CatalogDep, db: DbDep, user: SignedIn, actor: ActorDep
) -> EditorPublic:
    with db.session() as s:
        row = store.grant_editor(s, catalog, user, actor, body.email, body.scope_kind, body.scope)
        return EditorPublic(
            email=body.email.strip().lower(), scope_kind=row.scope_kind, scope=row.scope
        )


@router.post(
    "/proposals/import",
    summary="Import a published crosswalk as proposals",
    status_code=201,
    openapi_extra={
        "requestBody": {
            "content": {"text/csv": {"schema": {"type": "string"}}, "application/json": {}}
        }
    },
)
async def import_crosswalk(
    request: Request,
    catalog: CatalogDep,
    db: DbDep,
    user: SignedIn,
    actor: ActorDep,
    citation: Annotated[str, Query(max_length=store.CITATION_LENGTH)],
    url: Annotated[str, Query(max_length=limits.QUERY_VALUE_LENGTH)] = "",
) -> store.ImportResult:
    """The body a CSV in the STRM form (`text/csv`) or an OSCAL mapping-collection
    (`application/json`): every row a proposal, with the agreement report."""
    raw = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    return await run_in_threadpool(_import, catalog, db, user, actor, raw, kind, citation, url)


def _import(
    catalog: Catalog, db: Database, user: User, actor: Actor, raw: bytes, kind: str,
    citation: str, url: str,
) -> store.ImportResult:  # fmt: skip
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInputError(f"the body is not UTF-8: {exc}") from exc
    rows = (
        read_csv(catalog, text, "body") if kind == "text/csv" else read_oscal(catalog, text, "body")
    )
    with db.session() as s:
        return store.import_crosswalk(s, catalog, user, actor, rows, citation, url)
