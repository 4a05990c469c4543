"""Hostile SBOMs met from the outside: JSON nested past what a decoder follows, XML nested
past what the schema check parses, empty and UTF-16 files, limits in `validate`. Each is
one located line, never a traceback."""

from __future__ import annotations

import pytest

from prodsec.errors import LimitExceededError
from prodsec.supplychain.sbom import SbomError, read_sbom
from prodsec.supplychain.sbom.validate import validate

DEEP = 3000


def _nested(head: str, tail: str = "}") -> bytes:
    return (head + "[" * DEEP + "]" * DEEP + tail).encode()


NESTED = {
    "cyclonedx-unknown-member": _nested('{"bomFormat": "CycloneDX", "specVersion": "1.6", "x": '),
    "cyclonedx-metadata": _nested(
        '{"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"x": ', "}}"
    ),
    "spdx2": _nested('{"spdxVersion": "SPDX-2.3", "x": '),
    "spdx3": _nested('{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": '),
}


@pytest.mark.parametrize("name", sorted(NESTED))
def test_json_nested_past_the_decoder_is_a_limit_not_a_crash(name: str) -> None:
    with pytest.raises(LimitExceededError) as caught:
        read_sbom(NESTED[name], "deep.json")
    assert str(caught.value) == "deep.json: $: nested deeper than 64 levels"
    assert caught.value.limit == "depth"
    sbom, issues = validate(NESTED[name], "deep.json")
    assert sbom is None
    assert [str(i) for i in issues] == ["deep.json: $: nested deeper than 64 levels"]


def test_nested_components_typed_past_the_decoder_are_a_limit() -> None:
    opening = '{"type": "library", "name": "a", "components": ['
    data = '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": ['
    data += opening * DEEP + "]}" * DEEP + "]}"
    with pytest.raises(LimitExceededError) as caught:
        read_sbom(data.encode(), "deep.json")
    assert str(caught.value) == "deep.json: $: nested deeper than 64 levels"


def _deep_xml(levels: int) -> bytes:
    opening = '<component type="library"><name>a</name><components>'
    return (
        '<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1"><components>'
        + opening * levels
        + "</components></component>" * levels
        + "</components></bom>"
    ).encode()


def test_xml_components_past_the_limit_name_the_file() -> None:
    with pytest.raises(LimitExceededError) as caught:
        read_sbom(_deep_xml(70), "deep.xml")
    text = str(caught.value)
    assert text.startswith("deep.xml: $.components[0].components[0].components[0]")
    assert text.endswith(".components: components nested deeper than 64")


def test_validate_of_xml_past_the_schema_parser_depth_is_one_problem() -> None:
    sbom, issues = validate(_deep_xml(300), "deep.xml")
    assert sbom is None
    assert [str(i) for i in issues] == [
        "deep.xml:1: /: refused: elements nested deeper than 256 levels"
    ]


def test_validate_reports_a_limit_at_its_line_once() -> None:
    data = b"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\n"
    data += b"DocumentComment: " + b"x" * (70 * 1024) + b"\n"
    sbom, issues = validate(data, "long.spdx")
    assert sbom is None
    assert [str(i) for i in issues] == ["long.spdx:4: limit: a line over 65536 characters"]


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"", "e.json: $: not an SBOM: the file is empty"),
        (b" \r\n\t\n", "e.json: $: not an SBOM: only blanks"),
        ('{"bomFormat": "CycloneDX"}'.encode("utf-16"),
         "e.json: $: not an SBOM: UTF-16 or UTF-32 text; SBOMs are read as UTF-8"),
        ("SPDXVersion: SPDX-2.3\n".encode("utf-16-le"),
         "e.json: $: not an SBOM: UTF-16 or UTF-32 text; SBOMs are read as UTF-8"),
    ],
)  # fmt: skip
def test_empty_and_utf16_files_say_what_they_are(data: bytes, line: str) -> None:
    with pytest.raises(SbomError) as caught:
        read_sbom(data, "e.json")
    assert caught.value.lines() == [line]
