"""The cached instrument answered before routing (web/hot.py): the same bytes and headers
as the route gives, and everything it does not hold passed on to the app."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from prodsec.catalog import Catalog
from prodsec.web.hot import MemoHits

PATH = "/api/v1/instruments/uk-psti@2025-12-04"


def _headers(answer: object) -> list[tuple[bytes, bytes]]:
    raw: list[tuple[bytes, bytes]] = answer.headers.raw  # type: ignore[attr-defined]
    return [(k, v) for k, v in raw if k != b"x-request-id"]


def test_a_memo_hit_is_the_answer_the_route_gives(api: TestClient) -> None:
    first, second = api.get(PATH), api.get(PATH)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == first.content
    assert _headers(second) == _headers(first)
    assert [k for k, _ in _headers(second)][:4] == [
        b"etag",
        b"cache-control",
        b"content-length",
        b"content-type",
    ]
    held = api.get(PATH, headers={"If-None-Match": first.headers["etag"]})
    assert held.status_code == 304
    assert held.content == b""
    assert [k for k, _ in _headers(held)][:2] == [b"etag", b"x-content-type-options"]


def _scope(catalog: object, path: str, method: str = "GET", query: bytes = b"") -> Scope:
    app = SimpleNamespace(state=SimpleNamespace(catalog=catalog))
    return {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query,
        "headers": [],
        "app": app,
    }


def _served(catalog: Catalog, scope: Scope) -> tuple[bool, list[Message]]:
    """(whether the inner app was called, what was sent)"""
    called, sent = [], []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        called.append(True)

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    # in a thread of its own: the suite may be running an event loop in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, MemoHits(inner)(scope, receive, send)).result()
    return bool(called), sent


def test_what_the_memo_does_not_hold_goes_to_the_app(api: TestClient, catalog: Catalog) -> None:
    unseen = SimpleNamespace(
        data_hash="a hash nothing was built for", instruments=catalog.instruments
    )
    assert _served(catalog, _scope(unseen, PATH)) == (True, [])  # nothing in the memo yet
    api.get(PATH)
    assert _served(catalog, _scope(catalog, PATH, query=b"x=1"))[0] is True
    assert _served(catalog, _scope(catalog, PATH, method="POST"))[0] is True
    assert _served(catalog, _scope(catalog, "/api/v1/instruments/uk-psti"))[0] is True
    assert _served(catalog, _scope(catalog, PATH + "/requirements/1"))[0] is True
    called, sent = _served(catalog, _scope(catalog, PATH))
    assert called is False
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 200
