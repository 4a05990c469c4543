"""VEX in three formats: every CycloneDX VEX use case (the 13 and CISA's) and every CSAF
VEX example of the corpora read with exact statement counts and a few exact statements;
round trips OpenVEX -> CycloneDX -> CSAF -> OpenVEX keep every statement; bad input is
located; XML keeps defusedxml's refusals; the CLI's `vex show` and `vex convert`."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from prodsec.errors import BadInputError, LimitExceededError
from prodsec.supplychain.vex import (
    Justification,
    VexError,
    VexFormat,
    VexStatement,
    VexStatus,
    read_vex,
    read_vex_document,
    read_vex_file,
    write_vex,
)
from prodsec.supplychain.vex.justification import FROM_CYCLONEDX, TO_CYCLONEDX

from .vuln.conftest import corpora_root

ROOT = Path(__file__).resolve().parents[2]
CAMERA = ROOT / "tests/assets/vex/camera.openvex.json"
CORPORA = corpora_root()
CDX = CORPORA / "cyclonedx-examples/VEX"
CSAF = CORPORA / "csaf/examples/csaf_vex"

COUNTS = {
    "CISA-Use-Cases/Case-1/vex-affected.json": 1,
    "CISA-Use-Cases/Case-1/vex-fixed.json": 1,
    "CISA-Use-Cases/Case-1/vex-not_affected.json": 1,
    "CISA-Use-Cases/Case-1/vex-under_investigation.json": 1,
    "CISA-Use-Cases/Case-2/vex.json": 19,
    "CISA-Use-Cases/Case-3/vex.json": 19,
    "CISA-Use-Cases/Case-4/vex.json": 3,
    "CISA-Use-Cases/Case-5/vex.json": 1,
    "CISA-Use-Cases/Case-6/vex.json": 7,
    "CISA-Use-Cases/Case-7/vex.json": 10,
    "CISA-Use-Cases/Case-8/vex.json": 24,
    "Use-Cases/Case-1/vex.json": 1,
    "Use-Cases/Case-10/vex.json": 13,
    "Use-Cases/Case-11/vex.json": 19,
    "Use-Cases/Case-12/vex.json": 3,
    "Use-Cases/Case-13/vex.json": 3,
    "Use-Cases/Case-2/vex.json": 1,
    "Use-Cases/Case-3/vex.json": 1,
    "Use-Cases/Case-4/vex.json": 1,
    "Use-Cases/Case-5/vex.json": 2,
    "Use-Cases/Case-6/vex.json": 3,
    "Use-Cases/Case-7/vex.json": 1,
    "Use-Cases/Case-8/vex.json": 4,
    "Use-Cases/Case-9/vex.json": 57,
    "vex.json": 1,
    "2022-evd-uc-01-a-001.json": 1,
    "2022-evd-uc-01-f-001.json": 1,
    "2022-evd-uc-01-na-001.json": 1,
    "2022-evd-uc-01-ui-001.json": 1,
    "2022-evd-uc-02-na-001.json": 19,
    "2022-evd-uc-03-ms-001.json": 19,
    "2022-evd-uc-04-001.json": 3,
    "2022-evd-uc-05-001.json": 1,
    "2022-evd-uc-06-001.json": 7,
    "2022-evd-uc-07-001.json": 10,
    "2022-evd-uc-08-001.json": 21,
    "2022-evd-uc-09-001.json": 4,
    "sec-vex-2022-0001.json": 3,
}


def _files() -> dict[str, Path]:
    found = {str(p.relative_to(CDX)): p for p in CDX.glob("**/vex*.json")}
    return found | {p.name: p for p in CSAF.glob("*.json")}


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[VexStatement]]:
    return {name: list(read_vex_file(path).statements) for name, path in _files().items()}


def test_every_vex_example_of_the_corpora_is_read(corpus: dict[str, list[VexStatement]]) -> None:
    counts = {name: len(statements) for name, statements in corpus.items()}
    print(f"{len(counts)} documents, {sum(counts.values())} statements")
    assert counts == COUNTS
    statuses = {s.status for statements in corpus.values() for s in statements}
    assert statuses == set(VexStatus)


def test_exact_statements(corpus: dict[str, list[VexStatement]]) -> None:
    assert corpus["sec-vex-2022-0001.json"][0] == VexStatement(
        vulnerability="CVE-2021-44228",
        status=VexStatus.NOT_AFFECTED,
        product="Secvisogram@<=1.14.0",
        component="Secvisogram@<=1.14.0",
        justification=Justification.COMPONENT_NOT_PRESENT,
        impact="Secvisogram is written in JavaScript. No Java is included.",
        timestamp=datetime(2022, 5, 27, 10, tzinfo=UTC),
    )
    affected = corpus["2022-evd-uc-01-a-001.json"][0]
    assert (affected.status, affected.product, affected.action) == (
        VexStatus.AFFECTED,
        "DEF@1.0",
        "Customers should update to version 1.1 of product DEF which fixes the issue.",
    )
    # Case-8: one vulnerability, four ranges and versions of one product
    assert [s.product for s in corpus["Use-Cases/Case-8/vex.json"]] == [
        "acme-product@vers:semver/>=2.0.0|<=2.7.0",
        "acme-product@vers:semver/>=3.0.0|<=3.2.0",
        "acme-product@vers:semver/>=3.8.0|<=4.1.0",
        "acme-product@5.9.0",
    ]
    top = corpus["vex.json"][0]
    assert (top.vulnerability, top.justification, top.product) == (
        "CVE-2020-25649",
        Justification.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH,
        "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:maven/com.fasterxml.jackson.core/"
        "jackson-databind@2.10.0?type=jar",
    )
    # a vulnerability without `affects` speaks of every product
    assert corpus["Use-Cases/Case-7/vex.json"][0].product == ""


def _round_trip(statements: list[VexStatement]) -> list[list[VexStatement]]:
    out, current = [], statements
    for fmt in (VexFormat.OPENVEX, VexFormat.CYCLONEDX, VexFormat.CSAF, VexFormat.OPENVEX):
        current = read_vex(write_vex(current, fmt, author="Acme").encode(), fmt.value)
        out.append(current)
    return out


def test_round_trips_keep_every_statement(corpus: dict[str, list[VexStatement]]) -> None:
    """Each document as OpenVEX, then CycloneDX, CSAF and OpenVEX again: the same
    statements at every step (times set, since CSAF has one per document)."""
    total = 0
    for name, statements in sorted(corpus.items()):
        start = [
            dataclasses.replace(s, timestamp=datetime(2026, 1, 1, tzinfo=UTC)) for s in statements
        ]
        for step in _round_trip(start):
            assert sorted(map(repr, step)) == sorted(map(repr, start)), name
        total += len(start)
    assert total == 288


def test_the_camera_vex_round_trips_with_parts_and_its_own_times() -> None:
    document = read_vex_file(CAMERA)
    camera = list(document.statements)
    assert document.author == "Example Camera Co. PSIRT"
    assert camera[1] == VexStatement(
        vulnerability="CVE-2023-3724",
        status=VexStatus.AFFECTED,
        product="pkg:generic/example/camera-firmware@1.0",
        component="pkg:github/wolfssl/wolfssl@v4.8.1",
        action="Update the firmware to 1.1, which ships wolfSSL 5.6.3.",
        timestamp=datetime(2026, 11, 5, 12, tzinfo=UTC),
    )
    openvex, cyclonedx, csaf, again = _round_trip(camera)
    assert set(openvex) == set(cyclonedx) == set(camera)
    # CSAF has one time per document: the latest; the rest of each statement is kept
    assert {s.timestamp for s in [*csaf, *again]} == {datetime(2026, 11, 5, 12, tzinfo=UTC)}
    untimed = {dataclasses.replace(s, timestamp=None) for s in camera}
    assert {dataclasses.replace(s, timestamp=None) for s in csaf} == untimed
    assert {dataclasses.replace(s, timestamp=None) for s in again} == untimed


def test_justifications_map_between_the_formats() -> None:
    assert {FROM_CYCLONEDX[TO_CYCLONEDX[j]] for j in Justification} == set(Justification)
    assert len(FROM_CYCLONEDX) == 9
    assert FROM_CYCLONEDX["protected_at_runtime"] is Justification.INLINE_MITIGATIONS_ALREADY_EXIST


def test_cyclonedx_xml_reads_as_json_does() -> None:
    xml = b"""<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1">
  <metadata><timestamp>2022-01-13T00:00:00Z</timestamp>
    <authors><author><name>Acme</name></author></authors>
    <component type="application" bom-ref="acme-product"><name>Acme Product</name></component>
  </metadata>
  <vulnerabilities>
    <vulnerability>
      <id>CVE-2020-25649</id>
      <references><reference><id>GHSA-288c-cq4h-88gq</id><source><name>GitHub</name></source>
      </reference></references>
      <analysis><state>not_affected</state><justification>code_not_reachable</justification>
        <responses><response>will_not_fix</response></responses><detail>Not reached.</detail>
      </analysis>
      <affects><target><ref>acme-product</ref><versions>
        <version><version>2.2.0</version><status>unaffected</status></version>
        <version><range>vers:semver/&gt;=2.3.0|&lt;2.4.0</range><status>unaffected</status></version>
      </versions></target></affects>
    </vulnerability>
  </vulnerabilities>
