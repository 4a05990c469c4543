"""Edges of the CSAF reader, the findings reader, the author and the provider files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from prodsec.errors import BadInputError, DataError
from prodsec.supplychain.csaf import cvss
from prodsec.supplychain.csaf.document import read_json
from prodsec.supplychain.csaf.findings_in import parse_findings
from prodsec.supplychain.csaf.make import AdvisoryRequest, ProfileType, Tlp, make_advisory
from prodsec.supplychain.csaf.provider import (
    Published,
    changes_csv,
    file_name,
    published_of,
    rolie_feed,
)

ROOT = Path(__file__).resolve().parents[3]


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "latin.json"
    bad.write_bytes(b'{"a": "\xe9"}')
    with pytest.raises(DataError) as caught:
        read_json(bad)
    assert caught.value.lines() == ["latin.json: $: not UTF-8: invalid continuation byte"]


def test_findings_of_the_wrong_shape_are_located() -> None:
    raw = [
        "x",
        {
            "component": "openssl",
            "advisory": "CVE-2026-1",
            "severity": ["x", {"type": "CVSS_V3", "vector": "v", "score": "high"}],
            "kev_date": "yesterday",
            "vex": {"status": "fixed", "timestamp": "noon"},
        },
        {"component": {"name": "a"}, "advisory": "CVE-2026-2", "severity": 3, "vex": 1},
    ]
    with pytest.raises(DataError) as caught:
        parse_findings({"findings": raw}, "f.json")
    assert caught.value.lines() == [
        "f.json: $[0]: expected an object",
        "f.json: $[1].component: expected an object",
        "f.json: $[1].kev_date: not a date: 'yesterday'",
        "f.json: $[1].severity[0]: expected an object",
        "f.json: $[1].severity[1].score: expected a number",
        "f.json: $[1].vex.timestamp: not a time: 'noon'",
        "f.json: $[2].severity: expected a list",
        "f.json: $[2].vex: expected an object or null",
    ]
    with pytest.raises(DataError, match="expected a list of findings"):
        parse_findings({"findings": 3}, "f.json")


def test_components_named_by_cpe_or_nothing_and_other_id_systems() -> None:
    (base,) = parse_findings(
        [{"component": {"name": "fw", "version": "1", "purl": "not a purl", "cpe": "cpe:2.3:o:example:fw:1:*:*:*:*:*:*:*"},
          "advisory": "GO-2026-0001", "aliases": ["GHSA-aaaa-bbbb-cccc"], "summary": "",
          "severity": [{"type": "CVSS_V3", "vector": "CVSS:3.1/AV:N"}]}],
        "f.json",
    )  # fmt: skip
    other = parse_findings(
        [{"component": {"name": "fw", "version": "1"}, "advisory": "OSV-2026-1"}], "g.json"
    )
    request = AdvisoryRequest(
        "Example", "Gateway", "1", "https://gw.example", "GW-1", "1",
        ProfileType.CSAF_VEX, Tlp.GREEN, datetime(2026, 11, 30, tzinfo=UTC),
    )  # fmt: skip
    doc = make_advisory(request, [base, *other])
    names = doc["product_tree"]["full_product_names"]
    assert names == [
        {
            "name": "fw 1",
            "product_id": "fw-1",
            "product_identification_helper": {"cpe": "cpe:2.3:o:example:fw:1:*:*:*:*:*:*:*"},
        },
        {"name": "fw 1", "product_id": "fw-1-2"},
    ]
    first, second = doc["vulnerabilities"]
    assert first["ids"] == [
        {"system_name": "Go Vulnerability Database", "text": "GO-2026-0001"},
        {"system_name": "GitHub Security Advisory", "text": "GHSA-aaaa-bbbb-cccc"},
    ]
    assert first["notes"][0]["text"] == "No summary given by GO-2026-0001."
    assert "scores" not in first
    assert second["ids"] == [{"system_name": "OSV", "text": "OSV-2026-1"}]
    assert doc["document"]["distribution"]["tlp"]["label"] == "GREEN"


def test_a_v2_or_broken_vector_makes_no_cvss_v3_object() -> None:
    assert cvss.cvss_v3_object("CVSS:3.1/AV:N") is None
    assert cvss.severity(0.0) == "NONE"
    assert cvss.severity(3.9) == "LOW"


def test_provider_files_of_a_document_without_tlp_or_dates() -> None:
    doc = json.loads((ROOT / "tests/assets/csaf/minimal-advisory.json").read_text(encoding="utf-8"))
    del doc["document"]["distribution"]
    with pytest.raises(BadInputError, match="a published advisory needs a TLP label"):
        published_of(doc, b"{}")
    doc["document"]["distribution"] = {"tlp": {"label": "WHITE"}}
    doc["document"]["tracking"]["current_release_date"] = "soon"
    with pytest.raises(BadInputError, match="current_release_date: not a date-time: 'soon'"):
        published_of(doc, b"{}")
    assert file_name("2022_#01-A") == "2022_01-a.json"
    assert rolie_feed([], "WHITE", "https://x.example/", "X")["feed"]["updated"] == ""
    moment = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    entry = Published("A-1", "t", "WHITE", moment, moment, "1", "", "")
    assert changes_csv([entry]) == '"2026/a-1.json","2026-01-02T03:04:05.678Z"\n'
