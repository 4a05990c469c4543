"""What changed in the catalog, and the dates coming into force (public)."""

from __future__ import annotations

from fastapi import APIRouter
from typing_extensions import TypedDict

from prodsec.catalog.coming import DueView
from prodsec.catalog.history import RevisionView
from prodsec.web.deps import CatalogDep
from prodsec.web.ui.changes import (
    Ahead,
    Asked,
    Behind,
    Category,
    Instrument,
    Jurisdiction,
    Since,
    Today,
    due_for,
    revisions_for,
)

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog changes"])


class ChangesPublic(TypedDict):
    revisions: list[RevisionView]


class ComingPublic(TypedDict):
    dates: list[DueView]


@router.get("/changes", summary="Catalog revisions and their changes")
def changes_api(
    catalog: CatalogDep,
    since: Since = None,
    instrument: Instrument = None,
    jurisdiction: Jurisdiction = None,
    category: Category = None,
) -> ChangesPublic:
    """The catalog's revisions, newest first, each with the changes the filter keeps."""
    asked = Asked(since, instrument, jurisdiction, category, 0, 0, None)
    return {"revisions": revisions_for(catalog, asked.wanted(catalog))}


@router.get("/coming", summary="Dates coming into force")
def coming_api(
    catalog: CatalogDep,
    jurisdiction: Jurisdiction = None,
    category: Category = None,
    ahead: Ahead = 730,
    behind: Behind = 90,
    today: Today = None,
) -> ComingPublic:
    """Obligations starting, transitions ending, repeals and recognition edges opening or
    closing between `behind` days before and `ahead` days after today, soonest first."""
    asked = Asked(None, None, jurisdiction, category, ahead, behind, today)
    return {"dates": due_for(catalog, asked)}
