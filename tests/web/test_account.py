"""The account page, the CSRF token rotated at sign-in, the notice of failed sign-ins,
no-store on private answers, HSTS, and the client behind a trusted proxy."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from prodsec.catalog import Catalog
from prodsec.store.db import Database
from prodsec.web.app import create_app

from .conftest import EMAIL, PASSWORD, add_user, sign_in

NEW_PASSWORD = "a brand new passphrase"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


@pytest.fixture
def client(database: Database, catalog: Catalog) -> TestClient:
    add_user(database)
    return TestClient(create_app(database, catalog))


def _api_token(client: TestClient, password: str = PASSWORD) -> dict[str, str]:
    answer = client.post("/api/v1/tokens", json={"email": EMAIL, "password": password})
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def test_the_csrf_token_is_new_after_sign_in(client: TestClient) -> None:
    before = _csrf(client.get("/login").text)
    sign_in(client)
    after = _csrf(client.get("/account").text)
    assert after != before
    refused = client.post("/logout", data={"csrf": before}, follow_redirects=False)
    assert refused.status_code == 403
    out = client.post("/logout", data={"csrf": after}, follow_redirects=False)
    assert (out.status_code, out.headers["location"]) == (303, "/")


def test_the_account_lists_sessions_and_tokens_and_revokes_them(client: TestClient) -> None:
    assert client.get("/account", follow_redirects=False).headers["location"] == (
        "/login?next=%2Faccount"
    )
    sign_in(client)
    bearer = _api_token(client)
    page = client.get("/account")
    assert page.status_code == 200
    kinds = re.findall(r"<tr><td>([^<]+)</td>", page.text)
    assert sorted(kinds) == ["API token", "browser session (this one)"]
    ids = re.findall(r'action="/account/logins/([^/]+)/revoke"', page.text)
    token_id = ids[kinds.index("API token")]
    csrf = _csrf(page.text)
    # another user's session (or none) is not found
    stray = client.post("/account/logins/nope/revoke", data={"csrf": csrf})
    assert stray.status_code == 404
    forged = client.post(f"/account/logins/{token_id}/revoke", data={"csrf": "x"})
    assert forged.status_code == 403
    assert client.get("/api/v1/products", headers=bearer).status_code == 200
    done = client.post(
        f"/account/logins/{token_id}/revoke", data={"csrf": csrf}, follow_redirects=False
    )
    assert (done.status_code, done.headers["location"]) == (303, "/account")
    assert client.get("/api/v1/products", headers=bearer).status_code == 401
    mine = ids[kinds.index("browser session (this one)")]
    out = client.post(f"/account/logins/{mine}/revoke", data={"csrf": csrf}, follow_redirects=False)
    assert (out.status_code, out.headers["location"]) == (303, "/login")
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_the_password_changes_on_the_account_page(client: TestClient) -> None:
    sign_in(client)
    bearer = _api_token(client)
    csrf = _csrf(client.get("/account").text)
    for current, new, again, status, message in (
        ("wrong password!!", NEW_PASSWORD, NEW_PASSWORD, 401, "the email or the password is wrong"),
        (PASSWORD, NEW_PASSWORD, "something else!", 400, "password: the two new passwords differ"),
        (PASSWORD, "short", "short", 400, "password: at least 12 characters"),
    ):
        form = {"csrf": csrf, "current": current, "new": new, "again": again}
        refused = client.post("/account/password", data=form)
        assert refused.status_code == status
        assert f'<p class="error" role="alert">{message}</p>' in refused.text
    form = {"csrf": csrf, "current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD}
    changed = client.post("/account/password", data=form)
    assert changed.status_code == 200
    assert "Password changed; your other sessions and tokens were revoked." in changed.text
    assert client.get("/api/v1/products", headers=bearer).status_code == 401
    assert client.get("/products").status_code == 200  # this session stays
    failed = client.post("/api/v1/tokens", json={"email": EMAIL, "password": PASSWORD})
    assert failed.status_code == 401
    _api_token(client, NEW_PASSWORD)


def test_the_next_sign_in_tells_of_failed_ones_once(client: TestClient) -> None:
    for _ in range(2):
        wrong = client.post("/api/v1/tokens", json={"email": EMAIL, "password": "guess guess!"})
        assert wrong.status_code == 401
    sign_in(client)
    line = '<p class="notice" role="status">2 failed sign-in attempts since your last sign-in</p>'
    assert line in client.get("/products").text
    assert 'class="notice"' not in client.get("/products").text
    # a notice never shown (the sign-in went to no page) is dropped by the next sign-in
    out = client.post("/logout", data={"csrf": _csrf(client.get("/products").text)})
    assert out.status_code == 200
    client.cookies.set("prodsec_notice", "7:", domain="testserver.local")
    sign_in(client)
    assert 'class="notice"' not in client.get("/products").text
    client.post("/api/v1/tokens", json={"email": EMAIL, "password": "guess guess!"})
    answer = client.post("/api/v1/tokens", json={"email": EMAIL, "password": PASSWORD}).json()
    assert re.fullmatch(
        r"1 failed sign-in attempt since your last sign-in on \d{4}-\d{2}-\d{2}", answer["notice"]
    )
    assert (
        "notice"
        not in client.post("/api/v1/tokens", json={"email": EMAIL, "password": PASSWORD}).json()
    )


def test_a_huge_email_is_refused_at_once(client: TestClient) -> None:
    huge = "a" * 400_000 + "@example.org"
    answer = client.post("/api/v1/tokens", json={"email": huge, "password": PASSWORD})
    assert (answer.status_code, answer.json()["detail"]) == (
        400,
        "body.email: Value error, at most 254 characters; this one has 400012",
    )
    # a form field is cut at 256 KiB by the form parser; a shorter one reaches the check
    long = "a" * 100_000 + "@example.org"
    form = client.post("/login", data={"csrf": _csrf(client.get("/login").text), "email": long,
                                       "password": PASSWORD})  # fmt: skip
    assert form.status_code == 400
    assert "email: at most 254 characters" in form.text
    assert len(form.text) < 20_000


def test_private_answers_are_not_stored(client: TestClient) -> None:
    public = client.get("/api/v1/instruments/uk-psti@2024-04-29")
    assert public.headers["cache-control"] == "public, max-age=60"
    assert "cache-control" not in client.get("/harmonise").headers
    assert client.get("/login").headers["cache-control"] == "no-store"
    assert client.get("/api/v1/products").headers["cache-control"] == "no-store"  # a 401
    sign_in(client)
    for path in ("/products", "/account", "/harmonise", "/api/v1/products"):
        assert client.get(path).headers["cache-control"] == "no-store", path
    again = client.get(
        "/api/v1/instruments/uk-psti@2024-04-29", headers={"if-none-match": public.headers["etag"]}
    )
    assert (again.status_code, again.headers.get("cache-control")) == (304, None)
    assert "strict-transport-security" not in again.headers


def test_hsts_is_sent_when_set(
    database: Database, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRODSEC_HSTS", "1")
    client = TestClient(create_app(database, catalog))
    for path in ("/", "/api/v1/instruments"):
        assert client.get(path).headers["strict-transport-security"] == "max-age=31536000"


def test_the_client_is_the_proxy_s_last_forwarded_address_only_when_trusted(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def guess(forwarded: str) -> int:
        answer = client.post(
            "/api/v1/tokens",
            json={"email": EMAIL, "password": "guess guess!"},
            headers={"x-forwarded-for": forwarded},
        )
        code: int = answer.status_code
        return code

    # untrusted: the header is ignored, every attempt comes from the test client
    assert [guess(f"10.0.0.{n}") for n in range(6)] == [401] * 5 + [429]
    monkeypatch.setenv("PRODSEC_TRUSTED_PROXY", "1")
    assert [guess("6.6.6.6, 10.0.0.9") for _ in range(6)] == [401] * 5 + [429]
    assert guess("10.0.0.9, 10.0.0.8") == 401  # a new client: the last entry counts
