"""What the API and the pages share: the app's catalog and database, the upload cap."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

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
