"""UK PSTI as made: Schedule 1, and Schedule 2 deemed compliance as official direct edges."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from prodsec.catalog import Catalog, CatalogError, compile_catalog

Editor = Callable[[Path, str, str], None]


def test_schedule_one_and_its_facts(catalog: Catalog) -> None:
    psti = catalog.instrument("uk-psti@2024-04-29")
    assert (psti.bindingness, psti.jurisdictions) == ("mandatory", ("GB",))
    assert [r.ref for r in psti.requirements] == [
        "Sch1-1",
        "Sch1-2",
        "Sch1-3",
        "Sch4-1",
        "Duties-1",
        "Duties-2",
    ]
    assert [(d.kind.value, d.date.isoformat()) for d in psti.dates] == [
        ("in-force", "2024-04-29"),
        ("applies", "2024-04-29"),
    ]
    assert [(e.category, e.when, e.markets) for e in psti.scope.exclusions] == [
        ("connectable-product", ("windsor-annex-2-goods",), ("GB-NIR",)),
        ("ev-charger", ("smart-charge-points-regulated",), ()),
        ("medical-device", (), ()),
        ("smart-meter", ("cpa-assured-licensee-meter",), ()),
        ("industrial-device", (), ()),
        ("desktop", ("!designed-for-children",), ()),
        ("laptop", ("!designed-for-children",), ()),
        ("tablet", ("!cellular", "!designed-for-children"), ()),
    ]


def test_amended_editions_chain_and_add_vehicles_then_label_routes(catalog: Catalog) -> None:
    assert catalog.instrument("uk-psti").key == "uk-psti@2025-12-04"
    chain = [(i.edition, i.previous_edition) for i in catalog.editions("uk-psti")]
    assert chain == [
        ("2024-04-29", None),
        ("2025-02-25", "2024-04-29"),
        ("2025-12-04", "2025-02-25"),
    ]
    second = catalog.instrument("uk-psti@2025-02-25")
    [vehicles] = [e for e in second.scope.exclusions if e.category == "vehicle"]
    assert vehicles.markets == ("GB",)
    third = catalog.instrument("uk-psti@2025-12-04")
    assert [r.id for r in third.conformity_routes] == [
        "statement-of-compliance",
        "schedule-2-standards",
        "jc-star-star-1-label",
        "sg-cls-label",
    ]
    assert [r.ref for r in third.requirements if r.ref not in {"Sch1-1", "Sch1-2", "Sch1-3"}] == [
        "Sch4-1",
        "Reg4A",
        "Duties-1",
        "Duties-2",
    ]


def test_schedule_two_edges_are_official_and_direct(catalog: Catalog) -> None:
    edges = [
        (m.ref, m.requirement, m.relationship.value)
        for m in catalog.mapping_sets["uk-psti@2024-04-29"].mappings
        if m.requirement is not None and m.provenance == "official-text"
    ]
    assert edges == [
        ("Sch1-1", "etsi-en-303-645@2.1.1:5.1-1", "equal"),
        ("Sch1-1", "etsi-en-303-645@2.1.1:5.1-2", "intersects-with"),
        ("Sch1-2", "etsi-en-303-645@2.1.1:5.2-1", "equal"),
        ("Sch1-3", "etsi-en-303-645@2.1.1:5.3-13", "equal"),
    ]
    seen_from_standard = [
        mr.requirement for mr in catalog.mapped_to("etsi-en-303-645@2.1.1:5.3-13")
    ]
    # the Finnish label takes the provision as it stands; OECD 0481's end-of-life
    # principle is put into practice by it
    assert seen_from_standard == [
        "fi-traficom-label@2019:5.3-13",
        "oecd-0481@2022:P4",
        "uk-psti@2024-04-29:Sch1-3",
        "uk-psti@2025-02-25:Sch1-3",
        "uk-psti@2025-12-04:Sch1-3",
    ]


def test_reporting_binds_the_language_parameter(catalog: Catalog) -> None:
    [m] = [m for m in catalog.mappings_of("uk-psti@2024-04-29:Sch1-2") if m.block]
    assert (m.block, m.bindings) == ("vulnerability-disclosure-policy", {"language": "English"})


def test_an_edge_to_a_missing_requirement_is_an_error(data_copy: Path, edit: Editor) -> None:
    edit(
        data_copy / "mappings/uk-psti@2024-04-29.yaml",
        '"etsi-en-303-645@2.1.1:5.3-13"',
        '"etsi-en-303-645@2.1.1:5.3-31"',
    )
    with pytest.raises(CatalogError) as caught:
        compile_catalog(data_copy)
    [issue] = caught.value.issues
    assert (issue.line, issue.field, issue.message) == (
        21,
        "mappings[Sch1-3].requirement",
        "unknown requirement 'etsi-en-303-645@2.1.1:5.3-31'",
    )
