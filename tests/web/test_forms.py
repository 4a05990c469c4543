"""Every form the pages post is checked against CSRF by one dependency (CheckedForm):
a post without this browser's token is a 403 and changes nothing."""

from __future__ import annotations

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from prodsec.web.ui import catalog, dashboard, products, session


def test_every_page_form_refuses_a_forged_post(web: TestClient) -> None:
    posts = sorted(
        r.path
        for module in (catalog, dashboard, products, session)
        for r in module.router.routes
        if isinstance(r, APIRoute) and "POST" in (r.methods or set())
    )
    assert posts == [
        "/account/logins/{login_id}/revoke",
        "/account/password",
        "/login",
        "/logout",
        "/products/new",
        "/products/{ident}/assessments",
        "/products/{ident}/edit",
    ]
    listed = web.get("/api/v1/products").json()
    ident = listed["items"][0]["id"]
    before = (listed["total"], web.get(f"/api/v1/products/{ident}").json()["versions"])
    web.get("/products/new")  # the browser holds a CSRF cookie
    for path in posts:
        forged = web.post(
            path.replace("{ident}", ident),
            data={"csrf": "forged", "email": "x@example.org", "password": "x", "model": "B"},
            follow_redirects=False,
        )
        assert (path, forged.status_code) == (path, 403)
        assert "The form expired; reload it." in forged.text
    after = web.get("/api/v1/products").json()["total"]
    assert (after, web.get(f"/api/v1/products/{ident}").json()["versions"]) == before
    assert web.get("/products").status_code == 200  # still signed in: logout was refused
