"""The SBOM readers on the files of tests/assets/sbom (written for these tests): the same
camera in every format gives the same components, bad input a located error, and the
limits hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodsec.errors import LimitExceededError
from prodsec.supplychain.sbom import (
    Component,
    ComponentType,
    Hash,
    SbomError,
    SbomFormat,
    read_sbom,
    read_sbom_file,
)
from prodsec.supplychain.sbom.diff import diff_sboms
from prodsec.supplychain.sbom.interface import ComponentRef as R
from prodsec.supplychain.sbom.purl import canonical_purl, normalise_purl
from prodsec.supplychain.sbom.validate import validate

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "sbom"
FW_HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

CAMERA_1_0 = (
    Component(
        R("camera"), "Example smart camera", "1.0", ComponentType.DEVICE,
        supplier="Example Cameras Ltd",
    ),
    Component(
        R("fw"), "camera-firmware", "1.0.4", ComponentType.FIRMWARE,
        hashes=(Hash("SHA-256", FW_HASH),),
    ),
    Component(
        R("rtos"), "FreeRTOS", "10.0.1", ComponentType.OPERATING_SYSTEM,
        cpes=("cpe:2.3:o:amazon:freertos:10.0.1:*:*:*:*:*:*:*",), licences=("MIT",),
    ),
    Component(
        R("tls"), "wolfssl", "4.8.1", ComponentType.LIBRARY,
        purl="pkg:GITHUB/wolfSSL/wolfssl@v4.8.1",
        cpes=("cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*",), licences=("GPL-2.0-or-later",),
    ),
    Component(R("$.components[2]"), "zlib", "1.2.11", purl="pkg:generic/zlib@1.2.11"),
)  # fmt: skip


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("camera-1.0.cdx.json", SbomFormat.CYCLONEDX_JSON),
        ("camera-1.0.cdx.xml", SbomFormat.CYCLONEDX_XML),
    ],
)
def test_cyclonedx_json_and_xml_give_the_same_camera(name: str, fmt: SbomFormat) -> None:
    sbom = read_sbom_file(ASSETS / name)
    assert (sbom.format, sbom.spec_version, sbom.subject) == (fmt, "1.6", "camera")
    assert sbom.components == CAMERA_1_0
    assert sbom.dependencies == (("camera", ("fw",)), ("fw", ("rtos", "tls")))


def test_spdx_tag_value_reads_packages_relationships_and_text_blocks() -> None:
    sbom = read_sbom_file(ASSETS / "camera-1.1.spdx")
    assert (sbom.format, sbom.spec_version, sbom.subject) == (
        SbomFormat.SPDX2_TAG_VALUE, "2.3", "SPDXRef-camera",
    )  # fmt: skip
    assert [(c.ref, c.name, c.version, c.type.value) for c in sbom.components] == [
        ("SPDXRef-camera", "Example smart camera", "1.1", "device"),
        ("SPDXRef-fw", "camera-firmware", "1.1.0", "firmware"),
        ("SPDXRef-rtos", "FreeRTOS", "10.4.3", "operating-system"),
        ("SPDXRef-tls", "wolfssl", "5.6.6", "library"),
        ("SPDXRef-mbedtls", "mbedtls", "3.5.2", "library"),
    ]
    assert sbom.components[0].supplier == "Example Cameras Ltd"
    assert sbom.components[1].hashes == (
        Hash("SHA256", "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"),
    )
    assert sbom.components[2].cpes == ("cpe:2.3:o:amazon:freertos:10.4.3:*:*:*:*:*:*:*",)
    assert sbom.components[2].licences == ("MIT",)
    assert sbom.components[3].purl == "pkg:github/wolfssl/wolfssl@v5.6.6"
    assert sbom.dependencies == (
        ("SPDXRef-camera", ("SPDXRef-fw",)),
        ("SPDXRef-fw", ("SPDXRef-rtos", "SPDXRef-tls", "SPDXRef-mbedtls")),
    )


def test_diff_between_two_versions_of_the_camera() -> None:
    before = read_sbom_file(ASSETS / "camera-1.0.cdx.json")
    after = read_sbom_file(ASSETS / "camera-1.1.spdx")
    d = diff_sboms(before, after)
    assert [c.name for c in d.added] == ["mbedtls"]
    assert [c.name for c in d.removed] == ["zlib"]
    assert [(u.after.name, u.before.version, u.after.version) for u in d.upgraded] == [
        ("Example smart camera", "1.0", "1.1"),
        ("camera-firmware", "1.0.4", "1.1.0"),
        ("FreeRTOS", "10.0.1", "10.4.3"),
        ("wolfssl", "4.8.1", "5.6.6"),  # the purls match once both are canonical
    ]
    assert d.unchanged == 0


def test_purls_are_put_in_canonical_form() -> None:
    assert (
        canonical_purl("pkg:GITHUB/wolfSSL/wolfssl@v4.8.1") == "pkg:github/wolfssl/wolfssl@v4.8.1"
    )
    assert canonical_purl("not a purl") is None
    assert normalise_purl("not a purl") == "not a purl"


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": 7}]}',
         "x.json: $.components[0].name: Expected `str`, got `int`"),
        (b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library"}]}',
         "x.json: $.components[0]: Object missing required field `name`"),
        (b'{"bomFormat": "SWID", "specVersion": "1.6"}',
         "x.json: $.bomFormat: 'SWID' is not 'CycloneDX'"),
        (b'{"spdxVersion": "SPDX-2.3", "packages": [{"SPDXID": "a"}]}',
         "x.json: $.packages[0]: Object missing required field `name`"),
        (b'{"@graph": [1]}', "x.json: $.@graph[0]: an element is an object with a 'type'"),
        (b"SPDXVersion: SPDX-2.3\nPackageName: a\nthis line has no tag\n",
         "x.json:3: tag: not 'Tag: value': 'this line has no tag'"),
        (b"SPDXVersion: SPDX-2.3\n\nRelationship: a DEPENDS_ON\n",
         "x.json:3: Relationship: not 'A TYPE B': 'a DEPENDS_ON'"),
        (b"SPDXVersion: SPDX-2.3\nPackageName: a\nPackageChecksum: 00ff\n",
         "x.json:3: PackageChecksum: not 'ALGORITHM: value': '00ff'"),
        (b"SPDXVersion: SPDX-2.3\nPackageComment: <text>open\n",
         "x.json:2: PackageComment: <text> without </text>"),
        (b"<bom xmlns='http://cyclonedx.org/schema/bom/1.6'><components>",
         "x.json:1: /: not well-formed XML: no element found: line 1, column 61"),
        (b"<not-a-bom/>", "x.json: /: the root element is 'not-a-bom', not a CycloneDX bom"),
        (b"hello", "x.json: $: not an SBOM: neither CycloneDX, SPDX JSON nor SPDX tag-value"),
    ],
)  # fmt: skip
def test_bad_input_is_located(data: bytes, line: str) -> None:
    with pytest.raises(SbomError) as caught:
        read_sbom(data, "x.json")
    assert caught.value.lines() == [line]


def test_xml_entities_and_doctypes_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<bom xmlns='http://cyclonedx.org/schema/bom/1.6'><components><component>"
        b"<name>&b;</name></component></components></bom>"
    )
    with pytest.raises(SbomError) as caught:
        read_sbom(bomb, "bomb.xml")
    assert caught.value.lines() == [
        "bomb.xml: /: refused: a document type declaration (DTD); DTDs, entities and "
        "external references are not read"
    ]


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    inner = '{"name": "leaf"}'
    for _ in range(70):
        inner = '{"name": "n", "components": [' + inner + "]}"
    data = '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [' + inner + "]}"
    with pytest.raises(LimitExceededError) as caught:
        read_sbom(data.encode(), "deep.json")
    assert str(caught.value).startswith("deep.json: $.components[0]")
    assert str(caught.value).endswith(": components nested deeper than 64")


def test_an_sbom_over_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from prodsec.catalog import limits
    from prodsec.supplychain.sbom import interface

    monkeypatch.setattr(interface, "SBOM_FILE", limits.ParseLimits(100, 64, 0))
    with pytest.raises(LimitExceededError) as caught:
        read_sbom(b" " * 101, "big.json")
    assert str(caught.value) == "big.json: 101 bytes, more than an SBOM may have (100)"


def test_validate_reports_schema_faults_by_json_path_and_bad_purls() -> None:
    data = (
        b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": '
        b'[{"type": "gadget", "name": "a", "purl": "no-purl"}]}'
    )
    sbom, issues = validate(data, "v.json")
    assert sbom is not None
    assert [str(i) for i in issues] == [
        'v.json: $.components[0].type: "gadget" is not one of "application", "framework" or '
        "11 other candidates",
        "v.json: component $.components[0]: not a valid purl: no-purl",
    ]
    assert validate((ASSETS / "camera-1.0.cdx.json").read_bytes(), "ok.json")[1] == []
