"""Errors: RFC 9457 problem details (`application/problem+json`) under /api, an HTML page
with the same status and message everywhere else.

One handler answers every `ProdsecError` from what its class knows (status, title,
`lines()`, `extra()`); FastAPI's request validation and Starlette's routing answers (404,
405) take the same form. Anything else that escapes a route is a bug: `Failsafe` logs it
with the request's id and answers 500, never a 400 and never text/plain.
"""

from __future__ import annotations

import logging
import re
import uuid
from html import escape
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from prodsec.errors import (
    ProdsecError,
    TooManyRequestsError,
    UnauthenticatedError,
    UnavailableError,
)
from prodsec.web.auth import SignInRequiredError
from prodsec.web.templating import page

MEDIA = "application/problem+json"
REQUEST_ID = "X-Request-ID"
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
"""A request id a client or a proxy may choose; anything else is replaced by our own."""
log = logging.getLogger("prodsec.web")


def for_api(request: Request) -> bool:
    path = request.url.path
    return path == "/api" or path.startswith("/api/")


def problem(
    request: Request,
    status: int,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    answer: Response
    if for_api(request):
        body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
        answer = JSONResponse({**body, **extra}, status, media_type=MEDIA)
    else:
        answer = page(request, "error.html", status, title=title, detail=detail, extra=extra)
    answer.headers.update(headers or {})
    return answer


async def answer(request: Request, exc: Exception) -> Response:
    """The one handler of the error tree."""
    assert isinstance(exc, ProdsecError)
    error = exc
    headers: dict[str, str] = {}
    if isinstance(error, UnauthenticatedError):
        if not for_api(request):
            if isinstance(error, SignInRequiredError):
                return _to_login(request)
        else:
            headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, TooManyRequestsError | UnavailableError) and error.retry_after:
        headers["Retry-After"] = str(error.retry_after)
    detail = error.lines()[0]
    return problem(request, error.status, error.title, detail, headers, **error.extra())


def _to_login(request: Request) -> Response:
    wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?{urlencode({'next': wanted})}", status_code=303)


async def bad_request(request: Request, exc: Exception) -> Response:
    """FastAPI's checks of the query, the path and the body: 400, each error located."""
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
    ]
    first = errors[0] if errors else {"field": "", "message": "invalid request"}
    detail = f"{first['field']}: {first['message']}"
    return problem(request, 400, "Bad request", detail, errors=errors)


async def routing(request: Request, exc: Exception) -> Response:
    """Starlette's answers: no route (404), a method the route does not take (405, with
    the ones it does in Allow)."""
    assert isinstance(exc, HTTPException)
    status, headers = exc.status_code, dict(exc.headers or {})
    if status < 400:
        return Response(status_code=status, headers=headers)
    phrase = HTTPStatus(status).phrase
    detail = str(exc.detail)
    if detail == phrase and status == 404:
        detail = f"nothing at {request.url.path}"
    elif detail == phrase and status == 405:
        allowed = headers.get("Allow", "")
        detail = f"{request.method} is not allowed at {request.url.path}; allowed: {allowed}"
    return problem(request, status, phrase.capitalize(), detail, headers)


HANDLERS: dict[type[Exception], Any] = {
    ProdsecError: answer,
    RequestValidationError: bad_request,
    HTTPException: routing,
}


class Failsafe:
    """Every request gets an id (a sane X-Request-ID it came with, else a new one), sent
    back in X-Request-ID. An exception no handler took is logged with that id and answered
    as a 500 problem (the HTML error page outside /api). Added inside the security
    headers, so the answer carries them too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(REQUEST_ID, "")
        request_id = given if SANE_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def tagged(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[REQUEST_ID] = request_id
            await send(message)

        try:
            await self.app(scope, receive, tagged)
        except Exception:
            request = Request(scope)
            log.exception("request %s: %s %s failed", request_id, request.method, scope["path"])
            if started:
                raise
            await unexpected(request, request_id)(scope, receive, tagged)


def unexpected(request: Request, request_id: str) -> Response:
    title = "Internal server error"
    detail = f"an unexpected error; it is logged as request {request_id}"
    try:
        return problem(request, 500, title, detail, request_id=request_id)
    except Exception:  # the page itself failed (no database, say): a page without its frame
        log.exception("request %s: the error page failed", request_id)
        body = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{escape(detail)}</p>"
        return HTMLResponse(body, status_code=500)
