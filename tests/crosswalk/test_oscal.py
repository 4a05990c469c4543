"""OSCAL exports validate against NIST's OSCAL 1.2.3 JSON Schemas."""

from __future__ import annotations

from typing import Any

from prodsec.catalog import Catalog
from prodsec.crosswalk.derive import crosswalk
from prodsec.crosswalk.oscal import catalog_document, mapping_document


def problems(validator: Any, document: dict[str, Any]) -> list[str]:
    return [f"{list(e.instance_path)}: {e.message[:120]}" for e in validator.iter_errors(document)]


def test_every_instrument_exports_as_a_valid_catalog(
    catalog: Catalog, oscal: dict[str, Any]
) -> None:
    found = {
        key: problems(oscal["catalog"], catalog_document(inst))
        for key, inst in sorted(catalog.instruments.items())
    }
    assert {k: v for k, v in found.items() if v} == {}
    assert len(found) == 67


def test_the_catalog_keeps_refs_status_and_nesting(catalog: Catalog) -> None:
    doc = catalog_document(catalog.instrument("etsi-en-303-645@2.1.1"))["catalog"]
    assert doc["metadata"]["version"] == "2.1.1"
    assert doc["metadata"]["oscal-version"] == "1.2.3"
    [group] = [g for g in doc["groups"] if g["id"] == "sec-5"]
    [passwords] = [g for g in group["groups"] if g["id"] == "sec-5.1"]
    first = passwords["controls"][0]
    assert first["id"] == "req-5.1-1"
    assert first["props"][:2] == [
        {"name": "label", "value": "5.1-1"},
        {"name": "status", "ns": "urn:prodsec:oscal", "value": "M C (1)"},
    ]
    assert first["parts"][0]["name"] == "statement"
    # the same data exports to the same document
    again = catalog_document(catalog.instrument("etsi-en-303-645@2.1.1"))["catalog"]
    assert again == doc


def test_a_section_with_requirements_and_sub_sections_keeps_both(catalog: Catalog) -> None:
    doc = catalog_document(catalog.instrument("br-anatel-77@2021"))["catalog"]
    [duties] = [g for g in doc["groups"] if g["id"] == "sec-6.1"]
    assert "controls" not in duties
    own, page = duties["groups"]
    assert (own["id"], own["class"], own["title"], own["props"]) == (
        "own-6.1",
        "own-requirements",
        "Supplier duties",
        [{"name": "label", "value": "6.1"}],
    )
    assert [c["id"] for c in own["controls"]] == [
        "req-6.1.1",
        "req-6.1.2",
        "req-6.1.3",
        "req-6.1.4",
        "req-6.1.5",
        "req-6.1.6",
    ]
    assert (page["id"], [c["id"] for c in page["controls"]]) == (
        "sec-6.1.7",
        ["req-6.1.7a", "req-6.1.7b", "req-6.1.7c", "req-6.1.7d"],
    )
    order = catalog_document(catalog.instrument("us-eo-14028@2021"))["catalog"]
    [four] = order["groups"]
    own, practices = four["groups"]
    assert (own["id"], len(own["controls"]), own["controls"][0]["id"]) == ("own-4", 15, "req-4_b_")
    assert (practices["id"], practices["controls"][0]["id"]) == (
        "sec-4_e__i_-_x_",
        "req-4_e__i__A_",
    )


def test_refs_that_are_not_xml_names_become_tokens(catalog: Catalog) -> None:
    doc = catalog_document(catalog.instrument("us-fcc-ctm@2024"))["catalog"]
    [registry] = [g for g in doc["groups"] if g["id"] == "sec-8.222_b_"]
    assert [c["id"] for c in registry["controls"]][:2] == ["req-8.222_b__1-5_", "req-8.222_b__6_"]
    assert registry["controls"][0]["props"][0] == {"name": "label", "value": "8.222(b)(1-5)"}


def test_every_crosswalk_exports_as_a_valid_mapping_collection(
    catalog: Catalog, oscal: dict[str, Any]
) -> None:
    keys = sorted(catalog.instruments)
    bad = {}
    for a in keys:
        for b in keys:
            if a != b:
                doc = mapping_document(
                    crosswalk(catalog, catalog.instruments[a], catalog.instruments[b])
                )
                found = problems(oscal["mapping-collection"], doc)
                if found:
                    bad[(a, b)] = found
    assert bad == {}


def test_the_psti_crosswalk_in_oscal(catalog: Catalog) -> None:
    x = crosswalk(
        catalog,
        catalog.instrument("uk-psti@2025-12-04"),
        catalog.instrument("etsi-en-303-645@2.1.1"),
    )
    collection = mapping_document(x)["mapping-collection"]
    assert collection["provenance"]["method"] == "hybrid"
    [mapping] = collection["mappings"]
    first = mapping["maps"][0]
    assert (first["relationship"], first["sources"], first["targets"]) == (
        "equivalent-to",
        [{"type": "control", "id-ref": "req-Sch1-1"}],
        [{"type": "control", "id-ref": "req-5.1-1"}],
    )
    assert first["confidence-score"] == {"category": "high"}
    assert {"name": "derived", "ns": "urn:prodsec:oscal", "value": "false"} in first["props"]
    gaps = mapping["target-gap-summary"]["unmapped-controls"][0]["with-ids"]
    assert (len(gaps), gaps[0]) == (63, "req-4-1")
