"""The FastAPI application: the API, the pages, the error handlers, one OpenAPI spec."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from prodsec import __version__
from prodsec.catalog import Catalog, load_catalog
from prodsec.store.db import Database
from prodsec.web import api, api_products, dashboard, pages, products, session
from prodsec.web.limits import BodyCap
from prodsec.web.problems import HANDLERS

STATIC = Path(__file__).resolve().parent / "static"


def create_app(db: Database | None = None, catalog: Catalog | None = None) -> FastAPI:
    app = FastAPI(
        title="prodsec",
        version=__version__,
        description="Product-security regulation, machine-readable: the atlas, crosswalks, "
        "harmonisation measures, applicability, recognition, products and assessments.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.catalog = catalog or load_catalog()
    app.state.db = db or Database()
    app.add_middleware(BodyCap)
    for kind, handler in HANDLERS.items():
        app.add_exception_handler(kind, handler)
    app.include_router(api.router)
    app.include_router(api_products.router)
    app.include_router(session.api)
    app.include_router(session.router)
    app.include_router(pages.router)
    app.include_router(dashboard.router)
    app.include_router(products.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
