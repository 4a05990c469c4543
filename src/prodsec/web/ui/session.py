"""Signing in and out of the pages (a form, a session cookie), and the account page: the
user's sessions and API tokens, each revocable, and a new password."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from prodsec.errors import BadInputError
from prodsec.store import accounts, audit
from prodsec.store.audit import Action, Target
from prodsec.store.throttle import ThrottledError
from prodsec.web.auth import NOTICE_COOKIE, SESSION_COOKIE, SignedIn, client_of
from prodsec.web.deps import CSRF_COOKIE, CheckedForm, DbDep
from prodsec.web.templating import page

router = APIRouter(include_in_schema=False)

REFUSED = (accounts.SignInError, ThrottledError, BadInputError)
"""What a sign-in or password form shows on the page again, with the reason."""


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
        signed = accounts.sign_in(
            db, email, password, "browser", client_of(request), request.app.state.throttle
        )
    except REFUSED as exc:
        shown = email[: accounts.MAX_EMAIL]
        return page(request, "login.html", exc.status, next=target, email=shown, error=str(exc))
    answer = RedirectResponse(target, status_code=303)
    secure = request.url.scheme == "https"
    answer.set_cookie(
        SESSION_COOKIE, signed.token, expires=signed.expires, httponly=True, samesite="lax",
        secure=secure,
    )  # fmt: skip
    # a new CSRF token with the new session: a token seen before the sign-in stops working
    fresh = secrets.token_urlsafe(24)
    answer.set_cookie(CSRF_COOKIE, fresh, httponly=True, samesite="strict", secure=secure)
    if signed.failures:
        told = f"{signed.failures}:{signed.day}"
        answer.set_cookie(NOTICE_COOKIE, told, httponly=True, samesite="lax", secure=secure)
    elif NOTICE_COOKIE in request.cookies:
        answer.delete_cookie(NOTICE_COOKIE)  # one never shown belongs to an older sign-in
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


def _account(
    request: Request, user: SignedIn, db: DbDep, status: int = 200, **said: str | None
) -> HTMLResponse:
    current = request.cookies.get(SESSION_COOKIE)
    with db.session() as s:
        logins = [
            {
                "id": login.id,
                "kind": "browser session" if login.kind == "browser" else "API token",
                "created": f"{login.created:%Y-%m-%d %H:%M}",
                "last_used": f"{login.last_used:%Y-%m-%d %H:%M}" if login.last_used else "-",
                "expires": f"{login.expires:%Y-%m-%d %H:%M}",
                "current": accounts.is_token(login, current),
            }
            for login in accounts.logins_of(s, user.id)
        ]
    context = {"error": None, "done": None, **said}
    return page(request, "account.html", status, logins=logins, **context)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, user: SignedIn, db: DbDep) -> HTMLResponse:
    return _account(request, user, db)


@router.post("/account/logins/{login_id}/revoke", response_model=None)
def revoke(request: Request, login_id: str, user: SignedIn, _: CheckedForm, db: DbDep) -> Response:
    """End one of the user's sessions or tokens; ending this one signs out."""
    with db.session() as s:
        ended = accounts.revoke(s, user.id, login_id)
        mine = accounts.is_token(ended, request.cookies.get(SESSION_COOKIE))
        target = Target("login", ended.id)
        audit.record(
            s, user, Action.TOKEN_REVOKED, target, client_of(request), {"kind": ended.kind}
        )
    answer = RedirectResponse("/login" if mine else "/account", status_code=303)
    if mine:
        answer.delete_cookie(SESSION_COOKIE)
    return answer


@router.post("/account/password", response_model=None)
def password(request: Request, user: SignedIn, form: CheckedForm, db: DbDep) -> Response:
    """A new password (typed twice) once the current one is right; every other session
    and token of the user is revoked."""
    current, new = str(form.get("current") or ""), str(form.get("new") or "")
    try:
        if new != str(form.get("again") or ""):
            raise BadInputError("the two new passwords differ", field="password")
        accounts.change_password(
            db, user, current, new, request.cookies.get(SESSION_COOKIE) or "",
            client_of(request), request.app.state.throttle,
        )  # fmt: skip
    except REFUSED as exc:
        return _account(request, user, db, exc.status, error=str(exc))
    done = "Password changed; your other sessions and tokens were revoked."
    return _account(request, user, db, done=done)
