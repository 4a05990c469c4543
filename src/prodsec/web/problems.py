"""Errors as RFC 9457 problem details (`application/problem+json`)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from prodsec.assess.profile import ProfileError
from prodsec.catalog import NotFoundError
from prodsec.store.repo import NotStoredError

MEDIA = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=MEDIA)


async def not_found(_: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, NotFoundError):
        return problem(
            404, "Not found", str(exc), suggestions=exc.suggestions, valid=exc.valid or None
        )
    return problem(404, "Not found", str(exc))


async def bad_profile(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProfileError)
    errors = [{"line": i.line, "field": i.field, "message": i.message} for i in exc.issues]
    return problem(422, "Invalid product profile", str(exc.issues[0]), errors=errors)


async def bad_request(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
    ]
    first = errors[0] if errors else {"field": "", "message": "invalid request"}
    return problem(400, "Bad request", f"{first['field']}: {first['message']}", errors=errors)


async def bad_value(_: Request, exc: Exception) -> JSONResponse:
    return problem(400, "Bad request", str(exc))


HANDLERS: dict[type[Exception], Any] = {
    NotFoundError: not_found,
    NotStoredError: not_found,
    ProfileError: bad_profile,
    RequestValidationError: bad_request,
    ValueError: bad_value,
}
