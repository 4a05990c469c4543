"""The supply chain on the product page: uploads through the forms, components, findings
with VEX status, and the organisation's feed of verdict changes."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from prodsec.catalog import Catalog
from prodsec.store import accounts, repo
from prodsec.store.db import Database
from prodsec.store.models import CatalogReassessment, VerdictChange
from prodsec.supplychain.vuln.index import MemoryIndex
from prodsec.web.app import create_app

from .conftest import sign_in

CAMERA = Path(__file__).resolve().parents[2] / "examples" / "smart-camera-sbom"
PASSWORD = "long enough password"


def _token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _member(database: Database, email: str, organisation: str) -> repo.Visibility:
    with database.session() as s:
        user = accounts.create_user(
            s, email, PASSWORD, organisation=organisation, create_organisation=True
        )
        return repo.Visibility.of(user)


def test_uploads_findings_and_the_feed(
    database: Database, catalog: Catalog, camera_index: Callable[..., MemoryIndex]
) -> None:
    acme = _member(database, "a@acme.example", "Acme")
    data = yaml.safe_load((CAMERA / "profile.yaml").read_text())
    with database.session() as s:
        ident = repo.create_product(s, acme, repo.parse(catalog, data, "camera"), data).id
    _member(database, "b@rival.example", "Rival")
    app = create_app(database, catalog)
    app.state.advisories = camera_index()
    with TestClient(app) as web:
        sign_in(web, "a@acme.example", PASSWORD)
        page = web.get(f"/products/{ident}", params={"on": "2026-11-30"}).text
        assert "No SBOM is stored for this version." in page
        sbom = ("firmware.cdx.json", (CAMERA / "firmware.cdx.json").read_bytes())
        forged = web.post(
            f"/products/{ident}/sboms",
            data={"csrf": "forged", "version": "1"},
            files={"sbom": sbom},
        )
        assert forged.status_code == 403
        sent = web.post(
            f"/products/{ident}/sboms",
            data={"csrf": _token(page), "version": "1", "role": "firmware"},
            files={"sbom": sbom},
            follow_redirects=False,
        )
        assert (sent.status_code, sent.headers["location"]) == (303, f"/products/{ident}#supply")
        page = web.get(f"/products/{ident}", params={"on": "2026-11-30"}).text
        assert "<caption>Components 1 to 6 of 6</caption>" in page
        assert "<caption>Findings on 2026-11-30 (2)</caption>" in page
        assert re.search(r"<th scope=\"row\">CVE-2018-16525</th>.*?<td>none</td>", page)
        vex = ("vex.openvex.json", (CAMERA / "vex.openvex.json").read_bytes())
        web.post(f"/products/{ident}/vex", data={"csrf": _token(page)}, files={"vex": vex})
        page = web.get(f"/products/{ident}", params={"on": "2026-11-30"}).text
        assert "<td>not_affected: vulnerable_code_not_present</td>" in page
        # the change of verdict, under "What changed" with the product's other changes
        assert re.search(
            r'<section class="verdict-change"><h3>\d{4}-\d\d-\d\d: '
            r"no-known-exploitable-vulnerabilities met</h3><p>After VEX vex\.openvex\.json, "
            r"version 1\.</p>",
            page,
        )
        with database.session() as s:  # a catalog change, one second later
            s.add(
                CatalogReassessment(
                    product_id=ident,
                    organisation_id=acme.organisation_id,
                    cause="catalog revision 31: the CRA's dates",
                    at=s.scalars(select(VerdictChange.at)).one() + dt.timedelta(seconds=1),
                    summary="3 start moved",
                    changes=[{"requirement": "eu-cra@2024-2847:Art14-1", "change": "start-moved"}],
                )
            )
        feed = web.get("/orgs/Acme/feed.json")
        assert feed.headers["content-type"] == "application/feed+json; charset=utf-8"
        items = json.loads(feed.text)["items"]
        assert [(i["title"], i["summary"], i["_prodsec"]["cause"]) for i in items] == [
            (
                "Example Cameras Ltd HomeCam 3: 3 start moved (catalog revision 31)",
                "3 start moved, after catalog revision 31",
                "catalog revision 31",
            ),
            (
                "Example Cameras Ltd HomeCam 3 version 1: "
                "no-known-exploitable-vulnerabilities met (VEX vex.openvex.json)",
                "no-known-exploitable-vulnerabilities met, after VEX vex.openvex.json",
                "VEX vex.openvex.json",
            ),
        ]
        assert items[0]["content_text"] == (
            "catalog revision 31: the CRA's dates\neu-cra@2024-2847:Art14-1: start moved"
        )
        lines = items[1]["content_text"].splitlines()
        assert lines[0] == "no-known-exploitable-vulnerabilities: not met -> met"
        assert "eu-cra@2024-2847:AnnexI-I-2a" in lines[1:]
        atom = ET.fromstring(web.get("/orgs/Acme/feed.atom").text)
        titles = [e.text for e in atom.iter("{http://www.w3.org/2005/Atom}title")]
        assert titles[1:] == [i["title"] for i in items]
        summaries = [e.text for e in atom.iter("{http://www.w3.org/2005/Atom}summary")]
        assert summaries == [i["summary"] for i in items]
        moved = web.get("/feeds/verdicts.atom", follow_redirects=False)
        assert (moved.status_code, moved.headers["location"]) == (308, "/orgs/Acme/feed.atom")
        assert web.get("/orgs/Rival/feed.json").status_code == 404  # not theirs
    with TestClient(app) as rival:
        sign_in(rival, "b@rival.example", PASSWORD)
        assert rival.get("/orgs/Acme/feed.atom").status_code == 404
        assert rival.get("/orgs/Rival/feed.json").json()["items"] == []


def _camera(database: Database, catalog: Catalog, email: str, versions: int = 1) -> str:
    """The example camera stored by a new member of Acme, with `versions` versions."""
    acme = _member(database, email, "Acme")
    data = yaml.safe_load((CAMERA / "profile.yaml").read_text())
    with database.session() as s:
        ident = repo.create_product(s, acme, repo.parse(catalog, data, "camera"), data).id
        for _ in range(versions - 1):
            repo.update_product(s, acme, ident, repo.parse(catalog, data, "camera"), data)
    return ident


def _add_sboms(database: Database, ident: str, index: MemoryIndex, *sboms: bytes) -> None:
    """Each SBOM stored for the version of its place (1, 2, ...), role firmware."""
    from prodsec.store.audit import CLI
    from prodsec.store.supply import add_sbom

    with database.session() as s:
        for number, data in enumerate(sboms, 1):
            name = f"fw-{number}.json"
            add_sbom(s, repo.EVERY_PRODUCT, ident, number, data, name, "firmware", CLI, index)


def _page(database: Database, catalog: Catalog, index: MemoryIndex, email: str, where: str) -> str:
    app = create_app(database, catalog)
    app.state.advisories = index
    with TestClient(app) as web:
        sign_in(web, email, PASSWORD)
        page: str = web.get(where).text
    return page


def test_the_sbom_diff_names_each_change_beside_its_count(
    database: Database, catalog: Catalog, camera_index: Callable[..., MemoryIndex]
) -> None:
    firmware = json.loads((CAMERA / "firmware.cdx.json").read_text())
    for c in firmware["components"]:
        if c["name"] == "wolfSSL":
            c["version"], c["purl"] = "5.6.6", "pkg:github/wolfssl/wolfssl@5.6.6"
    firmware["components"] = [c for c in firmware["components"] if c["name"] != "FatFs"]
    firmware["components"].append({"type": "library", "name": "mbedtls", "version": "3.5.2"})
    ident = _camera(database, catalog, "d@acme.example", versions=2)
    index = camera_index()
    old = (CAMERA / "firmware.cdx.json").read_bytes()
    _add_sboms(database, ident, index, old, json.dumps(firmware).encode())
    page = _page(database, catalog, index, "d@acme.example", f"/products/{ident}")
    assert (
        "<p>SBOM diff version 1 fw-1.json to version 2 fw-2.json: 1 added (mbedtls 3.5.2), "
        "1 removed (FatFs r0.13), 1 upgraded (wolfSSL 4.8.1 to 5.6.6), 4 unchanged.</p>"
    ) in page


def test_an_sbom_sent_through_the_vex_form_is_refused(
    database: Database, catalog: Catalog, camera_index: Callable[..., MemoryIndex]
) -> None:
    from prodsec.store.models import VexDocumentRow

    ident = _camera(database, catalog, "e@acme.example")
    app = create_app(database, catalog)
    app.state.advisories = camera_index()
    with TestClient(app) as web:
        sign_in(web, "e@acme.example", PASSWORD)
        page = web.get(f"/products/{ident}").text
        sbom = ("firmware.cdx.json", (CAMERA / "firmware.cdx.json").read_bytes())
        sent = web.post(f"/products/{ident}/vex", data={"csrf": _token(page)}, files={"vex": sbom})
    assert sent.status_code == 400
    assert (
        '<p class="error" role="alert">firmware.cdx.json: $.vulnerabilities: missing: an SBOM '
        "without VEX statements</p>"
    ) in sent.text
    with database.session() as s:
        assert s.scalars(select(VexDocumentRow)).all() == []


def test_components_past_the_end_show_the_last_page(
    database: Database, catalog: Catalog, camera_index: Callable[..., MemoryIndex]
) -> None:
    app_sbom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "components": [{"type": "library", "name": f"p{i}", "version": "1"} for i in range(55)],
    }
    ident = _camera(database, catalog, "f@acme.example")
    index = camera_index()
    _add_sboms(database, ident, index, json.dumps(app_sbom).encode())
    page = _page(database, catalog, index, "f@acme.example", f"/products/{ident}?components=500")
    assert "<caption>Components 51 to 55 of 55</caption>" in page
    assert '<a href="?components=0#supply">Earlier components</a>' in page
