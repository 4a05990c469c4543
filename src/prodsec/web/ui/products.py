"""Product pages: the list, a new product by form or YAML upload (CSRF-protected, size-
capped, YAML without aliases and within the profile's limits), and a product's assessment
report with traces and its plan. A posted form is read on the event loop; parsing,
checking and storing it run in a worker thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

import yaml
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from prodsec.assess.evaluate import role_of
from prodsec.assess.plan import asked_labels, plan, plan_view
from prodsec.assess.profile import ProfileError, profile_document
from prodsec.assess.report import assessment_view
from prodsec.catalog import Catalog, limits
from prodsec.catalog.vocab import Actor as Role
from prodsec.errors import BadInputError
from prodsec.store import repo, supply
from prodsec.store.audit import Actor
from prodsec.store.changelog import LogFilter, change_log, logged_change_view
from prodsec.store.db import Database
from prodsec.store.incidents import aware_now, incident_view, incidents_of
from prodsec.store.repo import Visibility
from prodsec.supplychain.vuln.findings import AdvisoryIndex
from prodsec.web.api.supply import advisories
from prodsec.web.auth import ActorDep, VisibilityDep, signed_in
from prodsec.web.deps import (
    UPLOAD_LIMIT,
    CatalogDep,
    CheckedForm,
    DbDep,
    Limit,
    Offset,
    markets_of,
)
from prodsec.web.pdf import pdf_of
from prodsec.web.ratelimit import spend
from prodsec.web.templating import page
from prodsec.web.ui.supply import supply_section

# every product page needs a signed-in user
CHANGES_SHOWN = 10
"""How many of the product's newest changes of verdict its page shows (the API pages the
rest: `GET /api/v1/products/{id}/changes`)."""

router = APIRouter(include_in_schema=False, dependencies=[Depends(signed_in)])


@router.get("/products", response_class=HTMLResponse)
def products(
    request: Request, db: DbDep, visibility: VisibilityDep, offset: Offset = 0, limit: Limit = 200
) -> HTMLResponse:
    with db.session() as s:
        items, total = repo.list_products(s, visibility, offset, limit)
        return page(request, "products.html", items=items, total=total)


def _form(
    request: Request,
    catalog: Catalog,
    form: dict[str, str],
    errors: list[str],
    status: int = 200,
    editing: str | None = None,
) -> HTMLResponse:
    """The product form, new (`editing` None) or for a new version of product `editing`;
    a fresh CSRF token in the page and in a cookie."""
    categories = sorted(catalog.categories.values(), key=lambda c: c.title)
    return page(
        request,
        "product_new.html",
        status,
        form=form,
        errors=errors,
        categories=categories,
        action=f"/products/{editing}/edit" if editing else "/products/new",
        heading="Edit the product (saved as a new version)" if editing else "Create a product",
    )


EMPTY_FORM = {
    "manufacturer": "",
    "model": "",
    "category": "smart-camera",
    "markets": "GB",
    "profile": "",
}


@router.get("/products/new", response_class=HTMLResponse)
def new_product(request: Request, catalog: CatalogDep) -> HTMLResponse:
    return _form(request, catalog, dict(EMPTY_FORM), [])


@router.get("/products/{ident}/edit", response_class=HTMLResponse)
def edit_product(
    request: Request, ident: str, catalog: CatalogDep, db: DbDep, visibility: VisibilityDep
) -> HTMLResponse:
    with db.session() as s:
        found = repo.get_product(s, visibility, ident)
        data = repo.latest(found).profile
    fields = {
        "manufacturer": found.manufacturer,
        "model": found.model,
        "category": found.category,
        "markets": ", ".join(str(m) for m in _listed(data.get("markets"))),
        "profile": yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
    }
    return _form(request, catalog, fields, [], editing=ident)


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


async def _posted(form: FormData) -> tuple[dict[str, str], str | None]:
    """The form's fields, and the uploaded file's text (None when it is too large)."""
    fields = {k: str(form.get(k) or "") for k in EMPTY_FORM}
    upload = form.get("upload")
    text: str | None = fields["profile"]
    if upload is not None and not isinstance(upload, str) and upload.filename:
        raw = await upload.read(UPLOAD_LIMIT + 1)
        text = None if len(raw) > UPLOAD_LIMIT else raw.decode("utf-8", errors="replace")
    return fields, text


def _saved(
    request: Request,
    fields: dict[str, str],
    text: str | None,
    catalog: Catalog,
    db: Database,
    visibility: Visibility,
    actor: Actor,
    editing: str | None,
) -> Response:
    """Check the posted profile and store it (a new product, or a new version of product
    `editing`); or the form again with what is wrong. Runs in a worker thread."""
    if text is None:
        too_big = [f"the file is larger than {UPLOAD_LIMIT} bytes"]
        return _form(request, catalog, fields, too_big, 413, editing)
    if editing is not None:
        with db.session() as s:
            repo.get_product(s, visibility, editing)
    try:
        data, lines = _profile_data(fields, text)
        profile = repo.parse(catalog, data, "form", lines)
    except ProfileError as exc:
        return _form(request, catalog, fields, [str(i) for i in exc.issues], 422, editing)
    except BadInputError as exc:
        return _form(request, catalog, fields, [_unreadable(exc)], 422, editing)
    with db.session() as s:
        if editing is None:
            ident = repo.create_product(s, visibility, profile, data, actor).id
        else:
            ident = repo.update_product(s, visibility, editing, profile, data, actor).id
    return RedirectResponse(f"/products/{ident}", status_code=303)


def _unreadable(exc: BadInputError) -> str:
    if not exc.issues:
        return str(exc)
    issue = exc.issues[0]
    return f"the profile is not valid YAML: {issue.message} (line {issue.line})"


@router.post("/products/new", response_model=None)
async def create_product(
    request: Request,
    form: CheckedForm,
    catalog: CatalogDep,
    db: DbDep,
    visibility: VisibilityDep,
    actor: ActorDep,
) -> Response:
    fields, text = await _posted(form)
    return await run_in_threadpool(
        _saved, request, fields, text, catalog, db, visibility, actor, None
    )


@router.post("/products/{ident}/edit", response_model=None)
async def save_product(
    request: Request,
    ident: str,
    form: CheckedForm,
    catalog: CatalogDep,
    db: DbDep,
    visibility: VisibilityDep,
    actor: ActorDep,
) -> Response:
    fields, text = await _posted(form)
    return await run_in_threadpool(
        _saved, request, fields, text, catalog, db, visibility, actor, ident
    )


def _profile_data(
    fields: dict[str, str], text: str
) -> tuple[dict[str, Any], dict[tuple[str | int, ...], int] | None]:
    """The profile's data from the text (with the line of each field), or from the form's
    fields when there is no text."""
    if text.strip():
        doc = profile_document(text, "form")
        return doc.data, doc.lines
    markets = [m.strip().upper() for m in fields["markets"].split(",") if m.strip()]
    data = {
        "manufacturer": fields["manufacturer"],
        "model": fields["model"],
        "category": fields["category"],
        "markets": markets,
    }
    return data, None


@router.get("/products/{ident}", response_class=HTMLResponse)
def product(
    request: Request,
    ident: str,
    catalog: CatalogDep,
    db: DbDep,
    visibility: VisibilityDep,
    asked: Asked,
) -> HTMLResponse:
    """The assessment and the cheapest plan on a day, for the profile's markets or others
    (a what-if), with labels to become eligible for. Computed on each view and not stored:
    a GET changes nothing; the API's POST /api/v1/products/{id}/assessments stores one."""
    with db.session() as s:  # open while the page renders: it reads the product's links
        report = _report(s, catalog, visibility, ident, asked, advisories(request))
        logged, _ = change_log(s, visibility, LogFilter(product=ident), 0, CHANGES_SHOWN)
        news = [logged_change_view(c) for c in logged]
        now = aware_now(None)
        clocks = [incident_view(catalog, s, r, now) for r in incidents_of(s, visibility, ident)]
        return page(request, "product.html", **report, verdict_changes=news, incidents=clocks)


