"""Server-rendered pages: readable without JavaScript, forms protected against CSRF."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

import yaml
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from prodsec import __version__
from prodsec.assess.profile import ProfileError
from prodsec.catalog.views import instrument_summary
from prodsec.crosswalk.derive import crosswalk
from prodsec.crosswalk.measures import Scope, overlap
from prodsec.insight.graph import graph_spec, graph_view, recognition_graph
from prodsec.insight.render import Picture, render
from prodsec.store import repo
from prodsec.web.deps import UPLOAD_LIMIT, catalog_of, db_of

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
templates.env.globals["version"] = __version__
CSRF_COOKIE = "prodsec_csrf"


def _page(request: Request, name: str, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, q: str = "") -> HTMLResponse:
    catalog = catalog_of(request)
    hits = catalog.search(q)[:200] if q.strip() else []
    rows = [
        instrument_summary(i) for i in sorted(catalog.instruments.values(), key=lambda i: i.key)
    ]
    return _page(request, "home.html", q=q, hits=hits, instruments=rows)


@router.get("/instruments/switch")
def switch(to: str) -> RedirectResponse:
    return RedirectResponse(f"/instruments/{to}", status_code=303)


@router.get("/instruments/{spec}", response_class=HTMLResponse)
def instrument(request: Request, spec: str) -> HTMLResponse:
    catalog = catalog_of(request)
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
    return _page(
        request, "instrument.html", inst=inst, groups=ordered, mappings=mappings, editions=editions
    )


@router.get("/blocks/{ident}", response_class=HTMLResponse)
def block(request: Request, ident: str) -> HTMLResponse:
    catalog = catalog_of(request)
    found = catalog.block(ident)
    rows = [
        {
            "instrument": mr.requirement.partition(":")[0],
            "ref": mr.requirement.partition(":")[2],
            "relationship": mr.mapping.relationship.value,
            "bindings": mr.mapping.bindings,
        }
        for mr in catalog.mapped_to(found.id)
    ]
    return _page(request, "block.html", block=found, rows=rows)


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, a: str = "", b: str = "") -> HTMLResponse:
    catalog = catalog_of(request)
    keys = sorted(catalog.instruments)
    x = jaccard = None
    if a and b:
        left, right = catalog.instrument(a), catalog.instrument(b)
        x = crosswalk(catalog, left, right)
        jaccard = overlap(catalog, Scope(instruments=(left.key, right.key))).all[0][1]
    return _page(request, "compare.html", keys=keys, a=a, b=b, x=x, jaccard=jaccard)


@router.get("/recognition", response_class=HTMLResponse)
def recognition(request: Request, on: dt.date | None = None) -> HTMLResponse:
    view = graph_view(recognition_graph(catalog_of(request), on))
    return _page(request, "recognition.html", on=on, edges=view["edges"], nodes=len(view["nodes"]))


@router.get("/recognition.svg")
def recognition_svg(request: Request, on: dt.date | None = None) -> Response:
    svg = render(graph_spec(recognition_graph(catalog_of(request), on)), Picture.SVG)
    return Response(svg, media_type="image/svg+xml")


# --- products ------------------------------------------------------------------------


@router.get("/products", response_class=HTMLResponse)
def products(request: Request) -> HTMLResponse:
    with db_of(request).session() as s:
        items, total = repo.list_products(s, 0, 200)
        return _page(request, "products.html", items=items, total=total)


def _csrf(request: Request, response: HTMLResponse, token: str) -> HTMLResponse:
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


def _new_form(
    request: Request, form: dict[str, str], errors: list[str], status: int = 200
) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    categories = sorted(catalog_of(request).categories.values(), key=lambda c: c.title)
    page = _page(
        request, "product_new.html", form=form, errors=errors, csrf=token, categories=categories
    )
    page.status_code = status
    return _csrf(request, page, token)


EMPTY_FORM = {
    "manufacturer": "",
    "model": "",
    "category": "smart-camera",
    "markets": "GB",
    "profile": "",
}


@router.get("/products/new", response_class=HTMLResponse)
def new_product(request: Request) -> HTMLResponse:
    return _new_form(request, dict(EMPTY_FORM), [])


@router.post("/products/new", response_model=None)
async def create_product(request: Request) -> Response:
    form = await request.form(max_part_size=UPLOAD_LIMIT)
    token = form.get("csrf")
    if not token or token != request.cookies.get(CSRF_COOKIE):
        return HTMLResponse(
            "<h1>Forbidden</h1><p>The form expired; reload it.</p>", status_code=403
        )
    fields = {k: str(form.get(k) or "") for k in EMPTY_FORM}
    upload = form.get("upload")
    text = fields["profile"]
    if upload is not None and not isinstance(upload, str) and upload.filename:
        raw = await upload.read(UPLOAD_LIMIT + 1)
        if len(raw) > UPLOAD_LIMIT:
            return _new_form(
                request, fields, [f"the file is larger than {UPLOAD_LIMIT} bytes"], 413
            )
        text = raw.decode("utf-8", errors="replace")
    try:
        data = _profile_data(fields, text)
    except ValueError as exc:
        return _new_form(request, fields, [str(exc)], 422)
    catalog = catalog_of(request)
    try:
        profile = repo.parse(catalog, data, "form")
    except ProfileError as exc:
        return _new_form(request, fields, [str(i) for i in exc.issues], 422)
    with db_of(request).session() as s:
        product = repo.create_product(s, profile, data)
        ident = product.id
    return RedirectResponse(f"/products/{ident}", status_code=303)


def _profile_data(fields: dict[str, str], text: str) -> dict[str, Any]:
    if text.strip():
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValueError(f"the profile is not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise ValueError("a profile is a mapping of fields")
        return data
    markets = [m.strip().upper() for m in fields["markets"].split(",") if m.strip()]
    return {
        "manufacturer": fields["manufacturer"],
        "model": fields["model"],
        "category": fields["category"],
        "markets": markets,
    }


@router.get("/products/{ident}", response_class=HTMLResponse)
def product(request: Request, ident: str, on: dt.date | None = None) -> HTMLResponse:
    catalog = catalog_of(request)
    day = on or dt.date.today()
    with db_of(request).session() as s:
        stored = repo.run_assessment(s, catalog, ident, day)
        found = repo.get_product(s, ident)
        return _page(
            request,
            "product.html",
            product=found,
            version=repo.latest(found),
            result=stored.result,
            on=day.isoformat(),
        )
