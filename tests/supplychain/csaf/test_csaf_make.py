"""`prodsec csaf make`: advisories from the example camera's findings, pinned byte for byte
(the reference validator checks the same files: test_csaf_reference.py), VEX applied, and
requests that cannot make a valid advisory refused."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prodsec.cli.app import app
from prodsec.errors import BadInputError, DataError
from prodsec.supplychain.csaf.findings_in import parse_findings
from prodsec.supplychain.csaf.make import AdvisoryRequest, ProfileType, Tlp, make_advisory
from prodsec.supplychain.csaf.validate import validate
from prodsec.supplychain.vex.model import VexStatement, VexStatus

ROOT = Path(__file__).resolve().parents[3]
INPUT = ROOT / "tests/assets/csaf-input"
FINDINGS = parse_findings(
    json.loads((INPUT / "camera-findings.json").read_text(encoding="utf-8")), "f.json"
)
REQUEST = AdvisoryRequest(
    "Example Cameras Ltd", "HomeCam 3", "3.0", "https://cameras.example", "EXC-2026-0007", "1",
    ProfileType.SECURITY_ADVISORY, Tlp.CLEAR, datetime(2026, 11, 30, 8, tzinfo=UTC),
)  # fmt: skip


def _make(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app,
        ["csaf", "make", "--profile", str(ROOT / "examples/smart-camera.yaml"),
         "--findings", str(INPUT / "camera-findings.json"), "--tlp", "CLEAR",
         "--id", "EXC-2026-0007", "--version", "1", "--namespace", "https://cameras.example",
         "--date", "2026-11-30T08:00:00Z", *args],
    )  # fmt: skip
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("kind", ["security_advisory", "csaf_vex"])
def test_the_camera_advisory_is_made_as_pinned(kind: str) -> None:
    code, out, err = _make("--profile-type", kind)
    assert (code, err) == (0, "")
    assert out == (ROOT / f"tests/assets/csaf/homecam-3-{kind}.json").read_text(encoding="utf-8")


def test_what_the_advisory_says_of_each_finding() -> None:
    doc = make_advisory(REQUEST, FINDINGS)
    vulns = {v.get("cve"): v for v in doc["vulnerabilities"]}
    assert list(vulns) == ["CVE-2021-44228", "CVE-2022-0778", "CVE-2022-28391", "CVE-2023-48795"]
    log4j = vulns["CVE-2021-44228"]
    assert log4j["ids"] == [
        {"system_name": "GitHub Security Advisory", "text": "GHSA-jfh8-c2jp-5v3q"}
    ]
    assert log4j["product_status"] == {"known_affected": ["homecam-3-3.0:log4j-core-2.14.1"]}
    assert [r["category"] for r in log4j["remediations"]] == ["vendor_fix"]
    assert log4j["scores"][0]["cvss_v3"]["baseScore"] == 10.0
    assert log4j["threats"] == [
        {
            "category": "exploit_status",
            "details": "Known to be exploited: listed in CISA's KEV catalog since 2021-12-10.",
            "product_ids": ["homecam-3-3.0:log4j-core-2.14.1"],
        }
    ]
    busybox = vulns["CVE-2022-28391"]
    assert busybox["product_status"] == {"known_not_affected": ["homecam-3-3.0:busybox-1.33.1"]}
    assert busybox["flags"] == [
        {"label": "vulnerable_code_not_present", "product_ids": ["homecam-3-3.0:busybox-1.33.1"]}
    ]
    assert "remediations" not in busybox
    assert vulns["CVE-2023-48795"]["remediations"] == [
        {
            "category": "workaround",
            "details": "Turn off remote SSH access in the camera's settings until an update ships.",
            "product_ids": ["homecam-3-3.0:dropbear-2020.81"],
        }
    ]
    tree = doc["product_tree"]
    assert tree["branches"][0]["branches"][0]["branches"][0]["product"] == {
        "name": "Example Cameras Ltd HomeCam 3 3.0",
        "product_id": "homecam-3-3.0",
    }
    assert [r["product_reference"] for r in tree["relationships"]] == [
        "openssl-3.0.1",
        "busybox-1.33.1",
        "log4j-core-2.14.1",
        "dropbear-2020.81",
    ]


def test_a_later_vex_statement_overrides_the_finding(tmp_path: Path) -> None:
    code, out, _ = _make("--profile-type", "csaf_vex", "--vex", str(INPUT / "camera-vex.json"))
    assert code == 0
    openssl = json.loads(out)["vulnerabilities"][1]
    assert openssl["product_status"] == {"known_not_affected": ["homecam-3-3.0:openssl-3.0.1"]}
    assert openssl["flags"] == [
        {
            "label": "vulnerable_code_not_in_execute_path",
            "product_ids": ["homecam-3-3.0:openssl-3.0.1"],
        }
    ]
    assert openssl["threats"] == [
        {
            "category": "impact",
            "details": "The camera never parses certificates with explicit curve parameters.",
            "product_ids": ["homecam-3-3.0:openssl-3.0.1"],
        }
    ]
    assert validate(json.loads(out)).valid


def test_every_status_and_a_red_draft() -> None:
    stamp = datetime(2026, 11, 29, tzinfo=UTC)
    statements = [
        VexStatement("CVE-2022-0778", "pkg:generic/openssl@3.0.1", VexStatus.FIXED, timestamp=stamp),
        VexStatement("CVE-2021-44228", "log4j-core-2.14.1", VexStatus.UNDER_INVESTIGATION, timestamp=stamp),
        VexStatement("CVE-2023-48795", "pkg:generic/dropbear@2020.81", VexStatus.NOT_AFFECTED, timestamp=stamp),
    ]  # fmt: skip
    request = AdvisoryRequest(
        "Example Cameras Ltd", "HomeCam 3", "", "https://cameras.example", "EXC-2026-0008",
        "0.1.0", ProfileType.CSAF_VEX, Tlp.RED, datetime(2026, 11, 30, tzinfo=UTC), "draft",
    )  # fmt: skip
    doc = make_advisory(request, FINDINGS, statements)
    assert doc["document"]["distribution"]["tlp"]["label"] == "RED"
    statuses = [v["product_status"] for v in doc["vulnerabilities"]]
    assert [list(s) for s in statuses] == [
        ["under_investigation"],
        ["fixed"],
        ["known_not_affected"],
        ["known_not_affected"],
    ]
    assert doc["vulnerabilities"][3]["threats"] == [
        {
            "category": "impact",
            "details": "Not affected (no reason given).",
            "product_ids": ["homecam-3:dropbear-2020.81"],
        }
    ]
    assert doc["product_tree"]["branches"][0]["branches"][0]["product"]["product_id"] == "homecam-3"


def test_a_request_that_cannot_make_a_valid_advisory_is_refused() -> None:
    with pytest.raises(BadInputError) as caught:
        make_advisory(replace(REQUEST, version="2"), FINDINGS)
    assert caught.value.lines() == [
        "(advisory): $.document.tracking.revision_history[0].number: 6.1.21: the first revision is 2, not 0 or 1"
    ]
    with pytest.raises(
        BadInputError, match=r"^no findings: an advisory needs at least one vulnerability$"
    ):
        make_advisory(REQUEST, [])


def test_bad_options_and_findings_are_refused(tmp_path: Path) -> None:
    assert _make("--profile-type", "vex")[0:3:2] == (
        2,
        "error: --profile-type: 'vex' is not one of security_advisory, csaf_vex\n",
    )
    assert _make("--profile-type", "csaf_vex", "--date", "yesterday")[0:3:2] == (
        2,
        "error: --date: not an ISO 8601 time: 'yesterday'\n",
    )
    with pytest.raises(DataError) as caught:
        parse_findings(
            [{"component": {"name": ""}, "advisory": 5, "fixed": "1.0", "vex": {"status": "gone"}}],
            "f.json",
        )
    assert caught.value.lines() == [
        "f.json: $[0].advisory: expected a string",
        "f.json: $[0].advisory: required",
        "f.json: $[0].component.name: required",
        "f.json: $[0].fixed: expected a list of strings",
        "f.json: $[0].vex: 'gone' is not a valid VexStatus",
    ]


@pytest.mark.parametrize("fmt", ["openvex", "cyclonedx", "csaf"])
def test_vex_in_any_of_the_three_formats_makes_the_same_advisory(fmt: str, tmp_path: Path) -> None:
    from prodsec.supplychain.vex import VexFormat, read_vex_statements, write_vex

    own = INPUT / "camera-vex.json"
    other = tmp_path / f"camera-vex.{fmt}.json"
    other.write_text(write_vex(read_vex_statements(own), VexFormat(fmt), author="Example"))
    expected = _make("--profile-type", "csaf_vex", "--vex", str(own))
    assert _make("--profile-type", "csaf_vex", "--vex", str(other)) == expected
    assert expected[0] == 0
