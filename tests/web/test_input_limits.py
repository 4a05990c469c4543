"""Hostile input answers the same 4xx on SQLite and PostgreSQL and stores nothing: NUL
bytes and over-long strings in a profile, the path, the query, a sign-in or a form;
numbers out of range; aliases and deep nesting in a body. Parsing, checking and storing
a profile run in a worker thread, never on the event loop."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from prodsec.store import repo

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _profile(**changes: Any) -> str:
    data = yaml.safe_load((EXAMPLES / "smart-plug-cls.yaml").read_text(encoding="utf-8"))
    return json.dumps({**data, **changes}, default=str)


def _post(api: TestClient, body: str) -> Any:
    return api.post("/api/v1/products", content=body, headers={"content-type": "application/json"})


def _nothing_stored(api: TestClient) -> None:
    assert api.get("/api/v1/products").json()["total"] == 0


def test_a_nul_byte_in_a_profile_is_a_422(api: TestClient) -> None:
    answer = _post(api, _profile(model="Plug\u0000Mate"))
    assert (answer.status_code, answer.json()["errors"]) == (
        422,
        [
            {
                "file": "body",
                "line": 1,
                "field": "model",
                "message": "control character U+0000 is not allowed",
            }
        ],
    )
    _nothing_stored(api)


def test_an_overlong_model_is_a_422(api: TestClient) -> None:
    answer = _post(api, _profile(model="M" * 10_000))
    assert (answer.status_code, answer.json()["detail"]) == (
        422,
        "body:1: model: at most 200 characters; this one has 10000",
    )
    _nothing_stored(api)


def test_numbers_and_days_have_ranges(api: TestClient) -> None:
    claims = [{"block": "published-support-period", "met": True, "parameters": {"years": 10**12}}]
    answer = _post(api, _profile(claims=claims, lifecycle={"general_availability": "1800-01-01"}))
    assert answer.status_code == 422
    assert [(e["field"], e["message"]) for e in answer.json()["errors"]] == [
        ("claims[0].parameters.years", "a number from -1000000000 to 1000000000"),
        ("lifecycle.general_availability", "Input should be greater than or equal to 1900-01-01"),
    ]
    _nothing_stored(api)


@pytest.mark.parametrize(
    ("path", "field", "detail"),
    [
        (
            "/api/v1/products?offset=" + "1" + "0" * 30,
            "query.offset",
            "less than or equal to 1000000",
        ),
        ("/api/v1/products?limit=501", "query.limit", "less than or equal to 500"),
        ("/api/v1/products?category=a%00b", "category", "control character U+0000 is not allowed"),
        ("/api/v1/products/a%00b", "path", "control character U+0000 is not allowed"),
        ("/api/v1/products?category=" + "x" * 1001, "category", "at most 1000 characters"),
    ],
)
def test_the_path_and_the_query_are_bounded(
    api: TestClient, path: str, field: str, detail: str
) -> None:
    answer = api.get(path)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"].startswith(f"{field}: ")
    assert detail in answer.json()["detail"]


def test_the_token_endpoint_refuses_nul_and_overlong_emails(api: TestClient) -> None:
    for email in ("a\u0000@example.org", "a" * 400 + "@example.org"):
        answer = api.post("/api/v1/tokens", json={"email": email, "password": "x"})
        assert (answer.status_code, answer.json()["errors"][0]["field"]) == (400, "body.email")


def test_aliases_and_deep_nesting_in_a_body_are_a_located_400(api: TestClient) -> None:
    aliased = "manufacturer: &m Acme\nmodel: *m\ncategory: laptop\nmarkets: [GB]\n"
    answer = api.post(
        "/api/v1/products", content=aliased, headers={"content-type": "application/yaml"}
    )
    assert (answer.status_code, answer.json()["detail"]) == (
        400,
        "body:1: (syntax): anchors and aliases are not allowed",
    )
    for depth, refused in (
        (500, "(limit): nested deeper than 64 levels"),
        (50_000, "(syntax): exceeded maximum nesting depth"),  # the parser's own limit
    ):
        answer = _post(api, '{"note": ' + "[" * depth + "]" * depth + "}")
        assert (answer.status_code, answer.json()["detail"]) == (400, f"body:1: {refused}")
    _nothing_stored(api)


def test_a_profile_is_parsed_and_stored_off_the_event_loop(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    checked = repo.parse

    def watched(*args: Any, **kwargs: Any) -> Any:
        try:
            asyncio.get_running_loop()
            seen.append(True)
        except RuntimeError:
            seen.append(False)
        return checked(*args, **kwargs)

    monkeypatch.setattr(repo, "parse", watched)
    made = _post(api, _profile())
    assert made.status_code == 201
    put = api.put(f"/api/v1/products/{made.json()['id']}", content=_profile(version="2"))
    assert put.status_code == 200
    assert seen == [False, False]


def test_a_form_field_with_a_nul_byte_is_refused(web: TestClient) -> None:
    import re

    form = web.get("/products/new").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None
    fields = {"csrf": token.group(1), "manufacturer": "A\u0000", "model": "M", "markets": "GB"}
    answer = web.post("/products/new", data=fields, follow_redirects=False)
    assert answer.status_code == 400
    assert "manufacturer: control character U+0000 is not allowed" in answer.text
