"""Watches, and the organisation's change log (private: a signed-in user, their own
watches and their organisation's products)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from prodsec.catalog import limits
from prodsec.store import watches as store
from prodsec.store.changelog import (
    CauseKind,
    LogFilter,
    LoggedChangePublic,
    change_log,
    logged_change_view,
)
from prodsec.web.auth import ActorDep, SignedIn, VisibilityDep, signed_in
from prodsec.web.deps import CatalogDep, DbDep, Limit, Offset, Page, page

router = APIRouter(prefix="/api/v1", tags=["watches"], dependencies=[Depends(signed_in)])


class WatchIn(BaseModel):
    kind: Literal["instrument", "jurisdiction", "product"]
    target: Annotated[str, Field(max_length=limits.ID_LENGTH)]


class WatchPublic(BaseModel):
    kind: str
    target: str


class WatchesPublic(BaseModel):
    watches: list[WatchPublic]


@router.get("/watches", summary="What I watch")
def my_watches(db: DbDep, user: SignedIn) -> WatchesPublic:
    with db.session() as s:
        found = [WatchPublic(kind=w.kind, target=w.target) for w in store.watches_of(s, user)]
        return WatchesPublic(watches=found)


@router.post(
    "/watches", summary="Watch an instrument, a jurisdiction or a product", status_code=201
)
def add_watch(
    body: WatchIn, catalog: CatalogDep, db: DbDep, user: SignedIn, actor: ActorDep
) -> WatchPublic:
    """When the catalog changes, the products a watch covers are re-assessed and the
    change of verdicts is kept in the organisation's change log (`GET
    /api/v1/verdict-changes`)."""
    with db.session() as s:
        row = store.watch(s, catalog, user, actor, body.kind, body.target)
        return WatchPublic(kind=row.kind, target=row.target)


@router.delete("/watches/{kind}/{target}", summary="Stop watching", status_code=204)
def remove_watch(kind: str, target: str, db: DbDep, user: SignedIn, actor: ActorDep) -> Response:
    with db.session() as s:
        store.unwatch(s, user, actor, kind, target)
    return Response(status_code=204)


CauseQuery = Annotated[CauseKind | None, Query(description="Only changes of this kind of cause.")]
SinceQuery = Annotated[
    dt.datetime | None,
    Query(description="Only changes at or after this moment (UTC when no offset is given)."),
]


def log_page(
    db: DbDep,
    visibility: VisibilityDep,
    where: LogFilter,
    offset: int,
    limit: int,
) -> Page[LoggedChangePublic]:
    """One page of the change log the caller may see (`store.changelog.change_log`)."""
    with db.session() as s:
        found, total = change_log(s, visibility, where, offset, limit)
        return page([logged_change_view(c) for c in found], total, offset, limit)


@router.get("/verdict-changes", summary="The organisation's change log")
def verdict_changes(
    db: DbDep,
    visibility: VisibilityDep,
    product: Annotated[
        str | None, Query(max_length=limits.ID_LENGTH, description="Only this product's.")
    ] = None,
    cause: CauseQuery = None,
    since: SinceQuery = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[LoggedChangePublic]:
    """Every change of verdict of the organisation's products, newest first, whatever
    brought it: an advisory, a KEV entry, an SBOM or VEX upload (`kind` `supply`, with
    the product version) or a catalog revision (`kind` `catalog`). `cause` says what, in
    one form: `advisory <ids>`, `KEV CVE-...`, `VEX <file>`, `SBOM <file>`, `catalog
    revision N`; `details` the blocks or requirements that moved. The same log as the
    organisation's feed (`/orgs/NAME/feed.atom`). This list used to answer `{"changes":
    [...]}` with the catalog's changes alone."""
    where = LogFilter(product, cause, since)
    return log_page(db, visibility, where, offset, limit)
