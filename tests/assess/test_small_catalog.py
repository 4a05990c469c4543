"""Applicability's date logic and the verdicts of an assessment, on the small catalog
written for the tests (tests/assets/catalog/): a law of market XA in two editions (its
reporting duty R2 applies four months before the rest; the second edition asks five years
of support instead of two), a label of market XB with two levels, and a standard whose S1
is deemed to meet the law's R1 from 2025-06-01."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from prodsec.assess.applicability import Answer, applies
from prodsec.assess.evaluate import assess
from prodsec.assess.index import short_of
from prodsec.assess.judge import Judge
from prodsec.assess.profile import ClaimStatus, RequirementClaim, load_profile
from prodsec.assess.verdicts import Assessment, InstrumentResult
from prodsec.catalog import Catalog
from prodsec.catalog.model import Mapping
from prodsec.catalog.vocab import Confidence, Provenance, Rationale, Relationship, ReviewStatus


def ask(catalog: Catalog, category: str, on: str, *features: str) -> Answer:
    return applies(catalog, category, ["XA", "XB"], dt.date.fromisoformat(on), features)


def findings(answer: Answer) -> dict[tuple[str, str], tuple[str, str]]:
    return {
        (m.market.id, f.instrument.key): (f.state.value, f.reason)
        for m in answer.markets
        for f in m.findings
    }


def law(answer: Answer) -> list[tuple[str, str, bool]]:
    """The law's obligations in market XA: ref, first day, in effect on the day."""
    [xa] = [m for m in answer.markets if m.market.id == "XA"]
    [f] = [f for f in xa.findings if f.instrument.id == "xa-law"]
    return [(o.ref, o.applies_from.isoformat(), o.in_effect) for o in f.obligations]


def test_before_the_law_applies_it_is_upcoming_and_offers_are_voluntary(
    small_catalog: Catalog,
) -> None:
    answer = ask(small_catalog, "camera", "2024-06-01")
    assert findings(answer) == {
        ("XA", "xa-law@1"): ("upcoming", "applies from 2024-09-01"),
        ("XA", "xx-std@1"): ("voluntary", "voluntary; on offer to the product"),
        ("XB", "xb-label@1"): ("voluntary", "voluntary; on offer to the product"),
        ("XB", "xx-std@1"): ("voluntary", "voluntary; on offer to the product"),
    }
    # a camera that cannot be updated: the condition of R4 does not hold
    assert law(answer) == [
        ("R1", "2025-01-01", False),
        ("R2", "2024-09-01", False),
        ("R3", "2025-01-01", False),
    ]
    [xa, _] = answer.markets
    assert xa.findings[0].not_applicable == ("R4",)


def test_a_duty_with_its_own_date_binds_before_the_rest(small_catalog: Catalog) -> None:
    answer = ask(small_catalog, "camera", "2024-10-01", "updatable")
    assert findings(answer)[("XA", "xa-law@1")] == ("binds", "applies since 2024-09-01")
    assert law(answer) == [
        ("R1", "2025-01-01", False),
        ("R2", "2024-09-01", True),
        ("R3", "2025-01-01", False),
        ("R4", "2025-01-01", False),
    ]


def test_a_new_edition_keeps_each_duty_s_first_day_and_the_edge_from_its_start(
    small_catalog: Catalog,
) -> None:
    before = ask(small_catalog, "camera", "2025-05-31", "updatable")
    [xa, _] = before.markets
    assert xa.findings[0].recognitions == ()
    answer = ask(small_catalog, "camera", "2027-06-01", "updatable")
    assert findings(answer)[("XA", "xa-law@2")] == (
        "binds",
        "applies since 2024-09-01; this edition since 2027-01-01",
    )
    assert law(answer) == [
        ("R1", "2025-01-01", True),
        ("R2", "2024-09-01", True),
        ("R3", "2025-01-01", True),
        ("R4", "2025-01-01", True),
    ]
    [xa, xb] = answer.markets
    assert [e.id for e in xa.findings[0].recognitions] == ["xx-s1-deems-r1"]
    assert [[e.id for e in f.grants] for f in xb.findings] == [[], ["xx-s1-deems-r1"]]


def test_an_excluded_category_is_told_why(small_catalog: Catalog) -> None:
    answer = ask(small_catalog, "laptop", "2026-01-01")
    assert findings(answer)[("XA", "xa-law@1")] == ("excluded", "Laptops are out of scope.")


# --- verdicts ------------------------------------------------------------------------

CAMERA = """\
manufacturer: Example Maker
model: Cam 1
category: camera
markets: [XA, XB]
features: [updatable]
"""


