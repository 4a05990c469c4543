"""Incidents through the API and the pages: clocks with deadlines in UTC and the zone,
reports recorded, drafts as Markdown, bad input refused, other organisations kept out."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from fastapi.testclient import TestClient
from tests.web.conftest import EMAIL, sign_in

from prodsec.catalog import Catalog
from prodsec.store import repo
from prodsec.store.db import Database
from prodsec.store.models import User

CAMERA = Path(__file__).resolve().parents[2] / "examples" / "smart-camera.yaml"
NOW = "2026-11-30T12:00:00+00:00"


def _camera(api: TestClient) -> str:
    answer = api.post("/api/v1/products", content=CAMERA.read_bytes())
    assert answer.status_code == 201
    return str(answer.json()["id"])


def test_an_incident_through_the_api(api: TestClient) -> None:
    product = _camera(api)
    body = {
        "event": "exploited-vulnerability",
        "title": "Auth bypass",
        "aware": "2026-11-30T10:15:00+01:00",
        "zone": "Europe/Berlin",
        "size": "micro",
    }
    answer = api.post(f"/api/v1/products/{product}/incidents", params={"now": NOW}, json=body)
    assert answer.status_code == 201, answer.text
    view = answer.json()
    assert answer.headers["location"] == f"/api/v1/incidents/{view['id']}"
    assert [(c["report"], c["due"], c["due_local"], c["state"]) for c in view["clocks"]] == [
        ("Early warning", "2026-12-01T09:15:00Z", "2026-12-01 10:15 CET (+01:00)", "open"),
        ("Notification", "2026-12-03T09:15:00Z", "2026-12-03 10:15 CET (+01:00)", "open"),
        ("Final report", None, "", "waiting"),
        ("Inform users", None, "", "no-deadline"),
    ]
    ident = view["id"]
    fixed = api.patch(
        f"/api/v1/incidents/{ident}",
        params={"now": "2026-12-05T00:00:00+00:00"},
        json={"fix": "2026-12-04T12:00:00+01:00", "facts": {"fix": "Firmware 3.0.4"}},
    )
    assert fixed.status_code == 200
    assert fixed.json()["clocks"][2]["due"] == "2026-12-18T11:00:00Z"
    sent = api.post(
        f"/api/v1/incidents/{ident}/reports",
        params={"now": "2026-12-05T00:00:00+00:00"},
        json={"step": "eu-cra@2024-2847:Art14-1/early-warning", "sent": "2026-11-30T20:00:00Z"},
    )
    assert sent.status_code == 201
    assert sent.json()["clocks"][0]["state"] == "sent"
    again = api.post(
        f"/api/v1/incidents/{ident}/reports",
        params={"now": "2026-12-05T00:00:00+00:00"},
        json={"step": "eu-cra@2024-2847:Art14-1/early-warning", "sent": "2026-11-30T21:00:00Z"},
    )
    assert again.status_code == 409
    md = api.get(f"/incidents/{ident}/drafts.md")
    assert md.headers["content-type"] == "text/markdown; charset=utf-8"
    assert (
        "**Details of the security update or other corrective measures made available**\n\nFirmware 3.0.4"
        in md.text
    )
    listed = api.get(f"/api/v1/products/{product}/incidents", params={"now": NOW})
    assert [v["id"] for v in listed.json()["incidents"]] == [ident]


def test_bad_incidents_are_refused(api: TestClient) -> None:
    product = _camera(api)
    base = {"event": "severe-incident", "title": "Outage", "zone": "UTC"}
    future = api.post(
        f"/api/v1/products/{product}/incidents",
        params={"now": NOW},
        json=base | {"aware": "2026-12-30T10:00:00+00:00"},
    )
    assert future.status_code == 400
    assert future.json()["detail"] == "aware: the moment of awareness is in the future"
    naive = api.post(
        f"/api/v1/products/{product}/incidents",
        params={"now": NOW},
        json=base | {"aware": "2026-11-30T10:00:00"},
    )
    assert naive.status_code == 400
    assert naive.json()["detail"].startswith("aware: give the time with its UTC offset")
    assert api.get(f"/api/v1/products/{product}/incidents").json() == {"incidents": []}


def test_the_incident_pages(web: TestClient, database: Database, catalog: Catalog) -> None:
    data = yaml.safe_load(CAMERA.read_text())
    with database.session() as s:
        user = s.query(User).filter_by(email=EMAIL).one()
        product = repo.create_product(
            s, repo.Visibility.of(user), repo.parse(catalog, data, "camera"), data
        ).id
    sign_in(web)
    form = web.get(f"/products/{product}/incidents/new")
    assert form.status_code == 200
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    posted = web.post(
        f"/products/{product}/incidents/new",
        data={
            "csrf": csrf.group(1),
            "event": "exploited-vulnerability",
            "title": "Web UI RCE",
            "aware": "2026-11-25T09:00",
            "zone": "Europe/London",
            "fact_member_states": "IE",
        },
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text
    page = web.get(posted.headers["location"])
    assert page.status_code == 200
    # read at the real present, always after these deadlines
    assert '<p class="alert" role="alert">Overdue: Early warning, Notification.</p>' in page.text
    assert "2026-11-26 09:00 GMT (+00:00)" in page.text
    assert "Member States where the product is made available, as far as known**\n\nIE" in page.text
    product_page = web.get(f"/products/{product}")
    assert "Early warning overdue" in product_page.text
    listing = web.get("/incidents")
    assert "Web UI RCE" in listing.text
    assert "2 reports are overdue." in listing.text
