"""The REST API on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from prodsec.store import accounts
from prodsec.store.db import Database

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_catalog_resources_paginate_and_cache(api: TestClient) -> None:
    first = api.get("/api/v1/instruments", params={"limit": 2, "offset": 1}).json()
    assert (first["total"], first["offset"], [i["key"] for i in first["items"]]) == (
        67,
        1,
        ["br-anatel-77@2021", "br-anatel-rciber@2024"],
    )
    labels = api.get("/api/v1/instruments", params={"type": "labelling-scheme"}).json()
    assert labels["total"] == 8
    one = api.get("/api/v1/instruments/uk-psti@2025-12-04")
    assert one.status_code == 200
    assert one.json()["requirement_count"] == 7
    again = api.get(
        "/api/v1/instruments/uk-psti@2025-12-04", headers={"If-None-Match": one.headers["etag"]}
    )
    assert (again.status_code, again.content) == (304, b"")
    req = api.get("/api/v1/instruments/etsi-en-303-645@2.1.1/requirements/5.1-1").json()
    assert req["status_code"] == "M C (1)"
    block = api.get("/api/v1/blocks/published-support-period").json()
    assert block["theme"] == "support-period"


def test_errors_are_problem_details(api: TestClient) -> None:
    missing = api.get("/api/v1/instruments/uk-pst")
    assert (missing.status_code, missing.headers["content-type"]) == (
        404,
        "application/problem+json",
    )
    assert (
        missing.json()["detail"] == "unknown instrument 'uk-pst'; did you mean uk-psti, uk-cop-iot?"
    )
    bad = api.get("/api/v1/instruments", params={"limit": 0})
    assert (bad.status_code, bad.json()["title"]) == (400, "Bad request")
    assert bad.json()["detail"].startswith("query.limit: ")


def test_measures_crosswalk_applicability_and_reach(api: TestClient) -> None:
    core = api.get(
        "/api/v1/harmonise/common-core",
        params={
            "bindingness": "mandatory", "category": "consumer-iot-device", "on": "2026-06-01",
            "jurisdiction": ["GB", "AU"], "requirements": "mandatory",
        },
    ).json()  # fmt: skip
    # the same rows as `prodsec harmonise common-core -f json` (one public shape)
    assert core["blocks"] == [
        {
            "block": "no-universal-default-passwords",
            "title": "No universal default passwords",
            "theme": "authentication",
        },
        {
            "block": "vulnerability-disclosure-policy",
            "title": "Published vulnerability-reporting contact with response timelines",
            "theme": "vulnerability-handling",
        },
        {
            "block": "published-support-period",
            "title": "Published support period with an end date",
            "theme": "support-period",
        },
    ]
    walk = api.get(
        "/api/v1/crosswalk", params={"source": "uk-psti", "target": "etsi-en-303-645@2.1.1"}
    ).json()
    assert walk["counts"]["direct"] == 4
    found = api.get(
        "/api/v1/applicability", params={"category": "laptop", "market": ["GB"], "on": "2026-06-01"}
    ).json()
    assert [f["instrument"] for f in found["markets"][0]["binds"]] == []
    reach = api.get(
        "/api/v1/recognition/reach",
        params={"scheme": "sg-cls", "level": "2", "category": "smart-camera", "on": "2026-01-15", "market": ["GB"]},
    ).json()  # fmt: skip
    assert [p["edge"] for p in reach["counts"]] == ["cls-psti-condition-c"]
    spread = api.get(
        "/api/v1/harmonise/spread/min_support_years", params={"bindingness": "mandatory"}
    )
    assert spread.json()["strictest"] == 5


def test_products_assessments_and_plans(api: TestClient) -> None:
    body = (EXAMPLES / "smart-plug-cls.yaml").read_text()
    made = api.post("/api/v1/products", content=body, headers={"content-type": "application/yaml"})
    assert made.status_code == 201
    ident = made.json()["id"]
    assert made.headers["location"] == f"/api/v1/products/{ident}"
    ran = api.post(f"/api/v1/products/{ident}/assessments", params={"on": "2026-01-15"})
    assert (ran.status_code, ran.json()["all_binding_met"], ran.json()["version"]) == (201, True, 1)
    fetched = api.get(f"/api/v1/assessments/{ran.json()['id']}").json()
    assert fetched["result"]["instruments"][0]["standing"] == "compliant"
    changed = json.loads(json.dumps(made.json()["profile"]))
    changed["labels"] = []
    put = api.put(
        f"/api/v1/products/{ident}",
        content=json.dumps(changed),
        headers={"content-type": "application/json"},
    )
    assert put.json()["versions"] == [1, 2]
    plan = api.post(f"/api/v1/products/{ident}/plans", params={"on": "2026-01-15"}).json()
    assert [f["block"] for f in plan["fixes"]] == [
        "declaration-of-conformity",
        "no-universal-default-passwords",
        "published-support-period",
        "strong-preinstalled-passwords",
        "vulnerability-disclosure-policy",
    ]
    # the importer's duties: Sch4-1 (a copy kept), Duties-1 (an event duty), Duties-2
    importer = api.post(
        f"/api/v1/products/{ident}/assessments", params={"on": "2026-01-15", "role": "importer"}
    ).json()
    [psti] = importer["result"]["instruments"]
    assert importer["result"]["role"] == "importer"
    assert [(j["ref"], j["trigger"] is not None) for j in psti["requirements"]] == [
        ("Sch4-1", False),
        ("Duties-1", True),
        ("Duties-2", False),
    ]
    assert [q["ref"] for q in psti["other_actors"]] == ["Sch1-1", "Sch1-2", "Sch1-3"]
    bad = api.post(f"/api/v1/products/{ident}/plans", params={"role": "seller"})
    assert (bad.status_code, bad.json()["detail"]) == (
        400,
        "role: 'seller' is not an actor; choose one of manufacturer, importer, distributor, "
        "authorised-representative, open-source-steward, developer, scheme-owner, lab, "
        "government, operator, deployer",
    )
    shown = api.get("/api/v1/instruments/uk-psti@2025-12-04/requirements/Duties-1").json()
    assert (shown["actors"], shown["trigger"]) == (
        ["manufacturer", "importer", "distributor"],
        {"event": "noncompliance-known", "deadline": "as soon as possible", "within_hours": None},
    )
    listed = api.get("/api/v1/products").json()
    assert (listed["total"], listed["items"][0]["model"]) == (1, "PlugMate 2")
    assert api.delete(f"/api/v1/products/{ident}").status_code == 204
    assert api.get(f"/api/v1/products/{ident}").status_code == 404


def test_a_bad_profile_is_a_422_and_writes_nothing(api: TestClient) -> None:
    bad = api.post(
        "/api/v1/products",
        content="manufacturer: Acme\nmodel: X\ncategory: laptopp\nmarkets: [GB]\n",
        headers={"content-type": "application/yaml"},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == [
        {
            "file": "body",
            "line": 3,
            "field": "category",
            "message": "unknown category 'laptopp'; did you mean laptop?",
        }
    ]
    big = api.post("/api/v1/products", content=b"x" * (256 * 1024 + 1))
    assert (big.status_code, big.json()["detail"]) == (
        400,
        "a profile is at most 262144 bytes; this one is 262145",
    )
    unsafe = api.post("/api/v1/products", content="!!python/object:os.system {}\n")
    assert unsafe.status_code == 400
    assert api.get("/api/v1/products").json()["total"] == 0


def test_one_openapi_spec(api: TestClient) -> None:
    spec = api.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "prodsec"
    assert {
        "/api/v1/instruments/{spec}",
        "/api/v1/products/{ident}/assessments",
        "/api/v1/crosswalk",
    } <= set(spec["paths"])
    summaries = [op["summary"] for methods in spec["paths"].values() for op in methods.values()]
    assert len(summaries) == len(set(summaries)) == 77
    assert spec["paths"]["/api/v1/products/{ident}/plans"]["post"]["summary"] == (
        "The cheapest plan of fixes"
    )


def test_another_organisation_gets_404_for_a_product(api: TestClient, database: Database) -> None:
    """Products belong to the creator's organisation; to anyone else they do not exist."""
    body = (EXAMPLES / "smart-plug-cls.yaml").read_text()
    made = api.post("/api/v1/products", content=body, headers={"content-type": "application/yaml"})
    ident = made.json()["id"]
    assert made.json()["organisation"] is None
    ran = api.post(f"/api/v1/products/{ident}/assessments", params={"on": "2026-01-15"}).json()
    with database.session() as s:
        accounts.create_user(
            s,
            "b@rival.example",
            "long enough password",
            organisation="Rival",
            create_organisation=True,
        )
    token = api.post(
        "/api/v1/tokens", json={"email": "b@rival.example", "password": "long enough password"}
    ).json()["token"]
    rival = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/products", headers=rival).json()["total"] == 0
    for method, path in (
        ("GET", f"/api/v1/products/{ident}"),
        ("DELETE", f"/api/v1/products/{ident}"),
        ("POST", f"/api/v1/products/{ident}/assessments"),
        ("POST", f"/api/v1/products/{ident}/plans"),
        ("GET", f"/api/v1/assessments/{ran['id']}"),
    ):
        answer = api.request(method, path, headers=rival)
        assert (answer.status_code, answer.json()["title"]) == (404, "Not found"), path
    made = api.post(
        "/api/v1/products", content=body, headers={"content-type": "application/yaml", **rival}
    )
    assert made.json()["organisation"] == "Rival"
    assert api.get("/api/v1/products").json()["total"] == 1


