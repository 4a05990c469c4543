"""The supply chain through the API: SBOM and VEX uploads, components, findings, changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from prodsec.store.db import Database
from prodsec.store.models import PackageUse, SbomComponentRow, SbomDocument
from prodsec.supplychain.vuln.index import MemoryIndex

CAMERA = Path(__file__).resolve().parents[2] / "examples" / "smart-camera-sbom"
SBOM = (CAMERA / "firmware.cdx.json").read_bytes()


def camera(api: TestClient) -> str:
    body = (CAMERA / "profile.yaml").read_text()
    made = api.post("/api/v1/products", content=body, headers={"content-type": "application/yaml"})
    assert made.status_code == 201
    ident: str = made.json()["id"]
    return ident


def stored(database: Database) -> list[int]:
    with database.session() as s:
        return [
            s.scalar(select(func.count()).select_from(t)) or 0
            for t in (SbomDocument, SbomComponentRow, PackageUse)
        ]


def test_upload_an_sbom_and_read_its_findings(
    api: TestClient, database: Database, camera_index: Callable[..., MemoryIndex]
) -> None:
    api.app.state.advisories = camera_index()  # type: ignore[attr-defined]
    ident = camera(api)
    where = f"/api/v1/products/{ident}/versions/1"
    sent = api.post(f"{where}/sboms", params={"role": "firmware", "name": "fw.json"}, content=SBOM)
    assert sent.status_code == 201
    body = sent.json()
    assert {k: body[k] for k in ("role", "name", "format", "spec_version", "components")} == {
        "role": "firmware",
        "name": "fw.json",
        "format": "cyclonedx-json",
        "spec_version": "1.5",
        "components": 6,
    }
    listed = api.get(f"{where}/components", params={"offset": 1, "limit": 1}).json()
    assert (listed["total"], [c["name"] for c in listed["items"]]) == (6, ["FreeRTOS"])
    found = api.get(f"{where}/findings", params={"on": "2026-11-30"}).json()
    assert [(f["component"], f["advisory"], f["blocking"]) for f in found["findings"]] == [
        ("FreeRTOS", "CVE-2018-16525", True),
        ("wolfSSL", "CVE-2022-25640", False),
    ]
    assert found["verdicts"]["no-known-exploitable-vulnerabilities"] is False
    vex = (CAMERA / "vex.openvex.json").read_bytes()
    assert api.post(f"/api/v1/products/{ident}/vex", content=vex).status_code == 201
    found = api.get(f"{where}/findings", params={"on": "2026-11-30"}).json()
    assert [(f["advisory"], f["vex_status"], f["blocking"]) for f in found["findings"]] == [
        ("CVE-2018-16525", "not_affected", False),
        ("CVE-2022-25640", None, False),
    ]
    changes = api.get(f"/api/v1/products/{ident}/changes").json()["items"]
    assert [
        (c["advisory"], c["after"]["no-known-exploitable-vulnerabilities"]) for c in changes
    ] == [("VEX vex.json", True)]


def test_a_bad_sbom_is_a_located_400_and_stores_nothing(
    api: TestClient, database: Database
) -> None:
    ident = camera(api)
    bad = api.post(
        f"/api/v1/products/{ident}/versions/1/sboms", content=b'{"bomFormat": "CycloneDX"}'
    )
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {
            "file": "sbom.json",
            "line": 0,
            "field": "$",
            "message": "Object missing required field `specVersion`",
        }
    ]
    missing = api.post(f"/api/v1/products/{ident}/versions/9/sboms", content=SBOM)
    assert missing.status_code == 404
    assert stored(database) == [0, 0, 0]
