"""The path and the query of every request, checked before any route sees them, as plain
ASGI middleware: no control characters (a NUL byte reaches no database), no value longer
than the limits of catalog/limits.py. A refused request is a 400 (problem+json under /api,
the error page elsewhere) and changes nothing."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from prodsec.catalog import limits
from prodsec.errors import BadInputError
from prodsec.web.problems import answer


def request_problem(scope: Scope) -> BadInputError | None:
    """What is wrong with the request's path or query, or None."""
    path: str = scope.get("path", "")
    if problem := limits.plain_text_problem(path, limits.MAX_PATH_LENGTH):
        return BadInputError(problem, field="path")
    query: bytes = scope.get("query_string", b"")
    if len(query) > limits.MAX_QUERY_LENGTH:
        return BadInputError(f"at most {limits.MAX_QUERY_LENGTH} bytes", field="query")
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if problem := limits.plain_text_problem(name, limits.QUERY_VALUE_LENGTH):
            return BadInputError(f"a parameter's name: {problem}", field="query")
        if problem := limits.plain_text_problem(value, limits.QUERY_VALUE_LENGTH):
            return BadInputError(problem, field=name)
    return None


class InputGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (problem := request_problem(scope)) is not None:
            refused = await answer(Request(scope), problem)
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)
