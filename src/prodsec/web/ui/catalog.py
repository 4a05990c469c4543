"""Server-rendered pages: readable without JavaScript, forms protected against CSRF."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from prodsec.catalog.diff import diff_editions
from prodsec.catalog.views import (
    confidence_view,
    instrument_summary,
    requirement_view,
    world_view,
)
from prodsec.crosswalk.derive import crosswalk
from prodsec.crosswalk.measures import Selection, overlap
from prodsec.insight.graph import graph_spec, graph_view, recognition_graph
from prodsec.insight.render import Picture, render
from prodsec.store.proposals import comments
from prodsec.web.deps import CatalogDep, DbDep
from prodsec.web.templating import page

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, catalog: CatalogDep, q: str = "") -> HTMLResponse:
    hits = catalog.search(q)[:200] if q.strip() else []
    rows = [
        instrument_summary(i) for i in sorted(catalog.instruments.values(), key=lambda i: i.key)
    ]
    return page(request, "home.html", q=q, hits=hits, instruments=rows)


@router.get("/instruments/switch")
def switch(to: str) -> RedirectResponse:
    return RedirectResponse(f"/instruments/{to}", status_code=303)


@router.get("/instruments/{spec}", response_class=HTMLResponse)
def instrument(request: Request, spec: str, catalog: CatalogDep) -> HTMLResponse:
    inst = catalog.instrument(spec)
    titles = {s.ref: s.title for s in inst.sections}
    groups: dict[str, list[Any]] = {}
    for req in inst.requirements:
        groups.setdefault(req.parent or "", []).append(req)
    ordered = [
        {"title": f"{ref} {titles.get(ref, '')}".strip() or "Requirements", "requirements": reqs}
        for ref, reqs in groups.items()
    ]
    mappings = {
        req.ref: [
            {
                "target": m.target,
                "relationship": m.relationship.value,
                "href": f"/blocks/{m.block}"
                if m.block
                else f"/instruments/{m.target.partition(':')[0]}#r-{m.target.partition(':')[2]}",
            }
            for m in catalog.mappings_of(inst.requirement_id(req.ref))
        ]
        for req in inst.requirements
    }
    editions = [e.key for e in catalog.editions(inst.id)]
    before = (
        catalog.instrument(f"{inst.id}@{inst.previous_edition}") if inst.previous_edition else None
    )
    changes = diff_editions(catalog, before, inst) if before else None
    return page(
        request,
        "instrument.html",
        inst=inst,
        groups=ordered,
        mappings=mappings,
        editions=editions,
        changes=changes,
        confidence=confidence_view(inst),
    )


@router.get("/atlas/world", response_class=HTMLResponse)
def world(request: Request, catalog: CatalogDep, on: dt.date | None = None) -> HTMLResponse:
    """The atlas at a glance: jurisdictions by region against layers."""
    view = world_view(catalog, on or dt.date.today())
    return page(request, "world.html", world=view)


@router.get("/instruments/{spec}/requirements/{ref}", response_class=HTMLResponse)
def requirement(
    request: Request, spec: str, ref: str, catalog: CatalogDep, db: DbDep
) -> HTMLResponse:
    """One requirement: its reading, facts, mappings, and which other instruments (not
    other editions of this one) require its blocks."""
    inst = catalog.instrument(spec)
    req = catalog.requirement(inst.requirement_id(ref))
    view = requirement_view(catalog, inst, req)
    others = []
    for m in catalog.mappings_of(inst.requirement_id(req.ref)):
        if not m.block:
            continue
        others.append(
            {
                "block": m.block,
                "title": catalog.block(m.block).title,
                "requirements": [
                    {
                        "instrument": mr.requirement.partition(":")[0],
                        "ref": mr.requirement.partition(":")[2],
                        "relationship": mr.mapping.relationship.value,
                    }
                    for mr in catalog.mapped_to(m.block)
                    if mr.requirement.partition("@")[0] != inst.id
                ],
            }
        )
    subject = f"requirement:{inst.requirement_id(req.ref)}"
    with db.session() as s:
        thread = comments(s, subject)
    return page(
        request,
        "requirement.html",
        inst=inst,
        req=view,
        others=others,
        thread=thread,
        subject=subject,
        back=f"/instruments/{inst.key}/requirements/{req.ref}",
    )


@router.get("/blocks/{ident}", response_class=HTMLResponse)
def block(request: Request, ident: str, catalog: CatalogDep) -> HTMLResponse:
    found = catalog.block(ident)
    rows = [
        {
            "instrument": mr.requirement.partition(":")[0],
            "ref": mr.requirement.partition(":")[2],
            "relationship": mr.mapping.relationship.value,
            "values": catalog.block_values(mr.requirement, mr.mapping),
        }
        for mr in catalog.mapped_to(found.id)
    ]
    return page(request, "block.html", block=found, rows=rows)


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, catalog: CatalogDep, a: str = "", b: str = "") -> HTMLResponse:
    keys = sorted(catalog.instruments)
    x = jaccard = None
    if a and b:
        left, right = catalog.instrument(a), catalog.instrument(b)
        x = crosswalk(catalog, left, right)
        jaccard = overlap(catalog, Selection(instruments=(left.key, right.key))).all[0][1]
    return page(request, "compare.html", keys=keys, a=a, b=b, x=x, jaccard=jaccard)


@router.get("/recognition", response_class=HTMLResponse)
def recognition(request: Request, catalog: CatalogDep, on: dt.date | None = None) -> HTMLResponse:
    view = graph_view(recognition_graph(catalog, on))
    return page(request, "recognition.html", on=on, edges=view["edges"], nodes=len(view["nodes"]))


@router.get("/recognition.json")
def recognition_json(catalog: CatalogDep, on: dt.date | None = None) -> JSONResponse:
    """The graph's Vega-Lite spec, drawn in the page by vega-embed."""
    return JSONResponse(graph_spec(recognition_graph(catalog, on)))


@router.get("/recognition.svg")
def recognition_svg(catalog: CatalogDep, on: dt.date | None = None) -> Response:
    svg = render(graph_spec(recognition_graph(catalog, on)), Picture.SVG)
    return Response(svg, media_type="image/svg+xml")


@router.get("/api", response_class=HTMLResponse)
def api_reference(request: Request) -> HTMLResponse:
    """The REST API's reference, rendered from the same OpenAPI spec, without JavaScript
    (the Swagger UI at /api/v1/docs needs it, to try the operations out)."""
    spec = request.app.openapi()
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "tag": (op.get("tags") or ["other"])[0],
            "summary": op.get("summary", ""),
            "description": op.get("description", ""),
            "parameters": [
                {
                    "name": p["name"],
                    "where": p["in"],
                    "required": p.get("required", False),
                    "description": p.get("description", ""),
                }
                for p in op.get("parameters", [])
            ],
            "body": "requestBody" in op,
            "private": bool(op.get("security")),
        }
        for path, methods in spec["paths"].items()
        for method, op in methods.items()
    ]
    return page(request, "api.html", operations=operations, title=spec["info"]["title"])
