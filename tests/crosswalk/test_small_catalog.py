"""Derived relations and the harmonisation measures on the small catalog written for the
tests (tests/assets/catalog/), so that the arithmetic is pinned by data that only changes
with the tests: three instruments over five blocks, whose sets are worked out by hand in
the comments below."""

from __future__ import annotations

import datetime as dt

import pytest

from prodsec.catalog import Catalog
from prodsec.catalog.vocab import Bindingness
from prodsec.crosswalk.derive import crosswalk
from prodsec.crosswalk.measures import (
    Counted,
    Selection,
    common_core,
    coverage,
    overlap,
    select,
    spread,
    timeline,
    uncovered,
)

# The blocks each instrument requires (latest editions), fully (=, ⊇) or partly (⊂, ∩):
#   xa-law@2    unique-passwords, reporting-contact, support-period, signed-updates
#   xb-label@1  unique-passwords, reporting-contact, signed-updates, sbom
#   xx-std@1    unique-passwords, sbom; partly reporting-contact, signed-updates; and
#               support-period, but only through S3, which is a `should`


def test_the_small_catalog_loads_whole(small_catalog: Catalog) -> None:
    assert sorted(small_catalog.instruments) == ["xa-law@1", "xa-law@2", "xb-label@1", "xx-std@1"]
    assert list(small_catalog.blocks) == [
        "unique-passwords",
        "reporting-contact",
        "support-period",
        "signed-updates",
        "sbom",
    ]
    assert [e.id for e in small_catalog.recognitions] == ["xx-s1-deems-r1"]


def test_a_direct_mapping_wins_and_the_rest_is_derived_through_one_block(
    small_catalog: Catalog,
) -> None:
    x = crosswalk(
        small_catalog, small_catalog.instrument("xa-law@1"), small_catalog.instrument("xx-std@1")
    )
    rows = [
        (
            r.source,
            r.relationship.value,
            r.target,
            r.derived,
            r.path,
            r.confidence.value,
            r.provenance,
            None if r.alternative is None else r.alternative.value,
        )
        for r in x.relations
    ]
    assert rows == [
        # the official text says subset-of; the hub alone would have said equal
        (
            "xa-law@1:R1",
            "subset-of",
            "xx-std@1:S1",
            False,
            ("xa-law@1:R1", "xx-std@1:S1"),
            "verified",
            "official-text",
            "equal",
        ),
        # R2 = block, S2 ⊂ block: R2 ⊇ S2, as sure as the weaker (secondary) mapping
        (
            "xa-law@1:R2",
            "superset-of",
            "xx-std@1:S2",
            True,
            ("xa-law@1:R2", "reporting-contact", "xx-std@1:S2"),
            "secondary",
            "derived",
            None,
        ),
        # R3 = block, S3 ⊇ block: R3 ⊂ S3
        (
            "xa-law@1:R3",
            "subset-of",
            "xx-std@1:S3",
            True,
            ("xa-law@1:R3", "support-period", "xx-std@1:S3"),
            "verified",
            "derived",
            None,
        ),
        # an intersection anywhere on the path stays an intersection, never "equal"
        (
            "xa-law@1:R4",
            "intersects-with",
            "xx-std@1:S4",
            True,
            ("xa-law@1:R4", "signed-updates", "xx-std@1:S4"),
            "verified",
            "derived",
            None,
        ),
    ]
    # the law asks for no SBOM, so nothing relates to S5
    assert x.uncovered == ("xx-std@1:S5",)


def test_the_reverse_crosswalk_inverts_the_direct_mapping(small_catalog: Catalog) -> None:
    x = crosswalk(
        small_catalog, small_catalog.instrument("xx-std@1"), small_catalog.instrument("xa-law@1")
    )
    assert [(r.source, r.relationship.value, r.target, r.derived) for r in x.relations] == [
        ("xx-std@1:S1", "superset-of", "xa-law@1:R1", False),
        ("xx-std@1:S2", "subset-of", "xa-law@1:R2", True),
        ("xx-std@1:S3", "superset-of", "xa-law@1:R3", True),
        ("xx-std@1:S4", "intersects-with", "xa-law@1:R4", True),
    ]
    assert x.uncovered == ()


