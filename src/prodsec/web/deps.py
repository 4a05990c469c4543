"""What the API and the pages share: the app's catalog and database, the upload cap,
paging, and reading a list of markets."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from prodsec.catalog import Catalog
from prodsec.store.db import Database

UPLOAD_LIMIT = 256 * 1024


def catalog_of(request: Request) -> Catalog:
    found: Catalog = request.app.state.catalog
    return found


def db_of(request: Request) -> Database:
    found: Database = request.app.state.db
    return found


CatalogDep = Annotated[Catalog, Depends(catalog_of)]
DbDep = Annotated[Database, Depends(db_of)]
Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=500)]


def page(items: list[Any], total: int, offset: int, limit: int) -> dict[str, Any]:
    """One page of a list: `items` is the page already cut."""
    return {"items": items, "total": total, "offset": offset, "limit": limit}


def markets_of(catalog: Catalog, given: Iterable[str]) -> tuple[str, ...]:
    """Market ids from query values or form text ('gb, eu' or several values), checked
    against the catalog (an unknown one is a NotFoundError with near matches)."""
    return tuple(
        catalog.market(m.strip().upper()).id for item in given for m in item.split(",") if m.strip()
    )
