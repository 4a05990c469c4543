"""Errors: RFC 9457 problem details (`application/problem+json`) under /api, an HTML page
with the same status and message everywhere else."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response

from prodsec.assess.profile import ProfileError
from prodsec.errors import BadInputError, NotFoundError
from prodsec.store.accounts import SignInError, ThrottledError
from prodsec.store.repo import NotStoredError
from prodsec.web.auth import SignInRequiredError
from prodsec.web.limits import BodyTooLargeError
from prodsec.web.templating import page

MEDIA = "application/problem+json"


def problem(request: Request, status: int, title: str, detail: str, **extra: Any) -> Response:
    if not request.url.path.startswith("/api/"):
        return page(request, "error.html", status, title=title, detail=detail, extra=extra)
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=MEDIA)


async def not_found(request: Request, exc: Exception) -> Response:
    if isinstance(exc, NotFoundError):
        return problem(
            request,
            404,
            "Not found",
            str(exc),
            suggestions=exc.suggestions,
            valid=exc.valid or None,
        )
    return problem(request, 404, "Not found", str(exc))


async def bad_profile(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProfileError)
    errors = [{"line": i.line, "field": i.field, "message": i.message} for i in exc.issues]
    return problem(request, 422, "Invalid product profile", str(exc.issues[0]), errors=errors)


async def bad_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
    ]
    first = errors[0] if errors else {"field": "", "message": "invalid request"}
    detail = f"{first['field']}: {first['message']}"
    return problem(request, 400, "Bad request", detail, errors=errors)


async def bad_value(request: Request, exc: Exception) -> Response:
    return problem(request, 400, "Bad request", str(exc))


async def sign_in_first(request: Request, _: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        answer = problem(
            request, 401, "Sign-in required", "send a bearer token (POST /api/v1/tokens)"
        )
        answer.headers["WWW-Authenticate"] = "Bearer"
        return answer
    wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?{urlencode({'next': wanted})}", status_code=303)


async def wrong_password(request: Request, exc: Exception) -> Response:
    if isinstance(exc, ThrottledError):
        answer = problem(request, 429, "Too many sign-ins", str(exc))
        answer.headers["Retry-After"] = str(exc.wait)
        return answer
    return problem(request, 401, "Sign-in failed", str(exc))


async def too_large(request: Request, exc: Exception) -> Response:
    return problem(request, 413, "Too large", str(exc))


HANDLERS: dict[type[Exception], Any] = {
    BodyTooLargeError: too_large,
    SignInRequiredError: sign_in_first,
    SignInError: wrong_password,
    NotFoundError: not_found,
    NotStoredError: not_found,
    ProfileError: bad_profile,
    RequestValidationError: bad_request,
    BadInputError: bad_value,
    ValueError: bad_value,
}
