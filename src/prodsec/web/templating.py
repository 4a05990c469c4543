"""The Jinja2 environment every page renders through, the CSRF token every form carries,
and who is signed in, for the header."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from prodsec import __version__
from prodsec.catalog.vocab import shown
from prodsec.web.auth import NOTICE_COOKIE, notice_of, user_of
from prodsec.web.deps import CSRF_COOKIE

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
templates.env.globals["prodsec_version"] = __version__
templates.env.filters["shown"] = shown


def markdown(text: str) -> Markup:
    """Markdown as HTML, safely: CommonMark without raw HTML (a tag in the text shows as
    text), links only to safe addresses (markdown-it refuses javascript: and the like)."""
    from markdown_it import MarkdownIt

    return Markup(MarkdownIt("commonmark", {"html": False}).disable("image").render(text))


templates.env.filters["markdown"] = markdown


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page. Forms in it carry the browser's CSRF token (a random value also kept in a
    SameSite=Strict cookie, issued with the first page)."""
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    user = user_of(request)
    notice = notice_of(request)
    context = {"csrf": token, "user": user.email if user else None, "notice": notice, **context}
    response = templates.TemplateResponse(request, name, context, status_code=status)
    if NOTICE_COOKIE in request.cookies and user is not None:
        response.delete_cookie(NOTICE_COOKIE)  # said once
    if request.cookies.get(CSRF_COOKIE) != token:
        secure = request.url.scheme == "https"
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure)
    return response
