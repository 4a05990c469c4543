"""Watches and the verdict changes they bring (private: a signed-in user, their own
watches and their organisation's products)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from prodsec.catalog import limits
from prodsec.store import watches as store
from prodsec.web.auth import ActorDep, SignedIn, VisibilityDep, signed_in
from prodsec.web.deps import CatalogDep, DbDep

router = APIRouter(prefix="/api/v1", tags=["watches"], dependencies=[Depends(signed_in)])


class WatchIn(BaseModel):
    kind: Literal["instrument", "jurisdiction", "product"]
    target: Annotated[str, Field(max_length=limits.ID_LENGTH)]


class WatchPublic(BaseModel):
    kind: str
    target: str


class WatchesPublic(BaseModel):
    watches: list[WatchPublic]


class VerdictChangesPublic(TypedDict):
    changes: list[store.VerdictChangeView]


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
    change of verdicts is kept (`GET /api/v1/verdict-changes`)."""
    with db.session() as s:
        row = store.watch(s, catalog, user, actor, body.kind, body.target)
        return WatchPublic(kind=row.kind, target=row.target)


@router.delete("/watches/{kind}/{target}", summary="Stop watching", status_code=204)
def remove_watch(kind: str, target: str, db: DbDep, user: SignedIn, actor: ActorDep) -> Response:
    with db.session() as s:
        store.unwatch(s, user, actor, kind, target)
    return Response(status_code=204)


@router.get("/verdict-changes", summary="Changes of verdict after catalog changes")
def verdict_changes(
    db: DbDep, visibility: VisibilityDep, product: str | None = None
) -> VerdictChangesPublic:
    with db.session() as s:
        return {"changes": [store.change_view(r) for r in store.changes_of(s, visibility, product)]}
