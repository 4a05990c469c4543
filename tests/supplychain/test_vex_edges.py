"""VEX input at the edges: limits, types, the 0.0.1 OpenVEX shape, files that cannot be
read or written, and the XSD check's refusals before the schema."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prodsec.catalog.limits import ParseLimits
from prodsec.cli.app import app
from prodsec.errors import LimitExceededError
from prodsec.supplychain import vex
from prodsec.supplychain.sbom.xsd import xml_schema_issues
from prodsec.supplychain.vex import (
    VexError,
    VexFormat,
    VexStatus,
    interface,
    read_vex,
    read_vex_document,
    read_vex_file,
    write_vex,
)

OPENVEX = {"@context": "https://openvex.dev/ns/v0.0.1", "author": "A"}


def _lines(data: bytes) -> list[str]:
    with pytest.raises(VexError) as caught:
        read_vex(data, "v.json")
    return caught.value.lines()


def test_openvex_0_0_1_strings_and_identifiers() -> None:
    doc = OPENVEX | {
        "timestamp": "2023-01-01T00:00:00",
        "statements": [
            {"vulnerability": "CVE-1", "products": ["pkg:npm/a@1.0"], "status": "fixed"},
            {"vulnerability": "CVE-2", "status": "affected",
             "products": [{"identifiers": {"purl": "pkg:npm/b@2.0"}}]},
        ],
    }  # fmt: skip
    got = read_vex(json.dumps(doc).encode(), "v.json")
    assert [(s.vulnerability, s.product, s.status) for s in got] == [
        ("CVE-1", "pkg:npm/a@1.0", VexStatus.FIXED),
        ("CVE-2", "pkg:npm/b@2.0", VexStatus.AFFECTED),
    ]
    assert got[0].timestamp == datetime(2023, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("statement", "line"),
    [
        (
            {"vulnerability": 3, "status": "fixed"},
            "v.json: $.statements[0].vulnerability: missing, or not an object",
        ),
        (
            {"vulnerability": "CVE-1", "status": "fixed", "products": [7]},
            "v.json: $.statements[0].products[0]: expected a string or an object",
        ),
        (
            {"vulnerability": "CVE-1", "status": "fixed", "products": [{}]},
            "v.json: $.statements[0].products[0]: a product without @id or identifiers.purl",
        ),
        (
            {"vulnerability": "CVE-1", "status": "fixed", "products": "x"},
            "v.json: $.statements[0].products: expected an array, got a string",
        ),
        (
            {"vulnerability": "CVE-1", "status": "fixed", "timestamp": "soon"},
            "v.json: $.statements[0]: not an RFC 3339 time: 'soon'",
        ),
    ],
)
def test_openvex_faults_are_located(statement: dict[str, object], line: str) -> None:
    assert _lines(json.dumps(OPENVEX | {"statements": [statement]}).encode()) == [line]


def test_documents_that_are_not_json_objects() -> None:
    assert _lines(b'{"statements": [1, 2') == [
        "v.json: $: not JSON: Expecting ',' delimiter (line 1)"
    ]
    assert _lines(b'{"statements": "\xff"}') == [
        "v.json: $: not UTF-8: invalid start byte at byte 16"
    ]
    assert _lines(b'{"statements": [1]}') == [
        "v.json: $.statements[0]: expected an object, got a number"
    ]


def test_files_too_large_or_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(VexError, match="cannot read"):
        read_vex_file(tmp_path / "none.json")
    big = tmp_path / "big.json"
    big.write_bytes(b"{}" + b" " * 64)
    small = ParseLimits(max_bytes=10, max_depth=64, max_nodes=0)
    monkeypatch.setattr(vex, "VEX_FILE", small)
    monkeypatch.setattr(interface, "VEX_FILE", small)
    with pytest.raises(LimitExceededError, match="66 bytes, over 10"):
        read_vex_file(big)
    with pytest.raises(LimitExceededError, match="more than a VEX document may have"):
        read_vex(big.read_bytes(), "big.json")


def test_convert_reports_a_file_it_cannot_write(tmp_path: Path) -> None:
    camera = Path(__file__).resolve().parents[1] / "assets/vex/camera.openvex.json"
    out = tmp_path / "no-such-folder" / "x.json"
    done = CliRunner().invoke(
        app, ["vex", "convert", str(camera), "--to", "openvex", "-o", str(out)]
    )
    assert (done.exit_code, done.stderr) == (
        2,
        f"error: {out}: cannot write: No such file or directory\n",
    )


def test_xsd_refusals_before_the_schema() -> None:
    broken = xml_schema_issues(b"<bom", "x.xml")
    assert [(i.field, i.message[:21]) for i in broken] == [("/", "not well-formed XML: ")]
    other = b"<bom xmlns='http://example.com/bom/1.6'/>"
    assert [i.message for i in xml_schema_issues(other, "x.xml")] == [
        "namespace 'http://example.com/bom/1.6' is no CycloneDX 1.0, 1.1, 1.2, 1.3, 1.4, "
        "1.5, 1.6, 1.7"
    ]


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (
            b'{"bomFormat": "SPDX", "vulnerabilities": []}',
            "v.json: $.bomFormat: not a CycloneDX document",
        ),
        (
            b'{"bomFormat": "CycloneDX", "vulnerabilities": [{"id": "CVE-1", "affects": '
            b'[{"ref": "p", "versions": [{"version": "1", "status": "gone"}]}]}]}',
            "v.json: $.vulnerabilities[0].affects[0].versions[0].status: no VEX status here",
        ),
        (
            b"<?xml version='1.0'?><bom",
            "v.json: /: not well-formed XML: unclosed token: line 1, column 21",
        ),
        (
            b"<other xmlns='http://example.com'/>",
            "v.json: /: the root element is '{http://example.com}other', not a CycloneDX bom",
        ),
        (
            b'{"document": {"category": "csaf_security_advisory", "csaf_version": "2.0"}}',
            "v.json: $.document.category: not csaf_vex",
        ),
        (
            b'{"document": {"category": "csaf_vex", "csaf_version": "2.0"}, '
            b'"vulnerabilities": [{"notes": []}]}',
            "v.json: $.vulnerabilities[0]: a vulnerability with neither cve nor ids",
        ),
        (
            b'{"document": {"category": "csaf_vex", "csaf_version": "2.0"}, "product_tree": '
            b'{"relationships": [{"product_reference": "A", "relates_to_product_reference": "B",'
            b' "full_product_name": {"product_id": "C"}}]}}',
            "v.json: $.product_tree.relationships[0]: refers to a product id the product tree "
            "lacks",
        ),
    ],
)
def test_cyclonedx_and_csaf_faults_are_located(data: bytes, line: str) -> None:
    assert _lines(data) == [line]


def test_csaf_groups_ids_and_a_product_stated_twice() -> None:
    """A product group names products for a flag; a vulnerability without a CVE is named
    by its first id; two statements on one product version keep their own ids."""
    doc = {
        "document": {"category": "csaf_vex", "csaf_version": "2.0",
                     "publisher": {"name": "P"}},
        "product_tree": {
            "full_product_names": [{"name": "tool", "product_id": "T"}],
            "product_groups": [{"group_id": "G", "product_ids": ["T"]}],
        },
        "vulnerabilities": [{
            "ids": [{"system_name": "GHSA", "text": "GHSA-1"}],
            "product_status": {"known_not_affected": ["T"]},
            "flags": [{"label": "component_not_present", "group_ids": ["G"]}],
        }],
    }  # fmt: skip
    (one,) = read_vex(json.dumps(doc).encode(), "c.json")
    assert (one.vulnerability, one.product, one.justification) == (
        "GHSA-1",
        "tool",
        "component_not_present",
    )
    two = [one, replace(one, status=VexStatus.FIXED, justification=None)]
    written = json.loads(write_vex(two, VexFormat.CSAF, author="P"))
    assert written["vulnerabilities"][0]["ids"] == [{"system_name": "GHSA", "text": "GHSA-1"}]
    assert [p["product_id"] for p in written["product_tree"]["full_product_names"]] == [
        "CSAFPID-0002"
    ]
    back = read_vex(json.dumps(written).encode(), "w.json")
    # no time given: CSAF needs one, and the writer puts the epoch
    assert {s.timestamp for s in back} == {datetime(1970, 1, 1, tzinfo=UTC)}
    assert sorted(repr(replace(s, timestamp=None)) for s in back) == sorted(map(repr, two))


def test_cyclonedx_author_falls_back_to_the_supplier() -> None:
    doc = {"bomFormat": "CycloneDX", "metadata": {"supplier": {"name": "S"}},
           "vulnerabilities": []}  # fmt: skip
    document = read_vex_document(json.dumps(doc).encode(), "s.json")
    assert (document.author, document.statements) == ("S", ())


def test_show_counts_one_statement_in_the_singular(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    statement = vex.VexStatement("CVE-1", "pkg:npm/a@1.0", VexStatus.FIXED)
    one.write_text(vex.write_vex([statement], VexFormat.OPENVEX, author="A"), encoding="utf-8")
    shown = CliRunner().invoke(app, ["vex", "show", str(one)])
    assert (shown.exit_code, shown.stdout.splitlines()[0].strip()) == (
        0,
        "one.json: openvex, 1 statement",
    )


def test_a_missing_vex_file_is_a_located_error_in_every_reader(tmp_path: Path) -> None:
    from prodsec.errors import DataError
    from prodsec.supplychain.vex.model import read_statements

    missing = tmp_path / "gone.json"
    with pytest.raises(DataError) as own:
        read_statements(missing)
    assert own.value.lines() == ["gone.json: $: cannot read: No such file or directory"]
    with pytest.raises(VexError) as any_format:
        vex.read_vex_statements(missing)
    assert any_format.value.lines() == [f"{missing}: $: cannot read: No such file or directory"]


@pytest.mark.parametrize("name", ["camera-1.0.cdx.json", "camera-1.0.cdx.xml"])
def test_an_sbom_offered_as_vex_is_refused(name: str) -> None:
    path = Path(__file__).resolve().parents[1] / "assets" / "sbom" / name
    with pytest.raises(VexError) as caught:
        read_vex_document(path.read_bytes(), name, offered=True)
    assert caught.value.lines() == [
        f"{name}: $.vulnerabilities: missing: an SBOM without VEX statements"
    ]
    with pytest.raises(VexError) as caught:
        vex.read_vex_file(path)
    assert caught.value.lines() == [
        f"{path}: $.vulnerabilities: missing: an SBOM without VEX statements"
    ]  # a document stored before is still read (it says nothing)
    assert read_vex_document(path.read_bytes(), name).statements == ()
