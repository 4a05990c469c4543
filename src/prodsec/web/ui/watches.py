"""Watching from the pages, and `/feeds/verdicts.atom|json`, the old address of the
organisation's feed of changes of verdict (now `/orgs/NAME/feed.atom|json`,
web/ui/supply.py)."""

from __future__ import annotations

import contextlib
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from prodsec.errors import ConflictError
from prodsec.store import watches as store
from prodsec.store.models import Organisation
from prodsec.web.auth import ActorDep, SignedIn, signed_in
from prodsec.web.deps import CatalogDep, CheckedForm, DbDep, local_path
from prodsec.web.feeds import FeedKind, feed_response
from prodsec.web.ui.supply import change_feed

router = APIRouter(include_in_schema=False, dependencies=[Depends(signed_in)])


@router.post("/watches", response_model=None)
def add_watch(
    form: CheckedForm, catalog: CatalogDep, db: DbDep, user: SignedIn, actor: ActorDep
) -> Response:
    kind, target = str(form.get("kind") or ""), str(form.get("target") or "")
    with db.session() as s, contextlib.suppress(ConflictError):  # watched already: fine
        store.watch(s, catalog, user, actor, kind, target)
    return RedirectResponse(local_path(form.get("next"), "/products"), status_code=303)


@router.get("/feeds/verdicts.{suffix}", response_model=None)
def verdicts_feed(request: Request, suffix: FeedKind, db: DbDep, user: SignedIn) -> Response:
    """The signed-in user's organisation's one feed of changes of verdict: a permanent
    redirect to `/orgs/NAME/feed.atom|json`; served here for a user of no organisation."""
    with db.session() as s:
        org = s.get(Organisation, user.organisation_id) if user.organisation_id else None
        if org is not None:
            name = quote(org.name, safe="")
            return RedirectResponse(f"/orgs/{name}/feed.{suffix}", status_code=308)
        feed = change_feed(request, s, None, f"/feeds/verdicts.{suffix}")
    return feed_response(feed, suffix)
