"""The consumer page of a label, public: `/l/<registration id>` (the id holds slashes),
HTML or, with `Accept: application/json`, the `ConsumerLabel` JSON; the label art
(`art.svg`, `art.png`: the QR code to the page) and the signed label itself
(`label.jws`) beside it. The page's absolute URL starts with `PRODSEC_PUBLIC_URL` where
that is set, else with the URL the request came to."""

from __future__ import annotations

import os

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from prodsec.errors import BadInputError
from prodsec.registry.art import art_png, art_svg
from prodsec.store.labelsearch import art_of, find_label
from prodsec.store.models import RegistryLabel
from prodsec.store.repo import NotStoredError
from prodsec.web.api.registry import today
from prodsec.web.api.supply import advisories
from prodsec.web.consumer import consumer_view
from prodsec.web.deps import CatalogDep, DbDep
from prodsec.web.templating import page

router = APIRouter(include_in_schema=False)

PUBLIC_URL = "PRODSEC_PUBLIC_URL"


def public_base(request: Request) -> str:
    """The public base URL printed into QR codes and links: PRODSEC_PUBLIC_URL, or the
    URL this request came to."""
    given = os.environ.get(PUBLIC_URL, "").strip()
    if given:
        if not given.startswith(("https://", "http://")):
            raise BadInputError(f"{PUBLIC_URL} must be an http(s) URL, not '{given}'")
        return given.rstrip("/")
    return str(request.base_url).rstrip("/")


def wants_json(request: Request) -> bool:
    """Whether the client asked for JSON rather than a page (`Accept`)."""
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _label(session: Session, registration: str) -> RegistryLabel:
    found = find_label(session, registration)
    if found is None:
        raise NotStoredError("label", registration)
    return found


@router.get("/l/{registration:path}/art.svg")
def art_as_svg(registration: str, request: Request, db: DbDep, catalog: CatalogDep) -> Response:
    with db.session() as s:
        art = art_of(catalog, _label(s, registration), public_base(request))
    return Response(art_svg(art), media_type="image/svg+xml")


@router.get("/l/{registration:path}/art.png")
def art_as_png(registration: str, request: Request, db: DbDep, catalog: CatalogDep) -> Response:
    with db.session() as s:
        art = art_of(catalog, _label(s, registration), public_base(request))
    return Response(art_png(art), media_type="image/png")


@router.get("/l/{registration:path}/label.jws")
def signed_label(registration: str, db: DbDep) -> Response:
    """The signed label as its scheme owner signed it (a compact JWS)."""
    with db.session() as s:
        token = _label(s, registration).signed
    return Response(token, media_type="application/jose")


@router.get("/l/{registration:path}", response_model=None)
def consumer_page(
    registration: str, request: Request, db: DbDep, catalog: CatalogDep
) -> HTMLResponse | JSONResponse:
    """The label's consumer page, or its JSON for `Accept: application/json`."""
    on = today()
    with db.session() as s:
        label = _label(s, registration)
        view = consumer_view(s, catalog, label, public_base(request), on, advisories(request))
    if wants_json(request):
        return JSONResponse(dict(view), headers={"Vary": "Accept"})
    answer = page(request, "label.html", label=view)
    answer.headers["Vary"] = "Accept"
    return answer
