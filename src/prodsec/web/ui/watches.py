"""Watching from the pages, and the organisation's feed of changes of verdict (Atom and
JSON Feed, for the signed-in user's own organisation)."""

from __future__ import annotations

import contextlib
import datetime as dt

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from prodsec.errors import ConflictError
from prodsec.store import watches as store
from prodsec.web.auth import ActorDep, SignedIn, VisibilityDep, signed_in
from prodsec.web.deps import CatalogDep, CheckedForm, DbDep, local_path
from prodsec.web.feeds import (
    ATOM_TYPE,
    JSON_FEED_TYPE,
    Entry,
    Feed,
    as_json_bytes,
    atom,
    json_feed,
    tag,
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(signed_in)])


@router.post("/watches", response_model=None)
def add_watch(
    form: CheckedForm, catalog: CatalogDep, db: DbDep, user: SignedIn, actor: ActorDep
) -> Response:
    kind, target = str(form.get("kind") or ""), str(form.get("target") or "")
    with db.session() as s, contextlib.suppress(ConflictError):  # watched already: fine
        store.watch(s, catalog, user, actor, kind, target)
    return RedirectResponse(local_path(form.get("next"), "/products"), status_code=303)


def _feed(request: Request, db: DbDep, visibility: VisibilityDep, suffix: str) -> Feed:
    base = str(request.base_url).rstrip("/")
    with db.session() as s:
        views = [store.change_view(c) for c in store.changes_of(s, visibility)]
    entries = [
        Entry(
            id=tag(f"verdict-change/{v['id']}"),
            title=f"{v['summary']} ({v['product']})",
            updated=dt.datetime.fromisoformat(v["at"].replace("Z", "+00:00")),
            text="\n".join(
                [f"After {v['cause']}."]
                + [f"{c['requirement']}: {c['change']}" for c in v["changes"][:200]]
            ),
            url=f"{base}/products/{v['product']}#changes",
        )
        for v in views
    ]
    who = visibility.organisation_id or "no-organisation"
    return Feed(
        id=tag(f"organisation/{who}/verdict-changes"),
        title="prodsec: changes of verdict for your products",
        self_url=f"{base}/feeds/verdicts.{suffix}",
        home_url=f"{base}/products",
        updated=max((e.updated for e in entries), default=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
        entries=entries,
    )


@router.get("/feeds/verdicts.atom")
def verdicts_atom(request: Request, db: DbDep, visibility: VisibilityDep) -> Response:
    return Response(atom(_feed(request, db, visibility, "atom")), media_type=ATOM_TYPE)


@router.get("/feeds/verdicts.json")
def verdicts_json(request: Request, db: DbDep, visibility: VisibilityDep) -> Response:
    document = json_feed(_feed(request, db, visibility, "json"))
    return Response(as_json_bytes(document), media_type=JSON_FEED_TYPE)