def test_coverage_counts_full_and_partial_blocks_over_the_hub(small_catalog: Catalog) -> None:
    rows = [
        (r.instrument.key, r.full, r.partial, r.total, r.full_share, r.any_share)
        for r in coverage(small_catalog, Selection())
    ]
    assert rows == [
        ("xa-law@2", 4, 0, 5, 0.8, 0.8),
        ("xb-label@1", 4, 0, 5, 0.8, 0.8),
        ("xx-std@1", 3, 2, 5, 0.6, 1.0),
    ]


def test_overlap_is_jaccard_on_all_and_on_mandatory_requirements(small_catalog: Catalog) -> None:
    o = overlap(small_catalog, Selection())
    assert [i.key for i in o.instruments] == ["xa-law@2", "xb-label@1", "xx-std@1"]
    # law and label share 3 of 5 blocks; the standard holds 4 of each one's 5
    assert o.all == ((1.0, 0.6, 0.8), (0.6, 1.0, 0.8), (0.8, 0.8, 1.0))
    # without its `should` S3, the standard requires exactly the label's four blocks
    assert o.mandatory == ((1.0, 0.6, 0.6), (0.6, 1.0, 1.0), (0.6, 1.0, 1.0))


def test_common_core_and_what_no_mandatory_regime_covers(small_catalog: Catalog) -> None:
    insts, core = common_core(small_catalog, Selection())
    assert [i.key for i in insts] == ["xa-law@2", "xb-label@1", "xx-std@1"]
    assert core == ["unique-passwords", "reporting-contact", "signed-updates"]
    mandatory = Selection(bindingness=(Bindingness.MANDATORY,), requirements=Counted.MANDATORY)
    insts, left = uncovered(small_catalog, mandatory)
    assert ([i.key for i in insts], left) == (["xa-law@2"], ["sbom"])


def test_spread_takes_the_strictest_value_in_the_block_s_direction(
    small_catalog: Catalog,
) -> None:
    answer = spread(small_catalog, Selection(), "answer_days")  # lower asks more
    assert [(s.instrument.key, s.value, s.unit, s.ref) for s in answer.settings] == [
        ("xa-law@2", 30, "days", "R2"),
        ("xb-label@1", 7, "days", "L2"),
        ("xx-std@1", 14, "days", "S2"),
    ]
    assert (answer.silent, answer.strictest, answer.blocks) == ((), 7, ("reporting-contact",))
    support = spread(small_catalog, Selection(), "min_years")  # higher asks more
    assert [(s.instrument.key, s.value) for s in support.settings] == [("xa-law@2", 5)]
    assert [i.key for i in support.silent] == ["xb-label@1", "xx-std@1"]
    assert support.strictest == 5


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2023-06-01", ["xx-std@1"]),
        # the law's first edition counts from its first `applies` date (R2's)
        ("2024-08-31", ["xb-label@1", "xx-std@1"]),
        ("2024-09-01", ["xa-law@1", "xb-label@1", "xx-std@1"]),
        ("2026-12-31", ["xa-law@1", "xb-label@1", "xx-std@1"]),
        # the second edition takes over on its own first day
        ("2027-01-01", ["xa-law@2", "xb-label@1", "xx-std@1"]),
    ],
)
def test_select_on_a_day_takes_the_edition_in_effect(
    small_catalog: Catalog, on: str, expected: list[str]
) -> None:
    found = select(small_catalog, Selection(on=dt.date.fromisoformat(on)))
    assert [i.key for i in found] == expected


def test_timeline_lists_every_edition_s_dates_per_jurisdiction(small_catalog: Catalog) -> None:
    rows = [
        (m.day.isoformat(), m.jurisdiction, m.kind, m.what)
        for m in timeline(small_catalog, Selection(on=dt.date(2026, 12, 31)))
    ]
    assert rows == [
        ("2024-01-10", "XA", "adopted", "xa-law@1 adopted"),
        ("2024-06-01", "XA", "in-force", "xa-law@1 in-force"),
        ("2024-09-01", "XA", "applies", "xa-law@1 applies for R2"),
        ("2025-01-01", "XA", "applies", "xa-law@1 applies"),
        ("2026-02-01", "XA", "adopted", "xa-law@2 adopted"),
        ("2024-01-01", "XB", "applies", "xb-label@1 applies"),
    ]
