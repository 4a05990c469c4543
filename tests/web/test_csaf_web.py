"""The CSAF provider directory: publishing through the API, the well-known files as CSAF
2.0 section 7 names them, and TLP access (WHITE public, the rest for the organisation)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from prodsec.catalog import Catalog
from prodsec.store import accounts
from prodsec.store.db import Database
from prodsec.supplychain.csaf.schema import provider_failures
from prodsec.web.app import create_app

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "csaf"
ADVISORY = (ASSETS / "homecam-3-security_advisory.json").read_bytes()
BASE = "/.well-known/csaf/example-cameras-ltd"
PASSWORD = "correct horse battery"


def _red() -> bytes:
    doc = json.loads(ASSETS.joinpath("homecam-3-csaf_vex.json").read_bytes())
    doc["document"]["distribution"]["tlp"]["label"] = "RED"
    doc["document"]["tracking"]["id"] = "EXC-2026-0008"
    return json.dumps(doc).encode()


def _token(client: TestClient, email: str) -> dict[str, str]:
    answer = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 201
    return {"Authorization": f"Bearer {answer.json()['token']}"}


@pytest.fixture
def app(database: Database, catalog: Catalog) -> Iterator[TestClient]:
    with database.session() as s:
        accounts.create_user(
            s, "maker@cameras.example", PASSWORD, False, "Example Cameras Ltd", True
        )
        accounts.create_user(s, "other@plugs.example", PASSWORD, False, "Example Plugs", True)
        accounts.create_user(s, "loner@example.org", PASSWORD)
    with TestClient(create_app(database, catalog)) as client:
        yield client


def test_publish_then_read_the_directory(app: TestClient) -> None:
    maker = _token(app, "maker@cameras.example")
    answer = app.post("/api/v1/csaf/advisories", content=ADVISORY, headers=maker)
    assert answer.status_code == 201
    url = f"http://testserver{BASE}/white/2026/exc-2026-0007.json"
    sha256, sha512 = hashlib.sha256(ADVISORY).hexdigest(), hashlib.sha512(ADVISORY).hexdigest()
    assert answer.json() == {
        "tracking_id": "EXC-2026-0007",
        "version": "1",
        "tlp": "WHITE",
        "url": url,
        "sha256": sha256,
        "sha512": sha512,
    }
    assert answer.headers["location"] == url
    # anyone reads TLP:WHITE
    assert app.get(f"{BASE}/white/2026/exc-2026-0007.json").content == ADVISORY
    assert (
        app.get(f"{BASE}/white/2026/exc-2026-0007.json.sha256").text
        == f"{sha256}  exc-2026-0007.json\n"
    )
    assert (
        app.get(f"{BASE}/white/2026/exc-2026-0007.json.sha512").text
        == f"{sha512}  exc-2026-0007.json\n"
    )
    assert app.get(f"{BASE}/white/index.txt").text == "2026/exc-2026-0007.json\n"
    assert (
        app.get(f"{BASE}/white/changes.csv").text
        == '"2026/exc-2026-0007.json","2026-11-30T08:00:00.000Z"\n'
    )
    metadata = app.get(f"{BASE}/provider-metadata.json").json()
    assert provider_failures(metadata) == []
    assert metadata["canonical_url"] == f"http://testserver{BASE}/provider-metadata.json"
    assert metadata["distributions"] == [
        {
            "rolie": {
                "feeds": [
                    {
                        "summary": "TLP:WHITE advisories",
                        "tlp_label": "WHITE",
                        "url": f"http://testserver{BASE}/feed-tlp-white.json",
                    }
                ]
            }
        }
    ]
    assert metadata["publisher"] == {
        "category": "vendor",
        "name": "Example Cameras Ltd",
        "namespace": "https://cameras.example",
    }
    (entry,) = app.get(f"{BASE}/feed-tlp-white.json").json()["feed"]["entry"]
    assert entry["link"] == [
        {"rel": "self", "href": url},
        {"rel": "hash", "href": url + ".sha256"},
        {"rel": "hash", "href": url + ".sha512"},
    ]
    assert (entry["id"], entry["published"], entry["updated"]) == (
        "EXC-2026-0007",
        "2026-11-30T08:00:00.000Z",
        "2026-11-30T08:00:00.000Z",
    )


def test_only_the_organisation_reads_what_is_not_white(app: TestClient) -> None:
    maker, other = _token(app, "maker@cameras.example"), _token(app, "other@plugs.example")
    assert app.post("/api/v1/csaf/advisories", content=_red(), headers=maker).status_code == 201
    path = f"{BASE}/red/2026/exc-2026-0008.json"
    anonymous = app.get(path)
    assert (anonymous.status_code, anonymous.history) == (401, [])
    assert app.get(path, headers=other).status_code == 403
    assert app.get(f"{BASE}/feed-tlp-red.json", headers=other).status_code == 403
    assert (
        json.loads(app.get(path, headers=maker).content)["document"]["distribution"]["tlp"]["label"]
        == "RED"
    )
    assert app.get(f"{BASE}/red/index.txt", headers=maker).text == "2026/exc-2026-0008.json\n"
    feeds = app.get(f"{BASE}/provider-metadata.json").json()["distributions"][0]["rolie"]["feeds"]
    assert [f["tlp_label"] for f in feeds] == ["RED"]


def test_what_cannot_be_published(app: TestClient) -> None:
    maker = _token(app, "maker@cameras.example")
    assert app.post("/api/v1/csaf/advisories", content=ADVISORY, headers=maker).status_code == 201
    again = app.post("/api/v1/csaf/advisories", content=ADVISORY, headers=maker)
    assert (again.status_code, again.json()["detail"]) == (
        409,
        "EXC-2026-0007 is published with current release 2026-11-30T08:00:00+00:00; publish a later one",
    )
    broken = json.loads(ADVISORY)
    broken["vulnerabilities"][1]["cve"] = broken["vulnerabilities"][0]["cve"]
    refused = app.post(
        "/api/v1/csaf/advisories", content=json.dumps(broken).encode(), headers=maker
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {
            "file": "(request)",
            "line": 0,
            "field": "$.vulnerabilities[1].cve",
            "message": "6.1.23: CVE-2021-44228 is used again",
        }
    ]
    loner = app.post(
        "/api/v1/csaf/advisories", content=ADVISORY, headers=_token(app, "loner@example.org")
    )
    assert (loner.status_code, loner.json()["detail"]) == (
        403,
        "only a user of an organisation publishes its advisories",
    )
    assert app.post("/api/v1/csaf/advisories", content=ADVISORY).status_code == 401
    assert app.get("/.well-known/csaf/nobody/provider-metadata.json").status_code == 404
    assert app.get(f"{BASE}/white/2026/none.json").status_code == 404
    assert app.get(f"{BASE}/black/index.txt").status_code == 404
