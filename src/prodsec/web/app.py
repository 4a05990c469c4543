"""The FastAPI application: the API, the pages, the error handlers, one OpenAPI spec."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from prodsec import __version__
from prodsec.catalog import Catalog, load_catalog
from prodsec.insight.render import Renderer
from prodsec.store.db import Database
from prodsec.store.keys import key_secret
from prodsec.store.labels import Wiring
from prodsec.store.throttle import Throttle
from prodsec.store.watches import reassess_watched
from prodsec.web import csaf, health
from prodsec.web.api import ROUTERS
from prodsec.web.headers import SecurityHeaders, policy
from prodsec.web.hot import MemoHits
from prodsec.web.inputs import InputGuard
from prodsec.web.limits import BodyCap
from prodsec.web.memo import Pictures
from prodsec.web.openapi import declare_problems
from prodsec.web.problems import HANDLERS, Failsafe
from prodsec.web.ratelimit import RateLimiter, Settings
from prodsec.web.ui import audit as ui_audit
from prodsec.web.ui import catalog as ui_catalog
from prodsec.web.ui import changes as ui_changes
from prodsec.web.ui import dashboard, products, session
from prodsec.web.ui import incidents as ui_incidents
from prodsec.web.ui import labelpage as ui_labelpage
from prodsec.web.ui import proposals as ui_proposals
from prodsec.web.ui import registry as ui_registry
from prodsec.web.ui import registry_public as ui_public
from prodsec.web.ui import supply as ui_supply
from prodsec.web.ui import watches as ui_watches

STATIC = Path(__file__).resolve().parent / "static"
SWAGGER = Path(str(resources.files("fastapi_offline") / "static"))
"""Swagger UI's script and style, from the fastapi-offline wheel (decision 0009): the
interactive API page works offline, with no CDN."""
SWAGGER_AT = "/api/v1/docs/assets"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    await run_in_threadpool(reassess_watched, app.state.db, app.state.catalog)
    yield
    app.state.renderer.close()


def create_app(
    db: Database | None = None,
    catalog: Catalog | None = None,
    settings: Settings | None = None,
    *,
    registry: Wiring | None = None,
) -> FastAPI:
    """The app; `registry` wires the registry's issuance and label changes to the key
    store and the transparency log (default: with PRODSEC_KEY_SECRET; without a secret
    those answer 503)."""
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="prodsec",
        version=__version__,
        description="Product-security regulation, machine-readable: the atlas, crosswalks, "
        "harmonisation measures, applicability, recognition, products and assessments.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.catalog = catalog or load_catalog()
    app.state.db = db or Database()
    app.state.registry = registry or Wiring(app.state.catalog, key_secret())
    app.state.throttle = Throttle()
    app.state.limiter = RateLimiter(settings.rate_per_minute, settings.rate_burst)
    app.state.picture_cost = settings.picture_cost
    app.state.pictures = Pictures(int(settings.picture_cache_mb * 1024 * 1024))
    app.state.renderer = Renderer(
        settings.render_workers, settings.render_queue, settings.render_wait
    )
    app.add_middleware(MemoHits)  # innermost: a cached instrument skips the routing
    app.add_middleware(BodyCap)
    app.add_middleware(InputGuard)
    app.add_middleware(Failsafe)  # inside the security headers: a 500 carries them too
    app.add_middleware(SecurityHeaders)
    for kind, handler in HANDLERS.items():
        app.add_exception_handler(kind, handler)
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(session.router)
    app.include_router(ui_catalog.router)
    app.include_router(dashboard.router)
    app.include_router(products.router)
    app.include_router(ui_audit.router)
    app.include_router(ui_registry.router)
    # --- regpublic: the consumer page, label art and the public registry ---
    app.include_router(ui_labelpage.router)
    app.include_router(ui_public.router)
    app.include_router(ui_changes.router)
    app.include_router(ui_incidents.router)
    app.include_router(ui_proposals.router)
    app.include_router(ui_watches.router)
    app.include_router(health.router)
    app.include_router(csaf.router)  # --- csaf: the CSAF provider directories ---
    # --- findings: the supply chain on the product page, the organisations' feeds ---
    app.include_router(ui_supply.router)
    declare_problems(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount(SWAGGER_AT, StaticFiles(directory=SWAGGER), name="swagger")

    docs = get_swagger_ui_html(
        openapi_url="/api/v1/openapi.json",
        title="prodsec API",
        swagger_js_url=f"{SWAGGER_AT}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER_AT}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER_AT}/favicon.png",
    )
    docs_policy = policy(*inline_script_hashes(bytes(docs.body).decode()))

    @app.get("/api/v1/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        """The spec in Swagger UI, to read and try; every file it loads is served here, and
        its one inline start-up script is allowed by its hash."""
        return HTMLResponse(docs.body, headers={"Content-Security-Policy": docs_policy})

    return app


def inline_script_hashes(html: str) -> list[str]:
    """The base64 SHA-256 of each inline script of a page, as a CSP source wants them."""
    bodies = re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    return [base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() for b in bodies]
