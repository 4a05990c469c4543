"""Stored assessments of a product's latest version (private)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from prodsec.store import repo
from prodsec.web.auth import ScopeDep, signed_in
from prodsec.web.deps import CatalogDep, DbDep, markets_of

router = APIRouter(prefix="/api/v1", tags=["assessments"], dependencies=[Depends(signed_in)])


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


@router.get("/assessments/{ident}", summary="One stored assessment")
def assessment(ident: str, db: DbDep, scope: ScopeDep) -> dict[str, Any]:
    with db.session() as s:
        return assessment_view(repo.get_assessment(s, scope, ident))
