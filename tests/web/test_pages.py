"""Pages over HTTP without a browser: the dashboard's filters and charts, applicability,
the edition diff, HTML error pages, and a GET that changes nothing."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from prodsec.catalog import Catalog
from prodsec.store import accounts
from prodsec.store.db import Database
from prodsec.store.models import SavedAssessment
from prodsec.web.app import create_app

from .conftest import EMAIL, PASSWORD, sign_in


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
    assert "<p>No instrument in the filter sets min_support_years.</p>" in page.text
    everything = web.get("/harmonise", params={"parameter": "min_support_years"}).text
    assert _text(everything, "<caption>min_support_years", "</table>") == (
        "min_support_years across instruments (higher is stricter) Instrument Jurisdictions"
        " Value Requirement br-anatel-77@2021 BR 2 years 6.1.4 eu-cra@2024-2847 EU 5 years Art13-8"
    )


def test_dashboard_charts_render_and_unknown_ones_are_404(web: TestClient) -> None:
    svg = web.get("/harmonise/overlap.svg", params={"bindingness": "mandatory"})
    assert (svg.status_code, svg.headers["content-type"]) == (200, "image/svg+xml")
    assert svg.text.startswith("<svg")
    png = web.get("/harmonise/coverage.png", params={"on": "2026-06-01"})
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    spec = web.get("/harmonise/timeline.json", params={"jurisdictions": "GB"}).json()
    assert (spec["mark"], spec["title"]["text"]) == (
        {"type": "point", "filled": True, "size": 90},
        "When obligations start and end",
    )
    assert {v["jurisdiction"] for v in spec["data"]["values"]} == {"GB"}
    graph = web.get("/recognition.json").json()
    assert graph["$schema"] == "https://vega.github.io/schema/vega-lite/v5.json"
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


def test_dashboard_form_sent_whole_with_empty_fields_filters_nothing(web: TestClient) -> None:
    # the form sends every field: "any" bindingness and no date arrive as empty values
    sent = web.get(
        "/harmonise?bindingness=&category=&on=&jurisdictions=&parameter=min_support_years"
    )
    assert sent.status_code == 200
    bare = web.get("/harmonise", params={"parameter": "min_support_years"})
    described = 'id="filter-described"', "</p>"
    assert _text(sent.text, *described) == _text(bare.text, *described)
    assert _text(sent.text, *described).startswith(
        "Filter: any bindingness; every category; latest editions; every jurisdiction;"
    )
    chart = web.get("/harmonise/overlap.svg?bindingness=&on=")
    assert chart.status_code == 200
    bad = web.get("/harmonise", params={"bindingness": "sometimes", "on": "2026-06-01"})
    assert bad.status_code == 400
    assert (
        "bindingness: &#39;sometimes&#39; is not a bindingness; choose one of mandatory" in bad.text
    )
    day = web.get("/harmonise", params={"on": "June"})
    assert day.status_code == 400
    assert "on: &#39;June&#39; is not a date; write it as YYYY-MM-DD" in day.text


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
        " Important product, class I (Annex III) 2026-09-11 41"
    ) in eu
    router = web.get(
        "/applicability", params={"category": "router", "markets": "br", "on": "2026-06-01"}
    )
    br = _text(router.text, "<h3>BR", "</table>")
    assert "Brazil Anatel Ato 77/2021 binds applies since 2021-07-05" in br
    assert "binds the operator applies since 2021-01-04" in br


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
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(SavedAssessment)) == 0


def _token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _products(web: TestClient) -> int:
    total: int = web.get("/api/v1/products").json()["total"]
    return total


def test_forms_need_the_csrf_token(web: TestClient) -> None:
    web.get("/products/new")
    before = _products(web)
    forged = web.post(
        "/products/new",
        data={"csrf": "guess", "manufacturer": "A", "model": "B", "markets": "GB"},
    )
    assert forged.status_code == 403
    assert "The form expired; reload it." in forged.text
    assert _products(web) == before


def test_uploads_are_capped_and_parsed_safely(web: TestClient) -> None:
    token = _token(web.get("/products/new").text)
    before = _products(web)
    big = web.post(
        "/products/new",
        data={"csrf": token},
        files={"upload": ("p.yaml", b"a: " + b"x" * (256 * 1024), "application/yaml")},
    )
    assert big.status_code == 413
    assert "the file is larger than 262144 bytes" in big.text
    token = _token(big.text)
    unsafe = web.post(
        "/products/new",
        data={"csrf": token},
        files={"upload": ("p.yaml", b"!!python/object/apply:os.system ['true']", "text/yaml")},
    )
    assert unsafe.status_code == 422
    assert "the profile is not valid YAML: could not determine a constructor" in unsafe.text
    # the API's changes need a bearer token (the session cookie does not do there)
    signed = web.post("/api/v1/tokens", json={"email": EMAIL, "password": PASSWORD}).json()
    bearer = {"Authorization": f"Bearer {signed['token']}"}
    huge = web.post("/api/v1/products", content=b"x" * (600 * 1024), headers=bearer)
    assert (huge.status_code, huge.json()["detail"]) == (
        413,
        "the request body is over 524288 bytes",
    )
    streamed = web.post("/api/v1/products", content=iter([b"x" * 65536] * 10), headers=bearer)
    assert "content-length" not in streamed.request.headers
    assert (streamed.status_code, streamed.json()["detail"]) == (
        413,
        "the request body is over 524288 bytes",
    )
    assert _products(web) == before


def test_editing_saves_a_new_version(web: TestClient) -> None:
    ident = web.get("/api/v1/products").json()["items"][0]["id"]
    form = web.get(f"/products/{ident}/edit")
    assert form.status_code == 200
    profile = re.search(r'<textarea id="profile" name="profile">(.*?)</textarea>', form.text, re.S)
    assert profile is not None
    text = profile.group(1).replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"')
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    changed = re.sub(r"(?m)^model: .*$", "model: Renamed 2", text)
    saved = web.post(
        f"/products/{ident}/edit",
        data={"csrf": _token(form.text), "profile": changed},
        follow_redirects=False,
    )
    assert (saved.status_code, saved.headers["location"]) == (303, f"/products/{ident}")
    stored = web.get(f"/api/v1/products/{ident}").json()
    assert (stored["model"], stored["version"]) == ("Renamed 2", 2)


def test_the_api_reference_page_is_rendered_from_the_spec(web: TestClient) -> None:
    spec = web.get("/api/v1/openapi.json").json()
    count = sum(len(methods) for methods in spec["paths"].values())
    page = web.get("/api").text
    assert f"<caption>{count} operations</caption>" in page
    assert (
        '<th scope="row"><code>GET /api/v1/products</code> <span class="badge">sign-in</span></th>'
        in page
    )
    assert '<th scope="row"><code>GET /api/v1/blocks</code></th>' in page


def test_the_product_page_plans_for_other_markets_and_asked_labels(web: TestClient) -> None:
    items = web.get("/api/v1/products").json()["items"]
    speaker = next(i["id"] for i in items if i["model"] == "Sprechbox 2")
    page = web.get(
        f"/products/{speaker}",
        params={"on": "2026-06-01", "markets": "gb, sg", "labels": "sg-cls:2"},
    )
    assert page.status_code == 200
    assert _text(page.text, "<h2>Plan", "</h2>") == (
        "Plan: the cheapest fixes for GB, SG and the labels sg-cls 2"
    )
    assert 'name="markets" value="GB, SG"' in page.text
    wrong = web.get(f"/products/{speaker}", params={"labels": "sg-cls"})
    assert wrong.status_code == 400
    assert "&#39;sg-cls&#39; is not SCHEME:LEVEL (for example sg-cls:2)" in wrong.text


def test_saving_an_assessment_keeps_its_catalog_revision(
    web: TestClient, database: Database
) -> None:
    from sqlalchemy import select, update

    from prodsec.store.models import SavedAssessment

    ident = web.get("/api/v1/products").json()["items"][0]["id"]
    page = web.get(f"/products/{ident}", params={"on": "2026-06-01", "markets": "GB"})
    assert "<p>None saved yet.</p>" in page.text
    saved = web.post(
        f"/products/{ident}/assessments",
        data={"csrf": _token(page.text), "on": "2026-06-01", "markets": "GB"},
        follow_redirects=False,
    )
    assert (saved.status_code, saved.headers["location"]) == (
        303,
        f"/products/{ident}?on=2026-06-01&markets=GB#saved",
    )
    with database.session() as s:
        stored = s.scalars(select(SavedAssessment)).one()
        assert (stored.on.isoformat(), stored.markets) == ("2026-06-01", ["GB"])
        revision = stored.catalog_revision
    listed = web.get(f"/products/{ident}", params={"on": "2026-06-01", "markets": "GB"}).text
    assert "1 saved, newest first" in listed
    assert f"<td>{revision[:12]} (current)</td>" in listed
    with database.session() as s:
        s.execute(update(SavedAssessment).values(catalog_revision="0" * 64))
    older = web.get(f"/products/{ident}").text
    assert f"<td>{'0' * 12} (older)</td>" in older
    bad = web.post(
        f"/products/{ident}/assessments", data={"csrf": _token(older), "on": "2026-13-01"}
    )
    assert bad.status_code == 400
    assert "on: &#39;2026-13-01&#39; is not a date (YYYY-MM-DD)" in bad.text


def test_a_requirement_page_shows_its_mappings_and_who_else_requires_them(
    web: TestClient,
) -> None:
    page = web.get("/instruments/uk-psti@2024-04-29/requirements/Sch1-1")
    assert page.status_code == 200
    assert _text(page.text, "<h1>", "</h1>") == "Sch1-1: Passwords"
    assert _text(page.text, "<caption>What Sch1-1", "</table>").startswith(
        "What Sch1-1 maps to Target Relationship Basis"
        " no-universal-default-passwords superset-of semantic, our-analysis (secondary)"
        " strong-preinstalled-passwords superset-of semantic, our-analysis (secondary)"
        " etsi-en-303-645@2.1.1:5.1-1 equal syntactic, official-text (verified)"
    )
    others = _text(page.text, "Who else requires", "</section>")
    assert "au-smart-devices@2025 Sch1-2" in others
    assert "uk-psti@2025" not in others  # other editions of PSTI are not "else"
    cra = web.get("/instruments/eu-cra@2024-2847/requirements/Art13-8").text
    assert "<dt>Parameters</dt><dd>min_support_years = 5 years</dd>" in cra
    assert "<dt>Borne by</dt><dd>manufacturer</dd>" in cra
    assert "<dt>Set off by</dt>" not in cra
    report = web.get("/instruments/eu-cra@2024-2847/requirements/Art14-1").text
    assert "<dt>Borne by</dt><dd>manufacturer, open-source-steward</dd>" in report
    assert (
        "<dt>Set off by</dt><dd>exploited-vulnerability: early warning within 24 h of becoming"
        " aware, notification within 72 h, final report within 14 days of a corrective or"
        " mitigating measure (first step within 24 hours)</dd>"
    ) in report
    missing = web.get("/instruments/uk-psti@2024-04-29/requirements/Nope")
    assert missing.status_code == 404
    assert "unknown requirement &#39;uk-psti@2024-04-29:Nope&#39;; did you mean" in missing.text


def test_pages_show_only_the_organisations_products(
    web: TestClient, database: Database, catalog: Catalog
) -> None:
    """The demo products belong to no organisation: a user of one sees none of them."""
    ident = web.get("/api/v1/products").json()["items"][0]["id"]
    with database.session() as s:
        accounts.create_user(
            s,
            "b@rival.example",
            "long enough password",
            organisation="Rival",
            create_organisation=True,
        )
    with TestClient(create_app(database, catalog)) as rival:
        sign_in(rival, "b@rival.example", "long enough password")
        listing = rival.get("/products")
        assert _text(listing.text, "<caption>", "</caption>") == "0 products"
        for path in (f"/products/{ident}", f"/products/{ident}/edit"):
            missing = rival.get(path)
            assert missing.status_code == 404
            assert f"no product '{ident}'" in html.unescape(missing.text)
        made = rival.post(
            "/products/new",
            data={
                "csrf": _token(rival.get("/products/new").text),
                "manufacturer": "Rival",
                "model": "Cam",
                "category": "smart-camera",
                "markets": "GB",
            },
        )
        assert (
            "Category smart-camera; version 1 saved by b@rival.example; organisation Rival."
            in made.text
        )
    mine = web.get("/products")
    assert _text(mine.text, "<caption>", "</caption>") == "5 products"
    assert '<th scope="col">Organisation</th>' in mine.text
