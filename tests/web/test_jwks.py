"""The public key sets: every scheme's at /.well-known/jwks.json, one scheme's under
/api/v1/schemes, retired keys with their dates, never a private member."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from prodsec.catalog import Catalog
from prodsec.registry.keys import jwks_view
from prodsec.store import audit
from prodsec.store.db import Database
from prodsec.store.keys import SqlKeyStore
from prodsec.web.app import create_app

SECRET = "0123456789abcdef0123456789abcdef-web"
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T1 = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


def test_the_key_sets(database: Database, catalog: Catalog) -> None:
    with TestClient(create_app(database, catalog)) as client:
        assert client.get("/.well-known/jwks.json").json() == {"keys": []}
        with database.session() as s:
            store = SqlKeyStore(s, audit.CLI, SECRET)
            first = store.create("sg-cls", T0)
            store.create("de-bsi-itsk", T0)
            second = store.rotate("sg-cls", T1)
            every = store.published()
        answer = client.get("/.well-known/jwks.json")
        assert answer.status_code == 200
        assert answer.json() == jwks_view(every)
        cls = client.get("/api/v1/schemes/sg-cls/jwks.json").json()
        assert [(k["kid"], k["activated"], k["retired"]) for k in cls["keys"]] == [
            (first.kid, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
            (second.kid, "2027-01-01T00:00:00Z", None),
        ]
        assert all("d" not in k for k in answer.json()["keys"])
        assert client.get("/api/v1/schemes/jp-jc-star/jwks.json").json() == {"keys": []}


def test_an_unknown_scheme(database: Database, catalog: Catalog) -> None:
    with TestClient(create_app(database, catalog)) as client:
        answer = client.get("/api/v1/schemes/sg-clss/jwks.json")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"].startswith("unknown scheme 'sg-clss'; did you mean sg-cls")
