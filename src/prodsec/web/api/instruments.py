"""Instrument editions and their requirements (public)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from prodsec.catalog.views import (
    InstrumentPublic,
    InstrumentSummary,
    RequirementPublic,
    instrument_summary,
    instrument_view,
    requirement_view,
)
from prodsec.catalog.vocab import Bindingness, InstrumentType, Layer
from prodsec.web.api.caching import cached
from prodsec.web.deps import CatalogDep, Limit, Offset, Page, page

router = APIRouter(prefix="/api/v1", tags=["catalog"])


@router.get("/instruments", summary="List instrument editions")
def instruments(
    catalog: CatalogDep,
    type: InstrumentType | None = None,
    jurisdiction: str | None = None,
    bindingness: Bindingness | None = None,
    layer: Layer | None = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[InstrumentSummary]:
    """Instrument editions, filtered and paginated."""
    found = [
        instrument_summary(i)
        for i in sorted(catalog.instruments.values(), key=lambda i: i.key)
        if (type is None or i.type is type)
        and (jurisdiction is None or jurisdiction.upper() in i.jurisdictions)
        and (bindingness is None or i.bindingness is bindingness)
        and (layer is None or i.layer is layer)
    ]
    return page(found[offset : offset + limit], len(found), offset, limit)


@router.get(
    "/instruments/{spec}", summary="One instrument edition", response_model=InstrumentPublic
)
def instrument(spec: str, request: Request, catalog: CatalogDep) -> Response:
    """One instrument edition (`ID@EDITION`, or `ID` for the latest) with its requirements."""
    inst = catalog.instrument(spec)
    return cached(request, catalog, inst.key, lambda: instrument_view(catalog, inst))


@router.get(
    "/instruments/{spec}/requirements/{ref}",
    summary="One requirement",
    response_model=RequirementPublic,
)
def requirement(spec: str, ref: str, request: Request, catalog: CatalogDep) -> Response:
    inst = catalog.instrument(spec)
    req = catalog.requirement(inst.requirement_id(ref))
    return cached(
        request, catalog, f"{inst.key}:{ref}", lambda: requirement_view(catalog, inst, req)
    )
