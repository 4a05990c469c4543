"""Pages over HTTP without a browser: the dashboard's filters and charts, applicability,
the edition diff, HTML error pages, and a GET that changes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from prodsec.catalog import Catalog
from prodsec.cli.serve import load_demo
from prodsec.store.db import Database
from prodsec.web.app import create_app


@pytest.fixture
def web(database: Database, catalog: Catalog) -> Iterator[TestClient]:
    load_demo(database, catalog)
    with TestClient(create_app(database, catalog)) as client:
        yield client


def _text(html: str, start: str, end: str) -> str:
    """The text from the tag holding `start` to `end`, tags dropped, spaces collapsed."""
    begin = html.rindex("<", 0, html.index(start))
    part = html[begin : html.index(end, begin)]
    return " ".join(re.sub(r"<[^>]+>", " ", part).replace(" ;", ";").split())


def test_dashboard_states_its_filter_and_answers_under_it(web: TestClient) -> None:
    page = web.get(
        "/harmonise",
        params={
            "bindingness": "mandatory",
            "category": "consumer-iot-device",
            "on": "2026-06-01",
            "jurisdictions": "gb, au",
            "parameter": "min_support_years",
        },
    )
    assert page.status_code == 200
    assert _text(page.text, 'id="filter-described"', "</p>") == (
        "Filter: mandatory; category consumer-iot-device; on 2026-06-01; jurisdictions GB, AU;"
        " all requirements; outcome grain; security themes; 2 instrument editions."
    )
    assert _text(page.text, "Blocks that every", "</p>") == (
        "Blocks that every one of the 2 instruments in the filter requires:"
        " no-universal-default-passwords vulnerability-disclosure-policy published-support-period"
    )
    assert 'href="/harmonise/overlap.svg?bindingness=mandatory&amp;category=' in page.text


def test_dashboard_charts_render_and_unknown_ones_are_404(web: TestClient) -> None:
    svg = web.get("/harmonise/overlap.svg", params={"bindingness": "mandatory"})
    assert (svg.status_code, svg.headers["content-type"]) == (200, "image/svg+xml")
    assert svg.text.startswith("<svg")
    png = web.get("/harmonise/coverage.png", params={"on": "2026-06-01"})
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    missing = web.get("/harmonise/pie.svg")
    assert missing.status_code == 404
    assert "unknown chart &#39;pie.svg&#39;" in missing.text


def test_bad_filters_are_400_pages_naming_the_value(web: TestClient) -> None:
    wrong = web.get("/harmonise", params={"parameter": "support"})
    assert wrong.status_code == 400
    assert wrong.headers["content-type"].startswith("text/html")
    assert "parameter: &#39;support&#39; is not one of acknowledgement_days" in wrong.text
    category = web.get("/harmonise", params={"category": "smart-camra"})
    assert category.status_code == 404
    assert (
        "unknown category &#39;smart-camra&#39;; did you mean smart-camera, smartcard, smart-meter?"
        in category.text
    )


def test_applicability_page(web: TestClient) -> None:
    page = web.get(
        "/applicability",
        params={"category": "smart-camera", "markets": "gb,eu", "on": "2028-01-01"},
    )
    assert page.status_code == 200
    gb = _text(page.text, "<h3>GB", "</table>")
    assert gb.startswith(
        "GB: United Kingdom: Great Britain (England, Wales, Scotland) Instruments in GB"
        " Instrument State Why From Obligations"
        " UK PSTI (as amended by SI 2025/211 and SI 2025/1267) binds"
        " applies since 2024-04-29; this edition since 2025-12-04 2025-12-04 6"
    )
    eu = _text(page.text, "<h3>EU", "</table>")
    assert (
        "EU Cyber Resilience Act binds applies since 2026-09-11;"
        " Important product, class I (Annex III) 2026-09-11 37"
    ) in eu


def test_instrument_page_shows_the_diff_from_the_previous_edition(web: TestClient) -> None:
    page = web.get("/instruments/etsi-en-303-645@3.1.3")
    assert _text(page.text, "<summary>", "</summary>") == (
        "What changed since etsi-en-303-645@2.1.1: 51 changes, 28 unchanged"
    )
    first = web.get("/instruments/etsi-en-303-645@2.1.1")
    assert "<summary>" not in first.text


def test_viewing_a_product_stores_nothing(web: TestClient, database: Database) -> None:
    listing = web.get("/api/v1/products").json()
    ident = listing["items"][0]["id"]
    page = web.get(f"/products/{ident}", params={"on": "2026-06-01"})
    assert page.status_code == 200
    assert "Assessment on 2026-06-01" in page.text
    from sqlalchemy import func, select

    from prodsec.store.models import Assessment

    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Assessment)) == 0
