"""The CSAF provider directory of each organisation (CSAF 2.0 section 7), under
`/.well-known/csaf/<organisation>/` (the organisation's name as a slug; docs/csaf.md says
why per organisation), and publishing through the API.

- `provider-metadata.json`; `feed-tlp-<label>.json`, a ROLIE feed per TLP label;
- `<label>/index.txt`, `<label>/changes.csv`, `<label>/<year>/<file>.json` with
  `.sha256` and `.sha512`.

TLP:CLEAR (WHITE) is public; GREEN, AMBER and RED need a signed-in member of the
organisation (or an administrator). `POST /api/v1/csaf/advisories` publishes a document
for the signed-in user's own organisation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from typing_extensions import TypedDict

from prodsec.errors import ForbiddenError, NotFoundError, UnauthenticatedError
from prodsec.store import csaf
from prodsec.store.audit import Actor
from prodsec.store.db import Database
from prodsec.store.models import CsafAdvisoryRow, Organisation, User
from prodsec.supplychain.csaf import provider
from prodsec.web.auth import ActorDep, SignedIn, user_of
from prodsec.web.deps import DbDep

router = APIRouter()
WELL_KNOWN = "/.well-known/csaf/{org}"


def _folder(request: Request, org: Organisation) -> str:
    return f"{str(request.base_url).rstrip('/')}/.well-known/csaf/{csaf.slug(org.name)}/"


def _label(tlp: str) -> str:
    label = tlp.upper()
    if label not in provider.TLP_LABELS:
        raise NotFoundError("TLP label", tlp, [t.lower() for t in provider.TLP_LABELS])
    return label


def _may_read(request: Request, org: Organisation, label: str) -> None:
    """Anyone may read TLP:WHITE; the other labels only the organisation's own users (a
    bearer token or the session; 401 without either, never a redirect: requirement 6)."""
    if label == provider.PUBLIC_TLP:
        return
    user = user_of(request)
    if user is None:
        raise UnauthenticatedError(f"TLP:{label} advisories need a sign-in or a bearer token")
    if not user.is_admin and user.organisation_id != org.id:
        raise ForbiddenError(f"TLP:{label} advisories are for {org.name}'s own users")


def _visible(
    request: Request, db: Database, org_slug: str, label: str | None = None
) -> tuple[Organisation, list[CsafAdvisoryRow]]:
    with db.session() as s:
        org = csaf.organisation_by_slug(s, org_slug)
        if label is not None:
            _may_read(request, org, label)
        rows = csaf.advisories(s, org)
        s.expunge_all()
    if label is not None:
        rows = [r for r in rows if r.tlp == label]
    return org, rows


@router.get(WELL_KNOWN + "/provider-metadata.json", include_in_schema=False)
def provider_metadata(request: Request, org: str, db: DbDep) -> JSONResponse:
    found, rows = _visible(request, db, org)
    if not rows:
        raise NotFoundError("CSAF provider", org)
    entries = [csaf.entry_of(r) for r in rows]
    labels = [t for t in provider.TLP_LABELS if any(e.tlp == t for e in entries)]
    body = provider.provider_metadata(
        _folder(request, found), csaf.publisher_of(rows), entries, labels
    )
    return JSONResponse(body)


@router.get(WELL_KNOWN + "/feed-tlp-{tlp}.json", include_in_schema=False)
def feed(request: Request, org: str, tlp: str, db: DbDep) -> JSONResponse:
    label = _label(tlp)
    found, rows = _visible(request, db, org, label)
    entries = [csaf.entry_of(r) for r in rows]
    return JSONResponse(provider.rolie_feed(entries, label, _folder(request, found), found.name))


@router.get(WELL_KNOWN + "/{tlp}/index.txt", include_in_schema=False)
def index_txt(request: Request, org: str, tlp: str, db: DbDep) -> Response:
    _, rows = _visible(request, db, org, _label(tlp))
    text = provider.index_txt([csaf.entry_of(r) for r in rows])
    return Response(text, media_type="text/plain; charset=utf-8")


@router.get(WELL_KNOWN + "/{tlp}/changes.csv", include_in_schema=False)
def changes_csv(request: Request, org: str, tlp: str, db: DbDep) -> Response:
    _, rows = _visible(request, db, org, _label(tlp))
    text = provider.changes_csv([csaf.entry_of(r) for r in rows])
    return Response(text, media_type="text/csv; charset=utf-8")


_HASHES = {".sha256": "sha256", ".sha512": "sha512"}


@router.get(WELL_KNOWN + "/{tlp}/{year}/{name}", include_in_schema=False)
def document(request: Request, org: str, tlp: str, year: str, name: str, db: DbDep) -> Response:
    """The advisory as published, byte for byte, or one of its hash files."""
    _, rows = _visible(request, db, org, _label(tlp))
    suffix = next((s for s in _HASHES if name.endswith(s)), "")
    wanted = f"{year}/{name.removesuffix(suffix)}"
    row = next((r for r in rows if csaf.entry_of(r).path == wanted), None)
    if row is None:
        raise NotFoundError("advisory", wanted)
    if suffix:
        digest = getattr(row, _HASHES[suffix])
        text = provider.hash_file(digest, name.removesuffix(suffix))
        return Response(text, media_type="text/plain; charset=utf-8")
    return Response(row.content, media_type="application/json")


class CsafPublishedPublic(TypedDict):
    tracking_id: str
    version: str
    tlp: str
    url: str
    sha256: str
    sha512: str


PUBLISH_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A CSAF 2.0 document (docs/csaf.md), checked whole before it is stored.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


@router.post(
    "/api/v1/csaf/advisories",
    summary="Publish a CSAF advisory",
    status_code=201,
    tags=["csaf"],
    openapi_extra=PUBLISH_BODY,
)
async def publish(
    request: Request, response: Response, db: DbDep, user: SignedIn, actor: ActorDep
) -> CsafPublishedPublic:
    """Publish a CSAF 2.0 advisory to the signed-in user's organisation's provider
    directory. It must pass the schema and every mandatory test and carry a TLP label; a
    tracking id published before takes only a later current release date (409)."""
    body = await request.body()
    view = await run_in_threadpool(_publish, db, user, actor, body, _base(request))
    response.headers["Location"] = view["url"]
    return view


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _publish(db: Database, user: User, actor: Actor, body: bytes, base: str) -> CsafPublishedPublic:
    if user.organisation_id is None:
        raise ForbiddenError("only a user of an organisation publishes its advisories")
    with db.session() as s:
        org = s.get(Organisation, user.organisation_id)
        assert org is not None  # a foreign key
        entry = csaf.entry_of(csaf.publish(s, org, body, "(request)", actor))
        url = f"{base}/.well-known/csaf/{csaf.slug(org.name)}/{entry.tlp.lower()}/{entry.path}"
    return {
        "tracking_id": entry.tracking_id,
        "version": entry.version,
        "tlp": entry.tlp,
        "url": url,
        "sha256": entry.sha256,
        "sha512": entry.sha512,
    }