@router.get("/products/{ident}/report.pdf")
def product_pdf(
    request: Request,
    ident: str,
    catalog: CatalogDep,
    db: DbDep,
    visibility: VisibilityDep,
    asked: Asked,
) -> Response:
    """The same report as PDF, printed from the page with the stylesheet's print rules.
    Printing costs as much as an uncached picture from the client's rate limit."""
    spend(request, request.app.state.picture_cost)
    with db.session() as s:
        report = _report(s, catalog, visibility, ident, asked, advisories(request))
        html = bytes(page(request, "product.html", **report).body).decode()
    name = f"prodsec-{ident}-{report['on']}.pdf"
    return Response(
        pdf_of(html),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """What a report is asked for: the day (today when empty), the markets (the profile's
    when empty) and labels to become eligible for."""

    on: dt.date | None = None
    markets: str = ""
    labels: str = ""
    role: str = "manufacturer"
    components: Annotated[int, Query(ge=0, le=limits.MAX_OFFSET)] = 0


Asked = Annotated[ReportQuery, Depends()]


def _report(
    s: Session,
    catalog: Catalog,
    visibility: Visibility,
    ident: str,
    query: ReportQuery,
    index: AdvisoryIndex,
) -> dict[str, Any]:
    """What the report shows: the assessment on a day and the plan, for the profile's
    markets or the ones asked, and the assessments saved before."""
    day = query.on or dt.date.today()
    labels = query.labels
    asked = asked_labels([labels])
    found = repo.get_product(s, visibility, ident)
    version, profile = repo.current_profile(s, visibility, catalog, ident)
    profile = supply.stored_evidence(s, version, profile, index, day)
    bearer = role_of(query.role)
    chosen = markets_of(catalog, [query.markets]) or tuple(profile.markets)
    fixes = plan(catalog, profile, day, chosen, asked, None, bearer)
    saved = [
        {
            "id": a.id,
            "version": a.version.number,
            "on": a.on.isoformat(),
            "markets": ", ".join(a.markets),
            "met": a.all_binding_met,
            "revision": a.catalog_revision[:12],
            "current": a.catalog_revision == catalog.data_hash,
            "created": f"{a.created:%Y-%m-%d %H:%M}",
            "author": a.author,
        }
        for a in repo.saved_assessments(s, visibility, ident)
    ]
    again = urlencode(
        {
            "on": day.isoformat(),
            "markets": ", ".join(chosen),
            "labels": labels,
            "role": bearer.value,
        }
    )
    return {
        "product": found,
        "version": version,
        "result": assessment_view(fixes.assessment),
        "plan": plan_view(fixes),
        "on": day.isoformat(),
        "what_if": {"markets": ", ".join(chosen), "labels": labels, "role": bearer.value},
        "roles": [a.value for a in Role],
        "saved": saved,
        "pdf": f"/products/{ident}/report.pdf?{again}",
        "supply": supply_section(s, version, index, day, query.components),
    }


@router.post("/products/{ident}/assessments", response_model=None)
def save_assessment(
    ident: str,
    form: CheckedForm,
    catalog: CatalogDep,
    db: DbDep,
    visibility: VisibilityDep,
    actor: ActorDep,
) -> Response:
    """Store the assessment on the day and markets of the form, with the catalog
    revision it used."""
    given = str(form.get("on") or dt.date.today().isoformat())
    try:
        day = dt.date.fromisoformat(given)
    except ValueError as exc:
        raise BadInputError(f"on: '{given}' is not a date (YYYY-MM-DD)") from exc
    listed = str(form.get("markets") or "")
    markets = markets_of(catalog, [listed])
    bearer = role_of(str(form.get("role") or "manufacturer"))
    with db.session() as s:
        repo.run_assessment(s, visibility, catalog, ident, day, markets or None, actor, bearer)
    fields = {"on": day.isoformat(), "markets": listed}
    if bearer is not Role.MANUFACTURER:
        fields["role"] = bearer.value
    query = urlencode(fields)
    return RedirectResponse(f"/products/{ident}?{query}#saved", status_code=303)
