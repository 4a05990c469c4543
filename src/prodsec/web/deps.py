"""What the API and the pages share: the app's catalog and database, the upload cap,
paging, a form checked against CSRF, and reading a list of markets."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query, Request
from starlette.datastructures import FormData
from typing_extensions import TypedDict

from prodsec.catalog import Catalog, limits
from prodsec.errors import BadInputError, ForbiddenError
from prodsec.store.db import Database

UPLOAD_LIMIT = limits.PROFILE.max_bytes
CSRF_COOKIE = "prodsec_csrf"


def catalog_in(request: Request) -> Catalog:
    """The app's catalog; the hottest routes call this rather than declare a dependency."""
    found: Catalog = request.app.state.catalog
    return found


# `async def` so FastAPI calls it on the event loop: a plain `def` dependency costs every
# request a hop to the thread pool and back.
async def catalog_of(request: Request) -> Catalog:
    return catalog_in(request)


def db_of(request: Request) -> Database:
    found: Database = request.app.state.db
    return found


CatalogDep = Annotated[Catalog, Depends(catalog_of)]
DbDep = Annotated[Database, Depends(db_of)]
Offset = Annotated[int, Query(ge=0, le=limits.MAX_OFFSET)]
Limit = Annotated[int, Query(ge=1, le=limits.MAX_PAGE)]


class FormExpiredError(ForbiddenError):
    """A posted form without the CSRF token of this browser (another site sent it, or the
    page is older than the cookie)."""

    def __init__(self) -> None:
        super().__init__("The form expired; reload it.")


async def checked_form(request: Request) -> FormData:
    """The posted form, once its token matches the CSRF cookie (a page of this site sent
    it); a field is at most UPLOAD_LIMIT bytes, and text without control characters
    (tabs and line breaks allowed)."""
    form = await request.form(max_part_size=UPLOAD_LIMIT)
    sent, kept = form.get("csrf"), request.cookies.get(CSRF_COOKIE)
    if not (isinstance(sent, str) and kept and hmac.compare_digest(sent, kept)):
        raise FormExpiredError
    for name, value in form.multi_items():
        if isinstance(value, str) and (bad := limits.control_character(value, lines=True)):
            raise BadInputError(f"control character {bad} is not allowed", field=name)
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]


T = TypeVar("T")


class Page(TypedDict, Generic[T]):
    """One page of a list, and where it sits in the whole."""

    items: list[T]
    total: int
    offset: int
    limit: int


def page(items: list[T], total: int, offset: int, limit: int) -> Page[T]:
    """One page of a list: `items` is the page already cut."""
    return {"items": items, "total": total, "offset": offset, "limit": limit}


def markets_of(catalog: Catalog, given: Iterable[str]) -> tuple[str, ...]:
    """Market ids from query values or form text ('gb, eu' or several values), checked
    against the catalog (an unknown one is a NotFoundError with near matches)."""
    return tuple(
        catalog.market(m.strip().upper()).id for item in given for m in item.split(",") if m.strip()
    )


def local_path(value: object, default: str) -> str:
    """A form's `next`: a path on this site, or `default` (never another site's address)."""
    text = str(value or "")
    return text if text.startswith("/") and not text.startswith("//") else default
