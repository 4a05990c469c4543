"""The registry's work list as a page: the applications and labels the signed-in user's
organisation takes part in (manufacturer, lab or scheme owner)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from prodsec.store import labels as store_labels
from prodsec.store import registry as store
from prodsec.web.api.registry import today
from prodsec.web.auth import SignedIn, signed_in
from prodsec.web.deps import DbDep
from prodsec.web.templating import page

router = APIRouter(include_in_schema=False, dependencies=[Depends(signed_in)])


@router.get("/registry/work", response_class=HTMLResponse)
def work_list(request: Request, db: DbDep, user: SignedIn) -> HTMLResponse:
    on = today()
    with db.session() as s:
        applications = [store.application_view(s, a) for a in store.applications(s, user)]
        issued = [store_labels.label_view(lb, on) for lb in store_labels.labels(s, user)]
    return page(request, "registry.html", applications=applications, labels=issued, on=on)
