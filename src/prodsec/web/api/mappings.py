"""An edition's mappings onto the hub (public)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from prodsec.catalog.views import requirement_view
from prodsec.web.api.caching import cached
from prodsec.web.deps import CatalogDep

router = APIRouter(prefix="/api/v1", tags=["catalog"])


@router.get("/mappings/{spec}", summary="An edition's mappings to the hub")
async def mappings(spec: str, request: Request, catalog: CatalogDep) -> Response:
    """The mappings of one instrument edition onto the hub (and onto other requirements)."""
    inst = catalog.instrument(spec)

    def build() -> dict[str, Any]:
        return {
            "instrument": inst.key,
            "mappings": [
                {"requirement": inst.requirement_id(r.ref), **view}
                for r in inst.requirements
                for view in requirement_view(catalog, inst, r)["mappings"]
            ],
        }

    return cached(request, catalog, f"mappings:{inst.key}", build)
