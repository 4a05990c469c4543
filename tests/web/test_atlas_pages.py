"""The atlas by layer and region over the API, the world view as JSON and as a page, and
an instrument's facts by confidence on its page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def _keys(api: TestClient, **params: str) -> list[str]:
    answer = api.get("/api/v1/instruments", params={"limit": "100", **params})
    assert answer.status_code == 200
    return [i["key"] for i in answer.json()["items"]]


def test_the_instrument_list_filters_by_region_layer_and_actor(api: TestClient) -> None:
    assert _keys(api, region="asia-pacific", bindingness="mandatory") == [
        "au-smart-devices@2025",
        "cn-gb-40050@2021",
        "cn-vuln-2021@2021",
        "in-itsar@2024",
        "in-meity-cctv-er@2024",
        "jp-mic-terminal-2020@2020",
        "kr-rra-video-pw-2019@2019",
        "sg-imda-rg-sec@2",
        "unece-r155@00-series",
        "unece-r156@00-series",
        "vn-qcvn-135-2024@2024",
    ]
    assert _keys(api, region="international", layer="principle", actor="government") == [
        "charter-of-trust@2018",
        "oecd-0481@2022",
        "oecd-0482@2022",
        "paris-call@2018",
        "un-gge-2021@A-76-135",
        "un-oewg-2021@A-75-816",
    ]
    assert _keys(api, region="middle-east-africa") == []


def test_a_bad_region_or_layer_is_an_exact_error(api: TestClient) -> None:
    answer = api.get("/api/v1/instruments", params={"region": "oceania"})
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json() == {
        "type": "about:blank",
        "title": "Bad request",
        "status": 400,
        "detail": "region: unknown region 'oceania'; valid values: americas, asia-pacific, "
        "europe, international, middle-east-africa",
        "field": "region",
    }
    roof = api.get("/api/v1/instruments", params={"layer": "roof"})
    assert (roof.status_code, roof.json()["detail"]) == (
        400,
        "query.layer: Input should be 'principle', 'outcome', 'baseline' or 'specification'",
    )
    spec = api.get("/api/v1/openapi.json").json()
    names = [p["name"] for p in spec["paths"]["/api/v1/instruments"]["get"]["parameters"]]
    assert names == [
        "type", "jurisdiction", "bindingness", "layer", "region", "actor", "offset", "limit"
    ]  # fmt: skip


def test_the_world_view_over_the_api(api: TestClient) -> None:
    view = api.get("/api/v1/atlas/world", params={"on": "2027-12-11"}).json()
    europe = view["regions"][0]
    eu = next(row for row in europe["rows"] if row["jurisdiction"] == "EU")
    assert eu["cells"]["baseline"] == [
        {
            "instrument": "eu-cra@2024-2847",
            "title": "EU Cyber Resilience Act",
            "status": "binds",
            "bindingness": "mandatory",
            "since": "2026-09-11",
        }
    ]
    assert api.get("/api/v1/atlas/world", params={"on": "soon"}).status_code == 400


def test_the_world_page_links_every_entry_and_the_atlas_links_it(web: TestClient) -> None:
    home = web.get("/")
    assert '<a href="/atlas/world">The atlas at a glance</a>' in home.text
    page = web.get("/atlas/world", params={"on": "2026-01-01"})
    assert page.status_code == 200
    assert "<caption>Jurisdictions by region against layers, on 2026-01-01</caption>" in page.text
    assert '<th scope="rowgroup" colspan="5">Asia and the Pacific</th>' in page.text
    assert "Middle East and Africa" not in page.text  # a region with no instrument
    row = re.search(r'<tr><th scope="row">AU</th>(.*?)</tr>', page.text)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1))
    assert cells == [
        '<a class="chip" href="/instruments/fvey-iot-soi-2019@2019">Five Eyes IoT statement</a>'
        ' <small><span class="voluntary">voluntary</span> since 2019-07-31</small>',
        "",
        '<a class="chip" href="/instruments/au-smart-devices@2025">Australia smart-device security standard</a>'
        ' <small><span class="upcoming">upcoming</span> from 2026-03-04</small>',
        "",
    ]


def test_the_instrument_page_counts_its_facts(web: TestClient) -> None:
    page = web.get("/instruments/paris-call")
    assert (
        "<dt>Facts by confidence</dt><dd>requirements: 8 verified, 1 secondary, 0 unverified; "
        "dates: 1 verified, 0 secondary, 0 unverified; "
        "facts: 9 verified, 1 secondary, 0 unverified</dd>"
    ) in page.text