</bom>"""
    common = VexStatement(
        vulnerability="CVE-2020-25649",
        status=VexStatus.NOT_AFFECTED,
        product="",
        component="",
        justification=Justification.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH,
        impact="Not reached.",
        timestamp=datetime(2022, 1, 13, tzinfo=UTC),
    )
    document = read_vex_document(xml, "v.xml")
    assert (document.format, document.author) == (VexFormat.CYCLONEDX, "Acme")
    assert list(document.statements) == [
        dataclasses.replace(common, product=p, component=p)
        for p in ("acme-product@2.2.0", "acme-product@vers:semver/>=2.3.0|<2.4.0")
    ]


def test_xml_entities_are_refused() -> None:
    doc = b"""<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><metadata><timestamp>&x;</timestamp>
</metadata></bom>"""
    with pytest.raises(VexError) as caught:
        read_vex(doc, "evil.xml")
    assert caught.value.lines() == [
        "evil.xml: /: refused: a document type declaration (DTD); DTDs, entities and "
        "external references are not read"
    ]


@pytest.mark.parametrize(
    ("doc", "line"),
    [
        (
            {
                "@context": "https://openvex.dev/ns/v0.2.0",
                "statements": [
                    {"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "x"}], "status": "ok"}
                ],
            },
            "v.json: $.statements[0].status: 'ok' is not one of not_affected, affected, fixed, "
            "under_investigation",
        ),
        (
            {
                "@context": "https://openvex.dev/ns/v0.2.0",
                "statements": [{"vulnerability": {"name": 7}, "status": "fixed"}],
            },
            "v.json: $.statements[0].vulnerability.name: expected a string, got a number",
        ),
        (
            {
                "bomFormat": "CycloneDX",
                "vulnerabilities": [{"id": "CVE-1", "analysis": {"state": "fine"}}],
            },
            "v.json: $.vulnerabilities[0].analysis.state: 'fine' is no analysis state",
        ),
        (
            {
                "bomFormat": "CycloneDX",
                "vulnerabilities": [
                    {
                        "id": "CVE-1",
                        "analysis": {"state": "not_affected", "justification": "trust_me"},
                    }
                ],
            },
            "v.json: $.vulnerabilities[0].analysis.justification: 'trust_me' is no justification",
        ),
        (
            {
                "document": {"category": "csaf_vex", "csaf_version": "2.0"},
                "vulnerabilities": [{"cve": "CVE-1", "product_status": {"fixed": ["P-9"]}}],
            },
            "v.json: $.vulnerabilities[0].product_status.fixed: P-9 is not in the product tree",
        ),
        (
            {
                "document": {"category": "csaf_vex", "csaf_version": "2.0"},
                "vulnerabilities": [
                    {"cve": "CVE-1", "flags": [{"label": "fine", "product_ids": ["P"]}]}
                ],
            },
            "v.json: $.vulnerabilities[0].flags: 'fine' is no flag label",
        ),
    ],
)
def test_bad_input_is_located(doc: object, line: str) -> None:
    with pytest.raises(VexError) as caught:
        read_vex(json.dumps(doc).encode(), "v.json")
    assert caught.value.lines() == [line]


def test_limits() -> None:
    deep = b'{"statements": ' + b"[" * 70 + b"]" * 70 + b"}"
    with pytest.raises(LimitExceededError, match="nested deeper than 64"):
        read_vex(deep, "deep.json")
    with pytest.raises(VexError, match="not a VEX document"):
        read_vex(b"hello", "x.txt")


def test_a_document_names_its_author() -> None:
    one = [VexStatement("CVE-1", "pkg:npm/a@1.0", VexStatus.FIXED)]
    with pytest.raises(BadInputError, match="a VEX document names its author: pass one"):
        write_vex(one, VexFormat.CSAF, author="")
    assert json.loads(write_vex(one, VexFormat.OPENVEX, author="C"))["author"] == "C"


def test_cli_show_and_convert(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from prodsec.cli.app import app

    shown = CliRunner().invoke(app, ["vex", "show", str(CAMERA), "-f", "csv"])
    assert (shown.exit_code, shown.stdout.splitlines()) == (
        0,
        [
            "vulnerability,status,product,component,justification",
            "CVE-2022-37434,not_affected,pkg:generic/example/camera-firmware@1.0,"
            "pkg:generic/zlib@1.2.11,vulnerable_code_not_in_execute_path",
            "CVE-2023-3724,affected,pkg:generic/example/camera-firmware@1.0,"
            "pkg:github/wolfssl/wolfssl@v4.8.1,",
            "CVE-2024-1544,under_investigation,pkg:generic/example/camera-firmware@1.1,"
            "pkg:generic/example/camera-firmware@1.1,",
        ],
    )
    out = tmp_path / "camera.csaf.json"
    done = CliRunner().invoke(app, ["vex", "convert", str(CAMERA), "--to", "csaf", "-o", str(out)])
    assert (done.exit_code, done.stdout) == (0, "")
    assert (
        json.loads(out.read_text())["document"]["publisher"]["name"] == "Example Camera Co. PSIRT"
    )
    assert len(read_vex_file(out).statements) == 3
    case1 = CDX / "Use-Cases/Case-1/vex.json"
    refused = CliRunner().invoke(app, ["vex", "convert", str(case1), "--to", "openvex"])
    assert (refused.exit_code, refused.stdout, refused.stderr) == (
        2,
        "",
        "error: author: a VEX document names its author: pass one\n",
    )
