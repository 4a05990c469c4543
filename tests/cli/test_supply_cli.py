"""`prodsec sbom add`, `vulns sync` re-assessing what it touches, and `assess` deriving a
profile's supply-chain claims, on real SQLite files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml
from sqlalchemy import func, select

from prodsec.catalog import Catalog
from prodsec.store import repo
from prodsec.store.db import Database
from prodsec.store.models import SbomComponentRow, SbomDocument, VerdictChange
from prodsec.store.supply import add_vex, advisory_index

Run = Callable[..., tuple[int, str, str]]  # the `run` fixture of conftest.py
CAMERA = Path(__file__).resolve().parents[2] / "examples" / "smart-camera-sbom"
ASSETS = Path(__file__).resolve().parents[1] / "assets" / "findings"
KEV_NOTE = (
    "no-known-exploitable-vulnerabilities: not met, derived from firmware.cdx.json "
    "(firmware); vex.openvex.json; advisories as of 2026-11-30; 1 open known exploited or "
    "critical (CVSS >= 9.0) of 3 findings, 1 covered by VEX: firmware.cdx.json: wolfSSL "
    "4.8.1 (wolfssl): CVE-2022-42905 (CVSS 9.1): no VEX statement"
)


def _camera(url: str, catalog: Catalog) -> str:
    data = yaml.safe_load((CAMERA / "profile.yaml").read_text())
    db = Database(url)
    with db.session() as s:
        ident = repo.create_product(
            s, repo.EVERY_PRODUCT, repo.parse(catalog, data, "camera"), data
        ).id
    db.engine.dispose()
    return ident


def _count(url: str, table: type) -> int:
    db = Database(url)
    with db.session() as s:
        found = s.scalar(select(func.count()).select_from(table)) or 0
    db.engine.dispose()
    return found


def test_sbom_add_stores_and_a_sync_re_assesses(run: Run, tmp_path: Path, catalog: Catalog) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    kev = str(ASSETS / "kev-written-for-test.json")
    code, _, _ = run(
        "vulns", "sync", "--kev", kev, "--cpe", str(ASSETS / "nvd-camera.json"), "--db", url
    )
    assert code == 0
    ident = _camera(url, catalog)
    sbom = str(CAMERA / "firmware.cdx.json")
    assert run("sbom", "add", ident, "1", sbom, "--db", url) == (
        0,
        f"stored firmware.cdx.json as the firmware SBOM of {ident} version 1: "
        "cyclonedx-json 1.5, 6 components\n",
        "",
    )
    code, _, err = run("sbom", "add", ident, "1", sbom, "--db", url)
    assert (code, err) == (
        1,
        f"error: version 1 of product '{ident}' has a firmware SBOM already\n",
    )
    bad = tmp_path / "bad.json"
    bad.write_text('{"bomFormat": "CycloneDX", "specVersion": 15}')
    code, _, err = run("sbom", "add", ident, "1", str(bad), "--role", "app", "--db", url)
    assert (code, err) == (
        2,
        "error: bad.json: $.specVersion: Expected `str`, got `int`\n",
    )
    assert (_count(url, SbomDocument), _count(url, SbomComponentRow)) == (1, 6)
    db = Database(url)
    with db.session() as s:  # the VEX statement covers the known exploited one
        vex = (CAMERA / "vex.openvex.json").read_bytes()
        add_vex(s, repo.EVERY_PRODUCT, ident, vex, "vex.openvex.json", index=advisory_index(db))
    db.engine.dispose()
    # the new advisory, synced: the stored camera is judged again by itself
    code, _, err = run("vulns", "sync", "--cpe", str(ASSETS / "nvd-late.json"), "--db", url)
    assert (code, err) == (0, "re-assessed: 1 product version changed verdict\n")
    assert _count(url, VerdictChange) == 2  # the VEX's, then the advisory's


def test_assess_derives_the_supply_chain_claims(run: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    kev = str(ASSETS / "kev-written-for-test.json")
    files = ["--cpe", str(ASSETS / "nvd-camera.json"), "--cpe", str(ASSETS / "nvd-late.json")]
    assert run("vulns", "sync", "--kev", kev, *files, "--db", url)[0] == 0
    profile = str(CAMERA / "profile.yaml")
    code, out, _ = run("assess", profile, "--on", "2026-11-30", "--db", url, "-f", "json")
    assert code == 1
    view = json.loads(out)
    assert [n for n in view["notes"] if n.startswith("no-known")] == [KEV_NOTE]


def test_vulns_sync_needs_a_source_and_scan_a_filled_index(run: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    sbom = str(CAMERA / "firmware.cdx.json")
    assert run("vulns", "sync", "--db", url) == (
        2,
        "",
        "error: --from: nothing to sync: give --from, --kev or --cpe\n",
    )
    # an empty index would report the firmware clean: it is refused instead
    assert run("vulns", "scan", sbom, "--db", url) == (
        2,
        "",
        "error: --db: the database's advisory index holds nothing: run `prodsec vulns sync` "
        "first, or scan with --from or --cpe\n",
    )
    code, out, err = run(
        "vulns", "sync", "--cpe", str(ASSETS / "nvd-camera.json"), "--db", url, "-f", "csv"
    )
    assert (code, out, err) == (
        0,
        "what,count\nadded,2\nreplaced,0\nwithdrawn,0\nunchanged,0\nrefused,0\nkev,no file\n"
        "cpe_rules,2\n",
        "",
    )
    # the camera's own OpenVEX document covers the FreeRTOS finding; wolfSSL's stays open
    vex = str(CAMERA / "vex.openvex.json")
    code, out, _ = run("vulns", "scan", sbom, "--vex", vex, "--db", url, "-f", "json")
    view = json.loads(out)
    found = [
        (f["advisory"], (f["vex"] or {}).get("status"), (f["vex"] or {}).get("justification"))
        for f in view["findings"]
    ]
    assert (code, view["open"]) == (1, 1)
    assert found == [
        ("CVE-2018-16525", "not_affected", "vulnerable_code_not_present"),
        ("CVE-2022-25640", None, None),
    ]
