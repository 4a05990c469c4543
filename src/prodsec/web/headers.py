"""Security headers on every response, as plain ASGI middleware.

The pages load scripts, styles and images from the site only; no page may be framed;
browsers must not guess content types; links leave no referrer outside the site. A
response that sets its own Content-Security-Policy (the Swagger page, whose start-up
script is allowed by its hash) keeps it.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
"""Inline style attributes stay allowed (the dashboard's bars and heatmap shades); inline
scripts do not."""

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def policy(*script_hashes: str) -> str:
    """The site's policy, with inline scripts of these SHA-256 hashes (base64) allowed."""
    if not script_hashes:
        return POLICY
    allowed = " ".join(f"'sha256-{h}'" for h in script_hashes)
    return POLICY.replace("script-src 'self'", f"script-src 'self' {allowed}")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", POLICY)
            await send(message)

        await self.app(scope, receive, with_headers)
