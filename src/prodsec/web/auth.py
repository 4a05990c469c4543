"""Who is signed in: a session cookie for the pages, a bearer token for the API.

The catalog, the harmonisation measures, applicability and recognition are public.
Products, assessments and plans are a manufacturer's own data and need a signed-in user.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from prodsec.errors import UnauthenticatedError
from prodsec.store import accounts
from prodsec.store.audit import Actor
from prodsec.store.models import User
from prodsec.store.repo import Visibility
from prodsec.web.deps import db_of

SESSION_COOKIE = "prodsec_session"
_UNSET = object()


class SignInRequiredError(UnauthenticatedError):
    """No valid session or token; pages send the browser to /login, the API answers 401."""

    def __init__(self) -> None:
        super().__init__("send a bearer token (POST /api/v1/tokens)")


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token_of(request: Request) -> str | None:
    """The bearer token, else the session cookie. The cookie does not sign in a request
    that changes something through the API: another site could make a browser send it
    (the pages' forms carry a CSRF token instead; API clients send a bearer token)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if request.url.path.startswith("/api/") and request.method not in SAFE_METHODS:
        return None
    return request.cookies.get(SESSION_COOKIE)


def user_of(request: Request) -> User | None:
    """The signed-in user or None; looked up once per request."""
    cached = getattr(request.state, "user", _UNSET)
    if cached is not _UNSET:
        return cached if isinstance(cached, User) else None
    token = token_of(request)
    user = None
    if token:
        with db_of(request).session() as s:
            user = accounts.user_for(s, token)
            if user is not None:
                s.expunge(user)
    request.state.user = user
    return user


BEARER = HTTPBearer(auto_error=False, description="A token from POST /api/v1/tokens.")


def signed_in(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)] = None,
) -> User:
    """The signed-in user, or SignInRequiredError. (The bearer parameter puts the scheme
    into the OpenAPI spec; `user_of` reads the header itself, or the session cookie.)"""
    user = user_of(request)
    if user is None:
        raise SignInRequiredError
    return user


SignedIn = Annotated[User, Depends(signed_in)]


def visibility_of(user: SignedIn) -> Visibility:
    """The products the signed-in user may see and change: their organisation's, or every
    one for an administrator."""
    return Visibility.of(user)


VisibilityDep = Annotated[Visibility, Depends(visibility_of)]


def client_of(request: Request) -> str:
    """The address a request came from, as the audit log names it."""
    return request.client.host if request.client else "unknown"


def actor_of(request: Request, user: SignedIn) -> Actor:
    """Who the signed-in user's changes are recorded as in the audit log, and from where."""
    return Actor.of(user, client_of(request))


ActorDep = Annotated[Actor, Depends(actor_of)]
