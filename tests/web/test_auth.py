"""Sign-in: private data needs it, public data does not, and nothing leaks on failure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from prodsec.catalog import Catalog
from prodsec.errors import BadInputError, ConflictError
from prodsec.store import accounts
from prodsec.store.db import Database
from prodsec.store.models import Login, SignInFailure, User
from prodsec.store.throttle import Throttle, ThrottledError
from prodsec.web.app import create_app

from .conftest import EMAIL, PASSWORD, add_user, sign_in

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_api_wants_a_token_for_products_only(database: Database, catalog: Catalog) -> None:
    add_user(database)
    client = TestClient(create_app(database, catalog))
    assert client.get("/api/v1/instruments/uk-psti@2024-04-29").status_code == 200
    refused = client.get("/api/v1/products")
    assert (refused.status_code, refused.headers["www-authenticate"]) == (401, "Bearer")
    assert refused.json() == {
        "type": "about:blank",
        "title": "Sign-in required",
        "status": 401,
        "detail": "send a bearer token (POST /api/v1/tokens)",
    }
    for email, password in ((EMAIL, "wrong password!"), ("nobody@example.org", PASSWORD)):
        failed = client.post("/api/v1/tokens", json={"email": email, "password": password})
        assert (failed.status_code, failed.json()["detail"]) == (
            401,
            "the email or the password is wrong",
        )
    token = client.post("/api/v1/tokens", json={"email": EMAIL, "password": PASSWORD}).json()
    auth = {"Authorization": f"Bearer {token['token']}"}
    assert client.get("/api/v1/products", headers=auth).status_code == 200
    assert client.delete("/api/v1/tokens/current", headers=auth).status_code == 204
    assert client.get("/api/v1/products", headers=auth).status_code == 401


def test_tokens_are_stored_as_hashes_and_expire(database: Database) -> None:
    add_user(database)
    token = accounts.sign_in(database, EMAIL, PASSWORD, "api").token
    with database.session() as s:
        stored = s.scalars(select(Login)).one()
        user = s.scalars(select(User)).one()
        assert token not in stored.token_hash
        assert len(stored.token_hash) == 64
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith("scrypt$")
        assert accounts.user_for(s, token) is not None
        stored.expires = stored.expires.replace(year=2000)
    with database.session() as s:
        assert accounts.user_for(s, token) is None


def test_the_administrator_is_created_once_without_a_default(database: Database) -> None:
    with database.session() as s:
        generated = accounts.ensure_admin(s)
        assert generated is not None
        assert len(generated) >= 24
        assert accounts.ensure_admin(s) is None
    assert accounts.sign_in(database, accounts.ADMIN, generated, "browser").token


def test_passwords_have_a_minimum_and_emails_are_unique(database: Database) -> None:
    add_user(database)
    for email, password, kind, message in (
        ("short@example.org", "too short", BadInputError, "password: at least 12 characters"),
        (EMAIL, "long enough password", ConflictError, f"email: '{EMAIL}' already has an account"),
    ):
        with database.session() as s, pytest.raises(kind, match=f"^{re.escape(message)}$"):
            accounts.create_user(s, email, password)


def test_pages_send_to_the_login_and_back(database: Database, catalog: Catalog) -> None:
    add_user(database)
    client = TestClient(create_app(database, catalog))
    assert client.get("/harmonise").status_code == 200
    away = client.get("/products/new", follow_redirects=False)
    assert (away.status_code, away.headers["location"]) == (303, "/login?next=%2Fproducts%2Fnew")
    form = client.get("/login", params={"next": "//evil.example/"}).text
    assert 'name="next" value="/"' in form
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None
    wrong = client.post(
        "/login", data={"csrf": token.group(1), "email": EMAIL, "password": "nope nope nope"}
    )
    assert wrong.status_code == 401
    assert "the email or the password is wrong" in wrong.text
    forged = client.post("/login", data={"csrf": "x", "email": EMAIL, "password": PASSWORD})
    assert forged.status_code == 403
    sign_in(client)
    products = client.get("/products")
    assert products.status_code == 200
    assert f"<span>{EMAIL}</span>" in products.text
    token = re.search(r'name="csrf" value="([^"]+)"', products.text)
    assert token is not None
    out = client.post("/logout", data={"csrf": token.group(1)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/products", follow_redirects=False).status_code == 303


def test_the_spec_declares_the_bearer_scheme(api: TestClient) -> None:
    spec = api.get("/api/v1/openapi.json").json()
    assert spec["components"]["securitySchemes"] == {
        "HTTPBearer": {
            "type": "http",
            "description": "A token from POST /api/v1/tokens.",
            "scheme": "bearer",
        }
    }
    assert spec["paths"]["/api/v1/products"]["get"]["security"] == [{"HTTPBearer": []}]
    assert "security" not in spec["paths"]["/api/v1/instruments"]["get"]


def test_repeated_failures_are_throttled_per_account_and_client(
    database: Database, catalog: Catalog
) -> None:
    add_user(database)
    client = TestClient(create_app(database, catalog))
    for _ in range(5):
        failed = client.post("/api/v1/tokens", json={"email": EMAIL, "password": "guess guess!"})
        assert failed.status_code == 401
    blocked = client.post("/api/v1/tokens", json={"email": EMAIL, "password": PASSWORD})
    assert blocked.status_code == 429
    # 900 s from the first failure, rounded up; five password hashes on a busy machine
    # may have used a few seconds
    wait = blocked.headers["retry-after"]
    assert 890 <= int(wait) <= 900
    assert blocked.json()["detail"] == f"too many failed sign-ins; try again in {wait} s"
    other = client.post("/api/v1/tokens", json={"email": "x@example.org", "password": "guess"})
    assert other.status_code == 401
    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None
    page = client.post(
        "/login", data={"csrf": token.group(1), "email": EMAIL, "password": PASSWORD}
    )
    assert page.status_code == 429
    shown = re.search(r"too many failed sign-ins; try again in (\d+) s", page.text)
    assert shown is not None
    assert 890 <= int(shown.group(1)) <= int(wait)
    # the failures are in the database: a restarted server (a new app) still refuses
    restarted = TestClient(create_app(database, catalog))
    again = restarted.post("/api/v1/tokens", json={"email": EMAIL, "password": PASSWORD})
    assert again.status_code == 429
    with database.session() as s:
        emails = s.scalars(select(SignInFailure.email).order_by(SignInFailure.at)).all()
        assert emails == [EMAIL] * 5 + ["x@example.org"]


def test_a_success_clears_the_failures_of_its_client(database: Database) -> None:
    throttle = Throttle(attempts=2, window=60)

    def attempt(client: str, at: float) -> int:
        with database.session() as s:
            return throttle.admit(s, "a@example.org", client, at)

    first = attempt("here", 0.0)
    attempt("there", 0.5)
    with database.session() as s:
        throttle.settle(s, first, "a@example.org", "here")
    attempt("here", 1.0)
    attempt("here", 2.0)
    with pytest.raises(ThrottledError, match="try again in 59 s"):
        attempt("here", 2.5)
    attempt("here", 61.5)
    with database.session() as s:
        kept = s.execute(select(SignInFailure.client, SignInFailure.at).order_by("at")).all()
        assert [tuple(row) for row in kept] == [
            ("there", 0.5),
            ("here", 1.0),
            ("here", 2.0),
            ("here", 61.5),
        ]


def test_the_session_cookie_does_not_change_anything_through_the_api(web: TestClient) -> None:
    """A signed-in browser may read through the API, but a request that changes something
    there needs a bearer token: another site could make the browser send the cookie."""
    assert web.get("/api/v1/products").json()["total"] == 5
    body = (EXAMPLES / "laptop.yaml").read_text()
    refused = web.post(
        "/api/v1/products", content=body, headers={"content-type": "application/yaml"}
    )
    assert (refused.status_code, refused.json()["title"]) == (401, "Sign-in required")
    assert web.get("/api/v1/products").json()["total"] == 5
