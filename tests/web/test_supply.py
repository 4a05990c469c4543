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


FINDINGS = Path(__file__).resolve().parents[1] / "assets" / "findings"
ANNEX_2A = "AnnexI-I-2a"


def _annex_2a(api: TestClient, ident: str) -> tuple[str, list[str], list[str]]:
    """POST a stored assessment; the verdict and reasons on CRA Annex I Part I (2)(a),
    and the stored result's supply-chain notes on that block."""
    sent = api.post(
        f"/api/v1/products/{ident}/assessments", params={"on": "2026-11-30", "market": "EU"}
    )
    assert sent.status_code == 201
    result = api.get(sent.headers["location"]).json()["result"]
    (cra,) = [i for i in result["instruments"] if i["instrument"] == "eu-cra@2024-2847"]
    (line,) = [r for r in cra["requirements"] if r["ref"] == ANNEX_2A]
    notes = [n for n in result["notes"] if n.startswith("no-known-exploitable-vulnerabilities")]
    return line["verdict"], line["reasons"], notes


def test_a_stored_assessment_derives_the_supply_chain_claims(
    api: TestClient, database: Database
) -> None:
    """POST /assessments judges the stored SBOM against the database's advisory index
    (what `vulns sync` keeps) and the stored VEX, as `prodsec assess` does from files."""
    from prodsec.store.vulns import SqlAdvisoryStore
    from prodsec.supplychain.vuln.kev import read_kev
    from prodsec.supplychain.vuln.sync import sync

    kev = read_kev(FINDINGS / "kev-written-for-test.json")
    sync(SqlAdvisoryStore(database), kev=kev, cpe_files=[FINDINGS / "nvd-camera.json"])
    ident = camera(api)
    where = f"/api/v1/products/{ident}/versions/1"
    sent = api.post(f"{where}/sboms", params={"role": "firmware", "name": "fw.json"}, content=SBOM)
    assert sent.status_code == 201
    verdict, reasons, notes = _annex_2a(api, ident)
    assert verdict == "not-met"
    assert reasons == ["no-known-exploitable-vulnerabilities: claimed not met"]
    assert notes == [
        "no-known-exploitable-vulnerabilities: not met, derived from fw.json (firmware); "
        "no VEX document; advisories as of 2026-11-30; 1 open known exploited or critical "
        "(CVSS >= 9.0) of 2 findings, 0 covered by VEX: fw.json: FreeRTOS 10.0.1 (freertos): "
        "CVE-2018-16525 (KEV since 2026-10-15, CVSS 8.1): no VEX statement"
    ]
    vex = (CAMERA / "vex.openvex.json").read_bytes()
    assert api.post(f"/api/v1/products/{ident}/vex", content=vex).status_code == 201
    verdict, _, notes = _annex_2a(api, ident)
    assert verdict == "met"
    assert notes[0].startswith(
        "no-known-exploitable-vulnerabilities: met, derived from fw.json (firmware); vex.json"
    )
