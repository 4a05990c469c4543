"""What the fuzz run found, pinned as exact requests: each answered a 500 before its fix."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from prodsec.catalog import Catalog
from prodsec.store.db import Database

from .conftest import signed_in


@pytest.fixture
def client(database: Database, catalog: Catalog) -> Iterator[TestClient]:
    with signed_in(database, catalog) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/api/v1/products", "/api/v1/instruments", "/api/v1/blocks"])
def test_an_offset_past_a_database_integer_is_refused(client: TestClient, path: str) -> None:
    answer = client.get(path, params={"offset": 38345841889835966464})
    assert (answer.status_code, answer.headers["content-type"]) == (
        400,
        "application/problem+json",
    )
    assert answer.json()["errors"] == [
        {"field": "query.offset", "message": "Input should be less than or equal to 2147483647"}
    ]
