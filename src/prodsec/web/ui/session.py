"""Signing in and out of the pages: a form, a session cookie."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from prodsec.store import accounts
from prodsec.web.auth import SESSION_COOKIE
from prodsec.web.deps import CheckedForm, DbDep
from prodsec.web.templating import page

router = APIRouter(include_in_schema=False)


def _next(target: str) -> str:
    """Only a path on this site: no open redirect."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return page(request, "login.html", next=_next(next), email="", error=None)


@router.post("/login", response_model=None)
def login(request: Request, form: CheckedForm, db: DbDep) -> Response:
    email, password = str(form.get("email") or ""), str(form.get("password") or "")
    target = _next(str(form.get("next") or "/"))
    try:
        with db.session() as s:
            token, expires = accounts.sign_in(
                s, email.strip(), password, "browser", request.app.state.throttle
            )
    except (accounts.SignInError, accounts.ThrottledError) as exc:
        return page(request, "login.html", exc.status, next=target, email=email, error=str(exc))
    answer = RedirectResponse(target, status_code=303)
    answer.set_cookie(
        SESSION_COOKIE,
        token,
        expires=expires,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return answer


@router.post("/logout", response_model=None)
def logout(request: Request, _: CheckedForm, db: DbDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with db.session() as s:
            accounts.sign_out(s, token)
    answer = RedirectResponse("/", status_code=303)
    answer.delete_cookie(SESSION_COOKIE)
    return answer
