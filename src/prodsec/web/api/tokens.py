"""API sign-in: bearer tokens for the private routes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, NotRequired

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from typing_extensions import TypedDict

from prodsec.catalog import limits
from prodsec.store import accounts
from prodsec.web.auth import client_of, token_of
from prodsec.web.deps import DbDep

router = APIRouter(prefix="/api/v1", tags=["sign-in"])


class Credentials(BaseModel):
    email: Annotated[str, limits.Bounded(limits.EMAIL_LENGTH)]
    password: Annotated[str, limits.Bounded(limits.PASSWORD_LENGTH)]


class TokenPublic(TypedDict):
    """A bearer token and when it stops working (ISO 8601, UTC)."""

    token: str
    expires: str
    notice: NotRequired[str]
    """Failed sign-ins on the account since its previous sign-in, when there were any."""


@router.post("/tokens", summary="Sign in: a new API token", status_code=201)
def new_token(credentials: Credentials, request: Request, db: DbDep) -> TokenPublic:
    """A bearer token for the private routes (products, assessments, plans), valid 30
    days. Send it as `Authorization: Bearer TOKEN`. Failed attempts are limited per account
    and client, per account and per client (429 with Retry-After)."""
    signed = accounts.sign_in(
        db, credentials.email, credentials.password, "api", client_of(request),
        request.app.state.throttle,
    )  # fmt: skip
    answer: TokenPublic = {
        "token": signed.token,
        "expires": signed.expires.astimezone(dt.UTC).isoformat(),
    }
    told = accounts.notice(signed.failures, signed.day)
    if told:
        answer["notice"] = told
    return answer


@router.delete("/tokens/current", summary="Sign out: revoke this token", status_code=204)
def end_token(request: Request, db: DbDep) -> Response:
    """Revoke the token this request is sent with."""
    token = token_of(request)
    if token:
        with db.session() as s:
            accounts.sign_out(s, token)
    return Response(status_code=204)
