"""The crosswalk of two editions (public)."""

from __future__ import annotations

from fastapi import APIRouter

from prodsec.crosswalk.derive import crosswalk
from prodsec.crosswalk.views import CrosswalkPublic, crosswalk_view
from prodsec.web.deps import CatalogDep

router = APIRouter(prefix="/api/v1", tags=["crosswalk"])


@router.get("/crosswalk", summary="Crosswalk of two editions")
def crosswalk_of(source: str, target: str, catalog: CatalogDep) -> CrosswalkPublic:
    """Relations from SOURCE's requirements to TARGET's, direct or derived through one block."""
    return crosswalk_view(
        crosswalk(catalog, catalog.instrument(source), catalog.instrument(target))
    )
