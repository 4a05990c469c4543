"""Stored assessments of a product's latest version (private)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from typing_extensions import TypedDict

from prodsec.assess.evaluate import role_of
from prodsec.assess.report import AssessmentPublic
from prodsec.store import repo
from prodsec.web.auth import ActorDep, VisibilityDep, signed_in
from prodsec.web.deps import CatalogDep, DbDep, markets_of

router = APIRouter(prefix="/api/v1", tags=["assessments"], dependencies=[Depends(signed_in)])


class StoredAssessmentPublic(TypedDict):
    """A stored assessment: which version, day, markets and catalog revision, and the
    assessment itself (as `prodsec assess -f json` prints it); who stored it (null for
    assessments older than the audit log)."""

    id: str
    product: str
    version: int
    on: str
    markets: list[str]
    catalog_revision: str
    all_binding_met: bool
    result: AssessmentPublic
    author: str | None


def assessment_view(stored: Any) -> StoredAssessmentPublic:
    return {
        "id": stored.id,
        "product": stored.version.product_id,
        "version": stored.version.number,
        "on": stored.on.isoformat(),
        "markets": stored.markets,
        "catalog_revision": stored.catalog_revision,
        "all_binding_met": stored.all_binding_met,
        "result": stored.result,
        "author": stored.author,
    }


@router.post(
    "/products/{ident}/assessments",
    summary="Assess a product and store it",
    status_code=201,
)
def run_assessment(
    ident: str,
    response: Response,
    catalog: CatalogDep,
    db: DbDep,
    visibility: VisibilityDep,
    actor: ActorDep,
    on: dt.date | None = None,
    market: Annotated[list[str] | None, Query()] = None,
    role: Annotated[str, Query(description="Whose duties to judge")] = "manufacturer",
) -> StoredAssessmentPublic:
    """Assess the product's latest version for the duties ROLE bears (the manufacturer's
    by default; other actors' duties are listed apart) and store the result."""
    bearer = role_of(role)
    markets = markets_of(catalog, market or ()) or None
    with db.session() as s:
        stored = repo.run_assessment(
            s, visibility, catalog, ident, on or dt.date.today(), markets, actor, bearer
        )
        view = assessment_view(stored)
    response.headers["Location"] = f"/api/v1/assessments/{view['id']}"
    return view


@router.get("/assessments/{ident}", summary="One stored assessment")
def assessment(ident: str, db: DbDep, visibility: VisibilityDep) -> StoredAssessmentPublic:
    with db.session() as s:
        return assessment_view(repo.get_assessment(s, visibility, ident))
