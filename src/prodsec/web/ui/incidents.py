"""Incident pages: the organisation's incidents with their next deadlines, a form to
record one for a product, and one incident's clocks counting down, its report drafts, and
forms for the fix and each report sent. Times are typed as the local time of a zone; the
page shows UTC and that zone side by side."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from prodsec.errors import BadInputError
from prodsec.store import incidents as store
from prodsec.store import repo
from prodsec.supplychain.cvd.clocks import EnterpriseSize, zone
from prodsec.supplychain.cvd.drafts import markdown
from prodsec.web.auth import ActorDep, VisibilityDep, signed_in
from prodsec.web.deps import CatalogDep, CheckedForm, DbDep
from prodsec.web.templating import page

router = APIRouter(include_in_schema=False, dependencies=[Depends(signed_in)])
ZONES = ("UTC", "Europe/London", "Europe/Brussels", "Europe/Berlin", "Europe/Paris",
         "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "America/New_York",
         "America/Los_Angeles")  # fmt: skip


def local_moment(form_value: object, zone_name: str, name: str) -> dt.datetime:
    """A `datetime-local` value read in `zone_name`. A time a clock change skips or repeats
    is taken as the first reading (the page then shows the offset it was given)."""
    text = str(form_value or "").strip()
    try:
        naive = dt.datetime.fromisoformat(text)
    except ValueError:
        raise BadInputError(f"not a date and time: {text!r}", field=name) from None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=zone(zone_name))


@router.get("/incidents", response_class=HTMLResponse)
def incidents(
    request: Request, catalog: CatalogDep, db: DbDep, visibility: VisibilityDep
) -> HTMLResponse:
    now = store.aware_now(None)
    with db.session() as s:
        views = [store.incident_view(catalog, s, r, now) for r in store.incidents_of(s, visibility)]
    return page(request, "incidents.html", views=views, overdue=store.overdue(views))


@router.get("/products/{ident}/incidents/new", response_class=HTMLResponse)
def new_incident(
    request: Request, ident: str, db: DbDep, visibility: VisibilityDep
) -> HTMLResponse:
    with db.session() as s:
        product = repo.get_product(s, visibility, ident)
        return page(
            request,
            "incident_new.html",
            product=product,
            events=store.EVENTS,
            sizes=list(EnterpriseSize),
            zones=ZONES,
        )


@router.post("/products/{ident}/incidents/new", response_model=None)
def create_incident(
    ident: str,
    form: CheckedForm,
    catalog: CatalogDep,
    db: DbDep,
    visibility: VisibilityDep,
    actor: ActorDep,
) -> Response:
    zone_name = str(form.get("zone") or "UTC")
    now = store.aware_now(None)
    facts = {k[5:]: str(v) for k, v in form.items() if k.startswith("fact_") and str(v).strip()}
    with db.session() as s:
        row = store.record_incident(
            s, catalog, visibility, actor, ident,
            event=str(form.get("event") or ""), title=str(form.get("title") or ""),
            aware=local_moment(form.get("aware"), zone_name, "aware"), zone_name=zone_name,
            now=now, size=str(form.get("size") or "") or None, facts=facts,
        )  # fmt: skip
        return RedirectResponse(f"/incidents/{row.id}", status_code=303)


@router.get("/incidents/{ident}", response_class=HTMLResponse)
def incident(
    request: Request, ident: str, catalog: CatalogDep, db: DbDep, visibility: VisibilityDep
) -> HTMLResponse:
    now = store.aware_now(None)
    with db.session() as s:
        view = store.incident_view(catalog, s, store.get_incident(s, visibility, ident), now)
    return page(request, "incident.html", view=view, drafts=markdown(view["drafts"]), now=now)


@router.post("/incidents/{ident}/fix", response_model=None)
def fix(
    ident: str, form: CheckedForm, db: DbDep, visibility: VisibilityDep, actor: ActorDep
) -> Response:
    now = store.aware_now(None)
    with db.session() as s:
        row = store.get_incident(s, visibility, ident)
        at = local_moment(form.get("at"), row.zone, "at")
        store.update_incident(s, visibility, actor, ident, now=now, fix=at)
    return RedirectResponse(f"/incidents/{ident}", status_code=303)


@router.post("/incidents/{ident}/sent", response_model=None)
def sent(
    ident: str,
    form: CheckedForm,
    catalog: CatalogDep,
    db: DbDep,
    visibility: VisibilityDep,
    actor: ActorDep,
) -> Response:
    now = store.aware_now(None)
    with db.session() as s:
        row = store.get_incident(s, visibility, ident)
        at = local_moment(form.get("at"), row.zone, "at")
        step = str(form.get("step") or "")
        store.send_report(s, catalog, visibility, actor, ident, step, sent=at, now=now)
    return RedirectResponse(f"/incidents/{ident}", status_code=303)


@router.get("/incidents/{ident}/drafts.md")
def drafts_markdown(
    ident: str, catalog: CatalogDep, db: DbDep, visibility: VisibilityDep
) -> Response:
    """The drafts of an incident's reports as Markdown, to paste or keep."""
    now = store.aware_now(None)
    with db.session() as s:
        view = store.incident_view(catalog, s, store.get_incident(s, visibility, ident), now)
    return Response(markdown(view["drafts"]), media_type="text/markdown; charset=utf-8")
