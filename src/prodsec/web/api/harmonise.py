"""Harmonisation measures over a filtered set of instruments (public)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from prodsec.catalog.model import Bindingness
from prodsec.crosswalk.measures import (
    Counted,
    Grain,
    Scope,
    Themes,
    common_core,
    coverage,
    overlap,
    spread,
    timeline,
    uncovered,
)
from prodsec.crosswalk.views import overlap_view, spread_view
from prodsec.web.deps import CatalogDep

router = APIRouter(prefix="/api/v1/harmonise", tags=["harmonisation"])


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
) -> Scope:
    if category is not None:
        catalog.category(category)
    for spec in instrument or ():
        catalog.instrument(spec)
    return Scope(
        bindingness=tuple(bindingness or ()),
        category=category,
        on=on,
        jurisdictions=tuple(j.upper() for j in jurisdiction or ()),
        instruments=tuple(instrument or ()),
        requirements=requirements,
        grain=grain,
        themes=themes,
    )


ScopeDep = Annotated[Scope, Depends(scope_of)]


@router.get("/coverage", summary="Hub coverage per instrument")
def coverage_of(catalog: CatalogDep, scope: ScopeDep) -> dict[str, Any]:
    rows = coverage(catalog, scope)
    return {
        "scope": scope.view(),
        "instruments": [
            {"instrument": r.instrument.key, "full": r.full, "partial": r.partial, "total": r.total}
            for r in rows
        ],
    }


@router.get("/overlap", summary="Overlap matrix (Jaccard)")
def overlap_of(catalog: CatalogDep, scope: ScopeDep) -> dict[str, Any]:
    return overlap_view(overlap(catalog, scope), scope)


@router.get("/common-core", summary="Blocks every instrument requires")
def common_core_of(catalog: CatalogDep, scope: ScopeDep) -> dict[str, Any]:
    insts, core = common_core(catalog, scope)
    return {"scope": scope.view(), "instruments": [i.key for i in insts], "blocks": core}


@router.get("/uncovered", summary="Blocks no binding instrument requires")
def uncovered_of(catalog: CatalogDep, scope: ScopeDep) -> dict[str, Any]:
    insts, found = uncovered(catalog, scope)
    return {"scope": scope.view(), "instruments": [i.key for i in insts], "blocks": found}


@router.get("/spread/{parameter}", summary="A parameter's values across jurisdictions")
def spread_of(parameter: str, catalog: CatalogDep, scope: ScopeDep) -> dict[str, Any]:
    return spread_view(spread(catalog, scope, parameter), scope)


@router.get("/timeline", summary="When obligations start")
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
