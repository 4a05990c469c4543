"""The error answers in the OpenAPI spec. FastAPI declares on each operation with
parameters a 422 with its own `HTTPValidationError` body, but this app answers every error
as problem+json (web/problems.py: a malformed request is a 400, a profile with problems a
422, and so on). The spec says so instead: every operation declares its `4XX` answers as a
`Problem`, the shape that `problem()` writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from prodsec.web.problems import MEDIA

PROBLEM: dict[str, Any] = {
    "title": "Problem",
    "description": "Problem details (RFC 9457); further members by kind: `errors` (located "
    "issues), `field`, `suggestions` and `valid` (near and valid ids), `limit`.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "request_id": {"type": "string"},
    },
}
ERRORS = {
    "description": "A problem: the request, its credentials or the data it sent (RFC 9457).",
    "content": {MEDIA: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
FASTAPI_ONLY = ("HTTPValidationError", "ValidationError")


def declare_problems(app: FastAPI) -> None:
    """Make `app.openapi()` declare the problem+json answers (built once, then cached)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_problems(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def with_problems(spec: dict[str, Any]) -> dict[str, Any]:
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            responses["4XX"] = ERRORS
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for name in FASTAPI_ONLY:
        schemas.pop(name, None)
    schemas["Problem"] = PROBLEM
    return spec
