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
    changes = api.get(f"/api/v1/products/{ident}/changes").json()
    assert (changes["total"], changes["offset"], changes["limit"]) == (1, 0, 50)
    assert [(c["kind"], c["version"], c["cause"], c["summary"]) for c in changes["items"]] == [
        ("supply", 1, "VEX vex.json", "no-known-exploitable-vulnerabilities met")
    ]
    # the organisation's log: the same entries, in the same schema
    assert api.get("/api/v1/verdict-changes").json() == changes


def test_the_change_log_through_the_api(
    api: TestClient, camera_index: Callable[..., MemoryIndex]
) -> None:
    """One log, two lists: the organisation's, filtered by product, kind of cause and
    time, in pages; a product's, the same log kept to it."""
    api.app.state.advisories = camera_index()  # type: ignore[attr-defined]
    first, second = camera(api), camera(api)
    for ident in (first, second):
        where = f"/api/v1/products/{ident}/versions/1/sboms"
        assert api.post(where, content=SBOM).status_code == 201
    vex = (CAMERA / "vex.openvex.json").read_bytes()
    for ident in (second, first):
        assert api.post(f"/api/v1/products/{ident}/vex", content=vex).status_code == 201

    def log(**params: object) -> tuple[int, list[str]]:
        body = api.get("/api/v1/verdict-changes", params=params).json()
        return body["total"], [c["product"] for c in body["items"]]

    assert log() == (2, [first, second])  # newest first
    assert log(offset=1, limit=1) == (2, [second])
    assert log(product=second) == (1, [second])
    assert log(cause="vex") == (2, [first, second])
    assert log(cause="kev") == log(cause="catalog") == (0, [])
    assert log(since="2999-01-01T00:00:00Z") == (0, [])
    assert log(since="2000-01-01") == (2, [first, second])
    mine = api.get(f"/api/v1/products/{first}/changes", params={"cause": "advisory"}).json()
    assert (mine["total"], mine["items"]) == (0, [])
    assert api.get("/api/v1/verdict-changes", params={"cause": "rumour"}).status_code == 400
    assert api.get("/api/v1/verdict-changes", params={"product": "nothing"}).status_code == 404
    assert api.get("/api/v1/products/nothing/changes").status_code == 404


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
