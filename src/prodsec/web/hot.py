"""The hottest read, answered before routing: `GET /api/v1/instruments/{ID@EDITION}` whose
body is in the memo already. Plain ASGI middleware, the innermost one, so every guard and
header of the outer middleware still applies; it answers with the very response the route
gives (web/api/caching.py), and passes everything else on (a first request, the latest
edition by bare id, a query string, an unknown id): FastAPI's routing and dependency
solving cost more than the answer itself."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from prodsec.catalog import Catalog
from prodsec.web.api.caching import memo_key, tagged
from prodsec.web.memo import peek

PREFIX = "/api/v1/instruments/"


class MemoHits:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self._hit(scope) if scope["type"] == "http" else None
        if found is None:
            await self.app(scope, receive, send)
            return
        tag, body = found
        await tagged(tag, body, Headers(scope=scope).get("if-none-match"))(scope, receive, send)

    @staticmethod
    def _hit(scope: Scope) -> tuple[str, bytes] | None:
        path: str = scope["path"]
        if scope["method"] != "GET" or scope["query_string"] or not path.startswith(PREFIX):
            return None
        key = path[len(PREFIX) :]
        catalog: Catalog = scope["app"].state.catalog
        if key not in catalog.instruments:
            return None
        found: tuple[str, bytes] | None = peek(memo_key(catalog, key))
        return found
