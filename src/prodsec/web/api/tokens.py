"""API sign-in: bearer tokens for the private routes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from typing_extensions import TypedDict

from prodsec.catalog import limits
from prodsec.store import accounts
from prodsec.web.auth import token_of
from prodsec.web.deps import DbDep

router = APIRouter(prefix="/api/v1", tags=["sign-in"])


class Credentials(BaseModel):
    email: Annotated[str, limits.Bounded(limits.EMAIL_LENGTH)]
    password: Annotated[str, limits.Bounded(limits.PASSWORD_LENGTH)]


class TokenPublic(TypedDict):
    """A bearer token and when it stops working (ISO 8601, UTC)."""

    token: str
    expires: str


@router.post("/tokens", summary="Sign in: a new API token", status_code=201)
def new_token(credentials: Credentials, request: Request, db: DbDep) -> TokenPublic:
    """A bearer token for the private routes (products, assessments, plans), valid 30
    days. Send it as `Authorization: Bearer TOKEN`."""
    with db.session() as s:
        token, expires = accounts.sign_in(
            s, credentials.email, credentials.password, "api", request.app.state.throttle
        )
    return {"token": token, "expires": expires.astimezone(dt.UTC).isoformat()}


@router.delete("/tokens/current", summary="Sign out: revoke this token", status_code=204)
def end_token(request: Request, db: DbDep) -> Response:
    """Revoke the token this request is sent with."""
    token = token_of(request)
    if token:
        with db.session() as s:
            accounts.sign_out(s, token)
    return Response(status_code=204)