def run(catalog: Catalog, folder: Path, on: str, extra: str) -> Assessment:
    path = folder / "product.yaml"
    path.write_text(CAMERA + extra, encoding="utf-8")
    return assess(catalog, load_profile(path, catalog), dt.date.fromisoformat(on))


def result(a: Assessment, key: str) -> InstrumentResult:
    [found] = [r for r in a.instruments if r.instrument.key == key]
    return found


def judged(r: InstrumentResult) -> list[tuple[str, str, tuple[str, ...], str | None]]:
    return [(j.ref, j.verdict.value, j.reasons, j.edge) for j in r.requirements]


Level = tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def labels(a: Assessment) -> list[Level]:
    """Each level: id, eligibility, reasons, the refs not met and the refs unknown."""
    return [(x.level.id, x.status.value, x.reasons, x.missing, x.unknown) for x in a.labels]


CLAIMS = """\
claims:
  - {block: unique-passwords, met: true}
  - {block: reporting-contact, met: true, parameters: {answer_days: 14}}
  - {block: support-period, met: true, parameters: {min_years: 3}}
  - {block: signed-updates, met: false}
"""


def test_verdicts_follow_claims_parameters_and_the_deeming_edge(
    small_catalog: Catalog, tmp_path: Path
) -> None:
    a = run(small_catalog, tmp_path, "2026-06-01", CLAIMS)
    assert [r.instrument.key for r in a.instruments] == ["xa-law@1"]
    r = result(a, "xa-law@1")
    assert (r.state.value, r.standing.value, r.markets) == ("binds", "not-compliant", ("XA",))
    assert judged(r) == [
        # S1 maps onto the same block, claimed met: the standard is deemed to meet R1
        (
            "R1",
            "met",
            ("deemed compliance through xx-s1-deems-r1: xx-std@1 S1 met",),
            "xx-s1-deems-r1",
        ),
        # 14 days is within 30 (lower is stricter); 3 years is over 2 (higher is stricter)
        ("R2", "met", ("reporting-contact: claimed met",), None),
        ("R3", "met", ("support-period: claimed met",), None),
        ("R4", "not-met", ("signed-updates: claimed not met",), None),
    ]
    assert a.all_binding_met is False


def test_the_second_edition_asks_more_than_the_claim_gives(
    small_catalog: Catalog, tmp_path: Path
) -> None:
    a = run(small_catalog, tmp_path, "2027-06-01", CLAIMS)
    [r3] = [j for j in result(a, "xa-law@2").requirements if j.ref == "R3"]
    assert (r3.verdict.value, r3.reasons) == (
        "not-met",
        ("support-period: min_years is 3 where 5 is needed",),
    )


def test_a_missing_value_is_unknown_and_an_unmet_condition_not_applicable(
    small_catalog: Catalog, tmp_path: Path
) -> None:
    claims = """\
claims:
  - {block: unique-passwords, met: true}
  - {block: reporting-contact, met: true}
  - {block: support-period, met: true, parameters: {min_years: 2}}
"""
    path = tmp_path / "product.yaml"
    path.write_text(CAMERA.replace("features: [updatable]\n", "") + claims, encoding="utf-8")
    a = assess(small_catalog, load_profile(path, small_catalog), dt.date(2026, 6, 1))
    r = result(a, "xa-law@1")
    assert r.standing.value == "incomplete"
    assert judged(r)[1:] == [
        (
            "R2",
            "unknown",
            ("reporting-contact: claimed met, but answer_days is not given (30 needed)",),
            None,
        ),
        ("R3", "met", ("support-period: claimed met",), None),
        (
            "R4",
            "not-applicable",
            ("condition upd does not hold: The product can be updated",),
            None,
        ),
    ]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # 14 days is too slow for the label's 7: level 1 fails on L2; level 2 (cumulative)
        # too, and on L3's unmet updates; of the SBOM (L4) it knows nothing
        (
            CLAIMS,
            [
                ("1", "not-eligible", ("requirements not met",), ("L2",), ()),
                ("2", "not-eligible", ("requirements not met",), ("L2", "L3"), ("L4",)),
            ],
        ),
        # every level-1 requirement met; level 2's L3 has one block met and one unknown
        (
            CLAIMS.replace("answer_days: 14", "answer_days: 5").replace(
                "signed-updates, met: false", "signed-updates, met: true"
            ),
            [
                ("1", "eligible", ("every requirement of the level met",), (), ()),
                ("2", "unknown", ("evidence missing",), (), ("L3", "L4")),
            ],
        ),
        # L3 has one block met and one not: partly met counts as not met
        (
            CLAIMS.replace("answer_days: 14", "answer_days: 5").replace(
                "signed-updates, met: false", "signed-updates, met: true"
            )
            + "  - {block: sbom, met: false}\n",
            [
                ("1", "eligible", ("every requirement of the level met",), (), ()),
                ("2", "not-eligible", ("requirements not met",), ("L3", "L4"), ()),
            ],
        ),
        # a label held at level 2 covers level 1 too
        (
            "labels:\n  - {scheme: xb-label, level: '2', valid_from: 2025-01-01, valid_until: 2026-12-31}\n",
            [
                ("1", "held", ("held (level 2) until 2026-12-31",), (), ()),
                ("2", "held", ("held until 2026-12-31",), (), ()),
            ],
        ),
    ],
)
def test_label_levels(
    small_catalog: Catalog,
    tmp_path: Path,
    extra: str,
    expected: list[Level],
) -> None:
    assert labels(run(small_catalog, tmp_path, "2026-06-01", extra)) == expected


