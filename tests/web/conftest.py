"""Clients of the app: one with an API token, one signed in through the login form."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, sync_playwright

from prodsec.catalog import Catalog
from prodsec.cli.serve import load_demo
from prodsec.store import accounts
from prodsec.store.db import Database
from prodsec.web.app import create_app

EMAIL, PASSWORD = "maker@example.org", "correct horse battery"


def add_user(db: Database) -> None:
    with db.session() as s:
        accounts.create_user(s, EMAIL, PASSWORD)


@pytest.fixture
def api(database: Database, catalog: Catalog) -> Iterator[TestClient]:
    """The API with a bearer token for a user."""
    add_user(database)
    with TestClient(create_app(database, catalog)) as client:
        answer = client.post("/api/v1/tokens", json={"email": EMAIL, "password": PASSWORD})
        assert answer.status_code == 201
        client.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        yield client


def sign_in(client: TestClient, email: str = EMAIL, password: str = PASSWORD) -> None:
    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None
    answer = client.post(
        "/login",
        data={"csrf": token.group(1), "email": email, "password": password, "next": "/products"},
        follow_redirects=False,
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/products")


@pytest.fixture
def web(database: Database, catalog: Catalog) -> Iterator[TestClient]:
    """The pages with the demo products, signed in through the form."""
    load_demo(database, catalog)
    add_user(database)
    with TestClient(create_app(database, catalog)) as client:
        sign_in(client)
        yield client


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    path = os.environ.get("PRODSEC_TEST_CHROMIUM", "")
    assert path, "PRODSEC_TEST_CHROMIUM is not set: run the suite through `make test`"
    with sync_playwright() as p:
        # as root on CI, on a machine with no outside network: no sandbox, no background
        # connections (Playwright adds most of those switches itself)
        launched = p.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield launched
        launched.close()
