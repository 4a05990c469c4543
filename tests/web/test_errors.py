"""Every failure answers in one form: problem+json under /api, the HTML error page
elsewhere; a bug is a 500 with a request id, never a 400 and never text/plain."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from prodsec.catalog import Catalog
from prodsec.errors import (
    BadInputError,
    ConflictError,
    DataError,
    ForbiddenError,
    Issue,
    LimitExceededError,
    NotFoundError,
    ProdsecError,
    TooManyRequestsError,
    UnauthenticatedError,
    UnavailableError,
    VerificationError,
)
from prodsec.store.db import Database
from prodsec.web.app import create_app

PROBLEM = "application/problem+json"

KINDS: list[tuple[ProdsecError, int, dict[str, Any], dict[str, str]]] = [
    (
        NotFoundError("instrument", "uk-pst", ["uk-psti"]),
        404,
        {
            "title": "Not found",
            "detail": "unknown instrument 'uk-pst'; did you mean uk-psti?",
            "suggestions": ["uk-psti"],
        },
        {},
    ),
    (
        BadInputError("'x' is not a date", field="on"),
        400,
        {"title": "Bad request", "detail": "on: 'x' is not a date", "field": "on"},
        {},
    ),
    (
        DataError([Issue("body", 3, "category", "unknown category 'laptopp'")]),
        422,
        {
            "title": "Invalid data",
            "detail": "body:3: category: unknown category 'laptopp'",
            "errors": [
                {
                    "file": "body",
                    "line": 3,
                    "field": "category",
                    "message": "unknown category 'laptopp'",
                }
            ],
        },
        {},
    ),
    (ConflictError("email: 'a@b' already has an account"), 409, {"title": "Conflict"}, {}),
    (
        UnauthenticatedError("send a bearer token"),
        401,
        {"title": "Sign-in required"},
        {"www-authenticate": "Bearer"},
    ),
    (ForbiddenError("not yours"), 403, {"title": "Forbidden"}, {}),
    (
        LimitExceededError("over 10 bytes", limit="bytes"),
        413,
        {"title": "Too large", "limit": "bytes"},
        {},
    ),
    (
        TooManyRequestsError("slow down", retry_after=7),
        429,
        {"title": "Too many requests"},
        {"retry-after": "7"},
    ),
    (UnavailableError("no database"), 503, {"title": "Unavailable"}, {}),
    (
        VerificationError("entry 3 is missing", "the tree head of size 9: bad"),
        422,
        {
            "title": "Verification failed",
            "detail": "entry 3 is missing",
            "findings": ["entry 3 is missing", "the tree head of size 9: bad"],
        },
        {},
    ),
]


def _failing_app(database: Database, catalog: Catalog) -> FastAPI:
    """The real app with test-only routes that raise."""
    app = create_app(database, catalog)

    for prefix in ("/api/v1", ""):

        @app.get(f"{prefix}/test-raise/{{index}}")
        def raise_kind(index: int) -> None:
            raise KINDS[index][0]

        @app.get(f"{prefix}/test-bug")
        def bug() -> None:
            raise RuntimeError("a bug in prodsec")

        @app.get(f"{prefix}/test-value-error")
        def value_error() -> None:
            int("not a number")  # a ValueError from our own code is a bug too

    return app


@pytest.fixture(scope="module")
def client(catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('errors') / 'prodsec.db'}")
    with TestClient(_failing_app(database, catalog)) as found:
        yield found
    database.engine.dispose()


@pytest.mark.parametrize("index", range(len(KINDS)), ids=[type(k[0]).__name__ for k in KINDS])
def test_each_error_class_answers_its_status(client: TestClient, index: int) -> None:
    error, status, members, headers = KINDS[index]
    answer = client.get(f"/api/v1/test-raise/{index}")
    assert (answer.status_code, answer.headers["content-type"]) == (status, PROBLEM)
    body = answer.json()
    expected = {"type": "about:blank", "status": status, "detail": str(error), **members}
    assert body == expected
    assert {k: answer.headers.get(k) for k in headers} == headers
    page = client.get(f"/test-raise/{index}")
    assert (page.status_code, page.headers["content-type"]) == (
        status,
        "text/html; charset=utf-8",
    )
    assert f"<h1>{members['title']}</h1>" in page.text
    assert "www-authenticate" not in page.headers


@pytest.mark.parametrize(
    ("method", "path", "status", "title", "detail", "allow"),
    [
        ("GET", "/api/v1/nope", 404, "Not found", "nothing at /api/v1/nope", None),
        (
            "DELETE",
            "/api/v1/instruments",
            405,
            "Method not allowed",
            "DELETE is not allowed at /api/v1/instruments; allowed: GET",
            "GET",
        ),
    ],
)
def test_unknown_api_routes_and_wrong_methods_are_problems(
    client: TestClient,
    method: str,
    path: str,
    status: int,
    title: str,
    detail: str,
    allow: str | None,
) -> None:
    answer = client.request(method, path)
    assert (answer.status_code, answer.headers["content-type"]) == (status, PROBLEM)
    assert answer.headers.get("allow") == allow
    assert answer.json() == {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }


def test_unknown_pages_and_wrong_methods_are_html_pages(client: TestClient) -> None:
    missing = client.get("/nope")
    assert (missing.status_code, missing.headers["content-type"]) == (
        404,
        "text/html; charset=utf-8",
    )
    assert "<h1>Not found</h1>" in missing.text
    assert "nothing at /nope" in missing.text
    wrong = client.delete("/harmonise")
    assert (wrong.status_code, wrong.headers["allow"]) == (405, "GET")
    assert "<h1>Method not allowed</h1>" in wrong.text
    static = client.get("/static/nope.css")
    assert (static.status_code, static.headers["content-type"]) == (
        404,
        "text/html; charset=utf-8",
    )


@pytest.mark.parametrize("path", ["/api/v1/test-bug", "/api/v1/test-value-error"])
def test_a_bug_is_a_500_problem_with_a_logged_request_id(
    client: TestClient, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="prodsec.web"):
        answer = client.get(path)
    assert (answer.status_code, answer.headers["content-type"]) == (500, PROBLEM)
    request_id = answer.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert answer.json() == {
        "type": "about:blank",
        "title": "Internal server error",
        "status": 500,
        "detail": f"an unexpected error; it is logged as request {request_id}",
        "request_id": request_id,
    }
    assert answer.headers["x-frame-options"] == "DENY"  # the security headers still apply
    [record] = caplog.records
    assert record.getMessage() == f"request {request_id}: GET {path} failed"
    assert record.exc_info is not None


def test_a_bug_on_a_page_is_the_html_error_page(client: TestClient) -> None:
    answer = client.get("/test-bug", headers={"X-Request-ID": "req-42"})
    assert (answer.status_code, answer.headers["content-type"]) == (
        500,
        "text/html; charset=utf-8",
    )
    assert answer.headers["x-request-id"] == "req-42"
    assert "<h1>Internal server error</h1>" in answer.text
    assert "<code>req-42</code>" in answer.text


def test_a_request_id_is_taken_only_when_sane(client: TestClient) -> None:
    kept = client.get("/api/v1/instruments", headers={"X-Request-ID": "edge:7f-3.a_b"})
    assert kept.headers["x-request-id"] == "edge:7f-3.a_b"
    for wrong in ("two words", "x" * 65, "<script>"):
        replaced = client.get("/api/v1/test-bug", headers={"X-Request-ID": wrong})
        assert re.fullmatch(r"[0-9a-f]{32}", replaced.json()["request_id"])
        assert replaced.headers["x-request-id"] == replaced.json()["request_id"]


def test_a_declared_body_over_the_cap_is_a_413_problem(client: TestClient) -> None:
    answer = client.post("/api/v1/tokens", content=b"{}", headers={"content-length": str(10**7)})
    assert (answer.status_code, answer.headers["content-type"]) == (413, PROBLEM)
    assert answer.json() == {
        "type": "about:blank",
        "title": "Too large",
        "status": 413,
        "detail": "the request body is over 524288 bytes",
        "limit": "bytes",
    }
