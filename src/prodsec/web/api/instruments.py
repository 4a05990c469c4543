"""Instrument editions and their requirements (public)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from prodsec.catalog.atlas import InstrumentFilter, select_instruments
from prodsec.catalog.views import (
    InstrumentPublic,
    InstrumentSummary,
    RequirementPublic,
    WorldPublic,
    instrument_summary,
    instrument_view,
    requirement_view,
    world_view,
)
from prodsec.catalog.vocab import Actor, Bindingness, InstrumentType, Layer
from prodsec.errors import BadInputError, NotFoundError
from prodsec.web.api.caching import cached
from prodsec.web.deps import CatalogDep, Limit, Offset, Page, catalog_in, page

router = APIRouter(prefix="/api/v1", tags=["catalog"])


@router.get("/instruments", summary="List instrument editions")
def instruments(
    catalog: CatalogDep,
    type: InstrumentType | None = None,
    jurisdiction: str | None = None,
    bindingness: Bindingness | None = None,
    layer: Layer | None = None,
    region: Annotated[
        str | None, Query(description="A region of regions.yaml (europe, asia-pacific, ...).")
    ] = None,
    actor: Annotated[
        Actor | None, Query(description="Only instruments that put duties on this actor.")
    ] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[InstrumentSummary]:
    """Instrument editions, filtered and paginated. An unknown region is a 400 that lists
    the valid ones."""
    code = None if jurisdiction is None else jurisdiction.upper()
    wanted = InstrumentFilter(type, code, bindingness, layer, region, actor)
    try:
        found = [instrument_summary(i) for i in select_instruments(catalog, wanted)]
    except NotFoundError as exc:
        raise BadInputError(str(exc), field="region") from exc
    return page(found[offset : offset + limit], len(found), offset, limit)


@router.get("/atlas/world", summary="The atlas at a glance")
def world(catalog: CatalogDep, on: dt.date | None = None) -> WorldPublic:
    """Each jurisdiction, grouped by region, against the layers: what binds there on the
    day (`on`, default today), what is coming and what is voluntary, and since when."""
    return world_view(catalog, on or dt.date.today())


@router.get(
    "/instruments/{spec}", summary="One instrument edition", response_model=InstrumentPublic
)
async def instrument(spec: str, request: Request) -> Response:
    """One instrument edition (`ID@EDITION`, or `ID` for the latest) with its requirements.
    Served on the event loop with no dependency to solve: after the first request the body
    is bytes in the memo."""
    catalog = catalog_in(request)
    inst = catalog.instrument(spec)
    return cached(request, catalog, inst.key, lambda: instrument_view(catalog, inst))


@router.get(
    "/instruments/{spec}/requirements/{ref}",
    summary="One requirement",
    response_model=RequirementPublic,
)
async def requirement(spec: str, ref: str, request: Request) -> Response:
    catalog = catalog_in(request)
    inst = catalog.instrument(spec)
    req = catalog.requirement(inst.requirement_id(ref))
    return cached(
        request, catalog, f"{inst.key}:{ref}", lambda: requirement_view(catalog, inst, req)
    )
