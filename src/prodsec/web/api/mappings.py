"""An edition's mappings onto the hub (public)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from prodsec.catalog.views import EditionMappingsPublic, edition_mappings_view
from prodsec.web.api.caching import cached
from prodsec.web.deps import CatalogDep

router = APIRouter(prefix="/api/v1", tags=["catalog"])


@router.get(
    "/mappings/{spec}",
    summary="An edition's mappings to the hub",
    response_model=EditionMappingsPublic,
)
async def mappings(spec: str, request: Request, catalog: CatalogDep) -> Response:
    """The mappings of one instrument edition onto the hub (and onto other requirements)."""
    inst = catalog.instrument(spec)
    return cached(
        request, catalog, f"mappings:{inst.key}", lambda: edition_mappings_view(catalog, inst)
    )