def test_the_swagger_page_loads_nothing_from_elsewhere(api: TestClient) -> None:
    docs = api.get("/api/v1/docs")
    assert docs.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert sorted(sources) == [
        "/api/v1/docs/assets/favicon.png",
        "/api/v1/docs/assets/swagger-ui-bundle.js",
        "/api/v1/docs/assets/swagger-ui.css",
    ]
    for source in sources:
        answer = api.get(source)
        assert (answer.status_code, len(answer.content) > 1000) == (200, True), source
    assert "url: '/api/v1/openapi.json'" in docs.text


def test_a_block_lists_the_values_each_requirement_sets(api: TestClient) -> None:
    block = api.get("/api/v1/blocks/vulnerability-disclosure-policy").json()
    values = {m["requirement"]: m["values"] for m in block["mapped_from"]}
    assert values["uk-psti@2025-12-04:Sch1-2"] == {
        "language": "English",
        "response_timelines": True,
    }
    assert values["eu-cra@2024-2847:AnnexI-II-5"] == {}
    page = api.get("/blocks/vulnerability-disclosure-policy").text
    row = page[page.index("au-smart-devices@2025 Sch1-3") :].split("</tr>")[0]
    assert re.findall(r"<td>([^<]*)</td>", row) == ["equal", "", "", "English", "true"]


