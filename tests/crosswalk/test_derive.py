"""Derived relations through the hub: the algebra, direct mappings first, honest paths."""

from __future__ import annotations

import pytest

from prodsec.catalog import Catalog
from prodsec.catalog.vocab import Relationship
from prodsec.crosswalk.derive import compose, crosswalk

R = Relationship


@pytest.mark.parametrize(
    ("a_to_block", "b_to_block", "expected"),
    [
        (R.EQUAL, R.EQUAL, R.EQUAL),
        # B superset-of block means the block is a subset of B
        (R.EQUAL, R.SUPERSET_OF, R.SUBSET_OF),
        (R.EQUAL, R.SUBSET_OF, R.SUPERSET_OF),
        (R.SUBSET_OF, R.EQUAL, R.SUBSET_OF),
        (R.SUBSET_OF, R.SUPERSET_OF, R.SUBSET_OF),
        (R.SUPERSET_OF, R.SUBSET_OF, R.SUPERSET_OF),
        (R.SUPERSET_OF, R.EQUAL, R.SUPERSET_OF),
        # both hold the block: they intersect
        (R.SUPERSET_OF, R.SUPERSET_OF, R.INTERSECTS_WITH),
        # both inside the block: set theory says nothing
        (R.SUBSET_OF, R.SUBSET_OF, None),
        (R.INTERSECTS_WITH, R.EQUAL, R.INTERSECTS_WITH),
        (R.SUBSET_OF, R.INTERSECTS_WITH, R.INTERSECTS_WITH),
        (R.NO_RELATIONSHIP, R.EQUAL, None),
        (R.EQUAL, R.NO_RELATIONSHIP, None),
    ],
)
def test_composition_follows_set_theory(a_to_block: R, b_to_block: R, expected: R | None) -> None:
    assert compose(a_to_block, b_to_block) == expected


def test_psti_schedule_2_edges_are_direct_and_win(catalog: Catalog) -> None:
    x = crosswalk(
        catalog,
        catalog.instrument("uk-psti@2025-12-04"),
        catalog.instrument("etsi-en-303-645@2.1.1"),
    )
    rows = [
        (
            r.source.split(":")[1],
            r.relationship.value,
            r.target.split(":")[1],
            r.derived,
            r.provenance,
            None if r.alternative is None else r.alternative.value,
        )
        for r in x.relations
    ]
    assert rows == [
        ("Sch1-1", "equal", "5.1-1", False, "official-text", "superset-of"),
        ("Sch1-1", "intersects-with", "5.1-2", False, "official-text", "superset-of"),
        ("Sch1-2", "equal", "5.2-1", False, "official-text", "equal"),
        ("Sch1-3", "equal", "5.3-13", False, "official-text", "equal"),
        ("Sch1-3", "intersects-with", "5.3-14", True, "derived", None),
    ]
    assert x.relations[0].confidence == "verified"
    assert len(x.uncovered) == 63


def test_derived_relation_has_its_path_and_weakest_confidence(catalog: Catalog) -> None:
    x = crosswalk(
        catalog, catalog.instrument("etsi-en-303-645@2.1.1"), catalog.instrument("uk-cop-iot@2018")
    )
    [first] = x.of("etsi-en-303-645@2.1.1:5.1-1")
    assert (first.relationship, first.derived, first.path, first.confidence) == (
        R.EQUAL,
        True,
        (
            "etsi-en-303-645@2.1.1:5.1-1",
            "no-universal-default-passwords",
            "uk-cop-iot@2018:1",
        ),
        "secondary",
    )
    # a provision mapped to two blocks the guideline shares lists both
    [both] = x.of("etsi-en-303-645@2.1.1:5.3-14")
    # (and, through the refinement the guideline names, the support period at purchase)
    assert both.via == (
        "non-updatable-device-handling",
        "published-support-period",
        "published-support-period -> support-period-at-purchase",
    )
    assert both.path[1:-1] == ("non-updatable-device-handling",)
    assert both.note == ""
    # the Code's guideline on validating input is reached; nothing of it is left out
    assert x.uncovered == ()


def test_no_chain_runs_through_another_instrument(catalog: Catalog) -> None:
    """The Finnish label points at EN 303 645 V2.1.1 and PSTI does too, but PSTI -> label
    relations come only through blocks, never label -> EN -> PSTI."""
    x = crosswalk(
        catalog, catalog.instrument("uk-psti@2025-12-04"), catalog.instrument("fi-traficom-label")
    )
    assert all(r.derived and len(r.path) == 3 for r in x.relations)
    assert [(r.source.split(":")[1], r.target.split(":")[1]) for r in x.relations] == [
        ("Sch1-1", "5.1-1"),
        ("Sch1-2", "5.2-1"),
        ("Sch1-3", "5.3-13"),
    ]


def test_nist_8259a_to_en_303_645_reads_sensibly(catalog: Catalog) -> None:
    x = crosswalk(
        catalog,
        catalog.instrument("us-nist-ir-8259a@2020"),
        catalog.instrument("etsi-en-303-645@3.1.3"),
    )
    verify = [
        (r.relationship.value, r.target.split(":")[1], r.path[1:-1])
        for r in x.of("us-nist-ir-8259a@2020:5.2")
    ]
    # "each update is verified and authenticated" meets EN 303 645's checks of updates,
    # and through the refinement it is a part of "all software can be updated securely"
    assert verify == [
        ("subset-of", "5.3-1", ("update-verification", "secure-update-mechanism")),
        ("superset-of", "5.3-9", ("update-verification",)),
        ("superset-of", "5.3-10", ("update-verification",)),
    ]
    lockout = [
        (r.relationship.value, r.target.split(":")[1]) for r in x.of("us-nist-ir-8259a@2020:4.3")
    ]
    assert lockout == [("intersects-with", "5.1-5")]
