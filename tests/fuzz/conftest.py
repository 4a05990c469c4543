"""The app for the fuzz tests: signed in through the TestClient, or live under uvicorn on a
loopback port, in a thread of the test process, on a fresh SQLite database with the demo
products and a user who holds API tokens."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from prodsec.catalog import Catalog
from prodsec.cli.serve import load_demo
from prodsec.store import accounts
from prodsec.store.db import Database
from prodsec.web.app import create_app

EMAIL, PASSWORD = "fuzzer@example.org", "correct horse battery"


@contextmanager
def signed_in(db: Database, catalog: Catalog) -> Iterator[TestClient]:
    """The app on `db` through the TestClient, with a new user's bearer token; a bug in a
    route is a 500 answer, as a client would see it, not an exception in the test."""
    with db.session() as s:
        accounts.create_user(s, EMAIL, PASSWORD)
    with TestClient(create_app(db, catalog), raise_server_exceptions=False) as client:
        answer = client.post("/api/v1/tokens", json={"email": EMAIL, "password": PASSWORD})
        client.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        yield client


@dataclass(frozen=True, slots=True)
class LiveServer:
    """Where the server listens, and two tokens of one user: one for every operation, one
    for the operation that revokes the token it is sent with."""

    url: str
    token: str
    spare_token: str


def _token(url: str) -> str:
    answer = httpx.post(f"{url}/api/v1/tokens", json={"email": EMAIL, "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    token: str = answer.json()["token"]
    return token


@pytest.fixture(scope="module")
def live_server(
    tmp_path_factory: pytest.TempPathFactory,
    new_database: Callable[[str, Path], Database],
    catalog: Catalog,
) -> Iterator[LiveServer]:
    db = new_database("sqlite", tmp_path_factory.mktemp("live"))
    load_demo(db, catalog)
    with db.session() as s:
        accounts.create_user(s, EMAIL, PASSWORD)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(create_app(db, catalog), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start within 30 s"
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    try:
        yield LiveServer(url, _token(url), _token(url))
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()
        db.engine.dispose()
