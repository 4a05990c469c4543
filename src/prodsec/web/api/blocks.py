"""Building blocks, the hub every mapping points at (public)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from prodsec.catalog.views import BlockPublic, BlockSummary, block_summary, block_view
from prodsec.web.api.caching import cached
from prodsec.web.deps import CatalogDep, Limit, Offset, Page, page

router = APIRouter(prefix="/api/v1", tags=["catalog"])


@router.get("/blocks", summary="List building blocks")
def blocks(catalog: CatalogDep, offset: Offset = 0, limit: Limit = 100) -> Page[BlockSummary]:
    found = [block_summary(b) for b in catalog.blocks.values()]
    return page(found[offset : offset + limit], len(found), offset, limit)


@router.get("/blocks/{ident}", summary="One building block", response_model=BlockPublic)
async def block(ident: str, request: Request, catalog: CatalogDep) -> Response:
    found = catalog.block(ident)
    return cached(request, catalog, f"block:{found.id}", lambda: block_view(catalog, found))
