"""Security headers on every response, as plain ASGI middleware.

The pages load scripts, styles and images from the site only; no page may be framed;
browsers must not guess content types; links leave no referrer outside the site. A
response that sets its own Content-Security-Policy (the Swagger page, whose start-up
script is allowed by its hash) keeps it.

Private answers are not stored by browsers or proxies (`Cache-Control: no-store`): every
API answer, every page for a signed-in request or of the sign-in and account pages, unless
the answer says otherwise (the public catalog routes send their own Cache-Control with an
ETag, and stay cacheable). With HSTS on (`PRODSEC_HSTS=1`, or `prodsec serve --hsts`,
for a site served over TLS) browsers are told to use HTTPS only, for a year.
"""

from __future__ import annotations

import os

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from prodsec.web.auth import SESSION_COOKIE

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
HSTS_SETTING = "PRODSEC_HSTS"
HSTS = "max-age=31536000"
PRIVATE = ("/api/", "/account", "/login", "/logout", "/products")
"""Paths whose answers are never stored, signed in or not."""


def policy(*script_hashes: str) -> str:
    """The site's policy, with inline scripts of these SHA-256 hashes (base64) allowed."""
    if not script_hashes:
        return POLICY
    allowed = " ".join(f"'sha256-{h}'" for h in script_hashes)
    return POLICY.replace("script-src 'self'", f"script-src 'self' {allowed}")


def private(scope: Scope, answer: MutableHeaders) -> bool:
    """Whether this answer may hold someone's own data: one under PRIVATE, or a page (the
    header names who is signed in) for a request with credentials."""
    if "etag" in answer:
        return False
    if str(scope["path"]).startswith(PRIVATE):
        return True
    sent = Headers(scope=scope)
    signed = "authorization" in sent or f"{SESSION_COOKIE}=" in sent.get("cookie", "")
    return signed and answer.get("content-type", "").startswith("text/html")


class SecurityHeaders:
    def __init__(self, app: ASGIApp, hsts: bool | None = None) -> None:
        self.app = app
        self.hsts = os.environ.get(HSTS_SETTING) == "1" if hsts is None else hsts

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
                if self.hsts:
                    headers.setdefault("Strict-Transport-Security", HSTS)
                if private(scope, headers):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, with_headers)
