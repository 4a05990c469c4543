"""`prodsec vulns sync` and `prodsec vulns scan`, run as the user runs them: the IoT SBOM
of the corpora against CPE rules for real wolfSSL and FreeRTOS CVEs, VEX, SARIF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prodsec.cli.app import app

ASSETS = Path(__file__).parents[2] / "assets" / "vulns"
CPE = str(ASSETS / "cpe-wolfssl-freertos.json")
KEV = str(ASSETS / "kev-fixture.json")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def iot(corpora: Path) -> str:
    return str(corpora / "iot-sboms" / "case-study" / "extended.sbom.json")


def test_wolfssl_and_freertos_match_on_their_cpes(iot: str) -> None:
    code, out, err = run("vulns", "scan", iot, "--cpe", CPE, "--on", "2026-11-30", "-f", "json")
    assert (code, err) == (1, "")
    view = json.loads(out)
    found = [
        (
            f["component"]["name"],
            f["component"]["cpe"],
            f["advisory"],
            f["affected_range"],
            f["fixed"],
            f["score"],
            f["rating"],
            f["matched_on"],
        )
        for f in view["findings"]
    ]
    # CVE-2021-3336 (wolfSSL before 4.7.0) does not reach 4.8.1
    assert found == [
        (
            "FreeRTOS",
            "cpe:2.3:o:amazon:freertos:10.0.1:*:*:*:-:*:*:*",
            "CVE-2018-16522",
            "amazon:freertos <= 10.0.1",
            [],
            7.5,
            "high",
            "cpe",
        ),
        (
            "WolfSSL",
            "cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*",
            "CVE-2022-42905",
            "wolfssl:wolfssl < 5.5.2",
            ["5.5.2"],
            9.1,
            "critical",
            "cpe",
        ),
    ]
    assert (view["components"], view["open"]) == (66, 2)


def test_vex_closes_a_finding_and_sarif_says_so(iot: str, tmp_path: Path) -> None:
    vex = tmp_path / "vex.json"
    statements = [
        {
            "vulnerability": "CVE-2022-42905",
            "component": "pkg:github/wolfssl/wolfssl",
            "status": "not_affected",
            "justification": "vulnerable_code_not_present",
            "impact": "built without WOLFSSL_CALLBACKS",
            "timestamp": "2026-11-01T00:00:00Z",
        },
        {
            "vulnerability": "CVE-2018-16522",
            "component": "pkg:github/freertos/freertos",
            "status": "fixed",
        },
    ]
    vex.write_text(json.dumps({"statements": statements}))
    args = ["vulns", "scan", iot, "--cpe", CPE, "--vex", str(vex), "--on", "2026-11-30"]
    code, out, _ = run(*args, "-f", "sarif")
    assert code == 0
    log = json.loads(out)
    assert (log["version"], sorted(log)) == ("2.1.0", ["$schema", "runs", "version"])
    (sarif_run,) = log["runs"]
    assert sarif_run["tool"]["driver"]["name"] == "prodsec"
    assert [r["id"] for r in sarif_run["tool"]["driver"]["rules"]] == [
        "CVE-2018-16522",
        "CVE-2022-42905",
    ]
    assert sarif_run["tool"]["driver"]["rules"][1]["properties"] == {
        "aliases": [],
        "security-severity": "9.1",
    }
    assert [(r["ruleId"], r["level"]) for r in sarif_run["results"]] == [
        ("CVE-2018-16522", "note"),
        ("CVE-2022-42905", "note"),
    ]
    wolf = sarif_run["results"][1]
    assert wolf["message"] == {
        "text": "WolfSSL 4.8.1 is affected by CVE-2022-42905: wolfSSL before 5.5.2, built with"
        " callbacks enabled, reads 5 bytes past a heap buffer when a TLS 1.3 peer sends a"
        " crafted message.; fixed in 5.5.2"
    }
    assert wolf["locations"] == [
        {
            "physicalLocation": {"artifactLocation": {"uri": "extended.sbom.json"}},
            "logicalLocations": [
                {
                    "name": "WolfSSL",
                    "fullyQualifiedName": "pkg:github/wolfssl/wolfssl",
                    "kind": "module",
                }
            ],
        }
    ]
    assert wolf["properties"]["vex"] == {
        "status": "not_affected",
        "justification": "vulnerable_code_not_present",
        "statement": "built without WOLFSSL_CALLBACKS",
        "action": "",
        "timestamp": "2026-11-01T00:00:00+00:00",
    }
    code, out, _ = run(*args)
    assert code == 0
    assert out.splitlines()[0].strip() == ("extended.sbom.json: 2 findings, 0 open, on 2026-11-30")


def test_sync_then_scan_from_the_database(corpora: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'v.db'}"
    salt = str(corpora / "osv-pypi" / "vulns" / "salt")
    code, out, _ = run("vulns", "sync", "--from", salt, "--kev", KEV, "--db", db, "-f", "json")
    assert (code, json.loads(out)) == (
        0,
        {
            "added": 53,
            "replaced": 0,
            "withdrawn": 0,
            "unchanged": 0,
            "refused": [],
            "kev": 3,
            "cpe_rules": 0,
        },
    )
    sbom = tmp_path / "salt.cdx.json"
    sbom.write_text(
        json.dumps(
            {
                "bomFormat": "CycloneDX",
                "specVersion": "1.5",
                "components": [
                    {
                        "type": "library",
                        "name": "salt",
                        "version": "3000.1",
                        "purl": "pkg:pypi/salt@3000.1",
                        "bom-ref": "salt",
                    },
                    {
                        "type": "library",
                        "name": "salt",
                        "version": "3007.1",
                        "purl": "pkg:pypi/salt@3007.1",
                        "bom-ref": "salt-new",
                    },
                ],
            }
        )
    )
    code, out, _ = run("vulns", "scan", str(sbom), "--db", db, "--on", "2026-11-30", "-f", "json")
    view = json.loads(out)
    assert (code, view["components"], len(view["findings"]), view["open"]) == (1, 2, 26, 26)
    kev = [(f["advisory"], f["kev_date"]) for f in view["findings"] if f["known_exploited"]]
    assert kev == [("PYSEC-2020-102", "2021-11-03")]


def test_a_bad_day_and_a_bad_source_are_told(iot: str, tmp_path: Path) -> None:
    code, _, err = run("vulns", "scan", iot, "--on", "30.11.2026", "--from", str(tmp_path))
    assert (code, err.strip()) == (
        2,
        "error: --on: '30.11.2026' is not a date; write it as YYYY-MM-DD",
    )
    code, _, err = run("vulns", "scan", iot, "--from", str(tmp_path / "nothing"))
    assert (code, err.strip()) == (
        2,
        f"error: --from: {tmp_path / 'nothing'}: no such folder or file",
    )
