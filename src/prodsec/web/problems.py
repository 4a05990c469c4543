"""Errors: RFC 9457 problem details (`application/problem+json`) under /api, an HTML page
with the same status and message everywhere else."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from prodsec.assess.profile import ProfileError
from prodsec.catalog import NotFoundError
from prodsec.store.repo import NotStoredError
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


HANDLERS: dict[type[Exception], Any] = {
    NotFoundError: not_found,
    NotStoredError: not_found,
    ProfileError: bad_profile,
    RequestValidationError: bad_request,
    ValueError: bad_value,
}
