"""The crosswalk of two editions (public)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from prodsec.crosswalk.derive import crosswalk
from prodsec.crosswalk.views import CrosswalkPublic, crosswalk_view
from prodsec.web.deps import CatalogDep
from prodsec.web.ratelimit import built_or_spent

router = APIRouter(prefix="/api/v1", tags=["crosswalk"])


@router.get("/crosswalk", summary="Crosswalk of two editions")
def crosswalk_of(
    request: Request, source: str, target: str, catalog: CatalogDep
) -> CrosswalkPublic:
    """Relations from SOURCE's requirements to TARGET's, direct or derived through one block."""
    a, b = catalog.instrument(source), catalog.instrument(target)
    key = (catalog.data_hash, "crosswalk", a.key, b.key)
    return built_or_spent(request, key, lambda: crosswalk_view(crosswalk(catalog, a, b)))
