"""The audit log on the web: who did what, read by administrators only; authors in the
answers; tombstones; racing PUTs from two servers on one database."""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from prodsec.catalog import Catalog
from prodsec.store import accounts
from prodsec.store.db import Database
from prodsec.web.app import create_app

from .conftest import EMAIL, sign_in

PLUG = (Path(__file__).resolve().parents[2] / "examples" / "smart-plug-cls.yaml").read_text()
ADMIN, ADMIN_PASSWORD = "root@example.org", "a long admin password"
YAML = {"content-type": "application/yaml"}


def _token(client: TestClient, email: str, password: str) -> str:
    answer = client.post("/api/v1/tokens", json={"email": email, "password": password})
    assert answer.status_code == 201
    return str(answer.json()["token"])


@pytest.fixture
def admin(api: TestClient, database: Database) -> Iterator[TestClient]:
    """The same app with an administrator's token (and `api` keeps the user's)."""
    with database.session() as s:
        accounts.create_user(s, ADMIN, ADMIN_PASSWORD, is_admin=True)
    token = _token(api, ADMIN, ADMIN_PASSWORD)
    with TestClient(api.app, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


def test_every_change_is_recorded_with_its_author(api: TestClient, admin: TestClient) -> None:
    made = api.post("/api/v1/products", content=PLUG, headers=YAML).json()
    ident = made["id"]
    assert made["author"] == EMAIL
    changed = {**made["profile"], "labels": []}
    put = api.put(f"/api/v1/products/{ident}", content=json.dumps(changed))
    assert (put.json()["version"], put.json()["author"]) == (2, EMAIL)
    ran = api.post(f"/api/v1/products/{ident}/assessments", params={"on": "2026-01-15"}).json()
    assert ran["author"] == EMAIL
    assert api.delete(f"/api/v1/products/{ident}").status_code == 204
    assert api.get(f"/api/v1/products/{ident}").status_code == 404
    assert api.get(f"/api/v1/assessments/{ran['id']}").status_code == 404
    assert api.delete(f"/api/v1/products/{ident}").status_code == 404
    assert api.get("/api/v1/products").json()["total"] == 0

    log = admin.get("/api/v1/audit", params={"target": f"product:{ident}"}).json()
    assert log["total"] == 4
    rows = [(e["actor"], e["action"], e["target"], e["client"], e["detail"]) for e in log["items"]]
    names = {"manufacturer": "Example Home Pte Ltd", "model": "PlugMate 2"}
    assert rows == [
        (EMAIL, "deleted", f"product:{ident}", "testclient", names),
        (
            EMAIL,
            "assessed",
            f"product:{ident}",
            "testclient",
            {
                **names,
                "assessment": ran["id"],
                "version": 2,
                "on": "2026-01-15",
                "all_binding_met": False,
            },
        ),
        (EMAIL, "changed", f"product:{ident}", "testclient", {**names, "version": 2}),
        (EMAIL, "created", f"product:{ident}", "testclient", {**names, "version": 1}),
    ]
    assert log["items"][0]["at"].endswith("+00:00")
    assert all(e["actor_id"] and e["organisation_id"] is None for e in log["items"])


def test_the_log_filters_and_pages(api: TestClient, admin: TestClient) -> None:
    for _ in range(3):
        api.post("/api/v1/products", content=PLUG, headers=YAML)
    by_action = admin.get("/api/v1/audit", params={"action": "created", "limit": 2}).json()
    assert (by_action["total"], len(by_action["items"]), by_action["limit"]) == (3, 2, 2)
    assert admin.get("/api/v1/audit", params={"actor": ADMIN}).json()["total"] == 0
    assert admin.get("/api/v1/audit", params={"target": "product"}).json()["total"] == 3
    later = admin.get("/api/v1/audit", params={"since": "2999-01-01T00:00:00"}).json()
    assert later["total"] == 0
    bad = admin.get("/api/v1/audit", params={"action": "eaten"})
    assert bad.status_code == 400
    assert bad.json()["detail"].startswith("action: 'eaten' is not one of created, changed, ")


def test_only_administrators_read_the_log(api: TestClient, database: Database) -> None:
    refused = api.get("/api/v1/audit")
    assert (refused.status_code, refused.json()["detail"]) == (
        403,
        "the audit log is for administrators",
    )
    with TestClient(api.app) as stranger:
        assert stranger.get("/api/v1/audit").status_code == 401


def test_the_audit_page(web: TestClient, database: Database) -> None:
    assert web.get("/admin/audit").status_code == 403
    with database.session() as s:
        accounts.create_user(s, ADMIN, ADMIN_PASSWORD, is_admin=True)
    with TestClient(web.app) as client:
        sign_in(client, ADMIN, ADMIN_PASSWORD)
        shown = client.get("/admin/audit", params={"actor": "system"})
        assert shown.status_code == 200
        text = html.unescape(shown.text)
        assert "<caption>5 entries, newest first</caption>" in text
        assert "<td>system</td><td>created</td><td>product:" in text
        assert "manufacturer=Example Computers plc, model=Notebook 14, version=1" in text


def test_racing_puts_from_two_servers(database: Database, catalog: Catalog) -> None:
    """20 PUTs at once, through two apps on one database: no 500, versions 1..21."""
    with database.session() as s:
        accounts.create_user(s, EMAIL, "correct horse battery")
    servers = [create_app(Database(database.url), catalog) for _ in range(2)]
    with TestClient(servers[0]) as one, TestClient(servers[1]) as two:
        for client in (one, two):
            token = _token(client, EMAIL, "correct horse battery")
            client.headers["Authorization"] = f"Bearer {token}"
        made = one.post("/api/v1/products", content=PLUG, headers=YAML).json()
        barrier = threading.Barrier(20)

        def put(i: int) -> int:
            barrier.wait()
            body = {**made["profile"], "model": f"plug {i}"}
            sent = (one, two)[i % 2].put(f"/api/v1/products/{made['id']}", json=body)
            return int(sent.status_code)

        with ThreadPoolExecutor(20) as pool:
            codes = list(pool.map(put, range(20)))
        assert codes == [200] * 20
        versions = one.get(f"/api/v1/products/{made['id']}").json()["versions"]
        assert versions == list(range(1, 22))
    for app in servers:
        app.state.db.engine.dispose()
