"""The SBOM readers' less travelled paths: each refusal exact, each limit, the schema
check's own errors, and a diff of a component present in several versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodsec.catalog import limits
from prodsec.errors import LimitExceededError, UnavailableError
from prodsec.supplychain.sbom import (
    ComponentType,
    SbomError,
    SbomFormat,
    cyclonedx_json,
    cyclonedx_xml,
    interface,
    read_sbom,
    read_sbom_file,
    schema,
    spdx2_json,
    spdx2_tagvalue,
    spdx3_jsonld,
)
from prodsec.supplychain.sbom.diff import diff_sboms
from prodsec.supplychain.sbom.validate import validate

CDX = b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [%s]}'


def _lines(data: bytes, source: str = "s") -> list[str]:
    with pytest.raises(SbomError) as caught:
        read_sbom(data, source)
    return caught.value.lines()


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b'{"a": 1}', "s: $: JSON, but neither CycloneDX, SPDX 2 nor SPDX 3"),
        (b'{"bomFormat": "CycloneDX", ', "s: $: not JSON: Input data was truncated"),
        (b'{"spdxVersion": "SPDX-3.0"}', "s: $.spdxVersion: 'SPDX-3.0' is not SPDX 2"),
        (b'{"spdxVersion": ', "s: $: not JSON: Input data was truncated"),
        (b'{"@graph": 1}', "s: $.@graph: an SPDX 3 document has a list '@graph'"),
        (b'{"@graph": [', "s: $: not JSON: Input data was truncated"),
        (b"SPDXVersion: SPDX-2.3\n\xff\n", "s: $: not UTF-8 text: 'utf-8' codec can't decode "
         "byte 0xff in position 22: invalid start byte"),
        (b"SPDXVersion: SPDX-3.0\n", "s:1: SPDXVersion: 'SPDX-3.0' is not SPDX 2"),
        (b"SPDXVersion: SPDX-2.3\nPackageName: a\nExternalRef: purl\n",
         "s:3: ExternalRef: not 'CATEGORY TYPE LOCATOR': 'purl'"),
    ],
)  # fmt: skip
def test_refusals(data: bytes, line: str) -> None:
    assert _lines(data) == [line]


def test_tag_value_comments_files_and_text_blocks() -> None:
    data = (
        b"# a comment\nSPDXVersion: SPDX-2.2\nSPDXID: SPDXRef-DOCUMENT\n\n"
        b"PackageName: a\nSPDXID: SPDXRef-a\nPackageSupplier: Person: Ada\n"
        b"PackageComment: <text>two\nlines</text>\n"
        b"FileName: ./a.c\nSPDXID: SPDXRef-file\n"
        b"PackageName: b\nSPDXID: SPDXRef-b\nPackageSupplier: NOASSERTION\n"
        b"Relationship: SPDXRef-b DEPENDENCY_OF SPDXRef-a\n"
    )
    sbom = read_sbom(data, "t.spdx")
    assert [(c.ref, c.supplier) for c in sbom.components] == [
        ("SPDXRef-a", "Ada"),
        ("SPDXRef-b", ""),
    ]
    assert sbom.dependencies == (("SPDXRef-a", ("SPDXRef-b",)),)


def test_tag_value_line_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    long = b"SPDXVersion: SPDX-2.3\n" + b"x" * 70_000 + b"\n"
    with pytest.raises(LimitExceededError) as caught:
        read_sbom(long, "long.spdx")
    assert str(caught.value) == "long.spdx:2: a line over 65536 characters"
    assert caught.value.extra() == {"limit": "line"}  # the API's 413 names the limit


@pytest.mark.parametrize(
    "module", [cyclonedx_json, cyclonedx_xml, spdx2_json, spdx2_tagvalue, spdx3_jsonld]
)
def test_the_component_limit_holds_in_every_reader(
    module: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "MAX_SBOM_COMPONENTS", 1)
    files = {
        cyclonedx_json: CDX % b'{"name": "a"}, {"name": "b"}',
        cyclonedx_xml: b"<bom xmlns='http://cyclonedx.org/schema/bom/1.6'><components>"
        b"<component><name>a</name></component><component><name>b</name></component>"
        b"</components></bom>",
        spdx2_json: b'{"spdxVersion": "SPDX-2.3", "packages": [{"SPDXID": "a", "name": "a"},'
        b' {"SPDXID": "b", "name": "b"}]}',
        spdx2_tagvalue: b"SPDXVersion: SPDX-2.3\nPackageName: a\nPackageName: b\nPackageName: c\n",
        spdx3_jsonld: b'{"@graph": [{"type": "software_Package", "spdxId": "a", "name": "a"},'
        b' {"type": "software_Package", "spdxId": "b", "name": "b"}]}',
    }
    with pytest.raises(LimitExceededError) as caught:
        read_sbom(files[module], "many")  # type: ignore[index]
    assert "more than 1 components" in str(caught.value)


def test_xml_nesting_limit_and_nested_metadata_components(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    nested = (
        b"<bom xmlns='http://cyclonedx.org/schema/bom/1.5'><metadata><component type='device'>"
        b"<name>top</name><components><component type='firmware'><name>fw</name>"
        b"</component></components></component></metadata></bom>"
    )
    sbom = read_sbom(nested, "n.xml")
    assert [(c.ref, c.type) for c in sbom.components] == [
        ("$.metadata.component", ComponentType.DEVICE),
        ("$.metadata.component.components[0]", ComponentType.FIRMWARE),
    ]
    monkeypatch.setattr(cyclonedx_xml, "SBOM_FILE", limits.ParseLimits(1, 0, 0))
    with pytest.raises(LimitExceededError) as caught:
        read_sbom(nested, "n.xml")
    assert str(caught.value) == (
        "n.xml: $.metadata.component.components: components nested deeper than 0"
    )


def test_spdx3_supplier_licence_and_identifiers() -> None:
    data = b"""{"@graph": [
      {"type": "CreationInfo", "@id": "_:c", "specVersion": "3.0.1"},
      {"type": "Organization", "spdxId": "org", "name": "ACME"},
      {"type": "simplelicensing_LicenseExpression", "spdxId": "lic",
       "simplelicensing_licenseExpression": "MIT"},
      {"type": "software_Package", "spdxId": "p", "name": "p", "suppliedBy": ["org"],
       "software_primaryPurpose": "firmware",
       "externalIdentifier": [
         {"externalIdentifierType": "packageUrl", "identifier": "pkg:generic/p@1"},
         {"externalIdentifierType": "cpe23", "identifier": "cpe:2.3:o:acme:p:1:*:*:*:*:*:*:*"}],
       "verifiedUsing": [{"algorithm": "sha256", "hashValue": "00"}]},
      {"type": "Relationship", "spdxId": "r", "from": "p", "to": ["lic"],
       "relationshipType": "hasDeclaredLicense"},
      {"type": "SpdxDocument", "spdxId": "d", "rootElement": ["p"]}
    ]}"""
    sbom = read_sbom(data, "s3.json")
    (c,) = sbom.components
    assert (sbom.spec_version, sbom.subject, c.supplier, c.licences, c.type) == (
        "3.0.1", "p", "ACME", ("MIT",), ComponentType.FIRMWARE,
    )  # fmt: skip
    assert (c.purl, c.cpes, c.hashes[0].value) == (
        "pkg:generic/p@1", ("cpe:2.3:o:acme:p:1:*:*:*:*:*:*:*",), "00",
    )  # fmt: skip


def test_reading_a_missing_or_oversized_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SbomError) as caught:
        read_sbom_file(tmp_path / "none.json")
    assert caught.value.lines() == [
        f"{tmp_path / 'none.json'}: $: cannot read: No such file or directory"
    ]
    big = tmp_path / "big.json"
    big.write_bytes(b"{}" * 10)
    monkeypatch.setattr(interface, "SBOM_FILE", limits.ParseLimits(5, 64, 0))
    with pytest.raises(LimitExceededError) as limit:
        read_sbom_file(big)
    assert str(limit.value) == f"{big}: 20 bytes, more than an SBOM may have (5)"


def test_validate_checks_the_size_before_reading_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from prodsec.cli.app import app

    big = tmp_path / "big.json"
    big.write_bytes(b"{}" * 10)
    monkeypatch.setattr(interface, "SBOM_FILE", limits.ParseLimits(5, 64, 0))

    def never(self: Path) -> bytes:
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", never)
    done = CliRunner().invoke(app, ["sbom", "validate", str(big)])
    assert (done.exit_code, done.stdout) == (
        1,
        f"{big}: 1 problem (unread)\n  {big}: limit: 20 bytes, more than an SBOM may have (5)\n",
    )


def test_validate_reports_what_stops_reading() -> None:
    assert [str(i) for i in validate(b"nothing", "a")[1]] == [
        "a: $: not an SBOM: neither CycloneDX, SPDX JSON nor SPDX tag-value"
    ]
    assert [str(i) for i in validate(b'{"bomFormat": "CycloneDX", ', "b")[1]] == [
        "b: $: not JSON: Input data was truncated"
    ]
    assert [
        str(i) for i in validate(b'{"bomFormat": "CycloneDX", "specVersion": "9"}', "c")[1]
    ] == ["c: $.specVersion: '9' is not one of 1.2, 1.3, 1.4, 1.5, 1.6, 1.7"]
    nested = CDX % b'{"type": "device", "name": "a", "components": [{"type": "file", "name": "b"}]}'
    assert validate(nested, "d")[1] == []


def test_validate_reports_a_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cyclonedx_json, "MAX_SBOM_COMPONENTS", 0)
    sbom, issues = validate(CDX % b'{"type": "library", "name": "a"}', "e")
    assert (sbom, [str(i) for i in issues]) == (None, ["e: limit: more than 0 components"])
    monkeypatch.setattr(interface, "SBOM_FILE", limits.ParseLimits(1, 64, 0))
    assert [str(i) for i in validate(b"{}", "f")[1]] == [
        "f: limit: 2 bytes, more than an SBOM may have (1)"
    ]


def test_a_missing_schema_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "_PACKAGE", "prodsec.no_such_package")
    with pytest.raises(UnavailableError) as caught:
        schema._schema_text("bom-1.6.SNAPSHOT.schema.json")
    assert str(caught.value).startswith("the CycloneDX schema bom-1.6.SNAPSHOT.schema.json is not")


def test_diff_pairs_versions_of_one_component_in_order() -> None:
    before = read_sbom(
        CDX % b'{"name": "a", "version": "1", "purl": "pkg:npm/a@1"},'
        b' {"name": "a", "version": "2", "purl": "pkg:npm/a@2"},'
        b' {"name": "a", "version": "3", "purl": "pkg:npm/a@3"}',
        "before",
    )
    after = read_sbom(
        CDX % b'{"name": "a", "version": "3", "purl": "pkg:npm/a@3"},'
        b' {"name": "a", "version": "4", "purl": "pkg:npm/a@4"}',
        "after",
    )
    d = diff_sboms(before, after)
    assert [(u.before.version, u.after.version) for u in d.upgraded] == [("1", "4")]
    assert [c.version for c in d.removed] == ["2"]
    assert (d.added, d.unchanged) == ((), 1)
    assert before.format is SbomFormat.CYCLONEDX_JSON