def test_a_requirement_over_two_blocks_is_partly_met_when_one_fails(
    small_catalog: Catalog, tmp_path: Path
) -> None:
    path = tmp_path / "product.yaml"
    claims = "claims:\n  - {block: signed-updates, met: true}\n  - {block: sbom, met: false}\n"
    path.write_text(CAMERA + claims, encoding="utf-8")
    judge = Judge(small_catalog, load_profile(path, small_catalog), dt.date(2026, 6, 1))
    scheme = small_catalog.instrument("xb-label@1")
    found = [
        (j.verdict.value, j.reasons, [(f.block, f.verdict.value) for f in j.blocks])
        for j in (judge.requirement(scheme, r) for r in scheme.requirements)
    ]
    assert found == [
        ("unknown", ("unique-passwords: nothing claimed",), [("unique-passwords", "unknown")]),
        ("unknown", ("reporting-contact: nothing claimed",), [("reporting-contact", "unknown")]),
        (
            "partially-met",
            ("signed-updates: claimed met", "sbom: claimed not met"),
            [("signed-updates", "met"), ("sbom", "not-met")],
        ),
        ("not-met", ("sbom: claimed not met",), [("sbom", "not-met")]),
    ]


def test_blocks_that_only_intersect_a_requirement_leave_it_partly_met(
    small_catalog: Catalog, tmp_path: Path
) -> None:
    """xx-std S4 maps onto signed-updates by intersects-with alone: the block claimed met
    makes it partially met, with what the block leaves out; a claim of S4 makes it met."""
    path = tmp_path / "product.yaml"
    path.write_text(CAMERA + "claims:\n  - {block: signed-updates, met: true}\n", "utf-8")
    profile = load_profile(path, small_catalog)
    standard = small_catalog.instrument("xx-std@1")
    [s4] = [r for r in standard.requirements if r.ref == "S4"]
    found = Judge(small_catalog, profile, dt.date(2026, 6, 1)).requirement(standard, s4)
    assert (found.verdict.value, found.reasons) == (
        "partially-met",
        (
            "signed-updates: claimed met",
            "its blocks only intersect it and leave out what it asks beyond them; "
            "a claim of the requirement with evidence closes it",
        ),
    )
    claimed = dataclasses.replace(
        profile,
        requirement_claims=(
            RequirementClaim("xx-std@1:S4", ClaimStatus.MET, evidence=("test report 7",)),
        ),
    )
    found = Judge(small_catalog, claimed, dt.date(2026, 6, 1)).requirement(standard, s4)
    assert (found.verdict.value, found.reasons) == ("met", ("claimed met (test report 7)",))


def test_a_joint_set_of_blocks_may_cover_a_requirement() -> None:
    def mapping(block: str, **extra: object) -> Mapping:
        return Mapping(
            ref="R1",
            block=block,
            relationship=Relationship.INTERSECTS_WITH,
            rationale=Rationale.SEMANTIC,
            provenance=Provenance.OUR_ANALYSIS,
            status=ReviewStatus.DRAFT,
            confidence=Confidence.SECONDARY,
            **extra,  # type: ignore[arg-type]
        )

    assert short_of([mapping("a", joint=True), mapping("b", joint=True)]) is None
    assert short_of([mapping("a", note="Only the contact.")]) == (
        "its blocks only intersect it and leave out what it asks beyond them "
        "(a: Only the contact); a claim of the requirement with evidence closes it"
    )
    assert short_of([]) is None
    with pytest.raises(ValueError, match="'joint' marks an intersects-with mapping onto a block"):
        Mapping(
            ref="R1",
            block="a",
            relationship=Relationship.EQUAL,
            rationale=Rationale.SEMANTIC,
            provenance=Provenance.OUR_ANALYSIS,
            status=ReviewStatus.DRAFT,
            confidence=Confidence.SECONDARY,
            joint=True,
        )
