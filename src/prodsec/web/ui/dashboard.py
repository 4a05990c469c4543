"""The harmonisation dashboard and the applicability page: filter forms over GET, so every
view is a link someone can share, and everything readable without JavaScript."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from prodsec.assess.applicability import applies
from prodsec.assess.views import AnswerPublic, answer_view
from prodsec.catalog import Catalog
from prodsec.catalog.vocab import Bindingness
from prodsec.crosswalk.measures import (
    Selection,
    common_core,
    coverage,
    overlap,
    parameters,
    spread,
    timeline,
    uncovered,
)
from prodsec.errors import BadInputError, NotFoundError, choice
from prodsec.insight.charts import coverage_chart, overlap_chart, timeline_chart
from prodsec.insight.render import Picture, Renderer
from prodsec.web.deps import CatalogDep, markets_of
from prodsec.web.memo import Pictures, memo
from prodsec.web.ratelimit import spend
from prodsec.web.templating import page

router = APIRouter(include_in_schema=False)
DEFAULT_PARAMETER = "min_support_years"


def _codes(text: str) -> tuple[str, ...]:
    """'gb, au' -> ('GB', 'AU')."""
    return tuple(p.strip().upper() for p in text.replace(";", ",").split(",") if p.strip())


def _bindingness(text: str) -> Bindingness | None:
    """A bindingness from the form; empty (the form's "any") is no filter."""
    return choice(Bindingness, text, "bindingness", "a bindingness") if text else None


def _day(text: str) -> dt.date | None:
    """A date from the form; empty (no date picked) is no filter."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadInputError(f"'{text}' is not a date; write it as YYYY-MM-DD", field="on") from None


def _scope(
    catalog: CatalogDep,
    bindingness: str = "",
    category: str = "",
    on: str = "",
    jurisdictions: str = "",
) -> Selection:
    """The filter from the query; a field left empty (the form sends every field) filters
    nothing."""
    if category:
        catalog.category(category)
    chosen = _bindingness(bindingness.strip())
    return Selection(
        bindingness=(chosen,) if chosen else (),
        category=category or None,
        on=_day(on.strip()),
        jurisdictions=_codes(jurisdictions),
    )


Filtered = Annotated[Selection, Depends(_scope)]


def _shade(value: float | None) -> str:
    """A background for a heatmap cell, lighter to darker blue as the value grows from 0
    to 1. Dark text up to 0.5 and white text above; the shades skip the band where
    neither would reach a contrast of 4.5:1."""
    if value is None:
        return "background: #f3f3f3"
    if value <= 0.5:
        return f"background: hsl(212, 60%, {round(97 - 78 * value)}%)"
    return f"background: hsl(212, 60%, {round(46 - 24 * (value - 0.5))}%); color: #fff"


@router.get("/harmonise", response_class=HTMLResponse)
def dashboard(
    request: Request, catalog: CatalogDep, scope: Filtered, parameter: str = DEFAULT_PARAMETER
) -> HTMLResponse:
    known = parameters(catalog)
    if parameter not in known:
        listed = ", ".join(sorted(known))
        raise BadInputError(f"'{parameter}' is not one of {listed}", field="parameter")
    key = (catalog.data_hash, "dashboard", scope, parameter)
    measures = memo(key, lambda: _measures(catalog, scope, parameter))
    query = request.url.query
    return page(
        request,
        "dashboard.html",
        scope=scope,
        described=scope.describe(),
        filters={
            "bindingness": scope.bindingness[0].value if scope.bindingness else "",
            "category": scope.category or "",
            "on": scope.on.isoformat() if scope.on else "",
            "jurisdictions": ", ".join(scope.jurisdictions),
            "parameter": parameter,
        },
        bindingness_values=[b.value for b in Bindingness],
        categories=sorted(catalog.categories.values(), key=lambda c: c.title),
        parameter_names=sorted(known),
        **measures,
        chart_query=f"?{query}" if query else "",
    )


def _measures(catalog: Catalog, scope: Selection, parameter: str) -> dict[str, Any]:
    """Everything the dashboard shows under one filter; a pure function of the catalog."""
    matrix = overlap(catalog, scope)
    core_of, core = common_core(catalog, scope)
    binding = Selection(
        bindingness=(Bindingness.MANDATORY,),
        category=scope.category,
        on=scope.on,
        jurisdictions=scope.jurisdictions,
    )
    _, gaps = uncovered(catalog, binding)
    return {
        "coverage": coverage(catalog, scope),
        "overlap": [
            (a.key, [(v, _shade(v)) for v in row])
            for a, row in zip(matrix.instruments, matrix.all, strict=True)
        ],
        "overlap_keys": [i.key for i in matrix.instruments],
        "core": core,
        "core_of": [i.key for i in core_of],
        "gaps": gaps,
        "spread": spread(catalog, scope, parameter),
        "timeline": timeline(catalog, scope),
    }


CHARTS = {"coverage", "overlap", "timeline"}


@router.get("/harmonise/{chart}.{ext}")
async def chart(
    request: Request, chart: str, ext: str, catalog: CatalogDep, scope: Filtered
) -> Response:
    """The dashboard's pictures as SVG or PNG, under the same filters, or as the Vega-Lite
    spec (JSON) the page draws itself. Each picture is rendered once per (catalog
    revision, filter, chart, format) in a worker process and kept in the app's
    `Pictures`; only a render spends the client's rate limit."""
    if chart not in CHARTS or ext not in {"svg", "png", "json"}:
        valid = [f"{c}.{e}" for c in sorted(CHARTS) for e in ("json", "svg", "png")]
        raise NotFoundError("chart", f"{chart}.{ext}", [], valid)
    if ext == "json":  # the Vega-Lite spec itself, drawn in the page by vega-embed
        spec = await run_in_threadpool(_spec, catalog, chart, scope)
        return JSONResponse(spec, headers={"Cache-Control": "public, max-age=300"})
    picture = Picture(ext)
    key = (catalog.data_hash, chart, scope, picture)
    pictures: Pictures = request.app.state.pictures
    body = pictures.get(key)
    if body is None:
        spend(request, request.app.state.picture_cost)
        spec = await run_in_threadpool(_spec, catalog, chart, scope)
        renderer: Renderer = request.app.state.renderer
        body = await renderer.render(spec, picture)
        pictures.put(key, body)
    media = "image/svg+xml" if picture is Picture.SVG else "image/png"
    return Response(body, media_type=media, headers={"Cache-Control": "public, max-age=300"})


def _spec(catalog: Catalog, chart: str, scope: Selection) -> dict[str, Any]:
    if chart == "coverage":
        return coverage_chart(coverage(catalog, scope), scope)
    if chart == "overlap":
        return overlap_chart(overlap(catalog, scope), scope)
    return timeline_chart(timeline(catalog, scope), scope)


@router.get("/applicability", response_class=HTMLResponse)
def applicability(
    request: Request,
    catalog: CatalogDep,
    category: str = "",
    markets: str = "",
    on: dt.date | None = None,
    feature: Annotated[list[str] | None, Query()] = None,
) -> HTMLResponse:
    day = on or dt.date.today()
    chosen = markets_of(catalog, [markets])
    answer: AnswerPublic | None = None
    if category and chosen:
        answer = answer_view(applies(catalog, category, list(chosen), day, feature or []))
    return page(
        request,
        "applicability.html",
        answer=answer,
        form={"category": category, "markets": ", ".join(chosen), "on": day.isoformat()},
        features=sorted(feature or []),
        categories=sorted(catalog.categories.values(), key=lambda c: c.title),
        feature_names=sorted(catalog.features),
        market_names=sorted(catalog.markets),
    )
