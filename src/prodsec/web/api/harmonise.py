"""Harmonisation measures over a filtered set of instruments (public)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from prodsec.catalog.vocab import Bindingness
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
from prodsec.crosswalk.views import (
    BlocksPublic,
    CoveragePublic,
    OverlapPublic,
    SpreadPublic,
    TimelinePublic,
    blocks_view,
    coverage_view,
    overlap_view,
    spread_view,
    timeline_view,
)
from prodsec.web.deps import CatalogDep
from prodsec.web.ratelimit import built_or_spent

router = APIRouter(prefix="/api/v1/harmonise", tags=["harmonisation"])


def selection_of(
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


SelectionDep = Annotated[Selection, Depends(selection_of)]


@router.get("/coverage", summary="Hub coverage per instrument")
def coverage_of(request: Request, catalog: CatalogDep, scope: SelectionDep) -> CoveragePublic:
    key = (catalog.data_hash, "coverage", scope)
    return built_or_spent(request, key, lambda: coverage_view(coverage(catalog, scope), scope))


@router.get("/overlap", summary="Overlap matrix (Jaccard)")
def overlap_of(request: Request, catalog: CatalogDep, scope: SelectionDep) -> OverlapPublic:
    key = (catalog.data_hash, "overlap", scope)
    return built_or_spent(request, key, lambda: overlap_view(overlap(catalog, scope), scope))


@router.get("/common-core", summary="Blocks every instrument requires")
def common_core_of(request: Request, catalog: CatalogDep, scope: SelectionDep) -> BlocksPublic:
    key = (catalog.data_hash, "common-core", scope)
    return built_or_spent(
        request, key, lambda: blocks_view(catalog, scope, *common_core(catalog, scope))
    )


@router.get("/uncovered", summary="Blocks no binding instrument requires")
def uncovered_of(request: Request, catalog: CatalogDep, scope: SelectionDep) -> BlocksPublic:
    key = (catalog.data_hash, "uncovered", scope)
    return built_or_spent(
        request, key, lambda: blocks_view(catalog, scope, *uncovered(catalog, scope))
    )


@router.get("/spread/{parameter}", summary="A parameter's values across jurisdictions")
def spread_of(
    request: Request, parameter: str, catalog: CatalogDep, scope: SelectionDep
) -> SpreadPublic:
    key = (catalog.data_hash, "spread", parameter, scope)
    return built_or_spent(
        request, key, lambda: spread_view(spread(catalog, scope, parameter), scope)
    )


@router.get("/timeline", summary="When obligations start")
def timeline_of(request: Request, catalog: CatalogDep, scope: SelectionDep) -> TimelinePublic:
    key = (catalog.data_hash, "timeline", scope)
    return built_or_spent(request, key, lambda: timeline_view(timeline(catalog, scope), scope))
