"""The XSD check of CycloneDX XML keeps the reader's safety: a DTD or an external entity
is refused before lxml sees the document, and lxml's own parser would neither expand an
entity nor fetch anything."""

from __future__ import annotations

from pathlib import Path

from prodsec.supplychain.sbom.validate import validate
from prodsec.supplychain.sbom.xsd import _parser, xml_schema_issues


def _with_entity(target: Path) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x SYSTEM "{target.as_uri()}">]>'
        "<bom xmlns='http://cyclonedx.org/schema/bom/1.6'><components>"
        "<component type='library'><name>&x;</name></component></components></bom>"
    ).encode()


REFUSED = (
    "/: refused: a document type declaration (DTD); DTDs, entities and external references "
    "are not read"
)


def test_an_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    data = _with_entity(secret)
    assert [f"{i.field}: {i.message}" for i in xml_schema_issues(data, "e.xml")] == [REFUSED]
    sbom, issues = validate(data, "e.xml")
    assert (sbom, [f"{i.field}: {i.message}" for i in issues]) == (None, [REFUSED])


def test_lxml_alone_would_not_expand_it_either(tmp_path: Path) -> None:
    from lxml import etree  # type: ignore[import-untyped]

    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    root = etree.fromstring(_with_entity(secret), _parser())
    assert b"SECRET" not in etree.tostring(root)


def test_a_valid_bom_passes_and_a_wrong_one_is_located() -> None:
    good = (
        b"<bom xmlns='http://cyclonedx.org/schema/bom/1.6' version='1'><components>"
        b"<component type='library'><name>zlib</name><version>1.3</version></component>"
        b"</components></bom>"
    )
    assert xml_schema_issues(good, "g.xml") == []
    bad = good.replace(b"<name>zlib</name>", b"<nom>zlib</nom>")
    assert [(i.line, i.field) for i in xml_schema_issues(bad, "b.xml")] == [
        (1, "/bom/components/component/nom")
    ]
