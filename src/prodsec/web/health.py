"""`/healthz` for load balancers: is the database answering, which catalog is loaded.
No sign-in, no rate limit, never cached; left out of the API's spec (it is the server's,
not the API's)."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from typing_extensions import TypedDict

from prodsec.web.deps import CatalogDep, DbDep

router = APIRouter(include_in_schema=False)
log = logging.getLogger("prodsec.web")


class HealthPublic(TypedDict):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unavailable"]
    catalog_revision: str


@router.get("/healthz")
def healthz(catalog: CatalogDep, db: DbDep) -> JSONResponse:
    """200 when the database answers a query, else 503; the same shape either way."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        up = True
    except SQLAlchemyError as exc:
        log.warning("health check: the database does not answer: %s", exc)
        up = False
    state: Literal["ok", "unavailable"] = "ok" if up else "unavailable"
    body: HealthPublic = {
        "status": state,
        "database": state,
        "catalog_revision": catalog.data_hash,
    }
    return JSONResponse(dict(body), 200 if up else 503, headers={"Cache-Control": "no-store"})
