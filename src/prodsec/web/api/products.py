"""Products and their versions (private: every route needs a signed-in user, with a bearer
token from POST /api/v1/tokens or the session cookie of the pages).

A profile's body is read on the event loop; parsing it, checking it and storing it run in
a worker thread, so a large or slow one never holds up other requests."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool
from typing_extensions import TypedDict

from prodsec.assess.profile import Profile, profile_document
from prodsec.catalog import Catalog
from prodsec.errors import BadInputError
from prodsec.store import repo
from prodsec.store.audit import Actor
from prodsec.store.db import Database
from prodsec.store.repo import Visibility
from prodsec.web.api.profile import PROFILE_BODY
from prodsec.web.auth import ActorDep, VisibilityDep, signed_in
from prodsec.web.deps import UPLOAD_LIMIT, CatalogDep, DbDep, Limit, Offset, Page, page

router = APIRouter(prefix="/api/v1", tags=["products"], dependencies=[Depends(signed_in)])


async def _profile_text(request: Request) -> str:
    """The body as text, at most UPLOAD_LIMIT bytes of UTF-8 (JSON or YAML)."""
    raw = await request.body()
    if len(raw) > UPLOAD_LIMIT:
        raise BadInputError(f"a profile is at most {UPLOAD_LIMIT} bytes; this one is {len(raw)}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        kind = request.headers.get("content-type", "application/json").split(";")[0].strip()
        raise BadInputError(f"the body is not {kind} the server can read: {exc}") from exc


def _checked(catalog: Catalog, text: str) -> tuple[Profile, dict[str, Any]]:
    """The body parsed (no aliases, within the profile's limits) and checked: its errors
    name the body's lines."""
    doc = profile_document(text, "body")
    return repo.parse(catalog, doc.data, "body", doc.lines), doc.data


class ProductSummary(TypedDict):
    """A product in a list: its latest version's names, and every version's number."""

    id: str
    manufacturer: str
    model: str
    category: str
    organisation: str | None
    version: int
    versions: list[int]


class ProductPublic(ProductSummary):
    """A product with its latest version's profile, as it was sent, and who saved that
    version (an email, or `cli` / `system`; null for versions older than the audit log)."""

    profile: dict[str, Any]
    author: str | None


def product_summary(product: Any) -> ProductSummary:
    return {
        "id": product.id,
        "manufacturer": product.manufacturer,
        "model": product.model,
        "category": product.category,
        "organisation": product.organisation.name if product.organisation else None,
        "version": repo.latest(product).number,
        "versions": [v.number for v in product.versions],
    }


def product_view(product: Any) -> ProductPublic:
    newest = repo.latest(product)
    return {**product_summary(product), "profile": newest.profile, "author": newest.author}


@router.post("/products", summary="Create a product", status_code=201, openapi_extra=PROFILE_BODY)
async def create_product(
    request: Request,
    response: Response,
    catalog: CatalogDep,
    db: DbDep,
    visibility: VisibilityDep,
    actor: ActorDep,
) -> ProductPublic:
    """Create a product from a profile (JSON or YAML body)."""
    text = await _profile_text(request)
    view = await run_in_threadpool(_create, catalog, db, visibility, actor, text)
    response.headers["Location"] = f"/api/v1/products/{view['id']}"
    return view


def _create(
    catalog: Catalog, db: Database, visibility: Visibility, actor: Actor, text: str
) -> ProductPublic:
    checked = _checked(catalog, text)
    with db.session() as s:
        return product_view(repo.create_product(s, visibility, *checked, actor))


@router.get("/products", summary="List products")
def products(
    db: DbDep,
    visibility: VisibilityDep,
    category: str | None = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[ProductSummary]:
    with db.session() as s:
        found, total = repo.list_products(s, visibility, offset, limit, category)
        items = [product_summary(p) for p in found]
    return page(items, total, offset, limit)


@router.get("/products/{ident}", summary="One product")
def product(ident: str, db: DbDep, visibility: VisibilityDep) -> ProductPublic:
    with db.session() as s:
        return product_view(repo.get_product(s, visibility, ident))


@router.put("/products/{ident}", summary="Replace a product's profile", openapi_extra=PROFILE_BODY)
async def update_product(
    ident: str,
    request: Request,
    catalog: CatalogDep,
    db: DbDep,
    visibility: VisibilityDep,
    actor: ActorDep,
) -> ProductPublic:
    """Replace the profile: a new version; earlier versions and assessments stay."""
    text = await _profile_text(request)
    return await run_in_threadpool(_update, catalog, db, visibility, actor, ident, text)


def _update(
    catalog: Catalog, db: Database, visibility: Visibility, actor: Actor, ident: str, text: str
) -> ProductPublic:
    checked = _checked(catalog, text)
    with db.session() as s:
        return product_view(repo.update_product(s, visibility, ident, *checked, actor))


@router.delete("/products/{ident}", summary="Delete a product", status_code=204)
def delete_product(ident: str, db: DbDep, visibility: VisibilityDep, actor: ActorDep) -> Response:
    """Delete a product: it leaves the lists and answers 404 from now on; a tombstone stays
    stored (who deleted it, when), with its versions and assessments."""
    with db.session() as s:
        repo.delete_product(s, visibility, ident, actor)
    return Response(status_code=204)
