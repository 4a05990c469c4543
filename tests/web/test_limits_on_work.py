"""Defect 3: pictures are rendered once per (catalog revision, filter, chart, format) in a
worker process, uncached work spends a per-client token bucket (429 with Retry-After),
and cached answers spend nothing. Also /healthz."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from prodsec.catalog import Catalog
from prodsec.errors import BadInputError
from prodsec.insight.render import Picture, Renderer, RendererBusyError
from prodsec.store.db import Database
from prodsec.web.app import create_app
from prodsec.web.memo import Pictures
from prodsec.web.ratelimit import RateLimitedError, RateLimiter, Settings


def test_a_bucket_refills_at_its_rate_and_says_when() -> None:
    bucket = RateLimiter(per_minute=60, burst=2)  # one token a second
    bucket.take("a", now=0.0)
    bucket.take("a", now=0.0)
    with pytest.raises(RateLimitedError) as refused:
        bucket.take("a", now=0.5)
    assert (refused.value.retry_after, str(refused.value)) == (
        1,
        "too many expensive requests from this client; try again in 1 s",
    )
    bucket.take("b", now=0.5)  # another client has its own bucket
    bucket.take("a", now=1.0)
    with pytest.raises(RateLimitedError) as costly:
        bucket.take("a", cost=5, now=1.0)
    assert costly.value.retry_after == 5


def test_idle_buckets_are_dropped_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("prodsec.web.ratelimit.MAX_CLIENTS", 2)
    bucket = RateLimiter(per_minute=60, burst=1)
    bucket.take("a", now=0.0)
    bucket.take("b", now=0.0)
    bucket.take("c", now=0.5)  # a and b are half full: kept, and so past the limit
    assert len(bucket._buckets) == 0
    bucket.take("a", now=0.5)  # a fresh bucket again
    bucket.take("b", now=0.5)
    bucket.take("c", now=2.0)  # a and b are full again by now: dropped
    assert sorted(bucket._buckets) == ["c"]


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRODSEC_RATE_BURST", "3")
    monkeypatch.setenv("PRODSEC_RENDER_WORKERS", "2")
    assert Settings.from_env() == Settings(rate_burst=3.0, render_workers=2)
    monkeypatch.setenv("PRODSEC_RENDER_WAIT", "soon")
    with pytest.raises(BadInputError) as bad:
        Settings.from_env()
    assert str(bad.value) == "PRODSEC_RENDER_WAIT: 'soon' is not a positive number"


def test_pictures_are_bounded_in_bytes_least_recently_used_out() -> None:
    kept = Pictures(limit=10)
    kept.put("a", b"aaaa")
    kept.put("b", b"bbbb")
    assert kept.get("a") == b"aaaa"  # a is now the most recent
    kept.put("c", b"cccc")
    assert (kept.get("b"), kept.get("a"), kept.get("c"), kept.size) == (None, b"aaaa", b"cccc", 8)
    kept.put("a", b"aaaaaa")  # replaced: its old size is given back
    assert (len(kept), kept.size) == (2, 10)
    kept.put("huge", b"x" * 11)
    assert (kept.get("huge"), len(kept)) == (None, 2)


@pytest.fixture
def app_with(tmp_path: Path, catalog: Catalog) -> Iterator[TestClient]:
    """The app with room for exactly one uncached picture, then one token a minute."""
    settings = Settings(rate_per_minute=1, rate_burst=5, picture_cost=5)
    database = Database(f"sqlite:///{tmp_path / 'prodsec.db'}")
    with TestClient(create_app(database, catalog, settings)) as client:
        yield client


def test_a_picture_is_rendered_once_and_a_render_spends_the_limit(
    app_with: TestClient,
) -> None:
    first = app_with.get("/harmonise/coverage.svg", params={"on": "2031-01-01"})
    assert (first.status_code, first.headers["content-type"]) == (200, "image/svg+xml")
    assert first.content.startswith(b"<svg")
    again = app_with.get("/harmonise/coverage.svg", params={"on": "2031-01-01"})
    assert (again.status_code, again.content) == (200, first.content)
    assert app_with.app.state.renderer.renders == 1  # type: ignore[attr-defined]
    other = app_with.get("/harmonise/coverage.svg", params={"on": "2031-01-02"})
    # the bucket refills at one token a minute while the first render runs, so the wait is
    # 300 s less the seconds that render took (a loaded machine takes a few)
    wait = int(other.headers["retry-after"])
    assert (other.status_code, 290 <= wait <= 300) == (429, True)
    assert f"too many expensive requests from this client; try again in {wait} s" in other.text


def test_uncached_measures_spend_the_limit_and_cached_ones_do_not(
    app_with: TestClient,
) -> None:
    for day in ("2032-03-01", "2032-03-02", "2032-03-03", "2032-03-04", "2032-03-05"):
        assert app_with.get("/api/v1/harmonise/timeline", params={"on": day}).status_code == 200
    cached = app_with.get("/api/v1/harmonise/timeline", params={"on": "2032-03-01"})
    assert cached.status_code == 200
    refused = app_with.get("/api/v1/harmonise/coverage", params={"on": "2032-03-01"})
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "60"
    assert refused.json() == {
        "type": "about:blank",
        "title": "Too many requests",
        "status": 429,
        "detail": "too many expensive requests from this client; try again in 60 s",
    }
    walk = app_with.get(
        "/api/v1/crosswalk",
        params={"source": "us-or-hb2395", "target": "kr-kisa-cic"},  # asked nowhere else
    )
    assert walk.status_code == 429


def test_the_renderer_refuses_past_its_queue_and_its_wait() -> None:
    spec = {"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {}}

    async def crowd() -> tuple[bytes, str, str]:
        renderer = Renderer(workers=1, queue=1, wait=0.2)
        try:
            running = asyncio.create_task(renderer.render(spec, Picture.SVG))
            await asyncio.sleep(0)  # the first holds the one slot
            waiting = asyncio.create_task(renderer.render(spec, Picture.SVG))
            await asyncio.sleep(0)  # the second waits in the queue of one
            with pytest.raises(RendererBusyError) as full:
                await renderer.render(spec, Picture.SVG)
            with pytest.raises(RendererBusyError) as waited:
                await waiting
            return await running, str(full.value), f"{waited.value.retry_after}"
        finally:
            renderer.close()

    with ThreadPoolExecutor(1) as thread:  # its own loop, whatever runs in this thread
        body, full, retry = thread.submit(asyncio.run, crowd()).result()
    assert body.startswith(b"<svg")
    assert (full, retry) == ("the chart renderer is busy; try again in 1 s", "1")


def test_health_answers_with_the_database_and_the_catalog(
    database: Database, catalog: Catalog
) -> None:
    def seen() -> tuple[int, str, dict[str, str]]:
        answer = client.get("/healthz")
        return answer.status_code, answer.headers["cache-control"], answer.json()

    def shape(state: str) -> dict[str, str]:
        return {"status": state, "database": state, "catalog_revision": catalog.data_hash}

    with TestClient(create_app(database, catalog)) as client:
        assert seen() == (200, "no-store", shape("ok"))
        assert "/healthz" not in client.get("/api/v1/openapi.json").json()["paths"]
        with socket.socket() as s:  # the database goes away: a port nobody listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        database.engine = create_engine(f"postgresql+psycopg://x:y@127.0.0.1:{port}/x")
        assert seen() == (503, "no-store", shape("unavailable"))


def test_every_setting_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "web.md").read_text(encoding="utf-8")
    for field in fields(Settings):
        assert f"`PRODSEC_{field.name.upper()}`" in doc
