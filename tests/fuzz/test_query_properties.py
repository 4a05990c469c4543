"""Properties of the API's inputs: whatever the query parameters of a read-only route hold
(markets, categories, dates, bindingness, paging; the catalog's own words or any text), the
answer is never a 5xx, and an error is problem+json."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from prodsec.catalog import Catalog
from prodsec.catalog.vocab import InstrumentType
from prodsec.store.db import Database

from .conftest import signed_in
from .strategies import PROPERTIES


@pytest.fixture(scope="module")
def client(
    tmp_path_factory: pytest.TempPathFactory,
    catalog: Catalog,
    new_database: Callable[[str, Path], Database],
) -> Iterator[TestClient]:
    """The app on a SQLite database, signed in (the product list is private)."""
    db = new_database("sqlite", tmp_path_factory.mktemp("api"))
    with signed_in(db, catalog) as test_client:
        yield test_client
    db.engine.dispose()


def routes(client: TestClient) -> dict[str, dict[str, Any]]:
    """Every GET operation of the spec without path parameters but spread's, by path."""
    spec = client.get("/api/v1/openapi.json").json()
    return {
        path: ops["get"]
        for path, ops in spec["paths"].items()
        if "get" in ops and ("{" not in path or path.endswith("{parameter}"))
    }


def enum_of(spec_param: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    """The closed values a parameter's schema names through `$ref`, if any."""
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"].rsplit("/", 1)[-1])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec_param.get("schema"))
    return [v for name in refs for v in spec["components"]["schemas"][name].get("enum", [])]


def words(catalog: Catalog) -> dict[str, list[str]]:
    """The catalog's own words for the parameters that take them."""
    markets = sorted(catalog.markets)
    schemes = [
        i.id for i in catalog.instruments.values() if i.type is InstrumentType.LABELLING_SCHEME
    ]
    return {
        "market": markets + [m.lower() for m in markets] + ["gb, eu"],
        "jurisdiction": markets,
        "category": sorted(catalog.categories),
        "feature": sorted(catalog.features),
        "instrument": sorted(catalog.instruments),
        "scheme": schemes,
        "level": ["1", "2", "4", "★1"],
        "parameter": ["min_years", "answer_days", "report_deadline_hours"],
        "registration": ["CLS-2026-0001", ""],
    }


def value(name: str, known: list[str]) -> st.SearchStrategy[str]:
    """A query value: a known word, a date (valid or not), a number (in range or far out),
    or any text."""
    numbers = st.integers(-(10**30), 10**30).map(str)
    dates = st.dates().map(str) | st.sampled_from(["2026-02-30", "0000-01-01", "99999-01-01"])
    pick = [st.text(max_size=12), numbers, dates]
    if known:
        pick.insert(0, st.sampled_from(known))
    if name in {"offset", "limit"}:
        pick.insert(0, st.integers(0, 600).map(str))
    return st.one_of(pick)


@st.composite
def requests(
    draw: st.DrawFn, client: TestClient, catalog: Catalog
) -> tuple[str, list[tuple[str, str]]]:
    spec = client.get("/api/v1/openapi.json").json()
    path = draw(st.sampled_from(sorted(routes(client))))
    vocab = words(catalog)
    query: list[tuple[str, str]] = []
    for param in routes(client)[path].get("parameters", []):
        known = [*vocab.get(param["name"], []), *enum_of(param, spec)]
        if param["in"] == "path":
            drawn = draw(value(param["name"], known)) or "x"
            # percent-encoded, as a client sends it (a raw control character is no URL)
            path = path.replace("{" + param["name"] + "}", quote(drawn, safe=""))
            continue
        for _ in range(draw(st.integers(0, 2))):
            query.append((param["name"], draw(value(param["name"], known))))
    return path, query


@PROPERTIES
@given(data=st.data())
def test_no_query_answers_5xx(data: st.DataObject, client: TestClient, catalog: Catalog) -> None:
    path, query = data.draw(requests(client, catalog))
    answer = client.get(path, params=query)
    assert answer.status_code < 500, (path, query, answer.text)
    if answer.status_code >= 400:
        assert answer.headers["content-type"] == "application/problem+json", (path, query)
