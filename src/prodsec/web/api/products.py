"""The REST API's private part: products (with versions), assessments and plans. Every
route needs a signed-in user (a bearer token from POST /api/v1/tokens, or the session
cookie of the pages)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from prodsec.assess.plan import asked_labels, plan, plan_view
from prodsec.errors import BadInputError
from prodsec.store import repo
from prodsec.web.auth import ScopeDep, signed_in
from prodsec.web.deps import UPLOAD_LIMIT, CatalogDep, DbDep, Limit, Offset, markets_of, page

router = APIRouter(prefix="/api/v1", dependencies=[Depends(signed_in)])


async def _profile_body(request: Request) -> tuple[Any, str]:
    raw = await request.body()
    if len(raw) > UPLOAD_LIMIT:
        raise ValueError(f"a profile is at most {UPLOAD_LIMIT} bytes; this one is {len(raw)}")
    kind = request.headers.get("content-type", "application/json").split(";")[0].strip()
    try:
        data = yaml.safe_load(raw.decode("utf-8"))  # JSON is YAML too; safe loader only
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ValueError(f"the body is not {kind} the server can read: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError("a product profile is a mapping of fields")
    return data, kind


def product_view(product: Any, with_profile: bool = True) -> dict[str, Any]:
    last = repo.latest(product)
    view: dict[str, Any] = {
        "id": product.id,
        "manufacturer": product.manufacturer,
        "model": product.model,
        "category": product.category,
        "organisation": product.organisation.name if product.organisation else None,
        "version": last.number,
        "versions": [v.number for v in product.versions],
    }
    if with_profile:
        view["profile"] = last.profile
    return view


@router.post("/products", summary="Create a product", status_code=201, tags=["products"])
async def create_product(
    request: Request, catalog: CatalogDep, db: DbDep, scope: ScopeDep
) -> JSONResponse:
    """Create a product from a profile (JSON or YAML body)."""
    data, _ = await _profile_body(request)
    profile = repo.parse(catalog, data, "body")
    with db.session() as s:
        product = repo.create_product(s, scope, profile, data)
        view = product_view(product)
    return JSONResponse(
        view, status_code=201, headers={"Location": f"/api/v1/products/{view['id']}"}
    )


@router.get("/products", summary="List products", tags=["products"])
def products(
    db: DbDep, scope: ScopeDep, category: str | None = None, offset: Offset = 0, limit: Limit = 50
) -> dict[str, Any]:
    with db.session() as s:
        found, total = repo.list_products(s, scope, offset, limit, category)
        items = [product_view(p, with_profile=False) for p in found]
    return page(items, total, offset, limit)


@router.get("/products/{ident}", summary="One product", tags=["products"])
def product(ident: str, db: DbDep, scope: ScopeDep) -> dict[str, Any]:
    with db.session() as s:
        return product_view(repo.get_product(s, scope, ident))


@router.put("/products/{ident}", summary="Replace a product's profile", tags=["products"])
async def update_product(
    ident: str, request: Request, catalog: CatalogDep, db: DbDep, scope: ScopeDep
) -> dict[str, Any]:
    """Replace the profile: a new version; earlier versions and assessments stay."""
    data, _ = await _profile_body(request)
    profile = repo.parse(catalog, data, "body")
    with db.session() as s:
        return product_view(repo.update_product(s, scope, ident, profile, data))


@router.delete("/products/{ident}", summary="Delete a product", status_code=204, tags=["products"])
def delete_product(ident: str, db: DbDep, scope: ScopeDep) -> Response:
    with db.session() as s:
        repo.delete_product(s, scope, ident)
    return Response(status_code=204)


def assessment_view(stored: Any) -> dict[str, Any]:
    return {
        "id": stored.id,
        "product": stored.version.product_id,
        "version": stored.version.number,
        "on": stored.on.isoformat(),
        "markets": stored.markets,
        "catalog_revision": stored.catalog_revision,
        "all_binding_met": stored.all_binding_met,
        "result": stored.result,
    }


@router.post(
    "/products/{ident}/assessments",
    summary="Assess a product and store it",
    status_code=201,
    tags=["assessments"],
)
def run_assessment(
    ident: str,
    catalog: CatalogDep,
    db: DbDep,
    scope: ScopeDep,
    on: dt.date | None = None,
    market: Annotated[list[str] | None, Query()] = None,
) -> JSONResponse:
    """Assess the product's latest version and store the result."""
    markets = markets_of(catalog, market or ()) or None
    with db.session() as s:
        stored = repo.run_assessment(s, scope, catalog, ident, on or dt.date.today(), markets)
        view = assessment_view(stored)
    return JSONResponse(
        view, status_code=201, headers={"Location": f"/api/v1/assessments/{view['id']}"}
    )


@router.get("/assessments/{ident}", summary="One stored assessment", tags=["assessments"])
def assessment(ident: str, db: DbDep, scope: ScopeDep) -> dict[str, Any]:
    with db.session() as s:
        return assessment_view(repo.get_assessment(s, scope, ident))


@router.post("/products/{ident}/plans", summary="The cheapest plan of fixes", tags=["plans"])
def plan_for(
    ident: str,
    catalog: CatalogDep,
    db: DbDep,
    scope: ScopeDep,
    on: dt.date | None = None,
    market: Annotated[list[str] | None, Query()] = None,
    label: Annotated[list[str] | None, Query(description="SCHEME:LEVEL")] = None,
) -> dict[str, Any]:
    """The cheapest fixes for the product's markets (or MARKET) and the asked labels."""
    with db.session() as s:
        _, profile = repo.current_profile(s, scope, catalog, ident)
    try:
        asked = asked_labels(label or ())
    except BadInputError as exc:
        raise BadInputError(exc.message, field="label") from exc
    markets = markets_of(catalog, market or ()) or tuple(profile.markets)
    return plan_view(plan(catalog, profile, on or dt.date.today(), markets, asked))