def test_every_response_carries_the_security_headers(api: TestClient) -> None:
    for path in ("/", "/api/v1/instruments", "/harmonise", "/no-such-page"):
        answer = api.get(path)
        assert (
            answer.headers["x-content-type-options"],
            answer.headers["x-frame-options"],
            answer.headers["referrer-policy"],
        ) == ("nosniff", "DENY", "same-origin"), path
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self';" in policy
        assert "frame-ancestors 'none'" in policy
    docs = api.get("/api/v1/docs")
    [allowed] = re.findall(
        r"script-src 'self' 'sha256-([A-Za-z0-9+/=]+)';", docs.headers["content-security-policy"]
    )
    [inline] = re.findall(r"<script>(.*?)</script>", docs.text, flags=re.DOTALL)
    assert allowed == base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()


def test_reach_takes_a_registration_id(api: TestClient) -> None:
    query = {"scheme": "sg-cls", "level": "2", "category": "smart-camera", "on": "2028-07-01"}
    found = api.get("/api/v1/recognition/reach", params={**query, "registration": "CSA/310528/X"})
    assert (found.status_code, found.json()["label_valid_until"]) == (200, "2028-05-31")
    bad = api.get("/api/v1/recognition/reach", params={**query, "registration": "CSA/31/X"})
    assert (bad.status_code, bad.json()["detail"]) == (
        400,
        "registration: 'CSA/31/X' is not a sg-cls registration ID "
        "(CSA/<expiry DDMMYY>/<product ID>)",
    )
