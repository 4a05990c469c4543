"""A cap on request bodies, as plain ASGI middleware (no per-request overhead beyond a
header look-up). A declared length over the cap is refused before anything is read; a
body streamed without a length is counted and stopped where it passes the cap."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from prodsec.errors import LimitExceededError
from prodsec.web.deps import UPLOAD_LIMIT
from prodsec.web.problems import answer

BODY_LIMIT = 2 * UPLOAD_LIMIT  # a capped upload plus the form's other fields


class BodyTooLargeError(LimitExceededError):
    def __init__(self) -> None:
        super().__init__(f"the request body is over {BODY_LIMIT} bytes", limit="bytes")


class BodyCap:
    def __init__(self, app: ASGIApp, limit: int = BODY_LIMIT) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            refused = await answer(Request(scope), BodyTooLargeError())
            await refused(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise BodyTooLargeError
            return message

        await self.app(scope, counted, send)
