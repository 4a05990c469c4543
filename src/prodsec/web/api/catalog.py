"""The REST API under /api/v1: the catalog, crosswalks, measures, applicability,
recognition, products, assessments and plans. One OpenAPI spec at /api/v1/openapi.json."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from prodsec.assess.applicability import applies
from prodsec.assess.reach import reach, reach_view
from prodsec.assess.views import answer_view
from prodsec.catalog import Catalog
from prodsec.catalog.views import block_view, instrument_summary, instrument_view, requirement_view
from prodsec.catalog.vocab import Bindingness, InstrumentType, Layer
from prodsec.crosswalk.derive import crosswalk
from prodsec.crosswalk.measures import (
    Counted,
    Grain,
    Selection,
    Themes,
    common_core,
    coverage,
    overlap,
    spread,
    timeline,
    uncovered,
)
from prodsec.crosswalk.views import crosswalk_view, overlap_view, spread_view
from prodsec.insight.graph import graph_view, recognition_graph
from prodsec.web.deps import CatalogDep, Limit, Offset, page
from prodsec.web.memo import memo

router = APIRouter(prefix="/api/v1")


def cached(request: Request, catalog: Catalog, key: str, build: Callable[[], Any]) -> Response:
    """A catalog resource with an ETag. The catalog only changes with its data hash, so
    the body is built and serialised once per (hash, key) and served from memory after."""

    def render() -> tuple[str, bytes]:
        tag = '"' + hashlib.sha256(f"{catalog.data_hash}:{key}".encode()).hexdigest()[:32] + '"'
        return tag, json.dumps(build(), ensure_ascii=False, separators=(",", ":")).encode()

    tag, body = memo((catalog.data_hash, "api", key), render)
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers={"ETag": tag})
    return Response(
        body,
        media_type="application/json",
        headers={"ETag": tag, "Cache-Control": "public, max-age=60"},
    )


# --- the catalog -------------------------------------------------------------------


@router.get("/instruments", summary="List instrument editions", tags=["catalog"])
def instruments(
    catalog: CatalogDep,
    type: InstrumentType | None = None,
    jurisdiction: str | None = None,
    bindingness: Bindingness | None = None,
    layer: Layer | None = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, Any]:
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


@router.get("/instruments/{spec}", summary="One instrument edition", tags=["catalog"])
async def instrument(spec: str, request: Request, catalog: CatalogDep) -> Response:
    """One instrument edition (`ID@EDITION`, or `ID` for the latest) with its requirements."""
    inst = catalog.instrument(spec)
    return cached(request, catalog, inst.key, lambda: instrument_view(catalog, inst))


@router.get("/instruments/{spec}/requirements/{ref}", summary="One requirement", tags=["catalog"])
async def requirement(spec: str, ref: str, request: Request, catalog: CatalogDep) -> Response:
    inst = catalog.instrument(spec)
    req = catalog.requirement(inst.requirement_id(ref))
    return cached(
        request, catalog, f"{inst.key}:{ref}", lambda: requirement_view(catalog, inst, req)
    )


@router.get("/blocks", summary="List building blocks", tags=["catalog"])
def blocks(catalog: CatalogDep, offset: Offset = 0, limit: Limit = 100) -> dict[str, Any]:
    found = [
        {"id": b.id, "title": b.title, "theme": b.theme.value, "refines": b.refines}
        for b in catalog.blocks.values()
    ]
    return page(found[offset : offset + limit], len(found), offset, limit)


@router.get("/blocks/{ident}", summary="One building block", tags=["catalog"])
async def block(ident: str, request: Request, catalog: CatalogDep) -> Response:
    found = catalog.block(ident)
    return cached(request, catalog, f"block:{found.id}", lambda: block_view(catalog, found))


@router.get("/mappings/{spec}", summary="An edition's mappings to the hub", tags=["catalog"])
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


@router.get("/crosswalk", summary="Crosswalk of two editions", tags=["crosswalk"])
def crosswalk_of(source: str, target: str, catalog: CatalogDep) -> dict[str, Any]:
    """Relations from SOURCE's requirements to TARGET's, direct or derived through one block."""
    return crosswalk_view(
        crosswalk(catalog, catalog.instrument(source), catalog.instrument(target))
    )


# --- measures ------------------------------------------------------------------------


def scope_of(
    catalog: CatalogDep,
    bindingness: Annotated[list[Bindingness] | None, Query()] = None,
    category: str | None = None,
    on: dt.date | None = None,
    jurisdiction: Annotated[list[str] | None, Query()] = None,
    instrument: Annotated[list[str] | None, Query()] = None,
    requirements: Counted = Counted.ALL,
    grain: Grain = Grain.OUTCOME,
    themes: Themes = Themes.SECURITY,
) -> Selection:
    if category is not None:
        catalog.category(category)
    for spec in instrument or ():
        catalog.instrument(spec)
    return Selection(
        bindingness=tuple(bindingness or ()),
        category=category,
        on=on,
        jurisdictions=tuple(j.upper() for j in jurisdiction or ()),
        instruments=tuple(instrument or ()),
        requirements=requirements,
        grain=grain,
        themes=themes,
    )


ScopeDep = Annotated[Selection, Depends(scope_of)]


@router.get("/harmonise/coverage", summary="Hub coverage per instrument", tags=["harmonisation"])
def coverage_of(catalog: CatalogDep, scope: ScopeDep) -> dict[str, Any]:
    rows = coverage(catalog, scope)
    return {
        "scope": scope.view(),
        "instruments": [
            {"instrument": r.instrument.key, "full": r.full, "partial": r.partial, "total": r.total}
            for r in rows
        ],
    }


@router.get("/harmonise/overlap", summary="Overlap matrix (Jaccard)", tags=["harmonisation"])
def overlap_of(catalog: CatalogDep, scope: ScopeDep) -> dict[str, Any]:
    return overlap_view(overlap(catalog, scope), scope)


@router.get(
    "/harmonise/common-core", summary="Blocks every instrument requires", tags=["harmonisation"]
)
def common_core_of(catalog: CatalogDep, scope: ScopeDep) -> dict[str, Any]:
    insts, core = common_core(catalog, scope)
    return {"scope": scope.view(), "instruments": [i.key for i in insts], "blocks": core}


@router.get(
    "/harmonise/uncovered", summary="Blocks no binding instrument requires", tags=["harmonisation"]
)
def uncovered_of(catalog: CatalogDep, scope: ScopeDep) -> dict[str, Any]:
    insts, found = uncovered(catalog, scope)
    return {"scope": scope.view(), "instruments": [i.key for i in insts], "blocks": found}


@router.get(
    "/harmonise/spread/{parameter}",
    summary="A parameter's values across jurisdictions",
    tags=["harmonisation"],
)
def spread_of(parameter: str, catalog: CatalogDep, scope: ScopeDep) -> dict[str, Any]:
    return spread_view(spread(catalog, scope, parameter), scope)


@router.get("/harmonise/timeline", summary="When obligations start", tags=["harmonisation"])
def timeline_of(catalog: CatalogDep, scope: ScopeDep) -> dict[str, Any]:
    return {
        "scope": scope.view(),
        "events": [
            {
                "date": m.day.isoformat(),
                "jurisdiction": m.jurisdiction,
                "instrument": m.instrument.key,
                "event": m.kind,
                "what": m.what,
            }
            for m in timeline(catalog, scope)
        ],
    }


# --- applicability and recognition --------------------------------------------------


@router.get("/applicability", summary="What applies to a product", tags=["applicability"])
def applicability(
    catalog: CatalogDep,
    category: str,
    market: Annotated[list[str], Query()],
    on: dt.date | None = None,
    feature: Annotated[list[str] | None, Query()] = None,
) -> dict[str, Any]:
    """Which instruments bind a product of CATEGORY in each MARKET on a day."""
    day = on or dt.date.today()
    return answer_view(applies(catalog, category, market, day, feature or []))


@router.get("/recognition/reach", summary="Where a label counts", tags=["recognition"])
def recognition_reach(
    catalog: CatalogDep,
    scheme: str,
    category: str,
    level: str | None = None,
    on: dt.date | None = None,
    market: Annotated[list[str] | None, Query()] = None,
    valid_until: dt.date | None = None,
    registration: Annotated[
        str | None,
        Query(description="The label's registration ID; a CLS ID supplies the expiry."),
    ] = None,
) -> dict[str, Any]:
    """Every edge out of the label, counting or not with why, for a category on a day."""
    found = reach(
        catalog,
        scheme,
        category,
        on or dt.date.today(),
        level=level,
        markets=tuple(market or ()),
        valid_until=valid_until,
        registration=registration,
    )
    return reach_view(catalog, found)


@router.get("/recognition/graph", summary="The recognition graph", tags=["recognition"])
def recognition_graph_of(catalog: CatalogDep, on: dt.date | None = None) -> dict[str, Any]:
    return graph_view(recognition_graph(catalog, on))
